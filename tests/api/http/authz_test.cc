// Separation of duties over HTTP (issue 17, item 8), on a real node on loopback: a county
// administrator may not mint a token for its reviewer (whoever issues a token can act as that
// user), nor register an org unit above its own level outside its jurisdiction; and a
// result's team confirmation is each inspector's own signed act, never one recorder's list.
// Every refusal is checked for its status, code and message, and for writing nothing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "api/http/server.h"
#include "api/identity_service.h"
#include "tests/support/inspection_fixture.h"

namespace suiji::http {
namespace {

using nlohmann::json;

// The draw of the inspection fixture (city 320400, task T1, teams of two), the county 320402,
// users of its administrator and reviewer, and users of the first visit's two inspectors and
// of one inspector who is not on it; then `suiji serve` on that node.
class HttpAuthzTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    draw_ = Drawn();
    ASSERT_FALSE(draw_.empty());
    ASSERT_TRUE(dirsvc_->RegisterOrg({"320402", "天宁区人社局", "320402", directory::OrgLevel::County, "320400"},
                                     actor_).ok());
    const draw::VisitRecord& v = FirstVisit(draw_);
    code_ = v.credit_code;
    team_ = v.team;
    ASSERT_EQ(team_.size(), 2u);
    std::string outsider;
    for (int i = 0; i < 8 && outsider.empty(); ++i) {
      const std::string id = "JS" + std::to_string(3204000 + i);
      if (std::find(team_.begin(), team_.end(), id) == team_.end()) outsider = id;
    }
    IdentityService ids(*ledger_, ledger_->storage());
    ASSERT_TRUE(ids.Sync().ok());
    const std::vector<identity::UserRecord> users = {
        {"tn-admin", "天宁区管理员", "320402", {"administrator"}, "", {}, ""},
        {"tn-rev", "天宁区审核员", "320402", {"reviewer"}, "", {}, ""},
        {"insp-a", "检查员甲", "320400", {"inspector"}, team_[0], {}, ""},
        {"insp-b", "检查员乙", "320400", {"inspector"}, team_[1], {}, ""},
        {"insp-x", "组外检查员", "320400", {"inspector"}, outsider, {}, ""},
    };
    for (const auto& u : users) {
      ASSERT_TRUE(ids.RegisterUser(u, actor_).ok()) << u.user_id;
      auto t = ids.IssueToken(u.user_id, "test", 0, actor_);  // the node operator's bootstrap
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      tokens_[u.user_id] = t->token;
    }
    // The node is the server's from here on: it is the single writer.
    inspections_.reset();
    identity_.reset();
    draws_.reset();
    dirsvc_.reset();
    projection_.reset();
    ledger_.reset();
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
    InspectionNodeTest::TearDown();
  }

  // Status and JSON reply of a POST by `user`.
  std::pair<int, json> Post(const std::string& user, const std::string& path, const json& body) {
    auto r = client_->Post(path.c_str(), httplib::Headers{{"Authorization", "Bearer " + tokens_.at(user)}},
                           body.dump(), "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::pair<int, json> Get(const std::string& user, const std::string& path) {
    auto r = client_->Get(path.c_str(), httplib::Headers{{"Authorization", "Bearer " + tokens_.at(user)}});
    EXPECT_TRUE(r) << path;
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  uint64_t LogSize() { return json::parse(client_->Get("/healthz")->body)["log_size"].get<uint64_t>(); }

  json Result() const {
    return {{"draw_id", draw_},
            {"credit_code", code_},
            {"inspection_date", "2026-06-01"},
            {"items", {{{"item_id", "I1"}, {"outcome", "no_problem"}, {"findings", {{{"point", "合同文本"}, {"compliant", true}}}}}}},
            {"evidence", {{{"sha256", std::string(64, 'a')}, {"size", 14}, {"kind", "video"}, {"name", "执法记录仪.mp4"}}}},
            {"team", team_}};
  }

  std::string draw_, code_;
  std::vector<std::string> team_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// 8a: whoever issued a token could act as its user, so only the user itself issues one.
TEST_F(HttpAuthzTest, ACountyAdministratorCannotMintItsReviewersToken) {
  const uint64_t before = LogSize();
  for (const std::string user : {"tn-rev", "nobody"}) {  // an unknown user gets the same answer
    auto [status, reply] = Post("tn-admin", "/api/v1/users/" + user + "/tokens", json::object());
    EXPECT_EQ(status, 403) << user << ": " << reply.dump();
    EXPECT_EQ(reply["code"], "separation_of_duties") << reply.dump();
    EXPECT_NE(reply["message"].get<std::string>().find("a token is issued only by the user it is for"),
              std::string::npos)
        << reply.dump();
    EXPECT_FALSE(reply.contains("token")) << reply.dump();
  }
  EXPECT_EQ(LogSize(), before);
  // The reviewer issues its own (a second device), and it works.
  auto [own_status, own] = Post("tn-rev", "/api/v1/users/tn-rev/tokens", {{"label", "laptop"}});
  ASSERT_EQ(own_status, 201) << own.dump();
  tokens_["tn-rev-2"] = own["token"];
  auto [me_status, me] = Get("tn-rev-2", "/api/v1/me");
  EXPECT_EQ(me_status, 200);
  EXPECT_EQ(me["user_id"], "tn-rev");
}

// 8a: a stolen short-lived token must not mint one that outlives it (revoking the stolen
// one would then not end access).
TEST_F(HttpAuthzTest, ATokenMintsNoTokenThatOutlivesIt) {
  auto [short_status, short_lived] = Post("tn-rev", "/api/v1/users/tn-rev/tokens", {{"ttl_seconds", 600}});
  ASSERT_EQ(short_status, 201) << short_lived.dump();
  tokens_["tn-rev-short"] = short_lived["token"];
  const uint64_t before = LogSize();
  for (const json& body : {json{{"label", "forever"}}, json{{"ttl_seconds", 100000}}}) {
    auto [status, reply] = Post("tn-rev-short", "/api/v1/users/tn-rev/tokens", body);
    EXPECT_EQ(status, 422) << body.dump() << ": " << reply.dump();
    EXPECT_NE(reply["message"].get<std::string>().find("may not outlive it"), std::string::npos) << reply.dump();
    EXPECT_FALSE(reply.contains("token")) << reply.dump();
  }
  EXPECT_EQ(LogSize(), before);
  auto [ok_status, ok] = Post("tn-rev-short", "/api/v1/users/tn-rev/tokens", {{"ttl_seconds", 60}});
  EXPECT_EQ(ok_status, 201) << ok.dump();
}

// 8b: a county administrator registers nothing above itself nor outside its county.
TEST_F(HttpAuthzTest, ACountyAdministratorCannotRegisterACityUnderTheProvince) {
  const uint64_t before = LogSize();
  auto [status, reply] = Post("tn-admin", "/api/v1/orgs",
                              {{"org_id", "320499"}, {"name", "天宁市人社局"}, {"region", "320402"},
                               {"level", "city"}, {"parent_org_id", "320000"}});
  EXPECT_EQ(status, 403) << reply.dump();
  EXPECT_EQ(reply["code"], "outside_jurisdiction");
  EXPECT_NE(reply["message"].get<std::string>().find(
                "org unit 320402 (county, region 320402) may not register org unit 320499 under parent 320000"),
            std::string::npos)
      << reply.dump();
  auto [beside_status, beside] = Post("tn-admin", "/api/v1/orgs",
                                      {{"org_id", "320499"}, {"name", "天宁二局"}, {"region", "320402"},
                                       {"level", "county"}, {"parent_org_id", "320400"}});
  EXPECT_EQ(beside_status, 403) << beside.dump();
  EXPECT_EQ(beside["code"], "outside_jurisdiction");
  EXPECT_EQ(LogSize(), before);
  EXPECT_EQ(Get("tn-admin", "/api/v1/orgs/320499").first, 404);
}

// 8c: the recorder's `confirmed_by` is refused; each inspector of the team confirms the
// revision with its own credential, naming its hash; only then is it submitted.
TEST_F(HttpAuthzTest, EachInspectorConfirmsTheResultThemself) {
  const std::string visit = "/api/v1/results/" + draw_ + "/" + code_;
  uint64_t size = LogSize();
  json claimed = Result();
  claimed["confirmed_by"] = team_;
  auto [claim_status, claim] = Post("insp-a", "/api/v1/results", claimed);
  EXPECT_EQ(claim_status, 422) << claim.dump();
  EXPECT_EQ(claim["code"], "invalid");
  EXPECT_NE(claim["message"].get<std::string>().find("confirmed_by"), std::string::npos) << claim.dump();
  EXPECT_EQ(LogSize(), size);

  auto [rec_status, rec] = Post("insp-a", "/api/v1/results", Result());
  ASSERT_EQ(rec_status, 201) << rec.dump();
  ASSERT_EQ(rec["revision"], 1);
  const std::string hash = rec["result_sha256"];
  ASSERT_EQ(hash.size(), 64u);
  size = LogSize();
  auto [early_status, early] = Post("insp-a", visit + "/submit", json::object());
  EXPECT_EQ(early_status, 409) << early.dump();
  EXPECT_NE(early["message"].get<std::string>().find("is not confirmed by inspector(s) " + team_[0] + ", " + team_[1]),
            std::string::npos)
      << early.dump();
  auto [x_status, x] = Post("insp-x", visit + "/confirm", {{"revision", 1}, {"result_sha256", hash}});
  EXPECT_EQ(x_status, 403) << x.dump();
  EXPECT_EQ(x["code"], "not_on_team");
  auto [other_status, other] =
      Post("insp-a", visit + "/confirm", {{"revision", 1}, {"result_sha256", std::string(64, '0')}});
  EXPECT_EQ(other_status, 409) << other.dump();
  EXPECT_NE(other["message"].get<std::string>().find("confirm what was recorded"), std::string::npos) << other.dump();
  EXPECT_EQ(LogSize(), size);

  auto [a_status, a] = Post("insp-a", visit + "/confirm", {{"revision", 1}, {"result_sha256", hash}});
  ASSERT_EQ(a_status, 201) << a.dump();
  size = LogSize();
  auto [twice_status, twice] = Post("insp-a", visit + "/confirm", {{"revision", 1}, {"result_sha256", hash}});
  EXPECT_EQ(twice_status, 409) << twice.dump();
  EXPECT_NE(twice["message"].get<std::string>().find("already confirmed"), std::string::npos) << twice.dump();
  auto [half_status, half] = Post("insp-a", visit + "/submit", json::object());
  EXPECT_EQ(half_status, 409) << half.dump();
  EXPECT_NE(half["message"].get<std::string>().find("is not confirmed by inspector(s) " + team_[1] + " of its team"),
            std::string::npos)
      << half.dump();
  EXPECT_EQ(LogSize(), size);

  auto [b_status, b] = Post("insp-b", visit + "/confirm", {{"revision", 1}, {"result_sha256", hash}});
  ASSERT_EQ(b_status, 201) << b.dump();
  auto [sub_status, sub] = Post("insp-a", visit + "/submit", json::object());
  EXPECT_EQ(sub_status, 201) << sub.dump();
  auto [show_status, shown] = Get("insp-b", visit);
  ASSERT_EQ(show_status, 200);
  EXPECT_EQ(shown["state"], "awaiting_review");
  EXPECT_EQ(shown["revisions"][0]["sha256"], hash);
  EXPECT_EQ(shown["revisions"][0]["confirmations"].size(), 2u) << shown.dump();
  EXPECT_EQ(shown["revisions"][0]["confirmations"][1]["by"], "insp-b");
  EXPECT_TRUE(shown["unconfirmed"].empty());
}

}  // namespace
}  // namespace suiji::http
