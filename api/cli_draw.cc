// `suiji plan|task|draw`: annual plans, tasks and the draw ceremony on DrawService
// (api/draw_service.h). Every write is signed events appended by the one writer; the reads
// read the node's projections (the "draws" folder, projections/draw_projection.h), caught up
// with the entries they have not applied, and print from them.
//
// The task file is JSON whose keys are TaskRecord's field names (README.md, "Plans, tasks
// and draws"): an unknown key or a value of the wrong type is refused naming its path, so a
// misspelt rule never silently takes its default.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include "api/cli.h"
#include "api/record_readers.h"
#include "api/records_json.h"
#include "api/draw_service.h"
#include "projections/draw_projection.h"
#include "projections/lmdb_util.h"
#include "projections/projections.h"
#include "api/json_keys.h"

namespace suiji::cli {

namespace {

using draw::CommitRecord;
using draw::DrawInfo;
using draw::DrawPhase;
using draw::StratumCount;
using draw::TaskRecord;
using draw::VisitRecord;
using nlohmann::json;

constexpr int64_t kBeijingOffsetSeconds = 8 * 3600;
constexpr std::string_view kDrandApi = "https://api.drand.sh/";

std::string Hex(const Hash& h) { return ToHex(h); }
std::string Hex(const Bytes& b) { return ToHex(b); }

std::string Join(const std::vector<std::string>& v, std::string_view sep = ",") {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

// "YYYY-MM-DD HH:MM:SS" of a unix time seen `offset_s` seconds east of UTC.
std::string FormatTime(int64_t unix_s, int64_t offset_s) {
  std::time_t t = static_cast<std::time_t>(unix_s + offset_s);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}
std::string Utc(int64_t unix_s) { return FormatTime(unix_s, 0) + " UTC"; }
std::string Beijing(int64_t unix_s) {
  return FormatTime(unix_s, kBeijingOffsetSeconds) + " 北京时间 (+08:00)";
}
std::string WhenUs(int64_t us) { return Utc(us / 1000000); }

// "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" in Beijing time (+08:00) as unix seconds.
StatusOr<int64_t> ParseBeijingTime(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("--lottery-time \"" + std::string(text) +
                           "\" must be 'YYYY-MM-DD HH:MM' in Beijing time");
  };
  if (text.size() != 16 && text.size() != 19) return bad();
  const std::string_view shape = "dddd-dd-dd dd:dd:dd";
  for (size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return bad();
  }
  auto num = [&](size_t at, size_t len) {
    int n = 0;
    for (size_t i = at; i < at + len; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = text.size() == 19 ? num(17, 2) : 0;
  const std::tm asked = tm;
  const std::time_t t = ::timegm(&tm);
  // timegm normalises 2026-02-30 to March: a changed field means the date does not exist.
  if (tm.tm_year != asked.tm_year || tm.tm_mon != asked.tm_mon || tm.tm_mday != asked.tm_mday ||
      tm.tm_hour != asked.tm_hour || tm.tm_min != asked.tm_min || tm.tm_sec != asked.tm_sec) {
    return bad();
  }
  return static_cast<int64_t>(t) - kBeijingOffsetSeconds;
}

using namespace json_keys;  // NOLINT: the readers are this file's vocabulary

StatusOr<TaskRecord> ReadTaskFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read task file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    return InvalidArgument(path + " is not valid JSON: " + e.what());
  }
  TaskRecord t;
  Status s = TaskFromJson(j, &t);
  if (!s.ok()) return Status(s.code(), path + ": " + s.message());
  return t;
}

// --- plans ---

json PlanJson(const draw::PlanInfo& p) {
  return {{"plan_id", p.plan.plan_id},       {"org_id", p.plan.org_id},
          {"year", p.plan.year},             {"title", p.plan.title},
          {"filed_with_org_id", p.plan.filed_with_org_id},
          {"version", p.plan.version},       {"note", p.plan.note},
          {"sequence", p.sequence}};
}

std::vector<draw::TaskInfo> TasksOfPlan(const draw::DrawStore& w, std::string_view plan) {
  std::vector<draw::TaskInfo> out;
  Status s = w.ForEachTask("", 0, [&](const draw::TaskInfo& t) {
    if (t.task.plan_id == plan) out.push_back(t);
    return true;
  });
  (void)s;  // a read error is also the store's status(), which the command returns
  return out;
}

// --- tasks ---

// A draw's id, phase and cancellation without its visits where the store can (a projection's
// view): a task's list of draws need not read every visit of every draw.
const DrawInfo* DrawHead(const draw::DrawStore& w, std::string_view id) {
  if (const auto* view = dynamic_cast<const DrawStoreView*>(&w); view != nullptr) {
    return view->FindDrawHead(id);
  }
  return w.FindDraw(id);
}

// draw::LiveDraw over the draws' heads.
const DrawInfo* LiveDrawHead(const draw::DrawStore& w, const draw::TaskInfo& t) {
  for (auto it = t.draw_ids.rbegin(); it != t.draw_ids.rend(); ++it) {
    const DrawInfo* d = DrawHead(w, *it);
    if (d != nullptr && d->phase != DrawPhase::kCancelled) return d;
  }
  return nullptr;
}

std::string TaskState(const draw::DrawStore& w, const draw::TaskInfo& t) {
  if (t.withdrawn) return "withdrawn";
  const DrawInfo* live = LiveDrawHead(w, t);
  if (live == nullptr) return t.draw_ids.empty() ? "defined" : "no live draw";
  return "draw " + live->draw_id + " " + std::string(draw::DrawPhaseName(live->phase));
}

json TaskInfoJson(const draw::DrawStore& w, const draw::TaskInfo& t) {
  json draws = json::array();
  for (const auto& id : t.draw_ids) {
    const DrawInfo* d = DrawHead(w, id);
    if (d == nullptr) continue;
    json dj = {{"draw_id", id}, {"phase", std::string(draw::DrawPhaseName(d->phase))}};
    if (d->phase == DrawPhase::kCancelled) dj["cancel_reason"] = d->cancel_reason;
    draws.push_back(dj);
  }
  return {{"task", TaskToJson(t.task)},
          {"sequence", t.sequence},
          {"year", t.year},
          {"withdrawn", t.withdrawn},
          {"params_hash", Hex(draw::ParamsHash(t.payload))},
          {"draws", draws},
          {"commits", t.commits},
          {"cancelled_commits", t.cancelled_commits},
          {"redraws", t.redraws()}};
}

void PrintTask(const draw::DrawStore& w, const draw::TaskInfo& info) {
  const TaskRecord& t = info.task;
  const draw::CreditRules& c = t.credit;
  const draw::InspectorRequirements& in = t.inspectors;
  auto list = [](const std::vector<std::string>& v) { return v.empty() ? "-" : Join(v, ", "); };
  Out() << "task " << t.task_id << "  " << t.title << "\n"
            << "  plan " << t.plan_id << " (" << info.year << "), org " << t.org_id
            << ", defined at entry " << info.sequence
            << (info.withdrawn ? ", WITHDRAWN" : "") << "\n"
            << "  items:        " << Join(t.item_ids, ", ") << " (item list version "
            << t.item_list_version << (t.key_items ? ", key items" : "") << ")\n"
            << "  scope:        regions " << list(t.regions) << "; industries "
            << list(t.industries) << "; headcount >= " << t.min_headcount << "\n";
  if (t.directed) {
    Out() << "  directed:     grades " << list(t.credit_grades)
              << (t.blacklisted_only ? "; blacklisted only" : "") << "\n";
  }
  Out() << "  size:         ";
  if (t.ratio_bp != 0) {
    Out() << t.ratio_bp << " bp (" << t.ratio_bp / 100 << "." << (t.ratio_bp % 100) / 10
              << (t.ratio_bp % 10) << "%) of each stratum";
  } else {
    Out() << t.count << " targets, split " << draw::QuotaSplitName(t.quota_split);
  }
  Out() << "; strata by " << draw::StrataByName(t.strata_by);
  if (t.batch_size > 0) Out() << "; batches of " << t.batch_size;
  Out() << "\n";
  for (const auto& q : t.quotas) Out() << "    quota " << q.key << ": " << q.count << "\n";
  Out() << "  credit rules: grade A exempt " << int{c.grade_a_exempt_years}
            << " years; grade C ratio " << c.grade_c_ratio_bp << " bp"
            << (c.grade_c_ignores_no_repeat ? ", not bound by no-repeat" : "")
            << "; weight " << int{c.base_weight} << ", blacklist x"
            << int{c.blacklist_multiplier} << ", +" << int{c.complaint_step}
            << " per complaint up to " << int{c.complaint_cap} << "; stars >= "
            << int{c.star_threshold} << ": " << draw::StarPolicyName(c.star_policy) << "\n"
            << "  frequency:    at most " << int{t.frequency.max_per_year} << " per year"
            << (t.frequency.no_repeat_item_within_year ? "; no repeat of an item within the year"
                                                       : "")
            << "\n"
            << "  window:       " << t.window_start << " .. " << t.window_end << "\n"
            << "  inspectors:   teams of " << int{in.team_size} << ", " << int{in.substitutes}
            << " substitutes, " << int{in.experts} << " experts; domains " << list(in.domains)
            << "; specialties " << list(in.specialties) << "; regions " << list(in.regions)
            << "; expert specialties " << list(in.expert_specialties) << "\n";
  if (!t.joint_departments.empty()) {
    Out() << "  joint with:   " << Join(t.joint_departments, ", ") << "\n";
  }
  Out() << "  params hash:  " << Hex(draw::ParamsHash(info.payload)) << "\n"
            << "  draws:";
  if (info.draw_ids.empty()) Out() << " none";
  Out() << "\n";
  for (const auto& id : info.draw_ids) {
    const DrawInfo* d = DrawHead(w, id);
    if (d == nullptr) continue;
    Out() << "    " << id << "  " << draw::DrawPhaseName(d->phase);
    if (d->phase == DrawPhase::kCancelled) Out() << ": " << d->cancel_reason;
    Out() << "\n";
  }
  Out() << "  redrawn " << info.redraws() << " times\n";
}

// --- draws ---

json StratumJson(const StratumCount& s) {
  return {{"key", s.key},
          {"population", s.population},
          {"weight_total", s.weight_total},
          {"quota", s.quota}};
}

json FreezeJson(const DrawInfo& d) {
  const draw::FreezeRecord& f = d.freeze;
  json strata = json::array();
  for (const auto& s : f.strata) strata.push_back(StratumJson(s));
  return {{"sequence", d.freeze_sequence},  {"time", WhenUs(d.freeze_time_us)},
          {"target_count", f.target_count}, {"target_root", Hex(f.target_root)},
          {"inspector_count", f.inspector_count}, {"inspector_root", Hex(f.inspector_root)},
          {"expert_count", f.expert_count}, {"expert_root", Hex(f.expert_root)},
          {"strata", strata}};
}

std::string DrandUrl(const CommitRecord& c) {
  return std::string(kDrandApi) + c.drand_chain + "/public/" + std::to_string(c.drand_round);
}

json CommitJson(const DrawInfo& d) {
  const CommitRecord& c = d.commit;
  json j = {{"sequence", d.commit_sequence},
            {"time", WhenUs(d.commit_time_us)},
            {"commitment_hash", Hex(d.commitment)},
            {"task_id", c.task_id},
            {"freeze_sequence", c.freeze_sequence},
            {"target_count", c.target_count},
            {"target_root", Hex(c.target_root)},
            {"inspector_count", c.inspector_count},
            {"inspector_root", Hex(c.inspector_root)},
            {"expert_count", c.expert_count},
            {"expert_root", Hex(c.expert_root)},
            {"params_hash", Hex(c.params_hash)},
            {"algorithm", c.algorithm},
            {"secret_hash", Hex(c.secret_hash)},
            {"drand_chain", c.drand_chain},
            {"drand_round", c.drand_round},
            {"drand_round_time", c.drand_round_time},
            {"lottery_name", c.lottery_name},
            {"lottery_issue", c.lottery_issue},
            {"lottery_time", c.lottery_time},
            {"witnesses", c.witnesses},
            {"note", c.note}};
  if (!c.drand_chain.empty()) j["drand_url"] = DrandUrl(c);
  return j;
}

json RevealJson(const DrawInfo& d) {
  const draw::RevealRecord& r = d.reveal;
  return {{"sequence", d.reveal_sequence},
          {"time", WhenUs(d.reveal_time_us)},
          {"secret", Hex(r.secret)},
          {"drand_randomness", Hex(r.drand_randomness)},
          {"drand_signature", Hex(r.drand_signature)},
          {"lottery_digits", r.lottery_digits},
          {"witness_digits", r.witness_digits},
          {"seed", Hex(r.seed)}};
}

uint64_t SelectedIn(const DrawInfo& d, std::string_view stratum) {
  return static_cast<uint64_t>(std::count_if(d.visits.begin(), d.visits.end(),
                                             [&](const VisitRecord& v) { return v.stratum == stratum; }));
}

std::string TargetName(const draw::DrawStore& w, const std::string& code) {
  auto t = w.directory().Target(code);
  return t ? t->name : std::string();
}

json ResultJson(const draw::DrawStore& w, const DrawInfo& d) {
  json strata = json::array();
  for (const auto& s : d.result_strata) {
    json sj = StratumJson(s);
    sj["selected"] = SelectedIn(d, s.key);
    strata.push_back(sj);
  }
  json visits = json::array();
  for (const auto& v : d.visits) {
    visits.push_back({{"order", v.order},
                      {"batch", v.batch},
                      {"credit_code", v.credit_code},
                      {"name", TargetName(w, v.credit_code)},
                      {"stratum", v.stratum},
                      {"weight", v.weight},
                      {"rank_key", v.rank_key},
                      {"team", v.team},
                      {"experts", v.experts},
                      {"substitutes", v.substitutes},
                      {"merged_into", v.merged_into}});
  }
  return {{"parts", d.parts}, {"selected_total", d.visits.size()}, {"strata", strata},
          {"visits", visits}};
}

json DrawJson(const draw::DrawStore& w, const DrawInfo& d) {
  json j = {{"draw_id", d.draw_id},
            {"task_id", d.task_id},
            {"phase", std::string(draw::DrawPhaseName(d.phase))},
            {"freeze", FreezeJson(d)},
            {"commitment", nullptr},
            {"reveal", nullptr},
            {"result", nullptr},
            {"cancellation", nullptr}};
  if (d.committed()) j["commitment"] = CommitJson(d);
  if (d.reveal_sequence > 0) j["reveal"] = RevealJson(d);
  if (d.parts > 0 && d.parts_seen == d.parts) j["result"] = ResultJson(w, d);
  if (d.phase == DrawPhase::kCancelled) {
    j["cancellation"] = {{"sequence", d.cancel_sequence},
                         {"reason", d.cancel_reason},
                         {"phase_before", std::string(draw::DrawPhaseName(d.phase_before_cancel))}};
  }
  json declines = json::array();
  for (const auto& x : d.declines) {
    declines.push_back({{"credit_code", x.credit_code},
                        {"inspector_id", x.inspector_id},
                        {"reason", x.reason},
                        {"replacement_id", x.replacement_id}});
  }
  j["declines"] = declines;
  if (const draw::TaskInfo* t = w.FindTask(d.task_id)) {
    j["redraws"] = t->redraws();
    json others = json::array();
    for (const auto& id : t->draw_ids) {
      const DrawInfo* o = DrawHead(w, id);
      if (o == nullptr) continue;
      json oj = {{"draw_id", id}, {"phase", std::string(draw::DrawPhaseName(o->phase))}};
      if (o->phase == DrawPhase::kCancelled) oj["cancel_reason"] = o->cancel_reason;
      others.push_back(oj);
    }
    j["task_draws"] = others;
  }
  return j;
}

void PrintRoots(const draw::FreezeRecord& f) {
  Out() << "  targets:     " << f.target_count << "  root " << Hex(f.target_root) << "\n"
            << "  inspectors:  " << f.inspector_count << "  root " << Hex(f.inspector_root) << "\n"
            << "  experts:     " << f.expert_count << "  root " << Hex(f.expert_root) << "\n";
}

void PrintStrata(const std::vector<StratumCount>& strata, const DrawInfo* with_selected) {
  Out() << "  stratum        population  weight total  quota"
            << (with_selected ? "  selected" : "") << "\n";
  for (const auto& s : strata) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-14s %10llu  %12llu  %5llu", s.key.c_str(),
                  static_cast<unsigned long long>(s.population),
                  static_cast<unsigned long long>(s.weight_total),
                  static_cast<unsigned long long>(s.quota));
    Out() << line;
    if (with_selected) Out() << "  " << SelectedIn(*with_selected, s.key);
    Out() << "\n";
  }
}

// The commitment, laid out to be read aloud to (and checked by) the witnesses.
void PrintCommitment(const draw::DrawStore& w, const DrawInfo& d) {
  const CommitRecord& c = d.commit;
  const draw::TaskInfo* t = w.FindTask(c.task_id);
  Out() << "commitment of draw " << c.draw_id << " (entry " << d.commit_sequence << ", "
            << WhenUs(d.commit_time_us) << ")\n"
            << "  task:        " << c.task_id << (t ? "  " + t->task.title : "") << "\n"
            << "  algorithm:   " << c.algorithm << "\n"
            << "  frozen at:   entry " << c.freeze_sequence << "\n"
            << "  targets:     " << c.target_count << "  root " << Hex(c.target_root) << "\n"
            << "  inspectors:  " << c.inspector_count << "  root " << Hex(c.inspector_root)
            << "\n"
            << "  experts:     " << c.expert_count << "  root " << Hex(c.expert_root) << "\n"
            << "  params hash: " << Hex(c.params_hash) << "\n"
            << "  secret hash: " << Hex(c.secret_hash) << "\n"
            << "  commitment:  " << Hex(d.commitment) << "\n";
  if (!c.drand_chain.empty()) {
    Out() << "  drand:       chain " << c.drand_chain << "\n"
              << "               round " << c.drand_round << " at " << Utc(c.drand_round_time)
              << " = " << Beijing(c.drand_round_time) << "\n"
              << "               fetch it from " << DrandUrl(c) << "\n";
  } else {
    Out() << "  drand:       none\n";
  }
  if (!c.lottery_name.empty()) {
    Out() << "  lottery:     " << c.lottery_name << " issue " << c.lottery_issue << " at "
              << Beijing(c.lottery_time) << "\n";
  } else {
    Out() << "  lottery:     none\n";
  }
  Out() << "  witnesses:  ";
  if (c.witnesses.empty()) Out() << " none";
  for (size_t i = 0; i < c.witnesses.size(); ++i) Out() << " " << i + 1 << ". " << c.witnesses[i];
  Out() << "\n";
  if (!c.note.empty()) Out() << "  note:        " << c.note << "\n";
}

void PrintVisits(const draw::DrawStore& w, const DrawInfo& d, size_t limit) {
  const size_t shown = limit == 0 ? d.visits.size() : std::min(limit, d.visits.size());
  Out() << "visits in draw order (" << shown << " of " << d.visits.size()
            << (shown < d.visits.size() ? "; --limit 0 or --json for all" : "") << "):\n"
            << "  order  batch  credit code         name  stratum  weight  team  experts  "
               "substitutes  merged into\n";
  for (size_t i = 0; i < shown; ++i) {
    const VisitRecord& v = d.visits[i];
    auto list = [](const std::vector<std::string>& x) { return x.empty() ? "-" : Join(x); };
    Out() << "  " << v.order << "  " << v.batch << "  " << v.credit_code << "  "
              << TargetName(w, v.credit_code) << "  " << v.stratum << "  " << v.weight << "  "
              << list(v.team) << "  " << list(v.experts) << "  " << list(v.substitutes) << "  "
              << (v.merged_into.empty() ? "-" : v.merged_into) << "\n";
  }
}

void PrintResult(const draw::DrawStore& w, const DrawInfo& d, size_t limit) {
  Out() << "seed: " << Hex(d.reveal.seed) << "\n"
            << "result: " << d.visits.size() << " visits in " << d.parts << " part(s)\n";
  PrintStrata(d.result_strata, &d);
  PrintVisits(w, d, limit);
}

void PrintDraw(const draw::DrawStore& w, const DrawInfo& d, size_t limit) {
  const draw::TaskInfo* t = w.FindTask(d.task_id);
  Out() << "draw " << d.draw_id << " of task " << d.task_id
            << (t ? "  " + t->task.title : "") << "\n"
            << "phase: " << draw::DrawPhaseName(d.phase);
  if (d.phase == DrawPhase::kCancelled) {
    Out() << " (was " << draw::DrawPhaseName(d.phase_before_cancel) << ")";
  }
  Out() << "\n"
            << "frozen at entry " << d.freeze_sequence << " (" << WhenUs(d.freeze_time_us)
            << ")\n";
  PrintRoots(d.freeze);
  PrintStrata(d.freeze.strata, nullptr);
  if (d.committed()) PrintCommitment(w, d);
  if (d.reveal_sequence > 0) {
    const draw::RevealRecord& r = d.reveal;
    Out() << "revealed at entry " << d.reveal_sequence << " (" << WhenUs(d.reveal_time_us)
              << ")\n"
              << "  secret:           " << Hex(r.secret) << "\n";
    if (!r.drand_randomness.empty()) {
      Out() << "  drand randomness: " << Hex(r.drand_randomness) << "\n";
    }
    if (!r.lottery_digits.empty()) Out() << "  lottery digits:   " << r.lottery_digits << "\n";
    for (size_t i = 0; i < r.witness_digits.size(); ++i) {
      Out() << "  witness " << (i < d.commit.witnesses.size() ? d.commit.witnesses[i] : "?")
                << ": " << r.witness_digits[i] << "\n";
    }
  }
  if (d.parts > 0 && d.parts_seen == d.parts) PrintResult(w, d, limit);
  for (const auto& x : d.declines) {
    Out() << "declined: " << x.inspector_id << " at " << x.credit_code << " (" << x.reason
              << "), replaced by " << x.replacement_id << "\n";
  }
  if (d.phase == DrawPhase::kCancelled) {
    Out() << "cancelled at entry " << d.cancel_sequence << ": " << d.cancel_reason << "\n";
  }
  if (t != nullptr) {
    Out() << "task " << d.task_id << ": redrawn " << t->redraws() << " times; draws:";
    for (const auto& id : t->draw_ids) {
      const DrawInfo* o = DrawHead(w, id);
      if (o != nullptr) Out() << " " << id << " (" << draw::DrawPhaseName(o->phase) << ")";
    }
    Out() << "\n";
  }
}

// The ledger and the draw service: a write command's is the node's (Context::node: this
// process's own, deciding against the projections, or the running server's); a read-only
// command opens a reader and the projections, caught up to the end of the log (only the
// entries they have not applied). world() is the service's in-memory fold (the server's), or
// one read of the projections, taken when first asked for and again after a write.
struct DrawNode {
  std::unique_ptr<Ledger> ledger;                  // read-only commands
  std::shared_ptr<LmdbProjection> owned_projection;  // read-only commands
  std::unique_ptr<DrawService> owned;              // read-only commands
  DrawService* service = nullptr;
  mutable std::unique_ptr<lmdb::ReadTxn> txn;
  mutable std::unique_ptr<DrawStoreView> view;
  mutable uint64_t view_log_size = 0;  // the writer's log size when the view was taken
  const draw::DrawStore& world() const {
    const std::shared_ptr<LmdbProjection> projection = service->projection();
    if (projection == nullptr) return service->world();
    // One snapshot for the whole command, except after this process's own write (a reveal
    // after its draw was looked up: the service has caught the projection up): read anew.
    // Records taken from the old read are not used after a write. A reader's command never
    // writes, so it keeps its snapshot whatever a running server commits meanwhile.
    const uint64_t log_size = owned == nullptr ? service->ledger().size() : 0;
    if (view != nullptr && log_size != view_log_size) {
      view.reset();
      txn.reset();
    }
    if (view == nullptr) {
      txn = std::make_unique<lmdb::ReadTxn>(projection->env());
      const Status s = txn->status("projection");
      if (!s.ok()) {
        Err() << "error: " << s.ToString() << "\n";
        std::exit(ExitCodeFor(s));
      }
      view_log_size = log_size;
      view = DrawStoreIn(txn->get(), *projection);
    }
    return *view;
  }
};

StatusOr<DrawNode> OpenDraws(Context& ctx, bool write) {
  DrawNode n;
  if (write) {
    SUIJI_ASSIGN_OR_RETURN(n.service, ctx.node().Draws());
    return n;
  }
  SUIJI_ASSIGN_OR_RETURN(n.ledger, OpenLedger(ctx, false));
  SUIJI_ASSIGN_OR_RETURN(n.owned_projection, OpenProjections(ctx.data));
  n.owned = std::make_unique<DrawService>(*n.ledger, n.owned_projection, n.ledger->storage(), ctx.data);
  SUIJI_RETURN_IF_ERROR(n.owned->Sync());
  n.service = n.owned.get();
  return n;
}

StatusOr<const DrawInfo*> FindDraw(const DrawNode& n, const std::string& id) {
  const DrawInfo* d = n.world().FindDraw(id);
  if (d == nullptr) return NotFound("unknown draw \"" + id + "\" (suiji task show TASK lists its draws)");
  return d;
}

StatusOr<Bytes> HexOption(const std::string& name, const std::string& value) {
  auto b = FromHex(value);
  if (!b.ok()) {
    return InvalidArgument(name + " must be hex digits: " + b.status().message());
  }
  return b;
}

}  // namespace

void RegisterDrawCommands(CLI::App& app, Context& ctx) {
  // A process may register and run commands more than once (the server runs forwarded
  // commands in-process, one at a time): every registration starts from the defaults.
  static std::string id, title, filed_with, note, file, reason, target, inspector, out;
  static uint16_t year;
  static bool json_out;
  static size_t limit;
  id = title = filed_with = note = file = reason = target = inspector = out = {};
  year = 0;
  json_out = false;
  limit = 50;

  // --- plan ---
  auto* plan = app.add_subcommand("plan", "annual inspection plans (年度抽查工作计划, R6)");
  plan->require_subcommand(1);
  auto* p_file = plan->add_subcommand(
      "file", "file a plan, or its next version (--org is the bureau making the plan)");
  AddCommon(p_file, ctx);
  p_file->add_option("--id", id, "plan id, e.g. P-320400-2026")->required();
  p_file->add_option("--year", year, "plan year")->required();
  p_file->add_option("--title", title, "title")->required();
  p_file->add_option("--filed-with", filed_with, "the level above it is filed with (org id)");
  p_file->add_option("--note", note, "what changed in this version");
  p_file->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      draw::PlanRecord p;
      p.plan_id = id;
      p.org_id = ctx.org;
      p.year = year;
      p.title = title;
      p.filed_with_org_id = filed_with;
      p.note = note;
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->FilePlan(p, ctx.actor()));
      const draw::PlanInfo& filed = *n.world().FindPlan(id);
      Out() << "filed plan " << id << " version " << filed.plan.version << " at entry " << seq
                << "\n";
      return OkStatus();
    });
  });
  auto* p_list = plan->add_subcommand("list", "list plans (latest versions)");
  AddCommon(p_list, ctx);
  p_list->add_flag("--json", json_out, "JSON");
  p_list->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, false));
      json all = json::array();
      SUIJI_RETURN_IF_ERROR(n.world().ForEachPlan("", 0, [&](const draw::PlanInfo& p) {
        const std::string& plan_id = p.plan.plan_id;
        json j = PlanJson(p);
        j["tasks"] = TasksOfPlan(n.world(), plan_id).size();
        if (json_out) {
          all.push_back(j);
          return true;
        }
        Out() << plan_id << "  " << p.plan.year << "  v" << p.plan.version << "  "
                  << p.plan.org_id << "  " << p.plan.title << "  ("
                  << j["tasks"].get<size_t>() << " tasks)\n";
        return true;
      }));
      if (json_out) Out() << all.dump(2) << "\n";
      return OkStatus();
    });
  });
  auto* p_show = plan->add_subcommand("show", "a plan's versions and its tasks");
  AddCommon(p_show, ctx);
  p_show->add_option("plan", id, "plan id")->required();
  p_show->add_flag("--json", json_out, "JSON");
  p_show->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, false));
      SUIJI_ASSIGN_OR_RETURN(auto versions, n.service->PlanVersions(id));
      if (versions.empty()) return NotFound("unknown plan \"" + id + "\"");
      const auto tasks = TasksOfPlan(n.world(), id);
      if (json_out) {
        json j = {{"plan_id", id}, {"versions", json::array()}, {"tasks", json::array()}};
        for (const auto& v : versions) j["versions"].push_back(PlanJson(v));
        for (const auto& t : tasks) j["tasks"].push_back(TaskInfoJson(n.world(), t));
        Out() << j.dump(2) << "\n";
        return OkStatus();
      }
      const draw::PlanRecord& latest = versions.back().plan;
      Out() << "plan " << id << "  " << latest.title << "\n"
                << "  org " << latest.org_id << ", year " << latest.year << ", filed with "
                << (latest.filed_with_org_id.empty() ? "-" : latest.filed_with_org_id) << "\n"
                << "versions:\n";
      for (const auto& v : versions) {
        Out() << "  v" << v.plan.version << "  entry " << v.sequence << "  " << v.plan.title
                  << (v.plan.note.empty() ? "" : "  (" + v.plan.note + ")") << "\n";
      }
      Out() << "tasks:" << (tasks.empty() ? " none" : "") << "\n";
      for (const auto& t : tasks) {
        Out() << "  " << t.task.task_id << "  " << t.task.title << "  "
                  << TaskState(n.world(), t) << "\n";
      }
      return OkStatus();
    });
  });

  // --- task ---
  auto* task = app.add_subcommand("task", "tasks of a plan (抽查任务): every rule a draw depends on");
  task->require_subcommand(1);
  auto* t_define = task->add_subcommand(
      "define", "define a task from a JSON file (keys: README.md, \"Task JSON\")");
  AddCommon(t_define, ctx);
  t_define->add_option("file", file, "the task as JSON")->required();
  t_define->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(TaskRecord t, ReadTaskFile(ctx.node().InputPath(file)));
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->DefineTask(t, ctx.actor()));
      Out() << "defined task " << t.task_id << " at entry " << seq << "; params hash "
                << Hex(draw::ParamsHash(n.world().FindTask(t.task_id)->payload)) << "\n";
      return OkStatus();
    });
  });
  auto* t_list = task->add_subcommand("list", "list tasks");
  AddCommon(t_list, ctx);
  t_list->add_flag("--json", json_out, "JSON");
  t_list->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, false));
      json all = json::array();
      SUIJI_RETURN_IF_ERROR(n.world().ForEachTask("", 0, [&](const draw::TaskInfo& t) {
        if (json_out) {
          all.push_back(TaskInfoJson(n.world(), t));
          return true;
        }
        Out() << t.task.task_id << "  " << t.task.plan_id << "  " << t.task.org_id << "  "
                  << t.task.title << "  " << TaskState(n.world(), t) << "  redrawn "
                  << t.redraws() << " times\n";
        return true;
      }));
      if (json_out) Out() << all.dump(2) << "\n";
      return OkStatus();
    });
  });
  auto* t_show = task->add_subcommand("show", "a task's parameters and draws");
  AddCommon(t_show, ctx);
  t_show->add_option("task", id, "task id")->required();
  t_show->add_flag("--json", json_out, "JSON");
  t_show->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, false));
      const draw::TaskInfo* t = n.world().FindTask(id);
      if (t == nullptr) return NotFound("unknown task \"" + id + "\"");
      if (json_out) {
        Out() << TaskInfoJson(n.world(), *t).dump(2) << "\n";
      } else {
        PrintTask(n.world(), *t);
      }
      return OkStatus();
    });
  });
  auto* t_withdraw = task->add_subcommand("withdraw", "withdraw a task that has no committed draw");
  AddCommon(t_withdraw, ctx);
  t_withdraw->add_option("task", id, "task id")->required();
  t_withdraw->add_option("--reason", reason, "why (published)")->required();
  t_withdraw->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->WithdrawTask(id, reason, ctx.actor()));
      Out() << "withdrew task " << id << " at entry " << seq << "\n";
      return OkStatus();
    });
  });

  // --- draw ---
  auto* drw = app.add_subcommand("draw", "the draw ceremony: freeze, commit, reveal (R9, R20)");
  drw->require_subcommand(1);

  auto* d_freeze = drw->add_subcommand("freeze", "freeze a task's eligible populations by hash");
  AddCommon(d_freeze, ctx);
  d_freeze->add_option("task", id, "task id")->required();
  d_freeze->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(FreezeResult r, n.service->Freeze(id, ctx.actor()));
      const draw::ExclusionCounts& x = r.excluded;
      Out() << "froze draw " << r.draw_id << " of task " << id << " at entry " << r.sequence
                << "\n";
      PrintRoots(r.freeze);
      PrintStrata(r.freeze.strata, nullptr);
      Out() << "  excluded:    " << x.out_of_scope << " out of scope, " << x.grade_a
                << " grade A (exempt), " << x.star << " star-exempt, " << x.max_per_year
                << " at the yearly maximum, " << x.repeat_item << " repeat item, "
                << x.directed_filter << " by the directed filter\n"
                << "next: suiji draw commit --data " << ctx.data << " " << r.draw_id
                << " --witness NAME ...\n";
      return OkStatus();
    });
  });

  static bool no_drand;
  static int64_t drand_delay;
  static std::string lottery_name, lottery_issue, lottery_time;
  static std::vector<std::string> witnesses;
  no_drand = false;
  drand_delay = EntropyPlan{}.drand_delay_seconds;
  lottery_name = lottery_issue = lottery_time = {};
  witnesses.clear();
  auto* d_commit = drw->add_subcommand(
      "commit", "commit the frozen draw: a secret's hash and the external entropy to come");
  AddCommon(d_commit, ctx);
  d_commit->add_option("draw", id, "draw id")->required();
  d_commit->add_flag("--no-drand", no_drand, "do not use the drand beacon");
  d_commit->add_option("--drand-delay", drand_delay,
                       "use the first drand round at least this many seconds after now")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  d_commit->add_option("--lottery-name", lottery_name, "a public lottery, e.g. 福彩3D");
  d_commit->add_option("--lottery-issue", lottery_issue, "its issue number, e.g. 2026320");
  d_commit->add_option("--lottery-time", lottery_time,
                       "its draw time, 'YYYY-MM-DD HH:MM' Beijing time (+08:00)");
  d_commit->add_option("--witness", witnesses, "a witness's name (repeat, in mixing order)")
      ->allow_extra_args(false);
  d_commit->add_option("--note", note, "a note stated in the commitment");
  d_commit->callback([&] {
    Run(ctx, [&]() -> Status {
      EntropyPlan e;
      e.drand = !no_drand;
      e.drand_delay_seconds = drand_delay;
      e.witnesses = witnesses;
      e.note = note;
      if (!lottery_name.empty() || !lottery_issue.empty() || !lottery_time.empty()) {
        if (lottery_name.empty() || lottery_issue.empty() || lottery_time.empty()) {
          return InvalidArgument(
              "a lottery needs all of --lottery-name, --lottery-issue and --lottery-time");
        }
        e.lottery_name = lottery_name;
        e.lottery_issue = lottery_issue;
        SUIJI_ASSIGN_OR_RETURN(e.lottery_time, ParseBeijingTime(lottery_time));
      }
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Commit(id, e, ctx.actor()));
      const DrawInfo* d = n.world().FindDraw(id);
      Out() << "committed draw " << id << " at entry " << seq << "\n";
      PrintCommitment(n.world(), *d);
      Out() << "the secret is kept in " << n.service->SecretPath(id).string()
                << " until the reveal\n";
      const CommitRecord& c = d->commit;
      std::vector<std::string> needs;
      int64_t after = 0;
      if (!c.drand_chain.empty()) {
        needs.push_back("--drand-randomness and --drand-signature of round " +
                        std::to_string(c.drand_round));
        after = c.drand_round_time;
      }
      if (!c.lottery_name.empty()) {
        needs.push_back("--lottery-digits of " + c.lottery_name + " " + c.lottery_issue);
        after = std::max(after, c.lottery_time);
      }
      if (!c.witnesses.empty()) {
        needs.push_back("--witness-digits from each of the " + std::to_string(c.witnesses.size()) +
                        " witnesses, in the order above");
      }
      Out() << "reveal" << (after > 0 ? " after " + Beijing(after) : std::string())
                << " with " << Join(needs, "; ") << "\n";
      return OkStatus();
    });
  });

  static std::string drand_randomness, drand_signature, lottery_digits;
  static std::vector<std::string> witness_digits;
  drand_randomness = drand_signature = lottery_digits = {};
  witness_digits.clear();
  auto* d_reveal = drw->add_subcommand(
      "reveal", "reveal the secret with the entropy, derive the seed and append the result");
  AddCommon(d_reveal, ctx);
  d_reveal->add_option("draw", id, "draw id")->required();
  d_reveal->add_option("--drand-randomness", drand_randomness,
                       "the committed round's randomness, 64 hex digits");
  d_reveal->add_option("--drand-signature", drand_signature,
                       "the round's signature, hex (its SHA-256 must be the randomness)");
  d_reveal->add_option("--lottery-digits", lottery_digits, "the lottery's published result");
  d_reveal->add_option("--witness-digits", witness_digits,
                       "each witness's digits, in the commitment's witness order (repeat)")
      ->allow_extra_args(false);
  d_reveal->add_option("--limit", limit, "visits shown (0: all)")->capture_default_str();
  d_reveal->add_flag("--json", json_out, "print the whole draw as JSON");
  d_reveal->callback([&] {
    Run(ctx, [&]() -> Status {
      RevealInputs in;
      if (!drand_randomness.empty()) {
        SUIJI_ASSIGN_OR_RETURN(in.drand_randomness,
                               HexOption("--drand-randomness", drand_randomness));
      }
      if (!drand_signature.empty()) {
        SUIJI_ASSIGN_OR_RETURN(in.drand_signature,
                               HexOption("--drand-signature", drand_signature));
      }
      in.lottery_digits = lottery_digits;
      in.witness_digits = witness_digits;
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_RETURN_IF_ERROR(FindDraw(n, id).status());
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Reveal(id, in, ctx.actor()));
      const DrawInfo* d = n.world().FindDraw(id);
      if (json_out) {
        Out() << DrawJson(n.world(), *d).dump(2) << "\n";
        return OkStatus();
      }
      Out() << "revealed draw " << id << " at entry " << seq << "; result at entries "
                << seq + 1 << ".." << seq + d->parts << "\n";
      PrintResult(n.world(), *d, limit);
      return OkStatus();
    });
  });

  auto* d_show = drw->add_subcommand("show", "a draw: phase, commitment, reveal, result");
  AddCommon(d_show, ctx);
  d_show->add_option("draw", id, "draw id")->required();
  d_show->add_option("--limit", limit, "visits shown (0: all)")->capture_default_str();
  d_show->add_flag("--json", json_out, "JSON (every visit)");
  d_show->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, false));
      SUIJI_ASSIGN_OR_RETURN(const DrawInfo* d, FindDraw(n, id));
      if (json_out) {
        Out() << DrawJson(n.world(), *d).dump(2) << "\n";
      } else {
        PrintDraw(n.world(), *d, limit);
      }
      return OkStatus();
    });
  });

  auto* d_frozen = drw->add_subcommand(
      "frozen", "the frozen lists as leaf lines (targets, inspectors, experts) and their roots");
  AddCommon(d_frozen, ctx);
  d_frozen->add_option("draw", id, "draw id")->required();
  d_frozen->add_option("--out", out, "write the lines here (default: standard output; the "
                                     "roots then go to standard error)");
  d_frozen->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, false));
      SUIJI_ASSIGN_OR_RETURN(const DrawInfo* d, FindDraw(n, id));
      SUIJI_ASSIGN_OR_RETURN(draw::FrozenInputs in, n.service->FrozenInputsOf(id));
      const draw::Population& pop = in.population;
      const std::string lines = draw::LeafLines(pop);
      const bool to_stdout = out.empty() || out == "-";
      if (to_stdout) {
        Out() << lines << std::flush;
      } else {
        std::ofstream f(out, std::ios::binary | std::ios::trunc);
        f << lines;
        if (!f) return Unavailable("cannot write " + out);
      }
      std::ostream& report = to_stdout ? Err() : Out();
      const draw::PopulationRoots roots = draw::RootsOf(pop);
      const draw::FreezeRecord& f = d->freeze;
      auto row = [&](std::string_view what, size_t count, const Hash& root, uint64_t frozen_count,
                     const Hash& frozen_root) {
        const bool same = count == frozen_count && root == frozen_root;
        report << what << count << " lines, root " << Hex(root)
               << (same ? "  matches the freeze" : "  DIFFERS from the freeze") << "\n";
        return same;
      };
      report << "draw " << id << ", frozen at entry " << d->freeze_sequence
             << (to_stdout ? "" : "; lines written to " + out) << "\n";
      bool ok = row("  targets:     ", pop.targets.size(), roots.targets, f.target_count,
                    f.target_root);
      ok = row("  inspectors:  ", pop.inspectors.size(), roots.inspectors, f.inspector_count,
               f.inspector_root) && ok;
      ok = row("  experts:     ", pop.experts.size(), roots.experts, f.expert_count,
               f.expert_root) && ok;
      if (!ok) {
        return DataLoss("the lists rebuilt from the log do not match the freeze of " + id);
      }
      return OkStatus();
    });
  });

  auto* d_cancel = drw->add_subcommand(
      "cancel", "cancel a draw with a public reason (the task may then be frozen again)");
  AddCommon(d_cancel, ctx);
  d_cancel->add_option("draw", id, "draw id")->required();
  d_cancel->add_option("--reason", reason, "why (published; a redraw is counted)")->required();
  d_cancel->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->Cancel(id, reason, ctx.actor()));
      const DrawInfo* d = n.world().FindDraw(id);
      Out() << "cancelled draw " << id << " at entry " << seq << " (it was "
                << draw::DrawPhaseName(d->phase_before_cancel) << ")\n";
      return OkStatus();
    });
  });

  auto* d_decline = drw->add_subcommand(
      "decline", "an inspector who cannot attend a visit: the next substitute replaces them");
  AddCommon(d_decline, ctx);
  d_decline->add_option("draw", id, "draw id")->required();
  d_decline->add_option("--target", target, "the visit's credit code")->required();
  d_decline->add_option("--inspector", inspector, "the inspector's certificate number")
      ->required();
  d_decline->add_option("--reason", reason, "why (recorded)")->required();
  d_decline->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(DrawNode n, OpenDraws(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq,
                             n.service->Decline(id, target, inspector, reason, ctx.actor()));
      const DrawInfo* d = n.world().FindDraw(id);
      const draw::DeclineRecord& rec = d->declines.back();
      Out() << "at entry " << seq << ": " << rec.inspector_id << " replaced by "
                << rec.replacement_id << " for " << rec.credit_code << "\n";
      for (const auto& v : d->visits) {
        if (v.credit_code == target) Out() << "team now: " << Join(v.team, ", ") << "\n";
      }
      return OkStatus();
    });
  });
}

json PlanToJson(const draw::PlanInfo& p) { return PlanJson(p); }
json TaskInfoToJson(const draw::DrawStore& w, const draw::TaskInfo& t) { return TaskInfoJson(w, t); }
json DrawToJson(const draw::DrawStore& w, const DrawInfo& d) { return DrawJson(w, d); }

}  // namespace suiji::cli
