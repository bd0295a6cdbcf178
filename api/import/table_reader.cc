#include "api/import/table_reader.h"

#include <fcntl.h>
#include <iconv.h>
#include <libxml/parser.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace suiji::import {
namespace {

// A Table costs about 32 bytes per cell before any text (one std::string each), so this caps
// a table at ~1.6 GB of cell objects: far above any real directory (1M rows x 30 columns),
// far below what a small file that expands (",,,,x" rows, one cell at column XFD) could ask.
constexpr uint64_t kMaxCells = 50'000'000;
// Uncompressed XML read from one workbook. Counted on the bytes actually inflated, not on
// the sizes the ZIP directory claims, since a zip bomb lies about those.
constexpr uint64_t kMaxXlsxUncompressed = uint64_t{256} << 20;
constexpr uint64_t kMaxFileBytes = uint64_t{1} << 30;
// Text copied into one table from an .xlsx. A shared string is stored once and may be
// referenced by any number of 20-byte cells, so without this a small workbook could ask
// for terabytes of copies. CSV needs no such cap: its text is all in the input.
constexpr uint64_t kMaxXlsxTextBytes = uint64_t{1} << 30;
constexpr size_t kExcelMaxColumns = 16384;  // XFD
constexpr size_t kNpos = std::string_view::npos;

// ---- Text helpers ---------------------------------------------------------------------------

bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Length of the Unicode space that `s` starts with (or, with `at_end`, ends with), else 0:
// U+00A0 (from web pages), U+3000 (the full-width space of Chinese input methods), U+200B
// and U+FEFF (zero-width, from copied text or a BOM glued into a cell). `s` is valid UTF-8,
// so a match at either end is that character. Byte compares, not memcmp: this runs on
// every cell.
size_t WideSpaceLength(std::string_view s, bool at_end) {
  auto match = [&](const char* seq, size_t len) {
    if (s.size() < len) return false;
    const size_t base = at_end ? s.size() - len : 0;
    for (size_t i = 0; i < len; ++i) {
      if (s[base + i] != seq[i]) return false;
    }
    return true;
  };
  if (match("\xC2\xA0", 2)) return 2;
  if (match("\xE3\x80\x80", 3) || match("\xE2\x80\x8B", 3) || match("\xEF\xBB\xBF", 3)) return 3;
  return 0;
}

// Trims ASCII whitespace and the invisible Unicode spaces of WideSpaceLength.
std::string_view Trim(std::string_view s) {
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.front());
    const size_t n = IsAsciiSpace(c) ? 1 : (c >= 0x80 ? WideSpaceLength(s, false) : 0);
    if (n == 0) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    const auto c = static_cast<unsigned char>(s.back());
    const size_t n = IsAsciiSpace(c) ? 1 : (c >= 0x80 ? WideSpaceLength(s, true) : 0);
    if (n == 0) break;
    s.remove_suffix(n);
  }
  return s;
}

bool HasHighByte(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

bool AllEmpty(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return c.empty(); });
}

void DropTrailingEmpty(std::vector<std::string>* cells) {
  while (!cells->empty() && cells->back().empty()) cells->pop_back();
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Spreadsheet column letters, 0 -> "A", 27 -> "AB": staff find cells by these, not by index.
std::string ColumnName(size_t col) {
  std::string out;
  size_t n = col + 1;
  while (n > 0) {
    size_t rem = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return out;
}

std::string HexBytes(std::string_view s, size_t offset, size_t count) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = offset; i < s.size() && i < offset + count; ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (!out.empty()) out += ' ';
    out += "0x";
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

Status WithPrefix(const Status& s, std::string_view prefix) {
  return Status(s.code(), std::string(prefix) + s.message());
}

// ---- Encodings ------------------------------------------------------------------------------

// Offset of the first byte that does not start a well-formed UTF-8 sequence (no overlongs,
// no surrogates, nothing past U+10FFFF), or kNpos. ASCII runs go 8 bytes at a time because
// directory files are mostly digits and Latin letters.
size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return kNpos;
}

// Offset of the first byte that breaks GB18030's structure, or kNpos: one byte 00-7F; two
// bytes 81-FE then 40-7E/80-FE; four bytes 81-84 or 90-E3, 30-39, 81-FE, 30-39 (the ranges
// that map to Unicode). Checked up front so an error names the exact offset and line;
// iconv still rejects the few structurally valid but unmapped sequences later, per cell.
// None of ',', '"', CR, LF can be a trailing byte, so CSV can be split before decoding.
size_t FindInvalidGb18030(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0x80 || c == 0xFF || i + 1 >= n) return i;
    const unsigned c2 = p[i + 1];
    if ((c2 >= 0x40 && c2 <= 0x7E) || (c2 >= 0x80 && c2 <= 0xFE)) {
      i += 2;
      continue;
    }
    if (c2 >= 0x30 && c2 <= 0x39 && ((c >= 0x81 && c <= 0x84) || (c >= 0x90 && c <= 0xE3)) &&
        i + 3 < n && p[i + 2] >= 0x81 && p[i + 2] <= 0xFE && p[i + 3] >= 0x30 && p[i + 3] <= 0x39) {
      i += 4;
      continue;
    }
    return i;
  }
  return kNpos;
}

// 1-based text line of a byte offset, counting LF, CRLF and a lone CR as one line end each
// (old Mac Excel wrote CR only). Only used to word error messages.
uint64_t LineOf(std::string_view s, size_t offset) {
  uint64_t line = 1;
  for (size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))) ++line;
  }
  return line;
}

uint64_t CountLineBreaks(std::string_view s) {
  uint64_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))) ++n;
  }
  return n;
}

// One iconv descriptor GB18030 -> UTF-8, owned by one call (iconv_t is not thread-safe).
class Gb18030Decoder {
 public:
  Gb18030Decoder() : cd_(iconv_open("UTF-8", "GB18030")) {}
  ~Gb18030Decoder() {
    if (ok()) iconv_close(cd_);
  }
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  bool ok() const { return cd_ != Invalid(); }

  // Replaces *out with `in` in UTF-8. False on a sequence iconv does not map, with its offset
  // in *bad_offset.
  bool Convert(std::string_view in, std::string* out, size_t* bad_offset) {
    // Two GB18030 bytes become at most three UTF-8 bytes; four become at most four.
    out->resize(in.size() + in.size() / 2 + 4);
    char* in_ptr = const_cast<char*>(in.data());  // iconv's signature lacks const
    size_t in_left = in.size();
    char* out_ptr = out->data();
    size_t out_left = out->size();
    iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // GB18030 is stateless; reset anyway
    while (in_left > 0) {
      size_t r = iconv(cd_, &in_ptr, &in_left, &out_ptr, &out_left);
      if (r != static_cast<size_t>(-1)) break;
      if (errno == E2BIG) {
        size_t used = static_cast<size_t>(out_ptr - out->data());
        out->resize(out->size() * 2);
        out_ptr = out->data() + used;
        out_left = out->size() - used;
        continue;
      }
      *bad_offset = static_cast<size_t>(in_ptr - in.data());
      return false;
    }
    out->resize(static_cast<size_t>(out_ptr - out->data()));
    return true;
  }

 private:
  // iconv_open's documented failure value is (iconv_t)-1.
  static iconv_t Invalid() {
    // NOLINTNEXTLINE(performance-no-int-to-ptr)
    return reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1));
  }
  iconv_t cd_;
};

struct ResolvedInput {
  std::string_view data;  // the bytes to parse, without a BOM
  size_t base = 0;        // offset of `data` in the caller's bytes, for messages
  Encoding enc = Encoding::kUtf8;
};

Status InvalidBytes(std::string_view what, std::string_view bytes, size_t offset) {
  return InvalidArgument(
      "not valid " + std::string(what) + " at byte offset " + std::to_string(offset) + " (line " +
      std::to_string(LineOf(bytes, offset)) + "): " + HexBytes(bytes, offset, 4));
}

StatusOr<ResolvedInput> ResolveEncoding(std::string_view bytes, Encoding enc) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return InvalidArgument(
        "the file is UTF-16 (Excel's \"Unicode Text\"), which is tab-separated; in Excel use "
        "Save As \"CSV UTF-8 (Comma delimited)\" instead");
  }
  ResolvedInput in;
  in.data = bytes;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    if (enc == Encoding::kGb18030) {
      return InvalidArgument(
          "GB18030 was requested but the file starts with a UTF-8 byte-order mark (Excel's "
          "\"CSV UTF-8\"); read it as UTF-8 or auto");
    }
    in.base = 3;
    in.data.remove_prefix(3);
    enc = Encoding::kUtf8;
  }
  const size_t bad_utf8 = enc == Encoding::kGb18030 ? kNpos : FindInvalidUtf8(in.data);
  if (enc == Encoding::kUtf8) {
    if (bad_utf8 != kNpos) return InvalidBytes("UTF-8", bytes, bad_utf8 + in.base);
    in.enc = Encoding::kUtf8;
    return in;
  }
  if (enc == Encoding::kAuto && bad_utf8 == kNpos) {
    in.enc = Encoding::kUtf8;
    return in;
  }
  const size_t bad_gb = FindInvalidGb18030(in.data);
  if (bad_gb != kNpos) {
    Status gb = InvalidBytes("GB18030", bytes, bad_gb + in.base);
    if (enc == Encoding::kGb18030) return gb;
    Status utf8 = InvalidBytes("UTF-8", bytes, bad_utf8 + in.base);
    return InvalidArgument("the file is neither UTF-8 nor GB18030/GBK: " + utf8.message() + "; " +
                           gb.message());
  }
  in.enc = Encoding::kGb18030;
  return in;
}

// ---- CSV ------------------------------------------------------------------------------------

std::string RowRef(uint64_t record, uint64_t line) {
  std::string out = "row " + std::to_string(record);
  if (line != record) out += " (text line " + std::to_string(line) + ")";
  return out;
}

// Splits records off the input one at a time. Works on the raw bytes in either encoding
// (see FindInvalidGb18030 for why that is safe) and converts a GB18030 cell only if it has a
// non-ASCII byte, so ASCII cells (codes, numbers, phones) cost no iconv call.
class CsvSplitter {
 public:
  CsvSplitter(ResolvedInput in, Gb18030Decoder* decoder) : in_(in), decoder_(decoder) {}

  // Reads the next record into *cells (resized to its cell count). *got is false at the end.
  Status Next(std::vector<std::string>* cells, bool* got, uint64_t* record, uint64_t* line) {
    const std::string_view d = in_.data;
    const size_t n = d.size();
    if (pos_ >= n) {
      *got = false;
      return OkStatus();
    }
    *got = true;
    *record = ++record_;
    *line = line_;
    size_t count = 0;
    while (true) {
      size_t quote = pos_;
      while (quote < n && (d[quote] == ' ' || d[quote] == '\t')) ++quote;
      std::string_view raw;
      if (quote < n && d[quote] == '"') {
        SUIJI_RETURN_IF_ERROR(ReadQuoted(quote, &raw, *record, *line));
      } else {
        size_t end = pos_;
        while (end < n) {
          const char c = d[end];
          if (c == ',' || c == '\n' || c == '\r') break;
          ++end;
        }
        raw = d.substr(pos_, end - pos_);
        pos_ = end;
      }
      SUIJI_RETURN_IF_ERROR(Store(raw, count++, cells, *record, *line));
      if (pos_ >= n) break;
      const char c = d[pos_++];
      if (c == ',') {
        if (pos_ >= n) {  // "a,b," at the very end: the record has a last, empty cell
          SUIJI_RETURN_IF_ERROR(Store({}, count++, cells, *record, *line));
          break;
        }
        continue;
      }
      if (c == '\r' && pos_ < n && d[pos_] == '\n') ++pos_;
      ++line_;
      break;
    }
    cells->resize(count);
    return OkStatus();
  }

 private:
  // A quoted cell whose opening quote is at `quote`. Doubled quotes stand for one; commas and
  // line breaks inside are data. Spaces may follow the closing quote (they would be trimmed
  // anyway); anything else there means the file is malformed, and guessing could corrupt a
  // name, so it is an error.
  Status ReadQuoted(size_t quote, std::string_view* raw, uint64_t record, uint64_t line) {
    const std::string_view d = in_.data;
    const size_t n = d.size();
    size_t start = quote + 1;
    size_t seg = start;
    bool copied = false;
    scratch_.clear();
    while (true) {
      const void* hit = std::memchr(d.data() + seg, '"', n - seg);
      if (hit == nullptr) {
        return InvalidArgument(RowRef(record, line) + ": a quoted cell starting at byte offset " +
                               std::to_string(quote + in_.base) + " is never closed");
      }
      const size_t close = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
      if (close + 1 < n && d[close + 1] == '"') {
        scratch_.append(d.data() + seg, close + 1 - seg);  // keeps one of the two quotes
        copied = true;
        seg = close + 2;
        continue;
      }
      if (copied) {
        scratch_.append(d.data() + seg, close - seg);
        *raw = scratch_;
      } else {
        *raw = d.substr(start, close - start);
      }
      line_ += CountLineBreaks(d.substr(start, close - start));
      pos_ = close + 1;
      break;
    }
    while (pos_ < n && (d[pos_] == ' ' || d[pos_] == '\t')) ++pos_;
    if (pos_ < n && d[pos_] != ',' && d[pos_] != '\n' && d[pos_] != '\r') {
      return InvalidArgument(RowRef(record, line) +
                             ": unexpected character after the closing "
                             "quote of a cell at byte offset " +
                             std::to_string(pos_ + in_.base) +
                             " (a quote inside a quoted cell must be doubled)");
    }
    return OkStatus();
  }

  Status Store(std::string_view raw, size_t index, std::vector<std::string>* cells, uint64_t record,
               uint64_t line) {
    std::string_view v = raw;
    if (decoder_ != nullptr && HasHighByte(raw)) {
      size_t bad = 0;
      if (!decoder_->Convert(raw, &converted_, &bad)) {
        std::string at;
        if (raw.data() >= in_.data.data() && raw.data() < in_.data.data() + in_.data.size()) {
          const size_t offset = static_cast<size_t>(raw.data() - in_.data.data()) + bad;
          at = " at byte offset " + std::to_string(offset + in_.base) + ": " +
               HexBytes(in_.data, offset, 4);
        }
        return InvalidArgument(RowRef(record, line) + ", column " + ColumnName(index) +
                               ": bytes with no Unicode mapping in GB18030" + at);
      }
      v = converted_;
    }
    v = Trim(v);
    if (index < cells->size()) {
      (*cells)[index].assign(v.data(), v.size());
    } else {
      cells->emplace_back(v);
    }
    return OkStatus();
  }

  ResolvedInput in_;
  Gb18030Decoder* decoder_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  uint64_t record_ = 0;
  std::string scratch_;    // a quoted cell with doubled quotes, unescaped
  std::string converted_;  // a GB18030 cell in UTF-8
};

Status TooManyCells(size_t width) {
  return ResourceExhausted("the table has more than " + std::to_string(kMaxCells) + " cells (" +
                           std::to_string(width) + " columns); split the file");
}

// ---- Excel numbers and dates ----------------------------------------------------------------

// A number as Excel's formula bar shows it: 15 significant digits (all a double reliably
// holds, and all Excel keeps on entry), integers without ".0" or exponent, fractions in
// plain decimal unless tiny or huge.
std::string FormatExcelNumber(double x) {
  if (!std::isfinite(x)) return "#NUM!";
  if (x == 0) return "0";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.14e", x);  // [-]d.dddddddddddddde[+-]XX
  std::string_view s(buf);
  std::string out;
  if (s.front() == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  const size_t e_pos = s.find('e');
  std::string digits;
  digits += s[0];
  digits.append(s.substr(2, e_pos - 2));
  int exp = 0;
  std::from_chars(s.data() + e_pos + (s[e_pos + 1] == '+' ? 2 : 1), s.data() + s.size(), exp);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const size_t nd = digits.size();
  if (exp >= 0 && exp < 21) {
    const size_t int_digits = static_cast<size_t>(exp) + 1;
    if (nd <= int_digits) {
      out += digits;
      out.append(int_digits - nd, '0');
    } else {
      out.append(digits, 0, int_digits);
      out += '.';
      out.append(digits, int_digits);
    }
    return out;
  }
  if (exp < 0 && exp >= -9) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  out += digits[0];
  if (nd > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exp < 0 ? "E-" : "E+";
  if (std::abs(exp) < 10) out += '0';
  out += std::to_string(std::abs(exp));
  return out;
}

// "0", "-42", "120": at most 15 digits and no leading zero, so FormatExcelNumber would return
// it unchanged.
bool IsPlainInteger(std::string_view v) {
  if (v == "-0") return false;
  if (v.starts_with('-')) v.remove_prefix(1);
  if (v.empty() || v.size() > 15 || (v[0] == '0' && v.size() > 1)) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct DateKind {
  bool date = false;
  bool time = false;
  bool elapsed = false;  // [h]:mm:ss, hours not wrapped at 24
  bool any() const { return date || time; }
};

// Which built-in number formats show dates or times (ECMA-376 18.8.30, plus the zh-CN
// built-ins 27-36 and 50-58 that Chinese Excel uses for 年/月/日 and 时/分/秒).
DateKind BuiltinDateKind(int id) {
  DateKind k;
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58)) {
    k.date = true;
  } else if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47)) {
    k.time = true;
    k.elapsed = id == 46;
  } else if (id == 22) {
    k.date = k.time = true;
  }
  return k;
}

// Classifies a custom format code by its date/time letters, ignoring quoted text, escaped
// characters and bracketed locale/colour tags, as spreadsheet libraries commonly do. Only
// the first section (positive numbers) matters for a date.
DateKind CustomDateKind(std::string_view code) {
  DateKind k;
  if (EqualsIgnoreAsciiCase(Trim(code), "General")) return k;
  bool month_or_minute = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == kNpos) break;
      i = close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++i;
      continue;
    }
    if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == kNpos) break;
      std::string_view tag = code.substr(i + 1, close - i - 1);
      if (!tag.empty() &&
          (tag.find_first_not_of("hH") == kNpos || tag.find_first_not_of("mM") == kNpos ||
           tag.find_first_not_of("sS") == kNpos)) {
        k.time = true;
        k.elapsed = k.elapsed || tag[0] == 'h' || tag[0] == 'H';
      }
      i = close;
      continue;
    }
    switch (AsciiLower(c)) {
      case 'y':
      case 'd':
        k.date = true;
        break;
      case 'h':
      case 's':
        k.time = true;
        break;
      case 'm':
        month_or_minute = true;
        break;
      default:
        break;
    }
  }
  if (month_or_minute && !k.time) k.date = true;
  return k;
}

// An Excel serial date as ISO 8601. In the 1900 system serial 1 is 1900-01-01 and serial 60
// is the 1900-02-29 that Lotus 1-2-3 invented and Excel kept, so from 61 on day 0 is
// 1899-12-30. In the 1904 system (old Mac workbooks) serial 0 is 1904-01-01.
std::string FormatExcelDate(double serial, DateKind kind, bool date1904) {
  if (serial < 0 || serial > 2958465.99999) return FormatExcelNumber(serial);  // > 9999-12-31
  const auto total_seconds = static_cast<int64_t>(std::llround(serial * 86400.0));
  const int64_t days = total_seconds / 86400;
  const int64_t second_of_day = total_seconds % 86400;
  char buf[48];
  std::string out;
  if (kind.date) {
    using namespace std::chrono;
    year_month_day ymd;
    if (date1904) {
      ymd = year_month_day(sys_days(year(1904) / 1 / 1) + std::chrono::days(days));
    } else if (days == 60) {
      ymd = year(1900) / 2 / 29;  // not a real day; shown as Excel shows it
    } else if (days == 0) {
      return kind.time ? FormatExcelDate(serial, DateKind{false, true, false}, date1904)
                       : FormatExcelNumber(serial);  // Excel shows "1900-01-00"
    } else {
      ymd = year_month_day(sys_days(year(1899) / 12 / (days < 60 ? 31 : 30)) +
                           std::chrono::days(days));
    }
    std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    out += buf;
  }
  if (kind.time) {
    if (!out.empty()) out += ' ';
    const int64_t hours = kind.elapsed && !kind.date ? total_seconds / 3600 : second_of_day / 3600;
    std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld", static_cast<long long>(hours),
                  static_cast<long long>(second_of_day % 3600 / 60),
                  static_cast<long long>(second_of_day % 60));
    out += buf;
  }
  return out;
}

// Excel escapes characters XML cannot carry (and some it can) as _xHHHH_, e.g. "_x000D_" for
// a carriage return inside a cell; "_x005F_" escapes a literal underscore before "x".
std::string DecodeOoxmlEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  auto hex4 = [&](size_t at, unsigned* v) {
    if (at + 7 > s.size() || s[at] != '_' || s[at + 1] != 'x' || s[at + 6] != '_') return false;
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(s.data() + at + 2, s.data() + at + 6, value, 16);
    if (ec != std::errc() || ptr != s.data() + at + 6) return false;
    *v = value;
    return true;
  };
  while (i < s.size()) {
    unsigned cp = 0;
    if (s[i] == '_' && hex4(i, &cp)) {
      size_t used = 7;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned low = 0;
        if (hex4(i + 7, &low) && low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          used = 14;
        } else {
          out += s[i++];
          continue;
        }
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        out += s[i++];
        continue;
      }
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
      i += used;
      continue;
    }
    out += s[i++];
  }
  return out;
}

std::string MaybeDecodeOoxml(std::string_view s) {
  if (s.find("_x") == kNpos) return std::string(s);
  return DecodeOoxmlEscapes(s);
}

// ---- ZIP ------------------------------------------------------------------------------------

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// A read-only view of a ZIP held in memory, with one budget for all bytes inflated from it.
class ZipReader {
 public:
  static StatusOr<std::unique_ptr<ZipReader>> Open(std::string_view bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      std::string msg = zip_error_strerror(&error);
      zip_error_fini(&error);
      return Internal("libzip could not wrap the buffer: " + msg);
    }
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
      std::string msg = zip_error_strerror(&error);
      zip_error_fini(&error);
      zip_source_free(source);
      return InvalidArgument("not a valid .xlsx file: the ZIP container is damaged (" + msg + ")");
    }
    zip_error_fini(&error);
    auto reader = std::unique_ptr<ZipReader>(new ZipReader());
    reader->archive_.reset(archive);
    return reader;
  }

  // Index of a part, or -1. OPC part names are case-insensitive, and a few Windows tools
  // write backslashes, so both are tried.
  int64_t Find(std::string_view name) const {
    std::string n(name);
    int64_t idx = zip_name_locate(archive_.get(), n.c_str(), ZIP_FL_NOCASE);
    if (idx < 0) {
      std::replace(n.begin(), n.end(), '/', '\\');
      idx = zip_name_locate(archive_.get(), n.c_str(), ZIP_FL_NOCASE);
    }
    return idx;
  }

  // Streams a part's inflated bytes to `sink` in chunks; the last call has last = true.
  Status Stream(std::string_view name,
                const std::function<Status(std::string_view chunk, bool last)>& sink) {
    const int64_t idx = Find(name);
    if (idx < 0) {
      return InvalidArgument("the .xlsx file is damaged: it has no part " + std::string(name));
    }
    const auto uidx = static_cast<zip_uint64_t>(idx);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive_.get(), uidx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0 &&
        st.size > kMaxXlsxUncompressed - used_) {
      return TooBig(name);
    }
    std::unique_ptr<zip_file_t, ZipFileClose> file(zip_fopen_index(archive_.get(), uidx, 0));
    if (file == nullptr) {
      zip_error_t* error = zip_get_error(archive_.get());
      if (zip_error_code_zip(error) == ZIP_ER_NOPASSWD ||
          zip_error_code_zip(error) == ZIP_ER_WRONGPASSWD) {
        return InvalidArgument("the workbook is encrypted; remove the password in Excel first");
      }
      return InvalidArgument("cannot open " + std::string(name) +
                             " in the .xlsx file: " + zip_error_strerror(error));
    }
    std::vector<char> buf(size_t{64} * 1024);
    while (true) {
      const zip_int64_t got = zip_fread(file.get(), buf.data(), buf.size());
      if (got < 0) {
        return InvalidArgument("the .xlsx file is damaged: reading " + std::string(name) +
                               " failed (" + zip_error_strerror(zip_file_get_error(file.get())) +
                               ")");
      }
      used_ += static_cast<uint64_t>(got);
      if (used_ > kMaxXlsxUncompressed) return TooBig(name);
      SUIJI_RETURN_IF_ERROR(sink(std::string_view(buf.data(), static_cast<size_t>(got)), got == 0));
      if (got == 0) return OkStatus();
    }
  }

 private:
  ZipReader() = default;
  static Status TooBig(std::string_view name) {
    return ResourceExhausted("the .xlsx file inflates past " +
                             std::to_string(kMaxXlsxUncompressed >> 20) + " MiB (at " +
                             std::string(name) +
                             "); refusing it as a possible zip bomb; split the workbook or "
                             "save the sheet as CSV");
  }
  std::unique_ptr<zip_t, ZipDiscard> archive_;
  uint64_t used_ = 0;
};

// ---- XML ------------------------------------------------------------------------------------

std::string_view AsView(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

// One element's attributes as libxml2's SAX2 passes them: five pointers each (local name,
// prefix, namespace URI, value begin, value end). Matching on local names reads both
// transitional and strict OOXML, whatever prefixes a writer chose. Values arrive decoded
// except for '&', which libxml2 (not replacing entities, so that no DTD entity is ever
// expanded) hands over as "&#38;"; Get() turns that back into '&'.
class XmlAttrs {
 public:
  XmlAttrs(const xmlChar** attrs, int count) : attrs_(attrs), count_(count) {}
  std::optional<std::string_view> Get(std::string_view local) const {
    for (int i = 0; i < count_; ++i) {
      const xmlChar** a = attrs_ + static_cast<ptrdiff_t>(i) * 5;
      if (AsView(a[0]) != local) continue;
      std::string_view v(reinterpret_cast<const char*>(a[3]), static_cast<size_t>(a[4] - a[3]));
      if (v.find("&#38;") == kNpos) return v;
      std::string& out = decoded_.emplace_back();
      for (size_t at = 0; at < v.size();) {
        if (v.substr(at, 5) == "&#38;") {
          out += '&';
          at += 5;
        } else {
          out += v[at++];
        }
      }
      return std::string_view(out);
    }
    return std::nullopt;
  }

 private:
  const xmlChar** attrs_;
  int count_;
  mutable std::deque<std::string> decoded_;  // stable addresses for returned views
};

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual Status Start(std::string_view name, const XmlAttrs& attrs) = 0;
  virtual Status End(std::string_view name) = 0;
  virtual void Text(std::string_view /*text*/) {}
};

struct ParserCtxtFree {
  void operator()(xmlParserCtxtPtr p) const {
    if (p->myDoc != nullptr) xmlFreeDoc(p->myDoc);
    xmlFreeParserCtxt(p);
  }
};

// libxml2 reports a few errors (an encoding conversion that fails, e.g. in a part declaring
// encoding="UTF-7") through its generic error function, which prints to stderr, instead of
// through the parser's error handler: an uploaded workbook would write to the server's log.
// This silences that function on the calling thread (libxml2 keeps it per thread) while a
// part is parsed, and restores it after; the parse still fails and is reported as not
// well-formed. Found by tests/fuzz/xlsx_reader_fuzz.cc.
class QuietGenericErrors {
 public:
  QuietGenericErrors() : saved_(xmlGenericError), saved_context_(xmlGenericErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &QuietGenericErrors::Ignore);
  }
  ~QuietGenericErrors() { xmlSetGenericErrorFunc(saved_context_, saved_); }
  QuietGenericErrors(const QuietGenericErrors&) = delete;
  QuietGenericErrors& operator=(const QuietGenericErrors&) = delete;

 private:
  static void Ignore(void* /*context*/, const char* /*format*/, ...) {}
  xmlGenericErrorFunc saved_;
  void* saved_context_;
};

// Feeds one ZIP part through libxml2's SAX2 push parser into a handler (libxml2 rather than
// expat: about twice as fast on sheet XML, which is most of an .xlsx's reading time). DTDs
// are refused outright: OOXML never has one, and refusing them closes entity-expansion
// attacks at the door; nothing is fetched from the network. Errors are collected here, not
// printed by libxml2.
class XmlRun {
 public:
  XmlRun(XmlHandler* handler, std::string_view part) : handler_(handler), part_(part) {
    // xmlInitParser is not safe to race on first use; a function-local static runs it once.
    static const bool initialized = [] {
      xmlInitParser();
      return true;
    }();
    (void)initialized;
    xmlSAXHandler sax{};
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = &XmlRun::OnStart;
    sax.endElementNs = &XmlRun::OnEnd;
    sax.characters = &XmlRun::OnText;
    sax.ignorableWhitespace = &XmlRun::OnText;
    sax.cdataBlock = &XmlRun::OnText;
    sax.internalSubset = &XmlRun::OnDoctype;
    sax.externalSubset = &XmlRun::OnDoctype;
    sax.serror = &XmlRun::OnError;
    ctxt_.reset(xmlCreatePushParserCtxt(&sax, this, nullptr, 0, nullptr));
    if (ctxt_ != nullptr) xmlCtxtUseOptions(ctxt_.get(), XML_PARSE_NONET | XML_PARSE_NOCDATA);
  }

  Status Feed(std::string_view chunk, bool last) {
    if (ctxt_ == nullptr) return Internal("libxml2 could not create a parser");
    const int rc =
        xmlParseChunk(ctxt_.get(), chunk.data(), static_cast<int>(chunk.size()), last ? 1 : 0);
    if (!error_.ok()) return error_;
    if (rc == 0 && ctxt_->wellFormed != 0) return OkStatus();
    return InvalidArgument("the .xlsx file is damaged: " + part_ +
                           " is not well-formed XML (line " + std::to_string(error_line_) + ": " +
                           (xml_error_.empty() ? "parse error" : xml_error_) + ")");
  }

 private:
  void Fail(Status s) {
    if (error_.ok()) error_ = std::move(s);
    xmlStopParser(ctxt_.get());
  }
  static void OnStart(void* user, const xmlChar* local, const xmlChar* /*prefix*/,
                      const xmlChar* /*uri*/, int /*nb_namespaces*/, const xmlChar** /*namespaces*/,
                      int nb_attributes, int /*nb_defaulted*/, const xmlChar** attributes) {
    auto* self = static_cast<XmlRun*>(user);
    if (!self->error_.ok()) return;
    Status s = self->handler_->Start(AsView(local), XmlAttrs(attributes, nb_attributes));
    if (!s.ok()) self->Fail(std::move(s));
  }
  static void OnEnd(void* user, const xmlChar* local, const xmlChar* /*prefix*/,
                    const xmlChar* /*uri*/) {
    auto* self = static_cast<XmlRun*>(user);
    if (!self->error_.ok()) return;
    Status s = self->handler_->End(AsView(local));
    if (!s.ok()) self->Fail(std::move(s));
  }
  static void OnText(void* user, const xmlChar* text, int len) {
    auto* self = static_cast<XmlRun*>(user);
    if (!self->error_.ok()) return;
    self->handler_->Text(
        std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(len)));
  }
  static void OnDoctype(void* user, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                        const xmlChar* /*system_id*/) {
    auto* self = static_cast<XmlRun*>(user);
    self->Fail(InvalidArgument("the .xlsx file is not a plain Excel workbook: " + self->part_ +
                               " declares a DTD"));
  }
  static void OnError(void* user, xmlErrorPtr error) {
    auto* self = static_cast<XmlRun*>(user);
    if (error == nullptr || error->level < XML_ERR_ERROR || !self->xml_error_.empty()) return;
    self->xml_error_ = Trim(error->message != nullptr ? error->message : "");
    self->error_line_ = error->line;
  }

  QuietGenericErrors quiet_;  // first: constructed before the parser, restored after it goes
  XmlHandler* handler_;
  std::string part_;
  std::unique_ptr<xmlParserCtxt, ParserCtxtFree> ctxt_;
  Status error_;
  std::string xml_error_;
  int error_line_ = 0;
};

Status ParsePart(ZipReader& zip, std::string_view part, XmlHandler* handler) {
  XmlRun run(handler, part);
  return zip.Stream(part, [&](std::string_view chunk, bool last) { return run.Feed(chunk, last); });
}

struct Relationship {
  std::string id, type, target;
  bool external = false;
};

class RelsHandler : public XmlHandler {
 public:
  Status Start(std::string_view name, const XmlAttrs& attrs) override {
    if (name != "Relationship") return OkStatus();
    Relationship r;
    r.id = attrs.Get("Id").value_or("");
    r.type = attrs.Get("Type").value_or("");
    r.target = attrs.Get("Target").value_or("");
    r.external = attrs.Get("TargetMode") == "External";
    rels.push_back(std::move(r));
    return OkStatus();
  }
  Status End(std::string_view) override { return OkStatus(); }
  std::vector<Relationship> rels;
};

const Relationship* FindRelByType(const std::vector<Relationship>& rels, std::string_view suffix) {
  for (const auto& r : rels) {
    if (!r.external && r.type.ends_with(suffix)) return &r;
  }
  return nullptr;
}

// Resolves a relationship target against the folder of the part that holds it (OPC: targets
// are relative URIs; "/x" is from the package root; %XX is percent-encoding).
std::string ResolvePart(std::string_view base_dir, std::string_view target) {
  std::string decoded;
  for (size_t i = 0; i < target.size(); ++i) {
    unsigned v = 0;
    if (target[i] == '%' && i + 2 < target.size() &&
        std::from_chars(target.data() + i + 1, target.data() + i + 3, v, 16).ptr ==
            target.data() + i + 3) {
      decoded += static_cast<char>(v);
      i += 2;
    } else {
      decoded += target[i];
    }
  }
  std::string joined =
      decoded.starts_with('/') ? decoded.substr(1) : std::string(base_dir) + decoded;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == kNpos) slash = joined.size();
    std::string seg = joined.substr(start, slash - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(std::move(seg));
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

std::string DirOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == kNpos ? std::string() : std::string(part.substr(0, slash + 1));
}

std::string RelsPathOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  const std::string_view name = slash == kNpos ? part : part.substr(slash + 1);
  return DirOf(part) + "_rels/" + std::string(name) + ".rels";
}

struct SheetEntry {
  std::string name, rel_id;
  bool visible = true;
};

class WorkbookHandler : public XmlHandler {
 public:
  Status Start(std::string_view name, const XmlAttrs& attrs) override {
    if (name == "sheet") {
      SheetEntry s;
      s.name = attrs.Get("name").value_or("");
      s.rel_id = attrs.Get("id").value_or("");
      s.visible = attrs.Get("state").value_or("visible") == "visible";
      sheets.push_back(std::move(s));
    } else if (name == "workbookPr") {
      const auto v = attrs.Get("date1904");
      date1904 = v == "1" || v == "true";
    }
    return OkStatus();
  }
  Status End(std::string_view) override { return OkStatus(); }
  std::vector<SheetEntry> sheets;
  bool date1904 = false;
};

// Shared strings: each <si> is plain (<t>) or rich (<r><t>), and may carry phonetic guides
// (<rPh><t>, furigana/pinyin) that are not part of the value.
class SharedStringsHandler : public XmlHandler {
 public:
  Status Start(std::string_view name, const XmlAttrs&) override {
    if (name == "si") {
      current_.clear();
    } else if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && phonetic_depth_ == 0) {
      in_text_ = true;
    }
    return OkStatus();
  }
  Status End(std::string_view name) override {
    if (name == "si") {
      strings.push_back(MaybeDecodeOoxml(current_));
    } else if (name == "rPh") {
      --phonetic_depth_;
    } else if (name == "t") {
      in_text_ = false;
    }
    return OkStatus();
  }
  void Text(std::string_view text) override {
    if (in_text_) current_.append(text);
  }
  std::vector<std::string> strings;

 private:
  std::string current_;
  int phonetic_depth_ = 0;
  bool in_text_ = false;
};

int ParseInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Styles: only which cell formats (cellXfs, by index = a cell's s attribute) are dates.
class StylesHandler : public XmlHandler {
 public:
  Status Start(std::string_view name, const XmlAttrs& attrs) override {
    if (name == "numFmt") {
      const auto id = attrs.Get("numFmtId");
      const auto code = attrs.Get("formatCode");
      if (id && code) custom_[ParseInt(*id)] = std::string(*code);
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      xf_format_ids_.push_back(ParseInt(attrs.Get("numFmtId").value_or("0")));
    }
    return OkStatus();
  }
  Status End(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
    return OkStatus();
  }
  std::vector<DateKind> DateKinds() const {
    std::vector<DateKind> out;
    out.reserve(xf_format_ids_.size());
    for (int id : xf_format_ids_) {
      auto it = custom_.find(id);
      out.push_back(it != custom_.end() ? CustomDateKind(it->second) : BuiltinDateKind(id));
    }
    return out;
  }

 private:
  std::map<int, std::string> custom_;
  std::vector<int> xf_format_ids_;
  bool in_cell_xfs_ = false;
};

// Parses "C5" into column 2 (and ignores the row digits: the enclosing <row> has them).
bool ParseColumn(std::string_view ref, size_t* col) {
  size_t value = 0;
  size_t i = 0;
  for (; i < ref.size(); ++i) {
    const char c = static_cast<char>(AsciiLower(ref[i]));
    if (c < 'a' || c > 'z') break;
    value = value * 26 + static_cast<size_t>(c - 'a' + 1);
    if (value > kExcelMaxColumns) return false;
  }
  if (i == 0) return false;
  *col = value - 1;
  return true;
}

bool ParseUint(std::string_view s, uint64_t* v) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

// The worksheet itself, streamed: one row of cells is held at a time before it joins the
// Table, so the XML is never loaded whole.
class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const std::vector<std::string>* shared, const std::vector<DateKind>* date_kinds,
               bool date1904, Table* table)
      : shared_(shared), date_kinds_(date_kinds), date1904_(date1904), table_(table) {}

  Status Start(std::string_view name, const XmlAttrs& attrs) override {
    if (name == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return OkStatus();
    } else if (name == "row") {
      uint64_t r = last_row_ + 1;
      if (const auto v = attrs.Get("r"); v && !ParseUint(*v, &r)) {
        return InvalidArgument("the sheet has a row numbered \"" + std::string(*v) + "\"");
      }
      if (r <= last_row_) {
        return InvalidArgument("the sheet's rows are out of order at row " + std::to_string(r));
      }
      row_ = r;
      in_row_ = true;
      next_col_ = 0;
    } else if (name == "c") {
      if (!in_row_) return InvalidArgument("the sheet has a cell outside any row");
      size_t col = next_col_;
      if (const auto v = attrs.Get("r"); v && !ParseColumn(*v, &col)) {
        return InvalidArgument("the sheet has a cell with the reference \"" + std::string(*v) +
                               "\" in row " + std::to_string(row_));
      }
      if (col < next_col_) {
        return InvalidArgument("cell " + ColumnName(col) + std::to_string(row_) +
                               " is out of order or repeated");
      }
      col_ = col;
      next_col_ = col + 1;
      type_ = attrs.Get("t").value_or("n");
      style_ = 0;
      if (const auto s = attrs.Get("s")) {
        uint64_t v = 0;
        if (ParseUint(*s, &v)) style_ = static_cast<size_t>(v);
      }
      value_.clear();
      in_cell_ = true;
    } else if ((in_cell_ && name == "v") || (in_inline_ && name == "t" && phonetic_depth_ == 0)) {
      capture_ = true;
    } else if (in_cell_ && name == "is") {
      in_inline_ = true;
    } else if (in_inline_ && name == "rPh") {
      ++phonetic_depth_;
    }
    return OkStatus();
  }

  Status End(std::string_view name) override {
    if (!in_data_) return OkStatus();
    if (name == "v" || name == "t") {
      capture_ = false;
    } else if (name == "rPh" && phonetic_depth_ > 0) {
      --phonetic_depth_;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (name == "c") {
      in_cell_ = false;
      return FinishCell();
    } else if (name == "row") {
      in_row_ = false;
      last_row_ = row_;
      return FinishRow();
    } else if (name == "sheetData") {
      in_data_ = false;
    }
    return OkStatus();
  }

  void Text(std::string_view text) override {
    if (capture_) value_.append(text);
  }

 private:
  std::string CellName() const { return ColumnName(col_) + std::to_string(row_); }

  Status FinishCell() {
    std::string rendered;
    if (type_ == "s") {
      uint64_t idx = 0;
      if (!ParseUint(Trim(value_), &idx) || idx >= shared_->size()) {
        return InvalidArgument("the .xlsx file is damaged: cell " + CellName() +
                               " refers to shared string \"" + value_ + "\", but there are " +
                               std::to_string(shared_->size()));
      }
      rendered = (*shared_)[idx];
    } else if (type_ == "inlineStr" || type_ == "str") {
      rendered = MaybeDecodeOoxml(value_);
    } else if (type_ == "b") {
      std::string_view v = Trim(value_);
      rendered = v.empty() ? "" : (v == "0" ? "FALSE" : "TRUE");
    } else if (type_ == "e" || type_ == "d") {
      rendered = value_;
    } else {
      std::string_view v = Trim(value_);
      if (!v.empty()) {
        double x = 0;
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
        if (ec != std::errc() || ptr != v.data() + v.size()) {
          return InvalidArgument("the .xlsx file is damaged: cell " + CellName() +
                                 " holds the number \"" + std::string(v) + "\"");
        }
        const DateKind kind = style_ < date_kinds_->size() ? (*date_kinds_)[style_] : DateKind{};
        if (kind.any()) {
          rendered = FormatExcelDate(x, kind, date1904_);
        } else if (IsPlainInteger(v)) {
          rendered = v;  // counts and years, most numbers in a directory: skip the formatting
        } else {
          rendered = FormatExcelNumber(x);
        }
      }
    }
    std::string_view v = Trim(rendered);
    if (v.empty()) return OkStatus();
    if (have_header_ && col_ >= width_) {
      return InvalidArgument("cell " + CellName() + " holds \"" + std::string(v) +
                             "\" but its column has no header (the header, row " +
                             std::to_string(table_->header_row_number) + ", ends at column " +
                             ColumnName(width_ - 1) + ")");
    }
    text_bytes_ += v.size();
    if (text_bytes_ > kMaxXlsxTextBytes) {
      return ResourceExhausted("the sheet's cells hold more than " +
                               std::to_string(kMaxXlsxTextBytes >> 20) + " MiB of text (at cell " +
                               CellName() + "); split the file");
    }
    if (cells_.size() <= col_) cells_.resize(col_ + 1);
    cells_[col_].assign(v.data(), v.size());
    return OkStatus();
  }

  Status FinishRow() {
    if (AllEmpty(cells_)) {
      cells_.clear();
      return OkStatus();
    }
    if (!have_header_) {
      DropTrailingEmpty(&cells_);
      table_->header = std::move(cells_);
      table_->header_row_number = row_;
      width_ = table_->header.size();
      have_header_ = true;
    } else {
      if ((table_->rows.size() + 2) * width_ > kMaxCells) return TooManyCells(width_);
      cells_.resize(width_);
      table_->rows.push_back(std::move(cells_));
      table_->row_numbers.push_back(row_);
    }
    cells_ = {};
    cells_.reserve(width_);
    return OkStatus();
  }

  const std::vector<std::string>* shared_;
  const std::vector<DateKind>* date_kinds_;
  bool date1904_;
  Table* table_;
  bool in_data_ = false, in_row_ = false, in_cell_ = false, in_inline_ = false, capture_ = false;
  int phonetic_depth_ = 0;
  uint64_t row_ = 0, last_row_ = 0;
  size_t col_ = 0, next_col_ = 0, style_ = 0, width_ = 0;
  uint64_t text_bytes_ = 0;
  bool have_header_ = false;
  std::string type_, value_;
  std::vector<std::string> cells_;
};

// Names the file type when a ZIP is not a workbook, so the message says what to do.
Status NotAWorkbook(const ZipReader& zip) {
  std::string what = "a ZIP archive, not an Excel workbook";
  if (zip.Find("word/document.xml") >= 0) {
    what = "a Word document (.docx), not an Excel workbook";
  } else if (zip.Find("content.xml") >= 0 && zip.Find("mimetype") >= 0) {
    what = "an OpenDocument file (.ods), not an .xlsx workbook; save it as .xlsx";
  } else if (zip.Find("xl/workbook.bin") >= 0) {
    what = "a binary Excel workbook (.xlsb); save it as .xlsx";
  }
  return InvalidArgument("the file is " + what + " (no xl/workbook.xml)");
}

}  // namespace

std::string_view EncodingName(Encoding enc) {
  switch (enc) {
    case Encoding::kAuto:
      return "auto";
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kGb18030:
      return "gb18030";
  }
  return "unknown";
}

StatusOr<Encoding> ScanCsv(std::string_view bytes, Encoding enc, const CsvRowCallback& on_row) {
  SUIJI_ASSIGN_OR_RETURN(ResolvedInput in, ResolveEncoding(bytes, enc));
  std::optional<Gb18030Decoder> decoder;
  if (in.enc == Encoding::kGb18030) {
    decoder.emplace();
    if (!decoder->ok()) {
      return Internal("iconv cannot convert GB18030 to UTF-8 (glibc gconv modules missing?)");
    }
  }
  CsvSplitter splitter(in, decoder ? &*decoder : nullptr);
  std::vector<std::string> cells;
  size_t width = 0;
  bool have_header = false;
  uint64_t header_row = 0;
  while (true) {
    bool got = false;
    uint64_t record = 0;
    uint64_t line = 0;
    SUIJI_RETURN_IF_ERROR(splitter.Next(&cells, &got, &record, &line));
    if (!got) break;
    if (AllEmpty(cells)) continue;  // blank lines and the ",,,," rows Excel writes
    if (!have_header) {
      DropTrailingEmpty(&cells);
      width = cells.size();
      have_header = true;
      header_row = record;
    } else if (cells.size() != width) {
      if (cells.size() < width) {
        return InvalidArgument(RowRef(record, line) + " has " + std::to_string(cells.size()) +
                               " cells but the header (row " + std::to_string(header_row) +
                               ") has " + std::to_string(width));
      }
      for (size_t i = width; i < cells.size(); ++i) {
        if (!cells[i].empty()) {
          return InvalidArgument(RowRef(record, line) + " has " + std::to_string(cells.size()) +
                                 " cells but the header (row " + std::to_string(header_row) +
                                 ") has " + std::to_string(width) + "; column " + ColumnName(i) +
                                 " holds \"" + cells[i] + "\"");
        }
      }
      cells.resize(width);  // trailing empty cells past the header: Excel pads like that
    }
    SUIJI_RETURN_IF_ERROR(on_row(record, cells));
  }
  if (!have_header) return InvalidArgument("the file has no non-empty row, so no header");
  return in.enc;
}

StatusOr<Table> ReadCsv(std::string_view bytes, Encoding enc) {
  Table table;
  bool first = true;
  StatusOr<Encoding> detected =
      ScanCsv(bytes, enc, [&](uint64_t row, std::vector<std::string>& cells) -> Status {
        if (first) {
          first = false;
          table.header = std::move(cells);
          table.header_row_number = row;
        } else {
          if ((table.rows.size() + 2) * table.header.size() > kMaxCells) {
            return TooManyCells(table.header.size());
          }
          table.rows.push_back(std::move(cells));
          table.row_numbers.push_back(row);
        }
        // The vector was moved out; reserving the exact width keeps each row's buffer tight.
        cells = {};
        cells.reserve(table.header.size());
        return OkStatus();
      });
  if (!detected.ok()) return detected.status();
  table.detected = *detected;
  return table;
}

StatusOr<Table> ReadXlsx(std::string_view bytes, std::string_view sheet_name) {
  if (!bytes.starts_with(std::string_view("PK\x03\x04", 4)) &&
      !bytes.starts_with(std::string_view("PK\x05\x06", 4))) {
    if (bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
      return InvalidArgument(
          "the file is a legacy Excel 97-2003 workbook (.xls) or a password-protected "
          "workbook; open it in Excel, remove any password and save it as .xlsx");
    }
    return InvalidArgument(
        "not an .xlsx file: it does not start with the ZIP signature \"PK\" (a CSV file must be "
        "read as CSV)");
  }
  SUIJI_ASSIGN_OR_RETURN(std::unique_ptr<ZipReader> zip, ZipReader::Open(bytes));

  // The package relationships name the workbook part; nearly always xl/workbook.xml.
  std::string workbook_part = "xl/workbook.xml";
  if (zip->Find("_rels/.rels") >= 0) {
    RelsHandler root;
    SUIJI_RETURN_IF_ERROR(ParsePart(*zip, "_rels/.rels", &root));
    if (const Relationship* r = FindRelByType(root.rels, "/officeDocument")) {
      workbook_part = ResolvePart("", r->target);
    }
  }
  if (workbook_part.ends_with(".bin")) {
    return InvalidArgument("the file is a binary Excel workbook (.xlsb); save it as .xlsx");
  }
  if (zip->Find(workbook_part) < 0) return NotAWorkbook(*zip);

  WorkbookHandler workbook;
  SUIJI_RETURN_IF_ERROR(ParsePart(*zip, workbook_part, &workbook));
  if (workbook.sheets.empty()) return InvalidArgument("the workbook has no sheets");
  RelsHandler wb_rels;
  const std::string wb_rels_part = RelsPathOf(workbook_part);
  if (zip->Find(wb_rels_part) >= 0) {
    SUIJI_RETURN_IF_ERROR(ParsePart(*zip, wb_rels_part, &wb_rels));
  }

  // Empty name: the first tab a person sees, i.e. the first sheet not hidden.
  const SheetEntry* sheet = nullptr;
  const std::string_view wanted = Trim(sheet_name);
  if (wanted.empty()) {
    for (const auto& s : workbook.sheets) {
      if (s.visible) {
        sheet = &s;
        break;
      }
    }
    if (sheet == nullptr) sheet = &workbook.sheets.front();
  } else {
    for (const auto& s : workbook.sheets) {
      if (s.name == wanted) sheet = &s;
    }
    for (const auto& s : workbook.sheets) {
      if (sheet == nullptr && EqualsIgnoreAsciiCase(s.name, wanted)) sheet = &s;
    }
    if (sheet == nullptr) {
      std::string names;
      for (const auto& s : workbook.sheets)
        names += (names.empty() ? "\"" : ", \"") + s.name + "\"";
      return NotFound("the workbook has no sheet named \"" + std::string(wanted) +
                      "\"; its sheets are " + names);
    }
  }

  const std::string base = DirOf(workbook_part);
  const Relationship* sheet_rel = nullptr;
  for (const auto& r : wb_rels.rels) {
    if (r.id == sheet->rel_id) sheet_rel = &r;
  }
  if (sheet_rel == nullptr) {
    return InvalidArgument("the .xlsx file is damaged: sheet \"" + sheet->name + "\" has no part");
  }
  if (!sheet_rel->type.ends_with("/worksheet")) {
    return InvalidArgument("sheet \"" + sheet->name +
                           "\" is a chart or dialog sheet, not a worksheet with cells");
  }
  const std::string sheet_part = ResolvePart(base, sheet_rel->target);

  SharedStringsHandler shared;
  if (const Relationship* r = FindRelByType(wb_rels.rels, "/sharedStrings")) {
    SUIJI_RETURN_IF_ERROR(ParsePart(*zip, ResolvePart(base, r->target), &shared));
  } else if (zip->Find(base + "sharedStrings.xml") >= 0) {
    SUIJI_RETURN_IF_ERROR(ParsePart(*zip, base + "sharedStrings.xml", &shared));
  }
  std::vector<DateKind> date_kinds;
  if (const Relationship* r = FindRelByType(wb_rels.rels, "/styles")) {
    const std::string styles_part = ResolvePart(base, r->target);
    if (zip->Find(styles_part) >= 0) {
      StylesHandler styles;
      SUIJI_RETURN_IF_ERROR(ParsePart(*zip, styles_part, &styles));
      date_kinds = styles.DateKinds();
    }
  }

  Table table;
  table.detected = Encoding::kUtf8;
  SheetHandler handler(&shared.strings, &date_kinds, workbook.date1904, &table);
  Status s = ParsePart(*zip, sheet_part, &handler);
  if (!s.ok()) return WithPrefix(s, "sheet \"" + sheet->name + "\": ");
  if (table.header.empty()) {
    return InvalidArgument("sheet \"" + sheet->name + "\" has no non-empty row, so no header");
  }
  return table;
}

StatusOr<Table> ReadTableFile(const std::string& path, Encoding enc, std::string_view sheet) {
  const std::string prefix = path + ": ";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string msg = prefix + std::strerror(err);
    if (err == ENOENT) return NotFound(msg);
    if (err == EACCES) return PermissionDenied(msg);
    return InvalidArgument(msg);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument(prefix + "not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) {
    ::close(fd);
    return ResourceExhausted(prefix + "larger than " + std::to_string(kMaxFileBytes >> 20) +
                             " MiB; split the file");
  }
  // Read whole: the parsers take a contiguous buffer, and a private copy cannot change or be
  // truncated under us the way a mapping could.
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(done);

  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), AsciiLower);
  const bool zip_magic = std::string_view(bytes).starts_with(std::string_view("PK\x03\x04", 4));
  const bool excel_ext = ext == ".xlsx" || ext == ".xlsm" || ext == ".xls";
  if (!zip_magic && !excel_ext && ext != ".csv" && ext != ".txt") {
    return InvalidArgument(prefix + "unsupported file type \"" + ext + "\"; use .csv or .xlsx");
  }
  // An Excel extension without the ZIP magic still goes to ReadXlsx, which words the error
  // for .xls and for CSV saved under the wrong name.
  StatusOr<Table> table = zip_magic || excel_ext ? ReadXlsx(bytes, sheet) : ReadCsv(bytes, enc);
  if (!table.ok()) return WithPrefix(table.status(), prefix);
  return table;
}

StatusOr<std::vector<int>> MapColumns(const std::vector<std::string>& header,
                                      const std::vector<ColumnSpec>& specs) {
  // ASCII names fold case and drop spaces and underscores; a name with any non-ASCII byte
  // (Chinese) is compared exactly, since folding rules for it would be guesses.
  auto normalize = [](std::string_view name) {
    std::string_view t = Trim(name);
    if (HasHighByte(t)) return std::string(t);
    std::string out;
    for (char c : t) {
      if (c != ' ' && c != '_') out += AsciiLower(c);
    }
    return out;
  };
  auto chinese_name = [](const ColumnSpec& spec) -> std::string {
    for (const auto& a : spec.aliases) {
      if (HasHighByte(a)) return std::string(Trim(a));
    }
    return spec.key;
  };
  auto accepted = [](const ColumnSpec& spec) {
    std::string out = spec.key;
    for (const auto& a : spec.aliases) out += ", " + a;
    return out;
  };

  std::map<std::string, size_t> owner;  // normalized name -> spec index
  for (size_t s = 0; s < specs.size(); ++s) {
    std::vector<std::string> names{normalize(specs[s].key)};
    for (const auto& a : specs[s].aliases) names.push_back(normalize(a));
    for (auto& n : names) {
      if (n.empty()) continue;
      auto [it, inserted] = owner.emplace(n, s);
      if (!inserted && it->second != s) {
        return Internal("column specs \"" + specs[it->second].key + "\" and \"" + specs[s].key +
                        "\" both accept the header \"" + n + "\"");
      }
    }
  }

  std::vector<int> out(specs.size(), -1);
  for (size_t col = 0; col < header.size(); ++col) {
    auto it = owner.find(normalize(header[col]));
    if (it == owner.end()) continue;
    const size_t s = it->second;
    if (out[s] >= 0) {
      const auto first = static_cast<size_t>(out[s]);
      return InvalidArgument("表头中“" + chinese_name(specs[s]) + "”列重复（第 " +
                             ColumnName(first) + " 列和第 " + ColumnName(col) +
                             " 列）; duplicate column \"" + specs[s].key + "\": columns " +
                             ColumnName(first) + " (\"" + header[first] + "\") and " +
                             ColumnName(col) + " (\"" + header[col] + "\")");
    }
    out[s] = static_cast<int>(col);
  }

  std::string missing_zh, missing_en;
  for (size_t s = 0; s < specs.size(); ++s) {
    if (!specs[s].required || out[s] >= 0) continue;
    missing_zh += (missing_zh.empty() ? "“" : "、“") + chinese_name(specs[s]) + "”";
    missing_en += (missing_en.empty() ? "\"" : ", \"") + specs[s].key +
                  "\" (accepted headers: " + accepted(specs[s]) + ")";
  }
  if (!missing_zh.empty()) {
    return InvalidArgument("缺少必填列" + missing_zh +
                           "（表头应为第一个非空行）; missing required column " + missing_en +
                           "; the header must be the first non-empty row");
  }
  return out;
}

}  // namespace suiji::import
