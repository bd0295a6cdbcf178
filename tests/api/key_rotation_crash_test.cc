// `suiji key rotate` killed (SIGKILL, at the crash points of api/node_key.h) at every step:
// the next command opens the node with no hand repair, writes with the key the log says is
// in force, and `suiji-verify --data` passes. And a node whose key is not in force says so,
// naming the key and what to do, and a rotation gives it a key in force again (issue 17,
// item 12).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::Contains;
using testing_support::RunResult;

class KeyRotation : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    for (char& c : name) {
      if (c == '/') c = '-';
    }
    dir_ = fs::temp_directory_path() / ("suiji-keyrot-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "cz.test/keys", "--no-calendar"}).exit_code, 0);
    ASSERT_EQ(Memo("before").exit_code, 0);
    original_key_ = LastKeyId();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Suiji(const std::vector<std::string>& args, const char* crash_point = nullptr) {
    if (crash_point != nullptr) ::setenv("SUIJI_CRASH_POINT", crash_point, 1);
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    ::unsetenv("SUIJI_CRASH_POINT");
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }
  RunResult Memo(const std::string& text) {
    return Suiji({"memo", "--data", data_, "--subject", "test", "--text", text});
  }
  // The key id that signed the last entry.
  std::string LastKeyId() {
    RunResult all = Suiji({"log", "show", "--data", data_, "--limit", "100000", "--json"});
    std::string last;
    std::istringstream lines(all.out);
    for (std::string line; std::getline(lines, line);) last = line;
    json j = json::parse(last, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "log show: " << all.out << all.err;
      return "";
    }
    return j["key_id"].get<std::string>();
  }
  RunResult Verify() {
    RunResult r = testing_support::RunBinary(SUIJI_BIN_VERIFY,
                                             {"--data", data_, "--suiji", SUIJI_BIN_SUIJI}, dir_);
    return r;
  }
  fs::path Keys() const { return fs::path(data_) / "keys"; }

  fs::path dir_;
  std::string data_;
  std::string original_key_;
};

struct CrashCase {
  const char* point;
  bool rotation_in_log;  // whether the rotation event was durable when the kill came
};

void PrintTo(const CrashCase& c, std::ostream* os) { *os << c.point; }

class KeyRotationCrash : public KeyRotation, public ::testing::WithParamInterface<CrashCase> {};

TEST_P(KeyRotationCrash, KilledRotationLeavesANodeThatOpensWritesAndVerifies) {
  const CrashCase& c = GetParam();
  RunResult killed = Suiji({"key", "rotate", "--data", data_}, c.point);
  ASSERT_EQ(killed.exit_code, 128 + 9) << "the crash point " << c.point << " was not reached: "
                                       << killed.out << killed.err;

  RunResult memo = Memo("after the kill");
  ASSERT_EQ(memo.exit_code, 0) << memo.err;
  const std::string signer = LastKeyId();
  if (c.rotation_in_log) {
    EXPECT_NE(signer, original_key_) << "the log says the new key is in force";
  } else {
    EXPECT_EQ(signer, original_key_) << "the rotation never reached the log";
  }
  EXPECT_FALSE(fs::exists(Keys() / "node.key.next")) << "the recovery rule cleans up";
  EXPECT_TRUE(fs::exists(Keys() / "node.key"));

  RunResult verified = Verify();
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  // And the node can rotate again, cleanly.
  RunResult again = Suiji({"key", "rotate", "--data", data_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(Memo("after a second rotation").exit_code, 0);
  EXPECT_NE(LastKeyId(), signer);
  EXPECT_EQ(Verify().exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, KeyRotationCrash,
    ::testing::Values(CrashCase{"rotate.next-written", false}, CrashCase{"rotate.next-synced", false},
                      CrashCase{"rotate.appended", true}, CrashCase{"rotate.checkpointed", true},
                      CrashCase{"rotate.renamed", true}),
    [](const ::testing::TestParamInfo<CrashCase>& i) {
      std::string n = i.param.point;
      for (char& ch : n) {
        if (ch == '.' || ch == '-') ch = '_';
      }
      return n;
    });

TEST_F(KeyRotation, CrashLeftATornNextKeyFileThatTheNextOpenRemoves) {
  // A kill while node.key.next was being written: a file that is not (yet) a key.
  std::ofstream(Keys() / "node.key.next", std::ios::binary) << "suiji-ed25519-private-key v1\nAAAA";
  fs::permissions(Keys() / "node.key.next", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  RunResult memo = Memo("after a torn key file");
  ASSERT_EQ(memo.exit_code, 0) << memo.err;
  EXPECT_EQ(LastKeyId(), original_key_);
  EXPECT_FALSE(fs::exists(Keys() / "node.key.next"));
  EXPECT_EQ(Suiji({"key", "rotate", "--data", data_}).exit_code, 0);
  EXPECT_EQ(Verify().exit_code, 0);
}

TEST_F(KeyRotation, CliNodeKeyNotInForceIsRefusedClearlyAndARotationRepairsIt) {
  RunResult revoke = Suiji({"key", "revoke", "--data", data_, "--key-id", original_key_,
                            "--reason", "laptop stolen"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_TRUE(Contains(revoke.err, "node key " + original_key_ + " is not in force")) << revoke.err;

  RunResult memo = Memo("with a revoked key");
  EXPECT_EQ(memo.exit_code, 1) << memo.err;
  EXPECT_TRUE(Contains(memo.err, "node key " + original_key_ + " is not in force: it was revoked at entry "))
      << memo.err;
  EXPECT_TRUE(Contains(memo.err, "suiji key rotate")) << "what to do: " << memo.err;
  EXPECT_TRUE(Contains(memo.err, "[failed_precondition]")) << memo.err;

  // A repairing rotation killed half way leaves nothing in the way of the next one.
  RunResult killed = Suiji({"key", "rotate", "--data", data_}, "rotate.next-synced");
  ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
  EXPECT_EQ(Memo("still revoked").exit_code, 1);
  EXPECT_FALSE(fs::exists(Keys() / "node.key.next"));

  RunResult rotate = Suiji({"key", "rotate", "--data", data_});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.err;
  ASSERT_EQ(Memo("with the new key").exit_code, 0);
  EXPECT_NE(LastKeyId(), original_key_);
  RunResult verified = Verify();
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

}  // namespace
}  // namespace suiji
