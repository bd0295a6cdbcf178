// Generates the test vectors of the draw algorithm "suiji-draw/1" (docs/draw-protocol.md §10)
// from the library, into tests/vectors/draw/*.json:
//
//   seeds.json        secret hash and seed derivation, every input in hex
//   drand.json        quicknet round times
//   rank_keys.json    per-target rank keys (weights across the 4-uniform block boundary)
//   team_keys.json    inspector and expert pool keys
//   quotas.json       stratum quotas (ratio, proportional, equal, explicit, "/C" strata)
//   merkle.json       RFC 6962 roots over leaf lines (odd-node rule, empty list)
//   eligibility.json  directory + visit history + task -> frozen lists, leaf lines, roots
//   draws.json        full draws: population, exclusions, task, seed -> visits in order;
//                     the first one as a whole ceremony with its payload bytes
//
// Usage: draw_vectors_gen [OUT_DIR]   (default: the source tree's tests/vectors/draw)
// Not run by ctest: the files are committed, and tests/core/draw_vectors_test.cc checks that
// the library still computes exactly what they state. Regenerate only on purpose: a changed
// vector is a changed protocol.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/sha256.h"
#include "tests/support/credit_codes.h"

namespace suiji::draw {
namespace {

using Json = nlohmann::ordered_json;
using testing_support::SampleCreditCode;

std::string Hex(ByteView b) { return ToHex(b); }
std::string Hex(const Hash& h) { return ToHex(ByteView(h)); }
std::string Hex(std::string_view s) { return ToHex(AsBytes(s)); }

// Deterministic 32-byte inputs named by a label.
Hash Labelled(std::string_view label) { return Sha256(AsBytes(label)); }
Bytes LabelledBytes(std::string_view label) {
  Hash h = Labelled(label);
  return Bytes(h.begin(), h.end());
}

[[noreturn]] void Die(const std::string& why) {
  std::cerr << "draw_vectors_gen: " << why << "\n";
  std::exit(1);
}

// --- records as JSON ---

Json TaskJson(const TaskRecord& t) {
  Json quotas = Json::array();
  for (const auto& q : t.quotas) quotas.push_back({{"key", q.key}, {"count", q.count}});
  const CreditRules& c = t.credit;
  const FrequencyRules& f = t.frequency;
  const InspectorRequirements& r = t.inspectors;
  return Json{
      {"task_id", t.task_id},
      {"plan_id", t.plan_id},
      {"org_id", t.org_id},
      {"title", t.title},
      {"item_list_version", t.item_list_version},
      {"item_ids", t.item_ids},
      {"key_items", t.key_items},
      {"batch_size", t.batch_size},
      {"regions", t.regions},
      {"industries", t.industries},
      {"min_headcount", t.min_headcount},
      {"directed", t.directed},
      {"credit_grades", t.credit_grades},
      {"blacklisted_only", t.blacklisted_only},
      {"ratio_bp", t.ratio_bp},
      {"count", t.count},
      {"strata_by", StrataByName(t.strata_by)},
      {"quota_split", QuotaSplitName(t.quota_split)},
      {"quotas", quotas},
      {"credit",
       {{"grade_a_exempt_years", c.grade_a_exempt_years},
        {"grade_c_ratio_bp", c.grade_c_ratio_bp},
        {"grade_c_ignores_no_repeat", c.grade_c_ignores_no_repeat},
        {"base_weight", c.base_weight},
        {"blacklist_multiplier", c.blacklist_multiplier},
        {"star_threshold", c.star_threshold},
        {"star_policy", StarPolicyName(c.star_policy)},
        {"complaint_step", c.complaint_step},
        {"complaint_cap", c.complaint_cap}}},
      {"frequency",
       {{"max_per_year", f.max_per_year},
        {"no_repeat_item_within_year", f.no_repeat_item_within_year}}},
      {"window_start", t.window_start},
      {"window_end", t.window_end},
      {"inspectors",
       {{"domains", r.domains},
        {"specialties", r.specialties},
        {"regions", r.regions},
        {"team_size", r.team_size},
        {"substitutes", r.substitutes},
        {"experts", r.experts},
        {"expert_specialties", r.expert_specialties}}},
      {"joint_departments", t.joint_departments},
  };
}

Json TargetRecordJson(const directory::TargetRecord& t, std::string_view note) {
  return Json{{"credit_code", t.credit_code},
              {"region", t.region},
              {"industry", t.industry},
              {"headcount", t.headcount},
              {"credit_grade", t.credit_grade},
              {"grade_date", t.grade_date},
              {"blacklisted", t.blacklisted},
              {"blacklist_from", t.blacklist_from},
              {"blacklist_until", t.blacklist_until},
              {"star_level", t.star_level},
              {"complaints", t.complaints},
              {"status", directory::TargetStatusName(t.status)},
              {"note", note}};
}

Json InspectorRecordJson(const directory::InspectorRecord& i, std::string_view note) {
  return Json{{"inspector_id", i.inspector_id},
              {"domains", i.domains},
              {"specialties", i.specialties},
              {"region", i.region},
              {"status", directory::InspectorStatusName(i.status)},
              {"auxiliary", i.auxiliary},
              {"note", note}};
}

Json PastVisitJson(const PastVisit& v) {
  return Json{{"draw_id", v.draw_id},
              {"task_id", v.task_id},
              {"year", v.year},
              {"window_start", v.window_start},
              {"window_end", v.window_end},
              {"items", v.items},
              {"team", v.team},
              {"merged_into", v.merged_into}};
}

Json PopulationJson(const Population& p) {
  Json targets = Json::array(), inspectors = Json::array(), experts = Json::array();
  for (const auto& t : p.targets) {
    targets.push_back({{"credit_code", t.credit_code},
                       {"stratum", t.stratum},
                       {"weight", t.weight},
                       {"merge_into", t.merge_into}});
  }
  for (const auto& i : p.inspectors) {
    inspectors.push_back({{"inspector_id", i.inspector_id}, {"specialist", i.specialist}});
  }
  for (const auto& e : p.experts) experts.push_back({{"inspector_id", e.inspector_id}});
  return Json{{"targets", targets}, {"inspectors", inspectors}, {"experts", experts}};
}

template <typename T, typename LeafFn>
Json LeavesJson(const std::vector<T>& items, LeafFn leaf) {
  Json out = Json::array();
  for (const auto& x : items) {
    std::string line = leaf(x);
    out.push_back(
        {{"line", line}, {"line_hex", Hex(line)}, {"leaf_hash", Hex(LeafHash(AsBytes(line)))}});
  }
  return out;
}

// The frozen lists: leaf lines, counts and roots.
Json FrozenJson(const Population& p) {
  PopulationRoots roots = RootsOf(p, 1);
  return Json{{"target_count", p.targets.size()},
              {"target_root", Hex(roots.targets)},
              {"inspector_count", p.inspectors.size()},
              {"inspector_root", Hex(roots.inspectors)},
              {"expert_count", p.experts.size()},
              {"expert_root", Hex(roots.experts)},
              {"target_leaves", LeavesJson(p.targets, TargetLeaf)},
              {"inspector_leaves", LeavesJson(p.inspectors, InspectorLeaf)},
              {"expert_leaves", LeavesJson(p.experts, ExpertLeaf)}};
}

Json StrataJson(const std::vector<StratumCount>& strata) {
  Json out = Json::array();
  for (const auto& s : strata) {
    out.push_back({{"key", s.key},
                   {"population", s.population},
                   {"weight_total", s.weight_total},
                   {"quota", s.quota}});
  }
  return out;
}

Json VisitJson(const VisitRecord& v) {
  return Json{{"order", v.order},
              {"credit_code", v.credit_code},
              {"stratum", v.stratum},
              {"weight", v.weight},
              {"rank_key", std::to_string(v.rank_key)},
              {"batch", v.batch},
              {"team", v.team},
              {"experts", v.experts},
              {"substitutes", v.substitutes},
              {"merged_into", v.merged_into}};
}

// The seed's preimage, built here piece by piece (the library only returns the hash).
Bytes SeedPreimage(const Hash& commitment, const CommitRecord& c, const RevealRecord& r) {
  Bytes in;
  in.reserve(512);  // (also keeps GCC 12's -Warray-bounds false positive on insert away)
  in.insert(in.end(), kSeedTag.begin(), kSeedTag.end());
  in.insert(in.end(), commitment.begin(), commitment.end());
  auto lp = [&](ByteView b) {
    uint8_t len[4];
    PutU32BE(static_cast<uint32_t>(b.size()), len);
    in.insert(in.end(), len, len + 4);
    in.insert(in.end(), b.begin(), b.end());
  };
  lp(r.secret);
  if (!c.drand_chain.empty()) lp(r.drand_randomness);
  if (!c.lottery_name.empty()) lp(AsBytes(r.lottery_digits));
  for (size_t i = 0; i < c.witnesses.size(); ++i) {
    lp(AsBytes(i < r.witness_digits.size() ? r.witness_digits[i] : std::string()));
  }
  return in;
}

Json Document(std::string_view kind, std::string_view description) {
  return Json{{"algorithm", kAlgorithm}, {"kind", kind}, {"description", description}};
}

// --- seeds ---

// A real drand quicknet beacon (round 657413, 2023-09-15 11:00:03 UTC). Check its BLS
// signature with drand's public key: https://api.drand.sh/<chain hash>/public/657413.
constexpr uint64_t kQuicknetRound = 657413;
constexpr std::string_view kQuicknetSignature =
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd9"
    "7b";
constexpr std::string_view kQuicknetRandomness =
    "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587";

Bytes MustHex(std::string_view h) {
  auto b = FromHex(h);
  if (!b.ok()) Die("bad hex constant");
  return *b;
}

Json SeedCase(std::string_view name, std::string_view explanation, const Hash& commitment,
              const CommitRecord& c, const RevealRecord& r) {
  Json witness_hex = Json::array();
  for (const auto& w : r.witness_digits) witness_hex.push_back(Hex(w));
  return Json{
      {"name", name},
      {"explanation", explanation},
      {"commitment", Hex(commitment)},
      {"declared",
       {{"drand_chain", c.drand_chain},
        {"lottery_name", c.lottery_name},
        {"witnesses", c.witnesses}}},
      {"reveal",
       {{"secret", Hex(r.secret)},
        {"drand_signature", Hex(r.drand_signature)},
        {"drand_randomness", Hex(r.drand_randomness)},
        {"lottery_digits", r.lottery_digits},
        {"lottery_digits_hex", Hex(r.lottery_digits)},
        {"witness_digits", r.witness_digits},
        {"witness_digits_hex", witness_hex}}},
      {"secret_hash", Hex(SecretHash(r.secret))},
      {"seed_preimage", Hex(SeedPreimage(commitment, c, r))},
      {"seed", Hex(DeriveSeed(commitment, c, r))},
  };
}

Json Seeds() {
  Json doc = Document(
      "seed",
      "secret_hash = SHA-256(\"suiji-draw/1 secret\" || secret); seed = SHA-256(\"suiji-draw/1 "
      "seed\" || commitment || LP(secret) || LP(drand randomness) if drand_chain is declared || "
      "LP(lottery digits) if lottery_name is declared || LP(digits) of each declared witness in "
      "order), LP(x) = BE32(len x) || x. 'declared' is what the commitment states; 'reveal' is "
      "what DrawRevealed carries. Hex is lowercase.");
  Json cases = Json::array();
  const Bytes sig = MustHex(kQuicknetSignature);
  const Bytes rnd = MustHex(kQuicknetRandomness);
  {
    CommitRecord c;
    c.drand_chain = std::string(kDrandQuicknetChain);
    RevealRecord r;
    r.secret = LabelledBytes("suiji vector secret 1");
    r.drand_signature = sig;
    r.drand_randomness = rnd;
    cases.push_back(SeedCase("drand only",
                             "drand randomness is SHA-256 of the round's BLS signature",
                             Labelled("suiji vector commitment 1"), c, r));
  }
  {
    CommitRecord c;
    c.lottery_name = "福彩3D";
    c.lottery_issue = "2026061";
    RevealRecord r;
    r.secret = LabelledBytes("suiji vector secret 2");
    r.lottery_digits = "507";
    cases.push_back(SeedCase("lottery only", "the digits are the UTF-8 bytes as revealed",
                             Labelled("suiji vector commitment 2"), c, r));
  }
  {
    CommitRecord c;
    c.witnesses = {"王建国", "李秀英"};
    RevealRecord r;
    r.secret = LabelledBytes("suiji vector secret 3");
    r.witness_digits = {"20260315", "4711"};
    cases.push_back(SeedCase("two witnesses", "each witness's digits, in the declared order",
                             Labelled("suiji vector commitment 3"), c, r));
  }
  {
    CommitRecord c;
    c.drand_chain = std::string(kDrandQuicknetChain);
    c.lottery_name = "体彩排列3";
    c.lottery_issue = "26061";
    c.witnesses = {"张伟（人大代表）", "刘芳（政协委员）", "陈明（工会）"};
    RevealRecord r;
    r.secret = LabelledBytes("suiji vector secret 4");
    r.drand_signature = sig;
    r.drand_randomness = rnd;
    r.lottery_digits = "0 9 3";
    r.witness_digits = {"7", "000123", "99999999999999999999"};
    cases.push_back(SeedCase("drand, lottery and three witnesses",
                             "all sources: secret, drand, lottery, witnesses in that order",
                             Labelled("suiji vector commitment 4"), c, r));
  }
  {
    CommitRecord c;
    c.witnesses = {"王建国"};
    RevealRecord r;
    r.secret = LabelledBytes("suiji vector secret 5");
    r.drand_randomness = rnd;  // not declared: ignored
    r.lottery_digits = "123";  // not declared: ignored
    r.witness_digits = {"42"};
    cases.push_back(SeedCase("undeclared sources are ignored",
                             "the reveal carries drand randomness and lottery digits, but the "
                             "commitment declared neither, so neither enters the seed",
                             Labelled("suiji vector commitment 5"), c, r));
  }
  doc["cases"] = cases;
  return doc;
}

Json Drand() {
  Json doc = Document("drand",
                      "drand quicknet: round time = genesis + (round - 1) * period; "
                      "first_round_after(t) = the least round whose time is strictly after t");
  doc["chain_hash"] = kDrandQuicknetChain;
  doc["genesis"] = kDrandQuicknetGenesis;
  doc["period"] = kDrandQuicknetPeriod;
  Json rounds = Json::array();
  for (uint64_t r : {uint64_t{1}, uint64_t{2}, uint64_t{3}, kQuicknetRound, uint64_t{20000000}}) {
    rounds.push_back({{"round", r}, {"time", DrandRoundTime(r)}});
  }
  doc["round_times"] = rounds;
  Json after = Json::array();
  for (int64_t t : {kDrandQuicknetGenesis - 100, kDrandQuicknetGenesis, kDrandQuicknetGenesis + 1,
                    kDrandQuicknetGenesis + 2, kDrandQuicknetGenesis + 3,
                    DrandRoundTime(kQuicknetRound) - 2, int64_t{1773532800}}) {
    after.push_back({{"unix_seconds", t}, {"round", DrandFirstRoundAfter(t)}});
  }
  doc["first_round_after"] = after;
  doc["beacon"] = {{"round", kQuicknetRound},
                   {"signature", kQuicknetSignature},
                   {"randomness", kQuicknetRandomness},
                   {"note",
                    "a published quicknet beacon; randomness = SHA-256(signature). The "
                    "BLS signature itself is not checked offline."}};
  return doc;
}

// --- keys ---

Json RankKeys() {
  Json doc = Document(
      "rank_key",
      "block_b = SHA-256(\"suiji-draw/1 rank\" || seed || BE32(b) || credit code); uniform u_j = "
      "big-endian u64 at bytes [8(j mod 4), 8(j mod 4)+8) of block_(j div 4), j = 0..w-1; "
      "rank_key = min u_j. 64-bit values are decimal strings.");
  Json cases = Json::array();
  const std::vector<Hash> seeds = {Labelled("suiji vector rank seed 1"),
                                   Labelled("suiji vector rank seed 2")};
  const std::vector<std::string> codes = {SampleCreditCode("320402", 1),
                                          SampleCreditCode("320412", 77)};
  for (const Hash& seed : seeds) {
    for (const auto& code : codes) {
      for (uint32_t w : {1u, 2u, 4u, 5u, 9u}) {
        Json blocks = Json::array(), uniforms = Json::array();
        for (uint32_t b = 0; b * 4 < w; ++b) {
          uint8_t idx[4];
          PutU32BE(b, idx);
          Hash h =
              Sha256Parts({AsBytes(kRankTag), ByteView(seed), ByteView(idx, 4), AsBytes(code)});
          blocks.push_back(Hex(h));
          for (uint32_t j = 4 * b; j < w && j < 4 * b + 4; ++j) {
            uniforms.push_back(std::to_string(GetU64BE(h.data() + 8 * (j % 4))));
          }
        }
        cases.push_back({{"seed", Hex(seed)},
                         {"credit_code", code},
                         {"weight", w},
                         {"blocks", blocks},
                         {"uniforms", uniforms},
                         {"rank_key", std::to_string(RankKey(seed, code, w))}});
      }
    }
  }
  doc["cases"] = cases;
  return doc;
}

Json TeamKeys() {
  Json doc = Document("team_key",
                      "key = big-endian u64 of the first 8 bytes of SHA-256(tag || seed || "
                      "BE32(load) || inspector id); tag \"suiji-draw/1 team\" for inspectors, "
                      "\"suiji-draw/1 expert\" for experts");
  Json cases = Json::array();
  const Hash seed = Labelled("suiji vector team seed");
  for (std::string_view tag : {kTeamTag, kExpertTag}) {
    for (const char* id : {"JC-3204-0001", "ZJ-0002"}) {
      for (uint32_t load : {0u, 1u, 2u, 300u}) {
        uint8_t l[4];
        PutU32BE(load, l);
        Hash h = Sha256Parts({AsBytes(tag), ByteView(seed), ByteView(l, 4), AsBytes(id)});
        cases.push_back({{"tag", tag},
                         {"seed", Hex(seed)},
                         {"inspector_id", id},
                         {"load", load},
                         {"hash", Hex(h)},
                         {"key", std::to_string(TeamKey(tag, seed, id, load))}});
      }
    }
  }
  doc["cases"] = cases;
  return doc;
}

// --- quotas ---

struct QuotaInput {
  std::string key;
  std::vector<uint32_t> weights;
};

Json QuotaCase(std::string_view name, std::string_view explanation, const TaskRecord& t,
               const std::vector<QuotaInput>& strata) {
  Population p;
  Json in = Json::array();
  uint32_t n = 0;
  for (const auto& s : strata) {
    for (uint32_t w : s.weights) p.targets.push_back({"Q" + std::to_string(++n), s.key, w, ""});
    in.push_back({{"key", s.key}, {"weights", s.weights}});
  }
  Json quotas = Json::array();
  for (const auto& q : t.quotas) quotas.push_back({{"key", q.key}, {"count", q.count}});
  return Json{{"name", name},
              {"explanation", explanation},
              {"task",
               {{"ratio_bp", t.ratio_bp},
                {"count", t.count},
                {"quota_split", QuotaSplitName(t.quota_split)},
                {"quotas", quotas},
                {"grade_c_ratio_bp", t.credit.grade_c_ratio_bp}}},
              {"strata", in},
              {"expected", StrataJson(ComputeQuotas(t, p))}};
}

std::vector<uint32_t> Ones(size_t n) { return std::vector<uint32_t>(n, 1); }

Json Quotas() {
  Json doc = Document(
      "quota",
      "stratum quotas. Input strata list each target's weight (the key is the stratum of each); "
      "expected strata are sorted by key (byte order). ceil(n * bp / 10000) per stratum in "
      "ratio mode; a count is split across the strata not ending in \"/C\"; \"/C\" strata always "
      "take a ratio; every quota is capped at its population.");
  Json cases = Json::array();
  {
    TaskRecord t;
    t.ratio_bp = 500;
    cases.push_back(QuotaCase("ratio rounds up per stratum",
                              "5%: ceil(0.35)=1, ceil(1.0)=1, ceil(0.05)=1", t,
                              {{"320402", Ones(7)}, {"320404", Ones(20)}, {"320411", {9}}}));
  }
  {
    TaskRecord t;
    t.ratio_bp = 1000;
    t.credit.grade_c_ratio_bp = 10000;
    cases.push_back(QuotaCase(
        "ratio with grade C strata", "\"/C\" strata take max(ratio_bp, grade_c_ratio_bp) = 100%", t,
        {{"320402", {2, 2, 3, 2, 2, 2, 2, 2, 2, 2, 2}}, {"320402/C", {2, 4, 6}}}));
  }
  {
    TaskRecord t;
    t.ratio_bp = 2000;
    t.credit.grade_c_ratio_bp = 500;
    cases.push_back(QuotaCase("grade C ratio below the task ratio",
                              "in ratio mode a \"/C\" stratum never gets less than the task ratio",
                              t, {{"all", Ones(10)}, {"all/C", Ones(10)}}));
  }
  {
    TaskRecord t;
    t.count = 7;
    cases.push_back(
        QuotaCase("proportional with tied remainders",
                  "n=20, count 7: 7*10/20=3 r10; 7*5/20=1 r15; 1 r15; two left go to the largest "
                  "remainders, ties by key ascending: 34 and 47",
                  t, {{"13", Ones(10)}, {"34", Ones(5)}, {"47", Ones(5)}}));
  }
  {
    TaskRecord t;
    t.count = 5;
    cases.push_back(QuotaCase("proportional, all remainders equal",
                              "3 strata of 3, count 5: 1 each r6; the two left go to the first "
                              "two keys",
                              t, {{"320411", Ones(3)}, {"320402", Ones(3)}, {"320404", Ones(3)}}));
  }
  {
    TaskRecord t;
    t.count = 40;
    cases.push_back(QuotaCase("proportional, count at least the population",
                              "count >= population: every target", t,
                              {{"13", Ones(10)}, {"34", Ones(5)}}));
  }
  {
    TaskRecord t;
    t.count = 6;
    t.credit.grade_c_ratio_bp = 5000;
    cases.push_back(QuotaCase("proportional beside grade C strata",
                              "the count is split over the normal strata only; \"/C\" strata "
                              "take ceil(n * grade_c_ratio_bp / 10000) on top of the count",
                              t, {{"13", Ones(8)}, {"13/C", Ones(3)}, {"47", Ones(4)}}));
  }
  {
    TaskRecord t;
    t.count = 7;
    t.quota_split = QuotaSplit::Equal;
    cases.push_back(QuotaCase("equal split with a capped stratum",
                              "7 over 3 strata: 3,2,2 by key order; then capped at the "
                              "population (320404 has 1), with no redistribution",
                              t,
                              {{"320402", Ones(10)}, {"320404", Ones(1)}, {"320411", Ones(10)}}));
  }
  {
    TaskRecord t;
    t.count = 9;
    t.quota_split = QuotaSplit::Explicit;
    t.quotas = {{"320402", 4}, {"320404", 3}, {"320499", 2}};
    cases.push_back(QuotaCase(
        "explicit quotas",
        "a stratum takes its stated count (capped); 320411 has none so 0; "
        "320499 names no stratum; 320404/C takes the grade C ratio",
        t, {{"320402", Ones(6)}, {"320404", Ones(2)}, {"320404/C", Ones(3)}, {"320411", Ones(5)}}));
  }
  doc["cases"] = cases;
  return doc;
}

// --- Merkle roots ---

Json Merkle() {
  Json doc = Document("merkle",
                      "RFC 6962 root over leaf lines in list order: leaf = SHA-256(0x00 || line), "
                      "node = SHA-256(0x01 || left || right), empty list = SHA-256(\"\"); an odd "
                      "last node is carried up unchanged");
  Json cases = Json::array();
  for (size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 9u}) {
    std::vector<EligibleInspector> list;
    for (size_t i = 0; i < n; ++i) {
      list.push_back({"JC-" + std::to_string(1000 + i), i % 3 == 0});
    }
    std::vector<Hash> leaves;
    Json lines = Json::array();
    for (const auto& x : list) {
      lines.push_back(InspectorLeaf(x));
      leaves.push_back(LeafHash(AsBytes(InspectorLeaf(x))));
    }
    cases.push_back({{"lines", lines}, {"root", Hex(RootOfLeafHashes(leaves, 1))}});
  }
  doc["cases"] = cases;
  return doc;
}

// --- eligibility ---

struct NamedTarget {
  directory::TargetRecord record;
  std::string note;
};
struct NamedInspector {
  directory::InspectorRecord record;
  std::string note;
};

directory::TargetRecord Target(const std::string& region, uint64_t serial,
                               const std::string& industry, uint32_t headcount,
                               const std::string& grade) {
  directory::TargetRecord t;
  t.credit_code = SampleCreditCode(region, serial);
  t.name = "单位" + std::to_string(serial);
  t.region = region;
  t.industry = industry;
  t.headcount = headcount;
  t.credit_grade = grade;
  t.org_id = "320400";
  return t;
}

directory::InspectorRecord Inspector(const std::string& id, const std::string& region,
                                     std::vector<std::string> domains,
                                     std::vector<std::string> specialties) {
  directory::InspectorRecord i;
  i.inspector_id = id;
  i.name = id;
  i.region = region;
  i.domains = std::move(domains);
  i.specialties = std::move(specialties);
  i.org_id = "320400";
  return i;
}

PastVisit Visit(std::string draw_id, uint16_t year, std::string start, std::string end,
                std::vector<std::string> items, std::vector<std::string> team,
                std::string merged_into = "") {
  PastVisit v;
  v.task_id = draw_id.substr(0, draw_id.rfind("-d"));
  v.draw_id = std::move(draw_id);
  v.year = year;
  v.window_start = std::move(start);
  v.window_end = std::move(end);
  v.items = std::move(items);
  v.team = std::move(team);
  v.merged_into = std::move(merged_into);
  return v;
}

TaskRecord BaseTask(std::string task_id, std::string start, std::string end) {
  TaskRecord t;
  t.task_id = std::move(task_id);
  t.plan_id = "P-320400-" + start.substr(0, 4);
  t.org_id = "320400";
  t.title = "劳动用工和工资支付情况抽查";
  t.item_list_version = 1;
  t.item_ids = {"LS-01", "LS-03"};
  t.regions = {"320400"};
  t.window_start = std::move(start);
  t.window_end = std::move(end);
  t.inspectors.domains = {"劳动保障监察"};
  return t;
}

void CheckValid(const TaskRecord& t) {
  auto errs = ValidateTask(t);
  if (!errs.empty()) Die("task " + t.task_id + ": " + errs[0].field + ": " + errs[0].reason);
}

Json EligibilityCase(std::string_view name, const TaskRecord& task, uint16_t plan_year,
                     const std::string& jurisdiction, const std::vector<NamedTarget>& targets,
                     const std::vector<NamedInspector>& inspectors, const VisitHistory& history) {
  CheckValid(task);
  directory::MemoryDirectory dir;
  Json jt = Json::array(), ji = Json::array(), jh = Json::object();
  for (const auto& t : targets) {
    dir.targets[t.record.credit_code] = t.record;
    jt.push_back(TargetRecordJson(t.record, t.note));
  }
  for (const auto& i : inspectors) {
    dir.inspectors[i.record.inspector_id] = i.record;
    ji.push_back(InspectorRecordJson(i.record, i.note));
  }
  for (const auto& [code, visits] : history) {
    Json list = Json::array();
    for (const auto& v : visits) list.push_back(PastVisitJson(v));
    jh[code] = list;
  }
  Population pop = ComputeEligibility(task, plan_year, jurisdiction, dir, history);
  return Json{{"name", name},
              {"plan_year", plan_year},
              {"jurisdiction", jurisdiction},
              {"task", TaskJson(task)},
              {"directory", {{"targets", jt}, {"inspectors", ji}}},
              {"history", jh},
              {"expected", {{"population", PopulationJson(pop)}, {"frozen", FrozenJson(pop)}}}};
}

Json Eligibility() {
  Json doc = Document(
      "eligibility",
      "directory targets and inspectors (any order; the frozen lists are in byte order of "
      "identity), the visit history by credit code (in the order the results were logged), the "
      "task, the plan year and the org's jurisdiction -> the frozen populations, their leaf "
      "lines (fields joined by 0x1F) and RFC 6962 roots. 'note' says why; it is not input.");
  Json cases = Json::array();

  // Case 1: a general task over the city, strata by region, default credit rules.
  {
    TaskRecord task = BaseTask("T-320400-2026-03", "2026-02-28", "2026-06-30");
    task.industries = {"13", "47"};
    task.ratio_bp = 1000;
    task.strata_by = StrataBy::Region;
    task.inspectors.specialties = {"工资支付"};
    task.inspectors.experts = 1;
    task.inspectors.expert_specialties = {"职业卫生"};
    const std::string others = "T-320400-2026-01-d1";
    std::vector<NamedTarget> ts;
    auto add = [&](directory::TargetRecord r, std::string note) {
      ts.push_back({std::move(r), std::move(note)});
    };
    add(Target("320402", 1, "1310", 50, "B"), "eligible: base weight 2");
    {
      auto r = Target("320402", 2, "1310", 50, "B");
      r.status = directory::TargetStatus::Deregistered;
      add(r, "out of scope: not active");
    }
    add(Target("320505", 3, "1310", 50, "B"), "out of scope: region 320505 is not within 320400");
    add(Target("320402", 4, "1310", 5, "B"), "out of scope: headcount 5 < min_headcount 8");
    add(Target("320402", 5, "5211", 50, "B"), "out of scope: industry 5211 matches no prefix");
    {
      auto r = Target("320404", 6, "4711", 30, "A");
      r.grade_date = "2025-01-10";
      add(r, "grade A exempt: AddYears(2025-01-10, 2) = 2027-01-10 > window_start");
    }
    {
      auto r = Target("320404", 7, "4711", 30, "A");
      r.grade_date = "2024-02-29";
      add(r, "grade A, exemption over: AddYears(2024-02-29, 2) = 2026-02-28, not > 2026-02-28");
    }
    add(Target("320404", 8, "4711", 30, "A"), "grade A without a grading date: exempt");
    {
      auto r = Target("320411", 9, "1320", 200, "B");
      r.star_level = 5;
      r.blacklisted = true;
      r.blacklist_from = "2025-06-01";
      r.complaints = 7;
      add(r, "stars >= 4 (Reduce): 1; blacklisted x3 = 3; + min(7, 4) * 1 = 7");
    }
    {
      auto r = Target("320404", 10, "4720", 40, "C");
      r.complaints = 2;
      add(r,
          "grade C: stratum 320404/C, weight 2 + 2 = 4; the repeated item does not bar "
          "grade C");
    }
    add(Target("320404", 11, "4720", 40, "B"), "excluded: item LS-01 already inspected this year");
    add(Target("320411", 12, "1310", 40, ""),
        "excluded: two visits of its own this year (max_per_year 2), none overlapping");
    add(Target("320411", 13, "1310", 40, ""),
        "two visits this year, one overlapping: merged into the first overlapping one");
    add(Target("320412", 14, "1310", 40, "B"), "eligible: the same item, but last year");
    add(Target("320412", 15, "1310", 40, "B"),
        "eligible: of two visits this year one was merged (does not count) and the other "
        "does not overlap");
    {
      auto r = Target("320412", 16, "1310", 40, "B");
      r.blacklisted = true;
      r.blacklist_until = "2026-01-31";
      add(r, "blacklisting ended before window_start: not active, weight 2");
    }
    {
      auto r = Target("320402", 17, "1310", 40, "B");
      r.star_level = 4;
      r.complaints = 1;
      add(r, "4 stars (Reduce): weight 1 + 1 complaint = 2");
    }
    auto code = [&](uint64_t serial) {
      for (const auto& t : ts) {
        if (t.record.name == "单位" + std::to_string(serial)) return t.record.credit_code;
      }
      Die("no target " + std::to_string(serial));
    };
    VisitHistory h;
    h[code(10)] = {Visit(others, 2026, "2026-01-05", "2026-01-20", {"LS-01"},
                         {"JC-3204-0001", "JC-3204-0002"})};
    h[code(11)] = {Visit(others, 2026, "2026-01-05", "2026-01-20", {"LS-01"},
                         {"JC-3204-0001", "JC-3204-0002"})};
    h[code(12)] = {Visit(others, 2026, "2026-01-05", "2026-01-20", {"LS-09"}, {"JC-3204-0001"}),
                   Visit("T-320400-2026-02-d1", 2026, "2026-09-01", "2026-09-30", {"LS-08"},
                         {"JC-3204-0003"})};
    h[code(13)] = {Visit(others, 2026, "2026-01-05", "2026-01-20", {"LS-09"}, {"JC-3204-0001"}),
                   Visit("T-320400-2026-02-d1", 2026, "2026-05-01", "2026-07-31", {"LS-08"},
                         {"JC-3204-0003", "JC-3204-0004"}),
                   Visit("T-320400-2026-04-d1", 2026, "2026-06-01", "2026-06-30", {"LS-07"},
                         {"JC-3204-0005"})};
    h[code(14)] = {Visit("T-320400-2025-01-d1", 2025, "2025-03-01", "2025-04-30", {"LS-01"},
                         {"JC-3204-0001"})};
    h[code(15)] = {Visit(others, 2026, "2026-01-05", "2026-01-20", {"LS-09"}, {"JC-3204-0001"}),
                   Visit("T-320400-2026-05-d1", 2026, "2026-03-01", "2026-03-31", {"LS-08"},
                         {"JC-3204-0001"}, "T-320400-2026-02-d9")};

    std::vector<NamedInspector> is;
    is.push_back({Inspector("JC-3204-0001", "320402", {"劳动保障监察"}, {"工资支付", "社会保险"}),
                  "specialist (holds 工资支付)"});
    is.push_back({Inspector("JC-3204-0002", "320404", {"劳动保障监察", "社会保险"}, {}),
                  "eligible, not a specialist"});
    {
      auto r = Inspector("JC-3204-0003", "320402", {"劳动保障监察"}, {"工资支付"});
      r.status = directory::InspectorStatus::Suspended;
      is.push_back({r, "not active"});
    }
    is.push_back({Inspector("JC-3205-0004", "320505", {"劳动保障监察"}, {"工资支付"}),
                  "outside the jurisdiction 320400 (no inspector regions stated)"});
    is.push_back(
        {Inspector("JC-3204-0005", "320411", {"社会保险"}, {"工资支付"}), "no required domain"});
    is.push_back({Inspector("JC-3204-0006", "320400", {"劳动保障监察"}, {"劳动合同"}),
                  "eligible (city level is within the jurisdiction), not a specialist"});
    {
      auto r = Inspector("ZJ-0001", "110105", {}, {"职业卫生"});
      r.auxiliary = true;
      is.push_back({r,
                    "expert: auxiliary with an expert specialty (region and domain are not "
                    "checked for experts)"});
    }
    {
      auto r = Inspector("ZJ-0002", "320402", {}, {"建筑施工"});
      r.auxiliary = true;
      is.push_back({r, "auxiliary without an expert specialty: neither list"});
    }
    {
      auto r = Inspector("ZJ-0003", "320402", {}, {"职业卫生"});
      r.auxiliary = true;
      r.status = directory::InspectorStatus::Retired;
      is.push_back({r, "auxiliary, not active"});
    }
    cases.push_back(
        EligibilityCase("general task, strata by region", task, 2026, "320400", ts, is, h));
  }

  // Case 2: a directed task; stars exempt; grade A never exempt; no "/C" strata; city strata.
  {
    TaskRecord task = BaseTask("T-320400-2026-09", "2026-09-01", "2026-10-31");
    task.directed = true;
    task.credit_grades = {"C", ""};
    task.ratio_bp = 5000;
    task.strata_by = StrataBy::City;
    task.min_headcount = 0;
    task.credit.grade_c_ratio_bp = 0;
    task.credit.grade_a_exempt_years = 0;
    task.credit.star_policy = StarPolicy::Exempt;
    task.credit.base_weight = 3;
    task.credit.blacklist_multiplier = 2;
    task.credit.complaint_step = 2;
    task.credit.complaint_cap = 3;
    task.frequency.max_per_year = 1;
    task.inspectors.regions = {"320402", "320404"};
    std::vector<NamedTarget> ts;
    ts.push_back({Target("320402", 21, "1310", 3, "C"),
                  "grade C, no \"/C\" stratum (grade_c_ratio_bp 0): stratum 320400"});
    ts.push_back({Target("320412", 22, "1310", 40, ""), "ungraded passes the grade filter"});
    ts.push_back({Target("320412", 23, "1310", 40, "B"), "directed filter: grade B not listed"});
    {
      auto r = Target("320402", 24, "1310", 40, "");
      r.star_level = 5;
      ts.push_back({r, "5 stars with policy Exempt: excluded"});
    }
    {
      auto r = Target("320404", 25, "1310", 40, "C");
      r.blacklisted = true;
      r.blacklist_from = "2026-10-31";
      r.complaints = 9;
      ts.push_back({r, "blacklisting starts on window_end: active; 3 x 2 + min(9, 3) x 2 = 12"});
    }
    {
      auto r = Target("320404", 26, "1310", 40, "C");
      r.blacklisted = true;
      r.blacklist_from = "2026-11-01";
      ts.push_back({r, "blacklisting starts after window_end: not active; weight 3"});
    }
    ts.push_back({Target("320404", 27, "1310", 40, "C"),
                  "one visit this year (max_per_year 1), not overlapping: excluded"});
    ts.push_back({Target("320404", 28, "1310", 40, ""),
                  "one visit this year overlapping: merged, not bound by max_per_year"});
    VisitHistory h;
    h[ts[6].record.credit_code] = {Visit("T-320400-2026-01-d1", 2026, "2026-03-01", "2026-03-31",
                                         {"LS-05"}, {"JC-3204-0001", "JC-3204-0002"})};
    h[ts[7].record.credit_code] = {Visit("T-320400-2026-08-d2", 2026, "2026-10-15", "2026-12-15",
                                         {"LS-05"}, {"JC-3204-0002", "JC-3204-0006"})};
    std::vector<NamedInspector> is;
    is.push_back({Inspector("JC-3204-0001", "320402", {"劳动保障监察"}, {}),
                  "in the task's inspector regions; no specialty required: specialist flag 1"});
    is.push_back({Inspector("JC-3204-0006", "320400", {"劳动保障监察"}, {}),
                  "city level is not within 320402 or 320404"});
    is.push_back({Inspector("JC-3204-0007", "320411", {"劳动保障监察"}, {}),
                  "320411 is not a stated inspector region"});
    {
      auto r = Inspector("ZJ-0001", "110105", {}, {"职业卫生"});
      r.auxiliary = true;
      is.push_back({r, "the task asks for no experts: the expert list is empty"});
    }
    cases.push_back(
        EligibilityCase("directed task, strata by city", task, 2026, "320400", ts, is, h));
  }
  doc["cases"] = cases;

  Json years = Json::array();
  for (auto [d, y] : std::vector<std::pair<std::string, int>>{
           {"2024-02-29", 2}, {"2024-02-29", 4}, {"2023-06-30", 2}, {"2099-12-31", 1}}) {
    years.push_back({{"date", d}, {"years", y}, {"result", AddYears(d, y)}});
  }
  doc["add_years"] = years;
  return doc;
}

// --- full draws ---

struct DrawSetup {
  std::string name;
  std::string explanation;
  TaskRecord task;
  Population pop;
  std::set<std::pair<std::string, std::string>> conflicts;
  std::map<std::string, std::vector<std::string>, std::less<>> previous_teams;
  Hash seed{};
};

void SortPopulation(Population& p) {
  auto by_code = [](const EligibleTarget& a, const EligibleTarget& b) {
    return a.credit_code < b.credit_code;
  };
  auto by_id = [](const EligibleInspector& a, const EligibleInspector& b) {
    return a.inspector_id < b.inspector_id;
  };
  std::sort(p.targets.begin(), p.targets.end(), by_code);
  std::sort(p.inspectors.begin(), p.inspectors.end(), by_id);
  std::sort(p.experts.begin(), p.experts.end(), by_id);
}

DrawOutcome Run(const DrawSetup& s) {
  FrozenInputs in;
  in.population = s.pop;
  in.conflicts = s.conflicts;
  in.previous_teams = s.previous_teams;
  return RunDraw(s.task, s.pop, s.seed, in.Teams(), 1);
}

Json DrawCase(const DrawSetup& s, const Json& ceremony) {
  CheckValid(s.task);
  DrawOutcome out = Run(s);
  Json conflicts = Json::array();
  for (const auto& [i, c] : s.conflicts) conflicts.push_back({i, c});
  Json prev = Json::object();
  for (const auto& [c, team] : s.previous_teams) prev[c] = team;
  Json visits = Json::array();
  for (const auto& v : out.visits) visits.push_back(VisitJson(v));
  Json parts = Json::array();
  for (const auto& p : SplitResult(s.task.task_id + "-d1", s.seed, out)) {
    parts.push_back({{"part", p.part},
                     {"parts", p.parts},
                     {"selected_total", p.selected_total},
                     {"first_order", p.visits.empty() ? 0 : p.visits.front().order},
                     {"visits", p.visits.size()},
                     {"has_strata", !p.strata.empty()}});
  }
  Json c{{"name", s.name},           {"explanation", s.explanation},
         {"task", TaskJson(s.task)}, {"population", PopulationJson(s.pop)},
         {"conflicts", conflicts},   {"previous_teams", prev},
         {"seed", Hex(s.seed)}};
  if (!ceremony.is_null()) c["ceremony"] = ceremony;
  c["expected"] = {{"frozen", FrozenJson(s.pop)},
                   {"strata", StrataJson(out.strata)},
                   {"visits", visits},
                   {"understaffed", out.understaffed},
                   {"result_parts", parts}};
  return c;
}

EligibleTarget Drawn(const std::string& region, uint64_t serial, std::string stratum,
                     uint32_t weight, std::string merge_into = "") {
  return {SampleCreditCode(region, serial), std::move(stratum), weight, std::move(merge_into)};
}

// Draw A: the whole ceremony, with a real drand quicknet round.
Json CeremonyDraw() {
  DrawSetup s;
  s.name = "ceremony: strata by region, grade C, specialists, experts, batches";
  s.explanation =
      "payload bytes of the TaskDefined, DrawCommitted and DrawRevealed events as the node "
      "encodes them; params hash, commitment, secret hash and seed; then the draw. The drand "
      "round is a real quicknet beacon: check its signature against drand's public key.";
  TaskRecord& t = s.task;
  t = BaseTask("T-320400-2023-07", "2023-10-09", "2023-11-30");
  t.title = "工资支付情况专项抽查（重点事项）";
  t.key_items = true;
  t.batch_size = 3;
  t.ratio_bp = 3000;
  t.strata_by = StrataBy::Region;
  t.inspectors.specialties = {"工资支付"};
  t.inspectors.team_size = 2;
  t.inspectors.substitutes = 2;
  t.inspectors.experts = 1;
  t.inspectors.expert_specialties = {"职业卫生"};
  const std::vector<uint32_t> w402 = {2, 2, 3, 1, 5, 2, 9, 4};
  for (uint64_t i = 0; i < w402.size(); ++i)
    s.pop.targets.push_back(Drawn("320402", 1 + i, "320402", w402[i]));
  const std::vector<uint32_t> w404 = {2, 2, 2, 6, 1, 2};
  for (uint64_t i = 0; i < w404.size(); ++i)
    s.pop.targets.push_back(Drawn("320404", 11 + i, "320404", w404[i]));
  s.pop.targets.push_back(Drawn("320404", 21, "320404/C", 4));
  s.pop.targets.push_back(Drawn("320404", 22, "320404/C", 2, "T-320400-2023-05-d1"));
  const std::vector<uint32_t> w411 = {2, 2, 3};
  for (uint64_t i = 0; i < w411.size(); ++i)
    s.pop.targets.push_back(Drawn("320411", 31 + i, "320411", w411[i]));
  const std::vector<bool> specialist = {true, false, true, false, false, true, false};
  for (size_t i = 0; i < specialist.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "JC-3204-%04zu", i + 1);
    s.pop.inspectors.push_back({id, specialist[i]});
  }
  for (const char* e : {"ZJ-0001", "ZJ-0002", "ZJ-0003"}) s.pop.experts.push_back({e, true});
  SortPopulation(s.pop);
  const std::string c21 = SampleCreditCode("320404", 21);
  s.conflicts = {{"JC-3204-0001", c21}, {"ZJ-0002", c21}};
  s.previous_teams[c21] = {"JC-3204-0006", "JC-3204-0002"};
  s.previous_teams[SampleCreditCode("320404", 12)] = {"JC-3204-0003", "JC-3204-0005"};

  // The ceremony.
  const Bytes task_payload = EncodeTask(t);
  PopulationRoots roots = RootsOf(s.pop, 1);
  const int64_t commit_time_us = 1694775598LL * 1000000 + 250000;
  CommitRecord c;
  c.draw_id = t.task_id + "-d1";
  c.task_id = t.task_id;
  c.freeze_sequence = 1234;
  c.target_count = s.pop.targets.size();
  c.target_root = roots.targets;
  c.inspector_count = s.pop.inspectors.size();
  c.inspector_root = roots.inspectors;
  c.expert_count = s.pop.experts.size();
  c.expert_root = roots.experts;
  c.params_hash = ParamsHash(task_payload);
  RevealRecord r;
  r.draw_id = c.draw_id;
  r.secret = LabelledBytes("suiji vector ceremony secret");
  c.secret_hash = SecretHash(r.secret);
  c.drand_chain = std::string(kDrandQuicknetChain);
  c.drand_round = DrandFirstRoundAfter(commit_time_us / 1000000 + 3);
  if (c.drand_round != kQuicknetRound) Die("ceremony drand round");
  c.drand_round_time = DrandRoundTime(c.drand_round);
  c.lottery_name = "福彩3D";
  c.lottery_issue = "2023249";
  c.lottery_time = 1694783700;  // 2023-09-15 21:15 Beijing time (UTC+8)
  c.witnesses = {"王建国（市人大代表）", "李秀英（市总工会）"};
  c.note = "抽取现场：市人社局三楼会议室";
  const Bytes commit_payload = EncodeCommit(c);
  const Hash commitment = CommitmentHash(commit_payload);
  r.drand_signature = MustHex(kQuicknetSignature);
  r.drand_randomness = MustHex(kQuicknetRandomness);
  r.lottery_digits = "730";
  r.witness_digits = {"20230915", "4711"};
  r.seed = DeriveSeed(commitment, c, r);
  s.seed = r.seed;
  const int64_t reveal_time_us = 1694787300LL * 1000000;  // 22:15 Beijing time
  Json ceremony{{"task_payload", Hex(task_payload)},
                {"params_hash", Hex(ParamsHash(task_payload))},
                {"commit",
                 {{"draw_id", c.draw_id},
                  {"task_id", c.task_id},
                  {"freeze_sequence", c.freeze_sequence},
                  {"target_count", c.target_count},
                  {"target_root", Hex(c.target_root)},
                  {"inspector_count", c.inspector_count},
                  {"inspector_root", Hex(c.inspector_root)},
                  {"expert_count", c.expert_count},
                  {"expert_root", Hex(c.expert_root)},
                  {"params_hash", Hex(c.params_hash)},
                  {"algorithm", c.algorithm},
                  {"secret_hash", Hex(c.secret_hash)},
                  {"drand_chain", c.drand_chain},
                  {"drand_round", c.drand_round},
                  {"drand_round_time", c.drand_round_time},
                  {"lottery_name", c.lottery_name},
                  {"lottery_issue", c.lottery_issue},
                  {"lottery_time", c.lottery_time},
                  {"witnesses", c.witnesses},
                  {"note", c.note}}},
                {"commit_payload", Hex(commit_payload)},
                {"commitment", Hex(commitment)},
                {"commit_time_us", commit_time_us},
                {"reveal",
                 {{"secret", Hex(r.secret)},
                  {"drand_randomness", Hex(r.drand_randomness)},
                  {"drand_signature", Hex(r.drand_signature)},
                  {"lottery_digits", r.lottery_digits},
                  {"witness_digits", r.witness_digits}}},
                {"reveal_payload", Hex(EncodeReveal(r))},
                {"reveal_time_us", reveal_time_us},
                {"seed_preimage", Hex(SeedPreimage(commitment, c, r))},
                {"seed", Hex(r.seed)}};
  Json result_payloads = Json::array();
  for (const auto& p : SplitResult(c.draw_id, s.seed, Run(s))) {
    result_payloads.push_back(Hex(EncodeResultPart(p)));
  }
  ceremony["result_payloads"] = result_payloads;
  return DrawCase(s, ceremony);
}

// Draw B: a count split proportionally, no specialties, a small pool that rotates by load.
Json CountDraw() {
  DrawSetup s;
  s.name = "count, proportional split, strata by industry division, load rotation";
  s.explanation =
      "count 7 over strata 13 (10), 34 (5), 47 (5): 3, 2, 2 (tied remainders by key); 13/C "
      "takes ceil(3 * 50%) = 2 on top. Teams of 3 from 5 inspectors: each load round draws "
      "fresh keys. No specialty is required, so every inspector's flag is 1.";
  TaskRecord& t = s.task;
  t = BaseTask("T-320400-2026-11", "2026-10-08", "2026-11-30");
  t.count = 7;
  t.strata_by = StrataBy::IndustryDivision;
  t.quota_split = QuotaSplit::Proportional;
  t.credit.grade_c_ratio_bp = 5000;
  t.inspectors.team_size = 3;
  t.inspectors.substitutes = 3;
  for (uint64_t i = 0; i < 10; ++i) {
    s.pop.targets.push_back(
        Drawn(i % 2 == 0 ? "320402" : "320412", 101 + i, "13", 2 + static_cast<uint32_t>(i % 3)));
  }
  for (uint64_t i = 0; i < 5; ++i) s.pop.targets.push_back(Drawn("320404", 201 + i, "34", 2));
  for (uint64_t i = 0; i < 5; ++i)
    s.pop.targets.push_back(Drawn("320411", 301 + i, "47", i == 0 ? 9 : 2));
  for (uint64_t i = 0; i < 3; ++i) s.pop.targets.push_back(Drawn("320412", 401 + i, "13/C", 4));
  for (const char* id :
       {"JC-3204-0011", "JC-3204-0012", "JC-3204-0013", "JC-3204-0014", "JC-3204-0015"}) {
    s.pop.inspectors.push_back({id, true});
  }
  SortPopulation(s.pop);
  const std::string c401 = SampleCreditCode("320412", 401);
  const std::string c402 = SampleCreditCode("320412", 402);
  s.conflicts = {{"JC-3204-0013", c401}, {"JC-3204-0011", c402}};
  s.previous_teams[c402] = {"JC-3204-0012", "JC-3204-0014"};
  s.previous_teams[SampleCreditCode("320411", 301)] = {"JC-3204-0015"};
  s.seed = Labelled("suiji vector draw B seed");
  return DrawCase(s, Json());
}

// Draw C: explicit quotas, a lone specialist, understaffed teams.
Json UnderstaffedDraw() {
  DrawSetup s;
  s.name = "explicit quotas, lone specialist, understaffed teams";
  s.explanation =
      "only JC-3204-0021 holds the required specialty; where it is excluded (conflict or "
      "previous team) the visit gets no team at all, though substitutes are still listed. "
      "Teams of 3 from 4 inspectors; 2 experts asked from a pool of 2, one in conflict.";
  TaskRecord& t = s.task;
  t = BaseTask("T-320400-2026-12", "2026-06-01", "2026-07-31");
  t.count = 4;
  t.quota_split = QuotaSplit::Explicit;
  t.quotas = {{"320411", 2}, {"320412", 1}, {"320413", 1}};
  t.strata_by = StrataBy::Region;
  t.inspectors.specialties = {"职业卫生"};
  t.inspectors.team_size = 3;
  t.inspectors.substitutes = 1;
  t.inspectors.experts = 2;
  t.batch_size = 2;
  for (uint64_t i = 0; i < 4; ++i)
    s.pop.targets.push_back(Drawn("320411", 501 + i, "320411", 1 + static_cast<uint32_t>(i)));
  for (uint64_t i = 0; i < 3; ++i) s.pop.targets.push_back(Drawn("320412", 601 + i, "320412", 2));
  s.pop.targets.push_back(Drawn("320412", 701, "320412/C", 5));
  s.pop.inspectors = {{"JC-3204-0021", true},
                      {"JC-3204-0022", false},
                      {"JC-3204-0023", false},
                      {"JC-3204-0024", false}};
  s.pop.experts = {{"ZJ-0011", true}, {"ZJ-0012", true}};
  SortPopulation(s.pop);
  const std::string c701 = SampleCreditCode("320412", 701);
  s.conflicts = {{"JC-3204-0021", c701}, {"ZJ-0012", c701}};
  for (uint64_t i = 0; i < 4; ++i) {
    s.previous_teams[SampleCreditCode("320411", 501 + i)] = {"JC-3204-0022"};
  }
  s.previous_teams[SampleCreditCode("320412", 601)] = {"JC-3204-0021", "JC-3204-0023"};
  s.previous_teams[SampleCreditCode("320412", 602)] = {"JC-3204-0021", "JC-3204-0023"};
  s.previous_teams[SampleCreditCode("320412", 603)] = {"JC-3204-0021", "JC-3204-0023"};
  s.seed = Labelled("suiji vector draw C seed");
  return DrawCase(s, Json());
}

Json Draws() {
  Json doc = Document(
      "draw",
      "full draws. Input: the task (as stored), the frozen population (sorted by identity), "
      "conflicts [inspector id, credit code], previous teams by credit code, the seed. Expected: "
      "the frozen lists' leaf lines and roots, the strata with quotas, the visits in draw order "
      "(rank_key as a decimal string), the number of understaffed visits and the result parts.");
  doc["cases"] = Json::array({CeremonyDraw(), CountDraw(), UnderstaffedDraw()});
  return doc;
}

void Write(const std::filesystem::path& dir, const std::string& name, const Json& j) {
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << j.dump(1) << "\n";
  if (!out) Die("cannot write " + (dir / name).string());
  std::cout << (dir / name).string() << "\n";
}

}  // namespace
}  // namespace suiji::draw

int main(int argc, char** argv) {
  using namespace suiji::draw;
  std::filesystem::path dir = argc > 1 ? std::filesystem::path(argv[1])
                                       : std::filesystem::path(SUIJI_TEST_VECTORS) / "draw";
  std::filesystem::create_directories(dir);
  Write(dir, "seeds.json", Seeds());
  Write(dir, "drand.json", Drand());
  Write(dir, "rank_keys.json", RankKeys());
  Write(dir, "team_keys.json", TeamKeys());
  Write(dir, "quotas.json", Quotas());
  Write(dir, "merkle.json", Merkle());
  Write(dir, "eligibility.json", Eligibility());
  Write(dir, "draws.json", Draws());
  return 0;
}
