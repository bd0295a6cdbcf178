// WorldFold (api/world_fold.h): the draw and inspection services sharing one fold of a real
// node's log decide against the same world, and the public record and statistics read over
// it equal those folded on their own (their own world each), with a draw whose employers were
// re-graded and renamed after the freeze.
#include "api/world_fold.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ledger/replay.h"
#include "ledger/tail_view.h"
#include "projections/stats_projection.h"
#include "tests/support/inspection_fixture.h"

namespace suiji {
namespace {

using inspection::Handling;
using testing_support::InspectionNodeTest;

// What a fold shows, to compare two folds.
struct Notices {
  nlohmann::json notices;
  size_t targets = 0;
  uint64_t applied = 0;
  bool operator==(const Notices&) const = default;
};

class WorldFoldTest : public InspectionNodeTest {
 protected:
  static Notices Snapshot(const WorldFold& f) {
    return Notices{f.record().Notices(), f.world().draws.dir.targets.size(), f.applied()};
  }

  // A drawn draw, results published (one corrected), and after the freeze an employer of
  // the draw re-graded and renamed.
  std::string History() {
    const std::string d = Drawn();
    const std::string day = "2026-06-01";
    SetDate(day);
    const auto& visits = inspections_->world().draws.Draw(d)->visits;
    RecordAndPublish(ViolationResult(d, visits.at(0), day, {Handling::OrderCorrection}));
    RecordAndPublish(CleanResult(d, visits.at(1), day));
    EXPECT_TRUE(inspections_->Correct(ViolationResult(d, visits.at(1), day, {Handling::OrderCorrection}),
                                      "录入时遗漏了合同问题", actor_)
                    .ok());
    directory::TargetRecord t = inspections_->world().draws.dir.targets.at(visits.at(2).credit_code);
    t.credit_grade = "C";
    t.grade_date = "2026-06-02";
    t.name = "改名后的企业有限公司";
    EXPECT_TRUE(dirsvc_->UpsertTarget(t, actor_).ok());
    return d;
  }
};

TEST_F(WorldFoldTest, TheRecordAndStatisticsOverTheSharedWorldEqualTheirOwnFolds) {
  const std::string d = History();
  WorldFold fold(ledger_->storage());
  ASSERT_TRUE(fold.Sync().ok());
  ASSERT_EQ(fold.applied(), ledger_->size());

  inspection::PublicRecord record;
  inspection::InspectionStats stats;
  ASSERT_TRUE(ReplayLog(ledger_->storage(), 0, [&](const EntryView& e) {
                SUIJI_RETURN_IF_ERROR(record.Apply(e));
                return stats.Apply(e);
              }).ok());

  EXPECT_EQ(fold.record().size(), record.size());
  EXPECT_EQ(fold.record().Notices(), record.Notices());
  EXPECT_EQ(fold.record().CreditPublicityCsv(), record.CreditPublicityCsv());
  // Statistics: the stats folder's counters with the deadlines of the shared world.
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
  auto shared_report = StatsReportOf(
      *projection_->projection(), "2026-09-30", "",
      [&](const auto& each) { inspection::ForEachDeadline(fold.world(), "2026-09-30", each); });
  auto own_report = stats.Report("2026-09-30");
  ASSERT_TRUE(shared_report.ok()) << shared_report.status().ToString();
  ASSERT_TRUE(own_report.ok()) << own_report.status().ToString();
  const nlohmann::json shared_json = inspection::ToJson(*shared_report);
  EXPECT_EQ(shared_json, inspection::ToJson(*own_report));
  // The coverage is the freeze's: grade B for every drawn employer, the re-graded one too.
  ASSERT_EQ(shared_report->draws.size(), 1u);
  ASSERT_EQ(shared_report->draws[0].coverage.by_grade.size(), 1u);
  EXPECT_EQ(shared_report->draws[0].coverage.by_grade.at("B").drawn, 12u);
  EXPECT_EQ(shared_report->draws[0].outcomes.published, 2u);
  // The services' own fold agrees with the shared one.
  EXPECT_EQ(fold.world().results.size(), inspections_->world().results.size());
  EXPECT_EQ(fold.world().draws.dir.targets.size(), inspections_->world().draws.dir.targets.size());
}

TEST_F(WorldFoldTest, ServicesSharingAFoldDecideAgainstOneWorld) {
  const std::string d = Drawn();
  const std::string day = "2026-06-01";
  SetDate(day);
  WorldFold fold(ledger_->storage());
  auto now = now_us_;
  DrawService draws(*ledger_, fold, dir_, [now] { return *now; });
  InspectionService inspections(*ledger_, fold, [now] { return *now; });
  ASSERT_TRUE(inspections.Sync().ok());
  // One world: the draw service's is the inspection world's draws, not a copy.
  EXPECT_EQ(&draws.world(), &inspections.world().draws);
  EXPECT_EQ(&inspections.world(), &fold.world());

  // A result recorded and published through the shared inspection service is in the fold,
  // and the public record at once, with no other sync.
  const draw::VisitRecord v = draws.world().Draw(d)->visits.at(0);
  ASSERT_TRUE(inspections.RecordResult(CleanResult(d, v, day), actor_).ok());
  ConfirmByTeam(d, v.credit_code);  // each inspector's own confirmation (appended by the fixture's service)
  ASSERT_TRUE(inspections.Submit(d, v.credit_code, actor_).ok());
  ASSERT_TRUE(inspections.Review(d, v.credit_code, true, "", reviewer_).ok());
  auto published = inspections.Publish(d, v.credit_code, actor_);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(fold.applied(), ledger_->size());
  EXPECT_EQ(fold.record().Notices()["results"].size(), 1u);

  // A decline through the shared draw service: the inspection side sees the substitute.
  const draw::VisitRecord w = draws.world().Draw(d)->visits.at(1);
  ASSERT_TRUE(draws.Decline(d, w.credit_code, w.team.at(0), "回避：曾在该企业任职", actor_).ok());
  EXPECT_EQ(fold.applied(), ledger_->size());
  ASSERT_EQ(inspections.world().draws.Draw(d)->declines.size(), 1u);
  EXPECT_NE(inspections.world().Visit(d, w.credit_code)->team.at(0), w.team.at(0));
}

// A batch followed from its tail (the server's imports) that then fails: the fold and the
// projection are ahead of the log, and both fold the log again from nothing at their next
// catch-up; one that is at the log's size with other entries (the failed batch's place taken
// by another batch) is found by the last entry's hash.
TEST_F(WorldFoldTest, AFollowedBatchThatNeverReachedTheLogIsFoldedAgainFromTheLog) {
  MakeDirectory();
  WorldFold fold(ledger_->storage());
  ASSERT_TRUE(fold.Sync().ok());
  const Notices before = Snapshot(fold);

  auto target = [&](uint64_t n) {
    directory::TargetRecord t;
    t.region = "320402";
    t.credit_code = Code(t.region, n);
    t.name = "未写入的企业" + std::to_string(n);
    t.industry = "3411";
    t.headcount = 30;
    t.credit_grade = "A";
    t.grade_date = "2025-03-01";
    t.org_id = "320400";
    return EventDraft{EventType::TargetRegistered, directory::EncodeTarget(t), actor_};
  };
  // Streams `batch`, whose last event the ledger refuses, into a tail as the import does: the
  // batch fails, and the tail holds all but its last event.
  auto failed_batch_tail = [&](std::vector<EventDraft> batch) {
    batch.push_back({EventType::Unknown, MakeMemoPayload("a", "b"), actor_});
    const uint64_t first = ledger_->size();
    auto tail = std::make_unique<TailView>(ledger_->storage(), first, batch.size());
    auto r = ledger_->AppendStream(
        batch.size(), [&](uint64_t i) -> StatusOr<EventDraft> { return batch[i]; }, first,
        [&](uint64_t, ByteView e) { EXPECT_TRUE(tail->Push(e).ok()); });
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ledger_->size(), first);
    EXPECT_EQ(*tail->Size(), first + batch.size() - 1);
    return tail;
  };
  // Follows a failed batch of two registrations.
  auto follow_failing_batch = [&](uint64_t n) {
    const uint64_t first = ledger_->size();
    auto tail = failed_batch_tail({target(n), target(n + 1)});
    ASSERT_TRUE(fold.Follow(*tail).ok());
    ASSERT_TRUE(projection_->CatchUp(*tail).ok());
    EXPECT_EQ(fold.applied(), first + 2);
    EXPECT_EQ(fold.world().draws.dir.targets.count(Code("320402", n)), 1u);
    EXPECT_TRUE(*projection_->GetTarget(Code("320402", n)));
  };

  follow_failing_batch(5000);
  ASSERT_TRUE(fold.Sync().ok());
  EXPECT_EQ(fold.refolds(), 1u);
  EXPECT_EQ(fold.applied(), ledger_->size());
  EXPECT_EQ(fold.world().draws.dir.targets.count(Code("320402", 5000)), 0u);
  EXPECT_EQ(Snapshot(fold), before);
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(projection_->rebuilds(), 1u);
  EXPECT_FALSE(*projection_->GetTarget(Code("320402", 5000)));

  // Ahead by two, then another batch of two takes their place: same size, other entries.
  follow_failing_batch(6000);
  ASSERT_TRUE(ledger_->Append(std::vector<EventDraft>{target(7000), target(7001)}).ok());
  ASSERT_EQ(fold.applied(), ledger_->size());
  ASSERT_TRUE(fold.Sync().ok());
  EXPECT_EQ(fold.refolds(), 2u);
  EXPECT_EQ(fold.world().draws.dir.targets.count(Code("320402", 6000)), 0u);
  EXPECT_EQ(fold.world().draws.dir.targets.count(Code("320402", 7001)), 1u);
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(projection_->rebuilds(), 2u);
  EXPECT_FALSE(*projection_->GetTarget(Code("320402", 6000)));
  EXPECT_TRUE(*projection_->GetTarget(Code("320402", 7001)));
  WorldFold fresh(ledger_->storage());
  ASSERT_TRUE(fresh.Sync().ok());
  EXPECT_EQ(Snapshot(fold), Snapshot(fresh));

  // A batch that reached the log as followed: no refold.
  ASSERT_TRUE(fold.Sync().ok());
  EXPECT_EQ(fold.refolds(), 2u);

  // A follow that fails halfway (the world refuses an update of an employer it does not
  // know) of a batch that then fails too: the fold is ahead all the same, and refolds.
  {
    const uint64_t first = ledger_->size();
    directory::TargetRecord a = directory::DecodeTarget(target(8000).payload).value();
    directory::TargetRecord b = a;
    b.headcount = 99;
    auto tail = failed_batch_tail(
        {target(8001),
         {EventType::TargetUpdated, directory::EncodeTargetPatch(directory::DiffTargets(a, b)), actor_}});
    const Status followed = fold.Follow(*tail);
    EXPECT_EQ(followed.code(), StatusCode::kFailedPrecondition) << followed.ToString();
    EXPECT_NE(followed.message().find(std::to_string(first + 1)), std::string::npos) << followed.ToString();
    EXPECT_EQ(fold.applied(), first + 1) << "folded the registration, stopped at the update";
    ASSERT_TRUE(fold.Sync().ok());
    EXPECT_EQ(fold.refolds(), 3u);
    EXPECT_EQ(fold.world().draws.dir.targets.count(Code("320402", 8001)), 0u);
    EXPECT_EQ(Snapshot(fold), Snapshot(fresh));
  }
}

}  // namespace
}  // namespace suiji
