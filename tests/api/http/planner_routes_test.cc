// The task wizard's estimate (POST /api/v1/tasks/estimate, api/http/routes_planner.cc) over a
// real node on loopback: the counts it answers are exactly what a freeze of the same task
// then records (eligible employers, strata, quotas), it writes nothing, a count task whose
// grade C employers are drawn at 100% is reported with its real number of visits, and bad
// tasks are refused naming the field, in Chinese; only a planner may ask.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

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

class PlannerRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-planner-routes");
    Actor setup{"320000", "setup"};
    auto init = InitNode(NodePaths{dir_}, "test.suiji/planner", "planner route tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    // 12 employers: 8 in 320402 (two of grade C, one of grade A graded in 2025: exempt), 4 in
    // 320411 (one of grade C), and one with 5 staff (below the default minimum of 8).
    int n = 0;
    auto add = [&](const std::string& region, const std::string& grade, uint32_t headcount = 30) {
      directory::TargetRecord t;
      t.credit_code = testing_support::SampleCreditCode(region, static_cast<uint64_t>(100 + n));
      t.name = "常州测试单位" + std::to_string(n++) + "有限公司";
      t.region = region;
      t.industry = "3411";
      t.headcount = headcount;
      t.org_id = "320400";
      t.credit_grade = grade;
      if (!grade.empty()) t.grade_date = "2025-03-01";
      ASSERT_TRUE(dirs.UpsertTarget(t, setup).ok()) << t.credit_code;
    };
    for (const char* g : {"", "", "", "", "B", "C", "C", "A"}) add("320402", g);
    for (const char* g : {"", "B", "C", ""}) add("320411", g);
    add("320411", "", 5);
    for (int i = 1; i <= 4; ++i) {
      directory::InspectorRecord r;
      r.inspector_id = "JS320400" + std::to_string(i);
      r.name = "检查员" + std::to_string(i);
      r.domains = {"劳动保障监察"};
      r.region = "320400";
      r.org_id = "320400";
      ASSERT_TRUE(dirs.UpsertInspector(r, setup).ok());
    }
    directory::ItemListRecord items;
    items.org_id = "320400";
    items.effective_date = "2026-01-01";
    directory::ItemRecord item;
    item.item_id = "I1";
    item.name = "工资支付情况";
    item.implementing_body = "常州市人社局";
    item.legal_basis = "工资支付暂行规定";
    item.content = "检查工资台账";
    item.responsible_body = "劳动监察支队";
    items.items.push_back(item);
    auto published = dirs.PublishItemList(items, setup);
    ASSERT_TRUE(published.ok()) << published.status().ToString();
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    for (const char* role : {"planner", "registry_clerk"}) {
      identity::UserRecord u{std::string("city-") + role, role, "320400", {role}, "", {}, ""};
      ASSERT_TRUE(ids.RegisterUser(u, setup).ok());
      tokens_[role] = ids.IssueToken(u.user_id, "test", 0, setup)->token;
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
    auto [plan_status, plan] = Post("planner", "/api/v1/plans",
                                    R"({"plan_id": "P1", "org_id": "320400", "year": 2026,
                                        "title": "2026年度抽查计划", "filed_with_org_id": "320000"})");
    ASSERT_EQ(plan_status, 201) << plan.dump();
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::pair<int, json> Send(const std::string& role, const std::string& method, const std::string& path,
                            const std::string& body = "") {
    httplib::Headers h{{"Authorization", "Bearer " + tokens_[role]}};
    auto r = method == "GET" ? client_->Get(path.c_str(), h)
                             : client_->Post(path.c_str(), h, body, "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return {0, json()};
    json j;
    try {
      j = json::parse(r->body);
    } catch (...) {
      j = r->body;
    }
    return {r->status, j};
  }
  std::pair<int, json> Post(const std::string& role, const std::string& path, const std::string& body = "{}") {
    return Send(role, "POST", path, body);
  }

  uint64_t LogSize() { return json::parse(client_->Get("/healthz")->body)["log_size"].get<uint64_t>(); }

  static json Task(json extra) {
    json t = {{"task_id", "T1"},
              {"plan_id", "P1"},
              {"org_id", "320400"},
              {"title", "工资支付专项抽查"},
              {"item_list_version", 1},
              {"item_ids", {"I1"}},
              {"regions", {"320400"}},
              {"strata_by", "region"},
              {"window_start", "2026-06-01"},
              {"window_end", "2026-07-31"},
              {"inspectors", {{"team_size", 2}, {"substitutes", 1}}}};
    t.update(extra);
    return t;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(PlannerRoutesTest, TheEstimateIsWhatTheFreezeThenRecords) {
  const json task = Task({{"ratio_bp", 3000}, {"credit", {{"grade_c_ratio_bp", 5000}}}});
  const uint64_t before = LogSize();
  auto [status, est] = Post("planner", "/api/v1/tasks/estimate", task.dump());
  ASSERT_EQ(status, 200) << est.dump();
  EXPECT_EQ(LogSize(), before);  // nothing written
  // 13 employers: one below 8 staff (out of scope), one grade A graded in 2025 (exempt).
  EXPECT_EQ(est["targets"], 11);
  EXPECT_EQ(est["excluded"]["out_of_scope"], 1);
  EXPECT_EQ(est["excluded"]["grade_a"], 1);
  EXPECT_EQ(est["inspectors"], 4);
  EXPECT_EQ(est["plan_year"], 2026);
  EXPECT_EQ(est["freeze_refusal"], "");
  // 320402: 5 ordinary at 30% -> 2, 2 of grade C at 50% -> 1; 320411: 3 at 30% -> 1, 1 C -> 1.
  const json expected = json::array({
      {{"key", "320402"}, {"population", 5}, {"quota", 2}, {"grade_c", false}},
      {{"key", "320402/C"}, {"population", 2}, {"quota", 1}, {"grade_c", true}},
      {{"key", "320411"}, {"population", 3}, {"quota", 1}, {"grade_c", false}},
      {{"key", "320411/C"}, {"population", 1}, {"quota", 1}, {"grade_c", true}},
  });
  ASSERT_EQ(est["strata"].size(), expected.size()) << est.dump();
  for (size_t i = 0; i < expected.size(); ++i) {
    for (const char* k : {"key", "population", "quota", "grade_c"}) {
      EXPECT_EQ(est["strata"][i][k], expected[i][k]) << i << " " << k;
    }
  }
  EXPECT_EQ(est["visits"], 5);
  EXPECT_EQ(est["grade_c_visits"], 2);

  // Defined and frozen: the freeze records the same counts, strata and quotas.
  ASSERT_EQ(Post("planner", "/api/v1/tasks", task.dump()).first, 201);
  auto [f_status, f] = Post("planner", "/api/v1/tasks/T1/freeze");
  ASSERT_EQ(f_status, 201) << f.dump();
  auto [d_status, d] = Send("planner", "GET", "/api/v1/draws/T1-d1");
  ASSERT_EQ(d_status, 200) << d.dump();
  EXPECT_EQ(d["freeze"]["target_count"], est["targets"]);
  EXPECT_EQ(d["freeze"]["inspector_count"], est["inspectors"]);
  ASSERT_EQ(d["freeze"]["strata"].size(), est["strata"].size());
  for (size_t i = 0; i < est["strata"].size(); ++i) {
    EXPECT_EQ(d["freeze"]["strata"][i]["key"], est["strata"][i]["key"]);
    EXPECT_EQ(d["freeze"]["strata"][i]["population"], est["strata"][i]["population"]);
    EXPECT_EQ(d["freeze"]["strata"][i]["weight_total"], est["strata"][i]["weight_total"]);
    EXPECT_EQ(d["freeze"]["strata"][i]["quota"], est["strata"][i]["quota"]);
  }
  // The defined task's id is now taken: the estimate says so, on the field.
  auto [again_status, again] = Post("planner", "/api/v1/tasks/estimate", task.dump());
  EXPECT_EQ(again_status, 422);
  EXPECT_EQ(again["details"]["field"], "task_id");
  EXPECT_EQ(again["message"], "任务编号已被使用 (task \"T1\" is already defined)");
}

TEST_F(PlannerRoutesTest, ACountTaskDrawingGradeCWholeShowsItsRealSize) {
  // 2 visits asked for; grade C is drawn at 100% (the default) on top: 3 more.
  auto [status, est] = Post("planner", "/api/v1/tasks/estimate", Task({{"count", 2}}).dump());
  ASSERT_EQ(status, 200) << est.dump();
  EXPECT_EQ(est["count"], 2);
  EXPECT_EQ(est["grade_c_ratio_bp"], 10000);
  EXPECT_EQ(est["grade_c_visits"], 3);
  EXPECT_EQ(est["visits"], 5);
}

TEST_F(PlannerRoutesTest, BadTasksAreRefusedNamingTheField) {
  auto [both_status, both] =
      Post("planner", "/api/v1/tasks/estimate", Task({{"ratio_bp", 1000}, {"count", 3}}).dump());
  EXPECT_EQ(both_status, 422);
  EXPECT_EQ(both["code"], "invalid");
  EXPECT_EQ(both["details"]["field"], "ratio_bp");
  EXPECT_EQ(both["message"], "抽查比例与抽查数量只能填写一个 (state either ratio_bp or count, not both)");

  auto [plan_status, plan] =
      Post("planner", "/api/v1/tasks/estimate", Task({{"ratio_bp", 1000}, {"plan_id", "NOPE"}}).dump());
  EXPECT_EQ(plan_status, 422);
  EXPECT_EQ(plan["details"]["field"], "plan_id");
  EXPECT_EQ(plan["message"], "所选年度计划不存在 (task \"T1\" names unknown plan \"NOPE\")");

  auto [late_status, late] =
      Post("planner", "/api/v1/tasks/estimate", Task({{"ratio_bp", 1000}, {"window_end", "2026-12-31"}}).dump());
  EXPECT_EQ(late_status, 422);
  EXPECT_EQ(late["details"]["field"], "window_end");

  auto [key_status, key] = Post("planner", "/api/v1/tasks/estimate", R"({"task_idd": "T1"})");
  EXPECT_EQ(key_status, 422);
  EXPECT_EQ(key["code"], "invalid");

  // Too few inspectors for the team: estimated, with what a freeze would refuse.
  auto [team_status, team] = Post(
      "planner", "/api/v1/tasks/estimate", Task({{"ratio_bp", 1000}, {"inspectors", {{"team_size", 5}}}}).dump());
  ASSERT_EQ(team_status, 200) << team.dump();
  EXPECT_EQ(team["freeze_refusal"], "too_few_inspectors");

  // Only a planner asks, and only for its own jurisdiction.
  auto [clerk_status, clerk] = Post("registry_clerk", "/api/v1/tasks/estimate", Task({{"ratio_bp", 1000}}).dump());
  EXPECT_EQ(clerk_status, 403);
  EXPECT_EQ(clerk["code"], "forbidden");
  auto [outside_status, outside] =
      Post("planner", "/api/v1/tasks/estimate", Task({{"ratio_bp", 1000}, {"org_id", "320000"}}).dump());
  EXPECT_EQ(outside_status, 403);
  EXPECT_EQ(outside["code"], "outside_jurisdiction");
}

}  // namespace
}  // namespace suiji::http
