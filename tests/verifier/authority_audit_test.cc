// The authority audit (verifier/authority_audit.h): every event that names a registered user
// was written by an enabled user, for its own org unit, holding a role allowed to write it;
// events by names that are not users are the node operator's, counted, not refused.
#include "verifier/authority_audit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "api/directory_service.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/exporter.h"
#include "projections/directory_projection.h"
#include "schemas/events_generated.h"
#include "tests/support/credit_codes.h"

namespace suiji {
namespace {

class AuthorityAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("suiji-authority-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto init = InitNode(NodePaths{dir_}, "test.suiji/authority", "", "", op_, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    ledger_ = std::move(init->ledger);
    auto p = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(p.ok());
    projection_ = std::move(*p);
    dirs_ = std::make_unique<DirectoryService>(*ledger_, *projection_, ledger_->storage());
    ids_ = std::make_unique<IdentityService>(*ledger_, ledger_->storage());
    using directory::OrgLevel;
    ASSERT_TRUE(dirs_->RegisterOrg({"320000", "江苏省人社厅", "320000", OrgLevel::Province, ""}, op_).ok());
    ASSERT_TRUE(dirs_->RegisterOrg({"320400", "常州市人社局", "320400", OrgLevel::City, "320000"}, op_).ok());
    ASSERT_TRUE(dirs_->RegisterOrg({"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"}, op_).ok());
    ASSERT_TRUE(ids_->Sync().ok());
    ASSERT_TRUE(ids_->RegisterUser({"clerk", "登记员", "320400", {"registry_clerk"}, "", {}, ""}, op_).ok());
    ASSERT_TRUE(ids_->RegisterUser({"insp", "检查员", "320400", {"inspector"}, "JS1", {}, ""}, op_).ok());
  }
  void TearDown() override {
    ids_.reset();
    dirs_.reset();
    projection_.reset();
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Appends one employer registration as `actor`; returns its sequence.
  uint64_t Target(const Actor& actor, uint64_t n) {
    directory::TargetRecord t;
    t.credit_code = testing_support::SampleCreditCode("320402", n);
    t.name = "常州企业" + std::to_string(n);
    t.region = "320402";
    t.industry = "3411";
    t.headcount = 20;
    t.org_id = "320400";
    auto s = dirs_->UpsertTarget(t, actor);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : 0;
  }

  AuthorityAudit Audit() {
    auto bytes = ExportLogBytes(ledger_->storage());
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return AuditAuthority(AsBytes(bytes.ok() ? *bytes : std::string()));
  }

  std::filesystem::path dir_;
  Actor op_{"320400", "王科长"};
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<DirectoryProjection> projection_;
  std::unique_ptr<DirectoryService> dirs_;
  std::unique_ptr<IdentityService> ids_;
};

TEST_F(AuthorityAuditTest, EventsByUsersHoldingTheRolePass) {
  Target({"320400", "clerk"}, 1);
  Target({"320400", "clerk"}, 2);
  const AuthorityAudit a = Audit();
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.users, 2u);
  EXPECT_EQ(a.by_user.at("clerk"), 2u);
  EXPECT_EQ(a.by_users_total, 2u);
  EXPECT_GE(a.by_operator.at("王科长"), 4u);  // genesis, keys, orgs, the users
}

TEST_F(AuthorityAuditTest, AnEventWithoutTheRoleFailsNamingItsSequence) {
  Target({"320400", "clerk"}, 1);
  const uint64_t bad = Target({"320400", "insp"}, 2);  // an inspector registering an employer
  const AuthorityAudit a = Audit();
  EXPECT_FALSE(a.ok());
  ASSERT_EQ(a.failures.size(), 1u);
  EXPECT_EQ(a.failures[0].sequence, bad);
  EXPECT_NE(a.failures[0].what.find("user insp wrote TargetRegistered without the role (registry_clerk)"),
            std::string::npos)
      << a.failures[0].what;
}

TEST_F(AuthorityAuditTest, AnotherOrgsActorOrADisabledUserFails) {
  const uint64_t other_org = Target({"320402", "clerk"}, 1);  // the clerk belongs to 320400
  ASSERT_TRUE(ids_->DisableUser({"clerk", "调离"}, op_).ok());
  const uint64_t disabled = Target({"320400", "clerk"}, 2);
  const AuthorityAudit a = Audit();
  ASSERT_EQ(a.failures_total, 2u);
  EXPECT_EQ(a.failures[0].sequence, other_org);
  EXPECT_NE(a.failures[0].what.find("belongs to org unit 320400 but acted for 320402"), std::string::npos);
  EXPECT_EQ(a.failures[1].sequence, disabled);
  EXPECT_NE(a.failures[1].what.find("user clerk was disabled"), std::string::npos);
}

TEST_F(AuthorityAuditTest, OperatorEventsAreNotUsersEvents) {
  // The node operator's own event types (keys, memos) may not be written in a user's name.
  EXPECT_TRUE(identity::RolesForEvent(EventType::KeyRegistered).empty());
  EXPECT_TRUE(identity::RolesForEvent(EventType::Memo).empty());
  Target({"320400", "someone-else"}, 1);  // not a user: the operator, by that name
  const AuthorityAudit a = Audit();
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(a.by_operator.at("someone-else"), 1u);
  EXPECT_EQ(a.by_users_total, 0u);
}

// Every event type a user can write has its roles: a new type added to the schema without a
// line in identity::RolesForEvent would make the audit refuse every use of it.
TEST(RolesForEventTest, EveryTypeButTheOperatorsHasItsRoles) {
  const std::set<EventType> operator_only = {EventType::Unknown, EventType::Genesis, EventType::KeyRegistered,
                                             EventType::KeyRevoked, EventType::Memo};
  for (EventType t : schema::EnumValuesEventType()) {
    SCOPED_TRACE(EventTypeName(t));
    EXPECT_EQ(identity::RolesForEvent(t).empty(), operator_only.contains(t));
  }
  EXPECT_EQ(identity::RolesForEvent(EventType::ResultRecorded), std::vector<identity::Role>{identity::Role::kInspector});
  EXPECT_EQ(identity::RolesForEvent(EventType::DrawResult), std::vector<identity::Role>{identity::Role::kPlanner});
}

}  // namespace
}  // namespace suiji
