// Small helpers every projection folder uses to read and write its LMDB databases inside a
// transaction: error mapping, key encodings, a read transaction, prefix scans, and `Rows`, a
// sticky-error view of one write (or read) transaction, and the row codec (RowWriter,
// RowReader) and key helpers the folders encode their rows with.
//
// Keys: LMDB keys are at most 511 bytes and never empty; Rows::Get of such a key is "not
// found", never a storage error (an empty or oversized id in a request asks for nothing).
#pragma once

#include <lmdb.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"

namespace suiji::lmdb {

// rc as a Status: MDB_MAP_FULL kResourceExhausted; corruption kDataLoss ("delete projections/
// to rebuild it from the log"); ENOSPC/EDQUOT DiskFull naming `what_store`; else kUnavailable.
Status Check(int rc, std::string_view what_store, std::string_view what);

inline MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline MDB_val Val(ByteView b) { return MDB_val{b.size(), const_cast<uint8_t*>(b.data())}; }
inline std::string_view View(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}
inline ByteView BytesOf(const MDB_val& v) {
  return {static_cast<const uint8_t*>(v.mv_data), v.mv_size};
}

// 8 bytes big-endian (sorts as the number).
std::string U64Key(uint64_t v);
uint64_t U64Of(std::string_view eight_bytes);  // 0 unless exactly 8 bytes
// A 4-byte big-endian suffix.
void AppendU32(std::string& s, uint32_t v);
// A key of two parts: `a`, a NUL, then `b` (ids hold no NUL, so keys sort by `a` first and
// a prefix scan of `a` + NUL finds exactly a's rows).
inline std::string Join0(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + 1 + b.size());
  k.append(a);
  k.push_back('\0');
  k.append(b);
  return k;
}
// `id`, a NUL, then `n` as 4 bytes big-endian (an id's rows in the order of n).
inline std::string IdAndU32(std::string_view id, uint32_t n) {
  std::string k(id);
  k.push_back('\0');
  AppendU32(k, n);
  return k;
}

// The row codec of the folders: fixed-width big-endian integers (signed ones as their two's
// complement), strings and blobs prefixed by their length as a u32, hashes as their 32 bytes.
// A row is what RowWriter wrote; a folder's rows are read back field by field in the same
// order with RowReader.
class RowWriter {
 public:
  void U8(uint8_t v) { s_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    uint8_t b[4];
    PutU32BE(v, b);
    s_.append(reinterpret_cast<const char*>(b), 4);
  }
  void U64(uint64_t v) {
    uint8_t b[8];
    PutU64BE(v, b);
    s_.append(reinterpret_cast<const char*>(b), 8);
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  // Length (u32) then the bytes.
  void Str(std::string_view v) {
    U32(static_cast<uint32_t>(v.size()));
    s_.append(v);
  }
  void Blob(ByteView v) { Str(AsChars(v)); }
  // The bytes alone, no length: the last field of a row (RowReader::Rest reads it back).
  void Raw(std::string_view v) { s_.append(v); }
  void Raw(ByteView v) { s_.append(AsChars(v)); }
  void H(const Hash& h) { s_.append(reinterpret_cast<const char*>(h.data()), h.size()); }
  // Count (u32) then each string as Str.
  void Strs(const std::vector<std::string>& v) {
    U32(static_cast<uint32_t>(v.size()));
    for (const auto& x : v) Str(x);
  }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

// Reads a row field by field. A read past the end fails the reader (ok() false from then on)
// and returns zero / empty; ok() also asks that the whole row was read.
class RowReader {
 public:
  explicit RowReader(ByteView b) : b_(b) {}
  // No read failed and every byte was read.
  bool ok() const { return ok_ && i_ == b_.size(); }
  // No read failed (bytes may be left).
  bool good() const { return ok_; }
  uint8_t U8() { return Need(1) ? b_[i_++] : 0; }
  uint32_t U32() {
    if (!Need(4)) return 0;
    uint32_t v = GetU32BE(b_.data() + i_);
    i_ += 4;
    return v;
  }
  uint64_t U64() {
    if (!Need(8)) return 0;
    uint64_t v = GetU64BE(b_.data() + i_);
    i_ += 8;
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  std::string Str() {
    const uint32_t n = U32();
    if (!Need(n)) return {};
    std::string s(reinterpret_cast<const char*>(b_.data() + i_), n);
    i_ += n;
    return s;
  }
  ByteView Blob() {
    const uint32_t n = U32();
    if (!Need(n)) return {};
    ByteView v = b_.subspan(i_, n);
    i_ += n;
    return v;
  }
  Hash H() {
    Hash h{};
    if (!Need(32)) return h;
    std::copy_n(b_.data() + i_, 32, h.begin());
    i_ += 32;
    return h;
  }
  std::vector<std::string> Strs() {
    std::vector<std::string> v(Count());
    for (auto& x : v) x = Str();
    return v;
  }
  // The bytes not read yet (RowWriter::Raw), all of them; empty once a read failed.
  ByteView Rest() {
    if (!ok_) return {};
    ByteView v = b_.subspan(i_);
    i_ = b_.size();
    return v;
  }
  // A count of items of at least 4 bytes each (never more than the bytes left could hold).
  uint32_t Count() {
    const uint32_t n = U32();
    if (n > (b_.size() - std::min(i_, b_.size())) / 4) {
      ok_ = false;
      return 0;
    }
    return n;
  }
  // Marks the row unreadable (a field's value is out of range).
  void Fail() { ok_ = false; }

 private:
  bool Need(size_t n) {
    if (!ok_ || b_.size() - i_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  ByteView b_;
  size_t i_ = 0;
  bool ok_ = true;
};

class ReadTxn {
 public:
  explicit ReadTxn(MDB_env* env) { rc_ = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn_); }
  ~ReadTxn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  Status status(std::string_view what_store) const {
    return Check(rc_, what_store, "begin read transaction");
  }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
  int rc_ = 0;
};

// Calls fn(key, value) for every entry (every duplicate, in dupsort databases) whose key
// starts with `prefix` ("" for all), in key order, until fn returns false. With `exact`, only
// the entries of the key equal to `prefix`.
Status Scan(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, bool exact,
            const std::function<bool(std::string_view, ByteView)>& fn);

// The same from `start` (inclusive; a cursor) while keys start with `prefix`.
Status ScanFrom(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, std::string_view start,
                const std::function<bool(std::string_view, ByteView)>& fn);

// Reads and writes of one transaction with a sticky error: the first failure is kept in
// status() and later calls do nothing useful; the caller aborts the transaction when
// status() is not ok.
class Rows {
 public:
  Rows(MDB_txn* txn, std::string_view what_store) : txn_(txn), what_(what_store) {}
  MDB_txn* txn() const { return txn_; }
  const Status& status() const { return status_; }
  void Fail(const Status& s) {
    if (status_.ok()) status_ = s;
  }
  bool Ok(int rc, std::string_view what) {
    if (rc == 0) return true;
    Fail(Check(rc, what_, what));
    return false;
  }

  std::optional<ByteView> Get(MDB_dbi dbi, std::string_view key);
  void Put(MDB_dbi dbi, std::string_view key, ByteView value);
  void Put(MDB_dbi dbi, std::string_view key, std::string_view value) { Put(dbi, key, AsBytes(value)); }
  // Dupsort databases: adds (key, value) unless present; deletes exactly (key, value).
  void PutDup(MDB_dbi dbi, std::string_view key, std::string_view value);
  void DelDup(MDB_dbi dbi, std::string_view key, std::string_view value);
  bool HasDup(MDB_dbi dbi, std::string_view key, std::string_view value);
  // Deletes a key (all its duplicates).
  void Del(MDB_dbi dbi, std::string_view key);
  // Number of entries in a database.
  uint64_t Count(MDB_dbi dbi);

 private:
  MDB_txn* txn_;
  std::string what_;
  Status status_;
};

}  // namespace suiji::lmdb
