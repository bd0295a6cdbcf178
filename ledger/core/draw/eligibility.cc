#include "ledger/core/draw/eligibility.h"

#include <algorithm>
#include <unordered_map>

#include "ledger/core/codes/region.h"
#include "ledger/core/draw/parallel.h"
#include "ledger/core/sha256.h"

namespace suiji::draw {

namespace {

constexpr char kSep = '\x1f';

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool Intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a) {
    if (Contains(b, x)) return true;
  }
  return false;
}

bool StartsWithAny(std::string_view s, const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    if (s.starts_with(p)) return true;
  }
  return false;
}

// Region membership, memoised per distinct region code (a directory has a few thousand).
class RegionScope {
 public:
  explicit RegionScope(std::vector<std::string> scope) : scope_(std::move(scope)) {}
  bool Contains(const std::string& region) {
    auto it = cache_.find(region);
    if (it != cache_.end()) return it->second;
    bool in = false;
    for (const auto& s : scope_) in = in || codes::RegionWithin(region, s);
    cache_.emplace(region, in);
    return in;
  }

 private:
  std::vector<std::string> scope_;
  std::unordered_map<std::string, bool> cache_;
};

bool Overlaps(std::string_view a_start, std::string_view a_end, std::string_view b_start,
              std::string_view b_end) {
  return a_start <= b_end && b_start <= a_end;
}

bool BlacklistActive(const directory::TargetRecord& t, const TaskRecord& task) {
  if (!t.blacklisted) return false;
  if (!t.blacklist_until.empty() && t.blacklist_until < task.window_start) return false;
  if (!t.blacklist_from.empty() && t.blacklist_from > task.window_end) return false;
  return true;
}

}  // namespace

std::string AddYears(std::string_view date, int years) {
  // Not a date (a log written by something else): unchanged, never an exception.
  if (date.size() != 10) return std::string(date);
  int y = 0;
  for (char c : date.substr(0, 4)) {
    if (c < '0' || c > '9') return std::string(date);
    y = y * 10 + (c - '0');
  }
  y += years;
  std::string out = std::to_string(y);
  while (out.size() < 4) out.insert(out.begin(), '0');
  out += date.substr(4);
  if (out.substr(5) == "02-29") {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (!leap) out = out.substr(0, 5) + "02-28";
  }
  return out;
}

std::string StratumOf(const TaskRecord& task, const directory::TargetRecord& t) {
  switch (task.strata_by) {
    case StrataBy::None: return "all";
    case StrataBy::Region: return t.region;
    case StrataBy::City: return t.region.substr(0, 4) + "00";
    case StrataBy::IndustryDivision: return t.industry.substr(0, 2);
  }
  return "all";
}

Population ComputeEligibility(const TaskRecord& task, uint16_t plan_year,
                              std::string_view jurisdiction,
                              const directory::MemoryDirectory& dir, const VisitHistory& visits,
                              ExclusionCounts* excluded) {
  const directory::MemoryDirectoryReader reader(dir);
  return ComputeEligibility(task, plan_year, jurisdiction, reader,
                            [&](std::string_view code) -> const std::vector<PastVisit>* {
                              auto it = visits.find(code);
                              return it == visits.end() ? nullptr : &it->second;
                            },
                            excluded);
}

Population ComputeEligibility(const TaskRecord& task, uint16_t plan_year,
                              std::string_view jurisdiction,
                              const directory::DirectoryReader& dir, const VisitsOf& visits_of,
                              ExclusionCounts* excluded) {
  ExclusionCounts local;
  ExclusionCounts& ex = excluded != nullptr ? *excluded : local;
  Population pop;
  RegionScope scope(task.regions);
  const CreditRules& cr = task.credit;
  const FrequencyRules& fr = task.frequency;
  static const std::vector<PastVisit> kNoVisits;

  const uint64_t passed = dir.ForEachTargetIn(task.regions, [&](const directory::TargetRecord& t) {
    const std::string& code = t.credit_code;
    if (t.status != directory::TargetStatus::Active || !scope.Contains(t.region) ||
        (!task.industries.empty() && !StartsWithAny(t.industry, task.industries)) ||
        t.headcount < task.min_headcount) {
      ++ex.out_of_scope;
      return true;
    }
    const bool blacklisted = BlacklistActive(t, task);
    if (task.directed && ((!task.credit_grades.empty() && !Contains(task.credit_grades,
                                                                     t.credit_grade)) ||
                          (task.blacklisted_only && !blacklisted))) {
      ++ex.directed_filter;
      return true;
    }
    // R8: grade A is not drawn for N years from its grading date (no date: exempt).
    if (t.credit_grade == "A" && cr.grade_a_exempt_years > 0 &&
        (t.grade_date.empty() || AddYears(t.grade_date, cr.grade_a_exempt_years) >
                                     task.window_start)) {
      ++ex.grade_a;
      return true;
    }
    const bool stars = cr.star_threshold > 0 && t.star_level >= cr.star_threshold;
    if (stars && cr.star_policy == StarPolicy::Exempt) {
      ++ex.star;
      return true;
    }
    const bool grade_c = t.credit_grade == "C";
    // R7 frequency and R10 merging, from the visit history.
    const std::vector<PastVisit>* found = visits_of(code);
    const auto& past = found == nullptr ? kNoVisits : *found;
    std::string merge_into;
    uint32_t visits_this_year = 0;
    bool repeat_item = false;
    for (const PastVisit& v : past) {
      if (v.year != plan_year) continue;
      if (v.merged_into.empty()) {
        ++visits_this_year;
        if (merge_into.empty() &&
            Overlaps(v.window_start, v.window_end, task.window_start, task.window_end)) {
          merge_into = v.draw_id;
        }
      }
      for (const auto& item : task.item_ids) repeat_item = repeat_item || Contains(v.items, item);
    }
    if (fr.no_repeat_item_within_year && repeat_item &&
        !(grade_c && cr.grade_c_ignores_no_repeat)) {
      ++ex.repeat_item;
      return true;
    }
    if (merge_into.empty() && visits_this_year >= fr.max_per_year) {
      ++ex.max_per_year;
      return true;
    }
    uint32_t weight = cr.base_weight;
    if (stars && cr.star_policy == StarPolicy::Reduce) weight = 1;
    if (blacklisted) weight *= cr.blacklist_multiplier;
    weight += std::min<uint32_t>(t.complaints, cr.complaint_cap) * cr.complaint_step;
    std::string stratum = StratumOf(task, t);
    if (grade_c && cr.grade_c_ratio_bp > 0) stratum += "/C";
    pop.targets.push_back({code, std::move(stratum), std::max<uint32_t>(weight, 1),
                           std::move(merge_into)});
    return true;
  });
  ex.out_of_scope += dir.TargetCount() - passed;

  const InspectorRequirements& req = task.inspectors;
  RegionScope inspector_scope(req.regions.empty() ? std::vector<std::string>{std::string(
                                                        jurisdiction)}
                                                  : req.regions);
  dir.ForEachInspector([&](const directory::InspectorRecord& i) {
    const std::string& id = i.inspector_id;
    if (i.status != directory::InspectorStatus::Active) return true;
    if (i.auxiliary) {
      if (req.experts > 0 &&
          (req.expert_specialties.empty() || Intersects(i.specialties, req.expert_specialties))) {
        pop.experts.push_back({id, true});
      }
      return true;
    }
    if (!req.domains.empty() && !Intersects(i.domains, req.domains)) return true;
    if (!inspector_scope.Contains(i.region)) return true;
    pop.inspectors.push_back({id, req.specialties.empty() || Intersects(i.specialties,
                                                                         req.specialties)});
    return true;
  });
  return pop;
}

std::string TargetLeaf(const EligibleTarget& t) {
  std::string s;
  s.reserve(64);
  s += 'T';
  s += kSep;
  s += t.credit_code;
  s += kSep;
  s += t.stratum;
  s += kSep;
  s += std::to_string(t.weight);
  s += kSep;
  s += t.merge_into;
  return s;
}

std::string InspectorLeaf(const EligibleInspector& i) {
  std::string s = "I";
  s += kSep;
  s += i.inspector_id;
  s += kSep;
  s += i.specialist ? '1' : '0';
  return s;
}

std::string ExpertLeaf(const EligibleInspector& i) {
  std::string s = "E";
  s += kSep;
  s += i.inspector_id;
  return s;
}

std::string LeafLines(const Population& p) {
  std::string lines;
  for (const auto& t : p.targets) lines += TargetLeaf(t) + "\n";
  for (const auto& i : p.inspectors) lines += InspectorLeaf(i) + "\n";
  for (const auto& e : p.experts) lines += ExpertLeaf(e) + "\n";
  return lines;
}

namespace {

using internal::ParallelRanges;
using internal::ThreadsFor;

// Leaves per chunk when computing a root: a chunk starts at a multiple of 2^14, so its own
// bottom-up root is exactly the tree's node over it (or the carried node for the last,
// partial chunk), and no more than one chunk of leaf hashes per thread is ever held.
constexpr size_t kRootChunk = size_t{1} << 14;

template <typename T, typename LeafFn>
Hash RootOfList(const std::vector<T>& items, LeafFn leaf, unsigned threads) {
  const size_t n = items.size();
  if (n == 0) return EmptyTreeHash();
  const size_t chunks = (n + kRootChunk - 1) / kRootChunk;
  std::vector<Hash> roots(chunks);
  ParallelRanges(chunks, chunks > 1 ? ThreadsFor(threads, n) : 1, [&](size_t b, size_t e) {
    std::vector<Hash> level;
    for (size_t c = b; c < e; ++c) {
      const size_t first = c * kRootChunk, last = std::min(n, first + kRootChunk);
      level.resize(last - first);
      for (size_t i = first; i < last; ++i) level[i - first] = LeafHash(AsBytes(leaf(items[i])));
      roots[c] = RootOfLeafHashes(std::move(level), 1);
      level = {};
    }
  });
  return RootOfLeafHashes(std::move(roots), 1);
}

}  // namespace

Hash RootOfLeafHashes(std::vector<Hash> level, unsigned threads) {
  if (level.empty()) return EmptyTreeHash();
  // Pairing bottom-up and carrying an odd last node up unchanged builds exactly the RFC 6962
  // tree (its left subtrees are the largest perfect ones).
  while (level.size() > 1) {
    const size_t n = level.size(), pairs = n / 2;
    std::vector<Hash> up(pairs + n % 2);
    ParallelRanges(pairs, ThreadsFor(threads, pairs), [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) up[i] = NodeHash(level[2 * i], level[2 * i + 1]);
    });
    if (n % 2 == 1) up[pairs] = level[n - 1];
    level = std::move(up);
  }
  return level[0];
}

PopulationRoots RootsOf(const Population& p, unsigned threads) {
  PopulationRoots r;
  r.targets = RootOfList(p.targets, TargetLeaf, threads);
  r.inspectors = RootOfList(p.inspectors, InspectorLeaf, threads);
  r.experts = RootOfList(p.experts, ExpertLeaf, threads);
  return r;
}

}  // namespace suiji::draw
