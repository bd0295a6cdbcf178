// Compact containers for the verifier's per-employer state (#16 item 5): at 10M entries of a
// province's log there are millions of employers, and a node-based map costs more per
// employer (node, key string, value string, three allocations) than the few bytes a rule
// reads. Pure: no I/O.
//
//   - Dictionary interns the short strings many records share (region codes, org unit ids,
//     industry classes, grades, dates) as small numbers; 0 stands for "".
//   - PackedRecords keeps byte strings under string keys, one after the other in large
//     blocks, with an open-addressing index (4 bytes a slot) and each record's place (8
//     bytes): about 20 bytes of overhead a record against about 100 for a std::map node with
//     its strings. Records in key order are available (sorted once, then merged as keys are
//     added); a record replaced by one of another size leaves its old bytes behind, and the
//     blocks are compacted once those are more than half of them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace suiji {

class Dictionary {
 public:
  Dictionary() { values_.emplace_back(); }
  // The number standing for `value` (a new one the first time it is seen).
  uint32_t Id(std::string_view value);
  // The value `id` stands for; "" for an unknown id.
  const std::string& Value(uint32_t id) const { return id < values_.size() ? values_[id] : values_[0]; }
  size_t size() const { return values_.size(); }

 private:
  std::vector<std::string> values_;
  std::unordered_map<std::string, uint32_t> ids_;
};

// Varint and length-prefixed string coding for packed records.
void PutVarint(std::string& out, uint64_t v);
uint64_t GetVarint(std::string_view s, size_t& at);
void PutStr(std::string& out, std::string_view v);
std::string_view GetStr(std::string_view s, size_t& at);

class PackedRecords {
 public:
  // The record under `key`, if any: valid until the next Put.
  std::optional<std::string_view> Find(std::string_view key) const;
  // Stores `value` under `key`, replacing what was there.
  void Put(std::string_view key, std::string_view value);
  size_t size() const { return place_.size(); }
  // Every record in key order (bytewise); `fn` returns false to stop.
  void ForEachInKeyOrder(const std::function<bool(std::string_view key, std::string_view value)>& fn) const;
  // Bytes held by the blocks, the index, the places and the order (for tests and figures).
  size_t MemoryBytes() const;
  // Bytes of replaced records still in the blocks.
  size_t garbage() const { return garbage_; }

 private:
  static constexpr size_t kBlock = size_t{1} << 20;
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  // A record: varint key size, key, varint value size, value.
  std::string_view Record(uint32_t id) const;
  static std::string_view KeyOf(std::string_view record);
  static std::string_view ValueOf(std::string_view record);
  size_t Slot(std::string_view key) const;  // the slot holding `key`, or the empty one to use
  uint64_t Append(std::string_view key, std::string_view value);
  void Grow();
  void Compact();

  std::vector<std::string> blocks_;  // each reserved kBlock (or one record's size, if larger)
  std::vector<uint64_t> place_;      // per record id: block << 32 | offset
  std::vector<uint32_t> slots_;      // open addressing over ids, kEmpty where free
  mutable std::vector<uint32_t> order_;  // ids in key order: the first `sorted_` of them
  mutable size_t sorted_ = 0;
  size_t garbage_ = 0;
  size_t live_ = 0;
};

}  // namespace suiji
