// `suiji org|target|inspector|conflict|import|show|list|history|projection`: the directory
// commands of the command line, on DirectoryService and the directory projection.
#include <chrono>
#include <cstdio>

#include <fstream>

#include "api/calendar_data.h"
#include "api/cli.h"
#include "api/records_json.h"
#include "api/directory_service.h"

namespace suiji::cli {

namespace {

// Entries per write transaction of `projection rebuild` (a catch-up's default is 20,000):
// fewer, larger commits copy fewer B-tree pages; the memory a transaction's dirty pages hold
// stays well under a gigabyte.
constexpr size_t kRebuildBatch = 100000;

using directory::InspectorRecord;
using directory::ItemListRecord;
using directory::OrgUnitRecord;
using directory::TargetRecord;
using nlohmann::json;

json ToJson(const OrgUnitRecord& o) {
  static const char* kLevels[] = {"unknown", "province", "city", "county"};
  return {{"org_id", o.org_id}, {"name", o.name}, {"region", o.region},
          {"level", kLevels[static_cast<int>(o.level) & 3]}, {"parent_org_id", o.parent_org_id}};
}

json ToJson(const TargetRecord& t) {
  return {{"credit_code", t.credit_code}, {"name", t.name}, {"region", t.region},
          {"industry", t.industry}, {"headcount", t.headcount}, {"credit_grade", t.credit_grade},
          {"grade_date", t.grade_date}, {"blacklisted", t.blacklisted},
          {"blacklist_name", t.blacklist_name}, {"blacklist_from", t.blacklist_from},
          {"blacklist_until", t.blacklist_until}, {"star_level", t.star_level},
          {"complaints", t.complaints},
          {"status", std::string(directory::TargetStatusName(t.status))}, {"org_id", t.org_id}};
}

json ToJson(const InspectorRecord& i) {
  return {{"inspector_id", i.inspector_id}, {"name", i.name}, {"domains", i.domains},
          {"specialties", i.specialties}, {"org_id", i.org_id}, {"region", i.region},
          {"status", std::string(directory::InspectorStatusName(i.status))},
          {"auxiliary", i.auxiliary}};
}

json ToJson(const ItemListRecord& l) {
  json items = json::array();
  for (const auto& it : l.items) {
    items.push_back({{"item_id", it.item_id}, {"name", it.name},
                     {"implementing_body", it.implementing_body}, {"legal_basis", it.legal_basis},
                     {"content", it.content}, {"method", std::string(directory::MethodName(it.method))},
                     {"kind", std::string(directory::ItemKindName(it.kind))},
                     {"checklist", it.checklist}, {"responsible_body", it.responsible_body}});
  }
  return {{"org_id", l.org_id}, {"version", l.version}, {"effective_date", l.effective_date},
          {"note", l.note}, {"items", items}};
}

void PrintTarget(const TargetRecord& t) {
  Out() << t.credit_code << "  " << t.name << "  区划 " << t.region << "  行业 " << t.industry
            << "  职工 " << t.headcount << "  等级 " << (t.credit_grade.empty() ? "-" : t.credit_grade)
            << (t.blacklisted ? "  黑名单:" + t.blacklist_name : "") << "  星级 "
            << int{t.star_level} << "  投诉 " << t.complaints << "  "
            << directory::TargetStatusName(t.status) << "  " << t.org_id << "\n";
}

void PrintInspector(const InspectorRecord& i) {
  std::string domains;
  for (const auto& d : i.domains) domains += (domains.empty() ? "" : "、") + d;
  Out() << i.inspector_id << "  " << i.name << "  " << (i.auxiliary ? "专家" : "执法人员")
            << "  领域 " << domains << "  " << i.org_id << "  " << i.region << "  "
            << directory::InspectorStatusName(i.status) << "\n";
}

// The pieces a directory command needs: the read-only commands open the log and the
// projection brought up to date themselves; the write commands take the node's service
// (Context::node: this process's own, or the running server's).
struct Open {
  std::unique_ptr<LogStorage> reader;            // read-only commands
  std::unique_ptr<DirectoryProjection> projection;
  DirectoryService* service = nullptr;           // write commands
  const LogStorage& log() const { return *reader; }
};

StatusOr<Open> OpenForWrite(Context& ctx) {
  Open o;
  SUIJI_ASSIGN_OR_RETURN(o.service, ctx.node().Directory());
  return o;
}

StatusOr<Open> OpenForRead(const Context& ctx) {
  Open o;
  NodePaths paths{ctx.data};
  SUIJI_ASSIGN_OR_RETURN(o.reader, OpenNodeStorage(paths, NodeRole::kReader));
  SUIJI_ASSIGN_OR_RETURN(o.projection, DirectoryProjection::Open(paths.dir));
  SUIJI_RETURN_IF_ERROR(o.projection->CatchUp(*o.reader));
  return o;
}

void Report(const ImportReport& r, bool json_out, const std::string& kind) {
  if (json_out) {
    Out() << ImportReportToJson(r).dump(2) << "\n";
    return;
  }
  constexpr size_t kShown = 50;  // a whole file of bad rows would bury the summary
  for (size_t i = 0; i < r.problems.size() && i < kShown; ++i) {
    const auto& p = r.problems[i];
    Err() << "第" << p.row << "行 (row " << p.row << "), 列 " << p.column << ", 值 '" << p.value
              << "': " << p.reason << "\n";
  }
  if (r.problems.size() > kShown) {
    Err() << "... and " << r.problems.size() - kShown << " more problems (--json lists them all)\n";
  }
  Out() << kind << ": " << r.rows << " rows, " << r.added << " new, " << r.changed << " changed, "
            << r.unchanged << " unchanged, " << r.retired << " retired, " << r.bad_rows << " bad; ";
  if (r.written) {
    Out() << r.events << " events appended from sequence " << r.first_sequence << "\n";
  } else if (r.bad_rows > 0 && r.events == 0 && !r.problems.empty()) {
    Out() << "nothing written (fix the rows above, or pass --skip-bad-rows)\n";
  } else {
    Out() << "nothing written" << (r.events > 0 ? " (dry run)" : "") << "\n";
  }
}

}  // namespace

void RegisterDirectoryCommands(CLI::App& app, Context& ctx) {
  // --- org ---
  auto* org = app.add_subcommand("org", "org units (bureaus) and their jurisdictions");
  org->require_subcommand(1);
  auto* org_add = org->add_subcommand("add", "register an org unit");
  AddCommon(org_add, ctx);
  // A process may register and run commands more than once (the server runs forwarded
  // commands in-process, one at a time): every registration starts from the defaults.
  static OrgUnitRecord o;
  static std::string level;
  o = {};
  level.clear();
  org_add->add_option("--id", o.org_id, "org id, e.g. 320400")->required();
  org_add->add_option("--name", o.name, "name, e.g. 常州市人力资源和社会保障局")->required();
  org_add->add_option("--region", o.region, "GB/T 2260 region code of its jurisdiction")->required();
  org_add->add_option("--level", level, "province, city or county")->required()
      ->check(CLI::IsMember({"province", "city", "county"}));
  org_add->add_option("--parent", o.parent_org_id, "parent org id (not for a province)");
  org_add->callback([&] {
    o.level = level == "province" ? directory::OrgLevel::Province
              : level == "city"   ? directory::OrgLevel::City
                                  : directory::OrgLevel::County;
    auto open = OpenForWrite(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto s = open->service->RegisterOrg(o, ctx.actor());
    if (!s.ok()) return void(ctx.exit_code = Fail(s.status()));
    Out() << "registered org unit " << o.org_id << " at entry " << *s << "\n";
  });

  // --- target / inspector retire, conflicts ---
  static std::string id, reason, code;
  static bool moved;
  id = reason = code = {};
  moved = false;
  auto* target = app.add_subcommand("target", "change one target");
  target->require_subcommand(1);
  auto* t_retire = target->add_subcommand("retire", "retire a target (deregistered or moved)");
  AddCommon(t_retire, ctx);
  t_retire->add_option("--code", code, "unified social credit code")->required();
  t_retire->add_option("--reason", reason, "why")->required();
  t_retire->add_flag("--moved", moved, "the employer moved away (default: deregistered)");
  t_retire->callback([&] {
    auto open = OpenForWrite(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto s = open->service->RetireTarget(
        code, moved ? directory::TargetStatus::Moved : directory::TargetStatus::Deregistered, reason,
        ctx.actor());
    if (!s.ok()) return void(ctx.exit_code = Fail(s.status()));
    Out() << "retired target " << code << " at entry " << *s << "\n";
  });
  auto* inspector = app.add_subcommand("inspector", "change one inspector");
  inspector->require_subcommand(1);
  auto* i_retire = inspector->add_subcommand("retire", "retire an inspector");
  AddCommon(i_retire, ctx);
  i_retire->add_option("--id", id, "enforcement certificate number")->required();
  i_retire->add_option("--reason", reason, "why")->required();
  i_retire->callback([&] {
    auto open = OpenForWrite(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto s = open->service->RetireInspector(id, reason, ctx.actor());
    if (!s.ok()) return void(ctx.exit_code = Fail(s.status()));
    Out() << "retired inspector " << id << " at entry " << *s << "\n";
  });
  auto* conflict = app.add_subcommand("conflict", "declared conflicts of interest (回避)");
  conflict->require_subcommand(1);
  for (const char* verb : {"declare", "withdraw"}) {
    auto* c = conflict->add_subcommand(verb, std::string(verb) + " a conflict: an employer an inspector must not inspect");
    AddCommon(c, ctx);
    c->add_option("--inspector", id, "enforcement certificate number")->required();
    c->add_option("--code", code, "the employer's credit code")->required();
    c->add_option("--reason", reason, "why (e.g. 近亲属任职)");
    const bool declare = std::string(verb) == "declare";
    c->callback([&, declare] {
      auto open = OpenForWrite(ctx);
      if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
      directory::ConflictRecord rec{id, code, reason};
      auto s = declare ? open->service->DeclareConflict(rec, ctx.actor())
                       : open->service->WithdrawConflict(rec, ctx.actor());
      if (!s.ok()) return void(ctx.exit_code = Fail(s.status()));
      Out() << (declare ? "declared" : "withdrew") << " conflict at entry " << *s << "\n";
    });
  }

  // --- calendar (R18) ---
  auto* cal = app.add_subcommand("calendar", "official holidays and make-up working days (R18)");
  cal->require_subcommand(1);
  static std::string cal_file, cal_date;
  static int cal_days, cal_year;
  cal_file = cal_date = {};
  cal_days = cal_year = 0;
  auto* cal_load = cal->add_subcommand(
      "load", "publish holiday schedules (default: the bundled 2016-2026 notices)");
  AddCommon(cal_load, ctx);
  cal_load->add_option("--file", cal_file,
                       "a table like ops/calendar/cn-workdays.tsv (e.g. next year's notice)");
  cal_load->callback([&] {
    std::string text(BundledCalendarTable());
    if (!cal_file.empty()) {
      std::ifstream in(ctx.node().InputPath(cal_file), std::ios::binary);
      if (!in) return void(ctx.exit_code = Fail(NotFound("cannot read " + cal_file)));
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    auto years = directory::ParseScheduleTable(text);
    if (!years.ok()) return void(ctx.exit_code = Fail(years.status()));
    auto open = OpenForWrite(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto n = open->service->PublishCalendars(*years, ctx.actor());
    if (!n.ok()) return void(ctx.exit_code = Fail(n.status()));
    Out() << "published " << *n << " of " << years->size() << " yearly schedules ("
              << years->front().year << "-" << years->back().year << "); the rest were already "
              << "in the ledger\n";
  });
  auto* cal_show = cal->add_subcommand("show", "a year's holidays and make-up working days");
  AddCommon(cal_show, ctx);
  cal_show->add_option("year", cal_year, "e.g. 2026")->required();
  cal_show->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto c = ReadCalendar(open->log());
    if (!c.ok()) return void(ctx.exit_code = Fail(c.status()));
    const directory::YearSchedule* s = c->Schedule(static_cast<uint16_t>(cal_year));
    if (s == nullptr) {
      return void(ctx.exit_code = Fail(NotFound("no schedule for " + std::to_string(cal_year) +
                                                " in the ledger (suiji calendar load)")));
    }
    Out() << s->year << "  " << s->source << "\n";
    for (size_t i = 0; i < s->holidays.size(); ++i) {
      Out() << "  休 " << s->holidays[i] << "  " << s->holiday_names[i] << "\n";
    }
    for (const auto& w : s->workdays) Out() << "  班 " << w << "  (调休上班)\n";
  });
  auto* cal_deadline =
      cal->add_subcommand("deadline", "the date N working days after DATE (DATE itself not counted)");
  AddCommon(cal_deadline, ctx);
  cal_deadline->add_option("date", cal_date, "YYYY-MM-DD")->required();
  cal_deadline->add_option("days", cal_days, "working days, e.g. 2 or 20")->required();
  cal_deadline->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto c = ReadCalendar(open->log());
    if (!c.ok()) return void(ctx.exit_code = Fail(c.status()));
    auto d = c->AddWorkingDays(cal_date, cal_days);
    if (!d.ok()) return void(ctx.exit_code = Fail(d.status()));
    Out() << *d << "\n";
  });

  // --- import ---
  static std::string file, encoding, sheet, effective;
  static bool skip_bad, sync, dry_run, json_out;
  file = sheet = effective = {};
  encoding = "auto";
  skip_bad = sync = dry_run = json_out = false;
  auto* imp = app.add_subcommand("import", "bulk import from CSV (UTF-8 or GB18030) or XLSX");
  imp->require_subcommand(1);
  for (const char* kind : {"targets", "inspectors", "items"}) {
    auto* c = imp->add_subcommand(kind, std::string("import ") + kind);
    AddCommon(c, ctx);
    c->add_option("file", file, "CSV or XLSX file")->required();
    c->add_option("--encoding", encoding, "auto, utf-8 or gb18030")->capture_default_str()
        ->check(CLI::IsMember({"auto", "utf-8", "utf8", "gb18030", "gbk"}));
    c->add_option("--sheet", sheet, "XLSX sheet name (default: the first)");
    c->add_flag("--skip-bad-rows", skip_bad, "import the good rows, report the bad ones");
    c->add_flag("--dry-run", dry_run, "check and report, append nothing");
    c->add_flag("--json", json_out, "print the report as JSON");
    if (std::string(kind) == "items") {
      c->add_option("--effective", effective, "date the new list version takes effect (YYYY-MM-DD)")->required();
    } else {
      c->add_flag("--sync", sync, "the file is the whole directory of --org: retire records missing from it");
    }
    const std::string k = kind;
    c->callback([&, k] {
      auto start = std::chrono::steady_clock::now();
      import::Encoding enc = encoding == "auto" ? import::Encoding::kAuto
                             : (encoding == "gb18030" || encoding == "gbk") ? import::Encoding::kGb18030
                                                                            : import::Encoding::kUtf8;
      auto open = OpenForWrite(ctx);
      if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
      ImportOptions opts;
      opts.org_id = ctx.org;
      opts.actor = ctx.actor();
      opts.skip_bad_rows = skip_bad;
      opts.sync = sync;
      opts.dry_run = dry_run;
      opts.progress = [](std::string_view stage, uint64_t done, uint64_t total) {
        // Err(), not stderr: a forwarded command's stderr goes back to its client.
        Err() << stage << " " << done;
        if (total > 0) Err() << "/" << total;
        Err() << "\n";
      };
      const std::string input = ctx.node().InputPath(file);
      StatusOr<ImportReport> r = InvalidArgument("unreachable");
      if (k == "targets") {
        r = open->service->ImportTargetsFile(input, enc, sheet, opts);  // streams large CSVs
      } else {
        auto table = import::ReadTableFile(input, enc, sheet);
        if (!table.ok()) return void(ctx.exit_code = Fail(table.status()));
        r = k == "inspectors" ? open->service->ImportInspectors(*table, opts)
                              : open->service->ImportItems(*table, opts, effective);
      }
      if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
      Report(*r, json_out, k);
      Err() << "took " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                << " s\n";
      if (r->bad_rows > 0 && !r->written && !(skip_bad && r->events == 0)) ctx.exit_code = 1;
    });
  }

  // --- show ---
  auto* show = app.add_subcommand("show", "show one record");
  show->require_subcommand(1);
  for (const char* kind : {"target", "inspector", "org"}) {
    auto* c = show->add_subcommand(kind, std::string("show a ") + kind);
    AddCommon(c, ctx);
    c->add_option("id", id, "credit code, certificate number or org id")->required();
    c->add_flag("--json", json_out, "JSON");
    const std::string k = kind;
    c->callback([&, k] {
      auto open = OpenForRead(ctx);
      if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
      auto& p = *open->projection;
      if (k == "target") {
        auto r = p.GetTarget(id);
        if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
        if (!*r) return void(ctx.exit_code = Fail(NotFound("no target " + id)));
        if (json_out) Out() << ToJson(**r).dump(2) << "\n"; else PrintTarget(**r);
      } else if (k == "inspector") {
        auto r = p.GetInspector(id);
        if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
        if (!*r) return void(ctx.exit_code = Fail(NotFound("no inspector " + id)));
        auto conflicts = p.ConflictsOf(id);
        json j = ToJson(**r);
        j["conflicts"] = conflicts.ok() ? *conflicts : std::vector<std::string>{};
        if (json_out) Out() << j.dump(2) << "\n"; else {
          PrintInspector(**r);
          for (const auto& cf : j["conflicts"]) Out() << "  回避 (conflict): " << cf.get<std::string>() << "\n";
        }
      } else {
        auto r = p.GetOrg(id);
        if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
        if (!*r) return void(ctx.exit_code = Fail(NotFound("no org unit " + id)));
        Out() << ToJson(**r).dump(json_out ? 2 : -1) << "\n";
      }
    });
  }

  // --- list ---
  static TargetQuery tq;
  static InspectorQuery iq;
  static std::string status, date;
  static uint32_t version;
  static size_t limit;
  tq = {};
  iq = {};
  status = date = {};
  version = 0;
  limit = 100;
  auto* list = app.add_subcommand("list", "list records by index");
  list->require_subcommand(1);
  auto* lt = list->add_subcommand("targets", "list targets");
  AddCommon(lt, ctx);
  lt->add_option("--region", tq.region, "GB/T 2260 code (a city or province covers its subdivisions)");
  lt->add_option("--industry", tq.industry, "GB/T 4754 code prefix");
  lt->add_option("--grade", tq.grade, "A, B, C, or - for ungraded");
  lt->add_option("--status", status, "active, deregistered or moved");
  lt->add_option("--owner", tq.org_id, "owning org unit");
  lt->add_option("--limit", limit, "at most this many (0: all)")->capture_default_str();
  lt->add_flag("--json", json_out, "JSON lines");
  lt->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    tq.limit = limit;
    if (status == "active") tq.status = directory::TargetStatus::Active;
    if (status == "deregistered") tq.status = directory::TargetStatus::Deregistered;
    if (status == "moved") tq.status = directory::TargetStatus::Moved;
    auto r = open->projection->ListTargets(tq);
    if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
    for (const auto& t : *r) {
      if (json_out) Out() << ToJson(t).dump() << "\n"; else PrintTarget(t);
    }
    Err() << r->size() << " targets\n";
  });
  auto* li = list->add_subcommand("inspectors", "list inspectors");
  AddCommon(li, ctx);
  li->add_option("--owner", iq.org_id, "org unit");
  li->add_option("--domain", iq.domain, "enforcement domain");
  li->add_option("--status", status, "active, suspended or retired");
  li->add_option("--limit", limit, "at most this many (0: all)")->capture_default_str();
  li->add_flag("--json", json_out, "JSON lines");
  li->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    iq.limit = limit;
    if (status == "active") iq.status = directory::InspectorStatus::Active;
    if (status == "suspended") iq.status = directory::InspectorStatus::Suspended;
    if (status == "retired") iq.status = directory::InspectorStatus::Retired;
    auto r = open->projection->ListInspectors(iq);
    if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
    for (const auto& i : *r) {
      if (json_out) Out() << ToJson(i).dump() << "\n"; else PrintInspector(i);
    }
    Err() << r->size() << " inspectors\n";
  });
  auto* lm = list->add_subcommand("items", "the item list of an org unit (version in force)");
  AddCommon(lm, ctx);
  lm->add_option("--owner", id, "org unit (default: --org)");
  lm->add_option("--date", date, "the version in force on this date");
  lm->add_option("--version", version, "a specific version");
  lm->add_flag("--json", json_out, "JSON");
  lm->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto r = open->projection->GetItemList(id.empty() ? ctx.org : id, date, version);
    if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
    if (!*r) return void(ctx.exit_code = Fail(NotFound("no item list in force")));
    if (json_out) {
      Out() << ToJson(**r).dump(2) << "\n";
      return;
    }
    Out() << "随机抽查事项清单 " << (*r)->org_id << " 第" << (*r)->version << "版, 自 "
              << (*r)->effective_date << " 起施行\n";
    for (const auto& it : (*r)->items) {
      Out() << "  " << it.item_id << "  " << it.name << "  [" << directory::ItemKindName(it.kind) << ", "
                << directory::MethodName(it.method) << "]  依据: " << it.legal_basis << "\n";
    }
  });
  auto* lo = list->add_subcommand("orgs", "org units");
  AddCommon(lo, ctx);
  lo->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto r = open->projection->ListOrgs();
    if (!r.ok()) return void(ctx.exit_code = Fail(r.status()));
    for (const auto& org_unit : *r) Out() << ToJson(org_unit).dump() << "\n";
  });

  // --- history ---
  auto* hist = app.add_subcommand("history", "every event that touched a record, in order");
  hist->require_subcommand(1);
  for (const char* kind : {"target", "inspector", "org", "items"}) {
    auto* c = hist->add_subcommand(kind, std::string("history of a ") + kind);
    AddCommon(c, ctx);
    c->add_option("id", id, "credit code, certificate number or org id")->required();
    const std::string k = kind;
    c->callback([&, k] {
      auto open = OpenForRead(ctx);
      if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
      auto seqs = open->projection->History(k, id);
      if (!seqs.ok()) return void(ctx.exit_code = Fail(seqs.status()));
      if (seqs->empty()) return void(ctx.exit_code = Fail(NotFound("no history for " + k + " " + id)));
      for (uint64_t s : *seqs) {
        Status st = open->log().Read(s, s + 1, [&](uint64_t, ByteView b) {
          auto e = ParseEntry(b);
          if (!e.ok()) return false;
          std::time_t secs = static_cast<std::time_t>(e->event->time_us() / 1000000);
          char when[32];
          std::tm tm{};
          ::gmtime_r(&secs, &tm);
          std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
          std::string detail;
          if (e->type() == EventType::TargetRegistered || e->type() == EventType::TargetUpdated) {
            auto p = directory::DecodeTargetPatch(e->payload());
            if (p.ok()) {
              TargetRecord full = p->values;
              json j = ToJson(full);
              // Show only the fields the event carries.
              json shown = json::object();
              static const std::pair<uint32_t, const char*> kBits[] = {
                  {directory::kTName, "name"}, {directory::kTRegion, "region"},
                  {directory::kTIndustry, "industry"}, {directory::kTHeadcount, "headcount"},
                  {directory::kTCreditGrade, "credit_grade"}, {directory::kTGradeDate, "grade_date"},
                  {directory::kTBlacklisted, "blacklisted"}, {directory::kTBlacklistName, "blacklist_name"},
                  {directory::kTBlacklistFrom, "blacklist_from"}, {directory::kTBlacklistUntil, "blacklist_until"},
                  {directory::kTStarLevel, "star_level"}, {directory::kTComplaints, "complaints"},
                  {directory::kTStatus, "status"}, {directory::kTOrgId, "org_id"}};
              for (const auto& [bit, name] : kBits) {
                if (p->fields & bit) shown[name] = j[name];
              }
              detail = shown.dump();
            }
          } else if (e->type() == EventType::TargetRetired) {
            auto r = directory::DecodeTargetRetired(e->payload());
            if (r.ok()) detail = std::string(directory::TargetStatusName(r->status)) + ": " + r->reason;
          }
          const auto* a = e->event->actor();
          Out() << s << "  " << when << "  " << EventTypeName(e->type()) << "  by "
                    << (a && a->user() ? a->user()->str() : "") << "@"
                    << (a && a->org_unit() ? a->org_unit()->str() : "") << "  " << detail << "\n";
          return true;
        });
        if (!st.ok()) return void(ctx.exit_code = Fail(st));
      }
    });
  }

  // --- projection maintenance ---
  auto* proj = app.add_subcommand("projection", "read-model maintenance");
  proj->require_subcommand(1);
  auto* rebuild = proj->add_subcommand("rebuild", "drop the directory projection and rebuild it from the log");
  AddCommon(rebuild, ctx);
  rebuild->callback([&] {
    NodePaths paths{ctx.data};
    auto reader = OpenNodeStorage(paths, NodeRole::kReader);
    if (!reader.ok()) return void(ctx.exit_code = Fail(reader.status()));
    std::error_code ec;
    std::filesystem::remove_all(paths.dir / "projections" / "state", ec);
    // Built from nothing, so written without a sync per transaction (kDeferred: the
    // `unsynced` marker makes an Open after a power loss discard it) in large transactions,
    // and synced once at the end. A rebuild killed half way leaves the transactions it
    // committed, each with its applied position and tip hash: the next catch-up continues.
    auto p = DirectoryProjection::Open(paths.dir, ProjectionSync::kDeferred);
    if (!p.ok()) return void(ctx.exit_code = Fail(p.status()));
    auto start = std::chrono::steady_clock::now();
    Status s = (*p)->CatchUp(**reader, kRebuildBatch, [](uint64_t done, uint64_t total) {
      std::fprintf(stderr, "\rapplied %llu/%llu", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
    });
    std::fputc('\n', stderr);
    if (!s.ok()) return void(ctx.exit_code = Fail(s));
    auto d = (*p)->Digest();
    if (!d.ok()) return void(ctx.exit_code = Fail(d.status()));
    p->reset();  // syncs everything and removes the marker
    Out() << "rebuilt in " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s; digest " << ToHex(*d) << "\n";
  });
  auto* digest = proj->add_subcommand("digest", "print the directory projection's content digest");
  AddCommon(digest, ctx);
  digest->callback([&] {
    auto open = OpenForRead(ctx);
    if (!open.ok()) return void(ctx.exit_code = Fail(open.status()));
    auto d = open->projection->Digest();
    if (!d.ok()) return void(ctx.exit_code = Fail(d.status()));
    Out() << ToHex(*d) << "\n";
  });
}

json TargetToJson(const TargetRecord& t) { return ToJson(t); }
json InspectorToJson(const InspectorRecord& i) { return ToJson(i); }
json OrgToJson(const OrgUnitRecord& o) { return ToJson(o); }
json ItemListToJson(const ItemListRecord& l) { return ToJson(l); }

json ImportReportToJson(const ImportReport& r) {
  json problems = json::array();
  for (const auto& p : r.problems) {
    problems.push_back({{"row", p.row}, {"column", p.column}, {"value", p.value}, {"reason", p.reason}});
  }
  return {{"rows", r.rows},         {"added", r.added},     {"changed", r.changed},
          {"unchanged", r.unchanged}, {"retired", r.retired}, {"bad_rows", r.bad_rows},
          {"events", r.events},     {"written", r.written}, {"first_sequence", r.first_sequence},
          {"problems", problems}};
}

}  // namespace suiji::cli
