// Small helpers every projection folder uses to read and write its LMDB databases inside a
// transaction: error mapping, key encodings, a read transaction, prefix scans, and `Rows`, a
// sticky-error view of one write (or read) transaction.
//
// Keys: LMDB keys are at most 511 bytes and never empty; Rows::Get of such a key is "not
// found", never a storage error (an empty or oversized id in a request asks for nothing).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

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
