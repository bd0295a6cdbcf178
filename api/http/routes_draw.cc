// Plan, task and draw routes: the plan, the task, the draw ceremony (freeze, commit, reveal,
// cancel, decline), its frozen lists and the announcement. Handlers call DrawService and
// InspectionService, the same as `suiji plan|task|draw|announce`.
#include "api/http/route_helpers.h"
#include "api/json_keys.h"
#include "api/records_json.h"
#include "ledger/core/draw/eligibility.h"

namespace suiji::http {

namespace {

using namespace cli::json_keys;  // NOLINT: the readers are this file's vocabulary

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

// An inspector drawn onto any of the draw's teams may see it (a city task draws county
// inspectors); everyone else needs the task's bureau in their jurisdiction.
bool OnAnyTeam(const Call& c, const draw::DrawInfo& d) {
  if (!c.user->Has(kInspector)) return false;
  return std::any_of(d.visits.begin(), d.visits.end(), [&](const draw::VisitRecord& v) {
    return std::find(v.team.begin(), v.team.end(), c.user->user.inspector_id) != v.team.end();
  });
}

Reply GetDraw(Call& c) {
  const draw::DrawInfo* d = c.node.draws->world().Draw(c.params[0]);
  const draw::TaskInfo* t = TaskOfDraw(c, c.params[0]);
  if (d == nullptr || t == nullptr || (!CoversOrg(c, t->task.org_id) && !OnAnyTeam(c, *d))) {
    return Outside("draw " + c.params[0]);
  }
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

Reply ListPlans(Call& c) {
  const auto& w = c.node.draws->world();
  json out = json::array();
  for (const auto& [plan_id, p] : w.plans) {
    if (!CoversOrg(c, p.plan.org_id)) continue;
    json j = cli::PlanToJson(p);
    size_t tasks = 0;
    for (const auto& [task_id, t] : w.tasks) {
      if (t.task.plan_id == plan_id) ++tasks;
    }
    j["tasks"] = tasks;
    out.push_back(j);
  }
  return Json(json{{"plans", out}});
}

Reply ListTasks(Call& c) {
  const auto& w = c.node.draws->world();
  const std::string plan = c.req.get_param_value("plan");
  json out = json::array();
  for (const auto& [task_id, t] : w.tasks) {
    if (!CoversOrg(c, t.task.org_id) || (!plan.empty() && t.task.plan_id != plan)) continue;
    out.push_back(cli::TaskInfoToJson(w, t));
  }
  return Json(json{{"tasks", out}});
}

Reply WithdrawTask(Call& c) {
  const draw::TaskInfo* t = c.node.draws->world().Task(c.params[0]);
  if (t == nullptr || !CoversOrg(c, t->task.org_id)) return Forbidden("task " + c.params[0]);
  std::string reason;
  if (Status s = ReadKeys(c.body, "", {{"reason", Text(&reason)}}); !s.ok()) return Invalid(s);
  return WrittenOr(c.node.draws->WithdrawTask(c.params[0], reason, c.actor));
}

Reply Cancel(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  std::string reason;
  if (Status s = ReadKeys(c.body, "", {{"reason", Text(&reason)}}); !s.ok()) return Invalid(s);
  return WrittenOr(c.node.draws->Cancel(c.params[0], reason, c.actor));
}

Reply Decline(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
  std::string code, inspector, reason;
  Status s = ReadKeys(c.body, "", {{"credit_code", Text(&code)},
                                   {"inspector_id", Text(&inspector)},
                                   {"reason", Text(&reason)}});
  if (!s.ok()) return Invalid(s);
  auto r = c.node.draws->Decline(c.params[0], code, inspector, reason, c.actor);
  if (!r.ok()) return FromStatus(r.status());
  const draw::DrawInfo* d = c.node.draws->world().Draw(c.params[0]);
  json extra = json::object();
  if (d != nullptr && !d->declines.empty()) extra["replacement"] = d->declines.back().replacement_id;
  return Written(*r, extra);
}

// The frozen lists as the leaf lines their roots are computed over (text/plain), so anyone
// holding them can recompute the roots of the freeze.
Reply Frozen(Call& c) {
  const draw::DrawInfo* d = c.node.draws->world().Draw(c.params[0]);
  if (d == nullptr || !CoversDraw(c, c.params[0])) return Outside("draw " + c.params[0]);
  // The log up to the freeze is replayed after the state lock is released.
  c.after_unlock = [&log = c.node.ledger->storage(), at = d->freeze_sequence, task = d->task_id]() -> Reply {
    auto in = DrawService::FrozenInputsAt(log, at, task);
    if (!in.ok()) return FromStatus(in.status());
    return Reply{200, draw::LeafLines(in->population), "text/plain; charset=utf-8"};
  };
  return Reply{};
}

}  // namespace

std::vector<Route> DrawRoutes() {
  const std::vector<Role> readers = {kPlanner, kReviewer, kInspector, kSupervisor};
  return {
      R("POST", "/api/v1/plans", {kPlanner}, true, "file a plan (or a new version)", FilePlan),
      R("GET", "/api/v1/plans", readers, false, "plans in your jurisdiction (latest versions)", ListPlans),
      R("GET", "/api/v1/plans/{plan_id}", readers, false, "a plan", GetPlan),
      R("POST", "/api/v1/tasks", {kPlanner}, true, "define a task (task file JSON)", DefineTask),
      R("GET", "/api/v1/tasks", readers, false, "tasks in your jurisdiction (?plan)", ListTasks),
      R("GET", "/api/v1/tasks/{task_id}", readers, false, "a task and its draws", GetTask),
      R("POST", "/api/v1/tasks/{task_id}/withdraw", {kPlanner}, true, "withdraw a task with no committed draw",
        WithdrawTask),
      R("POST", "/api/v1/tasks/{task_id}/freeze", {kPlanner}, true, "freeze the task's lists", Freeze),
      R("POST", "/api/v1/draws/{draw_id}/commit", {kPlanner}, true, "commit to the draw's seed", Commit),
      R("POST", "/api/v1/draws/{draw_id}/reveal", {kPlanner}, true, "reveal and draw", Reveal),
      R("POST", "/api/v1/draws/{draw_id}/cancel", {kPlanner}, true, "cancel a draw with a public reason", Cancel),
      R("POST", "/api/v1/draws/{draw_id}/decline", {kPlanner}, true,
        "an inspector cannot attend a visit: the next substitute replaces them", Decline),
      R("GET", "/api/v1/draws/{draw_id}", readers, false, "a draw with its proof data", GetDraw),
      R("GET", "/api/v1/draws/{draw_id}/frozen", readers, false, "the frozen lists as leaf lines (text)", Frozen),
      R("POST", "/api/v1/draws/{draw_id}/announce", {kPlanner}, true, "confirm and announce the targets", Announce),
  };
}

}  // namespace suiji::http
