// The LMDB LedgerStateStore (ledger/ledger_state.h): the Ledger's persisted Merkle nodes and
// key-event snapshot, in an LMDB environment of its own beside the log (DIR/ledger-state), so
// that it serves every log backend (LMDB and Kafka) alike.
//
// Layout: database "nodes": key u64 big-endian (level << 56 | index) -> the 32-byte node
// hash (node(level, index) is the root of the 2^level leaves from index * 2^level); database
// "meta": key "snapshot" -> u32 format version (1), u64 size, u64 count, count x u64 key-event
// sequences (all big-endian), then the SHA-256 of everything before it.
//
// Each Save is one write transaction committed with LMDB's full sync: a kill -9 or a power
// loss leaves the snapshot before or after it, never a mix. Crash points (ledger/crash_point.h)
// "ledger_state.staged" (nodes and snapshot written, not committed) and
// "ledger_state.committed" (after the commit) let the kill tests stop there.
#pragma once

#include <filesystem>
#include <memory>

#include "ledger/ledger_state.h"

namespace suiji {

// Opens (creating it 0700/0600 if needed) the store in `dir`; a store of `dir` still open in
// this process is shared (LMDB forbids opening an environment twice in one process). An
// environment LMDB finds corrupt is removed and created empty: it is a cache, rebuilt from
// the log.
StatusOr<std::shared_ptr<LedgerStateStore>> OpenLmdbLedgerState(const std::filesystem::path& dir);

}  // namespace suiji
