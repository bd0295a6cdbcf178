// Inspection results benchmark (R11-R13, R16): N results recorded and published through
// InspectionService on a real LMDB node — each result is four durable signed appends
// (ResultRecorded, ResultSubmitted, ResultReviewed, ResultPublished), each decided against
// the fold of the whole log first — then the statistics fold (InspectionStats) over the
// resulting log. Figures are printed beside the raw libsodium Ed25519 sign and verify rates
// of one core measured in the same run.
//
//   inspection_bench [--results N] [--tasks K] [--rounds R] [--dir DIR]
//
// The directory holds 2N employers split over K industries; each of K tasks (one industry,
// the whole city, stratified by county) draws 50%, so the draws hold N visits together.
// The service appends one event per call, as a clerk's client would, so each append is its
// own durable LMDB commit: the limit is the disk's fsync rate as much as the sign rate.
#include <sodium.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/calendar_data.h"
#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/inspection_service.h"
#include "api/node.h"
#include "ledger/core/inspection/stats.h"
#include "ledger/core/sha256.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"

namespace {

using Clock = std::chrono::steady_clock;
using suiji::Status;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Signatures (verifications) per second on one core over a message like a ledger body.
double RawSignRate(double seconds) {
  suiji::KeyPair k = suiji::KeyPair::Generate();
  std::vector<uint8_t> msg(300, 0x5a);
  uint64_t n = 0;
  auto start = Clock::now();
  while (Seconds(start, Clock::now()) < seconds) {
    for (int i = 0; i < 256; ++i, ++n) msg[0] = k.Sign(msg)[0];
  }
  return static_cast<double>(n) / Seconds(start, Clock::now());
}

double RawVerifyRate(double seconds) {
  suiji::KeyPair k = suiji::KeyPair::Generate();
  std::vector<uint8_t> msg(300, 0x5a);
  suiji::Signature s = k.Sign(msg);
  uint64_t n = 0, ok = 0;
  auto start = Clock::now();
  while (Seconds(start, Clock::now()) < seconds) {
    for (int i = 0; i < 64; ++i, ++n) ok += suiji::VerifySignature(k.public_key(), msg, s);
  }
  if (ok != n) std::abort();
  return static_cast<double>(n) / Seconds(start, Clock::now());
}

long PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

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

struct Round {
  double results_per_s = 0;
  double appends_per_s = 0;
  double stats_entries_per_s = 0;
  double stats_seconds = 0;
  uint64_t entries = 0;
};

// One round in `dir`: builds the node, records and publishes, folds the statistics.
bool RunRound(const std::string& dir, uint64_t results, int tasks, Round* out) {
  std::filesystem::remove_all(dir);
  auto now = std::make_shared<int64_t>(1780272000LL * 1000000);  // 2026-06-01 00:00 UTC
  auto clock = [now] { return *now; };
  suiji::Actor actor{"320400", "bench"};
  suiji::Actor reviewer{"320400", "reviewer"};
  suiji::LedgerOptions lo;
  lo.checkpoint_every_entries = 100'000;
  lo.checkpoint_every_seconds = 0;
  lo.clock = clock;
  auto init = suiji::InitNode(suiji::NodePaths{dir}, "bench.suiji/inspections", "benchmark", "",
                              actor, lo);
  if (!Check(init, "init")) return false;
  suiji::Ledger& ledger = *init->ledger;
  auto projection = suiji::DirectoryProjection::Open(dir);
  if (!Check(projection, "projection")) return false;
  suiji::DirectoryService dirs(ledger, **projection, ledger.storage());

  // --- the directory: orgs, calendar, item list, 2N employers, inspectors ---
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
  const uint64_t targets = 2 * results;
  suiji::ImportOptions io;
  io.org_id = "320400";
  io.actor = actor;
  auto imported = dirs.ImportTargetRows(
      {"credit_code", "name", "region", "industry", "headcount"},
      [&](const suiji::DirectoryService::RowVisitor& visit) -> Status {
        std::vector<std::string> cells(5);
        for (uint64_t n = 0; n < targets; ++n) {
          const std::string region = kRegions[n % 6];
          cells = {suiji::testing_support::SampleCreditCode(region, n),
                   "常州市示例" + std::to_string(n) + "有限公司", region,
                   kIndustries[(n / 6) % static_cast<uint64_t>(tasks)], "20"};
          SUIJI_RETURN_IF_ERROR(visit(n + 1, cells));
        }
        return suiji::OkStatus();
      },
      io);
  if (!Check(imported, "import")) return false;
  for (int i = 0; i < 40; ++i) {
    InspectorRecord r;
    r.inspector_id = "JS" + std::to_string(3204000 + i);
    r.name = "检查员" + std::to_string(i);
    r.domains = {"劳动保障监察"};
    r.org_id = "320400";
    r.region = "320400";
    if (!Check(dirs.UpsertInspector(r, actor), "inspector")) return false;
  }

  // --- K tasks, each drawn (witness entropy) ---
  suiji::DrawService draws(ledger, ledger.storage(), dir, clock);
  if (!Check(draws.FilePlan({"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""},
                            actor), "plan")) {
    return false;
  }
  std::vector<std::string> draw_ids;
  for (int k = 0; k < tasks; ++k) {
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

  // --- record and publish every visit's result ---
  suiji::InspectionService inspections(ledger, ledger.storage(), clock);
  if (!Check(inspections.Sync(), "sync")) return false;
  std::vector<std::pair<std::string, suiji::draw::VisitRecord>> visits;
  for (const auto& id : draw_ids) {
    for (const auto& v : inspections.world().draws.Draw(id)->visits) visits.emplace_back(id, v);
  }
  if (visits.size() > results) visits.resize(results);
  const uint64_t size_before = ledger.size();
  auto t0 = Clock::now();
  uint64_t n = 0;
  for (const auto& [draw_id, v] : visits) {
    suiji::inspection::ResultRecord r;
    r.draw_id = draw_id;
    r.credit_code = v.credit_code;
    r.revision = 0;
    r.inspection_date = "2026-06-01";
    suiji::inspection::ItemResultRecord item;
    item.item_id = "I1";
    if (n % 5 == 0) {  // one in five in violation
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
    r.confirmed_by = v.team;
    suiji::inspection::EvidenceRecord ev;
    ev.sha256 = suiji::Sha256(suiji::AsBytes("recorder video " + std::to_string(n)));
    ev.size = 1 << 20;
    ev.kind = "video";
    ev.name = "执法记录仪-" + std::to_string(n) + ".mp4";
    r.evidence.push_back(ev);
    if (!Check(inspections.RecordResult(r, actor), "record") ||
        !Check(inspections.Submit(draw_id, v.credit_code, actor), "submit") ||
        !Check(inspections.Review(draw_id, v.credit_code, true, "", reviewer), "review") ||
        !Check(inspections.Publish(draw_id, v.credit_code, actor), "publish")) {
      return false;
    }
    ++n;
  }
  auto t1 = Clock::now();
  const uint64_t appended = ledger.size() - size_before;
  out->results_per_s = static_cast<double>(n) / Seconds(t0, t1);
  out->appends_per_s = static_cast<double>(appended) / Seconds(t0, t1);

  // --- the statistics fold over the whole log ---
  auto t2 = Clock::now();
  suiji::inspection::InspectionStats stats;
  const suiji::LogStorage& log = ledger.storage();
  auto size = log.Size();
  if (!Check(size, "size")) return false;
  Status inner = suiji::OkStatus();
  Status read = log.Read(0, *size, [&](uint64_t, suiji::ByteView bytes) {
    auto e = suiji::ParseEntry(bytes);
    inner = e.ok() ? stats.Apply(*e) : e.status();
    return inner.ok();
  });
  if (!Check(read, "read") || !Check(inner, "stats fold")) return false;
  auto report = stats.Report("2026-09-30");
  if (!Check(report, "report")) return false;
  auto t3 = Clock::now();
  out->entries = *size;
  out->stats_seconds = Seconds(t2, t3);
  out->stats_entries_per_s = static_cast<double>(*size) / out->stats_seconds;
  uint64_t published = report->outcomes.published;
  double share = 0;
  if (!report->draws.empty() && report->draws[0].estimate) share = report->draws[0].estimate->share;
  std::printf("  %llu results (%llu appends) in %.1f s; log %llu entries; stats: %llu published, "
              "draw 1 violation share %.3f\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(appended),
              Seconds(t0, t1), static_cast<unsigned long long>(*size),
              static_cast<unsigned long long>(published), share);
  init->ledger.reset();
  std::filesystem::remove_all(dir);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  uint64_t results = 100'000;
  int tasks = 10, rounds = 3;
  std::string base = (std::filesystem::temp_directory_path() / "suiji-inspection-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--results") results = std::stoull(argv[i + 1]);
    else if (a == "--tasks") tasks = std::clamp(std::stoi(argv[i + 1]), 1, 10);
    else if (a == "--rounds") rounds = std::stoi(argv[i + 1]);
    else if (a == "--dir") base = argv[i + 1];
  }
  std::printf("inspection_bench: %llu results (4 appends each) over %d draws, %d rounds\n",
              static_cast<unsigned long long>(results), tasks, rounds);
  std::vector<double> sign, verify, res, app, app_sign, app_verify, st, st_verify;
  for (int r = 0; r < rounds; ++r) {
    const double s1 = RawSignRate(1.0);
    const double v1 = RawVerifyRate(1.0);
    Round round;
    if (!RunRound(base + "-" + std::to_string(r), results, tasks, &round)) return 1;
    sign.push_back(s1);
    verify.push_back(v1);
    res.push_back(round.results_per_s);
    app.push_back(round.appends_per_s);
    app_sign.push_back(round.appends_per_s / s1);
    app_verify.push_back(round.appends_per_s / v1);
    st.push_back(round.stats_entries_per_s);
    st_verify.push_back(round.stats_entries_per_s / v1);
    std::printf(
        "round %d: raw sign %.0f/s, raw verify %.0f/s (1 core) | record+publish %.0f results/s "
        "= %.0f appends/s = %.3f x raw sign = %.3f x raw verify | stats fold of %llu entries "
        "%.2f s = %.0f entries/s = %.2f x raw verify\n",
        r, s1, v1, round.results_per_s, round.appends_per_s, round.appends_per_s / s1,
        round.appends_per_s / v1, static_cast<unsigned long long>(round.entries),
        round.stats_seconds, round.stats_entries_per_s, round.stats_entries_per_s / v1);
    std::fflush(stdout);
  }
  std::printf(
      "median of %d: raw sign %.0f/s, raw verify %.0f/s (1 core); record+publish %.0f "
      "results/s = %.0f appends/s = %.3f x raw sign = %.3f x raw verify; stats fold %.0f "
      "entries/s = %.2f x raw verify; peak RSS %ld MB\n",
      rounds, Median(sign), Median(verify), Median(res), Median(app), Median(app_sign),
      Median(app_verify), Median(st), Median(st_verify), PeakRssMb());
  return 0;
}
