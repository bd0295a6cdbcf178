// Test support: what the projection tests set up the same way — a writer ledger over LMDB
// without checkpoints, the kill -9 harness of a catch-up, and a node made by ops/demo.sh.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "projections/projections.h"

namespace suiji::testing_support {

// A writer Ledger over a new LMDB log in `dir`, writing no checkpoints (the tests fold every
// entry they append and count them).
inline StatusOr<std::unique_ptr<Ledger>> CreateTestLedger(const std::filesystem::path& dir,
                                                          std::string_view ledger_id,
                                                          const KeyPair& root, KeyPair node,
                                                          const Actor& actor) {
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  if (!storage.ok()) return storage.status();
  LedgerOptions opts;
  opts.checkpoint_every_entries = 0;
  return Ledger::Create(std::move(*storage), ledger_id, "", root, std::move(node), actor, opts);
}

// The kill -9 harness of a catch-up: `rounds` times, empties DIR/projections and SIGKILLs
// a child process folding it from DIR's log in transactions of `batch` entries, after
// first_delay_us + round * step_us; a catch-up of what the child left must then reach the
// digest of an uninterrupted fold of `log` (a crash neither repeats nor skips an entry).
// Nothing may hold DIR's projections open while it runs.
inline void ExpectKilledCatchUpsResume(const std::filesystem::path& dir, const LogStorage& log,
                                       uint64_t batch, useconds_t first_delay_us,
                                       useconds_t step_us, int rounds = 3) {
  std::filesystem::remove_all(dir / "projections");
  Hash whole{};
  {
    auto p = OpenProjections(dir);
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE((*p)->CatchUp(log).ok());
    whole = *(*p)->Digest();
  }
  for (int round = 0; round < rounds; ++round) {
    std::filesystem::remove_all(dir / "projections");
    pid_t pid = ::fork();
    if (pid == 0) {
      auto p = OpenProjections(dir);
      auto reader = OpenLmdbStorage(dir, StorageMode::kReadOnly);
      Status s = (*p)->CatchUp(**reader, batch);
      ::_exit(s.ok() ? 0 : 1);
    }
    ::usleep(first_delay_us + static_cast<useconds_t>(round) * step_us);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto p = OpenProjections(dir);
    ASSERT_TRUE(p.ok());
    const uint64_t after_crash = *(*p)->Applied();
    ASSERT_TRUE((*p)->CatchUp(log).ok());
    EXPECT_EQ(*(*p)->Digest(), whole) << "round " << round << ", killed at " << after_crash;
  }
}

// <temp>/<name>-<pid>, emptied and made: the work folder of a demo node (RunDemo).
inline std::filesystem::path DemoWorkDir(std::string_view name) {
  const auto work = std::filesystem::temp_directory_path() /
                    (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  return work;
}

// Runs ops/demo.sh (every command of the command line as a bureau would run them) with the
// binaries of this build, making the node WORK/data; its output goes to WORK/demo.log.
inline ::testing::AssertionResult RunDemo(const std::filesystem::path& work) {
  const auto data = work / "data";
  const auto build = std::filesystem::path(SUIJI_BIN_SUIJI).parent_path().parent_path();
  const auto script = std::filesystem::path(SUIJI_TEST_VECTORS).parent_path().parent_path() / "ops" / "demo.sh";
  const std::string command = "BUILD_DIR='" + build.string() + "' '" + script.string() + "' '" + data.string() +
                              "' > '" + (work / "demo.log").string() + "' 2>&1";
  const int rc = std::system(command.c_str());
  if (rc == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "ops/demo.sh exited with " << rc << "; see " << (work / "demo.log");
}

}  // namespace suiji::testing_support
