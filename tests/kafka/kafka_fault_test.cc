// Faults on the Kafka backend: a second writer fences the first; a writer killed in the
// middle of a transaction leaves nothing visible; a broker killed (-9) and restarted in the
// middle of 100,000 appends loses and duplicates nothing that was acknowledged.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/kafka/kafka_storage.h"
#include "ledger/ledger.h"
#include "tests/kafka/kafka_test_util.h"

namespace suiji {
namespace {

using Clock = std::chrono::steady_clock;
using kafka_test::KafkaTest;

Bytes Payload(uint64_t seq) {
  std::string s = "entry-" + std::to_string(seq);
  s.resize(32, '.');
  return Bytes(s.begin(), s.end());
}

std::vector<Bytes> PayloadsFrom(uint64_t first, size_t n) {
  std::vector<Bytes> out;
  for (size_t i = 0; i < n; ++i) out.push_back(Payload(first + i));
  return out;
}

std::vector<ByteView> Views(const std::vector<Bytes>& v) {
  return std::vector<ByteView>(v.begin(), v.end());
}

// Reads [0, n) and checks every entry is Payload(seq): each acknowledged entry present,
// once, in order.
void ExpectExactly(const LogStorage& s, uint64_t n) {
  auto size = s.Size();
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  ASSERT_EQ(*size, n);
  uint64_t next = 0, bad = 0;
  Status st = s.Read(0, n, [&](uint64_t seq, ByteView b) {
    Bytes want = Payload(seq);
    if (seq != next++ || !std::equal(b.begin(), b.end(), want.begin(), want.end())) ++bad;
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(next, n);
  EXPECT_EQ(bad, 0u);
}

KeyPair KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(KeyPair::FromSeed(seed)).value();
}

std::vector<EventDraft> Memos(size_t n, const std::string& tag) {
  std::vector<EventDraft> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(EventDraft{EventType::Memo,
                             MakeMemoPayload("memo", tag + " " + std::to_string(i)),
                             Actor{"320400", "fault-test"}});
  }
  return out;
}

using KafkaFencing = KafkaTest;

TEST_F(KafkaFencing, ANewWriterFencesTheOldOne) {
  auto a = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(a, nullptr);
  auto first = PayloadsFrom(0, 3);
  ASSERT_TRUE(a->Append(0, Views(first)).ok());

  auto b = MustOpen(KafkaMode::kWriter);  // same topic, so the same transactional.id
  ASSERT_NE(b, nullptr);
  auto size_b = b->Size();
  ASSERT_TRUE(size_b.ok());
  EXPECT_EQ(*size_b, 3u);

  auto more = PayloadsFrom(3, 2);
  Status fenced = a->Append(3, Views(more));
  EXPECT_EQ(fenced.code(), StatusCode::kFailedPrecondition) << fenced.ToString();
  EXPECT_NE(fenced.message().find("fenced"), std::string::npos) << fenced.message();
  // It stays fenced, for checkpoints too.
  EXPECT_EQ(a->Append(3, Views(more)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(a->PutCheckpoint(3, "stale").code(), StatusCode::kFailedPrecondition);

  // B carries on; nothing of A's attempts is visible.
  ASSERT_TRUE(b->Append(3, Views(more)).ok());
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  ExpectExactly(*r, 5);
}

TEST_F(KafkaFencing, TheNewWritersLedgerContinuesTheChain) {
  InitCrypto();
  LedgerOptions opts;
  opts.checkpoint_every_entries = 0;
  opts.checkpoint_every_seconds = 0;
  auto sa = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(sa, nullptr);
  auto a = Ledger::Create(std::move(sa), "labour/fencing", "", KeyFromByte(1), KeyFromByte(2),
                          Actor{"320400", "a"}, opts);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE((*a)->Append(Memos(5, "from A")).ok());

  auto sb = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(sb, nullptr);
  auto b = Ledger::Open(std::move(sb), KeyFromByte(2), opts);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->Root(), (*a)->Root());

  auto late = (*a)->Append(Memos(1, "late A"));
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition) << late.status().ToString();
  EXPECT_NE(late.status().message().find("fenced"), std::string::npos);

  auto next = (*b)->Append(Memos(3, "from B"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, 7u);  // genesis, key registration, 5 from A
  // Anyone reopening sees B's chain, verified entry by entry by Ledger::Open.
  auto sr = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(sr, nullptr);
  auto reader = Ledger::Open(std::move(sr), std::nullopt, opts);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->size(), 10u);
  EXPECT_EQ((*reader)->Root(), (*b)->Root());
}

// The child: a writer of this ledger (same transactional.id) that begins a transaction,
// gets 5 entries onto the broker, tells the parent, and waits to be killed.
[[noreturn]] void UncommittedWriter(const std::string& topic, uint64_t next, int ready_fd) {
  rd_kafka_t* rk =
      kafka_test::RawClient(RD_KAFKA_PRODUCER, {{"transactional.id", "suiji-writer-" + topic},
                                                {"enable.idempotence", "true"},
                                                {"acks", "all"}});
  if (rk == nullptr) _exit(10);
  rd_kafka_error_t* e = rd_kafka_init_transactions(rk, 20000);
  if (e != nullptr) _exit(11);
  e = rd_kafka_begin_transaction(rk);
  if (e != nullptr) _exit(12);
  std::vector<uint64_t> keys;
  std::vector<Bytes> values;
  for (uint64_t i = 0; i < 5; ++i) {
    keys.push_back(next + i);
    std::string v = "uncommitted-" + std::to_string(next + i);
    values.emplace_back(v.begin(), v.end());
  }
  if (!kafka_test::RawProduce(rk, topic, keys, values)) _exit(13);  // flushed: on the broker
  char c = 'r';
  if (::write(ready_fd, &c, 1) != 1) _exit(14);
  for (;;) ::pause();
}

using KafkaCrash = KafkaTest;

TEST_F(KafkaCrash, AWriterKilledMidTransactionLeavesNothingVisible) {
  {
    auto w = MustOpen(KafkaMode::kWriter);
    ASSERT_NE(w, nullptr);
    auto first = PayloadsFrom(0, 4);
    ASSERT_TRUE(w->Append(0, Views(first)).ok());
  }  // closed: no librdkafka thread is running when we fork

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    UncommittedWriter(topic_, 4, fds[1]);
  }
  ::close(fds[1]);
  pollfd p{fds[0], POLLIN, 0};
  const bool ready = ::poll(&p, 1, 60000) == 1;
  char c = 0;
  const bool got = ready && ::read(fds[0], &c, 1) == 1;
  ::close(fds[0]);
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(got) << "the child writer did not get its transaction onto the broker (exit "
                   << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")";
  ASSERT_TRUE(WIFSIGNALED(status));

  // The dead writer's transaction is still open: readers stop before it.
  {
    auto r = MustOpen(KafkaMode::kReadOnly);
    ASSERT_NE(r, nullptr);
    ExpectExactly(*r, 4);
  }
  // A new writer fences the dead one and aborts its transaction: none of its 5 entries
  // will ever be visible, and the chain goes on at 4.
  auto w = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(w, nullptr);
  auto size = w->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 4u);
  auto more = PayloadsFrom(4, 3);
  ASSERT_TRUE(w->Append(4, Views(more)).ok());
  ExpectExactly(*w, 7);
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  ExpectExactly(*r, 7);
}

// ---- the broker killed and restarted under load ----

int Script(const std::string& args) {
  const std::string cmd = std::string("timeout 180 ") + SUIJI_KAFKA_SH + " " + args;
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

using KafkaBrokerRestart = KafkaTest;

TEST_F(KafkaBrokerRestart, HundredThousandAppendsSurviveAKill9Slow) {
  ASSERT_EQ(Script("status"), 0)
      << "this test kills and restarts the broker with ops/kafka/kafka.sh: start it with that "
         "script (same SUIJI_KAFKA_DIR) rather than elsewhere";
  constexpr uint64_t kTotal = 100'000;
  constexpr size_t kBatch = 500;
  const auto deadline = Clock::now() + std::chrono::seconds(420);
  KafkaOptions options = Options();
  options.timeout_ms = 10000;

  auto open_writer = [&]() -> std::unique_ptr<LogStorage> {
    while (Clock::now() < deadline) {
      auto w = OpenKafkaStorage(options, KafkaMode::kWriter);
      if (w.ok()) return std::move(*w);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return nullptr;
  };

  std::atomic<uint64_t> acked{0};
  std::atomic<bool> failed{false};
  std::string failure;
  int unavailable = 0, aborted_resolved = 0, reopens = 0;
  std::thread appender([&] {
    auto w = open_writer();
    if (!w) {
      failure = "could not open the writer";
      failed = true;
      return;
    }
    int consecutive = 0;
    while (acked < kTotal) {
      if (Clock::now() > deadline) {
        failure = "out of time at " + std::to_string(acked.load());
        failed = true;
        return;
      }
      const uint64_t at = acked.load();
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kBatch, kTotal - at));
      auto batch = PayloadsFrom(at, n);
      Status s = w->Append(at, Views(batch));
      if (s.ok()) {
        acked = at + n;
        consecutive = 0;
        continue;
      }
      if (s.code() == StatusCode::kAborted) {
        // An earlier attempt at this batch was committed after all (its outcome was not
        // known when it failed): the storage has it, once.
        auto size = w->Size();
        if (size.ok() && *size == at + n) {
          acked = at + n;
          ++aborted_resolved;
          continue;
        }
        failure = "kAborted at " + std::to_string(at) + " with size " +
                  (size.ok() ? std::to_string(*size) : size.status().ToString());
        failed = true;
        return;
      }
      if (s.code() == StatusCode::kUnavailable && ++consecutive < 10) {
        ++unavailable;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      if (s.code() != StatusCode::kUnavailable && s.code() != StatusCode::kFailedPrecondition) {
        failure = "append at " + std::to_string(at) + ": " + s.ToString();
        failed = true;
        return;
      }
      // This handle is done for (or stuck): a new writer settles the last transaction.
      ++reopens;
      consecutive = 0;
      w.reset();
      w = open_writer();
      if (!w) {
        failure = "could not reopen the writer";
        failed = true;
        return;
      }
      auto size = w->Size();
      if (size.ok() && *size == at + n) {
        acked = at + n;  // the batch had been committed
      } else if (!size.ok() || *size != at) {
        failure = "after reopening at " + std::to_string(at) + " the size is " +
                  (size.ok() ? std::to_string(*size) : size.status().ToString());
        failed = true;
        return;
      }
    }
  });

  // Kill the broker at about a fifth of the way, start it again.
  while (acked < kTotal / 5 && !failed && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const uint64_t at_kill = acked.load();
  const auto t_kill = Clock::now();
  const int kill_rc = Script("kill9");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const int start_rc = Script("start");
  const double down_s = std::chrono::duration<double>(Clock::now() - t_kill).count();
  appender.join();
  std::printf(
      "killed the broker at %llu acknowledged entries; down %.1f s; %d kUnavailable "
      "retries, %d kAborted resolved as committed, %d reopens\n",
      static_cast<unsigned long long>(at_kill), down_s, unavailable, aborted_resolved, reopens);
  ASSERT_EQ(kill_rc, 0);
  ASSERT_EQ(start_rc, 0) << "ops/kafka/kafka.sh start failed: the broker is down";
  ASSERT_FALSE(failed.load()) << failure;
  EXPECT_LT(at_kill, kTotal) << "the kill came after the run: it tested nothing";
  ASSERT_EQ(acked.load(), kTotal);

  // Every acknowledged entry, exactly once, in order; as a fresh reader sees it.
  auto r = OpenKafkaStorage(options, KafkaMode::kReadOnly);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectExactly(**r, kTotal);
}

}  // namespace
}  // namespace suiji
