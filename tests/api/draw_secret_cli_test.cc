// The draw's secret file across kills and odd states (issue 17, item 13): a secret whose
// commitment is not in the log is stale and replaced by a fresh one (never reused), the
// secret of a commitment in the log is never overwritten, and a directory at the secret path
// is a clear refusal, not an abort.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/draw/algorithm.h"
#include "tests/support/credit_codes.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::Contains;
using testing_support::ReadFile;
using testing_support::RunResult;

constexpr const char* kTask = R"({
  "task_id": "T-320400-2026-01",
  "plan_id": "P-320400-2026",
  "org_id": "320400",
  "title": "工资支付情况双随机抽查",
  "item_list_version": 1,
  "item_ids": ["HRSS-01"],
  "regions": ["320400"],
  "count": 3,
  "window_start": "2026-06-01",
  "window_end": "2026-07-31",
  "inspectors": {"domains": ["工资支付"], "team_size": 2, "substitutes": 1}
})";
constexpr const char* kDraw = "T-320400-2026-01-d1";

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// A node with a city bureau, 12 employers, 4 inspectors, an item list, a plan, a task and
// its frozen draw, all made through the command line.
class DrawSecretCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("suiji-drawsecret-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    secret_ = fs::path(data_) / "draws" / "secrets" / (std::string(kDraw) + ".secret");
    ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "cz.test/secrets"}).exit_code, 0);
    Ok({"org", "add", "--id", "320000", "--name", "江苏省人力资源和社会保障厅", "--region",
        "320000", "--level", "province"});
    Ok({"org", "add", "--id", "320400", "--name", "常州市人力资源和社会保障局", "--region",
        "320400", "--level", "city", "--parent", "320000"});
    std::string targets = "credit_code,name,region,industry,headcount\n";
    for (int i = 0; i < 12; ++i) {
      targets += testing_support::SampleCreditCode("320402", static_cast<uint64_t>(7000 + i)) +
                 ",常州测试企业" + std::to_string(i) + "有限公司,320402,3411,20\n";
    }
    WriteFile(dir_ / "targets.csv", targets);
    std::string inspectors = "执法证号,姓名,执法领域,业务专长,所属机构,行政区划代码,状态,是否辅助人员\n";
    for (int i = 0; i < 4; ++i) {
      inspectors += "3204202600" + std::to_string(i) + ",检查员" + std::to_string(i) +
                    ",工资支付,建筑业,320400,320400,在岗,否\n";
    }
    WriteFile(dir_ / "inspectors.csv", inspectors);
    WriteFile(dir_ / "items.csv",
              "事项编号,抽查事项,抽查主体,抽查依据,抽查内容,抽查方式,事项类别,检查要点,责任主体\n"
              "HRSS-01,用人单位支付工资情况,劳动保障监察机构,《劳动保障监察条例》第十一条,"
              "按时足额支付工资,实地检查,一般,是否按时足额支付工资,劳动保障监察支队\n");
    Ok({"import", "targets", (dir_ / "targets.csv").string()});
    Ok({"import", "inspectors", (dir_ / "inspectors.csv").string()});
    Ok({"import", "items", "--effective", "2026-01-01", (dir_ / "items.csv").string()});
    Ok({"plan", "file", "--id", "P-320400-2026", "--year", "2026", "--title", "常州市2026年度计划", "--filed-with", "320000"});
    WriteFile(dir_ / "task.json", kTask);
    Ok({"task", "define", (dir_ / "task.json").string()});
    Ok({"draw", "freeze", "T-320400-2026-01"});
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Suiji(std::vector<std::string> args, const char* crash_point = nullptr) {
    if (crash_point != nullptr) ::setenv("SUIJI_CRASH_POINT", crash_point, 1);
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    ::unsetenv("SUIJI_CRASH_POINT");
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }
  RunResult Run(std::vector<std::string> args, const char* crash_point = nullptr) {
    args.insert(args.end(), {"--data", data_, "--org", "320400", "--user", "clerk"});
    return Suiji(args, crash_point);
  }
  RunResult Ok(std::vector<std::string> args) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err << r.out;
    return r;
  }
  RunResult Commit(const char* crash_point = nullptr) {
    return Run({"draw", "commit", kDraw, "--no-drand", "--witness", "张某"}, crash_point);
  }
  RunResult Reveal() { return Run({"draw", "reveal", kDraw, "--witness-digits", "12"}); }
  // The commitment's secret hash as `draw show --json` prints it.
  std::string CommittedSecretHash() {
    RunResult show = Ok({"draw", "show", kDraw, "--json"});
    json d = json::parse(show.out, nullptr, false);
    if (d.is_discarded()) return "";
    return d["commitment"]["secret_hash"].get<std::string>();
  }
  std::string HashOfSecretFile() {
    const std::string bytes = ReadFile(secret_);
    return ToHex(draw::SecretHash(AsBytes(bytes)));
  }

  fs::path dir_;
  std::string data_;
  fs::path secret_;
};

TEST_F(DrawSecretCli, StaleSecretFileIsReplacedAndTheNewOneCommittedAndRevealed) {
  const std::string stale(32, '\x5a');
  fs::create_directories(secret_.parent_path());
  WriteFile(secret_, stale);
  fs::permissions(secret_, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);

  RunResult commit = Commit();
  ASSERT_EQ(commit.exit_code, 0) << commit.err;
  const std::string now = ReadFile(secret_);
  ASSERT_EQ(now.size(), 32u);
  EXPECT_NE(now, stale) << "a stale secret is never reused";
  EXPECT_EQ(CommittedSecretHash(), HashOfSecretFile());
  RunResult reveal = Reveal();
  EXPECT_EQ(reveal.exit_code, 0) << reveal.err;
  EXPECT_FALSE(fs::exists(secret_));
}

TEST_F(DrawSecretCli, CrashAfterTheSecretIsWrittenThenTheRetryCommits) {
  RunResult killed = Commit("draw-commit.secret-written");
  ASSERT_EQ(killed.exit_code, 128 + 9) << killed.out << killed.err;
  ASSERT_TRUE(fs::exists(secret_));
  const std::string stale = ReadFile(secret_);

  RunResult retry = Commit();
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(ReadFile(secret_), stale);
  EXPECT_EQ(CommittedSecretHash(), HashOfSecretFile());
  RunResult reveal = Reveal();
  EXPECT_EQ(reveal.exit_code, 0) << reveal.err;
  RunResult verified = testing_support::RunBinary(
      SUIJI_BIN_VERIFY, {"--data", data_, "--suiji", SUIJI_BIN_SUIJI}, dir_);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(DrawSecretCli, SecretOfACommitmentInTheLogIsNeverOverwritten) {
  ASSERT_EQ(Commit().exit_code, 0);
  const std::string kept = ReadFile(secret_);
  RunResult again = Commit();
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_TRUE(Contains(again.err, "only a frozen draw can be committed")) << again.err;
  EXPECT_TRUE(Contains(again.err, secret_.string() + " belongs to the commitment at entry"))
      << again.err;
  EXPECT_EQ(ReadFile(secret_), kept);
  EXPECT_EQ(CommittedSecretHash(), HashOfSecretFile());
  EXPECT_EQ(Reveal().exit_code, 0);
}

TEST_F(DrawSecretCli, DirectoryAtTheSecretPathIsAClearErrorOnCommitAndReveal) {
  fs::create_directories(secret_);
  RunResult commit = Commit();
  EXPECT_EQ(commit.exit_code, 1) << commit.err;
  EXPECT_TRUE(Contains(commit.err, "the secret path " + secret_.string() +
                                       " is not a regular file (a directory?): move it away"))
      << commit.err;
  EXPECT_TRUE(Contains(commit.err, "[failed_precondition]")) << commit.err;

  fs::remove(secret_);
  ASSERT_EQ(Commit().exit_code, 0);
  const std::string kept = ReadFile(secret_);
  fs::rename(secret_, dir_ / "kept.secret");
  fs::create_directories(secret_);
  RunResult reveal = Reveal();
  EXPECT_EQ(reveal.exit_code, 1) << "no abort: " << reveal.err;
  EXPECT_TRUE(Contains(reveal.err, "is not a regular file (a directory?)")) << reveal.err;
  fs::remove(secret_);
  fs::rename(dir_ / "kept.secret", secret_);
  EXPECT_EQ(Reveal().exit_code, 0);
}

}  // namespace
}  // namespace suiji
