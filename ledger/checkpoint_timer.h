// Drives a Ledger's time-based checkpoint policy in a long-running process (the node):
// a background thread calls Ledger::MaybeCheckpoint() every `poll` interval, so a quiet
// ledger still gets its tip covered within checkpoint_every_seconds.
//
// Lifetime: must not outlive the Ledger; the destructor stops and joins the thread.
// Thread-safety: the Ledger serialises MaybeCheckpoint with appends itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ledger/ledger.h"

namespace suiji {

class CheckpointTimer {
 public:
  CheckpointTimer(Ledger& ledger, std::chrono::milliseconds poll);
  ~CheckpointTimer();
  CheckpointTimer(const CheckpointTimer&) = delete;
  CheckpointTimer& operator=(const CheckpointTimer&) = delete;

  // Checkpoints issued by this timer so far, and the last error it met (OK if none).
  uint64_t issued() const;
  Status last_error() const;

 private:
  void Run();

  Ledger& ledger_;
  const std::chrono::milliseconds poll_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  uint64_t issued_ = 0;
  Status last_error_;
  std::thread thread_;
};

}  // namespace suiji
