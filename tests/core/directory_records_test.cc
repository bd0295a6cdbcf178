#include "ledger/core/directory/records.h"

#include <gtest/gtest.h>

#include "ledger/core/codes/credit_code.h"
#include "ledger/core/directory/fold.h"

namespace suiji::directory {
namespace {

// A valid code: first 17 characters chosen, the 18th computed by GB 32100.
std::string Code(std::string first17) {
  return first17 + codes::CreditCodeCheckCharacter(first17);
}

TargetRecord SampleTarget() {
  TargetRecord t;
  t.credit_code = Code("91320402MA1XY1234");
  t.name = "常州市天宁区示例机械有限公司";
  t.region = "320402";
  t.industry = "3411";
  t.headcount = 86;
  t.credit_grade = "B";
  t.grade_date = "2025-04-01";
  t.star_level = 3;
  t.complaints = 2;
  t.org_id = "320400";
  return t;
}

TEST(DirectoryRecords, TargetPayloadRoundTripsEveryField) {
  TargetRecord t = SampleTarget();
  t.blacklisted = true;
  t.blacklist_name = "拖欠农民工工资失信联合惩戒对象名单";
  t.blacklist_from = "2025-01-10";
  t.blacklist_until = "2026-01-10";
  t.status = TargetStatus::Moved;
  auto back = DecodeTarget(EncodeTarget(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, t);
}

TEST(DirectoryRecords, EncodingIsDeterministic) {
  EXPECT_EQ(EncodeTarget(SampleTarget()), EncodeTarget(SampleTarget()));
}

TEST(DirectoryRecords, PatchCarriesOnlyTheChangedFields) {
  TargetRecord a = SampleTarget();
  TargetRecord b = a;
  b.headcount = 120;
  b.credit_grade = "C";
  TargetPatch p = DiffTargets(a, b);
  EXPECT_EQ(p.fields, kTHeadcount | kTCreditGrade);
  auto decoded = DecodeTargetPatch(EncodeTargetPatch(p));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->fields, kTHeadcount | kTCreditGrade);
  TargetRecord c = a;
  ApplyPatch(c, *decoded);
  EXPECT_EQ(c, b);
  EXPECT_LT(EncodeTargetPatch(p).size(), EncodeTarget(b).size() / 2);
  EXPECT_TRUE(DiffTargets(a, a).empty());
}

TEST(DirectoryRecords, DecodeTargetRejectsAPatchAsAFullRecord) {
  TargetRecord a = SampleTarget();
  TargetRecord b = a;
  b.name = "改名后的公司";
  EXPECT_EQ(DecodeTarget(EncodeTargetPatch(DiffTargets(a, b))).status().code(),
            StatusCode::kDataLoss);
  Bytes garbage = {1, 2, 3, 4, 5};
  EXPECT_EQ(DecodeTarget(garbage).status().code(), StatusCode::kDataLoss);
}

TEST(DirectoryRecords, ValidateTargetNamesEachBadField) {
  TargetRecord t = SampleTarget();
  EXPECT_TRUE(ValidateTarget(t).empty());
  t.credit_code.back() = t.credit_code.back() == '1' ? '2' : '1';
  t.region = "999999";
  t.industry = "9999";
  t.credit_grade = "D";
  t.star_level = 7;
  auto errs = ValidateTarget(t);
  std::vector<std::string> fields;
  for (const auto& e : errs) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"credit_code", "region", "industry", "credit_grade",
                                              "star_level"}));
  EXPECT_NE(errs[0].reason.find("校验位"), std::string::npos) << errs[0].reason;
}

TEST(DirectoryRecords, BlacklistNeedsListNameAndDate) {
  TargetRecord t = SampleTarget();
  t.blacklisted = true;
  auto errs = ValidateTarget(t);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].field, "blacklist_name");
  EXPECT_EQ(errs[1].field, "blacklist_from");
}

TEST(DirectoryRecords, ValidDateKnowsTheCalendar) {
  EXPECT_TRUE(ValidDate("2024-02-29"));
  EXPECT_FALSE(ValidDate("2023-02-29"));
  EXPECT_FALSE(ValidDate("2024-13-01"));
  EXPECT_FALSE(ValidDate("2024-1-01"));
  EXPECT_FALSE(ValidDate("2024/01/01"));
  EXPECT_TRUE(ValidDate("2000-02-29"));
  EXPECT_FALSE(ValidDate("1900-02-28"));
}

TEST(DirectoryRecords, ValidUtf8RejectsOverlongSurrogatesAndControls) {
  EXPECT_TRUE(ValidUtf8("常州市 ABC"));
  EXPECT_FALSE(ValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(ValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(ValidUtf8("\xb3\xa3\xd6\xdd"));  // GBK bytes of 常州
  EXPECT_FALSE(ValidUtf8("a\x01" "b"));
}

TEST(DirectoryRecords, InspectorAndItemListRoundTrip) {
  InspectorRecord i{"32040020250001", "李明", {"劳动用工", "工资支付"}, {"建筑业"}, "320400",
                    "320402", InspectorStatus::Suspended, false};
  EXPECT_EQ(*DecodeInspector(EncodeInspector(i)), i);
  ItemListRecord l{"320400", 2, "2026-01-01", "依据2026年省级清单调整",
                   {{"HRSS-01", "用人单位遵守劳动合同制度情况", "劳动保障监察机构",
                     "《劳动保障监察条例》第十一条", "劳动合同签订、履行情况",
                     InspectionMethod::OnSite, ItemKind::Key, {"是否依法签订书面劳动合同", "是否建立职工名册"},
                     "常州市人社局劳动保障监察支队"}}};
  EXPECT_EQ(*DecodeItemList(EncodeItemList(l)), l);
}

// Builds a signed entry of `type` with `payload` at `seq` for the fold.
struct EntryMaker {
  KeyPair key = KeyPair::Generate();
  std::vector<Bytes> store;
  EntryView Make(uint64_t seq, EventType type, const Bytes& payload) {
    Actor a{"320400", "clerk"};
    EntryFields f{"t/l", seq, Hash{}, 0, &a, type, payload};
    store.push_back(BuildEntry(f, key));
    return *ParseEntry(store.back());
  }
};

TEST(DirectoryFold, RegisterUpdateRetireAndHistory) {
  MemoryDirectory dir;
  EntryMaker m;
  OrgUnitRecord org{"320400", "常州市人力资源和社会保障局", "320400", OrgLevel::City, ""};
  // A city with no registered province parent is fine here (empty parent).
  ASSERT_TRUE(ApplyDirectoryEvent(m.Make(1, EventType::OrgUnitRegistered, EncodeOrgUnit(org)), dir).ok());
  TargetRecord t = SampleTarget();
  ASSERT_TRUE(ApplyDirectoryEvent(m.Make(2, EventType::TargetRegistered, EncodeTarget(t)), dir).ok());
  TargetRecord t2 = t;
  t2.complaints = 9;
  ASSERT_TRUE(ApplyDirectoryEvent(
                  m.Make(3, EventType::TargetUpdated, EncodeTargetPatch(DiffTargets(t, t2))), dir)
                  .ok());
  EXPECT_EQ(dir.targets.at(t.credit_code), t2);
  ASSERT_TRUE(ApplyDirectoryEvent(m.Make(4, EventType::TargetRetired,
                                         EncodeTargetRetired(t.credit_code, TargetStatus::Deregistered, "注销")),
                                  dir)
                  .ok());
  EXPECT_EQ(dir.targets.at(t.credit_code).status, TargetStatus::Deregistered);
  EXPECT_EQ(dir.history.at("target:" + t.credit_code), (std::vector<uint64_t>{2, 3, 4}));
}

TEST(DirectoryFold, RefusesTransitionsTheRulesForbid) {
  MemoryDirectory dir;
  EntryMaker m;
  TargetRecord t = SampleTarget();
  auto upd = ApplyDirectoryEvent(
      m.Make(1, EventType::TargetUpdated, EncodeTargetPatch(DiffTargets(TargetRecord{}, t))), dir);
  EXPECT_EQ(upd.code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(ApplyDirectoryEvent(m.Make(2, EventType::TargetRegistered, EncodeTarget(t)), dir).ok());
  EXPECT_EQ(ApplyDirectoryEvent(m.Make(3, EventType::TargetRegistered, EncodeTarget(t)), dir).code(),
            StatusCode::kFailedPrecondition);
  ItemListRecord l{"320400", 2, "2026-01-01", "", {}};
  EXPECT_EQ(ApplyDirectoryEvent(m.Make(4, EventType::ItemListPublished, EncodeItemList(l)), dir).code(),
            StatusCode::kFailedPrecondition)
      << "version 2 before version 1";
  OrgUnitRecord county{"320402", "天宁区人社局", "320402", OrgLevel::County, "320400"};
  EXPECT_EQ(ApplyDirectoryEvent(m.Make(5, EventType::OrgUnitRegistered, EncodeOrgUnit(county)), dir).code(),
            StatusCode::kFailedPrecondition)
      << "parent not registered";
}

}  // namespace
}  // namespace suiji::directory
