// `suiji stats [--today YYYY-MM-DD] [--draw ID] [--json]`: the statistics of R16 (ledger/core/
// inspection/stats.h) — coverage by region, industry and credit grade, outcome and handling
// counts of the published results, deadline counts per bureau, and each draw's
// Horvitz–Thompson estimate of the share of employers in violation — read from the "stats"
// projection folder's counters (projections/stats_projection.h). Read-only: opens the log as
// a reader, so it runs beside a node holding the writer.
#include <chrono>
#include <cstdio>

#include "api/cli.h"
#include "ledger/core/directory/records.h"
#include "ledger/core/inspection/stats.h"
#include "ledger/replay.h"
#include "projections/projections.h"
#include "projections/stats_projection.h"

namespace suiji::cli {

namespace {

using inspection::CoverageBy;
using inspection::CoverageTables;
using inspection::DeadlinesByKind;
using inspection::OutcomeCounts;

std::string Percent(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}

void PrintCoverageBy(std::string_view title, const CoverageBy& by) {
  Out() << "  " << title << ":\n";
  for (const auto& [k, c] : by) {
    Out() << "    " << k << "  eligible " << c.eligible << ", drawn " << c.drawn << " ("
              << Percent(c.ratio()) << ")\n";
  }
}

void PrintCoverage(const CoverageTables& t) {
  Out() << "  覆盖率 coverage: eligible " << t.total.eligible << ", drawn " << t.total.drawn
            << " (" << Percent(t.total.ratio()) << ")\n";
  PrintCoverageBy("按地区 by region", t.by_region);
  PrintCoverageBy("按行业 by industry", t.by_industry);
  PrintCoverageBy("按门类 by industry section", t.by_industry_section);
  PrintCoverageBy("按信用等级 by credit grade", t.by_grade);
}

void PrintOutcomes(const OutcomeCounts& o) {
  Out() << "  结果 results: visits " << o.visits << ", recorded " << o.recorded
            << ", published " << o.published << " (corrected " << o.corrected
            << "), with a violation " << o.with_violation << "\n";
  for (const auto& [k, n] : o.by_outcome) {
    Out() << "    " << inspection::OutcomeLabel(k) << " (" << inspection::OutcomeKey(k)
              << "): " << n << " items\n";
  }
  for (const auto& [k, n] : o.by_handling) {
    Out() << "    处理 " << inspection::HandlingLabel(k) << " ("
              << inspection::HandlingKey(k) << "): " << n << "\n";
  }
  if (o.no_penalty > 0 || o.fines_yuan > 0) {
    Out() << "    不予处罚 no-penalty list: " << o.no_penalty << "; fines " << o.fines_yuan
              << " yuan\n";
  }
  if (o.transfers > 0 || o.reevaluations > 0) {
    Out() << "    移送 transfers: " << o.transfers << "; 信用重评 re-evaluations: "
              << o.reevaluations << "\n";
  }
}

void PrintDeadlines(std::string_view indent, const DeadlinesByKind& by) {
  for (const auto& [kind, c] : by) {
    Out() << indent << inspection::DeadlineKindName(kind) << ": met " << c.met << ", late "
              << c.late << ", open " << c.open << ", overdue " << c.overdue;
    if (c.no_calendar > 0) Out() << ", no calendar " << c.no_calendar;
    Out() << "\n";
  }
}

void PrintEstimate(const inspection::DrawStats& s) {
  if (!s.estimate) {
    Out() << "  违法率估计 violation share: not available (" << s.estimate_error << ")\n";
    return;
  }
  const draw::ShareEstimate& e = *s.estimate;
  Out() << "  违法率估计 violation share (Horvitz–Thompson): " << Percent(e.share)
            << ", 95% CI [" << Percent(e.ci_low) << ", " << Percent(e.ci_high) << "] from "
            << e.observed << " observed of " << e.drawn << " drawn, population " << e.population
            << "\n";
  for (const auto& st : e.strata) {
    Out() << "    " << st.key << ": ";
    if (st.has_estimate) {
      Out() << Percent(st.share) << " [" << Percent(st.ci_low) << ", " << Percent(st.ci_high)
                << "]";
    } else {
      Out() << "no estimate";
    }
    Out() << "; " << st.violations << " violations in " << st.observed << " observed of "
              << st.drawn << " drawn, population " << st.population << "\n";
  }
  for (const auto& n : e.notes) Out() << "    note: " << n << "\n";
}

void PrintReport(const inspection::StatsReport& r) {
  Out() << "统计 statistics as of " << r.today << " (" << r.entries << " log entries, "
            << r.draws.size() << " drawn draws)\n";
  for (const auto& s : r.draws) {
    Out() << "\n抽取 draw " << s.draw_id << " — task " << s.task_id << " (" << s.org_id
              << ") " << s.title << "\n";
    PrintCoverage(s.coverage);
    PrintOutcomes(s.outcomes);
    Out() << "  期限 deadlines:\n";
    PrintDeadlines("    ", s.deadlines);
    PrintEstimate(s);
    for (const auto& n : s.notes) Out() << "  note: " << n << "\n";
  }
  if (r.draws.size() > 1) {
    Out() << "\n合计 overall\n";
    PrintCoverage(r.coverage);
    PrintOutcomes(r.outcomes);
  }
  if (!r.deadlines.empty()) {
    Out() << "\n期限 deadlines by bureau:\n";
    for (const auto& [org, by] : r.deadlines) {
      Out() << "  " << org << "\n";
      PrintDeadlines("    ", by);
    }
  }
  for (const auto& n : r.notes) Out() << "note: " << n << "\n";
}

Status RunStats(const Context& ctx, std::string today, const std::string& draw_id,
                bool json_out) {
  if (today.empty()) {
    const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    today = inspection::ChinaDate(now_us);
  } else if (!directory::ValidDate(today)) {
    return InvalidArgument("--today \"" + today + "\" must be a date YYYY-MM-DD");
  }
  // The counters of the stats projection (projections/stats_projection.h), caught up from the
  // log (only the entries not applied yet), read in one snapshot.
  const NodePaths paths{ctx.data};
  SUIJI_ASSIGN_OR_RETURN(std::unique_ptr<LogStorage> log, OpenNodeStorage(paths, NodeRole::kReader));
  SUIJI_ASSIGN_OR_RETURN(std::shared_ptr<LmdbProjection> projection, OpenProjections(paths.dir));
  SUIJI_RETURN_IF_ERROR(projection->CatchUp(*log));
  // The deadlines come from the inspections folder in the same snapshot.
  StatusOr<inspection::StatsReport> built = StatsReportOf(*projection, today, draw_id);
  SUIJI_ASSIGN_OR_RETURN(inspection::StatsReport report, std::move(built));
  if (json_out) {
    Out() << inspection::ToJson(report).dump(2) << "\n";
  } else {
    PrintReport(report);
  }
  return OkStatus();
}

}  // namespace

void RegisterStatsCommands(CLI::App& app, Context& ctx) {
  static std::string today, draw_id;
  static bool json_out = false;
  auto* stats = app.add_subcommand(
      "stats", "statistics (R16): coverage, outcomes, deadlines, violation share estimates");
  stats->add_option("--data", ctx.data, "data directory of the ledger")->required();
  stats->add_option("--today", today, "the date deadlines are counted to (default: today)");
  stats->add_option("--draw", draw_id, "only this draw");
  stats->add_flag("--json", json_out, "JSON");
  stats->callback([&] {
    Status s = RunStats(ctx, today, draw_id, json_out);
    if (!s.ok()) ctx.exit_code = Fail(s);
  });
}

}  // namespace suiji::cli
