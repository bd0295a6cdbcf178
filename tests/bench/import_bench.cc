// Directory import benchmark: a 1,000,000-row target CSV imported durably and signed, then
// re-imported with 5% of rows changed; projection rebuild; queries by region over the
// result. Figures are printed beside the raw Ed25519 sign rate measured in the same run.
//
//   import_bench [--rows N] [--dir DIR]
//
// Each import runs in a child process so its peak memory (ru_maxrss) is its own.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "api/directory_service.h"
#include "tests/bench/bench_util.h"
#include "tests/support/credit_codes.h"
#include "api/node.h"
#include "ledger/core/codes/credit_code.h"
#include "ledger/lmdb/lmdb_storage.h"

namespace {

using suiji::bench::Clock;
using suiji::bench::Seconds;

std::string Code(const std::string& region, uint64_t n) {
  return suiji::testing_support::SampleCreditCode(region, n);
}

// Writes N rows; with `changed_every` > 0 every such row differs (headcount + 1).
void WriteCsv(const std::string& path, uint64_t rows, uint64_t changed_every) {
  static const char* kRegions[] = {"320402", "320404", "320411", "320412", "320413", "320481"};
  static const char* kIndustries[] = {"3411", "4710", "6210", "5211", "3484", "1819", "3670", "7010"};
  static const char* kGrades[] = {"A", "B", "B", "B", "B", "C", ""};
  std::ofstream f(path, std::ios::binary);
  f << "\xEF\xBB\xBF统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数,劳动保障守法诚信等级,"
       "等级评定日期,是否列入黑名单,和谐劳动关系星级,投诉举报次数,状态\r\n";
  std::mt19937_64 rng(42);
  for (uint64_t n = 0; n < rows; ++n) {
    const std::string region = kRegions[n % 6];
    const char* grade = kGrades[n % 7];
    uint64_t headcount = 8 + (n * 2654435761u) % 400 + ((changed_every && n % changed_every == 0) ? 1 : 0);
    f << Code(region, n) << ",常州市示例" << n << "机械制造有限公司," << region << ","
      << kIndustries[n % 8] << "," << headcount << "," << grade << "," << (*grade ? "2025-03-01" : "")
      << ",否," << n % 6 << "," << n % 4 << ",正常\r\n";
  }
}

// Samples the process's anonymous and file-backed resident memory (from /proc/self/status)
// every 20 ms: ru_maxrss counts LMDB's memory-mapped data files too, which are page cache
// the kernel can reclaim, so the anonymous peak is reported beside it.
class MemorySampler {
 public:
  MemorySampler() : thread_([this] {
      while (!stop_.load()) {
        std::ifstream f("/proc/self/status");
        std::string line;
        while (std::getline(f, line)) {
          if (line.rfind("RssAnon:", 0) == 0) peak_anon_kb_ = std::max(peak_anon_kb_.load(), std::stol(line.substr(8)));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }) {}
  ~MemorySampler() {
    stop_ = true;
    thread_.join();
  }
  long peak_anon_mb() const { return peak_anon_kb_.load() / 1024; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_anon_kb_{0};
  std::thread thread_;
};

struct ChildResult {
  double seconds = 0;
  long peak_mb = 0;
  long peak_anon_mb = 0;
  uint64_t events = 0;
  bool ok = false;
};

ChildResult ImportInChild(const std::string& dir, const std::string& csv) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ChildResult r;
    MemorySampler sampler;
    auto start = Clock::now();
    auto ledger = suiji::OpenWriter(suiji::NodePaths{dir});
    auto proj = suiji::DirectoryProjection::Open(dir);
    if (ledger.ok() && proj.ok()) {
      suiji::DirectoryService svc(**ledger, **proj, (*ledger)->storage());
      suiji::ImportOptions o;
      o.org_id = "320400";
      o.actor = suiji::Actor{"320400", "bench"};
      auto rep = svc.ImportTargetsFile(csv, suiji::import::Encoding::kAuto, "", o);
      if (rep.ok() && rep->bad_rows == 0) {
        r.ok = true;
        r.events = rep->events;
      } else {
        std::fprintf(stderr, "import failed: %s\n",
                     rep.ok() ? (rep->problems.empty() ? "?" : rep->problems[0].reason.c_str())
                              : rep.status().ToString().c_str());
      }
    } else {
      std::fprintf(stderr, "open failed\n");
    }
    r.seconds = Seconds(start, Clock::now());
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    r.peak_mb = ru.ru_maxrss / 1024;
    r.peak_anon_mb = sampler.peak_anon_mb();
    (void)!::write(fds[1], &r, sizeof r);
    ::_exit(0);
  }
  ::close(fds[1]);
  ChildResult r;
  if (::read(fds[0], &r, sizeof r) != sizeof r) r.ok = false;
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  uint64_t rows = 1'000'000;
  std::string base = (std::filesystem::temp_directory_path() / "suiji-import-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") rows = std::stoull(argv[i + 1]);
    if (a == "--dir") base = argv[i + 1];
  }
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  const std::string dir = base + "/data", csv1 = base + "/targets.csv", csv2 = base + "/targets-5pct.csv";
  auto t0 = Clock::now();
  WriteCsv(csv1, rows, 0);
  WriteCsv(csv2, rows, 20);
  std::printf("import_bench: %llu rows (%.0f MB CSV), generated in %.1f s\n",
              static_cast<unsigned long long>(rows),
              static_cast<double>(std::filesystem::file_size(csv1)) / 1e6, Seconds(t0, Clock::now()));
  {
    auto init = suiji::InitNode(suiji::NodePaths{dir}, "bench.suiji/directory", "", "",
                                suiji::Actor{"320400", "bench"}, {});
    if (!init.ok()) return 1;
    auto proj = suiji::DirectoryProjection::Open(dir);
    suiji::DirectoryService svc(*init->ledger, **proj, init->ledger->storage());
    suiji::Actor a{"320400", "bench"};
    if (!svc.RegisterOrg({"320000", "江苏省人力资源和社会保障厅", "320000", suiji::directory::OrgLevel::Province, ""}, a).ok() ||
        !svc.RegisterOrg({"320400", "常州市人力资源和社会保障局", "320400", suiji::directory::OrgLevel::City, "320000"}, a).ok()) {
      return 1;
    }
  }
  const double sign = suiji::bench::RawSignRate(1, 1.0);
  ChildResult first = ImportInChild(dir, csv1);
  if (!first.ok) return 1;
  std::printf("first import: %.1f s, %.0f rows/s = %.2f x raw sign (%.0f/s, 1 core); peak RSS %ld MB "
              "(anonymous %ld MB, the rest mapped LMDB files); %llu events\n",
              first.seconds, static_cast<double>(rows) / first.seconds,
              static_cast<double>(rows) / first.seconds / sign, sign, first.peak_mb,
              first.peak_anon_mb, static_cast<unsigned long long>(first.events));
  ChildResult second = ImportInChild(dir, csv2);
  if (!second.ok) return 1;
  std::printf("re-import, 5%% changed: %.1f s, %.0f rows/s; peak RSS %ld MB (anonymous %ld MB); "
              "%llu events appended\n",
              second.seconds, static_cast<double>(rows) / second.seconds, second.peak_mb,
              second.peak_anon_mb, static_cast<unsigned long long>(second.events));

  auto reader = suiji::OpenLmdbStorage(dir, suiji::StorageMode::kReadOnly);
  const uint64_t log_size = *(*reader)->Size();
  std::filesystem::remove_all(std::filesystem::path(dir) / "projections");
  auto proj = suiji::DirectoryProjection::Open(dir);
  auto t1 = Clock::now();
  if (!(*proj)->CatchUp(**reader).ok()) return 1;
  const double rebuild = Seconds(t1, Clock::now());
  std::printf("projection rebuild: %llu events in %.1f s = %.0f events/s\n",
              static_cast<unsigned long long>(log_size), rebuild, static_cast<double>(log_size) / rebuild);

  std::vector<double> page, full;
  for (int i = 0; i < 21; ++i) {
    suiji::TargetQuery q;
    q.region = i % 2 ? "320402" : "320412";
    q.limit = 100;
    auto a = Clock::now();
    auto r = (*proj)->ListTargets(q);
    page.push_back(Seconds(a, Clock::now()) * 1e3);
    if (!r.ok() || r->size() != 100) return 1;
  }
  for (int i = 0; i < 5; ++i) {
    suiji::TargetQuery q;
    q.region = "320402";
    q.grade = "C";
    q.limit = 0;
    auto a = Clock::now();
    auto r = (*proj)->ListTargets(q);
    full.push_back(Seconds(a, Clock::now()) * 1e3);
    if (!r.ok()) return 1;
  }
  std::sort(page.begin(), page.end());
  std::sort(full.begin(), full.end());
  std::printf("query by region, first 100 of ~%llu: median %.2f ms; all grade-C targets of one district (scan of ~%llu): median %.0f ms\n",
              static_cast<unsigned long long>(rows / 6), page[page.size() / 2],
              static_cast<unsigned long long>(rows / 6), full[full.size() / 2]);
  std::filesystem::remove_all(base);
  return 0;
}
