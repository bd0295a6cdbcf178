// Checks shared by the CSV and XLSX reader fuzz targets (csv_reader_fuzz.cc,
// xlsx_reader_fuzz.cc): what api/import/table_reader.h promises of every Table it returns,
// and of every refusal. A broken promise aborts with the input saved by libFuzzer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/import/table_reader.h"
#include "ledger/core/bytes.h"

namespace suiji::fuzz {

[[noreturn]] inline void Broken(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", target, what.c_str());
  std::abort();
}

// The spaces the reader trims (table_reader.h: ASCII whitespace, U+00A0, U+3000, U+200B,
// U+FEFF): none may be left at either end of a cell.
inline bool Trimmed(std::string_view s) {
  if (s.empty()) return true;
  auto ascii = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  if (ascii(s.front()) || ascii(s.back())) return false;
  for (std::string_view w : {std::string_view("\xC2\xA0"), std::string_view("\xE3\x80\x80"),
                             std::string_view("\xE2\x80\x8B"), std::string_view("\xEF\xBB\xBF")}) {
    if (s.starts_with(w) || s.ends_with(w)) return false;
  }
  return true;
}

inline void CheckCell(const char* target, std::string_view cell, const std::string& where) {
  if (InvalidUtf8At(cell) != std::string_view::npos) Broken(target, where + " is not valid UTF-8");
  if (!Trimmed(cell)) Broken(target, where + " is not trimmed");
}

// Header: non-empty, its last cell non-empty (trailing empty header cells are dropped); every
// row exactly as wide, not all empty, with a row number after the header's and after the
// previous row's; every cell valid UTF-8 and trimmed.
inline void CheckTable(const char* target, const import::Table& t) {
  if (t.header.empty()) Broken(target, "a table without a header");
  if (t.header.back().empty()) Broken(target, "the header ends with an empty cell");
  if (t.header_row_number < 1) Broken(target, "the header's row number is 0");
  if (t.rows.size() != t.row_numbers.size()) Broken(target, "rows and row numbers differ in count");
  for (size_t c = 0; c < t.header.size(); ++c) CheckCell(target, t.header[c], "header cell " + std::to_string(c));
  uint64_t previous = t.header_row_number;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    const std::string at = "row " + std::to_string(t.row_numbers[r]);
    if (row.size() != t.header.size()) Broken(target, at + " is not as wide as the header");
    if (t.row_numbers[r] <= previous) Broken(target, at + " does not come after the row before it");
    previous = t.row_numbers[r];
    bool any = false;
    for (size_t c = 0; c < row.size(); ++c) {
      CheckCell(target, row[c], at + " cell " + std::to_string(c));
      any = any || !row[c].empty();
    }
    if (!any) Broken(target, at + " is empty but was kept");
  }
}

// The number after `word` in `message` at each occurrence ("row 12", "byte offset 40"), for
// messages that name places in the input.
template <typename Fn>
void ForEachNumberAfter(std::string_view message, std::string_view word, Fn fn) {
  for (size_t at = message.find(word); at != std::string_view::npos; at = message.find(word, at + 1)) {
    size_t i = at + word.size();
    if (i >= message.size() || message[i] < '0' || message[i] > '9') continue;
    uint64_t n = 0;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9' && n < (uint64_t{1} << 60)) {
      n = n * 10 + static_cast<uint64_t>(message[i++] - '0');
    }
    fn(n);
  }
}

}  // namespace suiji::fuzz
