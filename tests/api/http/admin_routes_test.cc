// The console's administrator and supervisor routes (api/http/routes_admin.cc) over a real
// node on loopback: GET /api/v1/users (the users of the caller's jurisdiction with their
// tokens, never a token or its hash), and the verifier as a background job (POST
// /api/v1/verify/jobs, GET /api/v1/verify/jobs/{id}): its report equals suiji-verify's over the
// log, refused to other roles and to a supervisor whose jurisdiction does not cover the node.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/core/directory/records.h"
#include "projections/directory_projection.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class HttpAdminRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-admin-routes");
    Actor setup{"320000", "setup"};  // no registered user: the node operator
    auto init = InitNode(NodePaths{dir_}, "test.suiji/admin-routes", "admin route tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    using directory::OrgLevel;
    ASSERT_TRUE(dirs.RegisterOrg({"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"}, setup).ok());
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    const std::vector<identity::UserRecord> users = {
        {"prov-admin", "省管理员", "320000", {"administrator", "supervisor"}, "", {}, ""},
        {"city-sup", "市监督员", "320400", {"supervisor"}, "", {}, ""},
        {"tn-admin", "天宁区管理员", "320402", {"administrator"}, "", {}, ""},
        {"tn-clerk", "天宁区登记员", "320402", {"registry_clerk"}, "", {}, "调入"},
    };
    for (const auto& u : users) ASSERT_TRUE(ids.RegisterUser(u, setup).ok()) << u.user_id;
    for (const auto& u : users) {
      auto t = ids.IssueToken(u.user_id, "测试", 0, setup);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      tokens_[u.user_id] = t->token;
      token_ids_[u.user_id] = t->token_id;
    }
    ASSERT_TRUE(ids.RevokeToken({token_ids_["tn-clerk"], "离岗"}, setup).ok());
    auto t2 = ids.IssueToken("tn-clerk", "第二个", 0, setup);
    ASSERT_TRUE(t2.ok());
    tokens_["tn-clerk"] = t2->token;
    clerk_second_token_id_ = t2->token_id;
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
    client_->set_read_timeout(30, 0);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Headers As(const std::string& user) { return {{"Authorization", "Bearer " + tokens_[user]}}; }

  std::pair<int, json> Get(const std::string& user, const std::string& path) {
    auto r = client_->Get(path, As(user));
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body)};
  }
  std::pair<int, json> Post(const std::string& user, const std::string& path) {
    auto r = client_->Post(path, As(user), "", "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body)};
  }

  fs::path dir_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  std::map<std::string, std::string> tokens_, token_ids_;
  std::string clerk_second_token_id_;
};

TEST_F(HttpAdminRoutesTest, ListsTheUsersOfTheJurisdictionWithTheirTokens) {
  auto [status, body] = Get("prov-admin", "/api/v1/users");
  ASSERT_EQ(status, 200) << body.dump();
  std::vector<std::string> ids;
  for (const auto& u : body["users"]) ids.push_back(u["user_id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"city-sup", "prov-admin", "tn-admin", "tn-clerk"}));
  const json& clerk = body["users"][3];
  EXPECT_EQ(clerk["name"], "天宁区登记员");
  EXPECT_EQ(clerk["org_id"], "320402");
  EXPECT_EQ(clerk["region"], "320402");
  EXPECT_EQ(clerk["roles"], json::array({"registry_clerk"}));
  EXPECT_EQ(clerk["inspector_id"], "");
  EXPECT_EQ(clerk["disabled"], false);
  EXPECT_EQ(clerk["version"], 1);
  EXPECT_EQ(clerk["note"], "调入");
  ASSERT_EQ(clerk["tokens"].size(), 2u);
  // Tokens in token id order; the first revoked, neither shown nor hashed.
  json first = clerk["tokens"][0], second = clerk["tokens"][1];
  if (first["token_id"] != token_ids_["tn-clerk"]) std::swap(first, second);
  EXPECT_EQ(first["token_id"], token_ids_["tn-clerk"]);
  EXPECT_EQ(first["label"], "测试");
  EXPECT_EQ(first["revoked"], true);
  EXPECT_EQ(first["expires_us"], 0);
  EXPECT_EQ(second["token_id"], clerk_second_token_id_);
  EXPECT_EQ(second["label"], "第二个");
  EXPECT_EQ(second["revoked"], false);
  const std::string dump = body.dump();
  EXPECT_EQ(dump.find(tokens_["tn-clerk"]), std::string::npos) << "a token in the user list";
  EXPECT_EQ(dump.find("sha256"), std::string::npos);

  // A county administrator sees the users of its county only.
  auto [county_status, county] = Get("tn-admin", "/api/v1/users");
  ASSERT_EQ(county_status, 200);
  ids.clear();
  for (const auto& u : county["users"]) ids.push_back(u["user_id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"tn-admin", "tn-clerk"}));
}

TEST_F(HttpAdminRoutesTest, UserListIsForAdministratorsOnly) {
  auto [status, body] = Get("tn-clerk", "/api/v1/users");
  EXPECT_EQ(status, 403);
  EXPECT_EQ(body["code"], "forbidden");
  EXPECT_EQ(body["message"], "your roles do not allow GET /api/v1/users");
  EXPECT_EQ(body["details"]["allowed_roles"], json::array({"administrator"}));
}

TEST_F(HttpAdminRoutesTest, VerificationJobReportsTheWholeLog) {
  auto [status, job] = Post("prov-admin", "/api/v1/verify/jobs");
  ASSERT_EQ(status, 202) << job.dump();
  // Ids count the jobs of the process: verify-1, verify-2, ...
  const std::string id = job["job_id"];
  ASSERT_TRUE(id.starts_with("verify-")) << id;
  const int n = std::stoi(id.substr(7));
  EXPECT_EQ(job["state"], "running");
  EXPECT_EQ(job["started_by"], "prov-admin");
  const uint64_t entries = job["entries"];
  EXPECT_GT(entries, 10u);
  // Polled until done, as the console does (bounded: a small log verifies in milliseconds).
  json done;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto [s, j] = Get("prov-admin", "/api/v1/verify/jobs/" + id);
    ASSERT_EQ(s, 200) << j.dump();
    EXPECT_EQ(j["job_id"], id);
    if (j["state"] == "done") {
      done = j;
      break;
    }
    EXPECT_EQ(j["state"], "running");
    EXPECT_FALSE(j.contains("report"));
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the verification did not finish in 60 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(done["phase"], "done");
  EXPECT_EQ(done["progress"], 1.0);
  const json& report = done["report"];
  EXPECT_EQ(report["ok"], true) << report.dump();
  EXPECT_EQ(report["ledger"], "test.suiji/admin-routes");
  EXPECT_EQ(report["entries"], entries);
  EXPECT_EQ(report["draw_audit"]["ok"], true);
  EXPECT_EQ(report["inspection_audit"]["ok"], true);
  EXPECT_EQ(report["authority_audit"]["ok"], true);
  // The blocking route gives the same verdict over the same log.
  auto [vs, v] = Get("prov-admin", "/api/v1/verify");
  ASSERT_EQ(vs, 200);
  EXPECT_EQ(v["entries"], entries);
  EXPECT_EQ(v["root"], report["root"]);

  // The next job gets the next id; the finished one is gone (only the latest is kept).
  auto [s2, job2] = Post("prov-admin", "/api/v1/verify/jobs");
  ASSERT_EQ(s2, 202) << job2.dump();
  EXPECT_EQ(job2["job_id"], "verify-" + std::to_string(n + 1));
  auto [gone, why] = Get("prov-admin", "/api/v1/verify/jobs/" + id);
  EXPECT_EQ(gone, 404);
  EXPECT_EQ(why["code"], "not_found");
  EXPECT_EQ(why["message"], "no verification job " + id + " (only the latest is kept)");
}

TEST_F(HttpAdminRoutesTest, VerificationIsForSupervisorsCoveringTheNode) {
  auto [clerk, c] = Post("tn-clerk", "/api/v1/verify/jobs");
  EXPECT_EQ(clerk, 403);
  EXPECT_EQ(c["code"], "forbidden");
  EXPECT_EQ(c["message"], "your roles do not allow POST /api/v1/verify/jobs");
  auto [city, s] = Post("city-sup", "/api/v1/verify/jobs");
  EXPECT_EQ(city, 403);
  EXPECT_EQ(s["code"], "outside_jurisdiction");
  EXPECT_EQ(s["message"],
            "verification reads every org unit's events: it is for supervisors whose jurisdiction covers the whole "
            "node");
  auto [poll, p] = Get("city-sup", "/api/v1/verify/jobs/verify-1");
  EXPECT_EQ(poll, 403);
  EXPECT_EQ(p["code"], "outside_jurisdiction");
}

}  // namespace
}  // namespace suiji::http
