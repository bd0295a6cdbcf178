// GB/T 4754-2017 industries (ledger/core/codes/industry.h).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "ledger/core/codes/industry.h"

namespace suiji::codes {
namespace {

std::string_view NameOf(std::string_view code) {
  const Industry* i = FindIndustry(code);
  return i != nullptr ? i->name : "<missing>";
}

TEST(Industry, FindsEveryFormOfAManufacturingCode) {
  const Industry* section = FindIndustry("C");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->name, "制造业");
  EXPECT_EQ(section->level, kSectionLevel);
  EXPECT_EQ(section->section, 'C');

  const Industry* division = FindIndustry("13");
  ASSERT_NE(division, nullptr);
  EXPECT_EQ(division->name, "农副食品加工业");
  EXPECT_EQ(division->level, kDivisionLevel);

  EXPECT_EQ(NameOf("131"), "谷物磨制");
  EXPECT_EQ(FindIndustry("131")->level, kGroupLevel);
  const Industry* cls = FindIndustry("1311");
  ASSERT_NE(cls, nullptr);
  EXPECT_EQ(cls->name, "稻谷加工");
  EXPECT_EQ(cls->level, kClassLevel);
  EXPECT_EQ(cls->section, 'C');
}

TEST(Industry, SectionOfACodeFollowsItsDivision) {
  EXPECT_EQ(IndustrySection("1311"), 'C');
  EXPECT_EQ(IndustrySection("131"), 'C');
  EXPECT_EQ(IndustrySection("13"), 'C');
  EXPECT_EQ(IndustrySection("C"), 'C');
  EXPECT_EQ(IndustrySection("0111"), 'A');
  EXPECT_EQ(IndustrySection("4710"), 'E');  // 住宅房屋建筑
  EXPECT_EQ(IndustrySection("6210"), 'H');  // 正餐服务
  EXPECT_EQ(IndustrySection("7263"), 'L');  // 劳务派遣服务
  EXPECT_EQ(IndustrySection("9700"), 'T');
  EXPECT_EQ(IndustrySection("1315"), '\0');  // no such class
  EXPECT_EQ(IndustrySection(""), '\0');
}

TEST(Industry, AcceptsSectionPrefixedCodesOnlyWithTheRightLetter) {
  EXPECT_EQ(FindIndustry("C1311"), FindIndustry("1311"));
  EXPECT_EQ(FindIndustry("C13"), FindIndustry("13"));
  EXPECT_EQ(FindIndustry("L7263"), FindIndustry("7263"));
  EXPECT_EQ(FindIndustry("E1311"), nullptr);
  EXPECT_EQ(FindIndustry("CC"), nullptr);
}

TEST(Industry, RejectsMalformedAndUnknownCodes) {
  for (std::string_view code : {"", "c", "U", "Z", "1", "13111", "0000", "00", "98", "1315", "13 ",
                                " 13", "131a", "c1311", "C-1311", "１３"}) {
    EXPECT_EQ(FindIndustry(code), nullptr) << '"' << code << '"';
  }
}

TEST(Industry, TableHasTheStandardsCountsAtEveryLevel) {
  int per_level[5] = {0, 0, 0, 0, 0};
  for (const Industry& i : AllIndustries()) {
    ASSERT_GE(i.level, kSectionLevel);
    ASSERT_LE(i.level, kClassLevel);
    ++per_level[i.level];
  }
  EXPECT_EQ(per_level[kSectionLevel], 20);
  EXPECT_EQ(per_level[kDivisionLevel], 97);
  EXPECT_EQ(per_level[kGroupLevel], 473);
  EXPECT_EQ(per_level[kClassLevel], 1381);  // 1380 of 2017 + amendment No. 1 (2019)
}

TEST(Industry, DivisionsBelongToTheSectionsTheStandardAssigns) {
  const std::pair<std::string_view, char> spans[] = {
      {"01", 'A'}, {"05", 'A'}, {"06", 'B'}, {"12", 'B'}, {"13", 'C'}, {"43", 'C'}, {"44", 'D'},
      {"46", 'D'}, {"47", 'E'}, {"50", 'E'}, {"51", 'F'}, {"52", 'F'}, {"53", 'G'}, {"60", 'G'},
      {"61", 'H'}, {"62", 'H'}, {"63", 'I'}, {"65", 'I'}, {"66", 'J'}, {"69", 'J'}, {"70", 'K'},
      {"71", 'L'}, {"72", 'L'}, {"73", 'M'}, {"75", 'M'}, {"76", 'N'}, {"79", 'N'}, {"80", 'O'},
      {"82", 'O'}, {"83", 'P'}, {"84", 'Q'}, {"85", 'Q'}, {"86", 'R'}, {"90", 'R'}, {"91", 'S'},
      {"96", 'S'}, {"97", 'T'}};
  for (const auto& [division, section] : spans) {
    EXPECT_EQ(IndustrySection(division), section) << division;
  }
}

TEST(Industry, SingleClassGroupsShareTheirClassName) {
  EXPECT_EQ(NameOf("019"), "其他农业");
  EXPECT_EQ(NameOf("0190"), "其他农业");
  EXPECT_EQ(NameOf("062"), NameOf("0620"));
  EXPECT_EQ(NameOf("970"), "国际组织");
}

TEST(Industry, ParentsWalkUpToTheSection) {
  EXPECT_EQ(ParentIndustry("1311"), "131");
  EXPECT_EQ(ParentIndustry("C1311"), "131");
  EXPECT_EQ(ParentIndustry("131"), "13");
  EXPECT_EQ(ParentIndustry("13"), "C");
  EXPECT_EQ(ParentIndustry("C"), "");
  EXPECT_EQ(ParentIndustry("1315"), "");
  EXPECT_TRUE(IndustryWithin("1311", "C"));
  EXPECT_TRUE(IndustryWithin("1311", "13"));
  EXPECT_TRUE(IndustryWithin("1311", "1311"));
  EXPECT_TRUE(IndustryWithin("7263", "L72"));
  EXPECT_FALSE(IndustryWithin("1311", "14"));
  EXPECT_FALSE(IndustryWithin("13", "1311"));
  EXPECT_FALSE(IndustryWithin("1315", "C"));
}

TEST(Industry, NamesAreTheOfficialOnesWhereSourcesDisagreed) {
  // Three divisions whose names circulate in older (2011) or garbled forms.
  EXPECT_EQ(NameOf("15"), "酒、饮料和精制茶制造业");
  EXPECT_EQ(NameOf("75"), "科技推广和应用服务业");
  EXPECT_EQ(NameOf("87"), "广播、电视、电影和录音制作业");
  EXPECT_EQ(NameOf("7517"), "三维（3D）打印技术推广服务");  // full-width brackets throughout
  EXPECT_EQ(NameOf("4620"), "污水处理及其再生利用");
}

TEST(Industry, TableIsSortedUniqueAndEveryEntryHasItsParent) {
  const auto all = AllIndustries();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Industry& entry = all[i];
    if (i > 0) {
      EXPECT_LT(all[i - 1].code, entry.code);
    }
    EXPECT_EQ(FindIndustry(entry.code), &entry);
    EXPECT_FALSE(entry.name.empty());
    if (entry.level > kSectionLevel) {
      const Industry* parent = FindIndustry(ParentIndustry(entry.code));
      ASSERT_NE(parent, nullptr) << entry.code;
      EXPECT_EQ(parent->level, entry.level - 1) << entry.code;
      EXPECT_EQ(parent->section, entry.section) << entry.code;
    }
  }
}

}  // namespace
}  // namespace suiji::codes
