// Directory commands (the write model) and bulk import: validate against the current state
// (the directory projection), decide events, append them with the projection's position as
// the expected sequence, and bring the projection up to date. A conflict with a concurrent
// writer (kAborted) is retried after catching up.
//
// One code path serves the command line and (later) the HTTP API.
// Lifetime: borrows the Ledger and the projection, which must outlive it. Thread-safety: as
// the Ledger (appends are serialised); imports hold their rows in memory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/import/table_reader.h"
#include "ledger/core/directory/calendar.h"
#include "ledger/ledger.h"
#include "projections/directory_projection.h"

namespace suiji {

// One bad cell or row of an import, as shown to the clerk.
struct RowProblem {
  uint64_t row = 0;        // 1-based row in the file (the header is row 1)
  std::string column;      // the file's own column header
  std::string value;
  std::string reason;
};

struct ImportOptions {
  std::string org_id;          // the importing bureau: records belong to its jurisdiction
  Actor actor;
  bool skip_bad_rows = false;  // default: one bad row refuses the whole file
  // The file is the complete directory of the org's jurisdiction: active records that are
  // missing from it are retired (the twice-yearly synchronisation with registration data).
  bool sync = false;
  bool dry_run = false;        // report what would be appended, append nothing
  // When the appended events are folded into the directory projection.
  enum class Fold {
    kAfter,           // once the batch is durable (the command line)
    // On a second thread, from memory, each event as soon as it is signed, while the rest
    // are being signed (ledger/tail_view.h). For a projection that may run ahead of the log
    // (ProjectionSync::kDeferred, the server's): if the batch then fails, the projection is
    // ahead, and it rebuilds itself from the log at the next catch-up.
    kWhileAppending,
  };
  Fold fold = Fold::kAfter;
  // With kWhileAppending: another fold that follows the batch the same way, on the same
  // thread, after the projection (the server's WorldFold::Follow). It must cope with being
  // ahead of the log if the batch fails.
  std::function<Status(const LogStorage& tail)> also_follow;
  std::function<void(std::string_view stage, uint64_t done, uint64_t total)> progress;
};

struct ImportReport {
  uint64_t rows = 0;
  uint64_t added = 0;
  uint64_t changed = 0;
  uint64_t unchanged = 0;
  uint64_t retired = 0;
  uint64_t bad_rows = 0;
  std::vector<RowProblem> problems;
  bool written = false;        // events were appended
  uint64_t first_sequence = 0;
  uint64_t events = 0;
};

// A command refused for a field: kInvalidArgument whose message lists FieldErrors.
Status FieldErrorsStatus(const std::vector<directory::FieldError>& errors);

// The working-day calendar folded from the log's CalendarPublished events.
StatusOr<directory::WorkCalendar> ReadCalendar(const LogStorage& log);

class DirectoryService {
 public:
  DirectoryService(Ledger& ledger, DirectoryProjection& projection, const LogStorage& log);

  // Applies every log entry the projection has not seen.
  Status Sync();

  StatusOr<uint64_t> RegisterOrg(const directory::OrgUnitRecord& o, const Actor& actor);
  // Registers a new target or appends the changed fields of an existing one. Returns the
  // event's sequence, or kAlreadyExists if nothing changed.
  StatusOr<uint64_t> UpsertTarget(const directory::TargetRecord& t, const Actor& actor);
  StatusOr<uint64_t> RetireTarget(std::string_view code, directory::TargetStatus status,
                                  std::string_view reason, const Actor& actor);
  StatusOr<uint64_t> UpsertInspector(const directory::InspectorRecord& i, const Actor& actor);
  StatusOr<uint64_t> RetireInspector(std::string_view id, std::string_view reason,
                                     const Actor& actor);
  StatusOr<uint64_t> DeclareConflict(const directory::ConflictRecord& c, const Actor& actor);
  StatusOr<uint64_t> WithdrawConflict(const directory::ConflictRecord& c, const Actor& actor);
  // Publishes the years of `schedules` whose schedule differs from the one in the log (one
  // CalendarPublished event each, in one batch); returns how many were published.
  // The working-day calendar, from the CalendarPublished events the projection's history
  // names (read from the log one by one: never a whole-log replay).
  StatusOr<directory::WorkCalendar> Calendar() const;
  StatusOr<size_t> PublishCalendars(const std::vector<directory::YearSchedule>& schedules,
                                    const Actor& actor);

  // Publishes the next version of an org's item list (version is set here).
  StatusOr<uint64_t> PublishItemList(directory::ItemListRecord l, const Actor& actor);

  // Calls the visitor for every data row, in order, with its 1-based row number; a scan may
  // be run several times (the target import reads its input twice).
  using RowVisitor = std::function<Status(uint64_t row, const std::vector<std::string>& cells)>;
  using RowScanner = std::function<Status(const RowVisitor&)>;
  // The rows of part `part` of `parts`, in order (the parts, in order, are every row once).
  using PartScanner = std::function<Status(size_t part, size_t parts, const RowVisitor&)>;

  StatusOr<ImportReport> ImportTargets(const import::Table& table, const ImportOptions& opts);
  // The streaming form: rows are checked in a first pass, then read again to decide and
  // append, so a million-row file is never held in memory as cells.
  StatusOr<ImportReport> ImportTargetRows(const std::vector<std::string>& header,
                                          const RowScanner& scan, const ImportOptions& opts);
  // Reads a CSV file by streaming it (XLSX through a Table) and imports it.
  StatusOr<ImportReport> ImportTargetsFile(const std::string& path, import::Encoding enc,
                                           std::string_view sheet, const ImportOptions& opts);
  StatusOr<ImportReport> ImportInspectors(const import::Table& table, const ImportOptions& opts);
  // An item-list file holds one row per item; importing it publishes a new version when the
  // items differ from the version in force. opts.sync is ignored.
  StatusOr<ImportReport> ImportItems(const import::Table& table, const ImportOptions& opts,
                                     std::string_view effective_date);

 private:
  // Appends drafts at the projection's position; on a stale position catches up and asks
  // `redecide` for fresh drafts (up to 3 times).
  StatusOr<uint64_t> AppendDecided(const std::function<StatusOr<std::vector<EventDraft>>()>& decide);
  // ImportTargetRows with its two passes over the rows run on `parts` threads, each over one
  // part (a thread reads the projection only).
  StatusOr<ImportReport> ImportTargetParts(const std::vector<std::string>& header,
                                           const PartScanner& scan, size_t parts,
                                           const ImportOptions& opts);
  // AppendStream at `first`, the projection folding each entry as it is signed
  // (ImportOptions::Fold::kWhileAppending).
  StatusOr<uint64_t> AppendFolding(uint64_t count, const Ledger::DraftSource& make, uint64_t first,
                                   const std::function<Status(const LogStorage&)>& also_follow);
  Status CheckJurisdiction(std::string_view org_id, std::string_view region,
                           std::vector<directory::FieldError>& errors);

  Ledger& ledger_;
  DirectoryProjection& projection_;
  const LogStorage& log_;
};

}  // namespace suiji
