// Verifier benchmark: the peak memory and speed of `suiji-verify` on a large generated log,
// beside another build of it (the one before the streaming verifier, say) in the same run.
//
//   verify_bench --entries N [--export FILE] [--keep] [--old PATH] [--new PATH]
//                [--threads T] [--dir DIR]
//
// An export named with --export is kept (and reused when it exists); the default one in the
// temporary directory is removed at the end unless --keep.
// Generates (unless --export names an existing file) a log of about N entries on a real LMDB
// node: two org units, the calendar, an item list, N/4 employers imported, 40 inspectors, 10
// tasks (one industry each, the whole city, stratified by county, 50%) frozen, committed,
// revealed and drawn, and every visit given a recorded, confirmed (by both inspectors),
// submitted, reviewed and published result, appended in bulk; then a checkpoint, and the
// export written to FILE. Then runs each verifier binary (`PATH FILE --json --threads T`) as
// a child process and reports its wall time, entries/s, peak RSS (the kernel's ru_maxrss of
// the child, which counts the mapped pages of the export it touched) and RSS per entry, and
// whether the two JSON reports are identical apart from "seconds".
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/calendar_data.h"
#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/node.h"
#include "ledger/core/inspection/records.h"
#include "ledger/core/inspection/deadlines.h"
#include "ledger/core/sha256.h"
#include "ledger/exporter.h"
#include "projections/directory_projection.h"
#include "tests/bench/bench_util.h"
#include "tests/support/credit_codes.h"

namespace {

using suiji::Status;
using suiji::bench::Clock;
using suiji::bench::Seconds;

bool Check(const Status& s, const char* what) {
  if (!s.ok()) std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  return s.ok();
}
template <typename T>
bool Check(const suiji::StatusOr<T>& s, const char* what) {
  return Check(s.status(), what);
}

constexpr const char* kIndustries[] = {"3411", "4710", "6210", "5211", "3484", "1819",
                                       "3670", "7010", "1311", "3311"};
constexpr const char* kRegions[] = {"320402", "320404", "320411", "320412", "320413", "320481"};

// The result of the n-th visit: one in five found a violation, corrected on the spot.
suiji::inspection::ResultRecord ResultOf(const std::string& draw_id,
                                         const suiji::draw::VisitRecord& v, uint64_t n) {
  suiji::inspection::ResultRecord r;
  r.draw_id = draw_id;
  r.credit_code = v.credit_code;
  r.revision = 1;
  r.inspection_date = "2026-06-01";
  suiji::inspection::ItemResultRecord item;
  item.item_id = "I1";
  if (n % 5 == 0) {
    item.outcome = suiji::inspection::Outcome::Corrected;
    item.findings.push_back({"合同文本", false, "2名劳动者未签订书面劳动合同"});
    item.violations.push_back({"未与劳动者订立书面劳动合同", "《劳动合同法》第十条",
                               {suiji::inspection::Handling::OrderCorrection}, false, 0});
  } else {
    item.outcome = suiji::inspection::Outcome::NoProblem;
    item.findings.push_back({"合同文本", true, ""});
  }
  r.items.push_back(std::move(item));
  r.team = v.team;
  suiji::inspection::EvidenceRecord ev;
  ev.sha256 = suiji::Sha256(suiji::AsBytes("recorder video " + std::to_string(n)));
  ev.size = 1 << 20;
  ev.kind = "video";
  ev.name = "执法记录仪-" + std::to_string(n) + ".mp4";
  r.evidence.push_back(ev);
  return r;
}

// Builds the log in `dir` and writes its export to `out`.
bool Generate(const std::string& dir, uint64_t entries, const std::string& out) {
  std::filesystem::remove_all(dir);
  auto now = std::make_shared<int64_t>(1780272000LL * 1000000);  // 2026-06-01 00:00 UTC
  std::function<int64_t()> clock = [now] { return *now; };
  const suiji::Actor actor{"320400", "bench"};
  const suiji::Actor reviewer{"320400", "reviewer"};
  const int tasks = 10;
  const uint64_t employers = std::max<uint64_t>(entries / 4, 120);
  suiji::LedgerOptions lo;
  lo.checkpoint_every_entries = 100'000;
  lo.checkpoint_every_seconds = 0;
  lo.clock = clock;
  auto init = suiji::InitNode(suiji::NodePaths{dir}, "bench.suiji/verify", "benchmark", "", actor, lo);
  if (!Check(init, "init")) return false;
  std::unique_ptr<suiji::Ledger> owned = std::move(init->ledger);
  suiji::Ledger& ledger = *owned;
  auto projection = suiji::DirectoryProjection::Open(dir);
  if (!Check(projection, "projection")) return false;
  suiji::DirectoryService dirs(ledger, **projection, ledger.storage());
  // The employers' rows: `headcount` for the first `changed` of them, 20 for the rest.
  auto import_targets = [&](uint64_t changed, const char* headcount) {
    suiji::ImportOptions io;
    io.org_id = "320400";
    io.actor = actor;
    return dirs.ImportTargetRows(
        {"credit_code", "name", "region", "industry", "headcount"},
        [&](const suiji::DirectoryService::RowVisitor& visit) -> Status {
          std::vector<std::string> cells(5);
          for (uint64_t n = 0; n < employers; ++n) {
            const std::string region = kRegions[n % 6];
            cells = {suiji::testing_support::SampleCreditCode(region, n),
                     "常州市示例" + std::to_string(n) + "有限公司", region,
                     kIndustries[(n / 6) % static_cast<uint64_t>(tasks)], n < changed ? headcount : "20"};
            SUIJI_RETURN_IF_ERROR(visit(n + 1, cells));
          }
          return suiji::OkStatus();
        },
        io);
  };
  {
    using namespace suiji::directory;
    if (!Check(dirs.RegisterOrg({"320000", "江苏省人力资源和社会保障厅", "320000",
                                 OrgLevel::Province, ""}, actor), "org") ||
        !Check(dirs.RegisterOrg({"320400", "常州市人力资源和社会保障局", "320400", OrgLevel::City,
                                 "320000"}, actor), "org")) {
      return false;
    }
    auto schedules = ParseScheduleTable(suiji::BundledCalendarTable());
    if (!Check(schedules, "calendar") || !Check(dirs.PublishCalendars(*schedules, actor), "calendar")) {
      return false;
    }
    ItemListRecord list;
    list.org_id = "320400";
    list.effective_date = "2026-01-01";
    list.items.push_back({"I1", "劳动合同签订情况", "常州市人社局", "劳动合同法", "检查劳动合同",
                          InspectionMethod::OnSite, ItemKind::General, {"合同文本"}, "劳动监察支队"});
    if (!Check(dirs.PublishItemList(list, actor), "items")) return false;
    if (!Check(import_targets(0, "20"), "import")) return false;
    for (int i = 0; i < 40; ++i) {
      InspectorRecord r;
      r.inspector_id = "JS" + std::to_string(3204000 + i);
      r.name = "检查员" + std::to_string(i);
      r.domains = {"劳动保障监察"};
      r.org_id = "320400";
      r.region = "320400";
      if (!Check(dirs.UpsertInspector(r, actor), "inspector")) return false;
    }
  }
  std::vector<std::pair<std::string, suiji::draw::VisitRecord>> visits;
  {
    suiji::DrawService draws(ledger, ledger.storage(), dir, clock);
    if (!Check(draws.FilePlan({"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""},
                              actor), "plan")) {
      return false;
    }
    std::vector<std::string> draw_ids;
    for (int k = 0; k < tasks; ++k) {
      if (k == tasks / 2) {
        // Ten days on, some employers' headcounts change: the later commits see these as
        // last-minute changes, the earlier imports are out of their window.
        *now += 10LL * 86400 * 1000000;
        if (!Check(import_targets(30, "35"), "re-import")) return false;
      }
      suiji::draw::TaskRecord t;
      t.task_id = "T" + std::to_string(k + 1);
      t.plan_id = "P2026";
      t.org_id = "320400";
      t.title = "2026年劳动保障专项抽查 " + std::string(kIndustries[k]);
      t.item_list_version = 1;
      t.item_ids = {"I1"};
      t.regions = {"320400"};
      t.industries = {kIndustries[k]};
      t.ratio_bp = 5000;
      t.strata_by = suiji::draw::StrataBy::Region;
      t.window_start = "2026-06-01";
      t.window_end = "2026-07-31";
      if (!Check(draws.DefineTask(t, actor), "task")) return false;
      auto f = draws.Freeze(t.task_id, actor);
      if (!Check(f, "freeze")) return false;
      *now += 60'000'000;
      suiji::EntropyPlan e;
      e.drand = false;
      e.witnesses = {"张三", "李四"};
      if (!Check(draws.Commit(f->draw_id, e, actor), "commit")) return false;
      *now += 60'000'000;
      suiji::RevealInputs r;
      r.witness_digits = {"314159", "271828"};
      if (!Check(draws.Reveal(f->draw_id, r, actor), "reveal")) return false;
      draw_ids.push_back(f->draw_id);
    }
    if (!Check(draws.Sync(), "sync")) return false;
    for (const auto& id : draw_ids) {
      for (const auto& v : draws.world().Draw(id)->visits) visits.emplace_back(id, v);
    }
  }
  // Every visit's result, each inspector's confirmation, submission, review and publication.
  *now += 3'600'000'000LL;
  const std::string today = suiji::inspection::ChinaDate(*now);
  namespace in = suiji::inspection;
  for (uint64_t first = 0; first < visits.size(); first += 10'000) {
    const uint64_t count = std::min<uint64_t>(10'000, visits.size() - first);
    std::vector<std::pair<uint64_t, size_t>> steps;
    std::vector<suiji::Hash> hashes(count);
    for (uint64_t n = first; n < first + count; ++n) {
      const auto& [draw_id, v] = visits[n];
      hashes[n - first] = suiji::Sha256(in::EncodeResult(ResultOf(draw_id, v, n)));
      for (size_t k = 0; k < v.team.size() + 4; ++k) steps.emplace_back(n, k);
    }
    auto r = ledger.AppendStream(steps.size(), [&](uint64_t i) -> suiji::StatusOr<suiji::EventDraft> {
      const auto [n, k] = steps[i];
      const auto& [draw_id, v] = visits[n];
      if (k == 0) {
        return suiji::EventDraft{suiji::EventType::ResultRecorded,
                                 in::EncodeResult(ResultOf(draw_id, v, n)), actor};
      }
      if (k <= v.team.size()) {
        const std::string& member = v.team[k - 1];
        return suiji::EventDraft{suiji::EventType::ResultConfirmed,
                                 in::EncodeConfirmation({draw_id, v.credit_code, 1, hashes[n - first], member}),
                                 suiji::Actor{"320400", "u" + member}};
      }
      switch (k - v.team.size()) {
        case 1:
          return suiji::EventDraft{suiji::EventType::ResultSubmitted,
                                   in::EncodeStep({draw_id, v.credit_code, 1, ""}), actor};
        case 2:
          return suiji::EventDraft{suiji::EventType::ResultReviewed,
                                   in::EncodeReview({draw_id, v.credit_code, 1, true, ""}), reviewer};
        default:
          return suiji::EventDraft{suiji::EventType::ResultPublished,
                                   in::EncodeStep({draw_id, v.credit_code, 1, today}), actor};
      }
    });
    if (!Check(r, "bulk append")) return false;
  }
  if (!Check(ledger.IssueCheckpoint(), "checkpoint")) return false;
  auto summary = suiji::ExportLog(ledger.storage(), out);
  if (!Check(summary, "export")) return false;
  std::printf("generated %llu entries, %llu checkpoints, %.1f MB export (%s)\n",
              static_cast<unsigned long long>(summary->entries),
              static_cast<unsigned long long>(summary->checkpoints),
              static_cast<double>(summary->bytes) / 1e6, out.c_str());
  owned.reset();
  std::filesystem::remove_all(dir);
  return true;
}

struct Run {
  double seconds = 0;
  long max_rss_kb = 0;
  int exit_code = -1;
  std::string json;
};

// Runs `bin file --json --threads T` as a child and collects its peak RSS and report.
bool RunVerifier(const std::string& bin, const std::string& file, unsigned threads, Run* out) {
  const std::string report = file + ".report.json";
  const auto t0 = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    FILE* f = std::freopen(report.c_str(), "w", stdout);
    if (f == nullptr) ::_exit(127);
    const std::string t = std::to_string(threads);
    ::execl(bin.c_str(), bin.c_str(), file.c_str(), "--json", "--threads", t.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  struct rusage ru {};
  if (::wait4(pid, &status, 0, &ru) != pid) return false;
  out->seconds = Seconds(t0, Clock::now());
  out->max_rss_kb = ru.ru_maxrss;
  out->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(report);
  std::ostringstream ss;
  ss << in.rdbuf();
  out->json = ss.str();
  std::filesystem::remove(report);
  return true;
}

std::string Comparable(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return "(not JSON)";
  j.erase("seconds");
  return j.dump();
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  uint64_t entries = 300'000;
  unsigned threads = 2;
  bool keep = false;
  std::string base = (std::filesystem::temp_directory_path() / "suiji-verify-bench").string();
  std::string export_file, old_bin, new_bin;
  {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) new_bin = (self.parent_path().parent_path().parent_path() / "verifier" / "suiji-verify").string();
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--keep") { keep = true; continue; }
    if (i + 1 >= argc) break;
    if (a == "--entries") entries = std::stoull(argv[++i]);
    else if (a == "--export") { export_file = argv[++i]; keep = true; }
    else if (a == "--old") old_bin = argv[++i];
    else if (a == "--new") new_bin = argv[++i];
    else if (a == "--threads") threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (a == "--dir") base = argv[++i];
  }
  if (export_file.empty()) export_file = base + ".export";
  if (!std::filesystem::exists(export_file)) {
    const auto t0 = Clock::now();
    if (!Generate(base + "-node", entries, export_file)) return 1;
    std::printf("generated in %.0f s\n", Seconds(t0, Clock::now()));
  } else {
    std::printf("using the existing export %s (%.1f MB)\n", export_file.c_str(),
                static_cast<double>(std::filesystem::file_size(export_file)) / 1e6);
  }
  const double verify_rate = suiji::bench::RawVerifyRate(threads, 1.0);
  std::printf("raw Ed25519 verify on %u threads: %.0f/s\n", threads, verify_rate);
  std::vector<std::pair<std::string, Run>> runs;
  for (const auto& [name, bin] : {std::pair{std::string("old"), old_bin}, std::pair{std::string("new"), new_bin}}) {
    if (bin.empty()) continue;
    Run r;
    if (!RunVerifier(bin, export_file, threads, &r)) return 1;
    uint64_t n = 0;
    auto j = nlohmann::json::parse(r.json, nullptr, false);
    if (!j.is_discarded() && j.contains("entries")) n = j["entries"].get<uint64_t>();
    std::printf("%s (%s): exit %d, %llu entries in %.1f s = %.0f entries/s; peak RSS %.0f MB = "
                "%.0f bytes per entry\n",
                name.c_str(), bin.c_str(), r.exit_code, static_cast<unsigned long long>(n), r.seconds,
                static_cast<double>(n) / r.seconds, static_cast<double>(r.max_rss_kb) / 1024.0,
                n == 0 ? 0.0 : static_cast<double>(r.max_rss_kb) * 1024.0 / static_cast<double>(n));
    std::fflush(stdout);
    runs.emplace_back(name, std::move(r));
  }
  if (runs.size() == 2) {
    std::printf("reports identical (apart from \"seconds\"): %s\n",
                Comparable(runs[0].second.json) == Comparable(runs[1].second.json) ? "yes" : "NO");
  }
  if (!keep) std::filesystem::remove(export_file);
  return 0;
}
