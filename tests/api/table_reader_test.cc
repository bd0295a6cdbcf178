#include "api/import/table_reader.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <atomic>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ledger/core/status.h"
#include "tests/support/gb18030.h"

namespace suiji::import {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// ---- Helpers --------------------------------------------------------------------------------

using testing_support::ToGb18030;

std::filesystem::path TempPath(const std::string& name) {
  return std::filesystem::path(testing::TempDir()) /
         (std::to_string(::getpid()) + "_table_reader_" + name);
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A ZIP written by libzip from (name, content) pairs, returned as bytes.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& parts) {
  const auto path = TempPath("make.zip");
  std::filesystem::remove(path);
  int err = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(za, nullptr);
  for (const auto& [name, content] : parts) {
    zip_source_t* src = zip_source_buffer(za, content.data(), content.size(), 0);
    EXPECT_NE(src, nullptr);
    const zip_int64_t idx = zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    EXPECT_GE(idx, 0);
    // Level 1: the zip-bomb test deflates hundreds of MiB and should stay fast.
    zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 1);
  }
  EXPECT_EQ(zip_close(za), 0);
  std::string bytes = ReadFile(path);
  std::filesystem::remove(path);
  return bytes;
}

constexpr std::string_view kNs =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

struct SheetSpec {
  std::string name;
  std::string sheet_data;  // the inside of <sheetData>
  std::string state = "visible";
};

// A minimal but real .xlsx: the six parts Excel needs, plus styles.xml when given.
std::string MakeXlsx(const std::vector<SheetSpec>& sheets,
                     const std::vector<std::string>& shared_strings = {},
                     const std::string& styles_xml = "", const std::string& workbook_pr = "") {
  std::vector<std::pair<std::string, std::string>> parts;
  std::string types =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/"
      ">";
  for (size_t i = 0; i < sheets.size(); ++i) {
    types += "<Override PartName=\"/xl/worksheets/sheet" + std::to_string(i + 1) +
             ".xml\" ContentType=\"application/"
             "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
  }
  types += "</Types>";
  parts.emplace_back("[Content_Types].xml", types);
  parts.emplace_back(
      "_rels/.rels",
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"xl/workbook.xml\"/></Relationships>");
  std::string workbook = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><workbook " +
                         std::string(kNs) + ">" + workbook_pr + "<sheets>";
  std::string rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (size_t i = 0; i < sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    workbook += "<sheet name=\"" + sheets[i].name + "\" sheetId=\"" + n + "\" state=\"" +
                sheets[i].state + "\" r:id=\"rId" + n + "\"/>";
    rels += "<Relationship Id=\"rId" + n +
            "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            "worksheet\" Target=\"worksheets/sheet" +
            n + ".xml\"/>";
    parts.emplace_back("xl/worksheets/sheet" + n + ".xml",
                       "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet " +
                           std::string(kNs) + "><sheetData>" + sheets[i].sheet_data +
                           "</sheetData></worksheet>");
  }
  workbook += "</sheets></workbook>";
  rels +=
      "<Relationship Id=\"rIdS\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
      "Target=\"sharedStrings.xml\"/>";
  if (!styles_xml.empty()) {
    rels +=
        "<Relationship Id=\"rIdT\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
        "Target=\"styles.xml\"/>";
    parts.emplace_back("xl/styles.xml", styles_xml);
  }
  rels += "</Relationships>";
  parts.emplace_back("xl/workbook.xml", workbook);
  parts.emplace_back("xl/_rels/workbook.xml.rels", rels);
  std::string sst = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><sst " +
                    std::string(kNs) + " count=\"" + std::to_string(shared_strings.size()) +
                    "\" uniqueCount=\"" + std::to_string(shared_strings.size()) + "\">";
  // An entry starting with '<' is the raw inside of <si> (rich runs, phonetic guides).
  for (const auto& s : shared_strings) {
    sst += s.starts_with('<') ? "<si>" + s + "</si>" : "<si><t>" + s + "</t></si>";
  }
  sst += "</sst>";
  parts.emplace_back("xl/sharedStrings.xml", sst);
  return MakeZip(parts);
}

// Error assertions: the code, and a fragment the message must contain.
#define EXPECT_ERROR(expr, code_, fragment)                                       \
  do {                                                                            \
    auto result_ = (expr);                                                        \
    ASSERT_FALSE(result_.ok()) << "expected an error containing: " << (fragment); \
    EXPECT_EQ(result_.status().code(), (code_)) << result_.status().ToString();   \
    EXPECT_NE(result_.status().message().find(fragment), std::string::npos)       \
        << "message: " << result_.status().message();                             \
  } while (0)

// ---- CSV: encodings -------------------------------------------------------------------------

constexpr std::string_view kEmployersUtf8 =
    "统一社会信用代码,单位名称,所在地区\n"
    "91320402MA1XXXXX0Y,常州市天宁区某某机械有限公司,天宁区\n"
    "911301325573412345,元氏县某某建材有限公司,元氏县\n";

void ExpectEmployers(const Table& t) {
  EXPECT_EQ(t.header, (std::vector<std::string>{"统一社会信用代码", "单位名称", "所在地区"}));
  EXPECT_EQ(t.rows, (Rows{{"91320402MA1XXXXX0Y", "常州市天宁区某某机械有限公司", "天宁区"},
                          {"911301325573412345", "元氏县某某建材有限公司", "元氏县"}}));
  EXPECT_EQ(t.row_numbers, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(t.header_row_number, 1u);
}

TEST(ReadCsvTest, Utf8WithoutBom) {
  auto t = ReadCsv(kEmployersUtf8, Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->detected, Encoding::kUtf8);
  ExpectEmployers(*t);
  auto forced = ReadCsv(kEmployersUtf8, Encoding::kUtf8);
  ASSERT_TRUE(forced.ok());
  ExpectEmployers(*forced);
}

TEST(ReadCsvTest, Utf8BomIsStripped) {
  const std::string bytes = "\xEF\xBB\xBF" + std::string(kEmployersUtf8);
  for (Encoding enc : {Encoding::kAuto, Encoding::kUtf8}) {
    auto t = ReadCsv(bytes, enc);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->detected, Encoding::kUtf8);
    ExpectEmployers(*t);  // header[0] has no BOM glued to it
  }
}

TEST(ReadCsvTest, Gb18030DetectedByAuto) {
  const std::string gb = ToGb18030(kEmployersUtf8);
  ASSERT_NE(gb, kEmployersUtf8);
  auto t = ReadCsv(gb, Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->detected, Encoding::kGb18030);
  ExpectEmployers(*t);
}

TEST(ReadCsvTest, Gb18030Forced) {
  auto t = ReadCsv(ToGb18030(kEmployersUtf8), Encoding::kGb18030);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->detected, Encoding::kGb18030);
  ExpectEmployers(*t);
}

TEST(ReadCsvTest, Gb18030FourByteCharactersAndFullWidthSpace) {
  // 𠮷 (U+20BB7, in personal names) takes four bytes in GB18030; U+3000 is GB18030 A1A1.
  const std::string utf8 = "姓名,地址\n\xE3\x80\x80𠮷某某\xE3\x80\x80, 元氏县·槐阳镇 \n";
  auto t = ReadCsv(ToGb18030(utf8), Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->detected, Encoding::kGb18030);
  EXPECT_EQ(t->rows, (Rows{{"𠮷某某", "元氏县·槐阳镇"}}));
}

TEST(ReadCsvTest, InvalidBytesNameTheLine) {
  // 0xFF is neither UTF-8 nor GB18030.
  const std::string bytes = "a,b\n1,2\n3,x\xFFy\n";
  EXPECT_ERROR(ReadCsv(bytes, Encoding::kAuto), StatusCode::kInvalidArgument, "line 3");
  EXPECT_ERROR(ReadCsv(bytes, Encoding::kAuto), StatusCode::kInvalidArgument, "byte offset 11");
  EXPECT_ERROR(ReadCsv(bytes, Encoding::kGb18030), StatusCode::kInvalidArgument, "line 3");
  EXPECT_ERROR(ReadCsv(bytes, Encoding::kUtf8), StatusCode::kInvalidArgument, "0xFF");
}

TEST(ReadCsvTest, GbBytesForcedAsUtf8NameTheLine) {
  const std::string gb = ToGb18030("code,name\n1,ok\n2,元氏县\n");
  EXPECT_ERROR(ReadCsv(gb, Encoding::kUtf8), StatusCode::kInvalidArgument, "not valid UTF-8");
  EXPECT_ERROR(ReadCsv(gb, Encoding::kUtf8), StatusCode::kInvalidArgument, "line 3");
}

TEST(ReadCsvTest, TruncatedGbSequenceAtEnd) {
  std::string gb = ToGb18030("a,b\n1,元");
  gb.pop_back();  // half a character
  EXPECT_ERROR(ReadCsv(gb, Encoding::kGb18030), StatusCode::kInvalidArgument, "line 2");
}

TEST(ReadCsvTest, BomWithForcedGb18030IsRefused) {
  EXPECT_ERROR(ReadCsv("\xEF\xBB\xBF"
                       "a\n1\n",
                       Encoding::kGb18030),
               StatusCode::kInvalidArgument, "byte-order mark");
}

TEST(ReadCsvTest, Utf16IsRefusedWithAdvice) {
  EXPECT_ERROR(ReadCsv(std::string("\xFF\xFE"
                                   "a\0,\0",
                                   6),
                       Encoding::kAuto),
               StatusCode::kInvalidArgument, "CSV UTF-8");
}

// ---- CSV: structure -------------------------------------------------------------------------

TEST(ReadCsvTest, QuotedCommasNewlinesAndDoubledQuotes) {
  const std::string bytes =
      "name,address,note\n"
      "\"某某机械有限公司, 常州\",\"天宁区\n青洋北路 1 号\",\"他说\"\"好\"\"\"\n"
      "\"\",\"a\"\"\",plain\n"
      "x,y,z\n";
  auto t = ReadCsv(bytes, Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, (Rows{{"某某机械有限公司, 常州", "天宁区\n青洋北路 1 号", "他说\"好\""},
                           {"", "a\"", "plain"},
                           {"x", "y", "z"}}));
  // Record numbers, as a spreadsheet shows them: the two-line cell does not shift row 4.
  EXPECT_EQ(t->row_numbers, (std::vector<uint64_t>{2, 3, 4}));
}

TEST(ReadCsvTest, CrLfAndLoneCrLineEnds) {
  auto crlf = ReadCsv("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n", Encoding::kAuto);
  ASSERT_TRUE(crlf.ok()) << crlf.status().ToString();
  EXPECT_EQ(crlf->rows, (Rows{{"1", "2"}, {"x\r\ny", "3"}}));
  auto cr = ReadCsv("a,b\r1,2\r3,4", Encoding::kAuto);
  ASSERT_TRUE(cr.ok()) << cr.status().ToString();
  EXPECT_EQ(cr->rows, (Rows{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(cr->row_numbers, (std::vector<uint64_t>{2, 3}));
}

TEST(ReadCsvTest, EmptyRowsSkippedAndTrailingLineEndOptional) {
  const std::string bytes = "\n a , b \n1,2\n\n,\n , \xE3\x80\x80\n3,4\n\n";
  auto t = ReadCsv(bytes, Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header_row_number, 2u);
  EXPECT_EQ(t->header, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(t->rows, (Rows{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<uint64_t>{3, 7}));
  auto no_final_newline = ReadCsv("a,b\n1,2", Encoding::kAuto);
  ASSERT_TRUE(no_final_newline.ok());
  EXPECT_EQ(no_final_newline->rows, (Rows{{"1", "2"}}));
  auto trailing_comma = ReadCsv("a,b\n1,", Encoding::kAuto);
  ASSERT_TRUE(trailing_comma.ok()) << trailing_comma.status().ToString();
  EXPECT_EQ(trailing_comma->rows, (Rows{{"1", ""}}));
}

TEST(ReadCsvTest, TrimsAsciiFullWidthAndInvisibleSpaces) {
  const std::string bytes =
      "\tcode\t,\xC2\xA0name\xC2\xA0\n"
      "\xE3\x80\x80"
      "9132\xE3\x80\x80,\xE2\x80\x8B元氏县 某某公司\xEF\xBB\xBF\n";
  auto t = ReadCsv(bytes, Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header, (std::vector<std::string>{"code", "name"}));
  EXPECT_EQ(t->rows, (Rows{{"9132", "元氏县 某某公司"}}));  // inner space kept
}

TEST(ReadCsvTest, RaggedRowNamesTheRow) {
  EXPECT_ERROR(ReadCsv("a,b,c\n1,2,3\n4,5\n", Encoding::kAuto), StatusCode::kInvalidArgument,
               "row 3 has 2 cells but the header (row 1) has 3");
  EXPECT_ERROR(ReadCsv("a,b\n1,2\n3,4,5\n", Encoding::kAuto), StatusCode::kInvalidArgument,
               "row 3 has 3 cells");
  // After a cell spanning two text lines, the message gives both numbers.
  EXPECT_ERROR(ReadCsv("a,b\n\"x\ny\",2\n4\n", Encoding::kAuto), StatusCode::kInvalidArgument,
               "row 3 (text line 4)");
}

TEST(ReadCsvTest, TrailingEmptyCellsPastTheHeaderAreTolerated) {
  // Excel pads every row to the widest one it ever saw, header included.
  auto t = ReadCsv("a,b,,\n1,2,,\n3,4,\n", Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header.size(), 2u);
  EXPECT_EQ(t->rows, (Rows{{"1", "2"}, {"3", "4"}}));
}

TEST(ReadCsvTest, MalformedQuotesAreErrors) {
  EXPECT_ERROR(ReadCsv("a,b\n1,\"open\n", Encoding::kAuto), StatusCode::kInvalidArgument,
               "never closed");
  EXPECT_ERROR(ReadCsv("a,b\n1,\"x\"y\n", Encoding::kAuto), StatusCode::kInvalidArgument,
               "after the closing quote");
  // A quote inside an unquoted cell is data, as in Excel.
  auto t = ReadCsv("a,b\n1,5\"2 inch\n", Encoding::kAuto);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows[0][1], "5\"2 inch");
}

TEST(ReadCsvTest, EmptyInputHasNoHeader) {
  EXPECT_ERROR(ReadCsv("", Encoding::kAuto), StatusCode::kInvalidArgument, "no header");
  EXPECT_ERROR(ReadCsv("\xEF\xBB\xBF\r\n,,\r\n", Encoding::kAuto), StatusCode::kInvalidArgument,
               "no header");
}

TEST(ScanCsvTest, StreamsRowsAndStopsOnCallbackError) {
  std::vector<uint64_t> seen;
  auto enc = ScanCsv(ToGb18030("列一,列二\n甲,乙\n\n丙,丁\n"), Encoding::kAuto,
                     [&](uint64_t row, std::vector<std::string>& cells) {
                       seen.push_back(row);
                       EXPECT_EQ(cells.size(), 2u);
                       return OkStatus();
                     });
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ(*enc, Encoding::kGb18030);
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 4}));
  int calls = 0;
  auto stopped = ScanCsv("a\n1\n2\n3\n", Encoding::kAuto, [&](uint64_t, std::vector<std::string>&) {
    return ++calls == 2 ? Aborted("enough") : OkStatus();
  });
  EXPECT_EQ(stopped.status().code(), StatusCode::kAborted);
  EXPECT_EQ(calls, 2);
}

// ---- MapColumns -----------------------------------------------------------------------------

std::vector<ColumnSpec> EmployerSpecs() {
  return {{"credit_code", {"统一社会信用代码", "Credit Code"}, true},
          {"name", {"单位名称", "Employer Name"}, true},
          {"district", {"所在地区"}, false},
          {"phone", {"联系电话"}, false}};
}

TEST(MapColumnsTest, ChineseAndEnglishHeaders) {
  auto zh = MapColumns({"序号", "单位名称", "\xE3\x80\x80统一社会信用代码 ", "所在地区"},
                       EmployerSpecs());
  ASSERT_TRUE(zh.ok()) << zh.status().ToString();
  EXPECT_EQ(*zh, (std::vector<int>{2, 1, 3, -1}));
  auto en = MapColumns({"Credit Code", "EMPLOYER_NAME", "remarks"}, EmployerSpecs());
  ASSERT_TRUE(en.ok()) << en.status().ToString();
  EXPECT_EQ(*en, (std::vector<int>{0, 1, -1, -1}));
  auto key = MapColumns({"name", "credit_code", "Phone"}, EmployerSpecs());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, (std::vector<int>{1, 0, -1, 2}));
  auto squashed = MapColumns({"creditcode", "Employer name"}, EmployerSpecs());
  ASSERT_TRUE(squashed.ok());
  EXPECT_EQ(*squashed, (std::vector<int>{0, 1, -1, -1}));
}

TEST(MapColumnsTest, ChineseNamesAreNotFolded) {
  // Inner spaces in a Chinese header are not ignored: only ASCII names fold.
  EXPECT_ERROR(MapColumns({"统一社会 信用代码", "单位名称"}, EmployerSpecs()),
               StatusCode::kInvalidArgument, "统一社会信用代码");
}

TEST(MapColumnsTest, MissingRequiredColumnNamedInChineseAndEnglish) {
  auto r = MapColumns({"单位名称", "所在地区"}, EmployerSpecs());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("缺少必填列“统一社会信用代码”"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("missing required column \"credit_code\""), std::string::npos)
      << r.status().message();
  // A title row taken as the header: every required column is listed.
  EXPECT_ERROR(MapColumns({"常州市天宁区用人单位名录"}, EmployerSpecs()),
               StatusCode::kInvalidArgument, "“统一社会信用代码”、“单位名称”");
}

TEST(MapColumnsTest, DuplicateColumnIsAnError) {
  EXPECT_ERROR(MapColumns({"统一社会信用代码", "单位名称", "Credit Code"}, EmployerSpecs()),
               StatusCode::kInvalidArgument, "duplicate column \"credit_code\": columns A");
}

TEST(MapColumnsTest, OverlappingSpecsAreACallerBug) {
  std::vector<ColumnSpec> specs = {{"name", {"名称"}, true}, {"full_name", {"Name"}, false}};
  EXPECT_ERROR(MapColumns({"名称"}, specs), StatusCode::kInternal, "both accept");
}

// ---- XLSX -----------------------------------------------------------------------------------

TEST(ReadXlsxTest, SharedInlineNumbersAndSkippedColumns) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>职工人数</t></is></c>"
      "<c r=\"D1\" t=\"s\"><v>2</v></c></row>"
      // B2 is absent: the skipped column must come back empty in position.
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"C2\"><v>120</v></c>"
      "<c r=\"D2\" t=\"inlineStr\"><is><r><t>元氏</t></r><r><t>县</t></r></is></c></row>"
      // Row 3 missing entirely; row 5 has only whitespace, so it is skipped.
      "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> 9113 </t></is></c>"
      "<c r=\"B4\" t=\"s\"><v>4</v></c><c r=\"C4\"><v>35.5</v></c></row>"
      "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t> </t></is></c></row>";
  const std::string bytes =
      MakeXlsx({{"单位", sheet}}, {"统一社会信用代码", "单位名称", "所在地区", "91320402MA1XXXXX0Y",
                                   "常州市天宁区某某机械有限公司"});
  auto t = ReadXlsx(bytes, "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->detected, Encoding::kUtf8);
  EXPECT_EQ(t->header,
            (std::vector<std::string>{"统一社会信用代码", "单位名称", "职工人数", "所在地区"}));
  EXPECT_EQ(t->rows, (Rows{{"91320402MA1XXXXX0Y", "", "120", "元氏县"},
                           {"9113", "常州市天宁区某某机械有限公司", "35.5", ""}}));
  EXPECT_EQ(t->row_numbers, (std::vector<uint64_t>{2, 4}));
}

TEST(ReadXlsxTest, SkippedColumnInTheHeaderRow) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>c</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\"><v>2</v></c><c r=\"C2\"><v>3</v></c></row>"
      "<row r=\"3\"><c r=\"C3\"><v>9</v></c></row>";
  auto t = ReadXlsx(MakeXlsx({{"S", sheet}}), "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header, (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(t->rows, (Rows{{"1", "2", "3"}, {"", "", "9"}}));
}

TEST(ReadXlsxTest, RowsAndCellsWithoutReferences) {
  // Some generators omit r= on rows and cells; positions then follow document order.
  const std::string sheet =
      "<row><c t=\"inlineStr\"><is><t>a</t></is></c><c t=\"inlineStr\"><is><t>b</t></is></c></row>"
      "<row><c><v>1</v></c><c><v>2</v></c></row>";
  auto t = ReadXlsx(MakeXlsx({{"S", sheet}}), "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, (Rows{{"1", "2"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<uint64_t>{2}));
}

TEST(ReadXlsxTest, NumbersRenderAsExcelShowsThem) {
  // Values as Excel writes them into the XML.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"100", "100"},
      {"-42", "-42"},
      {"1.5", "1.5"},
      {"0.30000000000000004", "0.3"},
      {"2.9999999999999996", "3"},
      {"1E-3", "0.001"},
      {"123456789012", "123456789012"},
      // An 18-digit ID card number typed into a number cell: Excel kept 15 digits.
      {"3.20402198001011E+17", "320402198001011000"},
      {"3.20402198001011E+017", "320402198001011000"},
      {"320402198001011234", "320402198001011000"},
      {"1E+25", "1E+25"},
      {"1.25E-12", "1.25E-12"},
      {"0", "0"},
  };
  std::string sheet = "<row r=\"1\">";
  for (size_t i = 0; i < cases.size(); ++i) {
    sheet += "<c t=\"inlineStr\"><is><t>h" + std::to_string(i) + "</t></is></c>";
  }
  sheet += "</row><row r=\"2\">";
  for (const auto& c : cases) sheet += "<c><v>" + c.first + "</v></c>";
  sheet += "</row>";
  auto t = ReadXlsx(MakeXlsx({{"S", sheet}}), "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 1u);
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(t->rows[0][i], cases[i].second) << "stored as " << cases[i].first;
  }
}

TEST(ReadXlsxTest, BooleansErrorsFormulasAndEscapes) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>c</t>"
      "</is></c><c r=\"D1\" t=\"inlineStr\"><is><t>d</t></is></c>"
      "<c r=\"E1\" t=\"inlineStr\"><is><t>e</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"b\"><v>1</v></c><c r=\"B2\" t=\"b\"><v>0</v></c>"
      "<c r=\"C2\" t=\"e\"><f>VLOOKUP(X1,Y:Y,1,0)</f><v>#N/A</v></c>"
      "<c r=\"D2\" t=\"str\"><f>A3&amp;\"区\"</f><v>天宁区</v></c>"
      "<c r=\"E2\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"3\"><c r=\"A3\"><f>1+1</f><v>2</v></c><c r=\"B3\"><f>1+1</f></c>"
      "<c r=\"C3\" t=\"s\"><v>1</v></c></row>";
  // Shared string 0 carries Excel's _xHHHH_ escape for a CR and a phonetic guide to ignore.
  const std::string bytes = MakeXlsx({{"S", sheet}}, {"第一行_x000D_\n第二行", "a_x005F_x0041_b"});
  auto t = ReadXlsx(bytes, "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, (Rows{{"TRUE", "FALSE", "#N/A", "天宁区", "第一行\r\n第二行"},
                           {"2", "", "a_x0041_b", "", ""}}));
}

TEST(ReadXlsxTest, XmlEntitiesAndCdataAreDecoded) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>&lt;&#x5143;&#27663;&gt;"
      "<![CDATA[ & ]]></t></is></c></row>";
  auto t = ReadXlsx(MakeXlsx({{"S", sheet}}, {"R&amp;D &quot;研发&quot;"}), "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header, (std::vector<std::string>{"R&D \"研发\""}));
  EXPECT_EQ(t->rows, (Rows{{"<元氏> &"}}));
}

TEST(ReadXlsxTest, PhoneticGuidesAreNotPartOfTheValue) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row>";
  auto bytes = MakeXlsx({{"S", sheet}}, {"名称",
                                         "<r><t>元氏</t></r><r><t>县</t></r>"
                                         "<rPh sb=\"0\" eb=\"2\"><t>yuanshi</t></rPh>"});
  auto t = ReadXlsx(bytes, "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, (Rows{{"元氏县"}}));
}

TEST(ReadXlsxTest, DateStyledNumbersBecomeIsoDates) {
  const std::string styles =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet " + std::string(kNs) +
      "><numFmts count=\"3\"><numFmt numFmtId=\"164\" "
      "formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;"
      "d&quot;日&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"#,##0.00&quot;元&quot;\"/>"
      // Quoted text with date letters ("days") must not make a number format a date.
      "<numFmt numFmtId=\"166\" formatCode=\"0.0&quot; days&quot;\"/>"
      "</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
      "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
      "<xf numFmtId=\"22\"/><xf numFmtId=\"20\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"
      "</cellXfs></styleSheet>";
  std::string wide = "<row r=\"1\">";
  for (char h = 'a'; h <= 'i'; ++h)
    wide += "<c t=\"inlineStr\"><is><t>" + std::string(1, h) + "</t></is></c>";
  wide +=
      "</row><row r=\"2\"><c r=\"A2\" s=\"0\"><v>45352</v></c><c r=\"B2\" s=\"1\"><v>45352</v></c>"
      "<c r=\"C2\" s=\"2\"><v>42173</v></c><c r=\"D2\" s=\"3\"><v>45352.354166666664</v></c>"
      "<c r=\"E2\" s=\"4\"><v>0.5</v></c><c r=\"F2\" s=\"5\"><v>1234.5</v></c>"
      "<c r=\"G2\" s=\"1\"><v>59</v></c><c r=\"H2\" s=\"1\"><v>61</v></c>"
      "<c r=\"I2\" s=\"6\"><v>1.5</v></c></row>";
  auto t = ReadXlsx(MakeXlsx({{"S", wide}}, {}, styles), "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, (Rows{{"45352", "2024-03-01", "2015-06-18", "2024-03-01 08:30:00", "12:00:00",
                            "1234.5", "1900-02-28", "1900-03-01", "1.5"}}));
  // The 1904 date system of old Mac workbooks.
  auto mac = ReadXlsx(MakeXlsx({{"S", wide}}, {}, styles, "<workbookPr date1904=\"1\"/>"), "");
  ASSERT_TRUE(mac.ok()) << mac.status().ToString();
  EXPECT_EQ(mac->rows[0][1], "2028-03-02");
}

TEST(ReadXlsxTest, SheetsByNameAndFirstVisibleByDefault) {
  const std::string hidden = "<row r=\"1\"><c t=\"inlineStr\"><is><t>hidden</t></is></c></row>";
  const std::string employers =
      "<row r=\"1\"><c t=\"inlineStr\"><is><t>单位名称</t></is></c></row>"
      "<row r=\"2\"><c t=\"inlineStr\"><is><t>元氏县某某建材有限公司</t></is></c></row>";
  const std::string inspectors =
      "<row r=\"1\"><c t=\"inlineStr\"><is><t>检查员</t></is></c></row>"
      "<row r=\"2\"><c t=\"inlineStr\"><is><t>张三</t></is></c></row>";
  const std::string bytes =
      MakeXlsx({{"Lists", hidden, "hidden"},
                {"用人单位", employers},
                {"Inspectors", inspectors},
                {"R&amp;D", inspectors}});  // names are XML-escaped in workbook.xml
  auto first = ReadXlsx(bytes, "");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->header, (std::vector<std::string>{"单位名称"}));
  auto by_name = ReadXlsx(bytes, "Inspectors");
  ASSERT_TRUE(by_name.ok()) << by_name.status().ToString();
  EXPECT_EQ(by_name->rows, (Rows{{"张三"}}));
  auto any_case = ReadXlsx(bytes, "inspectors");
  ASSERT_TRUE(any_case.ok());
  EXPECT_EQ(any_case->header, (std::vector<std::string>{"检查员"}));
  auto chinese = ReadXlsx(bytes, "用人单位");
  ASSERT_TRUE(chinese.ok());
  EXPECT_EQ(chinese->rows, (Rows{{"元氏县某某建材有限公司"}}));
  auto hidden_by_name = ReadXlsx(bytes, "Lists");
  ASSERT_TRUE(hidden_by_name.ok());
  EXPECT_EQ(hidden_by_name->header, (std::vector<std::string>{"hidden"}));
  auto escaped = ReadXlsx(bytes, "R&D");
  ASSERT_TRUE(escaped.ok()) << escaped.status().ToString();
  EXPECT_ERROR(ReadXlsx(bytes, "Sheet9"), StatusCode::kNotFound,
               "\"Lists\", \"用人单位\", \"Inspectors\", \"R&D\"");
}

TEST(ReadXlsxTest, ValueRightOfTheHeaderNamesTheCell) {
  const std::string sheet =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c>"
      "<c r=\"B1\" t=\"inlineStr\"><is><t>b</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\"><v>2</v></c></row>"
      "<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"K7\" "
      "t=\"inlineStr\"><is><t>note</t></is></c></row>";
  EXPECT_ERROR(ReadXlsx(MakeXlsx({{"S", sheet}}), ""), StatusCode::kInvalidArgument,
               "cell K7 holds \"note\" but its column has no header");
}

TEST(ReadXlsxTest, MalformedSheetsAreErrors) {
  EXPECT_ERROR(ReadXlsx(MakeXlsx({{"S",
                                   "<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v>"
                                   "</c></row>"}}),
                        ""),
               StatusCode::kInvalidArgument, "cell A1 is out of order");
  EXPECT_ERROR(
      ReadXlsx(MakeXlsx({{"S", "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"}}), ""),
      StatusCode::kInvalidArgument, "shared string \"7\"");
  EXPECT_ERROR(ReadXlsx(MakeXlsx({{"S", "<row r=\"1\"><c r=\"A1\"><v>abc</v></c></row>"}}), ""),
               StatusCode::kInvalidArgument, "holds the number \"abc\"");
  EXPECT_ERROR(ReadXlsx(MakeXlsx({{"S", "<row r=\"1\"><c r=\"A1\"><v>1</v></row>"}}), ""),
               StatusCode::kInvalidArgument, "not well-formed XML");
  EXPECT_ERROR(ReadXlsx(MakeXlsx({{"S", ""}}), ""), StatusCode::kInvalidArgument, "no header");
}

TEST(ReadXlsxTest, DtdIsRefused) {
  auto bytes = MakeZip({{"xl/workbook.xml",
                         "<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY a \"aaaa\">]>"
                         "<workbook><sheets><sheet name=\"&a;\"/></sheets></workbook>"}});
  EXPECT_ERROR(ReadXlsx(bytes, ""), StatusCode::kInvalidArgument, "declares a DTD");
}

TEST(ReadXlsxTest, CorruptZipIsRefused) {
  std::string bytes = MakeXlsx({{"S", "<row r=\"1\"><c><v>1</v></c></row>"}});
  // Keep the local header magic but cut the archive: no central directory is left.
  std::string cut = bytes.substr(0, bytes.size() / 2);
  EXPECT_ERROR(ReadXlsx(cut, ""), StatusCode::kInvalidArgument, "ZIP container is damaged");
  // Flip bytes inside the sheet's deflated data: inflate or the CRC check fails.
  std::string flipped = bytes;
  const size_t name_at = flipped.find("xl/worksheets/sheet1.xml");
  ASSERT_NE(name_at, std::string::npos);
  ASSERT_EQ(flipped.compare(name_at - 30, 4, "PK\x03\x04", 4), 0);
  const auto u16 = [&](size_t at) {
    return static_cast<size_t>(static_cast<unsigned char>(flipped[at])) |
           static_cast<size_t>(static_cast<unsigned char>(flipped[at + 1])) << 8;
  };
  const size_t data_at = name_at + u16(name_at - 4) + u16(name_at - 2);
  for (size_t i = data_at + 2; i < data_at + 12; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  auto r = ReadXlsx(flipped, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_NE(r.status().message().find("damaged"), std::string::npos) << r.status().message();
}

TEST(ReadXlsxTest, ZipWithoutWorkbookIsRefused) {
  EXPECT_ERROR(ReadXlsx(MakeZip({{"readme.txt", "hello"}}), ""), StatusCode::kInvalidArgument,
               "not an Excel workbook (no xl/workbook.xml)");
  EXPECT_ERROR(ReadXlsx(MakeZip({{"word/document.xml", "<w/>"}}), ""), StatusCode::kInvalidArgument,
               "Word document");
}

TEST(ReadXlsxTest, NonZipInputsAreRefusedClearly) {
  EXPECT_ERROR(ReadXlsx("a,b\n1,2\n", ""), StatusCode::kInvalidArgument, "not an .xlsx file");
  EXPECT_ERROR(ReadXlsx(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "rest", ""),
               StatusCode::kInvalidArgument, "Excel 97-2003");
  EXPECT_ERROR(ReadXlsx("", ""), StatusCode::kInvalidArgument, "not an .xlsx file");
}

TEST(ReadXlsxTest, ZipBombIsRefusedSlow) {
  // 260 MiB of spaces (valid XML whitespace) deflate to well under 1 MiB. "Slow": ctest
  // labels it so; deflating and refusing it take a few seconds.
  std::string big = "<worksheet><sheetData>";
  big.append(size_t{260} << 20, ' ');
  big += "</sheetData></worksheet>";
  std::string bytes = MakeXlsx({{"S", "<row r=\"1\"><c><v>1</v></c></row>"}});
  auto bomb = MakeZip(
      {{"xl/workbook.xml", "<workbook " + std::string(kNs) +
                               "><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>"},
       {"xl/_rels/workbook.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas."
        "openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/></Relationships>"},
       {"xl/worksheets/sheet1.xml", big}});
  big.clear();
  big.shrink_to_fit();
  ASSERT_LT(bomb.size(), size_t{2} << 20);
  EXPECT_ERROR(ReadXlsx(bomb, ""), StatusCode::kResourceExhausted, "zip bomb");

  // The same bomb with the sizes in its directories rewritten to claim 1000 bytes: the
  // limit must hold on the bytes actually inflated.
  std::string lying = bomb;
  const std::string_view name = "xl/worksheets/sheet1.xml";
  for (size_t at = lying.find(name); at != std::string::npos; at = lying.find(name, at + 1)) {
    // Local header: size fields at 22..26 from "PK\3\4", name at 30. Central: 24, name at 46.
    const bool central = at >= 46 && lying.compare(at - 46, 4, "PK\x01\x02", 4) == 0;
    const bool local = at >= 30 && lying.compare(at - 30, 4, "PK\x03\x04", 4) == 0;
    if (!central && !local) continue;
    const size_t field = central ? at - 46 + 24 : at - 30 + 22;
    lying[field] = static_cast<char>(0xE8);  // 1000, little-endian
    lying[field + 1] = 0x03;
    lying[field + 2] = 0;
    lying[field + 3] = 0;
  }
  ASSERT_NE(lying, bomb);
  auto r = ReadXlsx(lying, "");
  ASSERT_FALSE(r.ok());
  // libzip may itself notice the inconsistency; either way nothing near 256 MiB is kept.
  EXPECT_TRUE(r.status().code() == StatusCode::kResourceExhausted ||
              r.status().code() == StatusCode::kInvalidArgument)
      << r.status().ToString();
}

// A workbook written by LibreOffice 7.4 (from employers_libreoffice_source.csv, see
// data/README.md): checks the reader against a real office suite's output, not just ours.
TEST(ReadXlsxTest, LibreOfficeWorkbook) {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / "data" / "employers_libreoffice.xlsx";
  auto t = ReadTableFile(path.string(), Encoding::kAuto, "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header, (std::vector<std::string>{"统一社会信用代码", "单位名称", "所在地区",
                                                 "成立日期", "职工人数", "身份证号", "是否重点"}));
  // The all-digit credit code and the ID number were turned into numbers on import and lost
  // their last three digits, exactly as Excel does; the README tells staff to use text cells.
  EXPECT_EQ(t->rows, (Rows{{"91320402MA1XXXXX0Y", "常州市天宁区某某机械有限公司", "天宁区",
                            "2015-06-18", "120", "320402198001011000", "TRUE"},
                           {"911301325573412000", "元氏县某某建材有限公司", "元氏县", "2009-11-02",
                            "35", "130132197512123000", "FALSE"}}));
  auto cols = MapColumns(t->header, EmployerSpecs());
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_EQ(*cols, (std::vector<int>{0, 1, 2, -1}));
}

// The header promises no shared state: parallel reads (each with its own iconv descriptor,
// zip handle and XML parser) must give the same tables.
TEST(ReadXlsxTest, ConcurrentReadsAgree) {
  const std::string xlsx = ReadFile(std::filesystem::path(__FILE__).parent_path() / "data" /
                                    "employers_libreoffice.xlsx");
  const std::string gb = ToGb18030(kEmployersUtf8);
  auto want = ReadXlsx(xlsx, "");
  ASSERT_TRUE(want.ok());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 25; ++k) {
        auto x = ReadXlsx(xlsx, "");
        auto c = ReadCsv(gb, Encoding::kAuto);
        if (!x.ok() || x->rows != want->rows || !c.ok() || c->rows.size() != 2) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// ---- ReadTableFile --------------------------------------------------------------------------

TEST(ReadTableFileTest, DispatchesByMagicAndExtension) {
  const auto csv = TempPath("employers.csv");
  WriteFile(csv, ToGb18030(kEmployersUtf8));
  auto t = ReadTableFile(csv.string(), Encoding::kAuto, "");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->detected, Encoding::kGb18030);
  ExpectEmployers(*t);

  // An .xlsx renamed to .csv is still read as a workbook.
  const auto renamed = TempPath("renamed.csv");
  WriteFile(renamed, MakeXlsx({{"S",
                                "<row r=\"1\"><c t=\"inlineStr\"><is><t>x</t></is></c>"
                                "</row><row r=\"2\"><c><v>7</v></c></row>"}}));
  auto x = ReadTableFile(renamed.string(), Encoding::kAuto, "");
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(x->rows, (Rows{{"7"}}));

  const auto xls = TempPath("old.xls");
  WriteFile(xls, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8));
  EXPECT_ERROR(ReadTableFile(xls.string(), Encoding::kAuto, ""), StatusCode::kInvalidArgument,
               "save it as .xlsx");
  const auto pdf = TempPath("scan.pdf");
  WriteFile(pdf, "%PDF-1.7");
  EXPECT_ERROR(ReadTableFile(pdf.string(), Encoding::kAuto, ""), StatusCode::kInvalidArgument,
               "unsupported file type \".pdf\"");
  EXPECT_ERROR(ReadTableFile(TempPath("missing.csv").string(), Encoding::kAuto, ""),
               StatusCode::kNotFound, "missing.csv");
  // Errors from the readers carry the path.
  const auto ragged = TempPath("ragged.csv");
  WriteFile(ragged, "a,b\n1\n");
  EXPECT_ERROR(ReadTableFile(ragged.string(), Encoding::kAuto, ""), StatusCode::kInvalidArgument,
               "ragged.csv: row 2 has 1 cells");
  for (const auto& p : {csv, renamed, xls, pdf, ragged}) std::filesystem::remove(p);
}

// Found by xlsx_reader_fuzz: a part declaring an encoding libxml2 converts with iconv
// (UTF-7 here) whose bytes do not convert made libxml2 print "encoding error : input
// conversion failed ..." on the process's stderr -- the server's log, for every such upload
// -- instead of reporting it through the parser. The reader must say it, and nothing else may.
TEST(ReadXlsxTest, EncodingErrorsAreReportedNotPrinted) {
  const std::string sheet = R"(<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>)";
  const std::string styles = std::string("<?xml version=\"1.0\" encoding=\"UTF-7\"?><styleSheet>") +
                             "\xE9\x87\x92\x93\x91\x8C" + "</styleSheet>";
  const std::string bytes = MakeXlsx({{"S", sheet}}, {}, styles);
  const auto log = TempPath("stderr.txt");
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  ASSERT_GE(saved, 0);
  {
    std::ofstream touch(log);
  }
  const int fd = ::open(log.c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  auto t = ReadXlsx(bytes, "");
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  EXPECT_ERROR(t, StatusCode::kInvalidArgument, "xl/styles.xml is not well-formed XML");
  EXPECT_EQ(ReadFile(log), "");
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace suiji::import
