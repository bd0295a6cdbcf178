// Test support: valid unified social credit codes (GB 32100-2015) for synthetic employers,
// numbered so that tests can name the same employer again. Positions 9-17 carry an 8-digit
// serial with its GB 11714 check character, position 18 the GB 32100 check character.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "ledger/core/codes/credit_code.h"

namespace suiji::testing_support {

inline std::string SampleCreditCode(const std::string& region, uint64_t serial) {
  char body[32];
  std::snprintf(body, sizeof body, "%08llu", static_cast<unsigned long long>(serial % 100000000));
  const std::string first17 = "91" + region + body + codes::OrgCodeCheckCharacter(body);
  return first17 + codes::CreditCodeCheckCharacter(first17);
}

}  // namespace suiji::testing_support
