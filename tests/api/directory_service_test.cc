#include "api/directory_service.h"
#include "tests/support/credit_codes.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "api/node.h"
#include "ledger/core/codes/credit_code.h"
#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {
namespace {

std::string Code(const std::string& region, uint64_t n) {
  return testing_support::SampleCreditCode(region, n);
}

const std::vector<std::string> kHeader = {"统一社会信用代码", "单位名称", "行政区划代码", "行业代码",
                                          "职工人数", "劳动保障守法诚信等级", "等级评定日期", "状态"};

std::vector<std::string> Row(uint64_t n, const std::string& region = "320402") {
  return {Code(region, n), "常州测试企业" + std::to_string(n) + "有限公司", region, "3411",
          std::to_string(10 + n % 50), n % 3 == 0 ? "C" : "B", "2025-03-01", "正常"};
}

import::Table MakeTable(const std::vector<std::vector<std::string>>& rows) {
  import::Table t;
  t.header = kHeader;
  t.rows = rows;
  for (size_t i = 0; i < rows.size(); ++i) t.row_numbers.push_back(i + 2);
  return t;
}

class DirectoryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("suiji-svc-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Open(true);
    ASSERT_TRUE(svc_->RegisterOrg({"320000", "江苏省人力资源和社会保障厅", "320000",
                                   directory::OrgLevel::Province, ""}, actor_).ok());
    ASSERT_TRUE(svc_->RegisterOrg({"320400", "常州市人力资源和社会保障局", "320400",
                                   directory::OrgLevel::City, "320000"}, actor_).ok());
    ASSERT_TRUE(svc_->RegisterOrg({"130132", "元氏县人力资源和社会保障局", "130132",
                                   directory::OrgLevel::County, ""}, actor_).status().code() ==
                StatusCode::kInvalidArgument);  // a county needs a parent
  }
  void Open(bool create) {
    svc_.reset();
    projection_.reset();
    ledger_.reset();
    NodePaths paths{dir_};
    if (create) {
      auto r = InitNode(paths, "svc.test/ledger", "", "", actor_, {});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ledger_ = std::move(r->ledger);
    } else {
      auto l = OpenWriter(paths);
      ASSERT_TRUE(l.ok()) << l.status().ToString();
      ledger_ = std::move(*l);
    }
    auto p = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(p.ok());
    projection_ = std::move(*p);
    svc_ = std::make_unique<DirectoryService>(*ledger_, *projection_, ledger_->storage());
  }
  void TearDown() override {
    svc_.reset();
    projection_.reset();
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }
  ImportOptions Opts() {
    ImportOptions o;
    o.org_id = "320400";
    o.actor = actor_;
    return o;
  }

  std::filesystem::path dir_;
  Actor actor_{"320400", "clerk"};
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<DirectoryProjection> projection_;
  std::unique_ptr<DirectoryService> svc_;
};

// R19 (issue 17, 8b): an org unit registers org units only inside its own jurisdiction and
// below its own level. Acting for a county, a city-level unit under the province is refused
// (the parent is outside the county), and so is a county beside it; nothing is appended.
// The HTTP API calls the same RegisterOrg with the administrator's org unit as the actor's.
TEST_F(DirectoryServiceTest, ACountyRegistersNoOrgUnitAboveOrBesideIt) {
  using directory::OrgLevel;
  ASSERT_TRUE(svc_->RegisterOrg({"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"}, actor_).ok());
  const Actor county{"320402", "tn-admin"};
  const uint64_t before = ledger_->size();
  auto city = svc_->RegisterOrg({"320499", "天宁市人社局", "320402", OrgLevel::City, "320000"}, county);
  EXPECT_EQ(city.status().code(), StatusCode::kPermissionDenied) << city.status().ToString();
  EXPECT_NE(city.status().message().find("org unit 320402 (county, region 320402) may not register org unit 320499 "
                                         "under parent 320000 (region 320000): the parent is outside its jurisdiction"),
            std::string::npos)
      << city.status().message();
  auto beside = svc_->RegisterOrg({"320404", "钟楼区人社局", "320404", OrgLevel::County, "320400"}, county);
  EXPECT_EQ(beside.status().code(), StatusCode::kPermissionDenied);
  // The city may register its counties, but not a unit of its own level.
  auto peer = svc_->RegisterOrg({"320498", "常州第二局", "320402", OrgLevel::City, "320400"}, actor_);
  EXPECT_EQ(peer.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(peer.status().message().find("at level city: only levels below its own"), std::string::npos)
      << peer.status().message();
  EXPECT_EQ(ledger_->size(), before);
  EXPECT_FALSE(projection_->GetOrg("320499").value().has_value());
  EXPECT_TRUE(svc_->RegisterOrg({"320404", "钟楼区人社局", "320404", OrgLevel::County, "320400"}, actor_).ok());
}

TEST_F(DirectoryServiceTest, ImportAddsEveryRowAsOneBatch) {
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 50; ++n) rows.push_back(Row(n));
  const uint64_t before = ledger_->size();
  auto r = svc_->ImportTargets(MakeTable(rows), Opts());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 50u);
  EXPECT_TRUE(r->written);
  EXPECT_EQ(r->first_sequence, before);
  EXPECT_EQ(ledger_->size(), before + 50);
  EXPECT_EQ(*projection_->CountTargets(), 50u);
  auto t = **projection_->GetTarget(Code("320402", 3));
  EXPECT_EQ(t.credit_grade, "C");
  EXPECT_EQ(t.org_id, "320400");
}

TEST_F(DirectoryServiceTest, OneBadRowRefusesTheWholeFileAndNamesRowColumnAndReason) {
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 10; ++n) rows.push_back(Row(n));
  rows[4][0].back() = rows[4][0].back() == '1' ? '2' : '1';  // wrong check character
  rows[7][2] = "320499";                                     // not a real district
  rows[8][0] = rows[1][0];                                   // duplicate in file
  const uint64_t before = ledger_->size();
  auto r = svc_->ImportTargets(MakeTable(rows), Opts());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->written);
  EXPECT_EQ(ledger_->size(), before);
  EXPECT_EQ(r->bad_rows, 3u);
  ASSERT_EQ(r->problems.size(), 3u);
  EXPECT_EQ(r->problems[0].row, 6u);
  EXPECT_EQ(r->problems[0].column, "统一社会信用代码");
  EXPECT_NE(r->problems[0].reason.find("统一社会信用代码校验位错误"), std::string::npos) << r->problems[0].reason;
  EXPECT_EQ(r->problems[1].row, 9u);
  EXPECT_EQ(r->problems[1].column, "行政区划代码");
  EXPECT_NE(r->problems[1].reason.find("region"), std::string::npos);
  EXPECT_EQ(r->problems[2].row, 10u);
  EXPECT_NE(r->problems[2].reason.find("first at row 3"), std::string::npos) << r->problems[2].reason;
}

TEST_F(DirectoryServiceTest, SkipBadRowsImportsTheGoodOnes) {
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 10; ++n) rows.push_back(Row(n));
  rows[2][4] = "很多";  // headcount not a number
  auto o = Opts();
  o.skip_bad_rows = true;
  auto r = svc_->ImportTargets(MakeTable(rows), o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->written);
  EXPECT_EQ(r->added, 9u);
  EXPECT_EQ(r->bad_rows, 1u);
  EXPECT_EQ(r->problems.at(0).column, "职工人数");
}

TEST_F(DirectoryServiceTest, ReimportAppendsOnlyTheDifferences) {
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 40; ++n) rows.push_back(Row(n));
  ASSERT_TRUE(svc_->ImportTargets(MakeTable(rows), Opts()).ok());
  const uint64_t after_first = ledger_->size();
  auto same = svc_->ImportTargets(MakeTable(rows), Opts());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->unchanged, 40u);
  EXPECT_FALSE(same->written);
  EXPECT_EQ(ledger_->size(), after_first) << "an identical re-import must not grow the log";

  rows[3][4] = "999";      // headcount changed
  rows[5][7] = "注销";     // deregistered
  rows.erase(rows.begin() + 9);  // missing from the synchronised file
  rows.push_back(Row(1000));     // new
  auto o = Opts();
  o.sync = true;
  auto r = svc_->ImportTargets(MakeTable(rows), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->changed, 2u);
  EXPECT_EQ(r->retired, 1u);
  EXPECT_EQ(ledger_->size(), after_first + 4);
  EXPECT_EQ((*projection_->GetTarget(Code("320402", 9)))->status, directory::TargetStatus::Deregistered);
  EXPECT_EQ((*projection_->GetTarget(Code("320402", 3)))->headcount, 999u);
  // History of the changed record: registration, then the update.
  EXPECT_EQ(projection_->History("target", Code("320402", 3))->size(), 2u);
}

TEST_F(DirectoryServiceTest, AnImportFoldedWhileAppendingEndsAsAFoldAfterTheBatch) {
  // 5,000 rows: a streamed batch (more than a group commit stages), folded from memory on a
  // second thread while it is signed, then changed and folded again.
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 5000; ++n) rows.push_back(Row(n));
  auto o = Opts();
  o.fold = ImportOptions::Fold::kWhileAppending;
  // Called on the folding thread after each projection fold, during the append.
  uint64_t calls = 0, followed_to = 0, projected_to = 0;
  o.also_follow = [&](const LogStorage& tail) -> Status {
    ++calls;
    SUIJI_ASSIGN_OR_RETURN(followed_to, tail.Size());
    SUIJI_ASSIGN_OR_RETURN(projected_to, projection_->Applied());
    return OkStatus();
  };
  const uint64_t before = ledger_->size();
  auto r = svc_->ImportTargets(MakeTable(rows), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 5000u);
  EXPECT_EQ(ledger_->size(), before + 5000);
  EXPECT_GE(calls, 1u);
  EXPECT_EQ(followed_to, ledger_->size()) << "the follower saw the whole batch";
  EXPECT_EQ(projected_to, ledger_->size()) << "the projection was folded during the append";
  for (uint64_t n = 0; n < 5000; n += 7) rows[n][4] = "777";
  auto changed = svc_->ImportTargets(MakeTable(rows), o);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->changed, 715u);
  EXPECT_EQ(*projection_->Applied(), ledger_->size());
  EXPECT_EQ((*projection_->GetTarget(Code("320402", 14)))->headcount, 777u);
  EXPECT_EQ(projection_->rebuilds(), 0u);
  // The same as a projection folded from nothing over the log.
  auto fresh = DirectoryProjection::Open(dir_ / "fresh");
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->CatchUp(ledger_->storage()).ok());
  EXPECT_EQ(*(*fresh)->Digest(), *projection_->Digest());
}

TEST_F(DirectoryServiceTest, ALargeTableIsCheckedInTwoPartsWithTheReportAndOrderOfOnePass) {
  // 3,000 rows (checked on two threads, 1,500 each), with a bad row in each half and a code
  // repeated in the second half whose first occurrence is in the first.
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 3000; ++n) rows.push_back(Row(n));
  rows[10][4] = "十个";                 // headcount not a number (row 12)
  rows[2500][5] = "Z";                  // no such grade (row 2502)
  rows[2800][0] = rows[5][0];           // duplicate of row 7 (row 2802)
  const import::Table table = MakeTable(rows);
  auto one_pass = [&](const import::Table& t, const ImportOptions& o) {
    return svc_->ImportTargetRows(
        t.header,
        [&](const DirectoryService::RowVisitor& visit) -> Status {
          for (size_t r = 0; r < t.rows.size(); ++r) {
            SUIJI_RETURN_IF_ERROR(visit(t.row_numbers[r], t.rows[r]));
          }
          return OkStatus();
        },
        o);
  };
  auto dry = Opts();
  dry.dry_run = true;
  dry.skip_bad_rows = true;
  auto two = svc_->ImportTargets(table, dry);
  auto one = one_pass(table, dry);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(two->rows, 3000u);
  EXPECT_EQ(two->bad_rows, 3u);
  EXPECT_EQ(two->added, 2997u);
  ASSERT_EQ(two->problems.size(), one->problems.size());
  std::vector<uint64_t> problem_rows;
  for (size_t i = 0; i < two->problems.size(); ++i) {
    EXPECT_EQ(two->problems[i].row, one->problems[i].row);
    EXPECT_EQ(two->problems[i].column, one->problems[i].column);
    EXPECT_EQ(two->problems[i].reason, one->problems[i].reason);
    problem_rows.push_back(two->problems[i].row);
  }
  EXPECT_EQ(problem_rows, (std::vector<uint64_t>{12, 2502, 2802}));
  EXPECT_NE(two->problems[2].reason.find("first at row 7"), std::string::npos) << two->problems[2].reason;
  EXPECT_EQ(two->added, one->added);

  // Written: one event per good row, in the file's order.
  auto o = Opts();
  o.skip_bad_rows = true;
  const uint64_t first = ledger_->size();
  auto r = svc_->ImportTargets(table, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(ledger_->size(), first + 2997);
  std::vector<std::string> logged;
  ASSERT_TRUE(ledger_->storage()
                  .Read(first, ledger_->size(),
                        [&](uint64_t, ByteView b) {
                          auto e = ParseEntry(b);
                          auto t = directory::DecodeTarget(e->payload());
                          logged.push_back(t->credit_code);
                          return true;
                        })
                  .ok());
  std::vector<std::string> expected;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i != 10 && i != 2500 && i != 2800) expected.push_back(rows[i][0]);
  }
  EXPECT_EQ(logged, expected);

  // A re-import with changes in both halves: the same decisions as one pass.
  for (size_t i = 0; i < rows.size(); i += 9) rows[i][4] = "888";  // 334 rows, none of them bad
  const import::Table changed = MakeTable(rows);
  auto two_again = svc_->ImportTargets(changed, dry);
  auto one_again = one_pass(changed, dry);
  ASSERT_TRUE(two_again.ok() && one_again.ok());
  EXPECT_EQ(two_again->changed, 334u);
  EXPECT_EQ(two_again->unchanged, 2997u - 334u);
  EXPECT_EQ(one_again->changed, two_again->changed);
  EXPECT_EQ(one_again->unchanged, two_again->unchanged);
}

TEST_F(DirectoryServiceTest, RowsOutsideTheImportingJurisdictionAreRefused) {
  auto rows = std::vector<std::vector<std::string>>{Row(1), Row(2, "130132")};
  auto r = svc_->ImportTargets(MakeTable(rows), Opts());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->written);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].row, 3u);
  EXPECT_NE(r->problems[0].reason.find("jurisdiction"), std::string::npos);
}

TEST_F(DirectoryServiceTest, EnglishHeadersAndEnglishValuesImportTheSame) {
  import::Table t = MakeTable({Row(1), Row(2)});
  t.header = {"Credit Code", "name", "REGION", "industry_code", "Employees", "grade", "grade_date", "status"};
  t.rows[1][7] = "moved";
  auto r = svc_->ImportTargets(t, Opts());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 2u);
  EXPECT_EQ((*projection_->GetTarget(Code("320402", 2)))->status, directory::TargetStatus::Moved);
}

TEST_F(DirectoryServiceTest, MissingRequiredColumnIsRefusedNamingIt) {
  import::Table t = MakeTable({Row(1)});
  t.header[3] = "备注";
  auto r = svc_->ImportTargets(t, Opts());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("industry"), std::string::npos) << r.status().message();
}

TEST_F(DirectoryServiceTest, ItemListVersionsAndTheVersionInForce) {
  import::Table t;
  t.header = {"事项编号", "抽查事项", "抽查主体", "抽查依据", "抽查内容", "抽查方式", "事项类别", "检查要点", "责任主体"};
  t.rows = {{"HRSS-01", "用人单位遵守劳动合同制度情况", "劳动保障监察机构", "《劳动保障监察条例》第十一条",
             "劳动合同签订情况", "实地检查", "重点", "是否签订书面劳动合同；是否建立职工名册", "监察支队"}};
  t.row_numbers = {2};
  auto r1 = svc_->ImportItems(t, Opts(), "2026-01-01");
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_TRUE(r1->written);
  auto again = svc_->ImportItems(t, Opts(), "2026-02-01");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->written) << "an unchanged list is not a new version";
  t.rows[0][5] = "书面检查";
  auto r2 = svc_->ImportItems(t, Opts(), "2026-07-01");
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->written);
  auto in_march = *projection_->GetItemList("320400", "2026-03-15");
  ASSERT_TRUE(in_march.has_value());
  EXPECT_EQ(in_march->version, 1u);
  EXPECT_EQ(in_march->items[0].checklist.size(), 2u);
  auto latest = *projection_->GetItemList("320400", "");
  EXPECT_EQ(latest->version, 2u);
  EXPECT_EQ(latest->items[0].method, directory::InspectionMethod::Written);
}

TEST_F(DirectoryServiceTest, InspectorsConflictsAndRetirement) {
  import::Table t;
  t.header = {"执法证号", "姓名", "执法领域", "业务专长", "所属机构", "行政区划代码", "状态", "是否辅助人员"};
  t.rows = {{"32042026001", "王伟", "劳动用工；工资支付", "建筑业", "320400", "320400", "在岗", "否"},
            {"ZJ320400001", "李静", "", "社保稽核", "320400", "320402", "在岗", "是"}};
  t.row_numbers = {2, 3};
  auto r = svc_->ImportInspectors(t, Opts());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added, 2u);
  auto w = **projection_->GetInspector("32042026001");
  EXPECT_EQ(w.domains, (std::vector<std::string>{"劳动用工", "工资支付"}));
  EXPECT_TRUE((**projection_->GetInspector("ZJ320400001")).auxiliary);
  ASSERT_TRUE(svc_->DeclareConflict({"32042026001", Code("320402", 5), "配偶任职"}, actor_).ok());
  EXPECT_EQ(svc_->DeclareConflict({"32042026001", Code("320402", 5), ""}, actor_).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(projection_->ConflictsOf("32042026001")->size(), 1u);
  InspectorQuery by_domain;
  by_domain.domain = "工资支付";
  EXPECT_EQ(projection_->ListInspectors(by_domain)->size(), 1u);
  ASSERT_TRUE(svc_->RetireInspector("32042026001", "调离", actor_).ok());
  EXPECT_EQ(svc_->RetireInspector("32042026001", "调离", actor_).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(DirectoryServiceTest, ProcessCrashDuringBulkImportLeavesAllOrNothing) {
  std::vector<std::vector<std::string>> rows;
  for (uint64_t n = 0; n < 30000; ++n) rows.push_back(Row(n));
  const uint64_t before = ledger_->size();
  svc_.reset();
  projection_.reset();
  ledger_.reset();  // release the writer lock for the child
  for (int round = 0; round < 3; ++round) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto l = OpenWriter(NodePaths{dir_});
      auto p = DirectoryProjection::Open(dir_);
      if (!l.ok() || !p.ok()) ::_exit(2);
      DirectoryService svc(**l, **p, (*l)->storage());
      ImportOptions o;
      o.org_id = "320400";
      o.actor = Actor{"320400", "clerk"};
      auto r = svc.ImportTargets(MakeTable(rows), o);
      ::_exit(r.ok() ? 0 : 1);
    }
    ::usleep(static_cast<useconds_t>(150000 + round * 250000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto reader = OpenLmdbStorage(dir_, StorageMode::kReadOnly);
    ASSERT_TRUE(reader.ok());
    uint64_t size = *(*reader)->Size();
    EXPECT_TRUE(size == before || size == before + rows.size())
        << "round " << round << ": the log has " << size - before << " of " << rows.size()
        << " imported events";
    if (size != before) break;  // the whole batch landed: nothing more to test
  }
  Open(false);
  ASSERT_TRUE(svc_->Sync().ok());
  uint64_t n = *projection_->CountTargets();
  EXPECT_TRUE(n == 0 || n == rows.size()) << n;
}

TEST_F(DirectoryServiceTest, CalendarsArePublishedOnceAndFoldIntoWorkingDays) {
  directory::YearSchedule y2026{2026, {"2026-10-01", "2026-10-02"}, {"国庆节", "国庆节"}, {"2026-09-20"},
                     "国务院办公厅关于2026年部分节假日安排的通知"};
  auto n = svc_->PublishCalendars({y2026}, actor_);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1u);
  const uint64_t size = ledger_->size();
  n = svc_->PublishCalendars({y2026}, actor_);  // unchanged: nothing appended
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(ledger_->size(), size);
  auto cal = ReadCalendar(ledger_->storage());
  ASSERT_TRUE(cal.ok());
  EXPECT_TRUE(*cal->IsWorkingDay("2026-09-20"));   // a Sunday, worked
  EXPECT_FALSE(*cal->IsWorkingDay("2026-10-02"));  // a Friday, off
  directory::YearSchedule bad = y2026;
  bad.workdays = {"2026-09-21"};  // a Monday cannot be a make-up working day
  auto refused = svc_->PublishCalendars({bad}, actor_);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("2026-09-21"), std::string::npos);
  EXPECT_EQ(ledger_->size(), size);
}

}  // namespace
}  // namespace suiji
