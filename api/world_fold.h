// The node's in-memory fold of the whole log: one InspectionWorld (the directory, plans,
// tasks, draws, inspections), with the public record read from that same world (statistics
// are the "stats" projection folder, projections/stats_projection.h, whose deadlines are read
// from this world). The draw and inspection services decide against it; the HTTP server shares one
// between them and its public routes, so each entry is folded into one copy of the directory
// instead of one per reader.
//
// Lifetime: borrows the log, which must outlive it. Not thread-safe; the server calls it
// under its state lock.
#pragma once

#include <cstdint>
#include <optional>

#include "ledger/core/inspection/public_record.h"
#include "ledger/core/inspection/state.h"
#include "ledger/core/sha256.h"
#include "ledger/storage.h"

namespace suiji {

class WorldFold {
 public:
  explicit WorldFold(const LogStorage& log) : log_(log) {}
  WorldFold(const WorldFold&) = delete;
  WorldFold& operator=(const WorldFold&) = delete;

  // Folds the entries not yet folded, in order. A failed entry stops the fold there (the log
  // broke a rule the writer checks): the status names its sequence, and later calls fail at
  // the same entry.
  Status Sync();
  // The same from `view` instead of the log: a TailView (ledger/tail_view.h) of a batch still
  // being appended. If that batch then fails, the fold is ahead of the log, or its last entry
  // is not the log's: the next Sync finds that and folds the log again from nothing.
  Status Follow(const LogStorage& view);

  // The next sequence to fold (the size of the log folded so far).
  const uint64_t& applied() const { return applied_; }
  const LogStorage& log() const { return log_; }
  const inspection::InspectionWorld& world() const { return world_; }
  const inspection::PublicRecord& record() const { return record_; }
  // Times a followed batch that did not reach the log made Sync fold again from nothing.
  uint64_t refolds() const { return refolds_; }

 private:
  Status FoldFrom(const LogStorage& view);

  const LogStorage& log_;
  uint64_t applied_ = 0;
  // Set by Follow: the next Sync checks the hash of the last entry folded (unknown: refold)
  // against the log.
  bool followed_ = false;
  std::optional<Hash> followed_tip_;
  uint64_t refolds_ = 0;
  inspection::InspectionWorld world_;
  inspection::PublicRecord record_{world_};
};

}  // namespace suiji
