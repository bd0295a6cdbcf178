// The one-writer-per-ledger lock of a node's data directory: an flock(2) on DIR/writer.lock,
// held for the life of the returned descriptor (closing it releases the lock), with the
// holder's pid written in the file so a refused second writer can name it. Used by the LMDB
// backend and, for Kafka, by the node (where the broker fences writers across machines).
#pragma once

#include <filesystem>

#include "ledger/core/status.h"

namespace suiji {

// The locked file descriptor; kFailedPrecondition naming the holder's pid if another
// process holds the lock, kUnavailable if the file cannot be opened or written.
StatusOr<int> TakeWriterLock(const std::filesystem::path& dir);

}  // namespace suiji
