// Who may be drawn for a task: the eligible targets (scope, credit rules R8, frequency limits
// R7, merging R10) with their stratum and integer weight, and the eligible inspectors and
// experts (R9) — computed from the directory and the visit history at one ledger position.
// Also the frozen lists' leaf lines and their RFC 6962 Merkle roots.
//
// Pure and deterministic: the node computes it at the freeze, the verifier recomputes it
// from the log. docs/draw-protocol.md §2 is the normative description.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/directory/fold.h"
#include "ledger/core/directory/reader.h"
#include "ledger/core/draw/records.h"

namespace suiji::draw {

// One earlier visit of a target, folded from DrawResult events of draws not cancelled.
struct PastVisit {
  std::string draw_id;
  std::string task_id;
  uint16_t year = 0;
  std::string window_start;
  std::string window_end;
  std::vector<std::string> items;
  std::vector<std::string> team;  // for a merged visit: the team of the visit it joined
  std::string merged_into;        // non-empty: joined an earlier visit (not a visit of its own)
};
using VisitHistory = std::map<std::string, std::vector<PastVisit>, std::less<>>;  // by code

struct EligibleTarget {
  std::string credit_code;
  std::string stratum;
  uint32_t weight = 1;
  std::string merge_into;  // draw id of an earlier visit in an overlapping window, if any
  bool operator==(const EligibleTarget&) const = default;
};

struct EligibleInspector {
  std::string inspector_id;
  bool specialist = true;  // holds a required specialty (true when none is required)
  bool operator==(const EligibleInspector&) const = default;
};

// The frozen populations, each sorted by identity (byte order).
struct Population {
  std::vector<EligibleTarget> targets;
  std::vector<EligibleInspector> inspectors;
  std::vector<EligibleInspector> experts;
};

// Why a target in the task's scope was left out (for reports; not part of the protocol).
struct ExclusionCounts {
  uint64_t out_of_scope = 0;
  uint64_t grade_a = 0;
  uint64_t star = 0;
  uint64_t max_per_year = 0;
  uint64_t repeat_item = 0;
  uint64_t directed_filter = 0;
};

// `plan_year` is the year of the task's plan; `jurisdiction` the region of the task's org
// (the default inspector region).
Population ComputeEligibility(const TaskRecord& task, uint16_t plan_year,
                              std::string_view jurisdiction,
                              const directory::MemoryDirectory& dir, const VisitHistory& visits,
                              ExclusionCounts* excluded = nullptr);
// The same over any directory (an LMDB projection's, at the freeze's position) and a lookup
// of a target's visit history (nullptr: none; the pointer is read before the next call).
// Reads only the targets of the task's regions (DirectoryReader::ForEachTargetIn); targets
// not passed count as out of scope.
using VisitsOf = std::function<const std::vector<PastVisit>*(std::string_view code)>;
Population ComputeEligibility(const TaskRecord& task, uint16_t plan_year,
                              std::string_view jurisdiction,
                              const directory::DirectoryReader& dir, const VisitsOf& visits_of,
                              ExclusionCounts* excluded = nullptr);

// The stratum key of a target under `task` (before the "/C" suffix of grade C strata).
std::string StratumOf(const TaskRecord& task, const directory::TargetRecord& t);

// Leaf lines (docs/draw-protocol.md §2.4): fields joined by 0x1F, no trailing newline.
std::string TargetLeaf(const EligibleTarget& t);
std::string InspectorLeaf(const EligibleInspector& i);
std::string ExpertLeaf(const EligibleInspector& i);
// Every leaf line of a population, each followed by "\n": targets, inspectors, experts (what
// `suiji draw frozen` prints and GET /api/v1/draws/{id}/frozen serves).
std::string LeafLines(const Population& p);

struct PopulationRoots {
  Hash targets{};
  Hash inspectors{};
  Hash experts{};
};
// RFC 6962 roots over LeafHash(line) in list order, hashing on up to `threads` threads.
PopulationRoots RootsOf(const Population& p, unsigned threads = 0);

// RFC 6962 root of leaf hashes (consumes them; computed level by level in place).
Hash RootOfLeafHashes(std::vector<Hash> level, unsigned threads = 0);

// Dates "YYYY-MM-DD": `date` moved by `years` (29 February becomes 28 February).
std::string AddYears(std::string_view date, int years);

}  // namespace suiji::draw
