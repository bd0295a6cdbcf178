// Inspections on a node: announcing a draw, recording results through their review workflow,
// publishing and correcting them, the follow-up (transfers, credit re-evaluation), and the
// deadline list. Decides and appends the events of schemas/inspection.fbs, keeping an
// in-memory InspectionWorld (ledger/core/inspection/state.h) of the whole log; every check
// the fold (and so the verifier) makes is made here first.
//
// Lifetime: borrows the Ledger and the log, which must outlive it. Not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ledger/core/inspection/deadlines.h"
#include "ledger/core/inspection/state.h"
#include "ledger/ledger.h"

namespace suiji {

class InspectionService {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since 1970 UTC
  InspectionService(Ledger& ledger, const LogStorage& log, Clock clock = {});

  Status Sync();
  const inspection::InspectionWorld& world() const { return world_; }
  // Today's date in China (UTC+8) by the node's clock.
  std::string Today() const;

  // confirmed_date defaults to today.
  StatusOr<uint64_t> Announce(inspection::AnnouncementRecord a, const Actor& actor);
  // revision 0: the next revision (1 for a new result).
  StatusOr<uint64_t> RecordResult(inspection::ResultRecord r, const Actor& actor);
  StatusOr<uint64_t> Submit(std::string_view draw_id, std::string_view code, const Actor& actor);
  StatusOr<uint64_t> Review(std::string_view draw_id, std::string_view code, bool approve,
                            std::string_view reason, const Actor& actor);
  StatusOr<uint64_t> Publish(std::string_view draw_id, std::string_view code, const Actor& actor);
  // The correction number and the result's revision are set here.
  StatusOr<uint64_t> Correct(inspection::ResultRecord corrected, std::string_view reason,
                             const Actor& actor);
  StatusOr<uint64_t> AddInternalNote(const inspection::InternalNoteRecord& n, const Actor& actor);
  StatusOr<uint64_t> Transfer(const inspection::TransferRecord& t, const Actor& actor);
  StatusOr<uint64_t> Reevaluate(const inspection::ReevaluationRecord& r, const Actor& actor);

  // Every deadline as of today; the overdue ones are what the bureau's overdue list shows.
  std::vector<inspection::Deadline> Deadlines() const;

 private:
  StatusOr<uint64_t> AppendChecked(
      const std::function<StatusOr<EventDraft>(const std::string& today)>& decide);
  int64_t NowUs() const;

  Ledger& ledger_;
  const LogStorage& log_;
  Clock clock_;
  inspection::InspectionWorld world_;
  uint64_t applied_ = 0;
};

}  // namespace suiji
