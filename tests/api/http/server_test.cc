// The HTTP API (api/http/server.h) over a real node on loopback: the authorisation matrix,
// jurisdiction, malformed and oversized requests, idempotent retries (also across a restart),
// token revocation, signed requests, the failed-authentication limit, the event stream's
// resume, and openapi.json against the routes actually served.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/http/server_internal.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/core/directory/records.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"
#include "tests/support/gb18030.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;

constexpr const char* kRoles[] = {"registry_clerk", "planner",    "inspector",
                                  "reviewer",       "supervisor", "administrator"};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-http");
    Actor setup{"320000", "setup"};
    auto init = InitNode(NodePaths{dir_}, "test.suiji/http", "http tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    using directory::OrgLevel;
    ASSERT_TRUE(dirs.RegisterOrg({"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"}, setup).ok());
    ASSERT_TRUE(dirs.RegisterOrg({"320411", "新北区人社局", "320411", OrgLevel::County, "320400"}, setup).ok());
    for (const char* region : {"320402", "320411"}) {
      directory::TargetRecord t;
      t.credit_code = testing_support::SampleCreditCode(region, 1);
      t.name = std::string("常州示例") + region + "有限公司";
      t.region = region;
      t.industry = "3411";
      t.headcount = 20;
      t.org_id = "320400";
      ASSERT_TRUE(dirs.UpsertTarget(t, setup).ok());
      codes_[region] = t.credit_code;
    }
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    // One user per role at the city, plus a county clerk and the province administrator.
    for (const char* role : kRoles) {
      identity::UserRecord u{std::string("city-") + role, role, "320400", {role}, "", {}, ""};
      if (std::string(role) == "inspector") u.inspector_id = "JS3204001";
      ASSERT_TRUE(ids.RegisterUser(u, setup).ok());
      tokens_[role] = ids.IssueToken(u.user_id, "test", 0, setup)->token;
    }
    ASSERT_TRUE(ids.RegisterUser({"county-clerk", "县级登记员", "320402", {"registry_clerk"}, "", {}, ""}, setup).ok());
    county_clerk_ = ids.IssueToken("county-clerk", "", 0, setup)->token;
    ASSERT_TRUE(ids.RegisterUser({"prov-admin", "省管理员", "320000", {"administrator", "supervisor"}, "", {}, ""},
                                 setup).ok());
    admin_ = ids.IssueToken("prov-admin", "", 0, setup)->token;
    init->ledger.reset();
    projection->reset();
    if (start_in_process_) Start();
  }

  void TearDown() override {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  void Start() {
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    o.max_body_bytes = 64 * 1024;
    o.max_string_bytes = 1000;
    o.auth_failures_per_minute = auth_failures_per_minute_;
    o.sse_poll_ms = 20;
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }

  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  httplib::Headers Auth(const std::string& token, const std::string& key = "") {
    httplib::Headers h{{"Authorization", "Bearer " + token}};
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    return h;
  }

  httplib::Result Call(const std::string& method, const std::string& path, const httplib::Headers& h,
                       const std::string& body = "") {
    if (method == "GET") return client_->Get(path.c_str(), h);
    if (method == "POST") return client_->Post(path.c_str(), h, body, "application/json");
    if (method == "PUT") return client_->Put(path.c_str(), h, body, "application/json");
    return client_->Delete(path.c_str(), h, body, "application/json");
  }

  uint64_t LogSize() {
    auto r = client_->Get("/healthz");
    return json::parse(r->body)["log_size"].get<uint64_t>();
  }

  // A user the province administrator registers with the user's own public key, and the
  // bearer token the user then issues itself by a signed request: nobody issues a token for
  // another user (separation of duties).
  std::string EnrolledToken(json user) {
    KeyPair k = KeyPair::Generate();
    user["public_key"] = ToHex(ByteView(k.public_key().data(), k.public_key().size()));
    auto reg = client_->Post("/api/v1/users", Auth(admin_), user.dump(), "application/json");
    EXPECT_EQ(reg->status, 201) << reg->body;
    const std::string id = user["user_id"], path = "/api/v1/users/" + id + "/tokens", body = "{}";
    const std::string ts = std::to_string(std::time(nullptr));
    const std::string msg = "suiji-request/1\nPOST\n" + path + "\n" + ts + "\n" + ToHex(Sha256(AsBytes(body)));
    const std::string sig = ToBase64(k.Sign(AsBytes(msg)));
    auto t = client_->Post(path.c_str(), {{"Authorization", "Suiji-Ed25519 " + id + " " + ts + " " + sig}}, body,
                           "application/json");
    EXPECT_EQ(t->status, 201) << t->body;
    return json::parse(t->body).value("token", "");
  }

  bool start_in_process_ = true;
  int auth_failures_per_minute_ = 5;
  std::filesystem::path dir_;
  std::map<std::string, std::string> codes_;   // region -> an employer there
  std::map<std::string, std::string> tokens_;  // role -> token of the city user
  std::string county_clerk_, admin_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// cpp-httplib listens with a backlog of 5; the server raises it once bound, so a burst of
// new connections is queued instead of losing SYNs (retried by clients after a second).
// `ss` (iproute2) shows a listening socket's backlog as its Send-Q.
TEST_F(HttpServerTest, TheListeningSocketQueuesABurstOfConnections) {
  const std::string cmd = "ss -ltnH 'sport = :" + std::to_string(server_->port()) + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char line[512] = {};
  const bool got = std::fgets(line, sizeof line, p) != nullptr;
  ::pclose(p);
  ASSERT_TRUE(got) << "no listening socket on port " << server_->port();
  std::istringstream in(line);
  std::string state;
  uint64_t recv_q = 0, backlog = 0;
  in >> state >> recv_q >> backlog;
  EXPECT_EQ(state, "LISTEN") << line;
  EXPECT_GE(backlog, 128u) << line;
}

// Every /api/v1 route × every role. Written out by hand from the issue's roles (not read from
// the server's table), so a route opened to the wrong role fails here.
TEST_F(HttpServerTest, AuthorisationMatrix) {
  const std::string code = codes_["320402"];
  struct Expect {
    std::string method, path;
    std::set<std::string> allowed;  // "*": every authenticated user
    std::string body = "{}";        // inputs that are refused or name nothing, so nothing is written
  };
  const std::set<std::string> dir_readers = {"registry_clerk", "planner", "supervisor"};
  const std::set<std::string> draw_readers = {"planner", "reviewer", "inspector", "supervisor"};
  const std::set<std::string> visit_readers = {"inspector", "reviewer", "supervisor"};
  const std::string visit = "/api/v1/results/D1/" + code;
  const std::vector<Expect> matrix = {
      {"GET", "/api/v1/me", {"*"}},
      {"POST", "/api/v1/users", {"administrator"}},
      {"POST", "/api/v1/users/nobody/disable", {"administrator"}},
      {"POST", "/api/v1/users/nobody/tokens", {"*"}},  // 403 separation_of_duties: only for oneself
      {"DELETE", "/api/v1/tokens/tnone", {"administrator"}},
      {"GET", "/api/v1/session", {"*"}},
      {"DELETE", "/api/v1/session", {"*"}},  // signs out a session; with a token nothing to end
      {"POST", "/api/v1/users/nobody/password", {"administrator"}, R"({"password": "0123456789abc"})"},
      {"GET", "/api/v1/targets", {"registry_clerk", "planner", "supervisor"}},
      {"GET", "/api/v1/targets/" + code, {"registry_clerk", "planner", "supervisor"}},
      {"PUT", "/api/v1/targets/" + code, {"registry_clerk"}},
      {"GET", "/api/v1/inspectors/JS1", {"registry_clerk", "planner", "supervisor"}},
      {"POST", "/api/v1/plans", {"planner"}},
      {"GET", "/api/v1/plans/P1", {"planner", "reviewer", "inspector", "supervisor"}},
      {"POST", "/api/v1/tasks", {"planner"}},
      {"GET", "/api/v1/tasks/T1", {"planner", "reviewer", "inspector", "supervisor"}},
      {"POST", "/api/v1/tasks/T1/freeze", {"planner"}},
      {"POST", "/api/v1/draws/D1/commit", {"planner"}},
      {"POST", "/api/v1/draws/D1/reveal", {"planner"}},
      {"GET", "/api/v1/draws/D1", {"planner", "reviewer", "inspector", "supervisor"}},
      {"POST", "/api/v1/draws/D1/announce", {"planner"}},
      {"POST", "/api/v1/results", {"inspector"}},
      {"POST", "/api/v1/results/D1/" + code + "/confirm", {"inspector"}},
      {"POST", "/api/v1/results/D1/" + code + "/submit", {"inspector"}},
      {"POST", "/api/v1/results/D1/" + code + "/review", {"reviewer"}},
      {"POST", "/api/v1/results/D1/" + code + "/publish", {"reviewer"}},
      {"GET", "/api/v1/results/D1/" + code, {"inspector", "reviewer", "supervisor"}},
      {"GET", "/api/v1/overdue", {"reviewer", "supervisor"}},
      {"GET", "/api/v1/events?from=999999", {"supervisor"}},
      {"POST", "/api/v1/orgs", {"administrator"}},
      {"GET", "/api/v1/orgs", {"*"}},
      {"GET", "/api/v1/orgs/320400", {"*"}},
      {"POST", "/api/v1/targets/" + code + "/retire", {"registry_clerk"}, R"({"moved": "yes"})"},
      {"GET", "/api/v1/inspectors", dir_readers},
      {"PUT", "/api/v1/inspectors/JS9", {"registry_clerk"}, R"({"status": "unknown"})"},
      {"POST", "/api/v1/inspectors/JS9/retire", {"registry_clerk"}},
      {"POST", "/api/v1/conflicts", {"registry_clerk"}},
      {"DELETE", "/api/v1/conflicts/JS9/" + code, {"registry_clerk"}},
      {"GET", "/api/v1/items/320400", {"*"}},
      {"GET", "/api/v1/history/target/" + code, dir_readers},
      {"POST", "/api/v1/calendar", {"administrator"}, R"({"table": "not a schedule"})"},
      {"GET", "/api/v1/calendar/2026", {"*"}},
      {"GET", "/api/v1/working-days?date=2026-09-30&days=2", {"*"}},
      {"POST", "/api/v1/imports/targets", {"registry_clerk"}, "no,such,columns\n"},
      {"GET", "/api/v1/import-templates/targets", {"registry_clerk"}},
      {"GET", "/api/v1/plans", draw_readers},
      {"GET", "/api/v1/tasks", draw_readers},
      {"POST", "/api/v1/tasks/T1/withdraw", {"planner"}},
      {"POST", "/api/v1/tasks/estimate", {"planner"}},
      {"GET", "/api/v1/plans/P1/versions", draw_readers},
      {"POST", "/api/v1/draws/D1/cancel", {"planner"}},
      {"POST", "/api/v1/draws/D1/decline", {"planner"}},
      {"GET", "/api/v1/draws/D1/frozen", draw_readers},
      {"GET", "/api/v1/results", visit_readers},
      {"GET", "/api/v1/visits?mine=1", {"inspector"}},
      {"POST", visit + "/correct", {"reviewer"}},
      {"POST", visit + "/notes", {"inspector", "reviewer"}},
      {"POST", visit + "/transfer", {"reviewer"}},
      {"POST", visit + "/regrade", {"reviewer"}},
      {"GET", visit + "/sheet", visit_readers},
      {"GET", "/api/v1/stats", {"planner", "reviewer", "supervisor"}},
      {"GET", "/api/v1/verify", {"supervisor"}},
      {"GET", "/api/v1/users", {"administrator"}},
      {"POST", "/api/v1/verify/jobs", {"supervisor"}},
      {"GET", "/api/v1/verify/jobs/none", {"supervisor"}},
  };
  // The matrix names every authenticated route the server serves (and no other).
  for (const Route& route : ApiRoutes()) {
    if (route.is_public) continue;
    const std::regex re(std::regex_replace(route.path, std::regex(R"(\{[a-z_]+\})"), "[^/?]+") + "(\\?.*)?");
    const bool listed = std::any_of(matrix.begin(), matrix.end(), [&](const Expect& e) {
      return e.method == route.method && std::regex_match(e.path, re);
    });
    EXPECT_TRUE(listed) << route.method << " " << route.path << " is served but not in the matrix";
  }
  const uint64_t before = LogSize();
  for (const auto& e : matrix) {
    for (const char* role : kRoles) {
      const bool allowed = e.allowed.contains("*") || e.allowed.contains(role);
      if (e.path.starts_with("/api/v1/events") && allowed) continue;  // a stream: see EventStream
      auto r = Call(e.method, e.path, Auth(tokens_[role]), e.body);
      ASSERT_TRUE(r) << e.method << " " << e.path;
      std::string code_field;
      try {
        code_field = json::parse(r->body).value("code", "");
      } catch (...) {
      }
      SCOPED_TRACE(e.method + " " + e.path + " as " + role + ": " + std::to_string(r->status) + " " + r->body);
      EXPECT_NE(r->status, 401);
      if (allowed) {
        EXPECT_FALSE(r->status == 403 && code_field == "forbidden");
        EXPECT_LT(r->status, 500);
        EXPECT_NE(code_field, "no_route");
      } else {
        EXPECT_EQ(r->status, 403);
        EXPECT_EQ(code_field, "forbidden");
      }
    }
  }
  // Refused requests wrote nothing; the allowed ones had empty or unknown inputs.
  EXPECT_EQ(LogSize(), before);
}

// Without credentials, or with a wrong token, every authenticated route is 401 (the server
// is restarted with a failed-authentication limit above the number of routes).
TEST_F(HttpServerTest, EveryRouteNeedsCredentials) {
  Stop();
  auth_failures_per_minute_ = 1000;
  Start();
  const uint64_t before = LogSize();
  size_t checked = 0;
  for (const Route& route : ApiRoutes()) {
    if (route.is_public) continue;
    const std::string path = std::regex_replace(route.path, std::regex(R"(\{[a-z_]+\})"), "x");
    for (const httplib::Headers& h : {httplib::Headers{}, Auth("sj_not_a_token")}) {
      auto r = Call(route.method, path, h, "{}");
      ASSERT_TRUE(r) << route.method << " " << path;
      EXPECT_EQ(r->status, 401) << route.method << " " << path << ": " << r->body;
      EXPECT_EQ(json::parse(r->body)["code"], "unauthenticated") << route.method << " " << path;
      ++checked;
    }
  }
  EXPECT_GE(checked, 2 * 50u);
  EXPECT_EQ(LogSize(), before);
}

TEST_F(HttpServerTest, JurisdictionNeverLeaks) {
  const std::string mine = codes_["320402"], theirs = codes_["320411"];
  auto own = client_->Get(("/api/v1/targets/" + mine).c_str(), Auth(county_clerk_));
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
  EXPECT_EQ(json::parse(own->body)["name"], "常州示例320402有限公司");
  auto other = client_->Get(("/api/v1/targets/" + theirs).c_str(), Auth(county_clerk_));
  EXPECT_EQ(other->status, 404);
  EXPECT_EQ(other->body.find("320411有限公司"), std::string::npos);
  auto list = client_->Get("/api/v1/targets?region=320411", Auth(county_clerk_));
  EXPECT_EQ(list->status, 404);
  auto mine_list = client_->Get("/api/v1/targets", Auth(county_clerk_));
  ASSERT_EQ(mine_list->status, 200);
  EXPECT_EQ(json::parse(mine_list->body)["targets"].size(), 1u);
  // Writing in another county: 403 and nothing written.
  const uint64_t before = LogSize();
  auto put = client_->Put(("/api/v1/targets/" + theirs).c_str(), Auth(county_clerk_),
                          R"({"name":"改名","region":"320411","industry":"3411","headcount":5})",
                          "application/json");
  EXPECT_EQ(put->status, 403);
  EXPECT_EQ(LogSize(), before);
  // The city clerk covers both counties.
  auto city = client_->Get("/api/v1/targets?region=320400", Auth(tokens_["registry_clerk"]));
  ASSERT_EQ(city->status, 200);
  EXPECT_EQ(json::parse(city->body)["targets"].size(), 2u);
  // The event stream carries every county's events: not for a city supervisor.
  auto stream = client_->Get("/api/v1/events", Auth(tokens_["supervisor"]));
  EXPECT_EQ(stream->status, 403);
  // Neither the other county's history nor the city's inspectors; a limit of 0 is not "all".
  auto history = client_->Get(("/api/v1/history/target/" + theirs).c_str(), Auth(county_clerk_));
  EXPECT_EQ(history->status, 404);
  EXPECT_EQ(history->body.find("有限公司"), std::string::npos);  // the request names the code, never the record
  EXPECT_EQ(client_->Get("/api/v1/inspectors?org=320400", Auth(county_clerk_))->status, 404);
  auto unlimited = client_->Get("/api/v1/targets?limit=0", Auth(county_clerk_));
  ASSERT_EQ(unlimited->status, 200);
  EXPECT_EQ(json::parse(unlimited->body)["limit"], 1000);
  // An import cannot change the other county's employer by naming it with a home region.
  const std::string csv = "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n" + theirs +
                          ",改名有限公司,320402,3411,5\n";
  auto import = client_->Post("/api/v1/imports/targets?org=320402", Auth(county_clerk_), csv, "text/csv");
  ASSERT_TRUE(import);
  EXPECT_EQ(import->status, 422);
  const json problems = json::parse(import->body)["details"]["problems"];
  ASSERT_EQ(problems.size(), 1u) << import->body;
  EXPECT_NE(problems[0]["reason"].get<std::string>().find("registered in region 320411"), std::string::npos);
  // An administrator of a county cannot take over a user of the province.
  const std::string county_admin = EnrolledToken(
      json::parse(R"({"user_id":"county-admin","name":"县管理员","org_id":"320402","roles":["administrator"]})"));
  const uint64_t before_takeover = LogSize();
  auto takeover = client_->Post("/api/v1/users", Auth(county_admin),
                                R"({"user_id":"prov-admin","name":"冒名","org_id":"320402","roles":["administrator"]})",
                                "application/json");
  EXPECT_EQ(takeover->status, 403);
  EXPECT_EQ(client_->Post("/api/v1/users/prov-admin/tokens", Auth(county_admin), "{}", "application/json")->status,
            403);
  EXPECT_EQ(LogSize(), before_takeover);
}

TEST_F(HttpServerTest, BadRequestsAreRefusedAndWriteNothing) {
  const uint64_t before = LogSize();
  const auto h = Auth(admin_);
  auto bad_json = client_->Post("/api/v1/users", h, "{\"user_id\": ", "application/json");
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_EQ(json::parse(bad_json->body)["code"], "bad_json");
  auto bad_utf8 = client_->Post("/api/v1/users", h, "{\"name\": \"\xe5\x90\"}", "application/json");
  EXPECT_EQ(bad_utf8->status, 400);
  EXPECT_EQ(json::parse(bad_utf8->body)["code"], "bad_utf8");
  auto overlong = client_->Post("/api/v1/users", h, "{\"name\": \"\xc0\xaf\"}", "application/json");
  EXPECT_EQ(overlong->status, 400);
  auto huge = client_->Post("/api/v1/users", h, std::string(70 * 1024, ' '), "application/json");
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(json::parse(huge->body)["code"], "too_large");
  // Refused on its Content-Length before the body is read, credentials or not.
  auto huge_public = client_->Post("/public/v1/notices", std::string(200 * 1024, 'x'), "text/plain");
  EXPECT_EQ(huge_public->status, 413);
  auto long_field = client_->Post(
      "/api/v1/users", h, json{{"user_id", "u1"}, {"name", std::string(2000, 'x')}}.dump(), "application/json");
  EXPECT_EQ(long_field->status, 413);
  EXPECT_NE(long_field->body.find("name"), std::string::npos);
  auto unknown_key = client_->Post("/api/v1/users", h, R"({"user_id":"u1","nmae":"x"})", "application/json");
  EXPECT_EQ(unknown_key->status, 422);
  EXPECT_NE(unknown_key->body.find("nmae"), std::string::npos);
  auto bad_role = client_->Post("/api/v1/users", h,
                                R"({"user_id":"u1","name":"x","org_id":"320400","roles":["king"]})",
                                "application/json");
  EXPECT_EQ(bad_role->status, 422);
  EXPECT_NE(bad_role->body.find("king"), std::string::npos);
  auto no_route = client_->Get("/api/v1/nothing", h);
  EXPECT_EQ(no_route->status, 404);
  EXPECT_EQ(json::parse(no_route->body)["code"], "no_route");
  EXPECT_EQ(LogSize(), before);
  // Query parameters are inputs too: a reason that is not UTF-8, or too long, is refused and
  // the token is not revoked.
  auto issued = client_->Post("/api/v1/users/city-planner/tokens", Auth(tokens_["planner"]), "{}", "application/json");
  ASSERT_EQ(issued->status, 201) << issued->body;
  const std::string token_id = json::parse(issued->body)["token_id"];
  const uint64_t before_revoke = LogSize();
  auto bad_reason = client_->Delete(("/api/v1/tokens/" + token_id + "?reason=%FF%FE%C0%AF").c_str(), h);
  EXPECT_EQ(bad_reason->status, 400) << bad_reason->body;
  EXPECT_EQ(json::parse(bad_reason->body)["code"], "bad_utf8");
  auto long_reason = client_->Delete(("/api/v1/tokens/" + token_id + "?reason=" + std::string(2000, 'x')).c_str(), h);
  EXPECT_EQ(long_reason->status, 413) << long_reason->body;
  EXPECT_NE(long_reason->body.find("reason"), std::string::npos);
  EXPECT_EQ(LogSize(), before_revoke);
  EXPECT_EQ(client_->Get("/api/v1/me", Auth(json::parse(issued->body)["token"]))->status, 200);
  const uint64_t before_stale = LogSize();
  httplib::Headers stale = h;
  stale.emplace("X-Expected-Sequence", "3");
  auto s = client_->Post("/api/v1/users", stale,
                         R"({"user_id":"u1","name":"x","org_id":"320400","roles":["planner"]})", "application/json");
  EXPECT_EQ(s->status, 409);
  EXPECT_EQ(json::parse(s->body)["details"]["next_sequence"], before_stale);
  EXPECT_EQ(LogSize(), before_stale);
}

TEST_F(HttpServerTest, IdempotentRetriesMakeOneEvent) {
  const std::string body = R"({"user_id":"u2","name":"李四","org_id":"320402","roles":["planner"]})";
  const uint64_t before = LogSize();
  auto first = client_->Post("/api/v1/users", Auth(admin_, "retry-1"), body, "application/json");
  ASSERT_EQ(first->status, 201) << first->body;
  auto again = client_->Post("/api/v1/users", Auth(admin_, "retry-1"), body, "application/json");
  EXPECT_EQ(again->status, 201);
  EXPECT_EQ(again->body, first->body);
  EXPECT_EQ(LogSize(), before + 1);
  auto other = client_->Post("/api/v1/users", Auth(admin_, "retry-1"),
                             R"({"user_id":"u3","name":"王五","org_id":"320402","roles":["planner"]})",
                             "application/json");
  EXPECT_EQ(other->status, 422);
  EXPECT_EQ(json::parse(other->body)["code"], "idempotency_key_reused");
  auto retried = client_->Post("/api/v1/users", Auth(admin_, "retry-1"), body, "application/json");
  EXPECT_EQ(retried->status, 201) << "the refusal did not replace the key's reply: " << retried->body;
  EXPECT_EQ(retried->body, first->body);
  // A stale expected sequence is not the key's reply: the retry at the right sequence writes.
  const std::string body5 = R"({"user_id":"u5","name":"孙七","org_id":"320402","roles":["planner"]})";
  httplib::Headers stale = Auth(admin_, "retry-5");
  stale.emplace("X-Expected-Sequence", std::to_string(LogSize() + 7));
  auto refused = client_->Post("/api/v1/users", stale, body5, "application/json");
  EXPECT_EQ(refused->status, 409) << refused->body;
  httplib::Headers fresh = Auth(admin_, "retry-5");
  fresh.emplace("X-Expected-Sequence", std::to_string(LogSize()));
  auto written = client_->Post("/api/v1/users", fresh, body5, "application/json");
  EXPECT_EQ(written->status, 201) << "the 409 was saved as the key's reply: " << written->body;
  EXPECT_EQ(LogSize(), before + 2);
  // The query is part of the request: a dry run and the real import are different requests.
  const std::string csv = "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n" +
                          testing_support::SampleCreditCode("320402", 55) + ",幂等测试有限公司,320402,3411,9\n";
  auto dry = client_->Post("/api/v1/imports/targets?org=320402&dry_run=1", Auth(tokens_["registry_clerk"], "imp-1"),
                           csv, "text/csv");
  EXPECT_EQ(dry->status, 200) << dry->body;
  auto real = client_->Post("/api/v1/imports/targets?org=320402", Auth(tokens_["registry_clerk"], "imp-1"), csv,
                            "text/csv");
  EXPECT_EQ(real->status, 422);
  EXPECT_EQ(json::parse(real->body)["code"], "idempotency_key_reused");
  EXPECT_EQ(LogSize(), before + 2);
  // After a restart the log still knows the key and which request it was made for
  // (Actor.request): the same key on another request is refused, twice (a refusal is not
  // remembered as the key's reply), and the original request is still replayed.
  Stop();
  Start();
  for (int i = 0; i < 2; ++i) {
    auto reused = client_->Post("/api/v1/users", Auth(admin_, "retry-1"),
                                R"({"user_id":"u4","name":"赵六","org_id":"320402","roles":["planner"]})",
                                "application/json");
    EXPECT_EQ(reused->status, 422) << reused->body;
    EXPECT_EQ(json::parse(reused->body)["code"], "idempotency_key_reused");
  }
  auto after = client_->Post("/api/v1/users", Auth(admin_, "retry-1"), body, "application/json");
  ASSERT_EQ(after->status, 200) << after->body;
  EXPECT_TRUE(json::parse(after->body)["idempotent_replay"].get<bool>());
  EXPECT_EQ(json::parse(after->body)["sequence"], json::parse(first->body)["sequence"]);
  EXPECT_EQ(LogSize(), before + 2);
}

TEST_F(HttpServerTest, RevokedTokenStopsAtOnce) {
  auto issued = client_->Post("/api/v1/users/city-planner/tokens", Auth(tokens_["planner"]), R"({"label":"laptop"})",
                              "application/json");
  ASSERT_EQ(issued->status, 201) << issued->body;
  const std::string token = json::parse(issued->body)["token"];
  const std::string id = json::parse(issued->body)["token_id"];
  EXPECT_EQ(client_->Get("/api/v1/me", Auth(token))->status, 200);
  auto revoked = client_->Delete(("/api/v1/tokens/" + id).c_str(), Auth(admin_));
  ASSERT_EQ(revoked->status, 201) << revoked->body;
  auto after = client_->Get("/api/v1/me", Auth(token));
  EXPECT_EQ(after->status, 401);
  // The reply says no more than any failure does (tests/api/http/hardening_test.cc); the
  // reason is on the audit trail.
  std::ifstream audit(dir_ / "audit" / "auth-failures.jsonl");
  std::string line, all;
  while (std::getline(audit, line)) all += line;
  EXPECT_NE(all.find("revoked"), std::string::npos);
  EXPECT_EQ(all.find(token), std::string::npos);
}

TEST_F(HttpServerTest, FailedAuthenticationIsRateLimited) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(client_->Get("/api/v1/me", Auth("sj_wrong"))->status, 401);
  }
  EXPECT_EQ(client_->Get("/api/v1/me", Auth("sj_wrong"))->status, 429);
  // A good token from that address is still accepted (bad attempts never lock it out).
  EXPECT_EQ(client_->Get("/api/v1/me", Auth(admin_))->status, 200);
  auto metrics = client_->Get("/metrics");
  EXPECT_NE(metrics->body.find("suiji_auth_failures_total 6"), std::string::npos);
  // Public routes need no authentication and stay open.
  EXPECT_EQ(client_->Get("/public/v1/notices")->status, 200);
}

// The checkpoint age is how long the oldest uncovered entry has waited, read from its own
// signed time: right after a restart too (it used to count from the first scrape, 0).
TEST_F(HttpServerTest, MetricsTellTheCheckpointAgeFromTheLog) {
  auto gauge = [&](const std::string& name) {
    const std::string text = client_->Get("/metrics")->body;
    const size_t at = text.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + name.size() + 2));
  };
  const std::string body = R"({"user_id":"u-age","name":"赵八","org_id":"320402","roles":["planner"]})";
  ASSERT_EQ(client_->Post("/api/v1/users", Auth(admin_), body, "application/json")->status, 201);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  Stop();
  Start();
  EXPECT_GT(gauge("suiji_checkpoint_lag_entries"), 0);
  EXPECT_GE(gauge("suiji_checkpoint_age_seconds"), 2);
  EXPECT_EQ(gauge("suiji_projection_lag_entries"), 0);
  EXPECT_EQ(gauge("suiji_durable_lag_entries"), 0);
}

TEST_F(HttpServerTest, SignedRequests) {
  KeyPair k = KeyPair::Generate();
  const std::string hex = ToHex(ByteView(k.public_key().data(), k.public_key().size()));
  auto reg = client_->Post("/api/v1/users", Auth(admin_),
                           json{{"user_id", "sys-1"}, {"name", "统计系统"}, {"org_id", "320400"},
                                {"roles", {"supervisor"}}, {"public_key", hex}}.dump(),
                           "application/json");
  ASSERT_EQ(reg->status, 201) << reg->body;
  auto sign = [&](const std::string& method, const std::string& target, const std::string& body, int64_t ts) {
    const std::string msg = "suiji-request/1\n" + method + "\n" + target + "\n" + std::to_string(ts) + "\n" +
                            ToHex(Sha256(AsBytes(body)));
    Signature s = k.Sign(AsBytes(msg));
    return httplib::Headers{{"Authorization", "Suiji-Ed25519 sys-1 " + std::to_string(ts) + " " + ToBase64(s)}};
  };
  const int64_t now = std::time(nullptr);
  const httplib::Headers signed_list = sign("GET", "/api/v1/targets?region=320402", "", now);
  auto ok = client_->Get("/api/v1/targets?region=320402", signed_list);
  EXPECT_EQ(ok->status, 200) << ok->body;
  // A signed request is used once: the same bytes again are a replay.
  auto replayed = client_->Get("/api/v1/targets?region=320402", signed_list);
  EXPECT_EQ(replayed->status, 401);
  {
    std::ifstream audit(dir_ / "audit" / "auth-failures.jsonl");
    const std::string all((std::istreambuf_iterator<char>(audit)), {});
    EXPECT_NE(all.find("replay"), std::string::npos) << all;
  }
  EXPECT_EQ(client_->Get("/api/v1/targets?region=320402", sign("GET", "/api/v1/targets?region=320402", "", now + 1))
                ->status,
            200);
  auto tampered = client_->Get("/api/v1/targets?region=320411", sign("GET", "/api/v1/targets?region=320402", "", now));
  EXPECT_EQ(tampered->status, 401);
  auto old = client_->Get("/api/v1/me", sign("GET", "/api/v1/me", "", now - 3600));
  EXPECT_EQ(old->status, 401);
}

TEST_F(HttpServerTest, EventStreamResumes) {
  std::vector<uint64_t> ids;
  std::string buffer;
  auto collect = [&](const httplib::Headers& h, const std::string& path, size_t want) {
    ids.clear();
    buffer.clear();
    client_->Get(path.c_str(), h, [&](const char* data, size_t len) {
      buffer.append(data, len);
      size_t pos;
      while ((pos = buffer.find("\n\n")) != std::string::npos) {
        std::string ev = buffer.substr(0, pos);
        buffer.erase(0, pos + 2);
        if (ids.size() >= want) break;
        if (ev.starts_with("id: ")) {
          ids.push_back(std::stoull(ev.substr(4, ev.find('\n') - 4)));
          auto d = ev.find("data: ");
          json j = json::parse(ev.substr(d + 6));
          EXPECT_EQ(j["sequence"], ids.back());
          EXPECT_FALSE(j["entry"].get<std::string>().empty());
          if (j["type"] == "UserRegistered") {
            EXPECT_TRUE(j["payload"].contains("user_id"));
          }
        }
      }
      return ids.size() < want;
    });
  };
  collect(Auth(admin_), "/api/v1/events?from=0", 5);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
  httplib::Headers resume = Auth(admin_);
  resume.emplace("Last-Event-ID", "4");
  collect(resume, "/api/v1/events", 3);
  EXPECT_EQ(ids, (std::vector<uint64_t>{5, 6, 7}));
}

// The stream checks the credential, the role and the jurisdiction on every round: a user
// whose supervisor role is taken away is cut off at once, mid-stream.
TEST_F(HttpServerTest, EventStreamEndsWhenTheUserLosesTheRole) {
  const std::string user = R"({"user_id":"prov-sup","name":"省监督系统","org_id":"320000","roles":["supervisor"]})";
  const std::string token = EnrolledToken(json::parse(user));
  ASSERT_FALSE(token.empty());
  std::atomic<int> events{0};
  auto stream = std::async(std::launch::async, [&] {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(30, 0);
    c.Get("/api/v1/events?from=0", Auth(token), [&](const char* data, size_t len) {
      if (std::string_view(data, len).find("id: ") != std::string_view::npos) ++events;
      return true;
    });
  });
  for (int i = 0; i < 500 && events == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GT(events.load(), 0);
  EXPECT_EQ(stream.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);  // still open
  const std::string demoted = R"({"user_id":"prov-sup","name":"省监督系统","org_id":"320000","roles":["planner"]})";
  ASSERT_EQ(client_->Post("/api/v1/users", Auth(admin_), demoted, "application/json")->status, 201);
  EXPECT_EQ(stream.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the stream went on after the supervisor role was taken away";
}

TEST_F(HttpServerTest, OpenApiMatchesTheRoutesServed) {
  auto doc = client_->Get("/api/v1/openapi.json");
  ASSERT_EQ(doc->status, 200);
  json paths = json::parse(doc->body)["paths"];
  EXPECT_GE(paths.size(), 30u);
  size_t checked = 0;
  for (const auto& [path, ops] : paths.items()) {
    std::string concrete = path;
    for (size_t i; (i = concrete.find('{')) != std::string::npos;) {
      concrete.replace(i, concrete.find('}', i) - i + 1, "x");
    }
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      if (concrete == "/api/v1/events") continue;  // a stream
      auto r = Call(m, concrete, Auth(admin_), "{}");
      ASSERT_TRUE(r);
      std::string code;
      try { code = json::parse(r->body).value("code", ""); } catch (...) {}
      EXPECT_NE(code, "no_route") << m << " " << path;
      ++checked;
    }
  }
  EXPECT_GE(checked, 30u);
  // A route that is not described is not served.
  EXPECT_EQ(json::parse(client_->Get("/api/v1/secret", Auth(admin_))->body)["code"], "no_route");
}

TEST_F(HttpServerTest, PublicPagesNeedNoCredentials) {
  auto html = client_->Get("/public");
  ASSERT_EQ(html->status, 200);
  EXPECT_NE(html->body.find("双随机抽查公示"), std::string::npos);
  auto csv = client_->Get("/public/v1/results.csv");
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("统一社会信用代码"), std::string::npos);
  EXPECT_EQ(client_->Get("/public/draws/none")->status, 404);
  EXPECT_EQ(client_->Get("/public/v1/bundles/none")->status, 404);
}

}  // namespace
}  // namespace suiji::http

namespace suiji::http {
namespace {

// Every capability of the directories, draw and results issues through HTTP alone, by the
// users whose roles allow it: imports (GB18030 CSV), an inspector and a conflict, the
// calendar, a plan and task, the ceremony with a decline, the announcement, a result from
// record to correction and follow-up, notes, the sheet, statistics, and finally the
// supervisor's verification, whose authority audit checks every event these users wrote.
TEST_F(HttpServerTest, EveryCapabilityThroughHttp) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  const std::string year = std::to_string(1900 + tm.tm_year);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  // The inspection date: today, inside the task's window (every task ends by 30 December).
  const std::string visit_date = std::string(today) > year + "-12-30" ? year + "-12-30" : std::string(today);
  auto as = [&](const std::string& role) { return Auth(tokens_[role]); };
  auto call = [&](const std::string& method, const std::string& path, const httplib::Headers& h,
                  const std::string& body = "") {
    auto r = Call(method, path, h, body);
    EXPECT_TRUE(r) << method << " " << path;
    json j;
    try {
      j = json::parse(r->body);
    } catch (...) {
      j = r->body;
    }
    return std::pair<int, json>{r->status, j};
  };

  // The calendar (the bundled notices; a second publication adds nothing).
  auto [cal_status, cal] = call("POST", "/api/v1/calendar", Auth(admin_));
  ASSERT_TRUE(cal_status == 201 || cal_status == 200) << cal.dump();
  EXPECT_EQ(call("POST", "/api/v1/calendar", Auth(admin_)).second["published"], 0);
  EXPECT_EQ(call("GET", "/api/v1/calendar/2026", as("planner")).first, 200);
  auto [wd_status, wd] = call("GET", "/api/v1/working-days?date=2026-09-30&days=2", as("planner"));
  EXPECT_EQ(wd_status, 200);
  EXPECT_EQ(wd["due"], "2026-10-09");  // National Day holiday, then the 9th

  // Imports: employers as GB18030 CSV, inspectors and the item list as UTF-8.
  std::string targets = "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n";
  std::vector<std::string> codes;
  for (int i = 0; i < 8; ++i) {
    const std::string region = i % 2 == 0 ? "320402" : "320411";
    codes.push_back(testing_support::SampleCreditCode(region, static_cast<uint64_t>(100 + i)));
    targets += codes.back() + ",常州导入企业" + std::to_string(i) + "有限公司," + region + ",3411,30\n";
  }
  auto [imp_status, imp] =
      call("POST", "/api/v1/imports/targets?org=320400", as("registry_clerk"), testing_support::ToGb18030(targets));
  ASSERT_EQ(imp_status, 201) << imp.dump();
  EXPECT_EQ(imp["added"], 8);
  // A wrong check character is refused naming its row, and nothing is written.
  std::string bad = targets.substr(0, targets.find('\n') + 1) + codes[0].substr(0, 17) +
                    (codes[0][17] == '0' ? "1" : "0") + ",坏行,320402,3411,30\n";
  const uint64_t before_bad = LogSize();
  auto [bad_status, bad_reply] = call("POST", "/api/v1/imports/targets", as("registry_clerk"), bad);
  EXPECT_EQ(bad_status, 422);
  EXPECT_EQ(bad_reply["code"], "bad_rows");
  EXPECT_EQ(bad_reply["details"]["problems"][0]["row"], 2);
  EXPECT_EQ(LogSize(), before_bad);
  // The county clerk may not import for the city.
  EXPECT_EQ(call("POST", "/api/v1/imports/targets?org=320400", Auth(county_clerk_), targets).first, 403);
  std::string inspectors = "执法证号,姓名,执法领域,行政区划代码,所属机构\n";
  for (int i = 1; i <= 5; ++i) {
    inspectors += "JS320400" + std::to_string(i) + ",检查员" + std::to_string(i) + ",劳动保障监察,320400,320400\n";
  }
  ASSERT_EQ(call("POST", "/api/v1/imports/inspectors", as("registry_clerk"), inspectors).first, 201);
  const std::string items =
      "事项编号,抽查事项,抽查主体,抽查依据,抽查内容,抽查方式,责任主体\n"
      "I1,工资支付情况,常州市人社局,工资支付暂行规定,检查工资台账,实地检查,劳动监察支队\n";
  auto [items_import_status, items_import] =
      call("POST", "/api/v1/imports/items?effective=" + year + "-01-01", as("registry_clerk"), items);
  ASSERT_EQ(items_import_status, 201) << items_import.dump();
  auto [items_status, item_list] = call("GET", "/api/v1/items/320400", as("inspector"));
  EXPECT_EQ(items_status, 200);
  EXPECT_EQ(item_list["items"][0]["item_id"], "I1");

  // One more inspector by PUT, then retired; a conflict declared and withdrawn; one employer retired.
  EXPECT_EQ(call("PUT", "/api/v1/inspectors/JS3204009", as("registry_clerk"),
                 R"({"name": "临时检查员", "domains": ["劳动保障监察"], "region": "320400"})")
                .first,
            200);
  EXPECT_EQ(call("POST", "/api/v1/inspectors/JS3204009/retire", as("registry_clerk"), R"({"reason": "调离"})").first,
            201);
  EXPECT_EQ(call("POST", "/api/v1/conflicts", as("registry_clerk"),
                 R"({"inspector_id": "JS3204005", "credit_code": ")" + codes[7] + R"(", "reason": "近亲属任职"})")
                .first,
            201);
  EXPECT_EQ(call("DELETE", "/api/v1/conflicts/JS3204005/" + codes[7] + "?reason=已核实", as("registry_clerk")).first,
            201);
  EXPECT_EQ(call("POST", "/api/v1/targets/" + codes[6] + "/retire", as("registry_clerk"),
                 R"({"reason": "注销", "moved": false})")
                .first,
            201);
  auto [hist_status, hist] = call("GET", "/api/v1/history/target/" + codes[6], as("supervisor"));
  EXPECT_EQ(hist_status, 200);
  ASSERT_EQ(hist["events"].size(), 2u);
  EXPECT_EQ(hist["events"][1]["type"], "TargetRetired");
  EXPECT_EQ(hist["events"][1]["actor"]["user"], "city-registry_clerk");
  auto [insp_status, insp] = call("GET", "/api/v1/inspectors?status=active", as("planner"));
  EXPECT_EQ(insp_status, 200);
  EXPECT_EQ(insp["inspectors"].size(), 5u);

  // The plan, the task and the ceremony.
  auto [plan_status, plan] = call("POST", "/api/v1/plans", as("planner"),
                                  R"({"plan_id": "P1", "org_id": "320400", "year": )" + year +
                                      R"(, "title": "年度抽查计划", "filed_with_org_id": "320000"})");
  ASSERT_EQ(plan_status, 201) << plan.dump();
  const json task = {{"task_id", "T1"},
                     {"plan_id", "P1"},
                     {"org_id", "320400"},
                     {"title", "工资支付专项抽查"},
                     {"item_list_version", 1},
                     {"item_ids", {"I1"}},
                     {"regions", {"320400"}},
                     {"count", 4},
                     {"window_start", year + "-01-01"},
                     {"window_end", year + "-12-30"},
                     {"inspectors", {{"team_size", 2}, {"substitutes", 1}}}};
  auto [task_status, task_reply] = call("POST", "/api/v1/tasks", as("planner"), task.dump());
  ASSERT_EQ(task_status, 201) << task_reply.dump();
  EXPECT_EQ(call("GET", "/api/v1/plans", as("reviewer")).second["plans"].size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/tasks?plan=P1", as("inspector")).second["tasks"].size(), 1u);
  // A first freeze is cancelled (a redraw is counted); the second is drawn.
  auto [f1_status, f1] = call("POST", "/api/v1/tasks/T1/freeze", as("planner"));
  ASSERT_EQ(f1_status, 201) << f1.dump();
  ASSERT_EQ(call("POST", "/api/v1/draws/" + f1["draw_id"].get<std::string>() + "/cancel", as("planner"),
                 R"({"reason": "名录同步未完成"})")
                .first,
            201);
  auto [f2_status, f2] = call("POST", "/api/v1/tasks/T1/freeze", as("planner"));
  ASSERT_EQ(f2_status, 201) << f2.dump();
  const std::string draw_id = f2["draw_id"];
  auto [frozen_status, frozen] = call("GET", "/api/v1/draws/" + draw_id + "/frozen", as("supervisor"));
  EXPECT_EQ(frozen_status, 200);
  EXPECT_NE(frozen.get<std::string>().find(codes[0]), std::string::npos);
  EXPECT_EQ(frozen.get<std::string>().find(codes[6]), std::string::npos);  // retired: not eligible
  auto [c_status, c_reply] = call("POST", "/api/v1/draws/" + draw_id + "/commit", as("planner"),
                                  R"({"drand": false, "witnesses": ["张三", "李四"]})");
  ASSERT_EQ(c_status, 201) << c_reply.dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the reveal comes after the commit's second
  auto [r_status, r_reply] = call("POST", "/api/v1/draws/" + draw_id + "/reveal", as("planner"),
                                  R"({"witness_digits": ["314159", "271828"]})");
  ASSERT_EQ(r_status, 201) << r_reply.dump();
  auto [d_status, drawn] = call("GET", "/api/v1/draws/" + draw_id, as("inspector"));
  ASSERT_EQ(d_status, 200);
  ASSERT_EQ(drawn["result"]["visits"].size(), 4u) << drawn.dump();
  // The visit the city inspector (JS3204001) is on, and another visit for a decline.
  std::string mine;
  json my_team;
  for (const auto& v : drawn["result"]["visits"]) {
    const auto& team = v["team"];
    if (std::find(team.begin(), team.end(), json("JS3204001")) != team.end() && mine.empty()) {
      mine = v["credit_code"];
      my_team = team;
    }
  }
  ASSERT_FALSE(mine.empty()) << "JS3204001 is on no team: " << drawn.dump();
  bool declined = false;
  for (const auto& v : drawn["result"]["visits"]) {
    if (v["credit_code"] == mine || declined) continue;
    for (const auto& member : v["team"]) {
      const std::string who = member;
      if (who == "JS3204001") continue;
      auto [dec_status, dec] =
          call("POST", "/api/v1/draws/" + draw_id + "/decline", as("planner"),
               json{{"credit_code", v["credit_code"]}, {"inspector_id", who}, {"reason", "病假"}}.dump());
      EXPECT_EQ(dec_status, 201) << dec.dump();
      EXPECT_NE(dec.value("replacement", ""), who);
      declined = true;
      break;
    }
  }
  EXPECT_TRUE(declined);
  ASSERT_EQ(call("POST", "/api/v1/draws/" + draw_id + "/announce", as("planner"),
                 R"({"confirmed_by": ["王科长"], "publish_targets": true})")
                .first,
            201);

  // A result: recorded and submitted by the inspector on the team, reviewed and published by
  // the reviewer, corrected, with an internal note, a transfer and a credit re-evaluation.
  const json result = {{"draw_id", draw_id},
                       {"credit_code", mine},
                       {"inspection_date", visit_date},
                       {"items", {{{"item_id", "I1"}, {"outcome", "no_problem"}}}},
                       {"team", my_team}};
  // Evidence named by a path would make the server read its own files: refused, nothing written.
  json with_path = result;
  with_path["evidence"] = {{{"file", "/etc/passwd"}, {"kind", "照片"}}};
  const uint64_t before_path = LogSize();
  auto [path_status, path_reply] = call("POST", "/api/v1/results", as("inspector"), with_path.dump());
  EXPECT_EQ(path_status, 422);
  EXPECT_NE(path_reply["message"].get<std::string>().find("evidence[0].file"), std::string::npos) << path_reply;
  EXPECT_EQ(LogSize(), before_path);
  auto [rec_status, rec] = call("POST", "/api/v1/results", as("inspector"), result.dump());
  ASSERT_EQ(rec_status, 201) << rec.dump();
  const std::string v = "/api/v1/results/" + draw_id + "/" + mine;
  // Each inspector of the team confirms the revision with its own credential (the teammate
  // through a user of its own), then it is submitted.
  const json confirm = {{"revision", rec["revision"]}, {"result_sha256", rec["result_sha256"]}};
  for (const auto& member : my_team) {
    const std::string id = member;
    const auto who = id == "JS3204001" ? as("inspector")
                                       : Auth(EnrolledToken({{"user_id", "city-inspector-" + id}, {"name", "检查员"},
                                                             {"org_id", "320400"}, {"roles", {"inspector"}},
                                                             {"inspector_id", id}}));
    auto [cf_status, cf] = call("POST", v + "/confirm", who, confirm.dump());
    ASSERT_EQ(cf_status, 201) << cf.dump();
  }
  ASSERT_EQ(call("POST", v + "/submit", as("inspector")).first, 201);
  ASSERT_EQ(call("POST", v + "/review", as("reviewer"), R"({"approve": true})").first, 201);
  ASSERT_EQ(call("POST", v + "/publish", as("reviewer")).first, 201);
  json corrected = result;
  corrected["items"][0]["outcome"] = "pending_handling";
  corrected["items"][0]["violations"] = {{{"description", "未按月足额支付工资"},
                                          {"legal_basis", "劳动保障监察条例第二十六条"},
                                          {"handling", {"transfer_department"}}}};
  auto [corr_status, corr] =
      call("POST", v + "/correct", as("reviewer"), json{{"reason", "录入错误"}, {"result", corrected}}.dump());
  EXPECT_EQ(corr_status, 201) << corr.dump();
  EXPECT_EQ(call("POST", v + "/notes", as("inspector"), R"({"note": "企业配合检查"})").first, 201);
  auto [tr_status, tr] = call("POST", v + "/transfer", as("reviewer"),
                              json{{"kind", "department"}, {"to", "市场监管局"}, {"date", visit_date},
                                   {"reason", "涉及无照经营"}}.dump());
  EXPECT_EQ(tr_status, 201) << tr.dump();
  auto [rg_status, rg] = call("POST", v + "/regrade", as("reviewer"),
                              json{{"grade", "C"}, {"date", visit_date}, {"reason", "拖欠工资"}}.dump());
  EXPECT_EQ(rg_status, 201) << rg.dump();
  auto [show_status, shown] = call("GET", v, as("supervisor"));
  EXPECT_EQ(show_status, 200);
  EXPECT_EQ(shown["state"], "published");
  auto [sheet_status, sheet] = call("GET", v + "/sheet", as("inspector"));
  EXPECT_EQ(sheet_status, 200);
  EXPECT_NE(sheet.get<std::string>().find(mine), std::string::npos);
  auto [list_status, list] = call("GET", "/api/v1/results?state=published", as("reviewer"));
  EXPECT_EQ(list_status, 200);
  ASSERT_EQ(list["results"].size(), 1u);
  EXPECT_EQ(list["results"][0]["corrections"], 1);
  auto [stats_status, stats] = call("GET", "/api/v1/stats?today=" + std::string(today), as("supervisor"));
  EXPECT_EQ(stats_status, 200);
  ASSERT_EQ(stats["draws"].size(), 1u) << stats.dump();
  EXPECT_EQ(stats["draws"][0]["outcomes"]["published"], 1);

  // County users see none of the city's draw and may act on none of it (R19); nothing is
  // written. The city's inspector stays the city user's: nobody else may be bound to it.
  auto county_user = [&](const std::string& id, const std::string& role, const std::string& inspector = "") {
    json u = {{"user_id", id}, {"name", "区" + role}, {"org_id", "320402"}, {"roles", {role}}};
    if (!inspector.empty()) u["inspector_id"] = inspector;
    return Auth(EnrolledToken(u));
  };
  ASSERT_EQ(call("PUT", "/api/v1/inspectors/JS3204021", Auth(county_clerk_),
                 R"({"name": "区检查员", "domains": ["劳动保障监察"], "region": "320402", "org_id": "320402"})")
                .first,
            200);
  const auto c_planner = county_user("county-planner", "planner");
  const auto c_reviewer = county_user("county-reviewer", "reviewer");
  const auto c_inspector = county_user("county-inspector", "inspector", "JS3204021");
  const auto c_admin = county_user("county-admin", "administrator");
  auto [taken_status, taken] = call("POST", "/api/v1/users", Auth(admin_),
                                    R"({"user_id":"twin","name":"冒名检查员","org_id":"320400","roles":["inspector"],)"
                                    R"("inspector_id":"JS3204001"})");
  EXPECT_EQ(taken_status, 409) << taken.dump();
  EXPECT_EQ(taken["code"], "conflict");
  EXPECT_NE(taken["message"].get<std::string>().find("inspector JS3204001 is already user city-inspector's"),
            std::string::npos)
      << taken.dump();
  for (const std::string inspector : {"JS3204002", "JS9999999"}) {  // the city's; no such inspector
    auto [st, reply] = call("POST", "/api/v1/users", c_admin,
                            json{{"user_id", "county-twin"}, {"name", "冒名"}, {"org_id", "320402"},
                                 {"roles", {"inspector"}}, {"inspector_id", inspector}}.dump());
    EXPECT_EQ(st, 422) << inspector << ": " << reply.dump();
    EXPECT_NE(reply["message"].get<std::string>().find("no inspector by that id in your jurisdiction"),
              std::string::npos);
  }
  auto [cal_county, cal_county_reply] = call("POST", "/api/v1/calendar", c_admin);
  EXPECT_EQ(cal_county, 403);
  EXPECT_EQ(cal_county_reply["code"], "outside_jurisdiction");
  const uint64_t before_county = LogSize();
  struct Attempt {
    std::string method, path;
    const httplib::Headers* who;
    std::string body = "{}";
  };
  const std::vector<Attempt> attempts = {
      {"GET", "/api/v1/draws/" + draw_id, &c_planner},
      {"GET", "/api/v1/draws/" + draw_id + "/frozen", &c_planner},
      {"GET", "/api/v1/plans/P1", &c_planner},
      {"GET", "/api/v1/tasks/T1", &c_planner},
      {"POST", "/api/v1/draws/" + draw_id + "/cancel", &c_planner, R"({"reason": "区里重抽"})"},
      {"POST", "/api/v1/draws/" + draw_id + "/announce", &c_planner, R"({"confirmed_by": ["区科长"]})"},
      {"POST", "/api/v1/tasks/T1/withdraw", &c_planner, R"({"reason": "撤回"})"},
      {"POST", "/api/v1/tasks/T1/freeze", &c_planner},
      {"GET", v, &c_reviewer},
      {"GET", v + "/sheet", &c_reviewer},
      {"POST", v + "/notes", &c_reviewer, R"({"note": "区审核意见"})"},
      {"POST", v + "/regrade", &c_reviewer, json{{"grade", "D"}, {"date", visit_date}, {"reason", "x"}}.dump()},
      {"POST", v + "/transfer", &c_reviewer,
       json{{"kind", "police"}, {"to", "公安局"}, {"date", visit_date}, {"reason", "x"}}.dump()},
      {"GET", v, &c_inspector},
      {"GET", v + "/sheet", &c_inspector},
      {"POST", v + "/notes", &c_inspector, R"({"note": "组外记录"})"},
      {"POST", v + "/submit", &c_inspector},
  };
  for (const Attempt& a : attempts) {
    auto [st, reply] = call(a.method, a.path, *a.who, a.body);
    EXPECT_TRUE(st == 403 || st == 404) << a.method << " " << a.path << ": " << st << " " << reply.dump();
    // The refusal may echo the code the request named, never the record (the employer's name).
    EXPECT_EQ(reply.dump().find("有限公司"), std::string::npos) << a.method << " " << a.path << " leaked the employer";
  }
  EXPECT_EQ(call("GET", "/api/v1/plans", c_planner).second["plans"].size(), 0u);
  EXPECT_EQ(call("GET", "/api/v1/tasks", c_planner).second["tasks"].size(), 0u);
  EXPECT_EQ(call("GET", "/api/v1/results", c_reviewer).second["results"].size(), 0u);
  auto [c_stats_status, c_stats] = call("GET", "/api/v1/stats?today=" + std::string(today), c_reviewer);
  EXPECT_EQ(c_stats_status, 200);
  EXPECT_EQ(c_stats["draws"].size(), 0u) << c_stats.dump();
  EXPECT_EQ(c_stats.dump().find(mine), std::string::npos);
  EXPECT_EQ(c_stats.dump().find("有限公司"), std::string::npos);
  EXPECT_EQ(LogSize(), before_county);

  // Verification by the province supervisor: every check holds, and the authority audit
  // counted the events these users wrote (each by a user holding the role).
  EXPECT_EQ(call("GET", "/api/v1/verify", as("supervisor")).first, 403);  // a city supervisor
  auto [ver_status, report] = call("GET", "/api/v1/verify", Auth(admin_));
  ASSERT_EQ(ver_status, 200);
  EXPECT_TRUE(report["ok"].get<bool>()) << report.dump(2);
  const json& authority = report["authority_audit"];
  EXPECT_TRUE(authority["ok"].get<bool>()) << authority.dump(2);
  EXPECT_GE(authority["by_user"]["city-planner"].get<int>(), 8);
  EXPECT_GE(authority["by_user"]["city-inspector"].get<int>(), 3);
  EXPECT_GE(authority["by_user"]["city-registry_clerk"].get<int>(), 15);
  EXPECT_GT(authority["by_operator"]["setup"].get<int>(), 0);  // the fixture's setup, on the command line
  EXPECT_TRUE(report["draw_audit"]["ok"].get<bool>());
  EXPECT_TRUE(report["inspection_audit"]["ok"].get<bool>()) << report["inspection_audit"].dump(2);
}

// Group commit under kill -9: the server runs in a child process; eight clients write
// concurrently; the child is killed mid-load. Every write the server acknowledged is in the
// log afterwards, with its value and its user; the log's chain is whole; and the directory
// projection, which folded entries that were staged but never made durable, comes back
// identical to one built from the log alone.
class HttpServerCrashTest : public HttpServerTest {
 protected:
  HttpServerCrashTest() { start_in_process_ = false; }
};

TEST_F(HttpServerCrashTest, EveryAcknowledgedWriteSurvivesKillNine) {
  int port_pipe[2];
  ASSERT_EQ(::pipe(port_pipe), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(port_pipe[0]);
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    auto server = Server::Open(o);
    if (!server.ok() || !(*server)->Bind().ok()) ::_exit(3);
    const int port = (*server)->port();
    if (::write(port_pipe[1], &port, sizeof port) != sizeof port) ::_exit(4);
    (void)(*server)->Serve();
    ::_exit(0);
  }
  ::close(port_pipe[1]);
  int port = 0;
  ASSERT_EQ(::read(port_pipe[0], &port, sizeof port), static_cast<ssize_t>(sizeof port));
  ::close(port_pipe[0]);

  struct Ack {
    uint64_t sequence;
    std::string code;
    uint32_t headcount;
  };
  std::mutex acks_mu;
  std::vector<Ack> acks;
  std::atomic<bool> stop{false};
  const std::string token = tokens_["registry_clerk"];
  const std::vector<std::string> codes = {codes_["320402"], codes_["320411"]};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(5, 0);
      for (uint32_t i = 0; !stop; ++i) {
        const std::string& code = codes[static_cast<size_t>(t) % 2];
        const std::string region = code == codes_["320402"] ? "320402" : "320411";
        const uint32_t headcount = 1000 + static_cast<uint32_t>(t) * 100000 + i;
        json body{{"name", std::string("常州示例") + region + "有限公司"}, {"region", region},
                  {"industry", "3411"}, {"headcount", headcount}, {"org_id", "320400"}};
        auto r = c.Put(("/api/v1/targets/" + code).c_str(), {{"Authorization", "Bearer " + token}},
                       body.dump(), "application/json");
        if (!r) break;  // the server is gone
        if (r->status / 100 != 2) continue;
        std::lock_guard lock(acks_mu);
        acks.push_back({json::parse(r->body)["sequence"].get<uint64_t>(), code, headcount});
      }
    });
  }
  // Let the load build up, look at how the server committed it, then kill it mid-load.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  httplib::Client probe("127.0.0.1", port);
  auto metrics = probe.Get("/metrics");
  ASSERT_TRUE(metrics);
  ::kill(child, SIGKILL);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  stop = true;
  for (auto& th : clients) th.join();
  ASSERT_TRUE(WIFSIGNALED(wstatus));

  auto counter = [&](const std::string& name) {
    std::smatch m;
    EXPECT_TRUE(std::regex_search(metrics->body, m, std::regex("\n" + name + " ([0-9]+)"))) << name;
    return std::stoull(m[1].str());
  };
  const uint64_t commits = counter("suiji_group_commits_total");
  const uint64_t committed = counter("suiji_group_commit_entries_total");
  EXPECT_GT(commits, 0u);
  EXPECT_LT(commits, committed) << "concurrent writes must share durable commits";
  ASSERT_GT(acks.size(), 20u) << "the load never got going";

  // The log as the next process sees it: Open re-reads it and checks the whole chain.
  auto ledger = OpenWriter(NodePaths{dir_});
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  for (const Ack& a : acks) {
    ASSERT_LT(a.sequence, (*ledger)->size()) << "acknowledged, then lost";
    auto bytes = (*ledger)->ReadEntry(a.sequence);
    ASSERT_TRUE(bytes.ok());
    auto e = ParseEntry(*bytes);
    ASSERT_TRUE(e.ok());
    ASSERT_EQ(e->type(), EventType::TargetUpdated);
    EXPECT_EQ(e->actor_user(), "city-registry_clerk");
    auto patch = directory::DecodeTargetPatch(e->payload());
    ASSERT_TRUE(patch.ok());
    EXPECT_EQ(patch->values.credit_code, a.code);
    EXPECT_EQ(patch->values.headcount, a.headcount) << "at sequence " << a.sequence;
  }
  // The projection the killed server left behind catches up to exactly what a rebuild gives.
  auto left = DirectoryProjection::Open(dir_);
  ASSERT_TRUE(left.ok());
  ASSERT_TRUE((*left)->CatchUp((*ledger)->storage()).ok());
  auto fresh_dir = dir_ / "fresh";
  auto fresh = DirectoryProjection::Open(fresh_dir);
  ASSERT_TRUE((*fresh)->CatchUp((*ledger)->storage()).ok());
  EXPECT_EQ(*(*left)->Digest(), *(*fresh)->Digest());
  ledger->reset();
  left->reset();

  // And a restarted server serves from it.
  Start();
  auto r = Call("GET", "/api/v1/targets/" + codes[0], Auth(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["headcount"], (*fresh)->GetTarget(codes[0])->value().headcount);
}

}  // namespace
}  // namespace suiji::http
