// The verifier's compact per-employer containers (verifier/packed_records.h): every value put
// comes back byte for byte, through growth, replacement in place and elsewhere, compaction and
// key-order reads.
#include "verifier/packed_records.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ledger/core/directory/fold.h"
#include "verifier/compact_state.h"

namespace suiji {
namespace {

// A value of `n` bytes depending on `i`, with zero bytes and high bytes in it.
std::string Value(uint64_t i, size_t n) {
  std::string v;
  for (size_t k = 0; k < n; ++k) v.push_back(static_cast<char>((i * 131 + k * 7) % 256));
  return v;
}

TEST(DictionaryTest, EmptyIsZeroAndEachValueKeepsItsNumber) {
  Dictionary d;
  EXPECT_EQ(d.Id(""), 0u);
  EXPECT_EQ(d.Value(0), "");
  const uint32_t a = d.Id("320402");
  const uint32_t b = d.Id("2026-05-01");
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(b, 2u);
  EXPECT_EQ(d.Id("320402"), a);
  EXPECT_EQ(d.Value(a), "320402");
  EXPECT_EQ(d.Value(b), "2026-05-01");
  EXPECT_EQ(d.Value(99), "");  // unknown: ""
  EXPECT_EQ(d.size(), 3u);
}

TEST(PackedRecordsTest, VarintsAndStringsRoundTrip) {
  std::string out;
  const uint64_t values[] = {0, 1, 127, 128, 16383, 16384, 300000, 0xFFFFFFFFull, ~0ull};
  for (uint64_t v : values) PutVarint(out, v);
  PutStr(out, "");
  PutStr(out, std::string("a\0b", 3));
  size_t at = 0;
  for (uint64_t v : values) EXPECT_EQ(GetVarint(out, at), v);
  EXPECT_EQ(GetStr(out, at), "");
  EXPECT_EQ(GetStr(out, at), std::string("a\0b", 3));
  EXPECT_EQ(at, out.size());
}

// 200,000 records (the index grows many times, the blocks fill over and over), then a third
// replaced by values of the same size (in place), a third by longer ones (moved, leaving
// garbage that is compacted): each key finds exactly its latest value, and the records in key
// order are the std::map's.
TEST(PackedRecordsTest, ManyRecordsReplacedAndCompactedReadBackExactly) {
  PackedRecords packed;
  std::map<std::string, std::string> want;
  const uint64_t n = 200000;
  for (uint64_t i = 0; i < n; ++i) {
    // Keys of credit-code length, inserted out of order.
    const uint64_t k = (i * 7919) % n;
    std::string key = "91320402" + std::to_string(1000000000 + k);
    std::string value = Value(k, 20 + k % 40);
    packed.Put(key, value);
    want[key] = value;
  }
  EXPECT_EQ(packed.size(), n);
  EXPECT_EQ(packed.garbage(), 0u);
  // About 80 bytes a record here (61 of record, 8 of place, the index): far below a
  // std::map<std::string, std::string>'s node and strings (over 150 bytes each).
  EXPECT_LT(packed.MemoryBytes(), n * 100);
  size_t pass = 0;
  for (int round = 0; round < 3; ++round) {
    for (auto& [key, value] : want) {
      const uint64_t k = std::stoull(key.substr(8)) - 1000000000;
      if (k % 3 == 1) value = Value(k + 1 + static_cast<uint64_t>(round), value.size());  // same size
      if (k % 3 == 2) value = Value(k, value.size() + 1);                       // longer
      if (k % 3 != 0) packed.Put(key, value);
    }
    ++pass;
  }
  EXPECT_EQ(pass, 3u);
  EXPECT_EQ(packed.size(), n);
  // Compacted on the way: less garbage left than live bytes.
  EXPECT_LT(packed.garbage(), packed.MemoryBytes() / 2);
  for (const auto& [key, value] : want) {
    auto got = packed.Find(key);
    ASSERT_TRUE(got.has_value()) << key;
    ASSERT_EQ(*got, value) << key;
  }
  EXPECT_FALSE(packed.Find("91320402999").has_value());
  auto it = want.begin();
  size_t seen = 0;
  packed.ForEachInKeyOrder([&](std::string_view key, std::string_view value) {
    EXPECT_EQ(key, it->first);
    EXPECT_EQ(value, it->second);
    ++it;
    ++seen;
    return true;
  });
  EXPECT_EQ(seen, n);
}

// Keys added after a read in key order are merged into it; a stop ends the walk.
TEST(PackedRecordsTest, KeysAddedAfterAnOrderedReadAreMergedIn) {
  PackedRecords packed;
  packed.Put("b", "2");
  packed.Put("d", "4");
  std::string keys;
  packed.ForEachInKeyOrder([&](std::string_view k, std::string_view) {
    keys += k;
    return true;
  });
  EXPECT_EQ(keys, "bd");
  packed.Put("c", "3");
  packed.Put("a", "1");
  packed.Put("e", "");
  packed.Put("b", "22");
  keys.clear();
  std::string values;
  packed.ForEachInKeyOrder([&](std::string_view k, std::string_view v) {
    keys += k;
    values += std::string(v) + ",";
    return true;
  });
  EXPECT_EQ(keys, "abcde");
  EXPECT_EQ(values, "1,22,3,4,,");
  keys.clear();
  packed.ForEachInKeyOrder([&](std::string_view k, std::string_view) {
    keys += k;
    return k != "c";
  });
  EXPECT_EQ(keys, "abc");
  EXPECT_EQ(packed.Find("e"), std::optional<std::string_view>(""));
}

// A record larger than a block gets a block of its own and reads back whole.
TEST(PackedRecordsTest, ARecordLargerThanABlockReadsBackWhole) {
  PackedRecords packed;
  const std::string big = Value(5, (size_t{1} << 20) + 17);
  packed.Put("small", "x");
  packed.Put("big", big);
  packed.Put("after", "y");
  EXPECT_EQ(packed.Find("big"), std::optional<std::string_view>(big));
  EXPECT_EQ(packed.Find("small"), std::optional<std::string_view>("x"));
  EXPECT_EQ(packed.Find("after"), std::optional<std::string_view>("y"));
}

// The inspection and authority audits' shelf: each status, and regions and org units of any
// length (one changed between two returns), lent back exactly.
TEST(PackedRecordsTest, TheShelfLendsBackEachStatusRegionAndOrgExactly) {
  directory::MemoryDirectory dir;
  TargetShelf shelf;
  const directory::TargetStatus statuses[] = {directory::TargetStatus::Active, directory::TargetStatus::Moved,
                                              directory::TargetStatus::Deregistered};
  std::map<std::string, directory::TargetRecord> want;
  for (int i = 0; i < 3000; ++i) {
    directory::TargetRecord t;
    t.credit_code = "9132040" + std::to_string(10000000000 + i);
    t.status = statuses[i % 3];
    t.region = i % 100 == 0 ? "" : std::to_string(320400 + i % 17);
    t.org_id = i % 7 == 0 ? "org-with-a-long-identifier-" + std::to_string(i) : "320400";
    t.name = "不借出";
    dir.targets[t.credit_code] = t;
    shelf.Return(dir, t.credit_code);
    want[t.credit_code] = t;
  }
  EXPECT_TRUE(dir.targets.empty());
  EXPECT_EQ(shelf.size(), 3000u);
  // One employer moves to a region and org unit of other lengths.
  directory::TargetRecord& moved = want.begin()->second;
  shelf.Lend(dir, moved.credit_code);
  dir.targets.at(moved.credit_code).region = "110101";
  dir.targets.at(moved.credit_code).org_id = "";
  shelf.Return(dir, moved.credit_code);
  moved.region = "110101";
  moved.org_id = "";
  for (const auto& [code, t] : want) {
    shelf.Lend(dir, code);
    ASSERT_EQ(dir.targets.count(code), 1u) << code;
    const directory::TargetRecord& lent = dir.targets.at(code);
    EXPECT_EQ(lent.credit_code, code);
    EXPECT_EQ(lent.status, t.status) << code;
    EXPECT_EQ(lent.region, t.region) << code;
    EXPECT_EQ(lent.org_id, t.org_id) << code;
    EXPECT_EQ(lent.name, "");
    shelf.Return(dir, code);
  }
  EXPECT_EQ(shelf.size(), 3000u);
  EXPECT_TRUE(dir.targets.empty());
}

}  // namespace
}  // namespace suiji
