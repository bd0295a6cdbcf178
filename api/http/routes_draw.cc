// Plan, task and draw routes: the plan, the task, the draw ceremony (freeze, commit, reveal,
// cancel, decline), its frozen lists and the announcement. Handlers call DrawService and
// InspectionService, the same as `suiji plan|task|draw|announce`.
#include "api/http/route_helpers.h"
#include "api/json_keys.h"
#include "api/records_json.h"
#include "ledger/core/draw/eligibility.h"

#include <map>
#include <optional>

namespace suiji::http {

namespace {

using namespace cli::json_keys;  // NOLINT: the readers are this file's vocabulary

// --- plans, tasks, draws ------------------------------------------------------------------

// Reads go through DrawService::Read, one read of the draws projection each; a record is
// valid only inside it, so what a reply needs is copied or made into JSON there, and the
// caller's jurisdiction (the identity folder) is checked after it.

// The org unit of a task, empty if the task is unknown.
std::optional<std::string> TaskOrg(const Call& c, std::string_view task_id) {
  std::optional<std::string> org;
  (void)c.node.draws->Read([&](const draw::DrawStore& w) {
    if (const draw::TaskInfo* t = w.FindTask(task_id)) org = t->task.org_id;
    return OkStatus();
  });
  return org;
}

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
  std::optional<draw::PlanInfo> plan;
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    if (const draw::PlanInfo* p = w.FindPlan(c.params[0])) plan = *p;
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!plan || !CoversOrg(c, plan->plan.org_id)) return Outside("plan " + c.params[0]);
  return Json(cli::PlanToJson(*plan));
}

Reply DefineTask(Call& c) {
  draw::TaskRecord t;
  if (Status s = cli::TaskFromJson(c.body, &t); !s.ok()) return Invalid(s);
  if (!CoversOrg(c, t.org_id)) return Forbidden("org unit " + t.org_id);
  return WrittenOr(c.node.draws->DefineTask(t, c.actor));
}

Reply GetTask(Call& c) {
  std::optional<std::string> org;
  json j;
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    const draw::TaskInfo* t = w.FindTask(c.params[0]);
    if (t == nullptr) return OkStatus();
    org = t->task.org_id;
    j = cli::TaskInfoToJson(w, *t);
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!org || !CoversOrg(c, *org)) return Outside("task " + c.params[0]);
  return Json(j);
}

Reply Freeze(Call& c) {
  const auto org = TaskOrg(c, c.params[0]);
  if (!org || !CoversOrg(c, *org)) return Forbidden("task " + c.params[0]);
  auto f = c.node.draws->Freeze(c.params[0], c.actor);
  if (!f.ok()) return FromStatus(f.status());
  return Written(f->sequence, {{"draw_id", f->draw_id}});
}

Reply Commit(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
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
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
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
  std::optional<std::string> org;
  bool on_team = false;
  json j;
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    const draw::DrawInfo* d = w.FindDraw(c.params[0]);
    const draw::TaskInfo* t = d == nullptr ? nullptr : w.FindTask(d->task_id);
    if (t == nullptr) return OkStatus();
    org = t->task.org_id;
    on_team = OnAnyTeam(c, *d);
    j = cli::DrawToJson(w, *d);
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!org || (!CoversOrg(c, *org) && !on_team)) return Outside("draw " + c.params[0]);
  return Json(j);
}

Reply Announce(Call& c) {
  if (!CoversDraw(c, c.params[0])) return Forbidden("draw " + c.params[0]);
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
  std::vector<std::pair<std::string, json>> plans;  // (org unit, plan) in plan id order
  std::map<std::string, size_t, std::less<>> tasks;  // plan id -> its tasks
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    SUIJI_RETURN_IF_ERROR(w.ForEachPlan("", 0, [&](const draw::PlanInfo& p) {
      plans.emplace_back(p.plan.org_id, cli::PlanToJson(p));
      return true;
    }));
    return w.ForEachTask("", 0, [&](const draw::TaskInfo& t) {
      ++tasks[t.task.plan_id];
      return true;
    });
  });
  if (!read.ok()) return FromStatus(read);
  json out = json::array();
  for (auto& [org, j] : plans) {
    if (!CoversOrg(c, org)) continue;
    auto n = tasks.find(j["plan_id"].get<std::string>());
    j["tasks"] = n == tasks.end() ? 0 : n->second;
    out.push_back(std::move(j));
  }
  return Json(json{{"plans", out}});
}

Reply ListTasks(Call& c) {
  const std::string plan = c.req.get_param_value("plan");
  std::vector<std::pair<std::string, json>> tasks;  // (org unit, task) in task id order
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    return w.ForEachTask("", 0, [&](const draw::TaskInfo& t) {
      if (plan.empty() || t.task.plan_id == plan) tasks.emplace_back(t.task.org_id, cli::TaskInfoToJson(w, t));
      return true;
    });
  });
  if (!read.ok()) return FromStatus(read);
  json out = json::array();
  for (auto& [org, j] : tasks) {
    if (CoversOrg(c, org)) out.push_back(std::move(j));
  }
  return Json(json{{"tasks", out}});
}

Reply WithdrawTask(Call& c) {
  const auto org = TaskOrg(c, c.params[0]);
  if (!org || !CoversOrg(c, *org)) return Forbidden("task " + c.params[0]);
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
  json extra = json::object();
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    const draw::DrawInfo* d = w.FindDraw(c.params[0]);
    if (d != nullptr && !d->declines.empty()) extra["replacement"] = d->declines.back().replacement_id;
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  return Written(*r, extra);
}

// The frozen lists as the leaf lines their roots are computed over (text/plain), so anyone
// holding them can recompute the roots of the freeze.
Reply Frozen(Call& c) {
  bool known = false;
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    known = w.FindDraw(c.params[0]) != nullptr;
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!known || !CoversDraw(c, c.params[0])) return Outside("draw " + c.params[0]);
  // The lists stored at the freeze (the draws folder), read after the state lock is
  // released: one read transaction of the projections, safe on any thread.
  c.after_unlock = [draws = c.node.draws.get(), id = c.params[0]]() -> Reply {
    auto in = draws->FrozenInputsOf(id);
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
      R("POST", "/api/v1/draws/{draw_id}/announce", {kPlanner}, true, "confirm and announce the targets",
        Announce),
  };
}

}  // namespace suiji::http
