#include "ledger/core/export_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

ByteView View(const std::string& s) { return AsBytes(s); }

// Reads every record of `file`, failing the test on an error.
std::vector<ExportRecord> ReadAll(const std::string& file) {
  ExportReader r(View(file));
  Status h = r.ReadHeader();
  EXPECT_TRUE(h.ok()) << h.ToString();
  std::vector<ExportRecord> out;
  for (;;) {
    auto next = r.Next();
    if (!next.ok()) {
      ADD_FAILURE() << next.status().ToString();
      break;
    }
    if (!next->has_value()) break;
    out.push_back(**next);
  }
  return out;
}

// The status of the first failing Next() after the header, or OK if the file reads cleanly.
Status FirstError(const std::string& file) {
  ExportReader r(View(file));
  SUIJI_RETURN_IF_ERROR(r.ReadHeader());
  for (;;) {
    auto next = r.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return OkStatus();
  }
}

std::string Header() { return std::string(kExportMagic); }

void ExpectDataLossAt(const Status& s, uint64_t offset) {
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find("at byte " + std::to_string(offset)), std::string::npos)
      << s.message();
}

TEST(ExportFormat, RecordsRoundTripWithKindsDataAndOffsets) {
  std::string file = Header();
  const std::string e0 = "entry zero";
  const std::string e1(70000, 'x');  // a length that needs more than two bytes
  const std::string c0 = "origin\n2\nroot=\n\n\xE2\x80\x94 origin sig\n";
  AppendExportRecord(file, kRecordEntry, View(e0));
  AppendExportRecord(file, kRecordEntry, View(e1));
  AppendExportRecord(file, kRecordEntry, ByteView());
  AppendExportRecord(file, kRecordCheckpoint, View(c0));

  std::vector<ExportRecord> recs = ReadAll(file);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].kind, kRecordEntry);
  EXPECT_EQ(AsChars(recs[0].data), e0);
  EXPECT_EQ(recs[0].offset, kExportMagic.size());
  EXPECT_EQ(recs[1].kind, kRecordEntry);
  EXPECT_EQ(AsChars(recs[1].data), e1);
  EXPECT_EQ(recs[1].offset, kExportMagic.size() + kExportFrameOverhead + e0.size());
  EXPECT_EQ(recs[2].kind, kRecordEntry);
  EXPECT_TRUE(recs[2].data.empty());
  EXPECT_EQ(recs[3].kind, kRecordCheckpoint);
  EXPECT_EQ(AsChars(recs[3].data), c0);
  EXPECT_EQ(recs[3].offset, file.size() - kExportFrameOverhead - c0.size());
}

TEST(ExportFormat, FramesAreKindAndBigEndianLengthAroundTheBytes) {
  std::string out;
  AppendExportRecord(out, kRecordEntry, View(std::string("abc")));
  EXPECT_EQ(out, std::string("E\x00\x00\x00\x03" "abc" "E\x00\x00\x00\x03", 13));
  out.clear();
  AppendExportRecord(out, kRecordCheckpoint, View(std::string(0x0102, 'n')));
  EXPECT_EQ(out.substr(0, 5), std::string("C\x00\x00\x01\x02", 5));
}

TEST(ExportFormat, AFileWithOnlyTheHeaderHasNoRecords) {
  const std::string file = Header();
  ExportReader r(View(file));
  ASSERT_TRUE(r.ReadHeader().ok());
  auto next = r.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  // And stays at the end.
  auto again = r.Next();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST(ExportFormat, ABadOrShortMagicLineIsDataLoss) {
  for (std::string bad : {std::string(), std::string("SUIJI-LOG-EXPORT\n"),
                          std::string("SUIJI-LOG-EXPORT\n2\n"), std::string("suiji-log-export\n1\n"),
                          std::string("E\x00\x00\x00\x00", 5)}) {
    ExportReader r(View(bad));
    Status s = r.ReadHeader();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "'" << bad << "'";
    EXPECT_NE(s.message().find("byte 0"), std::string::npos);
  }
}

TEST(ExportFormat, ATornRecordHeaderIsDataLossNamingItsOffset) {
  std::string file = Header();
  AppendExportRecord(file, kRecordEntry, View(std::string("first")));
  const uint64_t torn_at = file.size();
  std::string next;
  AppendExportRecord(next, kRecordEntry, View(std::string("second")));
  for (size_t keep = 1; keep < 5; ++keep) {
    ExpectDataLossAt(FirstError(file + next.substr(0, keep)), torn_at);
  }
}

TEST(ExportFormat, ATornRecordBodyIsDataLossNamingItsOffset) {
  std::string file = Header();
  AppendExportRecord(file, kRecordEntry, View(std::string("first")));
  const uint64_t torn_at = file.size();
  std::string next;
  AppendExportRecord(next, kRecordCheckpoint, View(std::string(100, 'c')));
  for (size_t keep : {size_t{5}, size_t{6}, size_t{50}, next.size() - 1}) {
    ExpectDataLossAt(FirstError(file + next.substr(0, keep)), torn_at);
  }
  EXPECT_TRUE(FirstError(file + next).ok());
}

TEST(ExportFormat, AnUnknownRecordKindIsDataLossNamingItsOffset) {
  std::string file = Header();
  AppendExportRecord(file, kRecordEntry, View(std::string("first")));
  const uint64_t bad_at = file.size();
  AppendExportRecord(file, 'X', View(std::string("what")));
  ExpectDataLossAt(FirstError(file), bad_at);
  // Lower-case kinds are not the same kinds.
  std::string lower = Header();
  AppendExportRecord(lower, 'e', View(std::string("x")));
  ExpectDataLossAt(FirstError(lower), kExportMagic.size());
}

TEST(ExportFormat, ALengthOverTheLimitIsDataLossNamingItsOffset) {
  std::string file = Header();
  AppendExportRecord(file, kRecordEntry, View(std::string("first")));
  const uint64_t bad_at = file.size();
  uint8_t hdr[5] = {static_cast<uint8_t>(kRecordEntry), 0, 0, 0, 0};
  PutU32BE(kMaxExportRecord + 1, hdr + 1);
  file.append(reinterpret_cast<const char*>(hdr), sizeof hdr);
  Status s = FirstError(file);
  ExpectDataLossAt(s, bad_at);
  EXPECT_NE(s.message().find("over the limit"), std::string::npos) << s.message();
  // 0xFFFFFFFF too, even with enough bytes following to look plausible.
  std::string huge = Header();
  PutU32BE(0xFFFFFFFFu, hdr + 1);
  huge.append(reinterpret_cast<const char*>(hdr), sizeof hdr);
  huge.append(64, 'z');
  ExpectDataLossAt(FirstError(huge), kExportMagic.size());
}

TEST(ExportFormat, AHeaderThatDisagreesWithItsTrailerIsDataLossAtThatRecord) {
  std::string file = Header();
  AppendExportRecord(file, kRecordEntry, View(std::string("first")));
  const uint64_t bad_at = file.size();
  AppendExportRecord(file, kRecordEntry, View(std::string("second-record")));
  AppendExportRecord(file, kRecordEntry, View(std::string("third")));
  for (int delta : {-1, +1}) {
    std::string damaged = file;
    damaged[bad_at + 4] = static_cast<char>(damaged[bad_at + 4] + delta);  // length low byte
    Status s = FirstError(damaged);
    ExpectDataLossAt(s, bad_at);
  }
  // A damaged kind byte: the trailer still tells what the record was.
  std::string kind = file;
  kind[bad_at] = 'X';
  ExportReader r(View(kind));
  ASSERT_TRUE(r.ReadHeader().ok());
  ASSERT_TRUE(r.Next().ok());
  EXPECT_EQ(r.Next().status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.damaged_kind(), kRecordEntry);
}

TEST(ExportFormat, ARecordOfExactlyTheLimitIsRead) {
  std::string file = Header();
  std::string big(kMaxExportRecord, 'b');
  AppendExportRecord(file, kRecordEntry, View(big));
  std::vector<ExportRecord> recs = ReadAll(file);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].data.size(), kMaxExportRecord);
}

}  // namespace
}  // namespace suiji
