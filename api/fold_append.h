// How the node's services append (draw, inspection, identity): fold the log to its end,
// decide the events against that fold, append them at exactly that position (the Ledger's
// expected next sequence), fold them in; if another writer got there first (kAborted), fold
// again and decide again, up to 3 times.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ledger/ledger.h"

namespace suiji {

// `sync` folds the log up to its end and advances `applied` (the next sequence to fold).
StatusOr<uint64_t> AppendAtFold(Ledger& ledger, const std::function<Status()>& sync,
                                const uint64_t& applied,
                                const std::function<StatusOr<std::vector<EventDraft>>()>& decide);

// `clock()` if set, else the system clock: microseconds since 1970 UTC.
int64_t NowUsFrom(const std::function<int64_t()>& clock);

}  // namespace suiji
