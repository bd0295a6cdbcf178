// The command line beside a running server (issue 16, item 4; api/cli_socket.h), `suiji` and
// `suiji serve` run as real processes. Twin nodes: the same node is made, then copied; a
// server runs on one copy (A) and not on the other (B); every write command of the command
// line is run once on each, and gives the same exit code and the same stdout (after the few
// values that differ between two nodes by nature are put in brackets: the directory's path,
// hashes and signatures over times, the clock time of a commitment, the drawn employers and
// teams of a random draw, a token). On A the commands go through the server (it holds the writer lock, so a command
// that opened the directory itself would be refused). Then: every read command runs beside
// the server; init, serve, key rotate and projection rebuild are refused naming the server;
// a connection from another uid is refused; a stale socket of a killed server is noticed and
// the command runs by itself (ops/restore.sh too refuses a running node); a client that goes away mid-request, an oversized request and
// a request for a read command leave the server serving.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <iostream>
#include <regex>
#include <sstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/cli_socket.h"
#include "tests/support/credit_codes.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::Contains;
using testing_support::RunResult;
using testing_support::WriteFile;

std::string Code(int i) { return testing_support::SampleCreditCode("320402", static_cast<uint64_t>(8100 + i)); }

// Every target of the directory is drawn (count 4 of 4 eligible), so both copies draw the
// same employers; only the order and the teams are random.
constexpr const char* kTask = R"({
  "task_id": "T-1", "plan_id": "P-320400-2026", "org_id": "320400",
  "title": "工资支付情况双随机抽查", "item_list_version": 1, "item_ids": ["HRSS-01"],
  "regions": ["320400"], "count": 4, "window_start": "2026-06-01", "window_end": "2026-07-31",
  "inspectors": {"domains": ["工资支付"], "team_size": 2, "substitutes": 1}
})";

// A `suiji serve` process on a data directory.
class ServeProcess {
 public:
  ServeProcess(const std::string& data, const fs::path& scratch) : err_(scratch / "serve.stderr") {
    std::ofstream(err_, std::ios::trunc).close();  // not a server before it
    pid_ = ::fork();
    if (pid_ == 0) {
      const int devnull = ::open("/dev/null", O_RDWR);
      const int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::dup2(err, 2);
      ::execl(SUIJI_BIN_SUIJI, SUIJI_BIN_SUIJI, "serve", "--data", data.c_str(), "--listen", "127.0.0.1:0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Ready once it says where the command line's requests go (printed after the socket
    // listens); bounded at 20 s.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      if (Contains(testing_support::ReadFile(err_), "write commands of the command line go through")) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "suiji serve did not start: " << testing_support::ReadFile(err_);
  }
  ~ServeProcess() { Stop(SIGTERM); }
  bool Running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
  pid_t pid() const { return pid_; }
  // Returns the exit status (128 + signal if killed).
  int Stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Stderr() const { return testing_support::ReadFile(err_); }

 private:
  fs::path err_;
  pid_t pid_ = -1;
};

// One of the twins: its data directory and what its commands printed that later ones need.
struct Side {
  std::string name;  // "A" (with the server) or "B"
  std::string data;
  fs::path scratch;
  std::string draw_json;  // `draw show T-1-d1 --json` after the reveal
  std::string token_id;
  std::string code;     // the first visit's employer
  std::vector<std::string> team;  // its team
  std::string sha256;   // the recorded result's revision hash
};

class CliBesideServer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("suiji-clisock-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    a_.name = "A";
    a_.data = (dir_ / "a").string();
    a_.scratch = dir_ / "scratch-a";
    b_.name = "B";
    b_.data = (dir_ / "b").string();
    b_.scratch = dir_ / "scratch-b";
    fs::create_directories(a_.scratch);
    fs::create_directories(b_.scratch);
    MakeNode(a_.data);
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Suiji(const std::vector<std::string>& args, const fs::path& scratch) {
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, scratch);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }
  // `suiji args --data DIR` run in the twin's own folder (relative paths are the client's).
  RunResult On(const Side& s, std::vector<std::string> args) {
    args.insert(args.end(), {"--data", s.data});
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, s.scratch, /*cwd=*/s.scratch);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }

  // A node with two bureaus, four employers, three inspectors, an item list and a plan.
  void MakeNode(const std::string& data) {
    const fs::path scratch = dir_;
    auto ok = [&](std::vector<std::string> args) {
      args.insert(args.end(), {"--data", data, "--org", "320400", "--user", "clerk"});
      RunResult r = Suiji(args, scratch);
      ASSERT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    };
    ASSERT_EQ(Suiji({"init", "--data", data, "--ledger", "cz.test/clisock", "--no-calendar"}, scratch).exit_code, 0);
    ok({"org", "add", "--id", "320000", "--name", "江苏省人力资源和社会保障厅", "--region", "320000", "--level",
        "province"});
    std::string targets = "credit_code,name,region,industry,headcount\n";
    for (int i = 0; i < 4; ++i) {
      targets += Code(i) + ",常州测试企业" + std::to_string(i) + "有限公司,320402,3411,20\n";
    }
    WriteFile(dir_ / "targets.csv", targets);
    std::string inspectors = "执法证号,姓名,执法领域,业务专长,所属机构,行政区划代码,状态,是否辅助人员\n";
    for (int i = 0; i < 3; ++i) {
      inspectors += "INSP-" + std::to_string(i) + ",检查员" + std::to_string(i) + ",劳动用工；工资支付,建筑业,320400,320400,在岗,否\n";
    }
    WriteFile(dir_ / "inspectors.csv", inspectors);
    WriteFile(dir_ / "items.csv", testing_support::kWageItemsCsv);
    WriteFile(dir_ / "task1.json", kTask);
    std::string t2 = kTask;
    t2.replace(t2.find("\"T-1\""), 5, "\"T-2\"");
    WriteFile(dir_ / "task2.json", t2);
    std::string t3 = kTask;
    t3.replace(t3.find("\"T-1\""), 5, "\"T-3\"");
    WriteFile(dir_ / "task3.json", t3);
  }

  // Puts the values that differ between two nodes by nature in brackets.
  std::string Normal(const Side& s, std::string text) {
    auto replace_all = [&](const std::string& from, const std::string& to) {
      if (from.empty()) return;
      for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
      }
    };
    replace_all(s.data, "<DATA>");
    for (int i = 0; i < 4; ++i) replace_all(Code(i), "<CODE>");
    text = std::regex_replace(text, std::regex("INSP-[0-9]"), "<INSP>");
    text = std::regex_replace(text, std::regex("常州测试企业[0-9]有限公司"), "<NAME>");
    text = std::regex_replace(text, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}"), "<TIME>");
    text = std::regex_replace(text, std::regex("[0-9a-fA-F]{16,}"), "<HEX>");
    text = std::regex_replace(text, std::regex("sj_[A-Za-z0-9_-]+"), "<TOKEN>");
    text = std::regex_replace(text, std::regex("[A-Za-z0-9+/]{40,}={0,2}"), "<BASE64>");
    if (!s.token_id.empty()) replace_all(s.token_id, "<TOKEN_ID>");
    return text;
  }

  // Runs one write command on both twins (`args` of each), expecting `exit_code` and the same
  // normalised stdout; returns A's and B's results.
  std::pair<RunResult, RunResult> Both(const std::function<std::vector<std::string>(Side&)>& args, int exit_code = 0) {
    RunResult ra = On(a_, args(a_));
    RunResult rb = On(b_, args(b_));
    const std::vector<std::string> shown = args(b_);
    std::string what;
    for (const auto& w : shown) what += w + " ";
    EXPECT_EQ(ra.exit_code, exit_code) << what << "\nA (through the server): " << ra.err << ra.out;
    EXPECT_EQ(rb.exit_code, exit_code) << what << "\nB (by itself): " << rb.err << rb.out;
    EXPECT_EQ(Normal(a_, ra.out), Normal(b_, rb.out)) << what;
    EXPECT_FALSE(Contains(ra.err, "only one writer")) << what << ra.err;
    std::vector<const char*> argv{"suiji"};
    for (const auto& w : shown) argv.push_back(w.c_str());
    ++commands_[cli::ShapeOf(static_cast<int>(argv.size()), argv.data()).words];
    return {ra, rb};
  }

  fs::path dir_;
  Side a_, b_;
  std::unique_ptr<ServeProcess> server_;
  std::map<std::string, int> commands_;  // the write commands run, by their words
};

// The raw protocol of api/cli_socket.h, for clients that misbehave.
int Connect(const std::string& data) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string p = cli::CommandSocketPath(data).string();
  std::memcpy(a.sun_path, p.c_str(), p.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}
std::string FrameHead(uint32_t n, char type) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n),
          type};
}
void SendRequest(int fd, const json& req) {
  const std::string body = req.dump();
  const std::string frame = FrameHead(static_cast<uint32_t>(body.size() + 1), 'R') + body;
  ASSERT_EQ(::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL), static_cast<ssize_t>(frame.size()));
}
// Reads frames until the connection closes: (type, payload) in order.
std::vector<std::pair<char, std::string>> ReadAll(int fd) {
  std::string bytes;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) bytes.append(buf, static_cast<size_t>(n));
  std::vector<std::pair<char, std::string>> frames;
  for (size_t at = 0; at + 5 <= bytes.size();) {
    const uint32_t n = (uint32_t{static_cast<uint8_t>(bytes[at])} << 24) |
                       (uint32_t{static_cast<uint8_t>(bytes[at + 1])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[at + 2])} << 8) | static_cast<uint8_t>(bytes[at + 3]);
    frames.emplace_back(bytes[at + 4], bytes.substr(at + 5, n - 1));
    at += 4 + n;
  }
  return frames;
}

TEST_F(CliBesideServer, EveryWriteCommandGivesTheSameOutputThroughTheServer) {
  fs::copy(a_.data, b_.data, fs::copy_options::recursive);
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  ASSERT_TRUE(server_->Running());
  auto file = [&](const char* name) { return (dir_ / name).string(); };
  auto fixed = [](std::vector<std::string> v) { return [v](Side&) { return v; }; };

  Both(fixed({"memo", "--subject", "会议", "--text", "纪要", "--user", "王科长"}));
  {
    auto [a, b] = Both(fixed({"checkpoint"}));
    EXPECT_TRUE(Contains(a.out, "cz.test/clisock")) << a.out;
  }
  Both(fixed({"key", "register", "--public-key", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
              "--roles", "writer", "--label", "第二个签名机"}));
  {
    const std::string id = On(b_, {"key", "list"}).out;
    std::string second;
    for (size_t at = 0; at < id.size();) {
      const size_t nl = id.find('\n', at);
      const std::string l = id.substr(at, nl - at);
      if (Contains(l, "第二个签名机")) second = l.substr(0, l.find("  "));
      at = nl == std::string::npos ? id.size() : nl + 1;
    }
    ASSERT_FALSE(second.empty()) << id;
    Both(fixed({"key", "revoke", "--key-id", second, "--reason", "试用结束"}));
  }
  Both(fixed({"org", "add", "--id", "320400", "--name", "常州市人力资源和社会保障局", "--region", "320400", "--level",
              "city", "--parent", "320000"}));
  Both(fixed({"import", "targets", "--org", "320400", file("targets.csv")}));
  Both(fixed({"import", "inspectors", "--org", "320400", file("inspectors.csv")}));
  Both(fixed({"import", "items", "--org", "320400", "--effective", "2026-01-01", file("items.csv")}));
  // A refused import: same report, same exit code, nothing written.
  WriteFile(dir_ / "bad.csv", "credit_code,name,region,industry,headcount\n91320402BADBADBAD1,坏,320402,3411,20\n");
  {
    auto [a, b] = Both(fixed({"import", "targets", "--org", "320400", file("bad.csv")}), 1);
    EXPECT_EQ(a.err.substr(0, a.err.find("took")), b.err.substr(0, b.err.find("took")));
  }
  // A file the client cannot open: the same refusal, naming the client's own path.
  {
    auto [a, b] = Both(fixed({"task", "define", "--org", "320400", file("missing.json")}), 1);
    EXPECT_EQ(a.err, "suiji: cannot read task file " + file("missing.json") + " [not_found]\n");
    EXPECT_EQ(a.err, b.err);
  }
  Both(fixed({"calendar", "load", "--org", "320400"}));
  Both(fixed({"plan", "file", "--org", "320400", "--id", "P-320400-2026", "--year", "2026", "--title", "计划",
              "--filed-with", "320000"}));
  Both(fixed({"task", "define", "--org", "320400", file("task1.json")}));
  Both(fixed({"task", "define", "--org", "320400", file("task2.json")}));
  Both(fixed({"task", "define", "--org", "320400", file("task3.json")}));
  Both(fixed({"task", "withdraw", "T-3", "--reason", "重复"}));
  // A draw cancelled (before T-1 draws every employer, which leaves T-2 none to draw).
  Both(fixed({"draw", "freeze", "--org", "320400", "T-2"}));
  Both(fixed({"draw", "cancel", "T-2-d1", "--reason", "会议改期"}));
  Both(fixed({"draw", "freeze", "--org", "320400", "T-1"}));
  Both(fixed({"draw", "commit", "--org", "320400", "T-1-d1", "--no-drand", "--witness", "张某"}));
  Both(fixed({"draw", "reveal", "--org", "320400", "T-1-d1", "--witness-digits", "3817", "--limit", "0"}));
  for (Side* s : {&a_, &b_}) {
    s->draw_json = On(*s, {"draw", "show", "T-1-d1", "--json"}).out;
    const json d = json::parse(s->draw_json);
    s->code = d["result"]["visits"][0]["credit_code"];
    s->team = d["result"]["visits"][0]["team"].get<std::vector<std::string>>();
    ASSERT_EQ(s->team.size(), 2u);
  }
  // The second visit's first inspector declines; the substitute takes the place.
  Both([&](Side& s) {
    const json d = json::parse(s.draw_json);
    return std::vector<std::string>{"draw", "decline", "T-1-d1", "--target", d["result"]["visits"][1]["credit_code"],
                                    "--inspector", d["result"]["visits"][1]["team"][0], "--reason", "回避"};
  });
  Both(fixed({"announce", "--org", "320400", "T-1-d1", "--confirmed-by", "王科长,赵科员"}));
  for (int i = 0; i < 3; ++i) {
    const std::string id = "INSP-" + std::to_string(i);
    Both(fixed({"user", "add", "--org", "320400", "--id", "insp-" + id, "--name", "检查员" + std::to_string(i),
                "--org-id", "320400", "--role", "inspector", "--inspector-id", id}));
  }
  Both(fixed({"user", "add", "--org", "320400", "--id", "li", "--name", "李处长", "--org-id", "320400", "--role",
              "reviewer"}));
  Both(fixed({"user", "add", "--org", "320400", "--id", "temp", "--name", "临时", "--org-id", "320400", "--role",
              "planner"}));
  Both(fixed({"user", "disable", "temp", "--reason", "离职"}));
  // A staff console password, from a file (never the command line); beside the server the
  // file goes to it as a descriptor. The log records that it was set, never the password.
  WriteFile(dir_ / "password.txt", "常州检查2026-li\n");
  {
    auto [a, b] = Both(fixed({"user", "password", "li", "--password-file", file("password.txt"), "--reason", "初始密码"}));
    EXPECT_TRUE(a.out.starts_with("password of user li set at sequence ")) << a.out;
  }
  {
    auto [a, b] = Both(fixed({"token", "issue", "li", "--label", "笔记本"}));
    EXPECT_TRUE(a.out.starts_with("sj_")) << a.out;
    for (auto [s, r] : {std::pair{&a_, &a}, std::pair{&b_, &b}}) {
      std::smatch m;
      ASSERT_TRUE(std::regex_search(r->err, m, std::regex("token (\\S+) for li"))) << r->err;
      s->token_id = m[1];
    }
  }
  Both([](Side& s) { return std::vector<std::string>{"token", "revoke", s.token_id, "--reason", "丢失"}; });
  for (Side* s : {&a_, &b_}) {
    json r = {{"draw_id", "T-1-d1"}, {"credit_code", s->code}, {"inspection_date", "2026-07-15"},
              {"items", json::array({{{"item_id", "HRSS-01"}, {"outcome", "no_problem"}}})},
              {"team", s->team}};
    WriteFile(s->scratch / "result.json", r.dump());
    r["items"][0]["outcome"] = "corrected";
    r["items"][0]["violations"] = json::array({{{"description", "未按月足额支付工资"},
                                                {"legal_basis", "《保障农民工工资支付条例》第十五条"},
                                                {"handling", json::array({"order_correction", "transfer_department"})}}});
    WriteFile(s->scratch / "corrected.json", r.dump());
  }
  // Relative paths are the client's: each twin runs in its own scratch folder.
  Both([](Side& s) {
    return std::vector<std::string>{"result", "record", "--org", "320400", "--user", "insp-" + s.team[0],
                                    "result.json"};
  });
  for (Side* s : {&a_, &b_}) {
    const json shown = json::parse(On(*s, {"result", "show", "T-1-d1", s->code, "--json"}).out);
    s->sha256 = shown["revisions"].back()["sha256"];
  }
  for (int who = 0; who < 2; ++who) {
    Both([who](Side& s) {
      return std::vector<std::string>{"result", "confirm", "--user", "insp-" + s.team[static_cast<size_t>(who)],
                                      "T-1-d1", s.code, "--revision", "1", "--sha256", s.sha256};
    });
  }
  Both([](Side& s) {
    return std::vector<std::string>{"result", "note", "--org", "320400", "T-1-d1", s.code, "--note", "投诉人要求保密"};
  });
  Both([](Side& s) {
    return std::vector<std::string>{"result", "submit", "--org", "320400", "--user", "insp-" + s.team[0], "T-1-d1",
                                    s.code};
  });
  // The enterer may not review: the same refusal through the server.
  {
    auto [a, b] = Both(
        [](Side& s) {
          return std::vector<std::string>{"result", "review", "--org", "320400", "--user", "insp-" + s.team[0],
                                          "T-1-d1", s.code, "--approve"};
        },
        1);
    EXPECT_EQ(Normal(a_, a.err), Normal(b_, b.err));
  }
  Both([](Side& s) {
    return std::vector<std::string>{"result", "review", "--org", "320400", "--user", "li", "T-1-d1", s.code,
                                    "--approve"};
  });
  Both([](Side& s) {
    return std::vector<std::string>{"result", "publish", "--org", "320400", "--user", "li", "T-1-d1", s.code};
  });
  Both([](Side&) {
    return std::vector<std::string>{"result", "correct", "--org", "320400", "--user", "li", "corrected.json",
                                    "--reason", "录入有误"};
  });
  Both([](Side& s) {
    return std::vector<std::string>{"followup", "transfer", "--org", "320400", "T-1-d1", s.code, "--kind",
                                    "department", "--to", "市场监管局", "--date", "2026-07-20", "--reason", "涉及"};
  });
  Both([](Side& s) {
    return std::vector<std::string>{"followup", "regrade", "--org", "320400", "T-1-d1", s.code, "--grade", "B",
                                    "--date", "2026-07-21", "--reason", "整改完成"};
  });
  // The printable sheet is read from the inspections folder, beside the server too.
  for (Side* s : {&a_, &b_}) {
    RunResult sheet = On(*s, {"result", "sheet", "T-1-d1", s->code});
    EXPECT_EQ(sheet.exit_code, 0) << sheet.err;
    EXPECT_TRUE(Contains(sheet.out, "<h1>双随机抽查检查单</h1>")) << sheet.out;
    EXPECT_TRUE(Contains(sheet.out, "<tr><td class=\"k\">统一社会信用代码</td><td>" + s->code + "</td></tr>"));
    for (const auto& id : s->team) EXPECT_TRUE(Contains(sheet.out, "<td>检查人员</td><td>" + id + "</td>")) << id;
  }
  Both(fixed({"conflict", "declare", "--inspector", "INSP-0", "--code", Code(3), "--reason", "近亲属任职"}));
  Both(fixed({"conflict", "withdraw", "--inspector", "INSP-0", "--code", Code(3)}));
  Both(fixed({"target", "retire", "--code", Code(3), "--reason", "注销"}));
  Both(fixed({"inspector", "retire", "--id", "INSP-2", "--reason", "调离"}));

  // Every write command of the command line was run (CommandKinds is checked against the
  // command tree by WriteCommandsAreEveryCommandThatAppends).
  for (const auto& [words, kind] : cli::CommandKinds()) {
    if (kind == cli::CommandKind::kWrite) {
      EXPECT_GT(commands_[words], 0) << words << " was not run";
    }
  }
  // Both logs hold as many entries; the server's verifies whole once it is stopped.
  const std::string size_a = On(a_, {"log", "show", "--from", "0", "--limit", "100000"}).out;
  const std::string size_b = On(b_, {"log", "show", "--from", "0", "--limit", "100000"}).out;
  EXPECT_EQ(std::count(size_a.begin(), size_a.end(), '\n'), std::count(size_b.begin(), size_b.end(), '\n'));
  EXPECT_TRUE(server_->Running());
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
  EXPECT_FALSE(fs::exists(cli::CommandSocketPath(a_.data)));
  RunResult verify = testing_support::RunBinary(SUIJI_BIN_VERIFY, {"--data", a_.data}, dir_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CliBesideServer, WriteCommandsAreEveryCommandThatAppends) {
  // Every command of the tree has a kind, so none is forwarded or refused by mistake.
  std::set<std::string> leaves;
  std::function<void(const CLI::App&, const std::string&)> walk = [&](const CLI::App& app, const std::string& path) {
    auto subs = app.get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty() && !path.empty()) leaves.insert(path);
    for (const CLI::App* s : subs) walk(*s, path.empty() ? s->get_name() : path + " " + s->get_name());
  };
  cli::Context ctx;
  const char* argv[] = {"suiji", "--help"};
  testing::internal::CaptureStdout();
  cli::RunCommandLine(2, argv, ctx, [&](CLI::App& app) { walk(app, ""); });
  testing::internal::GetCapturedStdout();
  std::set<std::string> kinds;
  for (const auto& [words, kind] : cli::CommandKinds()) kinds.insert(words);
  EXPECT_EQ(leaves, kinds);
  EXPECT_GE(leaves.size(), 60u);
}

TEST_F(CliBesideServer, ReadCommandsRunBesideTheServer) {
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  ASSERT_TRUE(server_->Running());
  const std::vector<std::vector<std::string>> reads = {
      {"log", "show"}, {"log", "export", "--out", (dir_ / "export").string()}, {"proof", "inclusion", "--seq", "0"},
      {"proof", "consistency", "--from", "1"}, {"key", "list"}, {"key", "verifier"},
      {"list", "orgs"}, {"list", "targets"}, {"list", "inspectors"}, {"show", "org", "320000"},
      {"history", "org", "320000"}, {"projection", "digest"}, {"plan", "list"}, {"task", "list"}, {"result", "list"},
      {"result", "overdue"}, {"public", "export", "--out", (dir_ / "public").string()}, {"stats"}, {"user", "list"}};
  for (const auto& args : reads) {
    RunResult r = On(a_, args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_FALSE(Contains(r.err, "[failed_precondition]")) << r.err;
  }
  EXPECT_TRUE(server_->Running());
}

TEST_F(CliBesideServer, CommandsThatCannotRunBesideTheServerAreRefusedNamingIt) {
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  const std::string pid = std::to_string(server_->pid());
  const std::vector<std::vector<std::string>> refused = {
      {"init", "--ledger", "x"}, {"key", "rotate"}, {"projection", "rebuild"}, {"serve", "--listen", "127.0.0.1:0"}};
  for (const auto& args : refused) {
    RunResult r = On(a_, args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "cannot run while suiji serve (pid " + pid)) << r.err;
    EXPECT_TRUE(Contains(r.err, "不能在 suiji serve (pid " + pid)) << r.err;
    EXPECT_TRUE(Contains(r.err, "stop the server first")) << r.err;
  }
  // ops/restore.sh over a directory a server runs on: refused, nothing moved aside.
  const fs::path backup = dir_ / "backup";
  fs::create_directories(backup / "log");
  WriteFile(backup / "log" / "data.mdb", "");
  WriteFile(backup / "node.conf", "");
  RunResult restore = testing_support::RunBinary(
      "/bin/bash", {SUIJI_SOURCE_DIR "/ops/restore.sh", backup.string(), a_.data}, dir_);
  EXPECT_EQ(restore.exit_code, 1) << restore.out << restore.err;
  EXPECT_TRUE(Contains(restore.err, "a node is running on " + a_.data + " (pid " + pid + " holds its writer.lock)"))
      << restore.err;
  EXPECT_TRUE(fs::exists(fs::path(a_.data) / "log"));
  EXPECT_TRUE(server_->Running());
  EXPECT_TRUE(fs::exists(fs::path(a_.data) / "projections" / "state"));
}

TEST_F(CliBesideServer, TheSocketIsTheNodeUsersOnly) {
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  const fs::path run = fs::path(a_.data) / "run";
  struct stat st{};
  ASSERT_EQ(::stat(run.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(cli::CommandSocketPath(a_.data).c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  if (::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) != 0) {
    GTEST_SKIP() << "needs root and setpriv to run a client as another user (nobody)";
  }
  // Opened up on purpose, so only the server's own check (SO_PEERCRED) stands in the way.
  fs::permissions(dir_, fs::perms::all);
  fs::permissions(a_.data, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::permissions(run, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::permissions(cli::CommandSocketPath(a_.data), fs::perms::all);
  fs::permissions(a_.scratch, fs::perms::all);
  RunResult r = testing_support::RunBinary(
      "/usr/bin/setpriv",
      {"--reuid=65534", "--regid=65534", "--clear-groups", SUIJI_BIN_SUIJI, "memo", "--data", a_.data, "--subject",
       "s", "--text", "t"},
      a_.scratch);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "only the node's operating-system user (uid 0) may send commands to suiji serve"))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "you are uid 65534")) << r.err;
  EXPECT_TRUE(Contains(r.err, "[permission_denied]")) << r.err;
  EXPECT_TRUE(server_->Running());
  EXPECT_EQ(On(a_, {"memo", "--subject", "s", "--text", "t"}).exit_code, 0);
}

TEST_F(CliBesideServer, AStaleSocketOfAKilledServerIsPassedBy) {
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  EXPECT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(fs::exists(cli::CommandSocketPath(a_.data)));  // left behind
  RunResult r = On(a_, {"memo", "--subject", "s", "--text", "t"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("appended entry ")) << r.out;
  // A new server clears what the dead one left, and serves again.
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  RunResult again = On(a_, {"memo", "--subject", "s", "--text", "t"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(CliBesideServer, ADataDirectoryPathLongerThanASocketAddressWorks) {
  Side deep = a_;
  deep.data = (dir_ / std::string(120, 'x') / "data").string();
  ASSERT_GT(cli::CommandSocketPath(deep.data).string().size(), sizeof(sockaddr_un{}.sun_path));
  fs::create_directories(fs::path(deep.data).parent_path());
  ASSERT_EQ(Suiji({"init", "--data", deep.data, "--ledger", "cz.test/deep", "--no-calendar"}, dir_).exit_code, 0);
  server_ = std::make_unique<ServeProcess>(deep.data, dir_);
  ASSERT_TRUE(server_->Running());
  RunResult r = On(deep, {"memo", "--subject", "s", "--text", "t"});  // the server holds the lock
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "appended entry 2\n");
}

TEST_F(CliBesideServer, MisbehavingClientsLeaveTheServerServing) {
  server_ = std::make_unique<ServeProcess>(a_.data, dir_);
  // A client that asks for an import, is asked for its file, and goes away.
  {
    const int fd = Connect(a_.data);
    ASSERT_GE(fd, 0);
    SendRequest(fd, {{"argv", {"suiji", "import", "targets", "--data", a_.data, "--org", "320400", "t.csv"}},
                     {"data", fs::weakly_canonical(a_.data).string()},
                     {"user", "x"}});
    char head[5];
    ASSERT_EQ(::recv(fd, head, 5, MSG_WAITALL), 5);
    EXPECT_EQ(head[4], 'F');
    ::close(fd);
  }
  // One that sends half a frame and goes away.
  {
    const int fd = Connect(a_.data);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, "\0\0", 2, MSG_NOSIGNAL), 2);
    ::close(fd);
  }
  // One whose request is over the cap: refused with a clear error.
  {
    const int fd = Connect(a_.data);
    ASSERT_GE(fd, 0);
    const std::string head = FrameHead((2u << 20) + 1, 'R');
    ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), 5);
    auto frames = ReadAll(fd);
    ::close(fd);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].first, 'E');
    EXPECT_TRUE(Contains(frames[0].second, "the forwarded command line is larger than 1048576 bytes"))
        << frames[0].second;
    EXPECT_EQ(frames[1], (std::pair<char, std::string>{'X', "1"}));
  }
  // One that asks the server to run a read command, or to stop serving.
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"suiji", "log", "show", "--data", a_.data},
        std::vector<std::string>{"suiji", "serve", "--data", a_.data}}) {
    const int fd = Connect(a_.data);
    ASSERT_GE(fd, 0);
    SendRequest(fd, {{"argv", argv}, {"data", fs::weakly_canonical(a_.data).string()}, {"user", "x"}});
    auto frames = ReadAll(fd);
    ::close(fd);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back(), (std::pair<char, std::string>{'X', "1"}));
  }
  EXPECT_TRUE(server_->Running());
  RunResult r = On(a_, {"memo", "--subject", "s", "--text", "t"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("appended entry ")) << r.out;
  // The files of the abandoned request are gone.
  for (const auto& e : fs::directory_iterator(fs::path(a_.data) / "run")) {
    EXPECT_EQ(e.path().filename(), "suiji.sock");
  }
}

// A command the server runs for a client writes to streams of its own (Out() and Err() of
// its thread, api/cli.h), never through the process's std::cout and std::cerr, which the
// server's HTTP threads write to at the same time (before, the command's thread borrowed
// those two objects and changed their state under the other threads: a data race). Here the
// process's streams point at buffers of the test while commands run through a command socket
// in this process: nothing of the commands may arrive there, and what the client gets is
// byte for byte what the same command line prints when run by itself.
TEST(CommandSocketOutput, AForwardedCommandWritesToItsOwnStreamsNeverThroughTheProcesss) {
  const fs::path dir = fs::temp_directory_path() / ("suiji-clisock-out-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string data = fs::weakly_canonical(dir).string();
  auto sock = cli::CommandSocket::Open(dir, [](const std::function<void(const cli::ServedServices&)>& fn) {
    fn(cli::ServedServices{});
    return OkStatus();
  });
  ASSERT_TRUE(sock.ok()) << sock.status().ToString();
  auto forward = [&](const std::vector<std::string>& argv) {
    const int fd = Connect(data);
    EXPECT_GE(fd, 0);
    if (fd < 0) return std::vector<std::pair<char, std::string>>{};
    SendRequest(fd, {{"argv", argv}, {"data", data}, {"user", "x"}});
    auto frames = ReadAll(fd);
    ::close(fd);
    return frames;
  };
  // What the client is sent: its stdout, its stderr and the exit code.
  struct Output {
    std::string out, err, exit;
  };
  auto joined = [](const std::vector<std::pair<char, std::string>>& frames) {
    Output o;
    for (const auto& [type, payload] : frames) {
      if (type == 'O') o.out += payload;
      if (type == 'E') o.err += payload;
      if (type == 'X') o.exit = payload;
    }
    return o;
  };
  auto by_itself = [&](const std::vector<std::string>& argv) {
    std::ostringstream out, err;
    std::vector<const char*> args;
    for (const auto& a : argv) args.push_back(a.c_str());
    cli::Context ctx;
    int rc = 0;
    {
      cli::CommandOutput streams(out, err);
      rc = cli::RunCommandLine(static_cast<int>(args.size()), args.data(), ctx);
    }
    return Output{out.str(), err.str(), std::to_string(rc)};
  };
  const std::vector<std::string> help{"suiji", "org", "add", "--help", "--data", data};
  const std::vector<std::string> usage{"suiji", "org", "add", "--data", data};

  std::ostringstream process_out, process_err;
  std::streambuf* const saved_out = std::cout.rdbuf(process_out.rdbuf());
  std::streambuf* const saved_err = std::cerr.rdbuf(process_err.rdbuf());
  const Output help_fwd = joined(forward(help));
  const Output usage_fwd = joined(forward(usage));
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  (*sock)->Stop();

  EXPECT_EQ(process_out.str(), "") << "a forwarded command wrote through the process's std::cout";
  EXPECT_EQ(process_err.str(), "") << "a forwarded command wrote through the process's std::cerr";
  const Output help_here = by_itself(help);
  const Output usage_here = by_itself(usage);
  EXPECT_EQ(help_fwd.exit, "0");
  EXPECT_TRUE(Contains(help_fwd.out, "--id")) << help_fwd.out;
  EXPECT_EQ(help_fwd.out, help_here.out);
  EXPECT_EQ(help_fwd.err, help_here.err);
  EXPECT_EQ(help_here.exit, "0");
  EXPECT_EQ(usage_fwd.exit, "2");
  EXPECT_TRUE(Contains(usage_fwd.err, "--id is required")) << usage_fwd.err;
  EXPECT_EQ(usage_fwd.out, usage_here.out);
  EXPECT_EQ(usage_fwd.err, usage_here.err);
  EXPECT_EQ(usage_here.exit, "2");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace suiji
