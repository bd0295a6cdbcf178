// The two command lines, run as real processes: `suiji` (the node) and `suiji-verify`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "api/node.h"
#include "tests/support/run_process.h"
#include "ledger/core/checkpoint.h"

namespace suiji {
namespace {

using testing_support::Contains;
using testing_support::ReadFile;
using testing_support::RunResult;

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A fresh directory per test (pid + test name), removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    dir_ = fs::temp_directory_path() / ("suiji-cli-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs `binary args...` with stdout and stderr captured to files; stdin is /dev/null.
  RunResult Run(const std::string& binary, const std::vector<std::string>& args) {
    RunResult r = testing_support::RunBinary(binary, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run " << binary;
    return r;
  }
  RunResult Suiji(const std::vector<std::string>& args) { return Run(SUIJI_BIN_SUIJI, args); }
  RunResult Verify(const std::vector<std::string>& args) { return Run(SUIJI_BIN_VERIFY, args); }

  // `suiji init` on data_, then `n` memos; returns init's output.
  RunResult InitWithMemos(int n) {
    RunResult init = Suiji({"init", "--data", data_, "--ledger", "x/y", "--user", "tester",
                            "--no-calendar"});
    EXPECT_EQ(init.exit_code, 0) << init.err;
    for (int i = 0; i < n; ++i) {
      RunResult m = Suiji({"memo", "--data", data_, "--subject", "minutes", "--text",
                           "memo " + std::to_string(i)});
      EXPECT_EQ(m.exit_code, 0) << m.err;
      EXPECT_TRUE(Contains(m.out, "appended entry " + std::to_string(i + 2))) << m.out;
    }
    return init;
  }

  std::string Export(const std::string& name = "ledger.export") {
    const std::string f = (dir_ / name).string();
    RunResult e = Suiji({"log", "export", "--data", data_, "--out", f});
    EXPECT_EQ(e.exit_code, 0) << e.err;
    return f;
  }

  std::string VerifierKey() {
    RunResult k = Suiji({"key", "verifier", "--data", data_});
    EXPECT_EQ(k.exit_code, 0) << k.err;
    return Trim(k.out);
  }

  // Replaces the first occurrence of `from` in the file.
  void Replace(const std::string& path, const std::string& from, const std::string& to) {
    std::string text = ReadFile(path);
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    WriteFile(path, text);
  }

  fs::path dir_;
  std::string data_;
};

using SuijiCli = CliTest;
using SuijiVerifyCli = CliTest;

TEST_F(SuijiCli, InitCreatesALedgerAndPrintsTheVerifierKey) {
  RunResult r = Suiji({"init", "--data", data_, "--ledger", "x/y"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "created ledger x/y")) << r.out;
  EXPECT_TRUE(Contains(r.out, "verifier key:")) << r.out;
  EXPECT_TRUE(Contains(r.out, "x/y+")) << r.out;
  EXPECT_TRUE(fs::exists(fs::path(data_) / "keys" / "node.key"));
  EXPECT_TRUE(fs::exists(fs::path(data_) / "keys" / "root.key"));
  auto perms = fs::status(fs::path(data_) / "keys" / "node.key").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  // The verifier key printed by init is the one `key verifier` prints.
  EXPECT_TRUE(Contains(r.out, VerifierKey())) << r.out;
}

TEST_F(SuijiCli, InitTwiceOnTheSameDirectoryRefusesWithExitOne) {
  ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "x/y"}).exit_code, 0);
  const std::string node_key = ReadFile(fs::path(data_) / "keys" / "node.key");
  RunResult r = Suiji({"init", "--data", data_, "--ledger", "x/y"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "already exists")) << r.err;
  EXPECT_TRUE(Contains(r.err, data_)) << r.err;
  // Nothing was overwritten.
  EXPECT_EQ(ReadFile(fs::path(data_) / "keys" / "node.key"), node_key);
}

TEST_F(SuijiCli, InitRefusesAnInvalidLedgerName) {
  RunResult r = Suiji({"init", "--data", data_, "--ledger", "bad name"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "ledger name")) << r.err;
}

TEST_F(SuijiCli, MemoAppendsEntriesThatLogShowPrints) {
  InitWithMemos(3);
  RunResult show = Suiji({"log", "show", "--data", data_, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  std::istringstream lines(show.out);
  std::vector<nlohmann::json> entries;
  for (std::string line; std::getline(lines, line);) entries.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0]["type"], "Genesis");
  EXPECT_EQ(entries[1]["type"], "KeyRegistered");
  for (size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(entries[i]["sequence"], i);
    EXPECT_EQ(entries[i]["type"], "Memo");
    EXPECT_EQ(entries[i]["payload"]["text"], "memo " + std::to_string(i - 2));
  }
}

TEST_F(SuijiCli, MemoOnAMissingDataDirectoryFailsNamingIt) {
  const std::string missing = (dir_ / "no-such-dir").string();
  RunResult r = Suiji({"memo", "--data", missing, "--subject", "s", "--text", "t"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, missing)) << r.err;
}

TEST_F(SuijiCli, ASecondWriterIsRefusedWhileTheLockIsHeld) {
  InitWithMemos(0);
  auto writer = OpenWriter(NodePaths(data_));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  RunResult r = Suiji({"memo", "--data", data_, "--subject", "s", "--text", "t"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "another process")) << r.err;
  EXPECT_TRUE(Contains(r.err, std::to_string(::getpid()))) << r.err;
  // Readers still work while the lock is held; export falls back to reading.
  RunResult show = Suiji({"log", "show", "--data", data_});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  RunResult e = Suiji({"log", "export", "--data", data_, "--out", (dir_ / "f").string()});
  EXPECT_EQ(e.exit_code, 0) << e.err;
  writer->reset();
  RunResult again = Suiji({"memo", "--data", data_, "--subject", "s", "--text", "t"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(SuijiCli, AnUnknownCommandIsAUsageError) {
  EXPECT_EQ(Suiji({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Suiji({}).exit_code, 2);
  EXPECT_EQ(Suiji({"memo", "--data", data_}).exit_code, 2);  // missing --subject/--text
  EXPECT_EQ(Suiji({"log", "--data", data_}).exit_code, 2);   // no log subcommand
  EXPECT_EQ(Suiji({"init", "--data", data_, "--ledger", "x/y", "--bogus"}).exit_code, 2);
}

TEST_F(SuijiCli, HelpOnEverySubcommandExitsZero) {
  const std::vector<std::vector<std::string>> commands = {
      {"--help"},
      {"init", "--help"},
      {"log", "--help"},
      {"log", "export", "--help"},
      {"log", "show", "--help"},
      {"memo", "--help"},
      {"checkpoint", "--help"},
      {"proof", "--help"},
      {"proof", "inclusion", "--help"},
      {"proof", "consistency", "--help"},
      {"key", "--help"},
      {"key", "list", "--help"},
      {"key", "rotate", "--help"},
      {"key", "revoke", "--help"},
      {"key", "verifier", "--help"},
  };
  for (const auto& c : commands) {
    RunResult r = Suiji(c);
    std::string cmd;
    for (const auto& a : c) cmd += " " + a;
    EXPECT_EQ(r.exit_code, 0) << "suiji" << cmd << "\n" << r.err;
    EXPECT_FALSE(r.out.empty()) << "suiji" << cmd;
  }
  for (const std::vector<std::string>& c :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"proof", "--help"}}) {
    RunResult r = Verify(c);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(r.out.empty());
  }
}

TEST_F(SuijiCli, KeyRotateRevokesTheOldKeyAndTheExportStillVerifies) {
  InitWithMemos(2);
  const std::string old_vkey = VerifierKey();
  RunResult rot = Suiji({"key", "rotate", "--data", data_});
  ASSERT_EQ(rot.exit_code, 0) << rot.err;
  EXPECT_TRUE(Contains(rot.out, "rotated node key to")) << rot.out;
  EXPECT_TRUE(Contains(rot.out, "at entry 4")) << rot.out;
  const std::string new_vkey = VerifierKey();
  EXPECT_NE(new_vkey, old_vkey);
  EXPECT_TRUE(Contains(rot.out, new_vkey)) << rot.out;
  // The new key file replaced the old one; no temporary file is left behind.
  EXPECT_FALSE(fs::exists(fs::path(data_) / "keys" / "node.key.next"));
  // The node can go on writing with the new key.
  RunResult m = Suiji({"memo", "--data", data_, "--subject", "s", "--text", "after"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_TRUE(Contains(m.out, "appended entry 5")) << m.out;

  RunResult list = Suiji({"key", "list", "--data", data_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.out, "revoked at 4")) << list.out;
  EXPECT_TRUE(Contains(list.out, "node key (rotated)")) << list.out;

  const std::string f = Export();
  RunResult v = Verify({"--json", f});
  ASSERT_EQ(v.exit_code, 0) << v.out;
  auto j = nlohmann::json::parse(v.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["entries"], 6);
  ASSERT_EQ(j["keys"].size(), 3u);
  int revoked = 0;
  for (const auto& k : j["keys"]) {
    if (!k["revoked_at"].is_null()) {
      ++revoked;
      EXPECT_EQ(k["revoked_at"], 4);
    }
  }
  EXPECT_EQ(revoked, 1);
}

TEST_F(SuijiVerifyCli, AnExportVerifiesAndPrintsOk) {
  InitWithMemos(3);
  const std::string f = Export();
  RunResult r = Verify({f});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "OK")) << r.out;
  EXPECT_TRUE(Contains(r.out, "entries:       5")) << r.out;
  EXPECT_FALSE(Contains(r.out, "FAILED")) << r.out;
}

TEST_F(SuijiVerifyCli, JsonOutputParsesAndSaysOk) {
  InitWithMemos(3);
  const std::string f = Export();
  RunResult r = Verify({"--json", f});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);  // throws (fails the test) if not JSON
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["ledger"], "x/y");
  EXPECT_EQ(j["entries"], 5);
  EXPECT_EQ(j["latest_checkpoint_size"], 5);  // export covers the tip
  EXPECT_EQ(j["uncovered_entries"], 0);
  EXPECT_EQ(j["event_counts"]["Memo"], 3);
  EXPECT_FALSE(j.contains("problem"));
}

TEST_F(SuijiVerifyCli, ADataDirectoryVerifiesThroughTheSuijiBinary) {
  InitWithMemos(2);
  RunResult r = Verify({"--data", data_, "--suiji", SUIJI_BIN_SUIJI});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "OK")) << r.out;
  EXPECT_TRUE(Contains(r.out, "entries:       4")) << r.out;
}

TEST_F(SuijiVerifyCli, AFlippedByteFailsWithExitOneNamingTheSequence) {
  InitWithMemos(3);
  const std::string f = Export();
  std::string bytes = ReadFile(f);
  // Somewhere in the middle of entry 3's record: after the magic and entries 0..2.
  size_t at = bytes.find("memo 1");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  WriteFile(f, bytes);
  RunResult r = Verify({f});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "FAILED at sequence 3")) << r.out;

  RunResult j = Verify({"--json", f});
  EXPECT_EQ(j.exit_code, 1);
  auto json = nlohmann::json::parse(j.out);
  EXPECT_EQ(json["ok"], false);
  EXPECT_EQ(json["problem"]["sequence"], 3);
}

std::string CheckpointPrintedByInit(const RunResult& init) {
  const std::string marker = "checkpoint:\n";
  const size_t at = init.out.find(marker);
  EXPECT_NE(at, std::string::npos) << init.out;
  return at == std::string::npos ? std::string() : init.out.substr(at + marker.size());
}

TEST_F(SuijiVerifyCli, ATrustedCheckpointFileIsChecked) {
  RunResult init = InitWithMemos(2);
  const std::string cp_path = (dir_ / "cp2").string();
  WriteFile(cp_path, CheckpointPrintedByInit(init));
  const std::string f = Export();
  RunResult ok = Verify({f, "--checkpoint", cp_path});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  // A checkpoint of another ledger with the same name fails.
  fs::path other_data = dir_ / "other";
  RunResult other = Suiji({"init", "--data", other_data.string(), "--ledger", "x/y"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string other_cp = (dir_ / "other-cp2").string();
  WriteFile(other_cp, CheckpointPrintedByInit(other));
  RunResult bad = Verify({f, "--checkpoint", other_cp});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_TRUE(Contains(bad.out, "trusted checkpoint of size 2")) << bad.out;
}

TEST_F(SuijiVerifyCli, ATrustedCheckpointOptionBeforeTheFileIsAccepted) {
  RunResult init = InitWithMemos(1);
  const std::string cp_path = (dir_ / "cp2").string();
  WriteFile(cp_path, CheckpointPrintedByInit(init));
  const std::string f = Export();
  RunResult a = Verify({"--checkpoint", cp_path, f});
  RunResult b = Verify({"--checkpoint=" + cp_path, f});
  EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
}

TEST_F(SuijiVerifyCli, AnotherExpectedRootKeyFailsAtSequenceZero) {
  RunResult init = InitWithMemos(1);
  const std::string f = Export();
  RunResult bad_root = Verify({"--root-key", "0000000000000000", f});
  EXPECT_EQ(bad_root.exit_code, 1) << bad_root.out;
  EXPECT_TRUE(Contains(bad_root.out, "FAILED at sequence 0")) << bad_root.out;
  // The root key id init printed is accepted.
  const std::string marker = "root key:      ";
  const size_t at = init.out.find(marker);
  ASSERT_NE(at, std::string::npos) << init.out;
  const std::string root_id = init.out.substr(at + marker.size(), 16);
  RunResult good_root = Verify({"--root-key", root_id, f});
  EXPECT_EQ(good_root.exit_code, 0) << good_root.out;
}

TEST_F(SuijiVerifyCli, AnInclusionProofVerifiesAgainstTheVerifierKey) {
  InitWithMemos(3);
  Export();  // covers the tip with a checkpoint, which the proof is made against
  const std::string p = (dir_ / "incl.proof").string();
  RunResult made = Suiji({"proof", "inclusion", "--data", data_, "--seq", "2", "--out", p});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string key = VerifierKey();
  RunResult r = Verify({"proof", p, "--key", key});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "OK: entry 2")) << r.out;
  EXPECT_TRUE(Contains(r.out, "size 5")) << r.out;
}

TEST_F(SuijiVerifyCli, ATamperedInclusionProofFailsWithExitOne) {
  InitWithMemos(3);
  Export();
  const std::string p = (dir_ / "incl.proof").string();
  ASSERT_EQ(Suiji({"proof", "inclusion", "--data", data_, "--seq", "2", "--out", p}).exit_code, 0);
  const std::string key = VerifierKey();
  const std::string original = ReadFile(p);

  Replace(p, "\nindex 2\n", "\nindex 3\n");  // claims another position
  RunResult r = Verify({"proof", p, "--key", key});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "FAILED")) << r.out;

  WriteFile(p, original);
  // Alter the first path hash while keeping it valid base64.
  const size_t at = original.find("\npath ");
  ASSERT_NE(at, std::string::npos) << original;
  std::string altered = original;
  char& c = altered[at + 6];
  c = c == 'A' ? 'B' : 'A';
  WriteFile(p, altered);
  RunResult r2 = Verify({"proof", p, "--key", key});
  EXPECT_EQ(r2.exit_code, 1) << r2.out << r2.err;

  // The genuine proof checked against a key that is not the ledger's.
  WriteFile(p, original);
  InitCrypto();
  KeyPair stranger = KeyPair::Generate();
  RunResult r3 = Verify({"proof", p, "--key", VerifierKeyString("x/y", stranger.public_key())});
  EXPECT_EQ(r3.exit_code, 1) << r3.out << r3.err;
  EXPECT_TRUE(Contains(r3.out, "FAILED")) << r3.out;
  RunResult r4 = Verify({"proof", p, "--key", key});
  EXPECT_EQ(r4.exit_code, 0) << r4.out << r4.err;
}

TEST_F(SuijiVerifyCli, AConsistencyProofVerifies) {
  RunResult init = InitWithMemos(3);
  Export();
  const std::string p = (dir_ / "cons.proof").string();
  RunResult made = Suiji({"proof", "consistency", "--data", data_, "--from", "2", "--out", p});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string key = VerifierKey();
  RunResult r = Verify({"proof", p, "--key", key});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "extends the one of size 2")) << r.out;
  // Against the checkpoint of size 2 that init printed.
  const std::string cp_path = (dir_ / "cp2").string();
  WriteFile(cp_path, CheckpointPrintedByInit(init));
  RunResult with_old = Verify({"proof", p, "--key", key, "--old-checkpoint", cp_path});
  EXPECT_EQ(with_old.exit_code, 0) << with_old.out << with_old.err;
  // A tampered old root fails.
  const std::string text = ReadFile(p);
  const size_t root_at = text.find("\nold-root ");
  ASSERT_NE(root_at, std::string::npos) << text;
  std::string altered = text;
  char& c = altered[root_at + 10];
  c = c == 'A' ? 'B' : 'A';
  WriteFile(p, altered);
  RunResult bad = Verify({"proof", p, "--key", key});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
}

TEST_F(SuijiVerifyCli, NoArgumentsIsAUsageError) {
  RunResult r = Verify({});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(Contains(r.err, "--data")) << r.err;
}

TEST_F(SuijiVerifyCli, UnreadableInputIsAUsageError) {
  EXPECT_EQ(Verify({(dir_ / "missing.export").string()}).exit_code, 2);
  EXPECT_EQ(Verify({"proof", (dir_ / "missing.proof").string(), "--key", "k"}).exit_code, 2);
  InitWithMemos(0);
  const std::string f = Export();
  EXPECT_EQ(Verify({f, "--data", data_}).exit_code, 2);  // both a file and --data
  EXPECT_EQ(Verify({"--data", data_, "--suiji", (dir_ / "no-suiji").string()}).exit_code, 2);
  EXPECT_EQ(Verify({"--data", (dir_ / "nothing").string(), "--suiji", SUIJI_BIN_SUIJI}).exit_code,
            2);
}

}  // namespace
}  // namespace suiji
