#include "ledger/core/directory/records.h"

#include <algorithm>

#include "ledger/core/codes/credit_code.h"
#include "ledger/core/codes/industry.h"
#include "ledger/core/codes/region.h"
#include "ledger/core/directory/target_decode.h"
#include "ledger/core/flatbuffers_util.h"

namespace suiji::directory {

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using flatbuffers::String;
using flatbuffers::Vector;
using fb::Finish;
using fb::Str;
using fb::Strs;
using fb::Verified;

constexpr size_t kMaxLongText = 20000;

Offset<String> OptStr(FlatBufferBuilder& fbb, bool present, const std::string& s) {
  return present ? fbb.CreateString(s) : Offset<String>();
}

Offset<Vector<Offset<String>>> OptStrs(FlatBufferBuilder& fbb, bool present,
                                       const std::vector<std::string>& v) {
  return present ? fbb.CreateVectorOfStrings(v) : Offset<Vector<Offset<String>>>();
}

}  // namespace

void CheckText(std::vector<FieldError>& errs, std::string_view field, const std::string& v,
               bool required, size_t max) {
  if (required && v.empty()) {
    errs.push_back({std::string(field), v, "必填项为空 (required)"});
  } else if (v.size() > max) {
    errs.push_back({std::string(field), v.substr(0, 40), "内容过长 (too long: " + std::to_string(v.size()) +
                                                " bytes, at most " + std::to_string(max) + ")"});
  } else if (!ValidUtf8(v)) {
    errs.push_back({std::string(field), "", "不是有效的UTF-8文本 (not valid UTF-8)"});
  }
}

void CheckDate(std::vector<FieldError>& errs, std::string_view field, const std::string& v,
               bool required) {
  if (v.empty()) {
    if (required) errs.push_back({std::string(field), v, "日期必填 (date required)"});
    return;
  }
  if (!ValidDate(v)) errs.push_back({std::string(field), v, "日期格式应为YYYY-MM-DD (date must be YYYY-MM-DD)"});
}

void CheckRegion(std::vector<FieldError>& errs, std::string_view field, const std::string& v) {
  if (codes::FindRegion(v) == nullptr) {
    errs.push_back({std::string(field), v, "未知的行政区划代码 (unknown GB/T 2260 region code)"});
  }
}

bool ValidDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  int m = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  if (y < 1949 || y > 2200 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
  return day <= max;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return false;
    if (cp < 0x20 && cp != '\t') return false;  // no control characters in directory text
    i += n;
  }
  return true;
}

std::vector<FieldError> ValidateTarget(const TargetRecord& t) {
  std::vector<FieldError> errs;
  auto cc = codes::ValidateCreditCode(t.credit_code);
  if (cc != codes::CreditCodeError::kOk) {
    errs.push_back({"credit_code", t.credit_code, std::string(codes::CreditCodeErrorText(cc))});
  }
  CheckText(errs, "name", t.name, true);
  CheckRegion(errs, "region", t.region);
  if (codes::FindIndustry(t.industry) == nullptr) {
    errs.push_back({"industry", t.industry, "未知的国民经济行业代码 (unknown GB/T 4754 industry code)"});
  }
  if (t.headcount > 10'000'000) {
    errs.push_back({"headcount", std::to_string(t.headcount), "职工人数不合理 (implausible headcount)"});
  }
  if (!t.credit_grade.empty() && t.credit_grade != "A" && t.credit_grade != "B" &&
      t.credit_grade != "C") {
    errs.push_back({"credit_grade", t.credit_grade, "诚信等级应为A、B或C (grade must be A, B or C)"});
  }
  CheckDate(errs, "grade_date", t.grade_date, !t.credit_grade.empty());
  if (t.blacklisted) {
    CheckText(errs, "blacklist_name", t.blacklist_name, true);
    CheckDate(errs, "blacklist_from", t.blacklist_from, true);
  } else if (!t.blacklist_name.empty()) {
    errs.push_back({"blacklist_name", t.blacklist_name,
                    "未列入黑名单却填写了名单名称 (list name given but not blacklisted)"});
  }
  CheckDate(errs, "blacklist_until", t.blacklist_until, false);
  if (!t.blacklist_from.empty() && !t.blacklist_until.empty() &&
      t.blacklist_until < t.blacklist_from) {
    errs.push_back({"blacklist_until", t.blacklist_until,
                    "移出日期早于列入日期 (ends before it starts)"});
  }
  if (t.star_level > 5) {
    errs.push_back({"star_level", std::to_string(t.star_level), "星级应为0到5 (stars must be 0..5)"});
  }
  if (t.status != TargetStatus::Active && t.status != TargetStatus::Deregistered &&
      t.status != TargetStatus::Moved) {
    errs.push_back({"status", "", "未知状态 (unknown status)"});
  }
  CheckText(errs, "org_id", t.org_id, true, 64);
  return errs;
}

std::vector<FieldError> ValidateInspector(const InspectorRecord& i) {
  std::vector<FieldError> errs;
  CheckText(errs, "inspector_id", i.inspector_id, true, 64);
  CheckText(errs, "name", i.name, true, 200);
  if (i.domains.empty() && !i.auxiliary) {
    errs.push_back({"domains", "", "至少填写一个执法领域 (at least one enforcement domain)"});
  }
  for (const auto& d : i.domains) CheckText(errs, "domains", d, true, 200);
  for (const auto& s : i.specialties) CheckText(errs, "specialties", s, true, 200);
  CheckText(errs, "org_id", i.org_id, true, 64);
  CheckRegion(errs, "region", i.region);
  return errs;
}

std::vector<FieldError> ValidateOrgUnit(const OrgUnitRecord& o) {
  std::vector<FieldError> errs;
  CheckText(errs, "org_id", o.org_id, true, 64);
  CheckText(errs, "name", o.name, true);
  CheckRegion(errs, "region", o.region);
  if (o.level != OrgLevel::Province && o.level != OrgLevel::City && o.level != OrgLevel::County) {
    errs.push_back({"level", "", "层级应为省、市或县 (level must be province, city or county)"});
  }
  if ((o.level == OrgLevel::Province) != o.parent_org_id.empty()) {
    errs.push_back({"parent_org_id", o.parent_org_id,
                    "只有省级机构没有上级 (only a province has no parent)"});
  }
  return errs;
}

std::string_view OrgLevelName(OrgLevel level) {
  switch (level) {
    case OrgLevel::Province: return "province";
    case OrgLevel::City: return "city";
    case OrgLevel::County: return "county";
    default: return "unknown";
  }
}

std::string OrgRegistrationRefusal(const OrgUnitRecord& acting, const OrgUnitRecord* parent,
                                   const OrgUnitRecord& o) {
  const std::string who = "org unit " + acting.org_id + " (" + std::string(OrgLevelName(acting.level)) +
                          ", region " + acting.region + ")";
  if (parent == nullptr) {
    return who + " may not register org unit " + o.org_id + " without a registered parent inside its jurisdiction";
  }
  if (!codes::RegionWithin(parent->region, acting.region)) {
    return who + " may not register org unit " + o.org_id + " under parent " + parent->org_id + " (region " +
           parent->region + "): the parent is outside its jurisdiction";
  }
  if (!codes::RegionWithin(o.region, acting.region)) {
    return who + " may not register org unit " + o.org_id + " in region " + o.region +
           ": the region is outside its jurisdiction";
  }
  if (static_cast<int>(o.level) <= static_cast<int>(acting.level)) {
    return who + " may not register org unit " + o.org_id + " at level " + std::string(OrgLevelName(o.level)) +
           ": only levels below its own";
  }
  return {};
}

std::vector<FieldError> ValidateItemList(const ItemListRecord& l) {
  std::vector<FieldError> errs;
  CheckText(errs, "org_id", l.org_id, true, 64);
  if (l.version == 0) errs.push_back({"version", "0", "版本号从1开始 (versions start at 1)"});
  CheckDate(errs, "effective_date", l.effective_date, true);
  CheckText(errs, "note", l.note, false, kMaxLongText);
  if (l.items.empty()) errs.push_back({"items", "", "事项清单为空 (the list has no items)"});
  std::vector<std::string> ids;
  for (const auto& it : l.items) {
    CheckText(errs, "item_id", it.item_id, true, 64);
    CheckText(errs, "name", it.name, true);
    CheckText(errs, "implementing_body", it.implementing_body, true);
    CheckText(errs, "legal_basis", it.legal_basis, true, kMaxLongText);
    CheckText(errs, "content", it.content, true, kMaxLongText);
    CheckText(errs, "responsible_body", it.responsible_body, true);
    for (const auto& c : it.checklist) CheckText(errs, "checklist", c, true, kMaxLongText);
    if (std::find(ids.begin(), ids.end(), it.item_id) != ids.end()) {
      errs.push_back({"item_id", it.item_id, "事项编号重复 (duplicate item id)"});
    }
    ids.push_back(it.item_id);
  }
  return errs;
}

// --- patches ---

TargetPatch DiffTargets(const TargetRecord& a, const TargetRecord& b) {
  TargetPatch p;
  p.values = b;
  auto d = [&](bool differs, uint32_t bit) {
    if (differs) p.fields |= bit;
  };
  d(a.name != b.name, kTName);
  d(a.region != b.region, kTRegion);
  d(a.industry != b.industry, kTIndustry);
  d(a.headcount != b.headcount, kTHeadcount);
  d(a.credit_grade != b.credit_grade, kTCreditGrade);
  d(a.grade_date != b.grade_date, kTGradeDate);
  d(a.blacklisted != b.blacklisted, kTBlacklisted);
  d(a.blacklist_name != b.blacklist_name, kTBlacklistName);
  d(a.blacklist_from != b.blacklist_from, kTBlacklistFrom);
  d(a.blacklist_until != b.blacklist_until, kTBlacklistUntil);
  d(a.star_level != b.star_level, kTStarLevel);
  d(a.complaints != b.complaints, kTComplaints);
  d(a.status != b.status, kTStatus);
  d(a.org_id != b.org_id, kTOrgId);
  return p;
}

void ApplyPatch(TargetRecord& t, const TargetPatch& p) {
  const TargetRecord& v = p.values;
  const uint32_t f = p.fields;
  if (f & kTName) t.name = v.name;
  if (f & kTRegion) t.region = v.region;
  if (f & kTIndustry) t.industry = v.industry;
  if (f & kTHeadcount) t.headcount = v.headcount;
  if (f & kTCreditGrade) t.credit_grade = v.credit_grade;
  if (f & kTGradeDate) t.grade_date = v.grade_date;
  if (f & kTBlacklisted) t.blacklisted = v.blacklisted;
  if (f & kTBlacklistName) t.blacklist_name = v.blacklist_name;
  if (f & kTBlacklistFrom) t.blacklist_from = v.blacklist_from;
  if (f & kTBlacklistUntil) t.blacklist_until = v.blacklist_until;
  if (f & kTStarLevel) t.star_level = v.star_level;
  if (f & kTComplaints) t.complaints = v.complaints;
  if (f & kTStatus) t.status = v.status;
  if (f & kTOrgId) t.org_id = v.org_id;
}

InspectorPatch DiffInspectors(const InspectorRecord& a, const InspectorRecord& b) {
  InspectorPatch p;
  p.values = b;
  if (a.name != b.name) p.fields |= kIName;
  if (a.domains != b.domains) p.fields |= kIDomains;
  if (a.specialties != b.specialties) p.fields |= kISpecialties;
  if (a.org_id != b.org_id) p.fields |= kIOrgId;
  if (a.region != b.region) p.fields |= kIRegion;
  if (a.status != b.status) p.fields |= kIStatus;
  if (a.auxiliary != b.auxiliary) p.fields |= kIAuxiliary;
  return p;
}

void ApplyPatch(InspectorRecord& r, const InspectorPatch& p) {
  const InspectorRecord& v = p.values;
  if (p.fields & kIName) r.name = v.name;
  if (p.fields & kIDomains) r.domains = v.domains;
  if (p.fields & kISpecialties) r.specialties = v.specialties;
  if (p.fields & kIOrgId) r.org_id = v.org_id;
  if (p.fields & kIRegion) r.region = v.region;
  if (p.fields & kIStatus) r.status = v.status;
  if (p.fields & kIAuxiliary) r.auxiliary = v.auxiliary;
}

// --- encoding ---

Bytes EncodeOrgUnit(const OrgUnitRecord& o) {
  FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString(o.org_id);
  auto name = fbb.CreateString(o.name);
  auto region = fbb.CreateString(o.region);
  auto parent = fbb.CreateString(o.parent_org_id);
  return Finish(fbb, schema::CreateOrgUnit(fbb, id, name, region, o.level, parent));
}

namespace {

Bytes EncodeTargetFields(const TargetRecord& v, uint32_t f) {
  thread_local FlatBufferBuilder fbb(512);
  fbb.Clear();
  auto code = fbb.CreateString(v.credit_code);
  auto name = OptStr(fbb, f & kTName, v.name);
  auto region = OptStr(fbb, f & kTRegion, v.region);
  auto industry = OptStr(fbb, f & kTIndustry, v.industry);
  auto grade = OptStr(fbb, f & kTCreditGrade, v.credit_grade);
  auto grade_date = OptStr(fbb, f & kTGradeDate, v.grade_date);
  auto bl_name = OptStr(fbb, f & kTBlacklistName, v.blacklist_name);
  auto bl_from = OptStr(fbb, f & kTBlacklistFrom, v.blacklist_from);
  auto bl_until = OptStr(fbb, f & kTBlacklistUntil, v.blacklist_until);
  auto org = OptStr(fbb, f & kTOrgId, v.org_id);
  flatbuffers::Optional<uint32_t> headcount, complaints;
  flatbuffers::Optional<bool> blacklisted;
  flatbuffers::Optional<uint8_t> stars;
  flatbuffers::Optional<TargetStatus> status;
  if (f & kTHeadcount) headcount = v.headcount;
  if (f & kTComplaints) complaints = v.complaints;
  if (f & kTBlacklisted) blacklisted = v.blacklisted;
  if (f & kTStarLevel) stars = v.star_level;
  if (f & kTStatus) status = v.status;
  return Finish(fbb, schema::CreateTarget(fbb, code, name, region, industry, headcount, grade,
                                          grade_date, blacklisted, bl_name, bl_from, bl_until,
                                          stars, complaints, status, org));
}

Bytes EncodeInspectorFields(const InspectorRecord& v, uint32_t f) {
  FlatBufferBuilder fbb(512);
  auto id = fbb.CreateString(v.inspector_id);
  auto name = OptStr(fbb, f & kIName, v.name);
  auto domains = OptStrs(fbb, f & kIDomains, v.domains);
  auto specialties = OptStrs(fbb, f & kISpecialties, v.specialties);
  auto org = OptStr(fbb, f & kIOrgId, v.org_id);
  auto region = OptStr(fbb, f & kIRegion, v.region);
  flatbuffers::Optional<InspectorStatus> status;
  flatbuffers::Optional<bool> aux;
  if (f & kIStatus) status = v.status;
  if (f & kIAuxiliary) aux = v.auxiliary;
  return Finish(fbb, schema::CreateInspector(fbb, id, name, domains, specialties, org, region,
                                             status, aux));
}

}  // namespace

Bytes EncodeTarget(const TargetRecord& t) { return EncodeTargetFields(t, kTAll); }
Bytes EncodeTargetPatch(const TargetPatch& p) { return EncodeTargetFields(p.values, p.fields); }

Bytes EncodeTargetRetired(std::string_view code, TargetStatus status, std::string_view reason) {
  FlatBufferBuilder fbb(128);
  auto c = fbb.CreateString(code.data(), code.size());
  auto r = fbb.CreateString(reason.data(), reason.size());
  return Finish(fbb, schema::CreateTargetRetired(fbb, c, status, r));
}

Bytes EncodeInspector(const InspectorRecord& i) { return EncodeInspectorFields(i, kIAll); }
Bytes EncodeInspectorPatch(const InspectorPatch& p) {
  return EncodeInspectorFields(p.values, p.fields);
}

Bytes EncodeInspectorRetired(std::string_view id, std::string_view reason) {
  FlatBufferBuilder fbb(128);
  auto i = fbb.CreateString(id.data(), id.size());
  auto r = fbb.CreateString(reason.data(), reason.size());
  return Finish(fbb, schema::CreateInspectorRetired(fbb, i, r));
}

Bytes EncodeConflict(const ConflictRecord& c) {
  FlatBufferBuilder fbb(128);
  auto i = fbb.CreateString(c.inspector_id);
  auto code = fbb.CreateString(c.credit_code);
  auto r = fbb.CreateString(c.reason);
  return Finish(fbb, schema::CreateConflict(fbb, i, code, r));
}

Bytes EncodeItemList(const ItemListRecord& l) {
  FlatBufferBuilder fbb(4096);
  std::vector<Offset<schema::Item>> items;
  for (const auto& it : l.items) {
    items.push_back(schema::CreateItem(
        fbb, fbb.CreateString(it.item_id), fbb.CreateString(it.name),
        fbb.CreateString(it.implementing_body), fbb.CreateString(it.legal_basis),
        fbb.CreateString(it.content), it.method, it.kind, fbb.CreateVectorOfStrings(it.checklist),
        fbb.CreateString(it.responsible_body)));
  }
  auto org = fbb.CreateString(l.org_id);
  auto date = fbb.CreateString(l.effective_date);
  auto note = fbb.CreateString(l.note);
  auto vec = fbb.CreateVector(items);
  return Finish(fbb, schema::CreateItemList(fbb, org, l.version, date, note, vec));
}

// --- decoding ---

StatusOr<OrgUnitRecord> DecodeOrgUnit(ByteView b) {
  const auto* o = Verified<schema::OrgUnit>(b);
  if (o == nullptr || o->org_id() == nullptr) return DataLoss("malformed OrgUnit payload");
  return OrgUnitRecord{Str(o->org_id()), Str(o->name()), Str(o->region()), o->level(),
                       Str(o->parent_org_id())};
}

StatusOr<TargetPatch> DecodeTargetPatch(ByteView b) {
  const auto* t = Verified<schema::Target>(b);
  if (t == nullptr || t->credit_code() == nullptr) return DataLoss("malformed Target payload");
  TargetPatch p;
  TargetRecord& v = p.values;
  v.credit_code = t->credit_code()->str();
  auto s = [&](const String* str, std::string& out, uint32_t bit) {
    if (str != nullptr) {
      out = str->str();
      p.fields |= bit;
    }
  };
  s(t->name(), v.name, kTName);
  s(t->region(), v.region, kTRegion);
  s(t->industry(), v.industry, kTIndustry);
  s(t->credit_grade(), v.credit_grade, kTCreditGrade);
  s(t->grade_date(), v.grade_date, kTGradeDate);
  s(t->blacklist_name(), v.blacklist_name, kTBlacklistName);
  s(t->blacklist_from(), v.blacklist_from, kTBlacklistFrom);
  s(t->blacklist_until(), v.blacklist_until, kTBlacklistUntil);
  s(t->org_id(), v.org_id, kTOrgId);
  if (t->headcount()) { v.headcount = *t->headcount(); p.fields |= kTHeadcount; }
  if (t->blacklisted()) { v.blacklisted = *t->blacklisted(); p.fields |= kTBlacklisted; }
  if (t->star_level()) { v.star_level = *t->star_level(); p.fields |= kTStarLevel; }
  if (t->complaints()) { v.complaints = *t->complaints(); p.fields |= kTComplaints; }
  if (t->status()) { v.status = *t->status(); p.fields |= kTStatus; }
  return p;
}

StatusOr<TargetRecord> DecodeTarget(ByteView b) {
  SUIJI_ASSIGN_OR_RETURN(TargetPatch p, DecodeTargetPatch(b));
  if (p.fields != kTAll) return DataLoss("TargetRegistered payload lacks fields");
  return std::move(p.values);
}

Status DecodeTargetInto(ByteView b, TargetRecord& v) {
  const auto* t = Verified<schema::Target>(b);
  if (t == nullptr || t->credit_code() == nullptr) return DataLoss("malformed Target payload");
  // Every field present (DecodeTarget's kTAll), each assigned in place.
  const String* strs[] = {t->name(),           t->region(),         t->industry(),
                          t->credit_grade(),   t->grade_date(),     t->blacklist_name(),
                          t->blacklist_from(), t->blacklist_until(), t->org_id()};
  for (const String* str : strs) {
    if (str == nullptr) return DataLoss("TargetRegistered payload lacks fields");
  }
  if (!t->headcount() || !t->blacklisted() || !t->star_level() || !t->complaints() || !t->status()) {
    return DataLoss("TargetRegistered payload lacks fields");
  }
  auto set = [](std::string& out, const String* str) { out.assign(str->data(), str->size()); };
  set(v.credit_code, t->credit_code());
  set(v.name, t->name());
  set(v.region, t->region());
  set(v.industry, t->industry());
  set(v.credit_grade, t->credit_grade());
  set(v.grade_date, t->grade_date());
  set(v.blacklist_name, t->blacklist_name());
  set(v.blacklist_from, t->blacklist_from());
  set(v.blacklist_until, t->blacklist_until());
  set(v.org_id, t->org_id());
  v.headcount = *t->headcount();
  v.blacklisted = *t->blacklisted();
  v.star_level = *t->star_level();
  v.complaints = *t->complaints();
  v.status = *t->status();
  return OkStatus();
}

StatusOr<TargetRetirement> DecodeTargetRetired(ByteView b) {
  const auto* t = Verified<schema::TargetRetired>(b);
  if (t == nullptr || t->credit_code() == nullptr) return DataLoss("malformed TargetRetired payload");
  return TargetRetirement{t->credit_code()->str(), t->status(), Str(t->reason())};
}

StatusOr<InspectorPatch> DecodeInspectorPatch(ByteView b) {
  const auto* i = Verified<schema::Inspector>(b);
  if (i == nullptr || i->inspector_id() == nullptr) return DataLoss("malformed Inspector payload");
  InspectorPatch p;
  InspectorRecord& v = p.values;
  v.inspector_id = i->inspector_id()->str();
  if (i->name()) { v.name = i->name()->str(); p.fields |= kIName; }
  if (i->domains()) { v.domains = Strs(i->domains()); p.fields |= kIDomains; }
  if (i->specialties()) { v.specialties = Strs(i->specialties()); p.fields |= kISpecialties; }
  if (i->org_id()) { v.org_id = i->org_id()->str(); p.fields |= kIOrgId; }
  if (i->region()) { v.region = i->region()->str(); p.fields |= kIRegion; }
  if (i->status()) { v.status = *i->status(); p.fields |= kIStatus; }
  if (i->auxiliary()) { v.auxiliary = *i->auxiliary(); p.fields |= kIAuxiliary; }
  return p;
}

StatusOr<InspectorRecord> DecodeInspector(ByteView b) {
  SUIJI_ASSIGN_OR_RETURN(InspectorPatch p, DecodeInspectorPatch(b));
  if (p.fields != kIAll) return DataLoss("InspectorRegistered payload lacks fields");
  return p.values;
}

StatusOr<InspectorRetirement> DecodeInspectorRetired(ByteView b) {
  const auto* i = Verified<schema::InspectorRetired>(b);
  if (i == nullptr || i->inspector_id() == nullptr) {
    return DataLoss("malformed InspectorRetired payload");
  }
  return InspectorRetirement{i->inspector_id()->str(), Str(i->reason())};
}

StatusOr<ConflictRecord> DecodeConflict(ByteView b) {
  const auto* c = Verified<schema::Conflict>(b);
  if (c == nullptr || c->inspector_id() == nullptr || c->credit_code() == nullptr) {
    return DataLoss("malformed Conflict payload");
  }
  return ConflictRecord{c->inspector_id()->str(), c->credit_code()->str(), Str(c->reason())};
}

StatusOr<ItemListRecord> DecodeItemList(ByteView b) {
  const auto* l = Verified<schema::ItemList>(b);
  if (l == nullptr) return DataLoss("malformed ItemList payload");
  ItemListRecord r{Str(l->org_id()), l->version(), Str(l->effective_date()), Str(l->note()), {}};
  if (l->items() != nullptr) {
    for (const auto* it : *l->items()) {
      r.items.push_back(ItemRecord{Str(it->item_id()), Str(it->name()),
                                   Str(it->implementing_body()), Str(it->legal_basis()),
                                   Str(it->content()), it->method(), it->kind(),
                                   Strs(it->checklist()), Str(it->responsible_body())});
    }
  }
  return r;
}

std::string_view TargetStatusName(TargetStatus s) {
  switch (s) {
    case TargetStatus::Active: return "active";
    case TargetStatus::Deregistered: return "deregistered";
    case TargetStatus::Moved: return "moved";
  }
  return "unknown";
}

std::string_view InspectorStatusName(InspectorStatus s) {
  switch (s) {
    case InspectorStatus::Active: return "active";
    case InspectorStatus::Suspended: return "suspended";
    case InspectorStatus::Retired: return "retired";
  }
  return "unknown";
}

std::string_view MethodName(InspectionMethod m) {
  switch (m) {
    case InspectionMethod::Written: return "written";
    case InspectionMethod::OnSite: return "on-site";
    case InspectionMethod::Online: return "online";
  }
  return "unknown";
}

std::string_view ItemKindName(ItemKind k) { return k == ItemKind::Key ? "key" : "general"; }

}  // namespace suiji::directory
