// The public record (一公开, R11, R13): a projection of the whole log into what a bureau
// publishes — the item lists, the plans, every task and draw with the data that proves it,
// the drawn targets once they may be named, the published results with their corrections and
// follow-up — and the export of published results in the layout of the enterprise credit
// publicity system (国家企业信用信息公示系统). Also the inspection sheet of one visit (R11),
// which is internal: it names the inspectors.
//
// PublicRecord folds every entry through an InspectionWorld (so it refuses exactly what the
// verifier refuses) and additionally keeps what that world drops or never needed: every plan
// version, the China dates of the events a notice shows, and the employer's name as it stood
// when it was first named publicly.
//
// Internal-only — never in Notices(), CreditPublicityCsv(), CreditPublicityJson(), nor in
// the payloads of PublicSequencesOfDraw() (tests/api/inspection_public_record_test.cc plants
// a marker in each and scans every output):
//   - ResultInternalNote (the note, the complainant's name and contact);
//   - ResultReviewed (who reviewed, approval and the reason a result was returned);
//   - every revision of a result but the published one (drafts that were returned or never
//     published), and every result not yet published;
//   - the directory's internal data: conflict-of-interest declarations and their reasons,
//     inspector names (ids neither), targets' complaint counts, blacklist details, headcount
//     and draw weights (a visit's weight, strata weight totals);
//   - Memo events; actors (who appended an event) and the staff who confirmed a drawn list;
//   - evidence file names (hash, size and kind identify a file; a name may name a person).
// The signed ResultRecorded payload a bundle carries still holds the team's inspector ids and
// the evidence names: schemas/inspection.fbs declares every field of it public, so bureaus
// must not put personal data there (internal notes are for that).
//
// Pure: no I/O. Not thread-safe. Lifetime: a value; outputs are computed on each call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/core/inspection/state.h"

namespace suiji::inspection {

// The columns of the credit publicity export, in order (CreditPublicityCsv's header line,
// CreditPublicityJson's "columns" and its row keys):
//
//   统一社会信用代码  the employer's credit code
//   企业名称          its name when the result was published
//   检查机关          the name of the task's bureau (谁检查、谁公开)
//   抽查任务          the task's title
//   检查日期          the inspection date (YYYY-MM-DD)
//   检查结果          the outcome label (OutcomeLabel; 其他 as "其他（text）"); with several
//                     items "事项名称：label" per item, joined by "；"
//   处理情况          per violation "description（legal basis）：handling、handling" (罚款 as
//                     "罚款N元"), joined by "；"; "无" when nothing was found
//   公示日期          the publication date (ResultPublished's date)
//   更正情况          "" if never corrected; else the latest correction:
//                     "更正N：reason（更正日期：D；更正后检查结果：…；更正后处理情况：…）"
//
// The row itself is the original publication, never rewritten: a correction is shown beside
// it (更正情况), as the result page shows corrections beside the original. One row per
// published result, in order of publication.
inline constexpr std::string_view kCreditPublicityColumns[] = {
    "统一社会信用代码", "企业名称", "检查机关", "抽查任务", "检查日期",
    "检查结果",         "处理情况", "公示日期", "更正情况"};

// Text escaped for HTML content and attribute values (& < > " ').
std::string HtmlEscape(std::string_view s);

// One cell of a CSV file people open in a spreadsheet: RFC 4180 quoting (in double quotes,
// quotes doubled, when it holds a comma, quote, CR or LF), and neutralised against formula
// ("CSV") injection as OWASP advises: a cell starting with = + - @ TAB or CR is written as
// "'<cell>" (quoted, with a leading single quote, which spreadsheets show as text). Every
// cell of the exports is text (codes, names, dates, labels): there are no numbers to keep, so
// a leading minus is neutralised too. The JSON exports carry the cells unchanged.
std::string CsvCell(std::string_view s);

// The pieces of the public outputs that the public-record projection
// (projections/public_projection.h) builds event by event, shared so both give the same bytes.
// `item_names`: the names of the task's items by id (an id without a name shows as itself).
//   ContentJson   {inspection_date, items: [...], evidence: [...]} of a result as published
//   OutcomeCell   the 检查结果 cell; HandlingCell the 处理情况 cell
nlohmann::json ContentJson(const ResultRecord& r, const std::map<std::string, std::string>& item_names);
//   TaskNoticeJson  a task's notice (Notices()' "tasks"), without the withdrawal's date and
//                   reason: `item_name(id)` is an item's name in the task's item list ("" if
//                   none); org_name, defined_date (YYYY-MM-DD), redraws and withdrawn as given
nlohmann::json TaskNoticeJson(const draw::TaskRecord& t, const std::function<std::string(const std::string&)>& item_name,
                              const std::string& org_name, const std::string& defined_date, uint32_t redraws,
                              bool withdrawn);
std::string OutcomeCell(const ResultRecord& r, const std::map<std::string, std::string>& item_names);
std::string HandlingCell(const ResultRecord& r);

// What a sheet names besides the state: the ledger and how many entries the state covers
// (the footer: "本检查单由账本 <ledger_id> 前 <log_size> 条记录生成").
struct SheetContext {
  std::string ledger_id;
  uint64_t log_size = 0;
};

// The inspection sheet (检查单) of one visit over any inspection store (the in-memory fold:
// PublicRecord::InspectionSheetHtml; the "inspections" projection folder: the server and
// `suiji result sheet`), so both give the same bytes. The draw, task, visits (a merged visit's
// team), inspectors' and the target's names, org names (the directory reader's Org), the
// calendar and the items are the store's. Codes and messages as PublicRecord's below.
StatusOr<std::string> InspectionSheetHtml(const InspectionStore& store, std::string_view draw_id,
                                          std::string_view credit_code, const SheetContext& ctx);

class PublicRecord {
 public:
  // A record that folds its own InspectionWorld.
  PublicRecord() = default;
  // A record over a world its owner folds (a node keeps one world for all its readers):
  // Apply(e) must come right after `world` has folded e. `world` must outlive the record.
  explicit PublicRecord(const InspectionWorld& world) : shared_(&world) {}

  // Folds one entry (any type, in log order). Errors are the InspectionWorld's: the log broke
  // a rule, and the record stops there.
  Status Apply(const EntryView& e);

  // The public notices as of the last applied entry ("suiji-public/1"):
  //   { format, ledger_id, log_size,
  //     item_lists: [{org_id, org_name, version, effective_date, published_date, note,
  //                   items: [{item_id, name, implementing_body, legal_basis, content,
  //                            method, kind, checklist, responsible_body}]}],
  //     plans:  [{plan_id, version, org_id, org_name, year, title, filed_with_org_id, note,
  //               filed_date}]                                  (every version)
  //     tasks:  [{task_id, plan_id, org_id, org_name, title, item_list_version,
  //               items: [{item_id, name}],
  //               key_items, regions, industries, min_headcount, credit_grades,
  //               blacklisted_only, directed, window_start, window_end, ratio_bp | count,
  //               strata_by, joint_departments, defined_date, redraws, withdrawn,
  //               withdrawn_date, withdrawal_reason, batch_size, quota_split,
  //               quotas: [{key, count}], credit: {grade_a_exempt_years, grade_c_ratio_bp,
  //               grade_c_ignores_no_repeat, base_weight, blacklist_multiplier,
  //               star_threshold, star_policy, complaint_step, complaint_cap},
  //               frequency: {max_per_year, no_repeat_item_within_year},
  //               inspectors: {domains, specialties, regions, team_size, substitutes,
  //               experts, expert_specialties}}],
  //     draws:  [{draw_id, task_id, phase, cancelled, cancel_reason, cancelled_date,
  //               frozen_date, committed_date, revealed_date, drawn_date,
  //               frozen_time, committed_time, revealed_time (Beijing "YYYY-MM-DD HH:MM:SS"),
  //               population: {targets|inspectors|experts: {count, root}}, strata,
  //               commitment: {hash, params_hash, secret_hash, algorithm, freeze_sequence,
  //                            drand, lottery, witnesses, note},
  //               reveal: {secret, seed, drand: null | {randomness, signature},
  //                        lottery_digits, witness_digits: [{witness, digits}]},
  //               selected, redraws, task_cancellations: [{draw_id, reason, date}],
  //               announcement: null | {confirmed_date, announced_date, publish_targets,
  //                                     withheld_reason, note},
  //               targets_shown: "all" | "published_results" | "none",
  //               targets: [{credit_code, name, region, region_name[, merged_into]}]}],
  //     results: [{draw_id, task_id, task, credit_code, employer_name, region,
  //                inspecting_body_id, inspecting_body, inspection_date, published_date,
  //                revision, items: [{item_id, item_name, outcome, outcome_label,
  //                outcome_text, findings: [{point, compliant, text}], violations:
  //                [{description, legal_basis, handling, handling_labels, no_penalty_list,
  //                fine_yuan}]}], evidence: [{sha256, size, kind}],
  //                corrections: [{correction, reason, date, result: {inspection_date,
  //                items, evidence}}], transfers: [{kind, to_body, date}],
  //                credit_reevaluations: [{grade, grade_date, date}]}] }
  // Dates are China dates "YYYY-MM-DD"; hashes and bytes lowercase hex. A draw's targets are
  // named only when its announcement published them, otherwise only those whose result is
  // published (the result names them anyway).
  nlohmann::json Notices() const;

  // The published results in the credit publicity layout (kCreditPublicityColumns): UTF-8
  // with a byte order mark (what Excel on Chinese Windows needs to read UTF-8), RFC 4180
  // quoting (a field with a comma, quote, CR or LF in double quotes, quotes doubled), CRLF
  // after every line. Cells are the data as published, except that a cell starting with
  // = + - @ TAB or CR (a formula to a spreadsheet: CSV injection) is written as CsvCell says.
  std::string CreditPublicityCsv() const;
  // The same rows as JSON: {format: "suiji-credit-publicity/1", columns: [...],
  // rows: [{<column>: <cell>, ...}]}.
  nlohmann::json CreditPublicityJson() const;

  // The inspection sheet (检查单) of one visit: an internal HTML page that prints on A4 —
  // employer, task, items with legal basis, content and checklist points (a tick box and
  // room for findings each), the team with names and the experts, the substitute order,
  // the deadlines (inspect within the window; enter within 2 working days of the
  // inspection; publish by the task end + 20 working days by the calendar in the log), and a
  // signature line per team member. Self-contained (no external assets); all text escaped.
  // kNotFound if the draw is unknown or `credit_code` is not drawn in it;
  // kFailedPrecondition if the draw is cancelled or has no result yet.
  StatusOr<std::string> InspectionSheetHtml(std::string_view draw_id,
                                            std::string_view credit_code) const;

  // The sequences, ascending, of the public inspection events of a draw: its TargetsAnnounced
  // and, for each published result, the published revision's ResultRecorded, ResultPublished,
  // every ResultCorrected, CaseTransferred and CreditReevaluated. Never ResultReviewed,
  // ResultInternalNote, ResultSubmitted, nor a revision that was not published. What a
  // draw's proof bundle carries besides the ceremony (api/public_bundle.h, `extra`).
  // Empty for an unknown draw.
  std::vector<uint64_t> PublicSequencesOfDraw(std::string_view draw_id) const;

  const InspectionWorld& world() const { return shared_ != nullptr ? *shared_ : own_; }
  // The next sequence to apply (the size of the log folded so far).
  uint64_t size() const { return size_; }

 private:
  struct PlanVersion {
    draw::PlanRecord plan;
    uint64_t sequence = 0;
    int64_t time_us = 0;
  };
  struct Named {  // an employer as it stood when first named publicly
    std::string name;
    std::string region;
  };
  struct Row;

  std::vector<Row> PublicityRows() const;
  nlohmann::json DrawJson(const draw::DrawInfo& d) const;
  nlohmann::json ResultJson(const ResultInfo& r) const;
  std::string DateOf(uint64_t sequence) const;
  std::string OrgName(std::string_view org_id) const;
  Named NameOf(const ResultKey& key) const;

  InspectionWorld own_;                      // unused with a shared world
  const InspectionWorld* shared_ = nullptr;
  std::string ledger_id_;
  uint64_t size_ = 0;
  std::vector<PlanVersion> plans_;                               // every PlanFiled, in order
  std::map<std::pair<std::string, uint32_t>, int64_t> item_list_time_;  // (org, version)
  std::map<uint64_t, int64_t> time_of_;                  // plan, task, draw, inspection events
  std::map<std::string, uint64_t, std::less<>> drawn_sequence_;  // draw id -> last result part
  std::map<std::string, std::string, std::less<>> withdrawal_reason_;  // by task id
  std::map<std::string, uint64_t, std::less<>> withdrawal_sequence_;
  std::map<ResultKey, Named> named_;  // targets named by an announcement or a publication
};

}  // namespace suiji::inspection
