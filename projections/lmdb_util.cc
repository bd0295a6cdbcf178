#include "projections/lmdb_util.h"

#include <cerrno>

namespace suiji::lmdb {

Status Check(int rc, std::string_view what_store, std::string_view what) {
  if (rc == 0) return OkStatus();
  std::string msg = std::string(what_store) + ": " + std::string(what) + ": " + mdb_strerror(rc);
  if (rc == MDB_MAP_FULL) return ResourceExhausted(msg);
  // Corruption at rest (a bad page, no valid meta page, garbage for a version): never
  // retryable. Deleting projections/ rebuilds it from the log.
  if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_INVALID ||
      rc == MDB_VERSION_MISMATCH || rc == MDB_BAD_TXN) {
    return DataLoss(msg + " (delete projections/ to rebuild it from the log)");
  }
  if (rc == ENOSPC || rc == EDQUOT) return DiskFull(std::string(what_store), msg);
  return Unavailable(msg);
}

std::string U64Key(uint64_t v) {
  std::string s(8, '\0');
  PutU64BE(v, reinterpret_cast<uint8_t*>(s.data()));
  return s;
}

uint64_t U64Of(std::string_view s) {
  return s.size() == 8 ? GetU64BE(reinterpret_cast<const uint8_t*>(s.data())) : 0;
}

void AppendU32(std::string& s, uint32_t v) {
  uint8_t b[4];
  PutU32BE(v, b);
  s.append(reinterpret_cast<const char*>(b), 4);
}

Status Scan(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, bool exact,
            const std::function<bool(std::string_view, ByteView)>& fn) {
  MDB_cursor* c = nullptr;
  SUIJI_RETURN_IF_ERROR(Check(mdb_cursor_open(txn, dbi, &c), "projection", "cursor"));
  MDB_val k = Val(prefix), v{};
  // LMDB refuses an empty key for a positioned get: an empty prefix starts at the first entry.
  const MDB_cursor_op first = exact ? MDB_SET_KEY : prefix.empty() ? MDB_FIRST : MDB_SET_RANGE;
  int rc = mdb_cursor_get(c, &k, &v, first);
  while (rc == 0) {
    std::string_view kv = View(k);
    if (exact ? kv != prefix : kv.substr(0, prefix.size()) != prefix) break;
    if (!fn(kv, BytesOf(v))) break;
    rc = mdb_cursor_get(c, &k, &v, exact ? MDB_NEXT_DUP : MDB_NEXT);
  }
  mdb_cursor_close(c);
  if (rc != 0 && rc != MDB_NOTFOUND) return Check(rc, "projection", "scan");
  return OkStatus();
}

Status ScanFrom(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, std::string_view start,
                const std::function<bool(std::string_view, ByteView)>& fn) {
  if (start.empty() || start < prefix) return Scan(txn, dbi, prefix, false, fn);
  MDB_cursor* c = nullptr;
  SUIJI_RETURN_IF_ERROR(Check(mdb_cursor_open(txn, dbi, &c), "projection", "cursor"));
  MDB_val k = Val(start), v{};
  int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
  while (rc == 0) {
    std::string_view kv = View(k);
    if (kv.substr(0, prefix.size()) != prefix) break;
    if (!fn(kv, BytesOf(v))) break;
    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(c);
  if (rc != 0 && rc != MDB_NOTFOUND) return Check(rc, "projection", "scan");
  return OkStatus();
}

std::optional<ByteView> Rows::Get(MDB_dbi dbi, std::string_view key) {
  if (key.empty() || key.size() > 511) return std::nullopt;
  MDB_val k = Val(key), v{};
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (!Ok(rc, "get")) return std::nullopt;
  return BytesOf(v);
}

void Rows::Put(MDB_dbi dbi, std::string_view key, ByteView value) {
  if (key.empty() || key.size() > 511) {
    Fail(InvalidArgument(what_ + ": key of " + std::to_string(key.size()) +
                         " bytes (1 to 511 allowed)"));
    return;
  }
  MDB_val k = Val(key), v = Val(value);
  Ok(mdb_put(txn_, dbi, &k, &v, 0), "put");
}

void Rows::PutDup(MDB_dbi dbi, std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > 511) {
    Fail(InvalidArgument(what_ + ": index key of " + std::to_string(key.size()) +
                         " bytes (1 to 511 allowed)"));
    return;
  }
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_put(txn_, dbi, &k, &v, MDB_NODUPDATA);
  if (rc != MDB_KEYEXIST) Ok(rc, "put index");
}

void Rows::DelDup(MDB_dbi dbi, std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > 511) return;
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_del(txn_, dbi, &k, &v);
  if (rc != MDB_NOTFOUND) Ok(rc, "delete index");
}

bool Rows::HasDup(MDB_dbi dbi, std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > 511) return false;
  MDB_cursor* c = nullptr;
  if (!Ok(mdb_cursor_open(txn_, dbi, &c), "cursor")) return false;
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH);
  mdb_cursor_close(c);
  return rc == 0;
}

void Rows::Del(MDB_dbi dbi, std::string_view key) {
  if (key.empty() || key.size() > 511) return;
  MDB_val k = Val(key);
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc != MDB_NOTFOUND) Ok(rc, "delete");
}

uint64_t Rows::Count(MDB_dbi dbi) {
  MDB_stat st{};
  if (!Ok(mdb_stat(txn_, dbi, &st), "stat")) return 0;
  return st.ms_entries;
}

}  // namespace suiji::lmdb
