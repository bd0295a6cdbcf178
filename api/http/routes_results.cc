// Result routes: recording, review, publication, correction, internal notes and follow-up of
// inspection results (R12-R14), the overdue list, the statistics (R16) and verification of the
// whole log (suiji-verify's checks, for supervisors). Handlers call InspectionService, the
// same as `suiji result|followup|stats`, which decides against the node's projections and
// whose Read gives one snapshot of their "inspections" folder.
#include <chrono>

#include "api/http/route_helpers.h"
#include "api/json_keys.h"
#include "api/records_json.h"
#include "ledger/exporter.h"
#include "projections/stats_projection.h"
#include "verifier/report.h"

namespace suiji::http {

namespace {

using namespace cli::json_keys;  // NOLINT: the readers are this file's vocabulary

// Reviewers and supervisors of the task's bureau, and the visit's own inspectors.
bool MaySeeVisit(const Call& c, std::string_view draw_id, std::string_view code) {
  const bool staff = c.user->Has(kReviewer) || c.user->Has(kSupervisor);
  return (staff && CoversDraw(c, draw_id)) || OnTeam(c, draw_id, code);
}

// --- results ------------------------------------------------------------------------------

Reply RecordResult(Call& c) {
  inspection::ResultRecord r;
  r.revision = 0;  // the next one, decided against the projection (as `suiji result record`)
  if (Status s = cli::ResultFromJson(c.body, &r, cli::EvidenceFiles::kRefused); !s.ok()) return Invalid(s);
  // Being on the drawn team is the inspector's authority for the visit, wherever the task's
  // bureau is (a city task draws county inspectors).
  if (!OnTeam(c, r.draw_id, r.credit_code)) {
    return Error(403, "not_on_team", "an inspector records results only for visits they are on");
  }
  auto seq = c.node.inspections->RecordResult(r, c.actor);
  if (!seq.ok()) return FromStatus(seq.status());
  // What each inspector of the team confirms (POST .../confirm): this revision, by its hash.
  json recorded;
  Status read = c.node.inspections->Read([&](const inspection::InspectionStore& s) -> Status {
    const inspection::ResultInfo* info = s.FindResult(r.draw_id, r.credit_code);
    if (info == nullptr) return Internal("the result just recorded is not in the projection");
    recorded = {{"revision", info->latest().revision}, {"result_sha256", ToHex(info->revision_sha256.back())}};
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  return Written(*seq, recorded);
}

// The visit's drawn team or its experts: who may be named in its result's team, and confirm it.
bool OnVisit(const Call& c, std::string_view draw_id, std::string_view code) {
  if (!c.user->Has(kInspector) || c.user->user.inspector_id.empty()) return false;
  const std::string& me = c.user->user.inspector_id;
  bool on = false;  // a failed read: not on it
  (void)c.node.inspections->Read([&](const inspection::InspectionStore& s) {
    const draw::VisitRecord* v = inspection::VisitIn(s, draw_id, code);
    on = v != nullptr && (std::find(v->team.begin(), v->team.end(), me) != v->team.end() ||
                          std::find(v->experts.begin(), v->experts.end(), me) != v->experts.end());
    return OkStatus();
  });
  return on;
}

// Body {"revision": N, "result_sha256": "hex"}: the caller's own confirmation of that revision
// as recorded. Each inspector of the result's team confirms for itself; nobody for another.
Reply Confirm(Call& c) {
  if (!OnVisit(c, c.params[0], c.params[1])) {
    return Error(403, "not_on_team", "an inspector confirms results only for visits they are on, each for themself");
  }
  uint32_t revision = 0;
  std::string hex;
  Status s = ReadKeys(c.body, "", {{"revision", Number(&revision)}, {"result_sha256", Text(&hex)}});
  if (!s.ok()) return Invalid(s);
  if (revision == 0 || hex.empty()) {
    return Error(422, "invalid", "revision and result_sha256 are required: the revision you confirm, as recorded");
  }
  auto hash = FromHex(hex);
  if (!hash.ok() || hash->size() != 32) return Error(422, "invalid", "result_sha256 must be 64 hex digits");
  Hash h{};
  std::copy(hash->begin(), hash->end(), h.begin());
  return WrittenOr(c.node.inspections->Confirm(c.params[0], c.params[1], revision, h, *c.user, c.actor));
}

Reply Submit(Call& c) {
  if (!OnTeam(c, c.params[0], c.params[1])) {
    return Error(403, "not_on_team", "an inspector submits results only for visits they are on");
  }
  return WrittenOr(c.node.inspections->Submit(c.params[0], c.params[1], c.actor));
}

Reply Review(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  bool approve = false;
  std::string reason;
  Status s = ReadKeys(c.body, "", {{"approve", Flag(&approve)}, {"reason", Text(&reason)}});
  if (!s.ok()) return Invalid(s);
  if (!c.body.contains("approve")) return Error(422, "invalid", "approve: required (true or false)");
  return WrittenOr(c.node.inspections->Review(c.params[0], c.params[1], approve, reason, c.actor));
}

Reply Publish(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  return WrittenOr(c.node.inspections->Publish(c.params[0], c.params[1], c.actor));
}

Reply GetResult(Call& c) {
  if (!MaySeeVisit(c, c.params[0], c.params[1])) return Outside("result " + c.params[0] + "/" + c.params[1]);
  std::optional<json> found;
  Status read = c.node.inspections->Read([&](const inspection::InspectionStore& s) {
    const inspection::ResultInfo* r = s.FindResult(c.params[0], c.params[1]);
    if (r != nullptr) {
      found = cli::ResultInfoToJson(*r);
      const auto t = s.draw_store().directory().Target(r->credit_code);  // for the console's header
      (*found)["employer_name"] = t ? t->name : "";
    }
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!found) return Error(404, "not_found", "no result recorded for this visit");
  return Json(*found);
}

Reply Overdue(Call& c) {
  auto deadlines = c.node.inspections->Deadlines();
  if (!deadlines.ok()) return FromStatus(deadlines.status());
  json out = json::array();
  for (const auto& d : *deadlines) {
    if (d.status != inspection::DeadlineStatus::kOverdue || !CoversOrg(c, d.org_id)) continue;
    out.push_back(cli::DeadlineToJson(d));
  }
  return Json(json{{"today", c.node.inspections->Today()}, {"overdue", out}});
}

// Body {"reason": "...", "result": {the corrected result, as a result file}}.
Reply Correct(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  std::string reason;
  json result;
  Status s = ReadKeys(c.body, "", {{"reason", Text(&reason)}, {"result", [&](const json& v, const std::string&) {
                                     result = v;
                                     return OkStatus();
                                   }}});
  if (!s.ok()) return Invalid(s);
  inspection::ResultRecord r;
  if (Status rs = cli::ResultFromJson(result, &r, cli::EvidenceFiles::kRefused); !rs.ok()) return Invalid(rs);
  if (r.draw_id != c.params[0] || r.credit_code != c.params[1]) {
    return Error(422, "invalid", "result.draw_id and result.credit_code must name the visit in the path");
  }
  return WrittenOr(c.node.inspections->Correct(r, reason, c.actor));
}

// Internal notes (complaints, context) are never published: by the visit's inspectors or a reviewer.
Reply Note(Call& c) {
  const bool reviewer = c.user->Has(kReviewer) && CoversDraw(c, c.params[0]);
  if (!reviewer && !OnTeam(c, c.params[0], c.params[1])) {
    return Error(403, "not_on_team", "notes are added by a reviewer of the task's bureau or the visit's inspectors");
  }
  inspection::InternalNoteRecord n{c.params[0], c.params[1], "", "", ""};
  Status s = ReadKeys(c.body, "", {{"note", Text(&n.note)},
                                   {"complainant_name", Text(&n.complainant_name)},
                                   {"complainant_contact", Text(&n.complainant_contact)}});
  if (!s.ok()) return Invalid(s);
  return WrittenOr(c.node.inspections->AddInternalNote(n, c.actor));
}

Reply Transfer(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  inspection::TransferRecord t{c.params[0], c.params[1], inspection::TransferKind::Unknown, "", "", ""};
  std::string kind;
  Status s = ReadKeys(c.body, "", {{"kind", Text(&kind)},
                                   {"to", Text(&t.to_body)},
                                   {"date", Text(&t.date)},
                                   {"reason", Text(&t.reason)}});
  if (!s.ok()) return Invalid(s);
  t.kind = inspection::TransferKindFromKey(kind);
  return WrittenOr(c.node.inspections->Transfer(t, c.actor));
}

Reply Regrade(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  inspection::ReevaluationRecord r{c.params[0], c.params[1], "", "", ""};
  Status s = ReadKeys(c.body, "", {{"grade", Text(&r.grade)},
                                   {"date", Text(&r.grade_date)},
                                   {"reason", Text(&r.reason)}});
  if (!s.ok()) return Invalid(s);
  return WrittenOr(c.node.inspections->Reevaluate(r, c.actor));
}



// The printable inspection sheet (HTML, internal: it names the team and the evidence).
Reply Sheet(Call& c) {
  if (!MaySeeVisit(c, c.params[0], c.params[1])) return Outside("visit " + c.params[0] + "/" + c.params[1]);
  auto html = c.node.inspections->InspectionSheetHtml(c.params[0], c.params[1]);
  if (!html.ok()) return FromStatus(html.status());
  return Reply{200, *html, "text/html; charset=utf-8"};
}

Reply ListResults(Call& c) {
  const std::string draw_id = c.req.get_param_value("draw");
  const std::string state = c.req.get_param_value("state");
  struct Row {
    std::string draw_id, credit_code, state, employer_name;
    uint32_t revision;
    size_t corrections;
  };
  std::vector<Row> found;  // read in one snapshot, then filtered by who may see them
  Status read = c.node.inspections->Read([&](const inspection::InspectionStore& s) {
    return s.ForEachResult(draw_id, {}, 0, [&](const inspection::ResultInfo& info) {
      std::string st(inspection::ResultStateName(info.state));
      if (state.empty() || st == state) {
        const auto t = s.draw_store().directory().Target(info.credit_code);
        found.push_back({info.draw_id, info.credit_code, std::move(st), t ? t->name : "", info.latest().revision,
                         info.corrections.size()});
      }
      return true;
    });
  });
  if (!read.ok()) return FromStatus(read);
  json rows = json::array();
  for (const Row& r : found) {
    if (!MaySeeVisit(c, r.draw_id, r.credit_code)) continue;
    rows.push_back({{"draw_id", r.draw_id}, {"credit_code", r.credit_code}, {"employer_name", r.employer_name},
                    {"state", r.state},
                    {"revision", r.revision}, {"corrections", r.corrections}});
  }
  return Json(json{{"results", rows}});
}

Reply Stats(Call& c) {
  std::string today = c.req.get_param_value("today");
  if (today.empty()) {
    today = inspection::ChinaDate(std::chrono::duration_cast<std::chrono::microseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  } else if (!directory::ValidDate(today)) {
    return Error(400, "bad_query", "today must be a date YYYY-MM-DD");
  }
  const std::string draw_id = c.req.get_param_value("draw");
  if (!draw_id.empty() && !CoversDraw(c, draw_id)) return Outside("draw " + draw_id);
  // The counters of the stats folder and the deadlines of the inspections folder, one read.
  auto report = StatsReportOf(*c.node.projection->projection(), today, draw_id);
  if (!report.ok()) return FromStatus(report.status());
  json j = inspection::ToJson(*report);
  if (!draw_id.empty() || CoversAll(c)) return Json(j);
  // Only the draws of the caller's jurisdiction; the sums over the whole node are not theirs.
  json draws = json::array();
  for (const auto& d : j["draws"]) {
    if (CoversOrg(c, d["org_id"].get<std::string>())) draws.push_back(d);
  }
  json deadlines = json::object();
  for (const auto& [org, by] : j["overall"]["deadlines_by_org"].items()) {
    if (CoversOrg(c, org)) deadlines[org] = by;
  }
  j["draws"] = draws;
  j["overall"] = {{"deadlines_by_org", deadlines}};
  j["notes"].push_back("sums over the whole node are shown to users whose jurisdiction covers it; "
                       "the draws of your jurisdiction are listed one by one");
  return Json(j);
}

// Runs every check of suiji-verify over the log as it stands: integrity, the draws, the
// inspection rules and the authority of each event's user. For supervisors whose jurisdiction
// covers the whole node (the report counts every org unit's events).
Reply Verify(Call& c) {
  if (!CoversAll(c)) {
    return Error(403, "outside_jurisdiction",
                 "verification reads every org unit's events: it is for supervisors whose jurisdiction covers "
                 "the whole node");
  }
  // Reads only the log (safe from any thread), after the state lock is released: a long
  // verification does not hold up writers.
  const LogStorage& log = c.node.ledger->storage();
  c.after_unlock = [&log]() -> Reply {
    auto bytes = ExportLogBytes(log);
    if (!bytes.ok()) return FromStatus(bytes.status());
    const FullAudit audit = AuditExport(AsBytes(*bytes), VerifyOptions{}, DrawAuditOptions{});
    return Json(ReportJson(audit));
  };
  return Reply{};
}

}  // namespace

std::vector<Route> ResultRoutes() {
  const std::vector<Role> visit_readers = {kInspector, kReviewer, kSupervisor};
  return {
      R("POST", "/api/v1/results", {kInspector}, true, "record a visit's result (result file JSON)", RecordResult),
      R("GET", "/api/v1/results", visit_readers, false, "results you may see (?draw, state)", ListResults),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/confirm", {kInspector}, true,
        "confirm a revision as one of its team, yourself ({revision, result_sha256})", Confirm),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/submit", {kInspector}, true,
        "submit for review (once every inspector of the team has confirmed)", Submit),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/review", {kReviewer}, true, "approve or return", Review),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/publish", {kReviewer}, true, "publish", Publish),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/correct", {kReviewer}, true,
        "correct a published result (shown beside the original)", Correct),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/notes", {kInspector, kReviewer}, true,
        "attach an internal note (never published)", Note),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/transfer", {kReviewer}, true,
        "transfer the matter to another department or the police", Transfer),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/regrade", {kReviewer}, true,
        "re-evaluate the employer's credit grade after a published result", Regrade),
      R("GET", "/api/v1/results/{draw_id}/{credit_code}", visit_readers, false,
        "a visit's result with its workflow", GetResult),
      R("GET", "/api/v1/results/{draw_id}/{credit_code}/sheet", visit_readers, false,
        "the visit's printable inspection sheet (HTML)", Sheet),
      R("GET", "/api/v1/overdue", {kReviewer, kSupervisor}, false, "overdue deadlines in your jurisdiction", Overdue),
      R("GET", "/api/v1/stats", {kPlanner, kReviewer, kSupervisor}, false,
        "statistics (R16): coverage, outcomes, deadlines, violation share (?today, draw)", Stats),
      R("GET", "/api/v1/verify", {kSupervisor}, false,
        "run every check of suiji-verify over the log (integrity, draws, inspections, authority)", Verify),
  };
}

}  // namespace suiji::http
