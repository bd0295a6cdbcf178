// The LogStorage contract (ledger/storage.h) as one value-parameterised suite, run unchanged
// against every backend. A backend's test file includes this header once, writes a
// StorageFactory (a fresh, empty place for a log per test, and how to open a writer or a
// reader on it) and instantiates the suite with it: tests/ledger/storage_conformance_test.cc
// for LMDB, tests/kafka/kafka_conformance_test.cc for Kafka.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"
#include "ledger/storage.h"

namespace suiji {
namespace {

enum class Role { kWriter, kReader };

struct StorageFactory {
  std::string name;  // the instantiation name: letters and digits only
  // A fresh, empty place for one log, unique to `test` and to this process (a directory for
  // LMDB, a topic for Kafka).
  std::function<std::string(const std::string& test)> fresh;
  // Opens a handle on `where`. The writer creates the log if needed.
  std::function<StatusOr<std::unique_ptr<LogStorage>>(const std::string& where, Role role)> open;
  // Removes what `fresh` made.
  std::function<void(const std::string& where)> cleanup;
  // True if a second writer is refused (LMDB); false if it fences the first one (Kafka).
  bool second_writer_refused = true;
};

void PrintTo(const StorageFactory& f, std::ostream* os) { *os << f.name; }

// Entry bytes that differ per sequence and in length, one large enough for LMDB's overflow
// pages (and near Kafka's 1 MB message limit).
Bytes EntryBytes(uint64_t seq) {
  std::string s = "entry-" + std::to_string(seq) + "-";
  s.append(static_cast<size_t>(seq % 7) * 13, static_cast<char>('a' + seq % 26));
  if (seq == 3) s.append(520 * 1024, '\x7f');
  Bytes b(s.begin(), s.end());
  b.push_back(0);  // embedded NUL and high bytes must survive
  b.push_back(0xFF);
  return b;
}

std::vector<Bytes> EntriesFrom(uint64_t first, size_t n) {
  std::vector<Bytes> out;
  for (size_t i = 0; i < n; ++i) out.push_back(EntryBytes(first + i));
  return out;
}

std::vector<ByteView> Views(const std::vector<Bytes>& v) {
  return std::vector<ByteView>(v.begin(), v.end());
}

struct ReadResult {
  Status status;
  std::vector<uint64_t> seqs;
  std::vector<Bytes> bytes;
};

ReadResult ReadRange(const LogStorage& s, uint64_t from, uint64_t to, size_t stop_after = SIZE_MAX) {
  ReadResult r;
  r.status = s.Read(from, to, [&](uint64_t seq, ByteView b) {
    r.seqs.push_back(seq);
    r.bytes.emplace_back(b.begin(), b.end());
    return r.seqs.size() < stop_after;
  });
  return r;
}

std::vector<std::pair<uint64_t, std::string>> AllCheckpoints(const LogStorage& s) {
  std::vector<std::pair<uint64_t, std::string>> out;
  Status st = s.ReadCheckpoints([&](uint64_t size, std::string_view note) {
    out.emplace_back(size, std::string(note));
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

uint64_t SizeOf(const LogStorage& s) {
  auto n = s.Size();
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return n.ok() ? *n : UINT64_MAX;
}

class StorageConformance : public ::testing::TestWithParam<StorageFactory> {
 protected:
  void SetUp() override {
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : test) {
      if (c == '/') c = '-';
    }
    where_ = GetParam().fresh(test);
  }
  void TearDown() override { GetParam().cleanup(where_); }

  StatusOr<std::unique_ptr<LogStorage>> Open(Role role) { return GetParam().open(where_, role); }
  std::unique_ptr<LogStorage> MustOpen(Role role) {
    auto s = Open(role);
    if (!s.ok()) {
      ADD_FAILURE() << "open: " << s.status().ToString();
      return nullptr;
    }
    return std::move(*s);
  }
  // A writer holding entries 0..n-1.
  std::unique_ptr<LogStorage> WriterWith(size_t n) {
    auto w = MustOpen(Role::kWriter);
    if (w && n > 0) {
      std::vector<Bytes> es = EntriesFrom(0, n);
      Status s = w->Append(0, Views(es));
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return w;
  }

  std::string where_;
};

TEST_P(StorageConformance, AFreshLogIsEmptyAndWritable) {
  auto w = MustOpen(Role::kWriter);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->writable());
  EXPECT_EQ(SizeOf(*w), 0u);
  ReadResult r = ReadRange(*w, 0, 0);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(r.seqs.empty());
  EXPECT_TRUE(AllCheckpoints(*w).empty());
}

TEST_P(StorageConformance, AppendsABatchAtZeroThenAnotherAtTheSize) {
  auto w = MustOpen(Role::kWriter);
  ASSERT_NE(w, nullptr);
  std::vector<Bytes> first = EntriesFrom(0, 3);
  ASSERT_TRUE(w->Append(0, Views(first)).ok());
  EXPECT_EQ(SizeOf(*w), 3u);
  std::vector<Bytes> second = EntriesFrom(3, 4);
  ASSERT_TRUE(w->Append(3, Views(second)).ok());
  EXPECT_EQ(SizeOf(*w), 7u);
  ReadResult r = ReadRange(*w, 0, 7);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.bytes, EntriesFrom(0, 7));
}

TEST_P(StorageConformance, AppendOfOneEntryAtATimeKeepsTheOrder) {
  auto w = MustOpen(Role::kWriter);
  ASSERT_NE(w, nullptr);
  for (uint64_t i = 0; i < 20; ++i) {
    Bytes e = EntryBytes(i);
    ByteView v(e);
    ASSERT_TRUE(w->Append(i, std::span(&v, 1)).ok()) << i;
  }
  EXPECT_EQ(ReadRange(*w, 0, 20).bytes, EntriesFrom(0, 20));
}

TEST_P(StorageConformance, AppendAtAStaleExpectedSequenceIsAbortedAndWritesNothing) {
  auto w = WriterWith(3);
  ASSERT_NE(w, nullptr);
  std::vector<Bytes> extra = {Bytes{1, 2, 3}, Bytes{4, 5}};
  for (uint64_t expected : {uint64_t{0}, uint64_t{2}, uint64_t{4}, uint64_t{100}}) {
    Status s = w->Append(expected, Views(extra));
    EXPECT_EQ(s.code(), StatusCode::kAborted) << "expected_next " << expected;
  }
  EXPECT_EQ(SizeOf(*w), 3u);
  EXPECT_EQ(ReadRange(*w, 0, 3).bytes, EntriesFrom(0, 3));
  // And the log goes on at the right sequence.
  EXPECT_TRUE(w->Append(3, Views(extra)).ok());
  EXPECT_EQ(SizeOf(*w), 5u);
}

TEST_P(StorageConformance, ReadReturnsExactlyTheBytesWrittenInOrder) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  ReadResult r = ReadRange(*w, 0, 10);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.seqs, (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(r.bytes, EntriesFrom(0, 10));
  EXPECT_GT(r.bytes[3].size(), 512u * 1024);  // the large one came back whole
}

TEST_P(StorageConformance, ReadFromTheMiddle) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  ReadResult r = ReadRange(*w, 4, 7);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.seqs, (std::vector<uint64_t>{4, 5, 6}));
  EXPECT_EQ(r.bytes, EntriesFrom(4, 3));
  ReadResult last = ReadRange(*w, 9, 10);
  ASSERT_TRUE(last.status.ok());
  EXPECT_EQ(last.seqs, std::vector<uint64_t>{9});
}

TEST_P(StorageConformance, ReadStopsWhenTheCallbackReturnsFalse) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  ReadResult r = ReadRange(*w, 2, 10, /*stop_after=*/3);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.seqs, (std::vector<uint64_t>{2, 3, 4}));
  ReadResult one = ReadRange(*w, 0, 10, /*stop_after=*/1);
  EXPECT_TRUE(one.status.ok());
  EXPECT_EQ(one.seqs, std::vector<uint64_t>{0});
}

TEST_P(StorageConformance, AnEmptyRangeReadsNothing) {
  auto w = WriterWith(5);
  ASSERT_NE(w, nullptr);
  for (uint64_t at : {uint64_t{0}, uint64_t{3}, uint64_t{5}}) {
    ReadResult r = ReadRange(*w, at, at);
    EXPECT_TRUE(r.status.ok()) << at << ": " << r.status.ToString();
    EXPECT_TRUE(r.seqs.empty());
  }
}

TEST_P(StorageConformance, ReadPastTheEndIsInvalidArgument) {
  auto w = WriterWith(5);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(ReadRange(*w, 0, 6).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(*w, 4, 6).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(*w, 5, 6).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(*w, 7, 9).status.code(), StatusCode::kInvalidArgument);
}

TEST_P(StorageConformance, ReadOfAnEmptyLogPastTheEndIsInvalidArgument) {
  auto w = MustOpen(Role::kWriter);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(ReadRange(*w, 0, 1).status.code(), StatusCode::kInvalidArgument);
}

TEST_P(StorageConformance, AnEmptyRangePastTheEndIsInvalidArgument) {
  auto w = WriterWith(5);
  ASSERT_NE(w, nullptr);
  // The contract: "kInvalidArgument if to > Size()", whatever `from` is.
  ReadResult r = ReadRange(*w, 8, 8);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
}

TEST_P(StorageConformance, CheckpointsAreStoredAndReadInIncreasingSize) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  const std::string note9 = "origin\n9\nroot9=\n\n\xE2\x80\x94 origin AAAA\n";
  ASSERT_TRUE(w->PutCheckpoint(5, "five").ok());
  ASSERT_TRUE(w->PutCheckpoint(2, "two").ok());
  ASSERT_TRUE(w->PutCheckpoint(9, note9).ok());
  ASSERT_TRUE(w->PutCheckpoint(300, "beyond 255: keys sort as numbers").ok());
  auto cps = AllCheckpoints(*w);
  ASSERT_EQ(cps.size(), 4u);
  EXPECT_EQ(cps[0], std::make_pair(uint64_t{2}, std::string("two")));
  EXPECT_EQ(cps[1], std::make_pair(uint64_t{5}, std::string("five")));
  EXPECT_EQ(cps[2], std::make_pair(uint64_t{9}, note9));
  EXPECT_EQ(cps[3].first, 300u);
  // Early stop.
  std::vector<uint64_t> seen;
  ASSERT_TRUE(w->ReadCheckpoints([&](uint64_t size, std::string_view) {
                 seen.push_back(size);
                 return seen.size() < 2;
               }).ok());
  EXPECT_EQ(seen, (std::vector<uint64_t>{2, 5}));
}

TEST_P(StorageConformance, DataSurvivesCloseAndReopen) {
  {
    auto w = WriterWith(6);
    ASSERT_NE(w, nullptr);
    ASSERT_TRUE(w->PutCheckpoint(6, "six").ok());
  }
  {
    auto w = MustOpen(Role::kWriter);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(SizeOf(*w), 6u);
    EXPECT_EQ(ReadRange(*w, 0, 6).bytes, EntriesFrom(0, 6));
    auto cps = AllCheckpoints(*w);
    ASSERT_EQ(cps.size(), 1u);
    EXPECT_EQ(cps[0].second, "six");
    // The reopened writer appends where the log ends.
    std::vector<Bytes> more = EntriesFrom(6, 2);
    EXPECT_EQ(w->Append(0, Views(more)).code(), StatusCode::kAborted);
    ASSERT_TRUE(w->Append(6, Views(more)).ok());
  }
  auto r = MustOpen(Role::kReader);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(SizeOf(*r), 8u);
  EXPECT_EQ(ReadRange(*r, 0, 8).bytes, EntriesFrom(0, 8));
  EXPECT_EQ(AllCheckpoints(*r).size(), 1u);
}

TEST_P(StorageConformance, AReadOnlyHandleSeesTheWritersAppendsAndCannotAppend) {
  auto w = WriterWith(2);
  ASSERT_NE(w, nullptr);
  auto r = MustOpen(Role::kReader);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->writable());
  EXPECT_EQ(SizeOf(*r), 2u);

  std::vector<Bytes> more = EntriesFrom(2, 3);
  ASSERT_TRUE(w->Append(2, Views(more)).ok());
  ASSERT_TRUE(w->PutCheckpoint(5, "five").ok());
  EXPECT_EQ(SizeOf(*r), 5u);
  EXPECT_EQ(ReadRange(*r, 0, 5).bytes, EntriesFrom(0, 5));
  auto cps = AllCheckpoints(*r);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].first, 5u);

  std::vector<Bytes> from_reader = EntriesFrom(5, 1);
  EXPECT_EQ(r->Append(5, Views(from_reader)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r->PutCheckpoint(5, "forged").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SizeOf(*w), 5u);
  EXPECT_EQ(AllCheckpoints(*w)[0].second, "five");
}

TEST_P(StorageConformance, ASecondWriterIsRefusedNamingTheHolder) {
  if (!GetParam().second_writer_refused) GTEST_SKIP() << "this backend fences the older writer";
  auto w = WriterWith(2);
  ASSERT_NE(w, nullptr);
  auto second = Open(Role::kWriter);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another process"), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  // The refused open disturbed nothing: the first writer still appends.
  std::vector<Bytes> more = EntriesFrom(2, 1);
  EXPECT_TRUE(w->Append(2, Views(more)).ok());
  // Once the first writer is closed, a new one may open.
  w.reset();
  auto third = Open(Role::kWriter);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(SizeOf(**third), 3u);
}

// The other reading of "exactly one writer per ledger": the newer writer fences the older one,
// whose next write fails without writing anything.
TEST_P(StorageConformance, ASecondWriterFencesTheFirst) {
  if (GetParam().second_writer_refused) GTEST_SKIP() << "this backend refuses a second writer";
  auto first = WriterWith(2);
  ASSERT_NE(first, nullptr);
  auto second = MustOpen(Role::kWriter);
  ASSERT_NE(second, nullptr);
  std::vector<Bytes> more = EntriesFrom(2, 2);
  EXPECT_EQ(first->Append(2, Views(more)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(first->PutCheckpoint(2, "fenced").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SizeOf(*second), 2u);
  ASSERT_TRUE(second->Append(2, Views(more)).ok());
  EXPECT_EQ(ReadRange(*second, 0, 4).bytes, EntriesFrom(0, 4));
  EXPECT_TRUE(AllCheckpoints(*second).empty());
}

// Empty batches: at the log's next sequence an empty batch is OK and writes nothing; at any
// other sequence it is kAborted, like any batch. (Ledger never sends one: it refuses an empty
// draft list with kInvalidArgument before reaching storage.)
TEST_P(StorageConformance, AnEmptyBatchAtTheSizeIsOkAndWritesNothingElsewhereIsAborted) {
  auto w = WriterWith(3);
  ASSERT_NE(w, nullptr);
  std::vector<ByteView> none;
  EXPECT_TRUE(w->Append(3, none).ok());
  EXPECT_EQ(SizeOf(*w), 3u);
  EXPECT_EQ(w->Append(2, none).code(), StatusCode::kAborted);
  EXPECT_EQ(w->Append(4, none).code(), StatusCode::kAborted);
  EXPECT_EQ(SizeOf(*w), 3u);
  EXPECT_EQ(ReadRange(*w, 0, 3).bytes, EntriesFrom(0, 3));
}

TEST_P(StorageConformance, ALargeBatchIsAppendedWhole) {
  auto w = MustOpen(Role::kWriter);
  ASSERT_NE(w, nullptr);
  std::vector<Bytes> many;
  for (uint32_t i = 0; i < 5000; ++i) {
    Bytes b(4);
    PutU32BE(i, b.data());
    many.push_back(b);
  }
  ASSERT_TRUE(w->Append(0, Views(many)).ok());
  EXPECT_EQ(SizeOf(*w), 5000u);
  EXPECT_EQ(ReadRange(*w, 0, 5000).bytes, many);
}

// "Readers never block the writer and see a consistent prefix of the log": a thread reads
// the whole log over and over while the writer appends.
TEST_P(StorageConformance, ConcurrentReadersSeeAConsistentPrefix) {
  auto w = MustOpen(Role::kWriter);
  ASSERT_NE(w, nullptr);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto n = w->Size();
      if (!n.ok()) {
        ++bad;
        continue;
      }
      uint64_t expect = 0;
      Status s = w->Read(0, *n, [&](uint64_t seq, ByteView b) {
        Bytes want = EntryBytes(seq);
        if (seq != expect++ || !std::equal(b.begin(), b.end(), want.begin(), want.end())) ++bad;
        return true;
      });
      if (!s.ok() || expect != *n) ++bad;
      ++reads;
    }
  });
  for (uint64_t next = 0; next < 60; next += 3) {
    std::vector<Bytes> batch = EntriesFrom(next, 3);
    Status s = w->Append(next, Views(batch));
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(SizeOf(*w), 60u);
}

}  // namespace
}  // namespace suiji
