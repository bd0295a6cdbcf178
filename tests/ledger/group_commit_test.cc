// GroupCommitStorage (ledger/group_commit.h) over the real LMDB backend: staged entries are
// readable at once and durable only after WaitDurable; concurrent writers share commits; a
// checkpoint or a streamed bulk append writes the staged entries first; a failed flush
// (LMDB's map full, the embedded store's "disk full") fails the storage for good.
#include "ledger/group_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-group-commit-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<GroupCommitStorage> Writer(LmdbOptions o = {}) {
    auto inner = OpenLmdbStorage(dir_, StorageMode::kWriter, o);
    EXPECT_TRUE(inner.ok()) << inner.status().ToString();
    auto g = GroupCommitStorage::Wrap(std::move(*inner));
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return std::move(*g);
  }
  // What another process sees: the durable log.
  uint64_t DurableOnDisk() {
    auto r = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *(*r)->Size() : UINT64_MAX;
  }

  std::filesystem::path dir_;
};

Bytes Entry(uint64_t seq, size_t pad = 0) {
  std::string s = "entry-" + std::to_string(seq) + std::string(pad, 'x');
  return Bytes(s.begin(), s.end());
}

Status AppendOne(LogStorage& s, uint64_t seq, size_t pad = 0) {
  Bytes b = Entry(seq, pad);
  ByteView v(b);
  return s.Append(seq, std::span<const ByteView>(&v, 1));
}

std::vector<std::string> ReadAll(const LogStorage& s) {
  std::vector<std::string> out;
  Status st = s.Read(0, *s.Size(), [&](uint64_t, ByteView b) {
    out.emplace_back(b.begin(), b.end());
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST_F(GroupCommitTest, StagedEntriesAreReadableAtOnceAndDurableOnlyAfterWaitDurable) {
  auto g = Writer();
  for (uint64_t i = 0; i < 3; ++i) ASSERT_TRUE(AppendOne(*g, i).ok());
  EXPECT_EQ(*g->Size(), 3u);
  EXPECT_EQ(g->durable_size(), 0u);
  EXPECT_EQ(ReadAll(*g), (std::vector<std::string>{"entry-0", "entry-1", "entry-2"}));
  EXPECT_EQ(DurableOnDisk(), 0u) << "staged entries must not be in the store yet";

  ASSERT_TRUE(g->WaitDurable(3).ok());
  EXPECT_EQ(g->durable_size(), 3u);
  EXPECT_EQ(DurableOnDisk(), 3u);
  EXPECT_EQ(g->stats().flushes, 1u) << "three staged entries, one commit";
  EXPECT_EQ(g->stats().entries_flushed, 3u);

  // A read across the durable and the staged part is one ordered range.
  ASSERT_TRUE(AppendOne(*g, 3).ok());
  std::vector<uint64_t> seqs;
  ASSERT_TRUE(g->Read(2, 4, [&](uint64_t s, ByteView) { seqs.push_back(s); return true; }).ok());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(g->Read(0, 5, [](uint64_t, ByteView) { return true; }).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(g->WaitDurable(5).code(), StatusCode::kInvalidArgument) << "more than the log holds";
}

TEST_F(GroupCommitTest, AStaleExpectedSequenceIsAbortedAndStagesNothing) {
  auto g = Writer();
  ASSERT_TRUE(AppendOne(*g, 0).ok());
  Bytes b = Entry(7);
  ByteView v(b);
  EXPECT_EQ(g->Append(0, std::span<const ByteView>(&v, 1)).code(), StatusCode::kAborted);
  EXPECT_EQ(*g->Size(), 1u);
}

TEST_F(GroupCommitTest, ConcurrentWritersShareCommitsAndEveryAcknowledgedEntryIsOnDisk) {
  constexpr int kThreads = 8, kPerThread = 100;
  {
    auto g = Writer();
    std::mutex append_mu;  // the Ledger's role: appends are serialised
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kPerThread; ++i) {
          uint64_t seq = 0;
          {
            std::lock_guard lock(append_mu);
            seq = *g->Size();
            ASSERT_TRUE(AppendOne(*g, seq).ok());
          }
          ASSERT_TRUE(g->WaitDurable(seq + 1).ok());
          ASSERT_GE(g->durable_size(), seq + 1);
        }
      });
    }
    for (auto& th : threads) th.join();
    const auto st = g->stats();
    EXPECT_EQ(st.entries_flushed, uint64_t{kThreads * kPerThread});
    EXPECT_LT(st.flushes, st.entries_flushed) << "waiting writers must share commits";
    EXPECT_GT(st.largest_flush, 1u);
  }
  auto r = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
  ASSERT_TRUE(r.ok());
  auto all = ReadAll(**r);
  ASSERT_EQ(all.size(), size_t{kThreads * kPerThread});
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], "entry-" + std::to_string(i));
}

TEST_F(GroupCommitTest, ACheckpointWritesTheStagedEntriesFirst) {
  auto g = Writer();
  for (uint64_t i = 0; i < 2; ++i) ASSERT_TRUE(AppendOne(*g, i).ok());
  ASSERT_TRUE(g->PutCheckpoint(2, "note for 2\n").ok());
  EXPECT_EQ(DurableOnDisk(), 2u) << "a checkpoint never covers an entry that is not durable";
  std::vector<uint64_t> sizes;
  ASSERT_TRUE(g->ReadCheckpoints([&](uint64_t n, std::string_view) { sizes.push_back(n); return true; }).ok());
  EXPECT_EQ(sizes, std::vector<uint64_t>{2});
}

TEST_F(GroupCommitTest, ASmallAppendFromIsStagedLikeAnAppend) {
  auto g = Writer();
  Bytes held;
  auto source = [&](uint64_t first) {
    return [&held, first](uint64_t i) -> StatusOr<ByteView> {
      held = Entry(first + i);
      return ByteView(held);
    };
  };
  ASSERT_TRUE(g->AppendFrom(0, 3, source(0)).ok());
  EXPECT_EQ(*g->Size(), 3u);
  EXPECT_EQ(DurableOnDisk(), 0u);
  EXPECT_EQ(g->AppendFrom(1, 1, source(1)).code(), StatusCode::kAborted);
  EXPECT_EQ(g->AppendFrom(3, 2, [](uint64_t) -> StatusOr<ByteView> { return InvalidArgument("bad row 9"); }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*g->Size(), 3u) << "a failing source stages nothing";
  ASSERT_TRUE(g->WaitDurable(3).ok());
  EXPECT_EQ(ReadAll(*g).back(), "entry-2");
}

TEST_F(GroupCommitTest, ALargeStreamedAppendWritesTheStagedEntriesThenItsOwnDurably) {
  auto g = Writer();
  for (uint64_t i = 0; i < 2; ++i) ASSERT_TRUE(AppendOne(*g, i).ok());
  const uint64_t n = GroupCommitStorage::kMaxStagedBatch + 1;
  Bytes held;
  Status s = g->AppendFrom(2, n, [&](uint64_t i) -> StatusOr<ByteView> {
    held = Entry(2 + i);
    return ByteView(held);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(g->durable_size(), 2 + n);
  EXPECT_EQ(DurableOnDisk(), 2 + n);
  EXPECT_EQ(ReadAll(*g).back(), "entry-" + std::to_string(1 + n));
  // A stale stream is refused without writing.
  EXPECT_EQ(g->AppendFrom(1, n, [&](uint64_t) -> StatusOr<ByteView> { return ByteView(held); }).code(),
            StatusCode::kAborted);
  // A failing source writes nothing and leaves the storage usable.
  EXPECT_EQ(g->AppendFrom(2 + n, n, [&](uint64_t i) -> StatusOr<ByteView> {
              if (i == 7) return InvalidArgument("bad row 9");
              held = Entry(i);
              return ByteView(held);
            }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(g->health().ok());
  EXPECT_EQ(DurableOnDisk(), 2 + n);
  ASSERT_TRUE(AppendOne(*g, 2 + n).ok());
  ASSERT_TRUE(g->WaitDurable(3 + n).ok());
}

TEST_F(GroupCommitTest, AFailedFlushFailsTheStorageForGoodNamingTheFirstLostSequence) {
  LmdbOptions tiny;
  tiny.map_size = size_t{1} << 20;  // 1 MiB: the store is "full" after a few large entries
  auto g = Writer(tiny);
  ASSERT_TRUE(AppendOne(*g, 0).ok());
  ASSERT_TRUE(g->WaitDurable(1).ok());
  for (uint64_t i = 1; i < 8; ++i) ASSERT_TRUE(AppendOne(*g, i, 256 * 1024).ok());
  Status s = g->WaitDurable(8);
  ASSERT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("from sequence 1"), std::string::npos) << s.message();
  EXPECT_EQ(g->health().code(), StatusCode::kUnavailable);
  EXPECT_EQ(AppendOne(*g, 8).code(), StatusCode::kUnavailable) << "nothing more is accepted";
  EXPECT_EQ(g->WaitDurable(2).code(), StatusCode::kUnavailable);
  EXPECT_TRUE(g->WaitDurable(1).ok()) << "entry 0 is durable all the same";
  EXPECT_EQ(g->durable_size(), 1u);
  g.reset();
  EXPECT_EQ(DurableOnDisk(), 1u) << "the batch is all or nothing";
}

}  // namespace
}  // namespace suiji
