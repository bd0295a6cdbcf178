// The directory records (targets, inspectors, org units, item lists) as plain C++ values,
// their validation against the national code standards, partial updates (patches), and
// their encoding as event payloads (schemas/directory.fbs).
//
// Pure: no I/O. The writer uses it to decide events, the projections to fold them, and the
// verifier (later) to rebuild draw eligibility from the log. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "schemas/directory_generated.h"

namespace suiji::directory {

using schema::InspectionMethod;
using schema::InspectorStatus;
using schema::ItemKind;
using schema::OrgLevel;
using schema::TargetStatus;

// One problem with one field of a record: what an import report line or an API error names.
struct FieldError {
  std::string field;   // the record field, e.g. "credit_code"
  std::string value;   // the offending value as given
  std::string reason;  // Chinese and English, e.g. "统一社会信用代码校验位错误 (wrong check character)"
};

struct OrgUnitRecord {
  std::string org_id;
  std::string name;
  std::string region;
  OrgLevel level = OrgLevel::Unknown;
  std::string parent_org_id;
  bool operator==(const OrgUnitRecord&) const = default;
};

struct TargetRecord {
  std::string credit_code;
  std::string name;
  std::string region;
  std::string industry;
  uint32_t headcount = 0;
  std::string credit_grade;  // "", "A", "B", "C"
  std::string grade_date;
  bool blacklisted = false;
  std::string blacklist_name;
  std::string blacklist_from;
  std::string blacklist_until;
  uint8_t star_level = 0;
  uint32_t complaints = 0;
  TargetStatus status = TargetStatus::Active;
  std::string org_id;
  bool operator==(const TargetRecord&) const = default;
};

// Bits naming TargetRecord fields, for partial updates.
enum TargetField : uint32_t {
  kTName = 1u << 0,
  kTRegion = 1u << 1,
  kTIndustry = 1u << 2,
  kTHeadcount = 1u << 3,
  kTCreditGrade = 1u << 4,
  kTGradeDate = 1u << 5,
  kTBlacklisted = 1u << 6,
  kTBlacklistName = 1u << 7,
  kTBlacklistFrom = 1u << 8,
  kTBlacklistUntil = 1u << 9,
  kTStarLevel = 1u << 10,
  kTComplaints = 1u << 11,
  kTStatus = 1u << 12,
  kTOrgId = 1u << 13,
  kTAll = (1u << 14) - 1,
};

// A partial update: the fields named in `fields` take their values from `values`.
struct TargetPatch {
  uint32_t fields = 0;
  TargetRecord values;  // values.credit_code names the target
  bool empty() const { return fields == 0; }
};

struct InspectorRecord {
  std::string inspector_id;
  std::string name;
  std::vector<std::string> domains;
  std::vector<std::string> specialties;
  std::string org_id;
  std::string region;
  InspectorStatus status = InspectorStatus::Active;
  bool auxiliary = false;
  bool operator==(const InspectorRecord&) const = default;
};

enum InspectorField : uint32_t {
  kIName = 1u << 0,
  kIDomains = 1u << 1,
  kISpecialties = 1u << 2,
  kIOrgId = 1u << 3,
  kIRegion = 1u << 4,
  kIStatus = 1u << 5,
  kIAuxiliary = 1u << 6,
  kIAll = (1u << 7) - 1,
};

struct InspectorPatch {
  uint32_t fields = 0;
  InspectorRecord values;
  bool empty() const { return fields == 0; }
};

struct ItemRecord {
  std::string item_id;
  std::string name;
  std::string implementing_body;
  std::string legal_basis;
  std::string content;
  InspectionMethod method = InspectionMethod::OnSite;
  ItemKind kind = ItemKind::General;
  std::vector<std::string> checklist;
  std::string responsible_body;
  bool operator==(const ItemRecord&) const = default;
};

struct ItemListRecord {
  std::string org_id;
  uint32_t version = 0;
  std::string effective_date;
  std::string note;
  std::vector<ItemRecord> items;
  bool operator==(const ItemListRecord&) const = default;
};

struct ConflictRecord {
  std::string inspector_id;
  std::string credit_code;
  std::string reason;
  bool operator==(const ConflictRecord&) const = default;
};

// --- validation (field formats and code standards; cross-record rules are the caller's) ---
bool ValidDate(std::string_view yyyy_mm_dd);
bool ValidUtf8(std::string_view s);
std::vector<FieldError> ValidateTarget(const TargetRecord& t);
std::vector<FieldError> ValidateInspector(const InspectorRecord& i);
std::vector<FieldError> ValidateOrgUnit(const OrgUnitRecord& o);
std::vector<FieldError> ValidateItemList(const ItemListRecord& l);

// "province", "city", "county" (or "unknown").
std::string_view OrgLevelName(OrgLevel level);
// R19: a bureau (an administrator acting for its org unit `acting`) registers org units only
// inside its own jurisdiction: the new unit `o` hangs under a parent within `acting`'s region,
// lies within that region itself, and sits at a level below `acting`'s own. `parent` is `o`'s
// registered parent, or nullptr when it names none or an unknown one. Why `acting` may not
// register `o`, or empty. The node's DirectoryService, the HTTP route and the verifier's
// authority audit apply the same rule.
std::string OrgRegistrationRefusal(const OrgUnitRecord& acting, const OrgUnitRecord* parent,
                                   const OrgUnitRecord& o);

// Field checks shared by the record validators (directory and draw): append a FieldError
// when `v` is missing (if required), longer than `max` bytes or not UTF-8; not a
// YYYY-MM-DD date; not a known GB/T 2260 region code.
inline constexpr size_t kMaxText = 1000;  // bytes, for names and short texts
void CheckText(std::vector<FieldError>& errs, std::string_view field, const std::string& v,
               bool required, size_t max = kMaxText);
void CheckDate(std::vector<FieldError>& errs, std::string_view field, const std::string& v,
               bool required);
void CheckRegion(std::vector<FieldError>& errs, std::string_view field, const std::string& v);

// --- partial updates ---
TargetPatch DiffTargets(const TargetRecord& before, const TargetRecord& after);
void ApplyPatch(TargetRecord& t, const TargetPatch& p);
InspectorPatch DiffInspectors(const InspectorRecord& before, const InspectorRecord& after);
void ApplyPatch(InspectorRecord& r, const InspectorPatch& p);

// --- payload encoding (deterministic: the same record always gives the same bytes) ---
Bytes EncodeOrgUnit(const OrgUnitRecord& o);
Bytes EncodeTarget(const TargetRecord& t);                // every field (TargetRegistered)
Bytes EncodeTargetPatch(const TargetPatch& p);            // only p.fields (TargetUpdated)
Bytes EncodeTargetRetired(std::string_view code, TargetStatus status, std::string_view reason);
Bytes EncodeInspector(const InspectorRecord& i);
Bytes EncodeInspectorPatch(const InspectorPatch& p);
Bytes EncodeInspectorRetired(std::string_view id, std::string_view reason);
Bytes EncodeConflict(const ConflictRecord& c);
Bytes EncodeItemList(const ItemListRecord& l);

// Decoders verify the buffer first; kDataLoss if malformed or an identity field is missing.
StatusOr<OrgUnitRecord> DecodeOrgUnit(ByteView b);
StatusOr<TargetRecord> DecodeTarget(ByteView b);
StatusOr<TargetPatch> DecodeTargetPatch(ByteView b);
struct TargetRetirement {
  std::string credit_code;
  TargetStatus status = TargetStatus::Deregistered;
  std::string reason;
};
StatusOr<TargetRetirement> DecodeTargetRetired(ByteView b);
StatusOr<InspectorRecord> DecodeInspector(ByteView b);
StatusOr<InspectorPatch> DecodeInspectorPatch(ByteView b);
struct InspectorRetirement {
  std::string inspector_id;
  std::string reason;
};
StatusOr<InspectorRetirement> DecodeInspectorRetired(ByteView b);
StatusOr<ConflictRecord> DecodeConflict(ByteView b);
StatusOr<ItemListRecord> DecodeItemList(ByteView b);

std::string_view TargetStatusName(TargetStatus s);      // "active", "deregistered", "moved"
std::string_view InspectorStatusName(InspectorStatus s);  // "active", "suspended", "retired"
std::string_view MethodName(InspectionMethod m);        // "written", "on-site", "online"
std::string_view ItemKindName(ItemKind k);              // "general", "key"

}  // namespace suiji::directory
