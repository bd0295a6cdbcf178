// The inspection audit: replays an exported log (already integrity-checked by VerifyExport)
// through the inspection fold (ledger/core/inspection/state.h) and reports
//   - failures: any inspection event the rules refuse (a result for a target not drawn, an
//     inspector not on the drawn team, a publication before approval, a reviewer who entered
//     the result, a correction that rewrites instead of standing beside the original, a
//     credit re-evaluation without a published result, ...);
//   - the workflow: results by state, corrections, transfers and re-evaluations;
//   - the deadlines (R11, R13, R18), recomputed with the calendar in the log as of the
//     China date of the log's last entry: late and overdue items per bureau.
// Pure: no I/O. Uses only the pure core.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/inspection/deadlines.h"

namespace suiji {

struct InspectionFailure {
  std::optional<uint64_t> sequence;
  std::string what;
};

struct InspectionAudit {
  bool ok() const { return failures.empty(); }
  std::vector<InspectionFailure> failures;
  std::string as_of;  // the China date of the last entry
  uint64_t announcements = 0;
  uint64_t withheld = 0;
  std::map<std::string, uint64_t> results_by_state;
  uint64_t corrections = 0;
  uint64_t transfers = 0;
  uint64_t reevaluations = 0;
  std::map<std::string, std::map<std::string, uint64_t>> deadlines;  // kind -> status -> count
  std::vector<inspection::Deadline> late_or_overdue;                 // at most 50 listed
  uint64_t late_or_overdue_total = 0;
  std::map<std::string, uint64_t> overdue_by_bureau;
};

InspectionAudit // `consumed`, if set, is told now and then the offset before which the pass will not read
// the export again (as VerifyOptions::consumed).
AuditInspections(ByteView export_file, const std::function<void(size_t offset)>& consumed = {});

}  // namespace suiji
