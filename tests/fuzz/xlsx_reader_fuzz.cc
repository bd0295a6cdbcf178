// libFuzzer target: the .xlsx reader of the bulk imports (api/import/table_reader.h, ReadXlsx).
// The first byte picks the form of the rest:
//   even: the rest is the file itself (the ZIP container, its damage and bombs);
//   odd:  the rest is up to three XML parts separated by NUL bytes -- the worksheet, the shared
//         strings and the styles -- packed here with the workbook, relationships and content
//         types into a real .xlsx (stored, so every byte the fuzzer changes reaches the XML
//         parser rather than failing a CRC).
// Beyond "no crash, no leak, no sanitizer report", it checks what the reader promises: an
// accepted workbook gives a well-formed table (tests/fuzz/table_invariants.h); a refusal is
// kInvalidArgument or kResourceExhausted (never kNotFound: no sheet name is asked for), and a
// cell it names ("cell C7") is a real cell reference, column A to XFD and row 1 to 1048576.
// Run by ops/fuzz.sh; seeds in tests/fuzz/xlsx_corpus/.
#include <zip.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/import/table_reader.h"
#include "tests/fuzz/table_invariants.h"

namespace {

using suiji::StatusCode;
using suiji::fuzz::Broken;
namespace import = suiji::import;
constexpr const char* kTarget = "xlsx_reader_fuzz";

constexpr std::string_view kRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
constexpr std::string_view kWorkbook =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
constexpr std::string_view kWorkbookRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "styles\" Target=\"styles.xml\"/></Relationships>";
constexpr std::string_view kContentTypes =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";

// A ZIP of `parts`, stored (no compression), built in memory; empty if libzip fails.
std::string Pack(const std::vector<std::pair<std::string, std::string_view>>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) return {};
  zip_source_keep(buffer);  // read it after zip_close
  zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  std::string out;
  if (za != nullptr) {
    bool ok = true;
    for (const auto& [name, content] : parts) {
      zip_source_t* src = zip_source_buffer(za, content.data(), content.size(), 0);
      const zip_int64_t idx = src == nullptr ? -1 : zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8);
      if (idx < 0) {
        if (src != nullptr) zip_source_free(src);
        ok = false;
        break;
      }
      zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
    }
    if (ok && zip_close(za) == 0) {
      zip_stat_t st;
      if (zip_source_open(buffer) == 0) {
        if (zip_source_stat(buffer, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0) {
          out.resize(st.size);
          if (zip_source_read(buffer, out.data(), st.size) != static_cast<zip_int64_t>(st.size)) out.clear();
        }
        zip_source_close(buffer);
      }
    } else {
      zip_discard(za);
    }
  }
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

std::string Workbook(std::string_view rest) {
  std::vector<std::string_view> xml;
  while (xml.size() < 2) {
    const size_t nul = rest.find('\0');
    if (nul == std::string_view::npos) break;
    xml.push_back(rest.substr(0, nul));
    rest.remove_prefix(nul + 1);
  }
  xml.push_back(rest);
  std::vector<std::pair<std::string, std::string_view>> parts = {
      {"[Content_Types].xml", kContentTypes}, {"_rels/.rels", kRels}, {"xl/workbook.xml", kWorkbook},
      {"xl/_rels/workbook.xml.rels", kWorkbookRels}, {"xl/worksheets/sheet1.xml", xml[0]}};
  if (xml.size() > 1) parts.emplace_back("xl/sharedStrings.xml", xml[1]);
  if (xml.size() > 2) parts.emplace_back("xl/styles.xml", xml[2]);
  return Pack(parts);
}

// "cell C7", "cell AB12": column letters A..XFD and a row 1..1048576.
void CheckCellNames(const suiji::Status& s) {
  // Only the message's own words: a value it quotes may hold anything.
  const std::string m = s.message().substr(0, s.message().find('"'));
  for (size_t at = m.find("cell "); at != std::string::npos; at = m.find("cell ", at + 1)) {
    size_t i = at + 5;
    uint64_t col = 0;
    size_t letters = 0;
    while (i < m.size() && m[i] >= 'A' && m[i] <= 'Z' && letters < 8) {
      col = col * 26 + static_cast<uint64_t>(m[i++] - 'A' + 1);
      ++letters;
    }
    if (letters == 0 || i >= m.size() || m[i] < '0' || m[i] > '9') continue;  // not a reference
    uint64_t row = 0;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9' && row < (uint64_t{1} << 40)) row = row * 10 + static_cast<uint64_t>(m[i++] - '0');
    if (col > 16384 || row < 1 || row > 1048576) {
      Broken(kTarget, "the message names a cell outside a sheet: " + s.message());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string packed = (data[0] & 1) != 0 ? Workbook(rest) : std::string();
  const std::string_view file = (data[0] & 1) != 0 ? std::string_view(packed) : rest;
  if (file.empty()) return 0;
  auto t = import::ReadXlsx(file, "");
  if (t.ok()) {
    suiji::fuzz::CheckTable(kTarget, *t);
    if (t->detected != import::Encoding::kUtf8) Broken(kTarget, "an .xlsx table not marked UTF-8");
    return 0;
  }
  const suiji::Status& s = t.status();
  if (s.code() != StatusCode::kInvalidArgument && s.code() != StatusCode::kResourceExhausted) {
    Broken(kTarget, "refused with an unexpected code: " + s.ToString());
  }
  CheckCellNames(s);
  return 0;
}
