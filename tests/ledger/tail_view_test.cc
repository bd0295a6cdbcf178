// TailView (ledger/tail_view.h): a log's first entries and then a batch's entries from
// memory, as a fold on another thread reads them while the batch is still being signed.
#include "ledger/tail_view.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {
namespace {

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }

class TailViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-tail-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto s = OpenLmdbStorage(dir_, StorageMode::kWriter);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    log_ = std::move(*s);
    std::vector<Bytes> entries = {B("e0"), B("e1"), B("e2"), B("e3")};
    std::vector<ByteView> views(entries.begin(), entries.end());
    ASSERT_TRUE(log_->Append(0, views).ok());
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  static std::vector<std::string> ReadAll(const LogStorage& s, uint64_t from, uint64_t to) {
    std::vector<std::string> out;
    Status st = s.Read(from, to, [&](uint64_t seq, ByteView b) {
      out.push_back(std::to_string(seq) + ":" + std::string(b.begin(), b.end()));
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<LogStorage> log_;
};

TEST_F(TailViewTest, ShowsTheLogUpToItsBaseThenThePushedEntries) {
  TailView tail(*log_, 3, 2);  // the log's e3 is not shown: the batch starts at 3
  EXPECT_EQ(*tail.Size(), 3u);
  ASSERT_TRUE(tail.Push(B("t3")).ok());
  EXPECT_EQ(*tail.Size(), 4u);
  ASSERT_TRUE(tail.Push(B("t4")).ok());
  EXPECT_EQ(ReadAll(tail, 1, 5), (std::vector<std::string>{"1:e1", "2:e2", "3:t3", "4:t4"}));
  EXPECT_EQ(ReadAll(tail, 4, 5), (std::vector<std::string>{"4:t4"}));
  // A read past the end, and a stop asked by the reader.
  EXPECT_EQ(tail.Read(2, 6, [](uint64_t, ByteView) { return true; }).code(), StatusCode::kInvalidArgument);
  int seen = 0;
  ASSERT_TRUE(tail.Read(0, 5, [&](uint64_t, ByteView) { return ++seen < 4; }).ok());
  EXPECT_EQ(seen, 4);
  // Beyond the capacity: refused, not shown.
  EXPECT_EQ(tail.Push(B("t5")).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(*tail.Size(), 5u);
}

TEST_F(TailViewTest, ReleasedEntriesAreFreedAndNoLongerRead) {
  TailView tail(*log_, 3, 4);
  for (const char* e : {"t3", "t4", "t5"}) ASSERT_TRUE(tail.Push(B(e)).ok());
  tail.Release(2);  // below the tail: nothing to free
  EXPECT_EQ(ReadAll(tail, 2, 6).size(), 4u);
  tail.Release(5);  // t3 and t4
  EXPECT_EQ(tail.Read(4, 6, [](uint64_t, ByteView) { return true; }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tail.Read(1, 4, [](uint64_t, ByteView) { return true; }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadAll(tail, 5, 6), (std::vector<std::string>{"5:t5"}));
  EXPECT_EQ(ReadAll(tail, 0, 3), (std::vector<std::string>{"0:e0", "1:e1", "2:e2"}));
  tail.Release(100);  // only what was pushed
  ASSERT_TRUE(tail.Push(B("t6")).ok());
  EXPECT_EQ(ReadAll(tail, 6, 7), (std::vector<std::string>{"6:t6"}));
  EXPECT_EQ(*tail.Size(), 7u);
}

TEST_F(TailViewTest, IsReadOnlyAndReportsTheBasesWriterRole) {
  TailView tail(*log_, 4, 1);
  Bytes e = B("x");
  ByteView v(e);
  EXPECT_EQ(tail.Append(4, std::span(&v, 1)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tail.PutCheckpoint(4, "note").code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(tail.writable());
  EXPECT_EQ(*log_->Size(), 4u) << "nothing reached the log";
  auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(TailView(**reader, 4, 1).writable());
}

TEST_F(TailViewTest, AReaderOnAnotherThreadWaitsForChunksAndSeesEveryEntryOnce) {
  constexpr uint64_t kCount = 5000;
  TailView tail(*log_, 4, kCount);
  std::vector<std::string> seen;
  uint64_t wakeups = 0;
  std::thread reader([&] {
    uint64_t at = 4;
    while (tail.WaitBeyond(at, 100)) {
      ++wakeups;
      const uint64_t to = *tail.Size();
      EXPECT_TRUE(to == 4 + kCount || to >= at + 100) << "woken early at " << to;
      for (auto& s : ReadAll(tail, at, to)) seen.push_back(std::move(s));
      at = to;
    }
  });
  for (uint64_t i = 0; i < kCount; ++i) ASSERT_TRUE(tail.Push(B("t" + std::to_string(4 + i))).ok());
  tail.Close();
  reader.join();
  ASSERT_EQ(seen.size(), kCount);
  for (uint64_t i = 0; i < kCount; ++i) {
    ASSERT_EQ(seen[i], std::to_string(4 + i) + ":t" + std::to_string(4 + i));
  }
  EXPECT_GE(wakeups, 1u);
  EXPECT_LE(wakeups, kCount / 100 + 1);
  EXPECT_FALSE(tail.WaitBeyond(4 + kCount, 1)) << "closed, nothing more";
}

}  // namespace
}  // namespace suiji
