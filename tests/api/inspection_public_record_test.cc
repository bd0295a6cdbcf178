// The public record (ledger/core/inspection/public_record.h) folded from a real node's log:
// two draws (one announced with its targets, one withheld, after a cancelled attempt), a
// result returned and revised before publication, a correction, a transfer, a credit
// re-evaluation, a result never published — and a marker planted in every internal field,
// which no public output may carry.
#include "ledger/core/inspection/public_record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "api/inspection_service.h"
#include "ledger/core/sha256.h"
#include "ledger/replay.h"
#include "projections/public_projection.h"
#include "tests/support/inspection_fixture.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

using inspection::Handling;
using inspection::Outcome;
using inspection::PublicRecord;
using inspection::ResultRecord;
using nlohmann::json;

// Internal data, planted where it belongs and looked for where it must not be.
constexpr const char* kNote = "MARKER-NOTE-7f3a";
constexpr const char* kComplainant = "MARKER-COMPLAINANT-21c9";
constexpr const char* kContact = "MARKER-CONTACT-13800000000";
constexpr const char* kReview = "MARKER-REVIEW-4be0";
constexpr const char* kConflict = "MARKER-CONFLICT-88d2";
constexpr const char* kMemo = "MARKER-MEMO-0c61";
constexpr const char* kDraft = "MARKER-DRAFT-5e17";
constexpr const char* kUnpublished = "MARKER-UNPUBLISHED-a930";
constexpr const char* kInspector = "MARKER-INSPECTOR-9b1c";
constexpr const char* kActor = "MARKER-ACTOR-d4f2";
constexpr const char* kEvidenceName = "MARKER-EVIDENCE-NAME-6a0b.mp4";
constexpr const char* kEscapedName = "王<b>&\"五";

class PublicRecordTest : public testing_support::InspectionNodeTest {
 protected:
  void SetUp() override {
    InspectionNodeTest::SetUp();
    reviewer_ = Actor{"320400", kActor};  // the reviewer's user is internal too (an actor)
  }

  template <typename T>
  static uint64_t Ok(const StatusOr<T>& s) {
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if constexpr (std::is_same_v<T, uint64_t>) return s.ok() ? *s : 0;
    return 0;
  }

  const draw::VisitRecord& VisitOf(const std::string& draw_id, const std::string& code) {
    return *inspections_->world().Visit(draw_id, code);
  }

  ResultRecord Result(const std::string& draw_id, const std::string& code,
                      const std::string& item, const std::string& point,
                      const std::string& date) {
    const draw::VisitRecord& v = VisitOf(draw_id, code);
    ResultRecord r;
    r.draw_id = draw_id;
    r.credit_code = code;
    r.revision = 0;
    r.inspection_date = date;
    inspection::ItemResultRecord it;
    it.item_id = item;
    it.outcome = Outcome::NoProblem;
    it.findings.push_back({point, true, ""});
    r.items.push_back(it);
    r.team = v.team;
    inspection::EvidenceRecord ev;
    ev.sha256 = Sha256(AsBytes("recorder video of " + code));
    ev.size = 4096;
    ev.kind = "video";
    ev.name = kEvidenceName;
    r.evidence.push_back(ev);
    return r;
  }

  static void Violation(ResultRecord& r, const std::string& finding, const std::string& what) {
    auto& it = r.items[0];
    it.outcome = Outcome::Corrected;
    it.findings[0].compliant = false;
    it.findings[0].text = finding;
    it.violations = {{what, "《劳动合同法》第十条",
                      {Handling::OrderCorrection, Handling::TransferDepartment}, false, 0}};
  }

  // The whole scenario; fills the members below.
  void Build() {
    MakeDirectory();
    draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""};
    Ok(draws_->FilePlan(plan, actor_));
    plan.note = "第二版：增加工资支付专项";
    Ok(draws_->FilePlan(plan, actor_));
    Ok(draws_->DefineTask(SampleTask("T1"), actor_));
    draw::TaskRecord t2 = SampleTask("T2");
    t2.title = "2026年工资支付专项抽查";
    t2.item_ids = {"I2"};
    t2.regions = {"320404"};
    t2.ratio_bp = 5000;
    Ok(draws_->DefineTask(t2, actor_));

    // Draw A (T1); T2 is committed, cancelled and drawn again (draw B).
    draw_a_ = RunCeremony("T1");
    auto f = draws_->Freeze("T2", actor_);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    cancelled_ = f->draw_id;
    Advance(60);
    Ok(draws_->Commit(cancelled_, Witnesses(), actor_));
    Ok(draws_->Cancel(cancelled_, "见证人未到场，重新抽取", actor_));
    Advance(60);
    draw_b_ = RunCeremony("T2");
    ASSERT_TRUE(inspections_->Sync().ok());

    // Targets: A's first two visits; B's first visit of its own (not merged into A).
    const draw::DrawInfo* a = inspections_->world().draws.Draw(draw_a_);
    const draw::DrawInfo* b = inspections_->world().draws.Draw(draw_b_);
    ASSERT_GE(a->visits.size(), 2u);
    a0_ = a->visits[0].credit_code;
    a1_ = a->visits[1].credit_code;
    for (const auto& v : b->visits) {
      if (v.merged_into.empty() && v.credit_code != a0_ && v.credit_code != a1_) {
        if (b0_.empty()) {
          b0_ = v.credit_code;
        } else if (b_other_.empty()) {
          b_other_ = v.credit_code;
        }
      }
    }
    ASSERT_FALSE(b0_.empty());
    ASSERT_FALSE(b_other_.empty());

    SetDate("2026-06-02");
    announce_a_ = Ok(inspections_->Announce({draw_a_, "", {"张科长"}, true, "", "首批公布"}, actor_));
    Ok(inspections_->Announce(
        {draw_b_, "", {"张科长"}, false, "涉及举报线索核查，检查前暂不公布", ""}, actor_));

    // a0: revision 1 returned by the reviewer, revision 2 approved and published.
    SetDate("2026-06-03");
    ResultRecord r1 = Result(draw_a_, a0_, "I1", "合同文本", "2026-06-03");
    Violation(r1, kDraft, "未与劳动者订立书面劳动合同");
    draft_seq_ = Ok(inspections_->RecordResult(r1, actor_));
    ConfirmByTeam(draw_a_, a0_);
    Ok(inspections_->Submit(draw_a_, a0_, actor_));
    review_seq_ = Ok(inspections_->Review(draw_a_, a0_, false, kReview, reviewer_));
    ResultRecord r2 = Result(draw_a_, a0_, "I1", "合同文本", "2026-06-03");
    Violation(r2, "3名员工未签订书面劳动合同", "未与3名劳动者订立书面劳动合同");
    published_rev_seq_ = Ok(inspections_->RecordResult(r2, actor_));
    ConfirmByTeam(draw_a_, a0_);
    Ok(inspections_->Submit(draw_a_, a0_, actor_));
    Ok(inspections_->Review(draw_a_, a0_, true, "", reviewer_));
    note_seq_ = Ok(inspections_->AddInternalNote({draw_a_, a0_, kNote, kComplainant, kContact},
                                                 actor_));

    // a1: entered and submitted, never published.
    ResultRecord u = Result(draw_a_, a1_, "I1", "合同文本", "2026-06-03");
    Violation(u, kUnpublished, "未签订劳动合同");
    Ok(inspections_->RecordResult(u, actor_));
    ConfirmByTeam(draw_a_, a1_);
    Ok(inspections_->Submit(draw_a_, a1_, actor_));

    // b0 (withheld draw): published without problems.
    Ok(inspections_->RecordResult(Result(draw_b_, b0_, "I2", "工资台账", "2026-06-03"), actor_));
    ConfirmByTeam(draw_b_, b0_);
    Ok(inspections_->Submit(draw_b_, b0_, actor_));
    Ok(inspections_->Review(draw_b_, b0_, true, "", reviewer_));

    SetDate("2026-06-04");
    published_seq_ = Ok(inspections_->Publish(draw_a_, a0_, actor_));
    Ok(inspections_->Publish(draw_b_, b0_, actor_));

    SetDate("2026-06-05");
    ResultRecord c = r2;
    Violation(c, "2名员工未签订书面劳动合同", "未与2名劳动者订立书面劳动合同");
    correction_seq_ = Ok(inspections_->Correct(c, "更正\"违法事实\"描述，人数有误", actor_));
    transfer_seq_ = Ok(inspections_->Transfer({draw_a_, a0_, inspection::TransferKind::Department,
                                              "常州市医疗保障局", "2026-06-05", "涉及医保缴费"},
                                             actor_));
    reevaluation_seq_ = Ok(inspections_->Reevaluate(
        {draw_a_, a0_, "C", "2026-06-05", "发现违法行为，信用等级调整"}, actor_));

    // Internal directory data and a memo.
    team_ = VisitOf(draw_a_, a0_).team;
    const auto& team = team_;
    const auto& dir = inspections_->world().draws.dir;
    directory::InspectorRecord i0 = dir.inspectors.at(team[0]);
    i0.name = kInspector;
    Ok(dirsvc_->UpsertInspector(i0, actor_));
    directory::InspectorRecord i1 = dir.inspectors.at(team[1]);
    i1.name = kEscapedName;
    Ok(dirsvc_->UpsertInspector(i1, actor_));
    Ok(dirsvc_->DeclareConflict({team[0], b_other_, kConflict}, actor_));
    std::vector<EventDraft> memo{
        {EventType::Memo, MakeMemoPayload("抽查会议纪要", kMemo), Actor{"320400", kActor}}};
    Ok(ledger_->Append(memo));
    ASSERT_TRUE(inspections_->Sync().ok());
  }

  // The public record of the whole log.
  PublicRecord Fold() {
    PublicRecord rec;
    uint64_t size = 0;
    Status s = ReplayLog(ledger_->storage(), 0,
                         [&](const EntryView& e) { return rec.Apply(e); }, &size);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(rec.size(), size);
    return rec;
  }

  static const json* FindBy(const json& list, const char* key, const std::string& value) {
    for (const auto& x : list) {
      if (x.value(key, std::string()) == value) return &x;
    }
    return nullptr;
  }

  static bool HasTarget(const json& draw, const std::string& code) {
    return FindBy(draw["targets"], "credit_code", code) != nullptr;
  }

  std::string NameOf(const std::string& code) {
    return inspections_->world().draws.dir.targets.at(code).name;
  }

  std::string draw_a_, draw_b_, cancelled_;
  std::string a0_, a1_, b0_, b_other_;
  std::vector<std::string> team_;
  uint64_t announce_a_ = 0, draft_seq_ = 0, review_seq_ = 0, published_rev_seq_ = 0,
           note_seq_ = 0, published_seq_ = 0, correction_seq_ = 0, transfer_seq_ = 0,
           reevaluation_seq_ = 0;
};

TEST_F(PublicRecordTest, WithheldAnnouncementNamesOnlyTargetsWithPublishedResults) {
  Build();
  const json n = Fold().Notices();
  const json* a = FindBy(n["draws"], "draw_id", draw_a_);
  const json* b = FindBy(n["draws"], "draw_id", draw_b_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);

  EXPECT_EQ((*a)["targets_shown"], "all");
  EXPECT_EQ((*a)["announcement"]["publish_targets"], true);
  EXPECT_EQ((*a)["announcement"]["confirmed_date"], "2026-06-02");
  EXPECT_EQ((*a)["targets"].size(), inspections_->world().draws.Draw(draw_a_)->visits.size());
  EXPECT_TRUE(HasTarget(*a, a0_));
  EXPECT_TRUE(HasTarget(*a, a1_));  // named by the announcement, though its result is not out
  const json* t = FindBy((*a)["targets"], "credit_code", a0_);
  EXPECT_EQ((*t)["name"], NameOf(a0_));
  EXPECT_FALSE((*t)["region_name"].get<std::string>().empty());

  EXPECT_EQ((*b)["targets_shown"], "published_results");
  EXPECT_EQ((*b)["announcement"]["publish_targets"], false);
  EXPECT_EQ((*b)["announcement"]["withheld_reason"], "涉及举报线索核查，检查前暂不公布");
  ASSERT_EQ((*b)["targets"].size(), 1u);
  EXPECT_TRUE(HasTarget(*b, b0_));
  EXPECT_FALSE(HasTarget(*b, b_other_));
  EXPECT_EQ(n.dump().find(b_other_), std::string::npos) << "a withheld target leaked";
}

TEST_F(PublicRecordTest, DrawsCarryTheirProofDataAndEveryPlanVersionIsKept) {
  Build();
  const PublicRecord rec = Fold();
  const json n = rec.Notices();
  EXPECT_EQ(n["format"], "suiji-public/1");
  EXPECT_EQ(n["ledger_id"], "draw.test/ledger");

  ASSERT_EQ(n["plans"].size(), 2u);
  EXPECT_EQ(n["plans"][0]["version"], 1);
  EXPECT_EQ(n["plans"][1]["version"], 2);
  EXPECT_EQ(n["plans"][1]["note"], "第二版：增加工资支付专项");
  EXPECT_EQ(n["plans"][0]["org_name"], "常州市人力资源和社会保障局");

  ASSERT_EQ(n["item_lists"].size(), 1u);
  const json& items = n["item_lists"][0]["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["legal_basis"], "劳动合同法");
  EXPECT_EQ(items[0]["checklist"], json::array({"合同文本"}));
  EXPECT_EQ(items[1]["kind"], "key");

  const json* t2 = FindBy(n["tasks"], "task_id", "T2");
  ASSERT_NE(t2, nullptr);
  EXPECT_EQ((*t2)["redraws"], 1);
  EXPECT_EQ((*t2)["ratio_bp"], 5000);
  EXPECT_EQ((*t2)["items"][0]["name"], "工资支付情况");

  const draw::DrawInfo* d = rec.world().draws.Draw(draw_a_);
  const json* a = FindBy(n["draws"], "draw_id", draw_a_);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ((*a)["phase"], "drawn");
  EXPECT_EQ((*a)["commitment"]["hash"], ToHex(ByteView(d->commitment)));
  EXPECT_EQ((*a)["commitment"]["params_hash"], ToHex(ByteView(d->commit.params_hash)));
  EXPECT_EQ((*a)["commitment"]["secret_hash"], ToHex(ByteView(d->commit.secret_hash)));
  EXPECT_EQ((*a)["commitment"]["algorithm"], "suiji-draw/1");
  EXPECT_EQ((*a)["commitment"]["witnesses"], json::array({"张三", "李四"}));
  EXPECT_EQ((*a)["reveal"]["seed"], ToHex(ByteView(d->reveal.seed)));
  EXPECT_EQ((*a)["reveal"]["witness_digits"][1]["digits"], "271828");
  EXPECT_EQ((*a)["population"]["targets"]["root"], ToHex(ByteView(d->freeze.target_root)));
  EXPECT_EQ((*a)["population"]["targets"]["count"], d->freeze.target_count);
  EXPECT_EQ((*a)["selected"], d->visits.size());
  EXPECT_EQ((*a)["redraws"], 0);
  EXPECT_EQ((*a)["drawn_date"], "2026-06-01");

  // The cancelled attempt is listed, with its reason, and named by the redraw.
  const json* c = FindBy(n["draws"], "draw_id", cancelled_);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["cancelled"], true);
  EXPECT_EQ((*c)["phase_before_cancel"], "committed");
  EXPECT_EQ((*c)["cancel_reason"], "见证人未到场，重新抽取");
  EXPECT_TRUE((*c)["reveal"].is_null());
  EXPECT_TRUE((*c)["targets"].empty());
  const json* b = FindBy(n["draws"], "draw_id", draw_b_);
  EXPECT_EQ((*b)["redraws"], 1);
  ASSERT_EQ((*b)["task_cancellations"].size(), 1u);
  EXPECT_EQ((*b)["task_cancellations"][0]["reason"], "见证人未到场，重新抽取");
}

TEST_F(PublicRecordTest, PublishedResultAppearsWithLabelsAndUnpublishedDoesNot) {
  Build();
  const json n = Fold().Notices();
  ASSERT_EQ(n["results"].size(), 2u);  // a0 and b0, in order of publication
  const json& r = n["results"][0];
  EXPECT_EQ(r["credit_code"], a0_);
  EXPECT_EQ(r["employer_name"], NameOf(a0_));
  EXPECT_EQ(r["inspecting_body"], "常州市人力资源和社会保障局");
  EXPECT_EQ(r["task"], "2026年劳动保障专项抽查");
  EXPECT_EQ(r["inspection_date"], "2026-06-03");
  EXPECT_EQ(r["published_date"], "2026-06-04");
  EXPECT_EQ(r["revision"], 2);
  EXPECT_EQ(r["items"][0]["item_name"], "劳动合同签订情况");
  EXPECT_EQ(r["items"][0]["outcome_label"], "发现问题已责令改正");
  const json& v = r["items"][0]["violations"][0];
  EXPECT_EQ(v["legal_basis"], "《劳动合同法》第十条");
  EXPECT_EQ(v["handling_labels"], json::array({"责令改正", "移送有关部门"}));
  EXPECT_EQ(v["no_penalty_list"], false);
  EXPECT_EQ(r["evidence"][0]["kind"], "video");
  EXPECT_EQ(r["evidence"][0]["size"], 4096);
  EXPECT_EQ(r["evidence"][0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_FALSE(r["evidence"][0].contains("name"));
  ASSERT_EQ(r["transfers"].size(), 1u);
  EXPECT_EQ(r["transfers"][0]["to_body"], "常州市医疗保障局");
  EXPECT_EQ(r["transfers"][0]["kind"], "department");
  ASSERT_EQ(r["credit_reevaluations"].size(), 1u);
  EXPECT_EQ(r["credit_reevaluations"][0]["grade"], "C");

  EXPECT_EQ(n["results"][1]["credit_code"], b0_);
  EXPECT_EQ(n["results"][1]["items"][0]["outcome_label"], "未发现问题");
  EXPECT_EQ(FindBy(n["results"], "credit_code", a1_), nullptr);  // submitted, not published
}

TEST_F(PublicRecordTest, CorrectionAppearsBesideTheOriginal) {
  Build();
  const json n = Fold().Notices();
  const json& r = n["results"][0];
  EXPECT_EQ(r["items"][0]["findings"][0]["text"], "3名员工未签订书面劳动合同");
  EXPECT_EQ(r["items"][0]["violations"][0]["description"], "未与3名劳动者订立书面劳动合同");
  ASSERT_EQ(r["corrections"].size(), 1u);
  const json& c = r["corrections"][0];
  EXPECT_EQ(c["correction"], 1);
  EXPECT_EQ(c["reason"], "更正\"违法事实\"描述，人数有误");
  EXPECT_EQ(c["date"], "2026-06-05");
  EXPECT_EQ(c["result"]["items"][0]["findings"][0]["text"], "2名员工未签订书面劳动合同");
  EXPECT_EQ(c["result"]["items"][0]["violations"][0]["description"],
            "未与2名劳动者订立书面劳动合同");
  EXPECT_EQ(c["result"]["inspection_date"], "2026-06-03");
}

TEST_F(PublicRecordTest, CreditPublicityCsvHasTheHeaderAndRowsExactly) {
  Build();
  const PublicRecord rec = Fold();
  const std::string csv = rec.CreditPublicityCsv();
  const std::string header =
      "\xEF\xBB\xBF统一社会信用代码,企业名称,检查机关,抽查任务,检查日期,检查结果,处理情况,"
      "公示日期,更正情况\r\n";
  const std::string row_a0 =
      a0_ + "," + NameOf(a0_) + ",常州市人力资源和社会保障局,2026年劳动保障专项抽查,2026-06-03,"
      "发现问题已责令改正,未与3名劳动者订立书面劳动合同（《劳动合同法》第十条）：责令改正、"
      "移送有关部门,2026-06-04,"
      "\"更正1：更正\"\"违法事实\"\"描述，人数有误（更正日期：2026-06-05；更正后检查结果："
      "发现问题已责令改正；更正后处理情况：未与2名劳动者订立书面劳动合同（《劳动合同法》"
      "第十条）：责令改正、移送有关部门）\"\r\n";
  const std::string row_b0 = b0_ + "," + NameOf(b0_) +
                             ",常州市人力资源和社会保障局,2026年工资支付专项抽查,2026-06-03,"
                             "未发现问题,无,2026-06-04,\r\n";
  EXPECT_EQ(csv, header + row_a0 + row_b0);

  const json j = rec.CreditPublicityJson();
  EXPECT_EQ(j["format"], "suiji-credit-publicity/1");
  ASSERT_EQ(j["columns"].size(), 9u);
  EXPECT_EQ(j["columns"][0], "统一社会信用代码");
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["统一社会信用代码"], a0_);
  EXPECT_EQ(j["rows"][0]["处理情况"],
            "未与3名劳动者订立书面劳动合同（《劳动合同法》第十条）：责令改正、移送有关部门");
  EXPECT_EQ(j["rows"][1]["更正情况"], "");
  EXPECT_EQ(j["rows"][1]["检查结果"], "未发现问题");
}

TEST_F(PublicRecordTest, InspectionSheetListsChecklistTeamAndDeadlinesAndEscapesNames) {
  Build();
  const PublicRecord rec = Fold();
  auto html = rec.InspectionSheetHtml(draw_a_, a0_);
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  const std::string& h = *html;
  auto has = [&h](const std::string& s) { return h.find(s) != std::string::npos; };
  EXPECT_TRUE(has("@page { size: A4;"));
  EXPECT_FALSE(has("http://"));
  EXPECT_FALSE(has("https://"));
  EXPECT_TRUE(has(NameOf(a0_)));
  EXPECT_TRUE(has(a0_));
  EXPECT_TRUE(has("劳动合同签订情况"));
  EXPECT_TRUE(has("合同文本"));  // the checklist point
  EXPECT_TRUE(has("劳动合同法"));  // its legal basis
  EXPECT_TRUE(has("现场检查"));
  EXPECT_TRUE(has("<span class=\"box\"></span>符合"));
  for (const auto& id : team_) EXPECT_TRUE(has(id)) << id;
  for (const auto& id : VisitOf(draw_a_, a0_).substitutes) EXPECT_TRUE(has(id)) << id;
  EXPECT_TRUE(has(kInspector));  // names are on the internal sheet
  EXPECT_TRUE(has("王&lt;b&gt;&amp;&quot;五"));
  EXPECT_FALSE(has("<b>&"));
  // Deadlines: entered within 2 working days of 2026-06-03 (Wed) -> 06-05; published within
  // 20 working days of the task's end 2026-07-31 (Fri) -> 2026-08-28, as ComputeDeadlines.
  EXPECT_TRUE(has("须于 2026-06-05 前录入"));
  EXPECT_TRUE(has("2026-08-28"));
  bool matched = false;
  for (const auto& d : inspection::ComputeDeadlines(rec.world(), "2026-06-05")) {
    if (d.kind == inspection::DeadlineKind::kPublish && d.draw_id == draw_a_ &&
        d.credit_code == a0_) {
      EXPECT_EQ(d.due, "2026-08-28");
      matched = true;
    }
  }
  EXPECT_TRUE(matched);
  // One signature line per team member (and the employer's).
  size_t lines = 0;
  for (size_t p = h.find("签名："); p != std::string::npos; p = h.find("签名：", p + 1)) ++lines;
  EXPECT_EQ(lines, team_.size() + 1);

  EXPECT_EQ(rec.InspectionSheetHtml(draw_a_, b_other_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(rec.InspectionSheetHtml("nope", a0_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(rec.InspectionSheetHtml(cancelled_, a0_).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(PublicRecordTest, PublicSequencesOfADrawAreItsPublicEventsOnly) {
  Build();
  const PublicRecord rec = Fold();
  EXPECT_EQ(rec.PublicSequencesOfDraw(draw_a_),
            (std::vector<uint64_t>{announce_a_, published_rev_seq_, published_seq_,
                                   correction_seq_, transfer_seq_, reevaluation_seq_}));
  const auto b = rec.PublicSequencesOfDraw(draw_b_);
  EXPECT_EQ(b.size(), 3u);  // announcement (withheld), b0's recorded and published
  EXPECT_TRUE(rec.PublicSequencesOfDraw(cancelled_).empty());
  EXPECT_TRUE(rec.PublicSequencesOfDraw("nope").empty());
}

// The acceptance test of the issue: plant a marker in every internal field and scan every
// public output for it.
TEST_F(PublicRecordTest, NoInternalFieldLeaksIntoAnyPublicOutput) {
  Build();
  const PublicRecord rec = Fold();
  const std::vector<std::string> markers = {kNote,      kComplainant, kContact, kReview,
                                            kConflict,  kMemo,        kDraft,   kUnpublished,
                                            kInspector, kActor,       kEvidenceName};

  // The markers are in the log, so the scan below could fail.
  std::string log;
  auto size = ledger_->storage().Size();
  ASSERT_TRUE(ledger_->storage()
                  .Read(0, *size,
                        [&](uint64_t, ByteView b) {
                          log.append(reinterpret_cast<const char*>(b.data()), b.size());
                          return true;
                        })
                  .ok());
  for (const auto& m : markers) EXPECT_NE(log.find(m), std::string::npos) << m;

  std::vector<std::pair<std::string, std::string>> outputs = {
      {"notices", rec.Notices().dump()},
      {"csv", rec.CreditPublicityCsv()},
      {"credit json", rec.CreditPublicityJson().dump()},
  };
  for (const std::string& d : {draw_a_, draw_b_, cancelled_}) {
    for (uint64_t seq : rec.PublicSequencesOfDraw(d)) {
      auto bytes = ledger_->ReadEntry(seq);
      ASSERT_TRUE(bytes.ok());
      auto e = ParseEntry(*bytes);
      ASSERT_TRUE(e.ok());
      outputs.emplace_back("payload of " + std::to_string(seq), std::string(AsChars(e->payload())));
    }
  }
  ASSERT_GT(outputs.size(), 3u + 6u);
  for (const auto& [what, text] : outputs) {
    for (const auto& m : markers) {
      // The evidence file name is in the signed ResultRecorded payload (a public field by the
      // schema); only the notices and exports leave it out.
      if (m == kEvidenceName && what.rfind("payload", 0) == 0) continue;
      EXPECT_EQ(text.find(m), std::string::npos) << m << " leaked into " << what;
    }
  }
  // The published outputs do carry the public data next to which the markers were planted.
  EXPECT_NE(outputs[0].second.find("3名员工未签订书面劳动合同"), std::string::npos);
  EXPECT_NE(outputs[1].second.find(a0_), std::string::npos);
}

// The public-record projection (projections/public_projection.h) folded from the same log
// gives the same outputs byte for byte (so none of the markers either), and `suiji public
// export`, which streams them from it, writes the same files as before.
TEST_F(PublicRecordTest, TheProjectionAndTheCliExportGiveThePublicRecordsOutputs) {
  Build();
  const PublicRecord rec = Fold();
  ASSERT_TRUE(projection_->CatchUp(ledger_->storage()).ok());
  auto reader = PublicReader::Begin(projection_->projection());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto text = [](const std::function<Status(const Sink&)>& write) {
    std::string out;
    EXPECT_TRUE(write([&](std::string_view piece) {
                  out.append(piece);
                  return true;
                }).ok());
    return out;
  };
  EXPECT_EQ(text([&](const Sink& s) { return (*reader)->WriteNotices(s); }), rec.Notices().dump());
  EXPECT_EQ(text([&](const Sink& s) { return (*reader)->WriteCsv(s); }), rec.CreditPublicityCsv());
  EXPECT_EQ(text([&](const Sink& s) { return (*reader)->WriteCreditJson(s); }), rec.CreditPublicityJson().dump());
  reader->reset();

  const auto out = dir_ / "public-export";
  testing_support::RunResult exp = testing_support::RunBinary(
      SUIJI_BIN_SUIJI, {"public", "export", "--data", dir_.string(), "--out", out.string()}, dir_);
  ASSERT_EQ(exp.exit_code, 0) << exp.out << exp.err;
  EXPECT_EQ(testing_support::ReadFile(out / "notices.json"), rec.Notices().dump(2) + "\n");
  EXPECT_EQ(testing_support::ReadFile(out / "results.csv"), rec.CreditPublicityCsv());
  EXPECT_EQ(testing_support::ReadFile(out / "results.json"), rec.CreditPublicityJson().dump(2) + "\n");
}

}  // namespace
}  // namespace suiji
