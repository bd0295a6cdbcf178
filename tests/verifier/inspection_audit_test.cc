#include "verifier/inspection_audit.h"

#include <gtest/gtest.h>

#include "tests/support/inspection_fixture.h"

namespace suiji {
namespace {

using testing_support::InspectionNodeTest;

class InspectionAuditTest : public InspectionNodeTest {};

TEST_F(InspectionAuditTest, AWorkflowFollowingTheRulesAuditsCleanWithItsDeadlines) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  inspection::AnnouncementRecord a;
  a.draw_id = d;
  a.confirmed_by = {"王科长"};
  ASSERT_TRUE(inspections_->Announce(a, actor_).ok());
  RecordAndPublish(CleanResult(d, v, "2026-06-01"));
  SetDate("2026-09-01");  // past every publish deadline (2026-07-31 + 20 working days)
  std::vector<EventDraft> memo{{EventType::Memo, MakeMemoPayload("巡查", "九月一日"), actor_}};
  ASSERT_TRUE(ledger_->Append(memo).ok());  // the log's last entry is dated 2026-09-01
  std::string log = Export();
  InspectionAudit audit = AuditInspections(AsBytes(log));
  ASSERT_TRUE(audit.ok()) << audit.failures[0].what;
  EXPECT_EQ(audit.as_of, "2026-09-01");
  EXPECT_EQ(audit.announcements, 1u);
  EXPECT_EQ(audit.results_by_state.at("published"), 1u);
  EXPECT_EQ(audit.deadlines.at("confirm").at("met"), 1u);
  EXPECT_EQ(audit.deadlines.at("publish").at("met"), 1u);
  const size_t visits = inspections_->world().draws.Draw(d)->visits.size();
  EXPECT_EQ(audit.deadlines.at("publish").at("overdue"), visits - 1);
  EXPECT_EQ(audit.overdue_by_bureau.at("320400"), visits - 1);
}

TEST_F(InspectionAuditTest, APublicationWithoutReviewWrittenBehindTheNodeIsReported) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  auto r = CleanResult(d, v, "2026-06-01");
  ASSERT_TRUE(inspections_->RecordResult(r, actor_).ok());
  // Something other than the node appends a publication of an unreviewed result.
  inspection::ResultStepRecord s{d, v.credit_code, 1, "2026-06-01"};
  std::vector<EventDraft> drafts{{EventType::ResultPublished, inspection::EncodeStep(s), actor_}};
  auto seq = ledger_->Append(drafts);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  InspectionAudit audit = AuditInspections(AsBytes(Export()));
  ASSERT_EQ(audit.failures.size(), 1u);
  EXPECT_EQ(audit.failures[0].sequence, *seq);
  EXPECT_NE(audit.failures[0].what.find("cannot publish"), std::string::npos)
      << audit.failures[0].what;
  EXPECT_NE(audit.failures[0].what.find("it is entered"), std::string::npos);
}

// Issue 17, 8c: the recorder's list of who confirmed is no one's confirmation. A result whose
// `confirmed_by` names the team, written behind the node and then submitted, is reported at
// the result itself.
TEST_F(InspectionAuditTest, AResultClaimingTheTeamsConfirmationIsReported) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  auto r = CleanResult(d, v, "2026-06-01");
  r.revision = 1;
  r.confirmed_by = r.team;
  inspection::ResultStepRecord s{d, v.credit_code, 1, ""};
  std::vector<EventDraft> drafts{{EventType::ResultRecorded, inspection::EncodeResult(r), actor_},
                                 {EventType::ResultSubmitted, inspection::EncodeStep(s), actor_}};
  auto seq = ledger_->Append(drafts);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  InspectionAudit audit = AuditInspections(AsBytes(Export()));
  ASSERT_EQ(audit.failures.size(), 1u);
  EXPECT_EQ(audit.failures[0].sequence, *seq);
  EXPECT_NE(audit.failures[0].what.find("confirmed_by"), std::string::npos) << audit.failures[0].what;
}

// A submission before every inspector of the team confirmed the revision, written behind the
// node, is reported naming who did not confirm.
TEST_F(InspectionAuditTest, ASubmissionWithoutTheTeamsOwnConfirmationsIsReported) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d, v, "2026-06-01"), actor_).ok());
  ASSERT_TRUE(ConfirmAs(v.team[0], d, v.credit_code).ok());
  inspection::ResultStepRecord s{d, v.credit_code, 1, ""};
  std::vector<EventDraft> drafts{{EventType::ResultSubmitted, inspection::EncodeStep(s), actor_}};
  auto seq = ledger_->Append(drafts);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  InspectionAudit audit = AuditInspections(AsBytes(Export()));
  ASSERT_EQ(audit.failures.size(), 1u);
  EXPECT_EQ(audit.failures[0].sequence, *seq);
  EXPECT_NE(audit.failures[0].what.find("cannot submit"), std::string::npos) << audit.failures[0].what;
  EXPECT_NE(audit.failures[0].what.find("is not confirmed by inspector(s) " + v.team[1] + " of its team"),
            std::string::npos)
      << audit.failures[0].what;
}

// A confirmation naming another revision's hash (what the inspector did not read) is reported.
TEST_F(InspectionAuditTest, AConfirmationOfAnotherTextIsReported) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  ASSERT_TRUE(inspections_->RecordResult(CleanResult(d, v, "2026-06-01"), actor_).ok());
  inspection::ConfirmationRecord c{d, v.credit_code, 1, Sha256(AsBytes("not the result")), v.team[0]};
  std::vector<EventDraft> drafts{
      {EventType::ResultConfirmed, inspection::EncodeConfirmation(c), {"320400", InspectorUser(v.team[0]).user.user_id}}};
  auto seq = ledger_->Append(drafts);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  InspectionAudit audit = AuditInspections(AsBytes(Export()));
  ASSERT_EQ(audit.failures.size(), 1u);
  EXPECT_EQ(audit.failures[0].sequence, *seq);
  EXPECT_NE(audit.failures[0].what.find("confirm what was recorded"), std::string::npos) << audit.failures[0].what;
}

}  // namespace
}  // namespace suiji
