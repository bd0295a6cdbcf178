#include "ledger/core/inspection/deadlines.h"

namespace suiji::inspection {

std::string_view DeadlineKindName(DeadlineKind k) {
  switch (k) {
    case DeadlineKind::kConfirm: return "confirm";
    case DeadlineKind::kEnter: return "enter";
    case DeadlineKind::kPublish: return "publish";
  }
  return "unknown";
}

std::string_view DeadlineStatusName(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kMet: return "met";
    case DeadlineStatus::kLate: return "late";
    case DeadlineStatus::kOpen: return "open";
    case DeadlineStatus::kOverdue: return "overdue";
    case DeadlineStatus::kNoCalendar: return "no_calendar";
  }
  return "unknown";
}

namespace {

void Settle(const directory::WorkCalendar& cal, int working_days, std::string_view today,
            Deadline& d) {
  auto due = cal.AddWorkingDays(d.from, working_days);
  if (!due.ok()) {
    d.status = DeadlineStatus::kNoCalendar;
    d.note = due.status().message();
    return;
  }
  d.due = *due;
  if (!d.done.empty()) {
    if (d.done <= d.due) {
      d.status = DeadlineStatus::kMet;
      return;
    }
    d.status = DeadlineStatus::kLate;
    auto late = cal.WorkingDaysBetween(d.due, d.done);
    d.working_days_late = late.ok() ? *late : 0;
    if (!late.ok()) d.note = late.status().message();
    return;
  }
  if (std::string(today) <= d.due) {
    d.status = DeadlineStatus::kOpen;
    return;
  }
  d.status = DeadlineStatus::kOverdue;
  auto late = cal.WorkingDaysBetween(d.due, today);
  d.working_days_late = late.ok() ? *late : 0;
  if (!late.ok()) d.note = late.status().message();
}

}  // namespace

std::vector<Deadline> ComputeDeadlines(const InspectionWorld& world, std::string_view today) {
  std::vector<Deadline> out;
  ForEachDeadline(world, today, [&out](Deadline&& d) { out.push_back(std::move(d)); });
  return out;
}

void ForEachDeadline(const InspectionWorld& world, std::string_view today,
                     const std::function<void(Deadline&&)>& fn) {
  (void)ForEachDeadline(static_cast<const InspectionStore&>(world), today, fn);  // never fails in memory
}

StatusOr<std::vector<Deadline>> ComputeDeadlines(const InspectionStore& store, std::string_view today) {
  std::vector<Deadline> out;
  SUIJI_RETURN_IF_ERROR(ForEachDeadline(store, today, [&out](Deadline&& d) { out.push_back(std::move(d)); }));
  return out;
}

Deadline ConfirmDeadline(const directory::WorkCalendar& cal, const draw::DrawInfo& d,
                         const draw::TaskInfo& t, const AnnouncementInfo* a, std::string_view today) {
  Deadline confirm;
  confirm.org_id = t.task.org_id;
  confirm.task_id = d.task_id;
  confirm.draw_id = d.draw_id;
  confirm.kind = DeadlineKind::kConfirm;
  confirm.from = ChinaDate(d.reveal_time_us);
  if (a != nullptr) confirm.done = ChinaDate(a->time_us);
  Settle(cal, kConfirmWorkingDays, today, confirm);
  return confirm;
}

void ForEachVisitDeadline(const directory::WorkCalendar& cal, const draw::DrawInfo& d,
                          const draw::TaskInfo& t, const std::string& credit_code,
                          const ResultInfo* r, std::string_view today,
                          const std::function<void(Deadline&&)>& fn) {
  Deadline base;
  base.org_id = t.task.org_id;
  base.task_id = d.task_id;
  base.draw_id = d.draw_id;
  if (r != nullptr) {
    Deadline enter = base;
    enter.kind = DeadlineKind::kEnter;
    enter.credit_code = credit_code;
    enter.from = r->revisions.front().record.inspection_date;
    enter.done = ChinaDate(r->revisions.front().time_us);
    Settle(cal, kEnterWorkingDays, today, enter);
    fn(std::move(enter));
  }
  Deadline publish = std::move(base);
  publish.kind = DeadlineKind::kPublish;
  publish.credit_code = credit_code;
  publish.from = t.task.window_end;
  if (r != nullptr && r->published_revision != 0) publish.done = ChinaDate(r->published_time_us);
  Settle(cal, kPublishWorkingDays, today, publish);
  fn(std::move(publish));
}

Status ForEachDeadline(const InspectionStore& store, std::string_view today,
                       const std::function<void(Deadline&&)>& fn) {
  const directory::WorkCalendar& cal = store.calendar();
  const draw::DrawStore& draws = store.draw_store();
  return draws.ForEachDraw("", 0, [&](const draw::DrawInfo& d) {
    if (d.phase != draw::DrawPhase::kResulted) return true;
    const draw::TaskInfo* t = draws.FindTask(d.task_id);
    if (t == nullptr) return true;
    fn(ConfirmDeadline(cal, d, *t, store.FindAnnouncement(d.draw_id), today));
    for (const auto& v : d.visits) {
      ForEachVisitDeadline(cal, d, *t, v.credit_code, store.FindResult(d.draw_id, v.credit_code),
                           today, fn);
    }
    return true;
  });
}

}  // namespace suiji::inspection
