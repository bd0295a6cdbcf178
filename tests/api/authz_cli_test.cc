// Separation of duties on the command line (issue 17, item 8), `suiji` run as real processes:
// `suiji token issue` as a county administrator for its reviewer, and `suiji org add` of a
// city-level unit under the province acting for the county, are refused (exit 1, the reason
// on stderr) and append nothing; the user itself, and the node operator, may issue tokens.
// (A result's confirmation on the command line runs in ops/demo.sh: integration.demo.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using testing_support::Contains;
using testing_support::RunResult;

class AuthzCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("suiji-authzcli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "cz.test/authz", "--no-calendar"}).exit_code, 0);
    // The node operator (no registered user) builds the tree and the users.
    Ok({"org", "add", "--id", "320000", "--name", "江苏省人社厅", "--region", "320000", "--level", "province"});
    Ok({"org", "add", "--id", "320400", "--name", "常州市人社局", "--region", "320400", "--level", "city",
        "--parent", "320000"});
    Ok({"org", "add", "--id", "320402", "--name", "天宁区人社局", "--region", "320402", "--level", "county",
        "--parent", "320400"});
    Ok({"user", "add", "--id", "tn-admin", "--name", "区管理员", "--org-id", "320402", "--role", "administrator"});
    Ok({"user", "add", "--id", "tn-rev", "--name", "区审核员", "--org-id", "320402", "--role", "reviewer"});
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
  // `suiji <args> --data DIR --user operator` (no registered user), expected to succeed.
  RunResult Ok(std::vector<std::string> args) {
    args.insert(args.end(), {"--data", data_, "--user", "operator"});
    RunResult r = Suiji(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err << r.out;
    return r;
  }
  // The number of entries in the log.
  std::string LogTail() { return Suiji({"log", "show", "--data", data_, "--from", "0", "--limit", "100000"}).out; }

  fs::path dir_;
  std::string data_;
};

TEST_F(AuthzCli, AnAdministratorCannotIssueItsReviewersToken) {
  const std::string before = LogTail();
  RunResult minted = Suiji({"token", "issue", "--data", data_, "--org", "320402", "--user", "tn-admin", "tn-rev"});
  EXPECT_EQ(minted.exit_code, 1) << minted.out << minted.err;
  EXPECT_TRUE(Contains(minted.err, "user tn-admin may not issue a token for user tn-rev")) << minted.err;
  EXPECT_TRUE(Contains(minted.err, "[permission_denied]")) << minted.err;
  EXPECT_FALSE(Contains(minted.out, "sj_")) << minted.out;
  EXPECT_EQ(LogTail(), before);
  RunResult own = Suiji({"token", "issue", "--data", data_, "--org", "320402", "--user", "tn-rev", "tn-rev"});
  EXPECT_EQ(own.exit_code, 0) << own.err;
  EXPECT_TRUE(own.out.starts_with("sj_")) << own.out;
  EXPECT_TRUE(Ok({"token", "issue", "tn-rev"}).out.starts_with("sj_"));  // the operator's bootstrap
}

TEST_F(AuthzCli, ACountyCannotRegisterACityUnderTheProvince) {
  const std::string before = LogTail();
  RunResult city = Suiji({"org", "add", "--data", data_, "--org", "320402", "--user", "tn-admin", "--id", "320499",
                          "--name", "天宁市人社局", "--region", "320402", "--level", "city", "--parent", "320000"});
  EXPECT_EQ(city.exit_code, 1) << city.out << city.err;
  EXPECT_TRUE(Contains(city.err, "org unit 320402 (county, region 320402) may not register org unit 320499 under "
                                 "parent 320000 (region 320000): the parent is outside its jurisdiction"))
      << city.err;
  EXPECT_TRUE(Contains(city.err, "[permission_denied]")) << city.err;
  EXPECT_EQ(LogTail(), before);
  EXPECT_FALSE(Contains(Suiji({"list", "orgs", "--data", data_}).out, "320499"));
}

}  // namespace
}  // namespace suiji
