// Statistics (R16) over a real node's log: coverage of the fixture's draw by region,
// industry and grade, outcome counts after publication and correction, deadline counts, and
// the Horvitz–Thompson estimate against hand computations; and `suiji stats --json` run as
// a process.
#include "ledger/core/inspection/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "ledger/replay.h"
#include "tests/support/inspection_fixture.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

using inspection::DeadlineKind;
using inspection::Handling;
using inspection::Outcome;
using inspection::ResultState;
using testing_support::InspectionNodeTest;

class InspectionStatsTest : public InspectionNodeTest {
 protected:
  // The stats fold over the whole log.
  inspection::StatsReport Stats(const std::string& today, const std::string& draw_id = "") {
    inspection::InspectionStats stats;
    uint64_t size = 0;
    Status s = ReplayLog(ledger_->storage(), 0,
                         [&](const EntryView& e) { return stats.Apply(e); }, &size);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(stats.entries(), size);
    auto r = stats.Report(today, draw_id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : inspection::StatsReport{};
  }

  std::string RegionOf(const std::string& code) {
    return inspections_->world().draws.dir.targets.at(code).region;
  }

  // The draw's visits in region `region`, in draw order.
  std::vector<draw::VisitRecord> VisitsIn(const std::string& draw_id, const std::string& region) {
    std::vector<draw::VisitRecord> out;
    for (const auto& v : inspections_->world().draws.Draw(draw_id)->visits) {
      if (RegionOf(v.credit_code) == region) out.push_back(v);
    }
    return out;
  }

  // A result that says nothing about compliance: the employer has closed down.
  inspection::ResultRecord ClosedResult(const std::string& draw_id, const draw::VisitRecord& v,
                                        const std::string& date) {
    inspection::ResultRecord r = CleanResult(draw_id, v, date);
    r.items[0].outcome = Outcome::Closed;
    r.items[0].findings.clear();
    return r;
  }
};

TEST_F(InspectionStatsTest, CoverageCountsTheFrozenPopulationAndTheDrawnVisits) {
  const std::string d = Drawn();  // 60 employers, 30 per county; 20% drawn per county
  auto rep = Stats("2026-06-01");
  ASSERT_EQ(rep.draws.size(), 1u);
  const auto& s = rep.draws[0];
  EXPECT_EQ(s.draw_id, d);
  EXPECT_EQ(s.task_id, "T1");
  EXPECT_EQ(s.org_id, "320400");
  const auto& c = s.coverage;
  EXPECT_EQ(c.total.eligible, 60u);
  EXPECT_EQ(c.total.drawn, 12u);
  ASSERT_EQ(c.by_region.size(), 2u);
  EXPECT_EQ(c.by_region.at("320402").eligible, 30u);
  EXPECT_EQ(c.by_region.at("320402").drawn, 6u);
  EXPECT_EQ(c.by_region.at("320404").eligible, 30u);
  EXPECT_EQ(c.by_region.at("320404").drawn, 6u);
  EXPECT_DOUBLE_EQ(c.by_region.at("320404").ratio(), 0.2);
  // Industries: every third employer is 3411, the rest 1311; both in section C.
  ASSERT_EQ(c.by_industry.size(), 2u);
  EXPECT_EQ(c.by_industry.at("3411").eligible, 20u);
  EXPECT_EQ(c.by_industry.at("1311").eligible, 40u);
  uint64_t drawn_3411 = 0;
  for (const auto& v : inspections_->world().draws.Draw(d)->visits) {
    if (inspections_->world().draws.dir.targets.at(v.credit_code).industry == "3411") ++drawn_3411;
  }
  EXPECT_EQ(c.by_industry.at("3411").drawn, drawn_3411);
  EXPECT_EQ(c.by_industry.at("1311").drawn, 12u - drawn_3411);
  ASSERT_EQ(c.by_industry_section.size(), 1u);
  EXPECT_EQ(c.by_industry_section.at("C").eligible, 60u);
  EXPECT_EQ(c.by_industry_section.at("C").drawn, 12u);
  ASSERT_EQ(c.by_grade.size(), 1u);
  EXPECT_EQ(c.by_grade.at("B").eligible, 60u);
  EXPECT_EQ(c.by_grade.at("B").drawn, 12u);
  EXPECT_EQ(rep.coverage.total.drawn, 12u);
  EXPECT_TRUE(s.notes.empty());
}

TEST_F(InspectionStatsTest, CoverageKeepsTheGradesOfTheFreezeAfterARegrading) {
  const std::string d = Drawn();
  // Re-grade a drawn employer after the draw: the draw's coverage still reads grade B.
  const auto& v = FirstVisit(d);
  directory::TargetRecord t = inspections_->world().draws.dir.targets.at(v.credit_code);
  t.credit_grade = "C";
  t.grade_date = "2026-06-01";
  ASSERT_TRUE(dirsvc_->UpsertTarget(t, actor_).ok());
  auto rep = Stats("2026-06-01");
  ASSERT_EQ(rep.draws.size(), 1u);
  ASSERT_EQ(rep.draws[0].coverage.by_grade.size(), 1u);
  EXPECT_EQ(rep.draws[0].coverage.by_grade.at("B").drawn, 12u);
}

TEST_F(InspectionStatsTest, OutcomesDeadlinesAndTheEstimateOfAKnownSample) {
  const std::string d = Drawn();
  const auto a = VisitsIn(d, "320402");
  const auto b = VisitsIn(d, "320404");
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(b.size(), 6u);
  const std::string day = "2026-06-01";
  // 320402: one violation, two clean, one closed (unobserved), one only entered, one nothing.
  RecordAndPublish(ViolationResult(d, a[0], day, {Handling::OrderCorrection}));
  RecordAndPublish(CleanResult(d, a[1], day));
  RecordAndPublish(CleanResult(d, a[2], day));
  RecordAndPublish(ClosedResult(d, a[3], day));
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d, a[4], day), actor_).ok());
  // 320404: two violations (one by a correction of a clean result), one clean.
  RecordAndPublish(ViolationResult(d, b[0], day, {Handling::OrderCorrection}));
  RecordAndPublish(CleanResult(d, b[1], day));
  ASSERT_TRUE(inspections_->Correct(ViolationResult(d, b[1], day, {Handling::OrderCorrection}),
                                    "录入时遗漏了合同问题", actor_)
                  .ok());
  RecordAndPublish(CleanResult(d, b[2], day));

  auto rep = Stats("2026-09-30");
  ASSERT_EQ(rep.draws.size(), 1u);
  const auto& s = rep.draws[0];
  const auto& o = s.outcomes;
  EXPECT_EQ(o.visits, 12u);
  EXPECT_EQ(o.recorded, 8u);
  EXPECT_EQ(o.published, 7u);
  EXPECT_EQ(o.corrected, 1u);
  EXPECT_EQ(o.with_violation, 3u);
  EXPECT_EQ(o.observed, 6u);
  EXPECT_EQ(o.by_state.at(ResultState::kPublished), 7u);
  EXPECT_EQ(o.by_state.at(ResultState::kEntered), 1u);
  // Per item of the current published results: the corrected one counts as its correction.
  ASSERT_EQ(o.by_outcome.size(), 3u);
  EXPECT_EQ(o.by_outcome.at(Outcome::NoProblem), 3u);
  EXPECT_EQ(o.by_outcome.at(Outcome::Corrected), 3u);
  EXPECT_EQ(o.by_outcome.at(Outcome::Closed), 1u);
  ASSERT_EQ(o.by_handling.size(), 1u);
  EXPECT_EQ(o.by_handling.at(Handling::OrderCorrection), 3u);

  // Deadlines on 30 September: the list never confirmed; 8 results entered on the day;
  // publication due 20 working days after 31 July (28 August): 7 met, 5 overdue.
  const auto& dl = s.deadlines;
  EXPECT_EQ(dl.at(DeadlineKind::kConfirm).overdue, 1u);
  EXPECT_EQ(dl.at(DeadlineKind::kEnter).met, 8u);
  EXPECT_EQ(dl.at(DeadlineKind::kPublish).met, 7u);
  EXPECT_EQ(dl.at(DeadlineKind::kPublish).overdue, 5u);
  EXPECT_EQ(rep.deadlines.at("320400").at(DeadlineKind::kPublish).overdue, 5u);
  // Before the publish due date nothing is overdue but the confirmation.
  auto early = Stats("2026-06-10");
  EXPECT_EQ(early.draws[0].deadlines.at(DeadlineKind::kPublish).open, 5u);
  EXPECT_EQ(early.draws[0].deadlines.at(DeadlineKind::kPublish).overdue, 0u);

  // HT by hand: equal weights, so within a stratum it is simple random sampling of the r
  // observed from N = 30. 320402: y = {1, 0, 0}; 320404: y = {1, 1, 0}. Each has s² = 1/3,
  // Var(share) = (1 - 3/30) · (1/3) / 3 = 0.1. Overall: (30·1/3 + 30·2/3) / 60 = 0.5 with
  // variance (900·0.1 + 900·0.1) / 3600 = 0.05.
  ASSERT_TRUE(s.estimate.has_value()) << s.estimate_error;
  const auto& e = *s.estimate;
  ASSERT_EQ(e.strata.size(), 2u);
  for (const auto& st : e.strata) {
    EXPECT_EQ(st.population, 30u);
    EXPECT_EQ(st.drawn, 6u);
    EXPECT_EQ(st.observed, 3u);
    EXPECT_TRUE(st.exact_design);
    EXPECT_NEAR(st.std_error, std::sqrt(0.1), 1e-12);
  }
  const auto& s1 = e.strata[0].key == "320402" ? e.strata[0] : e.strata[1];
  const auto& s2 = e.strata[0].key == "320402" ? e.strata[1] : e.strata[0];
  EXPECT_EQ(s1.violations, 1u);
  EXPECT_NEAR(s1.share, 1.0 / 3, 1e-12);
  EXPECT_EQ(s2.violations, 2u);
  EXPECT_NEAR(s2.share, 2.0 / 3, 1e-12);
  EXPECT_EQ(e.population, 60u);
  EXPECT_EQ(e.observed, 6u);
  EXPECT_EQ(e.violations, 3u);
  EXPECT_NEAR(e.share, 0.5, 1e-12);
  EXPECT_NEAR(e.std_error, std::sqrt(0.05), 1e-12);
  EXPECT_NEAR(e.ci_low, 0.5 - 1.959964 * std::sqrt(0.05), 1e-6);
  EXPECT_NEAR(e.ci_high, 0.5 + 1.959964 * std::sqrt(0.05), 1e-6);

  // The JSON carries the same figures.
  nlohmann::json j = inspection::ToJson(rep);
  EXPECT_EQ(j["draws"][0]["coverage"]["by_region"]["320402"]["drawn"], 6);
  EXPECT_EQ(j["draws"][0]["outcomes"]["published"], 7);
  EXPECT_EQ(j["draws"][0]["deadlines"]["publish"]["overdue"], 5);
  EXPECT_NEAR(j["draws"][0]["violation_share"]["share"].get<double>(), 0.5, 1e-12);
  EXPECT_EQ(j["overall"]["deadlines_by_org"]["320400"]["confirm"]["overdue"], 1);
}

TEST_F(InspectionStatsTest, CensusEstimateIsTheObservedShareWithNoError) {
  MakeDirectory(10);  // 5 employers per county
  draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""};
  ASSERT_TRUE(draws_->FilePlan(plan, actor_).ok());
  draw::TaskRecord t = SampleTask("TC");
  t.ratio_bp = 10000;  // everyone: only a key-item task may
  t.key_items = true;
  t.item_ids = {"I2"};
  auto defined = draws_->DefineTask(t, actor_);
  ASSERT_TRUE(defined.ok()) << defined.status().ToString();
  const std::string d = RunCeremony("TC");
  ASSERT_TRUE(inspections_->Sync().ok());
  const auto a = VisitsIn(d, "320402");
  const auto b = VisitsIn(d, "320404");
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), 5u);
  const std::string day = "2026-06-01";
  auto on_i2 = [](inspection::ResultRecord r) {  // the key item and its checklist point
    r.items[0].item_id = "I2";
    r.items[0].findings[0].point = "工资台账";
    return r;
  };
  for (size_t i = 0; i < 5; ++i) {
    RecordAndPublish(on_i2(i < 3 ? ViolationResult(d, a[i], day, {Handling::OrderCorrection})
                                 : CleanResult(d, a[i], day)));
    RecordAndPublish(on_i2(i < 1 ? ViolationResult(d, b[i], day, {Handling::OrderCorrection})
                                 : CleanResult(d, b[i], day)));
  }
  auto rep = Stats("2026-06-01", d);
  ASSERT_EQ(rep.draws.size(), 1u);
  EXPECT_EQ(rep.draws[0].coverage.total.eligible, 10u);
  EXPECT_EQ(rep.draws[0].coverage.total.drawn, 10u);
  ASSERT_TRUE(rep.draws[0].estimate.has_value()) << rep.draws[0].estimate_error;
  const auto& e = *rep.draws[0].estimate;
  EXPECT_NEAR(e.share, 0.4, 1e-12);
  EXPECT_EQ(e.std_error, 0.0);
  EXPECT_NEAR(e.ci_low, 0.4, 1e-12);
  EXPECT_NEAR(e.ci_high, 0.4, 1e-12);
  for (const auto& st : e.strata) {
    EXPECT_NEAR(st.share, st.key == "320402" ? 0.6 : 0.2, 1e-12) << st.key;
    EXPECT_EQ(st.std_error, 0.0);
  }
}

TEST_F(InspectionStatsTest, ReportOfAnUnknownDrawIsNotFound) {
  Drawn();
  inspection::InspectionStats stats;
  auto r = stats.Report("2026-06-01", "no-such-draw");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

// `suiji stats` as a process, against the node the fixture wrote.
class InspectionStatsCli : public InspectionStatsTest {
 protected:
  testing_support::RunResult Suiji(std::vector<std::string> args) {
    auto r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }
};

TEST_F(InspectionStatsCli, JsonReportsTheDrawsCoverageOutcomesAndEstimate) {
  const std::string d = Drawn();
  const auto a = VisitsIn(d, "320402");
  RecordAndPublish(ViolationResult(d, a[0], "2026-06-01", {Handling::OrderCorrection}));
  RecordAndPublish(CleanResult(d, a[1], "2026-06-01"));
  auto r = Suiji({"stats", "--data", dir_.string(), "--today", "2026-06-02", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["today"], "2026-06-02");
  ASSERT_EQ(j["draws"].size(), 1u);
  const auto& jd = j["draws"][0];
  EXPECT_EQ(jd["draw_id"], d);
  EXPECT_EQ(jd["coverage"]["total"]["eligible"], 60);
  EXPECT_EQ(jd["coverage"]["total"]["drawn"], 12);
  EXPECT_EQ(jd["coverage"]["by_region"]["320402"]["eligible"], 30);
  EXPECT_EQ(jd["coverage"]["by_region"]["320402"]["drawn"], 6);
  EXPECT_EQ(jd["coverage"]["by_region"]["320404"]["drawn"], 6);
  EXPECT_EQ(jd["coverage"]["by_grade"]["B"]["eligible"], 60);
  EXPECT_EQ(jd["outcomes"]["published"], 2);
  EXPECT_EQ(jd["outcomes"]["with_violation"], 1);
  EXPECT_EQ(jd["deadlines"]["confirm"]["open"], 1);
  EXPECT_NEAR(jd["violation_share"]["strata"][0]["share"].get<double>(), 0.5, 1e-12);

  // The table, one draw, and the refusal of an unknown draw and a bad date.
  auto text = Suiji({"stats", "--data", dir_.string(), "--today", "2026-06-02", "--draw", d});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(testing_support::Contains(text.out, "320402  eligible 30, drawn 6 (20.0%)"))
      << text.out;
  EXPECT_TRUE(testing_support::Contains(text.out, "未发现问题")) << text.out;
  auto unknown = Suiji({"stats", "--data", dir_.string(), "--draw", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(testing_support::Contains(unknown.err, "no live drawn draw")) << unknown.err;
  auto bad = Suiji({"stats", "--data", dir_.string(), "--today", "2026-13-01"});
  EXPECT_EQ(bad.exit_code, 1);
}

}  // namespace
}  // namespace suiji
