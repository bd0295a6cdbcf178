// The public record (一公开, R11, R13) as a projection folder: the notices a bureau publishes —
// item lists, every plan version, tasks, draws with their proof data and the targets they may
// name, published results with their corrections, transfers and credit re-evaluations — and
// the credit-publicity rows, kept row by row and updated event by event, with indexes to find
// published results by credit code, part of the employer's name, region, task and date.
//
// It gives exactly what the in-memory fold inspection::PublicRecord gives (Notices(),
// CreditPublicityCsv(), CreditPublicityJson(); tests/projections/public_projection_test.cc
// compares them), but no read assembles more than it returns: a page of results reads that
// page's rows, the whole notices and the CSV are streamed row by row from one read
// transaction.
//
// Self-contained: it folds the events' payloads itself (it does not use DrawWorld or
// InspectionWorld) and reads only the directory folder besides its own databases (an
// employer's name and region when first named publicly; org names, which it resolves when
// read, as PublicRecord does). Trusts the log: the writer and the verifier enforce the rules.
//
// Internal data never enters a public row (see the list in ledger/core/inspection/
// public_record.h): the unpublished revisions of a result are kept (in "pub_revisions") only
// until one is published, and are never read by a public query.
//
// Layout: the "public" folder of DIR/projections/state (projections/projections.h). Values
// are JSON text (nlohmann's dump: sorted keys, so a rebuild has the same bytes).
//   pub_meta          "ledger" -> ledger id; "size" -> u64 BE log entries applied
//   pub_item_lists    org_id 0x00 u32 BE version -> item-list notice (org_name resolved on read)
//   pub_plans         u64 BE sequence of the PlanFiled -> plan notice (every version)
//   pub_plan_ids      plan_id 0x00 u64 BE sequence -> ""
//   pub_tasks         task_id -> task notice
//   pub_task_by_plan  plan_id 0x00 task_id -> ""
//   pub_task_state    task_id -> {commits, draws: [draw ids in order]}
//   pub_draws         u64 BE freeze sequence -> draw notice without its targets ("targets": [])
//   pub_draw_state    draw_id -> {seq (freeze), parts, parts_seen, visits, all (announced with
//                     its targets)}
//   pub_visits        draw_id 0x00 u32 BE order -> {c: credit code, m: merged into}
//   pub_named         draw_id 0x00 credit code -> {name, region} when first named publicly
//   pub_result_state  draw_id 0x00 credit code -> {pub: sequence of the ResultPublished or 0,
//                     transfers: [transfers before publication]}
//   pub_revisions     draw_id 0x00 code 0x00 u32 BE revision -> ResultRecorded payload
//                     (internal; deleted once a revision is published)
//   pub_results       u64 BE sequence of the ResultPublished -> result notice
//   pub_rows          the same key -> {org: org id, cells: [9 credit-publicity cells]}
//   pub_draw_seqs     draw_id 0x00 u64 BE sequence -> "": the draw's public inspection events
//                     (PublicRecord::PublicSequencesOfDraw: its announcement and, per published
//                     result, the published revision's record, the publication, corrections,
//                     transfers and re-evaluations); result_state keeps the sequences of
//                     revisions ("recs") and transfers ("tseq") until the publication
//   pub_index         keys only, each ending in the u64 BE ResultPublished sequence:
//                       "c" code 0x00 ·  "n" gram 0x00 ·  "r" region 0x00 ·  "t" task 0x00 ·
//                       "d" YYYY-MM-DD
//                     grams: every character and every pair of adjacent characters of the
//                     employer's name (UTF-8 code points), so one character or any longer
//                     part of a name finds it ("建筑" finds 某某建筑工程有限公司).
//                     The employer search (version 3), written when a draw or a result first
//                     names an employer publicly (pub_named): "e" gram 0x00 code (each gram
//                     of the name it was named by) · "w" code 0x00 draw_id.
//
// Thread-safety: a PublicReader is one read transaction, used from one thread at a time
// (LMDB's MDB_NOTLS lets it move between threads); readers never block the writer.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "projections/lmdb_projection.h"

namespace suiji {

// The folder, for NodeFolders(): applied after `directory` (NewDirectoryFolder()), which it
// reads and which must outlive it (both live in the same LmdbProjection).
std::unique_ptr<ProjectionFolder> NewPublicFolder(const ProjectionFolder& directory);

// A search of published results. Every given filter must hold.
struct ResultQuery {
  std::string code;    // the employer's credit code, exactly
  std::string name;    // part of its name as published (one character or more)
  std::string region;  // GB/T 2260 code; a city or province code covers the counties below it
  std::string task;    // task id
  std::string from;    // publication date range, YYYY-MM-DD, inclusive
  std::string to;
  size_t limit = 50;   // 1..kMaxPageLimit
  std::string cursor;  // next_cursor of the previous page; "" for the first
};

inline constexpr size_t kMaxPageLimit = 500;

struct Page {
  std::vector<nlohmann::json> items;
  std::string next_cursor;  // "" when this page is the last
};

// Pieces of output; returns false when the receiver is gone (the stream stops).
using Sink = std::function<bool(std::string_view)>;

// One consistent snapshot of the public folder (one LMDB read transaction).
class PublicReader {
 public:
  // kFailedPrecondition if `projection` has no public folder.
  static StatusOr<std::unique_ptr<PublicReader>> Begin(std::shared_ptr<const LmdbProjection> projection);
  ~PublicReader();
  PublicReader(const PublicReader&) = delete;
  PublicReader& operator=(const PublicReader&) = delete;

  // The log entries this snapshot reflects, and the ledger's id ("" before the first entry).
  uint64_t log_size() const { return size_; }
  const std::string& ledger_id() const { return ledger_; }

  // PublicRecord::Notices() as JSON text, byte for byte its dump() (`pretty`: its dump(2)),
  // written row by row. kUnavailable if `out` returned false.
  Status WriteNotices(const Sink& out, bool pretty = false);
  // PublicRecord::CreditPublicityCsv(), row by row (cells through CsvCell).
  Status WriteCsv(const Sink& out);
  // PublicRecord::CreditPublicityJson().dump() (`pretty`: dump(2)), row by row.
  Status WriteCreditJson(const Sink& out, bool pretty = false);

  // Notices one by one. Pages follow an opaque cursor (never an offset); a malformed cursor,
  // or one of another query, is kInvalidArgument.
  StatusOr<std::vector<nlohmann::json>> ItemLists();
  StatusOr<Page> Plans(size_t limit, std::string_view cursor);                    // filing order
  StatusOr<std::vector<nlohmann::json>> PlanVersions(std::string_view plan_id);  // empty: none
  StatusOr<Page> Tasks(std::string_view plan_id, size_t limit, std::string_view cursor);  // by id
  StatusOr<std::optional<nlohmann::json>> Task(std::string_view task_id);
  // The draws of a task, in order (notices without their targets).
  StatusOr<std::vector<nlohmann::json>> DrawsOfTask(std::string_view task_id);
  // Every draw notice without its targets, in freeze order (the public index page).
  StatusOr<std::vector<nlohmann::json>> DrawHeads();
  StatusOr<std::vector<nlohmann::json>> AllTasks();
  // One draw's notice with its targets (as in Notices()).
  StatusOr<std::optional<nlohmann::json>> Draw(std::string_view draw_id);
  // Published results (the objects of Notices()' "results"). The order is the index the
  // query is answered from: publication order, except by region (region, then publication),
  // by date range alone (publication date, then publication) and by name or code (then
  // publication).
  StatusOr<Page> Results(const ResultQuery& q);
  // The employers a draw or a published result names publicly, found by `query`: a credit
  // code exactly, or else any part of a name as published (one character or more; the
  // "e" index): {credit_code, name, region, region_name, draws: [{draw_id, task_id, task,
  // inspecting_body, phase, cancelled, drawn_date, announced_date, name}]} in code order
  // (after a code's exact match, none other). `name` is the latest name a draw published; a
  // draw's own "name" the one it published. Paged like Results (cursor over the index).
  StatusOr<Page> Employers(std::string_view query, size_t limit, std::string_view cursor);
  // One item list version's notice, or none.
  StatusOr<std::optional<nlohmann::json>> ItemList(std::string_view org_id, uint32_t version);
  // PublicRecord::PublicSequencesOfDraw(): ascending; empty for an unknown draw. What a
  // draw's public proof bundle carries besides the ceremony.
  StatusOr<std::vector<uint64_t>> PublicSequencesOfDraw(std::string_view draw_id);

 private:
  PublicReader() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t size_ = 0;
  std::string ledger_;
};

// The grams a name is indexed by (each code point, each adjacent pair), and the one a query
// is looked up by (itself if one code point, else its first pair). Exposed for tests.
std::vector<std::string> NameGrams(std::string_view name);

}  // namespace suiji
