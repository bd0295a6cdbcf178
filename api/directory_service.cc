#include "api/directory_service.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ledger/replay.h"
#include "ledger/tail_view.h"

namespace suiji {

using directory::ConflictRecord;
using directory::FieldError;
using directory::InspectorRecord;
using directory::InspectorStatus;
using directory::ItemListRecord;
using directory::ItemRecord;
using directory::OrgUnitRecord;
using directory::TargetRecord;
using directory::TargetStatus;

namespace {

constexpr int kMaxRetries = 3;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ParseUint(std::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty()) {
    *out = 0;
    return true;
  }
  // Excel may write whole numbers as "12.0".
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.remove_suffix(2);
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return false;
  *out = v;
  return true;
}

// Accepts 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301; returns "" if not a date.
std::string NormalizeDate(std::string_view s) {
  if (s.empty()) return "";
  std::vector<int> parts;
  int cur = -1;
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= '0' && c <= '9') {
      cur = (cur < 0 ? 0 : cur) * 10 + (c - '0');
      ++digits;
      if (cur > 99999999) return "";
    } else {
      if (cur >= 0) parts.push_back(cur);
      cur = -1;
    }
  }
  if (cur >= 0) parts.push_back(cur);
  if (parts.size() == 1 && digits == 8) {
    int v = parts[0];
    parts = {v / 10000, v / 100 % 100, v % 100};
  }
  if (parts.size() != 3) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
  std::string out(buf);
  return directory::ValidDate(out) ? out : "";
}

std::optional<bool> ParseBool(std::string_view s) {
  std::string l = Lower(s);
  if (l.empty() || l == "否" || l == "n" || l == "no" || l == "false" || l == "0" || l == "未列入") {
    return false;
  }
  if (l == "是" || l == "y" || l == "yes" || l == "true" || l == "1" || l == "已列入" || l == "列入") {
    return true;
  }
  return std::nullopt;
}

std::optional<TargetStatus> ParseTargetStatus(std::string_view s) {
  std::string l = Lower(s);
  if (l.empty() || l == "正常" || l == "在业" || l == "存续" || l == "开业" || l == "active") {
    return TargetStatus::Active;
  }
  if (l == "注销" || l == "吊销" || l == "deregistered") return TargetStatus::Deregistered;
  if (l == "迁出" || l == "moved") return TargetStatus::Moved;
  return std::nullopt;
}

std::optional<InspectorStatus> ParseInspectorStatus(std::string_view s) {
  std::string l = Lower(s);
  if (l.empty() || l == "在岗" || l == "在职" || l == "正常" || l == "active") return InspectorStatus::Active;
  if (l == "暂停" || l == "停职" || l == "suspended") return InspectorStatus::Suspended;
  if (l == "退休" || l == "离职" || l == "调离" || l == "retired") return InspectorStatus::Retired;
  return std::nullopt;
}

// Splits a list cell on ; ； 、 | and trims the parts.
std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(' '), e = cur.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ';' || s[i] == '|') {
      flush();
      ++i;
    } else if (s.substr(i, 3) == "；" || s.substr(i, 3) == "、") {
      flush();
      i += 3;
    } else {
      cur.push_back(s[i++]);
    }
  }
  flush();
  return out;
}

// Cell access by mapped column.
struct Row {
  const std::vector<std::string>& cells;
  const std::vector<int>& cols;
  std::string_view operator[](size_t spec) const {
    int c = cols[spec];
    return c < 0 || static_cast<size_t>(c) >= cells.size() ? std::string_view() : cells[static_cast<size_t>(c)];
  }
  bool has(size_t spec) const { return cols[spec] >= 0; }
};

// Column specifications: index constants must match the order of the vectors.
enum TargetCol : size_t {
  kCCode, kCName, kCRegion, kCIndustry, kCHeadcount, kCGrade, kCGradeDate, kCBlacklisted,
  kCBlacklistName, kCBlacklistFrom, kCBlacklistUntil, kCStars, kCComplaints, kCStatus, kCOrg,
};
const std::vector<import::ColumnSpec>& TargetColumns() {
  static const std::vector<import::ColumnSpec> kSpecs = {
      {"credit_code", {"统一社会信用代码", "信用代码", "credit_code", "unified social credit code", "uscc"}, true},
      {"name", {"单位名称", "用人单位名称", "企业名称", "名称", "name"}, true},
      {"region", {"行政区划代码", "所在地区划代码", "区划代码", "region", "region_code"}, true},
      {"industry", {"行业代码", "国民经济行业代码", "所属行业代码", "industry", "industry_code"}, true},
      {"headcount", {"职工人数", "从业人数", "用工人数", "headcount", "employees"}, true},
      {"credit_grade", {"劳动保障守法诚信等级", "诚信等级", "credit_grade", "grade"}, false},
      {"grade_date", {"等级评定日期", "评级日期", "grade_date"}, false},
      {"blacklisted", {"是否列入黑名单", "列入黑名单", "黑名单", "blacklisted"}, false},
      {"blacklist_name", {"黑名单名称", "名单名称", "blacklist_name"}, false},
      {"blacklist_from", {"列入日期", "列入黑名单日期", "blacklist_from"}, false},
      {"blacklist_until", {"移出日期", "移出黑名单日期", "blacklist_until"}, false},
      {"star_level", {"和谐劳动关系星级", "星级", "star_level", "stars"}, false},
      {"complaints", {"投诉举报次数", "投诉次数", "complaints"}, false},
      {"status", {"状态", "经营状态", "status"}, false},
      {"org_id", {"所属机构", "管辖机构", "org_id"}, false},
  };
  return kSpecs;
}

enum InspectorCol : size_t { kIId, kIName, kIDomains, kISpecialties, kIOrg, kIRegion, kIStatus, kIAux };
const std::vector<import::ColumnSpec>& InspectorColumns() {
  static const std::vector<import::ColumnSpec> kSpecs = {
      {"inspector_id", {"执法证号", "执法证件号", "证件编号", "inspector_id", "certificate"}, true},
      {"name", {"姓名", "name"}, true},
      {"domains", {"执法领域", "domains"}, false},
      {"specialties", {"业务专长", "专长", "specialties"}, false},
      {"org_id", {"所属机构", "工作单位", "org_id"}, false},
      {"region", {"行政区划代码", "区划代码", "region"}, true},
      {"status", {"状态", "status"}, false},
      {"auxiliary", {"是否辅助人员", "专家", "辅助人员", "auxiliary", "expert"}, false},
  };
  return kSpecs;
}

enum ItemCol : size_t { kMId, kMName, kMBody, kMBasis, kMContent, kMMethod, kMKind, kMChecklist, kMResp };
const std::vector<import::ColumnSpec>& ItemColumns() {
  static const std::vector<import::ColumnSpec> kSpecs = {
      {"item_id", {"事项编号", "编号", "item_id"}, true},
      {"name", {"抽查事项", "事项名称", "name"}, true},
      {"implementing_body", {"抽查主体", "实施主体", "implementing_body"}, true},
      {"legal_basis", {"抽查依据", "法律依据", "legal_basis"}, true},
      {"content", {"抽查内容", "content"}, true},
      {"method", {"抽查方式", "检查方式", "method"}, true},
      {"kind", {"事项类别", "类别", "kind"}, false},
      {"checklist", {"检查要点", "执法检查表", "checklist"}, false},
      {"responsible_body", {"责任主体", "责任单位", "responsible_body"}, true},
  };
  return kSpecs;
}

std::string ColumnName(const import::Table& t, const std::vector<int>& cols, size_t spec,
                       const std::vector<import::ColumnSpec>& specs) {
  int c = cols[spec];
  return c >= 0 ? t.header[static_cast<size_t>(c)] : specs[spec].key;
}

// Maps FieldError.field back to the file's column.
std::string ColumnOfField(const import::Table& t, const std::vector<int>& cols,
                          const std::vector<import::ColumnSpec>& specs, std::string_view field) {
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].key == field) return ColumnName(t, cols, i, specs);
  }
  return std::string(field);
}

// True if GB/T 2260 code `region` lies within `ancestor` (itself, or a city's or province's
// subdivision): the one jurisdiction rule for records, inspectors and org units.
bool InRegion(std::string_view region, std::string_view ancestor) {
  const std::string prefix = RegionPrefix(ancestor);
  return region.substr(0, prefix.size()) == prefix;
}

// True if `org` is `ancestor` or below it in the org tree (R19: each level acts on its own
// jurisdiction and those under it).
bool OrgWithin(const std::map<std::string, OrgUnitRecord>& orgs, const std::string& org,
               const std::string& ancestor) {
  std::string cur = org;
  for (int depth = 0; depth < 8 && !cur.empty(); ++depth) {
    if (cur == ancestor) return true;
    auto it = orgs.find(cur);
    if (it == orgs.end()) return false;
    cur = it->second.parent_org_id;
  }
  return false;
}

void Progress(const ImportOptions& o, std::string_view stage, uint64_t done, uint64_t total) {
  if (o.progress) o.progress(stage, done, total);
}

// Runs fn(0) .. fn(parts - 1), each but the first on a thread of its own; the first failure
// in part order.
Status RunParts(size_t parts, const std::function<Status(size_t)>& fn) {
  std::vector<Status> results(parts);
  // An exception (out of memory) is the part's failure, never one that escapes a thread.
  auto run = [&](size_t p) {
    try {
      results[p] = fn(p);
    } catch (const std::exception& e) {
      results[p] = Internal(std::string("part ") + std::to_string(p) + ": " + e.what());
    }
  };
  std::vector<std::thread> threads;
  for (size_t p = 1; p < parts; ++p) threads.emplace_back(run, p);
  run(0);
  for (auto& t : threads) t.join();
  for (const Status& r : results) SUIJI_RETURN_IF_ERROR(r);
  return OkStatus();
}

// An in-memory table of at least this many rows is checked on two threads.
constexpr size_t kParallelRows = 2048;

}  // namespace

Status FieldErrorsStatus(const std::vector<FieldError>& errors) {
  std::string msg;
  for (const auto& e : errors) {
    if (!msg.empty()) msg += "; ";
    msg += e.field + " '" + e.value + "': " + e.reason;
  }
  return InvalidArgument(msg);
}

DirectoryService::DirectoryService(Ledger& ledger, DirectoryProjection& projection,
                                   const LogStorage& log)
    : ledger_(ledger), projection_(projection), log_(log) {}

Status DirectoryService::Sync() { return projection_.CatchUp(log_); }

namespace {
// A catch-up that failed after the log committed `count` events from `first`: the events
// stay (the log is the record), and the message says so, so that nobody retries a write
// that is done; the projection catches up at the next command once the cause is fixed.
Status AfterCommit(const Status& s, uint64_t first, uint64_t count) {
  if (s.ok()) return s;
  return Status(s.code(), std::to_string(count) + " event(s) were appended to the log (sequences " +
                              std::to_string(first) + "-" + std::to_string(first + count - 1) +
                              "); the directory projection was not brought up to date and "
                              "catches up at the next command: " + s.message());
}
}  // namespace

StatusOr<directory::WorkCalendar> ReadCalendar(const LogStorage& log) {
  directory::WorkCalendar calendar;
  SUIJI_RETURN_IF_ERROR(ReplayLog(log, 0, [&](const EntryView& e) -> Status {
    if (e.type() != EventType::CalendarPublished) return OkStatus();
    SUIJI_ASSIGN_OR_RETURN(directory::YearSchedule s, directory::DecodeSchedule(e.payload()));
    calendar.Put(s);
    return OkStatus();
  }));
  return calendar;
}

StatusOr<directory::WorkCalendar> DirectoryService::Calendar() const {
  SUIJI_ASSIGN_OR_RETURN(std::vector<uint64_t> published, projection_.HistoryOfKind("calendar"));
  directory::WorkCalendar calendar;
  for (uint64_t seq : published) {
    Status inner = NotFound("calendar event " + std::to_string(seq) + " is not in the log");
    SUIJI_RETURN_IF_ERROR(log_.Read(seq, seq + 1, [&](uint64_t, ByteView bytes) {
      inner = [&]() -> Status {
        SUIJI_ASSIGN_OR_RETURN(EntryView e, ParseEntry(bytes));
        if (e.type() != EventType::CalendarPublished) {
          return DataLoss("the projection's calendar history names entry " + std::to_string(seq) +
                          ", which is no CalendarPublished; delete projections/ to rebuild it from the log");
        }
        SUIJI_ASSIGN_OR_RETURN(directory::YearSchedule s, directory::DecodeSchedule(e.payload()));
        calendar.Put(s);
        return OkStatus();
      }();
      return false;
    }));
    SUIJI_RETURN_IF_ERROR(inner);
  }
  return calendar;
}

StatusOr<size_t> DirectoryService::PublishCalendars(
    const std::vector<directory::YearSchedule>& schedules, const Actor& actor) {
  for (const auto& s : schedules) {
    auto errs = directory::ValidateSchedule(s);
    if (!errs.empty()) return FieldErrorsStatus(errs);
  }
  size_t published = 0;
  auto r = AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(directory::WorkCalendar current, Calendar());
    std::vector<EventDraft> drafts;
    for (const auto& s : schedules) {
      const directory::YearSchedule* have = current.Schedule(s.year);
      if (have != nullptr && *have == s) continue;
      drafts.push_back({EventType::CalendarPublished, directory::EncodeSchedule(s), actor});
    }
    published = drafts.size();
    return drafts;
  });
  if (!r.ok() && r.status().code() == StatusCode::kAlreadyExists) return size_t{0};
  if (!r.ok()) return r.status();
  return published;
}

StatusOr<uint64_t> DirectoryService::AppendFolding(
    uint64_t count, const Ledger::DraftSource& make, uint64_t first,
    const std::function<Status(const LogStorage&)>& also_follow) {
  TailView tail(log_, first, count);
  std::thread folder([&] {
    // Folds what has been signed (at most 4,096 entries per projection transaction) and lets
    // the view free what every fold has read. After a failed fold it only lets the rest go:
    // the next catch-up from the log reports the failure, as when the fold runs after the
    // batch.
    constexpr uint64_t kChunk = 256;
    bool folding = true;
    uint64_t at = first;
    while (tail.WaitBeyond(at, kChunk)) {
      const uint64_t visible = tail.Size().value();  // each fold below reaches at least this
      if (folding) {
        try {
          Status s = projection_.CatchUp(tail, kChunk * 16, {});
          if (s.ok() && also_follow) s = also_follow(tail);
          folding = s.ok();
        } catch (const std::exception&) {
          folding = false;
        }
      }
      at = visible;
      tail.Release(at - 1);  // the last one stays: a fold checks its hash
    }
  });
  // The folder is joined however the append ends (an exception included).
  struct Join {
    TailView& tail;
    std::thread& folder;
    ~Join() {
      tail.Close();
      folder.join();
    }
  } join{tail, folder};
  // The view holds `count` entries, one per signed entry: a push cannot find it full. If the
  // batch then fails, the projection, if ahead, rebuilds itself at the next catch-up.
  auto appended = ledger_.AppendStream(count, make, first,
                                       [&](uint64_t, ByteView entry) { (void)tail.Push(entry); });
  return appended;
}

StatusOr<uint64_t> DirectoryService::AppendDecided(
    const std::function<StatusOr<std::vector<EventDraft>>()>& decide) {
  for (int attempt = 0;; ++attempt) {
    SUIJI_RETURN_IF_ERROR(Sync());
    SUIJI_ASSIGN_OR_RETURN(uint64_t applied, projection_.Applied());
    SUIJI_ASSIGN_OR_RETURN(std::vector<EventDraft> drafts, decide());
    if (drafts.empty()) return AlreadyExists("nothing to change");
    auto r = ledger_.Append(drafts, applied);
    if (r.ok()) {
      SUIJI_RETURN_IF_ERROR(AfterCommit(Sync(), *r, drafts.size()));
      return r;
    }
    if (r.status().code() != StatusCode::kAborted || attempt + 1 >= kMaxRetries) return r.status();
  }
}

Status DirectoryService::CheckJurisdiction(std::string_view org_id, std::string_view region,
                                           std::vector<FieldError>& errors) {
  SUIJI_ASSIGN_OR_RETURN(auto org, projection_.GetOrg(org_id));
  if (!org) {
    errors.push_back({"org_id", std::string(org_id),
                      "未登记的机构，请先登记机构 (unknown org unit: register it first)"});
    return OkStatus();
  }
  if (!region.empty() && !InRegion(region, org->region)) {
    errors.push_back({"region", std::string(region),
                      "不在" + org->name + "辖区内 (outside the jurisdiction of " + org->org_id + ")"});
  }
  return OkStatus();
}

StatusOr<uint64_t> DirectoryService::RegisterOrg(const OrgUnitRecord& o, const Actor& actor) {
  auto errs = directory::ValidateOrgUnit(o);
  if (!errs.empty()) return FieldErrorsStatus(errs);
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    // R19: acting for a registered org unit (an administrator's, or `--org` on the command
    // line), only inside its jurisdiction and below its level. An actor whose org unit is not
    // registered is the node operator bootstrapping the tree (the first province).
    SUIJI_ASSIGN_OR_RETURN(auto acting, projection_.GetOrg(actor.org_unit));
    if (acting) {
      std::optional<OrgUnitRecord> parent;
      if (!o.parent_org_id.empty()) {
        SUIJI_ASSIGN_OR_RETURN(parent, projection_.GetOrg(o.parent_org_id));
      }
      const std::string why = directory::OrgRegistrationRefusal(*acting, parent ? &*parent : nullptr, o);
      if (!why.empty()) return PermissionDenied(why);
    }
    SUIJI_ASSIGN_OR_RETURN(auto existing, projection_.GetOrg(o.org_id));
    if (existing) return AlreadyExists("org unit " + o.org_id + " is already registered");
    if (!o.parent_org_id.empty()) {
      SUIJI_ASSIGN_OR_RETURN(auto parent, projection_.GetOrg(o.parent_org_id));
      if (!parent) return FailedPrecondition("parent org unit " + o.parent_org_id + " is not registered");
      if (!InRegion(o.region, parent->region)) {
        return InvalidArgument("region " + o.region + " is not within the parent's region " + parent->region);
      }
      if (static_cast<int>(o.level) <= static_cast<int>(parent->level)) {
        return InvalidArgument("an org unit must be one level below its parent");
      }
    }
    return std::vector<EventDraft>{{EventType::OrgUnitRegistered, directory::EncodeOrgUnit(o), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::UpsertTarget(const TargetRecord& t, const Actor& actor) {
  auto errs = directory::ValidateTarget(t);
  SUIJI_RETURN_IF_ERROR(CheckJurisdiction(t.org_id, t.region, errs));
  if (!errs.empty()) return FieldErrorsStatus(errs);
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetTarget(t.credit_code));
    if (!cur || (cur->status != TargetStatus::Active && t.status == TargetStatus::Active)) {
      return std::vector<EventDraft>{{EventType::TargetRegistered, directory::EncodeTarget(t), actor}};
    }
    auto patch = directory::DiffTargets(*cur, t);
    if (patch.empty()) return std::vector<EventDraft>{};
    return std::vector<EventDraft>{{EventType::TargetUpdated, directory::EncodeTargetPatch(patch), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::RetireTarget(std::string_view code, TargetStatus status,
                                                  std::string_view reason, const Actor& actor) {
  if (status == TargetStatus::Active) return InvalidArgument("retire with status deregistered or moved");
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetTarget(code));
    if (!cur) return NotFound("no target " + std::string(code));
    if (cur->status != TargetStatus::Active) {
      return FailedPrecondition("target " + std::string(code) + " is already " +
                                std::string(directory::TargetStatusName(cur->status)));
    }
    return std::vector<EventDraft>{
        {EventType::TargetRetired, directory::EncodeTargetRetired(code, status, reason), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::UpsertInspector(const InspectorRecord& i, const Actor& actor) {
  auto errs = directory::ValidateInspector(i);
  SUIJI_RETURN_IF_ERROR(CheckJurisdiction(i.org_id, i.region, errs));
  if (!errs.empty()) return FieldErrorsStatus(errs);
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetInspector(i.inspector_id));
    if (!cur || cur->status == InspectorStatus::Retired) {
      return std::vector<EventDraft>{{EventType::InspectorRegistered, directory::EncodeInspector(i), actor}};
    }
    auto patch = directory::DiffInspectors(*cur, i);
    if (patch.empty()) return std::vector<EventDraft>{};
    return std::vector<EventDraft>{{EventType::InspectorUpdated, directory::EncodeInspectorPatch(patch), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::RetireInspector(std::string_view id, std::string_view reason,
                                                     const Actor& actor) {
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetInspector(id));
    if (!cur) return NotFound("no inspector " + std::string(id));
    if (cur->status == InspectorStatus::Retired) {
      return FailedPrecondition("inspector " + std::string(id) + " is already retired");
    }
    return std::vector<EventDraft>{
        {EventType::InspectorRetired, directory::EncodeInspectorRetired(id, reason), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::DeclareConflict(const ConflictRecord& c, const Actor& actor) {
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto insp, projection_.GetInspector(c.inspector_id));
    if (!insp) return NotFound("no inspector " + c.inspector_id);
    SUIJI_ASSIGN_OR_RETURN(auto list, projection_.ConflictsOf(c.inspector_id));
    if (std::find(list.begin(), list.end(), c.credit_code) != list.end()) {
      return AlreadyExists("conflict already declared");
    }
    return std::vector<EventDraft>{{EventType::ConflictDeclared, directory::EncodeConflict(c), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::WithdrawConflict(const ConflictRecord& c, const Actor& actor) {
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto list, projection_.ConflictsOf(c.inspector_id));
    if (std::find(list.begin(), list.end(), c.credit_code) == list.end()) {
      return NotFound("no such declared conflict");
    }
    return std::vector<EventDraft>{{EventType::ConflictWithdrawn, directory::EncodeConflict(c), actor}};
  });
}

StatusOr<uint64_t> DirectoryService::PublishItemList(ItemListRecord l, const Actor& actor) {
  return AppendDecided([&]() -> StatusOr<std::vector<EventDraft>> {
    SUIJI_ASSIGN_OR_RETURN(auto org, projection_.GetOrg(l.org_id));
    if (!org) return FailedPrecondition("org unit " + l.org_id + " is not registered");
    SUIJI_ASSIGN_OR_RETURN(auto versions, projection_.ListItemListVersions(l.org_id));
    l.version = versions.empty() ? 1 : versions.back().version + 1;
    if (!versions.empty() && l.effective_date < versions.back().effective_date) {
      return InvalidArgument("effective date " + l.effective_date + " is before version " +
                             std::to_string(versions.back().version) + "'s " +
                             versions.back().effective_date);
    }
    auto errs = directory::ValidateItemList(l);
    if (!errs.empty()) return FieldErrorsStatus(errs);
    return std::vector<EventDraft>{{EventType::ItemListPublished, directory::EncodeItemList(l), actor}};
  });
}

StatusOr<ImportReport> DirectoryService::ImportTargets(const import::Table& table,
                                                       const ImportOptions& opts) {
  // The rows are in memory: the checks run on two threads, each over half the rows.
  const size_t n = table.rows.size();
  auto scan = [&](size_t part, size_t parts, const RowVisitor& visit) -> Status {
    for (size_t r = n * part / parts; r < n * (part + 1) / parts; ++r) {
      SUIJI_RETURN_IF_ERROR(visit(table.row_numbers[r], table.rows[r]));
    }
    return OkStatus();
  };
  return ImportTargetParts(table.header, scan, n >= kParallelRows ? 2 : 1, opts);
}

StatusOr<ImportReport> DirectoryService::ImportTargetsFile(const std::string& path,
                                                           import::Encoding enc,
                                                           std::string_view sheet,
                                                           const ImportOptions& opts) {
  std::error_code ec;
  const bool xlsx = [&] {
    std::ifstream f(path, std::ios::binary);
    char magic[4] = {};
    f.read(magic, 4);
    return std::string_view(magic, 4) == std::string_view("PK\x03\x04", 4);
  }();
  if (xlsx || !std::filesystem::exists(path, ec)) {
    SUIJI_ASSIGN_OR_RETURN(import::Table table, import::ReadTableFile(path, enc, sheet));
    return ImportTargets(table, opts);
  }
  // CSV: map the file and stream it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("cannot open " + path);
  struct stat st {};
  ::fstat(fd, &st);
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = size > 0 ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : nullptr;
  ::close(fd);
  if (map == MAP_FAILED) return Unavailable("cannot map " + path);
  std::string_view bytes(static_cast<const char*>(map), size);
  std::vector<std::string> header;
  Status got = import::ScanCsv(bytes, enc, [&](uint64_t, std::vector<std::string>& cells) -> Status {
                 header = cells;
                 return Aborted("header read");  // stop after the header
               }).status();
  if (!got.ok() && got.code() != StatusCode::kAborted) {
    if (map != nullptr) ::munmap(map, size);
    return got;
  }
  if (header.empty()) {
    if (map != nullptr) ::munmap(map, size);
    return InvalidArgument(path + " has no header row");
  }
  auto scan = [&](const RowVisitor& visit) -> Status {
    bool first = true;
    return import::ScanCsv(bytes, enc, [&](uint64_t row, std::vector<std::string>& cells) -> Status {
             if (first) {
               first = false;
               return OkStatus();
             }
             return visit(row, cells);
           }).status();
  };
  auto report = ImportTargetRows(header, scan, opts);
  if (map != nullptr) ::munmap(map, size);
  return report;
}

StatusOr<ImportReport> DirectoryService::ImportTargetRows(const std::vector<std::string>& header,
                                                          const RowScanner& scan,
                                                          const ImportOptions& opts) {
  return ImportTargetParts(
      header, [&](size_t, size_t, const RowVisitor& visit) { return scan(visit); }, 1, opts);
}

StatusOr<ImportReport> DirectoryService::ImportTargetParts(const std::vector<std::string>& header,
                                                           const PartScanner& scan, size_t parts,
                                                           const ImportOptions& opts) {
  const auto& specs = TargetColumns();
  SUIJI_ASSIGN_OR_RETURN(std::vector<int> cols, import::MapColumns(header, specs));
  import::Table names;  // only the header, for column names in reports
  names.header = header;
  SUIJI_RETURN_IF_ERROR(Sync());
  std::map<std::string, OrgUnitRecord> orgs;
  SUIJI_ASSIGN_OR_RETURN(auto org_list, projection_.ListOrgs());
  for (auto& o : org_list) orgs.emplace(o.org_id, o);

  // Parses and checks one row; problems go to `problems`.
  auto parse = [&](const std::vector<std::string>& cells, uint64_t line, TargetRecord& t,
                   std::vector<RowProblem>& problems) {
    Row row{cells, cols};
    const auto start = static_cast<std::ptrdiff_t>(problems.size());
    auto bad = [&](size_t spec, std::string_view value, std::string reason) {
      problems.push_back({line, ColumnName(names, cols, spec, specs), std::string(value), std::move(reason)});
    };
    t.credit_code = std::string(row[kCCode]);
    t.name = std::string(row[kCName]);
    t.region = std::string(row[kCRegion]);
    t.industry = std::string(row[kCIndustry]);
    uint64_t n = 0;
    if (!ParseUint(row[kCHeadcount], 10'000'000, &n) || row[kCHeadcount].empty()) {
      bad(kCHeadcount, row[kCHeadcount], "职工人数应为非负整数 (headcount must be a whole number)");
    }
    t.headcount = static_cast<uint32_t>(n);
    t.credit_grade = std::string(row[kCGrade]);
    t.grade_date = NormalizeDate(row[kCGradeDate]);
    if (!row[kCGradeDate].empty() && t.grade_date.empty()) {
      bad(kCGradeDate, row[kCGradeDate], "无法识别的日期 (not a date)");
    }
    if (auto b = ParseBool(row[kCBlacklisted])) {
      t.blacklisted = *b;
    } else {
      bad(kCBlacklisted, row[kCBlacklisted], "应为是或否 (must be yes or no)");
    }
    t.blacklist_name = std::string(row[kCBlacklistName]);
    t.blacklist_from = NormalizeDate(row[kCBlacklistFrom]);
    if (!row[kCBlacklistFrom].empty() && t.blacklist_from.empty()) {
      bad(kCBlacklistFrom, row[kCBlacklistFrom], "无法识别的日期 (not a date)");
    }
    t.blacklist_until = NormalizeDate(row[kCBlacklistUntil]);
    if (!row[kCBlacklistUntil].empty() && t.blacklist_until.empty()) {
      bad(kCBlacklistUntil, row[kCBlacklistUntil], "无法识别的日期 (not a date)");
    }
    if (!ParseUint(row[kCStars], 5, &n)) bad(kCStars, row[kCStars], "星级应为0到5 (stars must be 0..5)");
    t.star_level = static_cast<uint8_t>(n);
    if (!ParseUint(row[kCComplaints], 1'000'000, &n)) {
      bad(kCComplaints, row[kCComplaints], "投诉次数应为非负整数 (complaints must be a whole number)");
    }
    t.complaints = static_cast<uint32_t>(n);
    if (auto st = ParseTargetStatus(row[kCStatus])) {
      t.status = *st;
    } else {
      bad(kCStatus, row[kCStatus], "状态应为正常、注销或迁出 (status must be active, deregistered or moved)");
    }
    t.org_id = row.has(kCOrg) && !row[kCOrg].empty() ? std::string(row[kCOrg]) : opts.org_id;
    for (const FieldError& e : directory::ValidateTarget(t)) {
      // Fields already reported from their raw cell are not repeated.
      std::string col = ColumnOfField(names, cols, specs, e.field);
      bool dup = std::any_of(problems.begin() + start, problems.end(),
                             [&](const RowProblem& p) { return p.column == col; });
      if (!dup) problems.push_back({line, col, e.value, e.reason});
    }
    if (auto it = orgs.find(t.org_id); it == orgs.end()) {
      bad(kCOrg, t.org_id, "未登记的机构 (unknown org unit)");
    } else if (!OrgWithin(orgs, t.org_id, opts.org_id)) {
      bad(kCOrg, t.org_id, "不属于" + opts.org_id + "的管辖范围 (not within the importing org's jurisdiction)");
    } else if (!InRegion(t.region, it->second.region)) {
      bad(kCRegion, t.region, "不在" + it->second.name + "辖区内 (outside the jurisdiction of " + t.org_id + ")");
    }
  };

  // Pass 1: check every row; keep only the credit codes (18 bytes each) and the bad rows.
  // Each part of the rows is checked on its own thread; the parts are joined in order.
  ImportReport report;
  struct CodeRow {
    std::array<char, 18> code;
    uint64_t row;
  };
  struct Checked {
    uint64_t rows = 0;
    std::vector<RowProblem> problems;
    std::vector<uint64_t> bad_rows;
    std::vector<CodeRow> codes;
  };
  std::vector<Checked> checked(parts);
  SUIJI_RETURN_IF_ERROR(RunParts(parts, [&](size_t part) {
    Checked& c = checked[part];
    return scan(part, parts, [&](uint64_t line, const std::vector<std::string>& cells) -> Status {
      ++c.rows;
      TargetRecord t;
      const size_t before = c.problems.size();
      parse(cells, line, t, c.problems);
      if (c.problems.size() > before) {
        c.bad_rows.push_back(line);
      } else {
        CodeRow cr{};
        std::memcpy(cr.code.data(), t.credit_code.data(), 18);  // validated: exactly 18 bytes
        cr.row = line;
        c.codes.push_back(cr);
      }
      if (part == 0 && c.rows % 100000 == 0) Progress(opts, "checked", c.rows * parts, 0);
      return OkStatus();
    });
  }));
  std::vector<CodeRow> codes;
  std::unordered_set<uint64_t> bad_rows;
  for (Checked& c : checked) {
    report.rows += c.rows;
    for (RowProblem& p : c.problems) report.problems.push_back(std::move(p));
    bad_rows.insert(c.bad_rows.begin(), c.bad_rows.end());
    if (codes.empty()) codes = std::move(c.codes);  // one part (a file streamed): no copy
    else codes.insert(codes.end(), c.codes.begin(), c.codes.end());
  }
  checked.clear();
  // Duplicates within the file: every occurrence after the first is a bad row.
  std::sort(codes.begin(), codes.end(), [](const CodeRow& a, const CodeRow& b) {
    return a.code != b.code ? a.code < b.code : a.row < b.row;
  });
  std::vector<CodeRow> unique;
  unique.reserve(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    if (!unique.empty() && unique.back().code == codes[i].code) {
      const std::string code(codes[i].code.data(), 18);
      const uint64_t first = unique.back().row;
      report.problems.push_back({codes[i].row, ColumnName(names, cols, kCCode, specs), code,
                                 "文件中统一社会信用代码重复，首次出现在第" + std::to_string(first) +
                                     "行 (duplicate code in file, first at row " + std::to_string(first) + ")"});
      bad_rows.insert(codes[i].row);
    } else {
      unique.push_back(codes[i]);
    }
  }
  codes.clear();
  codes.shrink_to_fit();
  std::stable_sort(report.problems.begin(), report.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
  report.bad_rows = bad_rows.size();
  if (report.bad_rows > 0 && !opts.skip_bad_rows) return report;
  auto in_file = [&](std::string_view code) {
    if (code.size() != 18) return false;
    std::array<char, 18> key{};
    std::memcpy(key.data(), code.data(), 18);
    return std::binary_search(unique.begin(), unique.end(), CodeRow{key, 0},
                              [](const CodeRow& a, const CodeRow& b) { return a.code < b.code; });
  };

  // Pass 2: decide against the current directory; the payloads of the events are kept
  // back to back (a few hundred bytes per changed row) and streamed into the log.
  for (int attempt = 0;; ++attempt) {
    SUIJI_RETURN_IF_ERROR(Sync());
    SUIJI_ASSIGN_OR_RETURN(uint64_t applied, projection_.Applied());
    report.added = report.changed = report.unchanged = report.retired = 0;
    // Each part decides its rows on its own thread; the parts are joined in order, so the
    // events are in the file's order.
    struct Decided {
      std::string arena;
      std::vector<std::pair<uint64_t, EventType>> events;  // (end offset in arena, type)
      uint64_t added = 0, changed = 0, unchanged = 0;
      // R19: an employer already registered outside the importing org's jurisdiction is
      // not its to change; such rows are bad rows found in this pass.
      std::vector<RowProblem> foreign;
    };
    std::vector<Decided> decided(parts);
    const auto home_org = orgs.find(opts.org_id);
    const std::string home = home_org == orgs.end() ? std::string() : home_org->second.region;
    SUIJI_RETURN_IF_ERROR(RunParts(parts, [&](size_t part) {
      Decided& d = decided[part];
      auto add = [&](EventType type, const Bytes& payload) {
        d.arena.append(reinterpret_cast<const char*>(payload.data()), payload.size());
        d.events.emplace_back(d.arena.size(), type);
      };
      uint64_t seen = 0;
      return scan(part, parts, [&](uint64_t line, const std::vector<std::string>& cells) -> Status {
        if (bad_rows.count(line) != 0) return OkStatus();
        TargetRecord t;
        std::vector<RowProblem> ignored;
        parse(cells, line, t, ignored);
        SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetTarget(t.credit_code));
        if (cur && !InRegion(cur->region, home)) {
          d.foreign.push_back({line, ColumnName(names, cols, kCCode, specs), t.credit_code,
                               "该单位登记在区划" + cur->region + "，不属于" + opts.org_id +
                                   "的管辖范围 (registered in region " + cur->region +
                                   ", outside the importing org's jurisdiction)"});
          return OkStatus();
        }
        if (!cur || (cur->status != TargetStatus::Active && t.status == TargetStatus::Active)) {
          add(EventType::TargetRegistered, directory::EncodeTarget(t));
          ++d.added;
        } else if (auto patch = directory::DiffTargets(*cur, t); !patch.empty()) {
          add(EventType::TargetUpdated, directory::EncodeTargetPatch(patch));
          ++d.changed;
        } else {
          ++d.unchanged;
        }
        if (part == 0 && ++seen % 100000 == 0) Progress(opts, "compared", seen * parts, report.rows);
        return OkStatus();
      });
    }));
    std::string arena;
    std::vector<std::pair<uint64_t, EventType>> events;  // (end offset in arena, type)
    std::vector<RowProblem> foreign;
    auto add = [&](EventType type, const Bytes& payload) {
      arena.append(reinterpret_cast<const char*>(payload.data()), payload.size());
      events.emplace_back(arena.size(), type);
    };
    for (Decided& d : decided) {
      if (events.empty()) {  // the first part with events: taken as it is, no copy
        arena = std::move(d.arena);
        events = std::move(d.events);
      } else {
        const uint64_t base = arena.size();
        arena += d.arena;
        for (const auto& [end, type] : d.events) events.emplace_back(base + end, type);
      }
      report.added += d.added;
      report.changed += d.changed;
      report.unchanged += d.unchanged;
      for (RowProblem& p : d.foreign) foreign.push_back(std::move(p));
    }
    decided.clear();
    if (!foreign.empty()) {
      for (auto& p : foreign) report.problems.push_back(std::move(p));
      std::stable_sort(report.problems.begin(), report.problems.end(),
                       [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
      report.bad_rows += foreign.size();
      if (!opts.skip_bad_rows) {
        report.events = 0;
        return report;
      }
    }
    if (opts.sync) {
      std::vector<std::string> gone;
      SUIJI_RETURN_IF_ERROR(projection_.ForEachTarget([&](const TargetRecord& cur) {
        if (OrgWithin(orgs, cur.org_id, opts.org_id) && cur.status == TargetStatus::Active &&
            !in_file(cur.credit_code)) {
          gone.push_back(cur.credit_code);
        }
        return true;
      }));
      for (const auto& code : gone) {
        add(EventType::TargetRetired,
            directory::EncodeTargetRetired(code, TargetStatus::Deregistered,
                                           "不在同步的登记数据中 (absent from the synchronised registration data)"));
        ++report.retired;
      }
    }
    report.events = events.size();
    if (events.empty() || opts.dry_run) return report;
    EventDraft draft;
    draft.actor = opts.actor;
    auto make = [&](uint64_t i) -> StatusOr<EventDraft> {
      const uint64_t begin = i == 0 ? 0 : events[i - 1].first;
      draft.type = events[i].second;
      draft.payload.assign(arena.begin() + static_cast<std::ptrdiff_t>(begin),
                           arena.begin() + static_cast<std::ptrdiff_t>(events[i].first));
      if ((i + 1) % 100000 == 0) Progress(opts, "appended", i + 1, events.size());
      return draft;
    };
    auto appended = opts.fold == ImportOptions::Fold::kWhileAppending
                        ? AppendFolding(events.size(), make, applied, opts.also_follow)
                        : ledger_.AppendStream(events.size(), make, applied);
    if (appended.ok()) {
      report.written = true;
      report.first_sequence = *appended;
      SUIJI_RETURN_IF_ERROR(AfterCommit(projection_.CatchUp(log_, 20000, [&](uint64_t done, uint64_t total) {
        Progress(opts, "projected", done, total);
      }), *appended, events.size()));
      return report;
    }
    if (appended.status().code() != StatusCode::kAborted || attempt + 1 >= kMaxRetries) {
      return appended.status();
    }
  }
}

StatusOr<ImportReport> DirectoryService::ImportInspectors(const import::Table& table,
                                                          const ImportOptions& opts) {
  const auto& specs = InspectorColumns();
  SUIJI_ASSIGN_OR_RETURN(std::vector<int> cols, import::MapColumns(table.header, specs));
  SUIJI_RETURN_IF_ERROR(Sync());
  ImportReport report;
  report.rows = table.rows.size();
  std::vector<InspectorRecord> good;
  std::unordered_map<std::string, uint64_t> first_row;
  std::map<std::string, OrgUnitRecord> orgs;
  SUIJI_ASSIGN_OR_RETURN(auto org_list, projection_.ListOrgs());
  for (auto& o : org_list) orgs.emplace(o.org_id, o);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    Row row{table.rows[r], cols};
    const uint64_t line = table.row_numbers[r];
    std::vector<RowProblem> problems;
    InspectorRecord i;
    i.inspector_id = std::string(row[kIId]);
    i.name = std::string(row[kIName]);
    i.domains = SplitList(row[kIDomains]);
    i.specialties = SplitList(row[kISpecialties]);
    i.org_id = row.has(kIOrg) && !row[kIOrg].empty() ? std::string(row[kIOrg]) : opts.org_id;
    i.region = std::string(row[kIRegion]);
    if (auto s = ParseInspectorStatus(row[kIStatus])) {
      i.status = *s;
    } else {
      problems.push_back({line, ColumnName(table, cols, kIStatus, specs), std::string(row[kIStatus]),
                          "状态应为在岗、暂停或退休 (status must be active, suspended or retired)"});
    }
    if (auto a = ParseBool(row[kIAux])) {
      i.auxiliary = *a;
    } else {
      problems.push_back({line, ColumnName(table, cols, kIAux, specs), std::string(row[kIAux]),
                          "应为是或否 (must be yes or no)"});
    }
    std::vector<FieldError> errs = directory::ValidateInspector(i);
    SUIJI_RETURN_IF_ERROR(CheckJurisdiction(i.org_id, i.region, errs));
    if (orgs.count(i.org_id) != 0 && !OrgWithin(orgs, i.org_id, opts.org_id)) {
      errs.push_back({"org_id", i.org_id,
                      "不属于" + opts.org_id + "的管辖范围 (not within the importing org's jurisdiction)"});
    }
    for (const auto& e : errs) {
      problems.push_back({line, ColumnOfField(table, cols, specs, e.field), e.value, e.reason});
    }
    if (!i.inspector_id.empty()) {
      // R19: a record already registered elsewhere is not the importing org's to change.
      SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetInspector(i.inspector_id));
      if (cur && orgs.count(opts.org_id) != 0 && !InRegion(cur->region, orgs.at(opts.org_id).region)) {
        problems.push_back({line, ColumnName(table, cols, kIId, specs), i.inspector_id,
                            "该执法人员登记在区划" + cur->region + "，不属于" + opts.org_id +
                                "的管辖范围 (registered in region " + cur->region +
                                ", outside the importing org's jurisdiction)"});
      }
      auto [it, inserted] = first_row.emplace(i.inspector_id, line);
      if (!inserted) {
        problems.push_back({line, ColumnName(table, cols, kIId, specs), i.inspector_id,
                            "文件中执法证号重复，首次出现在第" + std::to_string(it->second) +
                                "行 (duplicate id in file, first at row " + std::to_string(it->second) + ")"});
      }
    }
    if (problems.empty()) {
      good.push_back(std::move(i));
    } else {
      ++report.bad_rows;
      for (auto& p : problems) report.problems.push_back(std::move(p));
    }
  }
  if (report.bad_rows > 0 && !opts.skip_bad_rows) return report;
  auto decide = [&]() -> StatusOr<std::vector<EventDraft>> {
    report.added = report.changed = report.unchanged = report.retired = 0;
    std::vector<EventDraft> drafts;
    for (const auto& i : good) {
      SUIJI_ASSIGN_OR_RETURN(auto cur, projection_.GetInspector(i.inspector_id));
      if (!cur || cur->status == InspectorStatus::Retired) {
        drafts.push_back({EventType::InspectorRegistered, directory::EncodeInspector(i), opts.actor});
        ++report.added;
      } else if (auto patch = directory::DiffInspectors(*cur, i); !patch.empty()) {
        drafts.push_back({EventType::InspectorUpdated, directory::EncodeInspectorPatch(patch), opts.actor});
        ++report.changed;
      } else {
        ++report.unchanged;
      }
    }
    if (opts.sync) {
      InspectorQuery q;
      q.org_id = opts.org_id;
      q.limit = 0;
      SUIJI_ASSIGN_OR_RETURN(auto all, projection_.ListInspectors(q));
      for (const auto& cur : all) {
        if (cur.status != InspectorStatus::Retired && first_row.find(cur.inspector_id) == first_row.end()) {
          drafts.push_back({EventType::InspectorRetired,
                            directory::EncodeInspectorRetired(cur.inspector_id, "不在同步名单中 (absent from the synchronised list)"),
                            opts.actor});
          ++report.retired;
        }
      }
    }
    report.events = drafts.size();
    if (opts.dry_run) return std::vector<EventDraft>{};
    return drafts;
  };
  auto appended = AppendDecided(decide);
  if (!appended.ok()) {
    if (appended.status().code() == StatusCode::kAlreadyExists) return report;
    return appended.status();
  }
  report.written = true;
  report.first_sequence = *appended;
  return report;
}

StatusOr<ImportReport> DirectoryService::ImportItems(const import::Table& table,
                                                     const ImportOptions& opts,
                                                     std::string_view effective_date) {
  const auto& specs = ItemColumns();
  SUIJI_ASSIGN_OR_RETURN(std::vector<int> cols, import::MapColumns(table.header, specs));
  SUIJI_RETURN_IF_ERROR(Sync());
  ImportReport report;
  report.rows = table.rows.size();
  ItemListRecord list;
  list.org_id = opts.org_id;
  list.effective_date = NormalizeDate(effective_date);
  if (list.effective_date.empty()) return InvalidArgument("--effective must be a date (YYYY-MM-DD)");
  for (size_t r = 0; r < table.rows.size(); ++r) {
    Row row{table.rows[r], cols};
    const uint64_t line = table.row_numbers[r];
    ItemRecord it;
    it.item_id = std::string(row[kMId]);
    it.name = std::string(row[kMName]);
    it.implementing_body = std::string(row[kMBody]);
    it.legal_basis = std::string(row[kMBasis]);
    it.content = std::string(row[kMContent]);
    it.checklist = SplitList(row[kMChecklist]);
    it.responsible_body = std::string(row[kMResp]);
    std::string m = Lower(row[kMMethod]);
    bool row_bad = false;
    if (m == "书面检查" || m == "written") {
      it.method = directory::InspectionMethod::Written;
    } else if (m == "实地检查" || m == "现场检查" || m == "on-site" || m == "onsite") {
      it.method = directory::InspectionMethod::OnSite;
    } else if (m == "网络检查" || m == "网上检查" || m == "online") {
      it.method = directory::InspectionMethod::Online;
    } else {
      report.problems.push_back({line, ColumnName(table, cols, kMMethod, specs), std::string(row[kMMethod]),
                                 "抽查方式应为书面检查、实地检查或网络检查 (method must be written, on-site or online)"});
      row_bad = true;
    }
    std::string k = Lower(row[kMKind]);
    if (k.empty() || k == "一般" || k == "一般检查事项" || k == "general") {
      it.kind = directory::ItemKind::General;
    } else if (k == "重点" || k == "重点检查事项" || k == "key") {
      it.kind = directory::ItemKind::Key;
    } else {
      report.problems.push_back({line, ColumnName(table, cols, kMKind, specs), std::string(row[kMKind]),
                                 "事项类别应为一般或重点 (kind must be general or key)"});
      row_bad = true;
    }
    if (row_bad) {
      ++report.bad_rows;
    } else {
      list.items.push_back(std::move(it));
    }
  }
  list.version = 1;  // checked for format only; the real version is set on publish
  for (const auto& e : directory::ValidateItemList(list)) {
    report.problems.push_back({0, ColumnOfField(table, cols, specs, e.field), e.value, e.reason});
  }
  if (!report.problems.empty() && (!opts.skip_bad_rows || list.items.empty())) {
    report.bad_rows = std::max<uint64_t>(report.bad_rows, 1);
    return report;
  }
  SUIJI_ASSIGN_OR_RETURN(auto current, projection_.GetItemList(opts.org_id, ""));
  if (current && current->items == list.items) {
    report.unchanged = list.items.size();
    return report;
  }
  report.added = list.items.size();
  if (opts.dry_run) return report;
  list.note = "imported";
  auto seq = PublishItemList(list, opts.actor);
  if (!seq.ok()) return seq.status();
  report.written = true;
  report.events = 1;
  report.first_sequence = *seq;
  return report;
}

}  // namespace suiji
