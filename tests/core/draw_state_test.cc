#include "ledger/core/draw/state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ledger/core/ed25519.h"
#include "ledger/core/sha256.h"

namespace suiji::draw {
namespace {

using directory::ConflictRecord;
using directory::InspectorRecord;
using directory::ItemListRecord;
using directory::ItemRecord;
using directory::OrgUnitRecord;
using directory::TargetRecord;
using schema::OrgLevel;

std::string Code(int i) { return "91320402MA1TEST" + std::to_string(100 + i); }

bool Mentions(const Status& s, std::string_view word) {
  return s.message().find(word) != std::string::npos;
}

// The task both tests and fixture start from: 常州市, the whole city, half the targets.
TaskRecord SampleTask(std::string task_id = "T-1") {
  TaskRecord t;
  t.task_id = std::move(task_id);
  t.plan_id = "P-2026";
  t.org_id = "320400";
  t.title = "工资支付情况抽查";
  t.item_list_version = 1;
  t.item_ids = {"LS-01"};
  t.regions = {"320400"};
  t.ratio_bp = 5000;
  t.window_start = "2026-06-01";
  t.window_end = "2026-07-31";
  t.inspectors.team_size = 2;
  t.inspectors.substitutes = 2;
  return t;
}

// A log built from real signed entries and folded through DrawWorld::Apply as it grows.
class DrawState : public ::testing::Test {
 protected:
  DrawState() : key_(std::move(KeyPair::FromSeed(Bytes(32, 9))).value()) {}

  void SetUp() override {
    ASSERT_TRUE(Append(EventType::OrgUnitRegistered,
                       directory::EncodeOrgUnit({"320000", "江苏省人力资源和社会保障厅", "320000",
                                                 OrgLevel::Province, ""}))
                    .ok());
    ASSERT_TRUE(Append(EventType::OrgUnitRegistered,
                       directory::EncodeOrgUnit({"320400", "常州市人力资源和社会保障局", "320400",
                                                 OrgLevel::City, "320000"}))
                    .ok());
    ItemListRecord list;
    list.org_id = "320400";
    list.version = 1;
    list.effective_date = "2026-01-01";
    for (const char* id : {"LS-01", "LS-02"}) {
      ItemRecord item;
      item.item_id = id;
      item.name = std::string("事项") + id;
      item.kind = std::string(id) == "LS-02" ? directory::ItemKind::Key : directory::ItemKind::General;
      list.items.push_back(item);
    }
    ASSERT_TRUE(Append(EventType::ItemListPublished, directory::EncodeItemList(list)).ok());
    for (int i = 0; i < 8; ++i) {
      TargetRecord t;
      t.credit_code = Code(i);
      t.name = "企业" + std::to_string(i);
      t.region = i % 2 == 0 ? "320402" : "320412";
      t.industry = "3411";
      t.headcount = 30;
      t.credit_grade = "B";
      t.org_id = "320400";
      ASSERT_TRUE(Append(EventType::TargetRegistered, directory::EncodeTarget(t)).ok());
    }
    for (int i = 0; i < 6; ++i) {
      InspectorRecord r;
      r.inspector_id = "I-" + std::to_string(i);
      r.name = "检查员" + std::to_string(i);
      r.domains = {"劳动保障监察"};
      r.org_id = "320400";
      r.region = i == 5 ? "320505" : "320402";  // I-5 works in 苏州: outside the pool
      ASSERT_TRUE(Append(EventType::InspectorRegistered, directory::EncodeInspector(r)).ok());
    }
    PlanRecord plan{"P-2026", "320400", 2026, "2026年度双随机抽查工作计划", "320000", 1, ""};
    ASSERT_TRUE(Append(EventType::PlanFiled, EncodePlan(plan)).ok());
    Status task = Append(EventType::TaskDefined, EncodeTask(SampleTask()));
    ASSERT_TRUE(task.ok()) << task.ToString();
  }

  Status Append(EventType type, const Bytes& payload) {
    const uint64_t seq = next_sequence_++;
    Actor actor{"320400", "tester"};
    EntryFields f;
    f.ledger_id = "labour/test";
    f.sequence = seq;
    f.time_us = 1'780'000'000'000'000 + static_cast<int64_t>(seq) * 1'000'000;
    f.actor = &actor;
    f.type = type;
    f.payload = payload;
    Bytes entry = BuildEntry(f, key_);
    auto view = ParseEntry(entry);
    if (!view.ok()) return view.status();
    last_sequence_ = seq;
    return world.Apply(*view);
  }

  // DrawFrozen for the task as the world stands now; remembers the inputs for the result.
  Status Freeze(const std::string& task_id, const std::string& draw_id) {
    auto in = world.Freeze(task_id);
    if (!in.ok()) return in.status();
    const PopulationRoots roots = RootsOf(in->population, 1);
    FreezeRecord f;
    f.draw_id = draw_id;
    f.task_id = task_id;
    f.target_count = in->population.targets.size();
    f.target_root = roots.targets;
    f.inspector_count = in->population.inspectors.size();
    f.inspector_root = roots.inspectors;
    f.expert_count = in->population.experts.size();
    f.expert_root = roots.experts;
    f.strata = ComputeQuotas(world.Task(task_id)->task, in->population);
    Status s = Append(EventType::DrawFrozen, EncodeFreeze(f));
    if (s.ok()) {
      freezes_[draw_id] = {f, last_sequence_};
      inputs_.insert_or_assign(draw_id, std::move(in).value());
    }
    return s;
  }

  CommitRecord CommitFor(const std::string& draw_id) {
    const auto& [f, seq] = freezes_.at(draw_id);
    CommitRecord c;
    c.draw_id = draw_id;
    c.task_id = f.task_id;
    c.freeze_sequence = seq;
    c.target_count = f.target_count;
    c.target_root = f.target_root;
    c.inspector_count = f.inspector_count;
    c.inspector_root = f.inspector_root;
    c.expert_count = f.expert_count;
    c.expert_root = f.expert_root;
    c.params_hash = ParamsHash(world.Task(f.task_id)->payload);
    c.secret_hash = SecretHash(SecretOf(draw_id));
    c.witnesses = {"人大代表"};
    return c;
  }

  Status Commit(const std::string& draw_id) {
    return Append(EventType::DrawCommitted, EncodeCommit(CommitFor(draw_id)));
  }

  static Bytes SecretOf(std::string_view draw_id) {
    Hash h = Sha256(AsBytes(draw_id));
    return Bytes(h.begin(), h.end());
  }

  RevealRecord RevealFor(const std::string& draw_id) {
    RevealRecord r;
    r.draw_id = draw_id;
    r.secret = SecretOf(draw_id);
    r.witness_digits = {"2718"};
    const DrawInfo* d = world.Draw(draw_id);
    if (d != nullptr) r.seed = DeriveSeed(d->commitment, d->commit, r);
    return r;
  }

  Status Reveal(const std::string& draw_id) {
    return Append(EventType::DrawRevealed, EncodeReveal(RevealFor(draw_id)));
  }

  // The result parts the node would write for a revealed draw.
  std::vector<ResultPart> ResultFor(const std::string& draw_id) {
    const DrawInfo* d = world.Draw(draw_id);
    const FrozenInputs& in = inputs_.at(draw_id);
    DrawOutcome out =
        RunDraw(world.Task(d->task_id)->task, in.population, d->reveal.seed, in.Teams(), 1);
    return SplitResult(draw_id, d->reveal.seed, out);
  }

  Status Result(const std::string& draw_id) {
    for (const ResultPart& p : ResultFor(draw_id)) {
      Status s = Append(EventType::DrawResult, EncodeResultPart(p));
      if (!s.ok()) return s;
    }
    return OkStatus();
  }

  Status Cancel(const std::string& draw_id, std::string reason) {
    return Append(EventType::DrawCancelled, EncodeCancel({draw_id, std::move(reason)}));
  }

  Status Decline(const std::string& draw_id, const std::string& code, const std::string& who,
                 const std::string& replacement, std::string reason = "因病请假") {
    return Append(EventType::AssignmentDeclined,
                  EncodeDecline({draw_id, code, who, std::move(reason), replacement}));
  }

  // Freeze, commit, reveal and result, each of which must succeed.
  void RunCeremony(const std::string& task_id, const std::string& draw_id) {
    ASSERT_TRUE(Freeze(task_id, draw_id).ok());
    ASSERT_TRUE(Commit(draw_id).ok());
    ASSERT_TRUE(Reveal(draw_id).ok());
    Status s = Result(draw_id);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  const VisitRecord* VisitOf(const std::string& draw_id, const std::string& code) {
    for (const auto& v : world.Draw(draw_id)->visits) {
      if (v.credit_code == code) return &v;
    }
    return nullptr;
  }

  DrawWorld world;
  KeyPair key_;
  uint64_t next_sequence_ = 1;
  uint64_t last_sequence_ = 0;
  std::map<std::string, std::pair<FreezeRecord, uint64_t>> freezes_;
  std::map<std::string, FrozenInputs> inputs_;
};

#define EXPECT_REFUSED(expr, word)                                        \
  do {                                                                   \
    Status refused_ = (expr);                                            \
    EXPECT_EQ(refused_.code(), StatusCode::kFailedPrecondition)          \
        << refused_.ToString();                                          \
    EXPECT_TRUE(Mentions(refused_, word)) << refused_.ToString();        \
  } while (0)

// --- the ceremony ---

TEST_F(DrawState, SetUpFoldsDirectoryPlanAndTask) {
  EXPECT_EQ(world.dir.orgs.size(), 2u);
  EXPECT_EQ(world.dir.targets.size(), 8u);
  EXPECT_EQ(world.dir.inspectors.size(), 6u);
  ASSERT_EQ(world.plans.count("P-2026"), 1u);
  const TaskInfo* t = world.Task("T-1");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->year, 2026);
  EXPECT_EQ(t->task, SampleTask());
  EXPECT_EQ(t->payload, EncodeTask(SampleTask()));
  EXPECT_EQ(t->sequence, last_sequence_);
  EXPECT_EQ(t->commits, 0u);
  EXPECT_EQ(world.LiveDraw("T-1"), nullptr);
}

TEST_F(DrawState, FullCeremonyMovesThroughEveryPhase) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  const DrawInfo* d = world.Draw("D-1");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->phase, DrawPhase::kFrozen);
  EXPECT_EQ(d->freeze_sequence, last_sequence_);
  EXPECT_EQ(d->freeze.target_count, 8u);
  EXPECT_EQ(d->freeze.inspector_count, 5u);  // I-5 is outside the jurisdiction
  EXPECT_FALSE(d->committed());
  EXPECT_EQ(world.LiveDraw("T-1"), d);

  Bytes commit_payload = EncodeCommit(CommitFor("D-1"));
  ASSERT_TRUE(Append(EventType::DrawCommitted, commit_payload).ok());
  EXPECT_EQ(d->phase, DrawPhase::kCommitted);
  EXPECT_EQ(d->commit_sequence, last_sequence_);
  EXPECT_EQ(d->commitment, CommitmentHash(commit_payload));
  EXPECT_TRUE(d->committed());
  EXPECT_EQ(world.Task("T-1")->commits, 1u);

  ASSERT_TRUE(Reveal("D-1").ok());
  EXPECT_EQ(d->phase, DrawPhase::kRevealed);
  EXPECT_EQ(d->reveal.secret, SecretOf("D-1"));

  ASSERT_TRUE(Result("D-1").ok());
  EXPECT_EQ(d->phase, DrawPhase::kResulted);
  EXPECT_EQ(DrawPhaseName(d->phase), "drawn");
  EXPECT_EQ(d->visits.size(), 4u);  // 50% of 8
  EXPECT_EQ(d->parts, 1u);
  EXPECT_EQ(d->result_strata, (std::vector<StratumCount>{{"all", 8, 16, 4}}));
  EXPECT_EQ(world.Task("T-1")->redraws(), 0u);
}

TEST_F(DrawState, ResultAddsPastVisitsWithTheirTeams) {
  RunCeremony("T-1", "D-1");
  const DrawInfo* d = world.Draw("D-1");
  ASSERT_EQ(d->visits.size(), 4u);
  EXPECT_EQ(world.visits.size(), 4u);
  for (const VisitRecord& v : d->visits) {
    ASSERT_EQ(world.visits.count(v.credit_code), 1u);
    const auto& history = world.visits.at(v.credit_code);
    ASSERT_EQ(history.size(), 1u);
    const PastVisit& pv = history[0];
    EXPECT_EQ(pv.draw_id, "D-1");
    EXPECT_EQ(pv.task_id, "T-1");
    EXPECT_EQ(pv.year, 2026);
    EXPECT_EQ(pv.window_start, "2026-06-01");
    EXPECT_EQ(pv.window_end, "2026-07-31");
    EXPECT_EQ(pv.items, std::vector<std::string>{"LS-01"});
    EXPECT_EQ(pv.merged_into, "");
    ASSERT_EQ(v.team.size(), 2u);
    EXPECT_EQ(pv.team, v.team);
  }
}

// --- forbidden transitions ---

TEST_F(DrawState, SecondCommitWhileACommittedDrawIsLiveIsRefused) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  EXPECT_REFUSED(Commit("D-1"), "D-1");
  // Nor can a new freeze of the task open the way to another commit.
  EXPECT_REFUSED(Freeze("T-1", "D-2"), "already has committed draw");
  EXPECT_EQ(world.Draw("D-2"), nullptr);
  EXPECT_EQ(world.Task("T-1")->commits, 1u);
  ASSERT_TRUE(Reveal("D-1").ok());
  ASSERT_TRUE(Result("D-1").ok());
  EXPECT_REFUSED(Freeze("T-1", "D-3"), "cancellation first");
}

TEST_F(DrawState, FreezeOfAnUncommittedTaskSupersedesTheEarlierFreeze) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Freeze("T-1", "D-2").ok());
  const DrawInfo* old = world.Draw("D-1");
  EXPECT_EQ(old->phase, DrawPhase::kCancelled);
  EXPECT_EQ(old->phase_before_cancel, DrawPhase::kFrozen);
  EXPECT_FALSE(old->committed());
  EXPECT_NE(old->cancel_reason.find("D-2"), std::string::npos) << old->cancel_reason;
  EXPECT_EQ(world.LiveDraw("T-1")->draw_id, "D-2");
  EXPECT_REFUSED(Commit("D-1"), "not frozen");
  ASSERT_TRUE(Commit("D-2").ok());
  EXPECT_EQ(world.Task("T-1")->commits, 1u);
  EXPECT_EQ(world.Task("T-1")->cancelled_commits, 0u);
  // A draw id is used once.
  EXPECT_REFUSED(Freeze("T-1", "D-1"), "already");
}

TEST_F(DrawState, CommitMustRestateItsFreeze) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  CommitRecord c = CommitFor("D-1");
  c.target_root[0] ^= 1;
  EXPECT_REFUSED(Append(EventType::DrawCommitted, EncodeCommit(c)), "restate");
  c = CommitFor("D-1");
  c.freeze_sequence -= 1;
  EXPECT_REFUSED(Append(EventType::DrawCommitted, EncodeCommit(c)), "restate");
  c = CommitFor("D-1");
  c.inspector_count += 1;
  EXPECT_REFUSED(Append(EventType::DrawCommitted, EncodeCommit(c)), "restate");
  EXPECT_EQ(world.Draw("D-1")->phase, DrawPhase::kFrozen);
  EXPECT_EQ(world.Task("T-1")->commits, 0u);
  EXPECT_TRUE(Commit("D-1").ok());
}

TEST_F(DrawState, CommitOfAnUnknownDrawIsRefused) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  CommitRecord c = CommitFor("D-1");
  c.draw_id = "D-9";
  EXPECT_REFUSED(Append(EventType::DrawCommitted, EncodeCommit(c)), "D-9");
}

TEST_F(DrawState, RevealBeforeCommitIsRefused) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  EXPECT_REFUSED(Reveal("D-1"), "not committed");
  EXPECT_EQ(world.Draw("D-1")->phase, DrawPhase::kFrozen);
  ASSERT_TRUE(Commit("D-1").ok());
  ASSERT_TRUE(Reveal("D-1").ok());
  EXPECT_REFUSED(Reveal("D-1"), "unrevealed");
}

TEST_F(DrawState, ResultBeforeRevealIsRefused) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  ResultPart p;
  p.draw_id = "D-1";
  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(p)), "not revealed");
}

TEST_F(DrawState, ResultPartsMustComeInOrder) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  ASSERT_TRUE(Reveal("D-1").ok());
  std::vector<ResultPart> one = ResultFor("D-1");
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(one[0].visits.size(), 4u);
  // The same visits in two parts of two.
  ResultPart p0 = one[0], p1 = one[0];
  p0.parts = p1.parts = 2;
  p0.visits.resize(2);
  p1.part = 1;
  p1.strata.clear();
  p1.visits.erase(p1.visits.begin(), p1.visits.begin() + 2);

  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(p1)), "out of order");
  ResultPart bad = p0;
  bad.parts = 0;
  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(bad)), "out of order");
  bad = p0;
  bad.part = 2;
  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(bad)), "out of order");

  ASSERT_TRUE(Append(EventType::DrawResult, EncodeResultPart(p0)).ok());
  const DrawInfo* d = world.Draw("D-1");
  EXPECT_EQ(d->phase, DrawPhase::kRevealed);  // not complete yet
  EXPECT_TRUE(world.visits.empty());
  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(p0)), "out of order");
  bad = p1;
  bad.parts = 3;
  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(bad)), "out of order");

  ASSERT_TRUE(Append(EventType::DrawResult, EncodeResultPart(p1)).ok());
  EXPECT_EQ(d->phase, DrawPhase::kResulted);
  EXPECT_EQ(d->visits, one[0].visits);
  EXPECT_EQ(d->result_strata, one[0].strata);
  EXPECT_EQ(world.visits.size(), 4u);
  EXPECT_REFUSED(Append(EventType::DrawResult, EncodeResultPart(p1)), "already has its result");
}

TEST_F(DrawState, CancelNeedsAReasonAndALiveDraw) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  EXPECT_REFUSED(Cancel("D-1", ""), "no reason");
  EXPECT_EQ(world.Draw("D-1")->phase, DrawPhase::kCommitted);
  EXPECT_REFUSED(Cancel("D-9", "无此抽取"), "unknown");
  ASSERT_TRUE(Cancel("D-1", "系统故障，经监督人员确认后重新抽取").ok());
  EXPECT_EQ(world.Draw("D-1")->phase, DrawPhase::kCancelled);
  EXPECT_EQ(world.Draw("D-1")->phase_before_cancel, DrawPhase::kCommitted);
  EXPECT_TRUE(world.Draw("D-1")->committed());
  EXPECT_REFUSED(Cancel("D-1", "again"), "cancelled");
  EXPECT_REFUSED(Reveal("D-1"), "not committed");
}

// --- tasks ---

TEST_F(DrawState, TaskRegionOutsideTheJurisdictionIsRefused) {
  TaskRecord t = SampleTask("T-2");
  t.regions = {"320402", "320505"};  // 苏州市虎丘区 is not 常州's
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "outside the jurisdiction");
  EXPECT_EQ(world.Task("T-2"), nullptr);
  t.regions = {"320000"};  // the province above the city
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "outside the jurisdiction");
  t.regions = {"320412"};
  EXPECT_TRUE(Append(EventType::TaskDefined, EncodeTask(t)).ok());
}

TEST_F(DrawState, TaskNamingAnUnpublishedItemListOrAnUnknownItemIsRefused) {
  TaskRecord t = SampleTask("T-2");
  t.item_list_version = 2;
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "never published");
  t.item_list_version = 1;
  t.item_ids = {"LS-01", "LS-99"};
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "LS-99");
  EXPECT_EQ(world.Task("T-2"), nullptr);
}

TEST_F(DrawState, TaskChecksPlanIdentityValidityAndYear) {
  TaskRecord t = SampleTask("T-1");
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "already defined");
  t = SampleTask("T-2");
  t.plan_id = "P-2099";
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "unknown plan");
  t = SampleTask("T-2");
  t.inspectors.team_size = 1;
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "team_size");
  t = SampleTask("T-2");
  t.window_start = "2027-06-01";
  t.window_end = "2027-07-31";
  EXPECT_REFUSED(Append(EventType::TaskDefined, EncodeTask(t)), "plan year");
}

TEST_F(DrawState, PlanVersionsFollowInOrder) {
  PlanRecord p{"P-2026", "320400", 2026, "调整后的计划", "320000", 3, ""};
  EXPECT_REFUSED(Append(EventType::PlanFiled, EncodePlan(p)), "out of order");
  p.version = 2;
  ASSERT_TRUE(Append(EventType::PlanFiled, EncodePlan(p)).ok());
  EXPECT_EQ(world.plans.at("P-2026").plan.title, "调整后的计划");
  PlanRecord other{"P-9", "999999", 2026, "x", "", 1, ""};
  EXPECT_REFUSED(Append(EventType::PlanFiled, EncodePlan(other)), "unknown org");
}

TEST_F(DrawState, WithdrawnTaskCannotBeFrozenAndACommittedOneCannotBeWithdrawn) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  EXPECT_REFUSED(Append(EventType::TaskWithdrawn, EncodeTaskWithdrawn({"T-1", "计划调整"})),
                 "cancel it first");
  ASSERT_TRUE(Cancel("D-1", "计划调整").ok());
  ASSERT_TRUE(Append(EventType::TaskWithdrawn, EncodeTaskWithdrawn({"T-1", "计划调整"})).ok());
  EXPECT_TRUE(world.Task("T-1")->withdrawn);
  FreezeRecord f = freezes_.at("D-1").first;
  f.draw_id = "D-2";
  EXPECT_REFUSED(Append(EventType::DrawFrozen, EncodeFreeze(f)), "withdrawn");
  EXPECT_EQ(world.Draw("D-2"), nullptr);
  EXPECT_EQ(world.Freeze("T-1").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(world.Freeze("T-404").status().code(), StatusCode::kNotFound);
}

// --- redraws and cancellations ---

TEST_F(DrawState, RedrawsCountEveryCommitAfterTheFirst) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  ASSERT_TRUE(Cancel("D-1", "见证人未到场").ok());
  EXPECT_EQ(world.LiveDraw("T-1"), nullptr);
  ASSERT_TRUE(Freeze("T-1", "D-2").ok());
  ASSERT_TRUE(Cancel("D-2", "名录更新后重新冻结").ok());  // frozen only: not a commit
  ASSERT_TRUE(Freeze("T-1", "D-3").ok());
  ASSERT_TRUE(Commit("D-3").ok());
  const TaskInfo* t = world.Task("T-1");
  EXPECT_EQ(t->commits, 2u);
  EXPECT_EQ(t->cancelled_commits, 1u);
  EXPECT_EQ(t->redraws(), 1u);
  EXPECT_EQ(t->draw_ids, (std::vector<std::string>{"D-1", "D-2", "D-3"}));
  EXPECT_EQ(world.LiveDraw("T-1")->draw_id, "D-3");

  ASSERT_TRUE(Reveal("D-3").ok());
  ASSERT_TRUE(Cancel("D-3", "揭示后发现参数错误").ok());
  ASSERT_TRUE(Freeze("T-1", "D-4").ok());
  ASSERT_TRUE(Commit("D-4").ok());
  EXPECT_EQ(t->commits, 3u);
  EXPECT_EQ(t->cancelled_commits, 2u);
  EXPECT_EQ(t->redraws(), 2u);
}

TEST_F(DrawState, CancelledResultsLeaveTheVisitHistory) {
  RunCeremony("T-1", "D-1");
  ASSERT_EQ(world.visits.size(), 4u);
  ASSERT_TRUE(Cancel("D-1", "结果公示前发现名录错误").ok());
  EXPECT_TRUE(world.visits.empty());
  EXPECT_EQ(world.Draw("D-1")->phase_before_cancel, DrawPhase::kResulted);
  EXPECT_EQ(world.Task("T-1")->cancelled_commits, 1u);
  auto in = world.Freeze("T-1");
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->previous_teams.empty());
  for (const auto& t : in->population.targets) EXPECT_EQ(t.merge_into, "");

  // The redraw's history holds only its own visits.
  RunCeremony("T-1", "D-2");
  EXPECT_EQ(world.visits.size(), 4u);
  for (const auto& [code, history] : world.visits) {
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].draw_id, "D-2");
  }
  EXPECT_EQ(world.Task("T-1")->redraws(), 1u);
}

TEST_F(DrawState, CancellingOneDrawKeepsTheOtherDrawsVisits) {
  RunCeremony("T-1", "D-1");
  TaskRecord t2 = SampleTask("T-2");
  t2.item_ids = {"LS-02"};
  t2.window_start = "2026-10-01";
  t2.window_end = "2026-11-30";
  ASSERT_TRUE(Append(EventType::TaskDefined, EncodeTask(t2)).ok());
  RunCeremony("T-2", "D-2");
  std::set<std::string> d1, d2;
  for (const auto& v : world.Draw("D-1")->visits) d1.insert(v.credit_code);
  for (const auto& v : world.Draw("D-2")->visits) d2.insert(v.credit_code);
  ASSERT_TRUE(Cancel("D-2", "任务调整").ok());
  std::set<std::string> left;
  for (const auto& [code, history] : world.visits) {
    for (const auto& pv : history) {
      EXPECT_EQ(pv.draw_id, "D-1");
      left.insert(code);
    }
  }
  EXPECT_EQ(left, d1);
}

// --- merging and team exclusions ---

TEST_F(DrawState, FreezeReturnsConflictsAndPreviousTeams) {
  ASSERT_TRUE(Append(EventType::ConflictDeclared,
                     directory::EncodeConflict({"I-1", Code(0), "亲属关系"}))
                  .ok());
  ASSERT_TRUE(Append(EventType::ConflictDeclared,
                     directory::EncodeConflict({"I-5", Code(1), "曾任职"}))
                  .ok());  // I-5 is not in the pool: left out
  auto in = world.Freeze("T-1");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->conflicts,
            (std::set<std::pair<std::string, std::string>>{{"I-1", Code(0)}}));
  EXPECT_TRUE(in->previous_teams.empty());
  TeamInputs teams = in->Teams();
  EXPECT_TRUE(teams.conflict("I-1", Code(0)));
  EXPECT_FALSE(teams.conflict("I-1", Code(1)));
  EXPECT_FALSE(teams.conflict("I-5", Code(1)));
  EXPECT_EQ(teams.previous_team(Code(0)), nullptr);

  RunCeremony("T-1", "D-1");
  for (const auto& v : world.Draw("D-1")->visits) {
    if (v.credit_code == Code(0)) {
      EXPECT_EQ(std::count(v.team.begin(), v.team.end(), "I-1"), 0);
    }
  }
  TaskRecord t2 = SampleTask("T-2");
  t2.item_ids = {"LS-02"};
  t2.window_start = "2026-10-01";
  t2.window_end = "2026-11-30";
  ASSERT_TRUE(Append(EventType::TaskDefined, EncodeTask(t2)).ok());
  in = world.Freeze("T-2");
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->previous_teams.size(), 4u);
  for (const auto& v : world.Draw("D-1")->visits) {
    ASSERT_EQ(in->previous_teams.count(v.credit_code), 1u);
    EXPECT_EQ(in->previous_teams.at(v.credit_code), v.team);
    const std::vector<std::string>* prev = in->Teams().previous_team(v.credit_code);
    ASSERT_NE(prev, nullptr);
    EXPECT_EQ(*prev, v.team);
  }

  // The second draw keeps the previous teams away from their targets.
  RunCeremony("T-2", "D-2");
  for (const auto& v : world.Draw("D-2")->visits) {
    const VisitRecord* before = VisitOf("D-1", v.credit_code);
    if (before == nullptr) continue;
    for (const auto& id : v.team) {
      EXPECT_EQ(std::count(before->team.begin(), before->team.end(), id), 0) << id;
    }
  }
}

TEST_F(DrawState, MergedVisitTakesTheTeamOfTheVisitItJoined) {
  RunCeremony("T-1", "D-1");
  TaskRecord t2 = SampleTask("T-2");
  t2.item_ids = {"LS-02"};
  t2.window_start = "2026-07-01";  // overlaps T-1's June–July window
  t2.window_end = "2026-08-31";
  t2.ratio_bp = 10000;
  t2.key_items = true;
  ASSERT_TRUE(Append(EventType::TaskDefined, EncodeTask(t2)).ok());

  auto in = world.Freeze("T-2");
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->population.targets.size(), 8u);
  for (const auto& t : in->population.targets) {
    EXPECT_EQ(t.merge_into, VisitOf("D-1", t.credit_code) != nullptr ? "D-1" : "");
  }

  RunCeremony("T-2", "D-2");
  const DrawInfo* d2 = world.Draw("D-2");
  ASSERT_EQ(d2->visits.size(), 8u);
  int merged = 0;
  for (const VisitRecord& v : d2->visits) {
    const VisitRecord* first = VisitOf("D-1", v.credit_code);
    const auto& history = world.visits.at(v.credit_code);
    if (first == nullptr) {
      EXPECT_EQ(v.merged_into, "");
      ASSERT_EQ(history.size(), 1u);
      EXPECT_EQ(history[0].team, v.team);
      continue;
    }
    ++merged;
    EXPECT_EQ(v.merged_into, "D-1");
    EXPECT_TRUE(v.team.empty());
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[1].draw_id, "D-2");
    EXPECT_EQ(history[1].merged_into, "D-1");
    EXPECT_EQ(history[1].items, std::vector<std::string>{"LS-02"});
    EXPECT_EQ(history[1].team, first->team);
    EXPECT_FALSE(history[1].team.empty());
  }
  EXPECT_EQ(merged, 4);

  // The merged visit is not a visit of its own: a later task (no overlap, at most 2 visits a
  // year) still finds the targets visited by D-1 and merged into it by D-2.
  TaskRecord t3 = SampleTask("T-3");
  t3.item_ids = {"LS-02"};
  t3.window_start = "2026-10-01";
  t3.window_end = "2026-11-30";
  t3.frequency.no_repeat_item_within_year = false;
  ASSERT_TRUE(Append(EventType::TaskDefined, EncodeTask(t3)).ok());
  ExclusionCounts ex;
  in = world.Freeze("T-3", &ex);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->population.targets.size(), 8u);
  EXPECT_EQ(ex.max_per_year, 0u);
  for (const auto& t : in->population.targets) EXPECT_EQ(t.merge_into, "");
  // The team a merged visit took is what the next draw keeps away from the target.
  for (const VisitRecord& v : world.Draw("D-1")->visits) {
    ASSERT_EQ(in->previous_teams.count(v.credit_code), 1u);
    EXPECT_EQ(in->previous_teams.at(v.credit_code), v.team);
  }
}

// --- declines (递补) ---

TEST_F(DrawState, DeclineIsReplacedByTheNextSubstituteOnly) {
  RunCeremony("T-1", "D-1");
  const VisitRecord v = world.Draw("D-1")->visits[0];
  ASSERT_EQ(v.team.size(), 2u);
  ASSERT_EQ(v.substitutes.size(), 2u);
  const std::string who = v.team[0];

  EXPECT_REFUSED(Decline("D-1", v.credit_code, who, v.substitutes[1]), "next substitute");
  EXPECT_REFUSED(Decline("D-1", v.credit_code, who, "I-5"), "next substitute");
  EXPECT_REFUSED(Decline("D-1", v.credit_code, who, v.substitutes[0], ""), "no reason");
  EXPECT_REFUSED(Decline("D-1", v.credit_code, v.substitutes[0], v.substitutes[1]),
                 "not on the team");
  EXPECT_REFUSED(Decline("D-1", "91320402NOTDRAWN00", who, v.substitutes[0]), "not drawn");
  EXPECT_REFUSED(Decline("D-9", v.credit_code, who, v.substitutes[0]), "no result");
  EXPECT_EQ(VisitOf("D-1", v.credit_code)->team, v.team);

  ASSERT_TRUE(Decline("D-1", v.credit_code, who, v.substitutes[0]).ok());
  const std::vector<std::string> after = {v.substitutes[0], v.team[1]};
  EXPECT_EQ(VisitOf("D-1", v.credit_code)->team, after);
  EXPECT_EQ(world.visits.at(v.credit_code)[0].team, after);
  ASSERT_EQ(world.Draw("D-1")->declines.size(), 1u);

  // The substitute who stepped in declines too: the next one in order replaces them.
  EXPECT_REFUSED(Decline("D-1", v.credit_code, v.substitutes[0], v.substitutes[0]),
                 "next substitute");
  ASSERT_TRUE(Decline("D-1", v.credit_code, v.substitutes[0], v.substitutes[1]).ok());
  EXPECT_EQ(VisitOf("D-1", v.credit_code)->team,
            (std::vector<std::string>{v.substitutes[1], v.team[1]}));
  // None left.
  EXPECT_REFUSED(Decline("D-1", v.credit_code, v.team[1], v.substitutes[0]), "none left");
}

TEST_F(DrawState, DeclineBeforeTheResultIsRefused) {
  ASSERT_TRUE(Freeze("T-1", "D-1").ok());
  ASSERT_TRUE(Commit("D-1").ok());
  ASSERT_TRUE(Reveal("D-1").ok());
  EXPECT_REFUSED(Decline("D-1", Code(0), "I-0", "I-1"), "no result");
}

// --- drand ---

TEST(DrawDrand, RoundTimesFollowTheQuicknetSchedule) {
  EXPECT_EQ(kDrandQuicknetGenesis, 1692803367);
  EXPECT_EQ(kDrandQuicknetPeriod, 3);
  EXPECT_EQ(DrandRoundTime(1), 1692803367);
  EXPECT_EQ(DrandRoundTime(2), 1692803370);
  EXPECT_EQ(DrandRoundTime(3), 1692803373);
  EXPECT_EQ(DrandRoundTime(1'000'001), 1692803367 + 3'000'000);
}

TEST(DrawDrand, FirstRoundAfterIsStrictlyLater) {
  const int64_t g = kDrandQuicknetGenesis;
  EXPECT_EQ(DrandFirstRoundAfter(g + 4), 3u);
  EXPECT_EQ(DrandRoundTime(3), g + 6);
  EXPECT_EQ(DrandFirstRoundAfter(g), 2u);      // round 1 is at genesis, not after it
  EXPECT_EQ(DrandFirstRoundAfter(g + 2), 2u);
  EXPECT_EQ(DrandFirstRoundAfter(g + 3), 3u);  // round 2 is at g + 3, not after it
  EXPECT_EQ(DrandFirstRoundAfter(g - 1), 1u);
  EXPECT_EQ(DrandFirstRoundAfter(0), 1u);
  for (int64_t t = g - 5; t < g + 100; ++t) {
    const uint64_t r = DrandFirstRoundAfter(t);
    EXPECT_GT(DrandRoundTime(r), t) << t;
    if (r > 1) {
      EXPECT_LE(DrandRoundTime(r - 1), t) << t;
    }
  }
}

TEST(DrawDrand, IsDrawEventCoversTwoHundredToTwoNinetyNine) {
  EXPECT_TRUE(IsDrawEvent(EventType::PlanFiled));
  EXPECT_TRUE(IsDrawEvent(EventType::AssignmentDeclined));
  EXPECT_FALSE(IsDrawEvent(EventType::ItemListPublished));
  EXPECT_FALSE(IsDrawEvent(static_cast<EventType>(300)));
}

}  // namespace
}  // namespace suiji::draw
