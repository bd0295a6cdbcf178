// The directory read model: current org units, targets, inspectors, conflicts and item
// lists, with indexes, folded from the log by ApplyDirectoryEvent into an LMDB environment.
//
// Exactly once: the number of log entries applied is stored in the same LMDB write
// transaction as the data they produced, and CatchUp applies only the contiguous entries
// after it, so a crash at any moment neither applies an entry twice nor skips one. The
// projection can be dropped (delete its folder) and rebuilt from the log; Digest() hashes
// its whole content so two builds can be compared byte for byte.
//
// Layout: the "directory" folder of DIR/projections/state (projections/projections.h).
// Databases (keys -> values):
//   orgs        org_id -> OrgUnit payload
//   targets     credit code -> Target payload (every field)
//   t_region, t_industry, t_grade, t_status   (dupsort) index value -> credit code
//   inspectors  inspector id -> Inspector payload
//   i_org, i_domain, i_status                 (dupsort) index value -> inspector id
//   conflicts   (dupsort) inspector id -> credit code
//   items       org_id 0x00 u32 BE version -> ItemList payload
//   history     (dupsort) "target:<code>" | "inspector:<id>" | ... -> u64 BE sequence
//
// Thread-safety: one DirectoryProjection per process and path (an LMDB rule); its methods
// may be called from several threads (LMDB serialises write transactions, also across
// processes). Query results are copies.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/directory/fold.h"
#include "ledger/core/directory/reader.h"
#include "ledger/core/directory/records.h"
#include "ledger/storage.h"
#include "projections/lmdb_projection.h"
#include "projections/projections.h"

namespace suiji {

struct TargetQuery {
  std::string region;    // GB/T 2260 code; a city or province code matches everything under it
  std::string industry;  // GB/T 4754 code prefix ("34", "341", "3411")
  std::string grade;     // "A", "B", "C", or "-" for ungraded
  std::optional<directory::TargetStatus> status;
  std::string org_id;
  size_t limit = 100;    // 0: no limit
};

struct InspectorQuery {
  std::string org_id;
  std::string domain;
  std::optional<directory::InspectorStatus> status;
  std::optional<bool> auxiliary;
  size_t limit = 100;
};

class DirectoryProjection {
 public:
  // Opens (creating if needed) the node's projections under `data_dir`/projections/state
  // (OpenProjections) and reads their directory folder. Open it once per process and data
  // directory (an LMDB rule); other folders' readers share it through projection().
  static StatusOr<std::unique_ptr<DirectoryProjection>> Open(
      const std::filesystem::path& data_dir, ProjectionSync sync = ProjectionSync::kEachCommit);
  // The directory folder of projections opened already.
  static std::unique_ptr<DirectoryProjection> Over(std::shared_ptr<LmdbProjection> projection);
  virtual ~DirectoryProjection() = default;
  // The environment this reads (every folder), for the other folders' readers.
  virtual std::shared_ptr<LmdbProjection> projection() const = 0;

  // Catches up every folder of the projection (LmdbProjection::CatchUp): applies every log
  // entry after the last applied one, in transactions of at most `batch`
  // entries. A projection that is ahead of the log, or whose last applied entry differs
  // from the log's at that place (entries folded from a group commit that a crash undid),
  // is emptied and rebuilt in the same pass. A reader never shows what its log does not
  // hold: with a read-only log, such a projection (ahead: a running server's staged entries,
  // not durable yet, or a crashed server's, never to be) is left as it is for the writer to
  // repair, and this handle switches to a private view: a projection folded from the log in
  // a fresh folder under the temporary directory, deleted with the handle (private_view()).
  // A reader whose catch-up finds the disk full does the same, so reads go on. A handle that
  // may switch is used from one thread (the command line's). kFailedPrecondition (naming
  // the sequence) if an event breaks the fold's rules, kDataLoss if it belongs to another
  // ledger, DiskFull naming the folder if its disk is full (a writer: nothing of the failed
  // transaction was applied). `progress`, if given, is called after each transaction with
  // (applied, log size).
  virtual Status CatchUp(const LogStorage& log, size_t batch = 20000,
                         const std::function<void(uint64_t, uint64_t)>& progress = {}) = 0;
  // Number of log entries applied.
  virtual StatusOr<uint64_t> Applied() const = 0;
  // Times this handle found the projection diverged from the log (or torn by a power loss)
  // and started it again from nothing.
  virtual uint64_t rebuilds() const = 0;
  // True once a reader's handle reads its private view (see CatchUp).
  virtual bool private_view() const = 0;
  // SHA-256 over the directory folder's databases' keys and values in order.
  virtual StatusOr<Hash> Digest() const = 0;

  virtual StatusOr<std::optional<directory::OrgUnitRecord>> GetOrg(std::string_view id) const = 0;
  virtual StatusOr<std::vector<directory::OrgUnitRecord>> ListOrgs() const = 0;
  virtual StatusOr<std::optional<directory::TargetRecord>> GetTarget(std::string_view code) const = 0;
  virtual StatusOr<std::vector<directory::TargetRecord>> ListTargets(const TargetQuery& q) const = 0;
  // Calls fn for every target (any status) in credit-code order until it returns false.
  virtual Status ForEachTarget(const std::function<bool(const directory::TargetRecord&)>& fn) const = 0;
  virtual StatusOr<uint64_t> CountTargets() const = 0;
  virtual StatusOr<std::optional<directory::InspectorRecord>> GetInspector(std::string_view id) const = 0;
  virtual StatusOr<std::vector<directory::InspectorRecord>> ListInspectors(const InspectorQuery& q) const = 0;
  virtual StatusOr<std::vector<std::string>> ConflictsOf(std::string_view inspector_id) const = 0;
  // The item list of `org_id` in force on `date` ("YYYY-MM-DD"; empty: the latest version),
  // or a specific version when version > 0.
  virtual StatusOr<std::optional<directory::ItemListRecord>> GetItemList(
      std::string_view org_id, std::string_view date, uint32_t version = 0) const = 0;
  virtual StatusOr<std::vector<directory::ItemListRecord>> ListItemListVersions(
      std::string_view org_id) const = 0;
  // Sequences of the events that touched a record: kind "target", "inspector", "org", "items".
  virtual StatusOr<std::vector<uint64_t>> History(std::string_view kind, std::string_view id) const = 0;
  // The sequences, ascending, of the events that touched any record of a kind (e.g.
  // "calendar": every CalendarPublished, which a working-day calendar is read from).
  virtual StatusOr<std::vector<uint64_t>> HistoryOfKind(std::string_view kind) const = 0;
};

// The prefix of GB/T 2260 codes a region covers: "32" for 320000, "3204" for 320400,
// "320402" for a county. Municipality districts (1101xx) fall under 110000 (the national
// list has no 110100 row).
std::string RegionPrefix(std::string_view region);

// The directory folder (for OpenProjections) and, for the folders applied after it, its
// state as a DirectoryStore inside one of their transactions (reads see the entry being
// applied; writes through it would change the directory: never write).
std::unique_ptr<ProjectionFolder> NewDirectoryFolder();
std::unique_ptr<directory::DirectoryStore> DirectoryStoreIn(MDB_txn* txn, const ProjectionFolder& directory_folder);
// The same as the read side a draw needs (eligibility over the region index, item lists,
// conflicts), inside any transaction of the environment (a fold's or a reader's). Errors are
// kept in its status().
std::unique_ptr<directory::DirectoryReader> DirectoryReaderIn(MDB_txn* txn, const ProjectionFolder& directory_folder);

}  // namespace suiji
