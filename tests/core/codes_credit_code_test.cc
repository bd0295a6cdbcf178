// Unified social credit code validation (ledger/core/codes/credit_code.h).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/codes/credit_code.h"

namespace suiji::codes {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Real codes of well-known employers, as printed on their business licences and shown by the
// National Enterprise Credit Information Publicity System; the same values appear in public
// source code and records, which is where we took them from (code search, 2025):
struct Published {
  std::string_view code;
  std::string_view holder;
};
const std::vector<Published> kPublished = {
    // Huawei; e.g. a validator test: "华为技术有限公司的统一社会信用代码（公开信息），校验位应为
    // 6".
    {"914403001922038216", "华为技术有限公司"},
    // Tencent; e.g. an invoice project's TaxNoFormatTest.realUsccNumbersPass.
    {"9144030071526726XG", "腾讯科技（深圳）有限公司"},
    {"91440300708461136T", "深圳市腾讯计算机系统有限公司"},
    // Alibaba; a company-profile page lists it with registration no. 330100400015575.
    {"91330100716105852F", "阿里巴巴（中国）网络技术有限公司"},
    // PetroChina; GLEIF record 529900RPY4YG47TRSV05, registeredAs.
    {"91110000710925462X", "中国石油天然气股份有限公司"},
    // Xiaomi; the licence summary shown on its online store ("企业执照注册号").
    {"91110108558521630L", "小米通讯技术有限公司"},
};

// Codes from the test suites of open-source validators.
const std::vector<std::string_view> kFromValidatorTests = {
    "91320621MA1MRHG205",  // fdstar/NumberValidators
                           // RegistrationNo18ValidatorTests.Validate_Correct
    "91310110666007217T",  // dromara/hutool CreditCodeUtilTest.isCreditCode
    "91310115591693856A",  // dromara/hutool CreditCodeUtilTest.isCreditCodeBySimple
    "12440600MB2C07549J",  // a 事业单位 (authority 1, category 2), xbeginagain/generator issue #2
    "91330000755918469E",  // RainmanJin/LegalPersonDataBase API example (Zhejiang)
};

// Builds a valid code: authority, category, region, an 8-character body, then both checks.
std::string MakeCode(char authority, char category, std::string_view region,
                     std::string_view body8) {
  std::string code;
  code += authority;
  code += category;
  code += region;
  code += body8;
  code += OrgCodeCheckCharacter(body8);
  code += CreditCodeCheckCharacter(code);
  return code;
}

// Replaces position `index` and recomputes position 18, so only that change is at fault.
std::string WithRecomputedCheck(std::string code, std::size_t index, char c) {
  code[index] = c;
  code[17] = CreditCodeCheckCharacter(std::string_view(code).substr(0, 17));
  return code;
}

TEST(CreditCode, AcceptsPublishedCodesOfWellKnownCompanies) {
  for (const Published& p : kPublished) {
    EXPECT_EQ(ValidateCreditCode(p.code), CreditCodeError::kOk) << p.code << " " << p.holder;
    EXPECT_TRUE(OrgCodeCheckOk(p.code)) << p.code;
    EXPECT_EQ(ValidateCreditCode(p.code, OrgCodePolicy::kEnforce), CreditCodeError::kOk);
    EXPECT_EQ(CreditCodeCheckCharacter(p.code.substr(0, 17)), p.code[17]);
  }
}

TEST(CreditCode, AcceptsCodesFromOpenSourceValidatorTestSuites) {
  for (std::string_view code : kFromValidatorTests) {
    EXPECT_EQ(ValidateCreditCode(code, OrgCodePolicy::kEnforce), CreditCodeError::kOk) << code;
  }
}

TEST(CreditCode, GeneratedCodesForEveryAuthorityAndCategoryInTheNationalTableAreValid) {
  const std::vector<std::pair<char, std::string_view>> table = {
      {'1', "1239"}, {'2', "19"}, {'3', "123459"}, {'4', "19"}, {'5', "1239"}, {'6', "129"},
      {'7', "129"},  {'8', "19"}, {'9', "123"},    {'A', "19"}, {'N', "1239"}, {'Y', "1"}};
  int generated = 0;
  for (const auto& [authority, categories] : table) {
    for (char category : categories) {
      for (std::string_view region : {"320402", "130132", "110105", "100000"}) {
        const std::string code = MakeCode(authority, category, region, "MA1MRHG2");
        EXPECT_EQ(ValidateCreditCode(code, OrgCodePolicy::kEnforce), CreditCodeError::kOk) << code;
        ++generated;
      }
    }
  }
  EXPECT_EQ(generated, 36 * 4);  // 36 authority-category pairs
}

TEST(CreditCode, RejectsCategoriesTheNationalTableDoesNotDefine) {
  const std::string valid = MakeCode('9', '1', "320402", "MA1MRHG2");
  // Market regulation has no category 9; "其他" (Y) is always 1; B and 0 are no authority.
  for (std::string_view pair : {"99", "94", "Y2", "B1", "01", "A2", "N4", "51"}) {
    std::string code = WithRecomputedCheck(valid, 0, pair[0]);
    code = WithRecomputedCheck(code, 1, pair[1]);
    const CreditCodeError expected =
        pair == "51" ? CreditCodeError::kOk : CreditCodeError::kBadAuthorityOrCategory;
    EXPECT_EQ(ValidateCreditCode(code), expected) << code;
  }
}

TEST(CreditCode, EverySingleCharacterMutationOfAValidCodeIsRejected) {
  std::vector<std::string> valid = {MakeCode('9', '1', "320412", "MA1XYW20"),
                                    MakeCode('5', '2', "430100", "50123456"),
                                    MakeCode('Y', '1', "100000", "00000000")};
  for (const Published& p : kPublished) valid.emplace_back(p.code);
  // Every other character of the alphabet, plus what people and OCR actually type instead.
  std::string replacements(kAlphabet);
  replacements += "IOZSVabxy -.\t";
  int mutations = 0;
  for (const std::string& code : valid) {
    ASSERT_EQ(ValidateCreditCode(code), CreditCodeError::kOk) << code;
    for (std::size_t i = 0; i < code.size(); ++i) {
      for (char c : replacements) {
        if (c == code[i]) continue;
        std::string mutated = code;
        mutated[i] = c;
        EXPECT_NE(ValidateCreditCode(mutated), CreditCodeError::kOk)
            << code << " position " << i + 1 << " -> '" << c << "'";
        ++mutations;
      }
    }
  }
  EXPECT_GT(mutations, 9 * 18 * 40);
}

TEST(CreditCode, ReportsAMistypedLastCharacterAsAWrongCheckCharacter) {
  EXPECT_EQ(ValidateCreditCode("914403001922038217"), CreditCodeError::kBadCheckCharacter);
  // Two adjacent characters swapped: the most common typing slip after a substitution.
  EXPECT_EQ(ValidateCreditCode("914430001922038216"), CreditCodeError::kBadCheckCharacter);
}

TEST(CreditCode, RejectsWrongLengthsBeforeAnythingElse) {
  for (std::string_view code : {"", "9", "9144030071526726X", "9144030071526726XG9",
                                " 9144030071526726XG", "9144-0300-7152-6726-XG"}) {
    EXPECT_EQ(ValidateCreditCode(code), CreditCodeError::kLength) << '"' << code << '"';
  }
}

TEST(CreditCode, RejectsTheForbiddenLettersIOZSV) {
  const std::string valid = MakeCode('9', '1', "320402", "MA1MRHG2");
  for (char forbidden : std::string_view("IOZSV")) {
    for (std::size_t i : {0u, 1u, 9u, 12u, 16u, 17u}) {
      std::string code = valid;
      code[i] = forbidden;
      EXPECT_EQ(ValidateCreditCode(code), CreditCodeError::kBadCharacter) << code;
    }
  }
  // O and I are what people type for 0 and 1; the check helper refuses them too.
  EXPECT_EQ(CreditCodeCheckCharacter("91320402MA1MRHGO0"), '\0');
}

TEST(CreditCode, RequiresUpperCaseAndSaysSo) {
  EXPECT_EQ(ValidateCreditCode("9144030071526726xg"), CreditCodeError::kBadCharacter);
  EXPECT_EQ(ValidateCreditCode("91110108558521630l"), CreditCodeError::kBadCharacter);
  const std::string_view text = CreditCodeErrorText(CreditCodeError::kBadCharacter);
  EXPECT_NE(text.find("大写"), std::string_view::npos);
  EXPECT_NE(text.find("lower case is not accepted"), std::string_view::npos);
}

TEST(CreditCode, RejectsARegionPartWithoutAKnownProvince) {
  const std::string valid = MakeCode('9', '1', "320402", "MA1MRHG2");
  for (std::string_view region : {"990000", "000000", "200000", "10000A", "3A0402", "720000"}) {
    std::string code = valid;
    for (std::size_t i = 0; i < 6; ++i) code = WithRecomputedCheck(code, 2 + i, region[i]);
    EXPECT_EQ(ValidateCreditCode(code), CreditCodeError::kBadRegion) << code;
  }
}

TEST(CreditCode, AcceptsRegionsAbolishedSinceTheCodeWasIssued) {
  // 320482 金坛市 became 320413 金坛区 in 2015; 330103 下城区 was merged away in 2021.
  // Employers registered there before keep their codes for life.
  for (std::string_view region : {"320482", "330103", "500105", "429000", "110100"}) {
    const std::string code = MakeCode('9', '1', region, "MA1MRHG2");
    EXPECT_EQ(ValidateCreditCode(code), CreditCodeError::kOk) << code;
  }
}

TEST(CreditCode, TreatsAWrongOrganisationCodeCheckAsAWarningUnlessEnforced) {
  std::string code = MakeCode('9', '1', "130132", "MA0ABCD1");
  // Change position 17 and repair position 18: only the GB 11714 check is now wrong.
  code = WithRecomputedCheck(code, 16, code[16] == '1' ? '2' : '1');
  EXPECT_EQ(ValidateCreditCode(code), CreditCodeError::kOk) << code;
  EXPECT_FALSE(OrgCodeCheckOk(code));
  EXPECT_EQ(ValidateCreditCode(code, OrgCodePolicy::kEnforce), CreditCodeError::kBadOrgCodeCheck);
}

TEST(CreditCode, EnforcedPolicyStillBlamesTheLastCharacterForATypo) {
  // A typo in the organisation code breaks both checks; position 18 is the better message.
  EXPECT_EQ(ValidateCreditCode("914403001922038316", OrgCodePolicy::kEnforce),
            CreditCodeError::kBadCheckCharacter);
}

TEST(CreditCode, RejectsAPilotEraXiamenCodeThatPredatesTheStandard) {
  // 厦门黑脉网络科技有限公司, real (dromara/hutool issue #2020; also #4119 for
  // 91350203M0001QKT19): issued in Xiamen's 2014-15 pilot, position 18 does not follow
  // GB 32100. We report it as the standard says and leave acceptance to an operator.
  EXPECT_EQ(ValidateCreditCode("91350203M0001FUE2P"), CreditCodeError::kBadCheckCharacter);
  EXPECT_EQ(CreditCodeCheckCharacter("91350203M0001FUE2"), 'J');
  EXPECT_TRUE(OrgCodeCheckOk("91350203M0001FUE2P"));
  EXPECT_EQ(ValidateCreditCode("91350203M0001QKT19"), CreditCodeError::kBadCheckCharacter);
}

TEST(CreditCode, OrgCodeCheckAcceptsBareNineCharacterOrganisationCodes) {
  EXPECT_TRUE(OrgCodeCheckOk("192203821"));  // Huawei's pre-2015 组织机构代码 19220382-1
  EXPECT_TRUE(OrgCodeCheckOk("71526726X"));  // check 10 is written X
  EXPECT_FALSE(OrgCodeCheckOk("192203822"));
  EXPECT_FALSE(OrgCodeCheckOk("19220382-1"));
  EXPECT_FALSE(OrgCodeCheckOk("1922038"));
  EXPECT_EQ(OrgCodeCheckCharacter("10169286"), 'X');
  EXPECT_EQ(OrgCodeCheckCharacter("1016928"), '\0');
  EXPECT_EQ(OrgCodeCheckCharacter("1016928a"), '\0');
}

TEST(CreditCode, CheckCharacterHelperRejectsMalformedInput) {
  EXPECT_EQ(CreditCodeCheckCharacter(""), '\0');
  EXPECT_EQ(CreditCodeCheckCharacter("914403001922038216"), '\0');  // 18, not 17
  EXPECT_EQ(CreditCodeCheckCharacter("91440300192203821"), '6');
  // A check value of 0 is written '0', not '31'.
  std::string first17 = "91320402MA1MRHG20";
  bool saw_zero = false;
  for (char c : kAlphabet) {
    first17[15] = c;
    if (CreditCodeCheckCharacter(first17) == '0') saw_zero = true;
  }
  EXPECT_TRUE(saw_zero);
}

TEST(CreditCode, EveryErrorHasItsOwnBilingualText) {
  std::set<std::string_view> texts;
  for (CreditCodeError e :
       {CreditCodeError::kOk, CreditCodeError::kLength, CreditCodeError::kBadCharacter,
        CreditCodeError::kBadAuthorityOrCategory, CreditCodeError::kBadRegion,
        CreditCodeError::kBadOrgCodeCheck, CreditCodeError::kBadCheckCharacter}) {
    const std::string_view text = CreditCodeErrorText(e);
    EXPECT_NE(text.find(" ("), std::string_view::npos) << text;  // Chinese, then (English)
    EXPECT_EQ(text.back(), ')') << text;
    texts.insert(text);
  }
  EXPECT_EQ(texts.size(), 7u);
  EXPECT_EQ(CreditCodeErrorText(CreditCodeError::kBadCheckCharacter),
            "统一社会信用代码校验位错误 (wrong check character)");
  EXPECT_EQ(CreditCodeErrorText(CreditCodeError::kLength),
            "统一社会信用代码长度应为18位 (must be 18 characters)");
}

}  // namespace
}  // namespace suiji::codes
