#include "ledger/core/draw/stats.h"

#include <algorithm>
#include <cmath>

namespace suiji::draw {

namespace {

// Series for the regularised lower gamma P(a, x), x < a + 1 (Numerical Recipes §6.2).
double LowerSeries(double a, double x) {
  double sum = 1.0 / a, term = sum;
  for (int n = 1; n < 1000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * 1e-15) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Continued fraction for the regularised upper gamma Q(a, x), x >= a + 1 (Lentz).
double UpperFraction(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 1000; ++i) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

}  // namespace

double ChiSquarePValue(double x, double df) {
  if (df <= 0) return 1;
  if (x <= 0) return 1;
  const double a = df / 2, hx = x / 2;
  return hx < a + 1 ? 1 - LowerSeries(a, hx) : UpperFraction(a, hx);
}

ChiSquare ChiSquareTest(const std::vector<std::vector<Cell>>& groups) {
  ChiSquare r;
  for (const auto& group : groups) {
    std::vector<Cell> cells;
    Cell pooled;
    for (const Cell& c : group) {
      if (c.expected >= 5) {
        cells.push_back(c);
      } else {
        pooled.observed += c.observed;
        pooled.expected += c.expected;
      }
    }
    if (pooled.expected > 0) {
      // A small pool is merged into the smallest remaining cell rather than left below 5.
      if (pooled.expected < 5 && !cells.empty()) {
        Cell& smallest = *std::min_element(
            cells.begin(), cells.end(),
            [](const Cell& a, const Cell& b) { return a.expected < b.expected; });
        smallest.observed += pooled.observed;
        smallest.expected += pooled.expected;
      } else {
        cells.push_back(pooled);
      }
    }
    if (cells.size() < 2) continue;
    for (const Cell& c : cells) {
      r.statistic += (c.observed - c.expected) * (c.observed - c.expected) / c.expected;
    }
    r.df += static_cast<double>(cells.size() - 1);
    r.cells += cells.size();
  }
  r.p_value = ChiSquarePValue(r.statistic, r.df);
  return r;
}

}  // namespace suiji::draw
