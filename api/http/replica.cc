#include "api/http/replica.h"

#include <algorithm>
#include <cstdio>

namespace suiji::http {

namespace {

int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StatusOr<std::unique_ptr<Ledger>> OpenReplicaLedger(const NodePaths& paths, FollowerStorage** follower) {
  SUIJI_ASSIGN_OR_RETURN(NodeConfig c, ReadNodeConfig(paths));
  if (c.backend != Backend::kKafka) {
    return FailedPrecondition("a read replica follows a Kafka topic, and " + paths.config().string() +
                              " names no Kafka backend: make the replica's data directory with "
                              "`suiji replica init --data DIR --from WRITER/node.conf`");
  }
  std::error_code ec;
  if (std::filesystem::exists(paths.node_key(), ec)) {
    return FailedPrecondition(paths.dir.string() + " holds a node key (" + paths.node_key().string() +
                              "): it is a writer's data directory. A replica runs on a data directory of "
                              "its own, without keys: `suiji replica init --data DIR --from WRITER/node.conf`");
  }
  SUIJI_ASSIGN_OR_RETURN(auto storage, OpenNodeStorage(paths, NodeRole::kReader));
  SUIJI_ASSIGN_OR_RETURN(auto f, FollowerStorage::Wrap(std::move(storage)));
  *follower = f.get();
  return Ledger::Open(std::move(f), std::nullopt, WithLedgerState(paths, {}));
}

ReplicaFollower::ReplicaFollower(FollowerStorage& log, std::chrono::milliseconds every, uint64_t step,
                                 std::function<Status(uint64_t)> catch_up, std::function<Status()> read_checkpoints)
    : log_(log),
      every_(every),
      step_(std::max<uint64_t>(step, 1)),
      catch_up_(std::move(catch_up)),
      read_checkpoints_(std::move(read_checkpoints)) {
  state_.applied = log_.shown();
  state_.topic_size = log_.topic_size();
  state_.polled_at_ms = UnixMs();
  thread_ = std::thread([this] { Run(); });
}

ReplicaFollower::~ReplicaFollower() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

ReplicaFollower::State ReplicaFollower::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void ReplicaFollower::Run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stop_) return;
      // A failed catch-up is tried again each round (a broker that comes back, a disk with
      // room again); an entry that breaks the rules keeps failing, and /healthz says so.
      if (!state_.catch_up.ok() || state_.applied >= state_.topic_size) {
        cv_.wait_for(lock, every_, [&] { return stop_; });
        if (stop_) return;
      }
    }
    StatusOr<uint64_t> polled = log_.Poll();
    {
      std::lock_guard lock(mu_);
      state_.poll = polled.status();
      if (polled.ok()) {
        state_.topic_size = *polled;
        state_.polled_at_ms = UnixMs();
      }
    }
    if (!polled.ok()) continue;
    uint64_t applied = 0;
    {
      std::lock_guard lock(mu_);
      applied = state_.applied;
    }
    // Nothing new: the checkpoints the writer signed since are still read (a checkpoint may
    // come without a new entry, e.g. for a proof bundle).
    const uint64_t target = std::min(*polled, applied + step_);
    Status s = target > applied ? catch_up_(target) : read_checkpoints_();
    std::lock_guard lock(mu_);
    if (!s.ok() && s.message() != state_.catch_up.message()) {
      // Said once per new failure (the loop tries again every round); /healthz says it too.
      std::fprintf(stderr, "suiji serve: the replica cannot apply the topic beyond entry %llu: %s\n",
                   static_cast<unsigned long long>(applied), s.message().c_str());
    }
    state_.catch_up = s;
    if (s.ok()) state_.applied = target;
  }
}

std::pair<int, nlohmann::json> ReplicaHealth(const ReplicaFollower::State& s, const std::string& ledger_id) {
  nlohmann::json j{{"role", "replica"},
                   {"ledger_id", ledger_id},
                   {"applied", s.applied},
                   {"log_size", s.applied},
                   {"topic_size", s.topic_size},
                   {"lag_entries", s.topic_size - std::min(s.topic_size, s.applied)},
                   {"polled_at_ms", s.polled_at_ms},
                   {"log", s.poll.ok() ? "reachable" : "unreachable"}};
  if (!s.catch_up.ok()) {
    j["status"] = "failed";
    j["message"] = s.catch_up.message();
    return {503, j};
  }
  if (!s.poll.ok()) {
    j["status"] = "unavailable";
    j["message"] = s.poll.message();
    return {503, j};
  }
  j["status"] = "ok";
  return {200, j};
}

std::pair<int, nlohmann::json> ReplicaWriteRefusal(const std::string& method, const std::string& path) {
  return {421, nlohmann::json{{"code", "read_replica"},
                              {"message", "本节点是只读副本（replica），不接受写入：请将 " + method + " " + path +
                                              " 发送至写入节点（writer）。This node is a read replica: send "
                                              "writes to the writer node."},
                              {"details", {{"role", "replica"}, {"writes_go_to", "writer"}}}}};
}

}  // namespace suiji::http
