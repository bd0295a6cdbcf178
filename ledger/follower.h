// FollowerStorage: a read replica's view of a log another process writes (a Kafka topic the
// writer node appends to, read with read_committed). It shows a fixed prefix of the log, the
// entries up to the position it was last advanced to, so that the Ledger's tree, the
// projections and every in-memory fold of a replica are caught up to the same position in
// one step, under the replica's own lock, while the topic keeps growing underneath.
//
//   FollowerStorage* f = ...;                 // owned by the replica's Ledger
//   topic = f->Poll();                        // the topic's size now (no lock needed)
//   { exclusive lock; f->AdvanceTo(n); ledger.CatchUp(); folds... }
//
// It never writes: Append, AppendFrom and PutCheckpoint answer kFailedPrecondition naming
// the replica, and writable() is false (a Ledger over it never signs), but it owns the read
// models folded from it (owns_read_models(): the replica is the only process folding its
// own data directory, so it repairs them as a writer would). Checkpoints are shown only
// when they cover no entry beyond the prefix.
//
// Lifetime: owns the inner storage. Thread-safety: every method may be called from any
// thread; the prefix only grows.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "ledger/storage.h"

namespace suiji {

class FollowerStorage final : public LogStorage {
 public:
  // Shows the whole of `inner` as it is now (one Size() of it).
  static StatusOr<std::unique_ptr<FollowerStorage>> Wrap(std::unique_ptr<LogStorage> inner);

  // The inner log's size now (on Kafka: catches up its index from the topic, one round trip
  // when nothing is new); remembered as topic_size(). Does not move the prefix.
  StatusOr<uint64_t> Poll();
  // Moves the prefix to `size` entries (at most the last Poll's; never backwards). Returns
  // the prefix's size.
  uint64_t AdvanceTo(uint64_t size);
  // The prefix shown (Size()), and the inner log's size at the last Poll.
  uint64_t shown() const { return shown_.load(std::memory_order_acquire); }
  uint64_t topic_size() const { return polled_.load(std::memory_order_acquire); }

  StatusOr<uint64_t> Size() const override { return shown(); }
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override;
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override;
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override;
  Status PutCheckpoint(uint64_t size, std::string_view note) override;
  Status ReadCheckpoints(
      const std::function<bool(uint64_t, std::string_view)>& fn) const override;
  bool writable() const override { return false; }
  bool owns_read_models() const override { return true; }
  Status Probe() const override { return inner_->Probe(); }

 private:
  FollowerStorage(std::unique_ptr<LogStorage> inner, uint64_t size)
      : inner_(std::move(inner)), shown_(size), polled_(size) {}

  std::unique_ptr<LogStorage> inner_;
  std::atomic<uint64_t> shown_;
  std::atomic<uint64_t> polled_;
};

// What a replica answers to a write: it never appends.
Status ReplicaRefusesWrites();

// A command-line reader of a replica's data directory (api/node.cc OpenReader): `inner` (a
// read-only handle of the topic) as it is, except that folds_read_models() is false, so the
// reader never writes the replica's projections (it reads them at the position the replica
// has applied) and never makes the replica rebuild them.
std::unique_ptr<LogStorage> ReplicaDirectoryReader(std::unique_ptr<LogStorage> inner);

}  // namespace suiji
