// Plans, tasks and the draw ceremony's events (schemas/draw.fbs) as plain C++ values, their
// validation, and their encoding as event payloads. Pure: no I/O, no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/directory/records.h"
#include "schemas/draw_generated.h"

namespace suiji::draw {

using directory::FieldError;
using schema::QuotaSplit;
using schema::StarPolicy;
using schema::StrataBy;

// The algorithm this code implements (docs/draw-protocol.md). Stated in every commitment.
inline constexpr std::string_view kAlgorithm = "suiji-draw/1";

struct PlanRecord {
  std::string plan_id;
  std::string org_id;
  uint16_t year = 0;
  std::string title;
  std::string filed_with_org_id;
  uint32_t version = 1;
  std::string note;
  bool operator==(const PlanRecord&) const = default;
};

struct CreditRules {
  uint8_t grade_a_exempt_years = 2;
  uint16_t grade_c_ratio_bp = 10000;
  bool grade_c_ignores_no_repeat = true;
  uint8_t base_weight = 2;
  uint8_t blacklist_multiplier = 3;
  uint8_t star_threshold = 4;
  StarPolicy star_policy = StarPolicy::Reduce;
  uint8_t complaint_step = 1;
  uint8_t complaint_cap = 4;
  bool operator==(const CreditRules&) const = default;
};

struct FrequencyRules {
  uint8_t max_per_year = 2;
  bool no_repeat_item_within_year = true;
  bool operator==(const FrequencyRules&) const = default;
};

struct InspectorRequirements {
  std::vector<std::string> domains;
  std::vector<std::string> specialties;
  std::vector<std::string> regions;
  uint8_t team_size = 2;
  uint8_t substitutes = 2;
  uint8_t experts = 0;
  std::vector<std::string> expert_specialties;
  bool operator==(const InspectorRequirements&) const = default;
};

struct StratumQuota {
  std::string key;
  uint32_t count = 0;
  bool operator==(const StratumQuota&) const = default;
};

struct TaskRecord {
  std::string task_id;
  std::string plan_id;
  std::string org_id;
  std::string title;
  uint32_t item_list_version = 0;
  std::vector<std::string> item_ids;
  bool key_items = false;
  uint32_t batch_size = 0;
  std::vector<std::string> regions;
  std::vector<std::string> industries;
  uint32_t min_headcount = 8;
  bool directed = false;
  std::vector<std::string> credit_grades;
  bool blacklisted_only = false;
  uint16_t ratio_bp = 0;
  uint32_t count = 0;
  StrataBy strata_by = StrataBy::None;
  QuotaSplit quota_split = QuotaSplit::Proportional;
  std::vector<StratumQuota> quotas;
  CreditRules credit;
  FrequencyRules frequency;
  std::string window_start;
  std::string window_end;
  InspectorRequirements inspectors;
  std::vector<std::string> joint_departments;
  bool operator==(const TaskRecord&) const = default;
};

struct TaskWithdrawal {
  std::string task_id;
  std::string reason;
  bool operator==(const TaskWithdrawal&) const = default;
};

struct StratumCount {
  std::string key;
  uint64_t population = 0;
  uint64_t weight_total = 0;
  uint64_t quota = 0;
  bool operator==(const StratumCount&) const = default;
};

struct FreezeRecord {
  std::string draw_id;
  std::string task_id;
  uint64_t target_count = 0;
  Hash target_root{};
  uint64_t inspector_count = 0;
  Hash inspector_root{};
  uint64_t expert_count = 0;
  Hash expert_root{};
  std::vector<StratumCount> strata;
  bool operator==(const FreezeRecord&) const = default;
};

struct CommitRecord {
  std::string draw_id;
  std::string task_id;
  uint64_t freeze_sequence = 0;
  uint64_t target_count = 0;
  Hash target_root{};
  uint64_t inspector_count = 0;
  Hash inspector_root{};
  uint64_t expert_count = 0;
  Hash expert_root{};
  Hash params_hash{};
  std::string algorithm = std::string(kAlgorithm);
  Hash secret_hash{};
  std::string drand_chain;  // empty: no drand entropy
  uint64_t drand_round = 0;
  int64_t drand_round_time = 0;
  std::string lottery_name;  // empty: no lottery entropy
  std::string lottery_issue;
  int64_t lottery_time = 0;
  std::vector<std::string> witnesses;
  std::string note;
  bool operator==(const CommitRecord&) const = default;
};

struct RevealRecord {
  std::string draw_id;
  Bytes secret;
  Bytes drand_randomness;
  Bytes drand_signature;
  std::string lottery_digits;
  std::vector<std::string> witness_digits;
  Hash seed{};
  bool operator==(const RevealRecord&) const = default;
};

struct VisitRecord {
  std::string credit_code;
  std::string stratum;
  uint32_t weight = 1;
  uint64_t rank_key = 0;
  uint32_t order = 0;
  uint32_t batch = 0;
  std::vector<std::string> team;
  std::vector<std::string> experts;
  std::vector<std::string> substitutes;
  std::string merged_into;
  bool operator==(const VisitRecord&) const = default;
};

// Visits per DrawResult event: at most 25 inspector ids of 64 bytes each per visit keep a
// part under the ledger's payload limit (kMaxPayloadBytes, 512 KiB) on every backend.
inline constexpr uint32_t kVisitsPerResultPart = 250;

struct ResultPart {
  std::string draw_id;
  Hash seed{};
  uint32_t part = 0;
  uint32_t parts = 1;
  uint64_t selected_total = 0;
  std::vector<StratumCount> strata;  // part 0 only
  std::vector<VisitRecord> visits;
  bool operator==(const ResultPart&) const = default;
};

struct CancelRecord {
  std::string draw_id;
  std::string reason;
  bool operator==(const CancelRecord&) const = default;
};

struct DeclineRecord {
  std::string draw_id;
  std::string credit_code;
  std::string inspector_id;
  std::string reason;
  std::string replacement_id;
  bool operator==(const DeclineRecord&) const = default;
};

// --- validation: field formats and ranges; references to other records are the fold's ---
std::vector<FieldError> ValidatePlan(const PlanRecord& p);
// Includes: team_size >= 2, exactly one of ratio_bp (1..10000) and count, window dates in
// order and within one year, region and industry codes valid, explicit quotas when
// quota_split is Explicit, directed tasks stating at least one filter.
std::vector<FieldError> ValidateTask(const TaskRecord& t);

// --- payload encoding (deterministic) and decoding (verifies the buffer; kDataLoss) ---
Bytes EncodePlan(const PlanRecord& p);
Bytes EncodeTask(const TaskRecord& t);
Bytes EncodeTaskWithdrawn(const TaskWithdrawal& w);
Bytes EncodeFreeze(const FreezeRecord& f);
Bytes EncodeCommit(const CommitRecord& c);
Bytes EncodeReveal(const RevealRecord& r);
Bytes EncodeResultPart(const ResultPart& r);
Bytes EncodeCancel(const CancelRecord& c);
Bytes EncodeDecline(const DeclineRecord& d);

StatusOr<PlanRecord> DecodePlan(ByteView b);
StatusOr<TaskRecord> DecodeTask(ByteView b);
StatusOr<TaskWithdrawal> DecodeTaskWithdrawn(ByteView b);
StatusOr<FreezeRecord> DecodeFreeze(ByteView b);
StatusOr<CommitRecord> DecodeCommit(ByteView b);
StatusOr<RevealRecord> DecodeReveal(ByteView b);
StatusOr<ResultPart> DecodeResultPart(ByteView b);
StatusOr<CancelRecord> DecodeCancel(ByteView b);
StatusOr<DeclineRecord> DecodeDecline(ByteView b);

std::string_view StrataByName(StrataBy s);        // "none", "region", "city", "industry"
std::string_view QuotaSplitName(QuotaSplit q);    // "proportional", "equal", "explicit"
std::string_view StarPolicyName(StarPolicy p);    // "exempt", "reduce", "ignore"

}  // namespace suiji::draw
