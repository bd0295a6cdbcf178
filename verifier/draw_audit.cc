#include "verifier/draw_audit.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "ledger/core/codes/region.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"
#include "ledger/core/sha256.h"
#include "schemas/directory_generated.h"

namespace suiji {

namespace {

using draw::DrawInfo;
using draw::DrawPhase;

constexpr size_t kLastMinuteListed = 20;

// What the audit keeps about a draw between its freeze and its result.
struct Pending {
  draw::FrozenInputs inputs;
  std::vector<uint32_t> cell_of;      // per population target: index into cell_names
  std::vector<std::string> cell_names;
  bool frozen_ok = false;
};

std::string Hex(const Hash& h) { return ToHex(ByteView(h)); }

// The identity a directory event is about, for the last-minute report.
std::string DirectoryEventId(const EntryView& e) {
  switch (e.type()) {
    case EventType::TargetRegistered:
    case EventType::TargetUpdated: {
      const auto* t = PayloadAs<schema::Target>(e);
      return t->credit_code() != nullptr ? t->credit_code()->str() : "";
    }
    case EventType::TargetRetired: {
      const auto* t = PayloadAs<schema::TargetRetired>(e);
      return t->credit_code() != nullptr ? t->credit_code()->str() : "";
    }
    case EventType::InspectorRegistered:
    case EventType::InspectorUpdated: {
      const auto* i = PayloadAs<schema::Inspector>(e);
      return i->inspector_id() != nullptr ? i->inspector_id()->str() : "";
    }
    case EventType::InspectorRetired: {
      const auto* i = PayloadAs<schema::InspectorRetired>(e);
      return i->inspector_id() != nullptr ? i->inspector_id()->str() : "";
    }
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn: {
      const auto* c = PayloadAs<schema::Conflict>(e);
      std::string s = c->inspector_id() != nullptr ? c->inspector_id()->str() : "";
      return s + "/" + (c->credit_code() != nullptr ? c->credit_code()->str() : "");
    }
    default: return "";
  }
}

class Auditor {
 public:
  explicit Auditor(const DrawAuditOptions& o) : options_(o) {}

  // Returns false to stop (the fold refused an event: the rest cannot be trusted).
  bool Entry(const EntryView& e) {
    const EventType type = e.type();
    last_time_us_ = e.event->time_us();
    // Last-minute changes: a target's region before and after the change, so one moved out
    // of a task's scope is caught too.
    std::string region_before;
    if (type == EventType::TargetUpdated || type == EventType::TargetRetired) {
      auto rec = world_.dir.targets.find(DirectoryEventId(e));
      if (rec != world_.dir.targets.end()) region_before = rec->second.region;
    }
    if (type == EventType::DrawFrozen) BeforeFreeze(e);
    Status s = world_.Apply(e);
    if (!s.ok()) {
      Fail("", e.sequence(), "the event is not allowed here: " + s.message());
      return false;
    }
    if (directory::IsDirectoryEvent(type) && type != EventType::OrgUnitRegistered &&
        type != EventType::ItemListPublished) {
      DirectoryChange change;
      change.sequence = e.sequence();
      change.time_us = e.event->time_us();
      change.type = std::string(EventTypeName(type));
      change.id = DirectoryEventId(e);
      changes_.push_back(std::move(change));
      changes_.back().is_target = type == EventType::TargetRegistered ||
                                  type == EventType::TargetUpdated ||
                                  type == EventType::TargetRetired;
      if (changes_.back().is_target) {
        changes_.back().region_before = region_before;
        auto rec = world_.dir.targets.find(changes_.back().id);
        if (rec != world_.dir.targets.end()) changes_.back().region_after = rec->second.region;
      }
    }
    switch (type) {
      case EventType::DrawCommitted: AfterCommit(e); break;
      case EventType::DrawRevealed: AfterReveal(e); break;
      case EventType::DrawResult: AfterResult(e); break;
      default: break;
    }
    return true;
  }

  void Malformed(uint64_t seq, const std::string& what) {
    Fail("", seq, "entry " + std::to_string(seq) + ": " + what +
                      "; the draws after it were not audited");
  }

  DrawAudit Finish() {
    for (const auto& [id, d] : world_.draws) {
      DrawSummary& s = Summary(id);
      s.task_id = d.task_id;
      s.phase = std::string(draw::DrawPhaseName(d.phase));
      s.targets = d.freeze.target_count;
      s.inspectors = d.freeze.inspector_count;
      s.cancel_reason = d.cancel_reason;
      const int64_t entropy_time = std::max(d.commit.drand_round_time, d.commit.lottery_time);
      if (d.phase == DrawPhase::kCommitted && entropy_time > last_time_us_ / 1000000) {
        audit_.pending.push_back(id + " (task " + d.task_id + ", committed at sequence " +
                                 std::to_string(d.commit_sequence) +
                                 "; its entropy is not public yet as of the log's last entry)");
      } else if (d.phase == DrawPhase::kCommitted || d.phase == DrawPhase::kRevealed) {
        audit_.abandoned.push_back(id + " (task " + d.task_id + ", committed at sequence " +
                                   std::to_string(d.commit_sequence) + ", " +
                                   std::string(draw::DrawPhaseName(d.phase)) +
                                   ", never drawn or cancelled)");
      } else if (d.phase == DrawPhase::kCancelled &&
                 d.phase_before_cancel == DrawPhase::kCommitted) {
        audit_.abandoned.push_back(id + " (task " + d.task_id + ", committed at sequence " +
                                   std::to_string(d.commit_sequence) +
                                   ", cancelled at sequence " + std::to_string(d.cancel_sequence) +
                                   " before its reveal: the secret was never shown; reason: " +
                                   d.cancel_reason + ")");
      }
    }
    for (const auto& [id, t] : world_.tasks) {
      if (t.redraws() == 0) continue;
      TaskRedraws r{id, t.commits, t.redraws(), {}};
      for (const auto& did : t.draw_ids) {
        const DrawInfo* d = world_.Draw(did);
        if (d != nullptr && d->phase == DrawPhase::kCancelled && d->committed()) {
          r.cancellations.push_back(did + ": " + d->cancel_reason);
        }
      }
      audit_.redrawn.push_back(std::move(r));
    }
    std::vector<std::vector<draw::Cell>> groups;
    for (auto& [key, cells] : fairness_groups_) groups.push_back(std::move(cells));
    audit_.fairness = draw::ChiSquareTest(groups);
    audit_.notes.push_back(
        "drand BLS signatures are not checked offline: check each revealed round's signature "
        "against the drand quicknet public key (e.g. https://api.drand.sh/" +
        std::string(draw::kDrandQuicknetChain) + "/public/ROUND)");
    std::vector<DrawSummary> ordered;
    for (auto& id : summary_order_) ordered.push_back(std::move(summaries_[id]));
    audit_.draws = std::move(ordered);
    return std::move(audit_);
  }

 private:
  DrawSummary& Summary(const std::string& id) {
    auto [it, inserted] = summaries_.try_emplace(id);
    if (inserted) {
      it->second.draw_id = id;
      summary_order_.push_back(id);
    }
    return it->second;
  }

  void Fail(const std::string& draw_id, uint64_t seq, std::string what) {
    audit_.failures.push_back({draw_id, seq, std::move(what)});
  }

  void BeforeFreeze(const EntryView& e) {
    auto f = draw::DecodeFreeze(e.payload());
    if (!f.ok()) return;  // the fold reports it
    const draw::TaskInfo* task = world_.Task(f->task_id);
    if (task == nullptr) return;
    auto inputs = world_.Freeze(f->task_id);
    if (!inputs.ok()) return;
    Pending p;
    p.inputs = std::move(*inputs);
    const auto& pop = p.inputs.population;
    auto roots = draw::RootsOf(pop, options_.threads);
    const std::string& id = f->draw_id;
    bool ok = true;
    auto mismatch = [&](const std::string& what, const std::string& logged,
                        const std::string& rebuilt) {
      Fail(id, e.sequence(),
           "the frozen " + what + " do not match the directory at the freeze: the log states " +
               logged + ", the events before it give " + rebuilt);
      ok = false;
    };
    if (f->target_count != pop.targets.size() || f->target_root != roots.targets) {
      mismatch("targets", std::to_string(f->target_count) + " / " + Hex(f->target_root),
               std::to_string(pop.targets.size()) + " / " + Hex(roots.targets));
    }
    if (f->inspector_count != pop.inspectors.size() || f->inspector_root != roots.inspectors) {
      mismatch("inspectors", std::to_string(f->inspector_count) + " / " + Hex(f->inspector_root),
               std::to_string(pop.inspectors.size()) + " / " + Hex(roots.inspectors));
    }
    if (f->expert_count != pop.experts.size() || f->expert_root != roots.experts) {
      mismatch("experts", std::to_string(f->expert_count) + " / " + Hex(f->expert_root),
               std::to_string(pop.experts.size()) + " / " + Hex(roots.experts));
    }
    if (ok && f->strata != draw::ComputeQuotas(task->task, pop)) {
      mismatch("strata", "other quotas", "the quotas of docs/draw-protocol.md §4");
    }
    // Fairness cells: within a stratum, by county region (or by industry division when the
    // strata are regions).
    const bool by_industry = task->task.strata_by == draw::StrataBy::Region ||
                             task->task.strata_by == draw::StrataBy::City;
    std::unordered_map<std::string, uint32_t> cell_index;
    p.cell_of.reserve(pop.targets.size());
    for (const auto& t : pop.targets) {
      auto rec = world_.dir.targets.find(t.credit_code);
      std::string attr = rec == world_.dir.targets.end()
                             ? std::string()
                             : (by_industry ? rec->second.industry.substr(0, 2)
                                            : rec->second.region);
      std::string key = t.stratum + "|" + attr;
      auto [it, inserted] = cell_index.try_emplace(key, static_cast<uint32_t>(p.cell_names.size()));
      if (inserted) p.cell_names.push_back(key);
      p.cell_of.push_back(it->second);
    }
    p.frozen_ok = ok;
    pending_[id] = std::move(p);
    DrawSummary& s = Summary(id);
    s.targets = pop.targets.size();
    s.inspectors = pop.inspectors.size();
  }

  void AfterCommit(const EntryView& e) {
    auto c = draw::DecodeCommit(e.payload());
    if (!c.ok()) return;
    const DrawInfo* d = world_.Draw(c->draw_id);
    const draw::TaskInfo* task = world_.Task(c->task_id);
    if (d == nullptr || task == nullptr) return;
    const std::string& id = c->draw_id;
    const uint64_t seq = e.sequence();
    const int64_t commit_us = e.event->time_us();
    DrawSummary& s = Summary(id);
    s.commit_number = task->commits;
    if (c->algorithm != draw::kAlgorithm) {
      Fail(id, seq, "the commitment names algorithm \"" + c->algorithm +
                        "\"; this verifier recomputes " + std::string(draw::kAlgorithm));
    }
    if (c->params_hash != draw::ParamsHash(task->payload)) {
      Fail(id, seq, "the commitment's parameter hash is not the hash of task " + c->task_id);
    }
    // Times in the payload are checked for range before any arithmetic (a hostile log must
    // not overflow them): unix seconds up to 2^40, rounds up to 2^40.
    constexpr int64_t kMaxTime = int64_t{1} << 40;
    if (c->drand_round > static_cast<uint64_t>(kMaxTime) || c->drand_round_time < 0 ||
        c->drand_round_time > kMaxTime || c->lottery_time < 0 || c->lottery_time > kMaxTime) {
      Fail(id, seq, "the commitment's round or times are out of range");
      return;
    }
    std::string entropy;
    if (!c->drand_chain.empty()) {
      entropy += "drand round " + std::to_string(c->drand_round);
      if (c->drand_chain != draw::kDrandQuicknetChain) {
        audit_.notes.push_back(id + ": drand chain " + c->drand_chain +
                               " is not quicknet; its round times were not checked");
      } else if (c->drand_round_time != draw::DrandRoundTime(c->drand_round)) {
        Fail(id, seq, "drand round " + std::to_string(c->drand_round) + " is at " +
                          std::to_string(draw::DrandRoundTime(c->drand_round)) +
                          ", not at the stated " + std::to_string(c->drand_round_time));
      }
      if (c->drand_round_time * 1000000 <= commit_us) {
        Fail(id, seq, "entropy dated before the commit: drand round " +
                          std::to_string(c->drand_round) + " (at unix " +
                          std::to_string(c->drand_round_time) +
                          ") already existed when the commitment was made (unix " +
                          std::to_string(commit_us / 1000000) + ")");
      }
    }
    if (!c->lottery_name.empty()) {
      entropy += std::string(entropy.empty() ? "" : "; ") + c->lottery_name + " " +
                 c->lottery_issue;
      if (c->lottery_time * 1000000 <= commit_us) {
        Fail(id, seq, "entropy dated before the commit: lottery " + c->lottery_name + " " +
                          c->lottery_issue + " was drawn before the commitment");
      }
    }
    if (!c->witnesses.empty()) {
      entropy += std::string(entropy.empty() ? "" : "; ") + "witnesses " +
                 std::to_string(c->witnesses.size());
    }
    if (entropy.empty()) {
      Fail(id, seq, "the commitment declares no external entropy: the operator alone knew the "
                    "seed when committing");
    }
    s.entropy = entropy;
    // Last-minute changes: directory events in the N days before the commit, up to the
    // freeze, touching the task's scope (targets in its regions; inspectors; conflicts).
    const int64_t since = commit_us - options_.last_minute_days * 86400LL * 1000000LL;
    auto first = std::lower_bound(changes_.begin(), changes_.end(), since,
                                  [](const DirectoryChange& x, int64_t t) { return x.time_us < t; });
    for (auto it = first; it != changes_.end() && it->sequence < d->freeze_sequence; ++it) {
      bool touches = true;
      if (it->is_target) {
        touches = false;
        for (const auto& r : task->task.regions) {
          touches = touches || (!it->region_before.empty() &&
                                codes::RegionWithin(it->region_before, r)) ||
                    (!it->region_after.empty() && codes::RegionWithin(it->region_after, r));
        }
      }
      if (!touches) continue;
      ++s.last_minute_total;
      if (s.last_minute.size() < kLastMinuteListed) s.last_minute.push_back(*it);
    }
  }

  void AfterReveal(const EntryView& e) {
    auto r = draw::DecodeReveal(e.payload());
    if (!r.ok()) return;
    const DrawInfo* d = world_.Draw(r->draw_id);
    if (d == nullptr) return;
    const std::string& id = r->draw_id;
    const uint64_t seq = e.sequence();
    const int64_t reveal_us = e.event->time_us();
    const draw::CommitRecord& c = d->commit;
    if (r->secret.size() != 32) {
      Fail(id, seq, "the revealed secret is " + std::to_string(r->secret.size()) +
                        " bytes, not 32");
    } else if (draw::SecretHash(r->secret) != c.secret_hash) {
      Fail(id, seq, "the revealed secret does not match the committed secret hash");
    }
    if (!c.drand_chain.empty()) {
      if (reveal_us < c.drand_round_time * 1000000) {
        Fail(id, seq, "revealed before drand round " + std::to_string(c.drand_round) +
                          " existed");
      }
      audit_.notes.push_back(
          id + ": drand round " + std::to_string(c.drand_round) + " — check its signature " +
          ToHex(ByteView(r->drand_signature)) + " against https://api.drand.sh/" +
          c.drand_chain + "/public/" + std::to_string(c.drand_round) +
          " (the BLS signature is not verified offline; until it is, the drand entropy rests "
          "on the operator's word)");
      if (r->drand_randomness.size() != 32) {
        Fail(id, seq, "the drand randomness is not 32 bytes");
      } else if (r->drand_signature.empty()) {
        Fail(id, seq, "the drand round's signature is missing: the randomness cannot be checked");
      } else {
        Hash h = Sha256(r->drand_signature);
        if (!std::equal(h.begin(), h.end(), r->drand_randomness.begin())) {
          Fail(id, seq, "the drand randomness is not the SHA-256 of the round's signature");
        }
      }
    }
    if (!c.lottery_name.empty() && reveal_us < c.lottery_time * 1000000) {
      Fail(id, seq, "revealed before the lottery draw " + c.lottery_issue + " took place");
    }
    if (r->witness_digits.size() != c.witnesses.size()) {
      Fail(id, seq, "digits from " + std::to_string(r->witness_digits.size()) +
                        " witnesses, but the commitment named " +
                        std::to_string(c.witnesses.size()));
    }
    for (size_t i = 0; i < r->witness_digits.size() && i < c.witnesses.size(); ++i) {
      const auto& w = r->witness_digits[i];
      if (w.empty() || w.size() > 64 || w.find_first_not_of("0123456789") != std::string::npos) {
        Fail(id, seq, "witness " + c.witnesses[i] + "'s digits are not 1-64 decimal digits");
      }
    }
    if (c.drand_chain.empty() && c.lottery_name.empty()) {
      audit_.notes.push_back(id + ": entropy from witnesses only; it is sound only if no "
                                  "witness knew the secret before giving digits (prefer drand)");
    }
    Hash seed = draw::DeriveSeed(d->commitment, c, *r);
    if (seed != r->seed) Fail(id, seq, "the stated seed is not the seed the inputs give");
    seeds_[id] = seed;
    Summary(id).seed_hex = Hex(seed);
  }

  void AfterResult(const EntryView& e) {
    auto part = draw::DecodeResultPart(e.payload());
    if (!part.ok()) return;
    {
      auto known = seeds_.find(part->draw_id);
      if (known != seeds_.end() && part->seed != known->second) {
        Fail(part->draw_id, e.sequence(), "result part " + std::to_string(part->part) +
                                              " names a different seed");
      }
      const uint64_t expected_parts =
          std::max<uint64_t>(1, (part->selected_total + draw::kVisitsPerResultPart - 1) /
                                    draw::kVisitsPerResultPart);
      if (part->parts != expected_parts ||
          (part->part + 1 < part->parts && part->visits.size() != draw::kVisitsPerResultPart)) {
        Fail(part->draw_id, e.sequence(), "result part " + std::to_string(part->part) +
                                              " is not cut as the protocol says (" +
                                              std::to_string(draw::kVisitsPerResultPart) +
                                              " visits per part)");
      }
    }
    const DrawInfo* d = world_.Draw(part->draw_id);
    if (d == nullptr || d->phase != DrawPhase::kResulted) return;  // more parts to come
    const std::string& id = part->draw_id;
    const uint64_t seq = e.sequence();
    auto p = pending_.find(id);
    auto seed = seeds_.find(id);
    if (p == pending_.end() || seed == seeds_.end()) return;
    if (d->visits.size() != part->selected_total) {
      Fail(id, seq, "the result states " + std::to_string(part->selected_total) +
                        " selected but lists " + std::to_string(d->visits.size()));
    }
    if (!p->second.frozen_ok) {
      Fail(id, seq, "not recomputed: the frozen populations were wrong");
      return;
    }
    const draw::TaskInfo* task = world_.Task(d->task_id);
    draw::DrawOutcome want = draw::RunDraw(task->task, p->second.inputs.population, seed->second,
                                           p->second.inputs.Teams(), options_.threads);
    DrawSummary& s = Summary(id);
    s.selected = d->visits.size();
    s.understaffed = want.understaffed;
    bool same = true;
    if (d->result_strata != want.strata) {
      Fail(id, seq, "the result's strata differ from the recomputed quotas");
      same = false;
    }
    if (d->visits.size() != want.visits.size()) {
      Fail(id, seq, "the result has " + std::to_string(d->visits.size()) +
                        " visits; the recomputed draw has " + std::to_string(want.visits.size()));
      same = false;
    }
    const size_t common = std::min(d->visits.size(), want.visits.size());
    for (size_t i = 0; i < common; ++i) {
      const auto& got = d->visits[i];
      const auto& exp = want.visits[i];
      if (got == exp) continue;
      std::string what = got.credit_code != exp.credit_code
                             ? "the log names " + got.credit_code + ", the draw gives " +
                                   exp.credit_code
                         : got.team != exp.team ? "the team differs"
                         : got.substitutes != exp.substitutes ? "the substitutes differ"
                         : got.experts != exp.experts ? "the experts differ"
                                                      : "rank, order, batch or merge differ";
      Fail(id, seq, "visit " + std::to_string(i) + " (" + got.credit_code +
                        ") does not match the recomputed draw: " + what);
      same = false;
      break;  // the first difference; later ones usually follow from it
    }
    s.recomputed = same;
    // Load balance among the eligible inspectors.
    std::unordered_map<std::string, uint32_t> loads;
    uint64_t slots = 0;
    for (const auto& v : want.visits) {
      for (const auto& m : v.team) {
        ++loads[m];
        ++slots;
      }
    }
    for (const auto& [m, n] : loads) s.max_load = std::max(s.max_load, n);
    const auto inspectors = p->second.inputs.population.inspectors.size();
    s.mean_load = inspectors == 0 ? 0 : static_cast<double>(slots) / static_cast<double>(inspectors);
    if (static_cast<double>(s.max_load) > s.mean_load + 1.0 + 1e-9) {
      audit_.notes.push_back(id + ": an inspector has " + std::to_string(s.max_load) +
                             " visits, more than one above the mean " +
                             std::to_string(s.mean_load) +
                             " (conflicts, previous teams or a required specialty forced it)");
    }
    AddFairness(id, p->second, want);
    pending_.erase(p);
  }

  void AddFairness(const std::string& id, const Pending& p, const draw::DrawOutcome& outcome) {
    const auto& targets = p.inputs.population.targets;
    std::vector<double> weight(p.cell_names.size(), 0), observed(p.cell_names.size(), 0);
    // Only strata whose targets all weigh the same enter the test: there every target's
    // inclusion probability is exactly quota / population, so the expectation is exact.
    // (Weighted sampling without replacement has no simple closed form for it.)
    std::map<std::string, std::pair<uint32_t, uint32_t>> weight_range;  // stratum -> min, max
    for (size_t i = 0; i < targets.size(); ++i) {
      weight[p.cell_of[i]] += targets[i].weight;
      auto [it, fresh] = weight_range.try_emplace(targets[i].stratum, targets[i].weight,
                                                  targets[i].weight);
      if (!fresh) {
        it->second.first = std::min(it->second.first, targets[i].weight);
        it->second.second = std::max(it->second.second, targets[i].weight);
      }
    }
    for (const auto& v : outcome.visits) {
      auto it = std::lower_bound(targets.begin(), targets.end(), v.credit_code,
                                 [](const draw::EligibleTarget& t, const std::string& c) {
                                   return t.credit_code < c;
                                 });
      if (it != targets.end() && it->credit_code == v.credit_code) {
        observed[p.cell_of[static_cast<size_t>(it - targets.begin())]] += 1;
      }
    }
    std::map<std::string, const draw::StratumCount*> strata;
    for (const auto& s : outcome.strata) strata[s.key] = &s;
    for (size_t c = 0; c < p.cell_names.size(); ++c) {
      const std::string stratum = p.cell_names[c].substr(0, p.cell_names[c].find('|'));
      const draw::StratumCount* s = strata[stratum];
      if (s == nullptr || s->quota == 0 || s->quota >= s->population) continue;
      const auto range = weight_range[stratum];
      if (range.first != range.second) continue;
      double expected = static_cast<double>(s->quota) * weight[c] /
                        static_cast<double>(s->weight_total);
      fairness_groups_[id + "#" + stratum].push_back({observed[c], expected});
    }
  }

  DrawAuditOptions options_;
  draw::DrawWorld world_;
  std::vector<DirectoryChange> changes_;
  std::map<std::string, Pending> pending_;
  int64_t last_time_us_ = 0;
  std::map<std::string, Hash> seeds_;
  std::map<std::string, DrawSummary> summaries_;
  std::vector<std::string> summary_order_;
  std::map<std::string, std::vector<draw::Cell>> fairness_groups_;
  DrawAudit audit_;
};

}  // namespace

DrawAudit AuditDraws(ByteView export_file, const DrawAuditOptions& options) {
  Auditor auditor(options);
  ExportReader reader(export_file);
  if (Status s = reader.ReadHeader(); !s.ok()) {
    DrawAudit a;
    a.failures.push_back({"", std::nullopt, s.message()});
    return a;
  }
  for (;;) {
    auto rec = reader.Next();
    if (!rec.ok() || !rec->has_value()) break;  // framing is VerifyExport's to report
    if ((*rec)->kind != kRecordEntry) continue;
    auto e = ParseEntry((*rec)->data);
    if (!e.ok()) break;  // VerifyExport reports the entry itself
    if (Status s = VerifyPayload(e->type(), e->payload()); !s.ok()) {
      auditor.Malformed(e->sequence(), s.message());
      break;
    }
    if (!auditor.Entry(*e)) break;
  }
  return auditor.Finish();
}

}  // namespace suiji
