// A read replica of a node (`suiji serve --replica`, or `replica = true` in the config
// file): on a data directory of its own, following the Kafka topic the writer node appends
// to, it builds its own projections and in-memory folds and serves every read route of the
// HTTP API, while the one writer keeps writing. It holds no node key, takes no writer lock,
// never writes the topic (so it never fences the writer) and refuses every write with 421
// `read_replica` and the header `X-Suiji-Role: replica`.
//
// The follower (ReplicaFollower) polls the topic every `every`; when it has grown, it has
// the server catch everything up to a new position in one step under the server's exclusive
// state lock (the Ledger's tree and checkpoints, the projections, the folds), at most `step`
// entries at a time so reads are never held up for long. /healthz reports the applied
// position and the lag behind the topic.
//
// Lifetime: ReplicaFollower must not outlive the storage and the catch-up it drives (the
// server declares it after them, so it is stopped first). Thread-safety: every method may be
// called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/node.h"
#include "ledger/follower.h"
#include "ledger/ledger.h"

namespace suiji::http {

// Opens the ledger of a replica data directory: DIR/node.conf must name the Kafka backend
// (kFailedPrecondition otherwise: an LMDB log has one process reading it) and DIR must hold
// no node key (kFailedPrecondition: that is a writer's data directory; make a replica's with
// `suiji replica init`). The storage is a read-only Kafka handle in a FollowerStorage, set in
// `*follower` (owned by the returned Ledger).
StatusOr<std::unique_ptr<Ledger>> OpenReplicaLedger(const NodePaths& paths, FollowerStorage** follower);

class ReplicaFollower {
 public:
  // catch_up(position): brings the server's state to `position` entries (which the
  // storage's last Poll has seen) and returns how it went. read_checkpoints(): a round that
  // finds no new entry reads the checkpoints the writer signed since (a checkpoint may come
  // without a new entry, e.g. for a proof bundle).
  ReplicaFollower(FollowerStorage& log, std::chrono::milliseconds every, uint64_t step,
                  std::function<Status(uint64_t position)> catch_up, std::function<Status()> read_checkpoints);
  ~ReplicaFollower();
  ReplicaFollower(const ReplicaFollower&) = delete;
  ReplicaFollower& operator=(const ReplicaFollower&) = delete;

  struct State {
    uint64_t applied = 0;     // entries every read model holds (what the replica serves)
    uint64_t topic_size = 0;  // entries in the topic at the last poll
    Status poll;              // the last poll of the topic (kUnavailable: brokers unreachable)
    Status catch_up;          // the last catch-up (an error stops following there)
    int64_t polled_at_ms = 0;  // Unix milliseconds of the last successful poll
  };
  State state() const;

 private:
  void Run();

  FollowerStorage& log_;
  const std::chrono::milliseconds every_;
  const uint64_t step_;
  const std::function<Status(uint64_t)> catch_up_;
  const std::function<Status()> read_checkpoints_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  State state_;
  std::thread thread_;
};

// The /healthz reply of a replica: 200 {"status":"ok","role":"replica","log":"reachable",
// "ledger_id","applied","log_size" (= applied),"topic_size","lag_entries","polled_at_ms"};
// 503 with "status":"unavailable" and "log":"unreachable" while the topic does not answer,
// or "status":"failed" with the message once a catch-up failed (reads go on from what was
// applied).
std::pair<int, nlohmann::json> ReplicaHealth(const ReplicaFollower::State& s, const std::string& ledger_id);

// The refusal of a write on a replica: 421 {code "read_replica", message in Chinese and
// English}.
std::pair<int, nlohmann::json> ReplicaWriteRefusal(const std::string& method, const std::string& path);

}  // namespace suiji::http
