#include "ledger/lmdb/lmdb_ledger_state.h"

#include <lmdb.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <string>

#include "ledger/core/sha256.h"
#include "ledger/crash_point.h"
#include "ledger/lmdb/lmdb_meta.h"
#include "ledger/private_files.h"

namespace suiji {

namespace {

constexpr uint32_t kSnapshotVersion = 1;
constexpr std::string_view kSnapshotKey = "snapshot";

Status StateError(int rc, const std::string& what, const std::filesystem::path& dir) {
  std::string msg = "ledger state " + dir.string() + ": " + what + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_BAD_TXN:
      return DataLoss(msg);
    case ENOSPC:
    case EDQUOT:
      return DiskFull(dir.string(), msg);
    case MDB_MAP_FULL:
      return ResourceExhausted(msg);
    default:
      return Unavailable(msg);
  }
}

bool IsCorrupt(int rc) {
  return rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_INVALID ||
         rc == MDB_VERSION_MISMATCH;
}

class ReadTxn {
 public:
  explicit ReadTxn(MDB_env* env) { rc_ = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn_); }
  ~ReadTxn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  int rc() const { return rc_; }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
  int rc_ = 0;
};

uint64_t NodeKey(uint32_t level, uint64_t index) { return (uint64_t{level} << 56) | index; }

Bytes EncodeSnapshot(const LedgerStateSnapshot& s) {
  Bytes out(4 + 8 + 8 + 8 * s.key_events.size());
  PutU32BE(kSnapshotVersion, out.data());
  PutU64BE(s.size, out.data() + 4);
  PutU64BE(s.key_events.size(), out.data() + 12);
  for (size_t i = 0; i < s.key_events.size(); ++i)
    PutU64BE(s.key_events[i], out.data() + 20 + 8 * i);
  Hash digest = Sha256(out);
  out.insert(out.end(), digest.begin(), digest.end());
  return out;
}

StatusOr<LedgerStateSnapshot> DecodeSnapshot(ByteView b, const std::filesystem::path& dir) {
  auto bad = [&](const std::string& why) {
    return DataLoss("ledger state " + dir.string() + ": the snapshot record " + why);
  };
  if (b.size() < 20 + 32) return bad("is " + std::to_string(b.size()) + " bytes, too short");
  const ByteView body = b.first(b.size() - 32);
  Hash digest = Sha256(body);
  if (!std::equal(digest.begin(), digest.end(), b.begin() + static_cast<ptrdiff_t>(body.size()))) {
    return bad("does not match its digest");
  }
  if (GetU32BE(b.data()) != kSnapshotVersion) {
    return bad("has format version " + std::to_string(GetU32BE(b.data())) + ", not " +
               std::to_string(kSnapshotVersion));
  }
  LedgerStateSnapshot s;
  s.size = GetU64BE(b.data() + 4);
  const uint64_t count = GetU64BE(b.data() + 12);
  if (count > (body.size() - 20) / 8 || body.size() != 20 + 8 * count) {
    return bad("lists " + std::to_string(count) + " key events in " + std::to_string(body.size()) +
               " bytes");
  }
  s.key_events.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) s.key_events.push_back(GetU64BE(b.data() + 20 + 8 * i));
  return s;
}

class LmdbLedgerState final : public LedgerStateStore {
 public:
  LmdbLedgerState(MDB_env* env, MDB_dbi nodes, MDB_dbi meta, std::filesystem::path dir)
      : env_(env), nodes_(nodes), meta_(meta), dir_(std::move(dir)) {}
  ~LmdbLedgerState() override { mdb_env_close(env_); }

  std::string where() const override { return dir_.string(); }

  StatusOr<Hash> Node(uint32_t level, uint64_t index) const override {
    ReadTxn txn(env_);
    if (txn.rc() != 0) return StateError(txn.rc(), "begin read transaction", dir_);
    uint8_t kb[8];
    PutU64BE(NodeKey(level, index), kb);
    MDB_val key{8, kb};
    MDB_val val{};
    int rc = mdb_get(txn.get(), nodes_, &key, &val);
    const std::string which =
        "Merkle node (level " + std::to_string(level) + ", index " + std::to_string(index) + ")";
    if (rc == MDB_NOTFOUND) return DataLoss("ledger state " + dir_.string() + ": no " + which);
    if (rc != 0) return StateError(rc, "read " + which, dir_);
    Hash h{};
    if (val.mv_size != h.size()) {
      return DataLoss("ledger state " + dir_.string() + ": " + which + " is " +
                      std::to_string(val.mv_size) + " bytes, not 32");
    }
    std::copy_n(static_cast<const uint8_t*>(val.mv_data), h.size(), h.begin());
    return h;
  }

  StatusOr<std::optional<LedgerStateSnapshot>> Load() const override {
    ReadTxn txn(env_);
    if (txn.rc() != 0) return StateError(txn.rc(), "begin read transaction", dir_);
    MDB_val key{kSnapshotKey.size(), const_cast<char*>(kSnapshotKey.data())};
    MDB_val val{};
    int rc = mdb_get(txn.get(), meta_, &key, &val);
    if (rc == MDB_NOTFOUND) return std::optional<LedgerStateSnapshot>();
    if (rc != 0) return StateError(rc, "read the snapshot", dir_);
    SUIJI_ASSIGN_OR_RETURN(
        LedgerStateSnapshot s,
        DecodeSnapshot(ByteView(static_cast<const uint8_t*>(val.mv_data), val.mv_size), dir_));
    return std::optional<LedgerStateSnapshot>(std::move(s));
  }

  Status Save(const MerkleTree& tree, uint64_t from, const LedgerStateSnapshot& snapshot) override {
    SUIJI_CHECK(snapshot.size == tree.size(),
                "a ledger state snapshot of another size than its tree");
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != 0) return StateError(rc, "begin write transaction", dir_);
    tree.ForEachNodeFrom(from, [&](uint32_t level, uint64_t index, const Hash& h) {
      if (rc != 0) return;
      uint8_t kb[8];
      PutU64BE(NodeKey(level, index), kb);
      MDB_val key{8, kb};
      MDB_val val{h.size(), const_cast<uint8_t*>(h.data())};
      rc = mdb_put(txn, nodes_, &key, &val, 0);
    });
    if (rc != 0) {
      mdb_txn_abort(txn);
      return StateError(rc, "write Merkle nodes", dir_);
    }
    Bytes record = EncodeSnapshot(snapshot);
    MDB_val key{kSnapshotKey.size(), const_cast<char*>(kSnapshotKey.data())};
    MDB_val val{record.size(), record.data()};
    rc = mdb_put(txn, meta_, &key, &val, 0);
    if (rc != 0) {
      mdb_txn_abort(txn);
      return StateError(rc, "write the snapshot", dir_);
    }
    CrashPoint("ledger_state.staged");
    rc = mdb_txn_commit(txn);  // full sync
    if (rc != 0) return StateError(rc, "commit", dir_);
    CrashPoint("ledger_state.committed");
    return OkStatus();
  }

  Status Clear() override {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != 0) return StateError(rc, "begin write transaction", dir_);
    if ((rc = mdb_drop(txn, nodes_, 0)) != 0 || (rc = mdb_drop(txn, meta_, 0)) != 0) {
      mdb_txn_abort(txn);
      return StateError(rc, "clear", dir_);
    }
    rc = mdb_txn_commit(txn);
    if (rc != 0) return StateError(rc, "commit the clearing", dir_);
    return OkStatus();
  }

 private:
  MDB_env* env_;
  MDB_dbi nodes_;
  MDB_dbi meta_;
  std::filesystem::path dir_;
};

// One attempt; *corrupt tells a corrupt environment from other failures.
StatusOr<std::shared_ptr<LedgerStateStore>> TryOpen(const std::filesystem::path& dir,
                                                    bool* corrupt) {
  *corrupt = false;
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != 0) return StateError(rc, "create environment", dir);
  auto fail = [&](int code, const std::string& what) {
    mdb_env_close(env);
    *corrupt = IsCorrupt(code);
    return StateError(code, what, dir);
  };
  if ((rc = mdb_env_set_mapsize(env, size_t{1} << 40)) != 0 ||
      (rc = mdb_env_set_maxdbs(env, 4)) != 0 || (rc = mdb_env_set_maxreaders(env, 256)) != 0) {
    return fail(rc, "configure environment");
  }
  if ((rc = mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0600)) != 0) {
    // Garbage in a meta page can read as EINVAL or ENOMEM (ledger/lmdb/lmdb_meta.h).
    const bool bad_meta = !CheckLmdbMetaPages(dir / "data.mdb").ok();
    auto out = fail(rc, "open");
    *corrupt = *corrupt || bad_meta;
    return out;
  }
  MDB_txn* txn = nullptr;
  if ((rc = mdb_txn_begin(env, nullptr, 0, &txn)) != 0) return fail(rc, "begin write transaction");
  MDB_dbi nodes = 0;
  MDB_dbi meta = 0;
  if ((rc = mdb_dbi_open(txn, "nodes", MDB_CREATE, &nodes)) != 0 ||
      (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &meta)) != 0) {
    mdb_txn_abort(txn);
    return fail(rc, "open databases");
  }
  if ((rc = mdb_txn_commit(txn)) != 0) return fail(rc, "commit databases");
  return std::shared_ptr<LedgerStateStore>(
      std::make_shared<LmdbLedgerState>(env, nodes, meta, dir));
}

}  // namespace

StatusOr<std::shared_ptr<LedgerStateStore>> OpenLmdbLedgerState(const std::filesystem::path& dir) {
  SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(dir));
  // LMDB forbids opening one environment twice in a process (closing the second handle
  // drops the first one's locks): every Ledger of a process shares one store per folder.
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<LedgerStateStore>> open;
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(dir, ec);
  const std::string key = ec ? dir.string() : canonical.string();
  std::lock_guard lock(mu);
  if (auto it = open.find(key); it != open.end()) {
    if (auto alive = it->second.lock()) return alive;
  }
  bool corrupt = false;
  auto opened = TryOpen(dir, &corrupt);
  if (!opened.ok() && corrupt) {
    // A cache LMDB cannot open is rebuilt from the log: remove it and start empty.
    std::filesystem::remove(dir / "data.mdb", ec);
    std::filesystem::remove(dir / "lock.mdb", ec);
    opened = TryOpen(dir, &corrupt);
  }
  if (opened.ok()) open[key] = *opened;
  return opened;
}

}  // namespace suiji
