#include "verifier/draw_audit.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>

#include "ledger/core/draw/algorithm.h"
#include "ledger/core/export_format.h"
#include "ledger/core/sha256.h"
#include "ledger/keystore.h"
#include "tests/support/draw_fixture.h"
#include "verifier/log_verifier.h"

namespace suiji {
namespace {

using testing_support::DrawNodeTest;

class DrawAuditTest : public DrawNodeTest {
 protected:
  void SetUp() override {
    DrawNodeTest::SetUp();
    MakeDirectory();
    MakePlanAndTask();
  }

  DrawAudit Audit() {
    std::string bytes = Export();
    VerifyReport integrity = VerifyExport(AsBytes(bytes), {});
    EXPECT_TRUE(integrity.ok()) << integrity.problem->what;
    return AuditDraws(AsBytes(bytes), {});
  }

  static bool HasFailure(const DrawAudit& a, const std::string& needle) {
    for (const auto& f : a.failures) {
      if (f.what.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  static std::string Failures(const DrawAudit& a) {
    std::string s;
    for (const auto& f : a.failures) s += f.draw_id + ": " + f.what + "\n";
    return s;
  }

  // Freeze and commit through the service (honestly); returns the draw id.
  std::string FreezeAndCommit() {
    auto f = draws_->Freeze("T1", actor_);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    Advance(60);
    EXPECT_TRUE(draws_->Commit(f->draw_id, Witnesses(), actor_).ok());
    Advance(60);
    EXPECT_TRUE(draws_->Sync().ok());
    return f->draw_id;
  }

  Bytes Secret(const std::string& draw_id) {
    std::ifstream in(draws_->SecretPath(draw_id), std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // The reveal record a dishonest operator would write with `secret`.
  draw::RevealRecord RevealWith(const std::string& draw_id, Bytes secret) {
    const draw::DrawInfo* d = draws_->world().Draw(draw_id);
    draw::RevealRecord r;
    r.draw_id = draw_id;
    r.secret = std::move(secret);
    r.witness_digits = WitnessDigits().witness_digits;
    r.seed = draw::DeriveSeed(d->commitment, d->commit, r);
    return r;
  }

  // Appends a reveal and a result (as the given outcome) straight to the ledger.
  void AppendRevealAndResult(const draw::RevealRecord& r, const draw::DrawOutcome& outcome) {
    std::vector<EventDraft> drafts{{EventType::DrawRevealed, draw::EncodeReveal(r), actor_}};
    for (const auto& part : draw::SplitResult(r.draw_id, r.seed, outcome)) {
      drafts.push_back({EventType::DrawResult, draw::EncodeResultPart(part), actor_});
    }
    auto s = ledger_->Append(drafts);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }

  // Appends a DrawFrozen for task T1 stating exactly these populations (as a dishonest
  // operator would, bypassing the node).
  void AppendFreezeOf(const std::string& draw_id, const draw::Population& pop) {
    const auto roots = draw::RootsOf(pop);
    draw::FreezeRecord f;
    f.draw_id = draw_id;
    f.task_id = "T1";
    f.target_count = pop.targets.size();
    f.target_root = roots.targets;
    f.inspector_count = pop.inspectors.size();
    f.inspector_root = roots.inspectors;
    f.expert_count = pop.experts.size();
    f.expert_root = roots.experts;
    f.strata = draw::ComputeQuotas(draws_->world().Task("T1")->task, pop);
    ASSERT_TRUE(ledger_->Append(std::vector<EventDraft>{
                                    {EventType::DrawFrozen, draw::EncodeFreeze(f), actor_}})
                    .ok());
  }

  draw::DrawOutcome HonestOutcome(const std::string& draw_id, const Hash& seed) {
    auto in = draws_->FrozenInputsOf(draw_id);
    EXPECT_TRUE(in.ok());
    return draw::RunDraw(draws_->world().Task("T1")->task, in->population, seed, in->Teams());
  }
};

TEST_F(DrawAuditTest, HonestDrawIsRecomputedIdentically) {
  std::string id = RunCeremony();
  DrawAudit a = Audit();
  ASSERT_TRUE(a.ok()) << Failures(a);
  ASSERT_EQ(a.draws.size(), 1u);
  EXPECT_EQ(a.draws[0].draw_id, id);
  EXPECT_EQ(a.draws[0].phase, "drawn");
  EXPECT_TRUE(a.draws[0].recomputed);
  EXPECT_EQ(a.draws[0].targets, 60u);
  EXPECT_EQ(a.draws[0].selected, 12u);  // ceil(30 × 20%) in each of two counties
  EXPECT_EQ(a.draws[0].entropy, "witnesses 2");
  EXPECT_LE(a.draws[0].max_load, 3u);  // 12 visits × 2 over 8 inspectors: mean 3
  EXPECT_TRUE(a.abandoned.empty());
  EXPECT_TRUE(a.redrawn.empty());
}

TEST_F(DrawAuditTest, ChangedSelectedTargetIsCaught) {
  std::string id = FreezeAndCommit();
  draw::RevealRecord r = RevealWith(id, Secret(id));
  draw::DrawOutcome outcome = HonestOutcome(id, r.seed);
  // Swap the first selected target for one the draw did not select.
  std::set<std::string> selected;
  for (const auto& v : outcome.visits) selected.insert(v.credit_code);
  std::string other;
  for (const auto& c : target_codes_) {
    if (selected.count(c) == 0 && c.substr(2, 6) == outcome.visits[0].stratum) other = c;
  }
  ASSERT_FALSE(other.empty());
  outcome.visits[0].credit_code = other;
  AppendRevealAndResult(r, outcome);
  DrawAudit a = Audit();
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(HasFailure(a, "the log names " + other)) << Failures(a);
}

TEST_F(DrawAuditTest, ChangedTeamIsCaught) {
  std::string id = FreezeAndCommit();
  draw::RevealRecord r = RevealWith(id, Secret(id));
  draw::DrawOutcome outcome = HonestOutcome(id, r.seed);
  std::swap(outcome.visits[0].team[0], outcome.visits[0].substitutes[0]);
  AppendRevealAndResult(r, outcome);
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "the team differs")) << Failures(a);
}

TEST_F(DrawAuditTest, PopulationChangedAfterTheCommitIsCaught) {
  std::string id = FreezeAndCommit();
  draw::RevealRecord r = RevealWith(id, Secret(id));
  draw::DrawOutcome honest = HonestOutcome(id, r.seed);
  // After the commit, the operator retires a drawn employer and draws from what is left.
  const std::string drawn = honest.visits[0].credit_code;
  ASSERT_TRUE(dirsvc_->RetireTarget(drawn, directory::TargetStatus::Deregistered, "注销", actor_)
                  .ok());
  ASSERT_TRUE(draws_->Sync().ok());
  auto now = draws_->world().Freeze("T1");
  ASSERT_TRUE(now.ok());
  draw::DrawOutcome steered =
      draw::RunDraw(draws_->world().Task("T1")->task, now->population, r.seed, now->Teams());
  AppendRevealAndResult(r, steered);
  DrawAudit a = Audit();
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(HasFailure(a, "does not match the recomputed draw")) << Failures(a);
}

TEST_F(DrawAuditTest, FrozenRootsThatOmitATargetAreCaught) {
  ASSERT_TRUE(draws_->Sync().ok());
  auto in = draws_->world().Freeze("T1");
  ASSERT_TRUE(in.ok());
  in->population.targets.erase(in->population.targets.begin() + 5);  // quietly left out
  AppendFreezeOf("T1-d1", in->population);
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "the frozen targets do not match")) << Failures(a);
  EXPECT_TRUE(HasFailure(a, "log states 59")) << Failures(a);
}

TEST_F(DrawAuditTest, SecretThatDoesNotMatchItsHashIsCaught) {
  std::string id = FreezeAndCommit();
  Bytes other(32);
  randombytes_buf(other.data(), other.size());
  draw::RevealRecord r = RevealWith(id, other);  // a seed the operator liked better
  AppendRevealAndResult(r, HonestOutcome(id, r.seed));
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "does not match the committed secret hash")) << Failures(a);
}

TEST_F(DrawAuditTest, StatedSeedThatIsNotDerivedIsCaught) {
  std::string id = FreezeAndCommit();
  draw::RevealRecord r = RevealWith(id, Secret(id));
  r.seed[0] ^= 1;
  AppendRevealAndResult(r, HonestOutcome(id, r.seed));
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "the stated seed is not the seed the inputs give")) << Failures(a);
}

TEST_F(DrawAuditTest, EntropyDatedBeforeTheCommitIsCaught) {
  auto f = draws_->Freeze("T1", actor_);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(draws_->Sync().ok());
  const draw::DrawInfo* d = draws_->world().Draw(f->draw_id);
  draw::CommitRecord c;
  c.draw_id = d->draw_id;
  c.task_id = "T1";
  c.freeze_sequence = d->freeze_sequence;
  c.target_count = d->freeze.target_count;
  c.target_root = d->freeze.target_root;
  c.inspector_count = d->freeze.inspector_count;
  c.inspector_root = d->freeze.inspector_root;
  c.expert_root = d->freeze.expert_root;
  c.params_hash = draw::ParamsHash(draws_->world().Task("T1")->payload);
  c.secret_hash = draw::SecretHash(Bytes(32, 7));
  c.drand_chain = std::string(draw::kDrandQuicknetChain);
  // A round already public ten minutes before the commit: its randomness was known.
  c.drand_round = draw::DrandFirstRoundAfter(*now_us_ / 1000000 - 600);
  c.drand_round_time = draw::DrandRoundTime(c.drand_round);
  ASSERT_TRUE(ledger_->Append(std::vector<EventDraft>{
                                  {EventType::DrawCommitted, draw::EncodeCommit(c), actor_}})
                  .ok());
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "entropy dated before the commit: drand round")) << Failures(a);
  ASSERT_EQ(a.abandoned.size(), 1u);  // committed and never revealed
}

TEST_F(DrawAuditTest, UnannouncedRedrawIsCaught) {
  RunCeremony();
  ASSERT_TRUE(draws_->Sync().ok());
  // A second freeze of the same task without cancelling the first draw.
  auto in = draws_->world().Freeze("T1");
  ASSERT_TRUE(in.ok());
  AppendFreezeOf("T1-again", in->population);
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "a redraw needs its cancellation first")) << Failures(a);
  // And the node itself refuses to do it.
  auto refused = draws_->Freeze("T1", actor_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("a redraw needs its cancellation first"),
            std::string::npos)
      << refused.status().message();
}

TEST_F(DrawAuditTest, AnnouncedRedrawIsCountedWithItsReason) {
  std::string first = RunCeremony();
  ASSERT_TRUE(draws_->Cancel(first, "抽取时检查人员名录未更新 (inspector list was stale)", actor_)
                  .ok());
  Advance(3600);
  std::string second = RunCeremony();
  DrawAudit a = Audit();
  ASSERT_TRUE(a.ok()) << Failures(a);
  ASSERT_EQ(a.redrawn.size(), 1u);
  EXPECT_EQ(a.redrawn[0].task_id, "T1");
  EXPECT_EQ(a.redrawn[0].redraws, 1u);
  ASSERT_EQ(a.redrawn[0].cancellations.size(), 1u);
  EXPECT_NE(a.redrawn[0].cancellations[0].find("inspector list was stale"), std::string::npos);
  ASSERT_EQ(a.draws.size(), 2u);
  EXPECT_EQ(a.draws[0].phase, "cancelled");
  EXPECT_EQ(a.draws[1].draw_id, second);
  EXPECT_EQ(a.draws[1].commit_number, 2u);
  EXPECT_TRUE(a.draws[1].recomputed);
}

TEST_F(DrawAuditTest, WithdrawnTaskCannotBeCommittedOrDrawn) {
  auto f = draws_->Freeze("T1", actor_);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(draws_->WithdrawTask("T1", "计划调整 (plan adjusted)", actor_).ok());
  auto c = draws_->Commit(f->draw_id, Witnesses(), actor_);
  EXPECT_EQ(c.status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(draws_->Sync().ok());
  EXPECT_EQ(draws_->world().Draw(f->draw_id)->phase, draw::DrawPhase::kCancelled);
  auto refreeze = draws_->Freeze("T1", actor_);
  EXPECT_EQ(refreeze.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refreeze.status().message().find("withdrawn"), std::string::npos)
      << refreeze.status().message();
  DrawAudit a = Audit();
  EXPECT_TRUE(a.ok()) << Failures(a);
  EXPECT_TRUE(a.abandoned.empty());
}

TEST_F(DrawAuditTest, AMalformedPayloadIsAFailureNotASilentStop) {
  // The ledger refuses a malformed payload, so only the key holder writing around it can make
  // one: a TargetUpdated whose payload is not a Target table, signed and chained after the log.
  std::string bytes = Export();
  auto key = ReadKeyFile(NodePaths{dir_}.node_key());
  ASSERT_TRUE(key.ok());
  auto last = ledger_->ReadEntry(ledger_->size() - 1);
  ASSERT_TRUE(last.ok());
  auto last_view = ParseEntry(*last);
  ASSERT_TRUE(last_view.ok());
  const Bytes garbage{1, 2, 3, 4};
  EntryFields f;
  f.ledger_id = ledger_->ledger_id();
  f.sequence = ledger_->size();
  f.prev_hash = LeafHash(*last);
  f.time_us = last_view->event->time_us();
  f.actor = &actor_;
  f.type = EventType::TargetUpdated;
  f.payload = garbage;
  AppendExportRecord(bytes, kRecordEntry, BuildEntry(f, *key));
  DrawAudit a = AuditDraws(AsBytes(bytes), {});
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(HasFailure(a, "the draws after it were not audited")) << Failures(a);
}

TEST_F(DrawAuditTest, ACommitCancelledBeforeItsRevealIsReportedAsAbandoned) {
  std::string id = FreezeAndCommit();
  ASSERT_TRUE(draws_->Cancel(id, "会场停电 (power cut at the ceremony)", actor_).ok());
  DrawAudit a = Audit();
  ASSERT_TRUE(a.ok()) << Failures(a);
  ASSERT_EQ(a.abandoned.size(), 1u);
  EXPECT_NE(a.abandoned[0].find("before its reveal: the secret was never shown"),
            std::string::npos) << a.abandoned[0];
}

TEST_F(DrawAuditTest, ADrawAwaitingItsEntropyIsPendingNotAbandoned) {
  auto f = draws_->Freeze("T1", actor_);
  ASSERT_TRUE(f.ok());
  EntropyPlan e = Witnesses();
  e.drand = true;
  e.drand_delay_seconds = 600;
  ASSERT_TRUE(draws_->Commit(f->draw_id, e, actor_).ok());
  DrawAudit a = Audit();
  ASSERT_TRUE(a.ok()) << Failures(a);
  EXPECT_TRUE(a.abandoned.empty());
  ASSERT_EQ(a.pending.size(), 1u);
}

TEST_F(DrawAuditTest, ATargetMovedOutOfScopeIsALastMinuteChange) {
  // Another county's bureau area: 320411 is in the city but outside the task's county scope.
  draw::TaskRecord t = SampleTask("T-COUNTY");
  t.regions = {"320402"};
  ASSERT_TRUE(draws_->DefineTask(t, actor_).ok());
  Advance(30 * 86400);
  auto cur = projection_->GetTarget(target_codes_[0]);  // in 320402
  ASSERT_TRUE(cur.ok() && cur->has_value());
  directory::TargetRecord moved = **cur;
  moved.region = "320411";
  ASSERT_TRUE(dirsvc_->UpsertTarget(moved, actor_).ok());
  Advance(86400);
  RunCeremony("T-COUNTY");
  DrawAudit a = Audit();
  ASSERT_TRUE(a.ok()) << Failures(a);
  ASSERT_EQ(a.draws.size(), 1u);
  ASSERT_EQ(a.draws[0].last_minute_total, 1u);
  const DirectoryChange& c = a.draws[0].last_minute[0];
  EXPECT_EQ(c.id, target_codes_[0]);
  // Kept compactly (its type and id read again from the export, its regions interned): listed
  // with every field as the event gave it.
  EXPECT_EQ(c.type, "TargetUpdated");
  EXPECT_TRUE(c.is_target);
  EXPECT_EQ(c.region_before, "320402");
  EXPECT_EQ(c.region_after, "320411");
  EXPECT_GT(c.sequence, 0u);
  EXPECT_GT(c.time_us, 0);
}

TEST_F(DrawAuditTest, ADrawOthersMergedIntoCannotBeCancelledFirst) {
  std::string first = RunCeremony("T1");
  draw::TaskRecord t2 = SampleTask("T2");
  t2.item_ids = {"I2"};
  t2.ratio_bp = 9000;
  t2.window_start = "2026-07-01";
  t2.window_end = "2026-08-31";
  ASSERT_TRUE(draws_->DefineTask(t2, actor_).ok());
  std::string second = RunCeremony("T2");
  auto refused = draws_->Cancel(first, "重复抽取 (duplicate)", actor_);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("cancel that draw first"), std::string::npos);
  auto c2 = draws_->Cancel(second, "重复抽取 (duplicate)", actor_);
  EXPECT_TRUE(c2.ok()) << c2.status().ToString();
  EXPECT_TRUE(draws_->Cancel(first, "重复抽取 (duplicate)", actor_).ok());
}

TEST_F(DrawAuditTest, LastMinuteDirectoryChangesAreReported) {
  // The directory was built 30 days before the commit: those events are not last-minute.
  Advance(28 * 86400);
  const std::string touched = target_codes_[3];
  auto cur = projection_->GetTarget(touched);
  ASSERT_TRUE(cur.ok() && cur->has_value());
  directory::TargetRecord t = **cur;
  t.headcount = 7;  // now below the threshold of 8: leaves the population
  ASSERT_TRUE(dirsvc_->UpsertTarget(t, actor_).ok());
  Advance(2 * 86400);
  RunCeremony();
  DrawAudit a = Audit();
  ASSERT_TRUE(a.ok()) << Failures(a);
  ASSERT_EQ(a.draws.size(), 1u);
  EXPECT_EQ(a.draws[0].targets, 59u);
  EXPECT_EQ(a.draws[0].last_minute_total, 1u);
  ASSERT_EQ(a.draws[0].last_minute.size(), 1u);
  EXPECT_EQ(a.draws[0].last_minute[0].id, touched);
  EXPECT_EQ(a.draws[0].last_minute[0].type, "TargetUpdated");
}

TEST_F(DrawAuditTest, DeclineTakesTheNextSubstitute) {
  std::string id = RunCeremony();
  ASSERT_TRUE(draws_->Sync().ok());
  const draw::VisitRecord v = draws_->world().Draw(id)->visits[0];
  auto s = draws_->Decline(id, v.credit_code, v.team[0], "回避：亲属关系 (relative)", actor_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(draws_->Sync().ok());
  const draw::VisitRecord& after = draws_->world().Draw(id)->visits[0];
  EXPECT_EQ(after.team[0], v.substitutes[0]);
  // A forged decline naming the second substitute is refused by the fold, so the audit fails.
  draw::DeclineRecord forged{id, v.credit_code, v.team[1], "生病 (ill)", v.substitutes[0]};
  ASSERT_TRUE(ledger_->Append(std::vector<EventDraft>{
                                  {EventType::AssignmentDeclined, draw::EncodeDecline(forged),
                                   actor_}})
                  .ok());
  DrawAudit a = Audit();
  EXPECT_TRUE(HasFailure(a, "must be the next substitute")) << Failures(a);
}

}  // namespace
}  // namespace suiji

namespace suiji {
namespace {

class DrawMergeTest : public testing_support::DrawNodeTest {
 protected:
  void SetUp() override {
    DrawNodeTest::SetUp();
    MakeDirectory();
    MakePlanAndTask();
  }
};

TEST_F(DrawMergeTest, TargetDrawnByTwoTasksInOneWindowGetsOneVisit) {
  std::string first = RunCeremony("T1");
  // A second task on another item, overlapping window, half of each county.
  draw::TaskRecord t2 = SampleTask("T2");
  t2.item_ids = {"I2"};
  t2.ratio_bp = 5000;
  t2.window_start = "2026-07-01";
  t2.window_end = "2026-08-31";
  ASSERT_TRUE(draws_->DefineTask(t2, actor_).ok());
  Advance(3600);
  std::string second = RunCeremony("T2");
  ASSERT_TRUE(draws_->Sync().ok());
  const auto* d1 = draws_->world().Draw(first);
  const auto* d2 = draws_->world().Draw(second);
  std::set<std::string> in_first;
  for (const auto& v : d1->visits) in_first.insert(v.credit_code);
  size_t merged = 0;
  for (const auto& v : d2->visits) {
    if (in_first.count(v.credit_code) > 0) {
      ++merged;
      EXPECT_EQ(v.merged_into, first) << v.credit_code;
      EXPECT_TRUE(v.team.empty());
      // The history holds both tasks' items for one visit with the first draw's team.
      const auto& history = draws_->world().visits.at(v.credit_code);
      ASSERT_EQ(history.size(), 2u);
      EXPECT_EQ(history[1].merged_into, first);
      EXPECT_EQ(history[1].team, history[0].team);
      EXPECT_EQ(history[1].items, std::vector<std::string>{"I2"});
    } else {
      EXPECT_TRUE(v.merged_into.empty());
      EXPECT_EQ(v.team.size(), 2u);
    }
  }
  EXPECT_GT(merged, 0u);  // 12 of 60 drawn first, then 30 of 60: overlap is all but certain
  std::string bytes = Export();
  DrawAudit a = AuditDraws(AsBytes(bytes), {});
  EXPECT_TRUE(a.ok());
  ASSERT_EQ(a.draws.size(), 2u);
  EXPECT_TRUE(a.draws[1].recomputed);
}

TEST_F(DrawMergeTest, KeyItemsDrawEveryoneInABatchOrder) {
  draw::TaskRecord t = SampleTask("K1");
  t.item_ids = {"I2"};
  t.key_items = true;
  t.ratio_bp = 10000;
  t.batch_size = 7;
  t.strata_by = draw::StrataBy::None;
  ASSERT_TRUE(draws_->DefineTask(t, actor_).ok());
  std::string id = RunCeremony("K1");
  ASSERT_TRUE(draws_->Sync().ok());
  const auto* d = draws_->world().Draw(id);
  ASSERT_EQ(d->visits.size(), 60u);
  for (size_t i = 0; i < d->visits.size(); ++i) {
    EXPECT_EQ(d->visits[i].order, i);
    EXPECT_EQ(d->visits[i].batch, i / 7);
    if (i > 0) {
      EXPECT_LE(d->visits[i - 1].rank_key, d->visits[i].rank_key);
    }
  }
  std::string bytes = Export();
  EXPECT_TRUE(AuditDraws(AsBytes(bytes), {}).ok());
}

}  // namespace
}  // namespace suiji
