#include "verifier/draw_audit.h"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>

#include "ledger/core/codes/region.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"
#include "verifier/compact_state.h"
#include "verifier/export_entries.h"
#include "ledger/core/sha256.h"
#include "schemas/directory_generated.h"
#include "verifier/draw_checks.h"

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
std::string DirectoryEventId(EventType type, ByteView payload) {
  switch (type) {
    case EventType::TargetRegistered:
    case EventType::TargetUpdated: {
      const auto* t = flatbuffers::GetRoot<schema::Target>(payload.data());
      return t->credit_code() != nullptr ? t->credit_code()->str() : "";
    }
    case EventType::TargetRetired: {
      const auto* t = flatbuffers::GetRoot<schema::TargetRetired>(payload.data());
      return t->credit_code() != nullptr ? t->credit_code()->str() : "";
    }
    case EventType::InspectorRegistered:
    case EventType::InspectorUpdated: {
      const auto* i = flatbuffers::GetRoot<schema::Inspector>(payload.data());
      return i->inspector_id() != nullptr ? i->inspector_id()->str() : "";
    }
    case EventType::InspectorRetired: {
      const auto* i = flatbuffers::GetRoot<schema::InspectorRetired>(payload.data());
      return i->inspector_id() != nullptr ? i->inspector_id()->str() : "";
    }
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn: {
      const auto* c = flatbuffers::GetRoot<schema::Conflict>(payload.data());
      std::string s = c->inspector_id() != nullptr ? c->inspector_id()->str() : "";
      return s + "/" + (c->credit_code() != nullptr ? c->credit_code()->str() : "");
    }
    default: return "";
  }
}
std::string DirectoryEventId(const EntryView& e) { return DirectoryEventId(e.type(), e.payload()); }

// A directory change as the audit keeps it for last_minute_days (a year's directory import
// falls within a few days, so these are millions at a province's scale): 40 bytes, its
// event's type and identity read again from the export (the payload's place) for the few
// listed, its regions as Dictionary ids.
struct RecentChange {
  uint64_t sequence = 0;
  int64_t time_us = 0;
  uint64_t payload_offset = 0;
  uint32_t payload_size = 0;
  uint32_t region_before = 0;
  uint32_t region_after = 0;
  EventType type = EventType::Unknown;
  bool is_target = false;
};
static_assert(sizeof(RecentChange) <= 40);

class Auditor {
 public:
  Auditor(ByteView export_file, const DrawAuditOptions& o) : export_(export_file), options_(o) {}

  // Returns false to stop (the fold refused an event: the rest cannot be trusted).
  bool Entry(const EntryView& e) {
    const EventType type = e.type();
    if (e.event->time_us() < last_time_us_) times_ordered_ = false;
    last_time_us_ = e.event->time_us();
    ForgetOldChanges();
    // Last-minute changes: a target's region before and after the change, so one moved out
    // of a task's scope is caught too.
    std::string region_before;
    if (type == EventType::TargetUpdated || type == EventType::TargetRetired) {
      if (auto rec = world_.Employer(DirectoryEventId(e))) region_before = rec->region;
    }
    if (type == EventType::DrawFrozen) BeforeFreeze(e);
    Status s = world_.Apply(e);
    if (!s.ok()) {
      Fail("", e.sequence(), "the event is not allowed here: " + s.message());
      return false;
    }
    if (directory::IsDirectoryEvent(type) && type != EventType::OrgUnitRegistered &&
        type != EventType::ItemListPublished) {
      RecentChange change;
      change.sequence = e.sequence();
      change.time_us = e.event->time_us();
      change.type = type;
      const ByteView payload = e.payload();
      change.payload_offset = static_cast<uint64_t>(payload.data() - export_.data());
      change.payload_size = static_cast<uint32_t>(payload.size());
      change.is_target = type == EventType::TargetRegistered || type == EventType::TargetUpdated ||
                         type == EventType::TargetRetired;
      if (change.is_target) {
        change.region_before = regions_.Id(region_before);
        if (auto rec = world_.Employer(DirectoryEventId(e))) change.region_after = regions_.Id(rec->region);
      }
      changes_.push_back(change);
    }
    switch (type) {
      case EventType::DrawCommitted: AfterCommit(e); break;
      case EventType::DrawRevealed: AfterReveal(e); break;
      case EventType::DrawResult:
        AfterResult(e);
        ShrinkDrawVisits(world_.world, e);
        break;
      default: break;
    }
    return true;
  }

  void Malformed(uint64_t seq, const std::string& what) {
    Fail("", seq, "entry " + std::to_string(seq) + ": " + what +
                      "; the draws after it were not audited");
  }

  DrawAudit Finish() {
    for (const auto& [id, d] : world_.world.draws) {
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
    for (const auto& [id, t] : world_.world.tasks) {
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
    audit_.notes.push_back(DrandNotCheckedNote());
    std::vector<DrawSummary> ordered;
    for (auto& id : summary_order_) ordered.push_back(std::move(summaries_[id]));
    audit_.draws = std::move(ordered);
    return std::move(audit_);
  }

 private:
  // A directory change matters only to a commit at most last_minute_days after it. The log's
  // times do not go backwards (the integrity check holds it), so a change older than that
  // before the latest entry can matter to no later commit and is let go; if a log's times do
  // go backwards, every change is kept, as the window search has always assumed they do not.
  void ForgetOldChanges() {
    if (!times_ordered_) return;
    const int64_t horizon = last_time_us_ - options_.last_minute_days * 86400LL * 1000000LL;
    while (!changes_.empty() && changes_.front().time_us < horizon) changes_.pop_front();
  }

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

  // Attributes the findings of a shared check (draw_checks.h) to a draw and an entry.
  void Report(const std::string& draw_id, uint64_t seq, DrawFindings& found) {
    for (auto& f : found.failures) Fail(draw_id, seq, std::move(f));
    for (auto& n : found.notes) audit_.notes.push_back(std::move(n));
  }

  void BeforeFreeze(const EntryView& e) {
    auto f = draw::DecodeFreeze(e.payload());
    if (!f.ok()) return;  // the fold reports it
    const draw::TaskInfo* task = world_.Task(f->task_id);
    if (task == nullptr) return;
    auto inputs = draw::FreezeInputs(world_, f->task_id);
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
      const auto rec = world_.Employer(t.credit_code);
      std::string attr = !rec ? std::string() : (by_industry ? rec->industry.substr(0, 2) : rec->region);
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
    DrawFindings found;
    std::optional<std::string> entropy =
        CheckCommitment(id, *c, task->payload, commit_us, found);
    Report(id, seq, found);
    if (!entropy) return;
    s.entropy = *entropy;
    // Last-minute changes: directory events in the N days before the commit, up to the
    // freeze, touching the task's scope (targets in its regions; inspectors; conflicts).
    const int64_t since = commit_us - options_.last_minute_days * 86400LL * 1000000LL;
    auto first = std::lower_bound(changes_.begin(), changes_.end(), since,
                                  [](const RecentChange& x, int64_t t) { return x.time_us < t; });
    for (auto it = first; it != changes_.end() && it->sequence < d->freeze_sequence; ++it) {
      bool touches = true;
      if (it->is_target) {
        touches = false;
        const std::string& before = regions_.Value(it->region_before);
        const std::string& after = regions_.Value(it->region_after);
        for (const auto& r : task->task.regions) {
          touches = touches || (!before.empty() && codes::RegionWithin(before, r)) ||
                    (!after.empty() && codes::RegionWithin(after, r));
        }
      }
      if (!touches) continue;
      ++s.last_minute_total;
      if (s.last_minute.size() < kLastMinuteListed) s.last_minute.push_back(Listed(*it));
    }
  }

  // A kept change as the report lists it.
  DirectoryChange Listed(const RecentChange& c) const {
    DirectoryChange out;
    out.sequence = c.sequence;
    out.time_us = c.time_us;
    out.type = std::string(EventTypeName(c.type));
    out.id = DirectoryEventId(c.type, export_.subspan(c.payload_offset, c.payload_size));
    out.is_target = c.is_target;
    out.region_before = regions_.Value(c.region_before);
    out.region_after = regions_.Value(c.region_after);
    return out;
  }

  void AfterReveal(const EntryView& e) {
    auto r = draw::DecodeReveal(e.payload());
    if (!r.ok()) return;
    const DrawInfo* d = world_.Draw(r->draw_id);
    if (d == nullptr) return;
    const std::string& id = r->draw_id;
    const uint64_t seq = e.sequence();
    const int64_t reveal_us = e.event->time_us();
    DrawFindings found;
    Hash seed = CheckReveal(id, d->commit, d->commitment, *r, reveal_us, found);
    Report(id, seq, found);
    seeds_[id] = seed;
    Summary(id).seed_hex = Hex(seed);
  }

  void AfterResult(const EntryView& e) {
    auto part = draw::DecodeResultPart(e.payload());
    if (!part.ok()) return;
    {
      auto known = seeds_.find(part->draw_id);
      DrawFindings found;
      CheckResultPart(*part, known == seeds_.end() ? std::nullopt : std::optional(known->second),
                      found);
      Report(part->draw_id, e.sequence(), found);
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
    DrawFindings found;
    const bool same = CompareResult(d->result_strata, d->visits, want, found);
    Report(id, seq, found);
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

  ByteView export_;
  DrawAuditOptions options_;
  PackedDrawWorld world_;  // employers packed (compact_state.h)
  std::deque<RecentChange> changes_;  // the last last_minute_days of them
  Dictionary regions_;                // their regions
  bool times_ordered_ = true;
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
  Auditor auditor(export_file, options);
  Status header = ForEachExportedEntry(export_file, [&](const EntryView& e) {
    if (Status s = VerifyPayload(e.type(), e.payload()); !s.ok()) {
      auditor.Malformed(e.sequence(), s.message());
      return false;
    }
    return auditor.Entry(e);
  }, options.consumed);
  if (!header.ok()) {
    DrawAudit a;
    a.failures.push_back({"", std::nullopt, header.message()});
    return a;
  }
  return auditor.Finish();
}

}  // namespace suiji
