#include "ledger/lmdb/lmdb_storage.h"

#include "ledger/writer_lock.h"

#include <fcntl.h>
#include <lmdb.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace suiji {

namespace {

Status LmdbError(int rc, const std::string& what) {
  std::string msg = what + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_MAP_FULL: return ResourceExhausted(msg + " (the LMDB map is full)");
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID: return DataLoss(msg);
    case MDB_READERS_FULL: return Unavailable(msg);
    default: return Unavailable(msg);
  }
}

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
  LmdbStorage(EnvPtr env, MDB_dbi entries, MDB_dbi checkpoints, int lock_fd)
      : env_(std::move(env)), entries_(entries), checkpoints_(checkpoints), lock_fd_(lock_fd) {}
  ~LmdbStorage() override {
    env_.reset();
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the writer flock
  }

  bool writable() const override { return lock_fd_ >= 0; }

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
    if (rc != 0) return LmdbError(rc, "begin write transaction");
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
        return LmdbError(rc, "write entry " + std::to_string(seq));
      }
    }
    rc = mdb_txn_commit(txn);  // full sync: durable once this returns 0
    if (rc != 0) return LmdbError(rc, "commit entries");
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
      return LmdbError(rc, "write checkpoint");
    }
    rc = mdb_txn_commit(txn);
    if (rc != 0) return LmdbError(rc, "commit checkpoint");
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
};

}  // namespace

StatusOr<std::unique_ptr<LogStorage>> OpenLmdbStorage(const std::filesystem::path& dir,
                                                      StorageMode mode, LmdbOptions options) {
  const bool writer = mode == StorageMode::kWriter;
  const std::filesystem::path env_dir = dir / "log";
  std::error_code ec;
  if (writer) {
    std::filesystem::create_directories(env_dir, ec);
    if (ec) return Unavailable("cannot create " + env_dir.string() + ": " + ec.message());
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
  rc = mdb_env_open(raw, env_dir.c_str(), flags, 0644);
  if (rc != 0) return fail(LmdbError(rc, "open LMDB environment in " + env_dir.string()));

  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(raw, nullptr, writer ? 0u : MDB_RDONLY, &txn);
  if (rc != 0) return fail(LmdbError(rc, "begin transaction"));
  MDB_dbi entries = 0, checkpoints = 0;
  unsigned int dbi_flags = writer ? MDB_CREATE : 0u;
  if ((rc = mdb_dbi_open(txn, "entries", dbi_flags, &entries)) != 0 ||
      (rc = mdb_dbi_open(txn, "checkpoints", dbi_flags, &checkpoints)) != 0) {
    mdb_txn_abort(txn);
    if (rc == MDB_NOTFOUND) return fail(NotFound("no ledger in " + dir.string()));
    return fail(LmdbError(rc, "open databases"));
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return fail(LmdbError(rc, "commit database handles"));
  return std::unique_ptr<LogStorage>(
      std::make_unique<LmdbStorage>(std::move(env), entries, checkpoints, lock_fd));
}

}  // namespace suiji
