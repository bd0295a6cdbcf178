// What a draw reads of the directory: the read side of a directory state, for eligibility
// (ledger/core/draw/eligibility.h) and the task checks of the draw fold. Implemented over the
// in-memory fold (MemoryDirectoryReader, for the verifier and tests) and over the LMDB
// directory projection inside a transaction (projections/directory_projection.h), so one
// copy of the draw rules serves both.
//
// Reads of an LMDB-backed reader that fail keep their error in the implementation (a sticky
// status the caller checks after the decision); they read as "not found" or "no more".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/directory/fold.h"

namespace suiji::directory {

class DirectoryReader {
 public:
  virtual ~DirectoryReader() = default;
  virtual std::optional<OrgUnitRecord> Org(std::string_view org_id) const = 0;
  virtual std::optional<TargetRecord> Target(std::string_view code) const = 0;
  // The item list `org_id` published as `version`.
  virtual std::optional<ItemListRecord> ItemList(std::string_view org_id, uint32_t version) const = 0;
  // The highest version of `org_id`'s item list effective on or before `date`; 0: none.
  virtual uint32_t ItemListInForce(std::string_view org_id, std::string_view date) const = 0;
  // Number of targets of any status.
  virtual uint64_t TargetCount() const = 0;
  // Calls fn, in credit-code (byte) order, for every target whose region may lie within one
  // of `regions` (every such target; it may also pass others: the caller filters), until fn
  // returns false. Returns the number of targets passed.
  virtual uint64_t ForEachTargetIn(const std::vector<std::string>& regions,
                                   const std::function<bool(const TargetRecord&)>& fn) const = 0;
  // The inspector `inspector_id` (any status), if the directory holds it.
  virtual std::optional<InspectorRecord> Inspector(std::string_view inspector_id) const = 0;
  // Every inspector (any status) in id order until fn returns false.
  virtual void ForEachInspector(const std::function<bool(const InspectorRecord&)>& fn) const = 0;
  // The credit codes `inspector_id` declared a conflict with, in byte order.
  virtual std::vector<std::string> ConflictsOf(std::string_view inspector_id) const = 0;
  // The first read error (an LMDB-backed reader); reads after one return nothing.
  virtual Status status() const { return OkStatus(); }
};

// A DirectoryReader over a MemoryDirectory, which must outlive it.
class MemoryDirectoryReader final : public DirectoryReader {
 public:
  explicit MemoryDirectoryReader(const MemoryDirectory& dir) : dir_(&dir) {}
  std::optional<OrgUnitRecord> Org(std::string_view org_id) const override;
  std::optional<TargetRecord> Target(std::string_view code) const override;
  std::optional<ItemListRecord> ItemList(std::string_view org_id, uint32_t version) const override;
  uint32_t ItemListInForce(std::string_view org_id, std::string_view date) const override;
  uint64_t TargetCount() const override { return dir_->targets.size(); }
  uint64_t ForEachTargetIn(const std::vector<std::string>& regions,
                           const std::function<bool(const TargetRecord&)>& fn) const override;
  std::optional<InspectorRecord> Inspector(std::string_view inspector_id) const override;
  void ForEachInspector(const std::function<bool(const InspectorRecord&)>& fn) const override;
  std::vector<std::string> ConflictsOf(std::string_view inspector_id) const override;

 private:
  const MemoryDirectory* dir_;
};

}  // namespace suiji::directory
