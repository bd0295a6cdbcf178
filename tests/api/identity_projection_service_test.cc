// IdentityService over the identity projection (the server's and the command line's) against
// IdentityService over its in-memory fold (the oracle, as it decided before the projection):
// the same refusals with the same messages, the same authentication answers, the same reads;
// and a token revoked or a user disabled by another process (`suiji token revoke`, `suiji
// user disable`) fails at the next request of a process that keeps the projection open.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/directory_service.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "projections/directory_projection.h"
#include "tests/support/run_process.h"
#include "tests/support/test_node.h"

namespace suiji {
namespace {

using identity::UserInfo;

// Both services' answers to Authenticate(token): the same status (code and message), user and
// token id.
void ExpectSameAuthentication(const IdentityService& over, const IdentityService& oracle,
                              const std::string& token) {
  std::string id_over, id_oracle;
  auto a = over.Authenticate(token, &id_over);
  auto b = oracle.Authenticate(token, &id_oracle);
  EXPECT_EQ(a.status().code(), b.status().code()) << token;
  EXPECT_EQ(a.status().message(), b.status().message()) << token;
  EXPECT_EQ(id_over, id_oracle) << token;
  if (a.ok() && b.ok()) {
    EXPECT_EQ(**a, **b) << token;
  }
}

TEST(IdentityServiceOverProjection, DecidesAndAuthenticatesAsTheInMemoryFold) {
  const auto dir = testing_support::FreshTestDir("suiji-idsvc");
  const Actor op{"320400", "operator"};
  auto init =
      InitNode(NodePaths{dir}, "test.suiji/identity-projection", "", "", op, LedgerOptions{});
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  Ledger& ledger = *init->ledger;
  auto dp = DirectoryProjection::Open(dir);
  ASSERT_TRUE(dp.ok());
  DirectoryService dirs(ledger, **dp, ledger.storage());
  ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, op).ok());
  ASSERT_TRUE(
      dirs.RegisterOrg({"320402", "天宁区人社局", "320402", directory::OrgLevel::County, "320400"},
                       op)
          .ok());
  int64_t now = 1'800'000'000'000'000;
  IdentityService::Clock clock = [&] { return now; };
  IdentityService ids(ledger, (*dp)->projection(), ledger.storage(), clock);
  IdentityService oracle(ledger, ledger.storage(), clock);
  ASSERT_TRUE(ids.Sync().ok());

  const KeyPair key = KeyPair::Generate();
  const Bytes pk(key.public_key().begin(), key.public_key().end());
  ASSERT_TRUE(
      ids.RegisterUser({"tn-admin", "区管理员", "320402", {"administrator"}, "", {}, ""}, op).ok());
  ASSERT_TRUE(
      ids.RegisterUser({"tn-rev", "区审核员", "320402", {"reviewer"}, "", pk, ""}, op).ok());
  ASSERT_TRUE(
      ids.RegisterUser({"zhang", "张", "320400", {"inspector"}, "JS3204001", {}, ""}, op).ok());
  ASSERT_TRUE(
      ids.RegisterUser({"prov", "省监督员", "320000", {"supervisor"}, "", {}, ""}, op).ok());
  const uint64_t size = ledger.size();

  // Refusals: the same code and message as the in-memory rules give, nothing appended.
  auto twin = ids.RegisterUser({"li", "李", "320400", {"inspector"}, "JS3204001", {}, ""}, op);
  EXPECT_EQ(twin.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(twin.status().message(),
            "inspector JS3204001 is already user zhang's (disable that user first)");
  ASSERT_TRUE(oracle.Sync().ok());
  const identity::UserRecord same_key{"wang", "王", "320400", {"planner"}, "", pk, ""};
  auto reused = ids.RegisterUser(same_key, op);
  EXPECT_EQ(reused.status().code(), oracle.world().CheckUser(same_key).code());
  EXPECT_EQ(reused.status().message(), "public_key is already the key of user tn-rev");
  const identity::UserRecord unknown_org{"zhao", "赵", "110000", {"planner"}, "", {}, ""};
  EXPECT_EQ(ids.RegisterUser(unknown_org, op).status().message(),
            oracle.world().CheckUser(unknown_org).message());
  auto minted = ids.IssueToken("tn-rev", "", 0, {"320402", "tn-admin"});
  EXPECT_EQ(minted.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(minted.status().message().find("user tn-admin may not issue a token for user tn-rev"),
            std::string::npos);
  EXPECT_EQ(ids.DisableUser({"nobody", "调离"}, op).status().message(), "no user nobody");
  EXPECT_EQ(ids.RevokeToken({"t-none", ""}, op).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ledger.size(), size);

  // Tokens: one for ever, one for a minute, one revoked, one of a user then disabled.
  auto forever = ids.IssueToken("tn-rev", "laptop", 0, {"320402", "tn-rev"});
  auto minute = ids.IssueToken("tn-admin", "short", 60, op);
  auto revoked = ids.IssueToken("tn-admin", "lost", 0, op);
  auto disabled = ids.IssueToken("zhang", "", 0, op);
  ASSERT_TRUE(forever.ok() && minute.ok() && revoked.ok() && disabled.ok());
  ASSERT_TRUE(ids.RevokeToken({revoked->token_id, "遗失"}, op).ok());
  EXPECT_EQ(ids.RevokeToken({revoked->token_id, "遗失"}, op).status().message(),
            "token " + revoked->token_id + " is already revoked");
  ASSERT_TRUE(ids.DisableUser({"zhang", "调离"}, op).ok());
  EXPECT_EQ(ids.DisableUser({"zhang", "调离"}, op).status().message(),
            "user zhang is already disabled");
  ASSERT_TRUE(
      ids.RegisterUser({"li", "李", "320400", {"inspector"}, "JS3204001", {}, ""}, op).ok());
  ASSERT_TRUE(oracle.Sync().ok());
  EXPECT_EQ(*ids.Applied(), ledger.size());

  EXPECT_EQ((*ids.Authenticate(forever->token))->user.user_id, "tn-rev");
  EXPECT_EQ(ids.Authenticate(revoked->token).status().message(),
            "token " + revoked->token_id + " is revoked");
  EXPECT_EQ(ids.Authenticate(disabled->token).status().message(), "user zhang is disabled");
  EXPECT_EQ(ids.Authenticate("sj_unknown").status().message(), "unknown token");
  EXPECT_EQ(ids.Authenticate("Basic abc").status().message(), "not a Suiji token");
  for (const auto& t : {forever->token, minute->token, revoked->token, disabled->token,
                        std::string("sj_unknown"), std::string("not-a-token")}) {
    ExpectSameAuthentication(ids, oracle, t);
  }
  now += 61'000'000;  // the minute's token has expired
  EXPECT_EQ(ids.Authenticate(minute->token).status().message(),
            "token " + minute->token_id + " has expired");
  ExpectSameAuthentication(ids, oracle, minute->token);

  // Reads, one by one, as the server makes them.
  for (const std::string u : {"tn-admin", "tn-rev", "zhang", "li", "prov", "nobody"}) {
    EXPECT_EQ(*ids.User(u), oracle.world().store().GetUser(u)) << u;
    const auto info = oracle.world().User(u);
    if (info != nullptr) {
      EXPECT_EQ(*ids.CoversAll(*info), identity::CoversAll(oracle.world().store(), *info)) << u;
    }
  }
  EXPECT_TRUE(*ids.CoversAll(**ids.User("prov")));
  EXPECT_FALSE(*ids.CoversAll(**ids.User("tn-admin")));
  EXPECT_EQ(*ids.Token(revoked->token_id), oracle.world().store().GetToken(revoked->token_id));
  EXPECT_TRUE((*ids.Token(revoked->token_id))->revoked);
  EXPECT_EQ((*ids.TokenByHash(Sha256(AsBytes(forever->token))))->token.token_id, forever->token_id);
  EXPECT_EQ(*ids.OrgRegion("320402"), std::optional<std::string>("320402"));
  EXPECT_EQ(*ids.OrgRegion("110000"), std::nullopt);
  (*dp).reset();
  std::filesystem::remove_all(dir);
}

// The server keeps the projection open and reads it per request; the command line beside it
// (here run while no server holds the log's writer lock) revokes a token and disables a user:
// the next authentication in the first process refuses them, without a restart or a fold.
TEST(IdentityServiceOverProjection, ARevocationByAnotherProcessFailsTheNextAuthentication) {
  const auto dir = testing_support::FreshTestDir("suiji-idproc");
  std::filesystem::create_directories(dir);
  const std::string data = (dir / "data").string();
  auto suiji = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--data", data, "--user", "operator"});
    auto r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err << r.out;
    return r;
  };
  ASSERT_EQ(testing_support::RunBinary(
                SUIJI_BIN_SUIJI,
                {"init", "--data", data, "--ledger", "cz.test/idproc", "--no-calendar"}, dir)
                .exit_code,
            0);
  suiji({"org", "add", "--id", "320000", "--name", "江苏省人社厅", "--region", "320000", "--level",
         "province"});
  suiji({"org", "add", "--id", "320400", "--name", "常州市人社局", "--region", "320400", "--level",
         "city", "--parent", "320000"});
  suiji({"user", "add", "--id", "clerk", "--name", "登记员", "--org-id", "320400", "--role",
         "registry_clerk"});
  suiji({"user", "add", "--id", "planner", "--name", "计划员", "--org-id", "320400", "--role",
         "planner"});
  auto first_line = [](const std::string& s) { return s.substr(0, s.find('\n')); };
  const std::string clerk_token = first_line(suiji({"token", "issue", "clerk"}).out);
  const std::string planner_token = first_line(suiji({"token", "issue", "planner"}).out);
  ASSERT_TRUE(clerk_token.starts_with("sj_")) << clerk_token;

  auto ledger = OpenReader(NodePaths{data});
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  auto dp = DirectoryProjection::Open(data);
  ASSERT_TRUE(dp.ok());
  IdentityService ids(**ledger, (*dp)->projection(), (*ledger)->storage());
  ASSERT_TRUE(ids.Sync().ok());
  std::string clerk_token_id;
  ASSERT_TRUE(ids.Authenticate(clerk_token, &clerk_token_id).ok());
  ASSERT_TRUE(ids.Authenticate(planner_token).ok());

  suiji({"token", "revoke", clerk_token_id, "--reason", "遗失"});
  suiji({"user", "disable", "planner", "--reason", "调离"});
  EXPECT_EQ(ids.Authenticate(clerk_token).status().message(),
            "token " + clerk_token_id + " is revoked");
  EXPECT_EQ(ids.Authenticate(planner_token).status().message(), "user planner is disabled");
  ASSERT_TRUE(ids.Sync().ok());
  EXPECT_EQ(*ids.Applied(), *(*ledger)->storage().Size());  // the log as it is now

  // `suiji user list` reads the same projection.
  auto list = nlohmann::json::parse(suiji({"user", "list", "--json"}).out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["user_id"], "clerk");
  EXPECT_EQ(list[0]["tokens"][0]["token_id"], clerk_token_id);
  EXPECT_EQ(list[0]["tokens"][0]["revoked"], true);
  EXPECT_EQ(list[1]["user_id"], "planner");
  EXPECT_EQ(list[1]["disabled"], true);
  (*dp).reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji
