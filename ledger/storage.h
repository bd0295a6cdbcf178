// The storage seam: where ledger entries and checkpoints are kept. LMDB (ledger/lmdb/) is
// the embedded default; Kafka (a later backend) implements the same interface. Callers never
// see a backend's own types: they get a LogStorage from a factory.
//
// Contract (every backend; tests/ledger/storage_conformance_test.cc checks it):
// - Entries are numbered 0, 1, 2, ... with no gaps. Append writes a batch at an expected
//   next sequence: if the log's next sequence differs, nothing is written and kAborted is
//   returned (an ordinary, retryable conflict: reload, decide again, append again).
// - Append returns OK only once the whole batch is durable (survives kill -9 and power
//   loss); a batch is all-or-nothing.
// - A writable storage has exactly one writer per ledger; opening a second one fails with
//   kFailedPrecondition (LMDB) or fences the older one (Kafka), never corrupts.
// - Readers never block the writer and see a consistent prefix of the log.
//
// Thread-safety: a LogStorage may be used from several threads; Append calls are
// serialised by the caller (the Ledger).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"

namespace suiji {

class LogStorage {
 public:
  virtual ~LogStorage() = default;

  // Number of entries, i.e. the next sequence to be written.
  virtual StatusOr<uint64_t> Size() const = 0;

  // Durably appends `entries` as sequences expected_next, expected_next+1, ...
  virtual Status Append(uint64_t expected_next, std::span<const ByteView> entries) = 0;

  // The same for `count` entries made on demand: next(i) returns entry i, valid until the
  // following call. A non-OK status from `next` aborts the whole batch (nothing is written)
  // and is returned. Backends that can write as they go (LMDB) avoid holding the batch in
  // memory; the default buffers it and calls Append.
  using EntrySource = std::function<StatusOr<ByteView>(uint64_t index)>;
  virtual Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next);

  // Calls fn(sequence, bytes) for entries [from, to) in order until fn returns false. The
  // bytes are valid only during the call. kInvalidArgument if to > Size().
  virtual Status Read(uint64_t from, uint64_t to,
                      const std::function<bool(uint64_t, ByteView)>& fn) const = 0;

  // Stores a signed checkpoint note for tree size `size` (durably, like Append).
  virtual Status PutCheckpoint(uint64_t size, std::string_view note) = 0;
  // Calls fn(size, note) for every stored checkpoint, in increasing size.
  virtual Status ReadCheckpoints(
      const std::function<bool(uint64_t, std::string_view)>& fn) const = 0;

  // True if this handle may append (it holds the writer role).
  virtual bool writable() const = 0;
  // True if the read models folded from this handle (projections/) belong to its process:
  // it repairs them (rebuilds a projection ahead of the log or of another version) instead
  // of reading a private view. The writer's; also a read replica's (ledger/follower.h),
  // which never appends but is the only process folding its own data directory.
  virtual bool owns_read_models() const { return writable(); }
  // False for a handle that must never write the read models of its data directory, not even
  // to catch them up: a command-line reader of a read replica's data directory, whose
  // projections only the replica folds, to the prefix of the topic it has reached (one
  // caught up beyond that prefix by another process would be found ahead of the replica's
  // log and rebuilt). Such a reader reads the projections at the position they are at, or a
  // private view of its own (projections/lmdb_projection.h).
  virtual bool folds_read_models() const { return true; }

  // OK if the disk under the log has room for `bytes` more bytes besides a reserve for its
  // own bookkeeping and the node's read models; else DiskFull naming the disk. A check before
  // staging (GroupCommitStorage) refuses a write on a full disk before anything holds it;
  // a write that still finds the disk full fails as a whole. Backends without a local disk
  // (Kafka) return OK.
  virtual Status CheckSpace(uint64_t bytes) const {
    (void)bytes;
    return OkStatus();
  }

  // Whether the storage can be reached now, asked within a short bound the backend chooses
  // (Kafka: one metadata round trip, at most 3 s): OK, or kUnavailable naming what did not
  // answer. A backend may use the answer to fail later calls fast while it is unreachable.
  // Local backends (LMDB) are always reachable. Thread-safe; never blocks an Append.
  virtual Status Probe() const { return OkStatus(); }

  // The caller has given up on whatever this handle has begun and not confirmed, and has
  // told whoever waited for it that it failed: the handle must never complete it later (a
  // Kafka producer would otherwise finish a timed-out commit in the background once the
  // brokers answer again). Afterwards the handle cannot write (kFailedPrecondition); the
  // next open of the storage settles what was left unfinished. No-op where an append that
  // returned is never completed later (LMDB).
  virtual void Abandon() {}
};

inline Status LogStorage::AppendFrom(uint64_t expected_next, uint64_t count,
                                     const EntrySource& next) {
  std::vector<Bytes> held;
  held.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    SUIJI_ASSIGN_OR_RETURN(ByteView b, next(i));
    held.emplace_back(b.begin(), b.end());
  }
  std::vector<ByteView> views(held.begin(), held.end());
  return Append(expected_next, views);
}

}  // namespace suiji
