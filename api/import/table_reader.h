// Reading the tables that bureau staff prepare in Excel (or WPS) for bulk imports of
// directories: employers, inspectors, inspection items. Two formats come in: CSV, saved by
// Excel on Chinese Windows either as "CSV UTF-8" (with a byte-order mark) or as plain "CSV"
// (GBK, read here as its superset GB18030), and .xlsx workbooks. Both are returned as one
// Table of UTF-8 strings, the first non-empty row being the header, so the importers above
// (which check credit codes, names, districts) never see an encoding or a file format.
//
// Lifetime: every function copies what it keeps; the returned Table owns its strings and
// does not refer to the input bytes, which may be freed as soon as the call returns.
// Thread-safety: the functions keep no shared state (each call opens its own iconv
// descriptor, zip handle and XML parser), so any number of calls may run at once.
// Limits (see README.md): 256 MiB of uncompressed XML and 1 GiB of cell text per workbook,
// 1 GiB per file read from disk, 50 million cells per table; past them the functions return
// kResourceExhausted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/status.h"

namespace suiji::import {

enum class Encoding {
  kAuto,     // UTF-8 if there is a UTF-8 byte-order mark or the bytes are valid UTF-8,
             // else GB18030 (which must then be valid)
  kUtf8,     // must be valid UTF-8
  kGb18030,  // GB18030 (includes GBK/CP936, what Excel's plain "CSV" writes in China)
};

// "auto", "utf-8", "gb18030", for messages and logs.
std::string_view EncodingName(Encoding enc);

struct Table {
  // The first non-empty row, trimmed; trailing empty header cells are dropped, so
  // header.size() is the table's width.
  std::vector<std::string> header;
  // Data rows, each exactly header.size() cells, trimmed, UTF-8. Completely empty rows are
  // skipped.
  std::vector<std::vector<std::string>> rows;
  // 1-based row number in the source for each entry of `rows`, as Excel or WPS shows it
  // when the file is opened there (the header is row 1 unless empty rows precede it). For
  // CSV this is the record number: it equals the text line number unless a quoted cell
  // spans lines. For .xlsx it is the row's own number in the sheet.
  std::vector<uint64_t> row_numbers;
  // For CSV, the encoding the bytes were read as (never kAuto); for .xlsx, kUtf8.
  Encoding detected = Encoding::kUtf8;
  // Row number of the header, for messages.
  uint64_t header_row_number = 0;
};

// Parses CSV (RFC 4180): quoted cells with doubled quotes, embedded commas and line breaks;
// CRLF, LF or CR line ends; an optional final line end. A UTF-8 byte-order mark is
// stripped. Cells are trimmed of surrounding whitespace (ASCII, U+00A0, U+3000 full-width
// space, U+200B, U+FEFF) and converted to UTF-8. Completely empty rows (including ",,,")
// are skipped. A row with fewer cells than the header, or with a non-empty cell past the
// header's width, is kInvalidArgument naming the row. Bytes invalid in the encoding are
// kInvalidArgument naming the byte offset and the text line. UTF-16 files (Excel's
// "Unicode text") are refused with a message saying how to re-save.
StatusOr<Table> ReadCsv(std::string_view bytes, Encoding enc);

// The streaming form of ReadCsv, for files too large to hold as a Table. `on_row` is called
// for the header first (with the header's row number), then for each non-empty data row,
// in order, with cells as ReadCsv would store them; it may move the strings out (the
// vector is reused). A non-OK Status from `on_row` stops the scan and is returned.
// Returns the encoding the bytes were read as.
using CsvRowCallback = std::function<Status(uint64_t row_number, std::vector<std::string>& cells)>;
StatusOr<Encoding> ScanCsv(std::string_view bytes, Encoding enc, const CsvRowCallback& on_row);

// Reads one worksheet of an .xlsx (Office Open XML) workbook: `sheet_name` picks a sheet by
// its tab name (exact, else ASCII case-insensitive); empty picks the first visible sheet.
// Cell values are rendered as Excel's formula bar shows them: shared and inline strings as
// text; numbers with at most 15 significant digits (Excel's precision), integers without
// ".0" and without exponent (so an 18-digit ID typed as a number comes back as its first 15
// digits followed by zeros, as Excel shows it with format "0");
// booleans as TRUE/FALSE; error values as their text (#N/A); formulas as their cached
// result; numbers in a cell whose number format is a date or time format as ISO 8601
// ("2024-03-01", "2024-03-01 08:30:00", "08:30:00"). Other number formats (percent,
// currency, thousands separators) are not applied. Empty cells, including columns
// skipped in the file, are empty strings in the right position. Rows are not ragged in
// .xlsx, so short rows are padded; a non-empty cell right of the header's last column is
// kInvalidArgument naming the cell. Not a ZIP, a legacy .xls, a password-protected
// workbook or a ZIP without a workbook is kInvalidArgument; an unknown sheet name is
// kNotFound listing the sheets.
StatusOr<Table> ReadXlsx(std::string_view bytes, std::string_view sheet_name);

// Reads a file from disk: a ZIP (magic "PK\x03\x04") is read as .xlsx whatever its name;
// otherwise .csv and .txt are read as CSV with `enc`; .xls and other extensions are
// refused. `sheet` is used for .xlsx only. Missing file: kNotFound.
StatusOr<Table> ReadTableFile(const std::string& path, Encoding enc, std::string_view sheet);

// One logical column an importer expects.
struct ColumnSpec {
  std::string key;                   // stable English name, e.g. "credit_code"; also matched
  std::vector<std::string> aliases;  // e.g. {"统一社会信用代码", "Credit Code"}
  bool required = false;
};

// Finds each spec's column in `header`. ASCII names (the key and ASCII aliases) match
// case-insensitively ignoring spaces and underscores ("Credit Code" = "credit_code" =
// "CREDITCODE"); names with any non-ASCII character (Chinese) must match exactly after
// trimming. Returns one index per spec, in spec order: the header position, or -1 for an
// absent optional column. Header columns matching no spec are ignored. A missing required
// column, or two header columns matching the same spec, is kInvalidArgument whose message
// names the column in Chinese and English. Specs whose names overlap (one header could
// match two specs) are a caller bug: kInternal.
StatusOr<std::vector<int>> MapColumns(const std::vector<std::string>& header,
                                      const std::vector<ColumnSpec>& specs);

}  // namespace suiji::import
