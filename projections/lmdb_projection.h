// One LMDB environment holding several read models ("folders") folded from the log in step:
// every folder applies each entry, in the order the folders were given, inside the same write
// transaction, and the environment stores one applied position and the hash of the last
// entry applied in that same transaction. So the folders are always at the same position (a
// later folder may read an earlier one's state after the entry, in the same transaction),
// and a crash at any moment neither applies an entry twice nor skips one.
//
// Catch-up (CatchUp) applies the contiguous entries after the applied position in
// transactions of at most `batch` entries. A projection ahead of the log, or whose last
// applied entry differs from the log's at that place (entries folded from a group commit
// that a crash undid), is emptied and rebuilt in the same pass. A reader (a read-only log)
// never shows what its log does not hold: it leaves such a projection for the writer to
// repair and switches to a private view, a projection folded from its log into a fresh folder
// under the temporary directory, deleted with the handle. A reader whose catch-up finds the
// disk full does the same. A projection built by another version of a folder (its name and
// version are stored) is emptied and rebuilt. One that belongs to another ledger is refused
// (kDataLoss).
//
// Sync: ProjectionSync::kEachCommit syncs each commit's data pages (MDB_NOMETASYNC);
// kDeferred (the server) writes without syncs until closed, with a marker file `unsynced`
// naming the boot id, so an Open after a power loss or OS crash discards the projection,
// which then rebuilds from the log. Never MDB_WRITEMAP: a full disk must be an error
// (DiskFull naming the folder), not a SIGBUS.
//
// Layout: DIR/{data,lock}.mdb; database "meta" ("applied" u64 BE, "tip" SHA-256 of the last
// entry applied, "ledger" the ledger id, "format" the folders' names and versions) and each
// folder's databases (names unique in the environment).
//
// Thread-safety: one LmdbProjection per process and path (an LMDB rule); CatchUp and Read may
// be called from several threads (LMDB serialises write transactions, also across
// processes), except that a handle which may switch to a private view (a reader's) is used
// from one thread.
#pragma once

#include <lmdb.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/envelope.h"
#include "ledger/core/sha256.h"
#include "ledger/storage.h"

namespace suiji {

// When a projection's commits reach the disk.
enum class ProjectionSync {
  // Each commit syncs its data (the command line: one process, one short job).
  kEachCommit,
  // No sync until the projection is closed (the server, whose writes are group-committed to
  // the log and must not each wait for a sync here). A crashed process loses nothing (the
  // page cache holds it); a power loss or OS crash could tear the file, so while open a
  // marker file `unsynced` names the machine's boot id, and an Open in a later boot that
  // finds it discards the projection, which then rebuilds from the log.
  kDeferred,
};

struct ProjectionDb {
  std::string name;
  unsigned flags = 0;  // MDB_DUPSORT, ...
};

// One database of a folder whose handles live in a struct `Dbs` of MDB_dbi members: its name,
// the member that holds its handle, its flags. A folder lists them in a constexpr table, in
// digest order, and answers databases() and Bind() from it:
//
//   struct Dbs { MDB_dbi rows, index; };
//   constexpr ProjectionDbSpec<Dbs> kDbs[] = {{"rows", &Dbs::rows}, {"index", &Dbs::index, MDB_DUPSORT}};
//   std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
//   void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
template <typename Dbs>
struct ProjectionDbSpec {
  const char* name;
  MDB_dbi Dbs::*member;
  unsigned flags = 0;
};

// The databases of a table of ProjectionDbSpecs, in its order.
template <typename Dbs, size_t N>
std::vector<ProjectionDb> DatabasesOf(const ProjectionDbSpec<Dbs> (&specs)[N]) {
  std::vector<ProjectionDb> out;
  out.reserve(N);
  for (const ProjectionDbSpec<Dbs>& spec : specs) out.push_back({spec.name, spec.flags});
  return out;
}

// Stores the handles Bind() received (in the order of DatabasesOf(specs)) in `dbs`.
template <typename Dbs, size_t N>
void BindAll(const ProjectionDbSpec<Dbs> (&specs)[N], const std::vector<MDB_dbi>& dbis, Dbs& dbs) {
  for (size_t i = 0; i < N; ++i) dbs.*(specs[i].member) = dbis[i];
}

// One read model inside an LmdbProjection.
class ProjectionFolder {
 public:
  virtual ~ProjectionFolder() = default;
  // "directory", "world", ...: names its databases in Digest and errors.
  virtual std::string_view name() const = 0;
  // Raise it whenever the layout or the fold changes: a projection built by another version
  // is emptied and rebuilt from the log.
  virtual uint32_t version() const = 0;
  // The databases this folder owns, in digest order.
  virtual std::vector<ProjectionDb> databases() const = 0;
  // The handles of databases(), in the same order; called after every (re)open of the
  // environment, before any Apply or read.
  virtual void Bind(const std::vector<MDB_dbi>& dbis) = 0;
  // Folds entry `e` (any type, in log order) inside write transaction `txn`. An error stops
  // the catch-up there, the transaction aborted (nothing of the batch is kept).
  virtual Status Apply(MDB_txn* txn, const EntryView& e) = 0;
  // Called when the write transaction of the preceding Apply calls ends, committed or
  // aborted: a folder that keeps what one transaction read (to read it once per batch, not
  // once per entry) drops it here, so nothing outlives the transaction it was read in. It is
  // called just before the commit or abort, while the transaction still holds LMDB's write
  // lock: another thread's next transaction never runs beside it.
  virtual void TransactionEnded() {}
  // Called after the last Apply of a write transaction, before it commits: a folder that
  // holds back writes no read inside the transaction needs (e.g. index rows, to write them
  // in key order) writes them here. An error aborts the transaction like Apply's.
  virtual Status BeforeCommit(MDB_txn* /*txn*/) { return OkStatus(); }
};

class LmdbProjection {
 public:
  // Opens (creating if needed) the environment in `dir` with `folders`, which are applied in
  // this order. `what` names it in errors ("projection").
  static StatusOr<std::unique_ptr<LmdbProjection>> Open(
      const std::filesystem::path& dir, ProjectionSync sync,
      std::vector<std::unique_ptr<ProjectionFolder>> folders);
  ~LmdbProjection();
  LmdbProjection(const LmdbProjection&) = delete;
  LmdbProjection& operator=(const LmdbProjection&) = delete;

  // See the file comment. kFailedPrecondition naming the sequence if an event breaks a
  // folder's rules, kDataLoss if it belongs to another ledger, DiskFull naming the folder if
  // its disk is full (a writer: nothing of the failed transaction was applied). `progress`,
  // if given, is called after each transaction with (applied, log size).
  Status CatchUp(const LogStorage& log, size_t batch = 20000,
                 const std::function<void(uint64_t, uint64_t)>& progress = {});
  // Number of log entries applied.
  StatusOr<uint64_t> Applied() const;
  // The same as seen by `txn` (a Read's): the position its snapshot of every folder is at.
  uint64_t AppliedIn(MDB_txn* txn) const;
  // Times this handle found the projection diverged from the log (or torn by a power loss,
  // or built by another version) and started it again from nothing.
  uint64_t rebuilds() const { return rebuilds_ + (discarded_ ? 1 : 0); }
  // True once a reader's handle reads its private view.
  bool private_view() const { return !private_dir_.empty(); }
  // SHA-256 over the keys and values of `folder`'s databases in order (every database of
  // every folder, and meta, when empty).
  StatusOr<Hash> Digest(std::string_view folder = {}) const;
  // Runs fn in one read transaction: a consistent snapshot of every folder, at the position
  // Applied() returned inside it. Reads never block the writer (nor other processes').
  Status Read(const std::function<Status(MDB_txn*)>& fn) const;
  // Read transactions open on the environment now, in every process (LMDB's reader table):
  // each pins the pages of its snapshot, which writes cannot reuse meanwhile. For /metrics.
  StatusOr<size_t> OpenReaders() const;
  // The folder named `name`, or nullptr.
  ProjectionFolder* folder(std::string_view name) const;
  template <typename F>
  F* folder_as(std::string_view name) const {
    return dynamic_cast<F*>(folder(name));
  }
  const std::filesystem::path& dir() const { return dir_; }
  // The environment, for a folder's read helpers (lmdb::ReadTxn). It changes when a
  // reader's handle switches to a private view: take it anew for each transaction.
  MDB_env* env() const { return env_; }

 private:
  LmdbProjection() = default;
  Status OpenEnv(const std::filesystem::path& dir, unsigned flags);
  Status SwitchToPrivateView();
  Status CatchUpHere(const LogStorage& log, size_t batch,
                     const std::function<void(uint64_t, uint64_t)>& progress);
  Status CheckSameLedger(const LogStorage& log, const std::string& ledger, uint64_t applied,
                         uint64_t size) const;
  std::string Format() const;
  Status NameDisk(Status s) const;

  MDB_env* env_ = nullptr;
  MDB_dbi meta_ = 0;
  std::vector<std::unique_ptr<ProjectionFolder>> folders_;
  std::vector<std::vector<MDB_dbi>> dbis_;  // per folder
  std::filesystem::path dir_;
  std::filesystem::path private_dir_;  // a reader's private view, when it reads one
  std::filesystem::path marker_;
  bool deferred_ = false;
  bool discarded_ = false;
  std::atomic<uint64_t> rebuilds_{0};
  std::atomic<uint64_t> tip_checked_at_{0};  // the applied position whose tip this handle knows
  std::atomic<const LogStorage*> tip_checked_log_{nullptr};  // from this view of the log
};

}  // namespace suiji
