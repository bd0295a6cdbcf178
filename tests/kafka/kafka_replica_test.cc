// Read replicas on Kafka (issue 16, item 6): one writer (`suiji serve`) and two replicas
// (`suiji serve --replica`, each on a data directory of its own made by `suiji replica init`)
// on one broker. The writer imports employers and runs a draw through to a published result
// while the replicas follow; once they have applied the writer's last acknowledged write
// (their /healthz), every read route answers the same bytes on all three: public notices,
// results (JSON and CSV), draw notices, HTML pages, the proof bundle, staff reads with tokens,
// and the event stream. A write to a replica is refused (421 read_replica, X-Suiji-Role:
// replica) and writes nothing. One replica is killed with SIGKILL mid-way and catches up
// after its restart; the other is started only after the writer has written, and builds
// everything from the topic.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/kafka/kafka_test_util.h"
#include "tests/support/credit_codes.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using testing_support::ReadFile;

double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A `suiji serve` child process and a client to it.
struct Serve {
  pid_t pid = -1;
  int port = 0;
  fs::path log;
  std::unique_ptr<httplib::Client> client;
};

class KafkaReplicaTest : public kafka_test::KafkaTest {
 protected:
  void SetUp() override {
    KafkaTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = fs::temp_directory_path() / ("suiji-kreplica-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    writer_dir_ = (dir_ / "writer").string();
  }
  void TearDown() override {
    for (Serve* s : {&writer_, &replica_a_, &replica_b_}) Stop(*s);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    KafkaTest::TearDown();
  }

  testing_support::RunResult Run(const std::vector<std::string>& args) {
    return testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
  }
  std::string Suiji(const std::vector<std::string>& args) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string Token(const std::string& user) {
    std::string t = Suiji({"token", "issue", "--data", writer_dir_, user, "--org", "320000", "--user", "admin"});
    return t.substr(0, t.find('\n'));
  }

  // `suiji serve --data DIR --listen 127.0.0.1:0 [extra...]`; returns once it prints its port.
  void Start(Serve& s, const std::string& data, const std::vector<std::string>& extra) {
    static int n = 0;
    s.log = dir_ / ("serve-" + std::to_string(++n) + ".err");
    const std::string bin = SUIJI_BIN_SUIJI;
    std::vector<std::string> args{bin, "serve", "--data", data, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = s.log.string();
    s.pid = ::fork();
    ASSERT_GE(s.pid, 0);
    if (s.pid == 0) {
      FILE* in = std::freopen("/dev/null", "r", stdin);
      FILE* err = std::freopen(log.c_str(), "w", stderr);
      if (in == nullptr || err == nullptr) ::_exit(126);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    const auto start = Clock::now();
    const std::string marker = "http://127.0.0.1:";
    while (SecondsSince(start) < 60) {
      const std::string text = ReadFile(s.log);
      if (auto at = text.find(marker); at != std::string::npos && text.find(')', at) != std::string::npos) {
        s.port = std::stoi(text.substr(at + marker.size()));
        s.client = std::make_unique<httplib::Client>("127.0.0.1", s.port);
        s.client->set_read_timeout(30, 0);
        return;
      }
      int status = 0;
      if (::waitpid(s.pid, &status, WNOHANG) == s.pid) {
        s.pid = -1;
        FAIL() << "suiji serve exited at start: " << text;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "suiji serve did not start within 60 s: " << ReadFile(s.log);
  }
  void Stop(Serve& s, int sig = SIGTERM) {
    s.client.reset();
    if (s.pid <= 0) return;
    ::kill(s.pid, sig);
    int status = 0;
    ::waitpid(s.pid, &status, 0);
    if (sig == SIGKILL) {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
    s.pid = -1;
  }

  json Health(Serve& s) {
    auto r = s.client->Get("/healthz");
    if (!r) return json();
    return json::parse(r->body);
  }
  // Waits (bounded) until the replica's read models hold `size` entries.
  void WaitApplied(Serve& replica, uint64_t size) {
    const auto start = Clock::now();
    json h;
    while (SecondsSince(start) < 60) {
      h = Health(replica);
      if (h.is_object() && h.value("applied", uint64_t{0}) >= size) {
        EXPECT_EQ(h["applied"].get<uint64_t>(), size) << h.dump();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << "the replica did not apply " << size << " entries within 60 s: " << h.dump();
  }
  uint64_t WriterSize() { return Health(writer_)["log_size"].get<uint64_t>(); }

  // The first `count` events of the stream from sequence 0, as sent.
  std::string Events(Serve& s, const std::string& token, uint64_t count) {
    httplib::Client c("127.0.0.1", s.port);
    c.set_read_timeout(30, 0);
    std::string got;
    const std::string last = "id: " + std::to_string(count - 1) + "\n";
    auto r = c.Get("/api/v1/events?from=0", {{"Authorization", "Bearer " + token}},
                   [&](const char* data, size_t n) {
                     got.append(data, n);
                     const auto at = got.find(last);
                     return at == std::string::npos || got.find("\n\n", at) == std::string::npos;
                   });
    const auto at = got.find(last);
    EXPECT_NE(at, std::string::npos) << "the stream of port " << s.port << " ended early: " << got.substr(0, 300);
    if (at == std::string::npos) return got;
    return got.substr(0, got.find("\n\n", at) + 2);
  }

  std::string writer_dir_;
  fs::path dir_;
  Serve writer_, replica_a_, replica_b_;
};

TEST_F(KafkaReplicaTest, TwoReplicasFollowTheWriterAndAnswerTheSame) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  const std::string year = std::to_string(1900 + tm.tm_year);
  char today_buf[16];
  std::strftime(today_buf, sizeof today_buf, "%Y-%m-%d", &tm);
  const std::string today = today_buf;
  const std::string visit_date = today > year + "-12-30" ? year + "-12-30" : today;

  // The writer node, its staff and its directory of inspectors and items (command line,
  // before the server holds the writer lock).
  Suiji({"init", "--data", writer_dir_, "--ledger", "cz.hrss.gov.cn/replicas", "--backend", "kafka",
         "--kafka-brokers", kafka_test::Brokers(), "--kafka-topic", topic_, "--org", "320000", "--user", "admin"});
  Suiji({"org", "add", "--data", writer_dir_, "--id", "320000", "--name", "江苏省人力资源和社会保障厅", "--region",
         "320000", "--level", "province", "--org", "320000", "--user", "admin"});
  Suiji({"org", "add", "--data", writer_dir_, "--id", "320400", "--name", "常州市人力资源和社会保障局", "--region",
         "320400", "--level", "city", "--parent", "320000", "--org", "320000", "--user", "admin"});
  const fs::path inspectors = dir_ / "inspectors.csv", items = dir_ / "items.csv";
  std::ofstream(inspectors) << "执法证号,姓名,执法领域,行政区划代码,所属机构\n"
                               "JS3204001,检查员一,劳动保障监察,320400,320400\n"
                               "JS3204002,检查员二,劳动保障监察,320400,320400\n";
  std::ofstream(items) << "事项编号,抽查事项,抽查主体,抽查依据,抽查内容,抽查方式,责任主体\n"
                          "I1,工资支付情况,常州市人社局,工资支付暂行规定,检查工资台账,实地检查,劳动监察支队\n";
  Suiji({"import", "inspectors", "--data", writer_dir_, "--org", "320400", inspectors.string()});
  Suiji({"import", "items", "--data", writer_dir_, "--org", "320400", "--effective", year + "-01-01",
         items.string()});
  auto user = [&](const std::string& id, const std::string& org, const std::vector<std::string>& roles,
                  const std::string& inspector = "") {
    std::vector<std::string> a{"user", "add", "--data", writer_dir_, "--id", id, "--name", id, "--org-id", org};
    for (const auto& r : roles) a.insert(a.end(), {"--role", r});
    if (!inspector.empty()) a.insert(a.end(), {"--inspector-id", inspector});
    a.insert(a.end(), {"--org", "320000", "--user", "admin"});
    Suiji(a);
  };
  user("clerk", "320400", {"registry_clerk"});
  user("planner", "320400", {"planner"});
  user("insp1", "320400", {"inspector"}, "JS3204001");
  user("insp2", "320400", {"inspector"}, "JS3204002");
  user("reviewer", "320400", {"reviewer"});
  user("super", "320000", {"supervisor"});
  std::map<std::string, std::string> tokens;
  for (const char* u : {"clerk", "planner", "insp1", "insp2", "reviewer", "super"}) tokens[u] = Token(u);
  ASSERT_FALSE(HasFailure());

  // A replica's data directory: node.conf from the writer's (brokers, topic), no keys.
  const std::string a_dir = (dir_ / "replica-a").string(), b_dir = (dir_ / "replica-b").string();
  auto init = Run({"replica", "init", "--data", a_dir, "--from", writer_dir_ + "/node.conf", "--ledger",
                   "cz.hrss.gov.cn/replicas"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("replica of ledger cz.hrss.gov.cn/replicas"), std::string::npos) << init.out;
  EXPECT_FALSE(fs::exists(fs::path(a_dir) / "keys"));
  // The root key id it printed pins the ledger for the next replica (below).
  const auto root_at = init.out.find("(root key ");
  ASSERT_NE(root_at, std::string::npos) << init.out;
  const std::string root_key = init.out.substr(root_at + 10, init.out.find(',', root_at) - root_at - 10);
  auto wrong_root = Run({"replica", "init", "--data", b_dir, "--from", writer_dir_ + "/node.conf", "--root-key",
                         "0000000000000000"});
  EXPECT_EQ(wrong_root.exit_code, 1);
  EXPECT_NE(wrong_root.err.find("the ledger's root key is " + root_key + ", not 0000000000000000"), std::string::npos)
      << wrong_root.err;
  EXPECT_FALSE(fs::exists(b_dir));
  // One that names another ledger leaves nothing behind.
  auto wrong = Run({"replica", "init", "--data", b_dir, "--from", writer_dir_ + "/node.conf", "--ledger", "other"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("holds ledger cz.hrss.gov.cn/replicas, not other"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(b_dir));
  // The writer's own data directory is no replica's.
  auto on_writer = Run({"serve", "--replica", "--data", writer_dir_, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(on_writer.exit_code, 1);
  EXPECT_NE(on_writer.err.find("it is a writer's data directory"), std::string::npos) << on_writer.err;

  ASSERT_NO_FATAL_FAILURE(Start(writer_, writer_dir_, {}));
  ASSERT_NO_FATAL_FAILURE(Start(replica_a_, a_dir, {"--replica"}));
  EXPECT_NE(ReadFile(replica_a_.log).find("read replica"), std::string::npos);

  auto call = [&](Serve& s, const std::string& method, const std::string& path, const std::string& who,
                  const std::string& body = "") {
    httplib::Headers h;
    if (!who.empty()) h.emplace("Authorization", "Bearer " + tokens[who]);
    httplib::Result r = method == "GET"    ? s.client->Get(path.c_str(), h)
                        : method == "PUT"  ? s.client->Put(path.c_str(), h, body, "application/json")
                                           : s.client->Post(path.c_str(), h, body, "application/json");
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return std::pair<int, json>{0, json()};
    json j;
    try {
      j = json::parse(r->body);
    } catch (...) {
      j = r->body;
    }
    return std::pair<int, json>{r->status, j};
  };

  // The writer imports employers while replica A follows.
  std::string targets = "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n";
  std::vector<std::string> codes;
  for (int i = 0; i < 6; ++i) {
    codes.push_back(testing_support::SampleCreditCode("320402", static_cast<uint64_t>(300 + i)));
    targets += codes.back() + ",常州副本测试企业" + std::to_string(i) + "有限公司,320402,3411,30\n";
  }
  auto [imp_status, imp] = call(writer_, "POST", "/api/v1/imports/targets?org=320400", "clerk", targets);
  ASSERT_EQ(imp_status, 201) << imp.dump();
  ASSERT_NO_FATAL_FAILURE(WaitApplied(replica_a_, WriterSize()));

  // Replica B starts only now: it builds everything from the topic.
  auto init_b = Run({"replica", "init", "--data", b_dir, "--kafka-brokers", kafka_test::Brokers(), "--kafka-topic",
                     topic_, "--root-key", root_key});
  ASSERT_EQ(init_b.exit_code, 0) << init_b.err;
  ASSERT_NO_FATAL_FAILURE(Start(replica_b_, b_dir, {"--replica"}));

  // A write to a replica is refused before anything is read or written, with or without a
  // credential.
  const uint64_t before_refused = WriterSize();
  for (const std::string who : {"clerk", ""}) {
    auto r = replica_b_.client->Put(("/api/v1/targets/" + codes[0]).c_str(),
                                    who.empty() ? httplib::Headers{}
                                                : httplib::Headers{{"Authorization", "Bearer " + tokens[who]}},
                                    R"({"name": "改名", "region": "320402", "industry": "3411", "headcount": 30})",
                                    "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 421) << r->body;
    EXPECT_EQ(r->get_header_value("X-Suiji-Role"), "replica");
    const json body = json::parse(r->body);
    EXPECT_EQ(body["code"], "read_replica");
    EXPECT_EQ(body["message"],
              "本节点是只读副本（replica），不接受写入：请将 PUT /api/v1/targets/" + codes[0] +
                  " 发送至写入节点（writer）。This node is a read replica: send writes to the writer node.");
  }
  EXPECT_EQ(WriterSize(), before_refused);

  // The plan, the task and the ceremony on the writer.
  ASSERT_EQ(call(writer_, "POST", "/api/v1/plans", "planner",
                 R"({"plan_id": "P1", "org_id": "320400", "year": )" + year +
                     R"(, "title": "年度抽查计划", "filed_with_org_id": "320000"})")
                .first,
            201);
  const json task = {{"task_id", "T1"},          {"plan_id", "P1"},
                     {"org_id", "320400"},       {"title", "工资支付专项抽查"},
                     {"item_list_version", 1},   {"item_ids", {"I1"}},
                     {"regions", {"320400"}},    {"count", 2},
                     {"window_start", year + "-01-01"}, {"window_end", year + "-12-30"},
                     {"inspectors", {{"team_size", 2}, {"substitutes", 0}}}};
  auto [task_status, task_reply] = call(writer_, "POST", "/api/v1/tasks", "planner", task.dump());
  ASSERT_EQ(task_status, 201) << task_reply.dump();
  auto [f_status, frozen] = call(writer_, "POST", "/api/v1/tasks/T1/freeze", "planner");
  ASSERT_EQ(f_status, 201) << frozen.dump();
  const std::string draw_id = frozen["draw_id"];

  // Replica A is killed with SIGKILL mid-way; the writer goes on.
  Stop(replica_a_, SIGKILL);

  ASSERT_EQ(call(writer_, "POST", "/api/v1/draws/" + draw_id + "/commit", "planner",
                 R"({"drand": false, "witnesses": ["张三"]})")
                .first,
            201);
  // The domain's rule, not a synchronisation: the reveal comes after the commitment's second.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto [r_status, revealed] =
      call(writer_, "POST", "/api/v1/draws/" + draw_id + "/reveal", "planner", R"({"witness_digits": ["314159"]})");
  ASSERT_EQ(r_status, 201) << revealed.dump();
  auto [d_status, drawn] = call(writer_, "GET", "/api/v1/draws/" + draw_id, "planner");
  ASSERT_EQ(d_status, 200);
  ASSERT_EQ(drawn["result"]["visits"].size(), 2u) << drawn.dump();
  const std::string visit = drawn["result"]["visits"][0]["credit_code"];
  const json team = drawn["result"]["visits"][0]["team"];
  ASSERT_EQ(call(writer_, "POST", "/api/v1/draws/" + draw_id + "/announce", "planner",
                 R"({"confirmed_by": ["王科长"], "publish_targets": true})")
                .first,
            201);

  // Replica A, restarted, catches up from where its projections stood.
  ASSERT_NO_FATAL_FAILURE(Start(replica_a_, a_dir, {"--replica"}));

  // A result recorded, confirmed by the team, submitted, reviewed and published.
  const json result = {{"draw_id", draw_id},
                       {"credit_code", visit},
                       {"inspection_date", visit_date},
                       {"items", {{{"item_id", "I1"}, {"outcome", "no_problem"}}}},
                       {"team", team}};
  auto [rec_status, rec] = call(writer_, "POST", "/api/v1/results", "insp1", result.dump());
  ASSERT_EQ(rec_status, 201) << rec.dump();
  const std::string v = "/api/v1/results/" + draw_id + "/" + visit;
  const json confirm = {{"revision", rec["revision"]}, {"result_sha256", rec["result_sha256"]}};
  for (const char* who : {"insp1", "insp2"}) {
    auto [cf_status, cf] = call(writer_, "POST", v + "/confirm", who, confirm.dump());
    ASSERT_EQ(cf_status, 201) << who << ": " << cf.dump();
  }
  ASSERT_EQ(call(writer_, "POST", v + "/submit", "insp1").first, 201);
  ASSERT_EQ(call(writer_, "POST", v + "/review", "reviewer", R"({"approve": true})").first, 201);
  ASSERT_EQ(call(writer_, "POST", v + "/publish", "reviewer").first, 201);
  // The proof bundle, for which the writer signs a checkpoint covering the draw.
  auto bundle = writer_.client->Get(("/public/v1/bundles/" + draw_id).c_str());
  ASSERT_TRUE(bundle);
  ASSERT_EQ(bundle->status, 200) << bundle->body.substr(0, 300);

  // After the writer's last acknowledged write, both replicas apply it.
  const uint64_t last = WriterSize();
  for (Serve* r : {&replica_a_, &replica_b_}) {
    ASSERT_NO_FATAL_FAILURE(WaitApplied(*r, last));
    const json h = Health(*r);
    EXPECT_EQ(h["status"], "ok") << h.dump();
    EXPECT_EQ(h["role"], "replica");
    EXPECT_EQ(h["log"], "reachable");
    EXPECT_EQ(h["topic_size"].get<uint64_t>(), last);
    EXPECT_EQ(h["lag_entries"].get<uint64_t>(), 0u);
    EXPECT_EQ(h["ledger_id"], "cz.hrss.gov.cn/replicas");
    auto m = r->client->Get("/metrics");
    ASSERT_TRUE(m);
    EXPECT_NE(m->body.find("\nsuiji_replica_applied_entries " + std::to_string(last) + "\n"), std::string::npos);
    EXPECT_NE(m->body.find("\nsuiji_replica_lag_entries 0\n"), std::string::npos);
  }
  // The checkpoint may come after the last entry: the bundle is served once a replica has it.
  for (Serve* r : {&replica_a_, &replica_b_}) {
    const auto start = Clock::now();
    int status = 0;
    while (SecondsSince(start) < 30) {
      auto b = r->client->Get(("/public/v1/bundles/" + draw_id).c_str());
      ASSERT_TRUE(b);
      status = b->status;
      if (status == 200) break;
      EXPECT_EQ(status, 503) << b->body;
      EXPECT_EQ(json::parse(b->body)["code"], "no_checkpoint_yet");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(status, 200);
  }

  // Every read route answers the same on the writer and on both replicas.
  const std::vector<std::pair<std::string, std::string>> reads = {
      {"/public/v1/notices", ""},
      {"/public/v1/results", ""},
      {"/public/v1/results.csv", ""},
      {"/public/v1/draws/" + draw_id, ""},
      {"/public/v1/bundles/" + draw_id, ""},
      {"/public", ""},
      {"/public/results", ""},
      {"/public/draws/" + draw_id, ""},
      {"/api/v1/me", "reviewer"},
      {"/api/v1/orgs", "planner"},
      {"/api/v1/orgs/320400", "planner"},
      {"/api/v1/targets?region=320400", "clerk"},
      {"/api/v1/targets/" + codes[1], "clerk"},
      {"/api/v1/inspectors", "planner"},
      {"/api/v1/inspectors/JS3204001", "planner"},
      {"/api/v1/items/320400", "insp1"},
      {"/api/v1/history/target/" + codes[1], "super"},
      {"/api/v1/calendar/" + year, "planner"},
      {"/api/v1/working-days?date=" + year + "-09-30&days=2", "planner"},
      {"/api/v1/plans", "planner"},
      {"/api/v1/plans/P1", "planner"},
      {"/api/v1/tasks", "planner"},
      {"/api/v1/tasks/T1", "planner"},
      {"/api/v1/draws/" + draw_id, "insp1"},
      {"/api/v1/draws/" + draw_id + "/frozen", "super"},
      {"/api/v1/results", "reviewer"},
      {"/api/v1/results?state=published", "reviewer"},
      {v, "super"},
      {v + "/sheet", "insp1"},
      {"/api/v1/overdue?today=" + today, "reviewer"},
      {"/api/v1/stats?today=" + today, "super"},
      {"/api/v1/verify", "super"},
  };
  size_t compared = 0;
  for (const auto& [path, who] : reads) {
    const httplib::Headers h = who.empty() ? httplib::Headers{} : httplib::Headers{{"Authorization", "Bearer " + tokens[who]}};
    auto w = writer_.client->Get(path.c_str(), h);
    ASSERT_TRUE(w) << path;
    EXPECT_EQ(w->status, 200) << path << ": " << w->body.substr(0, 300);
    for (Serve* r : {&replica_a_, &replica_b_}) {
      auto got = r->client->Get(path.c_str(), h);
      ASSERT_TRUE(got) << path;
      EXPECT_EQ(got->status, w->status) << path << " on port " << r->port << ": " << got->body.substr(0, 300);
      if (path == "/api/v1/verify") {
        // The same report but for how long the check took.
        json mine = json::parse(got->body), theirs = json::parse(w->body);
        EXPECT_TRUE(mine.contains("seconds"));
        mine.erase("seconds");
        theirs.erase("seconds");
        EXPECT_EQ(mine, theirs) << " on port " << r->port;
        EXPECT_EQ(mine["ok"], true);
      } else {
        EXPECT_EQ(got->body, w->body) << path << " on port " << r->port;
      }
      EXPECT_EQ(got->get_header_value("Content-Type"), w->get_header_value("Content-Type")) << path;
      EXPECT_EQ(got->get_header_value("X-Suiji-Role"), "replica") << path;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 2 * reads.size());
  // The published result is in the public record the replicas serve.
  auto csv = replica_b_.client->Get("/public/v1/results.csv");
  ASSERT_TRUE(csv);
  EXPECT_NE(csv->body.find(visit), std::string::npos) << csv->body;
  auto notices = replica_a_.client->Get("/public/v1/notices");
  ASSERT_TRUE(notices);
  EXPECT_NE(notices->body.find(draw_id), std::string::npos);
  EXPECT_NE(notices->body.find(visit), std::string::npos);
  // Staff reads stay authenticated on a replica.
  auto anon = replica_a_.client->Get("/api/v1/plans");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401);

  // The event stream: the same events, byte for byte, from every node.
  const std::string events = Events(writer_, tokens["super"], last);
  EXPECT_NE(events.find("event: ResultPublished\n"), std::string::npos);
  EXPECT_NE(events.find("id: " + std::to_string(last - 1) + "\n"), std::string::npos);
  EXPECT_EQ(Events(replica_a_, tokens["super"], last), events);
  EXPECT_EQ(Events(replica_b_, tokens["super"], last), events);

  // The replicas wrote nothing: the writer's log is where it was, and no node key appeared.
  EXPECT_EQ(WriterSize(), last);
  EXPECT_FALSE(fs::exists(fs::path(a_dir) / "keys"));
  EXPECT_FALSE(fs::exists(fs::path(b_dir) / "writer.lock"));
}

}  // namespace
}  // namespace suiji
