// LogWatch: tells a long-running node (the HTTP server) whether its log storage can be
// reached, and when a failed log can be reopened. A background thread probes the storage
// (LogStorage::Probe: on Kafka one metadata round trip, at most 3 s) every `every`; the
// answer is kept for /healthz and /metrics, which must never wait on the brokers
// themselves. A failed probe also makes the Kafka backend fail writes and reads at once
// instead of after its timeout, so a write answers within about `every` + 3 s of the
// brokers going away, not after timeout_ms.
//
// Recovery: once the group-commit storage has failed (a flush could not be made durable:
// the folds above are ahead of the log and the process must reopen the node), the watch
// calls `on_recoverable` a single time as soon as the log answers again, provided a probe
// failed since the watch started (the failure came from an outage, not from a full disk or
// a fenced writer, which a restart would not cure or would make worse). The server then
// stops, and its supervisor (systemd: Restart=on-failure) starts it again on the durable log.
//
// Lifetime: must not outlive the storage; the destructor stops and joins the thread.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "ledger/group_commit.h"

namespace suiji {

class LogWatch {
 public:
  LogWatch(GroupCommitStorage& log, std::chrono::milliseconds every,
           std::function<void(const Status& failure)> on_recoverable);
  ~LogWatch();
  LogWatch(const LogWatch&) = delete;
  LogWatch& operator=(const LogWatch&) = delete;

  // The last probe's answer: OK (also before the first probe: the log was just opened) or
  // kUnavailable naming what did not answer.
  Status reachability() const;
  bool reachable() const { return reachability().ok(); }
  // Probes made so far (tests wait on it instead of sleeping).
  uint64_t probes() const;

 private:
  void Run();

  GroupCommitStorage& log_;
  const std::chrono::milliseconds every_;
  const std::function<void(const Status&)> on_recoverable_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  Status reachability_;
  uint64_t probes_ = 0;
  bool saw_unreachable_ = false;
  bool recovered_ = false;  // on_recoverable_ was called
  std::thread thread_;
};

}  // namespace suiji
