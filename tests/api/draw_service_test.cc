#include "api/draw_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "api/directory_service.h"
#include "api/node.h"
#include "ledger/core/sha256.h"
#include "tests/support/draw_fixture.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using draw::DrawPhase;

// The shared draw node (tests/support/draw_fixture.h: a city bureau 320400 under province
// 320000, its item list, employers in two districts, inspectors, a test-set clock for the
// ledger and the draw service) with 40 employers, 8 inspectors and plan P2026. Tests move
// `now_us_` past drand rounds instead of sleeping.
class DrawServiceTest : public testing_support::DrawNodeTest {
 protected:
  void SetUp() override {
    DrawNodeTest::SetUp();
    MakeDirectory(40, 8);
    svc_ = draws_.get();
    draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查工作计划", "320000", 0, ""};
    auto filed = svc_->FilePlan(plan, actor_);
    ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  }

  static draw::TaskRecord Task(const std::string& id = "T1") {
    draw::TaskRecord t;
    t.task_id = id;
    t.plan_id = "P2026";
    t.org_id = "320400";
    t.title = "2026年劳动合同专项抽查";
    t.item_list_version = 1;
    t.item_ids = {"I1"};
    t.regions = {"320400"};
    t.count = 6;
    t.window_start = "2026-06-01";
    t.window_end = "2026-07-31";
    return t;
  }

  // Defines the task and freezes it; returns the draw id.
  std::string DefineAndFreeze(const std::string& task = "T1") {
    auto d = svc_->DefineTask(Task(task), actor_);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    auto f = svc_->Freeze(task, actor_);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? f->draw_id : "";
  }

  static EntropyPlan Witnesses() {
    EntropyPlan e;
    e.drand = false;
    e.witnesses = {"张某", "李某"};
    return e;
  }
  static RevealInputs WitnessDigits() {
    RevealInputs r;
    r.witness_digits = {"12", "034"};
    return r;
  }

  std::string RunWitnessCeremony(const std::string& task = "T1") {
    const std::string id = DefineAndFreeze(task);
    auto c = svc_->Commit(id, Witnesses(), actor_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    auto r = svc_->Reveal(id, WitnessDigits(), actor_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return id;
  }

  EventType TypeAt(uint64_t seq) {
    auto bytes = ledger_->ReadEntry(seq);
    EXPECT_TRUE(bytes.ok());
    auto e = ParseEntry(*bytes);
    EXPECT_TRUE(e.ok());
    return e.ok() ? e->type() : EventType::Memo;
  }

  const draw::DrawInfo& DrawOf(const std::string& id) {
    const draw::DrawInfo* d = svc_->world().Draw(id);
    EXPECT_NE(d, nullptr) << id;
    static const draw::DrawInfo kNone;
    return d != nullptr ? *d : kNone;
  }

  DrawService* svc_ = nullptr;
};

TEST_F(DrawServiceTest, DefineTaskRefusesAWindowPast30DecemberAndAnItemListNotInForce) {
  const uint64_t size = ledger_->size();
  draw::TaskRecord late = Task("LATE");
  late.window_start = "2026-12-01";
  late.window_end = "2026-12-31";
  auto s = svc_->DefineTask(late, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("30 December"), std::string::npos) << s.status().message();

  // Version 2 of the item list takes effect on 2026-09-01: a task opening in October must
  // use it, one opening in June must still use version 1.
  auto v1 = projection_->GetItemList("320400", "", 1);
  ASSERT_TRUE(v1.ok() && v1->has_value());
  directory::ItemListRecord v2 = **v1;
  v2.effective_date = "2026-09-01";
  v2.items[0].name += "（修订）";
  ASSERT_TRUE(dirsvc_->PublishItemList(v2, actor_).ok());
  draw::TaskRecord autumn = Task("AUTUMN");
  autumn.window_start = "2026-10-01";
  autumn.window_end = "2026-11-30";
  s = svc_->DefineTask(autumn, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("the version in force is 2"), std::string::npos)
      << s.status().message();
  autumn.item_list_version = 2;
  EXPECT_TRUE(svc_->DefineTask(autumn, actor_).ok());
  draw::TaskRecord june = Task("JUNE");
  june.item_list_version = 2;
  EXPECT_EQ(svc_->DefineTask(june, actor_).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->size(), size + 2) << "the item list and one task";
}

TEST_F(DrawServiceTest, WitnessCeremonyAppendsRevealAndResultAndRemovesTheSecret) {
  const std::string id = DefineAndFreeze();
  ASSERT_EQ(id, "T1-d1");
  EXPECT_EQ(DrawOf(id).freeze.target_count, 40u);
  EXPECT_EQ(DrawOf(id).freeze.inspector_count, 8u);

  auto c = svc_->Commit(id, Witnesses(), actor_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(TypeAt(*c), EventType::DrawCommitted);
  EXPECT_EQ(DrawOf(id).phase, DrawPhase::kCommitted);
  EXPECT_TRUE(DrawOf(id).commit.drand_chain.empty());
  const fs::path secret = svc_->SecretPath(id);
  ASSERT_TRUE(fs::exists(secret));
  EXPECT_EQ(fs::file_size(secret), 32u);
  EXPECT_EQ(fs::status(secret).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  auto r = svc_->Reveal(id, WitnessDigits(), actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(TypeAt(*r), EventType::DrawRevealed);
  EXPECT_EQ(TypeAt(*r + 1), EventType::DrawResult);
  EXPECT_EQ(ledger_->size(), *r + 2) << "6 visits fit in one result part";
  const draw::DrawInfo& d = DrawOf(id);
  EXPECT_EQ(d.phase, DrawPhase::kResulted);
  EXPECT_EQ(d.parts, 1u);
  EXPECT_EQ(d.visits.size(), 6u);
  for (const auto& v : d.visits) EXPECT_EQ(v.team.size(), 2u) << v.credit_code;
  EXPECT_EQ(d.reveal.witness_digits, (std::vector<std::string>{"12", "034"}));
  EXPECT_EQ(d.reveal.seed, draw::DeriveSeed(d.commitment, d.commit, d.reveal));
  EXPECT_FALSE(fs::exists(secret)) << "the secret is removed once the reveal is durable";
  EXPECT_EQ(svc_->Reveal(id, WitnessDigits(), actor_).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(DrawServiceTest, DrandCeremonyWaitsForTheRoundByTheServiceClock) {
  const std::string id = DefineAndFreeze();
  EntropyPlan e;  // drand only, the default
  e.drand_delay_seconds = 30;
  auto c = svc_->Commit(id, e, actor_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const draw::CommitRecord commit = DrawOf(id).commit;
  EXPECT_EQ(commit.drand_chain, draw::kDrandQuicknetChain);
  EXPECT_GE(commit.drand_round_time, *now_us_ / 1000000 + 30);
  EXPECT_EQ(commit.drand_round_time, draw::DrandRoundTime(commit.drand_round));

  const Bytes signature(96, 0x5a);
  const Hash h = Sha256(signature);
  RevealInputs in;
  in.drand_signature = signature;
  in.drand_randomness.assign(h.begin(), h.end());
  auto early = svc_->Reveal(id, in, actor_);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("wait"), std::string::npos) << early.status().message();

  *now_us_ = commit.drand_round_time * 1000000;
  auto r = svc_->Reveal(id, in, actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(DrawOf(id).phase, DrawPhase::kResulted);
  EXPECT_EQ(DrawOf(id).reveal.drand_randomness, in.drand_randomness);
  EXPECT_EQ(DrawOf(id).reveal.drand_signature, signature);
  EXPECT_FALSE(fs::exists(svc_->SecretPath(id)));
}

TEST_F(DrawServiceTest, RevealRefusesBadEntropyAndLeavesTheDrawCommitted) {
  const std::string id = DefineAndFreeze();
  EntropyPlan e = Witnesses();
  e.drand = true;
  ASSERT_TRUE(svc_->Commit(id, e, actor_).ok());
  *now_us_ = DrawOf(id).commit.drand_round_time * 1000000 + 1000000;
  const uint64_t size = ledger_->size();

  const Bytes signature(96, 0x17);
  const Hash h = Sha256(signature);
  RevealInputs good = WitnessDigits();
  good.drand_signature = signature;
  good.drand_randomness.assign(h.begin(), h.end());

  RevealInputs one_witness = good;
  one_witness.witness_digits = {"12"};
  auto s = svc_->Reveal(id, one_witness, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("2 witnesses"), std::string::npos) << s.status().message();

  RevealInputs not_digits = good;
  not_digits.witness_digits[1] = "3a";
  EXPECT_EQ(svc_->Reveal(id, not_digits, actor_).status().code(), StatusCode::kInvalidArgument);

  RevealInputs short_randomness = good;
  short_randomness.drand_signature.clear();
  short_randomness.drand_randomness.resize(31);
  s = svc_->Reveal(id, short_randomness, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("32 bytes"), std::string::npos) << s.status().message();

  RevealInputs no_signature = good;
  no_signature.drand_signature.clear();
  s = svc_->Reveal(id, no_signature, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("signature is required"), std::string::npos)
      << s.status().message();

  RevealInputs wrong_randomness = good;
  wrong_randomness.drand_randomness[0] ^= 0x01;
  s = svc_->Reveal(id, wrong_randomness, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("SHA-256"), std::string::npos) << s.status().message();

  EXPECT_EQ(ledger_->size(), size) << "a refused reveal appends nothing";
  EXPECT_EQ(DrawOf(id).phase, DrawPhase::kCommitted);
  EXPECT_TRUE(fs::exists(svc_->SecretPath(id))) << "a refused reveal keeps the secret";
  auto r = svc_->Reveal(id, good, actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(DrawOf(id).phase, DrawPhase::kResulted);
}

TEST_F(DrawServiceTest, RevealOfATamperedSecretFileIsDataLoss) {
  const std::string id = DefineAndFreeze();
  ASSERT_TRUE(svc_->Commit(id, Witnesses(), actor_).ok());
  const fs::path secret = svc_->SecretPath(id);
  {
    std::ofstream f(secret, std::ios::binary | std::ios::trunc);
    f << std::string(32, 'x');
  }
  const uint64_t size = ledger_->size();
  auto s = svc_->Reveal(id, WitnessDigits(), actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find("does not match the commitment"), std::string::npos)
      << s.status().message();
  {
    std::ofstream f(secret, std::ios::binary | std::ios::trunc);
    f << "short";
  }
  EXPECT_EQ(svc_->Reveal(id, WitnessDigits(), actor_).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ledger_->size(), size);
  EXPECT_EQ(DrawOf(id).phase, DrawPhase::kCommitted);
}

TEST_F(DrawServiceTest, CommitRefusesNoEntropyAndALotteryInThePast) {
  const std::string id = DefineAndFreeze();
  const uint64_t size = ledger_->size();
  EntropyPlan none;
  none.drand = false;
  auto s = svc_->Commit(id, none, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("entropy"), std::string::npos) << s.status().message();

  EntropyPlan past;
  past.drand = false;
  past.lottery_name = "福彩3D";
  past.lottery_issue = "2026001";
  past.lottery_time = *now_us_ / 1000000 - 3600;
  EXPECT_EQ(svc_->Commit(id, past, actor_).status().code(), StatusCode::kFailedPrecondition);

  EXPECT_EQ(ledger_->size(), size);
  EXPECT_EQ(DrawOf(id).phase, DrawPhase::kFrozen);
  EXPECT_FALSE(fs::exists(svc_->SecretPath(id))) << "a refused commit leaves no secret behind";

  // A lottery still to come is accepted, and the reveal waits for it.
  EntropyPlan future = past;
  future.lottery_time = *now_us_ / 1000000 + 3600;
  ASSERT_TRUE(svc_->Commit(id, future, actor_).ok());
  RevealInputs in;
  in.lottery_digits = "427";
  EXPECT_EQ(svc_->Reveal(id, in, actor_).status().code(), StatusCode::kFailedPrecondition);
  *now_us_ += 3601LL * 1000000;
  ASSERT_TRUE(svc_->Reveal(id, in, actor_).ok());
  EXPECT_EQ(DrawOf(id).reveal.lottery_digits, "427");
}

TEST_F(DrawServiceTest, FreezeAfterCommitIsRefusedUntilCancelAndRedrawsAreCounted) {
  const std::string d1 = DefineAndFreeze();
  // An uncommitted freeze is superseded by a new one: not a redraw.
  auto f2 = svc_->Freeze("T1", actor_);
  ASSERT_TRUE(f2.ok()) << f2.status().ToString();
  EXPECT_EQ(DrawOf(d1).phase, DrawPhase::kCancelled);
  const std::string d2 = f2->draw_id;
  ASSERT_TRUE(svc_->Commit(d2, Witnesses(), actor_).ok());
  EXPECT_EQ(svc_->Commit(d1, Witnesses(), actor_).status().code(),
            StatusCode::kFailedPrecondition);

  const uint64_t size = ledger_->size();
  auto again = svc_->Freeze("T1", actor_);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("cancellation"), std::string::npos)
      << again.status().message();
  EXPECT_EQ(svc_->Cancel(d2, "", actor_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->size(), size);
  EXPECT_EQ(svc_->world().Task("T1")->redraws(), 0u);

  ASSERT_TRUE(svc_->Cancel(d2, "见证人未到场", actor_).ok());
  EXPECT_EQ(svc_->Cancel(d2, "again", actor_).status().code(), StatusCode::kAlreadyExists);
  auto f3 = svc_->Freeze("T1", actor_);
  ASSERT_TRUE(f3.ok()) << f3.status().ToString();
  EXPECT_EQ(f3->draw_id, "T1-d3");
  ASSERT_TRUE(svc_->Commit(f3->draw_id, Witnesses(), actor_).ok());
  const draw::TaskInfo* t = svc_->world().Task("T1");
  EXPECT_EQ(t->commits, 2u);
  EXPECT_EQ(t->cancelled_commits, 1u);
  EXPECT_EQ(t->redraws(), 1u);
  EXPECT_EQ(t->draw_ids, (std::vector<std::string>{"T1-d1", "T1-d2", "T1-d3"}));
  ASSERT_TRUE(svc_->Reveal(f3->draw_id, WitnessDigits(), actor_).ok());
  EXPECT_EQ(svc_->world().Task("T1")->redraws(), 1u);
}

TEST_F(DrawServiceTest, DeclineReplacesWithTheNextSubstituteUntilNoneRemain) {
  const std::string id = RunWitnessCeremony();
  const draw::VisitRecord v = DrawOf(id).visits.at(0);
  ASSERT_EQ(v.team.size(), 2u);
  ASSERT_EQ(v.substitutes.size(), 2u);

  EXPECT_EQ(svc_->Decline(id, v.credit_code, v.team[0], "", actor_).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->Decline(id, v.credit_code, v.substitutes[0], "病假", actor_).status().code(),
            StatusCode::kFailedPrecondition)
      << "a substitute not on the team cannot decline";

  ASSERT_TRUE(svc_->Decline(id, v.credit_code, v.team[0], "病假", actor_).ok());
  EXPECT_EQ(DrawOf(id).declines.back().replacement_id, v.substitutes[0]);
  EXPECT_EQ(DrawOf(id).visits.at(0).team,
            (std::vector<std::string>{v.substitutes[0], v.team[1]}));
  ASSERT_TRUE(svc_->Decline(id, v.credit_code, v.team[1], "回避", actor_).ok());
  EXPECT_EQ(DrawOf(id).declines.back().replacement_id, v.substitutes[1]);

  const uint64_t size = ledger_->size();
  auto none = svc_->Decline(id, v.credit_code, v.substitutes[0], "出差", actor_);
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("no substitute left"), std::string::npos)
      << none.status().message();
  EXPECT_EQ(ledger_->size(), size);
  EXPECT_EQ(svc_->Decline(id, "91320402MA00000000", v.team[0], "x", actor_).status().code(),
            StatusCode::kNotFound);
}

TEST_F(DrawServiceTest, DefineTaskOutsideTheJurisdictionAppendsNothing) {
  const uint64_t size = ledger_->size();
  draw::TaskRecord t = Task();
  t.regions = {"130132"};  // 元氏县, Hebei: not Changzhou's
  auto s = svc_->DefineTask(t, actor_);
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("jurisdiction"), std::string::npos) << s.status().message();
  EXPECT_EQ(ledger_->size(), size);
  EXPECT_EQ(svc_->world().Task("T1"), nullptr);

  t = Task();
  t.plan_id = "P-none";
  EXPECT_EQ(svc_->DefineTask(t, actor_).status().code(), StatusCode::kFailedPrecondition);
  t = Task();
  t.ratio_bp = 500;  // and count: only one may be stated
  EXPECT_EQ(svc_->DefineTask(t, actor_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->size(), size);
  ASSERT_TRUE(svc_->DefineTask(Task(), actor_).ok());
  EXPECT_EQ(svc_->DefineTask(Task(), actor_).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(DrawServiceTest, PlanVersionsAreReadBackInOrder) {
  draw::PlanRecord v2{"P2026", "320400", 2026, "2026年度计划（调整）", "320000", 0, "增加建筑业专项"};
  ASSERT_TRUE(svc_->FilePlan(v2, actor_).ok());
  EXPECT_EQ(svc_->world().plans.at("P2026").plan.version, 2u);
  auto versions = svc_->PlanVersions("P2026");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].plan.version, 1u);
  EXPECT_EQ((*versions)[1].plan.note, "增加建筑业专项");
  EXPECT_LT((*versions)[0].sequence, (*versions)[1].sequence);
  EXPECT_TRUE(svc_->PlanVersions("P-none")->empty());
}

TEST_F(DrawServiceTest, FrozenInputsIgnoreDirectoryChangesAfterTheFreeze) {
  const std::string id = DefineAndFreeze();
  directory::TargetRecord late;
  late.region = "320402";
  late.credit_code = testing_support::SampleCreditCode("320402", 9999);
  late.name = "冻结后登记的企业";
  late.industry = "3411";
  late.headcount = 30;
  late.org_id = "320400";
  ASSERT_TRUE(dirsvc_->UpsertTarget(late, actor_).ok());
  auto in = svc_->FrozenInputsOf(id);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->population.targets.size(), 40u);
  auto roots = draw::RootsOf(in->population);
  EXPECT_EQ(roots.targets, DrawOf(id).freeze.target_root);
  EXPECT_EQ(roots.inspectors, DrawOf(id).freeze.inspector_root);
  EXPECT_EQ(roots.experts, DrawOf(id).freeze.expert_root);
  ASSERT_TRUE(svc_->Commit(id, Witnesses(), actor_).ok());
  ASSERT_TRUE(svc_->Reveal(id, WitnessDigits(), actor_).ok());
  for (const auto& v : DrawOf(id).visits) EXPECT_NE(v.credit_code, late.credit_code);
}

}  // namespace
}  // namespace suiji
