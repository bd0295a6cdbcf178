// Horvitz–Thompson estimates from a draw (R16): the share of employers in violation, per
// stratum and overall, with a 95% confidence interval. A draw states its design — each
// stratum's frozen population by weight and its quota — so every drawn target's inclusion
// probability is known (exactly for equal weights and for a census, closely approximated
// for unequal weights), and weighting each outcome by its inverse gives an unbiased
// estimate even though heavier targets (blacklisted, complained about) are drawn more often.
//
// Pure and deterministic, no I/O. Floating point is fine here: this is a report computed
// after the draw, never an input to it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/status.h"

namespace suiji::draw {

// One stratum of a draw as frozen: how many eligible targets have each integer weight, and
// how many were drawn from it (the stratum's quota; more than the population reads as the
// population). A weight of 0 reads as 1, as in RankKey.
struct StratumDesign {
  std::string key;
  std::map<uint32_t, uint64_t> weight_counts;  // weight -> number of eligible targets
  uint64_t drawn = 0;
};

// The design of a draw from its frozen population and its strata (DrawOutcome::strata,
// FreezeRecord::strata or part 0 of the result): one StratumDesign per entry of `strata`, in
// that order, with the targets of `pop` counted by weight and the quota as `drawn`.
std::vector<StratumDesign> DesignOf(const Population& pop, const std::vector<StratumCount>& strata);

// Inclusion probability of a target of `weight` in stratum `s`: 0 when nothing is drawn, 1
// when `drawn` >= the population, exactly drawn / population when all weights are equal.
//
// Unequal weights: the draw is order sampling. A target's rank key, the least of w
// uniforms, is a monotone transform of an exponential variable of rate w (-ln(1 - min) ~
// Exp(w)), and the `drawn` least keys are taken — successive sampling, the
// Efraimidis–Spirakis draw. Its inclusion probabilities have no closed form; this returns
// the standard approximation for successive sampling (Rosén 1972), pi(w) = 1 - exp(-w·tau),
// where tau solves Σ_i (1 - exp(-w_i·tau)) = drawn (by bisection, a fixed computation, so
// the same inputs give the same bits). Its error shrinks as the stratum grows: against
// 10,000 real draws of 200 from 2,000 targets of weights 1-5 it was within 0.3% for every
// weight (tests/core/draw_estimate_test.cc checks 400).
double InclusionProbability(const StratumDesign& s, uint32_t weight);

// One drawn target and what its inspection found. `observed` is false when the visit gave
// no usable outcome (employer closed or unreachable, visit cancelled); then `violation` is
// ignored.
struct SampledUnit {
  std::string stratum;
  uint32_t weight = 1;
  bool observed = true;
  bool violation = false;
};

struct StratumEstimate {
  std::string key;
  uint64_t population = 0;
  uint64_t drawn = 0;       // min(design drawn, population)
  uint64_t observed = 0;    // drawn targets with an outcome
  uint64_t violations = 0;  // among the observed
  double share = 0;         // HT total / population; may exceed 1 with unequal weights
  double std_error = 0;
  double ci_low = 0;  // share ± 1.96 std_error, clipped to [0, 1]
  double ci_high = 0;
  bool exact_design = true;     // false: inclusion probabilities approximated (unequal weights)
  bool has_estimate = true;     // false: nothing observed; share 0, CI [0, 1], not in the overall
  bool std_error_known = true;  // false: 1 observed unit and not a census; SE taken as 0
};

struct ShareEstimate {
  std::vector<StratumEstimate> strata;  // in the order of the design
  // Over the strata with an estimate (the notes name any left out); strata are independent,
  // so totals and variances add.
  uint64_t population = 0;
  uint64_t drawn = 0;
  uint64_t observed = 0;
  uint64_t violations = 0;
  double share = 0;
  double std_error = 0;
  double ci_low = 0;
  double ci_high = 0;
  // Caveats in words, for the published report: approximated designs, non-response and how
  // it was handled, strata without an estimate or a standard error.
  std::vector<std::string> notes;
};

// The estimate from the outcomes of a draw's visits.
//
// Per stratum h, with N_h targets, n_h drawn and r_h observed:
// - Non-response is handled by reweighting within the stratum, pi_i' = pi_i · r_h / n_h:
//   units are assumed to respond alike within a stratum (a note says so). Drawn units
//   missing from `sample` count as not observed. With equal weights this is simple random
//   sampling of r_h from N_h.
// - The HT total is Y_h = Σ y_i / pi_i' over the observed units, the share Y_h / N_h.
// - Variance: the Hájek–Deville approximation for high-entropy designs,
//   V_h = r/(r-1) · Σ (1 - pi_i')(y_i/pi_i' - A)², A = Σ (1 - pi_i') y_i/pi_i' / Σ (1 - pi_i'),
//   which for equal weights is exactly the SRSWOR N²(1 - f)s²/n; 0 for a census.
// - 95% interval: share ± 1.959964 · SE (normal), clipped to [0, 1].
// Overall: share = Σ Y_h / Σ N_h and V = Σ V_h over the strata with an observed unit.
//
// Errors: InvalidArgument if two design strata share a key, if a unit names a stratum not in
// the design or a weight the stratum has no target of, or if a stratum has more units in
// `sample` than were drawn from it.
StatusOr<ShareEstimate> EstimateViolationShare(const std::vector<StratumDesign>& design,
                                               const std::vector<SampledUnit>& sample);

}  // namespace suiji::draw
