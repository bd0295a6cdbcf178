#include "ledger/core/draw/estimate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "ledger/core/draw/algorithm.h"
#include "ledger/core/sha256.h"

namespace suiji::draw {
namespace {

bool HasNoteWith(const ShareEstimate& e, std::string_view text) {
  for (const auto& n : e.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

std::vector<SampledUnit> Units(std::string_view stratum, uint32_t weight,
                               const std::vector<int>& outcomes) {  // 1, 0, or -1: no outcome
  std::vector<SampledUnit> v;
  for (int o : outcomes) v.push_back({std::string(stratum), weight, o >= 0, o == 1});
  return v;
}

// --- inclusion probabilities ---

TEST(DrawEstimate, EqualWeightsGiveExactlyDrawnOverPopulation) {
  StratumDesign s{"a", {{2, 10}}, 4};
  EXPECT_EQ(InclusionProbability(s, 2), 4.0 / 10.0);
  s.weight_counts = {{1, 3000}};
  s.drawn = 7;
  EXPECT_EQ(InclusionProbability(s, 1), 7.0 / 3000.0);
}

TEST(DrawEstimate, DrawingThePopulationOrMoreGivesProbabilityOne) {
  StratumDesign s{"b", {{1, 3}, {4, 2}}, 5};
  EXPECT_EQ(InclusionProbability(s, 1), 1.0);
  EXPECT_EQ(InclusionProbability(s, 4), 1.0);
  s.drawn = 9;  // a quota above the population reads as the population
  EXPECT_EQ(InclusionProbability(s, 1), 1.0);
  s.drawn = 0;
  EXPECT_EQ(InclusionProbability(s, 4), 0.0);
}

TEST(DrawEstimate, UnequalWeightProbabilitiesSumToTheSampleSizeAndGrowWithWeight) {
  const StratumDesign s{"b", {{1, 400}, {2, 300}, {3, 200}, {5, 100}}, 150};
  double sum = 0, previous = 0;
  for (const auto& [w, c] : s.weight_counts) {
    const double pi = InclusionProbability(s, w);
    EXPECT_GT(pi, previous);
    EXPECT_LT(pi, 1.0);
    // pi = 1 - exp(-w·tau) with one tau for the stratum.
    if (w > 1) {
      EXPECT_NEAR(std::log1p(-pi) / w, std::log1p(-InclusionProbability(s, 1)), 1e-12);
    }
    sum += static_cast<double>(c) * pi;
    previous = pi;
  }
  EXPECT_NEAR(sum, 150.0, 1e-9);
  // Deterministic: the same inputs give the same bits.
  EXPECT_EQ(InclusionProbability(s, 3), InclusionProbability(s, 3));
}

// --- the estimate on hand examples ---

// N = 10, n = 4, outcomes 1, 0, 1, 1: share 3/4, and the variance is the SRSWOR one,
// N²(1 - f)s²/n = 100 · 0.6 · 0.25 / 4 = 3.75.
TEST(DrawEstimate, EqualWeightsGiveTheSimpleRandomSamplingVariance) {
  const std::vector<StratumDesign> design = {{"a", {{2, 10}}, 4}};
  auto e = EstimateViolationShare(design, Units("a", 2, {1, 0, 1, 1}));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->strata.size(), 1u);
  const StratumEstimate& s = e->strata[0];
  EXPECT_TRUE(s.exact_design);
  EXPECT_TRUE(s.has_estimate);
  EXPECT_EQ(s.population, 10u);
  EXPECT_EQ(s.drawn, 4u);
  EXPECT_EQ(s.observed, 4u);
  EXPECT_EQ(s.violations, 3u);
  EXPECT_NEAR(s.share, 0.75, 1e-15);
  EXPECT_NEAR(s.std_error, std::sqrt(3.75) / 10, 1e-15);
  EXPECT_NEAR(s.ci_low, 0.75 - 1.959963984540054 * std::sqrt(3.75) / 10, 1e-12);
  EXPECT_EQ(s.ci_high, 1.0);  // 0.75 + 0.38 clipped
  EXPECT_EQ(e->share, s.share);
  EXPECT_EQ(e->std_error, s.std_error);
  EXPECT_TRUE(e->notes.empty());
}

// The same identity on a larger sample, against the textbook formula computed here.
TEST(DrawEstimate, EqualWeightVarianceMatchesTheSrsworFormulaOnALargerSample) {
  const uint64_t big_n = 500, n = 37;
  std::vector<int> outcomes;
  for (uint64_t i = 0; i < n; ++i) outcomes.push_back((i * i + 3 * i) % 7 < 2 ? 1 : 0);
  double mean = 0;
  for (int o : outcomes) mean += o;
  mean /= static_cast<double>(n);
  double s2 = 0;
  for (int o : outcomes) s2 += (o - mean) * (o - mean);
  s2 /= static_cast<double>(n - 1);
  const double f = static_cast<double>(n) / static_cast<double>(big_n);
  const double srswor = static_cast<double>(big_n * big_n) * (1 - f) * s2 / static_cast<double>(n);

  auto e = EstimateViolationShare({{"x", {{3, big_n}}, n}}, Units("x", 3, outcomes));
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e->share, mean, 1e-12);
  const double v = std::pow(e->std_error * static_cast<double>(big_n), 2);
  EXPECT_NEAR(v / srswor, 1.0, 1e-12);
}

TEST(DrawEstimate, ACensusHasNoSamplingError) {
  const std::vector<StratumDesign> design = {{"c/C", {{1, 2}, {3, 2}}, 4}};
  auto e = EstimateViolationShare(design, [] {
    auto v = Units("c/C", 1, {1, 0});
    auto w = Units("c/C", 3, {1, 1});
    v.insert(v.end(), w.begin(), w.end());
    return v;
  }());
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->strata[0].exact_design);
  EXPECT_EQ(e->strata[0].share, 0.75);
  EXPECT_EQ(e->strata[0].std_error, 0.0);
  EXPECT_EQ(e->strata[0].ci_low, 0.75);
  EXPECT_EQ(e->strata[0].ci_high, 0.75);
  EXPECT_EQ(e->std_error, 0.0);
}

// Strata are independent: totals and variances add. Stratum "a": N 10, n 4, 3 violations
// (total 7.5, V 3.75); stratum "c": a census of 4 with 1 violation (total 1, V 0).
TEST(DrawEstimate, OverallAddsStratumTotalsAndVariances) {
  const std::vector<StratumDesign> design = {{"a", {{1, 10}}, 4}, {"c", {{2, 4}}, 4}};
  auto sample = Units("a", 1, {1, 0, 1, 1});
  auto c = Units("c", 2, {0, 1, 0, 0});
  sample.insert(sample.end(), c.begin(), c.end());
  auto e = EstimateViolationShare(design, sample);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->population, 14u);
  EXPECT_EQ(e->drawn, 8u);
  EXPECT_EQ(e->observed, 8u);
  EXPECT_EQ(e->violations, 4u);
  EXPECT_NEAR(e->share, 8.5 / 14, 1e-15);
  EXPECT_NEAR(e->std_error, std::sqrt(3.75) / 14, 1e-15);
  EXPECT_NEAR(e->ci_low, 8.5 / 14 - 1.959963984540054 * std::sqrt(3.75) / 14, 1e-12);
  EXPECT_NEAR(e->ci_high, 8.5 / 14 + 1.959963984540054 * std::sqrt(3.75) / 14, 1e-12);
}

// --- non-response ---

// N 20, n 5, one drawn target closed: the 4 outcomes (1, 1, 0, 0) stand for the 5, so
// pi' = 5/20 · 4/5 = 1/5, the total is 2 · 5 = 10 (share 1/2), and the variance is that of
// 4 drawn from 20: 400 · (1 - 4/20) · (1/3) / 4 = 80/3.
TEST(DrawEstimate, NonResponseIsReweightedWithinTheStratum) {
  const std::vector<StratumDesign> design = {{"a", {{1, 20}}, 5}};
  auto e = EstimateViolationShare(design, Units("a", 1, {1, -1, 1, 0, 0}));
  ASSERT_TRUE(e.ok());
  const StratumEstimate& s = e->strata[0];
  EXPECT_EQ(s.drawn, 5u);
  EXPECT_EQ(s.observed, 4u);
  EXPECT_EQ(s.violations, 2u);
  EXPECT_NEAR(s.share, 0.5, 1e-15);
  EXPECT_NEAR(s.std_error, std::sqrt(80.0 / 3) / 20, 1e-15);
  EXPECT_TRUE(HasNoteWith(*e, "stratum \"a\": 1 of 5 drawn targets have no outcome"));

  // A drawn target missing from the sample is the same as one without an outcome.
  auto missing = EstimateViolationShare(design, Units("a", 1, {1, 1, 0, 0}));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->strata[0].share, s.share);
  EXPECT_EQ(missing->strata[0].std_error, s.std_error);
}

// A census of 4 (weights 1 to 4) with the weight-4 target unreachable: pi' = 3/4 for the
// others, outcomes 1, 0, 1, so the total is 2 / (3/4) = 8/3 (share 2/3) and the variance
// 3/2 · 1/4 · Σ(y/pi' - 8/9)² = 4/9 (SE 1/6), as for 3 drawn at random from 4.
TEST(DrawEstimate, NonResponseInACensusWithUnequalWeights) {
  const std::vector<StratumDesign> design = {{"c/C", {{1, 1}, {2, 1}, {3, 1}, {4, 1}}, 4}};
  std::vector<SampledUnit> sample = {
      {"c/C", 1, true, true},
      {"c/C", 2, true, false},
      {"c/C", 3, true, true},
      {"c/C", 4, false, true}};  // no outcome: the violation flag is ignored
  auto e = EstimateViolationShare(design, sample);
  ASSERT_TRUE(e.ok());
  const StratumEstimate& s = e->strata[0];
  EXPECT_TRUE(s.exact_design);
  EXPECT_EQ(s.violations, 2u);
  EXPECT_NEAR(s.share, 2.0 / 3, 1e-15);
  EXPECT_NEAR(s.std_error, 1.0 / 6, 1e-15);
}

TEST(DrawEstimate, AStratumWithNoOutcomeHasNoEstimateAndIsLeftOutOfTheOverall) {
  const std::vector<StratumDesign> design = {{"a", {{1, 10}}, 4}, {"b", {{1, 30}}, 3}};
  auto sample = Units("a", 1, {1, 0, 1, 1});
  auto b = Units("b", 1, {-1, -1});
  sample.insert(sample.end(), b.begin(), b.end());
  auto e = EstimateViolationShare(design, sample);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->strata.size(), 2u);
  EXPECT_FALSE(e->strata[1].has_estimate);
  EXPECT_EQ(e->strata[1].ci_low, 0.0);
  EXPECT_EQ(e->strata[1].ci_high, 1.0);
  EXPECT_EQ(e->population, 10u);
  EXPECT_EQ(e->share, e->strata[0].share);
  EXPECT_TRUE(HasNoteWith(
      *e, "stratum \"b\": none of 3 drawn targets has an outcome, so no estimate; its 30 targets"));
  EXPECT_FALSE(HasNoteWith(*e, "weighted up"));

  auto none = EstimateViolationShare(design, {});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->population, 0u);
  EXPECT_EQ(none->ci_low, 0.0);
  EXPECT_EQ(none->ci_high, 1.0);
  EXPECT_TRUE(HasNoteWith(*none, "no overall estimate"));
}

TEST(DrawEstimate, ASingleOutcomeHasNoStandardError) {
  auto e = EstimateViolationShare({{"a", {{1, 10}}, 2}}, Units("a", 1, {1, -1}));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->strata[0].std_error_known);
  EXPECT_EQ(e->strata[0].std_error, 0.0);
  EXPECT_NEAR(e->strata[0].share, 1.0, 1e-15);  // 1 / (2/10 · 1/2) / 10
  EXPECT_TRUE(HasNoteWith(*e, "a single outcome, so no standard error"));

  // In a census of one there is nothing to estimate.
  auto one = EstimateViolationShare({{"a", {{1, 1}}, 1}}, Units("a", 1, {1}));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->strata[0].std_error_known);
  EXPECT_TRUE(one->notes.empty());
}

TEST(DrawEstimate, UnequalWeightsAreFlaggedAsAnApproximateDesign) {
  auto e = EstimateViolationShare({{"b", {{1, 50}, {3, 50}}, 10}}, Units("b", 3, {1, 0, 0}));
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->strata[0].exact_design);
  EXPECT_TRUE(HasNoteWith(*e, "stratum \"b\": weights differ"));
}

TEST(DrawEstimate, InconsistentInputsAreInvalidArguments) {
  const std::vector<StratumDesign> design = {{"a", {{1, 10}, {2, 5}}, 2}};
  auto unknown = EstimateViolationShare(design, Units("z", 1, {1}));
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("\"z\""), std::string::npos);
  auto weight = EstimateViolationShare(design, Units("a", 3, {1}));
  EXPECT_EQ(weight.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(weight.status().message().find("weight 3"), std::string::npos);
  auto too_many = EstimateViolationShare(design, Units("a", 1, {1, 0, 1}));
  EXPECT_EQ(too_many.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("3 sampled units but 2 drawn"), std::string::npos);
  auto twice = EstimateViolationShare({design[0], design[0]}, {});
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);
}

TEST(DrawEstimate, DesignOfCountsTheFrozenTargetsByWeight) {
  Population pop;
  pop.targets = {{"C1", "a", 2, ""},
                 {"C2", "b", 1, ""},
                 {"C3", "a", 2, ""},
                 {"C4", "b", 4, ""},
                 {"C5", "b", 1, ""}};
  const std::vector<StratumCount> strata = {{"a", 2, 4, 1}, {"b", 3, 6, 2}};
  const auto design = DesignOf(pop, strata);
  ASSERT_EQ(design.size(), 2u);
  EXPECT_EQ(design[0].key, "a");
  EXPECT_EQ(design[0].weight_counts, (std::map<uint32_t, uint64_t>{{2, 2}}));
  EXPECT_EQ(design[0].drawn, 1u);
  EXPECT_EQ(design[1].key, "b");
  EXPECT_EQ(design[1].weight_counts, (std::map<uint32_t, uint64_t>{{1, 2}, {4, 1}}));
  EXPECT_EQ(design[1].drawn, 2u);
}

// --- the estimate against the real draw, with a known truth ---

// 3500 targets in two strata: "a" (1500, all weight 2, 1 in 5 in violation) and "b" (2000,
// weights 1 to 5, violations far more common among the heavy ones: the blacklisted and the
// complained-about). A 10% ratio task draws 150 + 200. Over 400 seeds the HT estimate must
// average to the truth, its 95% intervals must cover the truth about 95% of the time, and
// the unweighted share of violations among the drawn — which over-samples heavy targets —
// must be visibly biased, so ignoring the weights would fail this test.
TEST(DrawEstimate, HorvitzThompsonIsUnbiasedOverRealDrawsWithKnownTruth) {
  constexpr uint32_t kReps = 400;
  Population pop;
  std::map<std::string, bool, std::less<>> violates;
  uint64_t truth_count = 0, truth_b = 0;
  for (uint32_t i = 0; i < 3500; ++i) {
    char code[16];
    std::snprintf(code, sizeof code, "T%06u", i);
    const bool in_a = i < 1500;
    const uint32_t w = in_a ? 2 : 1 + i % 5;
    // A fixed pseudo-random outcome per target, independent of the draw's keys.
    const uint8_t u = Sha256(AsBytes(std::string("violation ") + code))[0];
    const bool v = in_a ? u < 51u : u < 12 + 40 * (w - 1);  // about 20%; b: 5% .. 67% by weight
    pop.targets.push_back({code, in_a ? "a" : "b", w, ""});
    violates[code] = v;
    truth_count += v ? 1u : 0u;
    truth_b += (v && !in_a) ? 1u : 0u;
  }
  const double truth = static_cast<double>(truth_count) / 3500;
  const double truth_of_b = static_cast<double>(truth_b) / 2000;

  TaskRecord task;
  task.task_id = "T-1";
  task.ratio_bp = 1000;
  const std::vector<StratumDesign> design = DesignOf(pop, ComputeQuotas(task, pop));
  ASSERT_EQ(design.size(), 2u);
  ASSERT_EQ(design[0].drawn, 150u);
  ASSERT_EQ(design[1].drawn, 200u);

  double sum = 0, sum_sq = 0, sum_b = 0, sum_b_sq = 0, naive_sum = 0, se_sum = 0;
  uint32_t covered = 0, covered_b = 0;
  std::map<uint32_t, uint64_t> drawn_by_weight;  // stratum b
  for (uint32_t r = 0; r < kReps; ++r) {
    const std::string index = std::to_string(r);
    const DrawOutcome out = RunDraw(task, pop, Sha256(AsBytes(index)), TeamInputs{}, 1);
    ASSERT_EQ(out.visits.size(), 350u);
    std::vector<SampledUnit> sample;
    uint64_t naive = 0;
    for (const VisitRecord& v : out.visits) {
      const bool bad = violates.find(v.credit_code)->second;
      sample.push_back({v.stratum, v.weight, true, bad});
      naive += bad ? 1u : 0u;
      if (v.stratum == "b") drawn_by_weight[v.weight] += 1;
    }
    auto e = EstimateViolationShare(design, sample);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    const StratumEstimate& b = e->strata[1];
    sum += e->share;
    sum_sq += e->share * e->share;
    sum_b += b.share;
    sum_b_sq += b.share * b.share;
    se_sum += e->std_error;
    naive_sum += static_cast<double>(naive) / 350;
    covered += (e->ci_low <= truth && truth <= e->ci_high) ? 1u : 0u;
    covered_b += (b.ci_low <= truth_of_b && truth_of_b <= b.ci_high) ? 1u : 0u;
  }
  const double reps = kReps;
  const double mean = sum / reps, sd = std::sqrt((sum_sq - reps * mean * mean) / (reps - 1));
  const double mean_b = sum_b / reps;
  const double sd_b = std::sqrt((sum_b_sq - reps * mean_b * mean_b) / (reps - 1));
  const double naive_mean = naive_sum / reps;
  std::printf(
      "truth %.4f: HT mean %.4f (sd %.4f, mean reported SE %.4f), coverage %.3f; naive mean "
      "%.4f\nstratum b truth %.4f: HT mean %.4f (sd %.4f), coverage %.3f\n",
      truth, mean, sd, se_sum / reps, covered / reps, naive_mean, truth_of_b, mean_b, sd_b,
      covered_b / reps);

  EXPECT_LT(std::fabs(mean - truth), 4 * sd / std::sqrt(reps));
  EXPECT_LT(std::fabs(mean_b - truth_of_b), 4 * sd_b / std::sqrt(reps));
  EXPECT_GE(covered / reps, 0.90);
  EXPECT_LE(covered / reps, 0.99);
  EXPECT_GE(covered_b / reps, 0.90);
  EXPECT_LE(covered_b / reps, 0.99);
  // The reported standard error describes the real spread of the estimate.
  EXPECT_NEAR(se_sum / reps / sd, 1.0, 0.15);
  // Unweighted, the heavy targets' violations count too much.
  EXPECT_GT(naive_mean - truth, 10 * sd / std::sqrt(reps));

  // The approximate inclusion probabilities match how often the real draw takes each weight
  // (400 targets of each weight in b), within 4 binomial standard errors.
  for (uint32_t w = 1; w <= 5; ++w) {
    const double pi = InclusionProbability(design[1], w), trials = reps * 400;
    const double seen = static_cast<double>(drawn_by_weight[w]) / trials;
    std::printf("weight %u: drawn %.5f of the time, pi %.5f\n", w, seen, pi);
    EXPECT_NEAR(seen, pi, 4 * std::sqrt(pi * (1 - pi) / trials)) << "weight " << w;
  }
}

}  // namespace
}  // namespace suiji::draw
