#include "api/public_bundle.h"

#include <algorithm>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "ledger/core/directory/fold.h"
#include "projections/draw_projection.h"

namespace suiji {

namespace {

using nlohmann::json;

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Directory events (100..199) hold internal data; org units, the item list and the holiday
// calendar are public anyway (the checker applies the same rule). CreditReevaluated (321) is
// no directory event though the directory fold applies its grade: it is an inspection
// follow-up whose fields are all public (schemas/README.md), and a draw's bundle carries it.
bool IsInternalDirectoryEvent(EventType type) {
  return directory::IsDirectoryEvent(type) && type != EventType::CreditReevaluated &&
         type != EventType::OrgUnitRegistered && type != EventType::ItemListPublished &&
         type != EventType::CalendarPublished;
}

// The draw a ceremony event (220..225) names, or "" for any other event.
StatusOr<std::string> DrawIdOf(const EntryView& e) {
  const ByteView p = e.payload();
  switch (e.type()) {
    case EventType::DrawFrozen: {
      SUIJI_ASSIGN_OR_RETURN(draw::FreezeRecord f, draw::DecodeFreeze(p));
      return f.draw_id;
    }
    case EventType::DrawCommitted: {
      SUIJI_ASSIGN_OR_RETURN(draw::CommitRecord c, draw::DecodeCommit(p));
      return c.draw_id;
    }
    case EventType::DrawRevealed: {
      SUIJI_ASSIGN_OR_RETURN(draw::RevealRecord r, draw::DecodeReveal(p));
      return r.draw_id;
    }
    case EventType::DrawResult: {
      SUIJI_ASSIGN_OR_RETURN(draw::ResultPart r, draw::DecodeResultPart(p));
      return r.draw_id;
    }
    case EventType::DrawCancelled: {
      SUIJI_ASSIGN_OR_RETURN(draw::CancelRecord c, draw::DecodeCancel(p));
      return c.draw_id;
    }
    case EventType::AssignmentDeclined: {
      SUIJI_ASSIGN_OR_RETURN(draw::DeclineRecord d, draw::DecodeDecline(p));
      return d.draw_id;
    }
    default: return std::string();
  }
}

// The draw and its task (copies, read through DrawService::Read: its fold or one read of the
// projection), or why not.
StatusOr<std::pair<draw::DrawInfo, draw::TaskInfo>> DrawAndTask(const DrawService& draws,
                                                               std::string_view draw_id) {
  std::optional<std::pair<draw::DrawInfo, draw::TaskInfo>> found;
  SUIJI_RETURN_IF_ERROR(draws.Read([&](const draw::DrawStore& w) -> Status {
    const draw::DrawInfo* d = w.FindDraw(draw_id);
    if (d == nullptr) return NotFound("unknown draw " + Q(draw_id));
    const draw::TaskInfo* task = w.FindTask(d->task_id);
    if (task == nullptr) return Internal("draw " + Q(draw_id) + " names unknown task " + Q(d->task_id));
    found.emplace(*d, *task);
    return OkStatus();
  }));
  return std::move(*found);
}

}  // namespace

StatusOr<uint64_t> PublicBundleCoverage(const DrawService& draws, std::string_view draw_id,
                                        const std::vector<uint64_t>& extra) {
  SUIJI_ASSIGN_OR_RETURN(auto found, DrawAndTask(draws, draw_id));
  uint64_t last = found.second.last_sequence;
  for (uint64_t seq : extra) last = std::max(last, seq);
  return last + 1;
}

StatusOr<PublicBundleInputs> PreparePublicBundle(const Ledger& ledger, const DrawService& draws,
                                                 std::string_view draw_id,
                                                 std::string_view checkpoint_note,
                                                 const std::vector<uint64_t>& extra) {
  SUIJI_ASSIGN_OR_RETURN(auto found, DrawAndTask(draws, draw_id));
  const draw::DrawInfo* d = &found.first;
  const draw::TaskInfo* task = &found.second;

  // The checkpoint: this ledger's, signed by a checkpoint key in force at its size.
  auto note = ParseNote(checkpoint_note);
  if (!note.ok()) return InvalidArgument("the checkpoint is not a signed note: " + note.status().message());
  SUIJI_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(note->text));
  if (cp.origin != ledger.ledger_id() || cp.size > ledger.size()) {
    return FailedPrecondition("the checkpoint (" + cp.origin + ", size " +
                              std::to_string(cp.size) + ") is not one of this ledger");
  }
  SUIJI_ASSIGN_OR_RETURN(Hash root, ledger.RootAt(cp.size));
  if (root != cp.root) return DataLoss("the checkpoint's root is not this ledger's at its size");
  std::string vkey;
  for (const KeyInfo* k : ledger.keys().CheckpointKeysAt(cp.size)) {
    if (VerifyNote(*note, ledger.ledger_id(), k->public_key).ok()) {
      vkey = VerifierKeyString(ledger.ledger_id(), k->public_key);
    }
  }
  if (vkey.empty()) {
    return FailedPrecondition("the checkpoint of size " + std::to_string(cp.size) +
                              " is not signed by a checkpoint key of this ledger");
  }
  for (uint64_t seq : extra) {
    if (seq >= ledger.size()) {
      return InvalidArgument("extra entry " + std::to_string(seq) + " does not exist (the log has " +
                             std::to_string(ledger.size()) + " entries)");
    }
  }
  SUIJI_ASSIGN_OR_RETURN(uint64_t covered_by, PublicBundleCoverage(draws, draw_id, extra));
  if (covered_by > cp.size) {
    return FailedPrecondition("the checkpoint of size " + std::to_string(cp.size) +
                              " does not cover entry " + std::to_string(covered_by - 1) +
                              " of the bundle; issue a newer checkpoint");
  }

  PublicBundleInputs in;
  in.draw_id = std::string(draw_id);
  in.task_id = d->task_id;
  in.plan_id = task->task.plan_id;
  in.task_sequence = task->sequence;
  in.freeze_sequence = d->freeze_sequence;
  in.projection = draws.projection();
  in.task_draws.insert(task->draw_ids.begin(), task->draw_ids.end());
  for (const auto& v : d->visits) in.selected.insert(v.credit_code);
  in.target_root = d->freeze.target_root;
  in.inspector_root = d->freeze.inspector_root;
  in.expert_root = d->freeze.expert_root;
  in.extra.insert(extra.begin(), extra.end());
  in.checkpoint_note = std::string(checkpoint_note);
  in.checkpoint_size = cp.size;
  in.verifier_key = vkey;
  return in;
}

StatusOr<PublicBundle> BuildPublicBundle(const Ledger& ledger, const DrawService& draws,
                                         std::string_view draw_id,
                                         std::string_view checkpoint_note,
                                         const std::vector<uint64_t>& extra) {
  SUIJI_ASSIGN_OR_RETURN(PublicBundleInputs in,
                         PreparePublicBundle(ledger, draws, draw_id, checkpoint_note, extra));
  return BuildPublicBundle(ledger, in);
}

StatusOr<PublicBundle> BuildPublicBundle(const Ledger& ledger, const PublicBundleInputs& in) {
  const uint64_t cp_size = in.checkpoint_size;
  // The entries: one pass over the log picks the key events, the plan, the task and every
  // ceremony event of the task's draws.
  const auto& task_draws = in.task_draws;
  const auto& extras = in.extra;
  std::map<uint64_t, std::pair<std::string, Bytes>> picked;  // sequence -> (type, bytes)
  Status inner = OkStatus();
  // Every needed entry lies below the checkpoint (PreparePublicBundle checked it).
  SUIJI_RETURN_IF_ERROR(ledger.storage().Read(0, cp_size, [&](uint64_t seq, ByteView bytes) {
    auto e = ParseEntry(bytes);
    if (!e.ok()) {
      inner = e.status();
      return false;
    }
    const EventType type = e->type();
    bool needed = false;
    bool key_event = false;
    switch (type) {
      case EventType::Genesis:
      case EventType::KeyRegistered:
      case EventType::KeyRevoked: key_event = true; break;
      case EventType::PlanFiled: {
        auto p = draw::DecodePlan(e->payload());
        needed = p.ok() && p->plan_id == in.plan_id && seq < in.task_sequence;
        break;
      }
      case EventType::TaskDefined: needed = seq == in.task_sequence; break;
      case EventType::TaskWithdrawn: {
        auto w = draw::DecodeTaskWithdrawn(e->payload());
        needed = w.ok() && w->task_id == in.task_id;
        break;
      }
      default: {
        auto id = DrawIdOf(*e);
        if (!id.ok()) {
          inner = id.status();
          return false;
        }
        needed = task_draws.count(*id) > 0;
      }
    }
    if (extras.count(seq) > 0 && !needed && !key_event) {
      if (IsInternalDirectoryEvent(type)) {
        inner = InvalidArgument("extra entry " + std::to_string(seq) + " is a " +
                                std::string(EventTypeName(type)) +
                                " event: directory events hold internal data and never go "
                                "into a public bundle");
        return false;
      }
      needed = true;
    }
    // (Key events after the checkpoint, never read here, could not be proven by it and sign
    // nothing in the bundle.)
    if (key_event) needed = true;
    if (!needed) return true;
    picked[seq] = {std::string(EventTypeName(type)), Bytes(bytes.begin(), bytes.end())};
    return true;
  }));
  SUIJI_RETURN_IF_ERROR(inner);

  json entries = json::array();
  for (const auto& [seq, entry] : picked) {
    SUIJI_ASSIGN_OR_RETURN(std::vector<Hash> path, ledger.InclusionProof(seq, cp_size));
    json hashes = json::array();
    for (const Hash& h : path) hashes.push_back(ToBase64(h));
    entries.push_back({{"sequence", seq},
                       {"type", entry.first},
                       {"entry", ToBase64(entry.second)},
                       {"path", hashes}});
  }

  // The frozen lists, checked against the freeze before they are published.
  std::optional<draw::FrozenInputs> stored;
  if (in.projection != nullptr) {
    SUIJI_RETURN_IF_ERROR(in.projection->Read([&](MDB_txn* txn) -> Status {
      auto found = FrozenInputsIn(txn, *in.projection, in.draw_id);
      if (!found.ok()) return found.status();
      stored = std::move(*found);
      return OkStatus();
    }));
  }
  if (!stored) {
    SUIJI_ASSIGN_OR_RETURN(stored,
                           DrawService::FrozenInputsAt(ledger.storage(), in.freeze_sequence, in.task_id));
  }
  const draw::FrozenInputs& frozen = *stored;
  const draw::PopulationRoots roots = draw::RootsOf(frozen.population);
  if (roots.targets != in.target_root || roots.inspectors != in.inspector_root ||
      roots.experts != in.expert_root) {
    return DataLoss("the lists rebuilt from the log do not match the freeze of " + Q(in.draw_id));
  }
  json targets = json::array(), inspectors = json::array(), experts = json::array();
  for (const auto& t : frozen.population.targets) targets.push_back(draw::TargetLeaf(t));
  for (const auto& i : frozen.population.inspectors) inspectors.push_back(draw::InspectorLeaf(i));
  for (const auto& e : frozen.population.experts) experts.push_back(draw::ExpertLeaf(e));

  // Team inputs for the selected targets only: teams are formed for drawn visits alone.
  const auto& selected = in.selected;
  json conflicts = json::array();
  for (const auto& [inspector, code] : frozen.conflicts) {
    if (selected.count(code) > 0) {
      conflicts.push_back({{"inspector", inspector}, {"credit_code", code}});
    }
  }
  json previous = json::array();
  for (const auto& [code, team] : frozen.previous_teams) {
    if (selected.count(code) > 0) previous.push_back({{"credit_code", code}, {"team", team}});
  }

  json doc = {{"format", "suiji-bundle/1"},
              {"ledger", ledger.ledger_id()},
              {"draw", in.draw_id},
              {"checkpoint", {{"verifier_key", in.verifier_key}, {"note", in.checkpoint_note}}},
              {"entries", entries},
              {"frozen", {{"targets", targets}, {"inspectors", inspectors}, {"experts", experts}}},
              {"team_inputs", {{"conflicts", conflicts}, {"previous_teams", previous}}}};
  PublicBundle out;
  try {
    out.json = doc.dump(1) + "\n";
  } catch (const json::exception& e) {  // only for text that is not UTF-8
    return InvalidArgument(std::string("the bundle cannot be written as JSON: ") + e.what());
  }
  out.entries = picked.size();
  out.checkpoint_size = cp_size;
  out.verifier_key = in.verifier_key;
  return out;
}

}  // namespace suiji
