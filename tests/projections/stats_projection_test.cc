// The "stats" projection folder (projections/stats_projection.h) against the in-memory fold
// it replaces (inspection::InspectionStats, the oracle): a drawn draw whose results are
// recorded, published, corrected and revised, then cancelled with its results and redrawn
// (its counts leave the sums); the demo's log. Reports equal byte for byte (ToJson),
// incremental and rebuilt digests equal.
#include "projections/stats_projection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/replay.h"
#include "projections/directory_projection.h"
#include "projections/projections.h"
#include "tests/support/inspection_fixture.h"
#include "tests/support/stats_oracle.h"
#include "tests/support/projection_fixture.h"

namespace suiji {
namespace {

using inspection::Handling;
using inspection::Outcome;
using testing_support::InspectionNodeTest;

class StatsProjectionTest : public InspectionNodeTest {
 protected:
  inspection::StatsReport Report(const std::string& today, const std::string& draw_id = "") {
    EXPECT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
    EXPECT_TRUE(inspections_->Sync().ok());
    const auto& world = inspections_->world();
    auto r = StatsReportOf(*projection_->projection(), today, draw_id,
                           [&](const auto& each) { inspection::ForEachDeadline(world, today, each); });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : inspection::StatsReport{};
  }
};

TEST_F(StatsProjectionTest, CorrectionsRevisionsAndACancelledDrawChangeTheCountersAsTheFoldDoes) {
  const std::string d1 = Drawn();  // 60 employers, 12 drawn
  const std::string day = "2026-06-01";
  const auto visits = inspections_->world().draws.Draw(d1)->visits;
  ASSERT_EQ(visits.size(), 12u);
  RecordAndPublish(ViolationResult(d1, visits[0], day, {Handling::OrderCorrection}));
  RecordAndPublish(CleanResult(d1, visits[1], day));
  // A clean result corrected into a violation: the correction's counts replace it.
  {
    auto fined = ViolationResult(d1, visits[1], day, {Handling::OrderCorrection, Handling::Fine});
    fined.items[0].violations[0].fine_yuan = 2000;
    auto c = inspections_->Correct(fined, "录入时遗漏了合同问题", actor_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }
  // Returned, then revised: only the state counts until it is published.
  ASSERT_TRUE(inspections_->RecordResult(ViolationResult(d1, visits[2], day, {Handling::OrderCorrection}), actor_).ok());
  ConfirmByTeam(d1, visits[2].credit_code);
  ASSERT_TRUE(inspections_->Submit(d1, visits[2].credit_code, actor_).ok());
  ASSERT_TRUE(inspections_->Review(d1, visits[2].credit_code, false, "证据不足", reviewer_).ok());
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d1, visits[2], day), actor_).ok());
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage()).ok());

  auto rep = Report("2026-09-30");
  ASSERT_EQ(rep.draws.size(), 1u);
  const auto& o = rep.draws[0].outcomes;
  EXPECT_EQ(o.visits, 12u);
  EXPECT_EQ(o.recorded, 3u);
  EXPECT_EQ(o.published, 2u);
  EXPECT_EQ(o.corrected, 1u);
  EXPECT_EQ(o.with_violation, 2u);
  EXPECT_EQ(o.by_state.at(inspection::ResultState::kPublished), 2u);
  EXPECT_EQ(o.by_state.at(inspection::ResultState::kEntered), 1u);
  EXPECT_EQ(o.by_state.count(inspection::ResultState::kReturned), 0u);
  EXPECT_EQ(o.by_outcome.at(Outcome::Corrected), 2u);
  EXPECT_EQ(o.by_outcome.count(Outcome::NoProblem), 0u);  // the corrected clean result
  EXPECT_EQ(o.by_handling.at(Handling::OrderCorrection), 2u);
  EXPECT_EQ(o.by_handling.at(Handling::Fine), 1u);
  EXPECT_EQ(o.fines_yuan, 2000u);
  EXPECT_EQ(rep.coverage.total.eligible, 60u);
  EXPECT_EQ(rep.coverage.total.drawn, 12u);
  testing_support::ExpectStatsAsOracle(*projection_->projection(), ledger_->storage(),
                                       {"2026-06-01", "2026-09-30"});

  // Cancelled with its results and drawn again: the first draw leaves the report and the
  // sums, the second enters them.
  ASSERT_TRUE(draws_->Cancel(d1, "抽取程序有误，重新抽取", actor_).ok());
  Advance(60);
  const std::string d2 = RunCeremony("T1");
  ASSERT_TRUE(inspections_->Sync().ok());
  const auto visits2 = inspections_->world().draws.Draw(d2)->visits;
  RecordAndPublish(CleanResult(d2, visits2[0], day));
  rep = Report("2026-09-30");
  ASSERT_EQ(rep.draws.size(), 1u);
  EXPECT_EQ(rep.draws[0].draw_id, d2);
  EXPECT_EQ(rep.outcomes.visits, visits2.size());
  EXPECT_EQ(rep.outcomes.recorded, 1u);
  EXPECT_EQ(rep.outcomes.published, 1u);
  EXPECT_EQ(rep.outcomes.with_violation, 0u);
  EXPECT_EQ(rep.outcomes.by_handling.size(), 0u);
  EXPECT_EQ(rep.outcomes.by_outcome.at(Outcome::NoProblem), 1u);
  EXPECT_EQ(rep.coverage.total.drawn, visits2.size());
  auto gone = StatsReportOf(*projection_->projection(), "2026-09-30", d1,
                            [](const auto&) {});
  EXPECT_EQ(gone.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.status().message(), "no live drawn draw \"" + d1 + "\"");
  testing_support::ExpectStatsAsOracle(*projection_->projection(), ledger_->storage(),
                                       {"2026-06-01", "2026-09-30"});

  // Rebuilt from the log: the same rows.
  auto incremental = projection_->projection()->Digest("stats");
  ASSERT_TRUE(incremental.ok());
  auto fresh = LmdbProjection::Open(dir_ / "rebuilt-stats", ProjectionSync::kEachCommit, NodeFolders());
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest("stats"), *incremental);
}

// The demo (ops/demo.sh): the folder's report of its log is InspectionStats' byte for byte,
// and `suiji stats --json` prints it.
TEST(StatsProjectionDemo, DemoProcessGivesTheInMemoryStatsReport) {
  const auto work = testing_support::DemoWorkDir("suiji-stats-demo");
  const auto data = work / "data";
  ASSERT_TRUE(testing_support::RunDemo(work));
  {
    auto log = OpenLmdbStorage(data, StorageMode::kReadOnly);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto projection = DirectoryProjection::Open(data);
    ASSERT_TRUE(projection.ok()) << projection.status().ToString();
    testing_support::ExpectStatsAsOracle(*(*projection)->projection(), **log,
                                         {"2026-01-01", "2026-12-31", "2027-06-30"});
    inspection::InspectionStats oracle;
    ASSERT_TRUE(ReplayLog(**log, 0, [&](const EntryView& e) { return oracle.Apply(e); }).ok());
    auto expected = oracle.Report("2026-12-31");
    ASSERT_TRUE(expected.ok());
    ASSERT_FALSE(expected->draws.empty());
    EXPECT_GT(expected->outcomes.published, 0u);
  }
  const std::string cli = "'" + std::string(SUIJI_BIN_SUIJI) + "' stats --data '" + data.string() +
                          "' --today 2026-12-31 --json > '" + (work / "stats.json").string() + "'";
  ASSERT_EQ(std::system(cli.c_str()), 0);
  {
    auto log = OpenLmdbStorage(data, StorageMode::kReadOnly);
    ASSERT_TRUE(log.ok());
    inspection::InspectionStats oracle;
    ASSERT_TRUE(ReplayLog(**log, 0, [&](const EntryView& e) { return oracle.Apply(e); }).ok());
    std::ifstream in(work / "stats.json");
    std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(printed, inspection::ToJson(*oracle.Report("2026-12-31")).dump(2) + "\n");
  }
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace suiji
