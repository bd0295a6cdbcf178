// Inspection events (schemas/inspection.fbs) as plain C++ values: announcements, results and
// their review steps, corrections, internal notes, transfers and credit re-evaluations; their
// validation and their encoding as event payloads. Pure: no I/O, no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/directory/records.h"
#include "ledger/core/envelope.h"
#include "schemas/inspection_generated.h"

namespace suiji::inspection {

using directory::FieldError;
using schema::Handling;
using schema::Outcome;
using schema::TransferKind;

struct AnnouncementRecord {
  std::string draw_id;
  std::string confirmed_date;
  std::vector<std::string> confirmed_by;
  bool publish_targets = true;
  std::string withheld_reason;
  std::string note;
  bool operator==(const AnnouncementRecord&) const = default;
};

struct FindingRecord {
  std::string point;
  bool compliant = true;
  std::string text;
  bool operator==(const FindingRecord&) const = default;
};

struct ViolationRecord {
  std::string description;
  std::string legal_basis;
  std::vector<Handling> handling;
  bool no_penalty_list = false;
  uint64_t fine_yuan = 0;
  bool operator==(const ViolationRecord&) const = default;
};

struct ItemResultRecord {
  std::string item_id;
  Outcome outcome = Outcome::Unknown;
  std::string outcome_text;
  std::vector<FindingRecord> findings;
  std::vector<ViolationRecord> violations;
  bool operator==(const ItemResultRecord&) const = default;
};

struct EvidenceRecord {
  Hash sha256{};
  uint64_t size = 0;
  std::string kind;
  std::string name;
  bool operator==(const EvidenceRecord&) const = default;
};

struct ResultRecord {
  std::string draw_id;
  std::string credit_code;
  uint32_t revision = 1;
  std::string inspection_date;
  std::vector<ItemResultRecord> items;
  std::vector<EvidenceRecord> evidence;
  std::vector<std::string> team;
  // Refused unless empty (schemas/inspection.fbs): the team confirms with ConfirmationRecords.
  std::vector<std::string> confirmed_by;
  bool operator==(const ResultRecord&) const = default;
};

// 316 ResultConfirmed: one inspector of a revision's team confirms that revision, as its own
// act (appended by that inspector's own user).
struct ConfirmationRecord {
  std::string draw_id;
  std::string credit_code;
  uint32_t revision = 0;
  Hash result_sha256{};  // SHA-256 of the revision's ResultRecorded payload as stored
  std::string inspector_id;
  bool operator==(const ConfirmationRecord&) const = default;
};

// ResultSubmitted and ResultPublished.
struct ResultStepRecord {
  std::string draw_id;
  std::string credit_code;
  uint32_t revision = 0;
  std::string date;  // ResultPublished: the publication date
  bool operator==(const ResultStepRecord&) const = default;
};

struct ReviewRecord {
  std::string draw_id;
  std::string credit_code;
  uint32_t revision = 0;
  bool approved = false;
  std::string reason;  // required when returned
  bool operator==(const ReviewRecord&) const = default;
};

struct CorrectionRecord {
  uint32_t correction = 1;
  std::string reason;
  ResultRecord result;
  bool operator==(const CorrectionRecord&) const = default;
};

struct InternalNoteRecord {
  std::string draw_id;
  std::string credit_code;
  std::string note;
  std::string complainant_name;
  std::string complainant_contact;
  bool operator==(const InternalNoteRecord&) const = default;
};

struct TransferRecord {
  std::string draw_id;
  std::string credit_code;
  TransferKind kind = TransferKind::Unknown;
  std::string to_body;
  std::string date;
  std::string reason;
  bool operator==(const TransferRecord&) const = default;
};

struct ReevaluationRecord {
  std::string draw_id;
  std::string credit_code;
  std::string grade;
  std::string grade_date;
  std::string reason;
  bool operator==(const ReevaluationRecord&) const = default;
};

// Evidence files and list sizes a result may hold (keeps every event far below the ledger's
// payload limit).
inline constexpr size_t kMaxItems = 50;
inline constexpr size_t kMaxFindings = 200;
inline constexpr size_t kMaxViolations = 50;
inline constexpr size_t kMaxEvidence = 200;
inline constexpr size_t kMaxPeople = 25;

// --- validation of fields and formats (references to draws and items are the fold's) ---
std::vector<FieldError> ValidateAnnouncement(const AnnouncementRecord& a);
// Includes: an outcome from the list for every item (text for 其他); violations present
// exactly when the outcome says problems were found; each violation with a description, a
// legal basis and handling; 责令改正 with "已责令改正"; no-penalty handling without a fine;
// evidence hashes 32 bytes; a team of at least two; `confirmed_by` empty (the team confirms
// with ConfirmationRecords of its own, never by the recorder's word).
std::vector<FieldError> ValidateResult(const ResultRecord& r);
std::vector<FieldError> ValidateTransfer(const TransferRecord& t);
std::vector<FieldError> ValidateReevaluation(const ReevaluationRecord& r);

// --- payload encoding (deterministic) and decoding (verifies the buffer; kDataLoss) ---
Bytes EncodeAnnouncement(const AnnouncementRecord& a);
Bytes EncodeResult(const ResultRecord& r);
Bytes EncodeStep(const ResultStepRecord& s);
Bytes EncodeReview(const ReviewRecord& r);
Bytes EncodeCorrection(const CorrectionRecord& c);
Bytes EncodeInternalNote(const InternalNoteRecord& n);
Bytes EncodeConfirmation(const ConfirmationRecord& c);
Bytes EncodeTransfer(const TransferRecord& t);
Bytes EncodeReevaluation(const ReevaluationRecord& r);

StatusOr<AnnouncementRecord> DecodeAnnouncement(ByteView b);
StatusOr<ResultRecord> DecodeResult(ByteView b);
StatusOr<ResultStepRecord> DecodeStep(ByteView b);
StatusOr<ReviewRecord> DecodeReview(ByteView b);
StatusOr<CorrectionRecord> DecodeCorrection(ByteView b);
StatusOr<InternalNoteRecord> DecodeInternalNote(ByteView b);
StatusOr<ConfirmationRecord> DecodeConfirmation(ByteView b);
StatusOr<TransferRecord> DecodeTransfer(ByteView b);
StatusOr<ReevaluationRecord> DecodeReevaluation(ByteView b);

// --- names: Chinese labels as published, and stable English keys (JSON, the CLI) ---
std::string_view OutcomeLabel(Outcome o);   // "未发现问题", ...
std::string_view OutcomeKey(Outcome o);     // "no_problem", "corrected", ...
Outcome OutcomeFromKey(std::string_view key);  // Unknown if none
std::string_view HandlingLabel(Handling h);  // "责令改正", ...
std::string_view HandlingKey(Handling h);    // "order_correction", ...
Handling HandlingFromKey(std::string_view key);
std::string_view TransferKindKey(TransferKind k);  // "department", "police"
TransferKind TransferKindFromKey(std::string_view key);

// Problems found: the outcome is 发现问题已责令改正 or 发现问题待后续处理.
bool FoundProblems(Outcome o);
// The visit says nothing about compliance (不配合, 无法联系, 关闭, 未开展). 其他 counts as
// observed: its violations, if any, are listed like any other outcome's.
bool Unobserved(Outcome o);
// A result found a violation in any item.
bool AnyViolation(const ResultRecord& r);

// The date in China Standard Time (UTC+8) of a time in microseconds since 1970 UTC.
std::string ChinaDate(int64_t time_us);
// The same date and the time of day, "YYYY-MM-DD HH:MM:SS" (Beijing time).
std::string ChinaTime(int64_t time_us);

// True for 300..399.
bool IsInspectionEvent(EventType type);

}  // namespace suiji::inspection
