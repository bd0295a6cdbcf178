#include "verifier/report.h"

#include <chrono>

namespace suiji {

namespace {

nlohmann::json DrawsJson(const DrawAudit& a) {
  nlohmann::json j;
  j["ok"] = a.ok();
  auto failures = nlohmann::json::array();
  for (const auto& f : a.failures) {
    failures.push_back({{"draw", f.draw_id},
                        {"sequence", f.sequence ? nlohmann::json(*f.sequence) : nlohmann::json()},
                        {"what", f.what}});
  }
  j["failures"] = failures;
  auto draws = nlohmann::json::array();
  for (const auto& d : a.draws) {
    auto changes = nlohmann::json::array();
    for (const auto& c : d.last_minute) {
      changes.push_back({{"sequence", c.sequence}, {"type", c.type}, {"id", c.id}});
    }
    draws.push_back({{"draw", d.draw_id},
                     {"task", d.task_id},
                     {"phase", d.phase},
                     {"commit_number", d.commit_number},
                     {"targets", d.targets},
                     {"inspectors", d.inspectors},
                     {"selected", d.selected},
                     {"recomputed", d.recomputed},
                     {"seed", d.seed_hex},
                     {"entropy", d.entropy},
                     {"understaffed", d.understaffed},
                     {"max_load", d.max_load},
                     {"mean_load", d.mean_load},
                     {"last_minute_total", d.last_minute_total},
                     {"last_minute", changes},
                     {"cancel_reason", d.cancel_reason}});
  }
  j["draws"] = draws;
  auto redrawn = nlohmann::json::array();
  for (const auto& r : a.redrawn) {
    redrawn.push_back({{"task", r.task_id},
                       {"commits", r.commits},
                       {"redraws", r.redraws},
                       {"cancellations", r.cancellations}});
  }
  j["redrawn"] = redrawn;
  j["abandoned"] = a.abandoned;
  j["pending"] = a.pending;
  j["fairness"] = {{"chi_square", a.fairness.statistic},
                   {"df", a.fairness.df},
                   {"p_value", a.fairness.p_value},
                   {"cells", a.fairness.cells}};
  j["notes"] = a.notes;
  return j;
}

nlohmann::json DeadlineJson(const inspection::Deadline& d) {
  return {{"kind", inspection::DeadlineKindName(d.kind)},
          {"status", inspection::DeadlineStatusName(d.status)},
          {"org_id", d.org_id}, {"draw_id", d.draw_id}, {"credit_code", d.credit_code},
          {"from", d.from}, {"due", d.due}, {"done", d.done},
          {"working_days_late", d.working_days_late}};
}

nlohmann::json InspectionsJson(const InspectionAudit& a) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : a.failures) {
    failures.push_back({{"sequence", f.sequence ? nlohmann::json(*f.sequence) : nlohmann::json(nullptr)},
                        {"what", f.what}});
  }
  nlohmann::json late = nlohmann::json::array();
  for (const auto& d : a.late_or_overdue) late.push_back(DeadlineJson(d));
  return {{"ok", a.ok()},
          {"failures", failures},
          {"as_of", a.as_of},
          {"announcements", a.announcements},
          {"withheld", a.withheld},
          {"results_by_state", a.results_by_state},
          {"corrections", a.corrections},
          {"transfers", a.transfers},
          {"credit_reevaluations", a.reevaluations},
          {"deadlines", a.deadlines},
          {"late_or_overdue", late},
          {"late_or_overdue_total", a.late_or_overdue_total},
          {"overdue_by_bureau", a.overdue_by_bureau}};
}

}  // namespace

nlohmann::json AuthorityJson(const AuthorityAudit& a) {
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : a.failures) {
    failures.push_back({{"sequence", f.sequence ? nlohmann::json(*f.sequence) : nlohmann::json(nullptr)},
                        {"what", f.what}});
  }
  return {{"ok", a.ok()},           {"failures", failures},
          {"failures_total", a.failures_total}, {"users", a.users},
          {"tokens", a.tokens},     {"events_by_users", a.by_users_total},
          {"by_user", a.by_user},   {"by_operator", a.by_operator}};
}

FullAudit AuditExport(ByteView export_file, const VerifyOptions& options,
                      const DrawAuditOptions& draw_options) {
  const auto start = std::chrono::steady_clock::now();
  FullAudit audit;
  audit.integrity = VerifyExport(export_file, options);
  if (audit.integrity.ok()) {
    DrawAuditOptions draws = draw_options;
    if (!draws.consumed) draws.consumed = options.consumed;
    audit.draws = AuditDraws(export_file, draws);
    audit.inspections = AuditInspections(export_file, options.consumed);
    audit.authority = AuditAuthority(export_file, options.consumed);
  }
  audit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return audit;
}

nlohmann::json ReportJson(const FullAudit& audit) {
  const VerifyReport& r = audit.integrity;
  nlohmann::json j;
  j["ok"] = audit.ok();
  j["ledger"] = r.ledger_id;
  if (audit.draws) j["draw_audit"] = DrawsJson(*audit.draws);
  if (audit.inspections) j["inspection_audit"] = InspectionsJson(*audit.inspections);
  if (audit.authority) j["authority_audit"] = AuthorityJson(*audit.authority);
  j["entries"] = r.entries;
  j["checkpoints"] = r.checkpoints;
  j["latest_checkpoint_size"] = r.latest_checkpoint_size;
  j["uncovered_entries"] = r.uncovered_entries;
  j["root"] = ToHex(r.root);
  j["threads"] = r.threads;
  j["seconds"] = audit.seconds;
  j["event_counts"] = r.event_counts;
  j["warnings"] = r.warnings;
  auto keys = nlohmann::json::array();
  for (const auto& k : r.keys) {
    nlohmann::json kj{{"key_id", k.key_id},
                      {"roles", RoleNames(k.roles)},
                      {"label", k.label},
                      {"registered_at", k.registered_at}};
    kj["revoked_at"] = k.revoked_at ? nlohmann::json(*k.revoked_at) : nlohmann::json(nullptr);
    keys.push_back(kj);
  }
  j["keys"] = keys;
  if (r.problem) {
    j["problem"] = {{"what", r.problem->what}};
    j["problem"]["sequence"] =
        r.problem->sequence ? nlohmann::json(*r.problem->sequence) : nlohmann::json(nullptr);
    j["problem"]["checkpoint_size"] = r.problem->checkpoint_size
                                          ? nlohmann::json(*r.problem->checkpoint_size)
                                          : nlohmann::json(nullptr);
  }
  return j;
}

}  // namespace suiji
