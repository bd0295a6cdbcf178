// The staff console's sign-in (issue 18; api/http/sessions.h, api/credentials.h) over a real
// node on loopback: the session cookie's attributes and expiry, the same reply for a wrong
// password and an unknown user, the CSRF token on writes, the per-account limit of failed
// sign-ins (another account signs in meanwhile), an administrator's reset inside and outside
// its jurisdiction, a user's own change with a wrong old password, and the password hash
// never in the log or anything else of the data directory but DIR/credentials/.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "api/credentials.h"
#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/http/sessions.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/core/directory/records.h"
#include "projections/directory_projection.h"
#include "tests/support/run_process.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kAdminPassword = "省管理员的密码-2026";
const std::string kClerkPassword = "登记员甲的密码abc";
const std::string kOtherPassword = "登记员乙的密码xyz";
const char kSignInFailed[] = "用户名或密码错误 (wrong user name or password)";

class HttpSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-session");
    Actor setup{"320000", "setup"};  // no registered user: the node operator
    auto init = InitNode(NodePaths{dir_}, "test.suiji/session", "session tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    using directory::OrgLevel;
    ASSERT_TRUE(dirs.RegisterOrg({"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"}, setup).ok());
    ASSERT_TRUE(dirs.RegisterOrg({"320411", "新北区人社局", "320411", OrgLevel::County, "320400"}, setup).ok());
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    const std::vector<identity::UserRecord> users = {
        {"prov-admin", "省管理员", "320000", {"administrator", "supervisor"}, "", {}, ""},
        {"tn-admin", "天宁区管理员", "320402", {"administrator"}, "", {}, ""},
        {"clerk-a", "登记员甲", "320402", {"registry_clerk"}, "", {}, ""},
        {"clerk-b", "登记员乙", "320402", {"registry_clerk"}, "", {}, ""},
        {"xb-clerk", "新北区登记员", "320411", {"registry_clerk"}, "", {}, ""},
    };
    for (const auto& u : users) ASSERT_TRUE(ids.RegisterUser(u, setup).ok()) << u.user_id;
    admin_token_ = ids.IssueToken("prov-admin", "test", 0, setup)->token;
    CredentialStore store(dir_);
    for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
             {"prov-admin", kAdminPassword}, {"tn-admin", kAdminPassword}, {"clerk-a", kClerkPassword},
             {"clerk-b", kOtherPassword}, {"xb-clerk", kOtherPassword}}) {
      auto seq = SetPassword(ids, store, user, password, "初始密码", setup);
      ASSERT_TRUE(seq.ok()) << user << ": " << seq.status().ToString();
    }
    init->ledger.reset();
    projection->reset();
    Start();
  }

  void TearDown() override {
    Stop();
    fs::remove_all(dir_);
  }

  void Start(int64_t session_seconds = 8 * 3600) {
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    o.session_seconds = session_seconds;
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }

  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  httplib::Result SignIn(const std::string& user, const std::string& password, httplib::Headers h = {}) {
    return client_->Post("/api/v1/session", h, json{{"user_id", user}, {"password", password}}.dump(),
                         "application/json");
  }

  // A signed-in browser: the cookie's value and the CSRF token.
  struct Browser {
    std::string cookie;
    std::string csrf;
  };
  Browser SignedIn(const std::string& user, const std::string& password) {
    auto r = SignIn(user, password);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    const std::string set = r->get_header_value("Set-Cookie");
    const std::string value = set.substr(0, set.find(';'));
    return {value, json::parse(r->body).value("csrf_token", "")};
  }
  httplib::Headers With(const Browser& b, bool csrf = true) {
    httplib::Headers h{{"Cookie", b.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", b.csrf);
    return h;
  }

  std::pair<int, json> SetPasswordAs(const httplib::Headers& h, const std::string& user, const json& body) {
    auto r = client_->Post(("/api/v1/users/" + user + "/password").c_str(), h, body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  uint64_t LogSize() { return json::parse(client_->Get("/healthz")->body)["log_size"].get<uint64_t>(); }

  fs::path dir_;
  std::string admin_token_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpSessionTest, SignInGivesAnHttpOnlyStrictCookieAndACsrfToken) {
  auto r = SignIn("clerk-a", kClerkPassword);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_TRUE(std::regex_match(cookie, std::regex(
                                           "suiji_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict")))
      << cookie;
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  const json who = json::parse(r->body);
  EXPECT_EQ(who["user_id"], "clerk-a");
  EXPECT_EQ(who["name"], "登记员甲");
  EXPECT_EQ(who["region"], "320402");
  EXPECT_EQ(who["roles"], json::array({"registry_clerk"}));
  EXPECT_TRUE(std::regex_match(who["csrf_token"].get<std::string>(), std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_FALSE(r->body.find("argon2") != std::string::npos);

  // The cookie authenticates reads; GET /api/v1/session says who and gives the CSRF token back.
  const Browser b{cookie.substr(0, cookie.find(';')), who["csrf_token"]};
  auto me = client_->Get("/api/v1/session", With(b, false));
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::parse(me->body)["user_id"], "clerk-a");
  EXPECT_EQ(json::parse(me->body)["csrf_token"], b.csrf);
  EXPECT_EQ(json::parse(me->body)["expires_us"], who["expires_us"]);
  auto targets = client_->Get("/api/v1/targets", With(b, false));
  EXPECT_EQ(targets->status, 200) << targets->body;

  // Behind a TLS front (X-Forwarded-Proto: https) the cookie is Secure.
  auto tls = SignIn("clerk-b", kOtherPassword, {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(tls->status, 200);
  EXPECT_TRUE(tls->get_header_value("Set-Cookie").ends_with("; HttpOnly; SameSite=Strict; Secure"))
      << tls->get_header_value("Set-Cookie");

  // Sign-out ends the session and clears the cookie.
  auto out = client_->Delete("/api/v1/session", With(b));
  ASSERT_EQ(out->status, 200) << out->body;
  EXPECT_EQ(json::parse(out->body)["signed_out"], true);
  EXPECT_EQ(out->get_header_value("Set-Cookie"), "suiji_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  auto after = client_->Get("/api/v1/session", With(b, false));
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(json::parse(after->body)["code"], "unauthenticated");
}

TEST_F(HttpSessionTest, AWrongPasswordAndAnUnknownUserGetTheSameReply) {
  auto wrong = SignIn("clerk-a", "不是这个密码0000");
  auto unknown = SignIn("nobody", kClerkPassword);
  auto bad_id = SignIn("../etc", kClerkPassword);
  for (const auto* r : {&wrong, &unknown, &bad_id}) {
    ASSERT_TRUE(*r);
    EXPECT_EQ((*r)->status, 401);
    EXPECT_EQ((*r)->body, json({{"code", "sign_in_failed"}, {"message", kSignInFailed}, {"details", json::object()}})
                              .dump());
    EXPECT_FALSE((*r)->has_header("Set-Cookie"));
  }
  // A missing field is the client's mistake, said as such.
  auto missing = client_->Post("/api/v1/session", R"({"user_id": "clerk-a"})", "application/json");
  EXPECT_EQ(missing->status, 422);
  EXPECT_EQ(json::parse(missing->body)["message"], "缺少 password (password is required)");
}

TEST_F(HttpSessionTest, ASessionExpires) {
  Stop();
  Start(/*session_seconds=*/1);
  auto r = SignIn("clerk-a", kClerkPassword);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Max-Age=1;"), std::string::npos);
  const json who = json::parse(r->body);
  const int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(who["expires_us"].get<int64_t>(), now_us + 1000000);
  EXPECT_GT(who["expires_us"].get<int64_t>(), now_us);
  const std::string cookie = r->get_header_value("Set-Cookie").substr(0, r->get_header_value("Set-Cookie").find(';'));
  EXPECT_EQ(client_->Get("/api/v1/session", {{"Cookie", cookie}})->status, 200);
  // The session's time passes (expiry is a point in time, not an event to wait for).
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::microseconds(who["expires_us"].get<int64_t>())) +
                                std::chrono::milliseconds(50));
  auto late = client_->Get("/api/v1/session", {{"Cookie", cookie}});
  EXPECT_EQ(late->status, 401);
  EXPECT_EQ(json::parse(late->body)["code"], "unauthenticated");
}

TEST_F(HttpSessionTest, AWriteByTheSessionCookieNeedsTheCsrfToken) {
  const Browser b = SignedIn("prov-admin", kAdminPassword);
  const uint64_t before = LogSize();
  const json body = {{"password", "重置后的密码-0001"}, {"reason", "重置"}};
  auto [none, none_reply] = SetPasswordAs(With(b, false), "clerk-a", body);
  EXPECT_EQ(none, 403);
  EXPECT_EQ(none_reply["code"], "csrf");
  EXPECT_EQ(none_reply["message"], "缺少 X-CSRF-Token 请求头 (a request signed in by the session cookie needs X-CSRF-Token)");
  httplib::Headers wrong{{"Cookie", b.cookie}, {"X-CSRF-Token", std::string(43, 'A')}};
  auto [bad, bad_reply] = SetPasswordAs(wrong, "clerk-a", body);
  EXPECT_EQ(bad, 403);
  EXPECT_EQ(bad_reply["message"], "X-CSRF-Token 不正确 (X-CSRF-Token does not match the session)");
  // Sign-out is a write too.
  auto out = client_->Delete("/api/v1/session", With(b, false));
  EXPECT_EQ(out->status, 403);
  EXPECT_EQ(LogSize(), before);
  auto [ok, ok_reply] = SetPasswordAs(With(b), "clerk-a", body);
  EXPECT_EQ(ok, 201) << ok_reply.dump();
  EXPECT_EQ(ok_reply["sequence"], before);
  EXPECT_EQ(LogSize(), before + 1);
  // A bearer token (systems) needs no CSRF token, as before.
  auto [token, token_reply] =
      SetPasswordAs({{"Authorization", "Bearer " + admin_token_}}, "clerk-b", {{"password", "另一个新密码-0002"}});
  EXPECT_EQ(token, 201) << token_reply.dump();
}

TEST_F(HttpSessionTest, FailedSignInsSlowOneAccountDownButNotAnother) {
  for (int i = 0; i < kFreeSignInFailures; ++i) {
    auto r = SignIn("clerk-a", "错误的密码-" + std::to_string(i) + "0000");
    ASSERT_EQ(r->status, 401) << i;
  }
  // The sixth attempt waits, even with the right password, and is not checked.
  auto held = SignIn("clerk-a", kClerkPassword);
  ASSERT_EQ(held->status, 429) << held->body;
  EXPECT_EQ(json::parse(held->body)["code"], "too_many_failures");
  EXPECT_EQ(json::parse(held->body)["message"],
            "该账号登录失败次数过多，请 1 秒后再试 (too many failed sign-ins for this account; try again in 1 s)");
  EXPECT_EQ(held->get_header_value("Retry-After"), "1");
  // Another account behind the same address signs in meanwhile.
  auto other = SignIn("clerk-b", kOtherPassword);
  EXPECT_EQ(other->status, 200) << other->body;
  // An unknown name is limited the same way (the limit says nothing about who exists).
  for (int i = 0; i < kFreeSignInFailures; ++i) ASSERT_EQ(SignIn("nobody", "x0123456789")->status, 401);
  EXPECT_EQ(SignIn("nobody", "x0123456789")->status, 429);
  // Once the wait is over the right password signs in, and the count starts again.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto later = SignIn("clerk-a", kClerkPassword);
  EXPECT_EQ(later->status, 200) << later->body;
  EXPECT_EQ(SignIn("clerk-a", "错误的密码-00000")->status, 401);
  EXPECT_EQ(SignIn("clerk-a", kClerkPassword)->status, 200);
}

TEST_F(HttpSessionTest, AnAdministratorResetsAPasswordInItsJurisdictionOnly) {
  const Browser clerk = SignedIn("clerk-a", kClerkPassword);
  const Browser admin = SignedIn("tn-admin", kAdminPassword);
  const uint64_t before = LogSize();
  // Outside its jurisdiction, or nobody: the same 404.
  for (const std::string user : {"xb-clerk", "nobody"}) {
    auto [status, reply] = SetPasswordAs(With(admin), user, {{"password", "新北区的新密码-123"}});
    EXPECT_EQ(status, 404) << reply.dump();
    EXPECT_EQ(reply["code"], "not_found");
    EXPECT_EQ(reply["message"], "user " + user + " not found in your jurisdiction");
  }
  // A clerk may not set another user's password.
  auto [clerk_status, clerk_reply] = SetPasswordAs(With(clerk), "clerk-b", {{"password", "登记员乙的新密码-1"}});
  EXPECT_EQ(clerk_status, 403);
  EXPECT_EQ(clerk_reply["code"], "forbidden");
  EXPECT_EQ(clerk_reply["message"], "只有管理员可以设置其他用户的密码 (only an administrator sets another user's password)");
  // Too short.
  auto [short_status, short_reply] = SetPasswordAs(With(admin), "clerk-a", {{"password", "短密码123"}});
  EXPECT_EQ(short_status, 422);
  EXPECT_EQ(short_reply["message"], "密码至少需要 10 个字符 (a password needs at least 10 characters)");
  EXPECT_EQ(short_reply["details"]["field"], "password");
  EXPECT_EQ(LogSize(), before);

  auto [status, reply] = SetPasswordAs(With(admin), "clerk-a", {{"password", "管理员重置的密码-01"}, {"reason", "遗忘"}});
  ASSERT_EQ(status, 201) << reply.dump();
  EXPECT_EQ(reply["user_id"], "clerk-a");
  EXPECT_EQ(LogSize(), before + 1);
  // The old password no longer signs in, the new one does, and the clerk's session has ended.
  EXPECT_EQ(SignIn("clerk-a", kClerkPassword)->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/session", With(clerk, false))->status, 401);
  EXPECT_EQ(SignIn("clerk-a", "管理员重置的密码-01")->status, 200);
  // The administrator's own session goes on.
  EXPECT_EQ(client_->Get("/api/v1/session", With(admin, false))->status, 200);
}

TEST_F(HttpSessionTest, AUserChangesItsOwnPasswordOnlyWithTheOldOne) {
  const Browser b = SignedIn("clerk-b", kOtherPassword);
  const uint64_t before = LogSize();
  auto [wrong, wrong_reply] =
      SetPasswordAs(With(b), "clerk-b", {{"old_password", "不是原来的密码0"}, {"password", "自己的新密码-0001"}});
  EXPECT_EQ(wrong, 403);
  EXPECT_EQ(wrong_reply["code"], "wrong_password");
  EXPECT_EQ(wrong_reply["message"], "原密码不正确 (the old password is wrong)");
  EXPECT_EQ(wrong_reply["details"]["field"], "old_password");
  auto [missing, missing_reply] = SetPasswordAs(With(b), "clerk-b", {{"password", "自己的新密码-0001"}});
  EXPECT_EQ(missing, 403);
  EXPECT_EQ(missing_reply["code"], "wrong_password");
  EXPECT_EQ(LogSize(), before);
  auto [ok, ok_reply] =
      SetPasswordAs(With(b), "clerk-b", {{"old_password", kOtherPassword}, {"password", "自己的新密码-0001"}});
  ASSERT_EQ(ok, 201) << ok_reply.dump();
  EXPECT_EQ(ok_reply["message"], "密码已设置，请用新密码登录 (password set; sign in with it)");
  EXPECT_EQ(LogSize(), before + 1);
  EXPECT_EQ(client_->Get("/api/v1/session", With(b, false))->status, 401);  // signs in again
  EXPECT_EQ(SignIn("clerk-b", kOtherPassword)->status, 401);
  EXPECT_EQ(SignIn("clerk-b", "自己的新密码-0001")->status, 200);
}

// The operator sets the first administrator's password on the command line (from a file),
// and neither a password nor a hash is anywhere in the data directory but DIR/credentials/;
// suiji-verify accepts the log with its CredentialSet events.
TEST_F(HttpSessionTest, PasswordHashesNeverEnterTheLogCli) {
  Stop();
  const fs::path file = dir_ / "first-password.txt";
  std::ofstream(file) << "首位管理员的密码-xyz\n";
  testing_support::RunResult set = testing_support::RunBinary(
      SUIJI_BIN_SUIJI, {"user", "password", "prov-admin", "--password-file", file.string(), "--reason", "初始密码",
                        "--data", dir_.string()},
      dir_);
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  EXPECT_TRUE(set.out.starts_with("password of user prov-admin set at sequence ")) << set.out;
  fs::remove(file);
  Start();
  EXPECT_EQ(SignIn("prov-admin", "首位管理员的密码-xyz")->status, 200);
  EXPECT_EQ(SignIn("prov-admin", kAdminPassword)->status, 401);
  Stop();

  std::vector<std::string> hashes;
  for (const auto& f : fs::directory_iterator(dir_ / "credentials")) {
    hashes.push_back(testing_support::ReadFile(f.path()));
    EXPECT_TRUE(hashes.back().starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << hashes.back();
    EXPECT_EQ(fs::status(f.path()).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  }
  ASSERT_EQ(hashes.size(), 5u);
  size_t scanned = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir_)) {
    if (!f.is_regular_file() || f.path().parent_path() == dir_ / "credentials") continue;
    const std::string bytes = testing_support::ReadFile(f.path());
    scanned += bytes.size();
    EXPECT_EQ(bytes.find("$argon2id$"), std::string::npos) << f.path();
    for (const std::string& h : hashes) EXPECT_EQ(bytes.find(h.substr(31)), std::string::npos) << f.path();
    for (const std::string& p : {kAdminPassword, kClerkPassword, kOtherPassword, std::string("首位管理员的密码-xyz")}) {
      EXPECT_EQ(bytes.find(p), std::string::npos) << f.path();
    }
  }
  EXPECT_GT(scanned, 0u);
  testing_support::RunResult verify = testing_support::RunBinary(SUIJI_BIN_VERIFY, {"--data", dir_.string()}, dir_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("CredentialSet"), std::string::npos) << verify.out;
}

}  // namespace
}  // namespace suiji::http
