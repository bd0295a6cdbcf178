#include "verifier/bundle_check.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ledger/core/directory/fold.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/envelope.h"
#include "ledger/core/key_registry.h"
#include "ledger/core/merkle.h"
#include "ledger/core/sha256.h"
#include "verifier/draw_checks.h"

namespace suiji {

namespace {

using nlohmann::json;

constexpr char kSep = '\x1f';

// --- parsing the document (types checked explicitly: a bundle is untrusted input) ---

struct BundleItem {
  uint64_t sequence = 0;
  std::string type;  // as the bundle states it; checked against the bytes
  Bytes bytes;
  std::vector<Hash> path;
};

struct ParsedBundle {
  std::string ledger;
  std::string draw_id;
  std::string verifier_key;
  std::string note;
  std::vector<BundleItem> items;
  std::vector<std::string> targets;
  std::vector<std::string> inspectors;
  std::vector<std::string> experts;
  std::set<std::pair<std::string, std::string>> conflicts;  // (inspector id, credit code)
  std::map<std::string, std::vector<std::string>, std::less<>> previous_teams;
};

Status Malformed(const std::string& where, std::string_view what) {
  return InvalidArgument("the bundle is malformed: " + where + " " + std::string(what));
}

StatusOr<const json*> Member(const json& obj, const std::string& where, const char* key) {
  if (!obj.is_object()) return Malformed(where, "is not an object");
  auto it = obj.find(key);
  if (it == obj.end()) return Malformed(where.empty() ? key : where + "." + key, "is missing");
  return &*it;
}

StatusOr<std::string> String(const json& obj, const std::string& where, const char* key) {
  SUIJI_ASSIGN_OR_RETURN(const json* v, Member(obj, where, key));
  if (!v->is_string()) return Malformed(where.empty() ? key : where + "." + key, "is not a string");
  return v->get<std::string>();
}

StatusOr<std::vector<std::string>> Strings(const json& v, const std::string& where) {
  if (!v.is_array()) return Malformed(where, "is not an array");
  std::vector<std::string> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) return Malformed(where + "[" + std::to_string(i) + "]", "is not a string");
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

StatusOr<BundleItem> ParseItem(const json& e, const std::string& where) {
  BundleItem item;
  SUIJI_ASSIGN_OR_RETURN(const json* seq, Member(e, where, "sequence"));
  if (!seq->is_number_unsigned()) return Malformed(where + ".sequence", "is not a whole number");
  item.sequence = seq->get<uint64_t>();
  SUIJI_ASSIGN_OR_RETURN(item.type, String(e, where, "type"));
  SUIJI_ASSIGN_OR_RETURN(std::string b64, String(e, where, "entry"));
  auto bytes = FromBase64(b64);
  if (!bytes.ok()) return Malformed(where + ".entry", "is not base64");
  item.bytes = std::move(*bytes);
  SUIJI_ASSIGN_OR_RETURN(const json* path, Member(e, where, "path"));
  SUIJI_ASSIGN_OR_RETURN(std::vector<std::string> hashes, Strings(*path, where + ".path"));
  for (size_t i = 0; i < hashes.size(); ++i) {
    auto h = FromBase64(hashes[i]);
    if (!h.ok() || h->size() != 32) {
      return Malformed(where + ".path[" + std::to_string(i) + "]", "is not a base64 SHA-256 hash");
    }
    Hash hash{};
    std::copy(h->begin(), h->end(), hash.begin());
    item.path.push_back(hash);
  }
  return item;
}

StatusOr<ParsedBundle> ParseBundle(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("the bundle is not JSON");
  ParsedBundle b;
  SUIJI_ASSIGN_OR_RETURN(std::string format, String(doc, "", "format"));
  if (format != kBundleFormat) {
    return InvalidArgument("the bundle's format is \"" + format + "\", not " +
                           std::string(kBundleFormat));
  }
  SUIJI_ASSIGN_OR_RETURN(b.ledger, String(doc, "", "ledger"));
  SUIJI_ASSIGN_OR_RETURN(b.draw_id, String(doc, "", "draw"));
  SUIJI_ASSIGN_OR_RETURN(const json* cp, Member(doc, "", "checkpoint"));
  SUIJI_ASSIGN_OR_RETURN(b.verifier_key, String(*cp, "checkpoint", "verifier_key"));
  SUIJI_ASSIGN_OR_RETURN(b.note, String(*cp, "checkpoint", "note"));
  SUIJI_ASSIGN_OR_RETURN(const json* entries, Member(doc, "", "entries"));
  if (!entries->is_array()) return Malformed("entries", "is not an array");
  for (size_t i = 0; i < entries->size(); ++i) {
    SUIJI_ASSIGN_OR_RETURN(BundleItem item,
                           ParseItem((*entries)[i], "entries[" + std::to_string(i) + "]"));
    b.items.push_back(std::move(item));
  }
  SUIJI_ASSIGN_OR_RETURN(const json* frozen, Member(doc, "", "frozen"));
  SUIJI_ASSIGN_OR_RETURN(const json* t, Member(*frozen, "frozen", "targets"));
  SUIJI_ASSIGN_OR_RETURN(b.targets, Strings(*t, "frozen.targets"));
  SUIJI_ASSIGN_OR_RETURN(const json* in, Member(*frozen, "frozen", "inspectors"));
  SUIJI_ASSIGN_OR_RETURN(b.inspectors, Strings(*in, "frozen.inspectors"));
  SUIJI_ASSIGN_OR_RETURN(const json* ex, Member(*frozen, "frozen", "experts"));
  SUIJI_ASSIGN_OR_RETURN(b.experts, Strings(*ex, "frozen.experts"));
  SUIJI_ASSIGN_OR_RETURN(const json* team, Member(doc, "", "team_inputs"));
  SUIJI_ASSIGN_OR_RETURN(const json* conflicts, Member(*team, "team_inputs", "conflicts"));
  if (!conflicts->is_array()) return Malformed("team_inputs.conflicts", "is not an array");
  for (size_t i = 0; i < conflicts->size(); ++i) {
    const std::string where = "team_inputs.conflicts[" + std::to_string(i) + "]";
    SUIJI_ASSIGN_OR_RETURN(std::string inspector, String((*conflicts)[i], where, "inspector"));
    SUIJI_ASSIGN_OR_RETURN(std::string code, String((*conflicts)[i], where, "credit_code"));
    b.conflicts.emplace(std::move(inspector), std::move(code));
  }
  SUIJI_ASSIGN_OR_RETURN(const json* previous, Member(*team, "team_inputs", "previous_teams"));
  if (!previous->is_array()) return Malformed("team_inputs.previous_teams", "is not an array");
  for (size_t i = 0; i < previous->size(); ++i) {
    const std::string where = "team_inputs.previous_teams[" + std::to_string(i) + "]";
    SUIJI_ASSIGN_OR_RETURN(std::string code, String((*previous)[i], where, "credit_code"));
    SUIJI_ASSIGN_OR_RETURN(const json* members, Member((*previous)[i], where, "team"));
    SUIJI_ASSIGN_OR_RETURN(std::vector<std::string> ids, Strings(*members, where + ".team"));
    if (!b.previous_teams.emplace(code, std::move(ids)).second) {
      return Malformed(where, "repeats credit code " + code);
    }
  }
  return b;
}

// --- the frozen lists: leaf lines back into populations ---

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t at = line.find(kSep, start);
    out.push_back(line.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Each parsed line must format back to exactly itself, so the lines hash to the same root as
// the population recomputed from them (no second reading of a line is possible).
StatusOr<draw::Population> ParseFrozen(const ParsedBundle& b) {
  draw::Population pop;
  auto bad = [](std::string_view list, size_t i) {
    return DataLoss("frozen " + std::string(list) + " line " + std::to_string(i) +
                    " is not a leaf line of docs/draw-protocol.md §2.4");
  };
  for (size_t i = 0; i < b.targets.size(); ++i) {
    auto f = SplitFields(b.targets[i]);
    if (f.size() != 5 || f[0] != "T" || f[3].empty() || f[3].size() > 10 ||
        f[3].find_first_not_of("0123456789") != std::string_view::npos) {
      return bad("target", i);
    }
    const uint64_t weight = std::stoull(std::string(f[3]));
    if (weight == 0 || weight > UINT32_MAX) return bad("target", i);
    draw::EligibleTarget t{std::string(f[1]), std::string(f[2]), static_cast<uint32_t>(weight),
                           std::string(f[4])};
    if (draw::TargetLeaf(t) != b.targets[i]) return bad("target", i);
    pop.targets.push_back(std::move(t));
  }
  for (size_t i = 0; i < b.inspectors.size(); ++i) {
    auto f = SplitFields(b.inspectors[i]);
    if (f.size() != 3 || f[0] != "I" || (f[2] != "0" && f[2] != "1")) return bad("inspector", i);
    draw::EligibleInspector x{std::string(f[1]), f[2] == "1"};
    if (draw::InspectorLeaf(x) != b.inspectors[i]) return bad("inspector", i);
    pop.inspectors.push_back(std::move(x));
  }
  for (size_t i = 0; i < b.experts.size(); ++i) {
    auto f = SplitFields(b.experts[i]);
    if (f.size() != 2 || f[0] != "E") return bad("expert", i);
    draw::EligibleInspector x{std::string(f[1]), true};
    if (draw::ExpertLeaf(x) != b.experts[i]) return bad("expert", i);
    pop.experts.push_back(std::move(x));
  }
  return pop;
}

// Directory events (100..199) hold internal data (headcounts, credit records, inspectors'
// details, conflict reasons); the item list, org units and the holiday calendar are public
// anyway. CreditReevaluated (321), which the directory fold also applies, is an inspection
// follow-up whose fields are all public: a draw's bundle carries it (docs/proof-bundle.md).
bool IsInternalDirectoryEvent(EventType type) {
  return directory::IsDirectoryEvent(type) && type != EventType::CreditReevaluated &&
         type != EventType::OrgUnitRegistered && type != EventType::ItemListPublished &&
         type != EventType::CalendarPublished;
}

bool IsKeyEvent(EventType type) {
  return type == EventType::Genesis || type == EventType::KeyRegistered ||
         type == EventType::KeyRevoked;
}

// The draw id a ceremony event (220..225) names, or "" if it cannot be decoded.
std::string DrawIdOf(const EntryView& e) {
  const ByteView p = e.payload();
  switch (e.type()) {
    case EventType::DrawFrozen: {
      auto f = draw::DecodeFreeze(p);
      return f.ok() ? f->draw_id : "";
    }
    case EventType::DrawCommitted: {
      auto c = draw::DecodeCommit(p);
      return c.ok() ? c->draw_id : "";
    }
    case EventType::DrawRevealed: {
      auto r = draw::DecodeReveal(p);
      return r.ok() ? r->draw_id : "";
    }
    case EventType::DrawResult: {
      auto r = draw::DecodeResultPart(p);
      return r.ok() ? r->draw_id : "";
    }
    case EventType::DrawCancelled: {
      auto c = draw::DecodeCancel(p);
      return c.ok() ? c->draw_id : "";
    }
    case EventType::AssignmentDeclined: {
      auto d = draw::DecodeDecline(p);
      return d.ok() ? d->draw_id : "";
    }
    default: return "";
  }
}

// "T1-d3" -> 3 when the id is task + "-d" + a number without leading zeros; else 0.
uint64_t DrawNumber(std::string_view draw_id, std::string_view task_id) {
  const std::string prefix = std::string(task_id) + "-d";
  if (draw_id.size() <= prefix.size() || draw_id.substr(0, prefix.size()) != prefix) return 0;
  std::string_view n = draw_id.substr(prefix.size());
  if (n.size() > 9 || n[0] == '0' || n.find_first_not_of("0123456789") != std::string_view::npos) {
    return 0;
  }
  return std::stoull(std::string(n));
}

std::string Hex(const Hash& h) { return ToHex(ByteView(h)); }

class BundleChecker {
 public:
  explicit BundleChecker(const BundleCheckOptions& options) : options_(options) {}

  BundleReport Run(std::string_view text) {
    auto parsed = ParseBundle(text);
    if (!parsed.ok()) {
      Fail(std::nullopt, parsed.status().message());
      return std::move(r_);
    }
    b_ = std::move(*parsed);
    r_.ledger_id = b_.ledger;
    r_.draw_id = b_.draw_id;
    const bool checkpoint_read = CheckCheckpoint();
    if (checkpoint_read) {
      CheckEntries();
      CheckSignatures();
      CheckDraw();
    }
    return std::move(r_);
  }

 private:
  struct Entry {
    const BundleItem* item = nullptr;
    EntryView view;
    std::string type;  // event type name
    std::string at;    // "entry 12 (DrawRevealed)"
  };

  void Fail(std::optional<uint64_t> seq, std::string what) {
    r_.failures.push_back({seq, std::move(what)});
  }

  // The checkpoint: signature by the published key, origin. False if it cannot be read at
  // all (then no inclusion proof can be checked).
  bool CheckCheckpoint() {
    auto own = ParseVerifierKey(b_.verifier_key);
    if (options_.key) {
      key_ = *options_.key;
      if (own.ok() && (own->name != key_.name || own->public_key != key_.public_key)) {
        r_.notes.push_back("the bundle names verifier key " + b_.verifier_key +
                           "; the checkpoint was checked against the key given instead");
      }
    } else {
      if (!own.ok()) {
        Fail(std::nullopt, "checkpoint: the bundle's verifier key is malformed: " +
                               own.status().message());
        return false;
      }
      key_ = *own;
      r_.key_from_bundle = true;
      r_.warnings.push_back(
          "no --key given: the checkpoint was checked against the bundle's own key " +
          b_.verifier_key +
          ". Compare it with the verifier key the bureau publishes: anyone can make a bundle "
          "that verifies against a key of their own");
    }
    r_.verifier_key = VerifierKeyString(key_.name, key_.public_key);
    auto note = ParseNote(b_.note);
    if (!note.ok()) {
      Fail(std::nullopt, "checkpoint: not a signed note: " + note.status().message());
      return false;
    }
    auto cp = ParseCheckpoint(note->text);
    if (!cp.ok()) {
      Fail(std::nullopt, "checkpoint: " + cp.status().message());
      return false;
    }
    checkpoint_ = *cp;
    r_.checkpoint_size = cp->size;
    r_.checkpoint_root = Hex(cp->root);
    Status s = VerifyNote(*note, key_.name, key_.public_key);
    if (!s.ok()) {
      Fail(std::nullopt, "checkpoint: the signature does not verify against key " +
                             r_.verifier_key + ": " + s.message());
    }
    if (cp->origin != b_.ledger) {
      Fail(std::nullopt, "checkpoint: its origin is \"" + cp->origin + "\", not the bundle's "
                         "ledger \"" + b_.ledger + "\"");
    }
    return true;
  }

  // Each entry: well-formed, of this ledger, in order, and included under the checkpoint.
  void CheckEntries() {
    std::optional<uint64_t> last;
    for (size_t i = 0; i < b_.items.size(); ++i) {
      const BundleItem& item = b_.items[i];
      const uint64_t seq = item.sequence;
      std::string at = "entry " + std::to_string(seq);
      if (last && seq <= *last) {
        Fail(seq, at + ": entries are not in increasing sequence order (after entry " +
                      std::to_string(*last) + ")");
        continue;
      }
      last = seq;
      auto view = ParseEntry(item.bytes);
      if (!view.ok()) {
        Fail(seq, at + ": not a well-formed entry (its bytes were changed?): " +
                      view.status().message());
        continue;
      }
      const std::string type(EventTypeName(view->type()));
      at += " (" + type + ")";
      if (view->sequence() != seq) {
        Fail(seq, at + ": its bytes carry sequence " + std::to_string(view->sequence()));
      }
      if (item.type != type) {
        Fail(seq, at + ": the bundle calls it " + item.type);
      }
      if (view->ledger_id() != b_.ledger) {
        Fail(seq, at + ": belongs to ledger \"" + std::string(view->ledger_id()) + "\"");
      }
      if (seq >= checkpoint_.size) {
        Fail(seq, at + ": not covered by the checkpoint of size " +
                      std::to_string(checkpoint_.size));
      } else {
        Status incl = VerifyInclusion(seq, checkpoint_.size, LeafHash(item.bytes), item.path,
                                      checkpoint_.root);
        if (!incl.ok()) {
          Fail(seq, at + ": its inclusion proof does not lead to the checkpoint's root" +
                        (incl.code() == StatusCode::kDataLoss ? std::string()
                                                               : " (" + incl.message() + ")"));
          }
      }
      if (Status p = VerifyPayload(view->type(), view->payload()); !p.ok()) {
        Fail(seq, at + ": malformed payload: " + p.message());
        continue;
      }
      if (IsInternalDirectoryEvent(view->type())) {
        Fail(seq, at + ": a directory event, which holds internal data: a public bundle never "
                      "carries one");
        continue;
      }
      // An entry whose proof failed is still read for what else it shows (it has failed).
      entries_.push_back({&item, *view, type, at});
    }
  }

  // Signatures against the keys folded from the Genesis and key events in the bundle.
  void CheckSignatures() {
    if (entries_.empty() || entries_.front().view.sequence() != 0 ||
        entries_.front().view.type() != EventType::Genesis) {
      Fail(0, "the bundle lacks Genesis (entry 0): no signature can be checked without the "
              "root key it names");
      return;
    }
    for (const Entry& e : entries_) {
      const uint64_t seq = e.view.sequence();
      auto signer = keys_.ResolveSigner(e.view);
      if (!signer.ok()) {
        Fail(seq, e.at + ": " + signer.status().message() +
                      (e.view.type() == EventType::Genesis
                           ? std::string()
                           : " (by the key events in the bundle)"));
        continue;
      }
      if (!VerifySignature(*signer, e.view.body, e.view.signature)) {
        Fail(seq, e.at + ": the signature does not verify against key " +
                      std::string(e.view.key_id()) + " (the signed bytes were changed)");
        continue;
      }
      if (Status applied = keys_.Apply(e.view); !applied.ok()) {
        Fail(seq, e.at + ": " + applied.message());
        continue;
      }
      if (seq == 0) {
        r_.root_key_id = KeyIdOf(*signer);
        if (keys_.ledger_id() != b_.ledger) {
          Fail(0, e.at + ": Genesis names ledger \"" + keys_.ledger_id() + "\"");
        }
        if (!options_.expected_root_key.empty() &&
            options_.expected_root_key != r_.root_key_id &&
            options_.expected_root_key != ToHex(ByteView(*signer))) {
          Fail(0, e.at + ": root key " + r_.root_key_id + " is not the expected root key " +
                      options_.expected_root_key);
        }
      }
    }
    bool in_force = false;
    for (const KeyInfo* k : keys_.CheckpointKeysAt(checkpoint_.size)) {
      in_force = in_force || k->public_key == key_.public_key;
    }
    if (!in_force) {
      Fail(std::nullopt, "checkpoint: key " + r_.verifier_key +
                             " is not a checkpoint key in force at size " +
                             std::to_string(checkpoint_.size) +
                             " by the key events in the bundle");
    }
  }

  // The task's record folded by the ceremony's rules, and the named draw recomputed.
  void CheckDraw() {
    // The named draw's freeze says which task it belongs to.
    for (const Entry& e : entries_) {
      if (e.view.type() != EventType::DrawFrozen) continue;
      auto f = draw::DecodeFreeze(e.view.payload());
      if (f.ok() && f->draw_id == b_.draw_id) task_id_ = f->task_id;
    }
    if (task_id_.empty()) {
      Fail(std::nullopt, "the bundle holds no DrawFrozen of draw " + b_.draw_id);
      Classify();
      return;
    }
    r_.task_id = task_id_;
    if (!LoadTaskAndPlan()) {
      Classify();
      return;
    }
    Classify();
    auto pop = ParseFrozen(b_);
    if (!pop.ok()) {
      Fail(std::nullopt, pop.status().message());
    } else {
      inputs_.population = std::move(*pop);
      inputs_.conflicts = b_.conflicts;
      inputs_.IndexConflicts();
      for (const auto& [code, team] : b_.previous_teams) inputs_.previous_teams[code] = team;
      population_read_ = true;
    }
    r_.targets = b_.targets.size();
    r_.inspectors = b_.inspectors.size();
    r_.experts = b_.experts.size();
    r_.conflicts = b_.conflicts.size();
    r_.previous_teams = b_.previous_teams.size();
    for (const Entry& e : entries_) {
      if (roles_[e.view.sequence()] != "draw") continue;
      if (!FoldEvent(e)) break;
    }
    Summarise();
  }

  // The TaskDefined of the task and the plan version in force when it was defined.
  bool LoadTaskAndPlan() {
    const Entry* task_entry = nullptr;
    for (const Entry& e : entries_) {
      if (e.view.type() != EventType::TaskDefined) continue;
      auto t = draw::DecodeTask(e.view.payload());
      if (!t.ok() || t->task_id != task_id_) continue;
      if (task_entry != nullptr) {
        Fail(e.view.sequence(), e.at + ": a second TaskDefined of task " + task_id_);
        return false;
      }
      task_entry = &e;
      task_.task = std::move(*t);
    }
    if (task_entry == nullptr) {
      Fail(std::nullopt, "the bundle lacks the TaskDefined of task " + task_id_ +
                             ": the commitment's parameter hash cannot be checked");
      return false;
    }
    const ByteView payload = task_entry->view.payload();
    task_.payload.assign(payload.begin(), payload.end());
    task_.sequence = task_entry->view.sequence();
    task_seq_ = task_.sequence;
    const draw::PlanInfo* plan = nullptr;
    draw::PlanInfo latest;
    for (const Entry& e : entries_) {
      if (e.view.type() != EventType::PlanFiled || e.view.sequence() > task_.sequence) continue;
      auto p = draw::DecodePlan(e.view.payload());
      if (!p.ok() || p->plan_id != task_.task.plan_id) continue;
      latest = draw::PlanInfo{std::move(*p), e.view.sequence()};
      plan = &latest;
    }
    if (plan == nullptr) {
      Fail(std::nullopt, "the bundle lacks the PlanFiled of plan " + task_.task.plan_id +
                             " before task " + task_id_ + " (entry " +
                             std::to_string(task_.sequence) + ")");
      return false;
    }
    const std::string at = "entry " + std::to_string(task_.sequence) + " (TaskDefined)";
    if (plan->plan.org_id != task_.task.org_id) {
      Fail(task_.sequence, at + ": task " + task_id_ + " of " + task_.task.org_id +
                               " is filed under plan " + plan->plan.plan_id + " of " +
                               plan->plan.org_id);
    }
    if (task_.task.window_start.substr(0, 4) != std::to_string(plan->plan.year)) {
      Fail(task_.sequence, at + ": the task's window starts outside its plan's year " +
                               std::to_string(plan->plan.year));
    }
    task_.year = plan->plan.year;
    world_.plans[plan->plan.plan_id] = *plan;
    world_.tasks[task_id_] = task_;
    return true;
  }

  // Each entry's role from its own content; the task's draws are those its freezes name.
  void Classify() {
    std::set<std::string> draws;
    for (const Entry& e : entries_) {
      if (e.view.type() != EventType::DrawFrozen) continue;
      auto f = draw::DecodeFreeze(e.view.payload());
      if (f.ok() && f->task_id == task_id_ && !task_id_.empty()) draws.insert(f->draw_id);
    }
    for (const Entry& e : entries_) {
      const EventType type = e.view.type();
      std::string role = "extra";
      if (IsKeyEvent(type)) {
        role = "key";
      } else if (type == EventType::PlanFiled && task_seq_ != 0) {
        auto p = draw::DecodePlan(e.view.payload());
        if (p.ok() && p->plan_id == task_.task.plan_id && e.view.sequence() < task_seq_) {
          role = "plan";
        }
      } else if (type == EventType::TaskDefined && e.view.sequence() == task_seq_ &&
                 task_seq_ != 0) {
        role = "task";
      } else if (type == EventType::TaskWithdrawn) {
        auto w = draw::DecodeTaskWithdrawn(e.view.payload());
        if (w.ok() && w->task_id == task_id_) role = "draw";
      } else if (static_cast<uint16_t>(type) >= static_cast<uint16_t>(EventType::DrawFrozen) &&
                 static_cast<uint16_t>(type) <= static_cast<uint16_t>(EventType::AssignmentDeclined)) {
        const std::string id = DrawIdOf(e.view);
        // A ceremony event of a draw whose freeze is missing still belongs to the task if its
        // id says so: the fold then reports the gap.
        if (draws.count(id) > 0 || (!task_id_.empty() && DrawNumber(id, task_id_) > 0)) {
          role = "draw";
        }
      }
      roles_[e.view.sequence()] = role;
      BundleEntry summary{e.view.sequence(), e.type, role};
      r_.entries.push_back(summary);
      if (role == "extra") r_.extras.push_back(summary);
    }
  }

  // Folds one event of the task; false when the fold refuses it (the rest is not checked).
  bool FoldEvent(const Entry& e) {
    const uint64_t seq = e.view.sequence();
    const EventType type = e.view.type();
    const std::string id = DrawIdOf(e.view);
    Status s = world_.Apply(e.view);
    if (!s.ok()) {
      Fail(seq, e.at + ": the event is not allowed here: " + s.message() +
                    " (an event of the task is missing from the bundle, or this one was "
                    "altered); the events after it were not checked");
      return false;
    }
    if (id != b_.draw_id) return true;
    const draw::DrawInfo* d = world_.Draw(id);
    if (d == nullptr) return true;
    DrawFindings found;
    switch (type) {
      case EventType::DrawFrozen: CheckFrozenLists(e, *d); break;
      case EventType::DrawCommitted: {
        r_.commit_number = world_.tasks[task_id_].commits;
        auto entropy = CheckCommitment(id, d->commit, task_.payload, d->commit_time_us, found);
        if (entropy) r_.entropy = *entropy;
        break;
      }
      case EventType::DrawRevealed:
        seed_ = CheckReveal(id, d->commit, d->commitment, d->reveal, d->reveal_time_us, found);
        r_.seed_hex = Hex(*seed_);
        break;
      case EventType::DrawResult: {
        auto part = draw::DecodeResultPart(e.view.payload());
        if (part.ok()) CheckResultPart(*part, seed_, found);
        if (part.ok() && d->phase == draw::DrawPhase::kResulted) {
          CheckResult(*d, part->selected_total, found);
        }
        break;
      }
      case EventType::AssignmentDeclined: ++r_.declines; break;  // the fold checked it
      default: break;
    }
    for (auto& f : found.failures) Fail(seq, e.at + ": " + f);
    for (auto& n : found.notes) r_.notes.push_back(std::move(n));
    return true;
  }

  void CheckFrozenLists(const Entry& e, const draw::DrawInfo& d) {
    if (!population_read_) return;  // reported already
    const draw::Population& pop = inputs_.population;
    const draw::PopulationRoots roots = draw::RootsOf(pop, options_.threads);
    const draw::FreezeRecord& f = d.freeze;
    bool ok = true;
    auto compare = [&](const char* what, size_t count, const Hash& root, uint64_t frozen_count,
                       const Hash& frozen_root) {
      if (count == frozen_count && root == frozen_root) return;
      Fail(e.view.sequence(),
           e.at + ": the bundle's frozen " + what + " lines do not match the freeze: " +
               std::to_string(count) + " lines with root " + Hex(root) + ", the freeze states " +
               std::to_string(frozen_count) + " with root " + Hex(frozen_root));
      ok = false;
    };
    compare("target", pop.targets.size(), roots.targets, f.target_count, f.target_root);
    compare("inspector", pop.inspectors.size(), roots.inspectors, f.inspector_count,
            f.inspector_root);
    compare("expert", pop.experts.size(), roots.experts, f.expert_count, f.expert_root);
    if (ok && f.strata != draw::ComputeQuotas(task_.task, pop)) {
      Fail(e.view.sequence(), e.at + ": the freeze's strata are not the quotas of "
                                     "docs/draw-protocol.md §4 for its lines");
      ok = false;
    }
    roots_match_ = ok;
    r_.roots_match = ok;
  }

  void CheckResult(const draw::DrawInfo& d, uint64_t selected_total, DrawFindings& found) {
    r_.selected = d.visits.size();
    if (d.visits.size() != selected_total) {
      found.failures.push_back("the result states " + std::to_string(selected_total) +
                               " selected but lists " + std::to_string(d.visits.size()));
    }
    if (!seed_) return;  // the fold never lets a result precede its reveal
    if (!roots_match_) {
      found.failures.push_back("not recomputed: the bundle's frozen lists are not the "
                               "committed ones");
      return;
    }
    draw::DrawOutcome want =
        draw::RunDraw(task_.task, inputs_.population, *seed_, inputs_.Teams(), options_.threads);
    r_.understaffed = want.understaffed;
    // The visits as logged (the fold applies declines later, to its own copy).
    r_.recomputed = CompareResult(d.result_strata, d.visits, want, found);
    if (!r_.recomputed) {
      found.failures.back() += " (teams are recomputed given the bundle's stated team inputs)";
    }
  }

  void Summarise() {
    const draw::DrawInfo* d = world_.Draw(b_.draw_id);
    const draw::TaskInfo* t = world_.Task(task_id_);
    if (d != nullptr) r_.phase = std::string(draw::DrawPhaseName(d->phase));
    if (t == nullptr) return;
    r_.commits = t->commits;
    r_.redraws = t->redraws();
    // Draw ids are numbered d1, d2, ... per task by the node: a gap is a draw left out.
    std::vector<uint64_t> numbers;
    for (const auto& id : t->draw_ids) numbers.push_back(DrawNumber(id, task_id_));
    if (std::find(numbers.begin(), numbers.end(), 0) == numbers.end()) {
      for (size_t i = 0; i < numbers.size(); ++i) {
        if (numbers[i] != i + 1) {
          Fail(std::nullopt, "draw " + task_id_ + "-d" + std::to_string(i + 1) + " of task " +
                                 task_id_ + " is missing from the bundle (the node numbers a "
                                 "task's draws d1, d2, ... and the bundle holds " +
                                 t->draw_ids[i] + " in its place)");
          break;
        }
      }
    }
    for (const auto& id : t->draw_ids) {
      const draw::DrawInfo* o = world_.Draw(id);
      if (o == nullptr) continue;
      if (o->phase == draw::DrawPhase::kCancelled && o->committed()) {
        r_.cancellations.push_back(id + ": " + o->cancel_reason);
      }
      // The node appends a reveal and all its result parts in one batch.
      if (o->reveal_sequence != 0 && (o->parts_seen == 0 || o->parts_seen < o->parts)) {
        Fail(std::nullopt, "draw " + id + ": result parts are missing from the bundle (" +
                               std::to_string(o->parts_seen) + " of " +
                               (o->parts == 0 ? std::string("at least 1")
                                              : std::to_string(o->parts)) +
                               " after its reveal at entry " +
                               std::to_string(o->reveal_sequence) +
                               "; the node appends a reveal and its result together)");
      }
    }
    if (d != nullptr && !d->commit.drand_chain.empty()) r_.notes.push_back(DrandNotCheckedNote());
    if (d != nullptr && d->phase != draw::DrawPhase::kResulted &&
        !(d->phase == draw::DrawPhase::kCancelled &&
          d->phase_before_cancel == draw::DrawPhase::kResulted)) {
      r_.notes.push_back("draw " + b_.draw_id + " is " + r_.phase +
                         ": it has no result to recompute");
    }
    r_.notes.push_back(
        "the frozen lists are proven by the committed roots; that they are the directory's "
        "eligible populations at the freeze, and that the stated team inputs (" +
        std::to_string(r_.conflicts) + " conflicts, " + std::to_string(r_.previous_teams) +
        " previous teams) are the declared conflicts and past teams, only the whole log "
        "proves (suiji-verify on an export)");
  }

  const BundleCheckOptions& options_;
  BundleReport r_;
  ParsedBundle b_;
  VerifierKey key_;
  Checkpoint checkpoint_;
  std::vector<Entry> entries_;
  KeyRegistry keys_;
  std::map<uint64_t, std::string> roles_;
  std::string task_id_;
  uint64_t task_seq_ = 0;
  draw::TaskInfo task_;
  draw::DrawWorld world_;
  draw::FrozenInputs inputs_;
  bool population_read_ = false;
  bool roots_match_ = false;
  std::optional<Hash> seed_;
};

}  // namespace

BundleReport CheckBundle(std::string_view bundle_json, const BundleCheckOptions& options) {
  return BundleChecker(options).Run(bundle_json);
}

}  // namespace suiji
