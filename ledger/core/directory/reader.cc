#include "ledger/core/directory/reader.h"

#include <algorithm>

namespace suiji::directory {

std::optional<OrgUnitRecord> MemoryDirectoryReader::Org(std::string_view org_id) const {
  auto it = dir_->orgs.find(org_id);
  if (it == dir_->orgs.end()) return std::nullopt;
  return it->second;
}

std::optional<TargetRecord> MemoryDirectoryReader::Target(std::string_view code) const {
  auto it = dir_->targets.find(code);
  if (it == dir_->targets.end()) return std::nullopt;
  return it->second;
}

std::optional<ItemListRecord> MemoryDirectoryReader::ItemList(std::string_view org_id,
                                                              uint32_t version) const {
  auto it = dir_->item_lists.find({std::string(org_id), version});
  if (it == dir_->item_lists.end()) return std::nullopt;
  return it->second;
}

uint32_t MemoryDirectoryReader::ItemListInForce(std::string_view org_id,
                                                std::string_view date) const {
  uint32_t in_force = 0;
  for (const auto& [key, l] : dir_->item_lists) {
    if (key.first == org_id && l.effective_date <= date) in_force = std::max(in_force, key.second);
  }
  return in_force;
}

uint64_t MemoryDirectoryReader::ForEachTargetIn(
    const std::vector<std::string>& /*regions*/,
    const std::function<bool(const TargetRecord&)>& fn) const {
  uint64_t n = 0;
  for (const auto& [code, t] : dir_->targets) {
    ++n;
    if (!fn(t)) break;
  }
  return n;
}

std::optional<InspectorRecord> MemoryDirectoryReader::Inspector(std::string_view inspector_id) const {
  auto it = dir_->inspectors.find(inspector_id);
  if (it == dir_->inspectors.end()) return std::nullopt;
  return it->second;
}

void MemoryDirectoryReader::ForEachInspector(
    const std::function<bool(const InspectorRecord&)>& fn) const {
  for (const auto& [id, i] : dir_->inspectors) {
    if (!fn(i)) return;
  }
}

std::vector<std::string> MemoryDirectoryReader::ConflictsOf(std::string_view inspector_id) const {
  std::vector<std::string> out;
  for (auto it = dir_->conflicts.lower_bound({std::string(inspector_id), std::string()});
       it != dir_->conflicts.end() && it->first == inspector_id; ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace suiji::directory
