// libFuzzer target: the CSV reader of the bulk imports (api/import/table_reader.h, ReadCsv and
// ScanCsv). The first byte picks the encoding asked for (auto, UTF-8, GB18030); the rest is the
// file. Beyond "no crash, no leak, no sanitizer report", it checks what the reader promises:
//   - an accepted file gives a well-formed table (tests/fuzz/table_invariants.h), read as the
//     encoding asked for (or, for auto, a definite one);
//   - ScanCsv hands over exactly the rows ReadCsv keeps, with the same row numbers;
//   - writing the table as quoted UTF-8 CSV and reading that gives the same table;
//   - a refusal is kInvalidArgument or kResourceExhausted, and every row, text line and byte
//     offset it names is inside the file.
// Run by ops/fuzz.sh; seeds in tests/fuzz/csv_corpus/.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/import/table_reader.h"
#include "tests/fuzz/table_invariants.h"

namespace {

using suiji::StatusCode;
using suiji::fuzz::Broken;
namespace import = suiji::import;
constexpr const char* kTarget = "csv_reader_fuzz";

std::string Quoted(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : cells[i]) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out + "\r\n";
}

void CheckAccepted(std::string_view bytes, import::Encoding asked, const import::Table& t) {
  suiji::fuzz::CheckTable(kTarget, t);
  if (t.detected == import::Encoding::kAuto) Broken(kTarget, "the detected encoding is auto");
  if (asked != import::Encoding::kAuto && t.detected != asked) Broken(kTarget, "read in another encoding than asked");

  // The streaming form agrees with the table, row for row.
  size_t seen = 0;
  bool header = true;
  auto scanned = import::ScanCsv(bytes, asked, [&](uint64_t row, std::vector<std::string>& cells) -> suiji::Status {
    if (header) {
      header = false;
      if (row != t.header_row_number || cells != t.header) Broken(kTarget, "ScanCsv's header differs");
      return suiji::OkStatus();
    }
    if (seen >= t.rows.size() || row != t.row_numbers[seen] || cells != t.rows[seen]) {
      Broken(kTarget, "ScanCsv's row " + std::to_string(row) + " differs from ReadCsv's");
    }
    ++seen;
    return suiji::OkStatus();
  });
  if (!scanned.ok() || *scanned != t.detected || seen != t.rows.size()) Broken(kTarget, "ScanCsv disagrees with ReadCsv");

  // Written back as quoted UTF-8, it reads the same.
  std::string again = Quoted(t.header);
  for (const auto& row : t.rows) again += Quoted(row);
  auto reread = import::ReadCsv(again, import::Encoding::kUtf8);
  if (!reread.ok()) Broken(kTarget, "the table written as CSV is refused: " + reread.status().message());
  if (reread->header != t.header || reread->rows != t.rows) Broken(kTarget, "the table written as CSV reads differently");
}

void CheckRefused(std::string_view bytes, const suiji::Status& s) {
  if (s.code() != StatusCode::kInvalidArgument && s.code() != StatusCode::kResourceExhausted) {
    Broken(kTarget, "refused with an unexpected code: " + s.ToString());
  }
  // A record ends at a line break, so neither records nor text lines outnumber them + 1.
  uint64_t breaks = 0;
  for (char c : bytes) breaks += c == '\n' || c == '\r';
  // Only the message's own words: a cell it quotes may hold anything.
  const std::string_view own = std::string_view(s.message()).substr(0, s.message().find('"'));
  auto within = [&](std::string_view word, uint64_t limit) {
    suiji::fuzz::ForEachNumberAfter(own, word, [&](uint64_t n) {
      if (n < 1 || n > limit) Broken(kTarget, "the message names " + std::string(word) + std::to_string(n) + ": " + s.message());
    });
  };
  within("row ", breaks + 1);
  within("text line ", breaks + 1);
  within("(line ", breaks + 1);
  suiji::fuzz::ForEachNumberAfter(own, "byte offset ", [&](uint64_t n) {
    if (n >= bytes.size()) Broken(kTarget, "the message names a byte offset past the end: " + s.message());
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr import::Encoding kEncodings[] = {import::Encoding::kAuto, import::Encoding::kUtf8,
                                                    import::Encoding::kGb18030};
  const import::Encoding enc = kEncodings[data[0] % 3];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto t = import::ReadCsv(bytes, enc);
  if (t.ok()) {
    CheckAccepted(bytes, enc, *t);
  } else {
    CheckRefused(bytes, t.status());
  }
  return 0;
}
