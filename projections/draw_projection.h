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
//   frozen         draw id -> its task id, the conflicts (inspector id, credit code) among its
//                  frozen inspectors and experts, the target / inspector / expert counts, and
//                  how the recomputed population disagrees with the freeze's counts ("": it
//                  agrees)
//   frozen_targets draw id 0x00 credit code -> u32 position in the population, stratum,
//                  weight, merge_into, the previous team (draw::FrozenInputs::previous_teams)
//                  and the target's region, industry and credit grade at the freeze
//   frozen_inspectors  draw id 0x00 'i'|'e' u32 BE position -> inspector id, specialist
//                  (the frozen inspectors, 'i', and experts, 'e', in population order)
//
// Frozen inputs (version 2): when a DrawFrozen entry is applied, the folder recomputes the
// draw's inputs (draw::FreezeInputs) over its own state just before the entry, which is what
// the node computed before appending it, with the directory at the entry's position, and
// stores them; a reveal, `suiji draw frozen` and statistics read them back (FrozenInputsIn)
// instead of refolding the log up to the freeze. Rows are never removed (a cancelled or
// superseded draw's frozen lists stay readable). Memory and disk: about 100 bytes per eligible
// target per draw.
//
// DrawStoreIn gives the state as a draw::DrawStore inside any transaction of the environment,
// so services decide with the same rules the fold applies; a store over a read transaction
// must not be written (nothing is flushed).
#pragma once

#include <lmdb.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  // A draw without reading its visits (`visits` empty; everything else as FindDraw): what a
  // list of tasks or draws shows (id, phase, cancellation) without holding every visit of
  // every draw. nullptr if absent.
  virtual const draw::DrawInfo* FindDrawHead(std::string_view draw_id) const = 0;
};
std::unique_ptr<DrawStoreView> DrawStoreIn(MDB_txn* txn, const LmdbProjection& projection);
// The same for a folder applied after `draws` (the draws folder), inside its transaction:
// the draw state after the entry being applied.
std::unique_ptr<DrawStoreView> DrawStoreIn(MDB_txn* txn, const ProjectionFolder& draws);

// The stored inputs of a draw (see the file comment), byte for byte what
// DrawService::FrozenInputsAt recomputes from the log; nullopt when the draw has none (an
// unknown draw, or a freeze the fold could not recompute).
StatusOr<std::optional<draw::FrozenInputs>> FrozenInputsIn(MDB_txn* txn,
                                                            const LmdbProjection& projection,
                                                            std::string_view draw_id);

// One frozen target with its attributes at the freeze.
struct FrozenTarget {
  uint32_t position = 0;  // in the population
  draw::EligibleTarget target;
  bool has_previous_team = false;
  std::vector<std::string> previous_team;
  bool in_directory = false;  // false: not found in the directory (attributes empty)
  std::string region;
  std::string industry;
  std::string grade;  // the credit grade as recorded ("" for none)
};
// For folders applied after `draws` (the draws folder): the frozen targets of a draw in
// credit code order, one of them, and the freeze's mismatch note (nullopt: no stored freeze).
Status ForEachFrozenTarget(MDB_txn* txn, const ProjectionFolder& draws, std::string_view draw_id,
                           const std::function<bool(const FrozenTarget&)>& fn);
StatusOr<std::optional<FrozenTarget>> FrozenTargetOf(MDB_txn* txn, const ProjectionFolder& draws,
                                                     std::string_view draw_id,
                                                     std::string_view credit_code);
StatusOr<std::optional<std::string>> FrozenMismatchIn(MDB_txn* txn, const ProjectionFolder& draws,
                                                      std::string_view draw_id);

}  // namespace suiji
