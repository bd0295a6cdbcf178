// Inspection benchmarks (R11-R13, R16), on a real LMDB node whose directory, item list and
// K drawn tasks (one industry each, the whole city, stratified by county, 50%) are built
// first. Every figure is printed beside the raw libsodium Ed25519 sign and verify rates
// measured in the same run.
//
//   inspection_bench [--results N] [--log-events M] [--tasks K] [--rounds R] [--dir DIR]
//
// Phase 1, --results N (0 skips it): N results recorded and published through
// InspectionService — six durable signed appends each (ResultRecorded, one ResultConfirmed
// per inspector of the team of two, ResultSubmitted, ResultReviewed, ResultPublished), each
// decided against the fold of the whole log first, as a clerk's client would — then the
// statistics fold (InspectionStats) over the log. Each append is its own LMDB commit: the
// limit is the disk's fsync rate as much as the sign rate.
//
// Phase 2, --log-events M (0 skips it): a log of about M entries — M/3 employers imported,
// every visit of the K draws given a recorded, confirmed (by each inspector of its team),
// submitted, reviewed and published result,
// appended in bulk batches — then, timed: the public record (PublicRecord) folded from the
// whole log with its notices and credit-publicity export; the proof bundle of one draw
// generated (BuildPublicBundle, carrying the draw's published results) and verified
// offline (CheckBundle: every entry's inclusion proof and signature, the draw recomputed).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/calendar_data.h"
#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"
#include "api/node.h"
#include "api/public_bundle.h"
#include "ledger/core/inspection/public_record.h"
#include "ledger/core/inspection/stats.h"
#include "ledger/core/sha256.h"
#include "ledger/replay.h"
#include "projections/directory_projection.h"
#include "tests/bench/bench_util.h"
#include "tests/support/credit_codes.h"
#include "verifier/bundle_check.h"

namespace {

using suiji::Status;
using suiji::bench::Clock;
using suiji::bench::Median;
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

// A node with its directory and K drawn tasks, and the visits the draws made.
struct World {
  std::string dir;
  std::shared_ptr<int64_t> now;
  std::function<int64_t()> clock;
  std::unique_ptr<suiji::Ledger> ledger;
  suiji::Actor actor{"320400", "bench"};
  suiji::Actor reviewer{"320400", "reviewer"};
  std::vector<std::string> draw_ids;
  std::vector<std::pair<std::string, suiji::draw::VisitRecord>> visits;  // (draw id, visit)

  ~World() {
    ledger.reset();
    std::filesystem::remove_all(dir);
  }
};

// Builds the node in `dir`: orgs, calendar, item list, `employers` employers, 40 inspectors,
// one plan and K tasks, each frozen, committed and revealed (witness entropy).
bool BuildWorld(const std::string& dir, uint64_t employers, int tasks, World* w) {
  std::filesystem::remove_all(dir);
  w->dir = dir;
  w->now = std::make_shared<int64_t>(1780272000LL * 1000000);  // 2026-06-01 00:00 UTC
  w->clock = [now = w->now] { return *now; };
  const suiji::Actor& actor = w->actor;
  suiji::LedgerOptions lo;
  lo.checkpoint_every_entries = 100'000;
  lo.checkpoint_every_seconds = 0;
  lo.clock = w->clock;
  auto init = suiji::InitNode(suiji::NodePaths{dir}, "bench.suiji/inspections", "benchmark", "",
                              actor, lo);
  if (!Check(init, "init")) return false;
  w->ledger = std::move(init->ledger);
  suiji::Ledger& ledger = *w->ledger;
  auto projection = suiji::DirectoryProjection::Open(dir);
  if (!Check(projection, "projection")) return false;
  suiji::DirectoryService dirs(ledger, **projection, ledger.storage());

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
  suiji::ImportOptions io;
  io.org_id = "320400";
  io.actor = actor;
  auto imported = dirs.ImportTargetRows(
      {"credit_code", "name", "region", "industry", "headcount"},
      [&](const suiji::DirectoryService::RowVisitor& visit) -> Status {
        std::vector<std::string> cells(5);
        for (uint64_t n = 0; n < employers; ++n) {
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

  suiji::DrawService draws(ledger, ledger.storage(), dir, w->clock);
  if (!Check(draws.FilePlan({"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""},
                            actor), "plan")) {
    return false;
  }
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
    *w->now += 60'000'000;
    suiji::EntropyPlan e;
    e.drand = false;
    e.witnesses = {"张三", "李四"};
    if (!Check(draws.Commit(f->draw_id, e, actor), "commit")) return false;
    *w->now += 60'000'000;
    suiji::RevealInputs r;
    r.witness_digits = {"314159", "271828"};
    if (!Check(draws.Reveal(f->draw_id, r, actor), "reveal")) return false;
    w->draw_ids.push_back(f->draw_id);
  }
  if (!Check(draws.Sync(), "sync")) return false;
  for (const auto& id : w->draw_ids) {
    for (const auto& v : draws.world().Draw(id)->visits) w->visits.emplace_back(id, v);
  }
  return true;
}

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

// --- phase 1: results through the service, then the statistics fold ------------------------

struct ServiceRound {
  double results_per_s = 0;
  double appends_per_s = 0;
  double stats_entries_per_s = 0;
  double stats_seconds = 0;
  uint64_t entries = 0;
};

bool RunServiceRound(const std::string& dir, uint64_t results, int tasks, ServiceRound* out) {
  World w;
  if (!BuildWorld(dir, 2 * results, tasks, &w)) return false;
  suiji::Ledger& ledger = *w.ledger;
  suiji::InspectionService inspections(ledger, ledger.storage(), w.clock);
  if (!Check(inspections.Sync(), "sync")) return false;
  // Each inspector confirms through a user of its own (the operator registers them).
  suiji::IdentityService ids(ledger, ledger.storage());
  if (!Check(ids.Sync(), "identity sync")) return false;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "JS" + std::to_string(3204000 + i);
    if (!Check(ids.RegisterUser({"u" + id, id, "320400", {"inspector"}, id, {}, ""}, w.actor), "user")) return false;
  }
  if (!Check(ids.Sync(), "identity sync")) return false;
  auto visits = w.visits;
  if (visits.size() > results) visits.resize(results);
  const uint64_t size_before = ledger.size();
  auto t0 = Clock::now();
  uint64_t n = 0;
  for (const auto& [draw_id, v] : visits) {
    suiji::inspection::ResultRecord r = ResultOf(draw_id, v, n);
    r.revision = 0;  // the service numbers it
    if (!Check(inspections.RecordResult(r, w.actor), "record")) return false;
    const suiji::Hash hash = inspections.world().Result(draw_id, v.credit_code)->revision_sha256.back();
    for (const auto& member : v.team) {
      const suiji::identity::UserInfo& u = *ids.world().User("u" + member);
      if (!Check(inspections.Confirm(draw_id, v.credit_code, 1, hash, u, {"320400", u.user.user_id}), "confirm")) {
        return false;
      }
    }
    if (!Check(inspections.Submit(draw_id, v.credit_code, w.actor), "submit") ||
        !Check(inspections.Review(draw_id, v.credit_code, true, "", w.reviewer), "review") ||
        !Check(inspections.Publish(draw_id, v.credit_code, w.actor), "publish")) {
      return false;
    }
    ++n;
  }
  auto t1 = Clock::now();
  const uint64_t appended = ledger.size() - size_before;
  out->results_per_s = static_cast<double>(n) / Seconds(t0, t1);
  out->appends_per_s = static_cast<double>(appended) / Seconds(t0, t1);

  auto t2 = Clock::now();
  suiji::inspection::InspectionStats stats;
  uint64_t size = 0;
  if (!Check(suiji::ReplayLog(ledger.storage(), 0,
                              [&](const suiji::EntryView& e) { return stats.Apply(e); }, &size),
             "stats fold")) {
    return false;
  }
  auto report = stats.Report("2026-09-30");
  if (!Check(report, "report")) return false;
  auto t3 = Clock::now();
  out->entries = size;
  out->stats_seconds = Seconds(t2, t3);
  out->stats_entries_per_s = static_cast<double>(size) / out->stats_seconds;
  double share = 0;
  if (!report->draws.empty() && report->draws[0].estimate) share = report->draws[0].estimate->share;
  std::printf("  %llu results (%llu appends) in %.1f s; log %llu entries; stats: %llu published, "
              "draw 1 violation share %.3f\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(appended),
              Seconds(t0, t1), static_cast<unsigned long long>(size),
              static_cast<unsigned long long>(report->outcomes.published), share);
  return true;
}

// --- phase 2: a large log, the public record and one draw's bundle -------------------------

struct PublicRound {
  uint64_t entries = 0;
  double bulk_appends_per_s = 0;
  double record_seconds = 0;   // the PublicRecord fold of the whole log
  double notices_seconds = 0;  // Notices() + the credit publicity CSV and JSON
  uint64_t published = 0;
  uint64_t notices_bytes = 0, csv_bytes = 0;
  uint64_t bundle_entries = 0, bundle_bytes = 0;
  double bundle_build_seconds = 0;
  double bundle_check_seconds = 0;
};

bool RunPublicRound(const std::string& dir, uint64_t log_events, int tasks, PublicRound* out) {
  World w;
  if (!BuildWorld(dir, std::max<uint64_t>(log_events / 3, 1000), tasks, &w)) return false;
  suiji::Ledger& ledger = *w.ledger;
  // Every visit's events (its result, each inspector's confirmation, submission, review and
  // publication), 10,000 results per durable batch.
  *w.now += 3'600'000'000LL;  // 09:xx China time on 2026-06-01
  const std::string today = suiji::inspection::ChinaDate(*w.now);
  const uint64_t per_batch = 10'000;
  auto t0 = Clock::now();
  uint64_t appended = 0;
  for (uint64_t first = 0; first < w.visits.size(); first += per_batch) {
    const uint64_t count = std::min<uint64_t>(per_batch, w.visits.size() - first);
    namespace in = suiji::inspection;
    // (visit, step): 0 recorded, 1..team size confirmed by each inspector, then 3 more; and
    // the SHA-256 of each visit's recorded payload (encoding is deterministic).
    std::vector<std::pair<uint64_t, size_t>> steps;
    std::vector<suiji::Hash> hashes(count);
    for (uint64_t n = first; n < first + count; ++n) {
      const auto& [draw_id, v] = w.visits[n];
      hashes[n - first] = suiji::Sha256(in::EncodeResult(ResultOf(draw_id, v, n)));
      for (size_t k = 0; k < v.team.size() + 4; ++k) steps.emplace_back(n, k);
    }
    auto r = ledger.AppendStream(steps.size(), [&](uint64_t i) -> suiji::StatusOr<suiji::EventDraft> {
      const auto [n, k] = steps[i];
      const auto& [draw_id, v] = w.visits[n];
      if (k == 0) {
        return suiji::EventDraft{suiji::EventType::ResultRecorded, in::EncodeResult(ResultOf(draw_id, v, n)),
                                 w.actor};
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
                                   in::EncodeStep({draw_id, v.credit_code, 1, ""}), w.actor};
        case 2:
          return suiji::EventDraft{suiji::EventType::ResultReviewed,
                                   in::EncodeReview({draw_id, v.credit_code, 1, true, ""}),
                                   w.reviewer};
        default:
          return suiji::EventDraft{suiji::EventType::ResultPublished,
                                   in::EncodeStep({draw_id, v.credit_code, 1, today}), w.actor};
      }
    });
    if (!Check(r, "bulk append")) return false;
    appended += steps.size();
  }
  auto t1 = Clock::now();
  out->bulk_appends_per_s = static_cast<double>(appended) / Seconds(t0, t1);
  auto note = ledger.IssueCheckpoint();
  if (!Check(note, "checkpoint")) return false;
  out->entries = ledger.size();

  // The public record from the whole log, then what it publishes.
  auto t2 = Clock::now();
  suiji::inspection::PublicRecord record;
  if (!Check(suiji::ReplayLog(ledger.storage(), 0,
                              [&](const suiji::EntryView& e) { return record.Apply(e); }),
             "public record fold")) {
    return false;
  }
  auto t3 = Clock::now();
  const std::string notices = record.Notices().dump();
  const std::string csv = record.CreditPublicityCsv();
  const std::string json = record.CreditPublicityJson().dump();
  auto t4 = Clock::now();
  out->record_seconds = Seconds(t2, t3);
  out->notices_seconds = Seconds(t3, t4);
  out->notices_bytes = notices.size() + json.size();
  out->csv_bytes = csv.size();
  for (const auto& [key, info] : record.world().results) out->published += info.published() != nullptr;

  // One draw's bundle, carrying its published results (as `suiji public bundle` does).
  suiji::DrawService draws(ledger, ledger.storage(), w.dir, w.clock);
  if (!Check(draws.Sync(), "draw sync")) return false;
  const std::string& draw_id = w.draw_ids.front();
  const std::vector<uint64_t> carried = record.PublicSequencesOfDraw(draw_id);
  auto t5 = Clock::now();
  auto bundle = suiji::BuildPublicBundle(ledger, draws, draw_id, *note, carried);
  auto t6 = Clock::now();
  if (!Check(bundle, "bundle")) return false;
  suiji::BundleCheckOptions options;
  options.key = suiji::ParseVerifierKey(bundle->verifier_key).value();
  suiji::BundleReport report = suiji::CheckBundle(bundle->json, options);
  auto t7 = Clock::now();
  if (!report.ok()) {
    std::fprintf(stderr, "bundle check failed: %s\n", report.failures.front().what.c_str());
    return false;
  }
  out->bundle_entries = bundle->entries;
  out->bundle_bytes = bundle->json.size();
  out->bundle_build_seconds = Seconds(t5, t6);
  out->bundle_check_seconds = Seconds(t6, t7);
  std::printf("  log %llu entries (%llu results appended in bulk at %.0f appends/s); "
              "%llu published; notices %.1f MB, CSV %.1f MB; bundle of %s: %llu entries, "
              "%llu selected, %.1f MB\n",
              static_cast<unsigned long long>(out->entries),
              static_cast<unsigned long long>(appended / 4), out->bulk_appends_per_s,
              static_cast<unsigned long long>(out->published), static_cast<double>(out->notices_bytes) / 1e6,
              static_cast<double>(out->csv_bytes) / 1e6, draw_id.c_str(),
              static_cast<unsigned long long>(out->bundle_entries),
              static_cast<unsigned long long>(report.selected), static_cast<double>(out->bundle_bytes) / 1e6);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  uint64_t results = 100'000, log_events = 5'000'000;
  int tasks = 10, rounds = 3;
  std::string base = (std::filesystem::temp_directory_path() / "suiji-inspection-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--results") results = std::stoull(argv[i + 1]);
    else if (a == "--log-events") log_events = std::stoull(argv[i + 1]);
    else if (a == "--tasks") tasks = std::clamp(std::stoi(argv[i + 1]), 1, 10);
    else if (a == "--rounds") rounds = std::stoi(argv[i + 1]);
    else if (a == "--dir") base = argv[i + 1];
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  using suiji::bench::RawSignRate;
  using suiji::bench::RawVerifyRate;
  if (results > 0) {
    std::printf("inspection_bench phase 1: %llu results (4 appends each) through the service "
                "over %d draws, %d rounds\n",
                static_cast<unsigned long long>(results), tasks, rounds);
    std::vector<double> sign, verify, res, app, app_sign, st, st_verify;
    for (int r = 0; r < rounds; ++r) {
      const double s1 = RawSignRate(1, 1.0);
      const double v1 = RawVerifyRate(1, 1.0);
      ServiceRound round;
      if (!RunServiceRound(base + "-" + std::to_string(r), results, tasks, &round)) return 1;
      sign.push_back(s1);
      verify.push_back(v1);
      res.push_back(round.results_per_s);
      app.push_back(round.appends_per_s);
      app_sign.push_back(round.appends_per_s / s1);
      st.push_back(round.stats_entries_per_s);
      st_verify.push_back(round.stats_entries_per_s / v1);
      std::printf("round %d: raw sign %.0f/s, raw verify %.0f/s (1 core) | record+publish %.0f "
                  "results/s = %.0f appends/s = %.3f x raw sign | stats fold of %llu entries "
                  "%.2f s = %.0f entries/s = %.2f x raw verify\n",
                  r, s1, v1, round.results_per_s, round.appends_per_s, round.appends_per_s / s1,
                  static_cast<unsigned long long>(round.entries), round.stats_seconds,
                  round.stats_entries_per_s, round.stats_entries_per_s / v1);
      std::fflush(stdout);
    }
    std::printf("phase 1 median of %d: raw sign %.0f/s, raw verify %.0f/s (1 core); "
                "record+publish %.0f results/s = %.0f appends/s = %.3f x raw sign; stats fold "
                "%.0f entries/s = %.2f x raw verify; peak RSS %ld MB\n",
                rounds, Median(sign), Median(verify), Median(res), Median(app), Median(app_sign),
                Median(st), Median(st_verify), suiji::bench::PeakRssMb());
  }
  if (log_events > 0) {
    std::printf("inspection_bench phase 2: public record and bundle on a log of ~%llu entries "
                "over %d draws, %d rounds\n",
                static_cast<unsigned long long>(log_events), tasks, rounds);
    std::vector<double> rec, rec_v, gen, gen_v, chk, chk_v, chk_vn, bulk_s;
    for (int r = 0; r < rounds; ++r) {
      const double s1 = RawSignRate(1, 1.0);
      const double v1 = RawVerifyRate(1, 1.0);
      const double vn = RawVerifyRate(cores, 1.0);
      PublicRound round;
      if (!RunPublicRound(base + "-p" + std::to_string(r), log_events, tasks, &round)) return 1;
      const double rec_rate = static_cast<double>(round.entries) / round.record_seconds;
      const double gen_rate = static_cast<double>(round.bundle_entries) / round.bundle_build_seconds;
      const double chk_rate = static_cast<double>(round.bundle_entries) / round.bundle_check_seconds;
      rec.push_back(round.record_seconds);
      rec_v.push_back(rec_rate / v1);
      gen.push_back(round.bundle_build_seconds);
      gen_v.push_back(gen_rate / v1);
      chk.push_back(round.bundle_check_seconds);
      chk_v.push_back(chk_rate / v1);
      chk_vn.push_back(chk_rate / vn);
      bulk_s.push_back(round.bulk_appends_per_s / s1);
      std::printf("round %d: raw sign %.0f/s (1 core), raw verify %.0f/s (1 core), %.0f/s (%u "
                  "cores) | bulk results %.0f appends/s = %.2f x raw sign | public record fold "
                  "of %llu entries %.1f s = %.0f entries/s = %.2f x raw verify, notices + export "
                  "%.1f s | bundle of %llu entries: built in %.2f s = %.0f entries/s = %.2f x raw "
                  "verify; checked in %.2f s = %.0f entries/s = %.2f x raw verify (1 core) = "
                  "%.2f x (%u cores)\n",
                  r, s1, v1, vn, cores, round.bulk_appends_per_s, round.bulk_appends_per_s / s1,
                  static_cast<unsigned long long>(round.entries), round.record_seconds, rec_rate,
                  rec_rate / v1, round.notices_seconds,
                  static_cast<unsigned long long>(round.bundle_entries),
                  round.bundle_build_seconds, gen_rate, gen_rate / v1, round.bundle_check_seconds,
                  chk_rate, chk_rate / v1, chk_rate / vn, cores);
      std::fflush(stdout);
    }
    std::printf("phase 2 median of %d: bulk appends %.2f x raw sign; public record fold %.1f s "
                "= %.2f x raw verify (1 core); bundle built in %.2f s = %.2f x raw verify; "
                "checked in %.2f s = %.2f x raw verify (1 core) = %.2f x (%u cores); peak RSS "
                "%ld MB\n",
                rounds, Median(bulk_s), Median(rec), Median(rec_v), Median(gen), Median(gen_v),
                Median(chk), Median(chk_v), Median(chk_vn), cores, suiji::bench::PeakRssMb());
  }
  return 0;
}
