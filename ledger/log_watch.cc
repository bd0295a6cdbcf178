#include "ledger/log_watch.h"

#include <string_view>
#include <utility>

namespace suiji {

LogWatch::LogWatch(GroupCommitStorage& log, std::chrono::milliseconds every,
                   std::function<void(const Status&)> on_recoverable)
    : log_(log), every_(every), on_recoverable_(std::move(on_recoverable)), thread_([this] { Run(); }) {}

LogWatch::~LogWatch() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status LogWatch::reachability() const {
  std::lock_guard lock(mu_);
  return reachability_;
}

uint64_t LogWatch::probes() const {
  std::lock_guard lock(mu_);
  return probes_;
}

void LogWatch::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const Status probe = log_.Probe();  // bounded by the backend (3 s on Kafka)
    const Status failed = log_.health();
    const Status cause = log_.failure_cause();
    lock.lock();
    reachability_ = probe;
    ++probes_;
    if (!probe.ok()) saw_unreachable_ = true;
    // A fenced writer must not come back: it would fence the writer that replaced it.
    const bool fenced = std::string_view(cause.message()).starts_with("fenced");
    if (!failed.ok() && probe.ok() && saw_unreachable_ && !fenced && !recovered_) {
      recovered_ = true;
      lock.unlock();
      if (on_recoverable_) on_recoverable_(failed);
      lock.lock();
    }
    cv_.wait_for(lock, every_, [this] { return stop_; });
  }
}

}  // namespace suiji
