// The inspection read model: each draw's announcement and each visit's result through its
// review workflow (every revision with its SHA-256, confirmations, reviews, publication,
// corrections, transfers, credit re-evaluations, internal notes), an index of results by
// credit code (each employer's inspection history) and the working-day calendar the deadline
// list reads, folded from the log by the one inspection fold (inspection::
// ApplyInspectionEvent, ledger/core/inspection/state.h) into the "inspections" folder of
// DIR/projections/state, applied right after "draws" (whose state at the same position it
// reads through DrawStoreIn, with the directory's).
//
// Databases (keys -> values; rows in the compact codec of inspection_projection.cc, records
// in their ledger payload codecs):
//   announcements    draw id -> u64 sequence, i64 time, TargetsAnnounced payload
//   results          draw id 0x00 credit code -> ResultInfo (state; each revision, confirmation,
//                    review, correction, transfer, re-evaluation and internal note as
//                    sequence, time, user, payload; each revision's SHA-256; publication)
//   results_by_code  (dupsort) credit code -> draw id: the employer's results (R17's first
//                    violation check; its inspection history)
//   calendar         u32 BE year -> CalendarPublished payload (the latest of that year): the
//                    deadlines' working days (the directory folder keeps no calendar)
//   deadlines        draw id -> the org of its task and, per kind (confirm, enter, publish),
//                    the counts of its deadlines met, late and without a calendar, and of those
//                    not done per due date: every deadline inspection::ForEachDeadline lists
//                    for a live drawn (resulted) draw, settled without a day. Written when the
//                    draw becomes resulted (removed when cancelled), changed by its
//                    announcement, a visit's first revision and its publication, counted
//                    again for every draw when a calendar is published (version 2)
//   deadlines_due    due date 0x00 draw id 0x00 u8 kind -> u64 BE count of that draw's
//                    deadlines of that kind not done and due that day: "overdue on D" is the
//                    range before D, "due soon" a range after it (version 2)
//
// The list of deadlines itself is computed from these rows and the draws folder at read time
// (it depends on today): inspection::ForEachDeadline over InspectionStoreIn; their counts as
// of a day (statistics) are DeadlineCountsIn, reading only the index.
//
// InspectionStoreIn gives the state as an inspection::InspectionStore inside any transaction
// of the environment, so services decide with the same rules the fold applies; a store over
// a read transaction must not be written (nothing is flushed).
#pragma once

#include <lmdb.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/core/inspection/state.h"
#include "ledger/core/inspection/stats.h"
#include "projections/lmdb_projection.h"

namespace suiji {

// The "inspections" folder (for NodeFolders, applied after `draws`, the draws folder, which
// must outlive it and is applied after the directory).
std::unique_ptr<ProjectionFolder> NewInspectionFolder(const ProjectionFolder& draws);

// The inspection state inside `txn`. The returned store borrows txn and the folders; read it
// before the transaction ends. status() holds the first read error (its own, the draw
// store's or the directory's).
class InspectionStoreView : public inspection::InspectionStore {
 public:
  virtual Status status() const = 0;
};
// nullptr if the projection has no "inspections" folder.
std::unique_ptr<InspectionStoreView> InspectionStoreIn(MDB_txn* txn, const LmdbProjection& projection);

// The deadline counts of the given draws as of `today` from the deadline index: for each
// live drawn draw among them, its task's org and, per kind that has any deadline, the counts
// of inspection::ForEachDeadline's deadlines of that draw by status (what
// inspection::FinishReport counts). Draws that are not live drawn are left out.
struct DrawDeadlineCounts {
  std::string org_id;
  inspection::DeadlinesByKind by_kind;
};
StatusOr<std::map<std::string, DrawDeadlineCounts, std::less<>>> DeadlineCountsIn(
    MDB_txn* txn, const LmdbProjection& projection, std::string_view today,
    const std::vector<std::string>& draw_ids);

}  // namespace suiji
