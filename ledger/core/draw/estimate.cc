#include "ledger/core/draw/estimate.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace suiji::draw {

namespace {

constexpr double kZ95 = 1.959963984540054;  // the 0.975 quantile of the standard normal

double D(uint64_t v) { return static_cast<double>(v); }

// A stratum's design ready for probabilities: weights read as in RankKey (0 as 1), the
// number drawn capped at the population, and tau solved once.
struct Prepared {
  std::map<uint32_t, uint64_t> counts;  // weight >= 1 -> targets, no zero counts
  uint64_t population = 0;
  uint64_t drawn = 0;
  double tau = 0;  // only for unequal weights with 0 < drawn < population

  bool Census() const { return drawn >= population; }
  bool EqualWeights() const { return counts.size() <= 1; }
  bool Exact() const { return Census() || drawn == 0 || EqualWeights(); }
};

// Σ_w c_w (1 - exp(-w·tau)): the expected sample size of the Poisson approximation.
double ExpectedSize(const std::map<uint32_t, uint64_t>& counts, double tau) {
  double sum = 0;
  for (const auto& [w, c] : counts) sum += D(c) * -std::expm1(-static_cast<double>(w) * tau);
  return sum;
}

// tau with ExpectedSize(tau) = n, for 0 < n < population. ExpectedSize increases from 0 to
// the population, so a doubling bracket and bisection to the last representable double find
// it; the fixed sequence of operations makes the result reproducible.
double SolveTau(const std::map<uint32_t, uint64_t>& counts, uint64_t n) {
  const double target = D(n);
  double lo = 0, hi = 1;
  while (ExpectedSize(counts, hi) < target) {
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (ExpectedSize(counts, mid) < target ? lo : hi) = mid;
  }
  return lo + (hi - lo) / 2;
}

Prepared Prepare(const StratumDesign& s) {
  Prepared p;
  for (const auto& [w, c] : s.weight_counts) {
    if (c == 0) continue;
    p.counts[std::max<uint32_t>(w, 1)] += c;
    p.population += c;
  }
  p.drawn = std::min(s.drawn, p.population);
  if (!p.Exact()) p.tau = SolveTau(p.counts, p.drawn);
  return p;
}

double Pi(const Prepared& p, uint32_t weight) {
  if (p.drawn == 0) return 0;
  if (p.Census()) return 1;
  weight = std::max<uint32_t>(weight, 1);
  if (p.EqualWeights() && p.counts.begin()->first == weight) return D(p.drawn) / D(p.population);
  // Unequal weights, or a weight foreign to an equal-weight stratum: pi = 1 - exp(-w·tau).
  const double tau = p.EqualWeights()
                         ? -std::log1p(-D(p.drawn) / D(p.population)) / p.counts.begin()->first
                         : p.tau;
  return -std::expm1(-static_cast<double>(weight) * tau);
}

void Interval(double share, double se, double* low, double* high) {
  *low = std::clamp(share - kZ95 * se, 0.0, 1.0);
  *high = std::clamp(share + kZ95 * se, 0.0, 1.0);
}

std::string Quoted(std::string_view key) { return "stratum \"" + std::string(key) + "\""; }

}  // namespace

std::vector<StratumDesign> DesignOf(const Population& pop,
                                    const std::vector<StratumCount>& strata) {
  std::map<std::string_view, std::map<uint32_t, uint64_t>> counts;
  for (const EligibleTarget& t : pop.targets) counts[t.stratum][t.weight] += 1;
  std::vector<StratumDesign> design;
  design.reserve(strata.size());
  for (const StratumCount& s : strata) {
    StratumDesign d;
    d.key = s.key;
    if (auto it = counts.find(s.key); it != counts.end()) d.weight_counts = it->second;
    d.drawn = s.quota;
    design.push_back(std::move(d));
  }
  return design;
}

double InclusionProbability(const StratumDesign& s, uint32_t weight) {
  return Pi(Prepare(s), weight);
}

StatusOr<ShareEstimate> EstimateViolationShare(const std::vector<StratumDesign>& design,
                                               const std::vector<SampledUnit>& sample) {
  std::map<std::string_view, size_t> index;
  std::vector<Prepared> prepared;
  prepared.reserve(design.size());
  for (size_t h = 0; h < design.size(); ++h) {
    if (!index.emplace(design[h].key, h).second) {
      return InvalidArgument("design lists " + Quoted(design[h].key) + " twice");
    }
    prepared.push_back(Prepare(design[h]));
  }
  std::vector<std::vector<const SampledUnit*>> units(design.size());
  for (const SampledUnit& u : sample) {
    auto it = index.find(u.stratum);
    if (it == index.end()) {
      return InvalidArgument("a sampled unit names " + Quoted(u.stratum) +
                             ", which is not in the design");
    }
    const Prepared& p = prepared[it->second];
    if (p.counts.find(std::max<uint32_t>(u.weight, 1)) == p.counts.end()) {
      return InvalidArgument("a sampled unit of " + Quoted(u.stratum) + " has weight " +
                             std::to_string(u.weight) + ", which no target of it has");
    }
    units[it->second].push_back(&u);
  }

  ShareEstimate out;
  double total = 0, variance = 0;
  for (size_t h = 0; h < design.size(); ++h) {
    const Prepared& p = prepared[h];
    const std::vector<const SampledUnit*>& us = units[h];
    StratumEstimate e;
    e.key = design[h].key;
    e.population = p.population;
    e.drawn = p.drawn;
    e.exact_design = p.Exact();
    if (us.size() > p.drawn) {
      return InvalidArgument(Quoted(e.key) + " has " + std::to_string(us.size()) +
                             " sampled units but " + std::to_string(p.drawn) + " drawn");
    }
    for (const SampledUnit* u : us) {
      if (!u->observed) continue;
      e.observed += 1;
      if (u->violation) e.violations += 1;
    }
    if (!e.exact_design) {
      out.notes.push_back(Quoted(e.key) +
                          ": weights differ, so inclusion probabilities are approximated "
                          "(1 - exp(-w·tau), order sampling)");
    }
    if (e.observed == 0) {
      e.has_estimate = false;
      e.ci_high = 1;
      out.notes.push_back(
          Quoted(e.key) + ": " +
          (e.drawn == 0 ? std::string("nothing drawn")
                        : "none of " + std::to_string(e.drawn) + " drawn targets has an outcome") +
          ", so no estimate; its " + std::to_string(e.population) +
          " targets are left out of the overall estimate");
      out.strata.push_back(std::move(e));
      continue;
    }
    if (e.observed < e.drawn) {
      out.notes.push_back(Quoted(e.key) + ": " + std::to_string(e.drawn - e.observed) + " of " +
                          std::to_string(e.drawn) +
                          " drawn targets have no outcome; the others are weighted up "
                          "assuming targets in a stratum respond alike");
    }

    // Inclusion probabilities adjusted for non-response, and the HT total.
    const double response = D(e.observed) / D(e.drawn);
    std::vector<std::pair<double, double>> pi_y;  // (pi', y) of the observed units
    pi_y.reserve(e.observed);
    double y_total = 0;
    for (const SampledUnit* u : us) {
      if (!u->observed) continue;
      const double pi = e.observed == e.drawn ? Pi(p, u->weight) : Pi(p, u->weight) * response;
      const double y = u->violation ? 1.0 : 0.0;
      pi_y.emplace_back(pi, y);
      y_total += y / pi;
    }

    // Hájek–Deville variance; certainty units (pi' = 1) add nothing.
    double v = 0, slack = 0, a = 0;
    for (const auto& [pi, y] : pi_y) {
      slack += 1 - pi;
      a += (1 - pi) * y / pi;
    }
    if (slack > 0) {
      if (e.observed < 2) {
        e.std_error_known = false;
        out.notes.push_back(Quoted(e.key) + ": a single outcome, so no standard error; taken as 0");
      } else {
        a /= slack;
        for (const auto& [pi, y] : pi_y) v += (1 - pi) * (y / pi - a) * (y / pi - a);
        v *= D(e.observed) / D(e.observed - 1);
      }
    }
    e.share = y_total / D(e.population);
    e.std_error = std::sqrt(v) / D(e.population);
    Interval(e.share, e.std_error, &e.ci_low, &e.ci_high);

    total += y_total;
    variance += v;
    out.population += e.population;
    out.drawn += e.drawn;
    out.observed += e.observed;
    out.violations += e.violations;
    out.strata.push_back(std::move(e));
  }
  if (out.population == 0) {
    out.ci_high = 1;
    out.notes.push_back("no stratum has an outcome: no overall estimate");
    return out;
  }
  out.share = total / D(out.population);
  out.std_error = std::sqrt(variance) / D(out.population);
  Interval(out.share, out.std_error, &out.ci_low, &out.ci_high);
  return out;
}

}  // namespace suiji::draw
