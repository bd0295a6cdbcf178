#include "api/inspection_service.h"

#include <gtest/gtest.h>

#include "ledger/core/sha256.h"
#include "tests/support/inspection_fixture.h"

namespace suiji {
namespace {

using inspection::DeadlineKind;
using inspection::DeadlineStatus;
using inspection::Handling;
using inspection::ResultState;
using testing_support::InspectionNodeTest;

class InspectionServiceTest : public InspectionNodeTest {
 protected:
  const inspection::Deadline* Find(DeadlineKind kind, const std::string& code = "") {
    deadlines_ = *inspections_->Deadlines();
    for (const auto& d : deadlines_) {
      if (d.kind == kind && d.credit_code == code) return &d;
    }
    return nullptr;
  }

  // A plan and one task of item I1 in `window`, drawn; returns the draw id.
  std::string DrawnIn(const std::string& start, const std::string& end) {
    MakeDirectory();
    draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""};
    EXPECT_TRUE(draws_->FilePlan(plan, actor_).ok());
    draw::TaskRecord t = SampleTask("TW");
    t.window_start = start;
    t.window_end = end;
    auto s = draws_->DefineTask(t, actor_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    std::string id = RunCeremony("TW");
    EXPECT_TRUE(inspections_->Sync().ok());
    return id;
  }

  std::vector<inspection::Deadline> deadlines_;
};

TEST_F(InspectionServiceTest, ResultGoesThroughReviewToPublication) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  auto r = CleanResult(d, v, "2026-06-01");
  ASSERT_TRUE(inspections_->RecordResult(r, actor_).ok());
  const auto* info = inspections_->world().Result(d, v.credit_code);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->state, ResultState::kEntered);
  EXPECT_EQ(info->latest().revision, 1u);
  ConfirmByTeam(d, v.credit_code);
  ASSERT_TRUE(inspections_->Submit(d, v.credit_code, actor_).ok());
  EXPECT_EQ(info->state, ResultState::kAwaitingReview);
  ASSERT_TRUE(inspections_->Review(d, v.credit_code, true, "", reviewer_).ok());
  EXPECT_EQ(info->state, ResultState::kApproved);
  ASSERT_TRUE(inspections_->Publish(d, v.credit_code, actor_).ok());
  EXPECT_EQ(info->state, ResultState::kPublished);
  EXPECT_EQ(info->published_revision, 1u);
  EXPECT_EQ(info->published_date, "2026-06-01");
  ASSERT_NE(info->published(), nullptr);
  EXPECT_EQ(info->published()->items[0].outcome, inspection::Outcome::NoProblem);
}

TEST_F(InspectionServiceTest, IllegalTransitionsAreRefusedNamingTheState) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  const std::string code = v.credit_code;
  auto before = inspections_->Submit(d, code, actor_);
  EXPECT_EQ(before.status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d, v, "2026-06-01"), actor_).ok());

  auto pub = inspections_->Publish(d, code, actor_);
  EXPECT_EQ(pub.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(pub.status().message().find("it is entered; next: submit it for review"),
            std::string::npos) << pub.status().message();
  auto rev = inspections_->Review(d, code, true, "", reviewer_);
  EXPECT_EQ(rev.status().code(), StatusCode::kFailedPrecondition);

  ConfirmByTeam(d, code);
  ASSERT_TRUE(inspections_->Submit(d, code, actor_).ok());
  auto again = inspections_->Submit(d, code, actor_);
  EXPECT_NE(again.status().message().find("it is awaiting_review"), std::string::npos);
  auto edit = inspections_->RecordResult(CleanResult(d, v, "2026-06-01"), actor_);
  EXPECT_EQ(edit.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(edit.status().message().find("cannot record a new revision"), std::string::npos);

  // The person who entered it does not review it; a return needs a reason.
  auto self = inspections_->Review(d, code, true, "", actor_);
  EXPECT_EQ(self.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(self.status().message().find("another person reviews it"), std::string::npos);
  auto bare = inspections_->Review(d, code, false, "", reviewer_);
  EXPECT_EQ(bare.status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(inspections_->Review(d, code, false, "证据不足，请补充录像", reviewer_).ok());
  const auto* info = inspections_->world().Result(d, code);
  EXPECT_EQ(info->state, ResultState::kReturned);
  auto pub2 = inspections_->Publish(d, code, actor_);
  EXPECT_NE(pub2.status().message().find("it is returned; next: record a new revision"),
            std::string::npos);

  // A returned result is revised (revision 2), then goes round again.
  auto r2 = CleanResult(d, v, "2026-06-01");
  r2.evidence.push_back(r2.evidence[0]);
  r2.evidence[1].name = "补充录像.mp4";
  ASSERT_TRUE(inspections_->RecordResult(r2, actor_).ok());
  EXPECT_EQ(info->latest().revision, 2u);
  ConfirmByTeam(d, code);
  ASSERT_TRUE(inspections_->Submit(d, code, actor_).ok());
  ASSERT_TRUE(inspections_->Review(d, code, true, "", reviewer_).ok());
  ASSERT_TRUE(inspections_->Publish(d, code, actor_).ok());
  EXPECT_EQ(info->published_revision, 2u);
  EXPECT_EQ(info->revisions.size(), 2u);

  // After publication the only change is a correction.
  auto r3 = inspections_->RecordResult(CleanResult(d, v, "2026-06-01"), actor_);
  EXPECT_NE(r3.status().message().find("it is published; next: record a correction"),
            std::string::npos);
}

TEST_F(InspectionServiceTest, CorrectionIsRecordedBesideTheOriginal) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  auto original = CleanResult(d, v, "2026-06-01");
  RecordAndPublish(original);
  auto corrected = ViolationResult(d, v, "2026-06-01", {Handling::OrderCorrection});
  auto none = inspections_->Correct(original, "无变化", actor_);
  EXPECT_NE(none.status().message().find("changes nothing"), std::string::npos);
  auto noreason = inspections_->Correct(corrected, "", actor_);
  EXPECT_EQ(noreason.status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(inspections_->Correct(corrected, "录入时遗漏了合同问题", actor_).ok());
  const auto* info = inspections_->world().Result(d, v.credit_code);
  ASSERT_EQ(info->corrections.size(), 1u);
  EXPECT_EQ(info->corrections[0].record.correction, 1u);
  EXPECT_EQ(info->corrections[0].record.reason, "录入时遗漏了合同问题");
  // The original stays as published; the correction stands beside it.
  original.revision = 1;
  EXPECT_EQ(*info->published(), original);
  EXPECT_EQ(info->current().items[0].outcome, inspection::Outcome::Corrected);
  EXPECT_EQ(info->state, ResultState::kPublished);
}

TEST_F(InspectionServiceTest, ResultsAreCheckedAgainstTheDrawAndTheChecklist) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  auto expect_refused = [&](inspection::ResultRecord r, StatusCode code, const std::string& what) {
    auto s = inspections_->RecordResult(std::move(r), actor_);
    EXPECT_EQ(s.status().code(), code) << what << ": " << s.status().ToString();
    EXPECT_NE(s.status().message().find(what), std::string::npos) << s.status().message();
  };
  auto r = CleanResult(d, v, "2026-06-01");
  r.credit_code = target_codes_.back();
  bool drawn = false;
  for (const auto& x : inspections_->world().draws.Draw(d)->visits) drawn |= x.credit_code == r.credit_code;
  if (!drawn) expect_refused(r, StatusCode::kFailedPrecondition, "was not drawn");

  r = CleanResult(d, v, "2026-06-01");
  r.team[0] = "JS9999999";
  expect_refused(r, StatusCode::kInvalidArgument, "is not on the drawn team");

  r = CleanResult(d, v, "2026-06-01");
  r.items[0].item_id = "I2";
  expect_refused(r, StatusCode::kInvalidArgument, "is not an item of task");

  r = CleanResult(d, v, "2026-06-01");
  r.items[0].findings[0].point = "不在检查表上";
  expect_refused(r, StatusCode::kInvalidArgument, "is not on the checklist");

  r = CleanResult(d, v, "2026-05-30");
  expect_refused(r, StatusCode::kInvalidArgument, "outside the task's window");

  r = CleanResult(d, v, "2026-06-05");
  expect_refused(r, StatusCode::kInvalidArgument, "is in the future");

  r = CleanResult(d, v, "2026-06-01");
  r.items[0].outcome = inspection::Outcome::Corrected;
  expect_refused(r, StatusCode::kInvalidArgument, "list the violations");

  r = ViolationResult(d, v, "2026-06-01", {Handling::OrderCorrection, Handling::Fine}, true);
  r.items[0].violations[0].fine_yuan = 2000;
  expect_refused(r, StatusCode::kInvalidArgument, "no-penalty list");

  // Nothing refused reached the log.
  EXPECT_EQ(inspections_->world().Result(d, v.credit_code), nullptr);
  // A minor first violation on the no-penalty list, corrected without a fine, is accepted.
  r = ViolationResult(d, v, "2026-06-01", {Handling::OrderCorrection, Handling::NoPenalty}, true);
  auto ok = inspections_->RecordResult(r, actor_);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_F(InspectionServiceTest, TransferAndCreditReevaluationFollowThePublishedResult) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  const std::string code = v.credit_code;
  auto r = ViolationResult(d, v, "2026-06-01", {Handling::OrderCorrection, Handling::TransferPolice});
  ASSERT_TRUE(inspections_->RecordResult(r, actor_).ok());

  inspection::TransferRecord dept{d, code, inspection::TransferKind::Department, "市场监督管理局",
                                  "2026-06-01", "涉及营业执照问题"};
  auto wrong = inspections_->Transfer(dept, actor_);
  EXPECT_EQ(wrong.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.status().message().find("移送有关部门"), std::string::npos);
  inspection::TransferRecord police{d, code, inspection::TransferKind::Police, "常州市公安局",
                                    "2026-06-01", "涉嫌拒不支付劳动报酬罪"};
  ASSERT_TRUE(inspections_->Transfer(police, actor_).ok());

  inspection::ReevaluationRecord grade{d, code, "C", "2026-06-01", "抽查发现违法行为"};
  auto early = inspections_->Reevaluate(grade, actor_);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  ConfirmByTeam(d, code);
  ASSERT_TRUE(inspections_->Submit(d, code, actor_).ok());
  ASSERT_TRUE(inspections_->Review(d, code, true, "", reviewer_).ok());
  ASSERT_TRUE(inspections_->Publish(d, code, actor_).ok());
  ASSERT_TRUE(inspections_->Reevaluate(grade, actor_).ok());

  // The new grade is in the directory the next draw reads (the fold and the projection).
  EXPECT_EQ(inspections_->world().draws.dir.targets.at(code).credit_grade, "C");
  EXPECT_EQ(inspections_->world().draws.dir.targets.at(code).grade_date, "2026-06-01");
  ASSERT_TRUE(dirsvc_->Sync().ok());
  auto t = projection_->GetTarget(code);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->credit_grade, "C");
  ASSERT_TRUE(draws_->Sync().ok());
  EXPECT_EQ(draws_->world().dir.targets.at(code).credit_grade, "C");
  const auto* info = inspections_->world().Result(d, code);
  EXPECT_EQ(info->transfers.size(), 1u);
  EXPECT_EQ(info->reevaluations.size(), 1u);
}

TEST_F(InspectionServiceTest, ConfirmDeadlineIsTwoWorkingDaysAfterTheDraw) {
  const std::string d = Drawn();  // revealed Monday 2026-06-01
  const auto* c = Find(DeadlineKind::kConfirm);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->from, "2026-06-01");
  EXPECT_EQ(c->due, "2026-06-03");
  EXPECT_EQ(c->status, DeadlineStatus::kOpen);
  SetDate("2026-06-05");
  c = Find(DeadlineKind::kConfirm);
  EXPECT_EQ(c->status, DeadlineStatus::kOverdue);
  EXPECT_EQ(c->working_days_late, 2);
  EXPECT_EQ(c->org_id, "320400");
  inspection::AnnouncementRecord a;
  a.draw_id = d;
  a.confirmed_by = {"王科长"};
  ASSERT_TRUE(inspections_->Announce(a, actor_).ok());
  c = Find(DeadlineKind::kConfirm);
  EXPECT_EQ(c->done, "2026-06-05");
  EXPECT_EQ(c->status, DeadlineStatus::kLate);
  EXPECT_EQ(c->working_days_late, 2);
  auto twice = inspections_->Announce(a, actor_);
  EXPECT_NE(twice.status().message().find("already announced"), std::string::npos);
}

TEST_F(InspectionServiceTest, EntryDeadlineSpansTheSpringFestivalAndAMakeUpSaturday) {
  const std::string d = DrawnIn("2026-02-02", "2026-02-13");
  const auto& v = FirstVisit(d);
  // Inspected Friday 13 February 2026: Saturday 14th is a make-up working day (1), the 15th
  // to the 23rd are the Spring Festival holiday, Tuesday 24th is the second working day.
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d, v, "2026-02-13"), actor_).ok());
  const auto* e = Find(DeadlineKind::kEnter, v.credit_code);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->due, "2026-02-24");
  EXPECT_EQ(e->done, "2026-06-01");
  EXPECT_EQ(e->status, DeadlineStatus::kLate);
  // Publication: 20 working days after 13 February: the 14th (make-up), 24th-27th, the 28th
  // (make-up), 2-6 and 9-13 March, then 16-19 March.
  const auto* p = Find(DeadlineKind::kPublish, v.credit_code);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->due, "2026-03-19");
  EXPECT_EQ(p->status, DeadlineStatus::kOverdue);
}

TEST_F(InspectionServiceTest, PublishDeadlineSpansTheNationalDayHoliday) {
  const std::string d = DrawnIn("2026-06-01", "2026-09-30");
  const auto& v = FirstVisit(d);
  // 1-7 October off; 8, 9, Saturday 10 (make-up) count, then 12-16, 19-23, 26-30, 2-3 Nov.
  SetDate("2026-11-03");
  const auto* p = Find(DeadlineKind::kPublish, v.credit_code);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->from, "2026-09-30");
  EXPECT_EQ(p->due, "2026-11-03");
  EXPECT_EQ(p->status, DeadlineStatus::kOpen);
  SetDate("2026-11-05");
  p = Find(DeadlineKind::kPublish, v.credit_code);
  EXPECT_EQ(p->status, DeadlineStatus::kOverdue);
  EXPECT_EQ(p->working_days_late, 2);
  RecordAndPublish(CleanResult(d, v, "2026-09-30"));
  p = Find(DeadlineKind::kPublish, v.credit_code);
  EXPECT_EQ(p->status, DeadlineStatus::kLate);
  EXPECT_EQ(p->done, "2026-11-05");
}

// One user's claim is not the team's confirmation: a result naming `confirmed_by` is refused
// (before: the recorder's list was taken as every inspector's confirmation).
TEST_F(InspectionServiceTest, ARecorderCannotConfirmForTheTeam) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  auto r = CleanResult(d, v, "2026-06-01");
  r.confirmed_by = r.team;
  const uint64_t before = ledger_->size();
  auto s = inspections_->RecordResult(r, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << s.status().ToString();
  EXPECT_NE(s.status().message().find("confirmed_by"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("confirms the recorded revision themself"), std::string::npos)
      << s.status().message();
  EXPECT_EQ(ledger_->size(), before);
  EXPECT_EQ(inspections_->world().Result(d, v.credit_code), nullptr);
}

// Each inspector of the team confirms the exact revision with its own user; the result is
// submitted (and approved) only once all of them have, and a new revision needs new ones.
TEST_F(InspectionServiceTest, EachInspectorConfirmsTheRevisionThemself) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  const std::string code = v.credit_code;
  ASSERT_EQ(v.team.size(), 2u);
  const std::string a = v.team[0], b = v.team[1];
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d, v, "2026-06-01"), actor_).ok());
  const inspection::ResultInfo* info = inspections_->world().Result(d, code);
  const Hash hash = info->revision_sha256.back();
  const identity::UserInfo& ua = InspectorUser(a);
  const identity::UserInfo& ub = InspectorUser(b);
  uint64_t size = ledger_->size();

  auto unconfirmed = inspections_->Submit(d, code, actor_);
  EXPECT_EQ(unconfirmed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unconfirmed.status().message().find("is not confirmed by inspector(s) " + a + ", " + b),
            std::string::npos)
      << unconfirmed.status().message();
  EXPECT_EQ(ledger_->size(), size);

  auto by_a = ConfirmAs(a, d, code);
  ASSERT_TRUE(by_a.ok()) << by_a.status().ToString();
  size = ledger_->size();
  // A's user cannot confirm in B's name, nor twice; nobody confirms another hash, nor a
  // revision of a team it is not on; a user that is no inspector confirms nothing.
  auto for_b = inspections_->Confirm(d, code, 1, hash, ub, {"320400", ua.user.user_id});
  EXPECT_EQ(for_b.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(for_b.status().message().find("user insp-" + a + " may not confirm as user insp-" + b),
            std::string::npos)
      << for_b.status().message();
  auto twice = ConfirmAs(a, d, code);
  EXPECT_EQ(twice.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(twice.status().message().find("inspector \"" + a + "\" already confirmed revision 1"), std::string::npos)
      << twice.status().message();
  auto other_hash =
      inspections_->Confirm(d, code, 1, Sha256(AsBytes("another text")), ub, {"320400", ub.user.user_id});
  EXPECT_EQ(other_hash.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(other_hash.status().message().find("confirm what was recorded"), std::string::npos)
      << other_hash.status().message();
  std::string outsider;
  for (int i = 0; i < 8 && outsider.empty(); ++i) {
    const std::string id = "JS" + std::to_string(3204000 + i);
    if (std::find(v.team.begin(), v.team.end(), id) == v.team.end()) outsider = id;
  }
  auto not_on_team = ConfirmAs(outsider, d, code);
  EXPECT_EQ(not_on_team.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(not_on_team.status().message().find("inspector \"" + outsider + "\" is not on the team of revision 1"),
            std::string::npos)
      << not_on_team.status().message();
  ASSERT_TRUE(identity_->RegisterUser({"rev", "审核员", "320400", {"reviewer"}, "", {}, ""}, actor_).ok());
  ASSERT_TRUE(identity_->Sync().ok());
  size = ledger_->size();
  auto reviewer = inspections_->Confirm(d, code, 1, hash, *identity_->world().User("rev"), {"320400", "rev"});
  EXPECT_EQ(reviewer.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(reviewer.status().message().find("is not an inspector user"), std::string::npos)
      << reviewer.status().message();
  auto half = inspections_->Submit(d, code, actor_);
  EXPECT_EQ(half.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(half.status().message().find("is not confirmed by inspector(s) " + b + " of its team"), std::string::npos)
      << half.status().message();
  EXPECT_EQ(ledger_->size(), size);

  ASSERT_TRUE(ConfirmAs(b, d, code).ok());
  EXPECT_TRUE(info->Unconfirmed().empty());
  ASSERT_TRUE(inspections_->Submit(d, code, actor_).ok());
  auto late = ConfirmAs(b, d, code);
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("cannot confirm"), std::string::npos) << late.status().message();

  // Returned, revised: revision 2 is confirmed on its own.
  ASSERT_TRUE(inspections_->Review(d, code, false, "证据不足", reviewer_).ok());
  auto r2 = CleanResult(d, v, "2026-06-01");
  r2.evidence.push_back(r2.evidence[0]);
  r2.evidence[1].name = "补充录像.mp4";
  ASSERT_TRUE(inspections_->RecordResult(r2, actor_).ok());
  auto again = inspections_->Submit(d, code, actor_);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("revision 2 is not confirmed by inspector(s) " + a + ", " + b),
            std::string::npos)
      << again.status().message();
  auto stale = inspections_->Confirm(d, code, 1, hash, ua, {"320400", ua.user.user_id});
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.status().message().find("revision 1 is not the latest (2)"), std::string::npos)
      << stale.status().message();
  ConfirmByTeam(d, code);
  ASSERT_TRUE(inspections_->Submit(d, code, actor_).ok());
  ASSERT_TRUE(inspections_->Review(d, code, true, "", reviewer_).ok());
  EXPECT_EQ(info->confirmations.size(), 4u);
}

}  // namespace
}  // namespace suiji
