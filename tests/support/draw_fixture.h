// Test support: a node in a temporary directory with a small directory (a city bureau, two
// counties, an item list, targets and inspectors), a plan and a task, driven by a clock
// the test sets — so draw ceremonies can be run, tampered with and verified without waiting.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/node.h"
#include "ledger/exporter.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"

namespace suiji::testing_support {

class DrawNodeTest : public ::testing::Test {
 protected:
  // 2026-06-01 00:00:00 UTC: inside the plan year, well after drand quicknet's genesis.
  static constexpr int64_t kStartUs = 1780272000LL * 1000000;

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-draw-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    now_us_ = std::make_shared<int64_t>(kStartUs);
    LedgerOptions lo;
    auto now = now_us_;
    lo.clock = [now] { return *now; };
    auto r = InitNode(NodePaths{dir_}, "draw.test/ledger", "", "", actor_, lo);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ledger_ = std::move(r->ledger);
    auto p = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(p.ok());
    projection_ = std::move(*p);
    dirsvc_ = std::make_unique<DirectoryService>(*ledger_, *projection_, ledger_->storage());
    draws_ = std::make_unique<DrawService>(*ledger_, ledger_->storage(), dir_,
                                           [now] { return *now; });
  }

  void TearDown() override {
    draws_.reset();
    dirsvc_.reset();
    projection_.reset();
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Advance(int64_t seconds) { *now_us_ += seconds * 1000000; }

  static std::string Code(const std::string& region, uint64_t n) {
    return SampleCreditCode(region, n);
  }

  // Orgs 320400 (city) with counties 320402 and 320404; item list v1 with items I1, I2;
  // `targets` employers spread over both counties; `inspectors` inspectors of the city.
  void MakeDirectory(int targets = 60, int inspectors = 8) {
    using namespace directory;
    ASSERT_TRUE(dirsvc_->RegisterOrg({"320000", "江苏省人力资源和社会保障厅", "320000",
                                      OrgLevel::Province, ""}, actor_).ok());
    ASSERT_TRUE(dirsvc_->RegisterOrg({"320400", "常州市人力资源和社会保障局", "320400",
                                      OrgLevel::City, "320000"}, actor_).ok());
    ItemListRecord list;
    list.org_id = "320400";
    list.effective_date = "2026-01-01";
    list.items.push_back({"I1", "劳动合同签订情况", "常州市人社局", "劳动合同法", "检查劳动合同",
                          InspectionMethod::OnSite, ItemKind::General, {"合同文本"}, "劳动监察支队"});
    list.items.push_back({"I2", "工资支付情况", "常州市人社局", "工资支付条例", "检查工资支付",
                          InspectionMethod::OnSite, ItemKind::Key, {"工资台账"}, "劳动监察支队"});
    ASSERT_TRUE(dirsvc_->PublishItemList(list, actor_).ok());
    for (int i = 0; i < targets; ++i) {
      TargetRecord t;
      t.region = i % 2 == 0 ? "320402" : "320404";
      t.credit_code = Code(t.region, static_cast<uint64_t>(1000 + i));
      t.name = "常州测试企业" + std::to_string(i) + "有限公司";
      t.industry = i % 3 == 0 ? "3411" : "1311";
      t.headcount = 20;
      t.credit_grade = "B";
      t.grade_date = "2025-03-01";
      t.org_id = "320400";
      target_codes_.push_back(t.credit_code);
      auto s = dirsvc_->UpsertTarget(t, actor_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
    }
    for (int i = 0; i < inspectors; ++i) {
      InspectorRecord r;
      r.inspector_id = "JS" + std::to_string(3204000 + i);
      r.name = "检查员" + std::to_string(i);
      r.domains = {"劳动保障监察"};
      r.specialties = {i % 2 == 0 ? "工资支付" : "劳动合同"};
      r.org_id = "320400";
      r.region = "320400";
      auto s = dirsvc_->UpsertInspector(r, actor_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
    }
  }

  draw::TaskRecord SampleTask(const std::string& id = "T1") {
    draw::TaskRecord t;
    t.task_id = id;
    t.plan_id = "P2026";
    t.org_id = "320400";
    t.title = "2026年劳动保障专项抽查";
    t.item_list_version = 1;
    t.item_ids = {"I1"};
    t.regions = {"320400"};
    t.ratio_bp = 2000;  // 20%
    t.strata_by = draw::StrataBy::Region;
    t.window_start = "2026-06-01";
    t.window_end = "2026-07-31";
    return t;
  }

  // A plan and the sample task.
  void MakePlanAndTask() {
    draw::PlanRecord plan{"P2026", "320400", 2026, "2026年度双随机抽查计划", "320000", 0, ""};
    auto filed = draws_->FilePlan(plan, actor_);
    ASSERT_TRUE(filed.ok()) << filed.status().ToString();
    auto s = draws_->DefineTask(SampleTask(), actor_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }

  EntropyPlan Witnesses() {
    EntropyPlan e;
    e.drand = false;
    e.witnesses = {"张三", "李四"};
    return e;
  }

  RevealInputs WitnessDigits() {
    RevealInputs r;
    r.witness_digits = {"314159", "271828"};
    return r;
  }

  // Freeze, commit (witnesses) and reveal task `task`; returns the draw id.
  std::string RunCeremony(const std::string& task = "T1") {
    auto f = draws_->Freeze(task, actor_);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) return "";
    Advance(60);
    auto c = draws_->Commit(f->draw_id, Witnesses(), actor_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    Advance(60);
    auto r = draws_->Reveal(f->draw_id, WitnessDigits(), actor_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return f->draw_id;
  }

  // The whole log as export bytes.
  std::string Export() {
    auto path = dir_ / "export.bin";
    auto s = ExportLog(ledger_->storage(), path.string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::filesystem::path dir_;
  std::shared_ptr<int64_t> now_us_;
  Actor actor_{"320400", "tester"};
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<DirectoryProjection> projection_;
  std::unique_ptr<DirectoryService> dirsvc_;
  std::unique_ptr<DrawService> draws_;
  std::vector<std::string> target_codes_;
};

}  // namespace suiji::testing_support
