#include "ledger/core/draw/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace suiji::draw {
namespace {

// For even df = 2k the upper tail has a closed form: e^(-x/2) Σ_{i<k} (x/2)^i / i!.
double EvenDfTail(double x, int k) {
  double term = 1, sum = 0;
  for (int i = 0; i < k; ++i) {
    if (i > 0) term *= (x / 2) / i;
    sum += term;
  }
  return std::exp(-x / 2) * sum;
}

TEST(DrawStats, ChiSquarePValueMatchesTableCriticalValues) {
  // Critical values from the standard chi-square table.
  EXPECT_NEAR(ChiSquarePValue(3.841, 1), 0.05, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(6.635, 1), 0.01, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(10.828, 1), 0.001, 1e-5);
  EXPECT_NEAR(ChiSquarePValue(5.991, 2), 0.05, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(18.307, 10), 0.05, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(23.209, 10), 0.01, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(2.558, 10), 0.99, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(43.773, 30), 0.05, 1e-4);
  EXPECT_NEAR(ChiSquarePValue(124.342, 100), 0.05, 1e-4);
}

TEST(DrawStats, ChiSquarePValueOfZeroOrNoFreedomIsOne) {
  EXPECT_EQ(ChiSquarePValue(0, 1), 1.0);
  EXPECT_EQ(ChiSquarePValue(0, 10), 1.0);
  EXPECT_EQ(ChiSquarePValue(-1, 3), 1.0);
  EXPECT_EQ(ChiSquarePValue(5, 0), 1.0);
  EXPECT_EQ(ChiSquarePValue(5, -2), 1.0);
}

TEST(DrawStats, ChiSquarePValueMatchesTheClosedFormForEvenDegrees) {
  // Both the series (x/2 < df/2 + 1) and the continued fraction (beyond) are exercised.
  for (int k = 1; k <= 6; ++k) {
    for (double x : {0.1, 1.0, 2.0, 3.9, 4.0, 4.1, 2.0 * k + 2 - 1e-9, 2.0 * k + 2, 7.5, 15.0,
                     40.0, 80.0}) {
      const double expected = EvenDfTail(x, k);
      EXPECT_NEAR(ChiSquarePValue(x, 2 * k), expected, 1e-12 + 1e-9 * expected)
          << "x=" << x << " df=" << 2 * k;
    }
  }
  EXPECT_NEAR(ChiSquarePValue(2, 2), std::exp(-1.0), 1e-14);
  EXPECT_NEAR(ChiSquarePValue(10, 2), std::exp(-5.0), 1e-14);
}

TEST(DrawStats, ChiSquarePValueFallsAsTheStatisticGrows) {
  for (double df : {1.0, 3.0, 7.0, 25.0}) {
    double prev = 1.0;
    for (double x = 0.25; x < 100; x += 0.25) {
      const double p = ChiSquarePValue(x, df);
      EXPECT_LE(p, prev + 1e-15) << "x=" << x << " df=" << df;
      EXPECT_GE(p, 0.0);
      prev = p;
    }
  }
}

TEST(DrawStats, ChiSquareTestSumsPearsonTermsWithCellsLessOneFreedom) {
  ChiSquare r = ChiSquareTest({{{12, 10}, {8, 10}}});
  EXPECT_NEAR(r.statistic, 0.8, 1e-12);
  EXPECT_EQ(r.df, 1.0);
  EXPECT_EQ(r.cells, 2u);
  EXPECT_NEAR(r.p_value, ChiSquarePValue(0.8, 1), 1e-15);
  EXPECT_NEAR(r.p_value, 0.3711, 1e-4);
}

TEST(DrawStats, ChiSquareTestAddsGroups) {
  ChiSquare r = ChiSquareTest({{{12, 10}, {8, 10}}, {{30, 20}, {10, 20}, {20, 20}}});
  EXPECT_NEAR(r.statistic, 0.8 + 5 + 5 + 0, 1e-12);
  EXPECT_EQ(r.df, 1.0 + 2.0);
  EXPECT_EQ(r.cells, 5u);
  EXPECT_NEAR(r.p_value, ChiSquarePValue(10.8, 3), 1e-15);
}

TEST(DrawStats, ChiSquareTestPoolsCellsExpectedBelowFive) {
  // {1, 3} and {6, 4} pool into {7, 7}, a cell of its own (expected 7 >= 5).
  ChiSquare r = ChiSquareTest({{{12, 10}, {1, 3}, {8, 10}, {6, 4}}});
  EXPECT_NEAR(r.statistic, 0.4 + 0.4 + 0, 1e-12);
  EXPECT_EQ(r.df, 2.0);
  EXPECT_EQ(r.cells, 3u);
  // A cell of exactly 5 expected is not pooled.
  r = ChiSquareTest({{{7, 5}, {3, 5}}});
  EXPECT_NEAR(r.statistic, 0.8 + 0.8, 1e-12);
  EXPECT_EQ(r.cells, 2u);
}

TEST(DrawStats, ChiSquareTestMergesASmallPoolIntoTheSmallestRemainingCell) {
  // The pool {0, 2} is too small on its own; it joins {8, 10}, the smallest remaining cell:
  // (22-20)²/20 + (8-12)²/12 + (25-30)²/30.
  ChiSquare r = ChiSquareTest({{{22, 20}, {8, 10}, {25, 30}, {0, 2}}});
  EXPECT_NEAR(r.statistic, 4.0 / 20 + 16.0 / 12 + 25.0 / 30, 1e-12);
  EXPECT_EQ(r.df, 2.0);
  EXPECT_EQ(r.cells, 3u);
}

TEST(DrawStats, ChiSquareTestSkipsGroupsLeftWithOneCell) {
  // All small: pooled into one cell (expected 6), nothing to compare.
  ChiSquare r = ChiSquareTest({{{1, 2}, {3, 2}, {0, 2}}});
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.df, 0.0);
  EXPECT_EQ(r.cells, 0u);
  EXPECT_EQ(r.p_value, 1.0);
  // All small and the pool still below five.
  r = ChiSquareTest({{{1, 1}, {2, 1}}});
  EXPECT_EQ(r.df, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  // A single cell, and one group skipped beside one counted.
  r = ChiSquareTest({{{9, 10}}, {{12, 10}, {8, 10}}});
  EXPECT_NEAR(r.statistic, 0.8, 1e-12);
  EXPECT_EQ(r.df, 1.0);
  EXPECT_EQ(r.cells, 2u);
  // Nothing at all.
  r = ChiSquareTest({});
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.df, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
}

TEST(DrawStats, ChiSquareTestOfAPerfectFitHasPValueOne) {
  ChiSquare r = ChiSquareTest({{{10, 10}, {20, 20}, {30, 30}}});
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.df, 2.0);
  EXPECT_EQ(r.p_value, 1.0);
}

}  // namespace
}  // namespace suiji::draw
