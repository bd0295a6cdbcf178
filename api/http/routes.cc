// The route table of the HTTP API and its handlers. Each handler reads the request into the
// same records the command line reads (api/records_json.h, api/json_keys.h) and calls the same
// service; jurisdiction is checked here, before the service decides.
#include <algorithm>

#include "api/http/server_internal.h"
#include "api/json_keys.h"
#include "api/public_bundle.h"
#include "api/records_json.h"

namespace suiji::http {

namespace {

using namespace cli::json_keys;  // NOLINT: the readers are this file's vocabulary
constexpr Role kClerk = Role::kRegistryClerk;
constexpr Role kPlanner = Role::kPlanner;
constexpr Role kInspector = Role::kInspector;
constexpr Role kReviewer = Role::kReviewer;
constexpr Role kSupervisor = Role::kSupervisor;
constexpr Role kAdmin = Role::kAdministrator;

Reply Written(uint64_t sequence, json extra = json::object()) {
  extra["sequence"] = sequence;
  return Json(extra, 201);
}

template <typename T>
Reply WrittenOr(const StatusOr<T>& r) {
  if (!r.ok()) return FromStatus(r.status());
  return Written(*r);
}

Reply Invalid(const Status& s) { return Error(422, "invalid", s.message()); }

// Read routes answer 404 outside the user's jurisdiction, so nothing says the record exists.
Reply Outside(std::string_view what) {
  return Error(404, "not_found", std::string(what) + " not found in your jurisdiction");
}
// Write routes answer 403.
Reply Forbidden(std::string_view what) {
  return Error(403, "outside_jurisdiction", std::string(what) + " is outside your jurisdiction");
}

const draw::TaskInfo* TaskOfDraw(const Call& c, std::string_view draw_id) {
  const draw::DrawInfo* d = c.node.draws->world().Draw(draw_id);
  return d == nullptr ? nullptr : c.node.draws->world().Task(d->task_id);
}

bool OnTeam(const Call& c, std::string_view draw_id, std::string_view code) {
  if (c.user == nullptr || !c.user->Has(kInspector)) return false;
  const draw::DrawInfo* d = c.node.draws->world().Draw(draw_id);
  if (d == nullptr) return false;
  for (const auto& v : d->visits) {
    if (v.credit_code != code) continue;
    return std::find(v.team.begin(), v.team.end(), c.user->user.inspector_id) != v.team.end();
  }
  return false;
}

// --- identity -----------------------------------------------------------------------------

json UserJson(const identity::UserInfo& u) {
  return {{"user_id", u.user.user_id}, {"name", u.user.name},       {"org_id", u.user.org_id},
          {"region", u.region},        {"roles", u.user.roles},      {"inspector_id", u.user.inspector_id},
          {"disabled", u.disabled},    {"version", u.version},       {"signs_requests", !u.user.public_key.empty()}};
}

Reply Me(Call& c) { return Json(UserJson(*c.user)); }

Reply AddUser(Call& c) {
  identity::UserRecord u;
  std::string key_hex;
  Status s = ReadKeys(c.body, "", {{"user_id", Text(&u.user_id)},
                                   {"name", Text(&u.name)},
                                   {"org_id", Text(&u.org_id)},
                                   {"roles", Texts(&u.roles)},
                                   {"inspector_id", Text(&u.inspector_id)},
                                   {"public_key", Text(&key_hex)},
                                   {"note", Text(&u.note)}});
  if (!s.ok()) return Invalid(s);
  if (!key_hex.empty()) {
    auto k = FromHex(key_hex);
    if (!k.ok()) return Error(422, "invalid", "public_key must be hex: " + k.status().message());
    u.public_key = *k;
  }
  if (!CoversOrg(c, u.org_id)) return Forbidden("org unit " + u.org_id);
  return WrittenOr(c.node.identity->RegisterUser(u, c.actor));
}

Reply DisableUser(Call& c) {
  identity::UserDisabledRecord d{c.params[0], ""};
  if (Status s = ReadKeys(c.body, "", {{"reason", Text(&d.reason)}}); !s.ok()) return Invalid(s);
  const identity::UserInfo* u = c.node.identity->world().User(d.user_id);
  if (u == nullptr || !c.user->Covers(u->region)) return Outside("user " + d.user_id);
  return WrittenOr(c.node.identity->DisableUser(d, c.actor));
}

Reply IssueToken(Call& c) {
  std::string label;
  int64_t ttl = 0;
  if (Status s = ReadKeys(c.body, "", {{"label", Text(&label)}, {"ttl_seconds", Number(&ttl)}}); !s.ok()) {
    return Invalid(s);
  }
  const identity::UserInfo* u = c.node.identity->world().User(c.params[0]);
  if (u == nullptr || !c.user->Covers(u->region)) return Outside("user " + c.params[0]);
  auto t = c.node.identity->IssueToken(c.params[0], label, ttl, c.actor);
  if (!t.ok()) return FromStatus(t.status());
  return Written(t->sequence, {{"token_id", t->token_id}, {"token", t->token},
                               {"note", "the token is shown once; the node keeps only its SHA-256"}});
}

Reply RevokeToken(Call& c) {
  identity::TokenRevokedRecord r{c.params[0], c.req.get_param_value("reason")};
  const identity::TokenInfo* t = c.node.identity->world().Token(r.token_id);
  const identity::UserInfo* owner = t == nullptr ? nullptr : c.node.identity->world().User(t->token.user_id);
  if (owner == nullptr || !c.user->Covers(owner->region)) return Outside("token " + r.token_id);
  return WrittenOr(c.node.identity->RevokeToken(r, c.actor));
}

// --- directory ----------------------------------------------------------------------------

Reply GetTarget(Call& c) {
  auto t = c.node.projection->GetTarget(c.params[0]);
  if (!t.ok()) return FromStatus(t.status());
  if (!*t || !c.user->Covers((*t)->region)) return Outside("employer " + c.params[0]);
  return Json(cli::TargetToJson(**t));
}

Reply ListTargets(Call& c) {
  TargetQuery q;
  q.region = c.req.has_param("region") ? c.req.get_param_value("region") : c.user->region;
  q.industry = c.req.get_param_value("industry");
  q.grade = c.req.get_param_value("grade");
  if (c.req.has_param("limit")) {
    try {
      q.limit = std::min<size_t>(std::stoul(c.req.get_param_value("limit")), 1000);
    } catch (...) {
      return Error(400, "bad_query", "limit must be a number");
    }
  }
  if (!c.user->Covers(q.region)) return Outside("region " + q.region);
  auto list = c.node.projection->ListTargets(q);
  if (!list.ok()) return FromStatus(list.status());
  json out = json::array();
  for (const auto& t : *list) out.push_back(cli::TargetToJson(t));
  return Json(json{{"targets", out}, {"region", q.region}, {"limit", q.limit}});
}

Reply PutTarget(Call& c) {
  directory::TargetRecord t;
  t.credit_code = c.params[0];
  std::string status = "active";
  Status s = ReadKeys(c.body, "", {{"name", Text(&t.name)},
                                   {"region", Text(&t.region)},
                                   {"industry", Text(&t.industry)},
                                   {"headcount", Number(&t.headcount)},
                                   {"credit_grade", Text(&t.credit_grade)},
                                   {"grade_date", Text(&t.grade_date)},
                                   {"blacklisted", Flag(&t.blacklisted)},
                                   {"blacklist_name", Text(&t.blacklist_name)},
                                   {"blacklist_from", Text(&t.blacklist_from)},
                                   {"blacklist_until", Text(&t.blacklist_until)},
                                   {"star_level", Number(&t.star_level)},
                                   {"complaints", Number(&t.complaints)},
                                   {"org_id", Text(&t.org_id)}});
  if (!s.ok()) return Invalid(s);
  if (t.org_id.empty()) t.org_id = c.user->user.org_id;
  if (!c.user->Covers(t.region)) return Forbidden("region " + t.region);
  auto existing = c.node.projection->GetTarget(t.credit_code);
  if (existing.ok() && *existing && !c.user->Covers((*existing)->region)) {
    return Forbidden("employer " + t.credit_code);
  }
  auto r = c.node.dirs->UpsertTarget(t, c.actor);
  if (!r.ok()) return FromStatus(r.status());
  return Json(json{{"sequence", *r}}, 200);
}

Reply GetInspector(Call& c) {
  auto i = c.node.projection->GetInspector(c.params[0]);
  if (!i.ok()) return FromStatus(i.status());
  if (!*i || !c.user->Covers((*i)->region)) return Outside("inspector " + c.params[0]);
  return Json(cli::InspectorToJson(**i));
}

// --- plans, tasks, draws ------------------------------------------------------------------

Reply FilePlan(Call& c) {
  draw::PlanRecord p;
  Status s = ReadKeys(c.body, "", {{"plan_id", Text(&p.plan_id)},
                                   {"org_id", Text(&p.org_id)},
                                   {"year", Number(&p.year)},
                                   {"title", Text(&p.title)},
                                   {"filed_with_org_id", Text(&p.filed_with_org_id)},
                                   {"note", Text(&p.note)}});
  if (!s.ok()) return Invalid(s);
  if (!CoversOrg(c, p.org_id)) return Forbidden("org unit " + p.org_id);
  return WrittenOr(c.node.draws->FilePlan(p, c.actor));
}

Reply GetPlan(Call& c) {
  const auto& w = c.node.draws->world();
  auto it = w.plans.find(c.params[0]);
  if (it == w.plans.end() || !CoversOrg(c, it->second.plan.org_id)) return Outside("plan " + c.params[0]);
  return Json(cli::PlanToJson(it->second));
}

Reply DefineTask(Call& c) {
  draw::TaskRecord t;
  if (Status s = cli::TaskFromJson(c.body, &t); !s.ok()) return Invalid(s);
  if (!CoversOrg(c, t.org_id)) return Forbidden("org unit " + t.org_id);
  return WrittenOr(c.node.draws->DefineTask(t, c.actor));
}

Reply GetTask(Call& c) {
  const draw::TaskInfo* t = c.node.draws->world().Task(c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Outside("task " + c.params[0]);
  return Json(cli::TaskInfoToJson(c.node.draws->world(), *t));
}

Reply Freeze(Call& c) {
  const draw::TaskInfo* t = c.node.draws->world().Task(c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("task " + c.params[0]);
  auto f = c.node.draws->Freeze(c.params[0], c.actor);
  if (!f.ok()) return FromStatus(f.status());
  return Written(f->sequence, {{"draw_id", f->draw_id}});
}

Reply Commit(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + c.params[0]);
  EntropyPlan e;
  Status s = ReadKeys(c.body, "", {{"drand", Flag(&e.drand)},
                                   {"drand_delay_seconds", Number(&e.drand_delay_seconds)},
                                   {"lottery_name", Text(&e.lottery_name)},
                                   {"lottery_issue", Text(&e.lottery_issue)},
                                   {"lottery_time", Number(&e.lottery_time)},
                                   {"witnesses", Texts(&e.witnesses)},
                                   {"note", Text(&e.note)}});
  if (!s.ok()) return Invalid(s);
  return WrittenOr(c.node.draws->Commit(c.params[0], e, c.actor));
}

Reply Reveal(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + c.params[0]);
  RevealInputs in;
  std::string rand_hex, sig_hex;
  Status s = ReadKeys(c.body, "", {{"witness_digits", Texts(&in.witness_digits)},
                                   {"lottery_digits", Text(&in.lottery_digits)},
                                   {"drand_randomness", Text(&rand_hex)},
                                   {"drand_signature", Text(&sig_hex)}});
  if (!s.ok()) return Invalid(s);
  for (auto [hex, out] : {std::pair{&rand_hex, &in.drand_randomness}, std::pair{&sig_hex, &in.drand_signature}}) {
    if (hex->empty()) continue;
    auto b = FromHex(*hex);
    if (!b.ok()) return Error(422, "invalid", "drand fields must be hex: " + b.status().message());
    *out = *b;
  }
  return WrittenOr(c.node.draws->Reveal(c.params[0], in, c.actor));
}

Reply GetDraw(Call& c) {
  const draw::DrawInfo* d = c.node.draws->world().Draw(c.params[0]);
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (d == nullptr || t == nullptr || !CoversOrg(c, t->task.org_id)) return Outside("draw " + c.params[0]);
  return Json(cli::DrawToJson(c.node.draws->world(), *d));
}

Reply Announce(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + c.params[0]);
  inspection::AnnouncementRecord a;
  a.draw_id = c.params[0];
  Status s = ReadKeys(c.body, "", {{"confirmed_by", Texts(&a.confirmed_by)},
                                   {"publish_targets", Flag(&a.publish_targets)},
                                   {"withheld_reason", Text(&a.withheld_reason)},
                                   {"note", Text(&a.note)}});
  if (!s.ok()) return Invalid(s);
  return WrittenOr(c.node.inspections->Announce(a, c.actor));
}

// --- results ------------------------------------------------------------------------------

Reply RecordResult(Call& c) {
  inspection::ResultRecord r;
  if (Status s = cli::ResultFromJson(c.body, &r); !s.ok()) return Invalid(s);
  const draw::TaskInfo* t = TaskOfDraw(c, r.draw_id);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + r.draw_id);
  if (!OnTeam(c, r.draw_id, r.credit_code)) {
    return Error(403, "not_on_team", "an inspector records results only for visits they are on");
  }
  return WrittenOr(c.node.inspections->RecordResult(r, c.actor));
}

Reply Submit(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + c.params[0]);
  if (!OnTeam(c, c.params[0], c.params[1])) {
    return Error(403, "not_on_team", "an inspector submits results only for visits they are on");
  }
  return WrittenOr(c.node.inspections->Submit(c.params[0], c.params[1], c.actor));
}

Reply Review(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + c.params[0]);
  bool approve = false;
  std::string reason;
  Status s = ReadKeys(c.body, "", {{"approve", Flag(&approve)}, {"reason", Text(&reason)}});
  if (!s.ok()) return Invalid(s);
  if (!c.body.contains("approve")) return Error(422, "invalid", "approve: required (true or false)");
  return WrittenOr(c.node.inspections->Review(c.params[0], c.params[1], approve, reason, c.actor));
}

Reply Publish(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("draw " + c.params[0]);
  return WrittenOr(c.node.inspections->Publish(c.params[0], c.params[1], c.actor));
}

Reply GetResult(Call& c) {
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  const bool staff = c.user->Has(kReviewer) || c.user->Has(kSupervisor);
  if (t == nullptr || !CoversOrg(c, t->task.org_id) || (!staff && !OnTeam(c, c.params[0], c.params[1]))) {
    return Outside("result " + c.params[0] + "/" + c.params[1]);
  }
  const inspection::ResultInfo* r = c.node.inspections->world().Result(c.params[0], c.params[1]);
  if (r == nullptr) return Error(404, "not_found", "no result recorded for this visit");
  return Json(cli::ResultInfoToJson(*r));
}

Reply Overdue(Call& c) {
  json out = json::array();
  for (const auto& d : c.node.inspections->Deadlines()) {
    if (d.status != inspection::DeadlineStatus::kOverdue || !CoversOrg(c, d.org_id)) continue;
    out.push_back(cli::DeadlineToJson(d));
  }
  return Json(json{{"today", c.node.inspections->Today()}, {"overdue", out}});
}

// --- public -------------------------------------------------------------------------------

Reply PublicNotices(Call& c) { return Reply{200, c.node.Public()->notices_json, "application/json; charset=utf-8"}; }
Reply PublicResults(Call& c) { return Reply{200, c.node.Public()->results_json, "application/json; charset=utf-8"}; }
Reply PublicResultsCsv(Call& c) { return Reply{200, c.node.Public()->results_csv, "text/csv; charset=utf-8"}; }

Reply PublicDraw(Call& c) {
  auto snap = c.node.Public();
  for (const auto& d : snap->notices["draws"]) {
    if (d["draw_id"] == c.params[0]) return Json(d);
  }
  return Error(404, "not_found", "no draw " + c.params[0]);
}

Reply PublicBundle(Call& c) {
  if (c.node.draws->world().Draw(c.params[0]) == nullptr) return Error(404, "not_found", "no draw " + c.params[0]);
  // Holding the write lock: a checkpoint covering the draw's entries may have to be issued.
  std::string note;
  auto cp = c.node.ledger->LatestCheckpoint();
  const std::vector<uint64_t> carried = c.node.record.PublicSequencesOfDraw(c.params[0]);
  auto bundle = cp ? BuildPublicBundle(*c.node.ledger, *c.node.draws, c.params[0], *cp, carried)
                   : StatusOr<suiji::PublicBundle>(FailedPrecondition("no checkpoint"));
  if (!bundle.ok() && bundle.status().code() == StatusCode::kFailedPrecondition) {
    auto fresh = c.node.ledger->IssueCheckpoint();
    if (!fresh.ok()) return FromStatus(fresh.status());
    bundle = BuildPublicBundle(*c.node.ledger, *c.node.draws, c.params[0], *fresh, carried);
  }
  if (!bundle.ok()) return FromStatus(bundle.status());
  return Reply{200, bundle->json, "application/json; charset=utf-8"};
}

Reply PublicIndexHtml(Call& c) { return Reply{200, IndexPage(c.node.Public()->notices), "text/html; charset=utf-8"}; }
Reply PublicResultsHtml(Call& c) {
  return Reply{200, ResultsPage(c.node.Public()->notices), "text/html; charset=utf-8"};
}
Reply PublicDrawHtml(Call& c) {
  bool found = false;
  std::string page = DrawPage(c.node.Public()->notices, c.params[0], &found);
  return Reply{found ? 200 : 404, page, "text/html; charset=utf-8"};
}

Route R(std::string method, std::string path, std::vector<Role> roles, bool write, std::string summary,
        std::function<Reply(Call&)> h) {
  Route r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.roles = std::move(roles);
  r.write = write;
  r.summary = std::move(summary);
  r.handler = std::move(h);
  return r;
}

Route Public(std::string path, std::string summary, std::function<Reply(Call&)> h, bool exclusive = false) {
  Route r = R("GET", std::move(path), {}, false, std::move(summary), std::move(h));
  r.is_public = true;
  r.exclusive = exclusive;
  return r;
}

}  // namespace

std::vector<Route> ApiRoutes() {
  const std::vector<Role> readers_dir = {kClerk, kPlanner, kSupervisor};
  const std::vector<Role> readers_draw = {kPlanner, kReviewer, kInspector, kSupervisor};
  std::vector<Route> r = {
      R("GET", "/api/v1/me", {}, false, "who the credential belongs to", Me),
      R("POST", "/api/v1/users", {kAdmin}, true, "register a user or a new version of it", AddUser),
      R("POST", "/api/v1/users/{user_id}/disable", {kAdmin}, true, "disable a user", DisableUser),
      R("POST", "/api/v1/users/{user_id}/tokens", {kAdmin}, true, "issue a bearer token (shown once)", IssueToken),
      R("DELETE", "/api/v1/tokens/{token_id}", {kAdmin}, true, "revoke a token", RevokeToken),
      R("GET", "/api/v1/targets", readers_dir, false, "list employers (?region, industry, grade, limit)", ListTargets),
      R("GET", "/api/v1/targets/{credit_code}", readers_dir, false, "one employer", GetTarget),
      R("PUT", "/api/v1/targets/{credit_code}", {kClerk}, true, "register or update an employer", PutTarget),
      R("GET", "/api/v1/inspectors/{inspector_id}", readers_dir, false, "one inspector", GetInspector),
      R("POST", "/api/v1/plans", {kPlanner}, true, "file a plan (or a new version)", FilePlan),
      R("GET", "/api/v1/plans/{plan_id}", readers_draw, false, "a plan", GetPlan),
      R("POST", "/api/v1/tasks", {kPlanner}, true, "define a task (task file JSON)", DefineTask),
      R("GET", "/api/v1/tasks/{task_id}", readers_draw, false, "a task and its draws", GetTask),
      R("POST", "/api/v1/tasks/{task_id}/freeze", {kPlanner}, true, "freeze the task's lists", Freeze),
      R("POST", "/api/v1/draws/{draw_id}/commit", {kPlanner}, true, "commit to the draw's seed", Commit),
      R("POST", "/api/v1/draws/{draw_id}/reveal", {kPlanner}, true, "reveal and draw", Reveal),
      R("GET", "/api/v1/draws/{draw_id}", readers_draw, false, "a draw with its proof data", GetDraw),
      R("POST", "/api/v1/draws/{draw_id}/announce", {kPlanner}, true, "confirm and announce the targets", Announce),
      R("POST", "/api/v1/results", {kInspector}, true, "record a visit's result (result file JSON)", RecordResult),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/submit", {kInspector}, true, "submit for review", Submit),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/review", {kReviewer}, true, "approve or return", Review),
      R("POST", "/api/v1/results/{draw_id}/{credit_code}/publish", {kReviewer}, true, "publish", Publish),
      R("GET", "/api/v1/results/{draw_id}/{credit_code}", {kInspector, kReviewer, kSupervisor}, false,
        "a visit's result with its workflow", GetResult),
      R("GET", "/api/v1/overdue", {kReviewer, kSupervisor}, false, "overdue deadlines in your jurisdiction", Overdue),
      Public("/public/v1/notices", "the public notices (item lists, plans, tasks, draws, results)", PublicNotices),
      Public("/public/v1/results", "published results, credit publicity layout (JSON)", PublicResults),
      Public("/public/v1/results.csv", "published results, credit publicity layout (CSV)", PublicResultsCsv),
      Public("/public/v1/draws/{draw_id}", "one draw's notice with its proof data", PublicDraw),
      Public("/public/v1/bundles/{draw_id}", "a draw's proof bundle for suiji-verify --bundle", PublicBundle, true),
      Public("/public", "公示首页 (HTML)", PublicIndexHtml),
      Public("/public/results", "抽查结果 (HTML)", PublicResultsHtml),
      Public("/public/draws/{draw_id}", "抽取公示 (HTML)", PublicDrawHtml),
  };
  Route events = R("GET", "/api/v1/events", {kSupervisor}, false,
                   "Server-Sent Events from ?from=SEQ or Last-Event-ID", nullptr);
  events.stream = true;
  r.push_back(std::move(events));
  return r;
}

json OpenApi(const std::vector<Route>& routes) {
  json paths = json::object();
  for (const auto& r : routes) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char ch) { return std::tolower(ch); });
    json op{{"summary", r.summary}, {"responses", {{"default", {{"description", "JSON; errors as {code, message, details}"}}}}}};
    json params = json::array();
    for (size_t i = r.path.find('{'); i != std::string::npos; i = r.path.find('{', i + 1)) {
      params.push_back({{"name", r.path.substr(i + 1, r.path.find('}', i) - i - 1)}, {"in", "path"}, {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.is_public) {
      op["security"] = json::array();
    } else {
      json roles = json::array();
      for (Role role : r.roles) roles.push_back(identity::RoleName(role));
      op["x-suiji-roles"] = roles;
    }
    if (r.write) op["x-suiji-idempotency-key"] = true;
    paths[r.path][method] = op;
  }
  for (const char* p : {"/healthz", "/metrics", "/api/v1/openapi.json"}) {
    paths[p]["get"] = {{"summary", "operations"}, {"security", json::array()},
                       {"responses", {{"200", {{"description", "ok"}}}}}};
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Suiji API"}, {"version", "1"}}},
          {"components", {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
          {"security", json::array({{{"bearer", json::array()}}})},
          {"paths", paths}};
}

}  // namespace suiji::http
