// Test support: the "stats" projection folder's report (projections/stats_projection.h)
// against the in-memory fold it replaces (inspection::InspectionStats over the whole log, the
// oracle), ToJson byte for byte, for the whole report and for each draw, on given days.
// Deadlines come from the oracle's world (the report takes them as an input).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
}

}  // namespace suiji::testing_support
