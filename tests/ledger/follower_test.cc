// FollowerStorage (ledger/follower.h) and Ledger::CatchUp: a read replica's Ledger over a log
// another process writes shows a prefix that moves only when advanced, catches its tree,
// keys and checkpoints up to it, and never writes. The log here is LMDB (a writer handle and
// a read-only handle in one process); the Kafka replica test runs the same over a topic.
#include "ledger/follower.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "tests/support/ledger_fixture.h"

namespace suiji {
namespace {

using testing_support::KeyFromByte;

class FollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-follower-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = OpenLmdbStorage(dir_, StorageMode::kWriter);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    LedgerOptions o;
    o.checkpoint_every_entries = 0;
    o.checkpoint_every_seconds = 0;
    auto l = Ledger::Create(std::move(*s), "test/follower", "", KeyFromByte(1), KeyFromByte(2),
                            Actor{"320400", "test"}, o);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    writer_ = std::move(*l);
    auto r = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto f = FollowerStorage::Wrap(std::move(*r));
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    follower_ = f->get();
    auto replica = Ledger::Open(std::move(*f), std::nullopt, {});
    ASSERT_TRUE(replica.ok()) << replica.status().ToString();
    replica_ = std::move(*replica);
  }
  void TearDown() override {
    replica_.reset();
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }
  void AppendMemos(int n) {
    std::vector<EventDraft> drafts;
    for (int i = 0; i < n; ++i) {
      drafts.push_back(EventDraft{EventType::Memo, MakeMemoPayload("m", std::to_string(i)), Actor{"320400", "t"}});
    }
    ASSERT_TRUE(writer_->Append(drafts).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<Ledger> writer_, replica_;
  FollowerStorage* follower_ = nullptr;
};

TEST_F(FollowerTest, ShowsAPrefixThatMovesOnlyWhenAdvanced) {
  const uint64_t start = writer_->size();  // genesis, node key, (the first checkpoint is not an entry)
  EXPECT_EQ(replica_->size(), start);
  AppendMemos(5);
  // The log grew; the replica shows what it showed until it polls and advances.
  EXPECT_EQ(*follower_->Size(), start);
  EXPECT_EQ(*follower_->Poll(), start + 5);
  EXPECT_EQ(follower_->topic_size(), start + 5);
  EXPECT_EQ(*follower_->Size(), start);
  EXPECT_EQ(replica_->CatchUp().value(), start);
  // Never past what was polled, never backwards.
  EXPECT_EQ(follower_->AdvanceTo(start + 2), start + 2);
  EXPECT_EQ(follower_->AdvanceTo(start + 1), start + 2);
  EXPECT_EQ(replica_->CatchUp().value(), start + 2);
  EXPECT_EQ(replica_->Root(), *writer_->RootAt(start + 2));
  EXPECT_EQ(follower_->AdvanceTo(start + 99), start + 5);
  EXPECT_EQ(replica_->CatchUp().value(), start + 5);
  EXPECT_EQ(replica_->Root(), writer_->Root());
  EXPECT_EQ(*replica_->InclusionProof(start + 4, start + 5), *writer_->InclusionProof(start + 4, start + 5));
  // Reading past the prefix is refused, naming it.
  Status past = follower_->Read(0, start + 6, [](uint64_t, ByteView) { return true; });
  EXPECT_EQ(past.code(), StatusCode::kInvalidArgument);
}

TEST_F(FollowerTest, OnlyCheckpointsWithinThePrefixAreShown) {
  AppendMemos(3);
  ASSERT_TRUE(writer_->IssueCheckpoint().ok());
  const std::string covering = *writer_->LatestCheckpoint();
  ASSERT_TRUE(follower_->Poll().ok());
  // The checkpoint of the whole log covers entries the prefix does not hold yet.
  ASSERT_EQ(replica_->CatchUp().value(), writer_->size() - 3);
  EXPECT_NE(replica_->LatestCheckpoint(), covering);
  follower_->AdvanceTo(writer_->size());
  ASSERT_TRUE(replica_->CatchUp().ok());
  EXPECT_EQ(replica_->LatestCheckpoint(), covering);
  // A checkpoint signed without a new entry is read by the next CatchUp.
  AppendMemos(1);
  ASSERT_TRUE(follower_->Poll().ok());
  follower_->AdvanceTo(writer_->size());
  ASSERT_TRUE(replica_->CatchUp().ok());
  ASSERT_TRUE(writer_->IssueCheckpoint().ok());
  ASSERT_TRUE(replica_->CatchUp().ok());
  EXPECT_EQ(replica_->LatestCheckpoint(), writer_->LatestCheckpoint());
}

TEST_F(FollowerTest, NeverWrites) {
  const uint64_t size = writer_->size();
  EXPECT_FALSE(follower_->writable());
  EXPECT_TRUE(follower_->owns_read_models());
  const Status refused = ReplicaRefusesWrites();
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(), "this is a read replica: it never writes the log; writes go to the writer node");
  Bytes e{1, 2, 3};
  std::vector<ByteView> views{ByteView(e)};
  EXPECT_EQ(follower_->Append(size, views).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(follower_->PutCheckpoint(size, "note").code(), StatusCode::kFailedPrecondition);
  std::vector<EventDraft> drafts{EventDraft{EventType::Memo, MakeMemoPayload("m", "x"), Actor{"320400", "t"}}};
  EXPECT_EQ(replica_->Append(drafts).status().code(), StatusCode::kFailedPrecondition);
  // A checkpoint of the tip: the writer's stored one is returned; a tip none covers cannot be signed.
  EXPECT_EQ(*replica_->IssueCheckpoint(), *writer_->LatestCheckpoint());
  EXPECT_EQ(writer_->size(), size);
  AppendMemos(1);
  ASSERT_TRUE(follower_->Poll().ok());
  follower_->AdvanceTo(size + 1);
  ASSERT_EQ(replica_->CatchUp().value(), size + 1);
  auto signed_here = replica_->IssueCheckpoint();
  EXPECT_EQ(signed_here.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(signed_here.status().message(), "this ledger was opened without a node key");
  // A writing ledger is kept current by its own appends.
  EXPECT_EQ(writer_->CatchUp().status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace suiji
