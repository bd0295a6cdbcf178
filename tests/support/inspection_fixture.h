// Test support: DrawNodeTest (draw_fixture.h) plus the bundled holiday calendars, an
// InspectionService on the same clock and an IdentityService, with helpers to run a draw,
// build a valid result for one of its visits and have its team confirm it (each inspector
// through an inspector user of its own).
#pragma once

#include "api/calendar_data.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"
#include "ledger/core/sha256.h"
#include "tests/support/draw_fixture.h"

namespace suiji::testing_support {

class InspectionNodeTest : public DrawNodeTest {
 protected:
  void SetUp() override {
    DrawNodeTest::SetUp();
    auto schedules = directory::ParseScheduleTable(BundledCalendarTable());
    ASSERT_TRUE(schedules.ok()) << schedules.status().ToString();
    ASSERT_TRUE(dirsvc_->PublishCalendars(*schedules, actor_).ok());
    auto now = now_us_;
    inspections_ = std::make_unique<InspectionService>(*ledger_, ledger_->storage(),
                                                       [now] { return *now; });
    identity_ = std::make_unique<IdentityService>(*ledger_, ledger_->storage());
  }
  void TearDown() override {
    identity_.reset();
    inspections_.reset();
    DrawNodeTest::TearDown();
  }

  // Moves the clock to 10:00 China time (02:00 UTC) of `date`.
  void SetDate(const std::string& date) {
    *now_us_ = (directory::DayNumber(date) * 86400 + 2 * 3600) * 1000000;
  }

  // The directory, plan and task, and a drawn draw of "T1"; returns its id.
  std::string Drawn() {
    MakeDirectory();
    MakePlanAndTask();
    std::string id = RunCeremony();
    EXPECT_TRUE(inspections_->Sync().ok());
    return id;
  }

  const draw::VisitRecord& FirstVisit(const std::string& draw_id) {
    return inspections_->world().draws.Draw(draw_id)->visits.at(0);
  }

  // A valid "no problem" result of `v` inspected on `date` by its drawn team.
  inspection::ResultRecord CleanResult(const std::string& draw_id, const draw::VisitRecord& v,
                                       const std::string& date) {
    inspection::ResultRecord r;
    r.draw_id = draw_id;
    r.credit_code = v.credit_code;
    r.revision = 0;
    r.inspection_date = date;
    inspection::ItemResultRecord item;
    item.item_id = "I1";
    item.outcome = inspection::Outcome::NoProblem;
    item.findings.push_back({"合同文本", true, ""});
    r.items.push_back(item);
    r.team = v.team;
    inspection::EvidenceRecord ev;
    ev.sha256 = Sha256(AsBytes("recorder video"));
    ev.size = 14;
    ev.kind = "video";
    ev.name = "执法记录仪-001.mp4";
    r.evidence.push_back(ev);
    return r;
  }

  // The same, with a violation of 劳动合同法第十条 handled by `handling`.
  inspection::ResultRecord ViolationResult(const std::string& draw_id, const draw::VisitRecord& v,
                                           const std::string& date,
                                           std::vector<inspection::Handling> handling,
                                           bool no_penalty = false) {
    inspection::ResultRecord r = CleanResult(draw_id, v, date);
    auto& item = r.items[0];
    item.outcome = inspection::Outcome::Corrected;
    item.findings[0] = {"合同文本", false, "3名劳动者未签订书面劳动合同"};
    item.violations.push_back({"未与劳动者订立书面劳动合同", "《劳动合同法》第十条", handling,
                               no_penalty, 0});
    return r;
  }

  // The user of directory inspector `inspector_id` ("insp-" + the id, of the city 320400),
  // registered by the operator the first time it is asked for.
  const identity::UserInfo& InspectorUser(const std::string& inspector_id) {
    const std::string id = "insp-" + inspector_id;
    EXPECT_TRUE(identity_->Sync().ok());
    if (identity_->world().User(id) == nullptr) {
      auto s = identity_->RegisterUser({id, "检查员" + inspector_id, "320400", {"inspector"}, inspector_id, {}, ""},
                                       actor_);
      EXPECT_TRUE(s.ok()) << s.status().ToString();
    }
    return *identity_->world().User(id);
  }

  // Inspector `inspector_id` confirms the latest revision of the visit's result through its
  // own user, naming that revision's hash.
  StatusOr<uint64_t> ConfirmAs(const std::string& inspector_id, const std::string& draw_id,
                               const std::string& code) {
    const identity::UserInfo& u = InspectorUser(inspector_id);
    EXPECT_TRUE(inspections_->Sync().ok());
    const inspection::ResultInfo* r = inspections_->world().Result(draw_id, code);
    if (r == nullptr) return NotFound("no result to confirm");
    return inspections_->Confirm(draw_id, code, r->latest().revision, r->revision_sha256.back(), u,
                                 {"320400", u.user.user_id});
  }

  // Every inspector of the latest revision's team confirms it.
  void ConfirmByTeam(const std::string& draw_id, const std::string& code) {
    ASSERT_TRUE(inspections_->Sync().ok());
    const std::vector<std::string> team = inspections_->world().Result(draw_id, code)->latest().team;
    for (const auto& id : team) {
      auto c = ConfirmAs(id, draw_id, code);
      ASSERT_TRUE(c.ok()) << c.status().ToString();
    }
  }

  // Record, confirm (by the team), submit, approve (by another user) and publish.
  void RecordAndPublish(const inspection::ResultRecord& r) {
    auto rec = inspections_->RecordResult(r, actor_);
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    ConfirmByTeam(r.draw_id, r.credit_code);
    ASSERT_TRUE(inspections_->Submit(r.draw_id, r.credit_code, actor_).ok());
    auto rv = inspections_->Review(r.draw_id, r.credit_code, true, "", reviewer_);
    ASSERT_TRUE(rv.ok()) << rv.status().ToString();
    auto pub = inspections_->Publish(r.draw_id, r.credit_code, actor_);
    ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  }

  Actor reviewer_{"320400", "reviewer"};
  std::unique_ptr<InspectionService> inspections_;
  std::unique_ptr<IdentityService> identity_;
};

}  // namespace suiji::testing_support
