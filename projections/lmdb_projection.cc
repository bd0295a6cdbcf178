#include "projections/lmdb_projection.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <fstream>
#include <thread>

#include "ledger/lmdb/lmdb_meta.h"
#include "ledger/private_files.h"
#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using lmdb::Val;
using lmdb::View;

constexpr std::string_view kWhat = "projection";

Status Lmdb(int rc, std::string_view what) { return lmdb::Check(rc, kWhat, what); }

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

std::string GetMeta(MDB_txn* txn, MDB_dbi meta, std::string_view key) {
  MDB_val k = Val(key), v{};
  if (mdb_get(txn, meta, &k, &v) == 0) return std::string(View(v));
  return {};
}

}  // namespace

// DiskFull statuses made by lmdb::Check name the projection; this names its folder instead.
// An EIO (LMDB's report of a short write) on a disk with no room left is a full disk too.
Status LmdbProjection::NameDisk(Status s) const {
  const std::filesystem::path& dir = private_dir_.empty() ? dir_ : private_dir_;
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

LmdbProjection::~LmdbProjection() {
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

std::string LmdbProjection::Format() const {
  std::string f;
  for (const auto& folder : folders_) {
    if (!f.empty()) f += ",";
    f += std::string(folder->name()) + "/" + std::to_string(folder->version());
  }
  return f;
}

StatusOr<std::unique_ptr<LmdbProjection>> LmdbProjection::Open(
    const std::filesystem::path& dir, ProjectionSync sync,
    std::vector<std::unique_ptr<ProjectionFolder>> folders) {
  std::error_code ec;
  SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(dir));
  auto p = std::unique_ptr<LmdbProjection>(new LmdbProjection());
  p->folders_ = std::move(folders);
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
  // kDeferred, MDB_NOSYNC: no sync at all until close; see ProjectionSync.
  const unsigned flags = MDB_NOTLS | (p->deferred_ ? MDB_NOSYNC : MDB_NOMETASYNC);
  SUIJI_RETURN_IF_ERROR(p->NameDisk(p->OpenEnv(dir, flags)));
  return p;
}

Status LmdbProjection::OpenEnv(const std::filesystem::path& dir, unsigned flags) {
  MDB_env* env = nullptr;
  MDB_dbi meta = 0;
  std::vector<std::vector<MDB_dbi>> dbis;
  Status s = [&]() -> Status {
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_create(&env), "create environment"));
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_set_mapsize(env, size_t{1} << 38), "map size"));
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_set_maxdbs(env, 128), "max dbs"));
    // Streamed public documents each hold a read transaction while they are sent: room for
    // far more than the server's workers (LMDB's default is 126).
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_env_set_maxreaders(env, 1024), "max readers"));
    auto corrupt = [&](const Status& m) {
      return DataLoss(std::string(kWhat) + ": " + m.message() +
                      " (delete projections/ to rebuild it from the log)");
    };
    // data.mdb and lock.mdb are the node's alone, whatever the umask.
    if (int rc = mdb_env_open(env, dir.c_str(), flags, 0600); rc != 0) {
      // A corrupt meta page can fail the open with a plain errno (EINVAL, ENOMEM).
      if (Status m = CheckLmdbMetaPages(dir / "data.mdb"); !m.ok()) return corrupt(m);
      return Lmdb(rc, "open " + dir.string());
    }
    MDB_envinfo info{};
    MDB_stat st{};
    if (mdb_env_info(env, &info) == 0 && mdb_env_stat(env, &st) == 0) {
      if (Status last = CheckLmdbLastPage(dir / "data.mdb", info.me_last_pgno, st.ms_psize); !last.ok()) {
        return corrupt(last);
      }
    }
    MDB_txn* txn = nullptr;
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_txn_begin(env, nullptr, 0, &txn), "begin"));
    auto open = [&](const std::string& name, unsigned f, MDB_dbi* out) -> Status {
      int rc = mdb_dbi_open(txn, name.c_str(), MDB_CREATE | f, out);
      return rc == 0 ? OkStatus() : Lmdb(rc, "open database " + name);
    };
    Status opened = open("meta", 0, &meta);
    for (const auto& folder : folders_) {
      if (!opened.ok()) break;
      std::vector<MDB_dbi>& handles = dbis.emplace_back();
      for (const ProjectionDb& db : folder->databases()) {
        MDB_dbi h = 0;
        opened = open(db.name, db.flags, &h);
        if (!opened.ok()) break;
        handles.push_back(h);
      }
    }
    if (!opened.ok()) {
      mdb_txn_abort(txn);
      return opened;
    }
    return Lmdb(mdb_txn_commit(txn), "commit");
  }();
  if (!s.ok()) {
    if (env != nullptr) mdb_env_close(env);
    return s;
  }
  if (env_ != nullptr) mdb_env_close(env_);
  env_ = env;
  meta_ = meta;
  dbis_ = std::move(dbis);
  for (size_t i = 0; i < folders_.size(); ++i) folders_[i]->Bind(dbis_[i]);
  return OkStatus();
}

// A reader (read-only log) never serves what the log does not hold, and never needs the
// shared projection's disk to have room: it leaves the shared projection as it is and from
// now on reads a private one, folded from the log into a fresh folder under the temporary
// directory and deleted with this handle. Called from the reader's one thread.
Status LmdbProjection::SwitchToPrivateView() {
  std::string templ = (std::filesystem::temp_directory_path() / "suiji-projection-view-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return FileError(errno, templ, "cannot create a private view of the projection in");
  }
  // Disposable: never synced.
  const std::filesystem::path old_private = private_dir_;
  Status s = OpenEnv(templ, MDB_NOTLS | MDB_NOSYNC);
  if (!s.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(templ, ec);
    return NameDisk(s);
  }
  private_dir_ = templ;
  if (!old_private.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(old_private, ec);
  }
  deferred_ = false;
  tip_checked_at_ = 0;
  tip_checked_log_ = nullptr;
  return OkStatus();
}

StatusOr<size_t> LmdbProjection::OpenReaders() const {
  // One line per reader slot in use: "pid thread txnid", the txnid "-" when no transaction
  // is open in it; a header line first, or "(no active readers)".
  size_t open = 0;
  const int rc = mdb_reader_list(
      env_,
      [](const char* line, void* ctx) -> int {
        const std::string_view l(line);
        if (l.find("pid") == std::string_view::npos && l.find('(') == std::string_view::npos &&
            l.find(" -") == std::string_view::npos) {
          ++*static_cast<size_t*>(ctx);
        }
        return 0;
      },
      &open);
  if (rc != 0) return Lmdb(rc, "list readers");
  return open;
}

Status LmdbProjection::CatchUp(const LogStorage& log, size_t batch,
                               const std::function<void(uint64_t, uint64_t)>& progress) {
  Status s = NameDisk(CatchUpHere(log, batch, progress));
  if (!s.ok() && IsDiskFull(s) && !log.owns_read_models() && private_dir_.empty()) {
    // A reader of a full disk still reads: from a private view on another disk.
    SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
    return NameDisk(CatchUpHere(log, batch, progress));
  }
  return s;
}

Status LmdbProjection::CatchUpHere(const LogStorage& log, size_t batch,
                                   const std::function<void(uint64_t, uint64_t)>& progress) {
  SUIJI_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  const std::string format = Format();
  // A reader finding the projection ahead of its log waits up to kStagedWaits × 10 ms for the
  // log to catch up (see below).
  constexpr int kStagedWaits = 50;
  int waited_for_staged = 0;
  for (;;) {
    // A reader of a replica's data directory (!folds_read_models()) never writes the
    // replica's shared projection, and does not even take its write lock: it only reads.
    const bool read_only = !log.folds_read_models() && private_dir_.empty();
    MDB_txn* txn = nullptr;
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_txn_begin(env_, nullptr, read_only ? MDB_RDONLY : 0, &txn),
                               read_only ? "begin read" : "begin write"));
    // Read the high-water mark inside the write transaction: another process may have
    // advanced it since we last looked.
    const uint64_t applied_stored = lmdb::U64Of(GetMeta(txn, meta_, "applied"));
    uint64_t applied = applied_stored;
    std::string ledger = GetMeta(txn, meta_, "ledger");
    const std::string tip = GetMeta(txn, meta_, "tip");
    const std::string stored_format = GetMeta(txn, meta_, "format");
    // Built by another version of the folders (or before formats were stored): a cache of
    // the log like any other, emptied and rebuilt.
    const bool other_format = stored_format != format && (applied > 0 || !stored_format.empty());
    // The projection may hold entries the log does not: folded by a server from entries
    // staged for a group commit that a crash took before they were durable (the server
    // acknowledged none of them). Then it is ahead of the log, or its last applied entry
    // is not the log's entry at that place: start again from nothing.
    if (applied > size && !other_format && !log.owns_read_models() && private_dir_.empty() &&
        waited_for_staged < kStagedWaits) {
      // Most often a running server's staged entries, durable a group commit later (a few
      // milliseconds): wait for the log to hold them rather than fold the whole log into a
      // private view. A crashed server's never come: then the private view, below.
      mdb_txn_abort(txn);
      ++waited_for_staged;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      SUIJI_ASSIGN_OR_RETURN(size, log.Size());
      continue;
    }
    if ((applied > size || other_format) && !log.owns_read_models() && private_dir_.empty()) {
      // Ahead of what a reader's log holds: entries a server folded while they were staged
      // for a group commit, not yet durable, or never to be (the server crashed). Either
      // way the reader must not show them, and only a writer may repair the shared
      // projection (it empties and rebuilds it at its next catch-up): read a private view.
      mdb_txn_abort(txn);
      SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
      continue;
    }
    bool diverged = applied > size || other_format;
    if (read_only && !diverged && applied < size) {
      // Behind the topic: the replica folds it at its own pace. Read the projection at the
      // position it is at (what the replica serves), once its last entry is the log's.
      if (applied > 0 && !tip.empty()) {
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
      mdb_txn_abort(txn);
      if (diverged) {
        SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
        continue;
      }
      return OkStatus();
    }
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
      if (!other_format) {
        if (Status other = CheckSameLedger(log, ledger, applied, size); !other.ok()) {
          mdb_txn_abort(txn);
          return other;
        }
      }
      if (!log.owns_read_models() && private_dir_.empty()) {
        mdb_txn_abort(txn);
        SUIJI_RETURN_IF_ERROR(SwitchToPrivateView());
        continue;
      }
      std::vector<MDB_dbi> all{meta_};
      for (const auto& handles : dbis_) all.insert(all.end(), handles.begin(), handles.end());
      for (MDB_dbi dbi : all) {
        if (int rc = mdb_drop(txn, dbi, 0); rc != 0) {
          mdb_txn_abort(txn);
          return Lmdb(rc, "empty a database");
        }
      }
      applied = 0;
      ledger.clear();
      ++rebuilds_;
    }
    if (applied == size && !diverged) {
      mdb_txn_abort(txn);
      tip_checked_at_ = applied;
      tip_checked_log_ = &log;
      return OkStatus();
    }
    const uint64_t to = std::min<uint64_t>(size, applied + batch);
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
          fold = DataLoss("the projection belongs to ledger " + ledger);
          return false;
        }
        MDB_val k = Val(std::string_view("ledger")), v = Val(std::string_view(id));
        if (int rc = mdb_put(txn, meta_, &k, &v, 0); rc != 0) {
          fold = Lmdb(rc, "write the ledger id");
          return false;
        }
      }
      for (const auto& folder : folders_) {
        Status s = folder->Apply(txn, *e);
        if (!s.ok()) {
          fold = Status(s.code(), "entry " + std::to_string(seq) + ": " + s.message());
          return false;
        }
      }
      return true;
    });
    // Folders drop what they kept for this transaction before it ends (TransactionEnded).
    auto end = [&] {
      for (const auto& folder : folders_) folder->TransactionEnded();
    };
    if (!read.ok() || !fold.ok()) {
      end();
      mdb_txn_abort(txn);
      return read.ok() ? fold : read;
    }
    for (const auto& folder : folders_) {
      if (Status s = folder->BeforeCommit(txn); !s.ok()) {
        end();
        mdb_txn_abort(txn);
        return s;
      }
    }
    const std::string mark = lmdb::U64Key(to);
    MDB_val k = Val(std::string_view("applied")), v = Val(std::string_view(mark));
    MDB_val tk = Val(std::string_view("tip")),
            tv = Val(std::string_view(reinterpret_cast<const char*>(last.data()), last.size()));
    MDB_val fk = Val(std::string_view("format")), fv = Val(std::string_view(format));
    int rc = mdb_put(txn, meta_, &k, &v, 0);
    if (rc == 0) rc = mdb_put(txn, meta_, &tk, &tv, 0);
    if (rc == 0) rc = mdb_put(txn, meta_, &fk, &fv, 0);
    end();
    if (rc != 0) {
      mdb_txn_abort(txn);
      return Lmdb(rc, "write high-water mark");
    }
    SUIJI_RETURN_IF_ERROR(Lmdb(mdb_txn_commit(txn), "commit"));
    tip_checked_at_ = to;
    tip_checked_log_ = &log;
    if (progress) progress(to, size);
    if (to == size) return OkStatus();
  }
}

StatusOr<uint64_t> LmdbProjection::Applied() const {
  lmdb::ReadTxn t(env_);
  SUIJI_RETURN_IF_ERROR(t.status(kWhat));
  return lmdb::U64Of(GetMeta(t.get(), meta_, "applied"));
}

uint64_t LmdbProjection::AppliedIn(MDB_txn* txn) const {
  return lmdb::U64Of(GetMeta(txn, meta_, "applied"));
}

Status LmdbProjection::Read(const std::function<Status(MDB_txn*)>& fn) const {
  lmdb::ReadTxn t(env_);
  SUIJI_RETURN_IF_ERROR(t.status(kWhat));
  return fn(t.get());
}

ProjectionFolder* LmdbProjection::folder(std::string_view name) const {
  for (const auto& f : folders_) {
    if (f->name() == name) return f.get();
  }
  return nullptr;
}

StatusOr<Hash> LmdbProjection::Digest(std::string_view folder_name) const {
  lmdb::ReadTxn t(env_);
  SUIJI_RETURN_IF_ERROR(t.status(kWhat));
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
  auto absorb_db = [&](std::string_view name, MDB_dbi dbi) -> Status {
    absorb(AsBytes(name));
    return lmdb::Scan(t.get(), dbi, "", false, [&](std::string_view k, ByteView v) {
      absorb(AsBytes(k));
      absorb(v);
      return true;
    });
  };
  bool found = folder_name.empty();
  if (folder_name.empty()) SUIJI_RETURN_IF_ERROR(absorb_db("meta", meta_));
  for (size_t i = 0; i < folders_.size(); ++i) {
    if (!folder_name.empty() && folders_[i]->name() != folder_name) continue;
    found = true;
    const auto dbs = folders_[i]->databases();
    for (size_t j = 0; j < dbs.size(); ++j) SUIJI_RETURN_IF_ERROR(absorb_db(dbs[j].name, dbis_[i][j]));
  }
  if (!found) return NotFound("no projection folder named " + std::string(folder_name));
  return Sha256Parts({ByteView(running), ByteView(acc)});
}

// A projection ahead of the log may also be another ledger's: that is refused, never
// rebuilt over (the operator pointed two ledgers at one directory).
Status LmdbProjection::CheckSameLedger(const LogStorage& log, const std::string& ledger,
                                       uint64_t applied, uint64_t size) const {
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
  return DataLoss("the projection belongs to ledger " + ledger + " (" + std::to_string(applied) +
                  " entries applied), not to this log's " + id + " (" + std::to_string(size) +
                  " entries); delete projections/ to rebuild");
}

}  // namespace suiji
