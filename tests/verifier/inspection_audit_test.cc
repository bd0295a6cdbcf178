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

}  // namespace
}  // namespace suiji
