#include "ledger/checkpoint_timer.h"

namespace suiji {

CheckpointTimer::CheckpointTimer(Ledger& ledger, std::chrono::milliseconds poll)
    : ledger_(ledger), poll_(poll), thread_([this] { Run(); }) {}

CheckpointTimer::~CheckpointTimer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t CheckpointTimer::issued() const {
  std::lock_guard lock(mu_);
  return issued_;
}

Status CheckpointTimer::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void CheckpointTimer::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, poll_, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    auto r = ledger_.MaybeCheckpoint();
    lock.lock();
    if (!r.ok()) {
      last_error_ = r.status();
    } else if (*r) {
      ++issued_;
    }
  }
}

}  // namespace suiji
