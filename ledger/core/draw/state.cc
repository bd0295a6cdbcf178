#include "ledger/core/draw/state.h"
#include "ledger/core/draw/freeze_inputs.h"

#include <algorithm>

#include "ledger/core/codes/region.h"

namespace suiji::draw {

std::string_view DrawPhaseName(DrawPhase p) {
  switch (p) {
    case DrawPhase::kFrozen: return "frozen";
    case DrawPhase::kCommitted: return "committed";
    case DrawPhase::kRevealed: return "revealed";
    case DrawPhase::kResulted: return "drawn";
    case DrawPhase::kCancelled: return "cancelled";
  }
  return "?";
}

bool IsDrawEvent(EventType type) {
  auto t = static_cast<uint16_t>(type);
  return t >= 200 && t < 300;
}

int64_t DrandRoundTime(uint64_t round) {
  if (round == 0) return kDrandQuicknetGenesis;
  return kDrandQuicknetGenesis + static_cast<int64_t>(round - 1) * kDrandQuicknetPeriod;
}

uint64_t DrandFirstRoundAfter(int64_t unix_seconds) {
  if (unix_seconds < kDrandQuicknetGenesis) return 1;
  return static_cast<uint64_t>((unix_seconds - kDrandQuicknetGenesis) / kDrandQuicknetPeriod) + 2;
}

namespace {

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

void FrozenInputs::IndexConflicts() {
  conflicts_by_code.clear();
  for (const auto& [inspector, code] : conflicts) conflicts_by_code[code].push_back(inspector);
}

TeamInputs FrozenInputs::Teams() const {
  TeamInputs t;
  if (conflicts_by_code.size() > 0 || conflicts.empty()) {
    t.conflicts_of = [this](std::string_view code) -> const std::vector<std::string>* {
      auto it = conflicts_by_code.find(code);
      return it == conflicts_by_code.end() ? nullptr : &it->second;
    };
  }
  t.conflict = [this](std::string_view inspector, std::string_view code) {
    return conflicts.count({std::string(inspector), std::string(code)}) > 0;
  };
  t.previous_team = [this](std::string_view code) -> const std::vector<std::string>* {
    auto it = previous_teams.find(code);
    return it == previous_teams.end() ? nullptr : &it->second;
  };
  return t;
}

const TaskInfo* DrawWorld::Task(std::string_view task_id) const {
  auto it = tasks.find(task_id);
  return it == tasks.end() ? nullptr : &it->second;
}

const DrawInfo* DrawWorld::Draw(std::string_view draw_id) const {
  auto it = draws.find(draw_id);
  return it == draws.end() ? nullptr : &it->second;
}

const DrawInfo* DrawWorld::LiveDraw(std::string_view task_id) const {
  return draw::LiveDraw(*this, task_id);
}

StatusOr<FrozenInputs> DrawWorld::Freeze(std::string_view task_id,
                                         ExclusionCounts* excluded) const {
  return FreezeInputs(*this, task_id, excluded);
}

StatusOr<uint16_t> DrawWorld::CheckTask(const TaskRecord& task) const {
  return draw::CheckTask(*this, task);
}
Status DrawWorld::CheckPlan(const PlanRecord& plan) const { return draw::CheckPlan(*this, plan); }
Status DrawWorld::CheckCancel(const CancelRecord& c) const { return draw::CheckCancel(*this, c); }

const PlanInfo* DrawWorld::FindPlan(std::string_view plan_id) const {
  auto it = plans.find(plan_id);
  return it == plans.end() ? nullptr : &it->second;
}

const std::vector<PastVisit>* DrawWorld::FindVisits(std::string_view credit_code) const {
  auto it = visits.find(credit_code);
  return it == visits.end() ? nullptr : &it->second;
}

std::optional<std::pair<std::string, std::string>> DrawWorld::FirstMergedInto(
    std::string_view draw_id) const {
  for (const auto& [other_id, other] : draws) {
    if (other.phase != DrawPhase::kResulted || other_id == draw_id) continue;
    for (const VisitRecord& v : other.visits) {
      if (v.merged_into == draw_id) return std::make_pair(other_id, v.credit_code);
    }
  }
  return std::nullopt;
}

namespace {

template <typename Map, typename Fn>
Status EachAfter(const Map& m, std::string_view after, size_t limit, const Fn& fn) {
  size_t n = 0;
  for (auto it = after.empty() ? m.begin() : m.upper_bound(after); it != m.end(); ++it) {
    ++n;
    if (!fn(it->second) || (limit != 0 && n >= limit)) break;
  }
  return OkStatus();
}

}  // namespace

Status DrawWorld::ForEachPlan(std::string_view after, size_t limit,
                              const std::function<bool(const PlanInfo&)>& fn) const {
  return EachAfter(plans, after, limit, fn);
}
Status DrawWorld::ForEachTask(std::string_view after, size_t limit,
                              const std::function<bool(const TaskInfo&)>& fn) const {
  return EachAfter(tasks, after, limit, fn);
}
Status DrawWorld::ForEachDraw(std::string_view after, size_t limit,
                              const std::function<bool(const DrawInfo&)>& fn) const {
  return EachAfter(draws, after, limit, fn);
}

void DrawWorld::PutPlan(PlanInfo p) {
  const std::string id = p.plan.plan_id;
  plans[id] = std::move(p);
}
void DrawWorld::PutTask(TaskInfo t) {
  const std::string id = t.task.task_id;
  tasks[id] = std::move(t);
}
void DrawWorld::PutDraw(DrawInfo d) {
  const std::string id = d.draw_id;
  draws[id] = std::move(d);
}
TaskInfo* DrawWorld::MutableTask(std::string_view task_id) {
  auto it = tasks.find(task_id);
  return it == tasks.end() ? nullptr : &it->second;
}
DrawInfo* DrawWorld::MutableDraw(std::string_view draw_id) {
  auto it = draws.find(draw_id);
  return it == draws.end() ? nullptr : &it->second;
}
std::vector<PastVisit>* DrawWorld::MutableVisits(std::string_view credit_code, bool create) {
  auto it = visits.find(credit_code);
  if (it != visits.end()) return &it->second;
  if (!create) return nullptr;
  return &visits[std::string(credit_code)];
}
void DrawWorld::EraseVisits(std::string_view credit_code) {
  auto it = visits.find(credit_code);
  if (it != visits.end()) visits.erase(it);
}

std::optional<directory::OrgUnitRecord> DrawWorld::Org(std::string_view org_id) const {
  return directory::MemoryDirectoryReader(dir).Org(org_id);
}
std::optional<directory::TargetRecord> DrawWorld::Target(std::string_view code) const {
  return directory::MemoryDirectoryReader(dir).Target(code);
}
std::optional<directory::ItemListRecord> DrawWorld::ItemList(std::string_view org_id,
                                                             uint32_t version) const {
  return directory::MemoryDirectoryReader(dir).ItemList(org_id, version);
}
uint32_t DrawWorld::ItemListInForce(std::string_view org_id, std::string_view date) const {
  return directory::MemoryDirectoryReader(dir).ItemListInForce(org_id, date);
}
uint64_t DrawWorld::TargetCount() const { return dir.targets.size(); }
uint64_t DrawWorld::ForEachTargetIn(
    const std::vector<std::string>& regions,
    const std::function<bool(const directory::TargetRecord&)>& fn) const {
  return directory::MemoryDirectoryReader(dir).ForEachTargetIn(regions, fn);
}
std::optional<directory::InspectorRecord> DrawWorld::Inspector(std::string_view inspector_id) const {
  return directory::MemoryDirectoryReader(dir).Inspector(inspector_id);
}
void DrawWorld::ForEachInspector(
    const std::function<bool(const directory::InspectorRecord&)>& fn) const {
  directory::MemoryDirectoryReader(dir).ForEachInspector(fn);
}
std::vector<std::string> DrawWorld::ConflictsOf(std::string_view inspector_id) const {
  return directory::MemoryDirectoryReader(dir).ConflictsOf(inspector_id);
}

const DrawInfo* LiveDraw(const DrawStore& store, std::string_view task_id) {
  const TaskInfo* t = store.FindTask(task_id);
  if (t == nullptr) return nullptr;
  for (auto it = t->draw_ids.rbegin(); it != t->draw_ids.rend(); ++it) {
    const DrawInfo* d = store.FindDraw(*it);
    if (d != nullptr && d->phase != DrawPhase::kCancelled) return d;
  }
  return nullptr;
}

StatusOr<FrozenInputs> FreezeInputs(const DrawStore& store, std::string_view task_id,
                                    ExclusionCounts* excluded) {
  const TaskInfo* t = store.FindTask(task_id);
  if (t == nullptr) return NotFound("unknown task " + std::string(task_id));
  if (t->withdrawn) return FailedPrecondition("task " + std::string(task_id) + " was withdrawn");
  return FreezeInputsFor(store, t->task, t->year, excluded);
}

FrozenInputs FreezeInputsFor(const DrawStore& store, const TaskRecord& task, uint16_t plan_year,
                             ExclusionCounts* excluded) {
  const directory::DirectoryReader& dir = store.directory();
  auto org = dir.Org(task.org_id);
  const std::string jurisdiction = org ? org->region : std::string();
  FrozenInputs in;
  in.population = ComputeEligibility(
      task, plan_year, jurisdiction, dir,
      [&](std::string_view code) { return store.FindVisits(code); }, excluded);
  std::set<std::string_view> inspector_ids;
  for (const auto& i : in.population.inspectors) inspector_ids.insert(i.inspector_id);
  for (const auto& i : in.population.experts) inspector_ids.insert(i.inspector_id);
  for (std::string_view id : inspector_ids) {
    for (std::string& code : dir.ConflictsOf(id)) in.conflicts.emplace(std::string(id), std::move(code));
  }
  in.IndexConflicts();
  for (const auto& target : in.population.targets) {
    const std::vector<PastVisit>* past = store.FindVisits(target.credit_code);
    if (past != nullptr && !past->empty()) {
      in.previous_teams.emplace(target.credit_code, past->back().team);
    }
  }
  return in;
}

StatusOr<uint16_t> CheckTask(const DrawStore& store, const TaskRecord& task) {
  if (store.FindTask(task.task_id) != nullptr) {
    return FailedPrecondition("task " + Q(task.task_id) + " is already defined");
  }
  const PlanInfo* plan = store.FindPlan(task.plan_id);
  if (plan == nullptr) {
    return FailedPrecondition("task " + Q(task.task_id) + " names unknown plan " +
                              Q(task.plan_id));
  }
  auto errors = ValidateTask(task);
  if (!errors.empty()) {
    return FailedPrecondition("task " + Q(task.task_id) + ": " + errors[0].field + ": " +
                              errors[0].reason);
  }
  if (task.org_id != plan->plan.org_id) {
    return FailedPrecondition("task " + Q(task.task_id) + " of " + task.org_id +
                              " is filed under plan " + Q(task.plan_id) + " of " +
                              plan->plan.org_id);
  }
  const directory::DirectoryReader& dir = store.directory();
  auto org = dir.Org(task.org_id);
  if (!org) {
    return FailedPrecondition("task " + Q(task.task_id) + " names unknown org " +
                              Q(task.org_id));
  }
  // R19: a bureau draws targets and inspectors within its jurisdiction.
  for (const auto* list : {&task.regions, &task.inspectors.regions}) {
    for (const auto& r : *list) {
      if (!codes::RegionWithin(r, org->region)) {
        return FailedPrecondition("task " + Q(task.task_id) + " region " + r +
                                  " is outside the jurisdiction " + org->region +
                                  " of " + task.org_id);
      }
    }
  }
  auto list = dir.ItemList(task.org_id, task.item_list_version);
  if (!list) {
    return FailedPrecondition("task " + Q(task.task_id) + " names item list version " +
                              std::to_string(task.item_list_version) + " of " +
                              task.org_id + ", which was never published");
  }
  for (const auto& id : task.item_ids) {
    auto item = std::find_if(list->items.begin(), list->items.end(),
                             [&](const auto& it) { return it.item_id == id; });
    bool found = item != list->items.end();
    if (found && task.key_items && item->kind != directory::ItemKind::Key) {
      return FailedPrecondition("task " + Q(task.task_id) + " is a key-item task, but item " +
                                Q(id) + " is not a key item (重点事项) in the item list");
    }
    if (!found) {
      return FailedPrecondition("task " + Q(task.task_id) + " names item " + Q(id) +
                                ", not in item list version " +
                                std::to_string(task.item_list_version));
    }
  }
  if (task.window_start.substr(0, 4) != std::to_string(plan->plan.year)) {
    return FailedPrecondition("task " + Q(task.task_id) + " window starts outside plan year " +
                              std::to_string(plan->plan.year));
  }
  // R6: all tasks of the year finish by 30 December.
  const std::string last_day = std::to_string(plan->plan.year) + "-12-30";
  if (task.window_end > last_day) {
    return FailedPrecondition("task " + Q(task.task_id) + " window ends after " + last_day +
                              " (all tasks of the year finish by 30 December)");
  }
  // R1: the items come from the item list in force when the window opens: the highest
  // version whose effective date is on or before window_start.
  const uint32_t in_force = dir.ItemListInForce(task.org_id, task.window_start);
  if (task.item_list_version != in_force) {
    return FailedPrecondition(
        "task " + Q(task.task_id) + " names item list version " +
        std::to_string(task.item_list_version) + ", but on " + task.window_start +
        " the version in force is " +
        (in_force == 0 ? std::string("none") : std::to_string(in_force)));
  }
  return plan->plan.year;
}

Status CheckPlan(const DrawStore& store, const PlanRecord& plan) {
  if (auto errs = ValidatePlan(plan); !errs.empty()) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + ": " + errs[0].field + ": " +
                              errs[0].reason);
  }
  auto org = store.directory().Org(plan.org_id);
  if (!org) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + " names unknown org " +
                              Q(plan.org_id));
  }
  if (plan.filed_with_org_id != org->parent_org_id) {  // R6: filed with the level above
    return FailedPrecondition("plan " + Q(plan.plan_id) + " of " + plan.org_id +
                              " must be filed with its parent org " +
                              Q(org->parent_org_id) + ", not " +
                              Q(plan.filed_with_org_id));
  }
  const PlanInfo* it = store.FindPlan(plan.plan_id);
  uint32_t expected = it == nullptr ? 1 : it->plan.version + 1;
  if (plan.version != expected) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + " version " +
                              std::to_string(plan.version) + " out of order (expected " +
                              std::to_string(expected) + ")");
  }
  if (it != nullptr && it->plan.org_id != plan.org_id) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + " cannot change its org");
  }
  return OkStatus();
}

Status CheckCancel(const DrawStore& store, const CancelRecord& c) {
  const DrawInfo* d = store.FindDraw(c.draw_id);
  if (d == nullptr || d->phase == DrawPhase::kCancelled) {
    return FailedPrecondition("cancellation of unknown or cancelled draw " + Q(c.draw_id));
  }
  if (c.reason.empty()) {
    return FailedPrecondition("cancellation of draw " + Q(c.draw_id) + " states no reason");
  }
  if (auto merged = store.FirstMergedInto(d->draw_id)) {  // R10: visits merged into this one
    return FailedPrecondition("draw " + Q(d->draw_id) + " has visits that draw " +
                              Q(merged->first) + " merged into (" + merged->second +
                              "); cancel that draw first");
  }
  return OkStatus();
}

std::string NextSubstitute(const DrawInfo& d, const VisitRecord& v) {
  for (const auto& s : v.substitutes) {
    bool used = std::find(v.team.begin(), v.team.end(), s) != v.team.end() ||
                std::any_of(d.declines.begin(), d.declines.end(), [&](const auto& x) {
                  return x.credit_code == v.credit_code && x.inspector_id == s;
                });
    if (!used) return s;
  }
  return "";
}

Status DrawWorld::Apply(const EntryView& e) {
  if (directory::IsDirectoryEvent(e.type())) return directory::ApplyDirectoryEvent(e, dir);
  if (IsDrawEvent(e.type())) return ApplyDrawEvent(e, *this);
  return OkStatus();
}

namespace {

// A draw not committed when its task is withdrawn or a new freeze supersedes it.
void CancelUncommitted(DrawInfo& d, std::string reason, uint64_t seq) {
  d.phase_before_cancel = d.phase;
  d.phase = DrawPhase::kCancelled;
  d.cancel_reason = std::move(reason);
  d.cancel_sequence = seq;
}

}  // namespace

Status ApplyDrawEvent(const EntryView& e, DrawStore& store) {
  const ByteView p = e.payload();
  const uint64_t seq = e.sequence();
  const int64_t time_us = e.event->time_us();
  switch (e.type()) {
    case EventType::PlanFiled: {
      SUIJI_ASSIGN_OR_RETURN(PlanRecord plan, DecodePlan(p));
      SUIJI_RETURN_IF_ERROR(CheckPlan(store, plan));
      store.PutPlan(PlanInfo{std::move(plan), seq});
      return OkStatus();
    }
    case EventType::TaskDefined: {
      SUIJI_ASSIGN_OR_RETURN(TaskRecord task, DecodeTask(p));
      SUIJI_ASSIGN_OR_RETURN(uint16_t year, CheckTask(store, task));
      TaskInfo info;
      info.year = year;
      info.task = std::move(task);
      info.payload.assign(p.begin(), p.end());
      info.sequence = seq;
      info.last_sequence = seq;
      store.PutTask(std::move(info));
      return OkStatus();
    }
    case EventType::TaskWithdrawn: {
      SUIJI_ASSIGN_OR_RETURN(TaskWithdrawal w, DecodeTaskWithdrawn(p));
      TaskInfo* task = store.MutableTask(w.task_id);
      if (task == nullptr) return FailedPrecondition("withdrawal of unknown task " + Q(w.task_id));
      const DrawInfo* live = LiveDraw(store, w.task_id);
      if (live != nullptr && live->phase != DrawPhase::kFrozen) {
        return FailedPrecondition("task " + Q(w.task_id) + " has a committed draw " +
                                  Q(live->draw_id) + "; cancel it first");
      }
      task->withdrawn = true;
      task->last_sequence = seq;
      if (live != nullptr) {  // its uncommitted freeze goes with it
        CancelUncommitted(*store.MutableDraw(live->draw_id), "task withdrawn: " + w.reason, seq);
      }
      return OkStatus();
    }
    case EventType::DrawFrozen: {
      SUIJI_ASSIGN_OR_RETURN(FreezeRecord f, DecodeFreeze(p));
      TaskInfo* task = store.MutableTask(f.task_id);
      if (task == nullptr || task->withdrawn) {
        return FailedPrecondition("freeze " + Q(f.draw_id) + " of unknown or withdrawn task " +
                                  Q(f.task_id));
      }
      if (store.FindDraw(f.draw_id) != nullptr) {
        return FailedPrecondition("draw id " + Q(f.draw_id) + " is already used");
      }
      const DrawInfo* live = LiveDraw(store, f.task_id);
      if (live != nullptr && live->phase != DrawPhase::kFrozen) {
        return FailedPrecondition("task " + Q(f.task_id) + " already has committed draw " +
                                  Q(live->draw_id) + "; a redraw needs its cancellation first");
      }
      if (live != nullptr) {  // an uncommitted freeze is superseded by a new one
        CancelUncommitted(*store.MutableDraw(live->draw_id), "superseded by freeze " + f.draw_id,
                          seq);
      }
      DrawInfo d;
      d.draw_id = f.draw_id;
      d.task_id = f.task_id;
      d.freeze_sequence = seq;
      d.freeze_time_us = time_us;
      d.freeze = std::move(f);
      task->draw_ids.push_back(d.draw_id);
      task->last_sequence = seq;
      store.PutDraw(std::move(d));
      return OkStatus();
    }
    case EventType::DrawCommitted: {
      SUIJI_ASSIGN_OR_RETURN(CommitRecord c, DecodeCommit(p));
      DrawInfo* it = store.MutableDraw(c.draw_id);
      if (it == nullptr || it->phase != DrawPhase::kFrozen) {
        return FailedPrecondition("commit of draw " + Q(c.draw_id) +
                                  ", which is not frozen and uncommitted");
      }
      DrawInfo& d = *it;
      const FreezeRecord& f = d.freeze;
      if (c.task_id != d.task_id || c.freeze_sequence != d.freeze_sequence ||
          c.target_count != f.target_count || c.target_root != f.target_root ||
          c.inspector_count != f.inspector_count || c.inspector_root != f.inspector_root ||
          c.expert_count != f.expert_count || c.expert_root != f.expert_root) {
        return FailedPrecondition("commit of draw " + Q(c.draw_id) +
                                  " does not restate its freeze (task, position, counts, roots)");
      }
      d.phase = DrawPhase::kCommitted;
      d.commit_sequence = seq;
      d.commit_time_us = time_us;
      d.commitment = CommitmentHash(p);
      d.commit = std::move(c);
      TaskInfo& task = *store.MutableTask(d.task_id);
      ++task.commits;
      task.last_sequence = seq;
      return OkStatus();
    }
    case EventType::DrawRevealed: {
      SUIJI_ASSIGN_OR_RETURN(RevealRecord r, DecodeReveal(p));
      DrawInfo* it = store.MutableDraw(r.draw_id);
      if (it == nullptr || it->phase != DrawPhase::kCommitted) {
        return FailedPrecondition("reveal of draw " + Q(r.draw_id) +
                                  ", which is not committed and unrevealed");
      }
      it->phase = DrawPhase::kRevealed;
      it->reveal_sequence = seq;
      it->reveal_time_us = time_us;
      it->reveal = std::move(r);
      store.MutableTask(it->task_id)->last_sequence = seq;
      return OkStatus();
    }
    case EventType::DrawResult: {
      SUIJI_ASSIGN_OR_RETURN(ResultPart part, DecodeResultPart(p));
      DrawInfo* it = store.MutableDraw(part.draw_id);
      if (it == nullptr || it->phase != DrawPhase::kRevealed) {
        return FailedPrecondition("result of draw " + Q(part.draw_id) +
                                  ", which is not revealed or already has its result");
      }
      DrawInfo& d = *it;
      if (part.part != d.parts_seen || part.parts == 0 || part.part >= part.parts ||
          (d.parts_seen > 0 && part.parts != d.parts)) {
        return FailedPrecondition("result part " + std::to_string(part.part) + "/" +
                                  std::to_string(part.parts) + " of draw " + Q(d.draw_id) +
                                  " out of order");
      }
      d.parts = part.parts;
      TaskInfo& task = *store.MutableTask(d.task_id);
      task.last_sequence = seq;
      ++d.parts_seen;
      if (part.part == 0) d.result_strata = part.strata;
      for (auto& v : part.visits) d.visits.push_back(std::move(v));
      if (d.parts_seen < d.parts) return OkStatus();
      d.phase = DrawPhase::kResulted;
      for (const VisitRecord& v : d.visits) {
        PastVisit pv{d.draw_id, d.task_id, task.year, task.task.window_start,
                     task.task.window_end, task.task.item_ids, v.team, v.merged_into};
        auto& history = *store.MutableVisits(v.credit_code, true);
        if (!v.merged_into.empty()) {
          for (const PastVisit& earlier : history) {
            if (earlier.draw_id == v.merged_into) pv.team = earlier.team;
          }
        }
        history.push_back(std::move(pv));
      }
      store.NoteResulted(d, true);
      return OkStatus();
    }
    case EventType::DrawCancelled: {
      SUIJI_ASSIGN_OR_RETURN(CancelRecord c, DecodeCancel(p));
      SUIJI_RETURN_IF_ERROR(CheckCancel(store, c));
      DrawInfo& d = *store.MutableDraw(c.draw_id);
      TaskInfo& task = *store.MutableTask(d.task_id);
      if (d.phase != DrawPhase::kFrozen) ++task.cancelled_commits;
      task.last_sequence = seq;
      if (d.phase == DrawPhase::kResulted) {
        for (const VisitRecord& v : d.visits) {
          std::vector<PastVisit>* h = store.MutableVisits(v.credit_code, false);
          if (h == nullptr) continue;
          std::erase_if(*h, [&](const PastVisit& pv) { return pv.draw_id == d.draw_id; });
          if (h->empty()) store.EraseVisits(v.credit_code);
        }
        store.NoteResulted(d, false);
      }
      d.phase_before_cancel = d.phase;
      d.phase = DrawPhase::kCancelled;
      d.cancel_reason = c.reason;
      d.cancel_sequence = seq;
      return OkStatus();
    }
    case EventType::AssignmentDeclined: {
      SUIJI_ASSIGN_OR_RETURN(DeclineRecord dec, DecodeDecline(p));
      DrawInfo* it = store.MutableDraw(dec.draw_id);
      if (it == nullptr || it->phase != DrawPhase::kResulted) {
        return FailedPrecondition("decline in draw " + Q(dec.draw_id) + ", which has no result");
      }
      if (dec.reason.empty()) {
        return FailedPrecondition("decline by " + Q(dec.inspector_id) + " states no reason");
      }
      DrawInfo& d = *it;
      auto v = std::find_if(d.visits.begin(), d.visits.end(),
                            [&](const VisitRecord& x) { return x.credit_code == dec.credit_code; });
      if (v == d.visits.end()) {
        return FailedPrecondition("decline names " + Q(dec.credit_code) + ", not drawn in " +
                                  Q(d.draw_id));
      }
      auto member = std::find(v->team.begin(), v->team.end(), dec.inspector_id);
      if (member == v->team.end()) {
        return FailedPrecondition(Q(dec.inspector_id) + " is not on the team for " +
                                  Q(dec.credit_code));
      }
      const std::string next = NextSubstitute(d, *v);
      if (next.empty() || dec.replacement_id != next) {
        return FailedPrecondition("replacement for " + Q(dec.inspector_id) + " at " +
                                  Q(dec.credit_code) + " must be the next substitute " +
                                  (next.empty() ? std::string("(none left)") : Q(next)) +
                                  ", not " + Q(dec.replacement_id));
      }
      *member = next;
      if (std::vector<PastVisit>* h = store.MutableVisits(dec.credit_code, false)) {
        for (PastVisit& pv : *h) {  // the visit and any later visit merged into it
          if (pv.draw_id == d.draw_id || pv.merged_into == d.draw_id) pv.team = v->team;
        }
      }
      store.MutableTask(d.task_id)->last_sequence = seq;
      d.declines.push_back(std::move(dec));
      return OkStatus();
    }
    default: return OkStatus();
  }
}

}  // namespace suiji::draw
