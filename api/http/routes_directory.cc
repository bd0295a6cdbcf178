// Directory routes: org units, employers, inspectors, conflicts, item lists, the working-day
// calendar, bulk imports and record histories. Handlers read the request into the records the
// command line reads and call DirectoryService; jurisdiction is checked here first.
#include "api/calendar_data.h"
#include "api/http/route_helpers.h"
#include "api/http/routes_clerk.h"
#include "api/import/table_reader.h"
#include "api/json_keys.h"
#include "api/records_json.h"

namespace suiji::http {

namespace {

using namespace cli::json_keys;  // NOLINT: the readers are this file's vocabulary

// A PUT: 200 with the event's sequence, or 200 "unchanged" when the record already says this.
Reply Upserted(const StatusOr<uint64_t>& r) {
  if (!r.ok() && r.status().code() == StatusCode::kAlreadyExists) return Json(json{{"unchanged", true}}, 200);
  if (!r.ok()) return FromStatus(r.status());
  return Json(json{{"sequence", *r}}, 200);
}

// --- employers and inspectors ----------------------------------------------------------------------------

Reply GetTarget(Call& c) {
  auto t = c.node.projection->GetTarget(c.params[0]);
  if (!t.ok()) return FromStatus(t.status());
  if (!*t || !c.user->Covers((*t)->region)) return Outside("employer " + c.params[0]);
  return Json(cli::TargetToJson(**t));
}

Reply ListTargets(Call& c) {
  if (c.req.has_param("cursor")) return SearchTargetsPage(c);  // a page of the staff search
  TargetQuery q;
  q.region = c.req.has_param("region") ? c.req.get_param_value("region") : c.user->region;
  q.industry = c.req.get_param_value("industry");
  q.grade = c.req.get_param_value("grade");
  uint64_t limit = 0;
  if (!QueryNumber(c, "limit", &limit, 100)) return Error(400, "bad_query", "limit must be a number");
  q.limit = std::min<uint64_t>(limit == 0 ? 1000 : limit, 1000);  // 0 would mean "all" to the projection
  if (!c.user->Covers(q.region)) return Outside("region " + q.region);
  auto list = c.node.projection->ListTargets(q);
  if (!list.ok()) return FromStatus(list.status());
  json out = json::array();
  for (const auto& t : *list) out.push_back(cli::TargetToJson(t));
  return Json(json{{"targets", out}, {"region", q.region}, {"limit", q.limit}});
}

Reply PutTarget(Call& c) {
  directory::TargetRecord t;
  t.credit_code = c.params[0];
  std::string status = "active";
  Status s = ReadKeys(c.body, "", {{"name", Text(&t.name)},
                                   {"region", Text(&t.region)},
                                   {"industry", Text(&t.industry)},
                                   {"headcount", Number(&t.headcount)},
                                   {"credit_grade", Text(&t.credit_grade)},
                                   {"grade_date", Text(&t.grade_date)},
                                   {"blacklisted", Flag(&t.blacklisted)},
                                   {"blacklist_name", Text(&t.blacklist_name)},
                                   {"blacklist_from", Text(&t.blacklist_from)},
                                   {"blacklist_until", Text(&t.blacklist_until)},
                                   {"star_level", Number(&t.star_level)},
                                   {"complaints", Number(&t.complaints)},
                                   {"org_id", Text(&t.org_id)}});
  if (!s.ok()) return Invalid(s);
  if (t.org_id.empty()) t.org_id = c.user->user.org_id;
  if (!c.user->Covers(t.region)) return Forbidden("region " + t.region);
  if (!CoversOrg(c, t.org_id)) return Forbidden("org unit " + t.org_id);
  auto existing = c.node.projection->GetTarget(t.credit_code);
  if (existing.ok() && *existing && !c.user->Covers((*existing)->region)) {
    return Forbidden("employer " + t.credit_code);
  }
  return Upserted(c.node.dirs->UpsertTarget(t, c.actor));
}

Reply GetInspector(Call& c) {
  auto i = c.node.projection->GetInspector(c.params[0]);
  if (!i.ok()) return FromStatus(i.status());
  if (!*i || !c.user->Covers((*i)->region)) return Outside("inspector " + c.params[0]);
  json out = cli::InspectorToJson(**i);
  auto conflicts = c.node.projection->ConflictsOf(c.params[0]);  // 回避: the codes it must not inspect
  if (!conflicts.ok()) return FromStatus(conflicts.status());
  out["conflicts"] = *conflicts;
  return Json(out);
}

// --- org units ----------------------------------------------------------------------------

Reply AddOrg(Call& c) {
  directory::OrgUnitRecord o;
  std::string level;
  Status s = ReadKeys(c.body, "", {{"org_id", Text(&o.org_id)},
                                   {"name", Text(&o.name)},
                                   {"region", Text(&o.region)},
                                   {"level", Text(&level)},
                                   {"parent_org_id", Text(&o.parent_org_id)}});
  if (!s.ok()) return Invalid(s);
  if (level == "province") o.level = directory::OrgLevel::Province;
  else if (level == "city") o.level = directory::OrgLevel::City;
  else if (level == "county") o.level = directory::OrgLevel::County;
  else return Error(422, "invalid", "level: one of province, city, county");
  if (!c.user->Covers(o.region)) return Forbidden("region " + o.region);
  // R19: inside the administrator's jurisdiction and below its own level (a county may not
  // register a city under the province). The service applies the same rule to every actor.
  auto acting = c.node.projection->GetOrg(c.user->user.org_id);
  if (!acting.ok()) return FromStatus(acting.status());
  auto parent = o.parent_org_id.empty() ? StatusOr<std::optional<directory::OrgUnitRecord>>(std::nullopt)
                                        : c.node.projection->GetOrg(o.parent_org_id);
  if (!parent.ok()) return FromStatus(parent.status());
  if (*acting) {
    const std::string why = directory::OrgRegistrationRefusal(**acting, *parent ? &**parent : nullptr, o);
    if (!why.empty()) return Error(403, "outside_jurisdiction", why);
  }
  return WrittenOr(c.node.dirs->RegisterOrg(o, c.actor));
}

// Org units are public bodies: every authenticated user may list them.
Reply ListOrgs(Call& c) {
  auto list = c.node.projection->ListOrgs();
  if (!list.ok()) return FromStatus(list.status());
  json out = json::array();
  for (const auto& o : *list) out.push_back(cli::OrgToJson(o));
  return Json(json{{"orgs", out}});
}

Reply GetOrg(Call& c) {
  auto o = c.node.projection->GetOrg(c.params[0]);
  if (!o.ok()) return FromStatus(o.status());
  if (!*o) return Error(404, "not_found", "no org unit " + c.params[0]);
  return Json(cli::OrgToJson(**o));
}

// --- employers and inspectors (more) --------------------------------------------------------

Reply RetireTarget(Call& c) {
  std::string reason;
  bool moved = false;
  if (Status s = ReadKeys(c.body, "", {{"reason", Text(&reason)}, {"moved", Flag(&moved)}}); !s.ok()) {
    return Invalid(s);
  }
  auto t = c.node.projection->GetTarget(c.params[0]);
  if (!t.ok()) return FromStatus(t.status());
  if (!*t || !c.user->Covers((*t)->region)) return Outside("employer " + c.params[0]);
  return WrittenOr(c.node.dirs->RetireTarget(
      c.params[0], moved ? directory::TargetStatus::Moved : directory::TargetStatus::Deregistered, reason,
      c.actor));
}

Reply ListInspectors(Call& c) {
  if (c.req.has_param("cursor")) return SearchInspectorsPage(c);  // a page of the staff search
  InspectorQuery q;
  q.org_id = c.req.has_param("org") ? c.req.get_param_value("org") : c.user->user.org_id;
  q.domain = c.req.get_param_value("domain");
  const std::string status = c.req.get_param_value("status");
  if (status == "active") q.status = directory::InspectorStatus::Active;
  else if (status == "suspended") q.status = directory::InspectorStatus::Suspended;
  else if (status == "retired") q.status = directory::InspectorStatus::Retired;
  else if (!status.empty()) return Error(400, "bad_query", "status: active, suspended or retired");
  uint64_t limit = 0;
  if (!QueryNumber(c, "limit", &limit, 100)) return Error(400, "bad_query", "limit must be a number");
  q.limit = std::min<uint64_t>(limit == 0 ? 1000 : limit, 1000);
  if (!CoversOrg(c, q.org_id)) return Outside("org unit " + q.org_id);
  auto list = c.node.projection->ListInspectors(q);
  if (!list.ok()) return FromStatus(list.status());
  json out = json::array();
  for (const auto& i : *list) out.push_back(cli::InspectorToJson(i));
  return Json(json{{"inspectors", out}, {"org", q.org_id}, {"limit", q.limit}});
}

Reply PutInspector(Call& c) {
  directory::InspectorRecord i;
  i.inspector_id = c.params[0];
  std::string status = "active";
  Status s = ReadKeys(c.body, "", {{"name", Text(&i.name)},
                                   {"domains", Texts(&i.domains)},
                                   {"specialties", Texts(&i.specialties)},
                                   {"org_id", Text(&i.org_id)},
                                   {"region", Text(&i.region)},
                                   {"status", Text(&status)},
                                   {"auxiliary", Flag(&i.auxiliary)}});
  if (!s.ok()) return Invalid(s);
  if (status == "active") i.status = directory::InspectorStatus::Active;
  else if (status == "suspended") i.status = directory::InspectorStatus::Suspended;
  else return Error(422, "invalid", "status: active or suspended (retire with POST .../retire)");
  if (i.org_id.empty()) i.org_id = c.user->user.org_id;
  if (i.region.empty()) i.region = c.user->region;
  if (!c.user->Covers(i.region) || !CoversOrg(c, i.org_id)) return Forbidden("region " + i.region);
  auto existing = c.node.projection->GetInspector(i.inspector_id);
  if (existing.ok() && *existing && !c.user->Covers((*existing)->region)) {
    return Forbidden("inspector " + i.inspector_id);
  }
  return Upserted(c.node.dirs->UpsertInspector(i, c.actor));
}

Reply RetireInspector(Call& c) {
  std::string reason;
  if (Status s = ReadKeys(c.body, "", {{"reason", Text(&reason)}}); !s.ok()) return Invalid(s);
  auto i = c.node.projection->GetInspector(c.params[0]);
  if (!i.ok()) return FromStatus(i.status());
  if (!*i || !c.user->Covers((*i)->region)) return Outside("inspector " + c.params[0]);
  return WrittenOr(c.node.dirs->RetireInspector(c.params[0], reason, c.actor));
}

// Conflicts (回避) belong to the inspector's jurisdiction.
Reply Conflict(Call& c, bool declare) {
  directory::ConflictRecord rec;
  if (declare) {
    Status s = ReadKeys(c.body, "", {{"inspector_id", Text(&rec.inspector_id)},
                                     {"credit_code", Text(&rec.credit_code)},
                                     {"reason", Text(&rec.reason)}});
    if (!s.ok()) return Invalid(s);
  } else {
    rec = {c.params[0], c.params[1], c.req.get_param_value("reason")};
  }
  auto i = c.node.projection->GetInspector(rec.inspector_id);
  if (!i.ok()) return FromStatus(i.status());
  if (!*i || !c.user->Covers((*i)->region)) return Outside("inspector " + rec.inspector_id);
  return WrittenOr(declare ? c.node.dirs->DeclareConflict(rec, c.actor)
                           : c.node.dirs->WithdrawConflict(rec, c.actor));
}
Reply DeclareConflict(Call& c) { return Conflict(c, true); }
Reply WithdrawConflict(Call& c) { return Conflict(c, false); }

// Item lists are published (R1): any authenticated user may read any org's list.
Reply GetItems(Call& c) {
  uint64_t version = 0;
  if (!QueryNumber(c, "version", &version, 0) || version > UINT32_MAX) {
    return Error(400, "bad_query", "version must be a number");
  }
  auto l = c.node.projection->GetItemList(c.params[0], c.req.get_param_value("date"),
                                          static_cast<uint32_t>(version));
  if (!l.ok()) return FromStatus(l.status());
  if (!*l) return Error(404, "not_found", "no item list of " + c.params[0] + " in force");
  return Json(cli::ItemListToJson(**l));
}

// Every event that touched a record, in order, each with its decoded payload.
Reply History(Call& c) {
  const std::string& kind = c.params[0];
  const std::string& id = c.params[1];
  if (kind == "target" || kind == "inspector") {
    std::optional<std::string> region;
    if (kind == "target") {
      auto t = c.node.projection->GetTarget(id);
      if (!t.ok()) return FromStatus(t.status());
      if (*t) region = (*t)->region;
    } else {
      auto i = c.node.projection->GetInspector(id);
      if (!i.ok()) return FromStatus(i.status());
      if (*i) region = (*i)->region;
    }
    if (!region || !c.user->Covers(*region)) return Outside(kind + " " + id);
  } else if (kind != "org" && kind != "items") {
    return Error(404, "not_found", "history is kept for target, inspector, org and items");
  }
  auto seqs = c.node.projection->History(kind, id);
  if (!seqs.ok()) return FromStatus(seqs.status());
  if (seqs->empty()) return Error(404, "not_found", "no history for " + kind + " " + id);
  json events = json::array();
  for (uint64_t s : *seqs) {
    Status inner = OkStatus();
    Status read = c.node.ledger->storage().Read(s, s + 1, [&](uint64_t seq, ByteView b) {
      auto e = ParseEntry(b);
      if (!e.ok()) {
        inner = e.status();
        return false;
      }
      events.push_back(EventJson(seq, *e));
      return true;
    });
    if (!read.ok()) return FromStatus(read);
    if (!inner.ok()) return FromStatus(inner);
  }
  return Json(json{{"kind", kind}, {"id", id}, {"events", events}});
}

// --- the working-day calendar (R18) ---------------------------------------------------------

// Body {"table": "..."} in the format of ops/calendar/cn-workdays.tsv, or no body: the bundled
// 2016-2026 notices. Years whose schedule is already in the log are not published again.
Reply PublishCalendar(Call& c) {
  // The calendar is national and moves every bureau's deadlines (R18): it is for an
  // administrator whose jurisdiction covers every org unit of the node.
  if (!CoversAll(c)) {
    return Error(403, "outside_jurisdiction",
                 "the working-day calendar moves every bureau's deadlines: it is published by an administrator "
                 "whose jurisdiction covers every org unit of the node");
  }
  std::string table;
  if (!c.body.is_null()) {
    if (Status s = ReadKeys(c.body, "", {{"table", Text(&table)}}); !s.ok()) return Invalid(s);
  }
  if (table.empty()) table = std::string(BundledCalendarTable());
  auto years = directory::ParseScheduleTable(table);
  if (!years.ok()) return Invalid(years.status());
  auto n = c.node.dirs->PublishCalendars(*years, c.actor);
  if (!n.ok()) return FromStatus(n.status());
  return Json(json{{"published", *n}, {"years", years->size()}}, *n > 0 ? 201 : 200);
}

// The calendar the log holds (the directory projection names its CalendarPublished events).
StatusOr<directory::WorkCalendar> Calendar(const Call& c) { return c.node.dirs->Calendar(); }

Reply ShowCalendar(Call& c) {
  uint64_t year = 0;
  const std::string& y = c.params[0];
  if (y.size() != 4 || !std::all_of(y.begin(), y.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    return Error(400, "bad_path", "the year is four digits");
  }
  year = std::stoull(y);
  auto calendar = Calendar(c);
  if (!calendar.ok()) return FromStatus(calendar.status());
  const directory::YearSchedule* s = calendar->Schedule(static_cast<uint16_t>(year));
  if (s == nullptr) return Error(404, "not_found", "no schedule for " + y + " in the ledger");
  json holidays = json::array();
  for (size_t i = 0; i < s->holidays.size(); ++i) {
    holidays.push_back({{"date", s->holidays[i]}, {"name", i < s->holiday_names.size() ? s->holiday_names[i] : ""}});
  }
  return Json(json{{"year", s->year}, {"source", s->source}, {"holidays", holidays}, {"workdays", s->workdays}});
}

Reply WorkingDays(Call& c) {
  uint64_t days = 0;
  if (!c.req.has_param("date") || !QueryNumber(c, "days", &days, 0) || days == 0 || days > 3660) {
    return Error(400, "bad_query", "give date=YYYY-MM-DD and days=N (1-3660)");
  }
  const std::string date = c.req.get_param_value("date");
  auto calendar = Calendar(c);
  if (!calendar.ok()) return FromStatus(calendar.status());
  auto d = calendar->AddWorkingDays(date, static_cast<int>(days));
  if (!d.ok()) return FromStatus(d.status());
  return Json(json{{"date", date}, {"working_days", days}, {"due", *d}});
}

// --- bulk import --------------------------------------------------------------------------

// The body is the file itself: CSV (UTF-8 or GB18030, as Excel on Chinese Windows writes it)
// or XLSX. Query: org (default: the user's), encoding, sheet, skip_bad_rows, dry_run, sync
// (targets, inspectors), effective (items, required).
Reply Import(Call& c) {
  const std::string& kind = c.params[0];
  if (kind != "targets" && kind != "inspectors" && kind != "items") {
    return Error(404, "not_found", "import targets, inspectors or items");
  }
  if (c.req.body.empty()) return Error(400, "empty_body", "the body is the CSV or XLSX file to import");
  ImportOptions opts;
  opts.org_id = c.req.has_param("org") ? c.req.get_param_value("org") : c.user->user.org_id;
  if (!CoversOrg(c, opts.org_id)) return Forbidden("org unit " + opts.org_id);
  opts.actor = c.actor;
  opts.skip_bad_rows = QueryFlag(c, "skip_bad_rows");
  opts.dry_run = QueryFlag(c, "dry_run");
  opts.sync = QueryFlag(c, "sync");
  // The projections (every folder) fold the events while the next ones are signed.
  opts.fold = ImportOptions::Fold::kWhileAppending;
  const std::string enc_name = c.req.has_param("encoding") ? c.req.get_param_value("encoding") : "auto";
  import::Encoding enc = import::Encoding::kAuto;
  if (enc_name == "utf-8" || enc_name == "utf8") enc = import::Encoding::kUtf8;
  else if (enc_name == "gb18030" || enc_name == "gbk") enc = import::Encoding::kGb18030;
  else if (enc_name != "auto") return Error(400, "bad_query", "encoding: auto, utf-8 or gb18030");
  const std::string effective = c.req.get_param_value("effective");
  if (kind == "items" && effective.empty()) {
    return Error(400, "bad_query", "effective=YYYY-MM-DD: the date the new list version takes effect");
  }
  const bool xlsx = c.req.body.rfind("PK\x03\x04", 0) == 0;
  auto table = xlsx ? import::ReadXlsx(c.req.body, c.req.get_param_value("sheet"))
                    : import::ReadCsv(c.req.body, enc);
  if (!table.ok()) return Invalid(table.status());
  StatusOr<ImportReport> r = kind == "targets"      ? c.node.dirs->ImportTargets(*table, opts)
                             : kind == "inspectors" ? c.node.dirs->ImportInspectors(*table, opts)
                                                    : c.node.dirs->ImportItems(*table, opts, effective);
  if (!r.ok()) return FromStatus(r.status());
  json report = cli::ImportReportToJson(*r);
  // A dry run (the console's preview) also returns the file as read: its header and rows,
  // each with its number in the file (as problems name it), at most kPreviewRows of them.
  constexpr size_t kPreviewRows = 2000;
  if (opts.dry_run) {
    json rows = json::array();
    for (size_t i = 0; i < table->rows.size() && i < kPreviewRows; ++i) {
      rows.push_back({{"row", table->row_numbers[i]}, {"cells", table->rows[i]}});
    }
    report["preview"] = {{"header", table->header}, {"rows", rows}, {"total_rows", table->rows.size()}};
  }
  if (r->bad_rows > 0 && !r->written && !(opts.skip_bad_rows && r->events == 0)) {
    return Error(422, "bad_rows",
                 std::to_string(r->bad_rows) + " bad rows; nothing written (fix them, or pass skip_bad_rows)",
                 report);
  }
  return Json(report, r->written ? 201 : 200);
}

}  // namespace

std::vector<Route> DirectoryRoutes() {
  const std::vector<Role> readers = {kClerk, kPlanner, kSupervisor};
  return {
      R("POST", "/api/v1/orgs", {kAdmin}, true, "register an org unit (bureau) and its region", AddOrg),
      R("GET", "/api/v1/orgs", {}, false, "org units", ListOrgs),
      R("GET", "/api/v1/orgs/{org_id}", {}, false, "one org unit", GetOrg),
      R("GET", "/api/v1/targets", readers, false, "list employers (?region, industry, grade, limit); with ?cursor a page of the staff search (name, credit_code, status)", ListTargets),
      R("GET", "/api/v1/targets/{credit_code}", readers, false, "one employer", GetTarget),
      R("PUT", "/api/v1/targets/{credit_code}", {kClerk}, true, "register or update an employer", PutTarget),
      R("POST", "/api/v1/targets/{credit_code}/retire", {kClerk}, true, "retire an employer (deregistered or moved)",
        RetireTarget),
      R("GET", "/api/v1/inspectors", readers, false, "list inspectors (?org, domain, status, limit); with ?cursor a page of the staff search (name, inspector_id, region)", ListInspectors),
      R("GET", "/api/v1/inspectors/{inspector_id}", readers, false, "one inspector", GetInspector),
      R("PUT", "/api/v1/inspectors/{inspector_id}", {kClerk}, true, "register or update an inspector", PutInspector),
      R("POST", "/api/v1/inspectors/{inspector_id}/retire", {kClerk}, true, "retire an inspector", RetireInspector),
      R("POST", "/api/v1/conflicts", {kClerk}, true, "declare a conflict of interest (回避)", DeclareConflict),
      R("DELETE", "/api/v1/conflicts/{inspector_id}/{credit_code}", {kClerk}, true, "withdraw a conflict (?reason)",
        WithdrawConflict),
      R("GET", "/api/v1/items/{org_id}", {}, false, "the item list in force (?date, version)", GetItems),
      R("GET", "/api/v1/history/{kind}/{id}", readers, false,
        "every event that touched a target, inspector, org or items list", History),
      R("POST", "/api/v1/calendar", {kAdmin}, true, "publish holiday schedules (body {table}; none: bundled)",
        PublishCalendar),
      R("GET", "/api/v1/calendar/{year}", {}, false, "a year's holidays and make-up working days", ShowCalendar),
      R("GET", "/api/v1/working-days", {}, false, "the date N working days after DATE (?date, days)", WorkingDays),
      [] {
        Route r = R("POST", "/api/v1/imports/{kind}", {kClerk}, true,
                    "bulk import targets, inspectors or items: the body is the CSV (UTF-8 or GB18030) or XLSX "
                    "file (?org, encoding, sheet, skip_bad_rows, dry_run, sync, effective)",
                    Import);
        r.raw_body = true;
        return r;
      }(),
  };
}

}  // namespace suiji::http
