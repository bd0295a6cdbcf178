// The draw audit: replays an exported log (already integrity-checked by VerifyExport) and
// recomputes every draw from it (docs/draw-protocol.md §8):
//   - at each freeze, the eligible populations rebuilt from the directory events before it
//     must match the frozen counts and Merkle roots (and the stated strata);
//   - each commitment restates its freeze, hashes the task's parameters, names the algorithm
//     and declares external entropy that did not exist yet (the drand round's time and the
//     lottery's draw time after the commit's time);
//   - each reveal comes after that entropy, opens the committed secret hash, and the seed is
//     recomputed;
//   - each result must equal the recomputed selection, order, batches, teams, experts and
//     substitutes; declines must take the next substitute (the fold checks it).
// It reports, besides failures: redraws (tasks committed more than once, with the public
// cancellation reasons), abandoned draws (committed and never revealed, or cancelled before
// the reveal), draws still waiting for their entropy,
// directory changes in the N days before a commit that touched the task's scope
// ("last-minute changes"), load balance and understaffed teams, and across all draws a
// chi-square test of selections per (stratum, region or industry) cell against expectation,
// over strata of equal weights (where the expectation is exact).
//
// Pure: no I/O. Uses only the pure core (ledger/core, ledger/core/draw).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/draw/stats.h"

namespace suiji {

struct DrawAuditOptions {
  int64_t last_minute_days = 7;
  unsigned threads = 0;  // 0: all cores
  // As VerifyOptions::consumed: the bytes before the offset will not be read again.
  std::function<void(size_t offset)> consumed;
};

struct DrawFailure {
  std::string draw_id;
  std::optional<uint64_t> sequence;
  std::string what;
};

struct DirectoryChange {
  uint64_t sequence = 0;
  int64_t time_us = 0;
  std::string type;  // event type name
  std::string id;    // credit code, inspector id, or "inspector/code" for a conflict
  bool is_target = false;
  std::string region_before;  // targets: the region before and after the change
  std::string region_after;
};

struct DrawSummary {
  std::string draw_id;
  std::string task_id;
  std::string phase;  // frozen, committed, revealed, drawn, cancelled
  uint32_t commit_number = 0;  // 1 for a task's first commit, 2 for its first redraw, ...
  uint64_t targets = 0;
  uint64_t inspectors = 0;
  uint64_t selected = 0;
  bool recomputed = false;     // the result was recomputed and matched
  std::string seed_hex;
  std::string entropy;         // e.g. "drand round 123; witnesses 2"
  uint64_t understaffed = 0;
  uint32_t max_load = 0;       // most visits given to one inspector
  double mean_load = 0;        // over the eligible inspectors
  std::vector<DirectoryChange> last_minute;  // at most 20 listed
  uint64_t last_minute_total = 0;
  std::string cancel_reason;
};

struct TaskRedraws {
  std::string task_id;
  uint32_t commits = 0;
  uint32_t redraws = 0;
  std::vector<std::string> cancellations;  // "draw-id: reason"
};

struct DrawAudit {
  bool ok() const { return failures.empty(); }
  std::vector<DrawFailure> failures;
  std::vector<DrawSummary> draws;
  std::vector<TaskRedraws> redrawn;       // only tasks with redraws > 0
  // Committed draws never completed, and committed draws cancelled before their reveal.
  std::vector<std::string> abandoned;
  std::vector<std::string> pending;       // committed; entropy not public at the log's end
  draw::ChiSquare fairness;
  std::vector<std::string> notes;
};

DrawAudit AuditDraws(ByteView export_file, const DrawAuditOptions& options);

}  // namespace suiji
