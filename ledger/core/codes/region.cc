#include "ledger/core/codes/region.h"

#include <algorithm>
#include <string>

#include "ledger/core/codes/internal/tables.h"

namespace suiji::codes {

namespace {

bool IsSixDigits(std::string_view code) {
  return code.size() == 6 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const Region* FindRegion(std::string_view code) {
  if (!IsSixDigits(code)) return nullptr;
  const std::span<const Region> table = internal::RegionTable();
  const auto it = std::lower_bound(table.begin(), table.end(), code,
                                   [](const Region& r, std::string_view c) { return r.code < c; });
  return it != table.end() && it->code == code ? &*it : nullptr;
}

std::string_view ParentRegion(std::string_view code) {
  const Region* region = FindRegion(code);
  if (region == nullptr || region->level == kProvinceLevel) return {};
  // The parent's code is built here but returned from the table, so it never dangles.
  if (region->level == kCountyLevel) {
    const Region* city = FindRegion(std::string(code.substr(0, 4)) + "00");
    if (city != nullptr) return city->code;
  }
  const Region* province = FindRegion(std::string(code.substr(0, 2)) + "0000");
  return province != nullptr ? province->code : std::string_view{};
}

bool RegionWithin(std::string_view code, std::string_view ancestor) {
  if (FindRegion(code) == nullptr || FindRegion(ancestor) == nullptr) return false;
  for (std::string_view at = code; !at.empty(); at = ParentRegion(at)) {
    if (at == ancestor) return true;
  }
  return false;
}

std::vector<const Region*> ChildRegions(std::string_view code) {
  std::vector<const Region*> children;
  if (!code.empty() && FindRegion(code) == nullptr) return children;
  for (const Region& region : internal::RegionTable()) {
    // Children share the parent's province prefix; skip the parent lookup for the rest.
    if (!code.empty() && region.code.substr(0, 2) != code.substr(0, 2)) continue;
    if (ParentRegion(region.code) == code) children.push_back(&region);
  }
  return children;
}

std::span<const Region> AllRegions() { return internal::RegionTable(); }

std::string_view RegionDataSource() { return internal::RegionTableSource(); }

}  // namespace suiji::codes
