#include "ledger/core/draw/state.h"

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
  const TaskInfo* t = Task(task_id);
  if (t == nullptr) return nullptr;
  for (auto it = t->draw_ids.rbegin(); it != t->draw_ids.rend(); ++it) {
    const DrawInfo* d = Draw(*it);
    if (d != nullptr && d->phase != DrawPhase::kCancelled) return d;
  }
  return nullptr;
}

StatusOr<FrozenInputs> DrawWorld::Freeze(std::string_view task_id,
                                         ExclusionCounts* excluded) const {
  const TaskInfo* t = Task(task_id);
  if (t == nullptr) return NotFound("unknown task " + std::string(task_id));
  if (t->withdrawn) return FailedPrecondition("task " + std::string(task_id) + " was withdrawn");
  auto org = dir.orgs.find(t->task.org_id);
  const std::string jurisdiction = org == dir.orgs.end() ? std::string() : org->second.region;
  FrozenInputs in;
  in.population = ComputeEligibility(t->task, t->year, jurisdiction, dir, visits, excluded);
  std::set<std::string_view> inspector_ids;
  for (const auto& i : in.population.inspectors) inspector_ids.insert(i.inspector_id);
  for (const auto& i : in.population.experts) inspector_ids.insert(i.inspector_id);
  for (const auto& c : dir.conflicts) {
    if (inspector_ids.count(c.first) > 0) in.conflicts.insert(c);
  }
  in.IndexConflicts();
  for (const auto& target : in.population.targets) {
    auto it = visits.find(target.credit_code);
    if (it != visits.end() && !it->second.empty()) {
      in.previous_teams.emplace(target.credit_code, it->second.back().team);
    }
  }
  return in;
}

StatusOr<uint16_t> DrawWorld::CheckTask(const TaskRecord& task) const {
  if (tasks.count(task.task_id) > 0) {
    return FailedPrecondition("task " + Q(task.task_id) + " is already defined");
  }
  auto plan = plans.find(task.plan_id);
  if (plan == plans.end()) {
    return FailedPrecondition("task " + Q(task.task_id) + " names unknown plan " +
                              Q(task.plan_id));
  }
  auto errors = ValidateTask(task);
  if (!errors.empty()) {
    return FailedPrecondition("task " + Q(task.task_id) + ": " + errors[0].field + ": " +
                              errors[0].reason);
  }
  if (task.org_id != plan->second.plan.org_id) {
    return FailedPrecondition("task " + Q(task.task_id) + " of " + task.org_id +
                              " is filed under plan " + Q(task.plan_id) + " of " +
                              plan->second.plan.org_id);
  }
  auto org = dir.orgs.find(task.org_id);
  if (org == dir.orgs.end()) {
    return FailedPrecondition("task " + Q(task.task_id) + " names unknown org " +
                              Q(task.org_id));
  }
  // R19: a bureau draws targets and inspectors within its jurisdiction.
  for (const auto* list : {&task.regions, &task.inspectors.regions}) {
    for (const auto& r : *list) {
      if (!codes::RegionWithin(r, org->second.region)) {
        return FailedPrecondition("task " + Q(task.task_id) + " region " + r +
                                  " is outside the jurisdiction " + org->second.region +
                                  " of " + task.org_id);
      }
    }
  }
  auto list = dir.item_lists.find({task.org_id, task.item_list_version});
  if (list == dir.item_lists.end()) {
    return FailedPrecondition("task " + Q(task.task_id) + " names item list version " +
                              std::to_string(task.item_list_version) + " of " +
                              task.org_id + ", which was never published");
  }
  for (const auto& id : task.item_ids) {
    auto item = std::find_if(list->second.items.begin(), list->second.items.end(),
                             [&](const auto& it) { return it.item_id == id; });
    bool found = item != list->second.items.end();
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
  if (task.window_start.substr(0, 4) != std::to_string(plan->second.plan.year)) {
    return FailedPrecondition("task " + Q(task.task_id) + " window starts outside plan year " +
                              std::to_string(plan->second.plan.year));
  }
  // R6: all tasks of the year finish by 30 December.
  const std::string last_day = std::to_string(plan->second.plan.year) + "-12-30";
  if (task.window_end > last_day) {
    return FailedPrecondition("task " + Q(task.task_id) + " window ends after " + last_day +
                              " (all tasks of the year finish by 30 December)");
  }
  // R1: the items come from the item list in force when the window opens: the highest
  // version whose effective date is on or before window_start.
  uint32_t in_force = 0;
  for (const auto& [key, l] : dir.item_lists) {
    if (key.first == task.org_id && l.effective_date <= task.window_start) {
      in_force = std::max(in_force, key.second);
    }
  }
  if (task.item_list_version != in_force) {
    return FailedPrecondition(
        "task " + Q(task.task_id) + " names item list version " +
        std::to_string(task.item_list_version) + ", but on " + task.window_start +
        " the version in force is " +
        (in_force == 0 ? std::string("none") : std::to_string(in_force)));
  }
  return plan->second.plan.year;
}

Status DrawWorld::CheckPlan(const PlanRecord& plan) const {
  if (auto errs = ValidatePlan(plan); !errs.empty()) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + ": " + errs[0].field + ": " +
                              errs[0].reason);
  }
  auto org = dir.orgs.find(plan.org_id);
  if (org == dir.orgs.end()) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + " names unknown org " +
                              Q(plan.org_id));
  }
  if (plan.filed_with_org_id != org->second.parent_org_id) {  // R6: filed with the level above
    return FailedPrecondition("plan " + Q(plan.plan_id) + " of " + plan.org_id +
                              " must be filed with its parent org " +
                              Q(org->second.parent_org_id) + ", not " +
                              Q(plan.filed_with_org_id));
  }
  auto it = plans.find(plan.plan_id);
  uint32_t expected = it == plans.end() ? 1 : it->second.plan.version + 1;
  if (plan.version != expected) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + " version " +
                              std::to_string(plan.version) + " out of order (expected " +
                              std::to_string(expected) + ")");
  }
  if (it != plans.end() && it->second.plan.org_id != plan.org_id) {
    return FailedPrecondition("plan " + Q(plan.plan_id) + " cannot change its org");
  }
  return OkStatus();
}

Status DrawWorld::CheckCancel(const CancelRecord& c) const {
  auto it = draws.find(c.draw_id);
  if (it == draws.end() || it->second.phase == DrawPhase::kCancelled) {
    return FailedPrecondition("cancellation of unknown or cancelled draw " + Q(c.draw_id));
  }
  if (c.reason.empty()) {
    return FailedPrecondition("cancellation of draw " + Q(c.draw_id) + " states no reason");
  }
  const DrawInfo& d = it->second;
  for (const auto& [other_id, other] : draws) {  // R10: visits merged into this one
    if (other.phase != DrawPhase::kResulted || other_id == d.draw_id) continue;
    for (const VisitRecord& v : other.visits) {
      if (v.merged_into == d.draw_id) {
        return FailedPrecondition("draw " + Q(d.draw_id) + " has visits that draw " +
                                  Q(other_id) + " merged into (" + v.credit_code +
                                  "); cancel that draw first");
      }
    }
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
  if (IsDrawEvent(e.type())) return ApplyDrawEvent(e);
  return OkStatus();
}

Status DrawWorld::ApplyDrawEvent(const EntryView& e) {
  const ByteView p = e.payload();
  const uint64_t seq = e.sequence();
  const int64_t time_us = e.event->time_us();
  switch (e.type()) {
    case EventType::PlanFiled: {
      SUIJI_ASSIGN_OR_RETURN(PlanRecord plan, DecodePlan(p));
      SUIJI_RETURN_IF_ERROR(CheckPlan(plan));
      const std::string id = plan.plan_id;
      plans[id] = PlanInfo{std::move(plan), seq};
      return OkStatus();
    }
    case EventType::TaskDefined: {
      SUIJI_ASSIGN_OR_RETURN(TaskRecord task, DecodeTask(p));
      SUIJI_ASSIGN_OR_RETURN(uint16_t year, CheckTask(task));
      TaskInfo info;
      info.year = year;
      info.task = std::move(task);
      info.payload.assign(p.begin(), p.end());
      info.sequence = seq;
      info.last_sequence = seq;
      tasks.emplace(info.task.task_id, std::move(info));
      return OkStatus();
    }
    case EventType::TaskWithdrawn: {
      SUIJI_ASSIGN_OR_RETURN(TaskWithdrawal w, DecodeTaskWithdrawn(p));
      auto it = tasks.find(w.task_id);
      if (it == tasks.end()) return FailedPrecondition("withdrawal of unknown task " + Q(w.task_id));
      const DrawInfo* live = LiveDraw(w.task_id);
      if (live != nullptr && live->phase != DrawPhase::kFrozen) {
        return FailedPrecondition("task " + Q(w.task_id) + " has a committed draw " +
                                  Q(live->draw_id) + "; cancel it first");
      }
      it->second.withdrawn = true;
      it->second.last_sequence = seq;
      if (live != nullptr) {  // its uncommitted freeze goes with it
        DrawInfo& frozen = draws[live->draw_id];
        frozen.phase_before_cancel = frozen.phase;
        frozen.phase = DrawPhase::kCancelled;
        frozen.cancel_reason = "task withdrawn: " + w.reason;
        frozen.cancel_sequence = seq;
      }
      return OkStatus();
    }
    case EventType::DrawFrozen: {
      SUIJI_ASSIGN_OR_RETURN(FreezeRecord f, DecodeFreeze(p));
      auto task = tasks.find(f.task_id);
      if (task == tasks.end() || task->second.withdrawn) {
        return FailedPrecondition("freeze " + Q(f.draw_id) + " of unknown or withdrawn task " +
                                  Q(f.task_id));
      }
      if (draws.count(f.draw_id) > 0) {
        return FailedPrecondition("draw id " + Q(f.draw_id) + " is already used");
      }
      const DrawInfo* live = LiveDraw(f.task_id);
      if (live != nullptr && live->phase != DrawPhase::kFrozen) {
        return FailedPrecondition("task " + Q(f.task_id) + " already has committed draw " +
                                  Q(live->draw_id) + "; a redraw needs its cancellation first");
      }
      if (live != nullptr) {  // an uncommitted freeze is superseded by a new one
        DrawInfo& old = draws[live->draw_id];
        old.phase_before_cancel = old.phase;
        old.phase = DrawPhase::kCancelled;
        old.cancel_reason = "superseded by freeze " + f.draw_id;
        old.cancel_sequence = seq;
      }
      DrawInfo d;
      d.draw_id = f.draw_id;
      d.task_id = f.task_id;
      d.freeze_sequence = seq;
      d.freeze_time_us = time_us;
      d.freeze = std::move(f);
      task->second.draw_ids.push_back(d.draw_id);
      task->second.last_sequence = seq;
      draws.emplace(d.draw_id, std::move(d));
      return OkStatus();
    }
    case EventType::DrawCommitted: {
      SUIJI_ASSIGN_OR_RETURN(CommitRecord c, DecodeCommit(p));
      auto it = draws.find(c.draw_id);
      if (it == draws.end() || it->second.phase != DrawPhase::kFrozen) {
        return FailedPrecondition("commit of draw " + Q(c.draw_id) +
                                  ", which is not frozen and uncommitted");
      }
      DrawInfo& d = it->second;
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
      ++tasks[d.task_id].commits;
      tasks[d.task_id].last_sequence = seq;
      return OkStatus();
    }
    case EventType::DrawRevealed: {
      SUIJI_ASSIGN_OR_RETURN(RevealRecord r, DecodeReveal(p));
      auto it = draws.find(r.draw_id);
      if (it == draws.end() || it->second.phase != DrawPhase::kCommitted) {
        return FailedPrecondition("reveal of draw " + Q(r.draw_id) +
                                  ", which is not committed and unrevealed");
      }
      it->second.phase = DrawPhase::kRevealed;
      it->second.reveal_sequence = seq;
      it->second.reveal_time_us = time_us;
      it->second.reveal = std::move(r);
      tasks[it->second.task_id].last_sequence = seq;
      return OkStatus();
    }
    case EventType::DrawResult: {
      SUIJI_ASSIGN_OR_RETURN(ResultPart part, DecodeResultPart(p));
      auto it = draws.find(part.draw_id);
      if (it == draws.end() || it->second.phase != DrawPhase::kRevealed) {
        return FailedPrecondition("result of draw " + Q(part.draw_id) +
                                  ", which is not revealed or already has its result");
      }
      DrawInfo& d = it->second;
      if (part.part != d.parts_seen || part.parts == 0 || part.part >= part.parts ||
          (d.parts_seen > 0 && part.parts != d.parts)) {
        return FailedPrecondition("result part " + std::to_string(part.part) + "/" +
                                  std::to_string(part.parts) + " of draw " + Q(d.draw_id) +
                                  " out of order");
      }
      d.parts = part.parts;
      tasks[d.task_id].last_sequence = seq;
      ++d.parts_seen;
      if (part.part == 0) d.result_strata = part.strata;
      for (auto& v : part.visits) d.visits.push_back(std::move(v));
      if (d.parts_seen < d.parts) return OkStatus();
      d.phase = DrawPhase::kResulted;
      const TaskInfo& task = tasks[d.task_id];
      for (const VisitRecord& v : d.visits) {
        PastVisit pv{d.draw_id, d.task_id, task.year, task.task.window_start,
                     task.task.window_end, task.task.item_ids, v.team, v.merged_into};
        auto& history = visits[v.credit_code];
        if (!v.merged_into.empty()) {
          for (const PastVisit& earlier : history) {
            if (earlier.draw_id == v.merged_into) pv.team = earlier.team;
          }
        }
        history.push_back(std::move(pv));
      }
      return OkStatus();
    }
    case EventType::DrawCancelled: {
      SUIJI_ASSIGN_OR_RETURN(CancelRecord c, DecodeCancel(p));
      SUIJI_RETURN_IF_ERROR(CheckCancel(c));
      DrawInfo& d = draws.find(c.draw_id)->second;
      if (d.phase != DrawPhase::kFrozen) ++tasks[d.task_id].cancelled_commits;
      tasks[d.task_id].last_sequence = seq;
      if (d.phase == DrawPhase::kResulted) {
        for (const VisitRecord& v : d.visits) {
          auto h = visits.find(v.credit_code);
          if (h == visits.end()) continue;
          std::erase_if(h->second, [&](const PastVisit& pv) { return pv.draw_id == d.draw_id; });
          if (h->second.empty()) visits.erase(h);
        }
      }
      d.phase_before_cancel = d.phase;
      d.phase = DrawPhase::kCancelled;
      d.cancel_reason = c.reason;
      d.cancel_sequence = seq;
      return OkStatus();
    }
    case EventType::AssignmentDeclined: {
      SUIJI_ASSIGN_OR_RETURN(DeclineRecord dec, DecodeDecline(p));
      auto it = draws.find(dec.draw_id);
      if (it == draws.end() || it->second.phase != DrawPhase::kResulted) {
        return FailedPrecondition("decline in draw " + Q(dec.draw_id) + ", which has no result");
      }
      if (dec.reason.empty()) {
        return FailedPrecondition("decline by " + Q(dec.inspector_id) + " states no reason");
      }
      DrawInfo& d = it->second;
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
      auto h = visits.find(dec.credit_code);
      if (h != visits.end()) {
        for (PastVisit& pv : h->second) {  // the visit and any later visit merged into it
          if (pv.draw_id == d.draw_id || pv.merged_into == d.draw_id) pv.team = v->team;
        }
      }
      tasks[d.task_id].last_sequence = seq;
      d.declines.push_back(std::move(dec));
      return OkStatus();
    }
    default: return OkStatus();
  }
}

}  // namespace suiji::draw
