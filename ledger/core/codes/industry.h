// Industries (GB/T 4754-2017 国民经济行业分类): the compiled-in classification the target
// directory's industry field is validated against, and that draws filter on ("all
// construction employers", section E; "catering", division 62). Pure lookups over a
// constant table: no I/O, no allocation, safe from any thread.
//
// Four levels, each code extending its parent's:
//   section  门类 "A".."T"  (20)    e.g. C 制造业
//   division 大类 2 digits  (97)    e.g. 13 农副食品加工业
//   group    中类 3 digits  (473)   e.g. 131 谷物磨制
//   class    小类 4 digits  (1381)  e.g. 1311 稻谷加工
// Divisions are numbered across sections (01-05 are A, 06-12 are B, ...), so a code's
// section follows from its first two digits. A group with a single class shares its name
// (the standard prints "019 0190 其他农业" on one line); both codes are in the table.
// 1381 classes rather than the 1380 announced in 2017: the table includes amendment No. 1
// (2019); see ops/codes/README.md for where the table comes from and how it was checked.
//
// Returned pointers point into static storage and never dangle.
#pragma once

#include <span>
#include <string_view>

namespace suiji::codes {

inline constexpr int kSectionLevel = 1;   // 门类
inline constexpr int kDivisionLevel = 2;  // 大类
inline constexpr int kGroupLevel = 3;     // 中类
inline constexpr int kClassLevel = 4;     // 小类

struct Industry {
  std::string_view code;  // "C", "13", "131" or "1311"
  std::string_view name;  // official Chinese name
  int level;              // kSectionLevel .. kClassLevel
  char section;           // 'A'..'T'; a section's own letter for a section
};

// The entry for `code`: a section letter ("C"), a division ("13"), group ("131") or class
// ("1311"), or the section-prefixed form registration systems print ("C13", "C1311"),
// accepted only when the letter is the code's real section. Upper case, no spaces.
// nullptr when the code is malformed or not in the standard.
const Industry* FindIndustry(std::string_view code);

// The section letter of any form FindIndustry accepts ("1311" -> 'C'); '\0' if unknown.
char IndustrySection(std::string_view code);

// The code one level up ("1311" -> "131", "13" -> "C"); "" for a section or unknown code.
std::string_view ParentIndustry(std::string_view code);

// True if `code` is `ancestor` or lies below it ("1311" within "13" and "C").
bool IndustryWithin(std::string_view code, std::string_view ancestor);

// Every entry, sorted by code (divisions, groups and classes first, then sections A-T).
std::span<const Industry> AllIndustries();

}  // namespace suiji::codes
