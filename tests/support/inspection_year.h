// Test support: a generated year of inspections over InspectionNodeTest (the generator of
// tests/api/public_projection_test.cc, shared here): four tasks (one redrawn after a
// cancelled commit, one whose first freeze is superseded, one withdrawn with its freeze),
// draws announced with and without their targets, results returned and revised, published
// on many days, left unpublished, corrected, transferred (before and after publication) and
// re-evaluated, employers renamed after publication; the projection caught up in small
// steps while the year is written.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/inspection_fixture.h"

namespace suiji::testing_support {

class InspectionYearTest : public InspectionNodeTest {
 protected:
  template <typename T>
  static T Must(StatusOr<T> s) {
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : T();
  }

  // A day of June 2026, 10:00 China time, never going back.
  void Day(int d) {
    if (d < day_) d = day_;
    day_ = d;
    SetDate("2026-06-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
  }

  void CatchUpInSteps() {
    // Incremental: the projection follows the log in small transactions as it grows.
    ASSERT_TRUE(projection_->CatchUp(ledger_->storage(), 3).ok());
  }

  // Items of the task by id, with their checklist point.
  static std::vector<std::pair<std::string, std::string>> ItemsOf(const std::string& items) {
    std::vector<std::pair<std::string, std::string>> out;
    if (items.find("I1") != std::string::npos) out.emplace_back("I1", "合同文本");
    if (items.find("I2") != std::string::npos) out.emplace_back("I2", "工资台账");
    return out;
  }

  inspection::ResultRecord ResultFor(const std::string& draw_id, const draw::VisitRecord& v,
                                     const std::string& items, const std::string& date, bool violation, int n) {
    inspection::ResultRecord r;
    r.draw_id = draw_id;
    r.credit_code = v.credit_code;
    r.revision = 0;  // the next one
    r.inspection_date = date;
    for (const auto& [item, point] : ItemsOf(items)) {
      inspection::ItemResultRecord it;
      it.item_id = item;
      it.outcome = violation ? inspection::Outcome::Corrected : inspection::Outcome::NoProblem;
      it.findings.push_back({point, !violation, violation ? "发现问题" + std::to_string(n) : ""});
      if (violation) {
        it.violations.push_back({"违法事实" + std::to_string(n), "《劳动合同法》第十条",
                                 {inspection::Handling::OrderCorrection, inspection::Handling::TransferDepartment},
                                 false, 0});
      }
      r.items.push_back(it);
    }
    r.team = v.team;
    inspection::EvidenceRecord ev;
    ev.sha256 = Sha256(AsBytes("video " + v.credit_code + std::to_string(n)));
    ev.size = 1000 + static_cast<uint64_t>(n);
    ev.kind = "video";
    ev.name = "内部文件名" + std::to_string(n) + ".mp4";
    r.evidence.push_back(ev);
    return r;
  }

  // Results for the draw's visits (not merged ones): most published, some returned first,
  // some never published; corrections, transfers and re-evaluations on some.
  void Inspect(const std::string& draw_id, const std::string& items, int salt) {
    ASSERT_TRUE(inspections_->Sync().ok());
    const std::vector<draw::VisitRecord> visits = inspections_->world().draws.Draw(draw_id)->visits;
    int n = 0;
    for (const auto& v : visits) {
      if (!v.merged_into.empty()) continue;
      if (visited_.count(v.credit_code) > 0) continue;  // one result per employer keeps it simple
      visited_.insert(v.credit_code);
      const int i = n++ + salt;
      Day(3 + i / 3);
      const std::string date = "2026-06-" + std::string(day_ < 10 ? "0" : "") + std::to_string(day_);
      const bool violation = i % 4 == 0;
      if (i % 7 == 3) {  // returned once
        Must(inspections_->RecordResult(ResultFor(draw_id, v, items, date, true, 900 + i), actor_));
        ConfirmByTeam(draw_id, v.credit_code);
        Must(inspections_->Submit(draw_id, v.credit_code, actor_));
        Must(inspections_->Review(draw_id, v.credit_code, false, "退回理由" + std::to_string(i), reviewer_));
      }
      Must(inspections_->RecordResult(ResultFor(draw_id, v, items, date, violation, i), actor_));
      ConfirmByTeam(draw_id, v.credit_code);
      Must(inspections_->Submit(draw_id, v.credit_code, actor_));
      if (i % 6 == 5) continue;  // awaiting review, never published
      Must(inspections_->Review(draw_id, v.credit_code, true, "", reviewer_));
      if (violation && i % 8 == 0) {  // transferred before publication
        Must(inspections_->Transfer({draw_id, v.credit_code, inspection::TransferKind::Department,
                                     "常州市医疗保障局", date, "内部说明"}, actor_));
      }
      Day(day_ + (i % 3 == 0 ? 1 : 0));
      Must(inspections_->Publish(draw_id, v.credit_code, actor_));
      if (i % 5 == 1) {
        ASSERT_TRUE(inspections_->Sync().ok());
        inspection::ResultRecord c = inspections_->world().Result(draw_id, v.credit_code)->current();
        c.items[0].findings[0].text = "更正后的情况" + std::to_string(i);
        c.items[0].outcome = inspection::Outcome::Other;
        c.items[0].outcome_text = "其他情况" + std::to_string(i);
        Must(inspections_->Correct(c, "更正原因" + std::to_string(i), actor_));
      }
      if (violation) {
        const std::string today = "2026-06-" + std::string(day_ < 10 ? "0" : "") + std::to_string(day_);
        if (i % 8 == 4) {
          Must(inspections_->Transfer({draw_id, v.credit_code, inspection::TransferKind::Department,
                                       "常州市市场监督管理局", today, "移送说明"}, actor_));
        }
        Must(inspections_->Reevaluate({draw_id, v.credit_code, "C", today, "信用等级调整"}, actor_));
      }
      if (i % 9 == 2) CatchUpInSteps();
    }
  }

  void BuildYear() {
    MakeDirectory(70, 10);
    // Names people search for (Chinese parts of names).
    const auto& dir = [&]() -> const directory::MemoryDirectory& {
      EXPECT_TRUE(inspections_->Sync().ok());
      return inspections_->world().draws.dir;
    }();
    // Every employer gets one of the two names, so a search for either part (or for 建,
    // which both hold) finds published results whatever the random draws picked.
    for (size_t i = 0; i < target_codes_.size(); ++i) {
      directory::TargetRecord t = dir.targets.at(target_codes_[i]);
      t.name = (i % 2 == 0 ? "常州某某建筑工程有限公司" : "武进建材贸易商行") + std::to_string(i);
      Must(dirsvc_->UpsertTarget(t, actor_));
    }
    draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""};
    Must(draws_->FilePlan(plan, actor_));
    plan.note = "第二版";
    Must(draws_->FilePlan(plan, actor_));
    Must(draws_->FilePlan({"P2026B", "320400", 2026, "2026年度专项计划", "320000", 0, ""}, actor_));
    draw::TaskRecord t1 = SampleTask("T1");
    Must(draws_->DefineTask(t1, actor_));
    draw::TaskRecord t2 = SampleTask("T2");
    t2.title = "工资支付专项";
    t2.item_ids = {"I2"};
    t2.regions = {"320404"};
    t2.ratio_bp = 3000;
    Must(draws_->DefineTask(t2, actor_));
    draw::TaskRecord t3 = SampleTask("T3");
    t3.plan_id = "P2026B";
    t3.title = "劳动合同与工资支付联合抽查";
    t3.item_ids = {"I1", "I2"};
    t3.regions = {"320402"};
    t3.ratio_bp = 0;
    t3.count = 8;
    t3.strata_by = draw::StrataBy::None;
    Must(draws_->DefineTask(t3, actor_));
    draw::TaskRecord t4 = SampleTask("T4");
    t4.title = "撤回的任务";
    Must(draws_->DefineTask(t4, actor_));
    CatchUpInSteps();

    const std::string a = RunCeremony("T1");
    // T2: committed, cancelled, drawn again.
    auto f = draws_->Freeze("T2", actor_);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    Advance(60);
    Must(draws_->Commit(f->draw_id, Witnesses(), actor_));
    Must(draws_->Cancel(f->draw_id, "见证人未到场", actor_));
    Advance(60);
    const std::string b = RunCeremony("T2");
    // T3: a freeze superseded by a second one.
    Must(draws_->Freeze("T3", actor_));
    Advance(60);
    const std::string c = RunCeremony("T3");
    // T4: frozen, then withdrawn (its freeze goes with it).
    Must(draws_->Freeze("T4", actor_));
    Must(draws_->WithdrawTask("T4", "计划调整", actor_));
    CatchUpInSteps();

    Day(2);
    Must(inspections_->Announce({a, "", {"张科长"}, true, "", "首批"}, actor_));
    Must(inspections_->Announce({b, "", {"张科长"}, false, "线索核查，暂不公布", ""}, actor_));
    Must(inspections_->Announce({c, "", {"张科长"}, true, "", ""}, actor_));
    Inspect(a, "I1", 0);
    Inspect(b, "I2", 1);
    Inspect(c, "I1 I2", 2);

    // Renamed after publication: what was published keeps the old name.
    ASSERT_TRUE(inspections_->Sync().ok());
    for (const auto& [key, r] : inspections_->world().results) {
      if (r.published_revision == 0) continue;
      directory::TargetRecord t = inspections_->world().draws.dir.targets.at(r.credit_code);
      t.name = "改名后的企业";
      Must(dirsvc_->UpsertTarget(t, actor_));
      break;
    }
    draws_a_ = {a, b, c};
  }

  int day_ = 2;
  std::set<std::string> visited_;
  std::vector<std::string> draws_a_;
};

}  // namespace suiji::testing_support
