// `suiji plan|task|draw` run as real processes: the ceremony from a fresh ledger to the
// published result, and the refusals a clerk meets at the command line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/credit_codes.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::Contains;
using testing_support::ReadFile;
using testing_support::RunResult;

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// Parses a command's JSON output; a parse failure is a test failure, not an exception.
json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << text;
  return j;
}

constexpr const char* kTask = R"({
  "task_id": "T-320400-2026-01",
  "plan_id": "P-320400-2026",
  "org_id": "320400",
  "title": "工资支付情况双随机抽查",
  "item_list_version": 1,
  "item_ids": ["HRSS-01"],
  "regions": ["320400"],
  "count": 5,
  "strata_by": "region",
  "window_start": "2026-06-01",
  "window_end": "2026-07-31",
  "credit": {"star_policy": "reduce", "complaint_cap": 3},
  "frequency": {"max_per_year": 2},
  "inspectors": {"domains": ["工资支付"], "team_size": 2, "substitutes": 2, "experts": 1}
})";

constexpr const char* kDraw = "T-320400-2026-01-d1";

// A fresh data directory per test with a city bureau, 30 employers, 6 inspectors and an
// expert, an item list and a plan, all made through the command line.
class DrawCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("suiji-drawcli-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    MakeNode();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Suiji(std::vector<std::string> args) {
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }
  // Runs `suiji <verb...> --data DIR --org 320400 <args...>` and expects success.
  RunResult Ok(std::vector<std::string> args) {
    args.insert(args.end(), {"--data", data_, "--org", "320400", "--user", "clerk"});
    RunResult r = Suiji(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err << r.out;
    return r;
  }

  void MakeNode() {
    ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "cz.test/draws"}).exit_code, 0);
    Ok({"org", "add", "--id", "320000", "--name", "江苏省人力资源和社会保障厅", "--region",
        "320000", "--level", "province"});
    Ok({"org", "add", "--id", "320400", "--name", "常州市人力资源和社会保障局", "--region",
        "320400", "--level", "city", "--parent", "320000"});
    std::string targets = "credit_code,name,region,industry,headcount\n";
    for (int i = 0; i < 30; ++i) {
      const std::string region = i % 2 == 0 ? "320402" : "320412";
      targets += testing_support::SampleCreditCode(region, static_cast<uint64_t>(7000 + i)) +
                 ",常州测试企业" + std::to_string(i) + "有限公司," + region + ",3411," +
                 std::to_string(10 + i) + "\n";
    }
    WriteFile(dir_ / "targets.csv", targets);
    std::string inspectors = "执法证号,姓名,执法领域,业务专长,所属机构,行政区划代码,状态,是否辅助人员\n";
    for (int i = 0; i < 6; ++i) {
      inspectors += "3204202600" + std::to_string(i) + ",检查员" + std::to_string(i) +
                    ",劳动用工；工资支付,建筑业,320400,320400,在岗,否\n";
    }
    inspectors += "ZJ320400001,专家甲,,社保稽核,320400,320400,在岗,是\n";
    WriteFile(dir_ / "inspectors.csv", inspectors);
    WriteFile(dir_ / "items.csv",
              "事项编号,抽查事项,抽查主体,抽查依据,抽查内容,抽查方式,事项类别,检查要点,责任主体\n"
              "HRSS-01,用人单位支付工资情况,劳动保障监察机构,《劳动保障监察条例》第十一条,"
              "按时足额支付工资,实地检查,重点,是否按时足额支付工资,劳动保障监察支队\n");
    Ok({"import", "targets", (dir_ / "targets.csv").string()});
    Ok({"import", "inspectors", (dir_ / "inspectors.csv").string()});
    Ok({"import", "items", "--effective", "2026-01-01", (dir_ / "items.csv").string()});
    RunResult plan = Ok({"plan", "file", "--id", "P-320400-2026", "--year", "2026", "--title",
                         "常州市2026年度双随机抽查工作计划", "--filed-with", "320000"});
    EXPECT_TRUE(Contains(plan.out, "filed plan P-320400-2026 version 1")) << plan.out;
  }

  std::string TaskFile(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    WriteFile(p, text);
    return p.string();
  }

  fs::path dir_;
  std::string data_;
};

TEST_F(DrawCli, FullCeremonyFromTaskFileToPublishedResult) {
  RunResult def = Ok({"task", "define", TaskFile("task.json", kTask)});
  EXPECT_TRUE(Contains(def.out, "defined task T-320400-2026-01")) << def.out;
  RunResult task = Ok({"task", "show", "T-320400-2026-01", "--json"});
  json tj = Parse(task.out);
  EXPECT_EQ(tj["task"]["count"], 5);
  EXPECT_EQ(tj["task"]["strata_by"], "region");
  EXPECT_EQ(tj["task"]["credit"]["complaint_cap"], 3);
  EXPECT_EQ(tj["task"]["credit"]["base_weight"], 2) << "absent keys take TaskRecord's defaults";
  EXPECT_EQ(tj["task"]["min_headcount"], 8);

  RunResult freeze = Ok({"draw", "freeze", "T-320400-2026-01"});
  EXPECT_TRUE(Contains(freeze.out, std::string("froze draw ") + kDraw)) << freeze.out;
  EXPECT_TRUE(Contains(freeze.out, "320402")) << "per-stratum counts\n" << freeze.out;

  RunResult commit = Ok({"draw", "commit", kDraw, "--no-drand", "--witness", "张某", "--witness",
                         "李某", "--note", "2026年第二批抽查会议"});
  EXPECT_TRUE(Contains(commit.out, "secret hash:")) << commit.out;
  EXPECT_TRUE(Contains(commit.out, "1. 张某 2. 李某")) << commit.out;
  EXPECT_TRUE(Contains(commit.out, "drand:       none")) << commit.out;

  RunResult reveal = Ok({"draw", "reveal", kDraw, "--witness-digits", "12", "--witness-digits",
                         "34"});
  EXPECT_TRUE(Contains(reveal.out, "seed: ")) << reveal.out;
  EXPECT_TRUE(Contains(reveal.out, "常州测试企业")) << "names come from the directory\n"
                                                    << reveal.out;

  RunResult show = Ok({"draw", "show", kDraw, "--json"});
  json d = Parse(show.out);
  EXPECT_EQ(d["draw_id"], kDraw);
  EXPECT_EQ(d["phase"], "drawn");
  EXPECT_EQ(d["redraws"], 0);
  EXPECT_EQ(d["commitment"]["witnesses"], (json{"张某", "李某"}));
  EXPECT_EQ(d["commitment"]["algorithm"], "suiji-draw/1");
  EXPECT_EQ(d["commitment"]["drand_chain"], "");
  EXPECT_EQ(d["commitment"]["target_root"], d["freeze"]["target_root"]);
  EXPECT_EQ(d["reveal"]["witness_digits"], (json{"12", "34"}));
  EXPECT_EQ(d["reveal"]["seed"].get<std::string>().size(), 64u);
  EXPECT_EQ(d["result"]["selected_total"], 5);
  ASSERT_EQ(d["result"]["visits"].size(), 5u);
  uint64_t selected = 0;
  for (const auto& s : d["result"]["strata"]) selected += s["selected"].get<uint64_t>();
  EXPECT_EQ(selected, 5u);
  for (size_t i = 0; i < 5; ++i) {
    const json& v = d["result"]["visits"][i];
    EXPECT_EQ(v["order"], i);
    EXPECT_EQ(v["team"].size(), 2u);
    EXPECT_EQ(v["experts"], (json{"ZJ320400001"}));
    EXPECT_TRUE(Contains(v["name"].get<std::string>(), "常州测试企业")) << v.dump();
  }
  EXPECT_FALSE(fs::exists(fs::path(data_) / "draws" / "secrets" / (std::string(kDraw) + ".secret")));

  // The frozen lists: one leaf line per eligible target, inspector and expert.
  const std::string lines_path = (dir_ / "frozen.txt").string();
  RunResult frozen = Ok({"draw", "frozen", kDraw, "--out", lines_path});
  EXPECT_TRUE(Contains(frozen.out, "targets:     " +
                                       std::to_string(d["freeze"]["target_count"].get<uint64_t>()) +
                                       " lines, root " +
                                       d["commitment"]["target_root"].get<std::string>()))
      << frozen.out;
  EXPECT_FALSE(Contains(frozen.out, "DIFFERS")) << frozen.out;
  std::istringstream lines(ReadFile(lines_path));
  uint64_t t = 0, i = 0, e = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("T\x1f", 0) == 0) ++t;
    if (line.rfind("I\x1f", 0) == 0) ++i;
    if (line.rfind("E\x1f", 0) == 0) ++e;
  }
  EXPECT_EQ(t, d["freeze"]["target_count"].get<uint64_t>());
  EXPECT_EQ(i, d["freeze"]["inspector_count"].get<uint64_t>());
  EXPECT_EQ(e, d["freeze"]["expert_count"].get<uint64_t>());
  EXPECT_EQ(t, 30u);
  EXPECT_EQ(i, 6u);
  EXPECT_EQ(e, 1u);

  // Declining a team member brings in the first substitute.
  const json& v0 = d["result"]["visits"][0];
  RunResult decline =
      Ok({"draw", "decline", kDraw, "--target", v0["credit_code"].get<std::string>(),
          "--inspector", v0["team"][0].get<std::string>(), "--reason", "病假"});
  EXPECT_TRUE(Contains(decline.out, "replaced by " + v0["substitutes"][0].get<std::string>()))
      << decline.out;

  RunResult listing = Ok({"task", "list"});
  EXPECT_TRUE(Contains(listing.out, "redrawn 0 times")) << listing.out;
  RunResult plan = Ok({"plan", "show", "P-320400-2026", "--json"});
  json pj = Parse(plan.out);
  EXPECT_EQ(pj["versions"].size(), 1u);
  EXPECT_EQ(pj["tasks"][0]["task"]["task_id"], "T-320400-2026-01");
}

TEST_F(DrawCli, BadInputIsRefusedWithAClearMessageAndItsExitCode) {
  std::string bad = kTask;
  bad.replace(bad.find("\"count\""), 7, "\"cuont\"");
  RunResult r = Suiji({"task", "define", TaskFile("bad.json", bad), "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "unknown key \"cuont\"")) << r.err;

  std::string nested = kTask;
  nested.replace(nested.find("\"team_size\""), 11, "\"teamsize\"");
  r = Suiji({"task", "define", TaskFile("nested.json", nested), "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "unknown key \"inspectors.teamsize\"")) << r.err;

  std::string wrong_type = kTask;
  wrong_type.replace(wrong_type.find("\"count\": 5"), 10, "\"count\": \"5\"");
  r = Suiji({"task", "define", TaskFile("type.json", wrong_type), "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "count must be a whole number")) << r.err;

  std::string bad_enum = kTask;
  bad_enum.replace(bad_enum.find("\"region\""), 8, "\"county\"");
  r = Suiji({"task", "define", TaskFile("enum.json", bad_enum), "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "strata_by must be one of none, region, city, industry")) << r.err;

  r = Suiji({"task", "define", TaskFile("syntax.json", "{\"task_id\": "), "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "not valid JSON")) << r.err;

  Ok({"task", "define", TaskFile("task.json", kTask)});
  Ok({"draw", "freeze", "T-320400-2026-01"});
  r = Suiji({"draw", "commit", kDraw, "--no-drand", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "external entropy")) << r.err;
  r = Suiji({"draw", "commit", kDraw, "--no-drand", "--lottery-name", "福彩3D", "--lottery-issue",
             "2026001", "--lottery-time", "2026-02-30 21:15", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "Beijing time")) << r.err;
  Ok({"draw", "commit", kDraw, "--no-drand", "--witness", "张某", "--witness", "李某"});

  r = Suiji({"draw", "reveal", kDraw, "--witness-digits", "12", "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << "wrong digit count is refused input (exit 1), not usage";
  EXPECT_TRUE(Contains(r.err, "expected digits from 2 witnesses, got 1")) << r.err;
  r = Suiji({"draw", "reveal", kDraw, "--witness-digits", "12", "--witness-digits", "34",
             "--drand-randomness", "zz", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "--drand-randomness must be hex")) << r.err;
  r = Suiji({"draw", "reveal", "no-such-draw", "--witness-digits", "1", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "unknown draw \"no-such-draw\"")) << r.err;
  r = Suiji({"draw", "cancel", kDraw, "--data", data_});
  EXPECT_EQ(r.exit_code, 2) << "a missing option is a usage error";
  EXPECT_TRUE(Contains(r.err, "--reason")) << r.err;

  // A committed draw blocks a new freeze until it is cancelled; the redraw is counted.
  r = Suiji({"draw", "freeze", "T-320400-2026-01", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "cancellation")) << r.err;
  Ok({"draw", "cancel", kDraw, "--reason", "监督员未到场"});
  Ok({"draw", "freeze", "T-320400-2026-01"});
  Ok({"draw", "commit", "T-320400-2026-01-d2", "--no-drand", "--witness", "王某"});
  RunResult show = Ok({"task", "show", "T-320400-2026-01"});
  EXPECT_TRUE(Contains(show.out, "redrawn 1 times")) << show.out;
  EXPECT_TRUE(Contains(show.out, "监督员未到场")) << show.out;
}

}  // namespace
}  // namespace suiji
