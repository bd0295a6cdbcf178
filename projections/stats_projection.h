// Statistics (R16) as a projection folder of maintained counters: the "stats" folder of
// DIR/projections/state, applied right after the draws folder (whose state after the same
// entry, and whose frozen inputs, it reads inside the same transaction).
//
// It gives exactly what the in-memory fold inspection::InspectionStats::Report gives
// (ToJson byte for byte; tests/projections/stats_projection_test.cc compares them on a year
// of draws and on the demo), but a report reads only counters, each reported draw's sample
// rows (a few bytes per visit, no visit or result record) and the inspections folder's
// deadline index:
//   - at a DrawFrozen, the draw's coverage tables of eligible targets (by region, industry,
//     industry section and credit grade, from the attributes at the freeze that the draws
//     folder stored) and its design (draw::DesignOf over the frozen population and the
//     freeze's strata, for the Horvitz–Thompson estimate);
//   - when the draw is resulted, its drawn counts (each visit's attributes at the freeze),
//     its visits, and both added to the sums; when a resulted draw is cancelled, its
//     contribution is taken out of the sums again (it is no longer reported);
//   - per result, a summary row (its workflow state, the counts of each revision, of its last
//     correction, its transfers and re-evaluations): an event on it subtracts the result's
//     old contribution to the draw's outcome counts (and the sums) and adds the new one, so a
//     correction or a new revision replaces what it counted.
// Deadlines depend on the day asked and on the inspection state: the report takes them as an
// input (inspection::DeadlineSource), so they come from wherever the inspection state is.
//
// Self-contained: it folds the inspection events' payloads itself (no InspectionWorld) and
// trusts the log (the writer and the verifier enforce the rules).
//
// Databases (values in the compact codec of stats_projection.cc):
//   stats_draws     draw id -> task id, org id, title, whether the freeze's inputs are
//                   stored, the freeze's mismatch note, live (resulted and counted in the
//                   sums), drawn targets not in the frozen population, the design
//   stats_coverage  draw id -> its coverage tables (eligible at the freeze; drawn once
//                   resulted)
//   stats_outcomes  draw id -> its outcome counts (visits once resulted; the results')
//   stats_results   draw id 0x00 credit code -> the result's summary (state, per revision
//                   the item outcomes, handlings, no-penalty count, fines, violation and
//                   observed flags; the same of the last correction; transfers,
//                   re-evaluations; the published revision)
//   stats_sums      "coverage" -> the tables summed over live drawn draws; "outcomes" -> the
//                   outcome counts summed over them
//   stats_sample    draw id 0x00 u32 BE position -> the visit's stratum, weight and flags
//                   (its published result, as corrected, observed / in violation): the
//                   estimate's sample in draw order (the Horvitz-Thompson sums are added in
//                   that order), written when the draw is resulted, its flags changed by the
//                   result's events (version 2)
//   stats_sample_pos draw id 0x00 credit code -> u32 BE position of the visit (version 2)
// Read by `suiji stats` (api/cli_stats.cc) and the HTTP route GET /api/v1/stats
// (api/http/routes_results.cc).
#pragma once

#include <lmdb.h>

#include <memory>
#include <string_view>

#include "ledger/core/inspection/stats.h"
#include "projections/lmdb_projection.h"

namespace suiji {

// The "stats" folder (for NodeFolders, applied after `draws`, the draws folder, which must
// outlive it).
std::unique_ptr<ProjectionFolder> NewStatsFolder(const ProjectionFolder& draws);

// The report inside `txn` (a Read of `projection`), as InspectionStats::Report(today,
// draw_id, deadlines): kNotFound naming the draw when `draw_id` is given and is not a live
// drawn draw. `entries` is the position the snapshot is at.
StatusOr<inspection::StatsReport> StatsReportIn(MDB_txn* txn, const LmdbProjection& projection,
                                                std::string_view today, std::string_view draw_id,
                                                const inspection::DeadlineSource& deadlines);
// The same in one read of `projection` (as it stands: catch it up first).
StatusOr<inspection::StatsReport> StatsReportOf(const LmdbProjection& projection,
                                                std::string_view today, std::string_view draw_id,
                                                const inspection::DeadlineSource& deadlines);
// The same with the deadlines of the "inspections" folder in that same read, counted from its
// deadline index (DeadlineCountsIn: what inspection::ForEachDeadline over InspectionStoreIn
// would count, without walking visits or results): what `suiji stats` and GET /api/v1/stats
// answer.
StatusOr<inspection::StatsReport> StatsReportOf(const LmdbProjection& projection,
                                                std::string_view today, std::string_view draw_id);

}  // namespace suiji
