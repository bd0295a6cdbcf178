// A read-only view of a log followed by the entries of a batch still being appended to it,
// held in memory: what a fold reads when it follows a long batch on another thread instead
// of waiting for the batch to be durable (the server's imports: the directory projection
// folds each entry while the next ones are being signed).
//
//   TailView tail(log, first, count);                       // log has `first` entries
//   ledger.AppendStream(count, make, first,
//                       [&](uint64_t, ByteView e) { tail.Push(e); });   // thread A
//   ... tail.Close();
//   while (tail.WaitBeyond(folded, 256)) projection.CatchUp(tail, ...); // thread B
//
// The tail is what was signed, not what is durable: if the batch then fails, a fold that
// read it is ahead of the log and must be rebuilt (the directory projection does that
// itself when its writer next catches up).
//
// One thread pushes; any number read. Entries below Size() never change (until released).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "ledger/storage.h"

namespace suiji {

class TailView final : public LogStorage {
 public:
  // `base` holds entries [0, base_size) (it may hold more: they are not shown); the tail
  // takes up to `capacity` entries after them. `base` must outlive the view.
  TailView(const LogStorage& base, uint64_t base_size, uint64_t capacity);

  // The next entry (a copy is kept). Beyond the capacity: kResourceExhausted, not shown.
  Status Push(ByteView entry);
  // Frees the tail's entries below sequence `below`, so a long batch is not held whole;
  // reading one afterwards is kFailedPrecondition. The caller makes sure no reader is still
  // reading them (the import's one folding thread releases what it has folded).
  void Release(uint64_t below);
  // No more entries will come: wakes WaitBeyond.
  void Close();
  // Blocks until Size() is at least `size + at_least` (or, once closed, above `size`) and
  // returns true; returns false once closed with nothing above `size`.
  bool WaitBeyond(uint64_t size, uint64_t at_least) const;

  StatusOr<uint64_t> Size() const override;
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override;
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override;
  Status PutCheckpoint(uint64_t size, std::string_view note) override;
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override;
  // The base's: a fold may treat the view as the writer's view of the log (the directory
  // projection rebuilds itself only from a writer's view).
  bool writable() const override { return base_.writable(); }

 private:
  const LogStorage& base_;
  const uint64_t base_size_;
  const uint64_t capacity_;
  std::unique_ptr<Bytes[]> tail_;        // slots below published_ are written once, then read
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> released_{0};    // tail slots below this were freed
  mutable std::mutex mu_;                // for the waits
  mutable std::condition_variable grew_;
  bool closed_ = false;
};

}  // namespace suiji
