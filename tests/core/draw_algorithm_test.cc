#include "ledger/core/draw/algorithm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ledger/core/sha256.h"

namespace suiji::draw {
namespace {

Hash SeedOf(uint32_t n) {
  uint8_t b[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                  static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  return Sha256Parts({AsBytes("test seed"), ByteView(b, 4)});
}

// Big-endian reads and writes written out here, independent of ledger/core/bytes.h.
uint64_t Be64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void AppendBe32(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

void Append(Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
void Append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

// SHA-256("suiji-draw/1 rank" ‖ seed ‖ BE32(block) ‖ code), by hand.
Hash RankBlock(const Hash& seed, std::string_view code, uint32_t block) {
  Bytes idx;
  AppendBe32(idx, block);
  return Sha256Parts({AsBytes("suiji-draw/1 rank"), ByteView(seed), ByteView(idx), AsBytes(code)});
}

// The w uniforms of a target, by hand.
std::vector<uint64_t> Uniforms(const Hash& seed, std::string_view code, uint32_t w) {
  std::vector<uint64_t> u;
  for (uint32_t j = 0; j < w; ++j) {
    Hash h = RankBlock(seed, code, j / 4);
    u.push_back(Be64(h.data() + 8 * (j % 4)));
  }
  return u;
}

std::string Code(size_t i) {
  std::string s = std::to_string(i);
  return "9132040200" + std::string(8 - std::min<size_t>(8, s.size()), '0') + s;
}

// A task in count mode with one stratum, teams of two and two substitutes.
TaskRecord CountTask(uint32_t count) {
  TaskRecord t;
  t.task_id = "T-1";
  t.plan_id = "P-2026";
  t.org_id = "320400";
  t.item_ids = {"LS-01"};
  t.regions = {"320400"};
  t.count = count;
  t.window_start = "2026-06-01";
  t.window_end = "2026-07-31";
  return t;
}

TaskRecord RatioTask(uint16_t bp) {
  TaskRecord t = CountTask(0);
  t.ratio_bp = bp;
  return t;
}

// Targets by stratum: {"a", 5} makes five targets of stratum "a", weight 1 + i % 3.
Population Strata(const std::vector<std::pair<std::string, size_t>>& sizes) {
  Population p;
  size_t n = 0;
  for (const auto& [key, size] : sizes) {
    for (size_t i = 0; i < size; ++i, ++n) {
      p.targets.push_back({Code(n), key, static_cast<uint32_t>(1 + n % 3), ""});
    }
  }
  std::sort(p.targets.begin(), p.targets.end(),
            [](const auto& a, const auto& b) { return a.credit_code < b.credit_code; });
  return p;
}

std::vector<EligibleInspector> People(std::string_view prefix, size_t n,
                                      size_t specialists = SIZE_MAX) {
  std::vector<EligibleInspector> v;
  for (size_t i = 0; i < n; ++i) {
    v.push_back({std::string(prefix) + std::to_string(10 + i), i < specialists});
  }
  return v;
}

std::map<std::string, uint64_t> Quotas(const std::vector<StratumCount>& strata) {
  std::map<std::string, uint64_t> m;
  for (const auto& s : strata) m[s.key] = s.quota;
  return m;
}

bool Has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// --- hashes ---

TEST(DrawAlgorithm, SecretParamsAndCommitmentHashesAreTaggedSha256) {
  const Bytes secret(32, 0x5a);
  Bytes in;
  Append(in, "suiji-draw/1 secret");
  Append(in, secret);
  EXPECT_EQ(SecretHash(secret), Sha256(in));
  EXPECT_NE(SecretHash(secret), Sha256(secret));
  const Bytes payload = {1, 2, 3, 4};
  EXPECT_EQ(ParamsHash(payload), Sha256(payload));
  EXPECT_EQ(CommitmentHash(payload), Sha256(payload));
}

// --- rank keys ---

TEST(DrawAlgorithm, RankKeyIsDeterministicAndKeyedBySeedAndCode) {
  const Hash s1 = SeedOf(1), s2 = SeedOf(2);
  EXPECT_EQ(RankKey(s1, Code(1), 3), RankKey(s1, Code(1), 3));
  EXPECT_NE(RankKey(s1, Code(1), 1), RankKey(s2, Code(1), 1));
  EXPECT_NE(RankKey(s1, Code(1), 1), RankKey(s1, Code(2), 1));
}

TEST(DrawAlgorithm, RankKeyOfWeightOneIsTheFirstEightBytesOfTheKeyedHash) {
  for (uint32_t n = 0; n < 20; ++n) {
    const Hash seed = SeedOf(n);
    const Hash h = RankBlock(seed, Code(n), 0);
    EXPECT_EQ(RankKey(seed, Code(n), 1), Be64(h.data()));
    EXPECT_EQ(RankKey(seed, Code(n), 0), Be64(h.data()));  // weight 0 counts as 1
  }
}

TEST(DrawAlgorithm, RankKeyOfWeightFiveIsTheLeastOfUniformsFromTwoBlocks) {
  for (uint32_t n = 0; n < 50; ++n) {
    const Hash seed = SeedOf(n);
    const std::string code = Code(1000 + n);
    const Hash b0 = RankBlock(seed, code, 0);
    const Hash b1 = RankBlock(seed, code, 1);
    const uint64_t expected = std::min({Be64(b0.data()), Be64(b0.data() + 8),
                                        Be64(b0.data() + 16), Be64(b0.data() + 24),
                                        Be64(b1.data())});
    EXPECT_EQ(RankKey(seed, code, 5), expected);
  }
}

TEST(DrawAlgorithm, RankKeyOfWeightWIsTheLeastOfItsWUniforms) {
  const Hash seed = SeedOf(7);
  for (uint32_t w = 1; w <= 13; ++w) {
    for (size_t i = 0; i < 10; ++i) {
      auto u = Uniforms(seed, Code(i), w);
      EXPECT_EQ(RankKey(seed, Code(i), w), *std::min_element(u.begin(), u.end()))
          << "w=" << w << " i=" << i;
    }
  }
}

TEST(DrawAlgorithm, RankKeyNeverGrowsWithWeight) {
  const Hash seed = SeedOf(9);
  for (size_t i = 0; i < 30; ++i) {
    uint64_t prev = UINT64_MAX;
    for (uint32_t w = 1; w <= 12; ++w) {
      const uint64_t k = RankKey(seed, Code(i), w);
      EXPECT_LE(k, prev);
      prev = k;
    }
  }
}

TEST(DrawAlgorithm, TeamKeyIsTheFirstEightBytesOfTheTaggedHash) {
  const Hash seed = SeedOf(3);
  for (uint32_t load : {0u, 1u, 7u, 65536u}) {
    Bytes l;
    AppendBe32(l, load);
    Hash h = Sha256Parts({AsBytes("suiji-draw/1 team"), ByteView(seed), ByteView(l),
                          AsBytes("I-42")});
    EXPECT_EQ(TeamKey(kTeamTag, seed, "I-42", load), Be64(h.data()));
  }
  EXPECT_NE(TeamKey(kTeamTag, seed, "I-42", 0), TeamKey(kExpertTag, seed, "I-42", 0));
  EXPECT_NE(TeamKey(kTeamTag, seed, "I-42", 0), TeamKey(kTeamTag, seed, "I-42", 1));
}

// Weight-3 targets are drawn about three times as often as weight-1 targets when the sample
// is small against the population. Fixed seeds make it deterministic; the bound is loose.
TEST(DrawAlgorithm, WeightThreeIsDrawnAboutThreeTimesAsOftenAsWeightOne) {
  Population pop;
  for (size_t i = 0; i < 200; ++i) pop.targets.push_back({Code(i), "all", i % 2 == 0 ? 1u : 3u, ""});
  const TaskRecord task = CountTask(5);
  uint64_t light = 0, heavy = 0;
  for (uint32_t s = 0; s < 2000; ++s) {
    DrawOutcome out = RunDraw(task, pop, SeedOf(s), TeamInputs{}, 1);
    ASSERT_EQ(out.visits.size(), 5u);
    for (const auto& v : out.visits) (v.weight == 3 ? heavy : light) += 1;
  }
  ASSERT_EQ(light + heavy, 10000u);
  const double ratio = static_cast<double>(heavy) / static_cast<double>(light);
  EXPECT_GT(ratio, 2.6);
  EXPECT_LT(ratio, 3.4);
}

// --- quotas ---

TEST(DrawAlgorithm, RatioQuotaIsTheCeilingPerStratum) {
  TaskRecord task = RatioTask(1000);  // 10%
  Population pop = Strata({{"a", 7}, {"b", 20}, {"c", 1}, {"d", 25}, {"e", 0}});
  auto strata = ComputeQuotas(task, pop);
  ASSERT_EQ(strata.size(), 4u);
  EXPECT_EQ(Quotas(strata),
            (std::map<std::string, uint64_t>{{"a", 1}, {"b", 2}, {"c", 1}, {"d", 3}}));

  task.ratio_bp = 10000;
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 7}, {"b", 20}, {"c", 1}, {"d", 25}}));
  task.ratio_bp = 1;  // 0.01%: still at least one per non-empty stratum
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}));
}

TEST(DrawAlgorithm, QuotasReportPopulationAndWeightTotalSortedByKey) {
  Population pop;
  pop.targets = {{"C1", "b", 2, ""}, {"C2", "a", 3, ""}, {"C3", "b", 5, ""}, {"C4", "a/C", 1, ""}};
  auto strata = ComputeQuotas(RatioTask(5000), pop);
  ASSERT_EQ(strata.size(), 3u);
  EXPECT_EQ(strata[0], (StratumCount{"a", 1, 3, 1}));
  EXPECT_EQ(strata[1], (StratumCount{"a/C", 1, 1, 1}));
  EXPECT_EQ(strata[2], (StratumCount{"b", 2, 7, 1}));
}

TEST(DrawAlgorithm, CountIsSplitByLargestRemainder) {
  // Shares 0.6, 0.9, 1.5: floors 0, 0, 1; the two extra go to b (.9) then a (.6).
  Population pop = Strata({{"a", 2}, {"b", 3}, {"c", 5}});
  EXPECT_EQ(Quotas(ComputeQuotas(CountTask(3), pop)),
            (std::map<std::string, uint64_t>{{"a", 1}, {"b", 1}, {"c", 1}}));
  // Shares 1.4, 2.1, 3.5: floors 1, 2, 3; the extra goes to c (.5).
  EXPECT_EQ(Quotas(ComputeQuotas(CountTask(7), pop)),
            (std::map<std::string, uint64_t>{{"a", 1}, {"b", 2}, {"c", 4}}));
}

TEST(DrawAlgorithm, LargestRemainderTiesGoToTheSmallerStratumKey) {
  // Shares 1.5 and 1.5: the extra goes to "x1".
  Population pop = Strata({{"x2", 5}, {"x1", 5}});
  EXPECT_EQ(Quotas(ComputeQuotas(CountTask(3), pop)),
            (std::map<std::string, uint64_t>{{"x1", 2}, {"x2", 1}}));
  // Shares 0.5, 1.0, 3.5 (remainders a .5, b 0, c .5): the extra goes to "a".
  Population pop2 = Strata({{"c", 7}, {"b", 2}, {"a", 1}});
  EXPECT_EQ(Quotas(ComputeQuotas(CountTask(5), pop2)),
            (std::map<std::string, uint64_t>{{"a", 1}, {"b", 1}, {"c", 3}}));
}

TEST(DrawAlgorithm, CountAtOrAboveThePopulationTakesEveryone) {
  Population pop = Strata({{"a", 2}, {"b", 3}});
  EXPECT_EQ(Quotas(ComputeQuotas(CountTask(5), pop)),
            (std::map<std::string, uint64_t>{{"a", 2}, {"b", 3}}));
  EXPECT_EQ(Quotas(ComputeQuotas(CountTask(500), pop)),
            (std::map<std::string, uint64_t>{{"a", 2}, {"b", 3}}));
}

TEST(DrawAlgorithm, EqualSplitGivesTheExtraToTheFirstKeysAndCapsAtPopulation) {
  TaskRecord task = CountTask(8);
  task.quota_split = QuotaSplit::Equal;
  Population pop = Strata({{"a", 10}, {"b", 10}, {"c", 10}});
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 3}, {"b", 3}, {"c", 2}}));

  task.count = 9;
  Population small = Strata({{"a", 1}, {"b", 10}, {"c", 10}});
  EXPECT_EQ(Quotas(ComputeQuotas(task, small)),
            (std::map<std::string, uint64_t>{{"a", 1}, {"b", 3}, {"c", 3}}));
}

TEST(DrawAlgorithm, ExplicitQuotasNameTheirStrataAndCapAtPopulation) {
  TaskRecord task = CountTask(12);
  task.quota_split = QuotaSplit::Explicit;
  task.quotas = {{"c", 10}, {"a", 2}, {"zz", 5}};
  Population pop = Strata({{"a", 10}, {"b", 10}, {"c", 4}});
  auto strata = ComputeQuotas(task, pop);
  ASSERT_EQ(strata.size(), 3u);  // a quota for a stratum nobody is in adds no stratum
  EXPECT_EQ(Quotas(strata), (std::map<std::string, uint64_t>{{"a", 2}, {"b", 0}, {"c", 4}}));
}

TEST(DrawAlgorithm, GradeCStrataUseTheirOwnRatio) {
  Population pop = Strata({{"a", 40}, {"a/C", 9}, {"b", 10}, {"b/C", 3}});
  TaskRecord task = RatioTask(500);  // 5%; grade C at 100% by default
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 2}, {"a/C", 9}, {"b", 1}, {"b/C", 3}}));

  task.credit.grade_c_ratio_bp = 2000;  // 20%
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 2}, {"a/C", 2}, {"b", 1}, {"b/C", 1}}));

  // In ratio mode grade C never gets less than the task's own ratio.
  task.ratio_bp = 5000;
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 20}, {"a/C", 5}, {"b", 5}, {"b/C", 2}}));
}

TEST(DrawAlgorithm, GradeCStrataAreOutsideTheCountSplit) {
  Population pop = Strata({{"a", 30}, {"a/C", 9}, {"b", 10}});
  TaskRecord task = CountTask(4);  // split over a and b only: 3 and 1
  task.credit.grade_c_ratio_bp = 5000;
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 3}, {"a/C", 5}, {"b", 1}}));
  task.quota_split = QuotaSplit::Equal;
  EXPECT_EQ(Quotas(ComputeQuotas(task, pop)),
            (std::map<std::string, uint64_t>{{"a", 2}, {"a/C", 5}, {"b", 2}}));
}

// --- selection ---

// The expected selection by definition: per stratum the `quota` least (rank key, code), all
// of them in (rank key, code) order.
std::vector<std::string> ExpectedSelection(const TaskRecord& task, const Population& pop,
                                           const Hash& seed) {
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> by_stratum;
  for (const auto& t : pop.targets) {
    by_stratum[t.stratum].push_back({RankKey(seed, t.credit_code, t.weight), t.credit_code});
  }
  auto quotas = Quotas(ComputeQuotas(task, pop));
  std::vector<std::pair<uint64_t, std::string>> all;
  for (auto& [key, members] : by_stratum) {
    std::sort(members.begin(), members.end());
    members.resize(std::min<size_t>(members.size(), quotas.at(key)));
    all.insert(all.end(), members.begin(), members.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<std::string> codes;
  for (const auto& [k, c] : all) codes.push_back(c);
  return codes;
}

TEST(DrawAlgorithm, SelectionIsBottomKPerStratumInRankKeyOrder) {
  Population pop = Strata({{"320402", 37}, {"320412", 11}, {"320412/C", 4}, {"320411", 2}});
  TaskRecord task = RatioTask(2000);
  task.batch_size = 3;
  for (uint32_t s = 0; s < 20; ++s) {
    const Hash seed = SeedOf(s);
    DrawOutcome out = RunDraw(task, pop, seed, TeamInputs{}, 1);
    EXPECT_EQ(out.strata, ComputeQuotas(task, pop));
    std::vector<std::string> codes;
    for (const auto& v : out.visits) codes.push_back(v.credit_code);
    ASSERT_EQ(codes, ExpectedSelection(task, pop, seed)) << "seed " << s;
    for (uint32_t i = 0; i < out.visits.size(); ++i) {
      const VisitRecord& v = out.visits[i];
      auto t = std::find_if(pop.targets.begin(), pop.targets.end(),
                            [&](const auto& x) { return x.credit_code == v.credit_code; });
      EXPECT_EQ(v.order, i);
      EXPECT_EQ(v.batch, i / 3);
      EXPECT_EQ(v.stratum, t->stratum);
      EXPECT_EQ(v.weight, t->weight);
      EXPECT_EQ(v.rank_key, RankKey(seed, v.credit_code, v.weight));
      if (i > 0) { EXPECT_LT(out.visits[i - 1].rank_key, v.rank_key); }
    }
  }
}

TEST(DrawAlgorithm, BatchSizeZeroPutsEveryVisitInBatchZero) {
  Population pop = Strata({{"all", 30}});
  DrawOutcome out = RunDraw(RatioTask(10000), pop, SeedOf(1), TeamInputs{}, 1);
  ASSERT_EQ(out.visits.size(), 30u);
  for (const auto& v : out.visits) EXPECT_EQ(v.batch, 0u);
}

TEST(DrawAlgorithm, AnUnrelatedTargetChangesNoOtherRankKeyAndDisplacesAtMostOne) {
  Population pop = Strata({{"all", 100}});
  Population more = pop;
  const std::string newcomer = "91320412NEWCOMER0X";
  more.targets.push_back({newcomer, "all", 2, ""});
  const TaskRecord task = CountTask(10);
  int displaced = 0, unchanged = 0;
  for (uint32_t s = 0; s < 200; ++s) {
    const Hash seed = SeedOf(s);
    DrawOutcome a = RunDraw(task, pop, seed, TeamInputs{}, 1);
    DrawOutcome b = RunDraw(task, more, seed, TeamInputs{}, 1);
    std::map<std::string, uint64_t> keys_a, keys_b;
    for (const auto& v : a.visits) keys_a[v.credit_code] = v.rank_key;
    for (const auto& v : b.visits) keys_b[v.credit_code] = v.rank_key;
    for (const auto& [code, key] : keys_b) {
      if (keys_a.count(code) > 0) { EXPECT_EQ(keys_a[code], key); }
    }
    std::set<std::string> sa, sb;
    for (const auto& [c, k] : keys_a) sa.insert(c);
    for (const auto& [c, k] : keys_b) sb.insert(c);
    ASSERT_EQ(sb.size(), sa.size());
    if (sb.count(newcomer) == 0) {
      EXPECT_EQ(sa, sb) << "seed " << s;
      ++unchanged;
    } else {
      std::vector<std::string> lost, gained;
      std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(lost));
      std::set_difference(sb.begin(), sb.end(), sa.begin(), sa.end(),
                          std::back_inserter(gained));
      EXPECT_EQ(gained, std::vector<std::string>{newcomer}) << "seed " << s;
      ASSERT_EQ(lost.size(), 1u) << "seed " << s;
      // The one displaced was the last in draw order.
      EXPECT_EQ(lost[0], a.visits.back().credit_code);
      ++displaced;
    }
  }
  EXPECT_GT(displaced, 0);  // both cases occur among these seeds
  EXPECT_GT(unchanged, 0);
}

// --- teams ---

struct Exclusions {
  std::set<std::pair<std::string, std::string>> conflicts;
  std::map<std::string, std::vector<std::string>, std::less<>> previous;
  TeamInputs Inputs() const {
    TeamInputs in;
    in.conflict = [this](std::string_view i, std::string_view c) {
      return conflicts.count({std::string(i), std::string(c)}) > 0;
    };
    in.previous_team = [this](std::string_view c) -> const std::vector<std::string>* {
      auto it = previous.find(c);
      return it == previous.end() ? nullptr : &it->second;
    };
    return in;
  }
};

std::map<std::string, int> Loads(const DrawOutcome& out, const std::vector<EligibleInspector>& pool,
                                 bool experts) {
  std::map<std::string, int> loads;
  for (const auto& i : pool) loads[i.inspector_id] = 0;
  for (const auto& v : out.visits) {
    for (const auto& id : experts ? v.experts : v.team) ++loads.at(id);
  }
  return loads;
}

int Spread(const std::map<std::string, int>& loads) {
  int lo = INT32_MAX, hi = INT32_MIN;
  for (const auto& [id, n] : loads) {
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  return hi - lo;
}

TEST(DrawAlgorithm, TeamsAreFullDistinctAndEvenlyLoaded) {
  Population pop = Strata({{"all", 60}});
  pop.inspectors = People("I-", 7);
  TaskRecord task = CountTask(23);
  task.inspectors.team_size = 2;
  task.inspectors.substitutes = 3;
  for (uint32_t s = 0; s < 10; ++s) {
    DrawOutcome out = RunDraw(task, pop, SeedOf(s), TeamInputs{}, 1);
    ASSERT_EQ(out.visits.size(), 23u);
    EXPECT_EQ(out.understaffed, 0u);
    for (const auto& v : out.visits) {
      ASSERT_EQ(v.team.size(), 2u);
      EXPECT_NE(v.team[0], v.team[1]);
      ASSERT_EQ(v.substitutes.size(), 3u);
      std::set<std::string> all(v.team.begin(), v.team.end());
      all.insert(v.substitutes.begin(), v.substitutes.end());
      EXPECT_EQ(all.size(), 5u);  // substitutes distinct from each other and from the team
      EXPECT_TRUE(v.experts.empty());
    }
    EXPECT_LE(Spread(Loads(out, pop.inspectors, false)), 1) << "seed " << s;
  }
}

TEST(DrawAlgorithm, TeamsMixAcrossVisits) {
  Population pop = Strata({{"all", 60}});
  pop.inspectors = People("I-", 8);
  DrawOutcome out = RunDraw(CountTask(30), pop, SeedOf(4), TeamInputs{}, 1);
  std::set<std::vector<std::string>> teams;
  for (const auto& v : out.visits) {
    std::vector<std::string> t = v.team;
    std::sort(t.begin(), t.end());
    teams.insert(t);
  }
  EXPECT_GT(teams.size(), 8u);  // not a fixed rotation of four pairs
}

TEST(DrawAlgorithm, SmallPoolLeavesVisitsUnderstaffedAndNoSubstitutes) {
  Population pop = Strata({{"all", 5}});
  pop.inspectors = People("I-", 3);
  TaskRecord task = CountTask(5);
  task.inspectors.team_size = 4;
  DrawOutcome out = RunDraw(task, pop, SeedOf(1), TeamInputs{}, 1);
  ASSERT_EQ(out.visits.size(), 5u);
  EXPECT_EQ(out.understaffed, 5u);
  for (const auto& v : out.visits) {
    EXPECT_EQ(v.team.size(), 3u);
    EXPECT_TRUE(v.substitutes.empty());
  }
}

TEST(DrawAlgorithm, TeamsAvoidConflictsAndThePreviousTeam) {
  Population pop = Strata({{"all", 40}});
  pop.inspectors = People("I-", 6);
  TaskRecord task = RatioTask(10000);
  task.key_items = true;
  task.inspectors.substitutes = 2;
  Exclusions ex;
  for (size_t i = 0; i < pop.targets.size(); ++i) {
    const std::string& code = pop.targets[i].credit_code;
    ex.conflicts.insert({"I-" + std::to_string(10 + i % 6), code});
    ex.conflicts.insert({"I-" + std::to_string(10 + (i + 1) % 6), code});
    if (i % 2 == 0) ex.previous[code] = {"I-" + std::to_string(10 + (i + 2) % 6)};
  }
  for (uint32_t s = 0; s < 10; ++s) {
    DrawOutcome out = RunDraw(task, pop, SeedOf(s), ex.Inputs(), 1);
    ASSERT_EQ(out.visits.size(), 40u);
    EXPECT_EQ(out.understaffed, 0u);
    for (const auto& v : out.visits) {
      auto prev = ex.previous.find(v.credit_code);
      ASSERT_EQ(v.team.size(), 2u);
      // Six inspectors less two conflicts (and one of the previous team): two or one left over.
      EXPECT_EQ(v.substitutes.size(), prev == ex.previous.end() ? 2u : 1u);
      for (const auto* list : {&v.team, &v.substitutes}) {
        for (const auto& id : *list) {
          EXPECT_EQ(ex.conflicts.count({id, v.credit_code}), 0u) << id << " " << v.credit_code;
          if (prev != ex.previous.end()) { EXPECT_FALSE(Has(prev->second, id)); }
        }
      }
      for (const auto& id : v.substitutes) EXPECT_FALSE(Has(v.team, id));
    }
  }
}

TEST(DrawAlgorithm, EveryoneExcludedLeavesTheVisitWithoutATeam) {
  Population pop = Strata({{"all", 3}});
  pop.inspectors = People("I-", 3);
  Exclusions ex;
  const std::string blocked = pop.targets[1].credit_code;
  ex.previous[blocked] = {"I-10", "I-11"};
  ex.conflicts.insert({"I-12", blocked});
  DrawOutcome out = RunDraw(RatioTask(10000), pop, SeedOf(2), ex.Inputs(), 1);
  ASSERT_EQ(out.visits.size(), 3u);
  EXPECT_EQ(out.understaffed, 1u);
  for (const auto& v : out.visits) {
    if (v.credit_code == blocked) {
      EXPECT_TRUE(v.team.empty());
      EXPECT_TRUE(v.substitutes.empty());
    } else {
      EXPECT_EQ(v.team.size(), 2u);
    }
  }
}

TEST(DrawAlgorithm, ASpecialistLeadsEveryTeamWhenSpecialtiesAreRequired) {
  Population pop = Strata({{"all", 50}});
  pop.inspectors = People("I-", 8, 2);  // I-10 and I-11 are specialists
  TaskRecord task = CountTask(20);
  task.inspectors.specialties = {"工资支付"};
  for (uint32_t s = 0; s < 10; ++s) {
    DrawOutcome out = RunDraw(task, pop, SeedOf(s), TeamInputs{}, 1);
    EXPECT_EQ(out.understaffed, 0u);
    std::map<std::string, int> leads;
    for (const auto& v : out.visits) {
      ASSERT_EQ(v.team.size(), 2u);
      EXPECT_TRUE(v.team[0] == "I-10" || v.team[0] == "I-11") << v.team[0];
      EXPECT_NE(v.team[0], v.team[1]);
      ++leads[v.team[0]];
    }
    // The two specialists share the lead.
    EXPECT_GE(leads["I-10"], 5);
    EXPECT_GE(leads["I-11"], 5);
  }
}

TEST(DrawAlgorithm, NoAvailableSpecialistStillFillsTheTeamAndCountsAsUnderstaffed) {
  Population pop = Strata({{"all", 4}});
  pop.inspectors = People("I-", 5, 1);  // only I-10
  TaskRecord task = RatioTask(10000);
  task.inspectors.specialties = {"工资支付"};
  Exclusions ex;
  const std::string blocked = pop.targets[2].credit_code;
  ex.conflicts.insert({"I-10", blocked});
  DrawOutcome out = RunDraw(task, pop, SeedOf(3), ex.Inputs(), 1);
  EXPECT_EQ(out.understaffed, 1u);
  for (const auto& v : out.visits) {
    ASSERT_EQ(v.team.size(), 2u);
    if (v.credit_code == blocked) {
      EXPECT_FALSE(Has(v.team, "I-10"));
    } else {
      EXPECT_EQ(v.team[0], "I-10");
    }
  }
}

TEST(DrawAlgorithm, SubstituteDutyIsSpreadAndIsNotTheNextTeam) {
  Population pop = Strata({{"all", 40}});
  pop.inspectors = People("I-", 10, 0);
  TaskRecord task = RatioTask(10000);
  DrawOutcome out = RunDraw(task, pop, SeedOf(11), TeamInputs{}, 1);
  ASSERT_EQ(out.visits.size(), 40u);
  std::map<std::string, int> listed;
  size_t same_as_next_team = 0;
  for (size_t k = 0; k < out.visits.size(); ++k) {
    for (const auto& id : out.visits[k].substitutes) ++listed[id];
    if (k + 1 < out.visits.size() && out.visits[k].substitutes == out.visits[k + 1].team) {
      ++same_as_next_team;
    }
  }
  // 80 substitute places over 10 inspectors: about 8 each (their own pool's load; one who is
  // on the visit's team is skipped, so counts may differ by up to 2).
  ASSERT_EQ(listed.size(), 10u);
  for (const auto& [id, n] : listed) {
    EXPECT_GE(n, 7) << id;
    EXPECT_LE(n, 9) << id;
  }
  EXPECT_LT(same_as_next_team, 10u);
}

TEST(DrawAlgorithm, ExpertsComeFromTheExpertPoolEvenlyAndAvoidConflicts) {
  Population pop = Strata({{"all", 30}});
  pop.inspectors = People("I-", 6);
  pop.experts = People("E-", 4);
  TaskRecord task = CountTask(18);
  task.inspectors.experts = 1;
  Exclusions ex;
  ex.conflicts.insert({"E-10", pop.targets[0].credit_code});
  ex.conflicts.insert({"E-11", pop.targets[0].credit_code});
  for (uint32_t s = 0; s < 5; ++s) {
    DrawOutcome out = RunDraw(task, pop, SeedOf(s), ex.Inputs(), 1);
    for (const auto& v : out.visits) {
      ASSERT_EQ(v.experts.size(), 1u);
      EXPECT_EQ(v.experts[0].rfind("E-", 0), 0u);
      for (const auto& id : v.team) EXPECT_EQ(id.rfind("I-", 0), 0u);
      for (const auto& id : v.substitutes) EXPECT_EQ(id.rfind("I-", 0), 0u);
      EXPECT_EQ(ex.conflicts.count({v.experts[0], v.credit_code}), 0u);
    }
  }
  DrawOutcome out = RunDraw(task, pop, SeedOf(11), TeamInputs{}, 1);
  EXPECT_LE(Spread(Loads(out, pop.experts, true)), 1);

  task.inspectors.experts = 2;
  out = RunDraw(task, pop, SeedOf(11), TeamInputs{}, 1);
  for (const auto& v : out.visits) {
    ASSERT_EQ(v.experts.size(), 2u);
    EXPECT_NE(v.experts[0], v.experts[1]);
  }
}

TEST(DrawAlgorithm, MergedTargetsGetNoTeam) {
  Population pop = Strata({{"all", 12}});
  pop.targets[3].merge_into = "D-early";
  pop.targets[8].merge_into = "D-other";
  pop.inspectors = People("I-", 4);
  pop.experts = People("E-", 2);
  TaskRecord task = RatioTask(10000);
  task.inspectors.experts = 1;
  DrawOutcome out = RunDraw(task, pop, SeedOf(5), TeamInputs{}, 1);
  ASSERT_EQ(out.visits.size(), 12u);
  EXPECT_EQ(out.understaffed, 0u);
  int merged = 0;
  for (const auto& v : out.visits) {
    if (v.credit_code == pop.targets[3].credit_code || v.credit_code == pop.targets[8].credit_code) {
      ++merged;
      EXPECT_EQ(v.merged_into, v.credit_code == pop.targets[3].credit_code ? "D-early" : "D-other");
      EXPECT_TRUE(v.team.empty());
      EXPECT_TRUE(v.substitutes.empty());
      EXPECT_TRUE(v.experts.empty());
    } else {
      EXPECT_EQ(v.merged_into, "");
      EXPECT_EQ(v.team.size(), 2u);
    }
  }
  EXPECT_EQ(merged, 2);
  // Ten visits of two: 20 assignments over 4 inspectors.
  auto loads = Loads(out, pop.inspectors, false);
  for (const auto& [id, n] : loads) EXPECT_EQ(n, 5) << id;
}

TEST(DrawAlgorithm, ResultDoesNotDependOnTheNumberOfThreads) {
  // Above the 8192-target threshold for parallel rank keys.
  std::vector<std::pair<std::string, size_t>> sizes = {{"320402", 5000}, {"320412", 4000},
                                                       {"320412/C", 300}};
  Population pop = Strata(sizes);
  pop.targets[17].merge_into = "D-early";
  pop.inspectors = People("I-", 9, 3);
  pop.experts = People("E-", 3);
  TaskRecord task = CountTask(60);
  task.credit.grade_c_ratio_bp = 1000;
  task.inspectors.specialties = {"工资支付"};
  task.inspectors.experts = 1;
  task.batch_size = 7;
  const Hash seed = SeedOf(77);
  DrawOutcome one = RunDraw(task, pop, seed, TeamInputs{}, 1);
  DrawOutcome two = RunDraw(task, pop, seed, TeamInputs{}, 2);
  DrawOutcome all = RunDraw(task, pop, seed, TeamInputs{}, 0);
  ASSERT_EQ(one.visits.size(), 60u + 30u);
  EXPECT_EQ(one.visits, two.visits);
  EXPECT_EQ(one.strata, two.strata);
  EXPECT_EQ(one.understaffed, two.understaffed);
  EXPECT_EQ(one.visits, all.visits);
  std::vector<std::string> codes;
  for (const auto& v : one.visits) codes.push_back(v.credit_code);
  EXPECT_EQ(codes, ExpectedSelection(task, pop, seed));
}

// --- seed ---

CommitRecord FullCommit() {
  CommitRecord c;
  c.draw_id = "D-1";
  c.task_id = "T-1";
  c.drand_chain = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
  c.drand_round = 1234;
  c.lottery_name = "福彩3D";
  c.lottery_issue = "2026150";
  c.witnesses = {"张三", "李四"};
  return c;
}

RevealRecord FullReveal() {
  RevealRecord r;
  r.draw_id = "D-1";
  r.secret = Bytes(32, 0x11);
  r.drand_randomness = Bytes(32, 0x22);
  r.drand_signature = Bytes(48, 0x33);
  r.lottery_digits = "507";
  r.witness_digits = {"31415", "2718"};
  return r;
}

void AppendLp(Bytes& out, ByteView b) {
  AppendBe32(out, static_cast<uint32_t>(b.size()));
  Append(out, b);
}

TEST(DrawAlgorithm, DeriveSeedFollowsTheDocumentedLayout) {
  const Hash commitment = SeedOf(100);
  const CommitRecord c = FullCommit();
  const RevealRecord r = FullReveal();
  Bytes in;
  Append(in, "suiji-draw/1 seed");
  Append(in, commitment);
  AppendLp(in, r.secret);
  AppendLp(in, r.drand_randomness);
  AppendLp(in, AsBytes("507"));
  AppendLp(in, AsBytes("31415"));
  AppendLp(in, AsBytes("2718"));
  ASSERT_EQ(in.size(), 17u + 32u + (4 + 32) + (4 + 32) + (4 + 3) + (4 + 5) + (4 + 4));
  EXPECT_EQ(DeriveSeed(commitment, c, r), Sha256(in));
}

TEST(DrawAlgorithm, DeriveSeedLeavesOutUndeclaredSources) {
  const Hash commitment = SeedOf(101);
  CommitRecord c = FullCommit();
  c.drand_chain.clear();
  c.lottery_name.clear();
  c.witnesses.clear();
  RevealRecord r = FullReveal();  // stray values for undeclared sources are ignored
  Bytes in;
  Append(in, "suiji-draw/1 seed");
  Append(in, commitment);
  AppendLp(in, r.secret);
  EXPECT_EQ(DeriveSeed(commitment, c, r), Sha256(in));

  // Lottery only.
  c.lottery_name = "福彩3D";
  Bytes in2;
  Append(in2, "suiji-draw/1 seed");
  Append(in2, commitment);
  AppendLp(in2, r.secret);
  AppendLp(in2, AsBytes(r.lottery_digits));
  EXPECT_EQ(DeriveSeed(commitment, c, r), Sha256(in2));
}

TEST(DrawAlgorithm, DeriveSeedTakesMissingWitnessDigitsAsEmpty) {
  const Hash commitment = SeedOf(102);
  const CommitRecord c = FullCommit();
  RevealRecord r = FullReveal();
  r.witness_digits = {"31415"};
  RevealRecord padded = r;
  padded.witness_digits = {"31415", ""};
  EXPECT_EQ(DeriveSeed(commitment, c, r), DeriveSeed(commitment, c, padded));
  Bytes in;
  Append(in, "suiji-draw/1 seed");
  Append(in, commitment);
  AppendLp(in, r.secret);
  AppendLp(in, r.drand_randomness);
  AppendLp(in, AsBytes("507"));
  AppendLp(in, AsBytes("31415"));
  AppendBe32(in, 0);
  EXPECT_EQ(DeriveSeed(commitment, c, r), Sha256(in));
}

TEST(DrawAlgorithm, DeriveSeedChangesWithEveryInput) {
  const Hash commitment = SeedOf(103);
  const CommitRecord c = FullCommit();
  const RevealRecord r = FullReveal();
  const Hash base = DeriveSeed(commitment, c, r);

  EXPECT_NE(DeriveSeed(SeedOf(104), c, r), base);
  RevealRecord x = r;
  x.secret[31] ^= 1;
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  x = r;
  x.drand_randomness[0] ^= 1;
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  x = r;
  x.lottery_digits = "508";
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  x = r;
  x.witness_digits[0] = "31416";
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  x = r;
  x.witness_digits[1] = "2719";
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  x = r;
  std::swap(x.witness_digits[0], x.witness_digits[1]);
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  // Length prefixes: moving a digit from one witness to the next changes the seed.
  x = r;
  x.witness_digits = {"3141", "52718"};
  EXPECT_NE(DeriveSeed(commitment, c, x), base);
  // The signature is not an input (the randomness is its hash).
  x = r;
  x.drand_signature[0] ^= 1;
  EXPECT_EQ(DeriveSeed(commitment, c, x), base);
}

// --- result parts ---

DrawOutcome OutcomeOf(size_t n) {
  DrawOutcome o;
  o.strata = {{"a", 10 * n, 20 * n, n}};
  for (size_t i = 0; i < n; ++i) {
    VisitRecord v;
    v.credit_code = Code(i);
    v.order = static_cast<uint32_t>(i);
    o.visits.push_back(v);
  }
  return o;
}

TEST(DrawAlgorithm, SplitResultMakesPartsOf250Visits) {
  const Hash seed = SeedOf(9);
  for (size_t n : {size_t{0}, size_t{1}, size_t{249}, size_t{250}, size_t{251}, size_t{500},
                   size_t{501}}) {
    DrawOutcome o = OutcomeOf(n);
    auto parts = SplitResult("D-9", seed, o);
    const size_t expected_parts = n == 0 ? 1 : (n + 249) / 250;
    ASSERT_EQ(parts.size(), expected_parts) << "n=" << n;
    std::vector<VisitRecord> joined;
    for (size_t p = 0; p < parts.size(); ++p) {
      const ResultPart& r = parts[p];
      EXPECT_EQ(r.draw_id, "D-9");
      EXPECT_EQ(r.seed, seed);
      EXPECT_EQ(r.part, p);
      EXPECT_EQ(r.parts, expected_parts);
      EXPECT_EQ(r.selected_total, n);
      EXPECT_EQ(r.strata, p == 0 ? o.strata : std::vector<StratumCount>{});
      const size_t size = p + 1 < parts.size() ? kVisitsPerResultPart : n - p * kVisitsPerResultPart;
      EXPECT_EQ(r.visits.size(), size) << "n=" << n << " part " << p;
      joined.insert(joined.end(), r.visits.begin(), r.visits.end());
    }
    EXPECT_EQ(joined, o.visits);
  }
}

TEST(DrawAlgorithm, AFullResultPartOfTheLargestTeamsFitsOneEvent) {
  // The largest visits validation allows: 10 team members, 10 substitutes, 5 experts, every id
  // 64 bytes, a long merge id and stratum.
  ResultPart part;
  part.draw_id = std::string(64, 'D');
  part.parts = 1;
  for (uint32_t i = 0; i < kVisitsPerResultPart; ++i) {
    VisitRecord v;
    v.credit_code = "91320402MA1XXXXX0" + std::to_string(i % 10);
    v.stratum = "320402/C";
    v.weight = 255u * 255u + 80u;
    v.rank_key = UINT64_MAX - i;
    v.order = i;
    v.batch = i;
    for (int k = 0; k < 10; ++k) v.team.push_back(std::string(63, 'T') + char('0' + k));
    for (int k = 0; k < 10; ++k) v.substitutes.push_back(std::string(63, 'S') + char('0' + k));
    for (int k = 0; k < 5; ++k) v.experts.push_back(std::string(63, 'E') + char('0' + k));
    v.merged_into = std::string(64, 'M');
    part.visits.push_back(std::move(v));
  }
  EXPECT_LE(EncodeResultPart(part).size(), kMaxPayloadBytes);
}

}  // namespace
}  // namespace suiji::draw
