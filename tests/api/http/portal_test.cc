// The public portal (issue 19) over a real node on loopback: the task notice carries every
// rule the draw depends on; the employer search (JSON and page) by credit code and by part of
// a name, paged; the plan, task and draw pages in Chinese with every value the draw depends
// on (entropy with where to check it, the seed, the drawn employers); the results page in the
// credit-publicity layout, filtered by region, task and date, paged with the filters kept;
// the CSV's formula cells neutralised; the verifier key and latest checkpoint as text; the
// browser verifier's files; a strong ETag, Cache-Control and 304 on every one of them.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/http/server.h"
#include "ledger/core/checkpoint.h"
#include "tests/support/inspection_fixture.h"

namespace suiji::http {
namespace {

using nlohmann::json;

std::string Percent(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto ch = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

class PortalTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    draw_ = Drawn();
    SetDate("2026-06-02");
    ASSERT_TRUE(inspections_->Announce({draw_, "", {"张科长"}, true, "", "首批公布"}, actor_).ok());
    visits_ = inspections_->world().draws.Draw(draw_)->visits;
    ASSERT_GE(visits_.size(), 8u);
    for (size_t i = 0; i < 4; ++i) {
      const draw::VisitRecord& v = visits_[i];
      SetDate("2026-06-0" + std::to_string(3 + i));  // published 06-03 .. 06-06
      inspection::ResultRecord r = CleanResult(draw_, v, "2026-06-03");
      if (i == 1) {  // a cell a spreadsheet would run
        r = ViolationResult(draw_, v, "2026-06-03", {inspection::Handling::OrderCorrection});
        r.items[0].violations[0].description = "=HYPERLINK(\"http://evil.example\",\"x\")";
      }
      if (i == 2) {
        r = ViolationResult(draw_, v, "2026-06-03", {inspection::Handling::OrderCorrection, inspection::Handling::Fine});
        r.items[0].violations[0].description = "-2+3 未足额支付加班工资";
        r.items[0].violations[0].fine_yuan = 5000;
      }
      RecordAndPublish(r);
      published_.push_back(v.credit_code);
    }
    // A correction beside the first result's original.
    SetDate("2026-06-10");
    ASSERT_TRUE(inspections_->Correct(ViolationResult(draw_, visits_[0], "2026-06-03",
                                                      {inspection::Handling::OrderCorrection}),
                                      "录入时遗漏了合同问题", actor_)
                    .ok());
    verifier_key_ = ledger_->NodeVerifierKey();
    ledger_id_ = ledger_->ledger_id();
    for (const auto& v : visits_) {
      names_[v.credit_code] = inspections_->world().draws.dir.targets.at(v.credit_code).name;
    }

    inspections_.reset();
    identity_.reset();
    draws_.reset();
    dirsvc_.reset();
    projection_.reset();
    ledger_.reset();

    web_ = dir_ / "verifier-web";
    std::filesystem::create_directories(web_);
    std::ofstream(web_ / "suiji-verify.js") << "export async function verifyBundle() { return {ok: true, steps: []} }\n";
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    o.verifier_web_dir = web_.string();
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    InspectionNodeTest::TearDown();
  }

  httplib::Result Get(const std::string& path, const httplib::Headers& h = {}) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(20, 0);
    return c.Get(path.c_str(), h);
  }

  // 200 with a strong ETag and the public Cache-Control, and 304 with no body for that tag.
  void ExpectCacheable(const std::string& path) {
    SCOPED_TRACE(path);
    auto r = Get(path);
    ASSERT_EQ(r->status, 200) << r->body;
    const std::string etag = r->get_header_value("ETag");
    EXPECT_EQ(etag.front(), '"');
    EXPECT_EQ(etag.back(), '"');
    EXPECT_EQ(r->get_header_value("Cache-Control"), "public, max-age=10, must-revalidate");
    auto again = Get(path, {{"If-None-Match", etag}});
    EXPECT_EQ(again->status, 304);
    EXPECT_EQ(again->body, "");
    EXPECT_EQ(again->get_header_value("ETag"), etag);
    EXPECT_EQ(Get(path, {{"If-None-Match", "\"other\""}})->status, 200);
  }

  std::string draw_, ledger_id_, verifier_key_;
  std::vector<draw::VisitRecord> visits_;
  std::vector<std::string> published_;
  std::map<std::string, std::string> names_;
  std::filesystem::path web_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(PortalTest, TaskNoticeCarriesEveryRuleTheDrawDependsOn) {
  auto r = Get("/public/v1/tasks/T1");
  ASSERT_EQ(r->status, 200);
  const json t = json::parse(r->body)["task"];
  EXPECT_EQ(t["credit"], (json{{"grade_a_exempt_years", 2},
                               {"grade_c_ratio_bp", 10000},
                               {"grade_c_ignores_no_repeat", true},
                               {"base_weight", 2},
                               {"blacklist_multiplier", 3},
                               {"star_threshold", 4},
                               {"star_policy", "reduce"},
                               {"complaint_step", 1},
                               {"complaint_cap", 4}}));
  EXPECT_EQ(t["frequency"], (json{{"max_per_year", 2}, {"no_repeat_item_within_year", true}}));
  EXPECT_EQ(t["inspectors"], (json{{"domains", json::array()},
                                   {"specialties", json::array()},
                                   {"regions", json::array()},
                                   {"team_size", 2},
                                   {"substitutes", 2},
                                   {"experts", 0},
                                   {"expert_specialties", json::array()}}));
  EXPECT_EQ(t["batch_size"], 0);
  EXPECT_EQ(t["quota_split"], "proportional");
  EXPECT_EQ(t["quotas"], json::array());
  EXPECT_EQ(t["ratio_bp"], 2000);
  EXPECT_EQ(t["strata_by"], "region");
  // The same object in the notices.
  const json notices = json::parse(Get("/public/v1/notices")->body);
  EXPECT_EQ(notices["tasks"][0], t);
}

TEST_F(PortalTest, DrawNoticeHasTheTimesOfFreezeCommitmentAndReveal) {
  const json d = json::parse(Get("/public/v1/draws/" + draw_)->body);
  // The fixture froze at 10:00 China time of the day the clock stood at, then moved on 60 s twice.
  const std::string frozen = d["frozen_time"].get<std::string>();
  ASSERT_EQ(frozen.size(), 19u);
  EXPECT_EQ(frozen.substr(0, 10), d["frozen_date"].get<std::string>());
  EXPECT_EQ(d["committed_time"].get<std::string>().substr(0, 10), d["committed_date"].get<std::string>());
  EXPECT_LT(d["frozen_time"].get<std::string>(), d["committed_time"].get<std::string>());
  EXPECT_LT(d["committed_time"].get<std::string>(), d["revealed_time"].get<std::string>());
}

TEST_F(PortalTest, EmployersAreFoundByCodeAndByPartOfTheirName) {
  const std::string code = visits_[5].credit_code;  // announced, no result
  auto r = Get("/public/v1/employers?q=" + code);
  ASSERT_EQ(r->status, 200) << r->body;
  const json page = json::parse(r->body);
  ASSERT_EQ(page["employers"].size(), 1u);
  const json e = page["employers"][0];
  EXPECT_EQ(e["credit_code"], code);
  EXPECT_EQ(e["name"], names_[code]);
  ASSERT_EQ(e["draws"].size(), 1u);
  const json d = e["draws"][0];
  EXPECT_EQ(d["draw_id"], draw_);
  EXPECT_EQ(d["task_id"], "T1");
  EXPECT_EQ(d["task"], "2026年劳动保障专项抽查");
  EXPECT_EQ(d["inspecting_body"], "常州市人力资源和社会保障局");
  EXPECT_EQ(d["phase"], "drawn");
  EXPECT_EQ(d["announced_date"], "2026-06-02");
  EXPECT_TRUE(page["next_cursor"].is_null());

  // Part of a name, one employer a page: every drawn employer whose name holds it, once.
  const std::string part = "测试企业1";
  std::set<std::string> expected;
  for (const auto& v : visits_) {
    if (names_[v.credit_code].find(part) != std::string::npos) expected.insert(v.credit_code);
  }
  ASSERT_FALSE(expected.empty());
  std::vector<std::string> found;
  std::string cursor;
  for (int i = 0; i < 200; ++i) {
    auto p = Get("/public/v1/employers?q=" + Percent(part) + "&limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(p->status, 200) << p->body;
    const json j = json::parse(p->body);
    EXPECT_LE(j["employers"].size(), 1u);
    for (const auto& x : j["employers"]) found.push_back(x["credit_code"].get<std::string>());
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), expected);
  EXPECT_EQ(found.size(), expected.size());
  // An employer never drawn is not found; a query is needed; a foreign cursor is refused.
  EXPECT_TRUE(json::parse(Get("/public/v1/employers?q=" + Percent("没有这家单位"))->body)["employers"].empty());
  auto none = Get("/public/v1/employers");
  EXPECT_EQ(none->status, 400);
  EXPECT_EQ(json::parse(none->body)["code"], "bad_query");
  auto bad = Get("/public/v1/employers?q=" + Percent(part) + "&cursor=zzz");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["code"], "bad_query");
}

TEST_F(PortalTest, SearchPageShowsTheEmployersDrawsAndResultsWithCorrections) {
  const std::string code = visits_[0].credit_code;
  auto r = Get("/public/search?q=" + code);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  const std::string& b = r->body;
  EXPECT_NE(b.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"), std::string::npos);
  EXPECT_NE(b.find("<h2>" + names_[code] + "</h2>"), std::string::npos);
  EXPECT_NE(b.find("href=\"/public/draws/" + draw_ + "\""), std::string::npos);
  EXPECT_NE(b.find("已完成抽取"), std::string::npos);
  EXPECT_NE(b.find("未发现问题"), std::string::npos);  // the original
  EXPECT_NE(b.find("更正1（2026-06-10）</strong>：录入时遗漏了合同问题"), std::string::npos);  // beside it
  auto by_name = Get("/public/search?q=" + Percent(names_[code]));
  ASSERT_EQ(by_name->status, 200);
  EXPECT_NE(by_name->body.find("<code>" + code + "</code>"), std::string::npos);
  auto nothing = Get("/public/search?q=" + Percent("没有这家单位"));
  EXPECT_NE(nothing->body.find("没有找到与“没有这家单位”相符的已公示单位"), std::string::npos);
  EXPECT_EQ(Get("/public/search")->status, 200);
}

TEST_F(PortalTest, DrawPageShowsEveryInputAndWhereToCheckIt) {
  auto r = Get("/public/draws/" + draw_);
  ASSERT_EQ(r->status, 200);
  const std::string& b = r->body;
  const json d = json::parse(Get("/public/v1/draws/" + draw_)->body);
  for (const std::string& s : {
           std::string("<title>抽取公示 ") + draw_ + " - 双随机抽查公示</title>",
           std::string("已完成抽取"),
           std::string("<dt>冻结名单时间</dt><dd>") + d["frozen_time"].get<std::string>() + "</dd>",
           std::string("<dt>作出承诺时间</dt><dd>") + d["committed_time"].get<std::string>() + "</dd>",
           std::string("<code>") + d["population"]["targets"]["root"].get<std::string>() + "</code>",
           std::string("<dt>承诺值</dt><dd><code>") + d["commitment"]["hash"].get<std::string>() + "</code></dd>",
           std::string("<td data-label=\"见证人\">张三</td><td data-label=\"数字\"><code>314159</code></td>"),
           std::string("<td data-label=\"见证人\">李四</td><td data-label=\"数字\"><code>271828</code></td>"),
           std::string("<code>") + d["reveal"]["seed"].get<std::string>() + "</code>",
           std::string("<code>") + d["reveal"]["secret"].get<std::string>() + "</code>",
           std::string("已于 2026-06-02 公告"),
           std::string("本任务没有取消过抽取（重抽 0 次）"),
           std::string("href=\"/public/v1/bundles/") + draw_ + "\" download=",
           std::string("id=\"verify-button\" data-bundle=\"/public/v1/bundles/") + draw_ + "\" hidden>在浏览器中验证</button>",
           std::string("import('/public/verifier/suiji-verify.js')"),
           std::string("浏览器验证组件未安装"),
           std::string("href=\"/public/tasks/T1\">2026年劳动保障专项抽查</a>"),
       }) {
    EXPECT_NE(b.find(s), std::string::npos) << s;
  }
  for (const auto& v : visits_) EXPECT_NE(b.find("<td data-label=\"单位名称\">" + names_[v.credit_code] + "</td>"), std::string::npos);
  // In Chinese: no English phase.
  EXPECT_EQ(b.find(">drawn<"), std::string::npos);
  auto missing = Get("/public/draws/nope");
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("没有编号为 nope 的抽取。"), std::string::npos);
}

TEST_F(PortalTest, TaskAndPlanPagesStateTheRulesInWords) {
  auto r = Get("/public/tasks/T1");
  ASSERT_EQ(r->status, 200);
  const std::string& b = r->body;
  for (const std::string s : {
           "<td data-label=\"抽查依据\">劳动合同法</td>",   // the item's legal basis, from the item list
           "<td data-label=\"检查方式\">实地检查</td>",
           "<dt>地区范围</dt><dd>常州市（320400）</dd>",
           "<dt>抽取比例或数量</dt><dd>每层抽取 20%</dd>",
           "<dt>分层</dt><dd>按县（市、区）分层</dd>",
           "<dt>A级单位</dt><dd>2年内免于抽查</dd>",
           "<dt>C级单位</dt><dd>按 100% 的比例抽取，不受“不重复抽查”限制</dd>",
           "<dt>每年最多检查</dt><dd>2次</dd>",
           "<dt>每组人数</dt><dd>2人</dd>",
           "<dt>替补人数</dt><dd>2人</dd>",
           "href=\"/public/v1/tasks/T1\"",
       }) {
    EXPECT_NE(b.find(s), std::string::npos) << s;
  }
  EXPECT_NE(b.find("href=\"/public/draws/" + draw_ + "\""), std::string::npos);
  EXPECT_EQ(Get("/public/tasks/nope")->status, 404);
  auto p = Get("/public/plans/P2026");
  ASSERT_EQ(p->status, 200);
  EXPECT_NE(p->body.find("<title>2026年度双随机抽查计划 - 双随机抽查公示</title>"), std::string::npos);
  EXPECT_NE(p->body.find("href=\"/public/tasks/T1\""), std::string::npos);
  EXPECT_EQ(Get("/public/plans/nope")->status, 404);
  auto index = Get("/public");
  EXPECT_NE(index->body.find("href=\"/public/plans/P2026\""), std::string::npos);
  EXPECT_NE(index->body.find("action=\"/public/search\""), std::string::npos);
}

TEST_F(PortalTest, ResultsPageFiltersByRegionTaskAndDate) {
  auto rows = [&](const std::string& query) {
    auto r = Get("/public/results" + query);
    EXPECT_EQ(r->status, 200) << query;
    std::set<std::string> codes;
    for (const auto& c : published_) {
      if (r->body.find("<td data-label=\"统一社会信用代码\"><code>" + c + "</code></td>") != std::string::npos) codes.insert(c);
    }
    return std::make_pair(codes, r->body);
  };
  auto [all, page] = rows("");
  EXPECT_EQ(all, std::set<std::string>(published_.begin(), published_.end()));
  for (const std::string s : {"<th scope=\"col\">统一社会信用代码</th><th scope=\"col\">单位名称</th><th scope=\"col\">检查事项</th>"
                              "<th scope=\"col\">检查日期</th><th scope=\"col\">检查结果</th><th scope=\"col\">处理情况</th>"
                              "<th scope=\"col\">检查机关</th>",
                              "<td data-label=\"处理情况\">-2+3 未足额支付加班工资（《劳动合同法》第十条）：责令改正、罚款5000元</td>",
                              "<option value=\"320402\">　天宁区（320402）</option>",
                              "href=\"/public/v1/results.csv\" download="}) {
    EXPECT_NE(page.find(s), std::string::npos) << s;
  }
  // The correction beside the original.
  EXPECT_NE(page.find("<div class=\"correction\">更正1（2026-06-10）：录入时遗漏了合同问题"), std::string::npos);

  std::set<std::string> in_402;
  for (const auto& c : published_) {
    for (const auto& v : visits_) {
      if (v.credit_code == c && c.substr(2, 6) == "320402") in_402.insert(c);
    }
  }
  auto [by_region, region_page] = rows("?region=320402");
  EXPECT_EQ(by_region, in_402);
  EXPECT_NE(region_page.find("<option value=\"320402\" selected>"), std::string::npos);
  EXPECT_EQ(rows("?task=T1").first, all);
  EXPECT_TRUE(rows("?task=T2").first.empty());
  EXPECT_EQ(rows("?from=2026-06-04&to=2026-06-05").first,
            (std::set<std::string>{published_[1], published_[2]}));
  EXPECT_EQ(rows("?region=320400&from=2026-06-06").first, std::set<std::string>{published_[3]});
  auto bad = Get("/public/results?from=June");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("查询条件无效"), std::string::npos);
}

TEST_F(PortalTest, ResultsCsvNeutralisesFormulaCells) {
  auto r = Get("/public/v1/results.csv");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  const std::string& csv = r->body;
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  // Quoted, behind a single quote: text to a spreadsheet, never a formula.
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")（《劳动合同法》第十条）：责令改正\","),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",\"'-2+3 未足额支付加班工资（《劳动合同法》第十条）：责令改正、罚款5000元\","), std::string::npos) << csv;
  EXPECT_EQ(Count(csv, ",=") + Count(csv, ",-") + Count(csv, ",\"="), 0u);
  // The JSON keeps the text as published.
  const json rows = json::parse(Get("/public/v1/results")->body)["rows"];
  EXPECT_EQ(rows[2]["处理情况"], "-2+3 未足额支付加班工资（《劳动合同法》第十条）：责令改正、罚款5000元");
}

TEST_F(PortalTest, VerifierKeyAndLatestCheckpointArePublishedAsText) {
  auto k = Get("/public/v1/verifier-key");
  ASSERT_EQ(k->status, 200) << k->body;
  EXPECT_EQ(k->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(k->body, verifier_key_ + "\n");
  auto c = Get("/public/v1/checkpoint");
  ASSERT_EQ(c->status, 200);
  auto note = ParseNote(c->body);
  ASSERT_TRUE(note.ok()) << c->body;
  auto cp = ParseCheckpoint(note->text);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->origin, ledger_id_);
  auto page = Get("/public/key");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<code id=\"verifier-key\">" + verifier_key_ + "</code>"), std::string::npos);
  EXPECT_NE(page->body.find("覆盖账本前 " + std::to_string(cp->size) + " 条记录"), std::string::npos);
}

TEST_F(PortalTest, BrowserVerifierFilesAreServedOrSaidToBeMissing) {
  auto js = Get("/public/verifier/suiji-verify.js");
  ASSERT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->body, "export async function verifyBundle() { return {ok: true, steps: []} }\n");
  auto missing = Get("/public/verifier/other.js");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["code"], "no_verifier");
  EXPECT_NE(missing->body.find("浏览器验证组件未安装"), std::string::npos);
  EXPECT_EQ(Get("/public/verifier/..%2F..%2Fkeys/node.key")->status, 400);
}

TEST_F(PortalTest, EveryPortalReplyHasAStrongETagAndAnswers304) {
  for (const std::string& path : std::vector<std::string>{"/public", "/public/search?q=" + visits_[0].credit_code, "/public/results",
                                 "/public/results?region=320402&from=2026-06-01", "/public/draws/" + draw_,
                                 "/public/tasks/T1", "/public/plans/P2026", "/public/key", "/public/v1/verifier-key",
                                 "/public/v1/checkpoint", "/public/v1/employers?q=" + visits_[0].credit_code,
                                 "/public/verifier/suiji-verify.js", "/public/v1/results.csv"}) {
    ExpectCacheable(path);
  }
}

}  // namespace
}  // namespace suiji::http
