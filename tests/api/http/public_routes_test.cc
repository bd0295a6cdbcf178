// The public routes over a real node on loopback, read from the public-record projection:
// the notices, results.csv and the credit-publicity JSON equal the in-memory PublicRecord's
// (streamed); pages of results by code and by part of a name follow next_cursor to the end,
// each result once; plans, tasks, draws one by one; every reply has a strong ETag and
// Cache-Control, If-None-Match gets 304 until the log grows; bad limits and cursors are 400;
// and no internal marker (a review's reason, an internal note added over HTTP, a returned
// draft, an unpublished result, an inspector's name, an evidence file name) appears in any
// public reply.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/http/server.h"
#include "api/records_json.h"
#include "ledger/core/inspection/public_record.h"
#include "ledger/replay.h"
#include "tests/support/inspection_fixture.h"

namespace suiji::http {
namespace {

using nlohmann::json;

constexpr const char* kReview = "MARKER-REVIEW-31ab";
constexpr const char* kDraft = "MARKER-DRAFT-77c0";
constexpr const char* kUnpublished = "MARKER-UNPUBLISHED-5d21";
constexpr const char* kInspector = "MARKER-INSPECTOR-e4f9";
constexpr const char* kEvidence = "MARKER-EVIDENCE-0b3c.mp4";
constexpr const char* kNote = "MARKER-HTTP-NOTE-9a6d";

// Every byte of UTF-8 text percent-encoded, for a query string.
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

class PublicRoutesTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    draw_ = Drawn();
    SetDate("2026-06-02");
    ASSERT_TRUE(inspections_->Announce({draw_, "", {"张科长"}, false, "暂不公布", ""}, actor_).ok());
    const std::vector<draw::VisitRecord> visits = inspections_->world().draws.Draw(draw_)->visits;
    ASSERT_GE(visits.size(), 6u);
    for (size_t i = 0; i < visits.size(); ++i) {
      const draw::VisitRecord& v = visits[i];
      SetDate("2026-06-0" + std::to_string(3 + i % 5));
      inspection::ResultRecord r = CleanResult(draw_, v, "2026-06-03");
      r.evidence[0].name = kEvidence;
      if (i == 0) {  // returned once with a reason, then published
        inspection::ResultRecord draft = r;
        draft.items[0].findings[0].text = kDraft;
        ASSERT_TRUE(inspections_->RecordResult(draft, actor_).ok());
        ConfirmByTeam(draw_, v.credit_code);
        ASSERT_TRUE(inspections_->Submit(draw_, v.credit_code, actor_).ok());
        ASSERT_TRUE(inspections_->Review(draw_, v.credit_code, false, kReview, reviewer_).ok());
      }
      if (i == visits.size() - 1) {  // never published
        r.items[0].findings[0].text = kUnpublished;
        ASSERT_TRUE(inspections_->RecordResult(r, actor_).ok());
        continue;
      }
      RecordAndPublish(r);
      published_.push_back(v.credit_code);
    }
    first_code_ = visits[0].credit_code;
    const std::string inspector = visits[0].team.at(0);
    directory::InspectorRecord named = inspections_->world().draws.dir.inspectors.at(inspector);
    named.name = kInspector;
    ASSERT_TRUE(dirsvc_->UpsertInspector(named, actor_).ok());
    // A reviewer with a token, to write over HTTP while the server runs.
    ASSERT_TRUE(identity_->Sync().ok());
    ASSERT_TRUE(identity_->RegisterUser({"rev", "审核员", "320400", {"reviewer"}, "", {}, ""}, actor_).ok());
    auto t = identity_->IssueToken("rev", "", 0, actor_);
    ASSERT_TRUE(t.ok());
    token_ = t->token;

    inspection::PublicRecord rec;
    ASSERT_TRUE(ReplayLog(ledger_->storage(), 0, [&](const EntryView& e) { return rec.Apply(e); }).ok());
    notices_ = rec.Notices().dump();
    csv_ = rec.CreditPublicityCsv();
    credit_json_ = rec.CreditPublicityJson().dump();
    // What the staff routes of plans, tasks and draws gave when they read the in-memory fold.
    const draw::DrawWorld& w = rec.world().draws;
    draw_json_ = cli::DrawToJson(w, *w.Draw(draw_));
    task_json_ = cli::TaskInfoToJson(w, *w.Task("T1"));
    plan_json_ = cli::PlanToJson(w.plans.at("P2026"));
    carried_ = rec.PublicSequencesOfDraw(draw_);
    auto sheet = rec.InspectionSheetHtml(draw_, first_code_);
    ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
    sheet_ = *sheet;
    auto frozen = DrawService::FrozenInputsAt(ledger_->storage(), w.Draw(draw_)->freeze_sequence, "T1");
    ASSERT_TRUE(frozen.ok()) << frozen.status().ToString();
    frozen_ = draw::LeafLines(frozen->population);
    auto calendar = ReadCalendar(ledger_->storage());
    ASSERT_TRUE(calendar.ok());
    auto due = calendar->AddWorkingDays("2026-09-30", 3);  // over the National Day holidays
    ASSERT_TRUE(due.ok());
    due_ = *due;

    inspections_.reset();
    identity_.reset();
    draws_.reset();
    dirsvc_.reset();
    projection_.reset();
    ledger_.reset();
    Start();
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

  void TearDown() override {
    Stop();
    InspectionNodeTest::TearDown();
  }

  // A gauge of /metrics.
  uint64_t Metric(const std::string& name) {
    auto m = Get("/metrics");
    EXPECT_EQ(m->status, 200);
    const size_t at = m->body.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos ? 0 : std::stoull(m->body.substr(at + name.size() + 2));
  }

  httplib::Result Get(const std::string& path, const httplib::Headers& h = {}) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(20, 0);
    return c.Get(path.c_str(), h);
  }

  // Every page of a results query; each credit code once.
  std::vector<std::string> Pages(const std::string& query) {
    std::vector<std::string> codes;
    std::string cursor;
    for (int i = 0; i < 100; ++i) {
      auto r = Get("/public/v1/results?" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r->status, 200) << r->body;
      const json page = json::parse(r->body);
      for (const auto& x : page["results"]) codes.push_back(x["credit_code"].get<std::string>());
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"].get<std::string>();
    }
    return codes;
  }

  std::string draw_, first_code_, token_;
  json draw_json_, task_json_, plan_json_;
  std::vector<uint64_t> carried_;
  std::string frozen_, due_;
  std::string sheet_;  // the inspection sheet of first_code_'s visit from the in-memory fold
  std::vector<std::string> published_;
  std::string notices_, csv_, credit_json_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(PublicRoutesTest, WholeDocumentsAreThePublicRecordsStreamed) {
  auto n = Get("/public/v1/notices");
  ASSERT_EQ(n->status, 200);
  EXPECT_EQ(n->body, notices_);
  EXPECT_EQ(n->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(n->get_header_value("Content-Length"), std::to_string(notices_.size()));
  auto csv = Get("/public/v1/results.csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->body, csv_);
  auto credit = Get("/public/v1/results");
  ASSERT_EQ(credit->status, 200);
  EXPECT_EQ(credit->body, credit_json_);
  // A byte range of a streamed document (a resumed download) is cut from the same bytes.
  auto part = Get("/public/v1/notices", {{"Range", "bytes=10-19"}});
  ASSERT_EQ(part->status, 206);
  EXPECT_EQ(part->body, notices_.substr(10, 10));
  EXPECT_EQ(part->get_header_value("Content-Range"), "bytes 10-19/" + std::to_string(notices_.size()));
  auto tail = Get("/public/v1/results.csv", {{"Range", "bytes=-7"}});
  ASSERT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, csv_.substr(csv_.size() - 7));
}

TEST_F(PublicRoutesTest, ResultPagesFollowTheirCursorToTheEndEachResultOnce) {
  std::vector<std::string> all = Pages("limit=2");
  EXPECT_EQ(all, published_);  // publication order
  std::vector<std::string> by_name = Pages("name=" + Percent("常州") + "&limit=2");
  EXPECT_EQ(std::multiset<std::string>(by_name.begin(), by_name.end()),
            std::multiset<std::string>(published_.begin(), published_.end()));
  EXPECT_EQ(Pages("code=" + first_code_), std::vector<std::string>{first_code_});
  EXPECT_TRUE(Pages("code=" + testing_support::SampleCreditCode("320402", 9999)).empty());
  EXPECT_EQ(Pages("task=T1&limit=500").size(), published_.size());
  EXPECT_TRUE(Pages("task=T9").empty());

  auto bad = Get("/public/v1/results?limit=0");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["code"], "bad_limit");
  bad = Get("/public/v1/results?limit=501");
  EXPECT_EQ(bad->status, 400);
  bad = Get("/public/v1/results?cursor=zz");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["code"], "bad_query");
}

TEST_F(PublicRoutesTest, NoticesOneByOne) {
  const json all = json::parse(notices_);
  auto plans = Get("/public/v1/plans");
  ASSERT_EQ(plans->status, 200);
  EXPECT_EQ(json::parse(plans->body)["plans"], all["plans"]);
  EXPECT_TRUE(json::parse(plans->body)["next_cursor"].is_null());
  auto plan = Get("/public/v1/plans/P2026");
  ASSERT_EQ(plan->status, 200);
  EXPECT_EQ(json::parse(plan->body)["versions"], all["plans"]);
  EXPECT_EQ(Get("/public/v1/plans/P-NONE")->status, 404);
  auto tasks = Get("/public/v1/tasks?plan=P2026");
  ASSERT_EQ(tasks->status, 200);
  EXPECT_EQ(json::parse(tasks->body)["tasks"], all["tasks"]);
  EXPECT_TRUE(json::parse(Get("/public/v1/tasks?plan=P-NONE")->body)["tasks"].empty());
  auto task = Get("/public/v1/tasks/T1");
  ASSERT_EQ(task->status, 200);
  EXPECT_EQ(json::parse(task->body)["task"], all["tasks"][0]);
  EXPECT_EQ(json::parse(task->body)["draws"][0]["draw_id"], draw_);
  EXPECT_EQ(Get("/public/v1/tasks/T-NONE")->status, 404);
  auto d = Get("/public/v1/draws/" + draw_);
  ASSERT_EQ(d->status, 200);
  EXPECT_EQ(json::parse(d->body), all["draws"][0]);
  EXPECT_EQ(Get("/public/v1/draws/nope")->status, 404);
  auto lists = Get("/public/v1/item-lists");
  ASSERT_EQ(lists->status, 200);
  EXPECT_EQ(json::parse(lists->body)["item_lists"], all["item_lists"]);
  // The HTML pages read the same rows.
  auto index = Get("/public");
  ASSERT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("/public/draws/" + draw_), std::string::npos);
  auto results = Get("/public/results");
  ASSERT_EQ(results->status, 200);
  EXPECT_NE(results->body.find(first_code_), std::string::npos);
  EXPECT_EQ(Get("/public/draws/" + draw_)->status, 200);
  EXPECT_EQ(Get("/public/draws/nope")->status, 404);
}

TEST_F(PublicRoutesTest, RepliesCarryStrongETagsAnd304UntilTheLogGrows) {
  auto first = Get("/public/v1/results?limit=2");
  ASSERT_EQ(first->status, 200);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag.front(), '"');  // strong: no W/
  EXPECT_EQ(first->get_header_value("Cache-Control"), "public, max-age=10, must-revalidate");
  // Another request, another tag; the same request, the same tag.
  EXPECT_NE(Get("/public/v1/results?limit=3")->get_header_value("ETag"), etag);
  EXPECT_EQ(Get("/public/v1/results?limit=2")->get_header_value("ETag"), etag);
  auto same = Get("/public/v1/results?limit=2", {{"If-None-Match", "\"other\", " + etag}});
  EXPECT_EQ(same->status, 304);
  EXPECT_TRUE(same->body.empty());
  EXPECT_EQ(same->get_header_value("ETag"), etag);
  for (const char* path : {"/public/v1/notices", "/public/v1/results.csv", "/public", "/public/results",
                           "/public/v1/plans", "/public/v1/item-lists"}) {
    auto r = Get(path);
    ASSERT_EQ(r->status, 200) << path;
    const std::string tag = r->get_header_value("ETag");
    ASSERT_FALSE(tag.empty()) << path;
    EXPECT_EQ(Get(path, {{"If-None-Match", tag}})->status, 304) << path;
  }
  auto bundle = Get("/public/v1/bundles/" + draw_);
  ASSERT_EQ(bundle->status, 200);
  const std::string bundle_tag = bundle->get_header_value("ETag");
  ASSERT_FALSE(bundle_tag.empty());
  EXPECT_EQ(Get("/public/v1/bundles/" + draw_, {{"If-None-Match", bundle_tag}})->status, 304);

  // A write (an internal note): the old tag no longer matches, and the note is nowhere.
  httplib::Client c("127.0.0.1", server_->port());
  auto w = c.Post(("/api/v1/results/" + draw_ + "/" + first_code_ + "/notes").c_str(),
                  {{"Authorization", "Bearer " + token_}}, json{{"note", kNote}}.dump(), "application/json");
  ASSERT_EQ(w->status, 201) << w->body;
  auto after = Get("/public/v1/results?limit=2", {{"If-None-Match", etag}});
  EXPECT_EQ(after->status, 200);
  EXPECT_NE(after->get_header_value("ETag"), etag);
}

TEST_F(PublicRoutesTest, NoInternalMarkerInAnyPublicReply) {
  httplib::Client c("127.0.0.1", server_->port());
  auto w = c.Post(("/api/v1/results/" + draw_ + "/" + first_code_ + "/notes").c_str(),
                  {{"Authorization", "Bearer " + token_}}, json{{"note", kNote}}.dump(), "application/json");
  ASSERT_EQ(w->status, 201) << w->body;
  const std::vector<std::string> paths = {
      "/public/v1/notices",
      "/public/v1/results",
      "/public/v1/results.csv",
      "/public/v1/results?limit=500",
      "/public/v1/results?code=" + first_code_,
      "/public/v1/results?name=" + Percent("有限公司"),
      "/public/v1/results?region=320400",
      "/public/v1/results?task=T1",
      "/public/v1/results?from=2026-06-01&to=2026-12-31",
      "/public/v1/item-lists",
      "/public/v1/plans",
      "/public/v1/plans/P2026",
      "/public/v1/tasks",
      "/public/v1/tasks?plan=P2026",
      "/public/v1/tasks/T1",
      "/public/v1/draws/" + draw_,
      "/public",
      "/public/results",
      "/public/draws/" + draw_,
  };
  size_t results_seen = 0;
  for (const auto& path : paths) {
    auto r = Get(path);
    ASSERT_EQ(r->status, 200) << path;
    for (const char* m : {kReview, kDraft, kUnpublished, kInspector, kEvidence, kNote}) {
      EXPECT_EQ(r->body.find(m), std::string::npos) << m << " leaked into " << path;
    }
    if (r->body.find(first_code_) != std::string::npos) ++results_seen;
  }
  EXPECT_GE(results_seen, 10u);  // the replies do carry the published result beside the markers
}

}  // namespace
}  // namespace suiji::http

namespace suiji::http {
namespace {

// The server decides and answers plans, tasks and draws from the projections (their draws,
// public and directory folders), never from a fold of the whole log: right after it starts,
// and after a restart on projections that are current, the staff routes of plans, tasks and
// draws give what they gave from the in-memory fold, the calendar is the log's, a proof
// bundle carries exactly the draw's public inspection events, and the results, statistics and
// inspection sheet routes read their folders (the sheet: the bytes of the in-memory fold's).
TEST_F(PublicRoutesTest, DrawRoutesAnswerFromTheProjectionsWithoutFoldingTheLog) {
  const httplib::Headers auth{{"Authorization", "Bearer " + token_}};
  for (int start = 0; start < 2; ++start) {
    if (start == 1) {
      Stop();
      Start();
    }
    auto d = Get("/api/v1/draws/" + draw_, auth);
    ASSERT_EQ(d->status, 200) << d->body;
    EXPECT_EQ(json::parse(d->body), draw_json_);
    auto t = Get("/api/v1/tasks/T1", auth);
    ASSERT_EQ(t->status, 200) << t->body;
    EXPECT_EQ(json::parse(t->body), task_json_);
    auto ts = Get("/api/v1/tasks?plan=P2026", auth);
    ASSERT_EQ(ts->status, 200) << ts->body;
    EXPECT_EQ(json::parse(ts->body), (json{{"tasks", json::array({task_json_})}}));
    json plan = plan_json_;
    plan["tasks"] = 1;
    auto ps = Get("/api/v1/plans", auth);
    ASSERT_EQ(ps->status, 200) << ps->body;
    EXPECT_EQ(json::parse(ps->body), (json{{"plans", json::array({plan})}}));
    auto p = Get("/api/v1/plans/P2026", auth);
    ASSERT_EQ(p->status, 200) << p->body;
    EXPECT_EQ(json::parse(p->body), plan_json_);
    auto frozen = Get("/api/v1/draws/" + draw_ + "/frozen", auth);
    ASSERT_EQ(frozen->status, 200);
    EXPECT_EQ(frozen->body, frozen_);
    auto unknown = Get("/api/v1/draws/D-NONE", auth);
    EXPECT_EQ(unknown->status, 404);
    EXPECT_EQ(json::parse(unknown->body)["message"], "draw D-NONE not found in your jurisdiction");
    EXPECT_EQ(Get("/api/v1/tasks/T-NONE", auth)->status, 404);
    EXPECT_EQ(Get("/api/v1/plans/P-NONE", auth)->status, 404);

    auto due = Get("/api/v1/working-days?date=2026-09-30&days=3", auth);
    ASSERT_EQ(due->status, 200) << due->body;
    EXPECT_EQ(json::parse(due->body)["due"], due_);
    EXPECT_EQ(Get("/api/v1/calendar/2026", auth)->status, 200);
    EXPECT_EQ(Get("/api/v1/calendar/1999", auth)->status, 404);

    auto bundle = Get("/public/v1/bundles/" + draw_);
    ASSERT_EQ(bundle->status, 200) << bundle->body;
    std::vector<uint64_t> inspection_events;
    std::string types;  // every entry, for a failure's message
    const json parsed = json::parse(bundle->body);
    for (const auto& e : parsed["entries"]) {
      const std::string type = e["type"];
      types += std::to_string(e["sequence"].get<uint64_t>()) + " " + type + ", ";
      if (type == "TargetsAnnounced" || type.rfind("Result", 0) == 0 || type == "CaseTransferred" ||
          type == "CreditReevaluated") {
        inspection_events.push_back(e["sequence"].get<uint64_t>());
      }
    }
    ASSERT_GE(carried_.size(), 3u);
    EXPECT_EQ(inspection_events, carried_) << types;
    EXPECT_EQ(Get("/public/v1/bundles/D-NONE")->status, 404);

    // The printable sheet from the inspections folder: byte for byte the fold's.
    auto sheet = Get("/api/v1/results/" + draw_ + "/" + first_code_ + "/sheet", auth);
    ASSERT_EQ(sheet->status, 200) << sheet->body;
    EXPECT_EQ(sheet->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(sheet->body, sheet_);
  }
  auto results = Get("/api/v1/results?draw=" + draw_, auth);
  ASSERT_EQ(results->status, 200) << results->body;
  auto stats = Get("/api/v1/stats?draw=" + draw_, auth);
  ASSERT_EQ(stats->status, 200) << stats->body;
  auto not_drawn = Get("/api/v1/results/" + draw_ + "/NOT-DRAWN/sheet", auth);
  EXPECT_EQ(not_drawn->status, 404) << not_drawn->body;
  EXPECT_EQ(json::parse(not_drawn->body)["message"], "NOT-DRAWN was not drawn in draw \"" + draw_ + "\"");
  // The node folds no log: /metrics has no world left to report, and the projections are current.
  EXPECT_EQ(Metric("suiji_projection_lag_entries"), 0u);
  auto metrics = Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->body.find("suiji_world_folded_entries"), std::string::npos);
}

// A long write holds the server's state lock for its whole run: a large import forwarded by
// the command line runs inside Server::WithNode (api/cli_socket.h). The public routes read
// only the public projection's snapshot and take no state lock, so each answers while such a
// command is still inside (ordering, not timing: the command leaves only when released, after
// the reads have answered). The proof bundle, which reads the in-memory folds, is not one of them.
TEST_F(PublicRoutesTest, PublicReadsAnswerWhileALongForwardedCommandHoldsTheNode) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> inside{false};
  std::thread command([&] {
    (void)server_->WithNode([&](const NodeServices&) {
      inside = true;
      entered.set_value();
      released.wait();
      inside = false;
    });
  });
  struct Release {
    std::promise<void>& p;
    std::thread& t;
    ~Release() {
      p.set_value();
      t.join();
    }
  } finally{release, command};
  entered.get_future().wait();

  const std::vector<std::string> paths = {
      "/public/v1/notices", "/public/v1/results.csv", "/public/v1/results",
      "/public/v1/results?code=" + first_code_, "/public/v1/item-lists", "/public/v1/plans",
      "/public/v1/tasks", "/public", "/public/results"};
  for (const auto& path : paths) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10, 0);  // only bounds a failure: the reply comes while the command waits
    auto r = c.Get(path.c_str());
    ASSERT_TRUE(r) << path << ": no reply while the command held the node";
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    EXPECT_TRUE(inside.load()) << path << " answered only after the command left";
    if (path == "/public/v1/notices") {
      EXPECT_EQ(r->body, notices_);
    }
    if (path == "/public/v1/results.csv") {
      EXPECT_EQ(r->body, csv_);
    }
  }
}

// The gauge suiji_projection_readers of /metrics: read transactions open on the projections.
int OpenReaders(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/metrics");
  if (!r || r->status != 200) return -1;
  const std::string key = "\nsuiji_projection_readers ";
  const size_t at = r->body.find(key);
  if (at == std::string::npos) return -2;
  return std::stoi(r->body.substr(at + key.size()));
}

// A slow client of a streamed public document (it reads the reply's head, then nothing for a
// while) holds no snapshot of the projections: the server wrote the document into an unnamed
// file first and released its read transaction before sending a byte (api/http/spool.h), so
// LMDB may reuse pages while writes go on. The client, reading on later, still gets the whole
// document of the position it asked at, byte for byte, though the log has grown since.
TEST_F(PublicRoutesTest, ASlowDownloadHoldsNoSnapshotAndStillGetsOnePositionsDocument) {
  // About 13 MB of notices (28 item lists under the 512 KiB payload limit): more than the
  // kernel's socket buffers take, so a server that sent from its snapshot would still be
  // sending (and holding it) while the client waits.
  Status made = server_->WithNode([&](const NodeServices& n) {
    for (int v = 0; v < 28; ++v) {
      directory::ItemListRecord list;
      list.org_id = "320400";
      list.effective_date = "2026-01-01";
      for (int i = 0; i < 60; ++i) {
        list.items.push_back({"L" + std::to_string(i), "事项" + std::to_string(i), "常州市人社局",
                              std::string(3900, 'x'), std::string(3900, 'y'), directory::InspectionMethod::OnSite,
                              directory::ItemKind::General, {"合同文本"}, "劳动监察支队"});
      }
      auto s = n.dirs->PublishItemList(list, actor_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
    }
  });
  ASSERT_TRUE(made.ok()) << made.ToString();
  const int baseline = OpenReaders(server_->port());
  ASSERT_GE(baseline, 0);
  auto whole = Get("/public/v1/notices");
  ASSERT_TRUE(whole);
  ASSERT_EQ(whole->status, 200);
  ASSERT_GT(whole->body.size(), 12u << 20);

  // The slow client: a small receive buffer, and it reads only the head for now.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  const int small = 4096;
  ASSERT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(server_->port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  const std::string get = "GET /public/v1/notices HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, get.data(), get.size(), MSG_NOSIGNAL), static_cast<ssize_t>(get.size()));
  std::string got;
  char buf[4096];
  while (got.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0) << "the server closed the connection before its head";
    got.append(buf, static_cast<size_t>(n));
  }
  const size_t body_at = got.find("\r\n\r\n") + 4;
  const std::string head = got.substr(0, body_at);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(whole->body.size())), std::string::npos) << head;
  EXPECT_NE(head.find(whole->get_header_value("ETag")), std::string::npos) << head;

  // While it waits: no read transaction is left open for it, and writes go on.
  EXPECT_EQ(OpenReaders(server_->port()), baseline) << "the slow download holds a snapshot of the projections";
  made = server_->WithNode([&](const NodeServices& n) {
    directory::ItemListRecord list;
    list.org_id = "320400";
    list.effective_date = "2026-02-01";
    list.items.push_back({"M1", "事项", "常州市人社局", "依据", "内容", directory::InspectionMethod::OnSite,
                          directory::ItemKind::General, {"合同文本"}, "劳动监察支队"});
    ASSERT_TRUE(n.dirs->PublishItemList(list, actor_).ok());
  });
  ASSERT_TRUE(made.ok()) << made.ToString();
  EXPECT_EQ(OpenReaders(server_->port()), baseline);

  // It reads on: the whole document as it was when asked.
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_TRUE(got.substr(body_at) == whole->body) << "got " << got.size() - body_at << " of "
                                                  << whole->body.size() << " bytes, or other bytes";
  auto now = Get("/public/v1/notices");
  ASSERT_TRUE(now);
  EXPECT_NE(now->get_header_value("ETag"), whole->get_header_value("ETag"));
  EXPECT_GT(json::parse(now->body)["log_size"].get<uint64_t>(), json::parse(whole->body)["log_size"].get<uint64_t>());
}

}  // namespace
}  // namespace suiji::http
