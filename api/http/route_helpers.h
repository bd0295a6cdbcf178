// Helpers the route files (routes_*.cc) share: replies for writes and refusals, the role
// names, the draw a route names and whether the caller is on a visit's team, and how a route
// is declared. Internal to api/http.
#pragma once

#include <algorithm>
#include <optional>

#include "api/http/server_internal.h"

namespace suiji::http {

inline constexpr Role kClerk = Role::kRegistryClerk;
inline constexpr Role kPlanner = Role::kPlanner;
inline constexpr Role kInspector = Role::kInspector;
inline constexpr Role kReviewer = Role::kReviewer;
inline constexpr Role kSupervisor = Role::kSupervisor;
inline constexpr Role kAdmin = Role::kAdministrator;

inline Reply Written(uint64_t sequence, json extra = json::object()) {
  extra["sequence"] = sequence;
  return Json(extra, 201);
}

template <typename T>
Reply WrittenOr(const StatusOr<T>& r) {
  if (!r.ok()) return FromStatus(r.status());
  return Written(*r);
}

inline Reply Invalid(const Status& s) { return Error(422, "invalid", s.message()); }

// A record named by id that is outside the user's jurisdiction gets exactly the answer an
// unknown id gets (404, this message), on reads and writes alike, so no answer says that the
// record exists elsewhere: a route checks "unknown or outside" in one test, before any
// service (whose own "no such record" would differ) runs. tests/api/http/
// public_hardening_test.cc asks every route with an id in its path both ways.
inline Reply Outside(std::string_view what) {
  return Error(404, "not_found", std::string(what) + " not found in your jurisdiction");
}
// Writes for an org unit or region the request itself names outside the jurisdiction answer
// 403 (also for an unknown one); so do the draw routes for an unknown or outside draw or task.
inline Reply Forbidden(std::string_view what) {
  return Error(403, "outside_jurisdiction", std::string(what) + " is outside your jurisdiction");
}

// The task of a draw, read from the draws projection (DrawService::Read): a copy, since a
// read's records live only as long as it. Empty for an unknown draw (or a failed read).
inline std::optional<draw::TaskInfo> TaskOfDraw(const Call& c, std::string_view draw_id) {
  std::optional<draw::TaskInfo> out;
  (void)c.node.draws->Read([&](const draw::DrawStore& w) {
    const draw::DrawInfo* d = w.FindDraw(draw_id);
    const draw::TaskInfo* t = d == nullptr ? nullptr : w.FindTask(d->task_id);
    if (t != nullptr) out = *t;
    return OkStatus();
  });
  return out;
}

// The draw's task is in the caller's jurisdiction.
inline bool CoversDraw(const Call& c, std::string_view draw_id) {
  const auto t = TaskOfDraw(c, draw_id);
  return t && CoversOrg(c, t->task.org_id);
}

inline bool OnTeam(const Call& c, std::string_view draw_id, std::string_view code) {
  if (c.user == nullptr || !c.user->Has(kInspector)) return false;
  bool on = false;
  (void)c.node.draws->Read([&](const draw::DrawStore& w) {
    const draw::DrawInfo* d = w.FindDraw(draw_id);
    if (d == nullptr) return OkStatus();
    for (const auto& v : d->visits) {
      if (v.credit_code != code) continue;
      on = std::find(v.team.begin(), v.team.end(), c.user->user.inspector_id) != v.team.end();
      break;
    }
    return OkStatus();
  });
  return on;
}

// A query parameter as a whole number, or `fallback` when absent; false if malformed.
inline bool QueryNumber(const Call& c, const char* name, uint64_t* out, uint64_t fallback) {
  *out = fallback;
  if (!c.req.has_param(name)) return true;
  const std::string v = c.req.get_param_value(name);
  if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return false;
  }
  *out = std::stoull(v);
  return true;
}

// A query parameter that is a flag: absent, "", "1" or "true" (true), "0" or "false".
inline bool QueryFlag(const Call& c, const char* name) {
  if (!c.req.has_param(name)) return false;
  const std::string v = c.req.get_param_value(name);
  return v.empty() || v == "1" || v == "true";
}

inline Route R(std::string method, std::string path, std::vector<Role> roles, bool write, std::string summary,
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

// The route groups, one per file; ApiRoutes() (routes.cc) serves them in this order.
std::vector<Route> IdentityRoutes();
std::vector<Route> SessionRoutes();
std::vector<Route> DirectoryRoutes();
std::vector<Route> DrawRoutes();
std::vector<Route> ResultRoutes();
std::vector<Route> PublicRoutes();

}  // namespace suiji::http
