#include "ledger/core/inspection/public_record.h"

#include <algorithm>
#include <map>

#include "ledger/core/codes/region.h"
#include "ledger/core/inspection/deadlines.h"

namespace suiji::inspection {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

using nlohmann::json;

std::string Hex(const Hash& h) { return ToHex(ByteView(h.data(), h.size())); }
std::string Hex(const Bytes& b) { return ToHex(ByteView(b.data(), b.size())); }

std::string RegionName(std::string_view code) {
  const codes::Region* r = codes::FindRegion(code);
  return r == nullptr ? std::string() : std::string(r->name);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// Item names of a draw's task, by id.
std::map<std::string, std::string> ItemNames(const InspectionWorld& w, std::string_view draw_id) {
  std::map<std::string, std::string> out;
  for (const auto& item : w.ItemsOf(draw_id)) out[item.item_id] = item.name;
  return out;
}

std::string ItemName(const std::map<std::string, std::string>& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() || it->second.empty() ? id : it->second;
}

}  // namespace

// --- the content of a result as published (never the team, never evidence names) ---

json TaskNoticeJson(const draw::TaskRecord& t, const std::function<std::string(const std::string&)>& item_name,
                    const std::string& org_name, const std::string& defined_date, uint32_t redraws, bool withdrawn) {
  json items = json::array();
  for (const auto& item_id : t.item_ids) items.push_back({{"item_id", item_id}, {"name", item_name(item_id)}});
  json task = {{"task_id", t.task_id},
               {"plan_id", t.plan_id},
               {"org_id", t.org_id},
               {"org_name", org_name},
               {"title", t.title},
               {"item_list_version", t.item_list_version},
               {"items", items},
               {"key_items", t.key_items},
               {"regions", t.regions},
               {"industries", t.industries},
               {"min_headcount", t.min_headcount},
               {"credit_grades", t.credit_grades},
               {"blacklisted_only", t.blacklisted_only},
               {"directed", t.directed},
               {"window_start", t.window_start},
               {"window_end", t.window_end},
               {"strata_by", std::string(draw::StrataByName(t.strata_by))},
               {"joint_departments", t.joint_departments},
               {"defined_date", defined_date},
               {"redraws", redraws},
               {"withdrawn", withdrawn}};
  if (t.count > 0) {
    task["count"] = t.count;
  } else {
    task["ratio_bp"] = t.ratio_bp;
  }
  // Every other rule the draw depends on (issue 19: a citizen recomputes a draw from the
  // notice, not only from the proof bundle), under the keys of the task file.
  task["batch_size"] = t.batch_size;
  task["quota_split"] = std::string(draw::QuotaSplitName(t.quota_split));
  json quotas = json::array();
  for (const auto& q : t.quotas) quotas.push_back({{"key", q.key}, {"count", q.count}});
  task["quotas"] = quotas;
  const draw::CreditRules& c = t.credit;
  task["credit"] = {{"grade_a_exempt_years", c.grade_a_exempt_years},
                    {"grade_c_ratio_bp", c.grade_c_ratio_bp},
                    {"grade_c_ignores_no_repeat", c.grade_c_ignores_no_repeat},
                    {"base_weight", c.base_weight},
                    {"blacklist_multiplier", c.blacklist_multiplier},
                    {"star_threshold", c.star_threshold},
                    {"star_policy", std::string(draw::StarPolicyName(c.star_policy))},
                    {"complaint_step", c.complaint_step},
                    {"complaint_cap", c.complaint_cap}};
  task["frequency"] = {{"max_per_year", t.frequency.max_per_year},
                       {"no_repeat_item_within_year", t.frequency.no_repeat_item_within_year}};
  const draw::InspectorRequirements& in = t.inspectors;
  task["inspectors"] = {{"domains", in.domains},
                        {"specialties", in.specialties},
                        {"regions", in.regions},
                        {"team_size", in.team_size},
                        {"substitutes", in.substitutes},
                        {"experts", in.experts},
                        {"expert_specialties", in.expert_specialties}};
  return task;
}

json ContentJson(const ResultRecord& r, const std::map<std::string, std::string>& names) {
  json items = json::array();
  for (const auto& it : r.items) {
    json findings = json::array();
    for (const auto& f : it.findings) {
      findings.push_back({{"point", f.point}, {"compliant", f.compliant}, {"text", f.text}});
    }
    json violations = json::array();
    for (const auto& v : it.violations) {
      json keys = json::array();
      json labels = json::array();
      for (Handling h : v.handling) {
        keys.push_back(std::string(HandlingKey(h)));
        labels.push_back(std::string(HandlingLabel(h)));
      }
      violations.push_back({{"description", v.description},
                            {"legal_basis", v.legal_basis},
                            {"handling", keys},
                            {"handling_labels", labels},
                            {"no_penalty_list", v.no_penalty_list},
                            {"fine_yuan", v.fine_yuan}});
    }
    items.push_back({{"item_id", it.item_id},
                     {"item_name", ItemName(names, it.item_id)},
                     {"outcome", std::string(OutcomeKey(it.outcome))},
                     {"outcome_label", std::string(OutcomeLabel(it.outcome))},
                     {"outcome_text", it.outcome_text},
                     {"findings", findings},
                     {"violations", violations}});
  }
  json evidence = json::array();
  for (const auto& e : r.evidence) {
    evidence.push_back({{"sha256", Hex(e.sha256)}, {"size", e.size}, {"kind", e.kind}});
  }
  return {{"inspection_date", r.inspection_date}, {"items", items}, {"evidence", evidence}};
}

namespace {

// Published results in order of publication.
std::vector<const ResultInfo*> PublishedResults(const InspectionWorld& w) {
  std::vector<const ResultInfo*> out;
  for (const auto& [key, r] : w.results) {
    if (r.published_revision != 0 && r.published() != nullptr) out.push_back(&r);
  }
  std::sort(out.begin(), out.end(), [](const ResultInfo* a, const ResultInfo* b) {
    return a->published_sequence < b->published_sequence;
  });
  return out;
}

}  // namespace

// --- credit publicity cells ---

std::string OutcomeCell(const ResultRecord& r, const std::map<std::string, std::string>& names) {
  auto label = [](const ItemResultRecord& it) {
    std::string s(OutcomeLabel(it.outcome));
    if (it.outcome == Outcome::Other && !it.outcome_text.empty()) s += "（" + it.outcome_text + "）";
    return s;
  };
  if (r.items.size() == 1) return label(r.items[0]);
  std::vector<std::string> parts;
  for (const auto& it : r.items) parts.push_back(ItemName(names, it.item_id) + "：" + label(it));
  return Join(parts, "；");
}

std::string HandlingCell(const ResultRecord& r) {
  std::vector<std::string> parts;
  for (const auto& it : r.items) {
    for (const auto& v : it.violations) {
      std::vector<std::string> hs;
      for (Handling h : v.handling) {
        hs.push_back(h == Handling::Fine ? "罚款" + std::to_string(v.fine_yuan) + "元"
                                         : std::string(HandlingLabel(h)));
      }
      parts.push_back(v.description + "（" + v.legal_basis + "）：" + Join(hs, "、"));
    }
  }
  return parts.empty() ? "无" : Join(parts, "；");
}

namespace {


// --- HTML ---


std::string MethodLabel(directory::InspectionMethod m) {
  switch (m) {
    case directory::InspectionMethod::Written: return "书面检查";
    case directory::InspectionMethod::OnSite: return "现场检查";
    case directory::InspectionMethod::Online: return "网络检查";
    default: return std::string(directory::MethodName(m));
  }
}

constexpr std::string_view kSheetStyle = R"(
@page { size: A4; margin: 18mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 10.5pt;
       line-height: 1.45; color: #000; margin: 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.2em; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 1px solid #000; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; }
th, td { border: 1px solid #000; padding: 1.2mm 1.8mm; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; }
tr, .item, .sign { page-break-inside: avoid; break-inside: avoid; }
.box { display: inline-block; width: 3.6mm; height: 3.6mm; border: 1px solid #000;
       vertical-align: middle; margin-right: 1mm; }
.tick { width: 20mm; white-space: nowrap; }
.findings { height: 14mm; }
.k { width: 28mm; background: #f4f4f4; font-weight: bold; }
.sign { margin: 4mm 0; }
.line { display: inline-block; border-bottom: 1px solid #000; width: 45mm; height: 6mm; }
.note { font-size: 9pt; color: #333; }
.internal { text-align: right; font-size: 9pt; font-weight: bold; }
@media screen { body { max-width: 180mm; margin: 10mm auto; } }
)";

}  // namespace

std::string CsvCell(std::string_view s) {
  // OWASP's "CSV injection" advice: a leading = + - @ TAB or CR makes a spreadsheet read the
  // cell as a formula (=HYPERLINK(...) exfiltrates, =cmd|... runs programs), so such a cell
  // gets a leading ' (shown as text) and is quoted, so no separator inside can start a new cell.
  const bool formula = !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos;
  if (!formula && s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = formula ? "\"'" : "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

struct PublicRecord::Row {
  uint64_t sequence = 0;
  std::vector<std::string> cells;
};

Status PublicRecord::Apply(const EntryView& e) {
  if (shared_ == nullptr) SUIJI_RETURN_IF_ERROR(own_.Apply(e));
  if (ledger_id_.empty()) ledger_id_ = std::string(e.ledger_id());
  const uint64_t seq = e.sequence();
  size_ = seq + 1;
  const EventType type = e.type();
  const int64_t t = e.event->time_us();
  if (draw::IsDrawEvent(type) || IsInspectionEvent(type)) time_of_[seq] = t;
  auto snapshot = [&](const std::string& draw_id, const std::string& code) {
    Named n;
    if (auto it = world().draws.dir.targets.find(code); it != world().draws.dir.targets.end()) {
      n.name = it->second.name;
      n.region = it->second.region;
    }
    named_.try_emplace(ResultKey(draw_id, code), std::move(n));
  };
  switch (type) {
    case EventType::ItemListPublished: {
      SUIJI_ASSIGN_OR_RETURN(directory::ItemListRecord l, directory::DecodeItemList(e.payload()));
      item_list_time_[{l.org_id, l.version}] = t;
      return OkStatus();
    }
    case EventType::PlanFiled: {
      SUIJI_ASSIGN_OR_RETURN(draw::PlanRecord p, draw::DecodePlan(e.payload()));
      plans_.push_back(PlanVersion{std::move(p), seq, t});
      return OkStatus();
    }
    case EventType::TaskWithdrawn: {
      SUIJI_ASSIGN_OR_RETURN(draw::TaskWithdrawal w, draw::DecodeTaskWithdrawn(e.payload()));
      withdrawal_sequence_[w.task_id] = seq;
      withdrawal_reason_[w.task_id] = w.reason;
      return OkStatus();
    }
    case EventType::DrawResult: {
      // The world has decoded (so verified) the payload.
      const auto* part = PayloadAs<schema::DrawResult>(e);
      if (part->draw_id() != nullptr) drawn_sequence_[part->draw_id()->str()] = seq;
      return OkStatus();
    }
    case EventType::TargetsAnnounced: {
      SUIJI_ASSIGN_OR_RETURN(AnnouncementRecord a, DecodeAnnouncement(e.payload()));
      const draw::DrawInfo* d = world().draws.Draw(a.draw_id);
      if (a.publish_targets && d != nullptr) {
        for (const auto& v : d->visits) snapshot(a.draw_id, v.credit_code);
      }
      return OkStatus();
    }
    case EventType::ResultPublished: {
      SUIJI_ASSIGN_OR_RETURN(ResultStepRecord s, DecodeStep(e.payload()));
      snapshot(s.draw_id, s.credit_code);
      return OkStatus();
    }
    default: return OkStatus();
  }
}

std::string PublicRecord::DateOf(uint64_t sequence) const {
  auto it = time_of_.find(sequence);
  return it == time_of_.end() ? std::string() : ChinaDate(it->second);
}

std::string PublicRecord::OrgName(std::string_view org_id) const {
  auto it = world().draws.dir.orgs.find(org_id);
  return it == world().draws.dir.orgs.end() ? std::string() : it->second.name;
}

PublicRecord::Named PublicRecord::NameOf(const ResultKey& key) const {
  if (auto it = named_.find(key); it != named_.end()) return it->second;
  Named n;
  if (auto it = world().draws.dir.targets.find(key.second); it != world().draws.dir.targets.end()) {
    n.name = it->second.name;
    n.region = it->second.region;
  }
  return n;
}

json PublicRecord::DrawJson(const draw::DrawInfo& d) const {
  const draw::TaskInfo* task = world().draws.Task(d.task_id);
  const bool cancelled = d.phase == draw::DrawPhase::kCancelled;
  const draw::FreezeRecord& f = d.freeze;
  json j = {
      {"draw_id", d.draw_id},
      {"task_id", d.task_id},
      {"phase", std::string(draw::DrawPhaseName(d.phase))},
      {"cancelled", cancelled},
      {"frozen_date", ChinaDate(d.freeze_time_us)},
      {"committed_date", d.committed() ? ChinaDate(d.commit_time_us) : std::string()},
      {"revealed_date", d.reveal_sequence != 0 ? ChinaDate(d.reveal_time_us) : std::string()},
      {"frozen_time", ChinaTime(d.freeze_time_us)},
      {"committed_time", d.committed() ? ChinaTime(d.commit_time_us) : std::string()},
      {"revealed_time", d.reveal_sequence != 0 ? ChinaTime(d.reveal_time_us) : std::string()},
      {"population",
       {{"targets", {{"count", f.target_count}, {"root", Hex(f.target_root)}}},
        {"inspectors", {{"count", f.inspector_count}, {"root", Hex(f.inspector_root)}}},
        {"experts", {{"count", f.expert_count}, {"root", Hex(f.expert_root)}}}}},
  };
  auto drawn = drawn_sequence_.find(d.draw_id);
  j["drawn_date"] = (drawn != drawn_sequence_.end() && d.parts_seen == d.parts && d.parts > 0)
                        ? DateOf(drawn->second)
                        : std::string();
  if (cancelled) {
    j["phase_before_cancel"] = std::string(draw::DrawPhaseName(d.phase_before_cancel));
    j["cancel_reason"] = d.cancel_reason;
    j["cancelled_date"] = DateOf(d.cancel_sequence);
  }
  json strata = json::array();  // counts and quotas; weight totals are internal
  for (const auto& s : d.result_strata.empty() ? f.strata : d.result_strata) {
    strata.push_back({{"key", s.key}, {"population", s.population}, {"quota", s.quota}});
  }
  j["strata"] = strata;

  if (d.committed()) {
    const draw::CommitRecord& c = d.commit;
    json commitment = {{"hash", Hex(d.commitment)},
                       {"params_hash", Hex(c.params_hash)},
                       {"secret_hash", Hex(c.secret_hash)},
                       {"algorithm", c.algorithm},
                       {"freeze_sequence", c.freeze_sequence},
                       {"witnesses", c.witnesses},
                       {"note", c.note}};
    commitment["drand"] = c.drand_chain.empty()
                              ? json(nullptr)
                              : json{{"chain", c.drand_chain},
                                     {"round", c.drand_round},
                                     {"round_time", c.drand_round_time}};
    commitment["lottery"] = c.lottery_name.empty()
                                ? json(nullptr)
                                : json{{"name", c.lottery_name},
                                       {"issue", c.lottery_issue},
                                       {"time", c.lottery_time}};
    j["commitment"] = commitment;
  } else {
    j["commitment"] = nullptr;
  }
  if (d.reveal_sequence != 0) {
    const draw::RevealRecord& r = d.reveal;
    json witness_digits = json::array();
    for (size_t i = 0; i < r.witness_digits.size(); ++i) {
      witness_digits.push_back(
          {{"witness", i < d.commit.witnesses.size() ? d.commit.witnesses[i] : std::string()},
           {"digits", r.witness_digits[i]}});
    }
    j["reveal"] = {{"secret", Hex(r.secret)},
                   {"seed", Hex(r.seed)},
                   {"drand", d.commit.drand_chain.empty()
                                 ? json(nullptr)
                                 : json{{"randomness", Hex(r.drand_randomness)},
                                        {"signature", Hex(r.drand_signature)}}},
                   {"lottery_digits", r.lottery_digits},
                   {"witness_digits", witness_digits}};
  } else {
    j["reveal"] = nullptr;
  }
  j["selected"] = d.visits.size();

  // Redraws of the task (R20) and why each earlier draw was cancelled.
  json cancellations = json::array();
  if (task != nullptr) {
    j["redraws"] = task->redraws();
    for (const auto& id : task->draw_ids) {
      const draw::DrawInfo* o = world().draws.Draw(id);
      if (o == nullptr || o->phase != draw::DrawPhase::kCancelled) continue;
      cancellations.push_back(
          {{"draw_id", id}, {"reason", o->cancel_reason}, {"date", DateOf(o->cancel_sequence)}});
    }
  } else {
    j["redraws"] = 0;
  }
  j["task_cancellations"] = cancellations;

  // The announcement and the targets it lets us name.
  bool all = false;
  if (auto a = world().announcements.find(d.draw_id); a != world().announcements.end()) {
    const AnnouncementRecord& rec = a->second.record;
    all = rec.publish_targets;
    j["announcement"] = {{"confirmed_date", rec.confirmed_date},
                         {"announced_date", ChinaDate(a->second.time_us)},
                         {"publish_targets", rec.publish_targets},
                         {"withheld_reason", rec.withheld_reason},
                         {"note", rec.note}};
  } else {
    j["announcement"] = nullptr;
  }
  j["targets_shown"] = all ? "all" : "published_results";
  json targets = json::array();
  for (const auto& v : d.visits) {
    const ResultKey key(d.draw_id, v.credit_code);
    if (!all) {
      const ResultInfo* r = world().Result(d.draw_id, v.credit_code);
      if (r == nullptr || r->published_revision == 0) continue;
    }
    const Named n = NameOf(key);
    json t = {{"credit_code", v.credit_code},
              {"name", n.name},
              {"region", n.region},
              {"region_name", RegionName(n.region)}};
    if (!v.merged_into.empty()) t["merged_into"] = v.merged_into;
    targets.push_back(std::move(t));
  }
  j["targets"] = targets;
  return j;
}

json PublicRecord::ResultJson(const ResultInfo& r) const {
  const ResultRecord& original = *r.published();
  const auto names = ItemNames(world(), r.draw_id);
  const draw::DrawInfo* d = world().draws.Draw(r.draw_id);
  const draw::TaskInfo* task = d == nullptr ? nullptr : world().draws.Task(d->task_id);
  const Named n = NameOf(ResultKey(r.draw_id, r.credit_code));
  json content = ContentJson(original, names);
  json j = {{"draw_id", r.draw_id},
            {"task_id", task == nullptr ? std::string() : task->task.task_id},
            {"task", task == nullptr ? std::string() : task->task.title},
            {"credit_code", r.credit_code},
            {"employer_name", n.name},
            {"region", n.region},
            {"inspecting_body_id", task == nullptr ? std::string() : task->task.org_id},
            {"inspecting_body", task == nullptr ? std::string() : OrgName(task->task.org_id)},
            {"inspection_date", original.inspection_date},
            {"published_date", r.published_date},
            {"revision", r.published_revision},
            {"items", content["items"]},
            {"evidence", content["evidence"]}};
  json corrections = json::array();
  for (const auto& c : r.corrections) {
    corrections.push_back({{"correction", c.record.correction},
                           {"reason", c.record.reason},
                           {"date", ChinaDate(c.time_us)},
                           {"result", ContentJson(c.record.result, names)}});
  }
  j["corrections"] = corrections;
  json transfers = json::array();
  for (const auto& t : r.transfers) {
    transfers.push_back({{"kind", std::string(TransferKindKey(t.record.kind))},
                         {"to_body", t.record.to_body},
                         {"date", t.record.date}});
  }
  j["transfers"] = transfers;
  json reevaluations = json::array();
  for (const auto& e : r.reevaluations) {
    reevaluations.push_back({{"grade", e.record.grade},
                             {"grade_date", e.record.grade_date},
                             {"date", ChinaDate(e.time_us)}});
  }
  j["credit_reevaluations"] = reevaluations;
  return j;
}

json PublicRecord::Notices() const {
  const auto& dir = world().draws.dir;
  json item_lists = json::array();
  for (const auto& [key, l] : dir.item_lists) {
    json items = json::array();
    for (const auto& it : l.items) {
      items.push_back({{"item_id", it.item_id},
                       {"name", it.name},
                       {"implementing_body", it.implementing_body},
                       {"legal_basis", it.legal_basis},
                       {"content", it.content},
                       {"method", std::string(directory::MethodName(it.method))},
                       {"kind", std::string(directory::ItemKindName(it.kind))},
                       {"checklist", it.checklist},
                       {"responsible_body", it.responsible_body}});
    }
    auto t = item_list_time_.find(key);
    item_lists.push_back({{"org_id", l.org_id},
                          {"org_name", OrgName(l.org_id)},
                          {"version", l.version},
                          {"effective_date", l.effective_date},
                          {"published_date",
                           t == item_list_time_.end() ? std::string() : ChinaDate(t->second)},
                          {"note", l.note},
                          {"items", items}});
  }

  json plans = json::array();
  for (const auto& p : plans_) {
    plans.push_back({{"plan_id", p.plan.plan_id},
                     {"version", p.plan.version},
                     {"org_id", p.plan.org_id},
                     {"org_name", OrgName(p.plan.org_id)},
                     {"year", p.plan.year},
                     {"title", p.plan.title},
                     {"filed_with_org_id", p.plan.filed_with_org_id},
                     {"note", p.plan.note},
                     {"filed_date", ChinaDate(p.time_us)}});
  }

  json tasks = json::array();
  for (const auto& [id, info] : world().draws.tasks) {
    const draw::TaskRecord& t = info.task;
    auto list = dir.item_lists.find({t.org_id, t.item_list_version});
    json task = TaskNoticeJson(
        t,
        [&](const std::string& item_id) {
          std::string name;
          if (list != dir.item_lists.end()) {
            for (const auto& it : list->second.items) {
              if (it.item_id == item_id) name = it.name;
            }
          }
          return name;
        },
        OrgName(t.org_id), DateOf(info.sequence), info.redraws(), info.withdrawn);
    if (info.withdrawn) {
      auto ws = withdrawal_sequence_.find(id);
      auto wr = withdrawal_reason_.find(id);
      task["withdrawn_date"] = ws == withdrawal_sequence_.end() ? std::string() : DateOf(ws->second);
      task["withdrawal_reason"] = wr == withdrawal_reason_.end() ? std::string() : wr->second;
    }
    tasks.push_back(std::move(task));
  }

  // Draws in log order (of their freeze).
  std::vector<const draw::DrawInfo*> draws;
  for (const auto& [id, d] : world().draws.draws) draws.push_back(&d);
  std::sort(draws.begin(), draws.end(), [](const draw::DrawInfo* a, const draw::DrawInfo* b) {
    return a->freeze_sequence < b->freeze_sequence;
  });
  json draw_notices = json::array();
  for (const auto* d : draws) draw_notices.push_back(DrawJson(*d));

  json results = json::array();
  for (const ResultInfo* r : PublishedResults(world())) results.push_back(ResultJson(*r));

  return {{"format", "suiji-public/1"},
          {"ledger_id", ledger_id_},
          {"log_size", size_},
          {"item_lists", item_lists},
          {"plans", plans},
          {"tasks", tasks},
          {"draws", draw_notices},
          {"results", results}};
}

std::vector<PublicRecord::Row> PublicRecord::PublicityRows() const {
  std::vector<Row> rows;
  for (const ResultInfo* r : PublishedResults(world())) {
    const ResultRecord& original = *r->published();
    const auto names = ItemNames(world(), r->draw_id);
    const draw::DrawInfo* d = world().draws.Draw(r->draw_id);
    const draw::TaskInfo* task = d == nullptr ? nullptr : world().draws.Task(d->task_id);
    std::string correction;
    if (!r->corrections.empty()) {
      const auto& c = r->corrections.back();
      correction = "更正" + std::to_string(c.record.correction) + "：" + c.record.reason +
                   "（更正日期：" + ChinaDate(c.time_us) +
                   "；更正后检查结果：" + OutcomeCell(c.record.result, names) +
                   "；更正后处理情况：" + HandlingCell(c.record.result) + "）";
    }
    rows.push_back(Row{r->published_sequence,
                       {r->credit_code, NameOf(ResultKey(r->draw_id, r->credit_code)).name,
                        task == nullptr ? std::string() : OrgName(task->task.org_id),
                        task == nullptr ? std::string() : task->task.title,
                        original.inspection_date, OutcomeCell(original, names),
                        HandlingCell(original), r->published_date, correction}});
  }
  return rows;
}

std::string PublicRecord::CreditPublicityCsv() const {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&out](const auto& cells) {
    bool first = true;
    for (const auto& c : cells) {
      if (!first) out += ',';
      first = false;
      out += CsvCell(c);
    }
    out += "\r\n";
  };
  line(kCreditPublicityColumns);
  for (const Row& r : PublicityRows()) line(r.cells);
  return out;
}

json PublicRecord::CreditPublicityJson() const {
  json columns = json::array();
  for (auto c : kCreditPublicityColumns) columns.push_back(std::string(c));
  json rows = json::array();
  for (const Row& r : PublicityRows()) {
    json row = json::object();
    for (size_t i = 0; i < r.cells.size(); ++i) {
      row[std::string(kCreditPublicityColumns[i])] = r.cells[i];
    }
    rows.push_back(std::move(row));
  }
  return {{"format", "suiji-credit-publicity/1"}, {"columns", columns}, {"rows", rows}};
}

std::vector<uint64_t> PublicRecord::PublicSequencesOfDraw(std::string_view draw_id) const {
  std::vector<uint64_t> out;
  if (auto a = world().announcements.find(draw_id); a != world().announcements.end()) {
    out.push_back(a->second.sequence);
  }
  for (auto it = world().results.lower_bound(ResultKey(std::string(draw_id), std::string()));
       it != world().results.end() && it->first.first == draw_id; ++it) {
    const ResultInfo& r = it->second;
    if (r.published_revision == 0) continue;
    for (const auto& rev : r.revisions) {
      if (rev.record.revision == r.published_revision) out.push_back(rev.sequence);
    }
    out.push_back(r.published_sequence);
    for (const auto& c : r.corrections) out.push_back(c.sequence);
    for (const auto& t : r.transfers) out.push_back(t.sequence);
    for (const auto& e : r.reevaluations) out.push_back(e.sequence);
  }
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<std::string> PublicRecord::InspectionSheetHtml(std::string_view draw_id,
                                                        std::string_view credit_code) const {
  return inspection::InspectionSheetHtml(world(), draw_id, credit_code, SheetContext{ledger_id_, size_});
}

StatusOr<std::string> InspectionSheetHtml(const InspectionStore& store, std::string_view draw_id,
                                          std::string_view credit_code, const SheetContext& ctx) {
  const draw::DrawStore& draws = store.draw_store();
  const directory::DirectoryReader& dir = draws.directory();
  const draw::DrawInfo* d = draws.FindDraw(draw_id);
  if (d == nullptr) return NotFound("no draw \"" + std::string(draw_id) + "\"");
  if (d->phase != draw::DrawPhase::kResulted) {
    return FailedPrecondition("draw \"" + std::string(draw_id) + "\" is " +
                              std::string(draw::DrawPhaseName(d->phase)) +
                              "; an inspection sheet is made for a drawn, live draw");
  }
  auto visit = std::find_if(d->visits.begin(), d->visits.end(), [&](const draw::VisitRecord& v) {
    return v.credit_code == credit_code;
  });
  if (visit == d->visits.end()) {
    return NotFound(std::string(credit_code) + " was not drawn in draw \"" +
                    std::string(draw_id) + "\"");
  }
  const draw::TaskInfo* task = draws.FindTask(d->task_id);
  if (task == nullptr) return FailedPrecondition("draw \"" + std::string(draw_id) + "\" has no task");
  const draw::TaskRecord& t = task->task;

  // A visit merged into an earlier one (R10) is made by that visit's team.
  const draw::VisitRecord* team_visit = &*visit;
  const draw::DrawInfo* team_draw = d;
  if (!visit->merged_into.empty()) {
    if (const draw::VisitRecord* other = VisitIn(store, visit->merged_into, credit_code)) {
      team_visit = other;
      team_draw = draws.FindDraw(visit->merged_into);
    }
  }
  // The name of an inspector the sheet names ("" if the directory has none).
  auto person = [&](const std::string& id) {
    auto in = dir.Inspector(id);
    return in ? in->name : std::string();
  };
  auto org_name = [&](std::string_view org_id) {
    auto org = dir.Org(org_id);
    return org ? org->name : std::string();
  };

  std::string name, region;
  if (auto target = dir.Target(credit_code)) {
    name = target->name;
    region = target->region;
  }

  // Deadlines (R11, R13, R18), with the calendar in the log.
  const directory::WorkCalendar& cal = store.calendar();
  std::string enter = "检查后" + std::to_string(kEnterWorkingDays) + "个工作日内录入检查结果";
  if (const ResultInfo* r = store.FindResult(draw_id, credit_code)) {
    const std::string& inspected = r->revisions.front().record.inspection_date;
    auto due = cal.AddWorkingDays(inspected, kEnterWorkingDays);
    enter += "（检查日期 " + inspected + "，" +
             (due.ok() ? "须于 " + *due + " 前录入" : "无法计算：" + due.status().message()) +
             "）";
  }
  std::string publish;
  if (auto due = cal.AddWorkingDays(t.window_end, kPublishWorkingDays); due.ok()) {
    publish = *due + "（任务结束 " + t.window_end + " 后" + std::to_string(kPublishWorkingDays) +
              "个工作日内公示）";
  } else {
    publish = "任务结束 " + t.window_end + " 后" + std::to_string(kPublishWorkingDays) +
              "个工作日内公示（无法计算日期：" + due.status().message() + "）";
  }

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  h += HtmlEscape("检查单 " + name + " " + std::string(credit_code));
  h += "</title>\n<style>";
  h += kSheetStyle;
  h += "</style>\n</head>\n<body>\n";
  h += "<div class=\"internal\">内部文件 不予公开</div>\n";
  h += "<h1>双随机抽查检查单</h1>\n";

  auto row = [&](std::string_view k, const std::string& v) {
    h += "<tr><td class=\"k\">" + HtmlEscape(k) + "</td><td>" + HtmlEscape(v) + "</td></tr>\n";
  };
  h += "<h2>一、检查对象与任务</h2>\n<table>\n";
  row("企业名称", name);
  row("统一社会信用代码", std::string(credit_code));
  row("所在地区", region + (RegionName(region).empty() ? "" : " " + RegionName(region)));
  row("检查机关", org_name(t.org_id));
  row("抽查任务", t.title + "（" + t.task_id + "）");
  row("抽取编号", d->draw_id + "（抽取顺序第 " + std::to_string(visit->order + 1) + " 位）");
  row("检查期限", t.window_start + " 至 " + t.window_end);
  row("录入期限", enter);
  row("公示期限", publish);
  if (!visit->merged_into.empty()) {
    row("合并检查", "本次检查并入抽取 " + visit->merged_into + " 的检查，由该次检查组实施");
  }
  h += "</table>\n";

  h += "<h2>二、抽查事项与检查要点</h2>\n";
  for (const auto& item : ItemsOf(store, draw_id)) {
    h += "<div class=\"item\">\n<h3>" + HtmlEscape(item.name + "（" + item.item_id + "）") + "</h3>\n";
    h += "<table>\n";
    row("法律依据", item.legal_basis);
    row("检查内容", item.content);
    row("检查方式", MethodLabel(item.method));
    h += "</table>\n<table>\n<tr><th style=\"width:8mm\">序号</th><th>检查要点</th>"
         "<th class=\"tick\">符合</th><th class=\"tick\">不符合</th><th>检查情况</th></tr>\n";
    std::vector<std::string> points = item.checklist;
    if (points.empty()) points.push_back("（本事项未列检查要点）");
    for (size_t i = 0; i < points.size(); ++i) {
      h += "<tr><td>" + std::to_string(i + 1) + "</td><td>" + HtmlEscape(points[i]) +
           "</td><td class=\"tick\"><span class=\"box\"></span>符合</td>"
           "<td class=\"tick\"><span class=\"box\"></span>不符合</td>"
           "<td class=\"findings\"></td></tr>\n";
    }
    h += "</table>\n</div>\n";
  }

  h += "<h2>三、检查组</h2>\n<table>\n<tr><th>角色</th><th>执法证号</th><th>姓名</th></tr>\n";
  for (const auto& id : team_visit->team) {
    h += "<tr><td>检查人员</td><td>" + HtmlEscape(id) + "</td><td>" + HtmlEscape(person(id)) + "</td></tr>\n";
  }
  for (const auto& id : team_visit->experts) {
    h += "<tr><td>专家</td><td>" + HtmlEscape(id) + "</td><td>" + HtmlEscape(person(id)) + "</td></tr>\n";
  }
  h += "</table>\n";
  h += "<h3>递补顺序</h3>\n";
  if (team_visit->substitutes.empty()) {
    h += "<p>（无递补人员）</p>\n";
  } else {
    h += "<ol>\n";
    for (const auto& id : team_visit->substitutes) {
      h += "<li>" + HtmlEscape(id + " " + person(id)) + "</li>\n";
    }
    h += "</ol>\n";
  }
  bool declined = false;
  for (const auto& dec : team_draw->declines) {
    if (dec.credit_code != credit_code) continue;
    if (!declined) h += "<h3>回避与递补记录</h3>\n<ul>\n";
    declined = true;
    h += "<li>" + HtmlEscape(dec.inspector_id + " " + person(dec.inspector_id) + " 不能参加（" +
                      dec.reason + "），由 " + dec.replacement_id + " " +
                      person(dec.replacement_id) + " 递补") +
         "</li>\n";
  }
  if (declined) h += "</ul>\n";

  h += "<h2>四、签名</h2>\n";
  auto sign = [&](std::string_view role, const std::string& who) {
    h += "<div class=\"sign\">" + HtmlEscape(std::string(role) + "：" + who) +
         "　签名：<span class=\"line\"></span>　日期：<span class=\"line\" "
         "style=\"width:30mm\"></span></div>\n";
  };
  for (const auto& id : team_visit->team) sign("检查人员", person(id) + "（" + id + "）");
  for (const auto& id : team_visit->experts) sign("专家", person(id) + "（" + id + "）");
  sign("被检查单位负责人", "");
  h += "<p class=\"note\">" +
       HtmlEscape("本检查单由账本 " + ctx.ledger_id + " 前 " + std::to_string(ctx.log_size) +
           " 条记录生成；检查结果按检查要点录入，须检查组全体成员确认（谁检查、谁录入、谁公开）。") +
       "</p>\n";
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace suiji::inspection
