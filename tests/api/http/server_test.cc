// The HTTP API (api/http/server.h) over a real node on loopback: the authorisation matrix,
// jurisdiction, malformed and oversized requests, idempotent retries (also across a restart),
// token revocation, signed requests, the failed-authentication limit, the event stream's
// resume, and openapi.json against the routes actually served.
#include <gtest/gtest.h>
#include <httplib.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"

namespace suiji::http {
namespace {

using nlohmann::json;

constexpr const char* kRoles[] = {"registry_clerk", "planner",    "inspector",
                                  "reviewer",       "supervisor", "administrator"};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-http-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Actor setup{"320000", "setup"};
    auto init = InitNode(NodePaths{dir_}, "test.suiji/http", "http tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    using directory::OrgLevel;
    ASSERT_TRUE(dirs.RegisterOrg({"320000", "江苏省人社厅", "320000", OrgLevel::Province, ""}, setup).ok());
    ASSERT_TRUE(dirs.RegisterOrg({"320400", "常州市人社局", "320400", OrgLevel::City, "320000"}, setup).ok());
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
    Start();
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
    o.auth_failures_per_minute = 5;
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

  std::filesystem::path dir_;
  std::map<std::string, std::string> codes_;   // region -> an employer there
  std::map<std::string, std::string> tokens_;  // role -> token of the city user
  std::string county_clerk_, admin_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// Every /api/v1 route × every role. Written out by hand from the issue's roles (not read from
// the server's table), so a route opened to the wrong role fails here.
TEST_F(HttpServerTest, AuthorisationMatrix) {
  const std::string code = codes_["320402"];
  struct Expect {
    std::string method, path;
    std::set<std::string> allowed;  // "*": every authenticated user
  };
  const std::vector<Expect> matrix = {
      {"GET", "/api/v1/me", {"*"}},
      {"POST", "/api/v1/users", {"administrator"}},
      {"POST", "/api/v1/users/nobody/disable", {"administrator"}},
      {"POST", "/api/v1/users/nobody/tokens", {"administrator"}},
      {"DELETE", "/api/v1/tokens/tnone", {"administrator"}},
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
      {"POST", "/api/v1/results/D1/" + code + "/submit", {"inspector"}},
      {"POST", "/api/v1/results/D1/" + code + "/review", {"reviewer"}},
      {"POST", "/api/v1/results/D1/" + code + "/publish", {"reviewer"}},
      {"GET", "/api/v1/results/D1/" + code, {"inspector", "reviewer", "supervisor"}},
      {"GET", "/api/v1/overdue", {"reviewer", "supervisor"}},
      {"GET", "/api/v1/events?from=999999", {"supervisor"}},
  };
  const uint64_t before = LogSize();
  for (const auto& e : matrix) {
    for (const char* role : kRoles) {
      const bool allowed = e.allowed.contains("*") || e.allowed.contains(role);
      if (e.path.starts_with("/api/v1/events") && allowed) continue;  // a stream: see EventStream
      auto r = Call(e.method, e.path, Auth(tokens_[role]), "{}");
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
      } else {
        EXPECT_EQ(r->status, 403);
        EXPECT_EQ(code_field, "forbidden");
      }
    }
  }
  // Refused requests wrote nothing; the allowed ones had empty or unknown inputs.
  EXPECT_EQ(LogSize(), before);
  // Without credentials, every /api/v1 route is 401.
  for (const auto& e : matrix) {
    auto r = Call(e.method, e.path, {}, "{}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << e.path;
    if (&e - &matrix[0] >= 3) break;  // more would trip the failed-authentication limit
  }
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
  httplib::Headers stale = h;
  stale.emplace("X-Expected-Sequence", "3");
  auto s = client_->Post("/api/v1/users", stale,
                         R"({"user_id":"u1","name":"x","org_id":"320400","roles":["planner"]})", "application/json");
  EXPECT_EQ(s->status, 409);
  EXPECT_EQ(json::parse(s->body)["details"]["next_sequence"], before);
  EXPECT_EQ(LogSize(), before);
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
  // After a restart the log still knows the key (Actor.request).
  Stop();
  Start();
  auto after = client_->Post("/api/v1/users", Auth(admin_, "retry-1"), body, "application/json");
  ASSERT_EQ(after->status, 200) << after->body;
  EXPECT_TRUE(json::parse(after->body)["idempotent_replay"].get<bool>());
  EXPECT_EQ(json::parse(after->body)["sequence"], json::parse(first->body)["sequence"]);
  EXPECT_EQ(LogSize(), before + 1);
}

TEST_F(HttpServerTest, RevokedTokenStopsAtOnce) {
  auto issued = client_->Post("/api/v1/users/city-planner/tokens", Auth(admin_), R"({"label":"laptop"})",
                              "application/json");
  ASSERT_EQ(issued->status, 201) << issued->body;
  const std::string token = json::parse(issued->body)["token"];
  const std::string id = json::parse(issued->body)["token_id"];
  EXPECT_EQ(client_->Get("/api/v1/me", Auth(token))->status, 200);
  auto revoked = client_->Delete(("/api/v1/tokens/" + id).c_str(), Auth(admin_));
  ASSERT_EQ(revoked->status, 201) << revoked->body;
  auto after = client_->Get("/api/v1/me", Auth(token));
  EXPECT_EQ(after->status, 401);
  EXPECT_NE(after->body.find("revoked"), std::string::npos);
  // The failure is on the audit trail.
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
  // Also a good token from that address, until the minute ends.
  EXPECT_EQ(client_->Get("/api/v1/me", Auth(admin_))->status, 429);
  auto metrics = client_->Get("/metrics");
  EXPECT_NE(metrics->body.find("suiji_auth_failures_total 5"), std::string::npos);
  // Public routes need no authentication and stay open.
  EXPECT_EQ(client_->Get("/public/v1/notices")->status, 200);
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
  auto ok = client_->Get("/api/v1/targets?region=320402", sign("GET", "/api/v1/targets?region=320402", "", now));
  EXPECT_EQ(ok->status, 200) << ok->body;
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
