// Inspections on a node: announcing a draw, recording results through their review workflow,
// publishing and correcting them, the follow-up (transfers, credit re-evaluation), and the
// deadline list. Decides and appends the events of schemas/inspection.fbs against the node's
// projections (their "inspections" folder, projections/inspection_projection.h, caught up
// from the log before each decision), or against an in-memory fold of the whole log
// (api/world_fold.h: its own, or one shared with other services); the rules are the one
// inspection fold's (inspection::InspectionStore), so every check the fold (and so the
// verifier) makes is made here first.
//
// Lifetime: borrows the Ledger and the log (or the shared fold), which must outlive it. Not
// thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/world_fold.h"
#include "ledger/core/identity/identity.h"
#include "ledger/core/inspection/deadlines.h"
#include "ledger/core/inspection/state.h"
#include "ledger/ledger.h"
#include "projections/lmdb_projection.h"

namespace suiji {

class InspectionService {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since 1970 UTC
  // With its own fold of `log`.
  InspectionService(Ledger& ledger, const LogStorage& log, Clock clock = {});
  // Deciding against a fold shared with other services (the server's), which must outlive it.
  InspectionService(Ledger& ledger, WorldFold& shared, Clock clock = {});
  // Deciding against the node's projections (their "inspections" folder), caught up from
  // `log` (only the entries not applied yet) before each decision: nothing folds the whole
  // log. world() is not available.
  InspectionService(Ledger& ledger, std::shared_ptr<LmdbProjection> projection, const LogStorage& log,
                    Clock clock = {});

  // Folds log entries not yet seen (catches the projection up).
  Status Sync();
  // The in-memory fold (a service built with one; aborts otherwise).
  const inspection::InspectionWorld& world() const;
  // The projections it decides against; null for a service deciding against a fold.
  std::shared_ptr<LmdbProjection> projection() const { return projection_; }
  // Runs fn on the state decisions read (the fold, or one read of the projection); a read
  // error of the store is returned in place of fn's status.
  Status Read(const std::function<Status(const inspection::InspectionStore&)>& fn) const;
  // Today's date in China (UTC+8) by the node's clock.
  std::string Today() const;
  // The printable inspection sheet of a visit (inspection::InspectionSheetHtml) from one read
  // of the state, naming this ledger and the position that read is at: the bytes
  // PublicRecord::InspectionSheetHtml gives over a fold of the log up to that position.
  StatusOr<std::string> InspectionSheetHtml(std::string_view draw_id, std::string_view credit_code) const;

  // confirmed_date defaults to today.
  StatusOr<uint64_t> Announce(inspection::AnnouncementRecord a, const Actor& actor);
  // revision 0: the next revision (1 for a new result).
  StatusOr<uint64_t> RecordResult(inspection::ResultRecord r, const Actor& actor);
  // The acting user's own confirmation of revision `revision` of a visit's result, naming the
  // SHA-256 of that revision as recorded (ResultInfo::revision_sha256: what the inspector
  // read). `confirmer` is the acting user as the identity model knows it: it must be the
  // actor (same user, its own org unit) and an enabled inspector user; its directory inspector
  // is the one that confirms, and must be on the revision's team. kPermissionDenied when the
  // confirmer is not the actor or no inspector; the fold's codes otherwise.
  StatusOr<uint64_t> Confirm(std::string_view draw_id, std::string_view code, uint32_t revision,
                             const Hash& result_sha256, const identity::UserInfo& confirmer,
                             const Actor& actor);
  // Only once every inspector of the latest revision's team has confirmed it.
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
  StatusOr<std::vector<inspection::Deadline>> Deadlines() const;

 private:
  StatusOr<uint64_t> AppendChecked(
      const std::function<StatusOr<EventDraft>(const inspection::InspectionStore& state,
                                               const std::string& today)>& decide);
  InspectionService(Ledger& ledger, std::unique_ptr<WorldFold> own, WorldFold* shared,
                    Clock clock);
  int64_t NowUs() const;

  Ledger& ledger_;
  std::unique_ptr<WorldFold> own_fold_;  // null with a shared fold
  WorldFold* fold_;                      // null when deciding against the projection
  std::shared_ptr<LmdbProjection> projection_;
  const LogStorage& log_;
  Clock clock_;
};

}  // namespace suiji
