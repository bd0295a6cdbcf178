// IdentityService (api/identity_service.h): an inspector user acts as one directory
// inspector, so no two enabled users may hold the same inspector id — on the command line as
// through the HTTP API (both call RegisterUser).
#include "api/identity_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/directory_service.h"
#include "api/node.h"
#include "projections/directory_projection.h"

namespace suiji {
namespace {

TEST(IdentityServiceTest, AnInspectorIsHeldByOneEnabledUser) {
  const auto dir = std::filesystem::temp_directory_path() / ("suiji-identity-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Actor op{"320400", "王科长"};
  auto init = InitNode(NodePaths{dir}, "test.suiji/identity", "", "", op, LedgerOptions{});
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  Ledger& ledger = *init->ledger;
  {
    auto projection = DirectoryProjection::Open(dir);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(dirs.RegisterOrg({"320000", "江苏省人社厅", "320000", directory::OrgLevel::Province, ""}, op).ok());
    ASSERT_TRUE(
        dirs.RegisterOrg({"320400", "常州市人社局", "320400", directory::OrgLevel::City, "320000"}, op).ok());
  }
  IdentityService ids(ledger, ledger.storage());
  ASSERT_TRUE(ids.Sync().ok());
  ASSERT_TRUE(ids.RegisterUser({"zhang", "张", "320400", {"inspector"}, "JS3204001", {}, ""}, op).ok());
  const uint64_t size = ledger.size();
  auto twin = ids.RegisterUser({"li", "李", "320400", {"inspector"}, "JS3204001", {}, ""}, op);
  EXPECT_EQ(twin.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(twin.status().message().find("inspector JS3204001 is already user zhang's"), std::string::npos)
      << twin.status().message();
  EXPECT_EQ(ledger.size(), size);
  // A new version of the holder keeps it; once the holder is disabled, another may take it.
  EXPECT_TRUE(ids.RegisterUser({"zhang", "张三", "320400", {"inspector"}, "JS3204001", {}, ""}, op).ok());
  ASSERT_TRUE(ids.DisableUser({"zhang", "调离"}, op).ok());
  EXPECT_TRUE(ids.RegisterUser({"li", "李", "320400", {"inspector"}, "JS3204001", {}, ""}, op).ok());
  std::filesystem::remove_all(dir);
}

// Separation of duties (issue 17, 8a): whoever issued a user's token could act as that user,
// so a token is issued only by the user it is for. An administrator of the county may not mint
// one for its reviewer; the user itself may, and so may the node operator (an actor that is
// no user) to bootstrap a first credential. The command line and the HTTP API both call
// IssueToken.
TEST(IdentityServiceTest, AnAdministratorIssuesNoTokenForAnotherUser) {
  const auto dir = std::filesystem::temp_directory_path() / ("suiji-identity-tokens-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Actor op{"local", "operator"};
  auto init = InitNode(NodePaths{dir}, "test.suiji/identity", "", "", op, LedgerOptions{});
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  Ledger& ledger = *init->ledger;
  {
    auto projection = DirectoryProjection::Open(dir);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(dirs.RegisterOrg({"320000", "江苏省人社厅", "320000", directory::OrgLevel::Province, ""}, op).ok());
    ASSERT_TRUE(
        dirs.RegisterOrg({"320400", "常州市人社局", "320400", directory::OrgLevel::City, "320000"}, op).ok());
    ASSERT_TRUE(
        dirs.RegisterOrg({"320402", "天宁区人社局", "320402", directory::OrgLevel::County, "320400"}, op).ok());
  }
  IdentityService ids(ledger, ledger.storage());
  ASSERT_TRUE(ids.Sync().ok());
  ASSERT_TRUE(ids.RegisterUser({"tn-admin", "区管理员", "320402", {"administrator"}, "", {}, ""}, op).ok());
  ASSERT_TRUE(ids.RegisterUser({"tn-reviewer", "区审核员", "320402", {"reviewer"}, "", {}, ""}, op).ok());
  const uint64_t size = ledger.size();
  auto minted = ids.IssueToken("tn-reviewer", "", 0, {"320402", "tn-admin"});
  EXPECT_EQ(minted.status().code(), StatusCode::kPermissionDenied) << minted.status().ToString();
  EXPECT_NE(minted.status().message().find("user tn-admin may not issue a token for user tn-reviewer"),
            std::string::npos)
      << minted.status().message();
  // An unknown user gets the same answer: nothing says whether it exists.
  auto unknown = ids.IssueToken("nobody", "", 0, {"320402", "tn-admin"});
  EXPECT_EQ(unknown.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ledger.size(), size);
  EXPECT_TRUE(ids.world().tokens().empty());
  // The reviewer itself, and the node operator, may.
  auto own = ids.IssueToken("tn-reviewer", "laptop", 0, {"320402", "tn-reviewer"});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(ids.Authenticate(own->token).value()->user.user_id, "tn-reviewer");
  EXPECT_TRUE(ids.IssueToken("tn-reviewer", "bootstrap", 0, op).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji
