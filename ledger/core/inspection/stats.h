// Statistics of random inspections (R16): how much of each eligible population the draws
// covered (by region, industry and credit grade), what the published results found, how the
// deadlines stand, and — because every draw states its design, so each drawn target's
// inclusion probability is known — a Horvitz–Thompson estimate of the share of employers in
// violation per stratum and per draw, with a 95% interval (ledger/core/draw/estimate.h).
//
// InspectionStats is a pure fold of the whole log. The attributes a coverage table needs
// (region, industry, grade of each eligible target) are those in the directory at the
// freeze, not today's: just before a DrawFrozen entry is applied, the fold recomputes the
// draw's eligible population exactly as the node did (DrawWorld::Freeze at that position),
// checks it against the counts the event states, and remembers each eligible target's
// attributes and the draw's design. A later directory change (a re-graded or moved
// employer) therefore never rewrites an old draw's coverage.
//
// Counts are per draw: an employer eligible for two tasks counts in both. Only live drawn
// (resulted) draws are reported; cancelled and superseded draws are left out.
//
// Lifetime: owns its InspectionWorld. Not thread-safe. Memory: beside the world, one entry
// per eligible target of every draw frozen so far (its credit code and three interned
// attribute indices, about 100 bytes), so a 1M-target draw costs about 100 MB.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/core/draw/estimate.h"
#include "ledger/core/inspection/deadlines.h"
#include "ledger/core/inspection/state.h"

namespace suiji::inspection {

struct Coverage {
  uint64_t eligible = 0;
  uint64_t drawn = 0;
  // drawn / eligible; 0 when nothing was eligible.
  double ratio() const {
    return eligible == 0 ? 0.0 : static_cast<double>(drawn) / static_cast<double>(eligible);
  }
};
using CoverageBy = std::map<std::string, Coverage, std::less<>>;

// Coverage of one draw, or summed over draws. Keys: GB/T 2260 region codes, GB/T 4754
// industry classes as recorded ("3411") and their sections ("C"; "?" when unknown), credit
// grades "A", "B", "C" and "-" for none.
struct CoverageTables {
  Coverage total;
  CoverageBy by_region;
  CoverageBy by_industry;
  CoverageBy by_industry_section;
  CoverageBy by_grade;
};

// What the results say. Outcome and handling counts are over published results as they
// stand now (the last correction, else the published revision): outcomes per item result,
// handling per violation's handling entry.
struct OutcomeCounts {
  uint64_t visits = 0;            // drawn visits
  uint64_t recorded = 0;          // visits with a result recorded (any state)
  uint64_t published = 0;         // of which published
  uint64_t corrected = 0;         // published results with at least one correction
  uint64_t with_violation = 0;    // published results finding a violation in any item
  uint64_t observed = 0;          // published results with an item not Unobserved
  std::map<ResultState, uint64_t> by_state;  // recorded results by workflow state
  std::map<Outcome, uint64_t> by_outcome;    // item results
  std::map<Handling, uint64_t> by_handling;  // handling entries of violations
  uint64_t no_penalty = 0;        // violations on the no-penalty list (R17)
  uint64_t fines_yuan = 0;        // sum of fines
  uint64_t transfers = 0;         // CaseTransferred events on these visits
  uint64_t reevaluations = 0;     // CreditReevaluated events on these visits
};

struct DeadlineCounts {
  uint64_t met = 0;
  uint64_t late = 0;
  uint64_t open = 0;
  uint64_t overdue = 0;
  uint64_t no_calendar = 0;
};
using DeadlinesByKind = std::map<DeadlineKind, DeadlineCounts>;

struct DrawStats {
  std::string draw_id;
  std::string task_id;
  std::string org_id;
  std::string title;  // the task's
  CoverageTables coverage;
  OutcomeCounts outcomes;
  DeadlinesByKind deadlines;
  // The HT estimate from the published results (visits without one are non-response);
  // absent with the reason in `estimate_error` when it cannot be computed.
  std::optional<draw::ShareEstimate> estimate;
  std::string estimate_error;
  std::vector<std::string> notes;
};

struct StatsReport {
  std::string today;
  uint64_t entries = 0;  // log entries folded
  std::vector<DrawStats> draws;  // by draw id
  // Sums over the reported draws.
  CoverageTables coverage;
  OutcomeCounts outcomes;
  std::map<std::string, DeadlinesByKind, std::less<>> deadlines;  // by org (the task's bureau)
  std::vector<std::string> notes;
};

// Where a report's deadlines come from: calls `each` for every deadline of every live drawn
// draw as of the report's day, in ForEachDeadline's order (inspection::ForEachDeadline over an
// InspectionWorld, or over the inspections projection once it holds them).
using DeadlineSource = std::function<void(const std::function<void(Deadline&&)>& each)>;

class InspectionStats {
 public:
  // Statistics that fold their own InspectionWorld.
  InspectionStats() = default;
  // Statistics over a world their owner folds (a node keeps one world for all its readers):
  // Apply(e) must come right after `world` has folded e. `world` must outlive them.
  explicit InspectionStats(const InspectionWorld& world) : shared_(&world) {}

  // Folds one entry (any type), in log order from entry 0. Errors are the world's (a log
  // the fold refuses cannot be reported on).
  Status Apply(const EntryView& e);

  // The report as of `today` ("YYYY-MM-DD", for deadlines). With `draw_id`, only that draw
  // (and sums over it alone); kNotFound if it is not a live drawn draw.
  StatusOr<StatsReport> Report(std::string_view today, std::string_view draw_id = {}) const;
  // The same with the deadlines from `deadlines` instead of this fold's world.
  StatusOr<StatsReport> Report(std::string_view today, std::string_view draw_id,
                               const DeadlineSource& deadlines) const;

  const InspectionWorld& world() const { return shared_ != nullptr ? *shared_ : own_; }
  uint64_t entries() const { return entries_; }

 private:
  // A target's attributes at the freeze, as indices into the interned strings.
  struct Attributes {
    uint32_t region = 0;
    uint32_t industry = 0;
    uint32_t grade = 0;
  };
  struct FrozenDraw {
    std::unordered_map<std::string, Attributes> targets;  // by credit code
    std::vector<draw::StratumDesign> design;               // from the freeze's quotas
    bool population_matches = true;  // the recomputed population agrees with the event
    std::string mismatch;
  };

  uint32_t Intern(const std::string& s);
  Status NoteFreeze(const EntryView& e);
  DrawStats StatsOf(const draw::DrawInfo& d, const FrozenDraw* frozen) const;

  InspectionWorld own_;  // unused with a shared world
  const InspectionWorld* shared_ = nullptr;
  uint64_t entries_ = 0;
  std::map<std::string, FrozenDraw, std::less<>> frozen_;  // by draw id
  std::vector<std::string> strings_;
  std::unordered_map<std::string, uint32_t> string_ids_;
};

// The pieces both reports (this fold's and the stats projection's, projections/
// stats_projection.h) are built from, so they agree byte for byte.
// A coverage key: the grade ("-" for none); the industry's GB/T 4754 section ("?" unknown).
std::string GradeKey(const std::string& grade);
std::string SectionKey(std::string_view industry);
// Adds (eligible, drawn) to by[key].
void AddCoverage(CoverageBy& by, const std::string& key, uint64_t eligible, uint64_t drawn);
void AddTables(CoverageTables& to, const CoverageTables& from);
void AddOutcomes(OutcomeCounts& to, const OutcomeCounts& from);
// The published result as it stands now (the last correction, else the published
// revision); nullptr before publication.
const ResultRecord* CurrentPublished(const ResultInfo& r);
// True if an item's outcome is not Unobserved.
bool HasObservedItem(const ResultRecord& r);
// Counts the deadlines of the report's draws into them and into rep.deadlines by org, and
// adds the note on sums over several draws.
void FinishReport(StatsReport& rep, const DeadlineSource& deadlines);

// A draw's visits as the sample of draw::EstimateViolationShare: each visit, observed when its published result (as corrected) has an item whose outcome
// is not Unobserved, in violation when AnyViolation; visits without a published result are
// non-response.
std::vector<draw::SampledUnit> SampleOf(const InspectionWorld& world, const draw::DrawInfo& d);

// The report as JSON (stable English keys; outcome and handling entries carry their
// Chinese labels too).
nlohmann::json ToJson(const StatsReport& r);
nlohmann::json ToJson(const draw::ShareEstimate& e);

}  // namespace suiji::inspection
