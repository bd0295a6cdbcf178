// The verifier's compact folds (verifier/compact_state.h): what they leave out is read back
// exactly when a rule needs it.
#include "verifier/compact_state.h"

#include <gtest/gtest.h>

#include "ledger/core/export_format.h"
#include "tests/support/inspection_fixture.h"
#include "verifier/export_entries.h"
#include "verifier/inspection_audit.h"

namespace suiji {
namespace {

using testing_support::InspectionNodeTest;

class CompactStateTest : public InspectionNodeTest {};

// A published result whose contents the audit left in the export: a correction restating it
// unchanged is compared with the contents decoded again, and refused as the node refuses it.
TEST_F(CompactStateTest, ACorrectionIsComparedWithTheResultDecodedAgainFromTheExport) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  inspection::ResultRecord r = ViolationResult(d, v, "2026-06-01", {inspection::Handling::OrderCorrection});
  RecordAndPublish(r);
  r.revision = 1;
  inspection::CorrectionRecord same{1, "复核", r};
  std::vector<EventDraft> drafts{{EventType::ResultCorrected, inspection::EncodeCorrection(same), actor_}};
  auto seq = ledger_->Append(drafts);  // written behind the node, which would refuse it
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  InspectionAudit audit = AuditInspections(AsBytes(Export()));
  ASSERT_EQ(audit.failures.size(), 1u);
  EXPECT_EQ(audit.failures[0].sequence, *seq);
  EXPECT_EQ(audit.failures[0].what,
            "entry " + std::to_string(*seq) + " (ResultCorrected): the correction changes nothing");
  EXPECT_EQ(audit.corrections, 0u);
}

// A transfer reads the violations of the result as it stands (its handling), and a correction
// that does change it is accepted: both are counted.
TEST_F(CompactStateTest, ATransferAndACorrectionReadTheResultsContents) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  inspection::ResultRecord r = ViolationResult(d, v, "2026-06-01", {inspection::Handling::OrderCorrection, inspection::Handling::TransferPolice});
  RecordAndPublish(r);
  SetDate("2026-06-03");
  auto t = inspections_->Transfer({d, v.credit_code, inspection::TransferKind::Police, "常州市公安局",
                                   "2026-06-02", "涉嫌拒不支付劳动报酬"},
                                  actor_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  inspection::ResultRecord changed = r;
  changed.items[0].findings[0].text = "4名劳动者未签订书面劳动合同";
  auto c = inspections_->Correct(changed, "人数更正", actor_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  InspectionAudit audit = AuditInspections(AsBytes(Export()));
  ASSERT_TRUE(audit.ok()) << audit.failures[0].what;
  EXPECT_EQ(audit.transfers, 1u);
  EXPECT_EQ(audit.corrections, 1u);
  EXPECT_EQ(audit.results_by_state.at("published"), 1u);
}

// A transfer of a result that lists no violation so handled is refused at the same entry, with
// the fold's own words, although the audit held the result's contents in the export.
TEST_F(CompactStateTest, ATransferWithoutSuchAViolationIsRefusedAsTheFoldRefusesIt) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  RecordAndPublish(ViolationResult(d, v, "2026-06-01", {inspection::Handling::OrderCorrection}));
  SetDate("2026-06-03");
  inspection::TransferRecord t{d, v.credit_code, inspection::TransferKind::Police, "常州市公安局",
                               "2026-06-02", "涉嫌"};
  std::vector<EventDraft> drafts{{EventType::CaseTransferred, inspection::EncodeTransfer(t), actor_}};
  auto seq = ledger_->Append(drafts);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  const std::string log = Export();
  // The plain fold's refusal, with every result's contents in memory.
  inspection::InspectionWorld plain;
  std::string refusal;
  ASSERT_TRUE(ForEachExportedEntry(AsBytes(log), [&](const EntryView& e) {
                Status s = plain.Apply(e);
                if (!s.ok()) refusal = s.message();
                return s.ok();
              }).ok());
  ASSERT_NE(refusal.find("lists no violation handled by"), std::string::npos) << refusal;
  InspectionAudit audit = AuditInspections(AsBytes(log));
  ASSERT_EQ(audit.failures.size(), 1u);
  EXPECT_EQ(audit.failures[0].sequence, *seq);
  EXPECT_EQ(audit.failures[0].what, refusal);
}

// The draw audit's directory: every field an employer's rules read survives packing (its name
// and blacklist name are not kept), a re-registration replaces it, and the freeze inputs
// equal DrawWorld's.
TEST_F(CompactStateTest, PackedEmployersReadAsTheDrawWorldsAndFreezeTheSame) {
  Drawn();
  const std::string log = Export();
  draw::DrawWorld plain;
  PackedDrawWorld packed;
  ASSERT_TRUE(ForEachExportedEntry(AsBytes(log), [&](const EntryView& e) {
                EXPECT_TRUE(plain.Apply(e).ok());
                EXPECT_TRUE(packed.Apply(e).ok());
                return true;
              }).ok());
  EXPECT_TRUE(packed.world.dir.targets.empty());
  ASSERT_FALSE(plain.dir.targets.empty());
  for (const auto& [code, t] : plain.dir.targets) {
    auto got = packed.Employer(code);
    ASSERT_TRUE(got.has_value()) << code;
    directory::TargetRecord want = t;
    want.name.clear();
    want.blacklist_name.clear();
    EXPECT_EQ(*got, want) << code;
  }
  // An employer outside every task's regions: not passed to eligibility by the packed
  // directory, counted out of scope all the same.
  directory::TargetRecord far = plain.dir.targets.begin()->second;
  far.credit_code = "91110101MA1XYZ0009";
  far.region = "110101";
  plain.dir.PutTarget(far, std::nullopt);
  packed.PutTarget(far, std::nullopt);
  ASSERT_FALSE(plain.tasks.empty());
  int compared = 0;
  for (const auto& [id, task] : plain.tasks) {
    draw::ExclusionCounts want_ex, got_ex;
    auto want = plain.Freeze(id, &want_ex);
    auto got = draw::FreezeInputs(packed, id, &got_ex);
    ASSERT_EQ(want.ok(), got.ok()) << id;
    if (!want.ok()) {
      EXPECT_EQ(want.status().message(), got.status().message());
      continue;
    }
    EXPECT_FALSE(want->population.targets.empty());
    EXPECT_EQ(want->population.targets, got->population.targets);
    EXPECT_EQ(want->population.inspectors, got->population.inspectors);
    EXPECT_EQ(want->conflicts, got->conflicts);
    EXPECT_EQ(want_ex.out_of_scope, got_ex.out_of_scope);
    EXPECT_GE(got_ex.out_of_scope, 1u);
    EXPECT_EQ(want_ex.grade_a, got_ex.grade_a);
    EXPECT_EQ(want_ex.star, got_ex.star);
    EXPECT_EQ(want_ex.max_per_year, got_ex.max_per_year);
    EXPECT_EQ(want_ex.repeat_item, got_ex.repeat_item);
    EXPECT_EQ(want_ex.directed_filter, got_ex.directed_filter);
    ++compared;
  }
  EXPECT_GT(compared, 0);

  directory::TargetRecord full;
  full.credit_code = "91320402MA1XYZ0001";
  full.name = "常州市示例有限公司";
  full.region = "320402";
  full.industry = "3411";
  full.headcount = 300000;
  full.credit_grade = "C";
  full.grade_date = "2026-05-01";
  full.blacklisted = true;
  full.blacklist_name = "严重失信名单";
  full.blacklist_from = "2026-01-01";
  full.blacklist_until = "2027-01-01";
  full.star_level = 5;
  full.complaints = 1234;
  full.status = directory::TargetStatus::Moved;
  full.org_id = "320400";
  packed.PutTarget(full, std::nullopt);
  directory::TargetRecord kept = full;
  kept.name.clear();
  kept.blacklist_name.clear();
  EXPECT_EQ(packed.Employer(full.credit_code), kept);
  full.name = "常州市示例股份有限公司";
  full.status = directory::TargetStatus::Active;
  full.blacklist_until = "";
  full.headcount = 0;
  packed.PutTarget(full, std::nullopt);
  kept.status = directory::TargetStatus::Active;
  kept.blacklist_until = "";
  kept.headcount = 0;
  EXPECT_EQ(packed.Employer(full.credit_code), kept);
  EXPECT_EQ(packed.GetTarget("91320402MA1XYZ0002"), std::nullopt);
}

// The inspection and authority audits' employers: out of the fold between the events that name
// them, lent back as their status, region and org unit.
TEST_F(CompactStateTest, AShelvedEmployerIsLentBackAsItsStatusRegionAndOrg) {
  directory::MemoryDirectory dir;
  TargetShelf shelf;
  directory::TargetRecord t;
  t.credit_code = "91320402MA1XYZ0001";
  t.name = "常州市示例有限公司";
  t.region = "320402";
  t.industry = "3411";
  t.status = directory::TargetStatus::Active;
  t.org_id = "320400";
  dir.targets[t.credit_code] = t;
  shelf.Return(dir, t.credit_code);
  EXPECT_TRUE(dir.targets.empty());
  EXPECT_EQ(shelf.size(), 1u);
  shelf.Lend(dir, t.credit_code);
  ASSERT_EQ(dir.targets.count(t.credit_code), 1u);
  const directory::TargetRecord& lent = dir.targets.at(t.credit_code);
  EXPECT_EQ(lent.credit_code, t.credit_code);
  EXPECT_EQ(lent.region, "320402");
  EXPECT_EQ(lent.org_id, "320400");
  EXPECT_EQ(lent.status, directory::TargetStatus::Active);
  EXPECT_EQ(lent.name, "");
  shelf.Lend(dir, "91320402MA1XYZ0002");  // never shelved: nothing lent
  EXPECT_EQ(dir.targets.size(), 1u);
}

}  // namespace
}  // namespace suiji

namespace suiji {
namespace {

// Trim gives back a recorded result's contents (items, evidence, ids) and Restore decodes the
// very same record again from the export.
TEST_F(CompactStateTest, TrimmedContentsAreFreedAndRestoredExactly) {
  const std::string d = Drawn();
  const auto& v = FirstVisit(d);
  RecordAndPublish(ViolationResult(d, v, "2026-06-01", {inspection::Handling::OrderCorrection}));
  const std::string log = Export();
  const ByteView bytes = AsBytes(log);
  inspection::InspectionWorld world;
  ResultContents contents(bytes);
  ASSERT_TRUE(ForEachExportedEntry(bytes, [&](const EntryView& e) {
                contents.Note(e);
                EXPECT_TRUE(world.Apply(e).ok());
                return true;
              }).ok());
  inspection::ResultInfo& r = world.results.at({d, v.credit_code});
  const inspection::ResultRecord whole = r.latest();
  ASSERT_FALSE(whole.items.empty());
  contents.Trim(r);
  EXPECT_EQ(r.latest().items.capacity(), 0u);
  EXPECT_EQ(r.latest().evidence.capacity(), 0u);
  EXPECT_EQ(r.latest().credit_code, "");
  EXPECT_EQ(r.latest().team, whole.team);  // what the workflow rules read stays
  EXPECT_EQ(r.latest().revision, whole.revision);
  EXPECT_EQ(r.latest().inspection_date, whole.inspection_date);
  contents.Restore(r);
  EXPECT_EQ(r.latest(), whole);
}

}  // namespace
}  // namespace suiji
