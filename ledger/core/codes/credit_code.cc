#include "ledger/core/codes/credit_code.h"

#include <array>
#include <cstddef>
#include <string>

#include "ledger/core/codes/region.h"

namespace suiji::codes {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::size_t kCodeLength = 18;

// 3^(i-1) mod 31 for positions 1..17 (GB 32100-2015).
constexpr std::array<int, 17> kCheckWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                               29, 25, 13, 8,  24, 10, 30, 28};
// GB 11714-1997 weights for the 8-character organisation-code body.
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

// The value of a character in the credit-code alphabet, or -1.
int AlphabetValue(char c) {
  const std::size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The value of a character in GB 11714's alphabet: digits, then A=10 ... Z=35 (all 26
// letters: organisation codes predate the credit code's exclusions), or -1.
int OrgCodeValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

// Registration authority -> the organisation categories the national table (登记管理部门码
// 和机构类别码) defines for it, as published with the code's assignment rules and checked
// against several republications; 'A' and 'N' were added after 2015. Note that 9 (工商)
// has no category 9: the brief that commissioned this module assumed one.
struct AuthorityCategories {
  char authority;
  std::string_view categories;
};
constexpr AuthorityCategories kAuthorityTable[] = {
    {'1', "1239"},    // 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
    {'2', "19"},      // 外交: 外国常驻新闻机构, 其他
    {'3', "123459"},  // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定, 仲裁委, 其他
    {'4', "19"},      // 文化: 外国在华文化中心, 其他
    {'5', "1239"},    // 民政: 社会团体, 民办非企业单位, 基金会, 其他
    {'6', "129"},     // 旅游: 外国 / 港澳台旅游部门常驻代表机构, 其他
    {'7', "129"},     // 宗教: 宗教活动场所, 宗教院校, 其他
    {'8', "19"},      // 工会: 基层工会, 其他
    {'9', "123"},     // 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    {'A', "19"},      // 中央军委改革和编制办公室: 军队事业单位, 其他
    {'N', "1239"},    // 农业: 组级 / 村级 / 乡镇级集体经济组织, 其他
    {'Y', "1"},       // 其他: not subdivided, always 1
};

// The categories `authority` may register; empty for an unknown authority.
std::string_view CategoriesOf(char authority) {
  for (const AuthorityCategories& row : kAuthorityTable) {
    if (row.authority == authority) return row.categories;
  }
  return {};
}

bool RegionPartPlausible(std::string_view region) {
  for (char c : region) {
    if (c < '0' || c > '9') return false;
  }
  if (region == "100000") return true;  // national-level registration authorities
  const std::string province = std::string(region.substr(0, 2)) + "0000";
  const Region* found = FindRegion(province);
  return found != nullptr && found->level == kProvinceLevel;
}

}  // namespace

char CreditCodeCheckCharacter(std::string_view first17) {
  if (first17.size() != kCheckWeights.size()) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < first17.size(); ++i) {
    const int value = AlphabetValue(first17[i]);
    if (value < 0) return '\0';
    sum += value * kCheckWeights[i];
  }
  return kAlphabet[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

char OrgCodeCheckCharacter(std::string_view body8) {
  if (body8.size() != kOrgWeights.size()) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < body8.size(); ++i) {
    const int value = OrgCodeValue(body8[i]);
    if (value < 0) return '\0';
    sum += value * kOrgWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

bool OrgCodeCheckOk(std::string_view code) {
  if (code.size() == kCodeLength) {
    code = code.substr(8, 9);
  } else if (code.size() != 9) {
    return false;
  }
  const char expected = OrgCodeCheckCharacter(code.substr(0, 8));
  return expected != '\0' && expected == code[8];
}

CreditCodeError ValidateCreditCode(std::string_view code, OrgCodePolicy org_code_policy) {
  if (code.size() != kCodeLength) return CreditCodeError::kLength;
  for (char c : code) {
    if (AlphabetValue(c) < 0) return CreditCodeError::kBadCharacter;
  }
  const std::string_view categories = CategoriesOf(code[0]);
  if (categories.find(code[1]) == std::string_view::npos) {
    return CreditCodeError::kBadAuthorityOrCategory;
  }
  if (!RegionPartPlausible(code.substr(2, 6))) return CreditCodeError::kBadRegion;
  if (CreditCodeCheckCharacter(code.substr(0, 17)) != code[17]) {
    return CreditCodeError::kBadCheckCharacter;
  }
  if (org_code_policy == OrgCodePolicy::kEnforce && !OrgCodeCheckOk(code)) {
    return CreditCodeError::kBadOrgCodeCheck;
  }
  return CreditCodeError::kOk;
}

std::string_view CreditCodeErrorText(CreditCodeError error) {
  switch (error) {
    case CreditCodeError::kOk:
      return "统一社会信用代码有效 (valid)";
    case CreditCodeError::kLength:
      return "统一社会信用代码长度应为18位 (must be 18 characters)";
    case CreditCodeError::kBadCharacter:
      return "统一社会信用代码只能由数字和大写字母组成，且不含I、O、Z、S、V "
             "(only digits and upper-case letters except I, O, Z, S, V; lower case is not "
             "accepted)";
    case CreditCodeError::kBadAuthorityOrCategory:
      return "登记管理部门码或机构类别码无效 (unknown registration authority or "
             "organisation category in positions 1-2)";
    case CreditCodeError::kBadRegion:
      return "登记管理机关行政区划码无效 (positions 3-8 are not a GB/T 2260 region code)";
    case CreditCodeError::kBadOrgCodeCheck:
      return "主体标识码（组织机构代码）校验位错误 (wrong organisation-code check "
             "character in position 17)";
    case CreditCodeError::kBadCheckCharacter:
      return "统一社会信用代码校验位错误 (wrong check character)";
  }
  return "统一社会信用代码无效 (invalid)";
}

}  // namespace suiji::codes
