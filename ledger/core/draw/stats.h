// Goodness of fit for the verifier's fairness report: Pearson's chi-square over groups of
// cells (each group a stratum of one draw: observed selections against expectation), and its
// p-value. Floating point is fine here: this is a report, not part of the draw.
#pragma once

#include <cstddef>
#include <vector>

namespace suiji::draw {

struct Cell {
  double observed = 0;
  double expected = 0;
};

struct ChiSquare {
  double statistic = 0;
  double df = 0;
  double p_value = 1;
  size_t cells = 0;  // after pooling
};

// P(X >= x) for X ~ chi-square with `df` degrees of freedom (regularised upper incomplete
// gamma Q(df/2, x/2)). 1 for df <= 0.
double ChiSquarePValue(double x, double df);

// Within each group, cells with expected < 5 are pooled into one; a group then contributes
// (cells - 1) degrees of freedom (its total is fixed by the quota).
ChiSquare ChiSquareTest(const std::vector<std::vector<Cell>>& groups);

}  // namespace suiji::draw
