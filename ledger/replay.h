// Folding a log: every entry from a position to the current end, parsed and handed to a
// fold in order. The one loop the node's services and read-only commands share.
#pragma once

#include <functional>

#include "ledger/core/envelope.h"
#include "ledger/storage.h"

namespace suiji {

// Parses entries [from, log size) in order and calls `apply` on each. Stops at the first
// unparsable entry or failed `apply`, returning its status prefixed "at sequence N: ".
// `*next`, if given, is set to one past the last entry applied (also on failure).
Status ReplayLog(const LogStorage& log, uint64_t from,
                 const std::function<Status(const EntryView&)>& apply, uint64_t* next = nullptr);

}  // namespace suiji
