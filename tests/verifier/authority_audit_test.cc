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
#include "ledger/core/sha256.h"
#include "schemas/events_generated.h"
#include "tests/support/credit_codes.h"
#include "tests/support/inspection_fixture.h"

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

  // Appends one employer registration (or a new version of it) as `actor`; returns its
  // sequence.
  uint64_t Target(const Actor& actor, uint64_t n, const std::string& region = "320402",
                  const std::string& org = "320400", const std::string& name = "") {
    directory::TargetRecord t;
    t.credit_code = testing_support::SampleCreditCode("320402", n);
    t.name = name.empty() ? "常州企业" + std::to_string(n) : name;
    t.region = region;
    t.industry = "3411";
    t.headcount = 20;
    t.org_id = org;
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

// R19: a county user acts only in its county. The server refuses such requests; the audit
// finds such events in the log all the same (a node patched or driven around its checks).
TEST_F(AuthorityAuditTest, ARecordOutsideTheUsersJurisdictionFailsNamingIt) {
  using directory::OrgLevel;
  ASSERT_TRUE(dirs_->RegisterOrg({"320404", "钟楼区人社局", "320404", OrgLevel::County, "320400"}, op_).ok());
  ASSERT_TRUE(ids_->Sync().ok());
  ASSERT_TRUE(ids_->RegisterUser({"tn", "天宁区登记员", "320402", {"registry_clerk"}, "", {}, ""}, op_).ok());
  const Actor tn{"320402", "tn"};
  Target({"320400", "clerk"}, 1, "320404");            // the city's clerk, in its subtree: fine
  Target(tn, 2, "320402", "320402");                   // the county's own employer: fine
  // (The directory service refuses a record whose region is outside its own org unit's, so
  // these name 钟楼区's org unit too.)
  const uint64_t other_county = Target(tn, 1, "320404", "320404", "改名企业");  // 钟楼区's employer
  const uint64_t city_org = Target(tn, 3, "320402", "320400");  // filed under the city bureau
  const uint64_t moved_out = Target(tn, 2, "320404", "320404");  // its own, moved to 钟楼区
  const AuthorityAudit a = Audit();
  ASSERT_EQ(a.failures_total, 3u);
  EXPECT_EQ(a.failures[0].sequence, other_county);
  const std::string code1 = testing_support::SampleCreditCode("320402", 1);
  EXPECT_NE(a.failures[0].what.find("user tn (jurisdiction 320402) wrote TargetUpdated on employer " + code1 +
                                    " in region 320404, outside its jurisdiction"),
            std::string::npos)
      << a.failures[0].what;
  EXPECT_EQ(a.failures[1].sequence, city_org);
  EXPECT_NE(a.failures[1].what.find("on org unit 320400 in region 320400"), std::string::npos) << a.failures[1].what;
  EXPECT_EQ(a.failures[2].sequence, moved_out);
  EXPECT_NE(a.failures[2].what.find("in region 320404"), std::string::npos) << a.failures[2].what;
  EXPECT_EQ(a.by_user.at("tn"), 4u);
}

// An administrator of a county may not take over a user of the city.
TEST_F(AuthorityAuditTest, AUserOfAnotherJurisdictionIsNotTheCountysToChange) {
  ASSERT_TRUE(ids_->RegisterUser({"tn-admin", "天宁区管理员", "320402", {"administrator"}, "", {}, ""}, op_).ok());
  ASSERT_TRUE(ids_->RegisterUser({"tn-clerk", "天宁区登记员", "320402", {"registry_clerk"}, "", {}, ""},
                                 {"320402", "tn-admin"}).ok());
  ASSERT_TRUE(ids_->Sync().ok());
  const auto disabled = ids_->DisableUser({"clerk", "调离"}, {"320402", "tn-admin"});
  ASSERT_TRUE(disabled.ok()) << disabled.status().ToString();
  const AuthorityAudit a = Audit();
  ASSERT_EQ(a.failures_total, 1u) << a.failures[0].what;
  EXPECT_EQ(a.failures[0].sequence, *disabled);
  EXPECT_NE(a.failures[0].what.find("wrote UserDisabled on user clerk in region 320400"), std::string::npos)
      << a.failures[0].what;
}

// The working-day calendar moves every bureau's deadlines: only a user covering every org
// unit may publish it.
TEST_F(AuthorityAuditTest, TheCalendarIsPublishedOnlyByAUserCoveringTheWholeNode) {
  ASSERT_TRUE(ids_->RegisterUser({"prov-admin", "省管理员", "320000", {"administrator"}, "", {}, ""}, op_).ok());
  ASSERT_TRUE(ids_->RegisterUser({"city-admin", "市管理员", "320400", {"administrator"}, "", {}, ""}, op_).ok());
  auto year = [](int y, const std::string& holiday) {
    directory::YearSchedule s;
    s.year = static_cast<uint16_t>(y);
    s.holidays = {holiday};
    s.holiday_names = {"元旦"};
    s.source = "test";
    return s;
  };
  ASSERT_TRUE(dirs_->PublishCalendars({year(2030, "2030-01-01")}, {"320000", "prov-admin"}).ok());
  auto by_city = dirs_->PublishCalendars({year(2031, "2031-01-01")}, {"320400", "city-admin"});
  ASSERT_TRUE(by_city.ok()) << by_city.status().ToString();
  const AuthorityAudit a = Audit();
  ASSERT_EQ(a.failures_total, 1u) << a.failures[0].what;
  EXPECT_NE(a.failures[0].what.find("user city-admin (jurisdiction 320400) published the working-day calendar"),
            std::string::npos)
      << a.failures[0].what;
  EXPECT_NE(a.failures[0].what.find("does not cover org unit 320000"), std::string::npos) << a.failures[0].what;
}

// Issue 17, 8a: a county administrator minting a token for its reviewer (written behind the
// node, which refuses it) fails the audit; a user's own token and the operator's bootstrap
// token pass.
TEST_F(AuthorityAuditTest, ATokenIssuedForAnotherUserFails) {
  ASSERT_TRUE(ids_->RegisterUser({"tn-admin", "天宁区管理员", "320402", {"administrator"}, "", {}, ""}, op_).ok());
  ASSERT_TRUE(ids_->RegisterUser({"tn-rev", "天宁区审核员", "320402", {"reviewer"}, "", {}, ""}, op_).ok());
  ASSERT_TRUE(ids_->IssueToken("tn-rev", "operator's bootstrap", 0, op_).ok());
  ASSERT_TRUE(ids_->IssueToken("tn-rev", "its own", 0, {"320402", "tn-rev"}).ok());
  identity::TokenRecord t{"tminted", "tn-rev", Sha256(AsBytes("sj_minted")), 0, "by the administrator"};
  std::vector<EventDraft> drafts{{EventType::TokenIssued, identity::EncodeToken(t), {"320402", "tn-admin"}}};
  auto minted = ledger_->Append(drafts);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  const AuthorityAudit a = Audit();
  ASSERT_EQ(a.failures_total, 1u) << (a.failures.empty() ? "" : a.failures[0].what);
  EXPECT_EQ(a.failures[0].sequence, *minted);
  EXPECT_NE(a.failures[0].what.find("user tn-admin may not issue a token for user tn-rev"), std::string::npos)
      << a.failures[0].what;
}

// Issue 17, 8b: a county administrator registering a city-level unit under the province
// (written behind the node) fails the audit; the city registering its county passes.
TEST_F(AuthorityAuditTest, AnOrgUnitAboveTheAdministratorsOwnFails) {
  using directory::OrgLevel;
  ASSERT_TRUE(ids_->RegisterUser({"tn-admin", "天宁区管理员", "320402", {"administrator"}, "", {}, ""}, op_).ok());
  ASSERT_TRUE(ids_->RegisterUser({"city-admin", "市管理员", "320400", {"administrator"}, "", {}, ""}, op_).ok());
  ASSERT_TRUE(dirs_->RegisterOrg({"320404", "钟楼区人社局", "320404", OrgLevel::County, "320400"},
                                 {"320400", "city-admin"}).ok());
  const directory::OrgUnitRecord city{"320499", "天宁市人社局", "320402", OrgLevel::City, "320000"};
  std::vector<EventDraft> drafts{{EventType::OrgUnitRegistered, directory::EncodeOrgUnit(city), {"320402", "tn-admin"}}};
  auto raised = ledger_->Append(drafts);
  ASSERT_TRUE(raised.ok()) << raised.status().ToString();
  const AuthorityAudit a = Audit();
  ASSERT_EQ(a.failures_total, 1u) << (a.failures.empty() ? "" : a.failures[0].what);
  EXPECT_EQ(a.failures[0].sequence, *raised);
  EXPECT_NE(a.failures[0].what.find("user tn-admin wrote OrgUnitRegistered: org unit 320402 (county, region 320402) "
                                    "may not register org unit 320499 under parent 320000"),
            std::string::npos)
      << a.failures[0].what;
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

// Draw and result events: a planner acts on its own jurisdiction's draws; an inspector records
// and submits only the visits whose team it is on (R15); an internal note is the team's or a
// covering reviewer's.
class AuthorityAuditOfResultsTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    draw_ = Drawn();
    ASSERT_TRUE(dirsvc_->RegisterOrg({"320402", "天宁区人社局", "320402", directory::OrgLevel::County, "320400"},
                                     actor_).ok());
    ids_ = std::make_unique<IdentityService>(*ledger_, ledger_->storage());
    ASSERT_TRUE(ids_->Sync().ok());
    const draw::VisitRecord& v = FirstVisit(draw_);
    on_team_ = v.team.at(0);
    for (int i = 0; i < 8 && off_team_.empty(); ++i) {
      const std::string id = "JS" + std::to_string(3204000 + i);
      if (std::find(v.team.begin(), v.team.end(), id) == v.team.end()) off_team_ = id;
    }
    ASSERT_FALSE(off_team_.empty());
    for (const identity::UserRecord& u : std::vector<identity::UserRecord>{
             {"on", "组内检查员", "320400", {"inspector"}, on_team_, {}, ""},
             {"off", "组外检查员", "320400", {"inspector"}, off_team_, {}, ""},
             {"rev", "市审核员", "320400", {"reviewer"}, "", {}, ""},
             {"tn-rev", "区审核员", "320402", {"reviewer"}, "", {}, ""},
             {"tn-planner", "区计划员", "320402", {"planner"}, "", {}, ""}}) {
      ASSERT_TRUE(ids_->RegisterUser(u, actor_).ok()) << u.user_id;
    }
  }
  void TearDown() override {
    ids_.reset();
    InspectionNodeTest::TearDown();
  }
  AuthorityAudit Audit() {
    const std::string log = Export();
    return AuditAuthority(AsBytes(log));
  }
  inspection::InternalNoteRecord Note(const std::string& text) {
    inspection::InternalNoteRecord n;
    n.draw_id = draw_;
    n.credit_code = FirstVisit(draw_).credit_code;
    n.note = text;
    return n;
  }

  // The visit's team confirms its latest revision: "on" for itself, the other inspector
  // through a user of its own.
  void ConfirmTeam(const draw::VisitRecord& v) {
    ASSERT_TRUE(ids_->Sync().ok());
    ASSERT_TRUE(inspections_->Sync().ok());
    const inspection::ResultInfo* r = inspections_->world().Result(draw_, v.credit_code);
    auto own = inspections_->Confirm(draw_, v.credit_code, r->latest().revision, r->revision_sha256.back(),
                                     *ids_->world().User("on"), {"320400", "on"});
    ASSERT_TRUE(own.ok()) << own.status().ToString();
    for (const auto& id : v.team) {
      if (id == on_team_) continue;
      auto c = ConfirmAs(id, draw_, v.credit_code);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
    }
  }

  std::string draw_, on_team_, off_team_;
  std::unique_ptr<IdentityService> ids_;
};

TEST_F(AuthorityAuditOfResultsTest, OnlyTheTeamRecordsAndACountyMayNotActOnTheCitysDraw) {
  const draw::VisitRecord& v = FirstVisit(draw_);
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(draw_, v, "2026-06-01"), {"320400", "on"}).ok());
  ConfirmTeam(v);
  auto submitted = inspections_->Submit(draw_, v.credit_code, {"320400", "off"});
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  ASSERT_TRUE(inspections_->AddInternalNote(Note("组内记录"), {"320400", "on"}).ok());
  ASSERT_TRUE(inspections_->AddInternalNote(Note("市审核意见"), {"320400", "rev"}).ok());
  auto county_note = inspections_->AddInternalNote(Note("区审核意见"), {"320402", "tn-rev"});
  ASSERT_TRUE(county_note.ok()) << county_note.status().ToString();
  inspection::AnnouncementRecord a;
  a.draw_id = draw_;
  a.confirmed_by = {"区计划员"};
  auto announced = inspections_->Announce(a, {"320402", "tn-planner"});
  ASSERT_TRUE(announced.ok()) << announced.status().ToString();
  const AuthorityAudit audit = Audit();
  ASSERT_EQ(audit.failures_total, 3u) << audit.failures[0].what;
  EXPECT_EQ(audit.failures[0].sequence, *submitted);
  EXPECT_NE(audit.failures[0].what.find("user off wrote ResultSubmitted for visit " + draw_ + "/" + v.credit_code +
                                        " without being on its team (as inspector " + off_team_ + ")"),
            std::string::npos)
      << audit.failures[0].what;
  EXPECT_EQ(audit.failures[1].sequence, *county_note);
  EXPECT_NE(audit.failures[1].what.find("user tn-rev wrote ResultInternalNote for visit"), std::string::npos)
      << audit.failures[1].what;
  EXPECT_EQ(audit.failures[2].sequence, *announced);
  EXPECT_NE(audit.failures[2].what.find("user tn-planner (jurisdiction 320402) wrote TargetsAnnounced on draw " +
                                        draw_ + " in region 320400, outside its jurisdiction"),
            std::string::npos)
      << audit.failures[2].what;
  EXPECT_EQ(audit.by_user.at("on"), 3u);  // the result, its confirmation, a note
  EXPECT_EQ(audit.by_user.at("rev"), 1u);
}

// Issue 17, 8c: a confirmation is the inspector's own act, for a visit it is on. Written
// behind the node: "on" confirming in its teammate's name, "off" confirming a visit it is not
// on, and the operator confirming in an inspector's place all fail the audit; "on"'s own
// confirmation passes.
TEST_F(AuthorityAuditOfResultsTest, EachInspectorConfirmsOnlyForItselfOnItsOwnVisit) {
  const draw::VisitRecord& v = FirstVisit(draw_);
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(draw_, v, "2026-06-01"), {"320400", "on"}).ok());
  ASSERT_TRUE(inspections_->Sync().ok());
  const Hash hash = inspections_->world().Result(draw_, v.credit_code)->revision_sha256.back();
  const std::string mate = v.team.at(1);
  auto append = [&](const std::string& inspector, const Actor& actor) {
    inspection::ConfirmationRecord c{draw_, v.credit_code, 1, hash, inspector};
    std::vector<EventDraft> d{{EventType::ResultConfirmed, inspection::EncodeConfirmation(c), actor}};
    auto seq = ledger_->Append(d);
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? *seq : 0;
  };
  ASSERT_TRUE(ids_->Sync().ok());
  auto own = inspections_->Confirm(draw_, v.credit_code, 1, hash, *ids_->world().User("on"), {"320400", "on"});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  const uint64_t for_mate = append(mate, {"320400", "on"});
  const uint64_t off_visit = append(off_team_, {"320400", "off"});
  const uint64_t by_operator = append(mate, actor_);
  const AuthorityAudit audit = Audit();
  ASSERT_EQ(audit.failures_total, 3u) << (audit.failures.empty() ? "" : audit.failures[0].what);
  EXPECT_EQ(audit.failures[0].sequence, for_mate);
  EXPECT_NE(audit.failures[0].what.find("user on confirmed visit " + draw_ + "/" + v.credit_code + " as inspector " +
                                        mate + ", but is inspector " + on_team_ + ": each inspector confirms for itself"),
            std::string::npos)
      << audit.failures[0].what;
  EXPECT_EQ(audit.failures[1].sequence, off_visit);
  EXPECT_NE(audit.failures[1].what.find("user off confirmed visit " + draw_ + "/" + v.credit_code +
                                        " without being on its team (as inspector " + off_team_ + ")"),
            std::string::npos)
      << audit.failures[1].what;
  EXPECT_EQ(audit.failures[2].sequence, by_operator);
  EXPECT_NE(audit.failures[2].what.find("ResultConfirmed by tester, who is not a registered user"), std::string::npos)
      << audit.failures[2].what;
}

}  // namespace
}  // namespace suiji
