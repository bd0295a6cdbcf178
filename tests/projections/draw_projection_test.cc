// The "draws" projection folder against the in-memory fold (DrawWorld, the oracle): every
// plan, task, draw and visit history, every decision (the checks, the eligibility of a
// freeze over the region index) equal; incremental and rebuilt digests equal; kill -9
// during catch-up neither repeats nor skips.
#include "projections/draw_projection.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger/lmdb/lmdb_storage.h"
#include "projections/projections.h"
#include "tests/support/draw_fixture.h"
#include "tests/support/projection_fixture.h"

namespace suiji {
namespace {

using draw::DrawInfo;
using draw::DrawWorld;
using draw::PastVisit;

void ExpectSameDraw(const DrawInfo& a, const DrawInfo& b) {
  SCOPED_TRACE("draw " + a.draw_id);
  EXPECT_EQ(a.draw_id, b.draw_id);
  EXPECT_EQ(a.task_id, b.task_id);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.phase_before_cancel, b.phase_before_cancel);
  EXPECT_EQ(a.freeze_sequence, b.freeze_sequence);
  EXPECT_EQ(a.freeze_time_us, b.freeze_time_us);
  EXPECT_EQ(a.commit_sequence, b.commit_sequence);
  EXPECT_EQ(a.commit_time_us, b.commit_time_us);
  EXPECT_EQ(a.reveal_sequence, b.reveal_sequence);
  EXPECT_EQ(a.reveal_time_us, b.reveal_time_us);
  EXPECT_EQ(a.cancel_sequence, b.cancel_sequence);
  EXPECT_EQ(a.freeze, b.freeze);
  EXPECT_EQ(a.commit, b.commit);
  EXPECT_EQ(a.commitment, b.commitment);
  EXPECT_EQ(a.reveal, b.reveal);
  EXPECT_EQ(a.parts_seen, b.parts_seen);
  EXPECT_EQ(a.parts, b.parts);
  EXPECT_EQ(a.result_strata, b.result_strata);
  EXPECT_EQ(a.visits, b.visits);
  EXPECT_EQ(a.declines, b.declines);
  EXPECT_EQ(a.cancel_reason, b.cancel_reason);
}

void ExpectSameHistory(const std::vector<PastVisit>& a, const std::vector<PastVisit>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].draw_id, b[i].draw_id);
    EXPECT_EQ(a[i].task_id, b[i].task_id);
    EXPECT_EQ(a[i].year, b[i].year);
    EXPECT_EQ(a[i].window_start, b[i].window_start);
    EXPECT_EQ(a[i].window_end, b[i].window_end);
    EXPECT_EQ(a[i].items, b[i].items);
    EXPECT_EQ(a[i].team, b[i].team);
    EXPECT_EQ(a[i].merged_into, b[i].merged_into);
  }
}

class DrawProjectionTest : public testing_support::DrawNodeTest {
 protected:
  void ExpectSameFrozenInputs(MDB_txn* txn, LmdbProjection& p, const DrawInfo& d) {
    SCOPED_TRACE("frozen inputs of " + d.draw_id);
    auto stored = FrozenInputsIn(txn, p, d.draw_id);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    ASSERT_TRUE(stored->has_value());
    auto refolded = DrawService::FrozenInputsAt(ledger_->storage(), d.freeze_sequence, d.task_id);
    ASSERT_TRUE(refolded.ok()) << refolded.status().ToString();
    const draw::FrozenInputs& in = **stored;
    EXPECT_EQ(draw::LeafLines(in.population), draw::LeafLines(refolded->population));
    EXPECT_EQ(in.population.targets, refolded->population.targets);
    EXPECT_EQ(in.population.inspectors, refolded->population.inspectors);
    EXPECT_EQ(in.population.experts, refolded->population.experts);
    EXPECT_EQ(in.conflicts, refolded->conflicts);
    EXPECT_EQ(in.conflicts_by_code, refolded->conflicts_by_code);
    EXPECT_EQ(in.previous_teams, refolded->previous_teams);
    const auto roots = draw::RootsOf(in.population);
    EXPECT_EQ(roots.targets, d.freeze.target_root);
    EXPECT_EQ(roots.inspectors, d.freeze.inspector_root);
    EXPECT_EQ(roots.experts, d.freeze.expert_root);
    auto mismatch = FrozenMismatchIn(txn, *p.folder("draws"), d.draw_id);
    ASSERT_TRUE(mismatch.ok());
    EXPECT_EQ(mismatch->value_or("absent"), "");
  }

  // Many targets in one batch (so a catch-up takes long enough to be killed and a draw's
  // result has several parts), a conflict, and a year of ceremonies: a plan in two versions;
  // T1 drawn with declines; T2 overlapping T1 (its visits merge into D1's, R10); T3 frozen
  // twice (the first superseded), committed, cancelled and redrawn; T4 frozen and withdrawn;
  // T5 whose window does not overlap (frequency rules see T1's and T2's visits); T8 whose
  // regions overlap (a county inside its city).
  void Scenario() {
    MakeDirectory(60, 12);
    std::vector<EventDraft> drafts;
    for (int i = 0; i < 3000; ++i) {
      directory::TargetRecord t;
      t.region = i % 3 == 0 ? "320402" : (i % 3 == 1 ? "320404" : "320411");
      t.credit_code = Code(t.region, static_cast<uint64_t>(20000 + i));
      t.name = "批量企业" + std::to_string(i);
      t.industry = i % 2 ? "3411" : "1311";
      t.headcount = static_cast<uint32_t>(5 + i % 50);
      t.credit_grade = i % 7 == 0 ? "C" : (i % 11 == 0 ? "A" : "B");
      t.grade_date = "2025-03-01";
      t.complaints = static_cast<uint32_t>(i % 4);
      t.org_id = "320400";
      drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(t), actor_});
    }
    ASSERT_TRUE(ledger_->Append(drafts).ok());
    ASSERT_TRUE(dirsvc_->DeclareConflict({"JS3204001", target_codes_[3], "亲属"}, actor_).ok());
    MakePlanAndTask();
    draw::PlanRecord v2{"P2026", "320400", 2026, "2026年度双随机抽查计划（修订）", "320000", 0, "调整"};
    ASSERT_TRUE(draws_->FilePlan(v2, actor_).ok());
    d1_ = RunCeremony("T1");
    const auto& v = draws_->world().Draw(d1_)->visits.at(0);
    ASSERT_TRUE(draws_->Decline(d1_, v.credit_code, v.team[0], "病假", actor_).ok());

    auto t2 = SampleTask("T2");
    t2.item_ids = {"I2"};
    t2.window_start = "2026-07-01";
    t2.window_end = "2026-08-31";
    t2.strata_by = draw::StrataBy::None;
    ASSERT_TRUE(draws_->DefineTask(t2, actor_).ok());
    d2_ = RunCeremony("T2");

    auto t3 = SampleTask("T3");
    t3.item_ids = {"I2"};
    t3.regions = {"320404", "320411"};
    t3.window_start = "2026-09-01";
    t3.window_end = "2026-09-30";
    t3.ratio_bp = 500;
    ASSERT_TRUE(draws_->DefineTask(t3, actor_).ok());
    ASSERT_TRUE(draws_->Freeze("T3", actor_).ok());
    auto f3 = draws_->Freeze("T3", actor_);
    ASSERT_TRUE(f3.ok());
    Advance(60);
    ASSERT_TRUE(draws_->Commit(f3->draw_id, Witnesses(), actor_).ok());
    ASSERT_TRUE(draws_->Cancel(f3->draw_id, "见证人未到场", actor_).ok());
    RunCeremony("T3");

    auto t4 = SampleTask("T4");
    t4.window_start = "2026-10-01";
    t4.window_end = "2026-10-31";
    ASSERT_TRUE(draws_->DefineTask(t4, actor_).ok());
    ASSERT_TRUE(draws_->Freeze("T4", actor_).ok());
    ASSERT_TRUE(draws_->WithdrawTask("T4", "计划调整", actor_).ok());

    auto t5 = SampleTask("T5");
    t5.window_start = "2026-11-01";
    t5.window_end = "2026-11-30";
    t5.frequency.max_per_year = 1;
    ASSERT_TRUE(draws_->DefineTask(t5, actor_).ok());

    // Overlapping regions (a county inside the city): each target read once.
    auto t8 = SampleTask("T8");
    t8.regions = {"320402", "320400", "320411"};
    t8.window_start = "2026-12-01";
    t8.window_end = "2026-12-30";
    ASSERT_TRUE(draws_->DefineTask(t8, actor_).ok());
    ASSERT_TRUE(draws_->Sync().ok());
  }

  // Compares everything the projection holds (at the log's end) with the in-memory fold.
  void ExpectSameAsOracle(LmdbProjection& p) {
    ASSERT_TRUE(draws_->Sync().ok());
    const DrawWorld& oracle = draws_->world();
    Status read = p.Read([&](MDB_txn* txn) {
      auto store = DrawStoreIn(txn, p);
      EXPECT_NE(store, nullptr);
      size_t plans = 0, tasks = 0, draws = 0;
      EXPECT_TRUE(store->ForEachPlan("", 0, [&](const draw::PlanInfo& pi) {
        ++plans;
        const draw::PlanInfo* o = oracle.FindPlan(pi.plan.plan_id);
        EXPECT_NE(o, nullptr);
        if (o != nullptr) {
          EXPECT_EQ(pi.plan, o->plan);
          EXPECT_EQ(pi.sequence, o->sequence);
        }
        return true;
      }).ok());
      EXPECT_EQ(plans, oracle.plans.size());
      auto versions = store->PlanVersions("P2026");
      EXPECT_TRUE(versions.ok());
      auto expected_versions = draws_->PlanVersions("P2026");
      EXPECT_EQ(versions->size(), expected_versions->size());
      for (size_t i = 0; i < versions->size() && i < expected_versions->size(); ++i) {
        EXPECT_EQ((*versions)[i].plan, (*expected_versions)[i].plan);
        EXPECT_EQ((*versions)[i].sequence, (*expected_versions)[i].sequence);
      }
      EXPECT_TRUE(store->ForEachTask("", 0, [&](const draw::TaskInfo& t) {
        ++tasks;
        const draw::TaskInfo* o = oracle.Task(t.task.task_id);
        EXPECT_NE(o, nullptr);
        if (o == nullptr) return true;
        EXPECT_EQ(t.task, o->task);
        EXPECT_EQ(t.payload, o->payload);
        EXPECT_EQ(t.sequence, o->sequence);
        EXPECT_EQ(t.last_sequence, o->last_sequence);
        EXPECT_EQ(t.year, o->year);
        EXPECT_EQ(t.withdrawn, o->withdrawn);
        EXPECT_EQ(t.draw_ids, o->draw_ids);
        EXPECT_EQ(t.commits, o->commits);
        EXPECT_EQ(t.cancelled_commits, o->cancelled_commits);
        // The same decision on a freeze now: populations, conflicts, previous teams, counts.
        draw::ExclusionCounts ex_p, ex_o;
        auto in_p = draw::FreezeInputs(*store, t.task.task_id, &ex_p);
        auto in_o = oracle.Freeze(t.task.task_id, &ex_o);
        EXPECT_EQ(in_p.status().code(), in_o.status().code());
        EXPECT_EQ(in_p.status().message(), in_o.status().message());
        if (in_p.ok() && in_o.ok()) {
          EXPECT_EQ(draw::LeafLines(in_p->population), draw::LeafLines(in_o->population));
          EXPECT_GT(in_o->population.targets.size(), 0u);
          EXPECT_EQ(in_p->conflicts, in_o->conflicts);
          EXPECT_EQ(in_p->previous_teams, in_o->previous_teams);
          EXPECT_EQ(ex_p.out_of_scope, ex_o.out_of_scope);
          EXPECT_EQ(ex_p.grade_a, ex_o.grade_a);
          EXPECT_EQ(ex_p.max_per_year, ex_o.max_per_year);
          EXPECT_EQ(ex_p.repeat_item, ex_o.repeat_item);
        }
        return true;
      }).ok());
      EXPECT_EQ(tasks, oracle.tasks.size());
      EXPECT_TRUE(store->ForEachDraw("", 0, [&](const DrawInfo& d) {
        ++draws;
        const DrawInfo* o = oracle.Draw(d.draw_id);
        EXPECT_NE(o, nullptr);
        if (o != nullptr) ExpectSameDraw(d, *o);
        // The inputs stored at the freeze are those the log refolded to it gives, line for
        // line (superseded, cancelled and withdrawn tasks' draws too).
        ExpectSameFrozenInputs(txn, p, d);
        auto cancel_p = draw::CheckCancel(*store, {d.draw_id, "x"});
        auto cancel_o = oracle.CheckCancel({d.draw_id, "x"});
        EXPECT_EQ(cancel_p.code(), cancel_o.code());
        EXPECT_EQ(cancel_p.message(), cancel_o.message());
        return true;
      }).ok());
      EXPECT_EQ(draws, oracle.draws.size());
      for (const auto& [code, history] : oracle.visits) {
        const std::vector<PastVisit>* h = store->FindVisits(code);
        EXPECT_NE(h, nullptr) << code;
        if (h != nullptr) ExpectSameHistory(*h, history);
      }
      // The checks a node makes before appending agree too.
      auto t1 = SampleTask("T1");
      EXPECT_EQ(draw::CheckTask(*store, t1).status().message(),
                oracle.CheckTask(t1).status().message());
      auto t6 = SampleTask("T6");
      t6.item_list_version = 2;
      EXPECT_EQ(draw::CheckTask(*store, t6).status().message(),
                oracle.CheckTask(t6).status().message());
      EXPECT_EQ(*draw::CheckTask(*store, SampleTask("T7")), 2026);
      draw::PlanRecord v3{"P2026", "320400", 2026, "x", "320000", 2, ""};
      EXPECT_EQ(draw::CheckPlan(*store, v3).message(), oracle.CheckPlan(v3).message());
      EXPECT_TRUE(store->status().ok()) << store->status().ToString();
      return OkStatus();
    });
    ASSERT_TRUE(read.ok()) << read.ToString();
  }

  std::string d1_, d2_;
};

TEST_F(DrawProjectionTest, HoldsWhatTheInMemoryFoldHoldsAndDecidesTheSame) {
  Scenario();
  LmdbProjection& p = *projection_->projection();
  ASSERT_TRUE(p.CatchUp(ledger_->storage()).ok());
  ExpectSameAsOracle(p);
  // R10: D2's visits merged into D1, so D1 cannot be cancelled first (both folds say so).
  Status refused = p.Read([&](MDB_txn* txn) {
    return draw::CheckCancel(*DrawStoreIn(txn, p), {d1_, "重抽"});
  });
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("merged into"), std::string::npos) << refused.message();
}

TEST_F(DrawProjectionTest, IncrementalAndRebuiltDigestsAreEqual) {
  MakeDirectory();
  LmdbProjection& p = *projection_->projection();
  // Caught up a few entries at a time while the scenario is written.
  MakePlanAndTask();
  ASSERT_TRUE(p.CatchUp(ledger_->storage(), 1).ok());
  d1_ = RunCeremony("T1");
  ASSERT_TRUE(p.CatchUp(ledger_->storage(), 2).ok());
  const auto& v = draws_->world().Draw(d1_)->visits.at(0);
  ASSERT_TRUE(draws_->Decline(d1_, v.credit_code, v.team[0], "病假", actor_).ok());
  ASSERT_TRUE(p.CatchUp(ledger_->storage(), 1).ok());
  ASSERT_TRUE(draws_->Cancel(d1_, "重抽", actor_).ok());
  RunCeremony("T1");
  ASSERT_TRUE(p.CatchUp(ledger_->storage(), 3).ok());
  const Hash incremental = *p.Digest("draws");
  const Hash incremental_all = *p.Digest();
  ExpectSameAsOracle(p);

  dirsvc_.reset();
  projection_.reset();
  std::filesystem::remove_all(dir_ / "projections");
  auto fresh = OpenProjections(dir_);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest("draws"), incremental);
  EXPECT_EQ(*(*fresh)->Digest(), incremental_all);
}

TEST_F(DrawProjectionTest, CrashDuringCatchUpNeitherRepeatsNorSkips) {
  Scenario();
  dirsvc_.reset();
  projection_.reset();
  ASSERT_NO_FATAL_FAILURE(testing_support::ExpectKilledCatchUpsResume(
      dir_, ledger_->storage(), /*batch=*/7, /*first_delay_us=*/30000, /*step_us=*/60000));
  auto p = OpenProjections(dir_);
  ASSERT_TRUE((*p)->CatchUp(ledger_->storage()).ok());
  ExpectSameAsOracle(**p);
}

TEST_F(DrawProjectionTest, AServiceOverTheProjectionDecidesAsTheFoldDoes) {
  MakeDirectory();
  auto now = now_us_;
  DrawService svc(*ledger_, projection_->projection(), ledger_->storage(), dir_,
                  [now] { return *now; });
  draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""};
  ASSERT_TRUE(svc.FilePlan(plan, actor_).ok());
  ASSERT_TRUE(svc.FilePlan(plan, actor_).ok());  // version 2
  ASSERT_TRUE(svc.DefineTask(SampleTask(), actor_).ok());
  EXPECT_EQ(svc.DefineTask(SampleTask(), actor_).status().code(), StatusCode::kAlreadyExists);
  auto outside = SampleTask("T9");
  outside.regions = {"110101"};
  auto refused = svc.DefineTask(outside, actor_);
  ASSERT_TRUE(draws_->Sync().ok());
  EXPECT_EQ(refused.status().message(), draws_->world().CheckTask(outside).status().message());

  auto f = svc.Freeze("T1", actor_);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE(draws_->Sync().ok());
  const draw::DrawInfo* frozen = draws_->world().Draw(f->draw_id);
  ASSERT_NE(frozen, nullptr);
  EXPECT_EQ(frozen->freeze, f->freeze);
  // The fold, asked at the freeze's position, freezes the same lists.
  auto again = DrawService::FrozenInputsAt(ledger_->storage(), f->sequence, "T1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(draw::RootsOf(again->population).targets, f->freeze.target_root);
  EXPECT_EQ(again->population.targets.size(), f->freeze.target_count);
  // The service over the projection reads the lists stored at the freeze: the same.
  auto stored = svc.FrozenInputsOf(f->draw_id);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(draw::LeafLines(stored->population), draw::LeafLines(again->population));
  EXPECT_EQ(stored->previous_teams, again->previous_teams);
  EXPECT_EQ(stored->conflicts, again->conflicts);
  EXPECT_EQ(svc.FrozenInputsOf("T1-d99").status().message(), "unknown draw \"T1-d99\"");

  Advance(60);
  ASSERT_TRUE(svc.Commit(f->draw_id, Witnesses(), actor_).ok());
  Advance(60);
  auto r = svc.Reveal(f->draw_id, WitnessDigits(), actor_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(draws_->Sync().ok());
  const draw::DrawInfo* drawn = draws_->world().Draw(f->draw_id);
  ASSERT_EQ(drawn->phase, draw::DrawPhase::kResulted);
  const auto v = drawn->visits.at(0);
  ASSERT_TRUE(svc.Decline(f->draw_id, v.credit_code, v.team[0], "病假", actor_).ok());
  EXPECT_EQ(svc.Decline(f->draw_id, v.credit_code, "JS-none", "病假", actor_).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc.Freeze("T1", actor_).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(svc.Cancel(f->draw_id, "重抽", actor_).ok());
  EXPECT_EQ(svc.Cancel(f->draw_id, "重抽", actor_).status().code(), StatusCode::kAlreadyExists);

  auto versions = svc.PlanVersions("P2026");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].plan.version, 2u);
  ASSERT_TRUE(svc.Sync().ok());
  ExpectSameAsOracle(*projection_->projection());
}

}  // namespace
}  // namespace suiji
