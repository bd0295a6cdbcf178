// Reading, exporting and verifying need no node key: with node.key deleted or corrupt,
// `log export` writes the log with its stored checkpoints and says what the tip beyond the
// latest one lacks, `suiji-verify --data` passes, and show/list/log show work; a write is
// refused naming the key file and what to do (issue 17, item 14).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using testing_support::Contains;
using testing_support::RunResult;

enum class KeyFault { kDeleted, kCorrupt };

class KeylessReadCli : public ::testing::TestWithParam<KeyFault> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("suiji-keyless-" + std::to_string(::getpid()) + "-" +
            std::to_string(static_cast<int>(GetParam())));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "cz.test/keyless", "--no-calendar"}).exit_code, 0);
    // Entries after init's checkpoint: the tip a keyless export cannot cover.
    ASSERT_EQ(Suiji({"org", "add", "--data", data_, "--id", "320000", "--name", "江苏省人力资源和社会保障厅",
                     "--region", "320000", "--level", "province"})
                  .exit_code,
              0);
    ASSERT_EQ(Suiji({"org", "add", "--data", data_, "--id", "320400", "--name", "常州市人力资源和社会保障局",
                     "--region", "320400", "--level", "city", "--parent", "320000"})
                  .exit_code,
              0);
    const fs::path key = fs::path(data_) / "keys" / "node.key";
    if (GetParam() == KeyFault::kDeleted) {
      fs::remove(key);
    } else {
      std::ofstream(key, std::ios::binary | std::ios::trunc) << "suiji-ed25519-private-key v1\nnot base64!\n";
    }
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  RunResult Suiji(const std::vector<std::string>& args) {
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }

  fs::path dir_;
  std::string data_;
};

TEST_P(KeylessReadCli, ExportVerifyAndReadsWorkWithoutTheNodeKey) {
  const std::string out = (dir_ / "log.suiji").string();
  RunResult exp = Suiji({"log", "export", "--data", data_, "--out", out});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  EXPECT_TRUE(Contains(exp.err, "node.key")) << "names the key file: " << exp.err;
  EXPECT_TRUE(Contains(exp.err, "the 2 entries")) << exp.err;
  EXPECT_TRUE(Contains(exp.err, "at the tip are not covered by any checkpoint")) << exp.err;
  EXPECT_TRUE(fs::exists(out));

  RunResult file = testing_support::RunBinary(SUIJI_BIN_VERIFY, {out}, dir_);
  EXPECT_EQ(file.exit_code, 0) << file.out << file.err;
  RunResult live = testing_support::RunBinary(
      SUIJI_BIN_VERIFY, {"--data", data_, "--suiji", SUIJI_BIN_SUIJI}, dir_);
  EXPECT_EQ(live.exit_code, 0) << live.out << live.err;
  EXPECT_TRUE(Contains(live.out + live.err, "not yet covered")) << live.out << live.err;

  RunResult show = Suiji({"show", "org", "--data", data_, "320400"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_TRUE(Contains(show.out, "常州市人力资源和社会保障局")) << show.out;
  RunResult list = Suiji({"list", "orgs", "--data", data_});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.out, "320000")) << list.out;
  RunResult log = Suiji({"log", "show", "--data", data_});
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_TRUE(Contains(log.out, "OrgUnitRegistered")) << log.out;

  // A write is refused, clearly: the state to fix, not a retry.
  RunResult memo = Suiji({"memo", "--data", data_, "--subject", "s", "--text", "t"});
  EXPECT_EQ(memo.exit_code, 1) << memo.err;
  EXPECT_TRUE(Contains(memo.err, "node.key")) << memo.err;
  EXPECT_TRUE(Contains(memo.err, "suiji key rotate")) << memo.err;
}

INSTANTIATE_TEST_SUITE_P(NodeKey, KeylessReadCli,
                         ::testing::Values(KeyFault::kDeleted, KeyFault::kCorrupt),
                         [](const ::testing::TestParamInfo<KeyFault>& i) {
                           return std::string(i.param == KeyFault::kDeleted ? "Deleted" : "Corrupt");
                         });

}  // namespace
}  // namespace suiji
