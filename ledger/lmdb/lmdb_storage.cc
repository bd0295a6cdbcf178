#include "ledger/lmdb/lmdb_storage.h"

#include "ledger/lmdb/lmdb_meta.h"
#include "ledger/private_files.h"
#include "ledger/writer_lock.h"

#include <fcntl.h>
#include <lmdb.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace suiji {

namespace {

// `where` is the environment's folder, named when its disk is full.
Status LmdbError(int rc, const std::string& what, const std::filesystem::path& where = {},
                 const std::string& outcome = {}) {
  std::string msg = what + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_MAP_FULL: return ResourceExhausted(msg + " (the LMDB map is full)");
    // Corruption at rest, never retryable: a bad page, a bad meta page (MDB_INVALID: no
    // valid meta page; MDB_VERSION_MISMATCH: garbage where the version is), a bad tree.
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_BAD_TXN:
      return DataLoss(msg + (where.empty() ? "" : " (in " + where.string() + ")"));
    case ENOSPC:
    case EDQUOT: return DiskFull(where.empty() ? "the log's disk" : where.string(), msg + outcome);
    case EIO:
      // LMDB reports a short write as EIO: on a disk with no room left, that is a full disk.
      if (!where.empty() && DiskNearlyFull(where)) {
        return DiskFull(where.string(), msg + " (a short write: the disk is full)" + outcome);
      }
      return Unavailable(msg);
    case MDB_READERS_FULL: return Unavailable(msg);
    default: return Unavailable(msg);
  }
}

// What a failed append leaves: nothing (one LMDB transaction is all or nothing).
std::string NotWritten(uint64_t first, uint64_t count) {
  return "; entries " + std::to_string(first) + "-" + std::to_string(first + count - 1) +
         " were not written (the log still ends at " + std::to_string(first) + " entries)";
}

// Free space the log's disk keeps besides a batch: LMDB's own pages (tree, free list, a
// batch's copy-on-write pages) and the node's read models beside the log.
constexpr uint64_t kSpaceReserve = uint64_t{4} << 20;

// Closes the environment on every path out, including failed opens.
struct EnvDeleter {
  void operator()(MDB_env* e) const { mdb_env_close(e); }
};
using EnvPtr = std::unique_ptr<MDB_env, EnvDeleter>;

// A read-only transaction aborted on scope exit.
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

MDB_val KeyOf(uint64_t v, uint8_t buf[8]) {
  PutU64BE(v, buf);
  return MDB_val{8, buf};
}

class LmdbStorage final : public LogStorage {
 public:
  LmdbStorage(EnvPtr env, MDB_dbi entries, MDB_dbi checkpoints, int lock_fd,
              std::filesystem::path dir)
      : env_(std::move(env)),
        entries_(entries),
        checkpoints_(checkpoints),
        lock_fd_(lock_fd),
        dir_(std::move(dir)) {}
  ~LmdbStorage() override {
    env_.reset();
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the writer flock
  }

  bool writable() const override { return lock_fd_ >= 0; }

  Status CheckSpace(uint64_t bytes) const override {
    struct statvfs fs {};
    if (::statvfs(dir_.c_str(), &fs) != 0) return OkStatus();  // unknown: let the write tell
    const uint64_t free = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    const uint64_t need = 2 * bytes + kSpaceReserve;
    if (free >= need) return OkStatus();
    return DiskFull(dir_.string(),
                    std::to_string(free) + " bytes free, fewer than the " + std::to_string(need) +
                        " a write needs (" +
                        (bytes > 0 ? "twice its " + std::to_string(bytes) + " bytes and " : "") +
                        "a reserve of " + std::to_string(kSpaceReserve) +
                        " for the log's and the read models' own pages); nothing was written");
  }

  StatusOr<uint64_t> Size() const override {
    ReadTxn txn(env_.get());
    if (txn.rc() != 0) return LmdbError(txn.rc(), "begin read transaction");
    MDB_stat st{};
    int rc = mdb_stat(txn.get(), entries_, &st);
    if (rc != 0) return LmdbError(rc, "stat entries");
    return static_cast<uint64_t>(st.ms_entries);
  }

  Status Append(uint64_t expected_next, std::span<const ByteView> batch) override {
    return AppendFrom(expected_next, batch.size(),
                      [&](uint64_t i) -> StatusOr<ByteView> { return batch[i]; });
  }

  // One write transaction for the whole batch: LMDB copies each entry into its pages as it
  // comes, so the caller never holds the batch; the commit (full sync) makes it durable.
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override {
    if (!writable()) return FailedPrecondition("storage opened read-only");
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_.get(), nullptr, 0, &txn);
    if (rc != 0) return LmdbError(rc, "begin write transaction", dir_, NotWritten(expected_next, count));
    MDB_stat st{};
    rc = mdb_stat(txn, entries_, &st);
    if (rc != 0) {
      mdb_txn_abort(txn);
      return LmdbError(rc, "stat entries");
    }
    if (st.ms_entries != expected_next) {
      mdb_txn_abort(txn);
      return Aborted("stale expected sequence " + std::to_string(expected_next) +
                     ": the log's next sequence is " + std::to_string(st.ms_entries));
    }
    for (uint64_t i = 0; i < count; ++i) {
      auto b = next(i);
      if (!b.ok()) {
        mdb_txn_abort(txn);
        return b.status();
      }
      const uint64_t seq = expected_next + i;
      uint8_t kb[8];
      MDB_val key = KeyOf(seq, kb);
      MDB_val val{b->size(), const_cast<uint8_t*>(b->data())};
      rc = mdb_put(txn, entries_, &key, &val, MDB_APPEND);
      if (rc != 0) {
        mdb_txn_abort(txn);
        return LmdbError(rc, "write entry " + std::to_string(seq), dir_,
                         NotWritten(expected_next, count));
      }
    }
    rc = mdb_txn_commit(txn);  // full sync: durable once this returns 0
    if (rc != 0) return LmdbError(rc, "commit entries", dir_, NotWritten(expected_next, count));
    return OkStatus();
  }

  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override {
    ReadTxn txn(env_.get());
    if (txn.rc() != 0) return LmdbError(txn.rc(), "begin read transaction");
    MDB_stat st{};
    int src = mdb_stat(txn.get(), entries_, &st);
    if (src != 0) return LmdbError(src, "stat entries");
    if (to > st.ms_entries) {
      return InvalidArgument("read up to " + std::to_string(to) + " but the log has " +
                             std::to_string(st.ms_entries) + " entries");
    }
    if (from >= to) return OkStatus();
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn.get(), entries_, &cur);
    if (rc != 0) return LmdbError(rc, "open cursor");
    uint8_t kb[8];
    MDB_val key = KeyOf(from, kb);
    MDB_val val{};
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    Status out;
    for (uint64_t seq = from; seq < to; ++seq) {
      if (rc == MDB_NOTFOUND) {
        out = InvalidArgument("the log has no entry " + std::to_string(seq));
        break;
      }
      if (rc != 0) {
        out = LmdbError(rc, "read entry " + std::to_string(seq));
        break;
      }
      if (key.mv_size != 8 || GetU64BE(static_cast<const uint8_t*>(key.mv_data)) != seq) {
        out = DataLoss("gap in the log at sequence " + std::to_string(seq));
        break;
      }
      if (!fn(seq, ByteView(static_cast<const uint8_t*>(val.mv_data), val.mv_size))) break;
      rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    return out;
  }

  Status PutCheckpoint(uint64_t size, std::string_view note) override {
    if (!writable()) return FailedPrecondition("storage opened read-only");
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_.get(), nullptr, 0, &txn);
    if (rc != 0) return LmdbError(rc, "begin write transaction");
    uint8_t kb[8];
    MDB_val key = KeyOf(size, kb);
    MDB_val val{note.size(), const_cast<char*>(note.data())};
    rc = mdb_put(txn, checkpoints_, &key, &val, 0);
    if (rc != 0) {
      mdb_txn_abort(txn);
      return LmdbError(rc, "write checkpoint", dir_, "; the checkpoint was not stored");
    }
    rc = mdb_txn_commit(txn);
    if (rc != 0) return LmdbError(rc, "commit checkpoint", dir_, "; the checkpoint was not stored");
    return OkStatus();
  }

  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    ReadTxn txn(env_.get());
    if (txn.rc() != 0) return LmdbError(txn.rc(), "begin read transaction");
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn.get(), checkpoints_, &cur);
    if (rc != 0) return LmdbError(rc, "open cursor");
    MDB_val key{}, val{};
    Status out;
    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
      if (key.mv_size != 8) {
        out = DataLoss("malformed checkpoint key");
        break;
      }
      if (!fn(GetU64BE(static_cast<const uint8_t*>(key.mv_data)),
              std::string_view(static_cast<const char*>(val.mv_data), val.mv_size))) {
        break;
      }
    }
    if (out.ok() && rc != 0 && rc != MDB_NOTFOUND) out = LmdbError(rc, "read checkpoints");
    mdb_cursor_close(cur);
    return out;
  }

 private:
  EnvPtr env_;
  MDB_dbi entries_;
  MDB_dbi checkpoints_;
  int lock_fd_;  // >= 0 when this handle holds the writer lock
  std::filesystem::path dir_;  // DIR/log
};

}  // namespace

StatusOr<std::unique_ptr<LogStorage>> OpenLmdbStorage(const std::filesystem::path& dir,
                                                      StorageMode mode, LmdbOptions options) {
  const bool writer = mode == StorageMode::kWriter;
  const std::filesystem::path env_dir = dir / "log";
  std::error_code ec;
  if (writer) {
    SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(env_dir));
  } else if (!std::filesystem::exists(env_dir / "data.mdb", ec)) {
    return NotFound("no ledger in " + dir.string() + " (no log/data.mdb)");
  }
  int lock_fd = -1;
  if (writer) {
    SUIJI_ASSIGN_OR_RETURN(lock_fd, TakeWriterLock(dir));
  }
  auto fail = [&](Status s) -> Status {
    if (lock_fd >= 0) ::close(lock_fd);
    return s;
  };

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != 0) return fail(LmdbError(rc, "create LMDB environment"));
  EnvPtr env(raw);
  if ((rc = mdb_env_set_mapsize(raw, options.map_size)) != 0 ||
      (rc = mdb_env_set_maxdbs(raw, 8)) != 0 || (rc = mdb_env_set_maxreaders(raw, 256)) != 0) {
    return fail(LmdbError(rc, "configure LMDB environment"));
  }
  unsigned int flags = MDB_NOTLS | (writer ? 0u : MDB_RDONLY);
  rc = mdb_env_open(raw, env_dir.c_str(), flags, 0600);  // data.mdb, lock.mdb: the node's alone
  if (rc != 0) {
    // A corrupt meta page can fail the open with a plain errno (EINVAL, ENOMEM): corruption,
    // not a transient error.
    if (Status meta = CheckLmdbMetaPages(env_dir / "data.mdb"); !meta.ok()) return fail(meta);
    return fail(LmdbError(rc, "open LMDB environment in " + env_dir.string(), env_dir));
  }
  {
    MDB_envinfo info{};
    MDB_stat st{};
    if (mdb_env_info(raw, &info) == 0 && mdb_env_stat(raw, &st) == 0) {
      Status last = CheckLmdbLastPage(env_dir / "data.mdb", info.me_last_pgno, st.ms_psize);
      if (!last.ok()) return fail(last);
    }
  }

  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(raw, nullptr, writer ? 0u : MDB_RDONLY, &txn);
  if (rc != 0) return fail(LmdbError(rc, "begin transaction", env_dir));
  MDB_dbi entries = 0, checkpoints = 0;
  unsigned int dbi_flags = writer ? MDB_CREATE : 0u;
  if ((rc = mdb_dbi_open(txn, "entries", dbi_flags, &entries)) != 0 ||
      (rc = mdb_dbi_open(txn, "checkpoints", dbi_flags, &checkpoints)) != 0) {
    mdb_txn_abort(txn);
    if (rc == MDB_NOTFOUND) return fail(NotFound("no ledger in " + dir.string()));
    return fail(LmdbError(rc, "open databases", env_dir));
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return fail(LmdbError(rc, "commit database handles", env_dir));
  return std::unique_ptr<LogStorage>(
      std::make_unique<LmdbStorage>(std::move(env), entries, checkpoints, lock_fd, env_dir));
}

}  // namespace suiji
