// Test support: the "stats" projection folder's report (projections/stats_projection.h)
// against the in-memory fold it replaces (inspection::InspectionStats over the whole log, the
// oracle), ToJson byte for byte, for the whole report and for each draw, on given days.
// Deadlines come from the oracle's world (the report takes them as an input); then the report
// `suiji stats` answers (StatsReportOf without a deadline source: the inspections folder's
// deadline index) is compared the same way, on the given days and on each due date of the
// oracle's deadlines and the day after it (open on the due date, overdue the day after).
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "ledger/core/directory/calendar.h"
#include "ledger/core/inspection/deadlines.h"

#include "ledger/core/inspection/stats.h"
#include "ledger/replay.h"
#include "projections/stats_projection.h"

namespace suiji::testing_support {

inline void ExpectStatsAsOracle(LmdbProjection& projection, const LogStorage& log,
                                const std::vector<std::string>& days) {
  inspection::InspectionStats oracle;
  ASSERT_TRUE(ReplayLog(log, 0, [&](const EntryView& e) { return oracle.Apply(e); }).ok());
  ASSERT_TRUE(projection.CatchUp(log).ok());
  for (const std::string& today : days) {
    SCOPED_TRACE("today " + today);
    auto deadlines = [&](const std::function<void(inspection::Deadline&&)>& each) {
      inspection::ForEachDeadline(oracle.world(), today, each);
    };
    auto expected = oracle.Report(today);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    std::vector<std::string> ids;
    Status read = projection.Read([&](MDB_txn* txn) -> Status {
      auto got = StatsReportIn(txn, projection, today, "", deadlines);
      if (!got.ok()) return got.status();
      EXPECT_EQ(inspection::ToJson(*got).dump(2), inspection::ToJson(*expected).dump(2));
      for (const auto& d : expected->draws) {
        auto one = StatsReportIn(txn, projection, today, d.draw_id, deadlines);
        auto one_expected = oracle.Report(today, d.draw_id);
        EXPECT_TRUE(one.ok() && one_expected.ok()) << d.draw_id;
        if (one.ok() && one_expected.ok()) {
          EXPECT_EQ(inspection::ToJson(*one).dump(), inspection::ToJson(*one_expected).dump())
              << d.draw_id;
        }
      }
      // Not a live drawn draw: the same refusal.
      auto none = StatsReportIn(txn, projection, today, "no-such-draw", deadlines);
      EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
      EXPECT_EQ(none.status().message(), oracle.Report(today, "no-such-draw").status().message());
      return OkStatus();
    });
    ASSERT_TRUE(read.ok()) << read.ToString();
  }
  // The index-backed report on the given days, every due date and the day after each.
  std::set<std::string> all(days.begin(), days.end());
  for (const std::string& today : days) {
    for (const auto& d : inspection::ComputeDeadlines(oracle.world(), today)) {
      if (d.due.empty()) continue;
      all.insert(d.due);
      all.insert(directory::DateOfDay(directory::DayNumber(d.due) + 1));
    }
  }
  for (const std::string& today : all) {
    SCOPED_TRACE("indexed deadlines, today " + today);
    auto expected = oracle.Report(today);
    ASSERT_TRUE(expected.ok()) << expected.status().ToString();
    auto got = StatsReportOf(projection, today, "");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(inspection::ToJson(*got).dump(2), inspection::ToJson(*expected).dump(2));
    for (const auto& d : expected->draws) {
      auto one = StatsReportOf(projection, today, d.draw_id);
      auto one_expected = oracle.Report(today, d.draw_id);
      ASSERT_TRUE(one.ok() && one_expected.ok()) << d.draw_id;
      EXPECT_EQ(inspection::ToJson(*one).dump(), inspection::ToJson(*one_expected).dump()) << d.draw_id;
    }
  }
}

}  // namespace suiji::testing_support
