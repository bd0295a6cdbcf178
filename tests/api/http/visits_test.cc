// GET /api/v1/visits?mine=1 (the staff console's 我的检查), on a real node on loopback: an
// inspector sees exactly the visits whose team includes its inspector id, with the employer,
// the task's items and checklists, the window, the publication deadline and where the result
// stands; an inspector of no such visit sees none of them; other roles are refused (403), and
// the query without mine=1 is 400.
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

// The draw of the inspection fixture (city 320400, task T1 with item I1, teams of two), users
// of the first visit's two inspectors, of an inspector on no visit of it, and a reviewer.
class HttpVisitsTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    draw_ = Drawn();
    ASSERT_FALSE(draw_.empty());
    const draw::VisitRecord& v = FirstVisit(draw_);
    code_ = v.credit_code;
    team_ = v.team;
    ASSERT_EQ(team_.size(), 2u);
    const auto& visits = inspections_->world().draws.Draw(draw_)->visits;
    for (int i = 0; i < 64 && outsider_.empty(); ++i) {
      const std::string id = "JS" + std::to_string(3204000 + i);
      bool on_any = false;
      for (const auto& x : visits) on_any = on_any || std::find(x.team.begin(), x.team.end(), id) != x.team.end();
      if (!on_any) outsider_ = id;
    }
    ASSERT_FALSE(outsider_.empty());
    for (const auto& x : visits) {
      if (std::find(x.team.begin(), x.team.end(), team_[0]) != x.team.end()) mine_.push_back(x.credit_code);
    }
    IdentityService ids(*ledger_, ledger_->storage());
    ASSERT_TRUE(ids.Sync().ok());
    const std::vector<identity::UserRecord> users = {
        {"rev", "审核员", "320400", {"reviewer"}, "", {}, ""},
        {"insp-a", "检查员甲", "320400", {"inspector"}, team_[0], {}, ""},
        {"insp-b", "检查员乙", "320400", {"inspector"}, team_[1], {}, ""},
        {"insp-x", "组外检查员", "320400", {"inspector"}, outsider_, {}, ""},
    };
    for (const auto& u : users) {
      ASSERT_TRUE(ids.RegisterUser(u, actor_).ok()) << u.user_id;
      auto t = ids.IssueToken(u.user_id, "test", 0, actor_);
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      tokens_[u.user_id] = t->token;
    }
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

  std::pair<int, json> Call(const std::string& method, const std::string& user, const std::string& path,
                            const json& body = json::object()) {
    httplib::Headers h{{"Authorization", "Bearer " + tokens_.at(user)}};
    auto r = method == "GET" ? client_->Get(path.c_str(), h)
                             : client_->Post(path.c_str(), h, body.dump(), "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  std::string draw_, code_, outsider_;
  std::vector<std::string> team_, mine_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpVisitsTest, AnInspectorSeesExactlyTheVisitsOfItsTeams) {
  auto [status, got] = Call("GET", "insp-a", "/api/v1/visits?mine=1");
  ASSERT_EQ(status, 200) << got.dump();
  EXPECT_EQ(got["inspector_id"], team_[0]);
  std::vector<std::string> codes;
  for (const auto& v : got["visits"]) codes.push_back(v["credit_code"]);
  EXPECT_EQ(codes, mine_);
  const json& v = got["visits"][0];
  EXPECT_EQ(v["draw_id"], draw_);
  EXPECT_EQ(v["task_id"], "T1");
  EXPECT_EQ(v["credit_code"], code_);
  EXPECT_FALSE(v["employer_name"].get<std::string>().empty());
  EXPECT_EQ(v["role"], "team");
  EXPECT_EQ(v["team"], json(team_));
  EXPECT_EQ(v["window_start"], "2026-06-01");
  EXPECT_EQ(v["window_end"], "2026-07-31");
  EXPECT_EQ(v["announced"], false);
  ASSERT_EQ(v["items"].size(), 1u);
  EXPECT_EQ(v["items"][0]["item_id"], "I1");
  EXPECT_EQ(v["items"][0]["name"], "劳动合同签订情况");
  EXPECT_EQ(v["items"][0]["checklist"][0], "合同文本");
  EXPECT_TRUE(v["result"].is_null());
  // Before any result only the publication deadline stands: 20 working days after the
  // window's end (2026-07-31, a Friday; August 2026 has no holiday).
  ASSERT_EQ(v["deadlines"].size(), 1u) << v.dump();
  EXPECT_EQ(v["deadlines"][0]["kind"], "publish");
  EXPECT_EQ(v["deadlines"][0]["due"], "2026-08-28");
}

TEST_F(HttpVisitsTest, TheResultStateFollowsTheRecording) {
  json result = {{"draw_id", draw_},
                 {"credit_code", code_},
                 {"inspection_date", "2026-06-01"},
                 {"items", {{{"item_id", "I1"}, {"outcome", "no_problem"}}}},
                 {"team", team_}};
  auto [rec_status, rec] = Call("POST", "insp-a", "/api/v1/results", result);
  ASSERT_EQ(rec_status, 201) << rec.dump();
  auto [status, got] = Call("GET", "insp-b", "/api/v1/visits?mine=1");
  ASSERT_EQ(status, 200) << got.dump();
  const json* v = nullptr;
  for (const auto& x : got["visits"]) {
    if (x["credit_code"] == code_) v = &x;
  }
  ASSERT_NE(v, nullptr) << got.dump();
  EXPECT_EQ((*v)["result"]["state"], "entered");
  EXPECT_EQ((*v)["result"]["revision"], 1);
  EXPECT_EQ((*v)["result"]["result_sha256"], rec["result_sha256"]);
  EXPECT_EQ((*v)["result"]["unconfirmed"], json(team_));
  // The reviewer's queue and the result name the employer as the directory does.
  auto [list_status, list] = Call("GET", "rev", "/api/v1/results?state=entered");
  ASSERT_EQ(list_status, 200) << list.dump();
  ASSERT_EQ(list["results"].size(), 1u) << list.dump();
  EXPECT_EQ(list["results"][0]["credit_code"], code_);
  EXPECT_EQ(list["results"][0]["employer_name"], (*v)["employer_name"]);
  auto [one_status, one] = Call("GET", "rev", "/api/v1/results/" + draw_ + "/" + code_);
  ASSERT_EQ(one_status, 200) << one.dump();
  EXPECT_EQ(one["employer_name"], (*v)["employer_name"]);
  // Recorded: the enter deadline (2 working days after the inspection) comes first, met.
  ASSERT_EQ((*v)["deadlines"].size(), 2u) << v->dump();
  EXPECT_EQ((*v)["deadlines"][0]["kind"], "enter");
  EXPECT_EQ((*v)["deadlines"][1]["kind"], "publish");
}

// POST /api/v1/results records the next revision after a return (the route once recorded
// every body as revision 1, so a returned result could not be revised over HTTP).
TEST_F(HttpVisitsTest, AReturnedResultIsRevisedOverHttp) {
  const std::string visit = "/api/v1/results/" + draw_ + "/" + code_;
  json result = {{"draw_id", draw_},
                 {"credit_code", code_},
                 {"inspection_date", "2026-06-01"},
                 {"items", {{{"item_id", "I1"}, {"outcome", "no_problem"}}}},
                 {"team", team_}};
  auto [r1_status, r1] = Call("POST", "insp-a", "/api/v1/results", result);
  ASSERT_EQ(r1_status, 201) << r1.dump();
  EXPECT_EQ(r1["revision"], 1);
  for (const char* u : {"insp-a", "insp-b"}) {
    auto [st, j] = Call("POST", u, visit + "/confirm", {{"revision", 1}, {"result_sha256", r1["result_sha256"]}});
    ASSERT_EQ(st, 201) << j.dump();
  }
  auto [sub_status, sub] = Call("POST", "insp-a", visit + "/submit");
  ASSERT_EQ(sub_status, 201) << sub.dump();
  auto [ret_status, ret] = Call("POST", "rev", visit + "/review", {{"approve", false}, {"reason", "请核实"}});
  ASSERT_EQ(ret_status, 201) << ret.dump();
  result["items"][0]["outcome_text"] = "补充说明";
  result["items"][0]["outcome"] = "other";
  auto [r2_status, r2] = Call("POST", "insp-a", "/api/v1/results", result);
  ASSERT_EQ(r2_status, 201) << r2.dump();
  EXPECT_EQ(r2["revision"], 2);
  EXPECT_NE(r2["result_sha256"], r1["result_sha256"]);
  auto [show_status, shown] = Call("GET", "insp-b", visit);
  ASSERT_EQ(show_status, 200) << shown.dump();
  EXPECT_EQ(shown["state"], "entered");
  ASSERT_EQ(shown["revisions"].size(), 2u);
  EXPECT_EQ(shown["revisions"][1]["items"][0]["outcome"], "other");
}

TEST_F(HttpVisitsTest, OthersSeeNoneOfThem) {
  auto [x_status, x] = Call("GET", "insp-x", "/api/v1/visits?mine=1");
  ASSERT_EQ(x_status, 200) << x.dump();
  EXPECT_EQ(x["inspector_id"], outsider_);
  EXPECT_EQ(x["visits"], json::array());
  auto [rev_status, rev] = Call("GET", "rev", "/api/v1/visits?mine=1");
  EXPECT_EQ(rev_status, 403) << rev.dump();
  EXPECT_EQ(rev["code"], "forbidden");
  EXPECT_EQ(rev["message"], "your roles do not allow GET /api/v1/visits");
  auto [bare_status, bare] = Call("GET", "insp-a", "/api/v1/visits");
  EXPECT_EQ(bare_status, 400) << bare.dump();
  EXPECT_EQ(bare["code"], "bad_query");
  EXPECT_EQ(bare["message"], "mine=1 is required: the visits whose team includes your inspector id");
}

}  // namespace
}  // namespace suiji::http
