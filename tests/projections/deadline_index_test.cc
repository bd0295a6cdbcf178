// The inspections folder's deadline index (projections/inspection_projection.h: deadlines,
// deadlines_due) against inspection::ForEachDeadline over the in-memory fold: counts by
// status as of several days (open on the due date, overdue the day after), a result entered
// but not published, and a calendar published after the draw (every due date moves, so the
// draw is counted again). tests/support/stats_oracle.h compares the whole report of
// `suiji stats` (StatsReportOf, which reads the index) with the oracle byte for byte.
#include <gtest/gtest.h>

#include "ledger/core/directory/calendar.h"
#include "ledger/core/inspection/deadlines.h"
#include "projections/inspection_projection.h"
#include "projections/stats_projection.h"
#include "tests/support/inspection_fixture.h"
#include "tests/support/stats_oracle.h"

namespace suiji {
namespace {

using inspection::DeadlineKind;
using testing_support::InspectionNodeTest;

class DeadlineIndexTest : public InspectionNodeTest {
 protected:
  // The index's counts of `draw_id` as of `today`.
  inspection::DeadlinesByKind Counts(const std::string& draw_id, const std::string& today) {
    EXPECT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
    inspection::DeadlinesByKind out;
    const LmdbProjection& p = *projection_->projection();
    Status read = p.Read([&](MDB_txn* txn) -> Status {
      SUIJI_ASSIGN_OR_RETURN(auto counts, DeadlineCountsIn(txn, p, today, {draw_id}));
      if (auto it = counts.find(draw_id); it != counts.end()) out = it->second.by_kind;
      return OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return out;
  }
  // What ForEachDeadline over the in-memory fold counts for `draw_id` as of `today`.
  inspection::DeadlinesByKind Oracle(const std::string& draw_id, const std::string& today) {
    EXPECT_TRUE(inspections_->Sync().ok());
    inspection::DeadlinesByKind out;
    inspection::ForEachDeadline(inspections_->world(), today, [&](inspection::Deadline&& d) {
      if (d.draw_id != draw_id) return;
      auto& c = out[d.kind];
      switch (d.status) {
        case inspection::DeadlineStatus::kMet: ++c.met; break;
        case inspection::DeadlineStatus::kLate: ++c.late; break;
        case inspection::DeadlineStatus::kOpen: ++c.open; break;
        case inspection::DeadlineStatus::kOverdue: ++c.overdue; break;
        case inspection::DeadlineStatus::kNoCalendar: ++c.no_calendar; break;
      }
    });
    return out;
  }
  void ExpectAsOracle(const std::string& draw_id, const std::vector<std::string>& days) {
    for (const auto& today : days) {
      SCOPED_TRACE("today " + today);
      const auto got = Counts(draw_id, today);
      const auto want = Oracle(draw_id, today);
      ASSERT_EQ(got.size(), want.size());
      for (const auto& [kind, c] : want) {
        SCOPED_TRACE(std::string(inspection::DeadlineKindName(kind)));
        ASSERT_EQ(got.count(kind), 1u);
        const auto& g = got.at(kind);
        EXPECT_EQ(g.met, c.met);
        EXPECT_EQ(g.late, c.late);
        EXPECT_EQ(g.open, c.open);
        EXPECT_EQ(g.overdue, c.overdue);
        EXPECT_EQ(g.no_calendar, c.no_calendar);
      }
    }
  }
};

TEST_F(DeadlineIndexTest, CountsAsOfEachDayFollowResultsAndALaterCalendar) {
  const std::string d1 = Drawn();  // 60 employers, 12 drawn; task window 2026-06-01..07-31
  const auto visits = inspections_->world().draws.Draw(d1)->visits;
  ASSERT_EQ(visits.size(), 12u);
  RecordAndPublish(CleanResult(d1, visits[0], "2026-06-01"));
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d1, visits[1], "2026-06-01"), actor_).ok());

  // Publication is due 20 working days after 2026-07-31: 2026-08-28.
  auto c = Counts(d1, "2026-08-28");
  EXPECT_EQ(c.at(DeadlineKind::kPublish).open, 11u);
  EXPECT_EQ(c.at(DeadlineKind::kPublish).overdue, 0u);
  EXPECT_EQ(c.at(DeadlineKind::kEnter).met + c.at(DeadlineKind::kEnter).late, 2u);
  c = Counts(d1, "2026-08-29");
  EXPECT_EQ(c.at(DeadlineKind::kPublish).open, 0u);
  EXPECT_EQ(c.at(DeadlineKind::kPublish).overdue, 11u);
  ExpectAsOracle(d1, {"2026-01-01", "2026-06-01", "2026-08-28", "2026-08-29", "2027-12-31"});
  testing_support::ExpectStatsAsOracle(*projection_->projection(), ledger_->storage(),
                                       {"2026-08-28", "2026-09-01"});

  // A calendar for 2026 with five more holidays in August: the due date moves to 2026-09-04.
  auto schedules = directory::ParseScheduleTable(BundledCalendarTable());
  ASSERT_TRUE(schedules.ok());
  directory::YearSchedule y2026;
  for (const auto& s : *schedules) {
    if (s.year == 2026) y2026 = s;
  }
  ASSERT_EQ(y2026.year, 2026);
  for (const std::string day : {"2026-08-03", "2026-08-04", "2026-08-05", "2026-08-06", "2026-08-07"}) {
    auto at = std::lower_bound(y2026.holidays.begin(), y2026.holidays.end(), day);
    y2026.holiday_names.insert(y2026.holiday_names.begin() + (at - y2026.holidays.begin()), "测试假日");
    y2026.holidays.insert(at, day);
  }
  y2026.source = "测试：补充的假日";
  ASSERT_TRUE(dirsvc_->PublishCalendars({y2026}, actor_).ok());
  c = Counts(d1, "2026-09-01");
  EXPECT_EQ(c.at(DeadlineKind::kPublish).open, 11u);
  EXPECT_EQ(c.at(DeadlineKind::kPublish).overdue, 0u);
  c = Counts(d1, "2026-09-05");
  EXPECT_EQ(c.at(DeadlineKind::kPublish).overdue, 11u);
  ExpectAsOracle(d1, {"2026-08-29", "2026-09-01", "2026-09-04", "2026-09-05"});

  // The entered result published: done (met or late by the ledger's date of publication).
  ConfirmByTeam(d1, visits[1].credit_code);
  ASSERT_TRUE(inspections_->Submit(d1, visits[1].credit_code, actor_).ok());
  ASSERT_TRUE(inspections_->Review(d1, visits[1].credit_code, true, "", reviewer_).ok());
  ASSERT_TRUE(inspections_->Publish(d1, visits[1].credit_code, actor_).ok());
  c = Counts(d1, "2026-09-10");
  EXPECT_EQ(c.at(DeadlineKind::kPublish).met + c.at(DeadlineKind::kPublish).late, 2u);
  EXPECT_EQ(c.at(DeadlineKind::kPublish).overdue, 10u);
  ExpectAsOracle(d1, {"2026-09-04", "2026-09-10"});
  testing_support::ExpectStatsAsOracle(*projection_->projection(), ledger_->storage(),
                                       {"2026-09-10"});

  // Cancelled: no deadlines left.
  ASSERT_TRUE(draws_->Cancel(d1, "抽取程序有误", actor_).ok());
  EXPECT_TRUE(Counts(d1, "2026-09-10").empty());
  EXPECT_TRUE(Oracle(d1, "2026-09-10").empty());

  // Rebuilt from the log: the same rows.
  auto incremental = projection_->projection()->Digest("inspections");
  ASSERT_TRUE(incremental.ok());
  auto fresh = LmdbProjection::Open(dir_ / "rebuilt", ProjectionSync::kEachCommit, NodeFolders());
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest("inspections"), *incremental);
}

}  // namespace
}  // namespace suiji
