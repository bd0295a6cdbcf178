// Draw benchmark: the freeze (leaf lines and RFC 6962 roots of the frozen populations), the
// draw itself (RunDraw: rank keys, stratum quotas, bottom-k, teams) and the verifier's
// recomputation of both, over a synthetic population built directly (not through the
// ledger), each beside the raw OpenSSL SHA-256 rate measured in the same run on the same
// cores over inputs of the same sizes and through the same code path (suiji::Sha256Parts).
//
//   draw_bench [--targets N] [--inspectors M] [--rounds R] [--threads T]
//
// Run each size as its own process (ops/bench.sh does): the peak RSS it prints is then that
// size's own. Prints one line per round, the medians, a phase profile of one extra draw and
// freeze (the public pieces of RunDraw and RootsOf timed one by one) and a last line of
// key=value pairs. Beside wall times it prints the CPU seconds of each phase and warns when
// the raw rate on all threads shows other processes sharing the cores (wall times are then
// inflated; CPU times hardly).
//
// SHA-256 calls are counted, not instrumented: the draw makes sum over targets of ceil(w/4)
// rank-key hashes, one key per member when each pool is built (the team and substitute pools
// over the inspectors, the expert pool) and one per load increment (a team place, a
// substitute place or an expert place);
// the freeze makes one leaf hash per list entry and n - 1 node hashes per list of n.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/core/codes/region.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/sha256.h"
#include "tests/bench/bench_util.h"
#include "tests/support/credit_codes.h"

namespace {

using suiji::ByteView;
using suiji::Hash;
namespace draw = suiji::draw;

using suiji::bench::Clock;
using suiji::bench::Median;
using suiji::bench::Seconds;

double AsDouble(uint64_t n) { return static_cast<double>(n); }

// --- memory -------------------------------------------------------------------------------


// A field of /proc/self/status in MB ("VmRSS", "VmHWM"); -1 if unreadable.
long StatusMb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
      return std::stol(line.substr(n + 1)) / 1024;
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0; glibc), so the next phase's peak is its own.
bool ResetPeak() {
  malloc_trim(0);  // return freed heap first, or the last phase's garbage counts as this one's
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// Seconds of CPU this process has used (user + system, all threads). Unlike wall time it
// hardly grows when other processes compete for the cores.
double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

// --- raw SHA-256 ----------------------------------------------------------------------------

// Hashes per second of `hash_once` on `threads` threads for about `seconds`. Each thread
// feeds a byte of every digest back into its input, so no call can be skipped or hoisted.
template <typename HashOnce>
double RawRate(unsigned threads, double seconds, HashOnce hash_once) {
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint8_t salt = static_cast<uint8_t>(t);
      uint64_t n = 0;
      auto begin = Clock::now();
      while (Seconds(begin, Clock::now()) < seconds) {
        for (int i = 0; i < 1024; ++i, ++n) salt = hash_once(salt);
      }
      total += n;
    });
  }
  for (auto& th : pool) th.join();
  return AsDouble(total.load()) / Seconds(start, Clock::now());
}

// The pieces of a rank-key hash: tag (17) + seed (32) + BE32 (4) + credit code (18) = 71 B.
uint8_t RankSizedHash(uint8_t salt) {
  static const Hash kSeed = suiji::Sha256(suiji::AsBytes("draw_bench raw"));
  uint8_t idx[4] = {0, 0, 0, salt};
  char code[] = "91320402MA1XY12340";
  code[17] = static_cast<char>('0' + salt % 10);
  Hash h = suiji::Sha256Parts({suiji::AsBytes(draw::kRankTag), ByteView(kSeed), ByteView(idx, 4),
                               suiji::AsBytes(std::string_view(code, 18))});
  return h[0];
}

// A team-key hash: tag (17) + seed (32) + BE32 (4) + inspector id (7) = 60 B.
uint8_t TeamSizedHash(uint8_t salt) {
  static const Hash kSeed = suiji::Sha256(suiji::AsBytes("draw_bench raw"));
  uint8_t load[4] = {0, 0, 0, salt};
  Hash h = suiji::Sha256Parts({suiji::AsBytes(draw::kTeamTag), ByteView(kSeed), ByteView(load, 4),
                               suiji::AsBytes("I-01234")});
  return h[0];
}

// An RFC 6962 node hash: 0x01 + 32 + 32 = 65 B.
uint8_t NodeSizedHash(uint8_t salt) {
  Hash l{}, r{};
  l[0] = salt;
  return suiji::NodeHash(l, r)[0];
}

struct RawRates {
  double rank1 = 0, rank_n = 0;  // rank-key sized, 1 thread and --threads
  double team1 = 0;              // team-key sized, 1 thread (the team step is serial)
  double leaf_n = 0;             // the population's mean target leaf size, --threads
  double node_n = 0;             // node hashes, --threads
};

RawRates MeasureRaw(unsigned threads, size_t leaf_bytes, double seconds) {
  RawRates r;
  r.rank1 = RawRate(1, seconds, RankSizedHash);
  r.rank_n = RawRate(threads, seconds, RankSizedHash);
  r.team1 = RawRate(1, seconds, TeamSizedHash);
  r.node_n = RawRate(threads, seconds, NodeSizedHash);
  // Leaf lines of one size; a thread-local buffer keeps the copy out of the loop.
  r.leaf_n = RawRate(threads, seconds, [leaf_bytes](uint8_t salt) {
    thread_local std::string line;
    if (line.size() != leaf_bytes) line.assign(leaf_bytes, 'x');
    line[0] = static_cast<char>(salt);
    return suiji::LeafHash(suiji::AsBytes(line))[0];
  });
  return r;
}

// --- the synthetic draw ---------------------------------------------------------------------

// ~100 county-level regions in Jiangsu (13 cities x 8 districts; codes plausible, not all
// real).
std::vector<std::string> Regions() {
  static const char* kCounty[] = {"02", "04", "05", "06", "11", "12", "13", "81"};
  std::vector<std::string> out;
  for (int city = 1; city <= 13 && out.size() < 100; ++city) {
    for (const char* c : kCounty) {
      if (out.size() == 100) break;
      char buf[8];
      std::snprintf(buf, sizeof buf, "32%02d%s", city, c);
      out.emplace_back(buf);
    }
  }
  return out;
}

struct Shape {
  uint64_t grade_c = 0, blacklisted = 0, complaints = 0, star = 0, merged = 0;
  uint64_t conflicts = 0, previous_teams = 0, specialists = 0;
};

// N targets spread evenly over the regions, with distinct credit codes in byte order; the
// inspectors, 20 experts, conflicts and previous teams. Deterministic.
draw::FrozenInputs MakeInputs(uint64_t targets, uint32_t inspectors, Shape& shape) {
  draw::FrozenInputs in;
  auto& pop = in.population;
  const std::vector<std::string> regions = Regions();
  std::mt19937_64 rng(20261122);
  pop.targets.reserve(targets);
  for (uint64_t i = 0; i < targets; ++i) {
    const size_t r = static_cast<size_t>(i * regions.size() / targets);
    draw::EligibleTarget t;
    t.credit_code = suiji::testing_support::SampleCreditCode(regions[r], i);
    t.stratum = regions[r];
    const uint64_t x = rng() % 1000;
    if (x < 5) {  // grade C: its own "/C" stratum (drawn at grade_c_ratio_bp)
      t.stratum += "/C";
      t.weight = 6;
      ++shape.grade_c;
    } else if (x < 25) {  // blacklisted: base 2 x 3
      t.weight = 6;
      ++shape.blacklisted;
    } else if (x < 125) {  // 1..4 complaints: 2 + 1 each
      t.weight = 3 + static_cast<uint32_t>(rng() % 4);
      ++shape.complaints;
    } else if (x < 155) {  // four-star employers: reduced to 1
      t.weight = 1;
      ++shape.star;
    } else {
      t.weight = 2;
    }
    if (rng() % 1000 == 0) {  // joins an earlier visit in an overlapping window (R10)
      t.merge_into = "D-" + regions[r] + "-2026-03";
      ++shape.merged;
    }
    pop.targets.push_back(std::move(t));
  }
  if (!std::is_sorted(pop.targets.begin(), pop.targets.end(),
                      [](const auto& a, const auto& b) { return a.credit_code < b.credit_code; })) {
    std::sort(pop.targets.begin(), pop.targets.end(),
              [](const auto& a, const auto& b) { return a.credit_code < b.credit_code; });
  }
  for (uint32_t i = 0; i < inspectors; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "I-%05u", i);
    const bool specialist = rng() % 5 == 0;
    shape.specialists += specialist ? 1 : 0;
    pop.inspectors.push_back({id, specialist});
  }
  for (uint32_t i = 0; i < 20; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "E-%03u", i);
    pop.experts.push_back({id, true});
  }
  auto any_target = [&]() -> const std::string& {
    return pop.targets[static_cast<size_t>(rng() % pop.targets.size())].credit_code;
  };
  auto any_inspector = [&]() -> const std::string& {
    return pop.inspectors[static_cast<size_t>(rng() % pop.inspectors.size())].inspector_id;
  };
  for (int i = 0; i < 3000; ++i) in.conflicts.insert({any_inspector(), any_target()});
  in.IndexConflicts();  // as DrawWorld::Freeze does
  for (int i = 0; i < 3000; ++i) {
    in.previous_teams[any_target()] = {any_inspector(), any_inspector()};
  }
  shape.conflicts = in.conflicts.size();
  shape.previous_teams = in.previous_teams.size();
  return in;
}

draw::TaskRecord MakeTask() {
  draw::TaskRecord t;
  t.task_id = "T-320000-2026-01";
  t.plan_id = "P-320000-2026";
  t.org_id = "320000";
  t.title = "2026 年劳动保障监察双随机抽查（基准）";
  t.ratio_bp = 500;
  t.strata_by = draw::StrataBy::Region;
  t.window_start = "2026-04-01";
  t.window_end = "2026-06-30";
  t.inspectors.team_size = 2;
  t.inspectors.substitutes = 2;
  t.inspectors.experts = 1;
  t.inspectors.specialties = {"occupational-health"};
  return t;
}

// --- hash counts ----------------------------------------------------------------------------

uint64_t RankKeyHashes(const draw::Population& pop) {
  uint64_t n = 0;
  for (const auto& t : pop.targets) n += (std::max<uint32_t>(t.weight, 1) + 3) / 4;
  return n;
}

uint64_t LoadIncrements(const draw::DrawOutcome& o) {
  uint64_t n = 0;
  for (const auto& v : o.visits) n += v.team.size() + v.experts.size() + v.substitutes.size();
  return n;
}

uint64_t TeamKeyHashes(const draw::Population& pop, uint64_t load_increments) {
  return 2 * pop.inspectors.size() + pop.experts.size() + load_increments;
}

uint64_t FreezeLeafHashes(const draw::Population& pop) {
  return pop.targets.size() + pop.inspectors.size() + pop.experts.size();
}

uint64_t FreezeNodeHashes(const draw::Population& pop) {
  auto nodes = [](size_t n) -> uint64_t { return n == 0 ? 0 : n - 1; };
  return nodes(pop.targets.size()) + nodes(pop.inspectors.size()) + nodes(pop.experts.size());
}

bool SameRoots(const draw::PopulationRoots& a, const draw::PopulationRoots& b) {
  return a.targets == b.targets && a.inspectors == b.inspectors && a.experts == b.experts;
}

// Runs fn(begin, end) over [0, n) in `threads` contiguous ranges (as the draw code does).
template <typename Fn>
void Parallel(size_t n, unsigned threads, Fn fn) {
  std::vector<std::thread> pool;
  const size_t chunk = (n + threads - 1) / std::max(1u, threads);
  for (unsigned k = 0; k < threads; ++k) {
    const size_t b = std::min(n, k * chunk), e = std::min(n, b + chunk);
    if (b < e) pool.emplace_back([=] { fn(b, e); });
  }
  for (auto& t : pool) t.join();
}

struct Options {
  uint64_t targets = 1'000'000;
  uint32_t inspectors = 5000;
  int rounds = 3;
  unsigned threads = 2;
  uint64_t directory_scan = 0;  // also time ComputeEligibility over a directory of this size
};

// The freeze's first half, which the population-level figures above leave out: computing
// the eligible targets of a task from a whole directory (scope, credit and frequency rules).
// The directory holds `n` active employers of grade B over the real counties of Jiangsu.
void DirectoryScan(uint64_t n, const draw::Population& pop, const draw::TaskRecord& base,
                   int rounds) {
  using namespace suiji::directory;
  const long rss_before = StatusMb("VmRSS");
  MemoryDirectory dir;
  std::vector<std::string> counties;
  for (const auto* city : suiji::codes::ChildRegions("320000")) {
    for (const auto* county : suiji::codes::ChildRegions(city->code)) {
      counties.emplace_back(county->code);
    }
  }
  for (uint64_t i = 0; i < n; ++i) {
    TargetRecord t;
    t.region = counties[i % counties.size()];
    t.credit_code = suiji::testing_support::SampleCreditCode(t.region, i);
    t.name = "基准企业" + std::to_string(i);
    t.industry = i % 3 == 0 ? "3411" : "1311";
    t.headcount = 5 + static_cast<uint32_t>(i % 60);
    t.credit_grade = i % 10 == 0 ? "A" : (i % 10 == 1 ? "C" : "B");
    t.grade_date = "2025-03-01";
    t.complaints = static_cast<uint32_t>(i % 7 == 0 ? 2 : 0);
    t.org_id = "320000";
    dir.targets.emplace(t.credit_code, std::move(t));
  }
  for (const auto& p : pop.inspectors) {
    InspectorRecord r;
    r.inspector_id = p.inspector_id;
    r.name = "检查员";
    r.domains = {"劳动保障监察"};
    r.specialties = {p.specialist ? "occupational-health" : "wages"};
    r.org_id = "320000";
    r.region = "320000";
    dir.inspectors.emplace(r.inspector_id, std::move(r));
  }
  const long rss_dir = StatusMb("VmRSS");
  draw::TaskRecord task = base;
  task.regions = {"320000"};
  std::vector<double> times;
  size_t eligible = 0;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = Clock::now();
    draw::Population got = draw::ComputeEligibility(task, 2026, "320000", dir, {});
    times.push_back(Seconds(t0, Clock::now()));
    eligible = got.targets.size();
  }
  const double med = Median(times);
  std::printf(
      "\neligibility from a directory (the freeze's first half): %llu employers in %zu "
      "counties -> %zu eligible (headcount >= 8, grade A exempt) in %.3f s median "
      "(%.2fM employers/s, 1 thread); the in-memory directory took %ld MB\n",
      static_cast<unsigned long long>(n), counties.size(), eligible, med,
      AsDouble(n) / med / 1e6, rss_dir - rss_before);
  std::printf("result_directory: employers=%llu eligible=%zu eligibility_s=%.3f directory_mb=%ld\n",
              static_cast<unsigned long long>(n), eligible, med, rss_dir - rss_before);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--targets")
      opt.targets = std::stoull(argv[i + 1]);
    else if (a == "--inspectors")
      opt.inspectors = static_cast<uint32_t>(std::stoul(argv[i + 1]));
    else if (a == "--directory-scan")
      opt.directory_scan = std::stoull(argv[i + 1]);
    else if (a == "--rounds")
      opt.rounds = std::max(1, std::stoi(argv[i + 1]));
    else if (a == "--threads") {
      opt.threads = std::max(1u, static_cast<unsigned>(std::stoul(argv[i + 1])));
    } else {
      std::fprintf(stderr,
                   "usage: draw_bench [--targets N] [--inspectors M] [--rounds R] "
                   "[--threads T] [--directory-scan N]\n");
      return 2;
    }
  }
  if (opt.targets == 0 || opt.inspectors == 0) {
    std::fprintf(stderr, "draw_bench: --targets and --inspectors must be positive\n");
    return 2;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned threads = opt.threads;

  // --- inputs -------------------------------------------------------------------------------
  const long rss_start = StatusMb("VmRSS");
  Shape shape;
  auto tb = Clock::now();
  const draw::FrozenInputs frozen = MakeInputs(opt.targets, opt.inspectors, shape);
  const double build_s = Seconds(tb, Clock::now());
  const draw::Population& pop = frozen.population;
  const draw::TaskRecord task = MakeTask();
  const draw::TeamInputs teams = frozen.Teams();
  const Hash seed = suiji::Sha256(suiji::AsBytes("draw_bench seed"));
  const long rss_inputs = StatusMb("VmRSS");

  uint64_t leaf_bytes_total = 0;
  for (const auto& t : pop.targets) leaf_bytes_total += draw::TargetLeaf(t).size();
  const size_t leaf_bytes = static_cast<size_t>(leaf_bytes_total / pop.targets.size());

  std::printf(
      "draw_bench: %llu targets (%llu grade C in /C strata, %llu blacklisted w=6, %llu with "
      "complaints w=3..6, %llu four-star w=1, %llu merged), %zu regions, %u inspectors (%llu "
      "specialists), %zu experts, %llu conflicts, %llu previous teams; ratio 5%%, teams of 2 "
      "+ 2 substitutes + 1 expert, specialty required; %u threads of %u cores; %d rounds\n",
      static_cast<unsigned long long>(pop.targets.size()),
      static_cast<unsigned long long>(shape.grade_c),
      static_cast<unsigned long long>(shape.blacklisted),
      static_cast<unsigned long long>(shape.complaints),
      static_cast<unsigned long long>(shape.star), static_cast<unsigned long long>(shape.merged),
      Regions().size(), opt.inspectors, static_cast<unsigned long long>(shape.specialists),
      pop.experts.size(), static_cast<unsigned long long>(shape.conflicts),
      static_cast<unsigned long long>(shape.previous_teams), threads, cores, opt.rounds);
  std::printf(
      "  synthetic population built directly (not through the ledger) in %.1f s; credit codes "
      "are tests/support SampleCreditCode (they do pass GB 32100, but nothing here depends on "
      "it); inputs hold %ld MB RSS\n",
      build_s, rss_inputs - rss_start);
  std::fflush(stdout);

  // --- rounds -------------------------------------------------------------------------------
  std::vector<double> freeze_cpu, draw_cpu, verify_cpu;
  std::vector<double> freeze_s, draw_s, verify_s, raw_rank1, raw_rankn, raw_team1, raw_leafn,
      raw_noden;
  long hwm_freeze = 0, hwm_draw = 0, hwm_verify = 0;
  const bool can_reset = ResetPeak();
  // Only a summary of the outcome outlives its round, so no round's peak holds another's.
  uint64_t load_increments = 0, understaffed = 0;
  size_t visits = 0;
  bool contended = false;
  for (int r = 0; r < opt.rounds; ++r) {
    const RawRates raw = MeasureRaw(threads, leaf_bytes, 0.5);
    raw_rank1.push_back(raw.rank1);
    raw_rankn.push_back(raw.rank_n);
    raw_team1.push_back(raw.team1);
    raw_leafn.push_back(raw.leaf_n);
    raw_noden.push_back(raw.node_n);
    contended = contended || raw.rank_n < 0.8 * threads * raw.rank1;

    ResetPeak();
    const double c0 = CpuSeconds();
    auto t0 = Clock::now();
    const draw::PopulationRoots roots = draw::RootsOf(pop, threads);
    auto t1 = Clock::now();
    const double c1 = CpuSeconds();
    hwm_freeze = std::max(hwm_freeze, StatusMb("VmHWM"));

    ResetPeak();
    const double c2 = CpuSeconds();
    auto t2 = Clock::now();
    draw::DrawOutcome outcome = draw::RunDraw(task, pop, seed, teams, threads);
    auto t3 = Clock::now();
    const double c3 = CpuSeconds();
    hwm_draw = std::max(hwm_draw, StatusMb("VmHWM"));

    // The verifier: rebuild the roots, check them against the commitment, redraw, compare.
    ResetPeak();
    const double c4 = CpuSeconds();
    auto t4 = Clock::now();
    const draw::PopulationRoots again = draw::RootsOf(pop, threads);
    bool same = SameRoots(again, roots);
    if (same) {
      draw::DrawOutcome redo = draw::RunDraw(task, pop, seed, teams, threads);
      same = redo.visits == outcome.visits && redo.strata == outcome.strata &&
             redo.understaffed == outcome.understaffed;
    }
    auto t5 = Clock::now();
    const double c5 = CpuSeconds();
    hwm_verify = std::max(hwm_verify, StatusMb("VmHWM"));
    if (!same) {
      std::fprintf(stderr, "draw_bench: the verifier's recomputation differs from the draw\n");
      return 1;
    }
    freeze_s.push_back(Seconds(t0, t1));
    draw_s.push_back(Seconds(t2, t3));
    verify_s.push_back(Seconds(t4, t5));
    freeze_cpu.push_back(c1 - c0);
    draw_cpu.push_back(c3 - c2);
    verify_cpu.push_back(c5 - c4);
    std::printf(
        "round %d: raw SHA-256 71 B %.2fM/s (1 thread) %.2fM/s (%u threads) | freeze %.3f s | "
        "draw %.3f s | verifier %.3f s (CPU %.2f / %.2f / %.2f s) | %zu visits, %llu "
        "understaffed\n",
        r, raw.rank1 / 1e6, raw.rank_n / 1e6, threads, freeze_s.back(), draw_s.back(),
        verify_s.back(), freeze_cpu.back(), draw_cpu.back(), verify_cpu.back(),
        outcome.visits.size(), static_cast<unsigned long long>(outcome.understaffed));
    std::fflush(stdout);
    load_increments = LoadIncrements(outcome);
    understaffed = outcome.understaffed;
    visits = outcome.visits.size();
  }

  // --- medians and ratios ---------------------------------------------------------------------
  const double freeze = Median(freeze_s), drw = Median(draw_s), verify = Median(verify_s);
  const double r1 = Median(raw_rank1), rn = Median(raw_rankn), team1 = Median(raw_team1);
  const double leafn = Median(raw_leafn), noden = Median(raw_noden);
  const uint64_t rank_hashes = RankKeyHashes(pop);
  const uint64_t team_hashes = TeamKeyHashes(pop, load_increments);
  const uint64_t draw_hashes = rank_hashes + team_hashes;
  const uint64_t leaves = FreezeLeafHashes(pop), nodes = FreezeNodeHashes(pop);
  const uint64_t freeze_hashes = leaves + nodes;
  const double draw_rate = AsDouble(draw_hashes) / drw;
  const double freeze_rate = AsDouble(freeze_hashes) / freeze;
  // Hashing alone at the raw rates: rank keys on all threads, team keys on one (serial).
  const double draw_hash_floor = AsDouble(rank_hashes) / rn + AsDouble(team_hashes) / team1;
  const double freeze_hash_floor = AsDouble(leaves) / leafn + AsDouble(nodes) / noden;
  const double target_s = AsDouble(opt.targets) / 1e6;  // 1 s per million targets
  const long max_rss = suiji::bench::PeakRssMb();

  std::printf("\nmedian of %d rounds (%llu targets, %u threads):\n", opt.rounds,
              static_cast<unsigned long long>(opt.targets), threads);
  std::printf("  %-38s %10s %8s %14s %12s %8s\n", "", "time", "CPU", "SHA-256 calls", "calls/s",
              "x raw");
  std::printf("  %-38s %9.3fs %7.2fs %14llu %11.2fM %8.2f   (target <= %.1f s: %s)\n",
              "draw (RunDraw)", drw, Median(draw_cpu), static_cast<unsigned long long>(draw_hashes),
              draw_rate / 1e6, draw_rate / rn, target_s, drw <= target_s ? "met" : "MISSED");
  std::printf("  %-38s %10s %8s %14llu\n", "  of which rank keys (sum ceil(w/4))", "", "",
              static_cast<unsigned long long>(rank_hashes));
  std::printf("  %-38s %10s %8s %14llu\n", "  of which team keys (pools + 1/place)", "", "",
              static_cast<unsigned long long>(team_hashes));
  std::printf("  %-38s %9.3fs %7.2fs %14llu %11.2fM %8.2f\n", "freeze (RootsOf)", freeze,
              Median(freeze_cpu), static_cast<unsigned long long>(freeze_hashes), freeze_rate / 1e6,
              freeze_rate / rn);
  std::printf("  %-38s %9.3fs %7.2fs %14llu %11.2fM %8.2f\n",
              "verifier (RootsOf + RunDraw + compare)", verify, Median(verify_cpu),
              static_cast<unsigned long long>(freeze_hashes + draw_hashes),
              AsDouble(freeze_hashes + draw_hashes) / verify / 1e6,
              AsDouble(freeze_hashes + draw_hashes) / verify / rn);
  std::printf(
      "  raw SHA-256 (Sha256Parts, same sizes): rank key 71 B %.2fM/s on 1 thread, %.2fM/s on "
      "%u; team key 60 B %.2fM/s on 1; leaf 1+%zu B %.2fM/s and node 65 B %.2fM/s on %u\n",
      r1 / 1e6, rn / 1e6, threads, team1 / 1e6, leaf_bytes, leafn / 1e6, noden / 1e6, threads);
  std::printf(
      "  hashing alone at those raw rates would take: draw %.3f s (%.0f%% of its time), freeze "
      "%.3f s (%.0f%%)\n",
      draw_hash_floor, 100 * draw_hash_floor / drw, freeze_hash_floor,
      100 * freeze_hash_floor / freeze);
  std::printf(
      "  memory: inputs %ld MB; peak RSS during freeze %ld MB, draw %ld MB, verifier %ld MB "
      "(VmHWM%s); ru_maxrss %ld MB%s\n",
      rss_inputs - rss_start, hwm_freeze, hwm_draw, hwm_verify,
      can_reset ? ", reset per phase" : ", NOT reset: cumulative", max_rss,
      opt.targets >= 10'000'000
          ? (max_rss <= 2048 ? " (target <= 2 GB: met)" : " (target <= 2 GB: MISSED)")
          : "");
  std::printf(
      "  outcome: %zu visits x (%zu B per VisitRecord + its strings and vectors on the heap)\n",
      visits, sizeof(suiji::draw::VisitRecord));
  if (contended) {
    std::printf(
        "  WARNING: in some round the raw rate on %u threads was under 0.8 x %u x the 1-thread "
        "rate: other processes were using the cores, so wall times are inflated (CPU times "
        "much less so)\n",
        threads, threads);
  }
  std::fflush(stdout);

  // --- phase profile: the public pieces of RunDraw and RootsOf, timed one by one --------------
  // (After ru_maxrss was read: the profile's extra copies are not part of any figure above.)
  std::printf("\nprofile (one more run, pieces timed separately; team step by difference):\n");
  {
    auto p0 = Clock::now();
    const auto strata = draw::ComputeQuotas(task, pop);
    auto p1 = Clock::now();
    std::vector<uint64_t> keys(pop.targets.size());
    Parallel(pop.targets.size(), threads, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        keys[i] = draw::RankKey(seed, pop.targets[i].credit_code, pop.targets[i].weight);
      }
    });
    auto p2 = Clock::now();
    // Bottom-k per stratum and the draw order, as RunDraw does them.
    std::unordered_map<std::string_view, size_t> index;
    for (size_t s = 0; s < strata.size(); ++s) index[strata[s].key] = s;
    std::vector<std::vector<uint32_t>> members(strata.size());
    for (uint32_t i = 0; i < pop.targets.size(); ++i) {
      members[index.at(pop.targets[i].stratum)].push_back(i);
    }
    auto p3 = Clock::now();
    auto before = [&](uint32_t a, uint32_t b) {
      if (keys[a] != keys[b]) return keys[a] < keys[b];
      return pop.targets[a].credit_code < pop.targets[b].credit_code;
    };
    std::vector<uint32_t> selected;
    for (size_t s = 0; s < members.size(); ++s) {
      auto& m = members[s];
      const size_t k = strata[s].quota;
      if (k < m.size()) {
        std::nth_element(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(k), m.end(), before);
      }
      selected.insert(selected.end(), m.begin(), m.begin() + static_cast<std::ptrdiff_t>(k));
    }
    std::sort(selected.begin(), selected.end(), before);
    auto p4 = Clock::now();

    // The team step's callbacks: record their arguments during one draw, then replay them
    // alone (clock reads around each call would cost more than the call).
    std::vector<std::string_view> conflict_args;
    std::vector<std::string_view> previous_args;
    draw::TeamInputs recording;
    recording.conflicts_of = [&](std::string_view c) {
      conflict_args.push_back(c);  // views into `pop`, which outlives them
      return teams.conflicts_of(c);
    };
    recording.previous_team = [&](std::string_view c) {
      previous_args.push_back(c);
      return teams.previous_team(c);
    };
    const draw::DrawOutcome o = draw::RunDraw(task, pop, seed, recording, threads);
    auto c0 = Clock::now();
    uint64_t hits = 0;
    for (std::string_view c : conflict_args) hits += teams.conflicts_of(c) != nullptr ? 1u : 0u;
    for (std::string_view c : previous_args) hits += teams.previous_team(c) != nullptr ? 1u : 0u;
    const double callbacks = Seconds(c0, Clock::now());
    const uint64_t conflict_calls = conflict_args.size(), previous_calls = previous_args.size();

    const double quotas_s = Seconds(p0, p1), rank_s = Seconds(p1, p2), bucket_s = Seconds(p2, p3),
                 select_s = Seconds(p3, p4);
    const double team_s = std::max(0.0, drw - quotas_s - rank_s - bucket_s - select_s);
    const double team_hash_s = AsDouble(team_hashes) / team1;
    std::printf("  draw %.3f s (median above) =\n", drw);
    std::printf("    %-52s %8.3f s  (serial; std::map<string> lookup per target)\n",
                "ComputeQuotas", quotas_s);
    std::printf("    %-52s %8.3f s  (%u threads; raw-rate floor %.3f s)\n", "rank keys", rank_s,
                threads, AsDouble(rank_hashes) / rn);
    std::printf("    %-52s %8.3f s  (serial)\n", "bucket targets by stratum (hash of stratum)",
                bucket_s);
    std::printf("    %-52s %8.3f s  (serial)\n", "bottom-k nth_element + sort of the selection",
                select_s);
    std::printf("    %-52s %8.3f s  (serial; by difference)\n", "teams (the rest)", team_s);
    std::printf("      %-50s %8.3f s  (%llu team keys at the raw 1-thread rate)\n",
                "of which team-key hashing", team_hash_s,
                static_cast<unsigned long long>(team_hashes));
    std::printf(
        "      %-50s %8.3f s  (%llu conflict-list + %llu previous-team calls replayed, %.0f ns "
        "each; %llu hits)\n",
        "of which TeamInputs callbacks", callbacks, static_cast<unsigned long long>(conflict_calls),
        static_cast<unsigned long long>(previous_calls),
        1e9 * callbacks / std::max<double>(1, AsDouble(conflict_calls + previous_calls)),
        static_cast<unsigned long long>(hits));
    std::printf("      %-50s %8.3f s  (ordered-set Take/AddLoad, VisitRecord strings)\n",
                "of which the rest", std::max(0.0, team_s - team_hash_s - callbacks));
    if (o.visits.size() != visits || o.understaffed != understaffed) {
      std::fprintf(stderr, "draw_bench: instrumented draw differs\n");
      return 1;
    }
  }
  {
    // Freeze pieces: leaf lines alone, leaf lines + hashes, the tree over the leaf hashes.
    auto f0 = Clock::now();
    std::atomic<uint64_t> line_bytes{0};
    Parallel(pop.targets.size(), threads, [&](size_t b, size_t e) {
      uint64_t n = 0;
      for (size_t i = b; i < e; ++i) n += draw::TargetLeaf(pop.targets[i]).size();
      line_bytes += n;
    });
    auto f1 = Clock::now();
    std::vector<Hash> hashes(pop.targets.size());
    Parallel(pop.targets.size(), threads, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        hashes[i] = suiji::LeafHash(suiji::AsBytes(draw::TargetLeaf(pop.targets[i])));
      }
    });
    auto f2 = Clock::now();
    const Hash root = draw::RootOfLeafHashes(std::move(hashes), threads);
    auto f3 = Clock::now();
    if (root != draw::RootsOf(pop, threads).targets) {
      std::fprintf(stderr, "draw_bench: piecewise target root differs\n");
      return 1;
    }
    std::printf("  freeze %.3f s (median above) =\n", freeze);
    std::printf("    %-52s %8.3f s  (of which building the lines alone: %.3f s)\n",
                "target leaf lines + leaf hashes", Seconds(f1, f2), Seconds(f0, f1));
    std::printf("    %-52s %8.3f s  (raw-rate floor %.3f s)\n",
                "RFC 6962 tree over the leaf hashes (level by level)", Seconds(f2, f3),
                AsDouble(nodes) / noden);
  }
  std::printf(
      "  memory estimate of the inputs: %zu B per EligibleTarget + the 18-char code on the heap "
      "(past the 15-char SSO) = ~%.0f MB at %llu targets\n",
      sizeof(draw::EligibleTarget),
      AsDouble(opt.targets) * (AsDouble(sizeof(draw::EligibleTarget)) + 32) / 1e6,
      static_cast<unsigned long long>(opt.targets));

  std::printf(
      "\nresult: targets=%llu inspectors=%u threads=%u rounds=%d visits=%zu freeze_s=%.3f "
      "draw_s=%.3f verify_s=%.3f draw_sha256_calls=%llu draw_calls_per_s=%.0f "
      "draw_x_raw=%.3f freeze_sha256_calls=%llu freeze_calls_per_s=%.0f freeze_x_raw=%.3f "
      "raw_sha256_71b_1t=%.0f raw_sha256_71b_nt=%.0f inputs_mb=%ld peak_freeze_mb=%ld "
      "peak_draw_mb=%ld peak_verify_mb=%ld max_rss_mb=%ld draw_target_met=%d freeze_cpu_s=%.3f "
      "draw_cpu_s=%.3f verify_cpu_s=%.3f contended=%d\n",
      static_cast<unsigned long long>(opt.targets), opt.inspectors, threads, opt.rounds, visits,
      freeze, drw, verify, static_cast<unsigned long long>(draw_hashes), draw_rate, draw_rate / rn,
      static_cast<unsigned long long>(freeze_hashes), freeze_rate, freeze_rate / rn, r1, rn,
      rss_inputs - rss_start, hwm_freeze, hwm_draw, hwm_verify, max_rss, drw <= target_s ? 1 : 0,
      Median(freeze_cpu), Median(draw_cpu), Median(verify_cpu), contended ? 1 : 0);
  if (opt.directory_scan > 0) DirectoryScan(opt.directory_scan, pop, task, opt.rounds);
  return 0;
}
