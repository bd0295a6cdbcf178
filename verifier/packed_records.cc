#include "verifier/packed_records.h"

#include <algorithm>
#include <cstring>

namespace suiji {

uint32_t Dictionary::Id(std::string_view value) {
  if (value.empty()) return 0;
  auto it = ids_.find(std::string(value));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(values_.size());
  values_.emplace_back(value);
  ids_.emplace(std::string(value), id);
  return id;
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(static_cast<uint8_t>(v | 0x80)));
    v >>= 7;
  }
  out.push_back(static_cast<char>(static_cast<uint8_t>(v)));
}

uint64_t GetVarint(std::string_view s, size_t& at) {
  uint64_t v = 0;
  for (int shift = 0; at < s.size() && shift < 64; shift += 7) {
    const auto b = static_cast<uint8_t>(s[at++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
  }
  return v;
}

void PutStr(std::string& out, std::string_view v) {
  PutVarint(out, v.size());
  out.append(v);
}

std::string_view GetStr(std::string_view s, size_t& at) {
  const size_t n = static_cast<size_t>(GetVarint(s, at));
  std::string_view v = s.substr(std::min(at, s.size()), n);
  at += v.size();
  return v;
}

std::string_view PackedRecords::Record(uint32_t id) const {
  const uint64_t p = place_[id];
  const std::string& block = blocks_[static_cast<size_t>(p >> 32)];
  std::string_view rest(block.data() + (p & 0xFFFFFFFFu), block.size() - (p & 0xFFFFFFFFu));
  size_t at = 0;
  GetStr(rest, at);
  GetStr(rest, at);
  return rest.substr(0, at);
}

std::string_view PackedRecords::KeyOf(std::string_view record) {
  size_t at = 0;
  return GetStr(record, at);
}

std::string_view PackedRecords::ValueOf(std::string_view record) {
  size_t at = 0;
  GetStr(record, at);
  return GetStr(record, at);
}

size_t PackedRecords::Slot(std::string_view key) const {
  const size_t mask = slots_.size() - 1;
  size_t i = std::hash<std::string_view>()(key) & mask;
  while (slots_[i] != kEmpty && KeyOf(Record(slots_[i])) != key) i = (i + 1) & mask;
  return i;
}

std::optional<std::string_view> PackedRecords::Find(std::string_view key) const {
  if (slots_.empty()) return std::nullopt;
  const size_t s = Slot(key);
  if (slots_[s] == kEmpty) return std::nullopt;
  return ValueOf(Record(slots_[s]));
}

uint64_t PackedRecords::Append(std::string_view key, std::string_view value) {
  std::string rec;
  rec.reserve(key.size() + value.size() + 10);
  PutStr(rec, key);
  PutStr(rec, value);
  if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < rec.size()) {
    blocks_.emplace_back();
    blocks_.back().reserve(std::max(kBlock, rec.size()));
  }
  std::string& block = blocks_.back();
  const uint64_t place = (static_cast<uint64_t>(blocks_.size() - 1) << 32) | block.size();
  block.append(rec);
  live_ += rec.size();
  return place;
}

void PackedRecords::Grow() {
  const size_t n = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(n, kEmpty);
  for (uint32_t id = 0; id < place_.size(); ++id) slots_[Slot(KeyOf(Record(id)))] = id;
}

void PackedRecords::Put(std::string_view key, std::string_view value) {
  if ((place_.size() + 1) * 10 > slots_.size() * 7) Grow();
  const size_t s = Slot(key);
  if (slots_[s] == kEmpty) {
    const auto id = static_cast<uint32_t>(place_.size());
    place_.push_back(Append(key, value));
    slots_[s] = id;
    return;
  }
  const uint32_t id = slots_[s];
  const std::string_view old = Record(id);
  const std::string_view old_value = ValueOf(old);
  if (old_value == value) return;
  if (old_value.size() == value.size()) {  // same layout: overwritten in place
    const uint64_t p = place_[id];
    std::string& block = blocks_[static_cast<size_t>(p >> 32)];
    const size_t at = (p & 0xFFFFFFFFu) + (old.size() - value.size());
    std::memcpy(block.data() + at, value.data(), value.size());
    return;
  }
  garbage_ += old.size();
  live_ -= old.size();
  place_[id] = Append(key, value);
  if (garbage_ > live_ && garbage_ > kBlock) Compact();
}

void PackedRecords::Compact() {
  std::vector<std::string> old;
  old.swap(blocks_);
  const std::vector<uint64_t> old_place = place_;
  live_ = 0;
  garbage_ = 0;
  for (uint32_t id = 0; id < place_.size(); ++id) {
    const uint64_t p = old_place[id];
    const std::string& block = old[static_cast<size_t>(p >> 32)];
    std::string_view rest(block.data() + (p & 0xFFFFFFFFu), block.size() - (p & 0xFFFFFFFFu));
    size_t at = 0;
    const std::string_view key = GetStr(rest, at);
    const std::string_view value = GetStr(rest, at);
    place_[id] = Append(key, value);
  }
}

void PackedRecords::ForEachInKeyOrder(
    const std::function<bool(std::string_view key, std::string_view value)>& fn) const {
  if (sorted_ < place_.size()) {
    auto by_key = [this](uint32_t a, uint32_t b) { return KeyOf(Record(a)) < KeyOf(Record(b)); };
    const auto old_end = static_cast<std::ptrdiff_t>(order_.size());
    for (size_t id = sorted_; id < place_.size(); ++id) order_.push_back(static_cast<uint32_t>(id));
    std::sort(order_.begin() + old_end, order_.end(), by_key);
    std::inplace_merge(order_.begin(), order_.begin() + old_end, order_.end(), by_key);
    sorted_ = place_.size();
  }
  for (uint32_t id : order_) {
    const std::string_view rec = Record(id);
    if (!fn(KeyOf(rec), ValueOf(rec))) return;
  }
}

size_t PackedRecords::MemoryBytes() const {
  size_t n = 0;
  for (const auto& b : blocks_) n += b.capacity();
  return n + place_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint32_t) +
         order_.capacity() * sizeof(uint32_t);
}

}  // namespace suiji
