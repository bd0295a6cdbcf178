#include "api/record_readers.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/json_keys.h"
#include "ledger/core/sha256.h"

namespace suiji::cli {

using nlohmann::json;
using draw::TaskRecord;
using inspection::ResultRecord;
using namespace json_keys;  // NOLINT: the readers are this file's vocabulary

namespace {

const std::vector<draw::StrataBy> kStrataBy = {draw::StrataBy::None, draw::StrataBy::Region,
                                               draw::StrataBy::City,
                                               draw::StrataBy::IndustryDivision};
const std::vector<draw::QuotaSplit> kQuotaSplits = {
    draw::QuotaSplit::Proportional, draw::QuotaSplit::Equal, draw::QuotaSplit::Explicit};
const std::vector<draw::StarPolicy> kStarPolicies = {
    draw::StarPolicy::Exempt, draw::StarPolicy::Reduce, draw::StarPolicy::Ignore};

}  // namespace

Status TaskFromJson(const json& j, TaskRecord* t) {
  draw::CreditRules& c = t->credit;
  draw::FrequencyRules& f = t->frequency;
  draw::InspectorRequirements& in = t->inspectors;
  const std::vector<Key> credit = {
      {"grade_a_exempt_years", Number(&c.grade_a_exempt_years)},
      {"grade_c_ratio_bp", Number(&c.grade_c_ratio_bp)},
      {"grade_c_ignores_no_repeat", Flag(&c.grade_c_ignores_no_repeat)},
      {"base_weight", Number(&c.base_weight)},
      {"blacklist_multiplier", Number(&c.blacklist_multiplier)},
      {"star_threshold", Number(&c.star_threshold)},
      {"star_policy", Choice(&c.star_policy, kStarPolicies, draw::StarPolicyName)},
      {"complaint_step", Number(&c.complaint_step)},
      {"complaint_cap", Number(&c.complaint_cap)}};
  const std::vector<Key> frequency = {
      {"max_per_year", Number(&f.max_per_year)},
      {"no_repeat_item_within_year", Flag(&f.no_repeat_item_within_year)}};
  const std::vector<Key> inspectors = {{"domains", Texts(&in.domains)},
                                       {"specialties", Texts(&in.specialties)},
                                       {"regions", Texts(&in.regions)},
                                       {"team_size", Number(&in.team_size)},
                                       {"substitutes", Number(&in.substitutes)},
                                       {"experts", Number(&in.experts)},
                                       {"expert_specialties", Texts(&in.expert_specialties)}};
  Reader quotas = [t](const json& v, const std::string& at) -> Status {
    if (!v.is_array()) return WrongType(at, "an array of {\"key\", \"count\"} objects", v);
    t->quotas.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      draw::StratumQuota q;
      SUIJI_RETURN_IF_ERROR(ReadKeys(v[i], at + "[" + std::to_string(i) + "]",
                                     {{"key", Text(&q.key)}, {"count", Number(&q.count)}}));
      t->quotas.push_back(std::move(q));
    }
    return OkStatus();
  };
  auto nested = [](const std::vector<Key>& keys) -> Reader {
    return [&keys](const json& v, const std::string& at) { return ReadKeys(v, at, keys); };
  };
  const std::vector<Key> task = {
      {"task_id", Text(&t->task_id)},
      {"plan_id", Text(&t->plan_id)},
      {"org_id", Text(&t->org_id)},
      {"title", Text(&t->title)},
      {"item_list_version", Number(&t->item_list_version)},
      {"item_ids", Texts(&t->item_ids)},
      {"key_items", Flag(&t->key_items)},
      {"batch_size", Number(&t->batch_size)},
      {"regions", Texts(&t->regions)},
      {"industries", Texts(&t->industries)},
      {"min_headcount", Number(&t->min_headcount)},
      {"directed", Flag(&t->directed)},
      {"credit_grades", Texts(&t->credit_grades)},
      {"blacklisted_only", Flag(&t->blacklisted_only)},
      {"ratio_bp", Number(&t->ratio_bp)},
      {"count", Number(&t->count)},
      {"strata_by", Choice(&t->strata_by, kStrataBy, draw::StrataByName)},
      {"quota_split", Choice(&t->quota_split, kQuotaSplits, draw::QuotaSplitName)},
      {"quotas", quotas},
      {"credit", nested(credit)},
      {"frequency", nested(frequency)},
      {"window_start", Text(&t->window_start)},
      {"window_end", Text(&t->window_end)},
      {"inspectors", nested(inspectors)},
      {"joint_departments", Texts(&t->joint_departments)}};
  return ReadKeys(j, "", task);
}

json TaskToJson(const TaskRecord& t) {
  const draw::CreditRules& c = t.credit;
  const draw::InspectorRequirements& in = t.inspectors;
  json quotas = json::array();
  for (const auto& q : t.quotas) quotas.push_back({{"key", q.key}, {"count", q.count}});
  return {{"task_id", t.task_id},
          {"plan_id", t.plan_id},
          {"org_id", t.org_id},
          {"title", t.title},
          {"item_list_version", t.item_list_version},
          {"item_ids", t.item_ids},
          {"key_items", t.key_items},
          {"batch_size", t.batch_size},
          {"regions", t.regions},
          {"industries", t.industries},
          {"min_headcount", t.min_headcount},
          {"directed", t.directed},
          {"credit_grades", t.credit_grades},
          {"blacklisted_only", t.blacklisted_only},
          {"ratio_bp", t.ratio_bp},
          {"count", t.count},
          {"strata_by", std::string(draw::StrataByName(t.strata_by))},
          {"quota_split", std::string(draw::QuotaSplitName(t.quota_split))},
          {"quotas", quotas},
          {"credit",
           {{"grade_a_exempt_years", c.grade_a_exempt_years},
            {"grade_c_ratio_bp", c.grade_c_ratio_bp},
            {"grade_c_ignores_no_repeat", c.grade_c_ignores_no_repeat},
            {"base_weight", c.base_weight},
            {"blacklist_multiplier", c.blacklist_multiplier},
            {"star_threshold", c.star_threshold},
            {"star_policy", std::string(draw::StarPolicyName(c.star_policy))},
            {"complaint_step", c.complaint_step},
            {"complaint_cap", c.complaint_cap}}},
          {"frequency",
           {{"max_per_year", t.frequency.max_per_year},
            {"no_repeat_item_within_year", t.frequency.no_repeat_item_within_year}}},
          {"window_start", t.window_start},
          {"window_end", t.window_end},
          {"inspectors",
           {{"domains", in.domains},
            {"specialties", in.specialties},
            {"regions", in.regions},
            {"team_size", in.team_size},
            {"substitutes", in.substitutes},
            {"experts", in.experts},
            {"expert_specialties", in.expert_specialties}}},
          {"joint_departments", t.joint_departments}};
}

namespace {

template <typename E>
Reader Named(E* out, E (*from)(std::string_view), std::string_view what) {
  return [out, from, what](const json& v, const std::string& at) -> Status {
    if (v.is_string()) {
      E e = from(v.get<std::string>());
      if (e != E::Unknown) {
        *out = e;
        return OkStatus();
      }
    }
    return WrongType(at, what, v);
  };
}

constexpr std::string_view kOutcomes =
    "an outcome: no_problem, corrected, pending_handling, uncooperative, unreachable, closed, "
    "no_activity, other (or its Chinese label)";
constexpr std::string_view kHandlings =
    "a handling: order_correction, case_filed, fine, transfer_department, transfer_police, "
    "no_penalty (or its Chinese label)";

// An evidence entry: {"sha256": hex, "size": n, "kind", "name"}, or {"file": path, "kind"}
// whose hash and size are computed here (the file itself stays outside the ledger).
Status ReadEvidence(const json& v, const std::string& at, EvidenceFiles files,
                    inspection::EvidenceRecord* e) {
  std::string hex, file;
  SUIJI_RETURN_IF_ERROR(ReadKeys(v, at, {{"sha256", Text(&hex)},
                                         {"size", Number(&e->size)},
                                         {"kind", Text(&e->kind)},
                                         {"name", Text(&e->name)},
                                         {"file", Text(&file)}}));
  if (!file.empty()) {
    if (files == EvidenceFiles::kRefused) {
      return InvalidArgument(at + ".file: name evidence by sha256 and size here (a file path is read only "
                             "by the command line, on the clerk's own machine)");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return NotFound(at + ".file: cannot read " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string data = ss.str();
    e->sha256 = Sha256(AsBytes(data));
    e->size = data.size();
    if (e->name.empty()) e->name = std::filesystem::path(file).filename().string();
    return OkStatus();
  }
  auto b = FromHex(hex);
  if (!b.ok() || b->size() != 32) return WrongType(at + ".sha256", "64 hex digits", v.value("sha256", json()));
  std::copy(b->begin(), b->end(), e->sha256.begin());
  return OkStatus();
}

}  // namespace

Status ResultFromJson(const json& j, ResultRecord* r, EvidenceFiles files) {
  Reader items = [r](const json& v, const std::string& at) -> Status {
    if (!v.is_array()) return WrongType(at, "an array of item results", v);
    for (size_t i = 0; i < v.size(); ++i) {
      inspection::ItemResultRecord it;
      const std::string ai = at + "[" + std::to_string(i) + "]";
      Reader findings = [&it](const json& fv, const std::string& fat) -> Status {
        if (!fv.is_array()) return WrongType(fat, "an array of findings", fv);
        for (size_t k = 0; k < fv.size(); ++k) {
          inspection::FindingRecord f;
          SUIJI_RETURN_IF_ERROR(ReadKeys(fv[k], fat + "[" + std::to_string(k) + "]",
                                         {{"point", Text(&f.point)},
                                          {"compliant", Flag(&f.compliant)},
                                          {"text", Text(&f.text)}}));
          it.findings.push_back(std::move(f));
        }
        return OkStatus();
      };
      Reader violations = [&it](const json& vv, const std::string& vat) -> Status {
        if (!vv.is_array()) return WrongType(vat, "an array of violations", vv);
        for (size_t k = 0; k < vv.size(); ++k) {
          inspection::ViolationRecord viol;
          const std::string ak = vat + "[" + std::to_string(k) + "]";
          Reader handling = [&viol](const json& hv, const std::string& hat) -> Status {
            if (!hv.is_array()) return WrongType(hat, "an array of handlings", hv);
            for (size_t m = 0; m < hv.size(); ++m) {
              inspection::Handling h = inspection::Handling::Unknown;
              SUIJI_RETURN_IF_ERROR(Named(&h, inspection::HandlingFromKey, kHandlings)(
                  hv[m], hat + "[" + std::to_string(m) + "]"));
              viol.handling.push_back(h);
            }
            return OkStatus();
          };
          SUIJI_RETURN_IF_ERROR(ReadKeys(vv[k], ak,
                                         {{"description", Text(&viol.description)},
                                          {"legal_basis", Text(&viol.legal_basis)},
                                          {"handling", handling},
                                          {"no_penalty_list", Flag(&viol.no_penalty_list)},
                                          {"fine_yuan", Number(&viol.fine_yuan)}}));
          it.violations.push_back(std::move(viol));
        }
        return OkStatus();
      };
      SUIJI_RETURN_IF_ERROR(ReadKeys(
          v[i], ai,
          {{"item_id", Text(&it.item_id)},
           {"outcome", Named(&it.outcome, inspection::OutcomeFromKey, kOutcomes)},
           {"outcome_text", Text(&it.outcome_text)},
           {"findings", findings},
           {"violations", violations}}));
      // Every item result says how the check ended; there is no default outcome to fall back on.
      if (it.outcome == inspection::Outcome::Unknown) {
        return InvalidArgument("JSON: " + ai + ".outcome is missing (" + std::string(kOutcomes) + ")");
      }
      r->items.push_back(std::move(it));
    }
    return OkStatus();
  };
  Reader evidence = [r, files](const json& v, const std::string& at) -> Status {
    if (!v.is_array()) return WrongType(at, "an array of evidence files", v);
    for (size_t i = 0; i < v.size(); ++i) {
      inspection::EvidenceRecord e;
      SUIJI_RETURN_IF_ERROR(ReadEvidence(v[i], at + "[" + std::to_string(i) + "]", files, &e));
      r->evidence.push_back(std::move(e));
    }
    return OkStatus();
  };
  return ReadKeys(j, "", {{"draw_id", Text(&r->draw_id)},
                          {"credit_code", Text(&r->credit_code)},
                          {"inspection_date", Text(&r->inspection_date)},
                          {"items", items},
                          {"evidence", evidence},
                          {"team", Texts(&r->team)},
                          {"confirmed_by", Texts(&r->confirmed_by)}});
}

json ResultToJson(const ResultRecord& r) {
  json items = json::array();
  for (const auto& it : r.items) {
    json findings = json::array();
    for (const auto& f : it.findings) {
      findings.push_back({{"point", f.point}, {"compliant", f.compliant}, {"text", f.text}});
    }
    json violations = json::array();
    for (const auto& v : it.violations) {
      json h = json::array();
      for (auto x : v.handling) h.push_back(inspection::HandlingKey(x));
      violations.push_back({{"description", v.description}, {"legal_basis", v.legal_basis},
                            {"handling", h}, {"no_penalty_list", v.no_penalty_list},
                            {"fine_yuan", v.fine_yuan}});
    }
    items.push_back({{"item_id", it.item_id}, {"outcome", inspection::OutcomeKey(it.outcome)},
                     {"outcome_label", inspection::OutcomeLabel(it.outcome)},
                     {"outcome_text", it.outcome_text}, {"findings", findings},
                     {"violations", violations}});
  }
  json evidence = json::array();
  for (const auto& e : r.evidence) {
    evidence.push_back({{"sha256", ToHex(e.sha256)}, {"size", e.size}, {"kind", e.kind},
                        {"name", e.name}});
  }
  return {{"draw_id", r.draw_id}, {"credit_code", r.credit_code}, {"revision", r.revision},
          {"inspection_date", r.inspection_date}, {"items", items}, {"evidence", evidence},
          {"team", r.team}, {"confirmed_by", r.confirmed_by}};
}

}  // namespace suiji::cli
