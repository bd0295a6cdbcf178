// The staff searches of the directory projection (SearchTargets, SearchInspectors): a name part
// found through the character-pair index (and no longer after a rename), every filter
// together, cursor paging that returns each match exactly once, and the bound on the entries
// looked at per page.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "ledger/ledger.h"
#include "projections/directory_projection.h"
#include "projections/directory_search.h"
#include "tests/support/credit_codes.h"
#include "tests/support/projection_fixture.h"
#include "tests/support/test_node.h"

namespace suiji {
namespace {

using directory::InspectorRecord;
using directory::TargetRecord;

std::string Code(uint64_t n) { return testing_support::SampleCreditCode("320402", n); }

// 60 employers: every third is a 星辰 company; grades cycle A, B, C, ungraded; regions
// alternate 320402 / 320411.
TargetRecord Target(uint64_t n) {
  static const char* kGrades[] = {"A", "B", "C", ""};
  TargetRecord t;
  t.credit_code = Code(n);
  t.name = std::string(n % 3 == 0 ? "常州星辰" : "常州晨光") + "机械" + std::to_string(n) + "有限公司";
  t.region = n % 2 ? "320411" : "320402";
  t.industry = "3411";
  t.headcount = 10;
  t.credit_grade = kGrades[n % 4];
  t.grade_date = t.credit_grade.empty() ? "" : "2025-01-01";
  t.org_id = "320400";
  return t;
}

class DirectorySearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("suiji-dsearch");
    auto l = testing_support::CreateTestLedger(dir_, "search.test/ledger", root_, KeyPair::Generate(), actor_);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger_ = std::move(*l);
    std::vector<EventDraft> drafts;
    drafts.push_back({EventType::OrgUnitRegistered,
                      directory::EncodeOrgUnit({"320400", "常州市人社局", "320400", directory::OrgLevel::City, ""}),
                      actor_});
    for (uint64_t n = 0; n < 60; ++n) {
      drafts.push_back({EventType::TargetRegistered, directory::EncodeTarget(Target(n)), actor_});
    }
    for (int n = 0; n < 5; ++n) {
      InspectorRecord i{"JS" + std::to_string(100 + n), n < 2 ? "王星辰" + std::to_string(n) : "李明" + std::to_string(n),
                        {"劳动用工"}, {}, "320400", n < 3 ? "320402" : "320411"};
      drafts.push_back({EventType::InspectorRegistered, directory::EncodeInspector(i), actor_});
    }
    ASSERT_TRUE(ledger_->Append(drafts).ok());
    auto p = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    proj_ = std::move(*p);
    ASSERT_TRUE(proj_->CatchUp(ledger_->storage()).ok());
  }
  void TearDown() override {
    proj_.reset();
    ledger_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Every page of a search, following next_cursor; the codes in the order returned.
  std::vector<std::string> AllPages(TargetSearch q, size_t* pages) {
    std::vector<std::string> out;
    *pages = 0;
    do {
      auto page = SearchTargets(*proj_, q);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->rows.size(), q.limit);
      for (const auto& t : page->rows) out.push_back(t.credit_code);
      ++*pages;
      q.cursor = page->next_cursor;
    } while (!q.cursor.empty() && *pages < 100);
    return out;
  }

  std::filesystem::path dir_;
  KeyPair root_ = KeyPair::Generate();
  Actor actor_{"320400", "clerk"};
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<DirectoryProjection> proj_;
};

TEST_F(DirectorySearchTest, NamePartAndGradeArePagedWithEachMatchOnce) {
  std::set<std::string> expected;
  for (uint64_t n = 0; n < 60; ++n) {
    if (n % 3 == 0 && n % 4 == 1) expected.insert(Code(n));  // 星辰, grade B
  }
  ASSERT_EQ(expected.size(), 5u);  // 9, 21, 33, 45, 57
  TargetSearch q;
  q.name = "星辰机";
  q.grade = "B";
  q.region = "320400";
  q.limit = 2;
  size_t pages = 0;
  auto got = AllPages(q, &pages);
  EXPECT_EQ(pages, 3u);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), expected);
  EXPECT_EQ(got.size(), expected.size());
}

TEST_F(DirectorySearchTest, EveryFilterHolds) {
  TargetSearch q;
  q.name = "星辰";
  q.region = "320411";
  q.grade = "-";
  q.credit_code = Code(0).substr(0, 8);
  q.limit = 50;
  auto page = SearchTargets(*proj_, q);
  ASSERT_TRUE(page.ok());
  std::set<std::string> got;
  for (const auto& t : page->rows) got.insert(t.credit_code);
  // odd (320411), multiple of 3 (星辰), n % 4 == 3 (ungraded): 3, 15, 27, 39, 51
  EXPECT_EQ(got, (std::set<std::string>{Code(3), Code(15), Code(27), Code(39), Code(51)}));
  EXPECT_TRUE(page->next_cursor.empty());
  // A one-character name has no pair: read from the region index, filtered by the name.
  q = TargetSearch{};
  q.name = "辰";
  q.region = "320402";
  q.limit = 200;
  page = SearchTargets(*proj_, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->rows.size(), 10u);  // even multiples of 3 below 60
  // The credit code alone (a prefix, any case).
  q = TargetSearch{};
  q.credit_code = Code(7);
  for (char& ch : q.credit_code) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  page = SearchTargets(*proj_, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].credit_code, Code(7));
}

TEST_F(DirectorySearchTest, ARenamedEmployerIsFoundByItsNewNameOnly) {
  directory::TargetPatch p;
  p.fields = directory::kTName;
  p.values.credit_code = Code(3);
  p.values.name = "金坛云海纺织有限公司";
  EventDraft d{EventType::TargetUpdated, directory::EncodeTargetPatch(p), actor_};
  ASSERT_TRUE(ledger_->Append(std::span(&d, 1)).ok());
  ASSERT_TRUE(proj_->CatchUp(ledger_->storage()).ok());
  TargetSearch q;
  q.name = "云海";
  auto page = SearchTargets(*proj_, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].credit_code, Code(3));
  q.name = "星辰机械3有";
  page = SearchTargets(*proj_, q);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->rows.empty());
}

TEST_F(DirectorySearchTest, APageStopsAtTheBoundWithACursorToGoOn) {
  TargetSearch q;
  q.name = "星辰";
  q.grade = "C";  // 星辰 and C: n % 12 == 6: 6, 18, 30, 42, 54
  q.limit = 10;
  q.max_examined = 4;  // 20 星辰 companies under the pair: 5 pages of 4 looked at
  size_t pages = 0;
  auto got = AllPages(q, &pages);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()),
            (std::set<std::string>{Code(6), Code(18), Code(30), Code(42), Code(54)}));
  EXPECT_EQ(pages, 5u);
  auto first = SearchTargets(*proj_, q);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->bounded);
  EXPECT_EQ(first->examined, 4u);
  EXPECT_FALSE(first->next_cursor.empty());
}

TEST_F(DirectorySearchTest, ACursorOfAnotherQueryOrALimitOutOfRangeIsRefused) {
  TargetSearch q;
  q.name = "星辰";
  q.limit = 1;
  auto page = SearchTargets(*proj_, q);
  ASSERT_TRUE(page.ok());
  TargetSearch other;
  other.region = "320402";
  other.cursor = page->next_cursor;
  auto refused = SearchTargets(*proj_, other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "cursor: not a cursor of this query (查询条件变了，请从第一页开始)");
  other.cursor = "";
  other.limit = 201;
  refused = SearchTargets(*proj_, other);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "limit: 1 to 200 (每页条数应为 1 至 200)");
}

TEST_F(DirectorySearchTest, InspectorsByNamePartAndRegion) {
  InspectorSearch q;
  q.name = "星辰";
  q.region = "320400";
  auto page = SearchInspectors(*proj_, q);
  ASSERT_TRUE(page.ok());
  std::set<std::string> got;
  for (const auto& i : page->rows) got.insert(i.inspector_id);
  EXPECT_EQ(got, (std::set<std::string>{"JS100", "JS101"}));
  q = InspectorSearch{};
  q.region = "320411";
  page = SearchInspectors(*proj_, q);
  ASSERT_TRUE(page.ok());
  got.clear();
  for (const auto& i : page->rows) got.insert(i.inspector_id);
  EXPECT_EQ(got, (std::set<std::string>{"JS103", "JS104"}));
}

}  // namespace
}  // namespace suiji
