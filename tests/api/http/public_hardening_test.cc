// Issue 17, items 5 and 7 (part), over a real node on loopback:
//  - the public proof bundle (`GET /public/v1/bundles/{draw_id}`, no sign-in) is built outside
//    the state lock, once per draw and checkpoint: while a build is held in progress a write
//    and `/api/v1/me` complete; concurrent requests share one build; the bytes are those the
//    command line writes and they verify;
//  - no route tells a record of another county from an unknown id: every route that looks a
//    record up by id answers both alike (status and body, but for the id).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/http/bundle_cache.h"
#include "api/http/server.h"
#include "api/http/server_internal.h"
#include "api/identity_service.h"
#include "ledger/core/checkpoint.h"
#include "tests/support/inspection_fixture.h"
#include "tests/support/run_process.h"
#include "verifier/bundle_check.h"

namespace suiji::http {
namespace {

using nlohmann::json;

// County A (320402) holds the test's user; county B (320404) holds every record the user must
// not learn about: employers, inspectors, a user with a token, a plan, a task and its drawn,
// announced draw with one published result. Written through the services with the fixture's
// clock (June 2026), then served by a real server.
class PublicHardeningTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    using namespace directory;
    for (const OrgUnitRecord& o :
         {OrgUnitRecord{"320000", "江苏省人社厅", "320000", OrgLevel::Province, ""},
          OrgUnitRecord{"320400", "常州市人社局", "320400", OrgLevel::City, "320000"},
          OrgUnitRecord{"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"},
          OrgUnitRecord{"320404", "钟楼区人社局", "320404", OrgLevel::County, "320400"}}) {
      ASSERT_TRUE(dirsvc_->RegisterOrg(o, actor_).ok()) << o.org_id;
    }
    ItemListRecord list;
    list.org_id = "320404";
    list.effective_date = "2026-01-01";
    list.items.push_back({"I1", "劳动合同签订情况", "钟楼区人社局", "劳动合同法", "检查劳动合同",
                          InspectionMethod::OnSite, ItemKind::General, {"合同文本"}, "劳动监察大队"});
    ASSERT_TRUE(dirsvc_->PublishItemList(list, actor_).ok());
    for (int i = 0; i < 10; ++i) {
      TargetRecord t;
      t.region = "320404";
      t.credit_code = Code("320404", static_cast<uint64_t>(500 + i));
      t.name = "钟楼秘密企业" + std::to_string(i) + "有限公司";
      t.industry = "3411";
      t.headcount = 20;
      t.credit_grade = "B";
      t.grade_date = "2025-03-01";
      t.org_id = "320404";
      ASSERT_TRUE(dirsvc_->UpsertTarget(t, actor_).ok());
    }
    for (int i = 0; i < 6; ++i) {
      InspectorRecord r;
      r.inspector_id = "JS320404" + std::to_string(i);
      r.name = "钟楼检查员" + std::to_string(i);
      r.domains = {"劳动保障监察"};
      r.org_id = "320404";
      r.region = "320404";
      ASSERT_TRUE(dirsvc_->UpsertInspector(r, actor_).ok());
    }
    InspectorRecord mine;
    mine.inspector_id = "JS3204020";
    mine.name = "天宁检查员";
    mine.domains = {"劳动保障监察"};
    mine.org_id = "320402";
    mine.region = "320402";
    ASSERT_TRUE(dirsvc_->UpsertInspector(mine, actor_).ok());

    draw::PlanRecord plan{"P-B", "320404", 2026, "钟楼区2026年度抽查计划", "320400", 0, ""};
    ASSERT_TRUE(draws_->FilePlan(plan, actor_).ok());
    draw::TaskRecord task = SampleTask("T-B");
    task.plan_id = "P-B";
    task.org_id = "320404";
    task.regions = {"320404"};
    task.ratio_bp = 5000;
    auto defined = draws_->DefineTask(task, actor_);
    ASSERT_TRUE(defined.ok()) << defined.status().ToString();
    draw_ = RunCeremony("T-B");
    ASSERT_FALSE(draw_.empty());
    ASSERT_TRUE(inspections_->Sync().ok());
    SetDate("2026-06-03");
    ASSERT_TRUE(inspections_->Announce({draw_, "", {"张科长"}, true, "", ""}, actor_).ok());
    const draw::VisitRecord& v = FirstVisit(draw_);
    visit_code_ = v.credit_code;
    visit_member_ = v.team.at(0);
    RecordAndPublish(CleanResult(draw_, v, "2026-06-03"));

    IdentityService ids(*ledger_, ledger_->storage());
    ASSERT_TRUE(ids.Sync().ok());
    // One county-A user holding every role (so every route's role check passes).
    identity::UserRecord a{"a-all", "天宁区全角色", "320402",
                           {"registry_clerk", "planner", "inspector", "reviewer", "supervisor", "administrator"},
                           "JS3204020", {}, ""};
    auto reg = ids.RegisterUser(a, actor_);
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    token_a_ = ids.IssueToken("a-all", "", 0, actor_)->token;
    ASSERT_TRUE(ids.RegisterUser({"b-user", "钟楼区秘密用户", "320404", {"planner", "reviewer"}, "", {}, ""}, actor_).ok());
    auto issued_b = ids.IssueToken("b-user", "", 0, actor_);
    ASSERT_TRUE(issued_b.ok());
    token_b_id_ = issued_b->token_id;
    token_b_ = issued_b->token;
    // A checkpoint of the whole log, so the server's checkpoint timer has none to add while a
    // test runs (a newer checkpoint would rightly mean another bundle).
    ASSERT_TRUE(ledger_->IssueCheckpoint().ok());

    inspections_.reset();
    draws_.reset();
    dirsvc_.reset();
    projection_.reset();
    ledger_.reset();
    Start();
  }

  void TearDown() override {
    Stop();
    BundleCache::BuildingHookForTesting() = nullptr;
    BundleCache::JoinedHookForTesting() = nullptr;
    InspectionNodeTest::TearDown();
  }

  void Start() {
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
  }

  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  std::unique_ptr<httplib::Client> Client(int timeout_seconds = 20) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    c->set_read_timeout(timeout_seconds, 0);
    return c;
  }

  httplib::Headers Auth() { return {{"Authorization", "Bearer " + token_a_}}; }

  uint64_t LogSize() { return json::parse(Client()->Get("/healthz")->body)["log_size"].get<uint64_t>(); }

  std::string draw_, visit_code_, visit_member_, token_a_, token_b_id_, token_b_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// A gate a test hook waits at (bounded, so a broken server fails the test instead of hanging it).
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int arrived = 0;
  void Arrive() {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(30), [&] { return open; });
  }
  void Note() {
    std::lock_guard lock(mu);
    ++arrived;
    cv.notify_all();
  }
  bool WaitArrived(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return arrived >= n; });
  }
  void Open() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

TEST_F(PublicHardeningTest, ABundleBuildHoldsUpNeitherWritesNorReads) {
  Gate building;
  BundleCache::BuildingHookForTesting() = [&](const std::string&) { building.Arrive(); };
  auto bundle = std::async(std::launch::async, [&] { return Client()->Get("/public/v1/bundles/" + draw_); });
  ASSERT_TRUE(building.WaitArrived(1)) << "the bundle build never started";
  // The build is in progress (held at the hook): a signed-in read and a write go through.
  auto me = Client(5)->Get("/api/v1/me", Auth());
  ASSERT_TRUE(me) << "GET /api/v1/me did not complete while a bundle was being built";
  EXPECT_EQ(me->status, 200);
  auto write = Client(5)->Post("/api/v1/users/a-all/tokens", Auth(), "{}", "application/json");
  ASSERT_TRUE(write) << "a write did not complete while a bundle was being built";
  EXPECT_EQ(write->status, 201) << write->body;
  auto notices = Client(5)->Get("/public/v1/notices");
  ASSERT_TRUE(notices);
  EXPECT_EQ(notices->status, 200);
  building.Open();
  auto r = bundle.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["draw"], draw_);
}

TEST_F(PublicHardeningTest, ConcurrentRequestsForOneBundleShareOneBuildAndLaterOnesAreServedFromMemory) {
  Gate building, joined;
  std::atomic<int> builds{0};
  BundleCache::BuildingHookForTesting() = [&](const std::string&) {
    ++builds;
    building.Arrive();
  };
  BundleCache::JoinedHookForTesting() = [&](const std::string&) { joined.Note(); };
  const std::string path = "/public/v1/bundles/" + draw_;
  auto first = std::async(std::launch::async, [&] { return Client()->Get(path); });
  ASSERT_TRUE(building.WaitArrived(1));
  auto second = std::async(std::launch::async, [&] { return Client()->Get(path); });
  ASSERT_TRUE(joined.WaitArrived(1)) << "the second request did not wait for the running build";
  building.Open();
  auto a = first.get(), b = second.get();
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->status, 200) << a->body;
  ASSERT_EQ(b->status, 200) << b->body;
  EXPECT_EQ(a->body, b->body);
  auto c = Client()->Get(path);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->body, a->body);
  EXPECT_EQ(builds.load(), 1);
  const std::string metrics = Client()->Get("/metrics")->body;
  EXPECT_NE(metrics.find("suiji_public_bundle_builds_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("suiji_public_bundle_served_from_memory_total 2\n"), std::string::npos) << metrics;
  EXPECT_EQ(Client()->Get("/public/v1/bundles/nothing-d1")->status, 404);
}

// The server's bundle is byte for byte the one `suiji public bundle` writes against the same
// checkpoint (the command line builds it in one call, as before), and suiji-verify's bundle
// check accepts it.
TEST_F(PublicHardeningTest, TheServedBundleIsTheCliBundleAndVerifies) {
  auto r = Client()->Get("/public/v1/bundles/" + draw_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json doc = json::parse(r->body);
  // It carries the announcement and the published result, under a checkpoint covering them.
  std::set<std::string> types;
  for (const auto& e : doc["entries"]) types.insert(e["type"].get<std::string>());
  EXPECT_TRUE(types.count("TargetsAnnounced") && types.count("ResultPublished")) << doc["entries"].dump();
  Stop();
  const std::filesystem::path out = dir_ / "bundle.json";
  auto run = testing_support::RunBinary(SUIJI_BIN_SUIJI,
                                        {"public", "bundle", "--data", dir_.string(), draw_, "--out", out.string()},
                                        dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(testing_support::ReadFile(out), r->body);
  BundleCheckOptions options;
  auto key = ParseVerifierKey(doc["checkpoint"]["verifier_key"].get<std::string>());
  ASSERT_TRUE(key.ok());
  options.key = *key;
  options.threads = 1;
  const BundleReport report = CheckBundle(r->body, options);
  EXPECT_TRUE(report.ok()) << report.failures.front().what;
}

// An event of the draw after the bundle's checkpoint needs a checkpoint past it: one is
// taken, and the new bundle carries the event and verifies.
TEST_F(PublicHardeningTest, ANewEventOfTheDrawGetsANewCheckpointAndBundle) {
  const std::string path = "/public/v1/bundles/" + draw_;
  auto before = Client()->Get(path);
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200) << before->body;
  const httplib::Headers planner_b{{"Authorization", "Bearer " + token_b_}};
  auto declined = Client()->Post("/api/v1/draws/" + draw_ + "/decline", planner_b,
                                 json{{"credit_code", visit_code_}, {"inspector_id", visit_member_}, {"reason", "病假"}}
                                     .dump(),
                                 "application/json");
  ASSERT_TRUE(declined);
  ASSERT_EQ(declined->status, 201) << declined->body;
  const uint64_t decline_seq = json::parse(declined->body)["sequence"].get<uint64_t>();
  auto after = Client()->Get(path);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200) << after->body;
  const json doc = json::parse(after->body);
  bool carried = false;
  for (const auto& e : doc["entries"]) carried |= e["sequence"] == decline_seq && e["type"] == "AssignmentDeclined";
  EXPECT_TRUE(carried) << doc["entries"].dump();
  auto note = ParseNote(doc["checkpoint"]["note"].get<std::string>());
  ASSERT_TRUE(note.ok());
  auto cp = ParseCheckpoint(note->text);
  ASSERT_TRUE(cp.ok());
  EXPECT_GT(cp->size, decline_seq);
  BundleCheckOptions options;
  options.key = *ParseVerifierKey(doc["checkpoint"]["verifier_key"].get<std::string>());
  options.threads = 1;
  const BundleReport report = CheckBundle(after->body, options);
  EXPECT_TRUE(report.ok()) << report.failures.front().what;
}

// A credit re-evaluation of a published visit is a public follow-up of the draw: the bundle
// carries it as an extra (it used to be refused with 422 "... CreditReevaluated event ...
// never go into a public bundle"), verifies, and the command line writes the same bytes,
// which suiji-verify --bundle accepts.
TEST_F(PublicHardeningTest, ARegradedVisitKeepsItsBundleOverHttpAndOnTheCli) {
  const std::string path = "/public/v1/bundles/" + draw_;
  const httplib::Headers reviewer_b{{"Authorization", "Bearer " + token_b_}};
  auto regraded = Client()->Post("/api/v1/results/" + draw_ + "/" + visit_code_ + "/regrade", reviewer_b,
                                 json{{"grade", "C"}, {"date", "2026-06-03"}, {"reason", "拖欠工资"}}.dump(),
                                 "application/json");
  ASSERT_TRUE(regraded);
  ASSERT_EQ(regraded->status, 201) << regraded->body;
  const uint64_t regrade_seq = json::parse(regraded->body)["sequence"].get<uint64_t>();

  auto r = Client()->Get(path);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json doc = json::parse(r->body);
  std::vector<std::string> carried;
  for (const auto& e : doc["entries"]) {
    if (e["sequence"] == regrade_seq) carried.push_back(e["type"].get<std::string>());
  }
  EXPECT_EQ(carried, std::vector<std::string>{"CreditReevaluated"}) << doc["entries"].dump();
  BundleCheckOptions options;
  auto key = ParseVerifierKey(doc["checkpoint"]["verifier_key"].get<std::string>());
  ASSERT_TRUE(key.ok());
  options.key = *key;
  options.threads = 1;
  const BundleReport report = CheckBundle(r->body, options);
  ASSERT_TRUE(report.ok()) << report.failures.front().what;
  bool listed = false;
  for (const BundleEntry& x : report.extras) {
    listed |= x.sequence == regrade_seq && x.type == "CreditReevaluated" && x.role == "extra";
  }
  EXPECT_TRUE(listed);

  Stop();
  const std::filesystem::path out = dir_ / "regraded-bundle.json";
  auto made = testing_support::RunBinary(
      SUIJI_BIN_SUIJI, {"public", "bundle", "--data", dir_.string(), draw_, "--out", out.string()}, dir_);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(testing_support::ReadFile(out), r->body);
  auto checked = testing_support::RunBinary(
      SUIJI_BIN_VERIFY,
      {"--bundle", out.string(), "--key", doc["checkpoint"]["verifier_key"].get<std::string>()}, dir_);
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("OK: "), std::string::npos) << checked.out;
}

// --- the existence oracle --------------------------------------------------------------------

struct Probe {
  std::string method, path, body;
};

// Replaces every id by "<id>", so two replies can be compared but for the id they name.
std::string WithoutIds(std::string s, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    for (size_t at = 0; (at = s.find(id, at)) != std::string::npos;) s.replace(at, id.size(), "<id>");
  }
  return s;
}

TEST_F(PublicHardeningTest, ARecordOfAnotherCountyIsAnsweredExactlyLikeAnUnknownId) {
  const std::string unknown_code = testing_support::SampleCreditCode("320404", 9999);
  // Per placeholder: a record of county B, and an id nothing has.
  const std::map<std::string, std::pair<std::string, std::string>> ids = {
      {"user_id", {"b-user", "b-nobody"}},
      {"token_id", {token_b_id_, "t-nonexistent"}},
      {"credit_code", {visit_code_, unknown_code}},
      {"inspector_id", {"JS3204041", "JS3204049"}},
      {"plan_id", {"P-B", "P-NONE"}},
      {"task_id", {"T-B", "T-NONE"}},
      {"draw_id", {draw_, "T-NONE-d1"}},
  };
  // Bodies that pass each route's own checks, so the lookup is what answers.
  const std::map<std::string, std::string> bodies = {
      {"POST /api/v1/users/{user_id}/disable", R"({"reason": "离职"})"},
      {"POST /api/v1/users/{user_id}/password", R"({"password": "十个字符以上的新密码"})"},
      {"POST /api/v1/targets/{credit_code}/retire", R"({"reason": "注销", "moved": false})"},
      {"POST /api/v1/inspectors/{inspector_id}/retire", R"({"reason": "调离"})"},
      {"POST /api/v1/tasks/{task_id}/withdraw", R"({"reason": "撤回"})"},
      {"POST /api/v1/draws/{draw_id}/commit", R"({"drand": false, "witnesses": ["甲", "乙"]})"},
      {"POST /api/v1/draws/{draw_id}/reveal", R"({"witness_digits": ["12", "34"]})"},
      {"POST /api/v1/draws/{draw_id}/cancel", R"({"reason": "重抽"})"},
      {"POST /api/v1/draws/{draw_id}/decline",
       R"({"credit_code": ")" + visit_code_ + R"(", "inspector_id": "JS3204041", "reason": "病假"})"},
      {"POST /api/v1/draws/{draw_id}/announce", R"({"confirmed_by": ["科长"]})"},
      {"POST /api/v1/results/{draw_id}/{credit_code}/review", R"({"approve": true})"},
      {"POST /api/v1/results/{draw_id}/{credit_code}/correct", R"({"reason": "更正", "result": {}})"},
      {"POST /api/v1/results/{draw_id}/{credit_code}/notes", R"({"note": "备注"})"},
      {"POST /api/v1/results/{draw_id}/{credit_code}/transfer",
       R"({"kind": "department", "to": "市场监管局", "date": "2026-06-03", "reason": "移送"})"},
      {"POST /api/v1/results/{draw_id}/{credit_code}/regrade",
       R"({"grade": "C", "date": "2026-06-03", "reason": "降级"})"},
  };
  const std::map<std::string, std::string> queries = {
      {"DELETE /api/v1/tokens/{token_id}", "?reason=x"},
      {"DELETE /api/v1/conflicts/{inspector_id}/{credit_code}", "?reason=x"},
  };
  // Routes with an id in their path that look up no record of a jurisdiction, and why.
  const std::set<std::string> not_jurisdictional = {
      "GET /api/v1/orgs/{org_id}",      // org units are public bodies
      "GET /api/v1/items/{org_id}",     // item lists are published (R1)
      "GET /api/v1/calendar/{year}",    // national
      "POST /api/v1/imports/{kind}",    // no record
      "GET /api/v1/import-templates/{kind}",  // a fixed header row, no record
      // A verification job covers the whole node: only a supervisor covering it may ask.
      "GET /api/v1/verify/jobs/{job_id}",
      // Register-or-update by id: an id in use elsewhere cannot be registered again, so its
      // refusal necessarily says the id is taken (it names nothing else; see api/http/README.md).
      "PUT /api/v1/targets/{credit_code}",
      "PUT /api/v1/inspectors/{inspector_id}",
      // Public: no jurisdiction at all.
      "GET /public/v1/draws/{draw_id}",
      "GET /public/v1/plans/{plan_id}",
      "GET /public/v1/tasks/{task_id}",
      "GET /public/v1/bundles/{draw_id}",
      "GET /public/draws/{draw_id}",
      "GET /public/tasks/{task_id}",
      "GET /public/plans/{plan_id}",
  };

  std::vector<std::pair<Probe, Probe>> probes;  // (another county's record, an unknown id)
  std::vector<std::string> names;
  for (const Route& route : ApiRoutes()) {
    if (route.path.find('{') == std::string::npos) continue;
    const std::string name = route.method + " " + route.path;
    if (not_jurisdictional.count(name) > 0) continue;
    if (route.path == "/api/v1/history/{kind}/{id}") {
      for (const auto& [kind, placeholder] : {std::pair{"target", "credit_code"}, {"inspector", "inspector_id"}}) {
        const auto& [x, u] = ids.at(placeholder);
        probes.push_back({{"GET", std::string("/api/v1/history/") + kind + "/" + x, ""},
                          {"GET", std::string("/api/v1/history/") + kind + "/" + u, ""}});
        names.push_back(name + " (" + kind + ")");
      }
      continue;
    }
    std::string x = route.path, u = route.path;
    for (size_t at; (at = x.find('{')) != std::string::npos;) {
      const std::string placeholder = x.substr(at + 1, x.find('}', at) - at - 1);
      ASSERT_TRUE(ids.count(placeholder)) << name << ": the test has no ids for {" << placeholder
                                          << "}: audit the route and add them";
      x.replace(at, placeholder.size() + 2, ids.at(placeholder).first);
      const size_t uat = u.find('{');
      u.replace(uat, placeholder.size() + 2, ids.at(placeholder).second);
    }
    const std::string q = queries.count(name) ? queries.at(name) : "";
    const std::string body = bodies.count(name) ? bodies.at(name) : (route.method == "GET" ? "" : "{}");
    probes.push_back({{route.method, x + q, body}, {route.method, u + q, body}});
    names.push_back(name);
  }
  // Ids in bodies and queries.
  const json result = {{"draw_id", "<draw>"},
                       {"credit_code", "<code>"},
                       {"inspection_date", "2026-06-03"},
                       {"items", {{{"item_id", "I1"}, {"outcome", "no_problem"}}}},
                       {"team", {"JS3204020"}},
                       {"confirmed_by", {"JS3204020"}}};
  for (int i = 0; i < 2; ++i) {
    const bool other = i == 0;
    auto pick = [&](const char* p) { return other ? ids.at(p).first : ids.at(p).second; };
    json r = result;
    r["draw_id"] = pick("draw_id");
    r["credit_code"] = pick("credit_code");
    const std::vector<Probe> body_probes = {
        {"POST", "/api/v1/conflicts",
         json{{"inspector_id", pick("inspector_id")}, {"credit_code", visit_code_}, {"reason", "亲属"}}.dump()},
        {"POST", "/api/v1/results", r.dump()},
        {"POST", "/api/v1/users",
         json{{"user_id", "a-new"}, {"name", "新用户"}, {"org_id", "320402"}, {"roles", {"inspector"}},
              {"inspector_id", pick("inspector_id")}}.dump()},
        {"GET", "/api/v1/stats?today=2026-06-03&draw=" + pick("draw_id"), ""},
    };
    for (size_t k = 0; k < body_probes.size(); ++k) {
      if (other) {
        probes.push_back({body_probes[k], {}});
        names.push_back(body_probes[k].method + " " + body_probes[k].path.substr(0, body_probes[k].path.find('?')) +
                        " (id in the body or query)");
      } else {
        probes[probes.size() - body_probes.size() + k].second = body_probes[k];
      }
    }
  }
  ASSERT_GE(probes.size(), 30u);  // 30 routes with ids in their path, 4 with ids in the body or query

  std::vector<std::string> all_ids;
  for (const auto& [p, xu] : ids) {
    all_ids.push_back(xu.first);
    all_ids.push_back(xu.second);
  }
  std::sort(all_ids.begin(), all_ids.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  const uint64_t before = LogSize();
  auto client = Client();
  auto send = [&](const Probe& p) {
    httplib::Headers h = Auth();
    if (p.method == "GET") return client->Get(p.path, h);
    if (p.method == "POST") return client->Post(p.path, h, p.body, "application/json");
    if (p.method == "PUT") return client->Put(p.path, h, p.body, "application/json");
    return client->Delete(p.path, h, p.body, "application/json");
  };
  for (size_t i = 0; i < probes.size(); ++i) {
    auto x = send(probes[i].first);
    auto u = send(probes[i].second);
    ASSERT_TRUE(x && u) << names[i];
    EXPECT_GE(x->status, 400) << names[i] << " acted on another county's record: " << x->body;
    EXPECT_EQ(x->status, u->status) << names[i] << "\n  other county: " << x->body << "\n  unknown: " << u->body;
    EXPECT_EQ(WithoutIds(x->body, all_ids), WithoutIds(u->body, all_ids))
        << names[i] << "\n  other county: " << x->body << "\n  unknown: " << u->body;
    for (const char* secret : {"钟楼秘密企业", "钟楼检查员", "钟楼区秘密用户", "钟楼区2026"}) {
      EXPECT_EQ(x->body.find(secret), std::string::npos) << names[i] << " named " << secret << ": " << x->body;
    }
  }
  EXPECT_EQ(LogSize(), before) << "a refused request wrote";
}

}  // namespace
}  // namespace suiji::http
