// The staff console's sign-in (issue 18; api/http/sessions.h): POST/GET/DELETE
// /api/v1/session and POST /api/v1/users/{user_id}/password, the session cookie's
// authentication and its CSRF check. Messages are in Chinese, then English.
#include <sodium.h>

#include "api/credentials.h"
#include "api/http/route_helpers.h"
#include "api/http/sessions.h"

namespace suiji::http {

namespace {

const char kSignInFailed[] = "用户名或密码错误 (wrong user name or password)";

// A body's string fields, or a 400 naming what is missing.
std::optional<Reply> ReadStrings(const httplib::Request& req, std::initializer_list<std::pair<const char*, std::string*>> want,
                                 std::initializer_list<const char*> required) {
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception&) {
    return Error(400, "bad_json", "请求正文不是 JSON (the body is not JSON)");
  }
  if (!body.is_object()) return Error(400, "bad_json", "请求正文应为 JSON 对象 (the body must be a JSON object)");
  for (const auto& [key, out] : want) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) continue;
    if (!it->is_string()) {
      return Error(422, "invalid", std::string(key) + " 应为字符串 (" + key + " must be a string)", json{{"field", key}});
    }
    *out = it->get<std::string>();
  }
  for (const char* key : required) {
    for (const auto& [k, out] : want) {
      if (std::string_view(k) == key && out->empty()) {
        return Error(422, "invalid", std::string("缺少 ") + key + " (" + key + " is required)", json{{"field", key}});
      }
    }
  }
  return std::nullopt;
}

// Secure when the browser reached the node over TLS: served here, or at a front that says so
// (ops/nginx sets X-Forwarded-Proto https). A client faking the header only denies the cookie
// to itself over plain HTTP.
bool OverTls(const Call& c) {
  return !c.options.tls_cert.empty() || c.req.get_header_value("X-Forwarded-Proto") == "https";
}

std::string Cookie(bool secure, std::string_view value, int64_t max_age) {
  return std::string(kSessionCookie) + "=" + std::string(value) + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

json WhoJson(const identity::UserInfo& u) {
  return {{"user_id", u.user.user_id}, {"name", u.user.name},   {"org_id", u.user.org_id},
          {"region", u.region},        {"roles", u.user.roles}, {"inspector_id", u.user.inspector_id}};
}

Reply TooManyFailures(int64_t wait) {
  Reply r = Error(429, "too_many_failures",
                  "该账号登录失败次数过多，请 " + std::to_string(wait) +
                      " 秒后再试 (too many failed sign-ins for this account; try again in " + std::to_string(wait) +
                      " s)",
                  json{{"retry_after_seconds", wait}});
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

Reply SignIn(Call& c) {
  std::string name, password;
  if (auto bad = ReadStrings(c.req, {{"user_id", &name}, {"password", &password}}, {"user_id", "password"})) return *bad;
  Sessions& sessions = *c.node.sessions;
  if (const int64_t wait = sessions.WaitSeconds(name); wait > 0) return TooManyFailures(wait);
  // Read under the state lock; the slow hash check runs after it is released.
  std::optional<identity::UserInfo> user;
  std::optional<std::string> hash;
  if (identity::ValidId(name)) {
    auto u = c.node.identity->User(name);
    if (!u.ok()) return FromStatus(u.status());
    user = *u;
    auto h = c.node.credentials->PasswordHash(name);
    if (!h.ok()) return FromStatus(h.status());
    hash = *h;
  }
  // The call is gone by then: everything is captured by value (the sessions live with the server).
  c.after_unlock = [&sessions, name, given = std::move(password), who = std::move(user), stored = std::move(hash),
                    secure = OverTls(c)]() -> Reply {
    bool matches = false;
    {
      sessions.hashing().acquire();
      // An unknown user, a disabled one and one without a password take as long as a wrong
      // password, and get the same reply.
      matches = PasswordMatches(stored ? *stored : DecoyPasswordHash(), given);
      sessions.hashing().release();
    }
    if (!matches || !stored || !who || who->disabled) {
      sessions.Failed(name);
      return Error(401, "sign_in_failed", kSignInFailed);
    }
    sessions.Succeeded(name);
    const Sessions::Opened o = sessions.Open(name, *stored);
    json j = WhoJson(*who);
    j["csrf_token"] = o.session.csrf_token;
    j["expires_us"] = o.session.expires_us;
    Reply r = Json(j);
    r.headers.emplace_back("Set-Cookie", Cookie(secure, o.id, sessions.lifetime_seconds()));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  };
  return Reply{};
}

Reply WhoAmI(Call& c) {
  json j = WhoJson(*c.user);
  j["csrf_token"] = nullptr;
  j["expires_us"] = nullptr;
  if (c.req.get_header_value("Authorization").empty()) {
    if (auto s = c.node.sessions->Find(SessionCookieOf(c.req))) {
      j["csrf_token"] = s->csrf_token;
      j["expires_us"] = s->expires_us;
    }
  }
  Reply r = Json(j);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Reply SignOut(Call& c) {
  const bool by_session = c.req.get_header_value("Authorization").empty() && !SessionCookieOf(c.req).empty();
  if (by_session) c.node.sessions->Close(SessionCookieOf(c.req));
  Reply r = Json({{"signed_out", by_session}});
  if (by_session) r.headers.emplace_back("Set-Cookie", Cookie(OverTls(c), "", 0));
  return r;
}

Reply SetPasswordRoute(Call& c) {
  const std::string& target = c.params[0];
  std::string password, old_password, reason;
  if (auto bad = ReadStrings(c.req, {{"password", &password}, {"old_password", &old_password}, {"reason", &reason}},
                             {"password"})) {
    return *bad;
  }
  const bool own = target == c.user->user.user_id;
  if (own) {
    // A user changes its own password with the old one (if it has one: a user signed in with
    // a token or a signed request may set its first). Wrong old passwords count as failed
    // sign-ins of the account.
    auto stored = c.node.credentials->PasswordHash(target);
    if (!stored.ok()) return FromStatus(stored.status());
    if (*stored) {
      if (const int64_t wait = c.node.sessions->WaitSeconds(target); wait > 0) return TooManyFailures(wait);
      c.node.sessions->hashing().acquire();
      const bool matches = PasswordMatches(**stored, old_password);
      c.node.sessions->hashing().release();
      if (!matches) {
        c.node.sessions->Failed(target);
        return Error(403, "wrong_password", "原密码不正确 (the old password is wrong)", json{{"field", "old_password"}});
      }
    }
  } else {
    if (!c.user->Has(kAdmin)) {
      return Error(403, "forbidden",
                   "只有管理员可以设置其他用户的密码 (only an administrator sets another user's password)");
    }
    auto u = c.node.identity->User(target);
    if (!u.ok()) return FromStatus(u.status());
    if (!*u || !c.user->Covers((*u)->region)) return Outside("user " + target);
  }
  if (Status s = CheckNewPassword(password); !s.ok()) {
    return Error(422, "invalid", s.message(), json{{"field", "password"}});
  }
  auto seq = SetPassword(*c.node.identity, *c.node.credentials, target, password, reason, c.actor);
  if (!seq.ok()) return FromStatus(seq.status());
  // Every session of the user ends (Sessions: a session is bound to the hash it was opened
  // under), the caller's own too: it signs in again with the new password.
  return Written(*seq, {{"user_id", target}, {"message", "密码已设置，请用新密码登录 (password set; sign in with it)"}});
}

}  // namespace

std::string SessionCookieOf(const httplib::Request& req) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string want = std::string(kSessionCookie) + "=";
  size_t at = 0;
  while (at < cookies.size()) {
    while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
    size_t end = cookies.find(';', at);
    if (end == std::string::npos) end = cookies.size();
    if (cookies.compare(at, want.size(), want) == 0) return cookies.substr(at + want.size(), end - at - want.size());
    at = end;
  }
  return {};
}

StatusOr<std::shared_ptr<const identity::UserInfo>> AuthenticateSession(const httplib::Request& req, Node& node) {
  const std::string id = SessionCookieOf(req);
  std::optional<Sessions::Session> s = node.sessions->Find(id);
  if (!s) return PermissionDenied("unknown or expired session");
  SUIJI_ASSIGN_OR_RETURN(std::optional<std::string> hash, node.credentials->PasswordHash(s->user_id));
  if (!hash || *hash != s->password_hash) {
    node.sessions->Close(id);
    return PermissionDenied("the password of user " + s->user_id + " changed since the session was opened");
  }
  SUIJI_ASSIGN_OR_RETURN(std::optional<identity::UserInfo> u, node.identity->User(s->user_id));
  if (!u || u->disabled) {
    node.sessions->Close(id);
    return PermissionDenied("user " + s->user_id + " is disabled");
  }
  return std::make_shared<const identity::UserInfo>(std::move(*u));
}

std::optional<Reply> CsrfRefusal(const httplib::Request& req, Node& node) {
  if (req.method == "GET" || req.method == "HEAD") return std::nullopt;
  if (!req.get_header_value("Authorization").empty()) return std::nullopt;  // a token or a signature
  const std::optional<Sessions::Session> s = node.sessions->Find(SessionCookieOf(req));
  if (!s) return std::nullopt;  // not authenticated by a session: refused elsewhere
  const std::string given = req.get_header_value("X-CSRF-Token");
  if (given.size() == s->csrf_token.size() && sodium_memcmp(given.data(), s->csrf_token.data(), given.size()) == 0) {
    return std::nullopt;
  }
  return Error(403, "csrf",
               given.empty() ? "缺少 X-CSRF-Token 请求头 (a request signed in by the session cookie needs X-CSRF-Token)"
                             : "X-CSRF-Token 不正确 (X-CSRF-Token does not match the session)");
}

std::vector<Route> SessionRoutes() {
  Route sign_in = R("POST", "/api/v1/session", {}, false,
                    "sign in with user_id and password: a session cookie (HttpOnly, SameSite=Strict) and csrf_token",
                    SignIn);
  sign_in.is_public = true;
  return {
      std::move(sign_in),
      R("GET", "/api/v1/session", {}, false, "who is signed in: user, roles, region, csrf_token, expires_us", WhoAmI),
      R("DELETE", "/api/v1/session", {}, false, "sign out (ends the session of the cookie)", SignOut),
      R("POST", "/api/v1/users/{user_id}/password", {}, true,
        "set a user's password: an administrator for a user in its jurisdiction, or the user itself with "
        "old_password; the log records CredentialSet, never the password or its hash",
        SetPasswordRoute),
  };
}

}  // namespace suiji::http
