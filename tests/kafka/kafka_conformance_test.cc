// The LogStorage contract (ledger/storage.h) on the Kafka backend: the same cases as the
// shared conformance suite (tests/ledger/storage_conformance_test.cc) runs on LMDB, each on a
// fresh topic of a real broker (ops/kafka/kafka.sh start).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ledger/kafka/kafka_storage.h"
#include "tests/kafka/kafka_test_util.h"

namespace suiji {
namespace {

using kafka_test::KafkaTest;

// Entry bytes that differ per sequence and in length; one near Kafka's 1 MB message limit.
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

ReadResult ReadRange(const LogStorage& s, uint64_t from, uint64_t to,
                     size_t stop_after = SIZE_MAX) {
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

class KafkaConformance : public KafkaTest {
 protected:
  // A writer holding entries 0..n-1.
  std::unique_ptr<LogStorage> WriterWith(size_t n) {
    auto w = MustOpen(KafkaMode::kWriter);
    if (w && n > 0) {
      std::vector<Bytes> es = EntriesFrom(0, n);
      Status s = w->Append(0, Views(es));
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return w;
  }
};

TEST_F(KafkaConformance, AFreshLogIsEmptyAndWritable) {
  auto w = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->writable());
  EXPECT_EQ(SizeOf(*w), 0u);
  ReadResult r = ReadRange(*w, 0, 0);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(r.seqs.empty());
  EXPECT_TRUE(AllCheckpoints(*w).empty());
}

TEST_F(KafkaConformance, AppendsABatchAtZeroThenAnotherAtTheSize) {
  auto w = MustOpen(KafkaMode::kWriter);
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

TEST_F(KafkaConformance, AppendOfOneEntryAtATimeKeepsTheOrder) {
  auto w = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(w, nullptr);
  for (uint64_t i = 0; i < 20; ++i) {
    Bytes e = EntryBytes(i);
    ByteView v(e);
    ASSERT_TRUE(w->Append(i, std::span(&v, 1)).ok()) << i;
  }
  EXPECT_EQ(ReadRange(*w, 0, 20).bytes, EntriesFrom(0, 20));
  // Offsets are not sequences (a commit marker follows each transaction): reads from the
  // middle find the right entry, on this handle and on a fresh one.
  EXPECT_EQ(ReadRange(*w, 13, 16).bytes, EntriesFrom(13, 3));
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ReadRange(*r, 13, 16).bytes, EntriesFrom(13, 3));
}

TEST_F(KafkaConformance, AppendAtAStaleExpectedSequenceIsAbortedAndWritesNothing) {
  auto w = WriterWith(3);
  ASSERT_NE(w, nullptr);
  std::vector<Bytes> extra = {Bytes{1, 2, 3}, Bytes{4, 5}};
  for (uint64_t expected : {uint64_t{0}, uint64_t{2}, uint64_t{4}, uint64_t{100}}) {
    Status s = w->Append(expected, Views(extra));
    EXPECT_EQ(s.code(), StatusCode::kAborted) << "expected_next " << expected;
  }
  EXPECT_EQ(SizeOf(*w), 3u);
  EXPECT_EQ(ReadRange(*w, 0, 3).bytes, EntriesFrom(0, 3));
  // Nothing reached the topic either: a fresh reader sees 3.
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(SizeOf(*r), 3u);
  // And the log goes on at the right sequence.
  EXPECT_TRUE(w->Append(3, Views(extra)).ok());
  EXPECT_EQ(SizeOf(*w), 5u);
  EXPECT_EQ(SizeOf(*r), 5u);
}

TEST_F(KafkaConformance, ReadReturnsExactlyTheBytesWrittenInOrder) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  ReadResult r = ReadRange(*w, 0, 10);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.seqs, (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(r.bytes, EntriesFrom(0, 10));
  EXPECT_GT(r.bytes[3].size(), 512u * 1024);  // the large one came back whole
}

TEST_F(KafkaConformance, ReadFromTheMiddle) {
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

TEST_F(KafkaConformance, ReadStopsWhenTheCallbackReturnsFalse) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  ReadResult r = ReadRange(*w, 2, 10, /*stop_after=*/3);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.seqs, (std::vector<uint64_t>{2, 3, 4}));
  ReadResult one = ReadRange(*w, 0, 10, /*stop_after=*/1);
  EXPECT_TRUE(one.status.ok());
  EXPECT_EQ(one.seqs, std::vector<uint64_t>{0});
  // The next read starts cleanly (nothing left over from the stopped one).
  ReadResult again = ReadRange(*w, 1, 3);
  EXPECT_EQ(again.seqs, (std::vector<uint64_t>{1, 2}));
}

TEST_F(KafkaConformance, AnEmptyRangeReadsNothing) {
  auto w = WriterWith(5);
  ASSERT_NE(w, nullptr);
  for (uint64_t at : {uint64_t{0}, uint64_t{3}, uint64_t{5}}) {
    ReadResult r = ReadRange(*w, at, at);
    EXPECT_TRUE(r.status.ok()) << at << ": " << r.status.ToString();
    EXPECT_TRUE(r.seqs.empty());
  }
}

TEST_F(KafkaConformance, ReadPastTheEndIsInvalidArgument) {
  auto w = WriterWith(5);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(ReadRange(*w, 0, 6).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(*w, 4, 6).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(*w, 5, 6).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRange(*w, 7, 9).status.code(), StatusCode::kInvalidArgument);
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ReadRange(*r, 0, 6).status.code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaConformance, ReadOfAnEmptyLogPastTheEndIsInvalidArgument) {
  auto w = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(ReadRange(*w, 0, 1).status.code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaConformance, AnEmptyRangePastTheEndIsInvalidArgument) {
  auto w = WriterWith(5);
  ASSERT_NE(w, nullptr);
  // The contract: "kInvalidArgument if to > Size()", whatever `from` is.
  EXPECT_EQ(ReadRange(*w, 8, 8).status.code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaConformance, CheckpointsAreStoredAndReadInIncreasingSize) {
  auto w = WriterWith(10);
  ASSERT_NE(w, nullptr);
  const std::string note9 = "origin\n9\nroot9=\n\n\xE2\x80\x94 origin AAAA\n";
  ASSERT_TRUE(w->PutCheckpoint(5, "five").ok());
  ASSERT_TRUE(w->PutCheckpoint(2, "two").ok());
  ASSERT_TRUE(w->PutCheckpoint(9, note9).ok());
  ASSERT_TRUE(w->PutCheckpoint(300, "beyond 255: keys sort as numbers").ok());
  for (int handle = 0; handle < 2; ++handle) {
    // The writer's own view, then a fresh reader's (read back from the topic).
    std::unique_ptr<LogStorage> fresh;
    if (handle == 1) {
      fresh = MustOpen(KafkaMode::kReadOnly);
      ASSERT_NE(fresh, nullptr);
    }
    const LogStorage& s = handle == 0 ? *w : *fresh;
    auto cps = AllCheckpoints(s);
    ASSERT_EQ(cps.size(), 4u);
    EXPECT_EQ(cps[0], std::make_pair(uint64_t{2}, std::string("two")));
    EXPECT_EQ(cps[1], std::make_pair(uint64_t{5}, std::string("five")));
    EXPECT_EQ(cps[2], std::make_pair(uint64_t{9}, note9));
    EXPECT_EQ(cps[3].first, 300u);
    // Early stop.
    std::vector<uint64_t> seen;
    ASSERT_TRUE(s.ReadCheckpoints([&](uint64_t size, std::string_view) {
                   seen.push_back(size);
                   return seen.size() < 2;
                 }).ok());
    EXPECT_EQ(seen, (std::vector<uint64_t>{2, 5}));
  }
}

TEST_F(KafkaConformance, DataSurvivesCloseAndReopen) {
  {
    auto w = WriterWith(6);
    ASSERT_NE(w, nullptr);
    ASSERT_TRUE(w->PutCheckpoint(6, "six").ok());
  }
  {
    auto w = MustOpen(KafkaMode::kWriter);
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
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(SizeOf(*r), 8u);
  EXPECT_EQ(ReadRange(*r, 0, 8).bytes, EntriesFrom(0, 8));
  EXPECT_EQ(AllCheckpoints(*r).size(), 1u);
}

TEST_F(KafkaConformance, AReadOnlyHandleSeesTheWritersAppendsAndCannotAppend) {
  auto w = WriterWith(2);
  ASSERT_NE(w, nullptr);
  auto r = MustOpen(KafkaMode::kReadOnly);
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
  // A reader's Read past what it has seen so far catches up by itself.
  std::vector<Bytes> last = EntriesFrom(5, 1);
  ASSERT_TRUE(w->Append(5, Views(last)).ok());
  EXPECT_EQ(ReadRange(*r, 5, 6).bytes, EntriesFrom(5, 1));
}

TEST_F(KafkaConformance, AnEmptyBatchAtTheSizeIsOkAndWritesNothingElsewhereIsAborted) {
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

TEST_F(KafkaConformance, ALargeBatchIsAppendedWhole) {
  auto w = MustOpen(KafkaMode::kWriter);
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
  auto r = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ReadRange(*r, 0, 5000).bytes, many);
}

// "Readers never block the writer and see a consistent prefix of the log": threads read the
// whole log over and over, through the writer's handle and a read-only one, while the writer
// appends.
TEST_F(KafkaConformance, ConcurrentReadersSeeAConsistentPrefix) {
  auto w = MustOpen(KafkaMode::kWriter);
  ASSERT_NE(w, nullptr);
  auto ro = MustOpen(KafkaMode::kReadOnly);
  ASSERT_NE(ro, nullptr);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> reads{0};
  auto read_loop = [&](const LogStorage* s) {
    while (!done.load()) {
      auto n = s->Size();
      if (!n.ok()) {
        ++bad;
        continue;
      }
      uint64_t expect = 0;
      Status st = s->Read(0, *n, [&](uint64_t seq, ByteView b) {
        Bytes want = EntryBytes(seq);
        if (seq != expect++ || !std::equal(b.begin(), b.end(), want.begin(), want.end())) ++bad;
        return true;
      });
      if (!st.ok() || expect != *n) ++bad;
      ++reads;
    }
  };
  std::thread reader1(read_loop, w.get());
  std::thread reader2(read_loop, ro.get());
  for (uint64_t next = 0; next < 60; next += 3) {
    std::vector<Bytes> batch = EntriesFrom(next, 3);
    Status s = w->Append(next, Views(batch));
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  done = true;
  reader1.join();
  reader2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(SizeOf(*w), 60u);
  EXPECT_EQ(SizeOf(*ro), 60u);
}

}  // namespace
}  // namespace suiji
