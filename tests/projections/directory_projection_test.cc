#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "ledger/core/codes/credit_code.h"
#include "ledger/follower.h"
#include "ledger/group_commit.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "tests/support/projection_fixture.h"
#include "tests/support/test_node.h"

namespace suiji {
namespace {

using directory::TargetRecord;

std::string Code(uint64_t n) { return testing_support::SampleCreditCode("320402", n); }

TargetRecord Target(uint64_t n) {
  static const char* kRegions[] = {"320402", "320404", "320411", "130132"};
  static const char* kGrades[] = {"A", "B", "C", ""};
  TargetRecord t;
  t.credit_code = Code(n);
  t.name = "测试企业" + std::to_string(n);
  t.region = kRegions[n % 4];
  t.industry = n % 2 ? "3411" : "4710";
  t.headcount = static_cast<uint32_t>(8 + n % 300);
  t.credit_grade = kGrades[n % 4];
  t.grade_date = t.credit_grade.empty() ? "" : "2025-01-01";
  t.org_id = n % 4 == 3 ? "130132" : "320400";
  return t;
}

class DirectoryProjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("suiji-proj");
    auto l = testing_support::CreateTestLedger(dir_, "proj.test/ledger", root_, KeyPair::FromSeed(node_seed_).value(),
                                               actor_);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
  }
  void TearDown() override {
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Append(EventType type, Bytes payload) {
    EventDraft d{type, std::move(payload), actor_};
    ASSERT_TRUE(ledger_->Append(std::span(&d, 1)).ok());
  }
  void AppendTargets(uint64_t from, uint64_t to) {
    std::vector<EventDraft> drafts;
    for (uint64_t n = from; n < to; ++n) {
      drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(Target(n)), actor_});
    }
    ASSERT_TRUE(ledger_->Append(drafts).ok());
  }
  void RegisterOrgs() {
    Append(EventType::OrgUnitRegistered,
           directory::EncodeOrgUnit({"320400", "常州市人社局", "320400", directory::OrgLevel::City, ""}));
    Append(EventType::OrgUnitRegistered,
           directory::EncodeOrgUnit({"130132", "元氏县人社局", "130132", directory::OrgLevel::County, ""}));
  }

  std::filesystem::path dir_;
  KeyPair root_ = KeyPair::Generate();
  Bytes node_seed_ = [] {
    KeyPair k = KeyPair::Generate();
    return Bytes(k.seed().begin(), k.seed().end());
  }();
  Actor actor_{"320400", "clerk"};
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(DirectoryProjectionTest, FoldsTargetsAndAnswersIndexQueries) {
  RegisterOrgs();
  AppendTargets(0, 400);
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*p)->Applied(), ledger_->size());
  EXPECT_EQ(*(*p)->CountTargets(), 400u);
  EXPECT_EQ(**(*p)->GetTarget(Code(7)), Target(7));

  TargetQuery by_county;
  by_county.region = "320402";
  by_county.limit = 0;
  EXPECT_EQ((*p)->ListTargets(by_county)->size(), 100u);
  TargetQuery by_city;
  by_city.region = "320400";  // the city covers its districts
  by_city.limit = 0;
  EXPECT_EQ((*p)->ListTargets(by_city)->size(), 300u);
  TargetQuery grade_c_in_city = by_city;
  grade_c_in_city.grade = "C";
  auto cs = (*p)->ListTargets(grade_c_in_city);
  ASSERT_TRUE(cs.ok());
  EXPECT_EQ(cs->size(), 100u);
  for (const auto& t : *cs) EXPECT_EQ(t.credit_grade, "C");
  TargetQuery industry;
  industry.industry = "34";
  industry.limit = 0;
  EXPECT_EQ((*p)->ListTargets(industry)->size(), 200u);
  TargetQuery limited;
  limited.limit = 10;
  EXPECT_EQ((*p)->ListTargets(limited)->size(), 10u);
}

TEST_F(DirectoryProjectionTest, UpdatesMoveIndexEntriesAndKeepHistory) {
  RegisterOrgs();
  AppendTargets(0, 8);
  TargetRecord before = Target(1), after = before;
  after.credit_grade = "C";
  after.headcount = 999;
  Append(EventType::TargetUpdated, directory::EncodeTargetPatch(directory::DiffTargets(before, after)));
  Append(EventType::TargetRetired,
         directory::EncodeTargetRetired(before.credit_code, directory::TargetStatus::Moved, "迁出"));
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  auto got = **(*p)->GetTarget(before.credit_code);
  EXPECT_EQ(got.headcount, 999u);
  EXPECT_EQ(got.status, directory::TargetStatus::Moved);
  TargetQuery grade_b;
  grade_b.grade = "B";
  auto grade_b_targets = (*p)->ListTargets(grade_b);
  ASSERT_TRUE(grade_b_targets.ok());
  for (const auto& t : *grade_b_targets) EXPECT_NE(t.credit_code, before.credit_code);
  TargetQuery moved;
  moved.status = directory::TargetStatus::Moved;
  ASSERT_EQ((*p)->ListTargets(moved)->size(), 1u);
  auto hist = (*p)->History("target", before.credit_code);
  ASSERT_TRUE(hist.ok());
  EXPECT_EQ(hist->size(), 3u);
}

TEST_F(DirectoryProjectionTest, RebuildFromTheLogGivesAnIdenticalDigest) {
  RegisterOrgs();
  AppendTargets(0, 300);
  TargetRecord a = Target(5), b = a;
  b.complaints = 4;
  Append(EventType::TargetUpdated, directory::EncodeTargetPatch(directory::DiffTargets(a, b)));
  Hash incremental;
  {
    auto p = DirectoryProjection::Open(dir_);
    // Small batches: many transactions, interleaved with more appends.
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage(), 7).ok());
    AppendTargets(300, 350);
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage(), 13).ok());
    incremental = *(*p)->Digest();
  }
  std::filesystem::remove_all(dir_ / "projections");
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*p)->Digest(), incremental);
}

TEST_F(DirectoryProjectionTest, StopsAtAnEventThatBreaksTheRulesAndKeepsWhatCameBefore) {
  RegisterOrgs();
  AppendTargets(0, 5);
  AppendTargets(2, 3);  // a second registration of an active target: the fold refuses it
  auto p = DirectoryProjection::Open(dir_);
  Status s = (*p)->CatchUp(ledger_->storage(), 1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("entry " + std::to_string(ledger_->size() - 1)), std::string::npos)
      << s.message();
  EXPECT_EQ(*(*p)->Applied(), ledger_->size() - 1);
}

TEST_F(DirectoryProjectionTest, CrashDuringCatchUpNeitherRepeatsNorSkips) {
  RegisterOrgs();
  for (int b = 0; b < 20; ++b) AppendTargets(static_cast<uint64_t>(b) * 1000, static_cast<uint64_t>(b + 1) * 1000);
  for (int round = 0; round < 3; ++round) {
    std::filesystem::remove_all(dir_ / "projections");
    pid_t pid = ::fork();
    if (pid == 0) {
      auto p = DirectoryProjection::Open(dir_);
      auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
      Status s = (*p)->CatchUp(**reader, 97);
      ::_exit(s.ok() ? 0 : 1);
    }
    ::usleep(static_cast<useconds_t>(20000 + round * 40000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto p = DirectoryProjection::Open(dir_);
    uint64_t applied_after_crash = *(*p)->Applied();
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
    EXPECT_EQ(*(*p)->CountTargets(), 20000u) << "after a crash at " << applied_after_crash;
    Hash resumed = *(*p)->Digest();
    p->reset();
    std::filesystem::remove_all(dir_ / "projections");
    auto fresh = DirectoryProjection::Open(dir_);
    ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
    EXPECT_EQ(*(*fresh)->Digest(), resumed) << "round " << round;
  }
}

TEST_F(DirectoryProjectionTest, RefusesALogShorterThanWhatItApplied) {
  RegisterOrgs();
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  p->reset();
  ledger_.reset();
  // Another ledger in the same place: the projection must not pretend it fits.
  std::filesystem::remove_all(dir_ / "log");
  auto storage = OpenLmdbStorage(dir_, StorageMode::kWriter);
  ASSERT_TRUE(storage.ok());
  auto l = Ledger::Create(std::move(*storage), "other/ledger", "", root_, KeyPair::Generate(), actor_, {});
  ASSERT_TRUE(l.ok());
  auto p2 = DirectoryProjection::Open(dir_);
  EXPECT_EQ((*p2)->CatchUp((*l)->storage()).code(), StatusCode::kDataLoss);
}

// A server folds entries staged for a group commit before they are durable; a crash can
// then leave the projection holding entries the log never got. `extra` targets are staged
// and folded, then the process "crashes" (the staged entries are dropped unwritten), then
// `replacement` other targets are appended durably. Returns the projection's Applied()
// before catching up again.
class DivergedProjectionTest : public DirectoryProjectionTest {
 protected:
  uint64_t StageFoldAndCrash(uint64_t extra) {
    LedgerOptions opts;
    opts.checkpoint_every_entries = 0;
    opts.checkpoint_every_seconds = 0;  // a checkpoint would write the staged entries
    ledger_.reset();
    auto inner = OpenLmdbStorage(dir_, StorageMode::kWriter);
    EXPECT_TRUE(inner.ok());
    auto staged = GroupCommitStorage::Wrap(std::move(*inner));
    EXPECT_TRUE(staged.ok());
    auto l = Ledger::Open(std::move(*staged), KeyPair::FromSeed(node_seed_).value(), opts);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    std::vector<EventDraft> drafts;
    for (uint64_t n = 1000; n < 1000 + extra; ++n) {
      drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(Target(n)), actor_});
    }
    EXPECT_TRUE((*l)->Append(drafts).ok());
    auto p = DirectoryProjection::Open(dir_, ProjectionSync::kDeferred);
    EXPECT_TRUE((*p)->CatchUp((*l)->storage()).ok());
    EXPECT_TRUE(*(*p)->GetTarget(Code(1000)));
    const uint64_t applied = *(*p)->Applied();
    p->reset();
    l->reset();  // never waited for: the staged entries are gone, as in a crash
    auto reopened = OpenLmdbStorage(dir_, StorageMode::kWriter);
    EXPECT_TRUE(reopened.ok());
    auto back = Ledger::Open(std::move(*reopened), KeyPair::FromSeed(node_seed_).value(), opts);
    EXPECT_TRUE(back.ok());
    ledger_ = std::move(*back);
    EXPECT_LT(ledger_->size(), applied);
    return applied;
  }
  // The digest of a projection built from nothing over the same log.
  Hash FreshDigest() {
    auto other = dir_ / "fresh";
    auto p = DirectoryProjection::Open(other);
    EXPECT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
    Hash d = *(*p)->Digest();
    p->reset();
    std::filesystem::remove_all(other);
    return d;
  }
};

TEST_F(DivergedProjectionTest, AProjectionAheadOfTheLogIsRebuiltFromIt) {
  RegisterOrgs();
  AppendTargets(0, 50);
  StageFoldAndCrash(10);
  AppendTargets(2000, 2005);  // fewer than were lost: the projection is ahead
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ((*p)->rebuilds(), 1u);
  EXPECT_EQ(*(*p)->Applied(), ledger_->size());
  EXPECT_FALSE(*(*p)->GetTarget(Code(1000))) << "a target the log never got";
  EXPECT_TRUE(*(*p)->GetTarget(Code(2004)));
  EXPECT_EQ(*(*p)->Digest(), FreshDigest());
}

TEST_F(DivergedProjectionTest, AProjectionAtTheLogsSizeWithAnotherLastEntryIsRebuilt) {
  RegisterOrgs();
  AppendTargets(0, 50);
  const uint64_t applied = StageFoldAndCrash(10);
  AppendTargets(2000, 2010);  // as many as were lost: only the last entry's hash tells
  ASSERT_EQ(ledger_->size(), applied);
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ((*p)->rebuilds(), 1u);
  EXPECT_FALSE(*(*p)->GetTarget(Code(1005)));
  EXPECT_TRUE(*(*p)->GetTarget(Code(2009)));
  EXPECT_EQ(*(*p)->Digest(), FreshDigest());
  // Caught up and consistent: the next catch-up does not rebuild again.
  AppendTargets(3000, 3001);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ((*p)->rebuilds(), 1u);
}

TEST_F(DirectoryProjectionTest, AReaderWhoseLogTrailsARunningServersProjectionShowsOnlyTheDurableLog) {
  RegisterOrgs();
  AppendTargets(0, 20);
  LedgerOptions opts;
  opts.checkpoint_every_entries = 0;
  opts.checkpoint_every_seconds = 0;
  ledger_.reset();
  auto inner = OpenLmdbStorage(dir_, StorageMode::kWriter);
  ASSERT_TRUE(inner.ok());
  auto wrapped = GroupCommitStorage::Wrap(std::move(*inner));
  ASSERT_TRUE(wrapped.ok());
  GroupCommitStorage* staged = wrapped->get();
  auto server = Ledger::Open(std::move(*wrapped), KeyPair::FromSeed(node_seed_).value(), opts);
  ASSERT_TRUE(server.ok());
  std::vector<EventDraft> drafts;
  for (uint64_t n = 1000; n < 1005; ++n) {
    drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(Target(n)), actor_});
  }
  ASSERT_TRUE((*server)->Append(drafts).ok());
  auto p = DirectoryProjection::Open(dir_, ProjectionSync::kDeferred);
  ASSERT_TRUE((*p)->CatchUp((*server)->storage()).ok());
  const uint64_t applied = *(*p)->Applied();

  // A command-line reader (its own handle: one per process and path, so the server's goes)
  // sees only the durable log, five entries short, and must not show the staged five.
  p->reset();
  auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(*(*reader)->Size() + 5, applied);
  auto r = DirectoryProjection::Open(dir_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->CatchUp(**reader).ok());
  EXPECT_TRUE((*r)->private_view());
  EXPECT_EQ(*(*r)->Applied(), *(*reader)->Size());
  EXPECT_FALSE(*(*r)->GetTarget(Code(1004))) << "staged, not durable: a reader must not show it";
  EXPECT_TRUE(*(*r)->GetTarget(Code(19)));
  EXPECT_EQ(*(*r)->CountTargets(), 20u);
  EXPECT_EQ((*r)->rebuilds(), 0u);
  r->reset();
  // The shared projection is the server's: left as it is.
  auto shared = DirectoryProjection::Open(dir_);
  EXPECT_EQ(*(*shared)->Applied(), applied);
  shared->reset();

  // Once durable, the reader's view catches up, in the shared projection; nothing rebuilt.
  ASSERT_TRUE(staged->WaitDurable(applied).ok());
  auto later = DirectoryProjection::Open(dir_);
  ASSERT_TRUE((*later)->CatchUp(**reader).ok());
  EXPECT_FALSE((*later)->private_view());
  EXPECT_EQ((*later)->rebuilds(), 0u);
  EXPECT_EQ(*(*later)->CountTargets(), 25u);
}

TEST_F(DirectoryProjectionTest, ADeferredProjectionLeftUnsyncedInAnEarlierBootIsDiscarded) {
  RegisterOrgs();
  AppendTargets(0, 20);
  const auto marker = dir_ / "projections" / "state" / "unsynced";
  {
    auto p = DirectoryProjection::Open(dir_, ProjectionSync::kDeferred);
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
    EXPECT_TRUE(std::filesystem::exists(marker)) << "unsynced while open";
  }
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a clean close syncs and removes the marker";
  {
    auto p = DirectoryProjection::Open(dir_);
    EXPECT_EQ((*p)->rebuilds(), 0u);
    EXPECT_EQ(*(*p)->CountTargets(), 20u) << "kept: it was synced";
  }
  {
    auto p = DirectoryProjection::Open(dir_, ProjectionSync::kDeferred);
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
    // The process dies here (the marker stays) and the machine loses power: the marker
    // names a boot that is over.
    std::ofstream(marker, std::ios::trunc) << "00000000-0000-0000-0000-000000000000\n";
    std::filesystem::copy_file(marker, dir_ / "marker.keep");
  }
  std::filesystem::rename(dir_ / "marker.keep", marker);
  auto p = DirectoryProjection::Open(dir_);
  EXPECT_EQ((*p)->rebuilds(), 1u);
  EXPECT_EQ(*(*p)->Applied(), 0u) << "discarded, not trusted";
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*p)->CountTargets(), 20u);
  EXPECT_FALSE(std::filesystem::exists(marker));
}

// `projection rebuild` writes without syncs (kDeferred) in large transactions. Killed half
// way, it leaves the marker (a power loss then discards the projection) and the transactions
// it committed, each with its position: the next catch-up continues from there to the same
// digest as a build from nothing.
TEST_F(DirectoryProjectionTest, ADeferredRebuildKilledHalfWayIsContinuedToTheSameDigest) {
  RegisterOrgs();
  for (int b = 0; b < 20; ++b) AppendTargets(static_cast<uint64_t>(b) * 1000, static_cast<uint64_t>(b + 1) * 1000);
  const auto marker = dir_ / "projections" / "state" / "unsynced";
  Hash fresh{};
  {
    auto p = DirectoryProjection::Open(dir_);
    ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
    fresh = *(*p)->Digest();
  }
  std::filesystem::remove_all(dir_ / "projections");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    auto p = DirectoryProjection::Open(dir_, ProjectionSync::kDeferred);
    auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
    // Tells the parent after the second commit, then goes on until killed.
    Status s = (*p)->CatchUp(**reader, 5000, [&](uint64_t done, uint64_t) {
      if (done == 10000) (void)!::write(fds[1], "x", 1);
      if (done == 15000) ::pause();
    });
    ::_exit(s.ok() ? 0 : 1);
  }
  ::close(fds[1]);
  char c = 0;
  ASSERT_EQ(::read(fds[0], &c, 1), 1);
  ::close(fds[0]);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(std::filesystem::exists(marker)) << "killed before its final sync";
  auto p = DirectoryProjection::Open(dir_);
  const uint64_t applied = *(*p)->Applied();
  EXPECT_TRUE(applied == 10000 || applied == 15000) << applied;
  EXPECT_EQ((*p)->rebuilds(), 0u) << "the same boot: the page cache holds what it committed";
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*p)->CountTargets(), 20000u);
  EXPECT_EQ(*(*p)->Digest(), fresh);
}

}  // namespace
}  // namespace suiji

namespace suiji {
namespace {

// A view of the first `shown` entries of a log, for the tests below: `owns` says whether it
// folds the read models as their owner (a read replica's FollowerStorage, which shows the
// prefix of the topic it has reached) or reads them (a command-line reader).
class PrefixView final : public LogStorage {
 public:
  PrefixView(const LogStorage& log, uint64_t shown, bool owns) : log_(log), shown_(shown), owns_(owns) {}
  void Show(uint64_t n) { shown_ = n; }
  StatusOr<uint64_t> Size() const override { return shown_; }
  Status Append(uint64_t, std::span<const ByteView>) override { return FailedPrecondition("a view"); }
  Status Read(uint64_t from, uint64_t to, const std::function<bool(uint64_t, ByteView)>& fn) const override {
    if (to > shown_) return InvalidArgument("beyond the view");
    return log_.Read(from, to, fn);
  }
  Status PutCheckpoint(uint64_t, std::string_view) override { return FailedPrecondition("a view"); }
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return log_.ReadCheckpoints(fn);
  }
  bool writable() const override { return false; }
  bool owns_read_models() const override { return owns_; }

 private:
  const LogStorage& log_;
  uint64_t shown_;
  bool owns_;
};

TEST_F(DirectoryProjectionTest, AReaderOfAReplicasDirectoryReadsWhatTheReplicaAppliedAndNeverMakesItRebuild) {
  RegisterOrgs();
  AppendTargets(0, 20);
  const uint64_t reached = ledger_->size();
  // The replica has folded the topic up to `reached`; the writer has gone on by five.
  PrefixView replica(ledger_->storage(), reached, /*owns=*/true);
  auto p = DirectoryProjection::Open(dir_);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->CatchUp(replica).ok());
  AppendTargets(1000, 1005);
  const uint64_t topic = ledger_->size();
  ASSERT_EQ(topic, reached + 5);
  auto before = (*p)->projection()->Digest();
  ASSERT_TRUE(before.ok());

  // `suiji task list --data REPLICA_DIR`: its log is the whole topic; it reads the replica's
  // projection at the replica's position and writes nothing to it.
  std::unique_ptr<LogStorage> cli =
      ReplicaDirectoryReader(std::make_unique<PrefixView>(ledger_->storage(), topic, /*owns=*/false));
  EXPECT_FALSE(cli->folds_read_models());
  ASSERT_EQ(*cli->Size(), topic);
  ASSERT_TRUE((*p)->CatchUp(*cli).ok());
  EXPECT_FALSE((*p)->private_view());
  EXPECT_EQ(*(*p)->Applied(), reached);
  EXPECT_EQ(*(*p)->CountTargets(), 20u);
  EXPECT_FALSE(*(*p)->GetTarget(Code(1004))) << "not applied by the replica yet";
  EXPECT_EQ(*(*p)->projection()->Digest(), *before);

  // The replica goes on from where it was: nothing rebuilt.
  ASSERT_TRUE((*p)->CatchUp(replica).ok());
  EXPECT_EQ((*p)->rebuilds(), 0u);
  replica.Show(topic);
  ASSERT_TRUE((*p)->CatchUp(replica).ok());
  EXPECT_EQ((*p)->rebuilds(), 0u);
  EXPECT_EQ(*(*p)->CountTargets(), 25u);
  // Now at the topic's size, the reader reads it as it is.
  ASSERT_TRUE((*p)->CatchUp(*cli).ok());
  EXPECT_FALSE((*p)->private_view());
  EXPECT_EQ(*(*p)->Applied(), topic);
}

}  // namespace
}  // namespace suiji
