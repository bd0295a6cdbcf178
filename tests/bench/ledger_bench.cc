// Ledger core benchmark: durable signed appends on LMDB (group commit) and verifier replay,
// each beside the raw libsodium Ed25519 rates measured in the same run on the same cores.
//
//   ledger_bench [--events N] [--batch B] [--rounds R] [--dir DIR]
//
// Prints one line per round and the medians. The append path signs serially (each entry
// chains to the previous one's hash, signature included), so its limit is the raw sign rate
// of one core; the verifier checks signatures on all cores, so its limit is the raw verify
// rate of one core times the cores used.
#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/node.h"
#include "ledger/exporter.h"
#include "tests/bench/bench_util.h"
#include "verifier/log_verifier.h"

namespace {

using suiji::bench::Clock;
using suiji::bench::Median;
using suiji::bench::PeakRssMb;
using suiji::bench::RawSignRate;
using suiji::bench::RawVerifyRate;
using suiji::bench::Seconds;

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  uint64_t events = 1'000'000, batch = 1000;
  int rounds = 3;
  std::string base = (std::filesystem::temp_directory_path() / "suiji-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--events") events = std::stoull(argv[i + 1]);
    else if (a == "--batch") batch = std::stoull(argv[i + 1]);
    else if (a == "--rounds") rounds = std::stoi(argv[i + 1]);
    else if (a == "--dir") base = argv[i + 1];
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("ledger_bench: %llu events, batches of %llu, %d rounds, %u cores\n",
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(batch),
              rounds, cores);

  std::vector<double> sign1, verify1, verifyN, append, replay, append_ratio, replay_ratio;
  for (int r = 0; r < rounds; ++r) {
    const double s1 = RawSignRate(1, 1.0);
    const double v1 = RawVerifyRate(1, 1.0);
    const double vn = RawVerifyRate(cores, 1.0);

    const std::string dir = base + "-" + std::to_string(r);
    std::filesystem::remove_all(dir);
    suiji::NodePaths paths{dir};
    suiji::Actor actor{"320400", "bench"};
    suiji::LedgerOptions opts;
    opts.checkpoint_every_entries = 100'000;
    opts.checkpoint_every_seconds = 0;
    auto init = suiji::InitNode(paths, "bench.suiji/ledger", "benchmark", "", actor, opts);
    if (!init.ok()) {
      std::fprintf(stderr, "init: %s\n", init.status().ToString().c_str());
      return 1;
    }
    suiji::Ledger& ledger = *init->ledger;
    // A realistic event: a ceremony memo with Chinese text, ~200 bytes of payload.
    std::vector<suiji::EventDraft> drafts(batch);
    for (uint64_t i = 0; i < batch; ++i) {
      drafts[i] = suiji::EventDraft{
          suiji::EventType::Memo,
          suiji::MakeMemoPayload("双随机抽查会议记录",
                                 "见证人：常州市人大代表张某、政协委员李某；摇号过程全程录像，编号 " +
                                     std::to_string(i)),
          actor};
    }
    auto t0 = Clock::now();
    uint64_t appended = 0;
    while (appended < events) {
      uint64_t n = std::min(batch, events - appended);
      auto s = ledger.Append(std::span(drafts.data(), n));
      if (!s.ok()) {
        std::fprintf(stderr, "append: %s\n", s.status().ToString().c_str());
        return 1;
      }
      appended += n;
    }
    auto t1 = Clock::now();
    auto cp = ledger.IssueCheckpoint();
    if (!cp.ok()) return 1;
    const double append_rate = static_cast<double>(events) / Seconds(t0, t1);

    const std::string file = dir + ".export";
    auto summary = suiji::ExportLog(ledger.storage(), file);
    if (!summary.ok()) return 1;
    std::string bytes;
    {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      bytes = ss.str();
    }
    auto t2 = Clock::now();
    suiji::VerifyReport report = suiji::VerifyExport(suiji::AsBytes(bytes), {});
    auto t3 = Clock::now();
    if (!report.ok()) {
      std::fprintf(stderr, "verify failed: %s\n", report.problem->what.c_str());
      return 1;
    }
    const double replay_rate = static_cast<double>(report.entries) / Seconds(t2, t3);

    sign1.push_back(s1);
    verify1.push_back(v1);
    verifyN.push_back(vn);
    append.push_back(append_rate);
    replay.push_back(replay_rate);
    append_ratio.push_back(append_rate / s1);
    replay_ratio.push_back(replay_rate / vn);
    std::printf(
        "round %d: raw sign %.0f/s (1 core), raw verify %.0f/s (1 core) %.0f/s (%u cores) | "
        "durable append %.0f events/s = %.2f x raw sign | verifier replay %.0f events/s = "
        "%.2f x raw verify on %u cores | export %.0f MB\n",
        r, s1, v1, vn, cores, append_rate, append_rate / s1, replay_rate, replay_rate / vn,
        report.threads, static_cast<double>(summary->bytes) / 1e6);
    std::fflush(stdout);
    init->ledger.reset();
    std::filesystem::remove_all(dir);
    std::filesystem::remove(file);
  }
  std::printf(
      "median: raw sign %.0f/s (1 core); raw verify %.0f/s (1 core), %.0f/s (%u cores); "
      "durable append %.0f events/s = %.2f x raw sign (target >= 0.70); verifier replay %.0f "
      "events/s = %.2f x raw verify on all cores (target >= 0.80); peak RSS %ld MB\n",
      Median(sign1), Median(verify1), Median(verifyN), cores, Median(append),
      Median(append_ratio), Median(replay), Median(replay_ratio), PeakRssMb());
  return 0;
}
