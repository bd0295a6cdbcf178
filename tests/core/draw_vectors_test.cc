// The library against the committed test vectors of "suiji-draw/1" (tests/vectors/draw/*.json,
// written by tests/vectors/draw/gen_vectors.cc; format in docs/draw-protocol.md §10). Every
// value a vector states is recomputed and compared exactly. Where a vector spells out
// intermediate bytes (the seed preimage, rank-key blocks, leaf lines), they are also rebuilt
// here from the protocol text, independently of the library, so that a change of the library
// and of the generator together still shows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/merkle.h"
#include "ledger/core/sha256.h"

namespace suiji::draw {
namespace {

using Json = nlohmann::json;

struct VectorFile {
  std::string name;
  Json doc;
};

const std::vector<VectorFile>& Files() {
  static const std::vector<VectorFile> files = [] {
    std::vector<VectorFile> out;
    const auto dir = std::filesystem::path(SUIJI_TEST_VECTORS) / "draw";
    std::vector<std::filesystem::path> paths;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".json") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      std::ifstream in(p);
      out.push_back({p.filename().string(), Json::parse(in)});
    }
    return out;
  }();
  return files;
}

// Calls fn(case, where) for every case of every file of `kind`; returns how many.
template <typename Fn>
size_t ForEachCase(std::string_view kind, Fn fn) {
  size_t n = 0;
  for (const auto& f : Files()) {
    if (f.doc.at("kind") != kind) continue;
    const Json& cases = f.doc.at("cases");
    for (size_t i = 0; i < cases.size(); ++i) {
      const Json& c = cases[i];
      std::string where = f.name + " case " + std::to_string(i);
      if (c.contains("name")) where += " (" + c["name"].get<std::string>() + ")";
      SCOPED_TRACE(where);
      fn(c);
      ++n;
    }
  }
  return n;
}

const Json* FileOfKind(std::string_view kind) {
  for (const auto& f : Files()) {
    if (f.doc.at("kind") == kind) return &f.doc;
  }
  return nullptr;
}

// --- parsing ---

Bytes HexBytes(const Json& j) {
  auto b = FromHex(j.get<std::string>());
  EXPECT_TRUE(b.ok()) << j;
  return b.ok() ? *b : Bytes{};
}

Hash HexHash(const Json& j) {
  Bytes b = HexBytes(j);
  Hash h{};
  EXPECT_EQ(b.size(), h.size()) << j;
  std::copy_n(b.begin(), std::min(b.size(), h.size()), h.begin());
  return h;
}

std::string Hex(const Hash& h) { return ToHex(ByteView(h)); }

uint64_t Decimal(const Json& j) { return std::stoull(j.get<std::string>()); }

std::vector<std::string> Strings(const Json& j) { return j.get<std::vector<std::string>>(); }

template <typename E, typename NameFn>
E EnumNamed(const Json& j, NameFn name) {
  const std::string want = j.get<std::string>();
  for (unsigned v = 0; v <= static_cast<unsigned>(E::MAX); ++v) {
    if (name(static_cast<E>(v)) == want) return static_cast<E>(v);
  }
  ADD_FAILURE() << "unknown enum name " << want;
  return E::MIN;
}

TaskRecord ParseTask(const Json& j) {
  TaskRecord t;
  t.task_id = j.at("task_id");
  t.plan_id = j.at("plan_id");
  t.org_id = j.at("org_id");
  t.title = j.at("title");
  t.item_list_version = j.at("item_list_version");
  t.item_ids = Strings(j.at("item_ids"));
  t.key_items = j.at("key_items");
  t.batch_size = j.at("batch_size");
  t.regions = Strings(j.at("regions"));
  t.industries = Strings(j.at("industries"));
  t.min_headcount = j.at("min_headcount");
  t.directed = j.at("directed");
  t.credit_grades = Strings(j.at("credit_grades"));
  t.blacklisted_only = j.at("blacklisted_only");
  t.ratio_bp = j.at("ratio_bp");
  t.count = j.at("count");
  t.strata_by = EnumNamed<StrataBy>(j.at("strata_by"), StrataByName);
  t.quota_split = EnumNamed<QuotaSplit>(j.at("quota_split"), QuotaSplitName);
  for (const auto& q : j.at("quotas")) t.quotas.push_back({q.at("key"), q.at("count")});
  const Json& c = j.at("credit");
  t.credit.grade_a_exempt_years = c.at("grade_a_exempt_years");
  t.credit.grade_c_ratio_bp = c.at("grade_c_ratio_bp");
  t.credit.grade_c_ignores_no_repeat = c.at("grade_c_ignores_no_repeat");
  t.credit.base_weight = c.at("base_weight");
  t.credit.blacklist_multiplier = c.at("blacklist_multiplier");
  t.credit.star_threshold = c.at("star_threshold");
  t.credit.star_policy = EnumNamed<StarPolicy>(c.at("star_policy"), StarPolicyName);
  t.credit.complaint_step = c.at("complaint_step");
  t.credit.complaint_cap = c.at("complaint_cap");
  const Json& f = j.at("frequency");
  t.frequency.max_per_year = f.at("max_per_year");
  t.frequency.no_repeat_item_within_year = f.at("no_repeat_item_within_year");
  t.window_start = j.at("window_start");
  t.window_end = j.at("window_end");
  const Json& r = j.at("inspectors");
  t.inspectors.domains = Strings(r.at("domains"));
  t.inspectors.specialties = Strings(r.at("specialties"));
  t.inspectors.regions = Strings(r.at("regions"));
  t.inspectors.team_size = r.at("team_size");
  t.inspectors.substitutes = r.at("substitutes");
  t.inspectors.experts = r.at("experts");
  t.inspectors.expert_specialties = Strings(r.at("expert_specialties"));
  t.joint_departments = Strings(j.at("joint_departments"));
  return t;
}

Population ParsePopulation(const Json& j) {
  Population p;
  for (const auto& t : j.at("targets")) {
    p.targets.push_back({t.at("credit_code"), t.at("stratum"), t.at("weight"), t.at("merge_into")});
  }
  for (const auto& i : j.at("inspectors")) {
    p.inspectors.push_back({i.at("inspector_id"), i.at("specialist")});
  }
  for (const auto& e : j.at("experts")) p.experts.push_back({e.at("inspector_id"), true});
  return p;
}

std::vector<StratumCount> ParseStrata(const Json& j) {
  std::vector<StratumCount> out;
  for (const auto& s : j) {
    out.push_back({s.at("key"), s.at("population"), s.at("weight_total"), s.at("quota")});
  }
  return out;
}

VisitRecord ParseVisit(const Json& j) {
  VisitRecord v;
  v.credit_code = j.at("credit_code");
  v.stratum = j.at("stratum");
  v.weight = j.at("weight");
  v.rank_key = Decimal(j.at("rank_key"));
  v.order = j.at("order");
  v.batch = j.at("batch");
  v.team = Strings(j.at("team"));
  v.experts = Strings(j.at("experts"));
  v.substitutes = Strings(j.at("substitutes"));
  v.merged_into = j.at("merged_into");
  return v;
}

directory::TargetRecord ParseTargetRecord(const Json& j) {
  directory::TargetRecord t;
  t.credit_code = j.at("credit_code");
  t.region = j.at("region");
  t.industry = j.at("industry");
  t.headcount = j.at("headcount");
  t.credit_grade = j.at("credit_grade");
  t.grade_date = j.at("grade_date");
  t.blacklisted = j.at("blacklisted");
  t.blacklist_from = j.at("blacklist_from");
  t.blacklist_until = j.at("blacklist_until");
  t.star_level = j.at("star_level");
  t.complaints = j.at("complaints");
  t.status = EnumNamed<directory::TargetStatus>(j.at("status"), directory::TargetStatusName);
  return t;
}

directory::InspectorRecord ParseInspectorRecord(const Json& j) {
  directory::InspectorRecord i;
  i.inspector_id = j.at("inspector_id");
  i.domains = Strings(j.at("domains"));
  i.specialties = Strings(j.at("specialties"));
  i.region = j.at("region");
  i.status = EnumNamed<directory::InspectorStatus>(j.at("status"), directory::InspectorStatusName);
  i.auxiliary = j.at("auxiliary");
  return i;
}

PastVisit ParsePastVisit(const Json& j) {
  PastVisit v;
  v.draw_id = j.at("draw_id");
  v.task_id = j.at("task_id");
  v.year = j.at("year");
  v.window_start = j.at("window_start");
  v.window_end = j.at("window_end");
  v.items = Strings(j.at("items"));
  v.team = Strings(j.at("team"));
  v.merged_into = j.at("merged_into");
  return v;
}

// --- independent constructions from the protocol text ---

void AppendLengthPrefixed(Bytes& out, ByteView b) {
  const auto n = static_cast<uint32_t>(b.size());
  out.push_back(static_cast<uint8_t>(n >> 24));
  out.push_back(static_cast<uint8_t>(n >> 16));
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), b.begin(), b.end());
}

Bytes SeedPreimageFromSpec(const Hash& commitment, bool drand, bool lottery, size_t witnesses,
                           const Json& reveal) {
  const std::string tag = "suiji-draw/1 seed";
  Bytes in;
  in.reserve(512);
  for (char ch : tag) in.push_back(static_cast<uint8_t>(ch));
  in.insert(in.end(), commitment.begin(), commitment.end());
  AppendLengthPrefixed(in, HexBytes(reveal.at("secret")));
  if (drand) AppendLengthPrefixed(in, HexBytes(reveal.at("drand_randomness")));
  if (lottery) AppendLengthPrefixed(in, AsBytes(reveal.at("lottery_digits").get<std::string>()));
  const auto digits = Strings(reveal.at("witness_digits"));
  for (size_t i = 0; i < witnesses; ++i) {
    AppendLengthPrefixed(in, AsBytes(i < digits.size() ? digits[i] : std::string()));
  }
  return in;
}

std::string LeafLineFromSpec(std::initializer_list<std::string_view> fields) {
  std::string s;
  for (auto f : fields) {
    if (!s.empty()) s += '\x1f';
    s += f;
  }
  return s;
}

void ExpectFrozen(const Population& pop, const Json& frozen) {
  PopulationRoots roots = RootsOf(pop, 1);
  EXPECT_EQ(frozen.at("target_count"), pop.targets.size());
  EXPECT_EQ(frozen.at("inspector_count"), pop.inspectors.size());
  EXPECT_EQ(frozen.at("expert_count"), pop.experts.size());
  EXPECT_EQ(frozen.at("target_root"), Hex(roots.targets));
  EXPECT_EQ(frozen.at("inspector_root"), Hex(roots.inspectors));
  EXPECT_EQ(frozen.at("expert_root"), Hex(roots.experts));
  // The roots equal the reference Merkle implementation over the stated leaf lines, and the
  // lines are what the spec says they are.
  auto check_list = [](const Json& leaves, const std::vector<std::string>& lines,
                       const std::string& root_hex) {
    ASSERT_EQ(leaves.size(), lines.size());
    std::vector<Hash> hashes;
    for (size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(leaves[i].at("line"), lines[i]);
      EXPECT_EQ(leaves[i].at("line_hex"), ToHex(AsBytes(lines[i])));
      hashes.push_back(LeafHash(AsBytes(lines[i])));
      EXPECT_EQ(leaves[i].at("leaf_hash"), Hex(hashes.back()));
      if (i > 0) {
        EXPECT_LT(lines[i - 1], lines[i]) << "leaf lines are in byte order";
      }
    }
    EXPECT_EQ(Hex(RootFromLeaves(hashes)), root_hex);
  };
  std::vector<std::string> t, i, e;
  for (const auto& x : pop.targets) {
    t.push_back(
        LeafLineFromSpec({"T", x.credit_code, x.stratum, std::to_string(x.weight), x.merge_into}));
    EXPECT_EQ(TargetLeaf(x), t.back());
  }
  for (const auto& x : pop.inspectors) {
    i.push_back(LeafLineFromSpec({"I", x.inspector_id, x.specialist ? "1" : "0"}));
    EXPECT_EQ(InspectorLeaf(x), i.back());
  }
  for (const auto& x : pop.experts) {
    e.push_back(LeafLineFromSpec({"E", x.inspector_id}));
    EXPECT_EQ(ExpertLeaf(x), e.back());
  }
  check_list(frozen.at("target_leaves"), t, frozen.at("target_root"));
  check_list(frozen.at("inspector_leaves"), i, frozen.at("inspector_root"));
  check_list(frozen.at("expert_leaves"), e, frozen.at("expert_root"));
}

void ExpectVisits(const std::vector<VisitRecord>& got, const Json& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) {
    SCOPED_TRACE("visit " + std::to_string(k));
    EXPECT_EQ(got[k], ParseVisit(want[k]));
    EXPECT_EQ(got[k].credit_code, want[k].at("credit_code"));
    EXPECT_EQ(std::to_string(got[k].rank_key), want[k].at("rank_key"));
    EXPECT_EQ(got[k].team, Strings(want[k].at("team")));
    EXPECT_EQ(got[k].substitutes, Strings(want[k].at("substitutes")));
    EXPECT_EQ(got[k].experts, Strings(want[k].at("experts")));
  }
}

// --- the tests ---

TEST(DrawVectors, EveryFileNamesTheAlgorithmAndAKnownKind) {
  const std::set<std::string> kinds = {"seed",  "drand",  "rank_key",    "team_key",
                                       "quota", "merkle", "eligibility", "draw"};
  std::set<std::string> seen;
  ASSERT_FALSE(Files().empty()) << "no vectors under " << SUIJI_TEST_VECTORS;
  for (const auto& f : Files()) {
    SCOPED_TRACE(f.name);
    EXPECT_EQ(f.doc.at("algorithm"), kAlgorithm);
    const std::string kind = f.doc.at("kind");
    EXPECT_TRUE(kinds.count(kind) > 0) << "unknown kind " << kind;
    EXPECT_FALSE(f.doc.at("description").get<std::string>().empty());
    seen.insert(kind);
  }
  EXPECT_EQ(seen, kinds);
}

TEST(DrawVectors, SecretHashesAndSeedsMatch) {
  size_t n = ForEachCase("seed", [](const Json& c) {
    const Json& d = c.at("declared");
    const Json& r = c.at("reveal");
    CommitRecord commit;
    commit.drand_chain = d.at("drand_chain");
    commit.lottery_name = d.at("lottery_name");
    commit.witnesses = Strings(d.at("witnesses"));
    RevealRecord reveal;
    reveal.secret = HexBytes(r.at("secret"));
    reveal.drand_signature = HexBytes(r.at("drand_signature"));
    reveal.drand_randomness = HexBytes(r.at("drand_randomness"));
    reveal.lottery_digits = r.at("lottery_digits");
    reveal.witness_digits = Strings(r.at("witness_digits"));
    EXPECT_EQ(ToHex(AsBytes(reveal.lottery_digits)), r.at("lottery_digits_hex"));
    for (size_t i = 0; i < reveal.witness_digits.size(); ++i) {
      EXPECT_EQ(ToHex(AsBytes(reveal.witness_digits[i])), r.at("witness_digits_hex")[i]);
    }
    if (!reveal.drand_signature.empty()) {
      EXPECT_EQ(ToHex(ByteView(Sha256(reveal.drand_signature))), r.at("drand_randomness"));
    }
    const Hash commitment = HexHash(c.at("commitment"));
    EXPECT_EQ(Hex(SecretHash(reveal.secret)), c.at("secret_hash"));
    Bytes tagged(kSecretTag.begin(), kSecretTag.end());
    tagged.insert(tagged.end(), reveal.secret.begin(), reveal.secret.end());
    EXPECT_EQ(Hex(Sha256(tagged)), c.at("secret_hash"));

    const Bytes preimage =
        SeedPreimageFromSpec(commitment, !commit.drand_chain.empty(), !commit.lottery_name.empty(),
                             commit.witnesses.size(), r);
    EXPECT_EQ(ToHex(preimage), c.at("seed_preimage"));
    EXPECT_EQ(Hex(Sha256(preimage)), c.at("seed"));
    EXPECT_EQ(Hex(DeriveSeed(commitment, commit, reveal)), c.at("seed"));
  });
  EXPECT_GE(n, 4u);
}

TEST(DrawVectors, DrandRoundTimesMatch) {
  const Json* d = FileOfKind("drand");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->at("chain_hash"), kDrandQuicknetChain);
  EXPECT_EQ(d->at("genesis"), kDrandQuicknetGenesis);
  EXPECT_EQ(d->at("period"), kDrandQuicknetPeriod);
  for (const auto& r : d->at("round_times")) {
    const uint64_t round = r.at("round");
    EXPECT_EQ(DrandRoundTime(round), r.at("time").get<int64_t>()) << round;
    EXPECT_EQ(kDrandQuicknetGenesis + static_cast<int64_t>(round - 1) * kDrandQuicknetPeriod,
              r.at("time").get<int64_t>());
  }
  for (const auto& r : d->at("first_round_after")) {
    const int64_t t = r.at("unix_seconds");
    const uint64_t round = r.at("round");
    EXPECT_EQ(DrandFirstRoundAfter(t), round) << t;
    EXPECT_GT(DrandRoundTime(round), t);
    if (round > 1) {
      EXPECT_LE(DrandRoundTime(round - 1), t);
    }
  }
  const Json& b = d->at("beacon");
  EXPECT_EQ(ToHex(ByteView(Sha256(HexBytes(b.at("signature"))))), b.at("randomness"));
}

TEST(DrawVectors, RankKeysMatch) {
  size_t n = ForEachCase("rank_key", [](const Json& c) {
    const Hash seed = HexHash(c.at("seed"));
    const std::string code = c.at("credit_code");
    const uint32_t w = c.at("weight");
    const Json& blocks = c.at("blocks");
    ASSERT_EQ(blocks.size(), (w + 3) / 4);
    uint64_t least = UINT64_MAX;
    for (uint32_t b = 0; b < blocks.size(); ++b) {
      const uint8_t idx[4] = {static_cast<uint8_t>(b >> 24), static_cast<uint8_t>(b >> 16),
                              static_cast<uint8_t>(b >> 8), static_cast<uint8_t>(b)};
      Hash h = Sha256Parts({AsBytes(kRankTag), ByteView(seed), ByteView(idx, 4), AsBytes(code)});
      EXPECT_EQ(Hex(h), blocks[b]);
      for (uint32_t j = 4 * b; j < w && j < 4 * b + 4; ++j) {
        uint64_t u = 0;
        for (uint32_t k = 0; k < 8; ++k) u = (u << 8) | h[8 * (j % 4) + k];
        EXPECT_EQ(std::to_string(u), c.at("uniforms")[j]);
        least = std::min(least, u);
      }
    }
    EXPECT_EQ(std::to_string(least), c.at("rank_key"));
    EXPECT_EQ(std::to_string(RankKey(seed, code, w)), c.at("rank_key"));
  });
  EXPECT_GE(n, 5u);
}

TEST(DrawVectors, TeamKeysMatch) {
  size_t n = ForEachCase("team_key", [](const Json& c) {
    const Hash seed = HexHash(c.at("seed"));
    const std::string tag = c.at("tag");
    const std::string id = c.at("inspector_id");
    const uint32_t load = c.at("load");
    const uint8_t l[4] = {static_cast<uint8_t>(load >> 24), static_cast<uint8_t>(load >> 16),
                          static_cast<uint8_t>(load >> 8), static_cast<uint8_t>(load)};
    Hash h = Sha256Parts({AsBytes(tag), ByteView(seed), ByteView(l, 4), AsBytes(id)});
    EXPECT_EQ(Hex(h), c.at("hash"));
    EXPECT_EQ(std::to_string(GetU64BE(h.data())), c.at("key"));
    EXPECT_EQ(std::to_string(TeamKey(tag, seed, id, load)), c.at("key"));
  });
  EXPECT_GE(n, 4u);
}

TEST(DrawVectors, QuotasMatch) {
  size_t n = ForEachCase("quota", [](const Json& c) {
    const Json& j = c.at("task");
    TaskRecord t;
    t.ratio_bp = j.at("ratio_bp");
    t.count = j.at("count");
    t.quota_split = EnumNamed<QuotaSplit>(j.at("quota_split"), QuotaSplitName);
    for (const auto& q : j.at("quotas")) t.quotas.push_back({q.at("key"), q.at("count")});
    t.credit.grade_c_ratio_bp = j.at("grade_c_ratio_bp");
    Population p;
    uint32_t k = 0;
    for (const auto& s : c.at("strata")) {
      for (uint32_t w : s.at("weights").get<std::vector<uint32_t>>()) {
        p.targets.push_back({"Q" + std::to_string(++k), s.at("key"), w, ""});
      }
    }
    EXPECT_EQ(ComputeQuotas(t, p), ParseStrata(c.at("expected")));
  });
  EXPECT_GE(n, 5u);
}

TEST(DrawVectors, MerkleRootsMatch) {
  size_t n = ForEachCase("merkle", [](const Json& c) {
    std::vector<Hash> leaves;
    for (const auto& line : c.at("lines")) {
      leaves.push_back(LeafHash(AsBytes(line.get<std::string>())));
    }
    EXPECT_EQ(Hex(RootFromLeaves(leaves)), c.at("root"));
    EXPECT_EQ(Hex(RootOfLeafHashes(leaves, 1)), c.at("root"));
    EXPECT_EQ(Hex(RootOfLeafHashes(leaves, 2)), c.at("root"));
  });
  EXPECT_GE(n, 5u);
}

TEST(DrawVectors, EligibilityMatches) {
  size_t n = ForEachCase("eligibility", [](const Json& c) {
    const TaskRecord task = ParseTask(c.at("task"));
    directory::MemoryDirectory dir;
    for (const auto& t : c.at("directory").at("targets")) {
      auto rec = ParseTargetRecord(t);
      dir.targets[rec.credit_code] = rec;
    }
    for (const auto& i : c.at("directory").at("inspectors")) {
      auto rec = ParseInspectorRecord(i);
      dir.inspectors[rec.inspector_id] = rec;
    }
    VisitHistory history;
    for (const auto& [code, visits] : c.at("history").items()) {
      for (const auto& v : visits) history[code].push_back(ParsePastVisit(v));
    }
    Population pop = ComputeEligibility(task, c.at("plan_year"),
                                        c.at("jurisdiction").get<std::string>(), dir, history);
    Population want = ParsePopulation(c.at("expected").at("population"));
    EXPECT_EQ(pop.targets, want.targets);
    EXPECT_EQ(pop.inspectors, want.inspectors);
    EXPECT_EQ(pop.experts, want.experts);
    ExpectFrozen(pop, c.at("expected").at("frozen"));
  });
  EXPECT_GE(n, 2u);
  const Json* doc = FileOfKind("eligibility");
  ASSERT_NE(doc, nullptr);
  for (const auto& y : doc->at("add_years")) {
    EXPECT_EQ(AddYears(y.at("date").get<std::string>(), y.at("years")), y.at("result"));
  }
}

TEST(DrawVectors, DrawsMatch) {
  size_t n = ForEachCase("draw", [](const Json& c) {
    const TaskRecord task = ParseTask(c.at("task"));
    EXPECT_TRUE(ValidateTask(task).empty());
    FrozenInputs in;
    in.population = ParsePopulation(c.at("population"));
    for (const auto& x : c.at("conflicts"))
      in.conflicts.insert({x.at(0).get<std::string>(), x.at(1).get<std::string>()});
    for (const auto& [code, team] : c.at("previous_teams").items()) {
      in.previous_teams[code] = Strings(team);
    }
    const Hash seed = HexHash(c.at("seed"));
    const Json& want = c.at("expected");
    ExpectFrozen(in.population, want.at("frozen"));
    for (unsigned threads : {1u, 2u}) {
      SCOPED_TRACE("threads " + std::to_string(threads));
      DrawOutcome out = RunDraw(task, in.population, seed, in.Teams(), threads);
      EXPECT_EQ(out.strata, ParseStrata(want.at("strata")));
      EXPECT_EQ(out.strata, ComputeQuotas(task, in.population));
      ExpectVisits(out.visits, want.at("visits"));
      EXPECT_EQ(out.understaffed, want.at("understaffed").get<uint64_t>());
      auto parts = SplitResult(task.task_id + "-d1", seed, out);
      const Json& wp = want.at("result_parts");
      ASSERT_EQ(parts.size(), wp.size());
      for (size_t p = 0; p < parts.size(); ++p) {
        EXPECT_EQ(parts[p].part, wp[p].at("part").get<uint32_t>());
        EXPECT_EQ(parts[p].parts, wp[p].at("parts").get<uint32_t>());
        EXPECT_EQ(parts[p].selected_total, wp[p].at("selected_total").get<uint64_t>());
        EXPECT_EQ(parts[p].visits.size(), wp[p].at("visits").get<size_t>());
        EXPECT_EQ(!parts[p].strata.empty(), wp[p].at("has_strata").get<bool>());
        EXPECT_EQ(parts[p].seed, seed);
      }
    }
    // Independent of the library's own sort: the draw order is (rank key, credit code)
    // ascending, keys recomputed per target.
    const Json& visits = want.at("visits");
    for (size_t k = 0; k < visits.size(); ++k) {
      const VisitRecord v = ParseVisit(visits[k]);
      EXPECT_EQ(v.order, k);
      EXPECT_EQ(v.rank_key, RankKey(seed, v.credit_code, v.weight));
      EXPECT_EQ(v.batch, task.batch_size == 0 ? 0 : v.order / task.batch_size);
      if (k > 0) {
        const VisitRecord prev = ParseVisit(visits[k - 1]);
        EXPECT_TRUE(prev.rank_key < v.rank_key ||
                    (prev.rank_key == v.rank_key && prev.credit_code < v.credit_code));
      }
      if (!v.merged_into.empty()) {
        EXPECT_TRUE(v.team.empty() && v.experts.empty() && v.substitutes.empty());
      }
    }
  });
  EXPECT_GE(n, 3u);
}

TEST(DrawVectors, CeremonyPayloadsHashDecodeAndGiveTheDraw) {
  size_t ceremonies = 0;
  ForEachCase("draw", [&](const Json& c) {
    if (!c.contains("ceremony")) return;
    ++ceremonies;
    const Json& k = c.at("ceremony");
    const TaskRecord task = ParseTask(c.at("task"));
    const Population pop = ParsePopulation(c.at("population"));

    // The task as stored: its payload decodes to the task, and hashes to the params hash.
    const Bytes task_payload = HexBytes(k.at("task_payload"));
    auto decoded_task = DecodeTask(task_payload);
    ASSERT_TRUE(decoded_task.ok()) << decoded_task.status().message();
    EXPECT_EQ(*decoded_task, task);
    EXPECT_EQ(Hex(Sha256(task_payload)), k.at("params_hash"));
    EXPECT_EQ(Hex(ParamsHash(task_payload)), k.at("params_hash"));

    // The commitment restates the frozen lists and hashes to the commitment.
    const Bytes commit_payload = HexBytes(k.at("commit_payload"));
    auto commit = DecodeCommit(commit_payload);
    ASSERT_TRUE(commit.ok()) << commit.status().message();
    const Json& jc = k.at("commit");
    const PopulationRoots roots = RootsOf(pop, 1);
    EXPECT_EQ(commit->draw_id, jc.at("draw_id"));
    EXPECT_EQ(commit->task_id, task.task_id);
    EXPECT_EQ(commit->freeze_sequence, jc.at("freeze_sequence").get<uint64_t>());
    EXPECT_EQ(commit->target_count, pop.targets.size());
    EXPECT_EQ(commit->target_root, roots.targets);
    EXPECT_EQ(commit->inspector_count, pop.inspectors.size());
    EXPECT_EQ(commit->inspector_root, roots.inspectors);
    EXPECT_EQ(commit->expert_count, pop.experts.size());
    EXPECT_EQ(commit->expert_root, roots.experts);
    EXPECT_EQ(Hex(commit->params_hash), k.at("params_hash"));
    EXPECT_EQ(commit->algorithm, kAlgorithm);
    EXPECT_EQ(Hex(commit->secret_hash), jc.at("secret_hash"));
    EXPECT_EQ(commit->drand_chain, jc.at("drand_chain"));
    EXPECT_EQ(commit->drand_round, jc.at("drand_round").get<uint64_t>());
    EXPECT_EQ(commit->drand_round_time, jc.at("drand_round_time").get<int64_t>());
    EXPECT_EQ(commit->drand_round_time, DrandRoundTime(commit->drand_round));
    EXPECT_EQ(commit->lottery_name, jc.at("lottery_name"));
    EXPECT_EQ(commit->lottery_issue, jc.at("lottery_issue"));
    EXPECT_EQ(commit->lottery_time, jc.at("lottery_time").get<int64_t>());
    EXPECT_EQ(commit->witnesses, Strings(jc.at("witnesses")));
    EXPECT_EQ(commit->note, jc.at("note"));
    const Hash commitment = CommitmentHash(commit_payload);
    EXPECT_EQ(Hex(commitment), k.at("commitment"));
    EXPECT_EQ(Hex(Sha256(commit_payload)), k.at("commitment"));

    // Timing: entropy after the commit, the reveal after the entropy.
    const int64_t commit_us = k.at("commit_time_us");
    const int64_t reveal_us = k.at("reveal_time_us");
    EXPECT_GT(commit->drand_round_time * 1000000, commit_us);
    EXPECT_GT(commit->lottery_time * 1000000, commit_us);
    EXPECT_GE(reveal_us, commit->drand_round_time * 1000000);
    EXPECT_GE(reveal_us, commit->lottery_time * 1000000);

    // The reveal opens the secret, and the seed follows.
    auto reveal = DecodeReveal(HexBytes(k.at("reveal_payload")));
    ASSERT_TRUE(reveal.ok()) << reveal.status().message();
    const Json& jr = k.at("reveal");
    EXPECT_EQ(ToHex(reveal->secret), jr.at("secret"));
    EXPECT_EQ(ToHex(reveal->drand_randomness), jr.at("drand_randomness"));
    EXPECT_EQ(ToHex(reveal->drand_signature), jr.at("drand_signature"));
    EXPECT_EQ(reveal->lottery_digits, jr.at("lottery_digits"));
    EXPECT_EQ(reveal->witness_digits, Strings(jr.at("witness_digits")));
    EXPECT_EQ(SecretHash(reveal->secret), commit->secret_hash);
    EXPECT_EQ(ToHex(ByteView(Sha256(reveal->drand_signature))), jr.at("drand_randomness"));
    const Bytes preimage =
        SeedPreimageFromSpec(commitment, true, true, commit->witnesses.size(), jr);
    EXPECT_EQ(ToHex(preimage), k.at("seed_preimage"));
    const Hash seed = DeriveSeed(commitment, *commit, *reveal);
    EXPECT_EQ(Hex(seed), k.at("seed"));
    EXPECT_EQ(reveal->seed, seed);
    EXPECT_EQ(Hex(seed), c.at("seed"));

    // The result parts decode to the recomputed draw.
    FrozenInputs in;
    in.population = pop;
    for (const auto& x : c.at("conflicts"))
      in.conflicts.insert({x.at(0).get<std::string>(), x.at(1).get<std::string>()});
    for (const auto& [code, team] : c.at("previous_teams").items()) {
      in.previous_teams[code] = Strings(team);
    }
    DrawOutcome out = RunDraw(task, pop, seed, in.Teams(), 1);
    std::vector<VisitRecord> logged;
    const Json& parts = k.at("result_payloads");
    for (size_t p = 0; p < parts.size(); ++p) {
      auto part = DecodeResultPart(HexBytes(parts[p]));
      ASSERT_TRUE(part.ok()) << part.status().message();
      EXPECT_EQ(part->draw_id, commit->draw_id);
      EXPECT_EQ(part->seed, seed);
      EXPECT_EQ(part->part, p);
      EXPECT_EQ(part->parts, parts.size());
      EXPECT_EQ(part->selected_total, out.visits.size());
      if (p == 0) {
        EXPECT_EQ(part->strata, out.strata);
      }
      logged.insert(logged.end(), part->visits.begin(), part->visits.end());
    }
    EXPECT_EQ(logged, out.visits);
    ExpectVisits(logged, c.at("expected").at("visits"));
  });
  EXPECT_GE(ceremonies, 1u);
}

}  // namespace
}  // namespace suiji::draw
