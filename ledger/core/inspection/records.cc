#include "ledger/core/inspection/records.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "ledger/core/directory/calendar.h"
#include "ledger/core/flatbuffers_util.h"

namespace suiji::inspection {

namespace {

using directory::CheckDate;
using directory::CheckText;
using directory::kMaxText;
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

constexpr size_t kMaxId = 64;
constexpr size_t kMaxLongText = 20000;

void Err(std::vector<FieldError>& errs, std::string field, std::string value, std::string why) {
  errs.push_back(FieldError{std::move(field), std::move(value), std::move(why)});
}

void CheckPeople(std::vector<FieldError>& errs, std::string_view field,
                 const std::vector<std::string>& ids, bool required) {
  if (required && ids.empty()) Err(errs, std::string(field), "", "不能为空 (required)");
  if (ids.size() > kMaxPeople) {
    Err(errs, std::string(field), std::to_string(ids.size()),
        "人数过多 (at most " + std::to_string(kMaxPeople) + ")");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    CheckText(errs, f, ids[i], true, kMaxId);
    if (!seen.insert(ids[i]).second) Err(errs, f, ids[i], "重复 (listed twice)");
  }
}

void CheckKey(std::vector<FieldError>& errs, const std::string& draw_id,
              const std::string& credit_code) {
  CheckText(errs, "draw_id", draw_id, true, kMaxId);
  CheckText(errs, "credit_code", credit_code, true, kMaxId);
}


Offset<Vector<Offset<String>>> StrVec(FlatBufferBuilder& fbb, const std::vector<std::string>& v) {
  return fbb.CreateVectorOfStrings(v);
}

Offset<schema::InspectionResult> BuildResult(FlatBufferBuilder& fbb, const ResultRecord& r) {
  std::vector<Offset<schema::ItemResult>> items;
  for (const auto& it : r.items) {
    std::vector<Offset<schema::Finding>> findings;
    for (const auto& f : it.findings) {
      auto point = fbb.CreateString(f.point);
      auto text = fbb.CreateString(f.text);
      findings.push_back(schema::CreateFinding(fbb, point, f.compliant, text));
    }
    std::vector<Offset<schema::Violation>> violations;
    for (const auto& v : it.violations) {
      auto desc = fbb.CreateString(v.description);
      auto basis = fbb.CreateString(v.legal_basis);
      std::vector<uint8_t> h;
      for (Handling x : v.handling) h.push_back(static_cast<uint8_t>(x));
      auto hv = fbb.CreateVector(h);
      violations.push_back(schema::CreateViolation(
          fbb, desc, basis, flatbuffers::Offset<Vector<Handling>>(hv.o), v.no_penalty_list,
          v.fine_yuan));
    }
    auto id = fbb.CreateString(it.item_id);
    auto text = fbb.CreateString(it.outcome_text);
    auto fv = fbb.CreateVector(findings);
    auto vv = fbb.CreateVector(violations);
    items.push_back(schema::CreateItemResult(fbb, id, it.outcome, text, fv, vv));
  }
  std::vector<Offset<schema::Evidence>> evidence;
  for (const auto& e : r.evidence) {
    auto h = fbb.CreateVector(e.sha256.data(), e.sha256.size());
    auto kind = fbb.CreateString(e.kind);
    auto name = fbb.CreateString(e.name);
    evidence.push_back(schema::CreateEvidence(fbb, h, e.size, kind, name));
  }
  auto draw = fbb.CreateString(r.draw_id);
  auto code = fbb.CreateString(r.credit_code);
  auto date = fbb.CreateString(r.inspection_date);
  auto iv = fbb.CreateVector(items);
  auto ev = fbb.CreateVector(evidence);
  auto team = StrVec(fbb, r.team);
  auto conf = StrVec(fbb, r.confirmed_by);
  return schema::CreateInspectionResult(fbb, draw, code, r.revision, date, iv, ev, team, conf);
}

StatusOr<ResultRecord> ReadResult(std::string_view table, const schema::InspectionResult* p) {
  if (p == nullptr) return Lacks(table, "result");
  if (p->draw_id() == nullptr) return Lacks(table, "draw_id");
  if (p->credit_code() == nullptr) return Lacks(table, "credit_code");
  ResultRecord r;
  r.draw_id = p->draw_id()->str();
  r.credit_code = p->credit_code()->str();
  r.revision = p->revision();
  r.inspection_date = Str(p->inspection_date());
  if (p->items() != nullptr) {
    for (const auto* it : *p->items()) {
      ItemResultRecord item;
      item.item_id = Str(it->item_id());
      item.outcome = it->outcome();
      item.outcome_text = Str(it->outcome_text());
      if (it->findings() != nullptr) {
        for (const auto* f : *it->findings()) {
          item.findings.push_back(FindingRecord{Str(f->point()), f->compliant(), Str(f->text())});
        }
      }
      if (it->violations() != nullptr) {
        for (const auto* v : *it->violations()) {
          ViolationRecord vr{Str(v->description()), Str(v->legal_basis()), {},
                             v->no_penalty_list(), v->fine_yuan()};
          if (v->handling() != nullptr) {
            for (auto h : *v->handling()) vr.handling.push_back(static_cast<Handling>(h));
          }
          item.violations.push_back(std::move(vr));
        }
      }
      r.items.push_back(std::move(item));
    }
  }
  if (p->evidence() != nullptr) {
    for (const auto* e : *p->evidence()) {
      EvidenceRecord er;
      if (e->sha256() == nullptr || e->sha256()->size() != er.sha256.size()) {
        return DataLossIn(table, "evidence.sha256 is not 32 bytes");
      }
      std::copy(e->sha256()->begin(), e->sha256()->end(), er.sha256.begin());
      er.size = e->size();
      er.kind = Str(e->kind());
      er.name = Str(e->name());
      r.evidence.push_back(std::move(er));
    }
  }
  r.team = Strs(p->team());
  r.confirmed_by = Strs(p->confirmed_by());
  return r;
}

}  // namespace

// --- validation ---

std::vector<FieldError> ValidateAnnouncement(const AnnouncementRecord& a) {
  std::vector<FieldError> errs;
  CheckText(errs, "draw_id", a.draw_id, true, kMaxId);
  CheckDate(errs, "confirmed_date", a.confirmed_date, true);
  CheckPeople(errs, "confirmed_by", a.confirmed_by, true);
  CheckText(errs, "withheld_reason", a.withheld_reason, !a.publish_targets);
  if (a.publish_targets && !a.withheld_reason.empty()) {
    Err(errs, "withheld_reason", a.withheld_reason,
        "公布对象时不应有不公布理由 (only for withheld targets)");
  }
  CheckText(errs, "note", a.note, false, kMaxLongText);
  return errs;
}

std::vector<FieldError> ValidateResult(const ResultRecord& r) {
  std::vector<FieldError> errs;
  CheckKey(errs, r.draw_id, r.credit_code);
  if (r.revision == 0) Err(errs, "revision", "0", "版本从1开始 (revisions start at 1)");
  CheckDate(errs, "inspection_date", r.inspection_date, true);
  if (r.items.empty()) Err(errs, "items", "", "至少一个抽查事项 (at least one item)");
  if (r.items.size() > kMaxItems) Err(errs, "items", std::to_string(r.items.size()), "事项过多 (too many)");
  std::set<std::string> item_ids;
  for (size_t i = 0; i < r.items.size(); ++i) {
    const auto& it = r.items[i];
    const std::string f = "items[" + std::to_string(i) + "]";
    CheckText(errs, f + ".item_id", it.item_id, true, kMaxId);
    if (!item_ids.insert(it.item_id).second) Err(errs, f + ".item_id", it.item_id, "重复 (listed twice)");
    if (OutcomeKey(it.outcome) == "unknown") {
      Err(errs, f + ".outcome", std::to_string(static_cast<int>(it.outcome)),
          "检查结果不在通用结果列表中 (not an outcome of the common list)");
    }
    CheckText(errs, f + ".outcome_text", it.outcome_text, it.outcome == Outcome::Other);
    if (it.findings.size() > kMaxFindings) Err(errs, f + ".findings", std::to_string(it.findings.size()), "过多 (too many)");
    if (it.violations.size() > kMaxViolations) Err(errs, f + ".violations", std::to_string(it.violations.size()), "过多 (too many)");
    for (size_t j = 0; j < it.findings.size(); ++j) {
      const std::string g = f + ".findings[" + std::to_string(j) + "]";
      CheckText(errs, g + ".point", it.findings[j].point, true);
      CheckText(errs, g + ".text", it.findings[j].text, !it.findings[j].compliant, kMaxLongText);
    }
    const bool problems = FoundProblems(it.outcome);
    if (problems && it.violations.empty()) {
      Err(errs, f + ".violations", "", "发现问题须列明违法行为 (problems found: list the violations)");
    }
    if (!problems && it.outcome != Outcome::Other && !it.violations.empty()) {
      Err(errs, f + ".violations", std::to_string(it.violations.size()),
          "结果“" + std::string(OutcomeLabel(it.outcome)) +
              "”不应有违法行为 (this outcome lists no violations)");
    }
    bool ordered = false;
    for (size_t j = 0; j < it.violations.size(); ++j) {
      const auto& v = it.violations[j];
      const std::string g = f + ".violations[" + std::to_string(j) + "]";
      CheckText(errs, g + ".description", v.description, true, kMaxLongText);
      CheckText(errs, g + ".legal_basis", v.legal_basis, true);
      if (v.handling.empty()) Err(errs, g + ".handling", "", "须写明处理措施 (state the handling)");
      std::set<Handling> hs;
      for (Handling h : v.handling) {
        if (HandlingKey(h) == "unknown") {
          Err(errs, g + ".handling", std::to_string(static_cast<int>(h)), "未知处理措施 (unknown handling)");
        }
        if (!hs.insert(h).second) Err(errs, g + ".handling", std::string(HandlingKey(h)), "重复 (listed twice)");
      }
      if (hs.count(Handling::OrderCorrection)) ordered = true;
      const bool fined = hs.count(Handling::Fine) > 0;
      if (fined != (v.fine_yuan > 0)) {
        Err(errs, g + ".fine_yuan", std::to_string(v.fine_yuan),
            "罚款金额与处理措施不一致 (a fine needs handling \"fine\" and an amount, and only then)");
      }
      if (v.no_penalty_list) {
        if (fined || hs.count(Handling::CaseFiled)) {
          Err(errs, g + ".handling", "fine/case_filed",
              "轻微违法不予处罚清单事项不得罚款或立案 (no-penalty list: corrected without a fine, R17)");
        }
        if (!hs.count(Handling::NoPenalty) || !hs.count(Handling::OrderCorrection)) {
          Err(errs, g + ".handling", "",
              "不予处罚事项须责令改正并注明不予处罚 (no-penalty list: order_correction and no_penalty)");
        }
      } else if (hs.count(Handling::NoPenalty)) {
        Err(errs, g + ".no_penalty_list", "false",
            "不予处罚须属轻微违法不予处罚清单 (no_penalty only for the no-penalty list)");
      }
    }
    if (it.outcome == Outcome::Corrected && !ordered) {
      Err(errs, f + ".violations", "", "“已责令改正”须有责令改正措施 (needs order_correction)");
    }
  }
  if (r.evidence.size() > kMaxEvidence) Err(errs, "evidence", std::to_string(r.evidence.size()), "过多 (too many)");
  for (size_t i = 0; i < r.evidence.size(); ++i) {
    const std::string f = "evidence[" + std::to_string(i) + "]";
    if (r.evidence[i].size == 0) Err(errs, f + ".size", "0", "空文件 (empty file)");
    CheckText(errs, f + ".kind", r.evidence[i].kind, true, kMaxId);
    CheckText(errs, f + ".name", r.evidence[i].name, true);
  }
  CheckPeople(errs, "team", r.team, true);
  if (r.team.size() == 1) Err(errs, "team", r.team[0], "检查人员不少于两人 (at least two inspectors)");
  // One user's word is no one else's confirmation: each inspector confirms the revision
  // with a ResultConfirmed of its own (schemas/inspection.fbs).
  if (!r.confirmed_by.empty()) {
    std::string named;
    for (const auto& id : r.confirmed_by) named += (named.empty() ? "" : ",") + id;
    Err(errs, "confirmed_by", named,
        "不得代为确认，检查组成员须各自以本人账号确认 (no longer accepted: each inspector of the "
        "team confirms the recorded revision themself, POST .../confirm or suiji result confirm)");
  }
  return errs;
}

std::vector<FieldError> ValidateTransfer(const TransferRecord& t) {
  std::vector<FieldError> errs;
  CheckKey(errs, t.draw_id, t.credit_code);
  if (t.kind != TransferKind::Department && t.kind != TransferKind::Police) {
    Err(errs, "kind", std::to_string(static_cast<int>(t.kind)), "须为 department 或 police");
  }
  CheckText(errs, "to_body", t.to_body, true);
  CheckDate(errs, "date", t.date, true);
  CheckText(errs, "reason", t.reason, true, kMaxLongText);
  return errs;
}

std::vector<FieldError> ValidateReevaluation(const ReevaluationRecord& r) {
  std::vector<FieldError> errs;
  CheckKey(errs, r.draw_id, r.credit_code);
  if (r.grade != "A" && r.grade != "B" && r.grade != "C") {
    Err(errs, "grade", r.grade, "等级须为 A、B 或 C (grade A, B or C)");
  }
  CheckDate(errs, "grade_date", r.grade_date, true);
  CheckText(errs, "reason", r.reason, true, kMaxLongText);
  return errs;
}

// --- encoding ---

Bytes EncodeAnnouncement(const AnnouncementRecord& a) {
  FlatBufferBuilder fbb(256);
  auto draw = fbb.CreateString(a.draw_id);
  auto date = fbb.CreateString(a.confirmed_date);
  auto by = StrVec(fbb, a.confirmed_by);
  auto reason = fbb.CreateString(a.withheld_reason);
  auto note = fbb.CreateString(a.note);
  return Finish(fbb, schema::CreateAnnouncement(fbb, draw, date, by, a.publish_targets, reason, note));
}

Bytes EncodeResult(const ResultRecord& r) {
  FlatBufferBuilder fbb(1024);
  return Finish(fbb, BuildResult(fbb, r));
}

Bytes EncodeStep(const ResultStepRecord& s) {
  FlatBufferBuilder fbb(128);
  auto draw = fbb.CreateString(s.draw_id);
  auto code = fbb.CreateString(s.credit_code);
  auto date = fbb.CreateString(s.date);
  return Finish(fbb, schema::CreateResultStep(fbb, draw, code, s.revision, date));
}

Bytes EncodeReview(const ReviewRecord& r) {
  FlatBufferBuilder fbb(128);
  auto draw = fbb.CreateString(r.draw_id);
  auto code = fbb.CreateString(r.credit_code);
  auto reason = fbb.CreateString(r.reason);
  return Finish(fbb, schema::CreateResultReview(fbb, draw, code, r.revision, r.approved, reason));
}

Bytes EncodeCorrection(const CorrectionRecord& c) {
  FlatBufferBuilder fbb(1024);
  auto result = BuildResult(fbb, c.result);
  auto reason = fbb.CreateString(c.reason);
  return Finish(fbb, schema::CreateResultCorrection(fbb, c.correction, reason, result));
}

Bytes EncodeInternalNote(const InternalNoteRecord& n) {
  FlatBufferBuilder fbb(256);
  auto draw = fbb.CreateString(n.draw_id);
  auto code = fbb.CreateString(n.credit_code);
  auto note = fbb.CreateString(n.note);
  auto name = fbb.CreateString(n.complainant_name);
  auto contact = fbb.CreateString(n.complainant_contact);
  return Finish(fbb, schema::CreateResultInternalNote(fbb, draw, code, note, name, contact));
}

Bytes EncodeConfirmation(const ConfirmationRecord& c) {
  FlatBufferBuilder fbb(192);
  auto draw = fbb.CreateString(c.draw_id);
  auto code = fbb.CreateString(c.credit_code);
  auto hash = fbb.CreateVector(c.result_sha256.data(), c.result_sha256.size());
  auto insp = fbb.CreateString(c.inspector_id);
  return Finish(fbb, schema::CreateResultConfirmation(fbb, draw, code, c.revision, hash, insp));
}

Bytes EncodeTransfer(const TransferRecord& t) {
  FlatBufferBuilder fbb(256);
  auto draw = fbb.CreateString(t.draw_id);
  auto code = fbb.CreateString(t.credit_code);
  auto to = fbb.CreateString(t.to_body);
  auto date = fbb.CreateString(t.date);
  auto reason = fbb.CreateString(t.reason);
  return Finish(fbb, schema::CreateCaseTransfer(fbb, draw, code, t.kind, to, date, reason));
}

Bytes EncodeReevaluation(const ReevaluationRecord& r) {
  FlatBufferBuilder fbb(256);
  auto draw = fbb.CreateString(r.draw_id);
  auto code = fbb.CreateString(r.credit_code);
  auto grade = fbb.CreateString(r.grade);
  auto date = fbb.CreateString(r.grade_date);
  auto reason = fbb.CreateString(r.reason);
  return Finish(fbb, schema::CreateCreditReevaluation(fbb, draw, code, grade, date, reason));
}

// --- decoding ---

StatusOr<AnnouncementRecord> DecodeAnnouncement(ByteView b) {
  constexpr std::string_view kTable = "Announcement";
  const auto* a = Verified<schema::Announcement>(b);
  if (a == nullptr) return Malformed(kTable);
  if (a->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  return AnnouncementRecord{a->draw_id()->str(), Str(a->confirmed_date()), Strs(a->confirmed_by()),
                            a->publish_targets(), Str(a->withheld_reason()), Str(a->note())};
}

StatusOr<ResultRecord> DecodeResult(ByteView b) {
  constexpr std::string_view kTable = "InspectionResult";
  const auto* p = Verified<schema::InspectionResult>(b);
  if (p == nullptr) return Malformed(kTable);
  return ReadResult(kTable, p);
}

StatusOr<ResultStepRecord> DecodeStep(ByteView b) {
  constexpr std::string_view kTable = "ResultStep";
  const auto* s = Verified<schema::ResultStep>(b);
  if (s == nullptr) return Malformed(kTable);
  if (s->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (s->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  return ResultStepRecord{s->draw_id()->str(), s->credit_code()->str(), s->revision(), Str(s->date())};
}

StatusOr<ReviewRecord> DecodeReview(ByteView b) {
  constexpr std::string_view kTable = "ResultReview";
  const auto* r = Verified<schema::ResultReview>(b);
  if (r == nullptr) return Malformed(kTable);
  if (r->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (r->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  return ReviewRecord{r->draw_id()->str(), r->credit_code()->str(), r->revision(), r->approved(),
                      Str(r->reason())};
}

StatusOr<CorrectionRecord> DecodeCorrection(ByteView b) {
  constexpr std::string_view kTable = "ResultCorrection";
  const auto* c = Verified<schema::ResultCorrection>(b);
  if (c == nullptr) return Malformed(kTable);
  SUIJI_ASSIGN_OR_RETURN(ResultRecord r, ReadResult(kTable, c->result()));
  return CorrectionRecord{c->correction(), Str(c->reason()), std::move(r)};
}

StatusOr<InternalNoteRecord> DecodeInternalNote(ByteView b) {
  constexpr std::string_view kTable = "ResultInternalNote";
  const auto* n = Verified<schema::ResultInternalNote>(b);
  if (n == nullptr) return Malformed(kTable);
  if (n->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (n->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  return InternalNoteRecord{n->draw_id()->str(), n->credit_code()->str(), Str(n->note()),
                            Str(n->complainant_name()), Str(n->complainant_contact())};
}

StatusOr<ConfirmationRecord> DecodeConfirmation(ByteView b) {
  constexpr std::string_view kTable = "ResultConfirmation";
  const auto* c = Verified<schema::ResultConfirmation>(b);
  if (c == nullptr) return Malformed(kTable);
  if (c->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (c->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  ConfirmationRecord r{c->draw_id()->str(), c->credit_code()->str(), c->revision(), {}, Str(c->inspector_id())};
  if (c->result_sha256() == nullptr || c->result_sha256()->size() != r.result_sha256.size()) {
    return DataLossIn(kTable, "result_sha256 is not 32 bytes");
  }
  std::copy(c->result_sha256()->begin(), c->result_sha256()->end(), r.result_sha256.begin());
  return r;
}

StatusOr<TransferRecord> DecodeTransfer(ByteView b) {
  constexpr std::string_view kTable = "CaseTransfer";
  const auto* t = Verified<schema::CaseTransfer>(b);
  if (t == nullptr) return Malformed(kTable);
  if (t->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (t->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  return TransferRecord{t->draw_id()->str(), t->credit_code()->str(), t->kind(),
                        Str(t->to_body()), Str(t->date()), Str(t->reason())};
}

StatusOr<ReevaluationRecord> DecodeReevaluation(ByteView b) {
  constexpr std::string_view kTable = "CreditReevaluation";
  const auto* r = Verified<schema::CreditReevaluation>(b);
  if (r == nullptr) return Malformed(kTable);
  if (r->draw_id() == nullptr) return Lacks(kTable, "draw_id");
  if (r->credit_code() == nullptr) return Lacks(kTable, "credit_code");
  return ReevaluationRecord{r->draw_id()->str(), r->credit_code()->str(), Str(r->grade()),
                            Str(r->grade_date()), Str(r->reason())};
}

// --- names ---

namespace {
struct OutcomeName { Outcome o; std::string_view key; std::string_view label; };
constexpr OutcomeName kOutcomes[] = {
    {Outcome::NoProblem, "no_problem", "未发现问题"},
    {Outcome::Corrected, "corrected", "发现问题已责令改正"},
    {Outcome::PendingHandling, "pending_handling", "发现问题待后续处理"},
    {Outcome::Uncooperative, "uncooperative", "不配合检查"},
    {Outcome::Unreachable, "unreachable", "通过登记的住所无法联系"},
    {Outcome::Closed, "closed", "已关闭停业或正在清算"},
    {Outcome::NoActivity, "no_activity", "未发现开展本次抽查涉及的经营活动"},
    {Outcome::Other, "other", "其他"},
};
struct HandlingName { Handling h; std::string_view key; std::string_view label; };
constexpr HandlingName kHandlings[] = {
    {Handling::OrderCorrection, "order_correction", "责令改正"},
    {Handling::CaseFiled, "case_filed", "立案查处"},
    {Handling::Fine, "fine", "罚款"},
    {Handling::TransferDepartment, "transfer_department", "移送有关部门"},
    {Handling::TransferPolice, "transfer_police", "移送公安机关"},
    {Handling::NoPenalty, "no_penalty", "不予处罚（轻微违法不予处罚清单）"},
};
}  // namespace

std::string_view OutcomeLabel(Outcome o) {
  for (const auto& n : kOutcomes) if (n.o == o) return n.label;
  return "未知";
}
std::string_view OutcomeKey(Outcome o) {
  for (const auto& n : kOutcomes) if (n.o == o) return n.key;
  return "unknown";
}
Outcome OutcomeFromKey(std::string_view key) {
  for (const auto& n : kOutcomes) if (n.key == key || n.label == key) return n.o;
  return Outcome::Unknown;
}
std::string_view HandlingLabel(Handling h) {
  for (const auto& n : kHandlings) if (n.h == h) return n.label;
  return "未知";
}
std::string_view HandlingKey(Handling h) {
  for (const auto& n : kHandlings) if (n.h == h) return n.key;
  return "unknown";
}
Handling HandlingFromKey(std::string_view key) {
  for (const auto& n : kHandlings) if (n.key == key || n.label == key) return n.h;
  return Handling::Unknown;
}
std::string_view TransferKindKey(TransferKind k) {
  switch (k) {
    case TransferKind::Department: return "department";
    case TransferKind::Police: return "police";
    default: return "unknown";
  }
}
TransferKind TransferKindFromKey(std::string_view key) {
  if (key == "department") return TransferKind::Department;
  if (key == "police") return TransferKind::Police;
  return TransferKind::Unknown;
}

bool FoundProblems(Outcome o) { return o == Outcome::Corrected || o == Outcome::PendingHandling; }

bool Unobserved(Outcome o) {
  return o == Outcome::Uncooperative || o == Outcome::Unreachable || o == Outcome::Closed ||
         o == Outcome::NoActivity;
}

bool AnyViolation(const ResultRecord& r) {
  return std::any_of(r.items.begin(), r.items.end(),
                     [](const ItemResultRecord& i) { return !i.violations.empty(); });
}

std::string ChinaDate(int64_t time_us) {
  constexpr int64_t kDayUs = 86400LL * 1000000;
  constexpr int64_t kOffsetUs = 8LL * 3600 * 1000000;
  int64_t t = time_us + kOffsetUs;
  int64_t day = t >= 0 ? t / kDayUs : -((-t + kDayUs - 1) / kDayUs);
  return directory::DateOfDay(day);
}

std::string ChinaTime(int64_t time_us) {
  constexpr int64_t kDayUs = 86400LL * 1000000;
  constexpr int64_t kOffsetUs = 8LL * 3600 * 1000000;
  const int64_t t = time_us + kOffsetUs;
  const int64_t day = t >= 0 ? t / kDayUs : -((-t + kDayUs - 1) / kDayUs);
  const int64_t s = (t - day * kDayUs) / 1000000;
  char hms[16];
  std::snprintf(hms, sizeof hms, " %02d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return directory::DateOfDay(day) + hms;
}

bool IsInspectionEvent(EventType type) {
  auto t = static_cast<uint16_t>(type);
  return t >= 300 && t < 400;
}

}  // namespace suiji::inspection
