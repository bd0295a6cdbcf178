// A whole Ledger (ledger/ledger.h) on the Kafka backend: create, append signed events,
// checkpoint, reopen as writer and as reader, same root.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/kafka/kafka_storage.h"
#include "ledger/ledger.h"
#include "tests/kafka/kafka_test_util.h"

namespace suiji {
namespace {

using kafka_test::KafkaTest;

KeyPair KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(KeyPair::FromSeed(seed)).value();
}
Actor TestActor() { return Actor{"320400", "kafka-ledger-test"}; }

std::vector<EventDraft> Memos(size_t n, const std::string& tag) {
  std::vector<EventDraft> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(EventDraft{
        EventType::Memo,
        MakeMemoPayload("双随机抽查会议记录", "摇号过程全程录像 " + tag + " " + std::to_string(i)),
        TestActor()});
  }
  return out;
}

LedgerOptions Opts() {
  LedgerOptions o;
  o.checkpoint_every_entries = 25;
  o.checkpoint_every_seconds = 0;
  return o;
}

class KafkaLedger : public KafkaTest {
 protected:
  void SetUp() override {
    KafkaTest::SetUp();
    InitCrypto();
  }
};

TEST_F(KafkaLedger, AppendReopenAndReadBackTheSameRoot) {
  Hash root_after_create{};
  uint64_t size_after_create = 0;
  std::optional<std::string> checkpoint;
  Bytes entry7;
  {
    auto storage = MustOpen(KafkaMode::kWriter);
    ASSERT_NE(storage, nullptr);
    auto l = Ledger::Create(std::move(storage), "labour/kafka-test", "Kafka-backed test ledger",
                            KeyFromByte(1), KeyFromByte(2), TestActor(), Opts());
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    Ledger& ledger = **l;
    for (int b = 0; b < 5; ++b) {
      auto drafts = Memos(20, "batch" + std::to_string(b));
      auto first = ledger.Append(drafts);
      ASSERT_TRUE(first.ok()) << first.status().ToString();
      EXPECT_EQ(*first, 2u + 20u * static_cast<uint64_t>(b));
      ASSERT_TRUE(ledger.MaybeCheckpoint().ok());
    }
    // A stale expected sequence is refused by the Kafka storage and writes nothing.
    auto stale = ledger.Append(Memos(1, "stale"), uint64_t{3});
    EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
    auto cp = ledger.IssueCheckpoint();
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    root_after_create = ledger.Root();
    size_after_create = ledger.size();
    checkpoint = ledger.LatestCheckpoint();
    auto e = ledger.ReadEntry(7);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    entry7 = *e;
  }
  EXPECT_EQ(size_after_create, 102u);

  // Reopen as the writer: the same log, tree and checkpoint; the chain goes on.
  Hash root_after_more{};
  {
    auto storage = MustOpen(KafkaMode::kWriter);
    ASSERT_NE(storage, nullptr);
    auto l = Ledger::Open(std::move(storage), KeyFromByte(2), Opts());
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    Ledger& ledger = **l;
    EXPECT_EQ(ledger.ledger_id(), "labour/kafka-test");
    EXPECT_EQ(ledger.size(), size_after_create);
    EXPECT_EQ(ledger.Root(), root_after_create);
    EXPECT_EQ(ledger.LatestCheckpoint(), checkpoint);
    auto e = ledger.ReadEntry(7);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(*e, entry7);
    auto more = ledger.Append(Memos(10, "after-reopen"));
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    EXPECT_EQ(*more, size_after_create);
    auto old_root = ledger.RootAt(size_after_create);
    ASSERT_TRUE(old_root.ok());
    EXPECT_EQ(*old_root, root_after_create);
    auto proof = ledger.ConsistencyProof(size_after_create, ledger.size());
    EXPECT_TRUE(proof.ok()) << proof.status().ToString();
    root_after_more = ledger.Root();
  }

  // A read-only Ledger on a read-only Kafka handle: same root, cannot append.
  auto storage = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(storage, nullptr);
  auto l = Ledger::Open(std::move(storage), std::nullopt, Opts());
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ((*l)->size(), size_after_create + 10);
  EXPECT_EQ((*l)->Root(), root_after_more);
  EXPECT_FALSE((*l)->Append(Memos(1, "reader")).ok());
}

TEST_F(KafkaLedger, OpeningAReaderWhereNoLedgerExistsIsNotFound) {
  auto r = OpenKafkaStorage(Options(), KafkaMode::kReadOnly);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
  // A writer creates the topics; an empty log is "no ledger" to Ledger::Open.
  auto w = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(w, nullptr);
  auto l = Ledger::Open(std::move(w), KeyFromByte(2), Opts());
  EXPECT_EQ(l.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace suiji
