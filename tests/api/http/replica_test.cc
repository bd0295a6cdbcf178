// The read replica's pieces that need no broker (api/http/replica.h): its follower loop over
// a log another handle writes (LMDB here; tests/kafka/kafka_replica_test.cc runs whole
// replicas on a Kafka topic), /healthz in each state, the refusal of writes, the config keys,
// and the data directories a replica refuses to open.
#include "api/http/replica.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "api/http/server.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using Clock = std::chrono::steady_clock;

KeyPair KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(KeyPair::FromSeed(seed)).value();
}

TEST(ReplicaFollowerTest, CatchesUpInStepsAndReportsTheTopicsSize) {
  InitCrypto();
  const auto dir = testing_support::FreshTestDir("suiji-replica-follower");
  auto w = OpenLmdbStorage(dir, StorageMode::kWriter);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto writer = Ledger::Create(std::move(*w), "test/replica", "", KeyFromByte(1), KeyFromByte(2),
                               Actor{"320400", "t"}, LedgerOptions{});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  auto r = OpenLmdbStorage(dir, StorageMode::kReadOnly);
  ASSERT_TRUE(r.ok());
  auto f = FollowerStorage::Wrap(std::move(*r));
  ASSERT_TRUE(f.ok());
  FollowerStorage* view = f->get();
  auto replica = Ledger::Open(std::move(*f), std::nullopt, {});
  ASSERT_TRUE(replica.ok());
  const uint64_t start = (*writer)->size();

  std::mutex mu;
  std::vector<uint64_t> steps;  // the positions caught up to, in order
  ReplicaFollower follower(
      *view, std::chrono::milliseconds(5), /*step=*/3,
      [&](uint64_t position) {
        view->AdvanceTo(position);
        SUIJI_RETURN_IF_ERROR((*replica)->CatchUp().status());
        std::lock_guard lock(mu);
        steps.push_back(position);
        return OkStatus();
      },
      [&] { return (*replica)->CatchUp().status(); });
  EXPECT_EQ(follower.state().applied, start);

  std::vector<EventDraft> drafts;
  for (int i = 0; i < 7; ++i) drafts.push_back({EventType::Memo, MakeMemoPayload("m", std::to_string(i)), {"320400", "t"}});
  ASSERT_TRUE((*writer)->Append(drafts).ok());
  const auto t = Clock::now();
  while (follower.state().applied < start + 7 && Clock::now() - t < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const ReplicaFollower::State s = follower.state();
  EXPECT_EQ(s.applied, start + 7);
  EXPECT_EQ(s.topic_size, start + 7);
  EXPECT_TRUE(s.poll.ok());
  EXPECT_TRUE(s.catch_up.ok());
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(steps, (std::vector<uint64_t>{start + 3, start + 6, start + 7}));
  }
  EXPECT_EQ((*replica)->Root(), (*writer)->Root());
  auto [status, health] = ReplicaHealth(s, "test/replica");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["role"], "replica");
  EXPECT_EQ(health["applied"], start + 7);
  EXPECT_EQ(health["lag_entries"], 0);
  std::filesystem::remove_all(dir);
}

TEST(ReplicaHealthTest, SaysWhyItCannotFollow) {
  ReplicaFollower::State s;
  s.applied = 40;
  s.topic_size = 45;
  auto [ok_status, ok] = ReplicaHealth(s, "L");
  EXPECT_EQ(ok_status, 200);
  EXPECT_EQ(ok["lag_entries"], 5);
  EXPECT_EQ(ok["log_size"], 40);
  EXPECT_EQ(ok["log"], "reachable");
  s.poll = Unavailable("metadata for topic T from B: Local: Broker transport failure");
  auto [down_status, down] = ReplicaHealth(s, "L");
  EXPECT_EQ(down_status, 503);
  EXPECT_EQ(down["status"], "unavailable");
  EXPECT_EQ(down["log"], "unreachable");
  EXPECT_EQ(down["message"], "metadata for topic T from B: Local: Broker transport failure");
  s.catch_up = FailedPrecondition("entry 41 breaks a rule");
  auto [failed_status, failed] = ReplicaHealth(s, "L");
  EXPECT_EQ(failed_status, 503);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["message"], "entry 41 breaks a rule");
  EXPECT_EQ(failed["applied"], 40);
}

TEST(ReplicaRefusalTest, NamesTheWriterInChineseAndEnglish) {
  auto [status, body] = ReplicaWriteRefusal("POST", "/api/v1/plans");
  EXPECT_EQ(status, 421);
  EXPECT_EQ(body["code"], "read_replica");
  EXPECT_EQ(body["message"],
            "本节点是只读副本（replica），不接受写入：请将 POST /api/v1/plans 发送至写入节点（writer）。"
            "This node is a read replica: send writes to the writer node.");
  EXPECT_EQ(body["details"]["role"], "replica");
}

TEST(ReplicaConfigTest, ReplicaKeysInTheConfigFile) {
  const auto dir = testing_support::FreshTestDir("suiji-replica-conf");
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "serve.conf").string();
  std::ofstream(path) << "data = /srv/replica\nreplica = true\nreplica_poll_ms = 50\n";
  auto o = ReadServerConfig(path);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->replica);
  EXPECT_EQ(o->replica_poll_ms, 50);
  std::ofstream(path) << "replica = yes\n";
  auto bad = ReadServerConfig(path);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), path + ":1: replica is true or false");
  std::filesystem::remove_all(dir);
}

TEST(ReplicaOpenTest, RefusesAWritersOrAnLmdbDataDirectory) {
  InitCrypto();
  const auto dir = testing_support::FreshTestDir("suiji-replica-open");
  auto init = InitNode(NodePaths{dir}, "test/replica", "", "", Actor{"320000", "setup"}, LedgerOptions{});
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  init->ledger.reset();
  FollowerStorage* f = nullptr;
  // An LMDB node (no node.conf): one process reads its log.
  auto lmdb = OpenReplicaLedger(NodePaths{dir}, &f);
  EXPECT_EQ(lmdb.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(lmdb.status().message().find("names no Kafka backend"), std::string::npos) << lmdb.status().message();
  // The same through the server: nothing is served.
  ServerOptions o;
  o.data = dir.string();
  o.replica = true;
  o.port = 0;
  EXPECT_EQ(Server::Open(o).status().code(), StatusCode::kFailedPrecondition);
  // A Kafka data directory with the node key is the writer's.
  std::ofstream(dir / "node.conf") << "backend=kafka\nkafka.brokers=127.0.0.1:1\nkafka.topic=t\n";
  auto writers = OpenReplicaLedger(NodePaths{dir}, &f);
  EXPECT_EQ(writers.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(writers.status().message().find("it is a writer's data directory"), std::string::npos)
      << writers.status().message();
  EXPECT_EQ(f, nullptr);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji::http
