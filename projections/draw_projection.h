// The draw read model: plans (every version), tasks, draws (phase, freeze, commitment, reveal,
// result visits in draw order, declines, cancellations, redraw counts) and each target's visit
// history, folded from the log by the one draw fold (draw::ApplyDrawEvent, ledger/core/draw/
// state.h) into the "draws" folder of DIR/projections/state, applied right after the directory
// (whose state at the same position it reads through DirectoryReaderIn).
//
// Databases (keys -> values; rows in the compact codec of draw_projection.cc, records in
// their ledger payload codecs):
//   plans          plan id -> u64 sequence, PlanFiled payload (the latest version)
//   plan_versions  plan id 0x00 u32 BE version -> u64 sequence, PlanFiled payload
//   tasks          task id -> TaskInfo (its TaskDefined payload, draw ids, counters)
//   draws          draw id -> DrawInfo without its visits (+ the number of visits)
//   draw_visits    draw id 0x00 u32 BE position -> VisitRecord (the result in draw order,
//                  declines applied)
//   visit_history  credit code -> every PastVisit of the target (what eligibility reads)
//   merged         (dupsort) draw id -> resulted draw id 0x00 u32 BE position credit code:
//                  its visits merged into the key's draw (R10; a cancellation checks it)
//
// DrawStoreIn gives the state as a draw::DrawStore inside any transaction of the environment,
// so services decide with the same rules the fold applies; a store over a read transaction
// must not be written (nothing is flushed).
#pragma once

#include <lmdb.h>

#include <memory>

#include "ledger/core/draw/state.h"
#include "projections/lmdb_projection.h"

namespace suiji {

// The "draws" folder (for NodeFolders, applied after `directory`, the directory folder, which
// must outlive it).
std::unique_ptr<ProjectionFolder> NewDrawFolder(const ProjectionFolder& directory);

// The draw state inside `txn`. The returned store borrows txn and the folders; read it before
// the transaction ends. status() holds the first read error.
class DrawStoreView : public draw::DrawStore {
 public:
  virtual Status status() const = 0;
  // Every filed version of a plan, oldest first.
  virtual StatusOr<std::vector<draw::PlanInfo>> PlanVersions(std::string_view plan_id) const = 0;
};
std::unique_ptr<DrawStoreView> DrawStoreIn(MDB_txn* txn, const LmdbProjection& projection);
// The same from the draws folder itself (a later folder's fold, e.g. "inspections", reads the
// draw state after the entry inside its transaction); nullptr if `draws_folder` is not one.
std::unique_ptr<DrawStoreView> DrawStoreIn(MDB_txn* txn, const ProjectionFolder& draws_folder);

}  // namespace suiji
