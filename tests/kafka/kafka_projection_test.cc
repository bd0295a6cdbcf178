// The directory projection consuming a Kafka-backed log: deterministic across consumers,
// exactly once and resumable across a kill -9 of the consuming process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "ledger/core/codes/credit_code.h"
#include "tests/support/credit_codes.h"
#include "ledger/core/directory/records.h"
#include "ledger/ledger.h"
#include "projections/directory_projection.h"
#include "tests/kafka/kafka_test_util.h"

namespace suiji {
namespace {

using directory::TargetRecord;
using kafka_test::KafkaTest;

std::string Code(uint64_t n) { return testing_support::SampleCreditCode("320402", n); }

TargetRecord Target(uint64_t n) {
  static const char* kRegions[] = {"320402", "320404", "320411", "320412"};
  static const char* kGrades[] = {"A", "B", "C", ""};
  TargetRecord t;
  t.credit_code = Code(n);
  t.name = "测试企业" + std::to_string(n);
  t.region = kRegions[n % 4];
  t.industry = n % 2 ? "3411" : "4710";
  t.headcount = static_cast<uint32_t>(8 + n % 300);
  t.credit_grade = kGrades[n % 4];
  t.grade_date = t.credit_grade.empty() ? "" : "2025-01-01";
  t.org_id = "320400";
  return t;
}

class KafkaProjectionTest : public KafkaTest {
 protected:
  void SetUp() override {
    KafkaTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-kproj-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    KafkaTest::TearDown();
  }

  // Writes a ledger on the test topic: genesis, two org units, `targets` TargetRegistered
  // events in batches of 500, then a few updates and retirements. Returns the log size; the
  // writer is closed afterwards (no librdkafka thread left running).
  uint64_t WriteLedger(uint64_t targets) {
    auto storage = MustOpen(KafkaMode::kWriter);
    if (storage == nullptr) return 0;
    LedgerOptions opts;
    opts.checkpoint_every_entries = 0;
    opts.checkpoint_every_seconds = 0;
    const Actor actor{"320400", "clerk"};
    auto l = Ledger::Create(std::move(storage), "kafka.proj.test/ledger", "", KeyPair::Generate(),
                            KeyPair::Generate(), actor, opts);
    if (!l.ok()) {
      ADD_FAILURE() << l.status().ToString();
      return 0;
    }
    auto append = [&](std::vector<EventDraft> drafts) {
      auto s = (*l)->Append(drafts);
      if (!s.ok()) ADD_FAILURE() << s.status().ToString();
    };
    append({{EventType::OrgUnitRegistered,
             directory::EncodeOrgUnit({"320000", "江苏省人社厅", "320000", directory::OrgLevel::Province, ""}),
             actor},
            {EventType::OrgUnitRegistered,
             directory::EncodeOrgUnit({"320400", "常州市人社局", "320400", directory::OrgLevel::City, "320000"}),
             actor}});
    for (uint64_t from = 0; from < targets; from += 500) {
      std::vector<EventDraft> drafts;
      for (uint64_t n = from; n < std::min(targets, from + 500); ++n) {
        drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(Target(n)), actor});
      }
      append(std::move(drafts));
    }
    std::vector<EventDraft> changes;
    for (uint64_t n = 0; n < targets; n += 97) {
      TargetRecord before = Target(n), after = before;
      after.headcount = before.headcount + 1000;
      after.credit_grade = "C";
      after.grade_date = "2025-06-01";
      changes.push_back({EventType::TargetUpdated,
                         directory::EncodeTargetPatch(directory::DiffTargets(before, after)), actor});
    }
    for (uint64_t n = 5; n < targets; n += 211) {
      changes.push_back({EventType::TargetRetired,
                         directory::EncodeTargetRetired(Code(n), directory::TargetStatus::Moved, "迁出"),
                         actor});
    }
    append(std::move(changes));
    auto size = (*l)->storage().Size();
    return size.ok() ? *size : 0;
  }

  std::unique_ptr<DirectoryProjection> OpenProjection(const std::filesystem::path& dir) {
    auto p = DirectoryProjection::Open(dir);
    if (!p.ok()) {
      ADD_FAILURE() << p.status().ToString();
      return nullptr;
    }
    return std::move(*p);
  }

  std::filesystem::path dir_;
};

TEST_F(KafkaProjectionTest, TwoConsumersOfOneTopicBuildIdenticalProjections) {
  const uint64_t size = WriteLedger(3000);
  ASSERT_GT(size, 3000u);
  // Two projection directories, each with its own read-only handle on the topic, one in
  // large transactions and one in small ones.
  Hash digests[2];
  const size_t batches[2] = {20000, 61};
  for (int i = 0; i < 2; ++i) {
    auto reader = MustOpen(KafkaMode::kReadOnly);
    ASSERT_NE(reader, nullptr);
    auto p = OpenProjection(dir_ / ("p" + std::to_string(i)));
    ASSERT_NE(p, nullptr);
    ASSERT_TRUE(p->CatchUp(*reader, batches[i]).ok());
    EXPECT_EQ(*p->Applied(), size);
    EXPECT_EQ(*p->CountTargets(), 3000u);
    // Catching up again applies nothing (exactly once).
    ASSERT_TRUE(p->CatchUp(*reader).ok());
    EXPECT_EQ(*p->Applied(), size);
    auto d = p->Digest();
    ASSERT_TRUE(d.ok());
    digests[i] = *d;
  }
  EXPECT_EQ(digests[0], digests[1]);
}

TEST_F(KafkaProjectionTest, CrashDuringCatchUpFromKafkaNeitherRepeatsNorSkips) {
  const uint64_t size = WriteLedger(4000);
  ASSERT_GT(size, 4000u);
  std::mt19937 rng(std::random_device{}());
  int killed_midway = 0;
  for (int round = 0; round < 3; ++round) {
    const std::filesystem::path pdir = dir_ / ("round" + std::to_string(round));
    // No librdkafka handle is open in this process here: the child starts clean.
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(ready[0]);
      auto reader = OpenKafkaStorage(Options(), KafkaMode::kReadOnly);
      auto p = DirectoryProjection::Open(pdir);
      if (!reader.ok() || !p.ok()) ::_exit(2);
      bool told = false;
      Status s = (*p)->CatchUp(**reader, 7, [&](uint64_t, uint64_t) {
        if (!told) {
          told = ::write(ready[1], "x", 1) == 1;
        }
      });
      ::_exit(s.ok() ? 0 : 1);
    }
    ::close(ready[1]);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1) << "the child never applied a batch";
    ::close(ready[0]);
    std::uniform_int_distribution<int> delay_us(0, 400000);
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      EXPECT_EQ(WTERMSIG(status), SIGKILL);
    } else {
      EXPECT_EQ(WEXITSTATUS(status), 0) << "the child failed before it was killed";
    }

    // Resume in this process with a new read-only handle.
    uint64_t applied_after_crash = 0;
    Hash resumed{};
    {
      auto reader = MustOpen(KafkaMode::kReadOnly);
      ASSERT_NE(reader, nullptr);
      auto p = OpenProjection(pdir);
      ASSERT_NE(p, nullptr);
      applied_after_crash = *p->Applied();
      EXPECT_LE(applied_after_crash, size);
      if (WIFSIGNALED(status) && applied_after_crash < size) ++killed_midway;
      Status s = p->CatchUp(*reader, 500);
      ASSERT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(*p->Applied(), size) << "after a crash at " << applied_after_crash;
      EXPECT_EQ(*p->CountTargets(), 4000u);
      resumed = *p->Digest();
    }
    // A fresh rebuild from the topic gives the same bytes.
    {
      auto reader = MustOpen(KafkaMode::kReadOnly);
      ASSERT_NE(reader, nullptr);
      auto fresh = OpenProjection(dir_ / ("fresh" + std::to_string(round)));
      ASSERT_NE(fresh, nullptr);
      ASSERT_TRUE(fresh->CatchUp(*reader).ok());
      EXPECT_EQ(*fresh->Digest(), resumed)
          << "round " << round << ", killed after " << applied_after_crash << " of " << size;
    }
    std::printf("round %d: killed after %llu of %llu entries applied\n", round,
                static_cast<unsigned long long>(applied_after_crash),
                static_cast<unsigned long long>(size));
  }
  // The kill must have landed mid-catch-up at least once, or the test proved nothing.
  EXPECT_GE(killed_midway, 1);
}

}  // namespace
}  // namespace suiji
