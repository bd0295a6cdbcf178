// GroupCommitStorage: a LogStorage decorator that makes concurrent writers share durable
// commits. Append stages a batch in memory (it is readable at once, through Read and Size,
// by whoever folds the log) and returns; WaitDurable(n) returns once entries [0, n) are
// durable in the storage underneath. The first waiter that finds nothing being written
// becomes the flusher: it writes every staged entry as one durable batch, while later
// writers stage theirs behind it and wait; the next waiter then writes all of those. One
// commit (one or two fsyncs on LMDB, one transaction on Kafka) serves every request that
// arrived while the previous one was being written.
//
// Correct use (the HTTP server, api/http/server.cc): a writer decides and appends under its
// own lock, releases it, then calls WaitDurable(size it saw) before acknowledging anything;
// a reader does the same before answering, so no reply ever shows an entry that a crash
// could take back. This relaxes the LogStorage contract on purpose: Append alone is NOT
// durable here. Command-line tools use the storage directly.
//
// PutCheckpoint writes the staged entries first, so a checkpoint never covers an entry that
// is not durable. AppendFrom of up to kMaxStagedBatch entries (every ordinary write: the
// Ledger appends through it) is staged like Append; a larger one (a bulk import) writes the
// staged entries, then streams its own straight into the storage underneath, durably.
//
// Failure: if a flush fails, the staged entries are lost while folds above (the Ledger's
// tree, projections) already hold them. The storage is then failed for good: every later
// Append, WaitDurable and checkpoint returns kUnavailable naming the first sequence that
// could not be written; the process must reopen the node from its durable log. The storage
// underneath is abandoned at once (LogStorage::Abandon), so a write whose requesters were
// told it failed can never be completed later by this process (a Kafka producer would
// otherwise finish a timed-out commit once the brokers answer again). (A streamed batch
// leaves the storage usable when it fails; the Kafka backend abandons its own producer when
// it gives up a commit because the brokers are unreachable, so that one never completes
// later either.)
//
// Lifetime: owns the inner storage. Thread-safety: every method may be called from any
// thread; Append/AppendFrom/PutCheckpoint calls are serialised by the caller (the Ledger),
// as for any LogStorage.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "ledger/storage.h"

namespace suiji {

class GroupCommitStorage final : public LogStorage {
 public:
  // Counters since construction.
  struct Stats {
    uint64_t flushes = 0;          // durable batches written for staged entries
    uint64_t entries_flushed = 0;  // entries in those batches
    uint64_t largest_flush = 0;    // most entries in one of them
  };

  // Larger AppendFrom batches are streamed to the storage, not held in memory.
  static constexpr uint64_t kMaxStagedBatch = 4096;

  // `inner` must be writable for appends to work; its current size is read once here.
  static StatusOr<std::unique_ptr<GroupCommitStorage>> Wrap(std::unique_ptr<LogStorage> inner);

  StatusOr<uint64_t> Size() const override;
  // Stages the batch (not durable until WaitDurable). kAborted on a stale expected_next,
  // kUnavailable once failed, DiskFull (nothing staged) if the storage's CheckSpace refuses.
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override;
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override;
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override;
  Status PutCheckpoint(uint64_t size, std::string_view note) override;
  Status ReadCheckpoints(
      const std::function<bool(uint64_t, std::string_view)>& fn) const override;
  bool writable() const override { return inner_->writable(); }
  Status Probe() const override { return inner_->Probe(); }
  void Abandon() override { inner_->Abandon(); }

  // Returns once entries [0, size) are durable, writing staged entries if nobody is.
  // kUnavailable if this storage has failed (see above).
  Status WaitDurable(uint64_t size);
  // Entries known durable (a prefix of Size()). Lock-free.
  uint64_t durable_size() const { return durable_seen_.load(std::memory_order_acquire); }
  // Size() without the lock (the readers' fast path: with nothing staged, WaitDurable of it
  // returns at once without the lock either).
  uint64_t staged_size() const { return size_seen_.load(std::memory_order_acquire); }
  // OK, or the failure that ended this storage.
  Status health() const;
  // OK, or the status of the write underneath that ended this storage (health() wraps it).
  Status failure_cause() const;
  Stats stats() const;

 private:
  GroupCommitStorage(std::unique_ptr<LogStorage> inner, uint64_t size)
      : inner_(std::move(inner)), durable_(size) {
    PublishLocked();
  }
  // The flusher role (one writer to inner_ at a time; flushing_ marks it). TakeFlusher waits
  // for a running flush and takes the role, or returns the failure if the storage failed
  // meanwhile; ReleaseFlusherLocked gives it back and wakes waiters. Call with mu_ held
  // through `lock`.
  Status TakeFlusher(std::unique_lock<std::mutex>& lock);
  void ReleaseFlusherLocked();
  // As the flusher: writes every staged entry as one batch (mu_ released while writing).
  Status WriteStagedLocked(std::unique_lock<std::mutex>& lock);
  // kAborted unless expected_next is the next sequence.
  Status CheckNextLocked(uint64_t expected_next) const;
  Status FailLocked(uint64_t first, const Status& why);
  // Stages `batch` at expected_next (kAborted if stale, the failure if failed).
  Status Stage(uint64_t expected_next, const std::vector<std::shared_ptr<const Bytes>>& batch);

  std::unique_ptr<LogStorage> inner_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  uint64_t durable_;  // entries in inner_
  // Copies of durable_ and durable_ + staged_.size(), written under mu_, read without it.
  std::atomic<uint64_t> durable_seen_{0}, size_seen_{0};
  void PublishLocked() {
    durable_seen_.store(durable_, std::memory_order_release);
    size_seen_.store(durable_ + staged_.size(), std::memory_order_release);
  }
  // Staged entries durable_, durable_+1, ...; shared so readers can use them unlocked
  // while a flush pops them.
  std::deque<std::shared_ptr<const Bytes>> staged_;
  bool flushing_ = false;
  Status failed_;
  Status cause_;
  Stats stats_;
};

}  // namespace suiji
