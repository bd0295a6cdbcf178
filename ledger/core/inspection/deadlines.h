// Working-day deadlines (R11, R13, R18), computed with the calendar in the log:
//   confirm  — the drawn list checked and confirmed within 2 working days of the draw
//              (the China date of the reveal), done by the TargetsAnnounced event;
//   enter    — a result entered within 2 working days of the inspection, done by the first
//              ResultRecorded event;
//   publish  — every visit's result published within 20 working days of the task's end,
//              done by ResultPublished.
// "Done" is the China date of the event's ledger time (which nobody can back-date), not a
// date the event claims. The node lists overdue items per bureau; the verifier recomputes
// the same list at the log's end. Pure.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ledger/core/inspection/state.h"

namespace suiji::inspection {

inline constexpr int kConfirmWorkingDays = 2;
inline constexpr int kEnterWorkingDays = 2;
inline constexpr int kPublishWorkingDays = 20;

enum class DeadlineKind { kConfirm, kEnter, kPublish };
enum class DeadlineStatus {
  kMet,         // done on or before the due date
  kLate,        // done after it
  kOpen,        // not done; not due yet
  kOverdue,     // not done; past due
  kNoCalendar,  // the holiday schedule of a year it spans is not in the log
};
std::string_view DeadlineKindName(DeadlineKind k);      // "confirm", "enter", "publish"
std::string_view DeadlineStatusName(DeadlineStatus s);  // "met", "late", "open", ...

struct Deadline {
  DeadlineKind kind = DeadlineKind::kConfirm;
  std::string org_id;  // the bureau of the task
  std::string task_id;
  std::string draw_id;
  std::string credit_code;  // empty for confirm
  std::string from;         // the date the count starts after
  std::string due;          // "" when kNoCalendar
  std::string done;         // "" when not done
  DeadlineStatus status = DeadlineStatus::kOpen;
  int working_days_late = 0;  // kLate: after due; kOverdue: from due to today
  std::string note;
};

// Every deadline of every live drawn draw as of `today` ("YYYY-MM-DD"), in draw id order
// (each draw's confirm, then its visits' enter and publish in draw order).
StatusOr<std::vector<Deadline>> ComputeDeadlines(const InspectionStore& store, std::string_view today);
// The same deadlines, in the same order, one at a time (the verifier counts them without
// holding them all). Fails only with the store's read error (an LMDB store).
Status ForEachDeadline(const InspectionStore& store, std::string_view today,
                       const std::function<void(Deadline&&)>& fn);
// The pieces ForEachDeadline is made of, so a maintained index (projections/
// inspection_projection.h) computes each deadline exactly as it does: a drawn draw's confirm
// deadline (`a`: its announcement, if any), and a visit's enter deadline (only when it has a
// result `r`) then publish deadline, each passed to fn.
Deadline ConfirmDeadline(const directory::WorkCalendar& cal, const draw::DrawInfo& d,
                         const draw::TaskInfo& t, const AnnouncementInfo* a, std::string_view today);
void ForEachVisitDeadline(const directory::WorkCalendar& cal, const draw::DrawInfo& d,
                          const draw::TaskInfo& t, const std::string& credit_code,
                          const ResultInfo* r, std::string_view today,
                          const std::function<void(Deadline&&)>& fn);
// The same over the in-memory fold (which cannot fail).
std::vector<Deadline> ComputeDeadlines(const InspectionWorld& world, std::string_view today);
void ForEachDeadline(const InspectionWorld& world, std::string_view today,
                     const std::function<void(Deadline&&)>& fn);

}  // namespace suiji::inspection
