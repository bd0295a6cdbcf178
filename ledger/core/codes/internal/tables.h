// The generated tables behind region.cc and industry.cc. Private to ledger/core/codes: the
// generated files (region_data.cc, industry_data.cc) define these, the lookups use them.
// Each table is constant-initialised static storage, sorted by code (byte order).
#pragma once

#include <span>
#include <string_view>

#include "ledger/core/codes/industry.h"
#include "ledger/core/codes/region.h"

namespace suiji::codes::internal {

std::span<const Region> RegionTable();
std::string_view RegionTableSource();
std::span<const Industry> IndustryTable();

}  // namespace suiji::codes::internal
