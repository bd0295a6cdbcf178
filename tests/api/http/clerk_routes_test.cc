// The registry clerk's routes over a real node on loopback (api/http/routes_clerk.cc): the
// staff search of employers and inspectors paged on the server (every page's rows, the
// cursor, the errors naming their field, the jurisdiction), an inspector's conflicts in its
// record, the import's dry run returning the file as read beside its problems (nothing
// written), and the import templates (a planner refused with 403).
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/core/directory/records.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Code(uint64_t n) { return testing_support::SampleCreditCode(n % 2 ? "320411" : "320402", n); }

class ClerkRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-clerk-routes");
    Actor setup{"320400", "setup"};
    auto init = InitNode(NodePaths{dir_}, "test.suiji/clerk", "clerk route tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    using directory::OrgLevel;
    ASSERT_TRUE(dirs.RegisterOrg({"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"}, setup).ok());
    ASSERT_TRUE(dirs.RegisterOrg({"320411", "新北区人社局", "320411", OrgLevel::County, "320400"}, setup).ok());
    // 40 employers: every fourth a 星辰 company; grades cycle A, B, C; counties alternate.
    static const char* kGrades[] = {"A", "B", "C"};
    for (uint64_t n = 0; n < 40; ++n) {
      directory::TargetRecord t;
      t.credit_code = Code(n);
      t.name = std::string(n % 4 == 0 ? "常州星辰" : "常州晨光") + "电子" + std::to_string(n) + "有限公司";
      t.region = n % 2 ? "320411" : "320402";
      t.industry = "3971";
      t.headcount = 20;
      t.credit_grade = kGrades[n % 3];
      t.grade_date = "2025-03-01";
      t.org_id = n % 2 ? "320411" : "320402";
      ASSERT_TRUE(dirs.UpsertTarget(t, setup).ok()) << n;
    }
    ASSERT_TRUE(dirs.UpsertInspector({"JS320400001", "王星辰", {"劳动用工"}, {}, "320400", "320400"}, setup).ok());
    ASSERT_TRUE(dirs.UpsertInspector({"JS320400002", "李明", {"工资支付"}, {}, "320400", "320400"}, setup).ok());
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    const std::vector<identity::UserRecord> users = {
        {"clerk", "市名录管理员", "320400", {"registry_clerk"}, "", {}, ""},
        {"tn-clerk", "天宁区名录管理员", "320402", {"registry_clerk"}, "", {}, ""},
        {"planner", "计划员", "320400", {"planner"}, "", {}, ""},
    };
    for (const auto& u : users) {
      ASSERT_TRUE(ids.RegisterUser(u, setup).ok()) << u.user_id;
      tokens_[u.user_id] = ids.IssueToken(u.user_id, "test", 0, setup)->token;
    }
    init->ledger.reset();
    projection->reset();
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Headers As(const std::string& user) { return {{"Authorization", "Bearer " + tokens_[user]}}; }

  std::pair<int, json> Get(const std::string& path, const std::string& user) {
    auto r = client_->Get(path.c_str(), As(user));
    if (!r) return {0, json()};
    json body = json::parse(r->body, nullptr, false);
    return {r->status, body};
  }

  uint64_t LogSize() {
    auto [status, h] = Get("/healthz", "clerk");
    return status == 200 ? h.value("log_size", uint64_t{0}) : 0;
  }

  fs::path dir_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ClerkRoutesTest, EmployersSearchedByNamePartAndGradeArePagedOnTheServer) {
  // 星辰 (n % 4 == 0) with grade B (n % 3 == 1): 4, 16, 28; with the city's jurisdiction.
  std::set<std::string> expected = {Code(4), Code(16), Code(28)};
  std::set<std::string> got;
  std::string cursor;
  int pages = 0;
  do {
    auto [status, page] =
        Get("/api/v1/targets?name=%E6%98%9F%E8%BE%B0&grade=B&limit=2&cursor=" + cursor, "clerk");  // 星辰
    ASSERT_EQ(status, 200) << page.dump();
    EXPECT_EQ(page["limit"], 2);
    EXPECT_EQ(page["region"], "320400");
    EXPECT_EQ(page["bounded"], false);
    for (const auto& t : page["targets"]) {
      EXPECT_EQ(t["credit_grade"], "B");
      got.insert(t["credit_code"].get<std::string>());
    }
    cursor = page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(got, expected);
  // The county clerk sees its own county's only (4, 16, 28 are all in 320402)...
  auto [status, county] = Get("/api/v1/targets?cursor=&name=%E6%98%9F%E8%BE%B0&grade=A", "tn-clerk");
  ASSERT_EQ(status, 200);
  std::set<std::string> a;
  for (const auto& t : county["targets"]) a.insert(t["credit_code"].get<std::string>());
  EXPECT_EQ(a, (std::set<std::string>{Code(0), Code(12), Code(24), Code(36)}));
  // ...and asking for the other county is "not found", as for an unknown region.
  auto [outside, body] = Get("/api/v1/targets?cursor=&region=320411", "tn-clerk");
  EXPECT_EQ(outside, 404);
  EXPECT_EQ(body["message"], "region 320411 not found in your jurisdiction");
}

TEST_F(ClerkRoutesTest, ABadSearchParameterNamesItsField) {
  auto [s1, limit] = Get("/api/v1/targets?cursor=&limit=500", "clerk");
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(limit["code"], "bad_query");
  EXPECT_EQ(limit["details"]["field"], "limit");
  EXPECT_EQ(limit["message"], "每页条数应为 1 至 200 (limit: 1 to 200)");
  auto [s2, grade] = Get("/api/v1/targets?cursor=&grade=D", "clerk");
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(grade["details"]["field"], "grade");
  auto [s3, cursor] = Get("/api/v1/targets?cursor=zz", "clerk");
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(cursor["details"]["field"], "cursor");
  EXPECT_EQ(cursor["message"], "cursor: not a cursor of this query (查询条件变了，请从第一页开始)");
  auto [s4, status] = Get("/api/v1/inspectors?cursor=&status=gone", "clerk");
  EXPECT_EQ(s4, 400);
  EXPECT_EQ(status["details"]["field"], "status");
}

TEST_F(ClerkRoutesTest, InspectorsAreSearchedByNamePartAndShowTheirConflicts) {
  auto [status, page] = Get("/api/v1/inspectors?cursor=&name=%E6%98%9F%E8%BE%B0", "planner");  // 星辰
  ASSERT_EQ(status, 200) << page.dump();
  ASSERT_EQ(page["inspectors"].size(), 1u);
  EXPECT_EQ(page["inspectors"][0]["inspector_id"], "JS320400001");
  EXPECT_EQ(page["next_cursor"], "");
  auto declared = client_->Post("/api/v1/conflicts", As("clerk"),
                                json{{"inspector_id", "JS320400001"}, {"credit_code", Code(4)}, {"reason", "亲属任职"}}.dump(),
                                "application/json");
  ASSERT_TRUE(declared);
  EXPECT_EQ(declared->status, 201) << declared->body;
  auto [s2, record] = Get("/api/v1/inspectors/JS320400001", "clerk");
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(record["conflicts"], json::array({Code(4)}));
}

TEST_F(ClerkRoutesTest, ADryRunReturnsTheFileAsReadBesideItsProblemsAndWritesNothing) {
  const std::string csv =
      "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n" + Code(100) +
      ",常州新材料有限公司,320402,3971,12\n"
      "91320402MA1XXXXXX0,常州坏代码有限公司,320402,3971,8\n" +
      Code(102) + ",常州人数有限公司,320402,3971,很多\n";
  const uint64_t before = LogSize();
  ASSERT_GT(before, 0u);
  auto r = client_->Post("/api/v1/imports/targets?dry_run=1", As("clerk"), csv, "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  const json details = json::parse(r->body)["details"];
  EXPECT_EQ(details["bad_rows"], 2);
  ASSERT_EQ(details["problems"].size(), 2u) << details.dump();
  EXPECT_EQ(details["problems"][0]["row"], 3);
  EXPECT_EQ(details["problems"][0]["column"], "统一社会信用代码");
  EXPECT_EQ(details["problems"][1]["row"], 4);
  EXPECT_EQ(details["problems"][1]["column"], "职工人数");
  const json preview = details["preview"];
  EXPECT_EQ(preview["header"], json::array({"统一社会信用代码", "单位名称", "行政区划代码", "行业代码", "职工人数"}));
  EXPECT_EQ(preview["total_rows"], 3);
  ASSERT_EQ(preview["rows"].size(), 3u);
  EXPECT_EQ(preview["rows"][2]["row"], 4);
  EXPECT_EQ(preview["rows"][2]["cells"][4], "很多");
  EXPECT_EQ(LogSize(), before);
}

TEST_F(ClerkRoutesTest, TemplatesCarryTheHeadersTheImporterReads) {
  auto t = client_->Get("/api/v1/import-templates/targets", As("clerk"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, 200);
  EXPECT_EQ(t->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(t->get_header_value("Content-Disposition"), "attachment; filename=\"suiji-template-targets.csv\"");
  EXPECT_EQ(t->body,
            "\xEF\xBB\xBF统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数,劳动保障守法诚信等级,等级评定日期,"
            "是否列入黑名单,黑名单名称,列入日期,移出日期,和谐劳动关系星级,投诉举报次数,状态,所属机构\r\n");
  // The template with one row filled in imports (a dry run: every column recognised).
  const std::string filled = t->body + Code(200) + ",常州模板有限公司,320402,3971,15,A,2025-01-01,否,,,,0,0,正常,320400\r\n";
  auto dry = client_->Post("/api/v1/imports/targets?dry_run=1", As("clerk"), filled, "text/csv");
  ASSERT_TRUE(dry);
  EXPECT_EQ(dry->status, 200) << dry->body;
  EXPECT_EQ(json::parse(dry->body)["added"], 1);
  auto i = client_->Get("/api/v1/import-templates/inspectors", As("clerk"));
  ASSERT_TRUE(i);
  EXPECT_EQ(i->body, "\xEF\xBB\xBF执法证号,姓名,执法领域,业务专长,所属机构,行政区划代码,状态,是否辅助人员\r\n");
  auto unknown = client_->Get("/api/v1/import-templates/plans", As("clerk"));
  EXPECT_EQ(unknown->status, 404);
  // A planner may search but neither download templates nor import.
  auto planner = client_->Get("/api/v1/import-templates/targets", As("planner"));
  EXPECT_EQ(planner->status, 403);
  EXPECT_EQ(json::parse(planner->body)["code"], "forbidden");
  auto import = client_->Post("/api/v1/imports/targets?dry_run=1", As("planner"), filled, "text/csv");
  EXPECT_EQ(import->status, 403);
}

}  // namespace
}  // namespace suiji::http
