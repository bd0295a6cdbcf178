// Unified social credit codes (统一社会信用代码, GB 32100-2015): the 18-character identity
// of every employer in the target directory (R4). Validation here is what stops a typo from
// creating a second, phantom employer that a draw could select while the real one escapes.
// Pure functions over the code's characters and the compiled-in GB/T 2260 table: no I/O, no
// state, safe from any thread.
//
// Layout of a code (positions 1-based):
//   1      registration authority (登记管理部门码): 1 机构编制, 5 民政, 9 工商/市场监管, ...
//   2      organisation category (机构类别码), valid only in the combinations of the
//          national table (e.g. 9 -> 1 企业, 2 个体工商户, 3 农民专业合作社)
//   3-8    region of the registering authority (GB/T 2260), or 100000 for national bodies
//   9-17   organisation code (主体标识码, GB 11714), position 17 its own check character
//   18     check character over positions 1-17: weights 3^(i-1) mod 31, value
//          31 - (sum mod 31) (31 -> 0), written in the alphabet below
// Alphabet: "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, Z, S, V). Upper case only: callers
// that accept typed input should upper-case and trim first, deliberately and visibly.
//
// Caveats (decisions, with reasons):
// - Region (3-8): only "six digits with a provincial prefix that GB/T 2260 knows" (or the
//   national 100000). A code keeps the region its registrar had on the day it was issued;
//   Jintan's employers registered before 2015 still carry 320482 (金坛市), a code abolished
//   when Jintan became 320413 (金坛区). Requiring a current county would reject real codes.
// - Organisation-code check (17): not enforced by default. Every real code we examined
//   passes it, but the national table allows registrars to assign the 9-character body, and
//   pilot-era codes are known to deviate from the standard (below); position 18 already
//   catches every single-character typo, so enforcing 17 would add false rejections of real
//   employers for almost no extra error detection. OrgCodeCheckOk() reports it for a
//   warning; OrgCodePolicy::kEnforce makes it an error (generators, strict imports).
// - Pre-standard pilot codes: a few employers registered in Xiamen before 2016 (e.g.
//   91350203M0001FUE2P, 厦门黑脉网络科技有限公司) hold codes whose position 18 does not
//   satisfy GB 32100. They fail here with kBadCheckCharacter, correctly by the standard; the
//   directory should let an operator accept such a record after checking it against the
//   national publicity system, rather than this function guessing.
#pragma once

#include <string_view>

namespace suiji::codes {

// Why a code was rejected, in the order the checks run (the first failure wins).
enum class CreditCodeError {
  kOk,
  kLength,                  // not exactly 18 bytes
  kBadCharacter,            // outside the alphabet (includes lower case, I, O, Z, S, V)
  kBadAuthorityOrCategory,  // positions 1-2 not a combination in the national table
  kBadRegion,               // positions 3-8 not 6 digits with a known provincial prefix
  kBadOrgCodeCheck,         // position 17 wrong (only with OrgCodePolicy::kEnforce)
  kBadCheckCharacter,       // position 18 wrong: almost always a typo
};

// Whether the organisation code's own check character (position 17) is an error.
enum class OrgCodePolicy {
  kWarnOnly,  // not checked by ValidateCreditCode; ask OrgCodeCheckOk() for a warning
  kEnforce,   // checked after position 18, reported as kBadOrgCodeCheck
};

// Validates `code` (exactly 18 characters, no surrounding space). With kEnforce, a code
// whose position 18 is wrong still reports kBadCheckCharacter: that is the likelier cause.
CreditCodeError ValidateCreditCode(std::string_view code,
                                   OrgCodePolicy org_code_policy = OrgCodePolicy::kWarnOnly);

// A message for people: Chinese first, English in brackets, e.g.
// "统一社会信用代码校验位错误 (wrong check character)". Static storage; never empty.
std::string_view CreditCodeErrorText(CreditCodeError error);

// The check character (position 18) for the first 17 characters of a code, for generators
// and for telling a user what the last character should be. Returns '\0' if `first17` is
// not 17 characters of the alphabet. Does not judge positions 1-17 otherwise.
char CreditCodeCheckCharacter(std::string_view first17);

// The GB 11714 check character ('0'-'9' or 'X') for an 8-character organisation-code body
// (digits and upper-case letters A-Z; in a credit code, positions 9-16). Returns '\0' if
// `body8` is malformed.
char OrgCodeCheckCharacter(std::string_view body8);

// True if the organisation code's check character is right. Accepts an 18-character credit
// code (checks positions 9-17) or a bare 9-character organisation code (组织机构代码,
// without the hyphen). False for anything malformed.
bool OrgCodeCheckOk(std::string_view code);

}  // namespace suiji::codes
