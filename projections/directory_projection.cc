#include "projections/directory_projection.h"

#include <lmdb.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "ledger/core/directory/fold.h"
#include "ledger/core/sha256.h"
#include "ledger/lmdb/lmdb_meta.h"
#include "ledger/private_files.h"

namespace suiji {

namespace {

using directory::InspectorRecord;
using directory::ItemListRecord;
using directory::OrgUnitRecord;
using directory::TargetRecord;

constexpr std::string_view kWhat = "directory projection";

Status Lmdb(int rc, const std::string& what) {
  if (rc == 0) return OkStatus();
  std::string msg = std::string(kWhat) + ": " + what + ": " + mdb_strerror(rc);
  if (rc == MDB_MAP_FULL) return ResourceExhausted(msg);
  // Corruption at rest (a bad page, no valid meta page, garbage for a version): never
  // retryable. Deleting projections/ rebuilds it from the log.
  if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_INVALID ||
      rc == MDB_VERSION_MISMATCH || rc == MDB_BAD_TXN) {
    return DataLoss(msg + " (delete projections/ to rebuild it from the log)");
  }
  // The projection's folder is named by the handle (NameDisk), which knows it.
  if (rc == ENOSPC || rc == EDQUOT) return DiskFull(std::string(kWhat), msg);
  return Unavailable(msg);
}

// DiskFull statuses made by Lmdb() name the projection; this names its folder instead. An
// EIO (LMDB's report of a short write) on a disk with no room left is a full disk too.
Status NameDisk(Status s, const std::filesystem::path& dir) {
  if (s.code() == StatusCode::kUnavailable && s.message().ends_with(std::strerror(EIO)) &&
      DiskNearlyFull(dir)) {
    return DiskFull(dir.string(), s.message() + " (a short write: the disk is full)");
  }
  const std::string tag = std::string(kDiskFullTag) + std::string(kWhat) + ": ";
  if (!IsDiskFull(s) || s.message().find(tag) == std::string::npos) return s;
  std::string m = s.message();
  m.replace(m.find(tag), tag.size(), std::string(kDiskFullTag) + dir.string() + ": ");
  return Status(s.code(), std::move(m));
}

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
MDB_val Val(ByteView b) { return MDB_val{b.size(), const_cast<uint8_t*>(b.data())}; }
std::string_view View(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}
ByteView Bytes_(const MDB_val& v) { return {static_cast<const uint8_t*>(v.mv_data), v.mv_size}; }

std::string U64Key(uint64_t v) {
  std::string s(8, '\0');
  PutU64BE(v, reinterpret_cast<uint8_t*>(s.data()));
  return s;
}

std::string ItemKey(std::string_view org, uint32_t version) {
  std::string s(org);
  s.push_back('\0');
  uint8_t b[4];
  PutU32BE(version, b);
  s.append(reinterpret_cast<const char*>(b), 4);
  return s;
}

std::string GradeKey(const TargetRecord& t) { return t.credit_grade.empty() ? "-" : t.credit_grade; }
std::string StatusKey(uint8_t s) { return std::string(1, static_cast<char>('0' + s)); }

struct Dbs {
  MDB_dbi meta, orgs, targets, t_region, t_industry, t_grade, t_status, inspectors, i_org,
      i_domain, i_status, conflicts, items, history;
};

// Names and flags of every database, in Digest order.
struct DbSpec {
  const char* name;
  MDB_dbi Dbs::*member;
  unsigned flags;
};
constexpr DbSpec kDbs[] = {
    {"meta", &Dbs::meta, 0},
    {"orgs", &Dbs::orgs, 0},
    {"targets", &Dbs::targets, 0},
    {"t_region", &Dbs::t_region, MDB_DUPSORT},
    {"t_industry", &Dbs::t_industry, MDB_DUPSORT},
    {"t_grade", &Dbs::t_grade, MDB_DUPSORT},
    {"t_status", &Dbs::t_status, MDB_DUPSORT},
    {"inspectors", &Dbs::inspectors, 0},
    {"i_org", &Dbs::i_org, MDB_DUPSORT},
    {"i_domain", &Dbs::i_domain, MDB_DUPSORT},
    {"i_status", &Dbs::i_status, MDB_DUPSORT},
    {"conflicts", &Dbs::conflicts, MDB_DUPSORT},
    {"items", &Dbs::items, 0},
    {"history", &Dbs::history, MDB_DUPSORT},
};

// The DirectoryStore of one write transaction. Errors are sticky: the first one aborts it.
class TxnStore final : public directory::DirectoryStore {
 public:
  TxnStore(MDB_txn* txn, const Dbs& dbs) : txn_(txn), d_(dbs) {}
  Status status() const { return status_; }

  std::optional<OrgUnitRecord> GetOrg(std::string_view id) override {
    auto v = Get(d_.orgs, id);
    if (!v) return std::nullopt;
    auto r = directory::DecodeOrgUnit(*v);
    return r.ok() ? std::optional(*r) : std::nullopt;
  }
  void PutOrg(const OrgUnitRecord& o) override { Put(d_.orgs, o.org_id, directory::EncodeOrgUnit(o)); }

  std::optional<TargetRecord> GetTarget(std::string_view code) override {
    auto v = Get(d_.targets, code);
    if (!v) return std::nullopt;
    auto r = directory::DecodeTarget(*v);
    if (!r.ok()) {
      Fail(r.status());
      return std::nullopt;
    }
    return *r;
  }
  void PutTarget(const TargetRecord& t, const std::optional<TargetRecord>& before) override {
    Put(d_.targets, t.credit_code, directory::EncodeTarget(t));
    const bool had = before.has_value();
    Reindex(d_.t_region, had ? before->region : "", t.region, had, t.credit_code);
    Reindex(d_.t_industry, had ? before->industry : "", t.industry, had, t.credit_code);
    Reindex(d_.t_grade, had ? GradeKey(*before) : "", GradeKey(t), had, t.credit_code);
    Reindex(d_.t_status, had ? StatusKey(static_cast<uint8_t>(before->status)) : "",
            StatusKey(static_cast<uint8_t>(t.status)), had, t.credit_code);
  }

  std::optional<InspectorRecord> GetInspector(std::string_view id) override {
    auto v = Get(d_.inspectors, id);
    if (!v) return std::nullopt;
    auto r = directory::DecodeInspector(*v);
    if (!r.ok()) {
      Fail(r.status());
      return std::nullopt;
    }
    return *r;
  }
  void PutInspector(const InspectorRecord& i, const std::optional<InspectorRecord>& before) override {
    if (before) {
      Del(d_.i_org, before->org_id, i.inspector_id);
      for (const auto& dom : before->domains) Del(d_.i_domain, dom, i.inspector_id);
      Del(d_.i_status, StatusKey(static_cast<uint8_t>(before->status)), i.inspector_id);
    }
    Put(d_.inspectors, i.inspector_id, directory::EncodeInspector(i));
    PutDup(d_.i_org, i.org_id, i.inspector_id);
    for (const auto& dom : i.domains) PutDup(d_.i_domain, dom, i.inspector_id);
    PutDup(d_.i_status, StatusKey(static_cast<uint8_t>(i.status)), i.inspector_id);
  }

  bool HasConflict(std::string_view id, std::string_view code) override {
    MDB_cursor* c = nullptr;
    if (!Ok(mdb_cursor_open(txn_, d_.conflicts, &c), "cursor")) return false;
    MDB_val k = Val(id), v = Val(code);
    int rc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH);
    mdb_cursor_close(c);
    return rc == 0;
  }
  void PutConflict(const directory::ConflictRecord& c) override {
    PutDup(d_.conflicts, c.inspector_id, c.credit_code);
  }
  void DeleteConflict(std::string_view id, std::string_view code) override {
    Del(d_.conflicts, id, code);
  }

  std::optional<uint32_t> LatestItemListVersion(std::string_view org) override {
    MDB_cursor* c = nullptr;
    if (!Ok(mdb_cursor_open(txn_, d_.items, &c), "cursor")) return std::nullopt;
    std::string prefix(org);
    prefix.push_back('\0');
    std::string probe = ItemKey(org, UINT32_MAX);
    MDB_val k = Val(std::string_view(probe)), v{};
    std::optional<uint32_t> out;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    rc = rc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV) : mdb_cursor_get(c, &k, &v, MDB_LAST);
    if (rc == 0 && View(k).substr(0, prefix.size()) == prefix && k.mv_size == prefix.size() + 4) {
      out = GetU32BE(static_cast<const uint8_t*>(k.mv_data) + prefix.size());
    }
    mdb_cursor_close(c);
    return out;
  }
  void PutItemList(const ItemListRecord& l) override {
    Put(d_.items, ItemKey(l.org_id, l.version), directory::EncodeItemList(l));
  }
  // Moves `id` in an index from `old_key` (if `had`) to `new_key`; an unchanged key (most
  // updates: a headcount, a name) is left as it is.
  void Reindex(MDB_dbi dbi, std::string_view old_key, std::string_view new_key, bool had,
               std::string_view id) {
    if (had && old_key == new_key) return;
    if (had) Del(dbi, old_key, id);
    PutDup(dbi, new_key, id);
  }
  void NoteHistory(std::string_view kind, std::string_view id, uint64_t seq) override {
    std::string key = std::string(kind) + ":" + std::string(id);
    PutDup(d_.history, key, U64Key(seq));
  }

  void Fail(const Status& s) {
    if (status_.ok()) status_ = s;
  }
  bool Ok(int rc, const char* what) {
    if (rc == 0) return true;
    Fail(Lmdb(rc, what));
    return false;
  }
  std::optional<ByteView> Get(MDB_dbi dbi, std::string_view key) {
    // No record has an empty key or one over LMDB's key limit (511 bytes); asking for one
    // (an empty id in a request) is "not found", not a storage error.
    if (key.empty() || key.size() > 511) return std::nullopt;
    MDB_val k = Val(key), v{};
    int rc = mdb_get(txn_, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return std::nullopt;
    if (!Ok(rc, "get")) return std::nullopt;
    return Bytes_(v);
  }
  void Put(MDB_dbi dbi, std::string_view key, const Bytes& value) {
    MDB_val k = Val(key), v = Val(ByteView(value));
    Ok(mdb_put(txn_, dbi, &k, &v, 0), "put");
  }
  void PutDup(MDB_dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = Val(key), v = Val(value);
    int rc = mdb_put(txn_, dbi, &k, &v, MDB_NODUPDATA);
    if (rc != MDB_KEYEXIST) Ok(rc, "put index");
  }
  void Del(MDB_dbi dbi, std::string_view key, std::string_view value) {
    MDB_val k = Val(key), v = Val(value);
    int rc = mdb_del(txn_, dbi, &k, &v);
    if (rc != MDB_NOTFOUND) Ok(rc, "delete index");
  }

 private:
  MDB_txn* txn_;
  const Dbs& d_;
  Status status_;
};

class ReadTxn {
 public:
  explicit ReadTxn(MDB_env* env) { rc_ = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn_); }
  ~ReadTxn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  Status status() const { return Lmdb(rc_, "begin read transaction"); }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
  int rc_ = 0;
};

// Calls fn(key, value) for every entry (every duplicate, in dupsort databases) whose key
// starts with `prefix` ("" for all), in key order, until fn returns false. With `exact`, only
// the entries of the key equal to `prefix`.
Status Scan(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, bool exact,
            const std::function<bool(std::string_view, ByteView)>& fn) {
  MDB_cursor* c = nullptr;
  SUIJI_RETURN_IF_ERROR(Lmdb(mdb_cursor_open(txn, dbi, &c), "cursor"));
  MDB_val k = Val(prefix), v{};
  // LMDB refuses an empty key for a positioned get: an empty prefix starts at the first entry.
  const MDB_cursor_op first = exact ? MDB_SET_KEY : prefix.empty() ? MDB_FIRST : MDB_SET_RANGE;
  int rc = mdb_cursor_get(c, &k, &v, first);
  while (rc == 0) {
    std::string_view kv = View(k);
    if (exact ? kv != prefix : kv.substr(0, prefix.size()) != prefix) break;
    if (!fn(kv, Bytes_(v))) break;
    rc = mdb_cursor_get(c, &k, &v, exact ? MDB_NEXT_DUP : MDB_NEXT);
  }
  mdb_cursor_close(c);
  if (rc != 0 && rc != MDB_NOTFOUND) return Lmdb(rc, "scan");
  return OkStatus();
}

// The values of one key of a dupsort index (exact), or of all keys with a prefix.
Status ScanIndex(MDB_txn* txn, MDB_dbi dbi, std::string_view key, bool prefix,
                 const std::function<bool(std::string_view)>& fn) {
  return Scan(txn, dbi, key, !prefix, [&](std::string_view, ByteView v) { return fn(AsChars(v)); });
}

// The keys of every entry of a database, for driving a full scan through `visit`.
Status ScanKeys(MDB_txn* txn, MDB_dbi dbi, const std::function<bool(std::string_view)>& visit) {
  return Scan(txn, dbi, "", false, [&](std::string_view k, ByteView) { return visit(k); });
}

// Decodes every value under `prefix` and hands it to fn until fn returns false; a value that
// does not decode ends the scan with its status.
template <typename Decode, typename Fn>
Status ForEachDecoded(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, Decode decode, Fn fn) {
  Status err;
  SUIJI_RETURN_IF_ERROR(Scan(txn, dbi, prefix, false, [&](std::string_view, ByteView v) {
    auto r = decode(v);
    if (!r.ok()) {
      err = r.status();
      return false;
    }
    return fn(std::move(*r));
  }));
  return err;
}

// This boot of the machine: the page cache (and so an unsynced LMDB file) survives a
// crashed process but not a power loss or an OS crash, which a new boot id reveals.
std::string BootId() {
  std::ifstream f("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(f, id);
  return id.empty() ? "unknown" : id;
}

Status WriteMarker(const std::filesystem::path& path, const std::string& text) {
  const std::string tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(errno, tmp, "cannot write");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return FileError(err, tmp, "cannot write");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return FileError(errno, path, "cannot write");
  int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return OkStatus();
}

class LmdbDirectoryProjection final : public DirectoryProjection {
 public:
  ~LmdbDirectoryProjection() override {
    if (env_ == nullptr) return;
    if (deferred_ && private_dir_.empty() && mdb_env_sync(env_, 1) == 0) {
      // Everything is on disk: a power loss from now on cannot tear this projection.
      std::error_code ec;
      std::filesystem::remove(marker_, ec);
    }
    mdb_env_close(env_);
    if (!private_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(private_dir_, ec);
    }
  }

  static StatusOr<std::unique_ptr<DirectoryProjection>> Create(const std::filesystem::path& dir,
                                                              ProjectionSync sync) {
    std::error_code ec;
    SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(dir));
    auto p = std::unique_ptr<LmdbDirectoryProjection>(new LmdbDirectoryProjection());
    p->dir_ = dir;
    p->marker_ = dir / "unsynced";
    p->deferred_ = sync == ProjectionSync::kDeferred;
    const std::string boot = BootId();
    {
      std::ifstream m(p->marker_);
      std::string written_in;
      if (m && std::getline(m, written_in) && written_in != boot) {
        // Written without syncs in an earlier boot that ended without syncing it: after a
        // power loss its pages may be torn. It is only a cache of the log: start afresh.
        std::filesystem::remove(dir / "data.mdb", ec);
        std::filesystem::remove(dir / "lock.mdb", ec);
        std::filesystem::remove(p->marker_, ec);
        p->discarded_ = true;
      }
    }
    if (p->deferred_) SUIJI_RETURN_IF_ERROR(WriteMarker(p->marker_, boot + "\n"));
    // kEachCommit, MDB_NOMETASYNC: a commit syncs its data pages but not the meta page, which
    // the next commit (or the OS) writes. LMDB keeps its integrity; a power loss can undo the
    // last commit, which is harmless here: the projection records the log position it
    // applied and catches up from the log, the source of truth. Saves one sync per write.
    // kDeferred, MDB_NOSYNC: no sync at all until close; see ProjectionSync. Never
    // MDB_WRITEMAP: a write into a memory map that the full disk cannot back is a SIGBUS;
    // written with pwrite, a full disk is an error (ENOSPC) that fails one transaction.
    const unsigned flags = MDB_NOTLS | (p->deferred_ ? MDB_NOSYNC : MDB_NOMETASYNC);
    SUIJI_RETURN_IF_ERROR(NameDisk(OpenEnv(dir, flags, &p->env_, &p->dbs_), dir));
    return std::unique_ptr<DirectoryProjection>(std::move(p));
  }

  // Opens (creating) the environment in `dir` with every database; on failure *env is
  // closed and null.
  static Status OpenEnv(const std::filesystem::path& dir, unsigned flags, MDB_env** env, Dbs* dbs) {
    Status s = [&]() -> Status {
      SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_create(env), "create environment"));
      SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_set_mapsize(*env, size_t{1} << 38), "map size"));
      SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_set_maxdbs(*env, 32), "max dbs"));
      // data.mdb and lock.mdb are the node's alone, whatever the umask.
      auto corrupt = [&](const Status& meta) {
        return DataLoss(std::string(kWhat) + ": " + meta.message() +
                        " (delete projections/ to rebuild it from the log)");
      };
      if (int rc = mdb_env_open(*env, dir.c_str(), flags, 0600); rc != 0) {
        // A corrupt meta page can fail the open with a plain errno (EINVAL, ENOMEM).
        if (Status meta = CheckLmdbMetaPages(dir / "data.mdb"); !meta.ok()) return corrupt(meta);
        return Lmdb(rc, "open " + dir.string());
      }
      MDB_envinfo info{};
      MDB_stat st{};
      if (mdb_env_info(*env, &info) == 0 && mdb_env_stat(*env, &st) == 0) {
        if (Status last = CheckLmdbLastPage(dir / "data.mdb", info.me_last_pgno, st.ms_psize); !last.ok()) {
          return corrupt(last);
        }
      }
      MDB_txn* txn = nullptr;
      SUIJI_RETURN_IF_ERROR(Lmdb(mdb_txn_begin(*env, nullptr, 0, &txn), "begin"));
      for (const DbSpec& spec : kDbs) {
        int rc = mdb_dbi_open(txn, spec.name, MDB_CREATE | spec.flags, &(dbs->*spec.member));
        if (rc != 0) {
          mdb_txn_abort(txn);
          return Lmdb(rc, std::string("open database ") + spec.name);
        }
      }
      return Lmdb(mdb_txn_commit(txn), "commit");
    }();
    if (!s.ok() && *env != nullptr) {
      mdb_env_close(*env);
      *env = nullptr;
    }
    return s;
  }

  // A reader (read-only log) never serves what the log does not hold, and never needs the
  // shared projection's disk to have room: it leaves the shared projection as it is and
  // from now on reads a private one, folded from the log into a fresh folder under the
  // temporary directory and deleted with this handle. Called from the reader's one thread.
  Status SwitchToPrivateView() {
    std::string templ = (std::filesystem::temp_directory_path() / "suiji-directory-view-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      return FileError(errno, templ, "cannot create a private view of the directory projection in");
    }
    MDB_env* env = nullptr;
    Dbs dbs{};
    // Disposable: never synced.
    Status s = NameDisk(OpenEnv(templ, MDB_NOTLS | MDB_NOSYNC, &env, &dbs), templ);
    if (!s.ok()) {
      std::error_code ec;
      std::filesystem::remove_all(templ, ec);
      return s;
    }
    mdb_env_close(env_);
    env_ = env;
    dbs_ = dbs;
    private_dir_ = templ;
    deferred_ = false;
    tip_checked_at_ = 0;
    tip_checked_log_ = nullptr;
    return OkStatus();
  }

  Status CatchUp(const LogStorage& log, size_t batch,
                 const std::function<void(uint64_t, uint64_t)>& progress) override {
    Status s = NameDisk(CatchUpHere(log, batch, progress), private_dir_.empty() ? dir_ : private_dir_);
    if (!s.ok() && IsDiskFull(s) && !log.writable() && private_dir_.empty()) {
      // A reader of a full disk still reads: from a private view on another disk.
      SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
      return NameDisk(CatchUpHere(log, batch, progress), private_dir_);
    }
    return s;
  }

  Status CatchUpHere(const LogStorage& log, size_t batch,
                     const std::function<void(uint64_t, uint64_t)>& progress) {
    SUIJI_ASSIGN_OR_RETURN(uint64_t size, log.Size());
    for (;;) {
      MDB_txn* txn = nullptr;
      SUIJI_RETURN_IF_ERROR(Lmdb(mdb_txn_begin(env_, nullptr, 0, &txn), "begin write"));
      // Read the high-water mark inside the write transaction: another process may have
      // advanced it since we last looked.
      uint64_t applied = 0;
      std::string ledger, tip;
      {
        MDB_val k = Val(std::string_view("applied")), v{};
        if (mdb_get(txn, dbs_.meta, &k, &v) == 0 && v.mv_size == 8) {
          applied = GetU64BE(static_cast<const uint8_t*>(v.mv_data));
        }
        MDB_val lk = Val(std::string_view("ledger")), lv{};
        if (mdb_get(txn, dbs_.meta, &lk, &lv) == 0) ledger = std::string(View(lv));
        MDB_val tk = Val(std::string_view("tip")), tv{};
        if (mdb_get(txn, dbs_.meta, &tk, &tv) == 0) tip = std::string(View(tv));
      }
      // The projection may hold entries the log does not: folded by a server from entries
      // staged for a group commit that a crash took before they were durable (the server
      // acknowledged none of them). Then it is ahead of the log, or its last applied entry
      // is not the log's entry at that place: start again from nothing.
      if (applied > size && !log.writable()) {
        // Ahead of what a reader's log holds: entries a server folded while they were staged
        // for a group commit, not yet durable, or never to be (the server crashed). Either
        // way the reader must not show them, and only a writer may repair the shared
        // projection (it empties and rebuilds it at its next catch-up): read a private view.
        mdb_txn_abort(txn);
        SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
        continue;
      }
      bool diverged = applied > size;
      // This handle checked (or wrote) the tip at this position, from this same view of the
      // log, already: only a crash of a staging writer, which would be this process, could
      // have changed the log under it. From another view (a TailView of a batch that may
      // then fail, ledger/tail_view.h), the tip is checked again.
      if (!diverged && applied > 0 && !tip.empty() &&
          (applied != tip_checked_at_ || &log != tip_checked_log_)) {
        Status at = log.Read(applied - 1, applied, [&](uint64_t, ByteView b) {
          const Hash h = Sha256(b);
          diverged = tip != std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
          return false;
        });
        if (!at.ok()) {
          mdb_txn_abort(txn);
          return at;
        }
      }
      if (diverged) {
        if (Status other = CheckSameLedger(log, ledger, applied, size); !other.ok()) {
          mdb_txn_abort(txn);
          return other;
        }
        if (!log.writable() && private_dir_.empty()) {
          mdb_txn_abort(txn);
          SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
          continue;
        }
        for (const DbSpec& spec : kDbs) {
          if (int rc = mdb_drop(txn, dbs_.*spec.member, 0); rc != 0) {
            mdb_txn_abort(txn);
            return Lmdb(rc, std::string("empty database ") + spec.name);
          }
        }
        applied = 0;
        ledger.clear();
        ++rebuilds_;
      }
      if (applied == size) {
        mdb_txn_abort(txn);
        tip_checked_at_ = applied;
        tip_checked_log_ = &log;
        return OkStatus();
      }
      const uint64_t to = std::min<uint64_t>(size, applied + batch);
      TxnStore store(txn, dbs_);
      Status fold;
      Hash last{};
      Status read = log.Read(applied, to, [&](uint64_t seq, ByteView bytes) {
        if (seq + 1 == to) last = Sha256(bytes);
        auto e = ParseEntry(bytes);
        if (!e.ok()) {
          fold = DataLoss("entry " + std::to_string(seq) + ": " + e.status().message());
          return false;
        }
        if (seq == 0) {
          std::string id(e->ledger_id());
          if (!ledger.empty() && ledger != id) {
            fold = DataLoss("the directory projection belongs to ledger " + ledger);
            return false;
          }
          MDB_val k = Val(std::string_view("ledger")), v = Val(std::string_view(id));
          mdb_put(txn, dbs_.meta, &k, &v, 0);
        }
        if (!directory::IsDirectoryEvent(e->type())) return true;
        Status s = directory::ApplyDirectoryEvent(*e, store);
        if (s.ok()) s = store.status();
        if (!s.ok()) {
          fold = Status(s.code(), "entry " + std::to_string(seq) + ": " + s.message());
          return false;
        }
        return true;
      });
      if (!read.ok() || !fold.ok()) {
        mdb_txn_abort(txn);
        return read.ok() ? fold : read;
      }
      std::string mark = U64Key(to);
      MDB_val k = Val(std::string_view("applied")), v = Val(std::string_view(mark));
      MDB_val tk = Val(std::string_view("tip")),
              tv = Val(std::string_view(reinterpret_cast<const char*>(last.data()), last.size()));
      int rc = mdb_put(txn, dbs_.meta, &k, &v, 0);
      if (rc == 0) rc = mdb_put(txn, dbs_.meta, &tk, &tv, 0);
      if (rc != 0) {
        mdb_txn_abort(txn);
        return Lmdb(rc, "write high-water mark");
      }
      SUIJI_RETURN_IF_ERROR(Lmdb(mdb_txn_commit(txn), "commit"));
      tip_checked_at_ = to;
      tip_checked_log_ = &log;
      if (progress) progress(to, size);
    }
  }

  StatusOr<uint64_t> Applied() const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    MDB_val k = Val(std::string_view("applied")), v{};
    int rc = mdb_get(t.get(), dbs_.meta, &k, &v);
    if (rc == MDB_NOTFOUND) return uint64_t{0};
    SUIJI_RETURN_IF_ERROR(Lmdb(rc, "read high-water mark"));
    return GetU64BE(static_cast<const uint8_t*>(v.mv_data));
  }

  StatusOr<Hash> Digest() const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    Bytes acc;
    Hash running{};
    auto absorb = [&](ByteView piece) {
      uint8_t len[8];
      PutU64BE(piece.size(), len);
      acc.insert(acc.end(), len, len + 8);
      acc.insert(acc.end(), piece.begin(), piece.end());
      if (acc.size() > (1u << 20)) {
        running = Sha256Parts({ByteView(running), ByteView(acc)});
        acc.clear();
      }
    };
    for (const DbSpec& spec : kDbs) {
      absorb(AsBytes(spec.name));
      SUIJI_RETURN_IF_ERROR(Scan(t.get(), dbs_.*spec.member, "", false,
                                 [&](std::string_view k, ByteView v) {
                                   absorb(AsBytes(k));
                                   absorb(v);
                                   return true;
                                 }));
    }
    return Sha256Parts({ByteView(running), ByteView(acc)});
  }

  StatusOr<std::optional<OrgUnitRecord>> GetOrg(std::string_view id) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    TxnStore s(t.get(), dbs_);
    auto r = s.GetOrg(id);
    SUIJI_RETURN_IF_ERROR(s.status());
    return r;
  }

  StatusOr<std::vector<OrgUnitRecord>> ListOrgs() const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    std::vector<OrgUnitRecord> out;
    SUIJI_RETURN_IF_ERROR(ForEachDecoded(t.get(), dbs_.orgs, "", directory::DecodeOrgUnit,
                                         [&](OrgUnitRecord o) {
                                           out.push_back(std::move(o));
                                           return true;
                                         }));
    return out;
  }

  StatusOr<std::optional<TargetRecord>> GetTarget(std::string_view code) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    TxnStore s(t.get(), dbs_);
    auto r = s.GetTarget(code);
    SUIJI_RETURN_IF_ERROR(s.status());
    return r;
  }

  StatusOr<std::vector<TargetRecord>> ListTargets(const TargetQuery& q) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    TxnStore s(t.get(), dbs_);
    std::vector<TargetRecord> out;
    const std::string region_prefix = q.region.empty() ? "" : RegionPrefix(q.region);
    auto matches = [&](const TargetRecord& r) {
      if (!region_prefix.empty() && r.region.compare(0, region_prefix.size(), region_prefix) != 0) return false;
      if (!q.industry.empty() && r.industry.compare(0, q.industry.size(), q.industry) != 0) return false;
      if (!q.grade.empty() && GradeKey(r) != q.grade) return false;
      if (q.status && r.status != *q.status) return false;
      if (!q.org_id.empty() && r.org_id != q.org_id) return false;
      return true;
    };
    auto visit = [&](std::string_view code) {
      auto r = s.GetTarget(code);
      if (r && matches(*r)) out.push_back(std::move(*r));
      return q.limit == 0 || out.size() < q.limit;
    };
    // Drive the scan from the most selective index given.
    Status scan;
    if (!region_prefix.empty()) {
      scan = ScanIndex(t.get(), dbs_.t_region, region_prefix, true, visit);
    } else if (!q.grade.empty()) {
      scan = ScanIndex(t.get(), dbs_.t_grade, q.grade, false, visit);
    } else if (!q.industry.empty()) {
      scan = ScanIndex(t.get(), dbs_.t_industry, q.industry, true, visit);
    } else if (q.status) {
      scan = ScanIndex(t.get(), dbs_.t_status, StatusKey(static_cast<uint8_t>(*q.status)), false, visit);
    } else {
      scan = ScanKeys(t.get(), dbs_.targets, visit);
    }
    SUIJI_RETURN_IF_ERROR(scan);
    SUIJI_RETURN_IF_ERROR(s.status());
    return out;
  }

  Status ForEachTarget(const std::function<bool(const TargetRecord&)>& fn) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    return ForEachDecoded(t.get(), dbs_.targets, "", directory::DecodeTarget,
                          [&](const TargetRecord& r) { return fn(r); });
  }

  StatusOr<uint64_t> CountTargets() const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    MDB_stat st{};
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_stat(t.get(), dbs_.targets, &st), "stat"));
    return static_cast<uint64_t>(st.ms_entries);
  }

  StatusOr<std::optional<InspectorRecord>> GetInspector(std::string_view id) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    TxnStore s(t.get(), dbs_);
    auto r = s.GetInspector(id);
    SUIJI_RETURN_IF_ERROR(s.status());
    return r;
  }

  StatusOr<std::vector<InspectorRecord>> ListInspectors(const InspectorQuery& q) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    TxnStore s(t.get(), dbs_);
    std::vector<InspectorRecord> out;
    auto matches = [&](const InspectorRecord& r) {
      if (!q.org_id.empty() && r.org_id != q.org_id) return false;
      if (!q.domain.empty() &&
          std::find(r.domains.begin(), r.domains.end(), q.domain) == r.domains.end()) {
        return false;
      }
      if (q.status && r.status != *q.status) return false;
      if (q.auxiliary && r.auxiliary != *q.auxiliary) return false;
      return true;
    };
    auto visit = [&](std::string_view id) {
      auto r = s.GetInspector(id);
      if (r && matches(*r)) out.push_back(std::move(*r));
      return q.limit == 0 || out.size() < q.limit;
    };
    Status scan;
    if (!q.org_id.empty()) {
      scan = ScanIndex(t.get(), dbs_.i_org, q.org_id, false, visit);
    } else if (!q.domain.empty()) {
      scan = ScanIndex(t.get(), dbs_.i_domain, q.domain, false, visit);
    } else if (q.status) {
      scan = ScanIndex(t.get(), dbs_.i_status, StatusKey(static_cast<uint8_t>(*q.status)), false, visit);
    } else {
      scan = ScanKeys(t.get(), dbs_.inspectors, visit);
    }
    SUIJI_RETURN_IF_ERROR(scan);
    SUIJI_RETURN_IF_ERROR(s.status());
    return out;
  }

  StatusOr<std::vector<std::string>> ConflictsOf(std::string_view id) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    std::vector<std::string> out;
    SUIJI_RETURN_IF_ERROR(ScanIndex(t.get(), dbs_.conflicts, id, false, [&](std::string_view c) {
      out.emplace_back(c);
      return true;
    }));
    return out;
  }

  StatusOr<std::vector<ItemListRecord>> ListItemListVersions(std::string_view org) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    std::string prefix(org);
    prefix.push_back('\0');
    std::vector<ItemListRecord> out;
    SUIJI_RETURN_IF_ERROR(ForEachDecoded(t.get(), dbs_.items, prefix, directory::DecodeItemList,
                                         [&](ItemListRecord l) {
                                           out.push_back(std::move(l));
                                           return true;
                                         }));
    return out;
  }

  StatusOr<std::optional<ItemListRecord>> GetItemList(std::string_view org, std::string_view date,
                                                      uint32_t version) const override {
    SUIJI_ASSIGN_OR_RETURN(auto all, ListItemListVersions(org));
    std::optional<ItemListRecord> best;
    for (auto& l : all) {
      if (version > 0) {
        if (l.version == version) best = l;
      } else if (date.empty() || l.effective_date <= date) {
        if (!best || l.version > best->version) best = l;
      }
    }
    return best;
  }

  StatusOr<std::vector<uint64_t>> History(std::string_view kind, std::string_view id) const override {
    ReadTxn t(env_);
    SUIJI_RETURN_IF_ERROR(t.status());
    std::string key = std::string(kind) + ":" + std::string(id);
    std::vector<uint64_t> out;
    SUIJI_RETURN_IF_ERROR(ScanIndex(t.get(), dbs_.history, key, false, [&](std::string_view v) {
      if (v.size() == 8) out.push_back(GetU64BE(reinterpret_cast<const uint8_t*>(v.data())));
      return true;
    }));
    return out;
  }

  uint64_t rebuilds() const override { return rebuilds_ + (discarded_ ? 1 : 0); }
  bool private_view() const override { return !private_dir_.empty(); }

 private:
  LmdbDirectoryProjection() = default;

  // A projection ahead of the log may also be another ledger's: that is refused, never
  // rebuilt over (the operator pointed two ledgers at one directory).
  static Status CheckSameLedger(const LogStorage& log, const std::string& ledger, uint64_t applied,
                                uint64_t size) {
    if (ledger.empty() || size == 0) return OkStatus();
    std::string id;
    Status inner;
    SUIJI_RETURN_IF_ERROR(log.Read(0, 1, [&](uint64_t, ByteView b) {
      auto e = ParseEntry(b);
      if (e.ok()) id = std::string(e->ledger_id()); else inner = e.status();
      return false;
    }));
    SUIJI_RETURN_IF_ERROR(inner);
    if (id == ledger) return OkStatus();
    return DataLoss("the directory projection belongs to ledger " + ledger + " (" + std::to_string(applied) +
                    " entries applied), not to this log's " + id + " (" + std::to_string(size) +
                    " entries); delete projections/ to rebuild");
  }

  MDB_env* env_ = nullptr;
  Dbs dbs_{};
  std::filesystem::path dir_;          // DIR/projections/directory
  std::filesystem::path private_dir_;  // a reader's private view, when it reads one
  std::filesystem::path marker_;
  bool deferred_ = false;
  bool discarded_ = false;
  std::atomic<uint64_t> rebuilds_{0};
  std::atomic<uint64_t> tip_checked_at_{0};  // the applied position whose tip this handle knows
  std::atomic<const LogStorage*> tip_checked_log_{nullptr};  // from this view of the log
};

}  // namespace

std::string RegionPrefix(std::string_view region) {
  if (region.size() != 6) return std::string(region);
  if (region.substr(2) == "0000") return std::string(region.substr(0, 2));
  if (region.substr(4) == "00") return std::string(region.substr(0, 4));
  return std::string(region);
}

StatusOr<std::unique_ptr<DirectoryProjection>> DirectoryProjection::Open(
    const std::filesystem::path& data_dir, ProjectionSync sync) {
  return LmdbDirectoryProjection::Create(data_dir / "projections" / "directory", sync);
}

}  // namespace suiji
