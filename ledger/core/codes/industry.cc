#include "ledger/core/codes/industry.h"

#include <algorithm>

#include "ledger/core/codes/internal/tables.h"

namespace suiji::codes {

namespace {

const Industry* FindExact(std::string_view code) {
  const std::span<const Industry> table = internal::IndustryTable();
  const auto it =
      std::lower_bound(table.begin(), table.end(), code,
                       [](const Industry& entry, std::string_view c) { return entry.code < c; });
  return it != table.end() && it->code == code ? &*it : nullptr;
}

bool IsSectionLetter(char c) { return c >= 'A' && c <= 'T'; }

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const Industry* FindIndustry(std::string_view code) {
  if (code.size() == 1) {
    return IsSectionLetter(code[0]) ? FindExact(code) : nullptr;
  }
  std::string_view digits = code;
  char claimed_section = '\0';
  if (!code.empty() && IsSectionLetter(code[0])) {
    claimed_section = code[0];
    digits = code.substr(1);
  }
  if (digits.size() < 2 || digits.size() > 4 || !AllDigits(digits)) return nullptr;
  const Industry* entry = FindExact(digits);
  if (entry == nullptr) return nullptr;
  // "E1311" must not pass as 1311: a wrong letter means the record is inconsistent.
  if (claimed_section != '\0' && claimed_section != entry->section) return nullptr;
  return entry;
}

char IndustrySection(std::string_view code) {
  const Industry* entry = FindIndustry(code);
  return entry != nullptr ? entry->section : '\0';
}

std::string_view ParentIndustry(std::string_view code) {
  const Industry* entry = FindIndustry(code);
  if (entry == nullptr || entry->level == kSectionLevel) return {};
  const Industry* parent = entry->level == kDivisionLevel
                               ? FindExact(std::string_view(&entry->section, 1))
                               : FindExact(entry->code.substr(0, entry->code.size() - 1));
  return parent != nullptr ? parent->code : std::string_view{};
}

bool IndustryWithin(std::string_view code, std::string_view ancestor) {
  const Industry* target = FindIndustry(ancestor);
  if (target == nullptr) return false;
  for (const Industry* at = FindIndustry(code); at != nullptr;
       at = FindIndustry(ParentIndustry(at->code))) {
    if (at == target) return true;
  }
  return false;
}

std::span<const Industry> AllIndustries() { return internal::IndustryTable(); }

}  // namespace suiji::codes
