#include "ledger/core/draw/eligibility.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/core/merkle.h"
#include "ledger/core/sha256.h"

namespace suiji::draw {
namespace {

using directory::InspectorRecord;
using directory::InspectorStatus;
using directory::MemoryDirectory;
using directory::TargetRecord;
using directory::TargetStatus;

constexpr uint16_t kYear = 2026;
constexpr std::string_view kJurisdiction = "320400";  // 常州市

// An ordinary target: active, grade B, in 天宁区, manufacturing, 50 employees.
TargetRecord Target(std::string code, std::string region = "320402") {
  TargetRecord t;
  t.credit_code = std::move(code);
  t.name = "企业" + t.credit_code;
  t.region = std::move(region);
  t.industry = "3411";
  t.headcount = 50;
  t.credit_grade = "B";
  return t;
}

InspectorRecord Inspector(std::string id, std::string region = "320402") {
  InspectorRecord i;
  i.inspector_id = std::move(id);
  i.name = "检查员" + i.inspector_id;
  i.domains = {"劳动保障监察"};
  i.region = std::move(region);
  return i;
}

// A task of 常州市 over the whole city, ratio mode, window June–July 2026.
TaskRecord BaseTask() {
  TaskRecord t;
  t.task_id = "T-1";
  t.plan_id = "P-2026";
  t.org_id = "320400";
  t.title = "工资支付情况抽查";
  t.item_list_version = 1;
  t.item_ids = {"LS-01"};
  t.regions = {"320400"};
  t.ratio_bp = 500;
  t.window_start = "2026-06-01";
  t.window_end = "2026-07-31";
  return t;
}

PastVisit Visit(std::string draw_id, uint16_t year, std::string start, std::string end,
                std::vector<std::string> items, std::string merged_into = "") {
  PastVisit v;
  v.draw_id = std::move(draw_id);
  v.task_id = "T-old";
  v.year = year;
  v.window_start = std::move(start);
  v.window_end = std::move(end);
  v.items = std::move(items);
  v.team = {"I-1", "I-2"};
  v.merged_into = std::move(merged_into);
  return v;
}

void Add(MemoryDirectory& dir, const TargetRecord& t) { dir.targets[t.credit_code] = t; }
void Add(MemoryDirectory& dir, const InspectorRecord& i) { dir.inspectors[i.inspector_id] = i; }

Population Eligible(const TaskRecord& task, const MemoryDirectory& dir,
                    const VisitHistory& visits = {}, ExclusionCounts* excluded = nullptr) {
  return ComputeEligibility(task, kYear, kJurisdiction, dir, visits, excluded);
}

// The one target of a single-target directory, or nullptr if it was left out.
const EligibleTarget* Only(const Population& p) {
  return p.targets.size() == 1 ? &p.targets[0] : nullptr;
}

std::vector<std::string> Codes(const Population& p) {
  std::vector<std::string> out;
  for (const auto& t : p.targets) out.push_back(t.credit_code);
  return out;
}

std::vector<std::string> Ids(const std::vector<EligibleInspector>& v) {
  std::vector<std::string> out;
  for (const auto& i : v) out.push_back(i.inspector_id);
  return out;
}

// Eligibility of one target record under `task` (and history), as a weight; 0 if left out.
uint32_t WeightOf(const TargetRecord& t, const TaskRecord& task, const VisitHistory& visits = {},
                  ExclusionCounts* excluded = nullptr) {
  MemoryDirectory dir;
  Add(dir, t);
  Population p = Eligible(task, dir, visits, excluded);
  const EligibleTarget* e = Only(p);
  return e == nullptr ? 0 : e->weight;
}

// --- the plain case ---

TEST(DrawEligibility, PlainTargetHasBaseWeightAndTheAllStratum) {
  MemoryDirectory dir;
  Add(dir, Target("C1"));
  Population p = Eligible(BaseTask(), dir);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0], (EligibleTarget{"C1", "all", 2, ""}));
}

TEST(DrawEligibility, TargetsAreListedInByteOrderOfTheirCodes) {
  MemoryDirectory dir;
  for (const char* c : {"C3", "A9", "C10", "B1"}) Add(dir, Target(c));
  EXPECT_EQ(Codes(Eligible(BaseTask(), dir)),
            (std::vector<std::string>{"A9", "B1", "C10", "C3"}));
}

// --- R8 credit rules ---

TEST(DrawEligibility, GradeAIsExemptForTheConfiguredYearsFromItsGradingDate) {
  TaskRecord task = BaseTask();  // window starts 2026-06-01; 2 years by default
  TargetRecord a = Target("A1");
  a.credit_grade = "A";

  a.grade_date = "2024-06-02";  // two years end 2026-06-02, after the window starts
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(a, task, {}, &ex), 0u);
  EXPECT_EQ(ex.grade_a, 1u);

  a.grade_date = "2024-06-01";  // exactly two years at the window start: drawn again
  EXPECT_EQ(WeightOf(a, task), 2u);
  a.grade_date = "2024-05-31";
  EXPECT_EQ(WeightOf(a, task), 2u);

  task.credit.grade_a_exempt_years = 3;
  a.grade_date = "2023-06-01";
  EXPECT_EQ(WeightOf(a, task), 2u);
  a.grade_date = "2023-06-02";
  EXPECT_EQ(WeightOf(a, task), 0u);
  a.grade_date = "2024-05-31";
  EXPECT_EQ(WeightOf(a, task), 0u);
}

TEST(DrawEligibility, GradeAWithoutAGradingDateIsExempt) {
  TargetRecord a = Target("A1");
  a.credit_grade = "A";
  a.grade_date = "";
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(a, BaseTask(), {}, &ex), 0u);
  EXPECT_EQ(ex.grade_a, 1u);
}

TEST(DrawEligibility, GradeAExemptionOfZeroYearsExemptsNobody) {
  TaskRecord task = BaseTask();
  task.credit.grade_a_exempt_years = 0;
  TargetRecord a = Target("A1");
  a.credit_grade = "A";
  a.grade_date = "";
  EXPECT_EQ(WeightOf(a, task), 2u);
  a.grade_date = "2026-05-01";
  EXPECT_EQ(WeightOf(a, task), 2u);
}

TEST(DrawEligibility, GradeAGradedOnTheTwentyNinthOfFebruaryEndsOnTheTwentyEighth) {
  TaskRecord task = BaseTask();
  task.window_start = "2026-02-28";
  task.window_end = "2026-03-31";
  TargetRecord a = Target("A1");
  a.credit_grade = "A";
  a.grade_date = "2024-02-29";  // + 2 years = 2026-02-28, the window start
  EXPECT_EQ(WeightOf(a, task), 2u);
  task.window_start = "2026-02-27";
  EXPECT_EQ(WeightOf(a, task), 0u);
}

TEST(DrawEligibility, GradeBAndUngradedAreNeverGradeExempt) {
  for (const char* grade : {"B", ""}) {
    TargetRecord t = Target("X1");
    t.credit_grade = grade;
    t.grade_date = "2026-05-01";
    EXPECT_EQ(WeightOf(t, BaseTask()), 2u) << "grade '" << grade << "'";
  }
}

TEST(DrawEligibility, GradeCGetsTheCStratumSuffix) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  TargetRecord c = Target("C1", "320412");
  c.credit_grade = "C";
  Add(dir, c);
  Add(dir, Target("B1", "320412"));

  Population p = Eligible(task, dir);
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[0].stratum, "all");    // B1
  EXPECT_EQ(p.targets[1].stratum, "all/C");  // C1

  task.strata_by = StrataBy::Region;
  p = Eligible(task, dir);
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[0].stratum, "320412");
  EXPECT_EQ(p.targets[1].stratum, "320412/C");

  task.strata_by = StrataBy::City;
  p = Eligible(task, dir);
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[1].stratum, "320400/C");

  task.strata_by = StrataBy::IndustryDivision;
  p = Eligible(task, dir);
  ASSERT_EQ(p.targets.size(), 2u);
  EXPECT_EQ(p.targets[1].stratum, "34/C");
}

TEST(DrawEligibility, GradeCWithoutItsOwnRatioStaysInTheOrdinaryStratum) {
  TaskRecord task = BaseTask();
  task.credit.grade_c_ratio_bp = 0;
  TargetRecord c = Target("C1");
  c.credit_grade = "C";
  MemoryDirectory dir;
  Add(dir, c);
  Population p = Eligible(task, dir);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0].stratum, "all");
}

TEST(DrawEligibility, GradeCIsNotBoundByTheNoRepeatRuleWhenConfigured) {
  TaskRecord task = BaseTask();
  VisitHistory visits;
  visits["C1"] = {Visit("D-old", kYear, "2026-03-01", "2026-03-31", {"LS-01"})};
  visits["B1"] = {Visit("D-old", kYear, "2026-03-01", "2026-03-31", {"LS-01"})};
  MemoryDirectory dir;
  TargetRecord c = Target("C1");
  c.credit_grade = "C";
  Add(dir, c);
  Add(dir, Target("B1"));

  ExclusionCounts ex;
  Population p = Eligible(task, dir, visits, &ex);
  EXPECT_EQ(Codes(p), std::vector<std::string>{"C1"});
  EXPECT_EQ(ex.repeat_item, 1u);

  task.credit.grade_c_ignores_no_repeat = false;
  ExclusionCounts ex2;
  p = Eligible(task, dir, visits, &ex2);
  EXPECT_TRUE(p.targets.empty());
  EXPECT_EQ(ex2.repeat_item, 2u);
}

TEST(DrawEligibility, GradeCStillRespectsTheYearlyMaximum) {
  TaskRecord task = BaseTask();
  task.frequency.max_per_year = 1;
  TargetRecord c = Target("C1");
  c.credit_grade = "C";
  VisitHistory visits;
  visits["C1"] = {Visit("D-old", kYear, "2026-03-01", "2026-03-31", {"LS-99"})};
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(c, task, visits, &ex), 0u);
  EXPECT_EQ(ex.max_per_year, 1u);
}

TEST(DrawEligibility, ActiveBlacklistMultipliesTheWeight) {
  TaskRecord task = BaseTask();  // base 2, multiplier 3
  TargetRecord t = Target("K1");
  t.blacklisted = true;
  EXPECT_EQ(WeightOf(t, task), 6u);

  task.credit.blacklist_multiplier = 5;
  task.credit.base_weight = 3;
  EXPECT_EQ(WeightOf(t, task), 15u);
}

TEST(DrawEligibility, BlacklistEndedBeforeTheWindowDoesNotCount) {
  TaskRecord task = BaseTask();  // 2026-06-01 .. 2026-07-31
  TargetRecord t = Target("K1");
  t.blacklisted = true;
  t.blacklist_from = "2025-01-01";

  t.blacklist_until = "2026-05-31";
  EXPECT_EQ(WeightOf(t, task), 2u);
  t.blacklist_until = "2026-06-01";  // still on the list on the first day of the window
  EXPECT_EQ(WeightOf(t, task), 6u);
  t.blacklist_until = "2027-01-01";
  EXPECT_EQ(WeightOf(t, task), 6u);
}

TEST(DrawEligibility, BlacklistStartingAfterTheWindowDoesNotCount) {
  TaskRecord task = BaseTask();
  TargetRecord t = Target("K1");
  t.blacklisted = true;
  t.blacklist_from = "2026-08-01";
  EXPECT_EQ(WeightOf(t, task), 2u);
  t.blacklist_from = "2026-07-31";
  EXPECT_EQ(WeightOf(t, task), 6u);
}

TEST(DrawEligibility, BlacklistDatesWithoutTheFlagDoNotCount) {
  TargetRecord t = Target("K1");
  t.blacklisted = false;
  t.blacklist_from = "2025-01-01";
  t.blacklist_until = "2027-01-01";
  EXPECT_EQ(WeightOf(t, BaseTask()), 2u);
}

TEST(DrawEligibility, StarPolicyExemptLeavesOutHarmoniousEmployers) {
  TaskRecord task = BaseTask();
  task.credit.star_policy = StarPolicy::Exempt;  // threshold 4
  TargetRecord t = Target("S1");
  t.star_level = 4;
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(t, task, {}, &ex), 0u);
  EXPECT_EQ(ex.star, 1u);
  t.star_level = 5;
  EXPECT_EQ(WeightOf(t, task), 0u);
  t.star_level = 3;
  EXPECT_EQ(WeightOf(t, task), 2u);
}

TEST(DrawEligibility, StarPolicyReduceGivesWeightOne) {
  TaskRecord task = BaseTask();
  task.credit.star_policy = StarPolicy::Reduce;
  TargetRecord t = Target("S1");
  t.star_level = 4;
  EXPECT_EQ(WeightOf(t, task), 1u);
  t.star_level = 3;
  EXPECT_EQ(WeightOf(t, task), 2u);
  // Reduced, then blacklisted: 1 × 3.
  t.star_level = 5;
  t.blacklisted = true;
  EXPECT_EQ(WeightOf(t, task), 3u);
}

TEST(DrawEligibility, StarPolicyIgnoreKeepsTheBaseWeight) {
  TaskRecord task = BaseTask();
  task.credit.star_policy = StarPolicy::Ignore;
  TargetRecord t = Target("S1");
  t.star_level = 5;
  EXPECT_EQ(WeightOf(t, task), 2u);
}

TEST(DrawEligibility, StarThresholdZeroTurnsTheStarRuleOff) {
  TaskRecord task = BaseTask();
  task.credit.star_policy = StarPolicy::Exempt;
  task.credit.star_threshold = 0;
  TargetRecord t = Target("S1");
  t.star_level = 5;
  EXPECT_EQ(WeightOf(t, task), 2u);
}

TEST(DrawEligibility, ComplaintsAddAStepEachUpToTheCap) {
  TaskRecord task = BaseTask();  // step 1, cap 4
  TargetRecord t = Target("Q1");
  t.complaints = 3;
  EXPECT_EQ(WeightOf(t, task), 5u);
  t.complaints = 4;
  EXPECT_EQ(WeightOf(t, task), 6u);
  t.complaints = 100;
  EXPECT_EQ(WeightOf(t, task), 6u);

  task.credit.complaint_step = 2;
  task.credit.complaint_cap = 3;
  t.complaints = 2;
  EXPECT_EQ(WeightOf(t, task), 6u);
  t.complaints = 7;
  EXPECT_EQ(WeightOf(t, task), 8u);

  task.credit.complaint_cap = 0;
  EXPECT_EQ(WeightOf(t, task), 2u);
}

TEST(DrawEligibility, ComplaintsAreAddedAfterTheBlacklistMultiplier) {
  TargetRecord t = Target("Q1");
  t.blacklisted = true;
  t.complaints = 2;
  EXPECT_EQ(WeightOf(t, BaseTask()), 2u * 3u + 2u);
}

// --- R7 frequency ---

TEST(DrawEligibility, MaxPerYearCountsUnmergedVisitsOfThePlanYear) {
  TaskRecord task = BaseTask();  // max 2 per year
  TargetRecord t = Target("F1");
  const PastVisit march = Visit("D-a", kYear, "2026-03-01", "2026-03-31", {"LS-07"});
  const PastVisit april = Visit("D-b", kYear, "2026-04-01", "2026-04-30", {"LS-08"});

  VisitHistory visits;
  visits["F1"] = {march};
  EXPECT_EQ(WeightOf(t, task, visits), 2u);

  visits["F1"] = {march, april};
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(t, task, visits, &ex), 0u);
  EXPECT_EQ(ex.max_per_year, 1u);

  // A visit that joined another is not a visit of its own.
  PastVisit joined = april;
  joined.merged_into = "D-x";
  visits["F1"] = {march, joined};
  EXPECT_EQ(WeightOf(t, task, visits), 2u);

  // Visits of another year do not count.
  PastVisit last_year = april;
  last_year.year = kYear - 1;
  last_year.window_start = "2025-04-01";
  last_year.window_end = "2025-04-30";
  visits["F1"] = {march, last_year};
  EXPECT_EQ(WeightOf(t, task, visits), 2u);

  task.frequency.max_per_year = 1;
  visits["F1"] = {march};
  EXPECT_EQ(WeightOf(t, task, visits), 0u);
}

TEST(DrawEligibility, SameItemIsNotRepeatedWithinTheYear) {
  TaskRecord task = BaseTask();
  task.item_ids = {"LS-01", "LS-02"};
  TargetRecord t = Target("R1");
  VisitHistory visits;

  visits["R1"] = {Visit("D-a", kYear, "2026-03-01", "2026-03-31", {"LS-02"})};
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(t, task, visits, &ex), 0u);
  EXPECT_EQ(ex.repeat_item, 1u);

  visits["R1"] = {Visit("D-a", kYear - 1, "2025-06-01", "2025-07-31", {"LS-02"})};
  EXPECT_EQ(WeightOf(t, task, visits), 2u);

  visits["R1"] = {Visit("D-a", kYear, "2026-03-01", "2026-03-31", {"LS-03"})};
  EXPECT_EQ(WeightOf(t, task, visits), 2u);

  // An item inspected in a merged visit was inspected all the same.
  visits["R1"] = {Visit("D-a", kYear, "2026-03-01", "2026-03-31", {"LS-01"}, "D-z")};
  EXPECT_EQ(WeightOf(t, task, visits), 0u);

  task.frequency.no_repeat_item_within_year = false;
  visits["R1"] = {Visit("D-a", kYear, "2026-03-01", "2026-03-31", {"LS-01"})};
  EXPECT_EQ(WeightOf(t, task, visits), 2u);
}

// --- R10 merging ---

TEST(DrawEligibility, OverlappingEarlierVisitOfTheYearGivesMergeInto) {
  TaskRecord task = BaseTask();  // 2026-06-01 .. 2026-07-31
  MemoryDirectory dir;
  Add(dir, Target("M1"));
  VisitHistory visits;
  visits["M1"] = {Visit("D-early", kYear, "2026-05-01", "2026-06-15", {"LS-09"})};
  Population p = Eligible(task, dir, visits);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0].merge_into, "D-early");
  EXPECT_EQ(p.targets[0].weight, 2u);

  // Windows touching on one day overlap.
  visits["M1"] = {Visit("D-touch", kYear, "2026-07-31", "2026-08-31", {"LS-09"})};
  p = Eligible(task, dir, visits);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0].merge_into, "D-touch");

  visits["M1"] = {Visit("D-apart", kYear, "2026-08-01", "2026-08-31", {"LS-09"})};
  p = Eligible(task, dir, visits);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0].merge_into, "");
}

TEST(DrawEligibility, MergeableTargetStaysEligibleAtTheYearlyMaximum) {
  TaskRecord task = BaseTask();
  task.frequency.max_per_year = 1;
  MemoryDirectory dir;
  Add(dir, Target("M1"));
  Add(dir, Target("M2"));
  VisitHistory visits;
  visits["M1"] = {Visit("D-early", kYear, "2026-06-10", "2026-06-20", {"LS-09"})};
  visits["M2"] = {Visit("D-early", kYear, "2026-03-10", "2026-03-20", {"LS-09"})};
  ExclusionCounts ex;
  Population p = Eligible(task, dir, visits, &ex);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0], (EligibleTarget{"M1", "all", 2, "D-early"}));
  EXPECT_EQ(ex.max_per_year, 1u);  // M2: no overlap, so the maximum applies
}

TEST(DrawEligibility, MergesIntoTheFirstOverlappingVisitOfItsOwn) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  Add(dir, Target("M1"));
  VisitHistory visits;
  visits["M1"] = {
      Visit("D-joined", kYear, "2026-06-01", "2026-06-30", {"LS-08"}, "D-host"),  // not own
      Visit("D-last-year", kYear - 1, "2025-06-01", "2025-07-31", {"LS-08"}),
      Visit("D-first", kYear, "2026-06-05", "2026-06-30", {"LS-08"}),
  };
  Population p = Eligible(task, dir, visits);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0].merge_into, "D-first");

  visits["M1"].push_back(Visit("D-second", kYear, "2026-07-01", "2026-07-10", {"LS-08"}));
  p = Eligible(task, dir, visits);
  ASSERT_EQ(p.targets.size(), 1u);
  EXPECT_EQ(p.targets[0].merge_into, "D-first");
}

TEST(DrawEligibility, RepeatedItemIsNotRescuedByMerging) {
  TaskRecord task = BaseTask();
  TargetRecord t = Target("M1");
  VisitHistory visits;
  visits["M1"] = {Visit("D-early", kYear, "2026-06-01", "2026-06-30", {"LS-01"})};
  EXPECT_EQ(WeightOf(t, task, visits), 0u);
}

// --- scope ---

TEST(DrawEligibility, CityScopeContainsItsCounties) {
  TaskRecord task = BaseTask();
  task.regions = {"320400"};
  MemoryDirectory dir;
  Add(dir, Target("R1", "320402"));
  Add(dir, Target("R2", "320412"));
  Add(dir, Target("R3", "320505"));  // 苏州市虎丘区
  Add(dir, Target("R4", "999999"));  // not a region
  ExclusionCounts ex;
  EXPECT_EQ(Codes(Eligible(task, dir, {}, &ex)), (std::vector<std::string>{"R1", "R2"}));
  EXPECT_EQ(ex.out_of_scope, 2u);

  task.regions = {"320402"};
  EXPECT_EQ(Codes(Eligible(task, dir)), std::vector<std::string>{"R1"});

  task.regions = {"320412", "320505"};
  EXPECT_EQ(Codes(Eligible(task, dir)), (std::vector<std::string>{"R2", "R3"}));

  task.regions = {"320000"};  // the province
  EXPECT_EQ(Codes(Eligible(task, dir)), (std::vector<std::string>{"R1", "R2", "R3"}));
}

TEST(DrawEligibility, IndustriesArePrefixesOfTheIndustryCode) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  TargetRecord a = Target("I1");
  a.industry = "3411";
  TargetRecord b = Target("I2");
  b.industry = "4710";
  TargetRecord c = Target("I3");
  c.industry = "3421";
  Add(dir, a);
  Add(dir, b);
  Add(dir, c);

  EXPECT_EQ(Codes(Eligible(task, dir)), (std::vector<std::string>{"I1", "I2", "I3"}));
  task.industries = {"34"};
  EXPECT_EQ(Codes(Eligible(task, dir)), (std::vector<std::string>{"I1", "I3"}));
  task.industries = {"341", "47"};
  EXPECT_EQ(Codes(Eligible(task, dir)), (std::vector<std::string>{"I1", "I2"}));
  task.industries = {"3"};
  EXPECT_EQ(Codes(Eligible(task, dir)), (std::vector<std::string>{"I1", "I3"}));
}

TEST(DrawEligibility, MinHeadcountIsInclusive) {
  TaskRecord task = BaseTask();  // 8
  TargetRecord t = Target("H1");
  t.headcount = 8;
  EXPECT_EQ(WeightOf(t, task), 2u);
  t.headcount = 7;
  ExclusionCounts ex;
  EXPECT_EQ(WeightOf(t, task, {}, &ex), 0u);
  EXPECT_EQ(ex.out_of_scope, 1u);
  task.min_headcount = 0;
  t.headcount = 0;
  EXPECT_EQ(WeightOf(t, task), 2u);
}

TEST(DrawEligibility, OnlyActiveTargetsAreEligible) {
  TargetRecord t = Target("S1");
  t.status = TargetStatus::Deregistered;
  EXPECT_EQ(WeightOf(t, BaseTask()), 0u);
  t.status = TargetStatus::Moved;
  EXPECT_EQ(WeightOf(t, BaseTask()), 0u);
  t.status = TargetStatus::Active;
  EXPECT_EQ(WeightOf(t, BaseTask()), 2u);
}

// --- directed tasks ---

TEST(DrawEligibility, DirectedTaskKeepsOnlyTheNamedGrades) {
  TaskRecord task = BaseTask();
  task.directed = true;
  task.credit_grades = {"C", ""};
  MemoryDirectory dir;
  TargetRecord b = Target("G1");
  b.credit_grade = "B";
  TargetRecord c = Target("G2");
  c.credit_grade = "C";
  TargetRecord u = Target("G3");
  u.credit_grade = "";
  Add(dir, b);
  Add(dir, c);
  Add(dir, u);
  ExclusionCounts ex;
  EXPECT_EQ(Codes(Eligible(task, dir, {}, &ex)), (std::vector<std::string>{"G2", "G3"}));
  EXPECT_EQ(ex.directed_filter, 1u);
}

TEST(DrawEligibility, DirectedBlacklistedOnlyKeepsActiveBlacklistEntries) {
  TaskRecord task = BaseTask();
  task.directed = true;
  task.blacklisted_only = true;
  MemoryDirectory dir;
  TargetRecord on = Target("L1");
  on.blacklisted = true;
  TargetRecord expired = Target("L2");
  expired.blacklisted = true;
  expired.blacklist_until = "2026-01-31";
  Add(dir, on);
  Add(dir, expired);
  Add(dir, Target("L3"));
  ExclusionCounts ex;
  Population p = Eligible(task, dir, {}, &ex);
  ASSERT_EQ(Codes(p), std::vector<std::string>{"L1"});
  EXPECT_EQ(p.targets[0].weight, 6u);
  EXPECT_EQ(ex.directed_filter, 2u);
}

TEST(DrawEligibility, DirectedFiltersCombine) {
  TaskRecord task = BaseTask();
  task.directed = true;
  task.blacklisted_only = true;
  task.credit_grades = {"C"};
  MemoryDirectory dir;
  TargetRecord both = Target("D1");
  both.blacklisted = true;
  both.credit_grade = "C";
  TargetRecord grade_only = Target("D2");
  grade_only.credit_grade = "C";
  TargetRecord list_only = Target("D3");
  list_only.blacklisted = true;
  Add(dir, both);
  Add(dir, grade_only);
  Add(dir, list_only);
  EXPECT_EQ(Codes(Eligible(task, dir)), std::vector<std::string>{"D1"});
}

// --- R9 inspectors ---

TEST(DrawEligibility, InspectorsMustShareADomainWhenDomainsAreRequired) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  InspectorRecord a = Inspector("I-a");
  a.domains = {"劳动保障监察", "社会保险"};
  InspectorRecord b = Inspector("I-b");
  b.domains = {"社会保险"};
  InspectorRecord c = Inspector("I-c");
  c.domains = {};
  Add(dir, a);
  Add(dir, b);
  Add(dir, c);
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors),
            (std::vector<std::string>{"I-a", "I-b", "I-c"}));
  task.inspectors.domains = {"劳动保障监察"};
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors), std::vector<std::string>{"I-a"});
  task.inspectors.domains = {"工伤", "社会保险"};
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors), (std::vector<std::string>{"I-a", "I-b"}));
}

TEST(DrawEligibility, InspectorRegionsDefaultToTheJurisdiction) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  Add(dir, Inspector("I-city", "320400"));
  Add(dir, Inspector("I-county", "320412"));
  Add(dir, Inspector("I-suzhou", "320505"));
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors),
            (std::vector<std::string>{"I-city", "I-county"}));

  // The jurisdiction passed in decides, not the task's target regions.
  task.regions = {"320402"};
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors),
            (std::vector<std::string>{"I-city", "I-county"}));
  EXPECT_EQ(Ids(ComputeEligibility(task, kYear, "320412", dir, {}).inspectors),
            std::vector<std::string>{"I-county"});

  task.inspectors.regions = {"320505"};
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors), std::vector<std::string>{"I-suzhou"});
  task.inspectors.regions = {"320000"};
  EXPECT_EQ(Ids(Eligible(task, dir).inspectors),
            (std::vector<std::string>{"I-city", "I-county", "I-suzhou"}));
}

TEST(DrawEligibility, OnlyActiveInspectorsAreEligible) {
  MemoryDirectory dir;
  InspectorRecord s = Inspector("I-s");
  s.status = InspectorStatus::Suspended;
  InspectorRecord r = Inspector("I-r");
  r.status = InspectorStatus::Retired;
  Add(dir, s);
  Add(dir, r);
  Add(dir, Inspector("I-ok"));
  EXPECT_EQ(Ids(Eligible(BaseTask(), dir).inspectors), std::vector<std::string>{"I-ok"});
}

TEST(DrawEligibility, AuxiliaryExpertsOnlyWhenExpertsAreAskedFor) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  InspectorRecord e1 = Inspector("E-1", "320505");  // experts are not bound by region
  e1.auxiliary = true;
  e1.domains = {};
  e1.specialties = {"职业卫生"};
  InspectorRecord e2 = Inspector("E-2");
  e2.auxiliary = true;
  e2.specialties = {"建筑施工"};
  InspectorRecord e3 = Inspector("E-3");
  e3.auxiliary = true;
  e3.status = InspectorStatus::Suspended;
  Add(dir, e1);
  Add(dir, e2);
  Add(dir, e3);
  Add(dir, Inspector("I-1"));

  Population p = Eligible(task, dir);
  EXPECT_TRUE(p.experts.empty());
  EXPECT_EQ(Ids(p.inspectors), std::vector<std::string>{"I-1"});  // never in the main pool

  task.inspectors.experts = 1;
  p = Eligible(task, dir);
  EXPECT_EQ(Ids(p.experts), (std::vector<std::string>{"E-1", "E-2"}));
  EXPECT_EQ(Ids(p.inspectors), std::vector<std::string>{"I-1"});

  task.inspectors.expert_specialties = {"职业卫生"};
  EXPECT_EQ(Ids(Eligible(task, dir).experts), std::vector<std::string>{"E-1"});
}

TEST(DrawEligibility, SpecialistFlagMarksHoldersOfARequiredSpecialty) {
  TaskRecord task = BaseTask();
  MemoryDirectory dir;
  InspectorRecord a = Inspector("I-a");
  a.specialties = {"工资支付", "社会保险"};
  InspectorRecord b = Inspector("I-b");
  b.specialties = {"劳动合同"};
  Add(dir, a);
  Add(dir, b);

  Population p = Eligible(task, dir);  // none required: everyone is a specialist
  EXPECT_EQ(p.inspectors, (std::vector<EligibleInspector>{{"I-a", true}, {"I-b", true}}));

  task.inspectors.specialties = {"工资支付"};
  p = Eligible(task, dir);
  EXPECT_EQ(p.inspectors, (std::vector<EligibleInspector>{{"I-a", true}, {"I-b", false}}));
}

// --- leaf lines and roots ---

TEST(DrawEligibility, LeafLinesJoinFieldsWithUnitSeparators) {
  EXPECT_EQ(TargetLeaf({"91320402MA1MRHG205", "320402/C", 7, ""}),
            std::string("T\x1f" "91320402MA1MRHG205\x1f" "320402/C\x1f" "7\x1f"));
  EXPECT_EQ(TargetLeaf({"X", "all", 12, "D-1"}),
            std::string("T\x1f" "X\x1f" "all\x1f" "12\x1f" "D-1"));
  EXPECT_EQ(InspectorLeaf({"I-7", true}), std::string("I\x1f" "I-7\x1f" "1"));
  EXPECT_EQ(InspectorLeaf({"I-7", false}), std::string("I\x1f" "I-7\x1f" "0"));
  EXPECT_EQ(ExpertLeaf({"E-3", false}), std::string("E\x1f" "E-3"));
  EXPECT_EQ(ExpertLeaf({"E-3", true}), std::string("E\x1f" "E-3"));
}

std::vector<Hash> LeafHashes(size_t n, uint32_t salt) {
  std::vector<Hash> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    v.push_back(LeafHash(AsBytes("leaf " + std::to_string(salt) + "/" + std::to_string(i))));
  }
  return v;
}

TEST(DrawEligibility, RootOfLeafHashesIsTheRfc6962RootForSmallSizes) {
  for (size_t n = 0; n <= 70; ++n) {
    std::vector<Hash> leaves = LeafHashes(n, 1);
    const Hash expected = RootFromLeaves(leaves);
    EXPECT_EQ(RootOfLeafHashes(leaves, 1), expected) << "n=" << n;
    EXPECT_EQ(RootOfLeafHashes(leaves, 2), expected) << "n=" << n;
    EXPECT_EQ(RootOfLeafHashes(leaves, 0), expected) << "n=" << n;
  }
  EXPECT_EQ(RootOfLeafHashes({}, 2), EmptyTreeHash());
}

TEST(DrawEligibility, RootOfLeafHashesIsTheRfc6962RootForALargeSizeOnTwoThreads) {
  // Above the 4096 threshold where the hashing is split across threads; odd at several levels.
  for (size_t n : {size_t{10007}, size_t{16384}, size_t{16385}}) {
    std::vector<Hash> leaves = LeafHashes(n, 2);
    const Hash expected = RootFromLeaves(leaves);
    EXPECT_EQ(RootOfLeafHashes(leaves, 2), expected) << "n=" << n;
    EXPECT_EQ(RootOfLeafHashes(leaves, 1), expected) << "n=" << n;
  }
}

TEST(DrawEligibility, RootsOfAPopulationHashTheLeafLinesInListOrder) {
  Population p;
  for (int i = 0; i < 5000; ++i) {  // above the threshold for parallel leaf hashing
    p.targets.push_back({"C" + std::to_string(100000 + i), "all", static_cast<uint32_t>(1 + i % 4),
                         i % 7 == 0 ? "D-x" : ""});
  }
  p.inspectors = {{"I-1", true}, {"I-2", false}, {"I-3", true}};
  p.experts = {{"E-1", true}};

  std::vector<Hash> t, i, e;
  for (const auto& x : p.targets) t.push_back(LeafHash(AsBytes(TargetLeaf(x))));
  for (const auto& x : p.inspectors) i.push_back(LeafHash(AsBytes(InspectorLeaf(x))));
  for (const auto& x : p.experts) e.push_back(LeafHash(AsBytes(ExpertLeaf(x))));
  for (unsigned threads : {1u, 2u}) {
    PopulationRoots r = RootsOf(p, threads);
    EXPECT_EQ(r.targets, RootFromLeaves(t));
    EXPECT_EQ(r.inspectors, RootFromLeaves(i));
    EXPECT_EQ(r.experts, RootFromLeaves(e));
  }
  EXPECT_EQ(RootsOf(Population{}, 2).experts, EmptyTreeHash());

  // Any change to a leaf field changes the root.
  Population q = p;
  q.targets[1234].weight += 1;
  EXPECT_NE(RootsOf(q, 2).targets, RootsOf(p, 2).targets);
  q = p;
  q.inspectors[1].specialist = true;
  EXPECT_NE(RootsOf(q, 1).inspectors, RootsOf(p, 1).inspectors);
}

// --- dates ---

TEST(DrawEligibility, AddYearsMovesTheYear) {
  EXPECT_EQ(AddYears("2024-06-01", 2), "2026-06-01");
  EXPECT_EQ(AddYears("2026-12-31", -3), "2023-12-31");
  EXPECT_EQ(AddYears("2026-01-01", 0), "2026-01-01");
  EXPECT_EQ(AddYears("0999-03-04", 1), "1000-03-04");
}

TEST(DrawEligibility, AddYearsTurnsTheTwentyNinthOfFebruaryIntoTheTwentyEighth) {
  EXPECT_EQ(AddYears("2024-02-29", 1), "2025-02-28");
  EXPECT_EQ(AddYears("2024-02-29", 2), "2026-02-28");
  EXPECT_EQ(AddYears("2024-02-29", 4), "2028-02-29");
  EXPECT_EQ(AddYears("2024-02-29", -4), "2020-02-29");
  EXPECT_EQ(AddYears("1996-02-29", 4), "2000-02-29");  // divisible by 400: leap
  EXPECT_EQ(AddYears("2096-02-29", 4), "2100-02-28");  // divisible by 100 only: not leap
  EXPECT_EQ(AddYears("2023-02-28", 1), "2024-02-28");
}

TEST(DrawEligibility, AddYearsLeavesMalformedDatesUnchanged) {
  EXPECT_EQ(AddYears("", 2), "");
  EXPECT_EQ(AddYears("2024-6-1", 2), "2024-6-1");
}

TEST(DrawEligibility, RootsOverManyChunksEqualTheRfc6962Definition) {
  // More than two 2^14-leaf chunks and a partial one, on one and on two threads.
  for (size_t n : {size_t{16384}, size_t{16385}, size_t{40000}}) {
    Population pop;
    std::vector<Hash> leaves;
    for (size_t i = 0; i < n; ++i) {
      pop.targets.push_back({"T" + std::to_string(1000000 + i), "all", 1 + uint32_t(i % 3), ""});
      leaves.push_back(LeafHash(AsBytes(TargetLeaf(pop.targets.back()))));
    }
    const Hash want = RootFromLeaves(leaves);
    EXPECT_EQ(RootsOf(pop, 1).targets, want) << n;
    EXPECT_EQ(RootsOf(pop, 2).targets, want) << n;
  }
}

}  // namespace
}  // namespace suiji::draw
