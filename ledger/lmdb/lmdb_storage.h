// The LMDB backend of LogStorage: the embedded default. LMDB's types never leave this folder.
//
// Layout of a data directory DIR:
//   DIR/log/data.mdb, DIR/log/lock.mdb   the LMDB environment: databases "entries"
//                                        (u64 big-endian sequence -> entry bytes) and
//                                        "checkpoints" (u64 big-endian size -> note text)
//   DIR/writer.lock                      flock(2)ed by the one writing process; holds its pid
//
// Durability: every Append is one write transaction committed with LMDB's default full
// sync (data pages, then meta page, fdatasync'd), so an acknowledged batch survives kill -9
// and power loss and a torn commit is never visible. Many events per transaction (group
// commit) amortise the sync. Readers use MVCC snapshots and never block the writer.
#pragma once

#include <filesystem>
#include <memory>

#include "ledger/storage.h"

namespace suiji {

enum class StorageMode {
  kReadOnly,  // read a ledger another process may be writing
  kWriter,    // the single writer: creates the environment if needed, takes the writer lock
};

struct LmdbOptions {
  // Address space reserved for the map (sparse on disk). 1 TiB leaves room for ~3 billion
  // entries; LMDB needs it fixed up front.
  size_t map_size = size_t{1} << 40;
};

// kFailedPrecondition if another process holds the writer lock (its pid is named);
// kNotFound if read-only and there is no ledger in `dir`.
StatusOr<std::unique_ptr<LogStorage>> OpenLmdbStorage(const std::filesystem::path& dir,
                                                      StorageMode mode, LmdbOptions options = {});

}  // namespace suiji
