// The route table of the HTTP API and its handlers. Each handler reads the request into the
// same records the command line reads (api/records_json.h, api/json_keys.h) and calls the same
// service; jurisdiction is checked here, before the service decides.
#include <algorithm>
#include <chrono>

#include "api/http/openapi_schemas.h"
#include "api/http/route_helpers.h"
#include "api/http/routes_clerk.h"
#include "api/json_keys.h"
#include "api/records_json.h"

namespace suiji::http {

namespace {

using namespace cli::json_keys;  // NOLINT: the readers are this file's vocabulary

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
  // A new version of an existing user: only an administrator whose jurisdiction covers the
  // user where it is now may change it (else a county could take over a province's user).
  auto existing = c.node.identity->User(u.user_id);
  if (!existing.ok()) return FromStatus(existing.status());
  if (*existing && !c.user->Covers((*existing)->region)) return Forbidden("user " + u.user_id);
  // An inspector user acts as a directory inspector (R15: results only for the visits whose
  // team it is on): that inspector must exist in the administrator's jurisdiction (and be no
  // other enabled user's: IdentityService checks that). Unknown and outside get the same
  // answer, so nothing leaks.
  if (!u.inspector_id.empty()) {
    auto i = c.node.projection->GetInspector(u.inspector_id);
    if (!i.ok()) return FromStatus(i.status());
    if (!*i || !c.user->Covers((*i)->region)) {
      return Error(422, "invalid", "inspector_id " + u.inspector_id + ": no inspector by that id in your jurisdiction");
    }
  }
  return WrittenOr(c.node.identity->RegisterUser(u, c.actor));
}

Reply DisableUser(Call& c) {
  identity::UserDisabledRecord d{c.params[0], ""};
  if (Status s = ReadKeys(c.body, "", {{"reason", Text(&d.reason)}}); !s.ok()) return Invalid(s);
  auto u = c.node.identity->User(d.user_id);
  if (!u.ok()) return FromStatus(u.status());
  if (!*u || !c.user->Covers((*u)->region)) return Outside("user " + d.user_id);
  return WrittenOr(c.node.identity->DisableUser(d, c.actor));
}

Reply IssueToken(Call& c) {
  std::string label;
  int64_t ttl = 0;
  if (Status s = ReadKeys(c.body, "", {{"label", Text(&label)}, {"ttl_seconds", Number(&ttl)}}); !s.ok()) {
    return Invalid(s);
  }
  // Separation of duties: only the user itself, never an administrator for it (whoever
  // issued a token could act as that user). Unknown users get the same answer.
  if (c.params[0] != c.user->user.user_id) {
    return Error(403, "separation_of_duties",
                 "a token is issued only by the user it is for: sign in as " + c.params[0] +
                     " (its token, or a request signed with its registered public key)");
  }
  // A token issued with a token may not outlive it: otherwise a stolen short-lived token
  // would mint one that never expires, and revoking the stolen one would not end access.
  if (const std::string auth = c.req.get_header_value("Authorization"); auth.starts_with("Bearer ")) {
    auto found = c.node.identity->TokenByHash(Sha256(AsBytes(auth.substr(7))));
    if (!found.ok()) return FromStatus(found.status());
    if (const std::optional<identity::TokenInfo>& issuing = *found; issuing && issuing->token.expires_us != 0) {
      const int64_t left_s = (issuing->token.expires_us -
                              std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()) /
                             1000000;
      if (ttl == 0 || ttl > left_s) {
        return Error(422, "invalid",
                     "ttl_seconds: a token issued with a token that expires may not outlive it (at most " +
                         std::to_string(left_s > 0 ? left_s : 0) +
                         " s; sign the request with your registered key for a longer one)",
                     json{{"field", "ttl_seconds"}});
      }
    }
  }
  auto t = c.node.identity->IssueToken(c.params[0], label, ttl, c.actor);
  if (!t.ok()) return FromStatus(t.status());
  return Written(t->sequence, {{"token_id", t->token_id}, {"token", t->token},
                               {"note", "the token is shown once; the node keeps only its SHA-256"}});
}

Reply RevokeToken(Call& c) {
  identity::TokenRevokedRecord r{c.params[0], c.req.get_param_value("reason")};
  std::optional<identity::UserInfo> owner;  // the token's user, read with it
  Status read = c.node.identity->Read([&](const identity::IdentityStore& s) {
    if (auto t = s.GetToken(r.token_id)) owner = s.GetUser(t->token.user_id);
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!owner || !c.user->Covers(owner->region)) return Outside("token " + r.token_id);
  return WrittenOr(c.node.identity->RevokeToken(r, c.actor));
}

}  // namespace

std::vector<Route> IdentityRoutes() {
  return {
      R("GET", "/api/v1/me", {}, false, "who the credential belongs to", Me),
      R("POST", "/api/v1/users", {kAdmin}, true, "register a user or a new version of it", AddUser),
      R("POST", "/api/v1/users/{user_id}/disable", {kAdmin}, true, "disable a user", DisableUser),
      R("POST", "/api/v1/users/{user_id}/tokens", {}, true,
        "issue a bearer token for yourself (shown once); never for another user", IssueToken),
      R("DELETE", "/api/v1/tokens/{token_id}", {kAdmin}, true, "revoke a token", RevokeToken),
  };
}

std::vector<Route> VisitRoutes();    // routes_visits.cc
std::vector<Route> PlannerRoutes();  // routes_planner.cc

std::vector<Route> ApiRoutes() {
  std::vector<Route> r;
  for (auto group : {IdentityRoutes, SessionRoutes, DirectoryRoutes, ClerkRoutes, PlannerRoutes, DrawRoutes,
                     ResultRoutes, VisitRoutes, AdminRoutes, PublicRoutes}) {
    for (auto& route : group()) r.push_back(std::move(route));
  }
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
    json op{{"summary", r.summary}};
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
    DescribeOperation(r, &op);  // bodies, queries, replies and errors (openapi_schemas.cc)
    paths[r.path][method] = op;
  }
  for (const char* p : {"/healthz", "/metrics", "/api/v1/openapi.json"}) {
    paths[p]["get"] = OperationsRouteOperation(p);
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Suiji API"}, {"version", "1"}}},
          {"components", {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
                          {"schemas", OpenApiComponentSchemas()}}},
          {"security", json::array({{{"bearer", json::array()}}})},
          {"paths", paths}};
}

}  // namespace suiji::http
