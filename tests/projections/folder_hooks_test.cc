// The spine's per-transaction hooks (ProjectionFolder::BeforeCommit, TransactionEnded): called
// once per write transaction, committed or aborted; and a later folder reading the directory
// inside the same transaction (DirectoryReaderIn) sees every registration before it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "projections/directory_projection.h"
#include "projections/lmdb_projection.h"
#include "tests/support/credit_codes.h"
#include "tests/support/projection_fixture.h"
#include "tests/support/test_node.h"

namespace suiji {
namespace {

// Applied after the directory: at each registration, counts the targets the directory's
// region index shows under 3204 inside the same transaction; records the hooks' calls.
class ProbeFolder final : public ProjectionFolder {
 public:
  explicit ProbeFolder(const ProjectionFolder& directory) : directory_(directory) {}
  std::string_view name() const override { return "probe"; }
  uint32_t version() const override { return 1; }
  std::vector<ProjectionDb> databases() const override { return {{"probe", 0}}; }
  void Bind(const std::vector<MDB_dbi>&) override {}
  Status Apply(MDB_txn* txn, const EntryView& e) override {
    if (fail_at_ == e.sequence()) return FailedPrecondition("probe refuses entry " + std::to_string(e.sequence()));
    if (e.type() != EventType::TargetRegistered) return OkStatus();
    auto reader = DirectoryReaderIn(txn, directory_);
    const uint64_t n = reader->ForEachTargetIn({"320400"}, [](const directory::TargetRecord&) { return true; });
    if (!reader->status().ok()) return reader->status();
    seen_.push_back(n);
    return OkStatus();
  }
  Status BeforeCommit(MDB_txn*) override {
    ++before_commit_;
    return OkStatus();
  }
  void TransactionEnded() override { ++ended_; }

  const ProjectionFolder& directory_;
  uint64_t fail_at_ = UINT64_MAX;
  std::vector<uint64_t> seen_;
  int before_commit_ = 0;
  int ended_ = 0;
};

class FolderHooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("suiji-hooks");
    auto l = testing_support::CreateTestLedger(dir_, "hooks.test/ledger", KeyPair::Generate(), KeyPair::Generate(),
                                               actor_);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
    std::vector<EventDraft> drafts;
    drafts.push_back({EventType::OrgUnitRegistered,
                      directory::EncodeOrgUnit({"320400", "常州市人社局", "320400", directory::OrgLevel::City, ""}),
                      actor_});
    for (uint64_t n = 0; n < 10; ++n) {
      directory::TargetRecord t;
      // Codes in descending order and regions alternating.
      t.region = n % 2 ? "320402" : "130132";
      t.credit_code = testing_support::SampleCreditCode(t.region, 100 - n);
      t.name = "企业" + std::to_string(n);
      t.industry = "3411";
      t.headcount = 10;
      t.org_id = "320400";
      drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(t), actor_});
    }
    ASSERT_TRUE(ledger_->Append(drafts).ok());
    first_target_ = ledger_->size() - 10;
  }
  void TearDown() override {
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }
  StatusOr<std::unique_ptr<LmdbProjection>> Open(ProbeFolder** probe) {
    std::vector<std::unique_ptr<ProjectionFolder>> folders;
    folders.push_back(NewDirectoryFolder());
    auto p = std::make_unique<ProbeFolder>(*folders.front());
    *probe = p.get();
    folders.push_back(std::move(p));
    return LmdbProjection::Open(dir_ / "state", ProjectionSync::kEachCommit, std::move(folders));
  }

  std::filesystem::path dir_;
  Actor actor_{"320400", "clerk"};
  std::unique_ptr<Ledger> ledger_;
  uint64_t first_target_ = 0;
};

TEST_F(FolderHooksTest, ALaterFolderSeesEveryRegistrationOfItsOwnTransaction) {
  ProbeFolder* probe = nullptr;
  auto p = Open(&probe);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());  // one transaction
  EXPECT_EQ(probe->seen_, (std::vector<uint64_t>{0, 1, 1, 2, 2, 3, 3, 4, 4, 5}));
  EXPECT_EQ(probe->before_commit_, 1);
  EXPECT_EQ(probe->ended_, 1);
  // The index rows a query reads after the commit.
  auto dir = DirectoryProjection::Over(std::shared_ptr<LmdbProjection>(std::move(*p)));
  TargetQuery q;
  q.region = "320402";
  q.limit = 0;
  EXPECT_EQ((*dir->ListTargets(q)).size(), 5u);
  q.region = "130132";
  EXPECT_EQ((*dir->ListTargets(q)).size(), 5u);
}

TEST_F(FolderHooksTest, HooksRunForEveryTransactionCommittedOrAborted) {
  ProbeFolder* probe = nullptr;
  auto p = Open(&probe);
  ASSERT_TRUE(p.ok());
  probe->fail_at_ = first_target_ + 5;
  Status s = (*p)->CatchUp(ledger_->storage(), 4);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "entry " + std::to_string(first_target_ + 5) + ": probe refuses entry " +
                             std::to_string(first_target_ + 5));
  // Batches of 4 entries: the ones before the failing entry's committed, its own aborted.
  const uint64_t committed = (first_target_ + 5) / 4 * 4;
  EXPECT_EQ(*(*p)->Applied(), committed);
  EXPECT_EQ(probe->before_commit_, static_cast<int>(committed / 4));
  EXPECT_EQ(probe->ended_, static_cast<int>(committed / 4) + 1);
  probe->fail_at_ = UINT64_MAX;
  probe->seen_.clear();
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage(), 4).ok());
  // Nothing of the aborted batch survived: counts go on from what was committed, and the
  // index holds each target once.
  const uint64_t registered_before = committed > first_target_ ? committed - first_target_ : 0;
  ASSERT_FALSE(probe->seen_.empty());
  EXPECT_EQ(probe->seen_.back(), 5u);
  EXPECT_EQ(probe->seen_.size(), 10 - registered_before);
  auto dir = DirectoryProjection::Over(std::shared_ptr<LmdbProjection>(std::move(*p)));
  TargetQuery q;
  q.region = "320402";
  q.limit = 0;
  EXPECT_EQ((*dir->ListTargets(q)).size(), 5u);
  EXPECT_EQ(*dir->CountTargets(), 10u);
}

}  // namespace
}  // namespace suiji
