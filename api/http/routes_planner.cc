// The planner's read-only helpers for the console (issue 18): a plan's filed versions, and
// for the task wizard an estimate of what a task would draw, before anything is written.
//
// POST /api/v1/tasks/estimate takes the task file JSON that POST /api/v1/tasks takes, runs
// the same checks a definition runs (draw::ValidateTask, then draw::CheckTask against the
// draws projection) and then computes eligibility with draw::FreezeInputsFor, the function
// the freeze itself calls (draw::FreezeInputs), and the strata and quotas with
// draw::ComputeQuotas, the freeze's: so the counts it answers are the counts a freeze of that
// task at this position records. It appends nothing.
#include "api/http/route_helpers.h"
#include "api/record_readers.h"
#include "api/records_json.h"
#include "ledger/core/bytes.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/freeze_inputs.h"
#include "ledger/core/draw/state.h"

#include <algorithm>
#include <optional>

namespace suiji::http {

namespace {

// The task field a CheckTask refusal concerns, and its Chinese reading; the English message
// of ledger/core/draw/state.cc follows it.
struct Concern {
  const char* pattern;
  const char* field;
  const char* chinese;
};
constexpr Concern kConcerns[] = {
    {"is already defined", "task_id", "任务编号已被使用"},
    {"names unknown plan", "plan_id", "所选年度计划不存在"},
    {"is filed under plan", "plan_id", "任务的实施机构与年度计划的机构不一致"},
    {"names unknown org", "org_id", "实施机构不存在"},
    {"outside the jurisdiction", "regions", "行政区划超出本机构辖区"},
    {"which was never published", "item_list_version", "该版本的抽查事项清单尚未发布"},
    {"is not a key item", "item_ids", "重点事项任务只能选择重点事项"},
    {"not in item list version", "item_ids", "所选事项不在该版本的抽查事项清单中"},
    {"window starts outside plan year", "window_start", "检查开始日期不在计划年度内"},
    {"window ends after", "window_end", "检查结束日期晚于12月30日（年度任务须在12月30日前完成）"},
    {"the version in force is", "item_list_version", "开始日期当天生效的抽查事项清单不是所选版本"},
};

Reply TaskRefusal(const Status& s) {
  const std::string& m = s.message();
  for (const Concern& c : kConcerns) {
    if (m.find(c.pattern) != std::string::npos) {
      return Error(422, "invalid", std::string(c.chinese) + " (" + m + ")", json{{"field", c.field}});
    }
  }
  return Error(422, "invalid", "任务不符合定义条件 (" + m + ")");
}

// The body of a read route as JSON (the server parses the bodies of writes only; its size is
// already capped by max_body_bytes): valid UTF-8, nested at most max_json_depth deep (counted
// on the bytes before parsing, as for writes), then parsed.
std::optional<Reply> ParseBody(const Call& c, json* out) {
  const std::string& body = c.req.body;
  if (size_t at = InvalidUtf8At(body); at != std::string_view::npos) {
    return Error(400, "bad_utf8", "the body is not valid UTF-8 (byte " + std::to_string(at) + ")",
                 json{{"offset", at}});
  }
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char ch : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  if (deepest > c.options.max_json_depth) {
    return Error(400, "too_deep", "the body nests arrays and objects deeper than " +
                                      std::to_string(c.options.max_json_depth) + " levels");
  }
  try {
    *out = body.empty() ? json() : json::parse(body);
  } catch (const json::exception&) {
    return Error(400, "bad_json", "the body is not JSON this server reads");
  }
  return std::nullopt;
}

Reply EstimateTask(Call& c) {
  json body;
  if (auto bad = ParseBody(c, &body)) return *bad;
  draw::TaskRecord t;
  if (Status s = cli::TaskFromJson(body, &t); !s.ok()) return Invalid(s);
  if (!CoversOrg(c, t.org_id)) return Forbidden("org unit " + t.org_id);
  if (auto errs = draw::ValidateTask(t); !errs.empty()) {
    json all = json::array();
    for (const auto& e : errs) all.push_back({{"field", e.field}, {"value", e.value}, {"reason", e.reason}});
    return Error(422, "invalid", errs[0].reason, json{{"field", errs[0].field}, {"errors", all}});
  }
  std::optional<Reply> refused;
  json out;
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    auto year = draw::CheckTask(w, t);
    if (!year.ok()) {
      refused = TaskRefusal(year.status());
      return OkStatus();
    }
    draw::ExclusionCounts ex;
    const draw::FrozenInputs in = draw::FreezeInputsFor(w, t, *year, &ex);
    const auto strata = draw::ComputeQuotas(t, in.population);
    uint64_t visits = 0, grade_c = 0;
    json rows = json::array();
    for (const auto& s : strata) {
      const bool is_c = s.key.ends_with("/C");
      visits += s.quota;
      if (is_c) grade_c += s.quota;
      rows.push_back({{"key", s.key},
                      {"population", s.population},
                      {"weight_total", s.weight_total},
                      {"quota", s.quota},
                      {"grade_c", is_c}});
    }
    out = {{"task_id", t.task_id},
           {"plan_year", *year},
           {"targets", in.population.targets.size()},
           {"inspectors", in.population.inspectors.size()},
           {"experts", in.population.experts.size()},
           {"excluded",
            {{"out_of_scope", ex.out_of_scope},
             {"grade_a", ex.grade_a},
             {"star", ex.star},
             {"max_per_year", ex.max_per_year},
             {"repeat_item", ex.repeat_item},
             {"directed_filter", ex.directed_filter}}},
           {"strata", rows},
           {"visits", visits},
           {"grade_c_visits", grade_c},
           {"count", t.count},
           {"ratio_bp", t.ratio_bp},
           {"grade_c_ratio_bp", t.credit.grade_c_ratio_bp},
           {"team_size", t.inspectors.team_size},
           // What a freeze of this task would refuse now (draw_service.cc Freeze).
           {"freeze_refusal", in.population.targets.empty() ? "no_eligible_target"
                              : in.population.inspectors.size() < t.inspectors.team_size
                                  ? "too_few_inspectors"
                                  : ""}};
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (refused) return *refused;
  return Json(out);
}

// Every filed version of a plan, oldest first (the plan screen's version history); 404 for an
// unknown plan or one outside the caller's jurisdiction, as GET /api/v1/plans/{plan_id}.
Reply PlanVersions(Call& c) {
  auto versions = c.node.draws->PlanVersions(c.params[0]);
  if (!versions.ok()) return FromStatus(versions.status());
  if (versions->empty() || !CoversOrg(c, versions->back().plan.org_id)) return Outside("plan " + c.params[0]);
  json out = json::array();
  for (const auto& v : *versions) out.push_back(cli::PlanToJson(v));
  return Json(json{{"plan_id", c.params[0]}, {"versions", out}});
}

}  // namespace

// Declared where the table is assembled (routes.cc), so route_helpers.h stays as it was.
std::vector<Route> PlannerRoutes();
std::vector<Route> PlannerRoutes() {
  return {R("POST", "/api/v1/tasks/estimate", {kPlanner}, false,
            "what a task (task file JSON) would draw if frozen now: eligible employers and "
            "inspectors, exclusions, visits per stratum; writes nothing",
            EstimateTask),
          R("GET", "/api/v1/plans/{plan_id}/versions", {kPlanner, kReviewer, kInspector, kSupervisor},
                       false, "every filed version of a plan, oldest first", PlanVersions)};
}

}  // namespace suiji::http
