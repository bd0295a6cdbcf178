#include "ledger/core/draw/records.h"

#include <algorithm>

#include "ledger/core/codes/industry.h"
#include "ledger/core/codes/region.h"
#include "ledger/core/flatbuffers_util.h"

namespace suiji::draw {

namespace {

using directory::CheckDate;
using directory::CheckRegion;
using directory::CheckText;
using directory::ValidDate;
using directory::ValidUtf8;
using fb::DataLossIn;
using fb::Finish;
using fb::Lacks;
using fb::Malformed;
using fb::Str;
using fb::Strs;
using fb::Verified;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using flatbuffers::String;
using flatbuffers::Vector;

constexpr size_t kMaxId = 64;      // bytes, for identifiers
using directory::kMaxText;
constexpr size_t kMaxLongText = 20000;

// Limits on a task's rules: beyond them a task is a typing error, not a plan.
constexpr uint8_t kMinTeamSize = 2;  // 双随机: at least two inspectors per visit
constexpr uint8_t kMaxTeamSize = 10;
constexpr uint8_t kMaxSubstitutes = 10;
constexpr uint8_t kMaxExperts = 5;
constexpr uint8_t kMaxComplaintCap = 20;
constexpr uint8_t kMaxWeightFactor = 10;
constexpr uint8_t kMaxComplaintStep = 5;
constexpr uint8_t kMaxStars = 5;
constexpr uint16_t kAllBp = 10000;  // 100% in basis points

Bytes ToBytes(const Vector<uint8_t>* v) {
  return v == nullptr ? Bytes() : Bytes(v->begin(), v->end());
}

Offset<Vector<uint8_t>> HashVector(FlatBufferBuilder& fbb, const Hash& h) {
  return fbb.CreateVector(h.data(), h.size());
}


// A hash field must be exactly 32 bytes; an absent one is as wrong as a short one.
Status ReadHash(std::string_view table, std::string_view field, const Vector<uint8_t>* v,
                Hash& out) {
  if (v == nullptr || v->size() != out.size()) {
    return DataLossIn(table, std::string(field) + " is not 32 bytes (" +
                                 std::to_string(v == nullptr ? 0u : v->size()) + ")");
  }
  std::copy(v->begin(), v->end(), out.begin());
  return OkStatus();
}

Offset<Vector<Offset<schema::StratumCount>>> EncodeStrata(FlatBufferBuilder& fbb,
                                                         const std::vector<StratumCount>& v) {
  std::vector<Offset<schema::StratumCount>> out;
  out.reserve(v.size());
  for (const auto& s : v) {
    auto key = fbb.CreateString(s.key);
    out.push_back(schema::CreateStratumCount(fbb, key, s.population, s.weight_total, s.quota));
  }
  return fbb.CreateVector(out);
}

std::vector<StratumCount> DecodeStrata(const Vector<Offset<schema::StratumCount>>* v) {
  std::vector<StratumCount> out;
  if (v == nullptr) return out;
  out.reserve(v->size());
  for (const auto* s : *v) {
    out.push_back(StratumCount{Str(s->key()), s->population(), s->weight_total(), s->quota()});
  }
  return out;
}

// An industry filter is a prefix of GB/T 4754 class codes: one digit, or a division, group
// or class that exists in the standard (every digit begins some division).
void CheckIndustryPrefix(std::vector<FieldError>& errs, const std::string& v) {
  bool digits = !v.empty() && v.size() <= 4 &&
                std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    errs.push_back({"industries", v,
                    "行业代码前缀应为1至4位数字 (industry prefix must be 1 to 4 digits)"});
  } else if (v.size() >= 2 && codes::FindIndustry(v) == nullptr) {
    errs.push_back({"industries", v, "未知的国民经济行业代码 (unknown GB/T 4754 industry code)"});
  }
}

template <typename E>
bool InRange(E e) {
  return static_cast<uint8_t>(e) <= static_cast<uint8_t>(E::MAX);
}

void CheckCredit(std::vector<FieldError>& errs, const CreditRules& c) {
  if (c.grade_c_ratio_bp > kAllBp) {
    errs.push_back({"credit.grade_c_ratio_bp", std::to_string(c.grade_c_ratio_bp),
                    "比例不能超过10000个基点 (at most 10000 basis points)"});
  }
  // Weights stay small (at most 10 × 10 + 20 × 5 = 200), so no task can make a draw, or its
  // verification, cost more than 50 hashes per target.
  if (c.base_weight < 1 || c.base_weight > kMaxWeightFactor) {
    errs.push_back({"credit.base_weight", std::to_string(c.base_weight),
                    "基础权重应为1到10 (base weight must be 1..10)"});
  }
  if (c.blacklist_multiplier < 1 || c.blacklist_multiplier > kMaxWeightFactor) {
    errs.push_back({"credit.blacklist_multiplier", std::to_string(c.blacklist_multiplier),
                    "黑名单倍数应为1到10 (blacklist multiplier must be 1..10)"});
  }
  if (c.complaint_step > kMaxComplaintStep) {
    errs.push_back({"credit.complaint_step", std::to_string(c.complaint_step),
                    "每次投诉增加的权重至多为5 (complaint step must be at most 5)"});
  }
  if (c.star_threshold > kMaxStars) {
    errs.push_back({"credit.star_threshold", std::to_string(c.star_threshold),
                    "星级应为0到5 (stars must be 0..5)"});
  }
  if (!InRange(c.star_policy)) {
    errs.push_back({"credit.star_policy", std::to_string(static_cast<unsigned>(c.star_policy)),
                    "未知的星级政策 (unknown star policy)"});
  }
  if (c.complaint_cap > kMaxComplaintCap) {
    errs.push_back({"credit.complaint_cap", std::to_string(c.complaint_cap),
                    "投诉计数上限至多为20 (complaint cap must be at most 20)"});
  }
}

void CheckInspectors(std::vector<FieldError>& errs, const InspectorRequirements& r) {
  for (const auto& d : r.domains) CheckText(errs, "inspectors.domains", d, true, 200);
  for (const auto& s : r.specialties) CheckText(errs, "inspectors.specialties", s, true, 200);
  for (const auto& g : r.regions) CheckRegion(errs, "inspectors.regions", g);
  for (const auto& s : r.expert_specialties) {
    CheckText(errs, "inspectors.expert_specialties", s, true, 200);
  }
  if (r.team_size < kMinTeamSize || r.team_size > kMaxTeamSize) {
    errs.push_back({"inspectors.team_size", std::to_string(r.team_size),
                    "检查组应为2至10人 (a team has 2 to 10 inspectors)"});
  }
  if (r.substitutes > kMaxSubstitutes) {
    errs.push_back({"inspectors.substitutes", std::to_string(r.substitutes),
                    "递补人数至多为10 (at most 10 substitutes)"});
  }
  if (r.experts > kMaxExperts) {
    errs.push_back({"inspectors.experts", std::to_string(r.experts),
                    "专家人数至多为5 (at most 5 experts)"});
  }
}

void CheckQuotas(std::vector<FieldError>& errs, const TaskRecord& t) {
  if (t.quota_split != QuotaSplit::Explicit) {
    if (!t.quotas.empty()) {
      errs.push_back({"quotas", std::to_string(t.quotas.size()),
                      "只有指定配额方式才能填写配额 (quotas are only for quota_split explicit)"});
    }
    return;
  }
  if (t.count == 0) {
    errs.push_back({"count", "0", "指定配额须按数量抽取 (explicit quotas need a count)"});
  }
  if (t.quotas.empty()) {
    errs.push_back({"quotas", "", "指定配额方式须填写配额 (quota_split explicit needs quotas)"});
    return;
  }
  uint64_t sum = 0;
  std::vector<std::string> keys;
  for (const auto& q : t.quotas) {
    CheckText(errs, "quotas.key", q.key, true, kMaxId);
    if (std::find(keys.begin(), keys.end(), q.key) != keys.end()) {
      errs.push_back({"quotas.key", q.key, "分层配额重复 (duplicate stratum)"});
    }
    keys.push_back(q.key);
    sum += q.count;
  }
  if (t.count > 0 && sum != t.count) {
    errs.push_back({"quotas", std::to_string(sum),
                    "配额合计应等于抽取数量 (quotas must add up to count " +
                        std::to_string(t.count) + ")"});
  }
}

}  // namespace

// --- validation ---

std::vector<FieldError> ValidatePlan(const PlanRecord& p) {
  std::vector<FieldError> errs;
  CheckText(errs, "plan_id", p.plan_id, true, kMaxId);
  CheckText(errs, "org_id", p.org_id, true, kMaxId);
  if (p.year < 2000 || p.year > 2100) {
    errs.push_back({"year", std::to_string(p.year), "年度应在2000至2100之间 (year must be 2000..2100)"});
  }
  CheckText(errs, "title", p.title, true);
  CheckText(errs, "filed_with_org_id", p.filed_with_org_id, false, kMaxId);
  if (p.version < 1) {
    errs.push_back({"version", std::to_string(p.version), "版本号从1开始 (versions start at 1)"});
  }
  CheckText(errs, "note", p.note, false, kMaxLongText);
  return errs;
}

std::vector<FieldError> ValidateTask(const TaskRecord& t) {
  std::vector<FieldError> errs;
  CheckText(errs, "task_id", t.task_id, true, kMaxId);
  CheckText(errs, "plan_id", t.plan_id, true, kMaxId);
  CheckText(errs, "org_id", t.org_id, true, kMaxId);
  CheckText(errs, "title", t.title, true);

  if (t.item_ids.empty()) {
    errs.push_back({"item_ids", "", "至少选择一个抽查事项 (at least one inspection item)"});
  }
  for (const auto& id : t.item_ids) CheckText(errs, "item_ids", id, true, kMaxId);

  if (t.regions.empty()) {
    errs.push_back({"regions", "", "至少选择一个行政区划 (at least one region)"});
  }
  for (const auto& r : t.regions) CheckRegion(errs, "regions", r);
  for (const auto& i : t.industries) CheckIndustryPrefix(errs, i);

  for (const auto& g : t.credit_grades) {
    if (!g.empty() && g != "A" && g != "B" && g != "C") {
      errs.push_back({"credit_grades", g,
                      "诚信等级应为A、B、C或空（未评级） (grade must be A, B, C or empty for ungraded)"});
    }
  }
  if (t.directed && t.industries.empty() && t.credit_grades.empty() && !t.blacklisted_only) {
    errs.push_back({"directed", "true",
                    "定向抽查须至少指定一个筛选条件 (a directed task needs at least one filter: "
                    "industries, credit_grades or blacklisted_only)"});
  }

  if (t.ratio_bp != 0 && t.count != 0) {
    errs.push_back({"ratio_bp", std::to_string(t.ratio_bp),
                    "抽查比例与抽查数量只能填写一个 (state either ratio_bp or count, not both)"});
  } else if (t.ratio_bp == 0 && t.count == 0) {
    errs.push_back({"ratio_bp", "0",
                    "须填写抽查比例或抽查数量 (state ratio_bp or count)"});
  }
  if (t.ratio_bp > kAllBp) {
    errs.push_back({"ratio_bp", std::to_string(t.ratio_bp),
                    "比例不能超过10000个基点 (at most 10000 basis points)"});
  } else if (t.ratio_bp == kAllBp && !t.key_items) {
    errs.push_back({"ratio_bp", std::to_string(t.ratio_bp),
                    "只有重点事项可以全部检查 (only key-item tasks may inspect 100%)"});
  }

  if (!InRange(t.strata_by)) {
    errs.push_back({"strata_by", std::to_string(static_cast<unsigned>(t.strata_by)),
                    "未知的分层方式 (unknown strata_by)"});
  }
  if (!InRange(t.quota_split)) {
    errs.push_back({"quota_split", std::to_string(static_cast<unsigned>(t.quota_split)),
                    "未知的配额方式 (unknown quota_split)"});
  } else {
    CheckQuotas(errs, t);
  }

  CheckCredit(errs, t.credit);

  CheckDate(errs, "window_start", t.window_start, true);
  CheckDate(errs, "window_end", t.window_end, true);
  if (ValidDate(t.window_start) && ValidDate(t.window_end)) {
    // YYYY-MM-DD compares as text.
    if (t.window_end < t.window_start) {
      errs.push_back({"window_end", t.window_end, "结束日期早于开始日期 (ends before it starts)"});
    } else if (t.window_end.compare(0, 4, t.window_start, 0, 4) != 0) {
      errs.push_back({"window_end", t.window_end,
                      "检查时间须在同一年度内 (the window must lie within one year)"});
    }
  }

  CheckInspectors(errs, t.inspectors);
  for (const auto& d : t.joint_departments) CheckText(errs, "joint_departments", d, true);
  return errs;
}

// --- encoding: every offset is created in a fixed order before its table, so the same
// record always gives the same bytes ---

Bytes EncodePlan(const PlanRecord& p) {
  FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString(p.plan_id);
  auto org = fbb.CreateString(p.org_id);
  auto title = fbb.CreateString(p.title);
  auto filed = fbb.CreateString(p.filed_with_org_id);
  auto note = fbb.CreateString(p.note);
  return Finish(fbb, schema::CreatePlan(fbb, id, org, p.year, title, filed, p.version, note));
}

Bytes EncodeTask(const TaskRecord& t) {
  FlatBufferBuilder fbb(1024);
  auto id = fbb.CreateString(t.task_id);
  auto plan = fbb.CreateString(t.plan_id);
  auto org = fbb.CreateString(t.org_id);
  auto title = fbb.CreateString(t.title);
  auto items = fbb.CreateVectorOfStrings(t.item_ids);
  auto regions = fbb.CreateVectorOfStrings(t.regions);
  auto industries = fbb.CreateVectorOfStrings(t.industries);
  auto grades = fbb.CreateVectorOfStrings(t.credit_grades);
  std::vector<Offset<schema::StratumQuota>> quota_offsets;
  quota_offsets.reserve(t.quotas.size());
  for (const auto& q : t.quotas) {
    auto key = fbb.CreateString(q.key);
    quota_offsets.push_back(schema::CreateStratumQuota(fbb, key, q.count));
  }
  auto quotas = fbb.CreateVector(quota_offsets);
  const CreditRules& c = t.credit;
  auto credit = schema::CreateCreditRules(
      fbb, c.grade_a_exempt_years, c.grade_c_ratio_bp, c.grade_c_ignores_no_repeat, c.base_weight,
      c.blacklist_multiplier, c.star_threshold, c.star_policy, c.complaint_step, c.complaint_cap);
  auto frequency = schema::CreateFrequencyRules(fbb, t.frequency.max_per_year,
                                                t.frequency.no_repeat_item_within_year);
  auto start = fbb.CreateString(t.window_start);
  auto end = fbb.CreateString(t.window_end);
  const InspectorRequirements& r = t.inspectors;
  auto domains = fbb.CreateVectorOfStrings(r.domains);
  auto specialties = fbb.CreateVectorOfStrings(r.specialties);
  auto insp_regions = fbb.CreateVectorOfStrings(r.regions);
  auto expert_specialties = fbb.CreateVectorOfStrings(r.expert_specialties);
  auto inspectors = schema::CreateInspectorRequirements(
      fbb, domains, specialties, insp_regions, r.team_size, r.substitutes, r.experts,
      expert_specialties);
  auto joint = fbb.CreateVectorOfStrings(t.joint_departments);
  return Finish(fbb, schema::CreateTask(fbb, id, plan, org, title, t.item_list_version, items,
                                        t.key_items, t.batch_size, regions, industries,
                                        t.min_headcount, t.directed, grades, t.blacklisted_only,
                                        t.ratio_bp, t.count, t.strata_by, t.quota_split, quotas,
                                        credit, frequency, start, end, inspectors, joint));
}

Bytes EncodeTaskWithdrawn(const TaskWithdrawal& w) {
  FlatBufferBuilder fbb(128);
  auto id = fbb.CreateString(w.task_id);
  auto reason = fbb.CreateString(w.reason);
  return Finish(fbb, schema::CreateTaskWithdrawn(fbb, id, reason));
}

Bytes EncodeFreeze(const FreezeRecord& f) {
  FlatBufferBuilder fbb(512);
  auto draw = fbb.CreateString(f.draw_id);
  auto task = fbb.CreateString(f.task_id);
  auto target_root = HashVector(fbb, f.target_root);
  auto inspector_root = HashVector(fbb, f.inspector_root);
  auto expert_root = HashVector(fbb, f.expert_root);
  auto strata = EncodeStrata(fbb, f.strata);
  return Finish(fbb, schema::CreateDrawFrozen(fbb, draw, task, f.target_count, target_root,
                                              f.inspector_count, inspector_root, f.expert_count,
                                              expert_root, strata));
}

Bytes EncodeCommit(const CommitRecord& c) {
  FlatBufferBuilder fbb(1024);
  auto draw = fbb.CreateString(c.draw_id);
  auto task = fbb.CreateString(c.task_id);
  auto target_root = HashVector(fbb, c.target_root);
  auto inspector_root = HashVector(fbb, c.inspector_root);
  auto expert_root = HashVector(fbb, c.expert_root);
  auto params_hash = HashVector(fbb, c.params_hash);
  auto algorithm = fbb.CreateString(c.algorithm);
  auto secret_hash = HashVector(fbb, c.secret_hash);
  auto drand_chain = fbb.CreateString(c.drand_chain);
  auto lottery_name = fbb.CreateString(c.lottery_name);
  auto lottery_issue = fbb.CreateString(c.lottery_issue);
  auto witnesses = fbb.CreateVectorOfStrings(c.witnesses);
  auto note = fbb.CreateString(c.note);
  return Finish(fbb, schema::CreateDrawCommitted(
                         fbb, draw, task, c.freeze_sequence, c.target_count, target_root,
                         c.inspector_count, inspector_root, c.expert_count, expert_root,
                         params_hash, algorithm, secret_hash, drand_chain, c.drand_round,
                         c.drand_round_time, lottery_name, lottery_issue, c.lottery_time,
                         witnesses, note));
}

Bytes EncodeReveal(const RevealRecord& r) {
  FlatBufferBuilder fbb(512);
  auto draw = fbb.CreateString(r.draw_id);
  auto secret = fbb.CreateVector(r.secret);
  auto randomness = fbb.CreateVector(r.drand_randomness);
  auto signature = fbb.CreateVector(r.drand_signature);
  auto lottery = fbb.CreateString(r.lottery_digits);
  auto witness = fbb.CreateVectorOfStrings(r.witness_digits);
  auto seed = HashVector(fbb, r.seed);
  return Finish(fbb, schema::CreateDrawRevealed(fbb, draw, secret, randomness, signature,
                                                lottery, witness, seed));
}

Bytes EncodeResultPart(const ResultPart& r) {
  FlatBufferBuilder fbb(4096);
  auto draw = fbb.CreateString(r.draw_id);
  auto seed = HashVector(fbb, r.seed);
  auto strata = EncodeStrata(fbb, r.strata);
  std::vector<Offset<schema::Visit>> visit_offsets;
  visit_offsets.reserve(r.visits.size());
  for (const auto& v : r.visits) {
    auto code = fbb.CreateString(v.credit_code);
    auto stratum = fbb.CreateString(v.stratum);
    auto team = fbb.CreateVectorOfStrings(v.team);
    auto experts = fbb.CreateVectorOfStrings(v.experts);
    auto substitutes = fbb.CreateVectorOfStrings(v.substitutes);
    auto merged = fbb.CreateString(v.merged_into);
    visit_offsets.push_back(schema::CreateVisit(fbb, code, stratum, v.weight, v.rank_key,
                                                v.order, v.batch, team, experts, substitutes,
                                                merged));
  }
  auto visits = fbb.CreateVector(visit_offsets);
  return Finish(fbb, schema::CreateDrawResult(fbb, draw, seed, r.part, r.parts,
                                              r.selected_total, strata, visits));
}

Bytes EncodeCancel(const CancelRecord& c) {
  FlatBufferBuilder fbb(128);
  auto draw = fbb.CreateString(c.draw_id);
  auto reason = fbb.CreateString(c.reason);
  return Finish(fbb, schema::CreateDrawCancelled(fbb, draw, reason));
}

Bytes EncodeDecline(const DeclineRecord& d) {
  FlatBufferBuilder fbb(256);
  auto draw = fbb.CreateString(d.draw_id);
  auto code = fbb.CreateString(d.credit_code);
  auto inspector = fbb.CreateString(d.inspector_id);
  auto reason = fbb.CreateString(d.reason);
  auto replacement = fbb.CreateString(d.replacement_id);
  return Finish(fbb, schema::CreateAssignmentDeclined(fbb, draw, code, inspector, reason,
                                                      replacement));
}

// --- decoding ---

StatusOr<PlanRecord> DecodePlan(ByteView b) {
  constexpr std::string_view kTable = "Plan";
  const auto* p = Verified<schema::Plan>(b);
  if (p == nullptr) return Malformed(kTable);
  if (p->plan_id() == nullptr) return Lacks(kTable, "plan_id");
  return PlanRecord{p->plan_id()->str(), Str(p->org_id()), p->year(), Str(p->title()),
                    Str(p->filed_with_org_id()), p->version(), Str(p->note())};
}

StatusOr<TaskRecord> DecodeTask(ByteView b) {
  constexpr std::string_view kTable = "Task";
  const auto* t = Verified<schema::Task>(b);
  if (t == nullptr) return Malformed(kTable);
  if (t->task_id() == nullptr) return Lacks(kTable, "task_id");
  if (t->plan_id() == nullptr) return Lacks(kTable, "plan_id");
  TaskRecord r;
  r.task_id = t->task_id()->str();
  r.plan_id = t->plan_id()->str();
  r.org_id = Str(t->org_id());
  r.title = Str(t->title());
  r.item_list_version = t->item_list_version();
  r.item_ids = Strs(t->item_ids());
  r.key_items = t->key_items();
  r.batch_size = t->batch_size();
  r.regions = Strs(t->regions());
  r.industries = Strs(t->industries());
  r.min_headcount = t->min_headcount();
  r.directed = t->directed();
  r.credit_grades = Strs(t->credit_grades());
  r.blacklisted_only = t->blacklisted_only();
  r.ratio_bp = t->ratio_bp();
  r.count = t->count();
  r.strata_by = t->strata_by();
  r.quota_split = t->quota_split();
  if (const auto* qs = t->quotas()) {
    r.quotas.reserve(qs->size());
    for (const auto* q : *qs) r.quotas.push_back(StratumQuota{Str(q->key()), q->count()});
  }
  // Absent nested tables keep the C++ defaults, which equal the schema's.
  if (const auto* c = t->credit()) {
    r.credit = CreditRules{c->grade_a_exempt_years(), c->grade_c_ratio_bp(),
                           c->grade_c_ignores_no_repeat(), c->base_weight(),
                           c->blacklist_multiplier(), c->star_threshold(), c->star_policy(),
                           c->complaint_step(), c->complaint_cap()};
  }
  if (const auto* f = t->frequency()) {
    r.frequency = FrequencyRules{f->max_per_year(), f->no_repeat_item_within_year()};
  }
  r.window_start = Str(t->window_start());
  r.window_end = Str(t->window_end());
  if (const auto* i = t->inspectors()) {
    r.inspectors = InspectorRequirements{Strs(i->domains()), Strs(i->specialties()),
                                         Strs(i->regions()), i->team_size(), i->substitutes(),
                                         i->experts(), Strs(i->expert_specialties())};
  }
  r.joint_departments = Strs(t->joint_departments());
  return r;
}

StatusOr<TaskWithdrawal> DecodeTaskWithdrawn(ByteView b) {
  constexpr std::string_view kTable = "TaskWithdrawn";
  const auto* w = Verified<schema::TaskWithdrawn>(b);
  if (w == nullptr) return Malformed(kTable);
  if (w->task_id() == nullptr) return Lacks(kTable, "task_id");
  return TaskWithdrawal{w->task_id()->str(), Str(w->reason())};
}

StatusOr<FreezeRecord> DecodeFreeze(ByteView b) {
  constexpr std::string_view kTable = "DrawFrozen";
  const auto* f = Verified<schema::DrawFrozen>(b);
  if (f == nullptr) return Malformed(kTable);
  if (f->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (f->task_id() == nullptr) return Lacks(kTable, "task_id");
  FreezeRecord r;
  r.draw_id = f->draw_id()->str();
  r.task_id = f->task_id()->str();
  r.target_count = f->target_count();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "target_root", f->target_root(), r.target_root));
  r.inspector_count = f->inspector_count();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "inspector_root", f->inspector_root(), r.inspector_root));
  r.expert_count = f->expert_count();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "expert_root", f->expert_root(), r.expert_root));
  r.strata = DecodeStrata(f->strata());
  return r;
}

StatusOr<CommitRecord> DecodeCommit(ByteView b) {
  constexpr std::string_view kTable = "DrawCommitted";
  const auto* c = Verified<schema::DrawCommitted>(b);
  if (c == nullptr) return Malformed(kTable);
  if (c->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (c->task_id() == nullptr) return Lacks(kTable, "task_id");
  CommitRecord r;
  r.draw_id = c->draw_id()->str();
  r.task_id = c->task_id()->str();
  r.freeze_sequence = c->freeze_sequence();
  r.target_count = c->target_count();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "target_root", c->target_root(), r.target_root));
  r.inspector_count = c->inspector_count();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "inspector_root", c->inspector_root(), r.inspector_root));
  r.expert_count = c->expert_count();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "expert_root", c->expert_root(), r.expert_root));
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "params_hash", c->params_hash(), r.params_hash));
  r.algorithm = Str(c->algorithm());
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "secret_hash", c->secret_hash(), r.secret_hash));
  r.drand_chain = Str(c->drand_chain());
  r.drand_round = c->drand_round();
  r.drand_round_time = c->drand_round_time();
  r.lottery_name = Str(c->lottery_name());
  r.lottery_issue = Str(c->lottery_issue());
  r.lottery_time = c->lottery_time();
  r.witnesses = Strs(c->witnesses());
  r.note = Str(c->note());
  return r;
}

StatusOr<RevealRecord> DecodeReveal(ByteView b) {
  constexpr std::string_view kTable = "DrawRevealed";
  const auto* v = Verified<schema::DrawRevealed>(b);
  if (v == nullptr) return Malformed(kTable);
  if (v->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  RevealRecord r;
  r.draw_id = v->draw_id()->str();
  r.secret = ToBytes(v->secret());
  r.drand_randomness = ToBytes(v->drand_randomness());
  r.drand_signature = ToBytes(v->drand_signature());
  r.lottery_digits = Str(v->lottery_digits());
  r.witness_digits = Strs(v->witness_digits());
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "seed", v->seed(), r.seed));
  return r;
}

StatusOr<ResultPart> DecodeResultPart(ByteView b) {
  constexpr std::string_view kTable = "DrawResult";
  const auto* d = Verified<schema::DrawResult>(b);
  if (d == nullptr) return Malformed(kTable);
  if (d->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  ResultPart r;
  r.draw_id = d->draw_id()->str();
  SUIJI_RETURN_IF_ERROR(ReadHash(kTable, "seed", d->seed(), r.seed));
  r.part = d->part();
  r.parts = d->parts();
  r.selected_total = d->selected_total();
  r.strata = DecodeStrata(d->strata());
  if (const auto* vs = d->visits()) {
    r.visits.reserve(vs->size());
    for (const auto* v : *vs) {
      if (v->credit_code() == nullptr) return Lacks(kTable, "visits.credit_code");
      r.visits.push_back(VisitRecord{v->credit_code()->str(), Str(v->stratum()), v->weight(),
                                     v->rank_key(), v->order(), v->batch(), Strs(v->team()),
                                     Strs(v->experts()), Strs(v->substitutes()),
                                     Str(v->merged_into())});
    }
  }
  return r;
}

StatusOr<CancelRecord> DecodeCancel(ByteView b) {
  constexpr std::string_view kTable = "DrawCancelled";
  const auto* c = Verified<schema::DrawCancelled>(b);
  if (c == nullptr) return Malformed(kTable);
  if (c->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  return CancelRecord{c->draw_id()->str(), Str(c->reason())};
}

StatusOr<DeclineRecord> DecodeDecline(ByteView b) {
  constexpr std::string_view kTable = "AssignmentDeclined";
  const auto* d = Verified<schema::AssignmentDeclined>(b);
  if (d == nullptr) return Malformed(kTable);
  if (d->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (d->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  if (d->inspector_id() == nullptr) return Lacks(kTable, "inspector_id");
  return DeclineRecord{d->draw_id()->str(), d->credit_code()->str(), d->inspector_id()->str(),
                       Str(d->reason()), Str(d->replacement_id())};
}

// --- names ---

std::string_view StrataByName(StrataBy s) {
  switch (s) {
    case StrataBy::None: return "none";
    case StrataBy::Region: return "region";
    case StrataBy::City: return "city";
    case StrataBy::IndustryDivision: return "industry";
  }
  return "unknown";
}

std::string_view QuotaSplitName(QuotaSplit q) {
  switch (q) {
    case QuotaSplit::Proportional: return "proportional";
    case QuotaSplit::Equal: return "equal";
    case QuotaSplit::Explicit: return "explicit";
  }
  return "unknown";
}

std::string_view StarPolicyName(StarPolicy p) {
  switch (p) {
    case StarPolicy::Exempt: return "exempt";
    case StarPolicy::Reduce: return "reduce";
    case StarPolicy::Ignore: return "ignore";
  }
  return "unknown";
}

}  // namespace suiji::draw
