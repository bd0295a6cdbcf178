// `suiji announce`, `suiji result record|confirm|submit|review|publish|correct|note|show|list|overdue`
// and `suiji followup transfer|regrade`: inspections on InspectionService
// (api/inspection_service.h). Writes are signed events appended by the one writer, decided
// against the node's projections; reads catch the projections up and print from one read of
// their "inspections" folder (projections/inspection_projection.h).
//
// The result file is JSON whose keys are ResultRecord's field names (README.md, "Results"):
// unknown keys and wrong types are refused naming their path (api/json_keys.h).
#include <fstream>
#include <sstream>

#include "api/cli.h"
#include "api/record_readers.h"
#include "api/records_json.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"
#include "api/json_keys.h"
#include "ledger/core/sha256.h"
#include "ledger/replay.h"
#include "projections/projections.h"

namespace suiji::cli {

namespace {

using namespace json_keys;  // NOLINT: the readers are this file's vocabulary
using inspection::Deadline;
using inspection::InspectionStore;
using inspection::DeadlineStatus;
using inspection::ResultInfo;
using inspection::ResultRecord;

// The inspection service caught up to the end of the log: a write command's is the node's
// (Context::node: this process's own, or the running server's); a read-only command opens a
// reader and the projections, and catches them up.
struct InspectionNode {
  std::unique_ptr<Ledger> ledger;                    // read-only commands
  std::shared_ptr<LmdbProjection> owned_projection;  // read-only commands
  std::unique_ptr<InspectionService> owned;          // read-only commands
  InspectionService* service = nullptr;
  // One read of the state (after a write: the state with it).
  Status Read(const std::function<Status(const InspectionStore&)>& fn) const { return service->Read(fn); }
};

StatusOr<InspectionNode> OpenInspections(Context& ctx, bool write) {
  InspectionNode n;
  if (write) {
    SUIJI_ASSIGN_OR_RETURN(n.service, ctx.node().Inspections());
    return n;
  }
  SUIJI_ASSIGN_OR_RETURN(n.ledger, OpenLedger(ctx, false));
  SUIJI_ASSIGN_OR_RETURN(n.owned_projection, OpenProjections(ctx.data));
  n.owned = std::make_unique<InspectionService>(*n.ledger, n.owned_projection, n.ledger->storage());
  SUIJI_RETURN_IF_ERROR(n.owned->Sync());
  n.service = n.owned.get();
  return n;
}

// The result a command has just written (it is there: the write was decided against it).
StatusOr<const ResultInfo*> Written(const InspectionStore& s, std::string_view draw_id, std::string_view code) {
  const ResultInfo* info = s.FindResult(draw_id, code);
  if (info == nullptr) return Internal("the result of " + std::string(code) + " in draw " + std::string(draw_id) +
                                       " is not in the projection after it was written");
  return info;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

StatusOr<ResultRecord> ReadResultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read result file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    return InvalidArgument(path + " is not valid JSON: " + e.what());
  }
  ResultRecord r;
  r.revision = 0;
  Status s = ResultFromJson(j, &r, EvidenceFiles::kRead);
  if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  return r;
}

// Internal view (for bureau staff): the workflow, every revision, reviews and notes.
json ResultInfoJson(const ResultInfo& info) {
  json revisions = json::array();
  for (size_t i = 0; i < info.revisions.size(); ++i) {
    const auto& r = info.revisions[i];
    json j = ResultToJson(r.record);
    j["sequence"] = r.sequence;
    j["entered_date"] = inspection::ChinaDate(r.time_us);
    j["entered_by"] = r.user;
    j["sha256"] = ToHex(info.revision_sha256.at(i));  // what each inspector of the team confirms
    json confirmed = json::array();
    for (const auto& c : info.confirmations) {
      if (c.record.revision != r.record.revision) continue;
      confirmed.push_back({{"inspector_id", c.record.inspector_id}, {"by", c.user},
                           {"date", inspection::ChinaDate(c.time_us)}, {"sequence", c.sequence}});
    }
    j["confirmations"] = confirmed;
    revisions.push_back(j);
  }
  json reviews = json::array();
  for (const auto& r : info.reviews) {
    reviews.push_back({{"revision", r.record.revision}, {"approved", r.record.approved},
                       {"reason", r.record.reason}, {"by", r.user},
                       {"date", inspection::ChinaDate(r.time_us)}});
  }
  json corrections = json::array();
  for (const auto& c : info.corrections) {
    corrections.push_back({{"correction", c.record.correction}, {"reason", c.record.reason},
                           {"date", inspection::ChinaDate(c.time_us)},
                           {"result", ResultToJson(c.record.result)}});
  }
  json transfers = json::array();
  for (const auto& t : info.transfers) {
    transfers.push_back({{"kind", inspection::TransferKindKey(t.record.kind)},
                         {"to", t.record.to_body}, {"date", t.record.date},
                         {"reason", t.record.reason}});
  }
  json regrades = json::array();
  for (const auto& g : info.reevaluations) {
    regrades.push_back({{"grade", g.record.grade}, {"grade_date", g.record.grade_date},
                        {"reason", g.record.reason}});
  }
  return {{"draw_id", info.draw_id},
          {"credit_code", info.credit_code},
          {"state", inspection::ResultStateName(info.state)},
          {"published_revision", info.published_revision},
          {"published_date", info.published_date},
          {"revisions", revisions},
          {"unconfirmed", info.Unconfirmed()},  // of the latest revision's team
          {"reviews", reviews},
          {"corrections", corrections},
          {"transfers", transfers},
          {"credit_reevaluations", regrades},
          {"internal_notes", info.internal_notes.size()}};
}

json DeadlineJson(const Deadline& d) {
  return {{"kind", inspection::DeadlineKindName(d.kind)},
          {"status", inspection::DeadlineStatusName(d.status)},
          {"org_id", d.org_id},
          {"task_id", d.task_id},
          {"draw_id", d.draw_id},
          {"credit_code", d.credit_code},
          {"from", d.from},
          {"due", d.due},
          {"done", d.done},
          {"working_days_late", d.working_days_late},
          {"note", d.note}};
}

std::string_view DeadlineLabel(inspection::DeadlineKind k) {
  switch (k) {
    case inspection::DeadlineKind::kConfirm: return "确认抽取名单 (confirm, 2 working days)";
    case inspection::DeadlineKind::kEnter: return "录入结果 (enter, 2 working days)";
    case inspection::DeadlineKind::kPublish: return "公示结果 (publish, 20 working days)";
  }
  return "";
}

}  // namespace

StatusOr<std::unique_ptr<inspection::PublicRecord>> ReadPublicRecord(const std::string& data) {
  SUIJI_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger, OpenReader(NodePaths{data}));
  auto record = std::make_unique<inspection::PublicRecord>();
  SUIJI_RETURN_IF_ERROR(
      ReplayLog(ledger->storage(), 0, [&](const EntryView& e) { return record->Apply(e); }));
  return record;
}

void RegisterInspectionCommands(CLI::App& app, Context& ctx) {
  // A process may register and run commands more than once (the server runs forwarded
  // commands in-process, one at a time): every registration starts from the defaults.
  static std::string draw_id, code, file, reason, confirmed_by, withhold, note, name, contact,
      kind, to_body, date, grade, state_filter, org_filter, sha256_hex;
  static uint32_t revision;
  static bool json_out, approve, all;
  draw_id = code = file = reason = confirmed_by = withhold = note = name = contact = kind =
      to_body = date = grade = state_filter = org_filter = sha256_hex = {};
  revision = 0;
  json_out = approve = all = false;

  // --- announce ---
  auto* ann = app.add_subcommand(
      "announce", "confirm a draw's list and publish its targets (R11: within 2 working days)");
  AddCommon(ann, ctx);
  ann->add_option("draw", draw_id, "draw id")->required();
  ann->add_option("--confirmed-by", confirmed_by, "who checked the drawn list, comma-separated")
      ->required();
  ann->add_option("--withhold", withhold, "do not publish the targets now, for this reason");
  ann->add_option("--note", note, "a public note");
  ann->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      inspection::AnnouncementRecord a;
      a.draw_id = draw_id;
      a.confirmed_by = SplitList(confirmed_by);
      a.publish_targets = withhold.empty();
      a.withheld_reason = withhold;
      a.note = note;
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Announce(a, ctx.actor()));
      return n.Read([&](const InspectionStore& s) -> Status {
        const inspection::AnnouncementInfo* info = s.FindAnnouncement(draw_id);
        if (info == nullptr) return Internal("the announcement of draw " + draw_id + " is not in the projection");
        Out() << "announced draw " << draw_id << " at entry " << seq << " (confirmed "
                  << info->record.confirmed_date << ", targets "
                  << (a.publish_targets ? "published" : "withheld: " + withhold) << ")\n";
        return OkStatus();
      });
    });
  });

  // --- result ---
  auto* res = app.add_subcommand("result", "inspection results and their review (R12, R13)");
  res->require_subcommand(1);
  auto* r_record = res->add_subcommand("record", "record a result (or its next revision) from JSON");
  AddCommon(r_record, ctx);
  r_record->add_option("file", file, "the result as JSON")->required();
  r_record->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(ResultRecord r, ReadResultFile(ctx.node().InputPath(file)));
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->RecordResult(r, ctx.actor()));
      return n.Read([&](const InspectionStore& s) -> Status {
        SUIJI_ASSIGN_OR_RETURN(const ResultInfo* info, Written(s, r.draw_id, r.credit_code));
        Out() << "recorded revision " << info->latest().revision << " of " << r.credit_code
                  << " in draw " << r.draw_id << " at entry " << seq << " (entered); SHA-256 "
                  << ToHex(info->revision_sha256.back()) << ": each inspector of the team confirms it\n";
        return OkStatus();
      });
    });
  });
  auto step = [&](const char* verb, const char* help) {
    auto* c = res->add_subcommand(verb, help);
    AddCommon(c, ctx);
    c->add_option("draw", draw_id, "draw id")->required();
    c->add_option("credit_code", code, "the employer's credit code")->required();
    return c;
  };
  // A confirmation is the acting user's own act: --user names a registered inspector user,
  // whose directory inspector confirms; it names the revision it read and that revision's hash.
  auto* r_confirm = step("confirm", "confirm a recorded revision as one of its team, for yourself (--user)");
  r_confirm->add_option("--revision", revision, "the revision you confirm")->required();
  r_confirm->add_option("--sha256", sha256_hex, "its SHA-256 as `result show` prints it")->required();
  r_confirm->callback([&, r_confirm] {  // (the pointer by value: this function has returned by then)
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(Bytes hash, FromHex(sha256_hex));
      if (hash.size() != 32) return InvalidArgument("--sha256: 64 hex digits");
      Hash h{};
      std::copy(hash.begin(), hash.end(), h.begin());
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(IdentityService * ids, ctx.node().Identity());
      Actor actor = ctx.actor();
      SUIJI_ASSIGN_OR_RETURN(std::optional<identity::UserInfo> found, ids->User(actor.user));
      const identity::UserInfo* me = found ? &*found : nullptr;
      if (me == nullptr) {
        return PermissionDenied("--user " + actor.user + " is not a registered user: a confirmation is an inspector "
                                "user's own act (suiji user add --role inspector --inspector-id ID)");
      }
      if (r_confirm->count("--org") == 0) actor.org_unit = me->user.org_id;  // acts for its own org unit
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Confirm(draw_id, code, revision, h, *me, actor));
      return n.Read([&](const InspectionStore& s) -> Status {
        SUIJI_ASSIGN_OR_RETURN(const ResultInfo* info, Written(s, draw_id, code));
        Out() << "inspector " << me->user.inspector_id << " confirmed revision " << revision << " of " << code
                  << " at entry " << seq;
        const std::vector<std::string> missing = info->Unconfirmed();
        if (missing.empty()) {
          Out() << "; the team has confirmed it\n";
        } else {
          Out() << "; still to confirm:";
          for (const auto& id : missing) Out() << " " << id;
          Out() << "\n";
        }
        return OkStatus();
      });
    });
  });
  auto* r_submit = step("submit", "send the entered result to review (once the team has confirmed it)");
  r_submit->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Submit(draw_id, code, ctx.actor()));
      Out() << "submitted " << code << " for review at entry " << seq << "\n";
      return OkStatus();
    });
  });
  auto* r_review = step("review", "approve, or return with a reason (by someone other than the enterer)");
  auto* approve_flag = r_review->add_flag("--approve", approve, "approve it");
  auto* return_opt = r_review->add_option("--return", reason, "return it, for this reason");
  approve_flag->excludes(return_opt);
  r_review->callback([&] {
    Run(ctx, [&]() -> Status {
      if (!approve && reason.empty()) return InvalidArgument("give --approve or --return REASON");
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq,
                             n.service->Review(draw_id, code, approve, reason, ctx.actor()));
      Out() << (approve ? "approved " : "returned ") << code << " at entry " << seq << "\n";
      return OkStatus();
    });
  });
  auto* r_publish = step("publish", "publish the approved result (一公开)");
  r_publish->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Publish(draw_id, code, ctx.actor()));
      return n.Read([&](const InspectionStore& s) -> Status {
        SUIJI_ASSIGN_OR_RETURN(const ResultInfo* info, Written(s, draw_id, code));
        Out() << "published " << code << " at entry " << seq << " on " << info->published_date << "\n";
        return OkStatus();
      });
    });
  });
  auto* r_correct = res->add_subcommand(
      "correct", "record a correction of a published result (shown beside the original)");
  AddCommon(r_correct, ctx);
  r_correct->add_option("file", file, "the corrected result as JSON")->required();
  r_correct->add_option("--reason", reason, "why (published)")->required();
  r_correct->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(ResultRecord r, ReadResultFile(ctx.node().InputPath(file)));
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Correct(r, reason, ctx.actor()));
      return n.Read([&](const InspectionStore& s) -> Status {
        SUIJI_ASSIGN_OR_RETURN(const ResultInfo* info, Written(s, r.draw_id, r.credit_code));
        Out() << "recorded correction " << info->corrections.size() << " of " << r.credit_code
                  << " at entry " << seq << "\n";
        return OkStatus();
      });
    });
  });
  auto* r_note = step("note", "attach an internal note (never published)");
  r_note->add_option("--note", note, "the note");
  r_note->add_option("--complainant-name", name, "a complainant's name (internal)");
  r_note->add_option("--complainant-contact", contact, "a complainant's contact (internal)");
  r_note->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->AddInternalNote(
                                               {draw_id, code, note, name, contact}, ctx.actor()));
      Out() << "attached an internal note at entry " << seq << "\n";
      return OkStatus();
    });
  });
  auto* r_show = step("show", "a result: state, revisions, reviews, corrections, follow-up");
  r_show->add_flag("--json", json_out, "JSON");
  r_show->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, false));
      return n.Read([&](const InspectionStore& s) -> Status {
        const ResultInfo* info = s.FindResult(draw_id, code);
        if (info == nullptr) return NotFound("no result of " + code + " in draw " + draw_id);
        json j = ResultInfoJson(*info);
        if (json_out) {
          Out() << j.dump(2) << "\n";
          return OkStatus();
        }
        Out() << "result of " << code << " in draw " << draw_id << ": "
                  << inspection::ResultStateName(info->state) << ", revision "
                  << info->latest().revision;
        if (info->published_revision != 0) {
          Out() << ", published revision " << info->published_revision << " on "
                    << info->published_date;
        }
        Out() << "\n  inspected " << info->current().inspection_date << " by ";
        for (const auto& t : info->current().team) Out() << t << " ";
        Out() << "\n  revision " << info->latest().revision << " SHA-256 " << ToHex(info->revision_sha256.back());
        const std::vector<std::string> missing = info->Unconfirmed();
        if (missing.empty()) {
          Out() << ", confirmed by its team\n";
        } else {
          Out() << ", to be confirmed by:";
          for (const auto& id : missing) Out() << " " << id;
          Out() << "\n";
        }
        for (const auto& it : info->current().items) {
          Out() << "  " << it.item_id << ": " << inspection::OutcomeLabel(it.outcome) << "\n";
          for (const auto& v : it.violations) {
            Out() << "    " << v.description << " (" << v.legal_basis << "):";
            for (auto h : v.handling) Out() << " " << inspection::HandlingLabel(h);
            Out() << "\n";
          }
        }
        for (const auto& c : info->corrections) {
          Out() << "  correction " << c.record.correction << " ("
                    << inspection::ChinaDate(c.time_us) << "): " << c.record.reason << "\n";
        }
        return OkStatus();
      });
    });
  });
  auto* r_sheet = step("sheet", "the visit's printable inspection sheet (HTML, A4; internal)");
  r_sheet->add_option("--out", file, "write it here (default: stdout)");
  r_sheet->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, false));
      SUIJI_ASSIGN_OR_RETURN(std::string html, n.service->InspectionSheetHtml(draw_id, code));
      if (file.empty()) {
        Out() << html;
        return OkStatus();
      }
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out << html;
      if (!out.flush()) return Internal("cannot write " + file);
      Out() << "wrote the inspection sheet of " << code << " to " << file << "\n";
      return OkStatus();
    });
  });
  auto* r_list = res->add_subcommand("list", "list results");
  AddCommon(r_list, ctx);
  r_list->add_option("--draw", draw_id, "only this draw");
  r_list->add_option("--state", state_filter,
                     "only this state: entered, awaiting_review, returned, approved, published");
  r_list->add_flag("--json", json_out, "JSON");
  r_list->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, false));
      json rows = json::array();
      std::ostringstream text;  // printed once the whole read succeeded
      SUIJI_RETURN_IF_ERROR(n.Read([&](const InspectionStore& s) {
        return s.ForEachResult(draw_id, {}, 0, [&](const ResultInfo& info) {
          const std::string st(inspection::ResultStateName(info.state));
          if (!state_filter.empty() && st != state_filter) return true;
          rows.push_back({{"draw_id", info.draw_id}, {"credit_code", info.credit_code}, {"state", st},
                          {"revision", info.latest().revision},
                          {"corrections", info.corrections.size()}});
          if (!json_out) {
            text << info.draw_id << "  " << info.credit_code << "  " << st << "  r"
                      << info.latest().revision
                      << (info.corrections.empty()
                              ? ""
                              : "  corrected " + std::to_string(info.corrections.size()))
                      << "\n";
          }
          return true;
        });
      }));
      Out() << text.str();
      if (json_out) Out() << rows.dump(2) << "\n";
      return OkStatus();
    });
  });
  auto* r_overdue = res->add_subcommand(
      "overdue", "the deadline list (R11, R13, R18): overdue items per bureau, or --all");
  AddCommon(r_overdue, ctx);
  r_overdue->add_option("--bureau", org_filter, "only this org unit");
  r_overdue->add_flag("--all", all, "every deadline, not only overdue and late ones");
  r_overdue->add_flag("--json", json_out, "JSON");
  r_overdue->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, false));
      json rows = json::array();
      std::map<std::string, int> overdue_by_org;
      SUIJI_ASSIGN_OR_RETURN(std::vector<Deadline> deadlines, n.service->Deadlines());
      for (const auto& d : deadlines) {
        if (!org_filter.empty() && d.org_id != org_filter) continue;
        const bool bad = d.status == DeadlineStatus::kOverdue ||
                         d.status == DeadlineStatus::kLate ||
                         d.status == DeadlineStatus::kNoCalendar;
        if (!all && !bad) continue;
        if (d.status == DeadlineStatus::kOverdue) ++overdue_by_org[d.org_id];
        rows.push_back(DeadlineJson(d));
        if (!json_out) {
          Out() << d.org_id << "  " << DeadlineLabel(d.kind) << "  " << d.draw_id << "  "
                    << (d.credit_code.empty() ? "-" : d.credit_code) << "  due " << d.due
                    << "  " << inspection::DeadlineStatusName(d.status);
          if (d.working_days_late > 0) Out() << " by " << d.working_days_late << " working days";
          if (!d.note.empty()) Out() << "  (" << d.note << ")";
          Out() << "\n";
        }
      }
      if (json_out) {
        Out() << json{{"today", n.service->Today()}, {"deadlines", rows},
                          {"overdue_by_bureau", overdue_by_org}}
                         .dump(2)
                  << "\n";
      } else {
        Out() << "today " << n.service->Today() << ":";
        if (overdue_by_org.empty()) Out() << " nothing overdue";
        for (const auto& [org, count] : overdue_by_org) Out() << " " << org << " " << count << " overdue;";
        Out() << "\n";
      }
      return OkStatus();
    });
  });

  // --- followup ---
  auto* fu = app.add_subcommand("followup", "after a result: transfers and credit re-evaluation (R14)");
  fu->require_subcommand(1);
  auto* f_transfer = fu->add_subcommand("transfer", "transfer the matter to another department or the police");
  AddCommon(f_transfer, ctx);
  f_transfer->add_option("draw", draw_id, "draw id")->required();
  f_transfer->add_option("credit_code", code, "the employer's credit code")->required();
  f_transfer->add_option("--kind", kind, "department or police")->required();
  f_transfer->add_option("--to", to_body, "the receiving body")->required();
  f_transfer->add_option("--date", date, "YYYY-MM-DD")->required();
  f_transfer->add_option("--reason", reason, "why")->required();
  f_transfer->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      inspection::TransferRecord t{draw_id, code, inspection::TransferKindFromKey(kind), to_body,
                                   date, reason};
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Transfer(t, ctx.actor()));
      Out() << "transferred " << code << " to " << to_body << " at entry " << seq << "\n";
      return OkStatus();
    });
  });
  auto* f_regrade = fu->add_subcommand(
      "regrade", "re-evaluate the employer's credit grade after a published result (changes eligibility)");
  AddCommon(f_regrade, ctx);
  f_regrade->add_option("draw", draw_id, "draw id")->required();
  f_regrade->add_option("credit_code", code, "the employer's credit code")->required();
  f_regrade->add_option("--grade", grade, "A, B or C")->required();
  f_regrade->add_option("--date", date, "the grade's date, YYYY-MM-DD")->required();
  f_regrade->add_option("--reason", reason, "why")->required();
  f_regrade->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(InspectionNode n, OpenInspections(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Reevaluate({draw_id, code, grade, date, reason},
                                                                 ctx.actor()));
      Out() << "re-evaluated " << code << " as grade " << grade << " at entry " << seq << "\n";
      return OkStatus();
    });
  });
}

json ResultInfoToJson(const ResultInfo& info) { return ResultInfoJson(info); }
json DeadlineToJson(const Deadline& d) { return DeadlineJson(d); }

}  // namespace suiji::cli
