#include "projections/public_projection.h"

#include <lmdb.h>

#include <algorithm>
#include <map>

#include "ledger/core/codes/region.h"
#include "ledger/core/directory/fold.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/inspection/public_record.h"
#include "ledger/core/inspection/records.h"
#include "projections/directory_projection.h"
#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using nlohmann::json;
using lmdb::U64Key;
using lmdb::U64Of;

constexpr std::string_view kWhat = "public projection";

struct Dbs {
  MDB_dbi meta, item_lists, plans, plan_ids, tasks, task_by_plan, task_state, draws, draw_state,
      visits, named, result_state, revisions, results, rows, index, draw_seqs;
};
using DbSpec = ProjectionDbSpec<Dbs>;
constexpr DbSpec kDbs[] = {
    {"pub_meta", &Dbs::meta},
    {"pub_item_lists", &Dbs::item_lists},
    {"pub_plans", &Dbs::plans},
    {"pub_plan_ids", &Dbs::plan_ids},
    {"pub_tasks", &Dbs::tasks},
    {"pub_task_by_plan", &Dbs::task_by_plan},
    {"pub_task_state", &Dbs::task_state},
    {"pub_draws", &Dbs::draws},
    {"pub_draw_state", &Dbs::draw_state},
    {"pub_visits", &Dbs::visits},
    {"pub_named", &Dbs::named},
    {"pub_result_state", &Dbs::result_state},
    {"pub_revisions", &Dbs::revisions},
    {"pub_results", &Dbs::results},
    {"pub_rows", &Dbs::rows},
    {"pub_index", &Dbs::index},
    {"pub_draw_seqs", &Dbs::draw_seqs},
};

std::string Hex(const Hash& h) { return ToHex(ByteView(h.data(), h.size())); }
std::string Hex(const Bytes& b) { return ToHex(ByteView(b.data(), b.size())); }

using lmdb::IdAndU32;
using lmdb::Join0;
// A row of pub_draw_seqs: the draw, then a public inspection event of it.
std::string DrawSeqKey(std::string_view draw_id, uint64_t seq) {
  return Join0(draw_id, U64Key(seq));
}

std::string RegionName(std::string_view code) {
  const codes::Region* r = codes::FindRegion(code);
  return r == nullptr ? std::string() : std::string(r->name);
}

// The characters (UTF-8 code points) of a text.
std::vector<std::string> Utf8Chars(std::string_view s) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    n = std::min(n, s.size() - i);
    chars.emplace_back(s.substr(i, n));
    i += n;
  }
  return chars;
}

std::string PhaseName(draw::DrawPhase p) { return std::string(draw::DrawPhaseName(p)); }

json StrataJson(const std::vector<draw::StratumCount>& strata) {
  json out = json::array();  // counts and quotas; weight totals are internal
  for (const auto& s : strata) out.push_back({{"key", s.key}, {"population", s.population}, {"quota", s.quota}});
  return out;
}

// One transaction's reads and writes of the folder, with a sticky error.
class Txn {
 public:
  Txn(MDB_txn* txn, const Dbs& d) : rows_(txn, kWhat), d_(d) {}
  lmdb::Rows& rows() { return rows_; }
  const Dbs& d() const { return d_; }

  std::optional<json> GetJson(MDB_dbi dbi, std::string_view key) {
    auto v = rows_.Get(dbi, key);
    if (!v) return std::nullopt;
    try {
      return json::parse(AsChars(*v));
    } catch (const json::exception& e) {
      rows_.Fail(DataLoss(std::string(kWhat) + ": a row does not parse (" + e.what() +
                          "); delete projections/ to rebuild it from the log"));
      return std::nullopt;
    }
  }
  void PutJson(MDB_dbi dbi, std::string_view key, const json& j) { rows_.Put(dbi, key, j.dump()); }
  void Put(MDB_dbi dbi, std::string_view key, std::string_view v) { rows_.Put(dbi, key, v); }

 private:
  lmdb::Rows rows_;
  const Dbs& d_;
};

// --- the fold --------------------------------------------------------------------------------

class PublicFolder final : public ProjectionFolder {
 public:
  explicit PublicFolder(const ProjectionFolder& directory) : directory_(directory) {}
  std::string_view name() const override { return "public"; }
  // 2: pub_draw_seqs, and the sequences result_state keeps until publication. 3: every rule
  // of a task in its notice; the employer index ("e", "w").
  uint32_t version() const override { return 3; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  Status Apply(MDB_txn* txn, const EntryView& e) override;
  void TransactionEnded() override {
    draw_tasks_.clear();
    index_keys_.clear();
    size_ = 0;
  }
  // Writes the transaction's index rows in key order (see index_keys_).
  Status BeforeCommit(MDB_txn* txn) override;

  const Dbs& dbs() const { return dbs_; }
  const ProjectionFolder& directory() const { return directory_; }

 private:
  Status ApplyEvent(Txn& t, const EntryView& e);
  // Sets the redraws and task_cancellations of every draw of a task (and its redraws).
  void RefreshTask(Txn& t, const std::string& task_id);
  // The live (not cancelled) draw of a task and its notice head, if any.
  std::optional<std::pair<std::string, json>> LiveDraw(Txn& t, const json& task_state);
  void CancelDraw(Txn& t, const std::string& draw_id, const std::string& reason, int64_t time_us);
  std::optional<json> DrawHead(Txn& t, const std::string& draw_id, uint64_t* seq = nullptr);
  // The name and region under which a draw first named an employer publicly (its row in
  // `named`, written now if it has none).
  json Name(Txn& t, MDB_txn* txn, const std::string& draw_id, const std::string& code);
  void IndexEmployer(const std::string& code, const std::string& name, const std::string& draw_id);
  // What a result shows of its draw's task (rows tasks and draws), or nullptr if the draw or
  // its task is unknown.
  struct DrawTask {
    std::string task_id, org, title;
    std::map<std::string, std::string> item_names;
  };
  const DrawTask* TaskOfDraw(Txn& t, const std::string& draw_id);

  const ProjectionFolder& directory_;
  Dbs dbs_{};
  // TaskOfDraw's answers in the current write transaction (a draw's task, and that task's
  // id, org, title and items, never change once written): each draw's rows are parsed once
  // per transaction, not once per published result. Dropped when the transaction ends.
  std::map<std::string, DrawTask, std::less<>> draw_tasks_;
  // The keys of the `index` rows (values empty) this transaction adds, written sorted just
  // before it commits: inserted in key order, one cursor walks the tree once instead of
  // once per key from the root. Nothing reads the index inside a write transaction.
  std::vector<std::string> index_keys_;
  // The log size after the transaction's last entry (pub_meta "size"), written at the commit.
  uint64_t size_ = 0;
};

Status PublicFolder::BeforeCommit(MDB_txn* txn) {
  if (size_ != 0) {
    const std::string size = U64Key(size_);
    MDB_val k = lmdb::Val(std::string_view("size")), v = lmdb::Val(std::string_view(size));
    if (int rc = mdb_put(txn, dbs_.meta, &k, &v, 0); rc != 0) return lmdb::Check(rc, kWhat, "put size");
    size_ = 0;
  }
  if (index_keys_.empty()) return OkStatus();
  std::sort(index_keys_.begin(), index_keys_.end());
  MDB_cursor* c = nullptr;
  if (int rc = mdb_cursor_open(txn, dbs_.index, &c); rc != 0) return lmdb::Check(rc, kWhat, "cursor");
  int rc = 0;
  for (const std::string& key : index_keys_) {
    MDB_val k = lmdb::Val(std::string_view(key)), v = lmdb::Val(std::string_view());
    if ((rc = mdb_cursor_put(c, &k, &v, 0)) != 0) break;
  }
  mdb_cursor_close(c);
  index_keys_.clear();
  return rc == 0 ? OkStatus() : lmdb::Check(rc, kWhat, "put index");
}

Status PublicFolder::Apply(MDB_txn* txn, const EntryView& e) {
  Txn t(txn, dbs_);
  // A folder is only ever built from the first entry (a new or changed folder empties the
  // projection), so the ledger's id is written once.
  if (e.sequence() == 0) t.Put(dbs_.meta, "ledger", e.ledger_id());
  // The size is written once per transaction, at its commit (BeforeCommit): nothing reads it
  // inside a write transaction.
  size_ = e.sequence() + 1;
  Status s = ApplyEvent(t, e);
  if (!s.ok()) {
    return FailedPrecondition("public projection: entry " + std::to_string(e.sequence()) + " (" +
                              std::string(EventTypeName(e.type())) + "): " + s.message());
  }
  return t.rows().status();
}

std::optional<json> PublicFolder::DrawHead(Txn& t, const std::string& draw_id, uint64_t* seq) {
  auto st = t.GetJson(dbs_.draw_state, draw_id);
  if (!st) return std::nullopt;
  const uint64_t s = (*st)["seq"].get<uint64_t>();
  if (seq != nullptr) *seq = s;
  return t.GetJson(dbs_.draws, U64Key(s));
}

std::optional<std::pair<std::string, json>> PublicFolder::LiveDraw(Txn& t, const json& task_state) {
  const json& ids = task_state["draws"];
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    const std::string id = it->get<std::string>();
    auto head = DrawHead(t, id);
    if (head && !(*head)["cancelled"].get<bool>()) return std::make_pair(id, std::move(*head));
  }
  return std::nullopt;
}

void PublicFolder::CancelDraw(Txn& t, const std::string& draw_id, const std::string& reason,
                              int64_t time_us) {
  uint64_t seq = 0;
  auto head = DrawHead(t, draw_id, &seq);
  if (!head) return;
  json& h = *head;
  h["phase_before_cancel"] = h["phase"];
  h["phase"] = PhaseName(draw::DrawPhase::kCancelled);
  h["cancelled"] = true;
  h["cancel_reason"] = reason;
  h["cancelled_date"] = inspection::ChinaDate(time_us);
  t.PutJson(dbs_.draws, U64Key(seq), h);
}

void PublicFolder::RefreshTask(Txn& t, const std::string& task_id) {
  auto st = t.GetJson(dbs_.task_state, task_id);
  if (!st) return;
  const uint32_t commits = (*st)["commits"].get<uint32_t>();
  const uint32_t redraws = commits > 0 ? commits - 1 : 0;
  std::vector<std::pair<uint64_t, json>> heads;
  json cancellations = json::array();
  for (const auto& id : (*st)["draws"]) {
    uint64_t seq = 0;
    auto head = DrawHead(t, id.get<std::string>(), &seq);
    if (!head) continue;
    if ((*head)["cancelled"].get<bool>()) {
      cancellations.push_back(
          {{"draw_id", id}, {"reason", (*head)["cancel_reason"]}, {"date", (*head)["cancelled_date"]}});
    }
    heads.emplace_back(seq, std::move(*head));
  }
  for (auto& [seq, h] : heads) {
    h["redraws"] = redraws;
    h["task_cancellations"] = cancellations;
    t.PutJson(dbs_.draws, U64Key(seq), h);
  }
  if (auto task = t.GetJson(dbs_.tasks, task_id)) {
    (*task)["redraws"] = redraws;
    t.PutJson(dbs_.tasks, task_id, *task);
  }
}

// An employer as it stands in the directory now, kept as the name under which a draw or a
// result first named it publicly (later renames do not rewrite what was published).
json PublicFolder::Name(Txn& t, MDB_txn* txn, const std::string& draw_id, const std::string& code) {
  const std::string key = Join0(draw_id, code);
  if (t.rows().Get(dbs_.named, key)) {
    return t.GetJson(dbs_.named, key).value_or(json{{"name", ""}, {"region", ""}});
  }
  auto dir = DirectoryStoreIn(txn, directory_);
  json n = {{"name", ""}, {"region", ""}};
  if (auto target = dir->GetTarget(code)) {
    n["name"] = target->name;
    n["region"] = target->region;
  }
  t.PutJson(dbs_.named, key, n);
  IndexEmployer(code, n["name"].get<std::string>(), draw_id);
  return n;
}

// The employer portal's index (the public search, PublicReader::Employers): every employer a
// draw or a result names publicly, by each character and pair of its name and by its code.
void PublicFolder::IndexEmployer(const std::string& code, const std::string& name, const std::string& draw_id) {
  for (const std::string& g : NameGrams(name)) index_keys_.push_back("e" + g + '\0' + code);
  index_keys_.push_back("w" + code + '\0' + draw_id);
}

// The names of a task's items by id, from its notice (an item the list lacks has no name).
std::map<std::string, std::string> ItemNamesOf(const json& task) {
  std::map<std::string, std::string> out;
  for (const auto& it : task["items"]) {
    const std::string name = it["name"].get<std::string>();
    if (!name.empty()) out[it["item_id"].get<std::string>()] = name;
  }
  return out;
}

const PublicFolder::DrawTask* PublicFolder::TaskOfDraw(Txn& t, const std::string& draw_id) {
  if (auto it = draw_tasks_.find(draw_id); it != draw_tasks_.end()) return &it->second;
  auto dst = t.GetJson(dbs_.draw_state, draw_id);
  if (!dst) return nullptr;
  auto head = t.GetJson(dbs_.draws, U64Key((*dst)["seq"].get<uint64_t>()));
  if (!head) return nullptr;
  auto task = t.GetJson(dbs_.tasks, (*head)["task_id"].get<std::string>());
  if (!task) return nullptr;
  DrawTask out{(*task)["task_id"].get<std::string>(), (*task)["org_id"].get<std::string>(),
               (*task)["title"].get<std::string>(), ItemNamesOf(*task)};
  return &draw_tasks_.emplace(draw_id, std::move(out)).first->second;
}

// Adds the index keys of published result `pub` to `out` (written at the commit).
void IndexResult(std::vector<std::string>& out, uint64_t pub, const json& r) {
  const std::string seq = U64Key(pub);
  auto put = [&](std::string key) {
    key += seq;
    out.push_back(std::move(key));
  };
  put("c" + r["credit_code"].get<std::string>() + '\0');
  for (const std::string& g : NameGrams(r["employer_name"].get<std::string>())) put("n" + g + '\0');
  put("r" + r["region"].get<std::string>() + '\0');
  put("t" + r["task_id"].get<std::string>() + '\0');
  put("d" + r["published_date"].get<std::string>());
}

// The event types ApplyEvent folds (its switch's cases; every other type is ignored).
bool FoldsPublic(EventType type) {
  switch (type) {
    case EventType::ItemListPublished:
    case EventType::PlanFiled:
    case EventType::TaskDefined:
    case EventType::TaskWithdrawn:
    case EventType::DrawFrozen:
    case EventType::DrawCommitted:
    case EventType::DrawRevealed:
    case EventType::DrawResult:
    case EventType::DrawCancelled:
    case EventType::TargetsAnnounced:
    case EventType::ResultRecorded:
    case EventType::ResultPublished:
    case EventType::ResultCorrected:
    case EventType::CaseTransferred:
    case EventType::CreditReevaluated: return true;
    default: return false;
  }
}

Status PublicFolder::ApplyEvent(Txn& t, const EntryView& e) {
  MDB_txn* txn = t.rows().txn();
  const ByteView p = e.payload();
  const uint64_t seq = e.sequence();
  const int64_t time_us = e.event->time_us();
  // Most entries (the directory's) are none of the public record's: no date for them.
  if (!FoldsPublic(e.type())) return OkStatus();
  const std::string date = inspection::ChinaDate(time_us);
  switch (e.type()) {
    case EventType::ItemListPublished: {
      SUIJI_ASSIGN_OR_RETURN(directory::ItemListRecord l, directory::DecodeItemList(p));
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
      t.PutJson(dbs_.item_lists, IdAndU32(l.org_id, l.version),
                {{"org_id", l.org_id},
                 {"org_name", ""},
                 {"version", l.version},
                 {"effective_date", l.effective_date},
                 {"published_date", date},
                 {"note", l.note},
                 {"items", items}});
      return OkStatus();
    }
    case EventType::PlanFiled: {
      SUIJI_ASSIGN_OR_RETURN(draw::PlanRecord plan, draw::DecodePlan(p));
      t.PutJson(dbs_.plans, U64Key(seq),
                {{"plan_id", plan.plan_id},
                 {"version", plan.version},
                 {"org_id", plan.org_id},
                 {"org_name", ""},
                 {"year", plan.year},
                 {"title", plan.title},
                 {"filed_with_org_id", plan.filed_with_org_id},
                 {"note", plan.note},
                 {"filed_date", date}});
      t.Put(dbs_.plan_ids, Join0(plan.plan_id, U64Key(seq)), "");
      return OkStatus();
    }
    case EventType::TaskDefined: {
      SUIJI_ASSIGN_OR_RETURN(draw::TaskRecord task, draw::DecodeTask(p));
      auto list = t.GetJson(dbs_.item_lists, IdAndU32(task.org_id, task.item_list_version));
      // The org name is resolved when read (as PublicRecord does); no redraw, not withdrawn yet.
      json j = inspection::TaskNoticeJson(
          task,
          [&](const std::string& item_id) {
            std::string name;
            if (list) {
              for (const auto& it : (*list)["items"]) {
                if (it["item_id"] == item_id) name = it["name"].get<std::string>();
              }
            }
            return name;
          },
          "", date, 0, false);
      t.PutJson(dbs_.tasks, task.task_id, j);
      t.Put(dbs_.task_by_plan, Join0(task.plan_id, task.task_id), "");
      t.PutJson(dbs_.task_state, task.task_id, {{"commits", 0}, {"draws", json::array()}});
      return OkStatus();
    }
    case EventType::TaskWithdrawn: {
      SUIJI_ASSIGN_OR_RETURN(draw::TaskWithdrawal w, draw::DecodeTaskWithdrawn(p));
      auto task = t.GetJson(dbs_.tasks, w.task_id);
      auto st = t.GetJson(dbs_.task_state, w.task_id);
      if (!task || !st) return FailedPrecondition("withdrawal of unknown task " + w.task_id);
      (*task)["withdrawn"] = true;
      (*task)["withdrawn_date"] = date;
      (*task)["withdrawal_reason"] = w.reason;
      t.PutJson(dbs_.tasks, w.task_id, *task);
      if (auto live = LiveDraw(t, *st); live && live->second["phase"] == PhaseName(draw::DrawPhase::kFrozen)) {
        CancelDraw(t, live->first, "task withdrawn: " + w.reason, time_us);
      }
      RefreshTask(t, w.task_id);
      return OkStatus();
    }
    case EventType::DrawFrozen: {
      SUIJI_ASSIGN_OR_RETURN(draw::FreezeRecord f, draw::DecodeFreeze(p));
      auto st = t.GetJson(dbs_.task_state, f.task_id);
      if (!st) return FailedPrecondition("freeze of unknown task " + f.task_id);
      if (auto live = LiveDraw(t, *st); live && live->second["phase"] == PhaseName(draw::DrawPhase::kFrozen)) {
        CancelDraw(t, live->first, "superseded by freeze " + f.draw_id, time_us);
      }
      json head = {
          {"draw_id", f.draw_id},
          {"task_id", f.task_id},
          {"phase", PhaseName(draw::DrawPhase::kFrozen)},
          {"cancelled", false},
          {"frozen_date", date},
          {"committed_date", ""},
          {"revealed_date", ""},
          {"frozen_time", inspection::ChinaTime(time_us)},
          {"committed_time", ""},
          {"revealed_time", ""},
          {"population",
           {{"targets", {{"count", f.target_count}, {"root", Hex(f.target_root)}}},
            {"inspectors", {{"count", f.inspector_count}, {"root", Hex(f.inspector_root)}}},
            {"experts", {{"count", f.expert_count}, {"root", Hex(f.expert_root)}}}}},
          {"drawn_date", ""},
          {"strata", StrataJson(f.strata)},
          {"commitment", nullptr},
          {"reveal", nullptr},
          {"selected", 0},
          {"redraws", 0},
          {"task_cancellations", json::array()},
          {"announcement", nullptr},
          {"targets_shown", "published_results"},
          {"targets", json::array()}};
      t.PutJson(dbs_.draws, U64Key(seq), head);
      t.PutJson(dbs_.draw_state, f.draw_id,
                {{"seq", seq}, {"parts", 0}, {"parts_seen", 0}, {"visits", 0}, {"all", false}});
      (*st)["draws"].push_back(f.draw_id);
      t.PutJson(dbs_.task_state, f.task_id, *st);
      RefreshTask(t, f.task_id);
      return OkStatus();
    }
    case EventType::DrawCommitted: {
      SUIJI_ASSIGN_OR_RETURN(draw::CommitRecord c, draw::DecodeCommit(p));
      uint64_t at = 0;
      auto head = DrawHead(t, c.draw_id, &at);
      if (!head) return FailedPrecondition("commit of unknown draw " + c.draw_id);
      json& h = *head;
      h["phase"] = PhaseName(draw::DrawPhase::kCommitted);
      h["committed_date"] = date;
      h["committed_time"] = inspection::ChinaTime(time_us);
      json commitment = {{"hash", Hex(draw::CommitmentHash(p))},
                         {"params_hash", Hex(c.params_hash)},
                         {"secret_hash", Hex(c.secret_hash)},
                         {"algorithm", c.algorithm},
                         {"freeze_sequence", c.freeze_sequence},
                         {"witnesses", c.witnesses},
                         {"note", c.note}};
      commitment["drand"] = c.drand_chain.empty() ? json(nullptr)
                                                  : json{{"chain", c.drand_chain},
                                                         {"round", c.drand_round},
                                                         {"round_time", c.drand_round_time}};
      commitment["lottery"] = c.lottery_name.empty() ? json(nullptr)
                                                     : json{{"name", c.lottery_name},
                                                            {"issue", c.lottery_issue},
                                                            {"time", c.lottery_time}};
      h["commitment"] = commitment;
      t.PutJson(dbs_.draws, U64Key(at), h);
      const std::string task_id = h["task_id"].get<std::string>();
      auto st = t.GetJson(dbs_.task_state, task_id);
      if (!st) return FailedPrecondition("commit of a draw of unknown task " + task_id);
      (*st)["commits"] = (*st)["commits"].get<uint32_t>() + 1;
      t.PutJson(dbs_.task_state, task_id, *st);
      RefreshTask(t, task_id);
      return OkStatus();
    }
    case EventType::DrawRevealed: {
      SUIJI_ASSIGN_OR_RETURN(draw::RevealRecord r, draw::DecodeReveal(p));
      uint64_t at = 0;
      auto head = DrawHead(t, r.draw_id, &at);
      if (!head) return FailedPrecondition("reveal of unknown draw " + r.draw_id);
      json& h = *head;
      const json& c = h["commitment"];
      const json witnesses = c.is_object() ? c["witnesses"] : json::array();
      json witness_digits = json::array();
      for (size_t i = 0; i < r.witness_digits.size(); ++i) {
        witness_digits.push_back(
            {{"witness", i < witnesses.size() ? witnesses[i].get<std::string>() : std::string()},
             {"digits", r.witness_digits[i]}});
      }
      const bool drand = c.is_object() && c["drand"].is_object();
      h["phase"] = PhaseName(draw::DrawPhase::kRevealed);
      h["revealed_date"] = date;
      h["revealed_time"] = inspection::ChinaTime(time_us);
      h["reveal"] = {{"secret", Hex(r.secret)},
                     {"seed", Hex(r.seed)},
                     {"drand", drand ? json{{"randomness", Hex(r.drand_randomness)},
                                            {"signature", Hex(r.drand_signature)}}
                                     : json(nullptr)},
                     {"lottery_digits", r.lottery_digits},
                     {"witness_digits", witness_digits}};
      t.PutJson(dbs_.draws, U64Key(at), h);
      return OkStatus();
    }
    case EventType::DrawResult: {
      SUIJI_ASSIGN_OR_RETURN(draw::ResultPart part, draw::DecodeResultPart(p));
      auto st = t.GetJson(dbs_.draw_state, part.draw_id);
      if (!st) return FailedPrecondition("result of unknown draw " + part.draw_id);
      uint64_t at = (*st)["seq"].get<uint64_t>();
      auto head = t.GetJson(dbs_.draws, U64Key(at));
      if (!head) return FailedPrecondition("result of unknown draw " + part.draw_id);
      uint32_t visits = (*st)["visits"].get<uint32_t>();
      for (const auto& v : part.visits) {
        json row = {{"c", v.credit_code}};
        if (!v.merged_into.empty()) row["m"] = v.merged_into;
        t.PutJson(dbs_.visits, IdAndU32(part.draw_id, visits++), row);
      }
      const uint32_t seen = (*st)["parts_seen"].get<uint32_t>() + 1;
      (*st)["parts_seen"] = seen;
      (*st)["parts"] = part.parts;
      (*st)["visits"] = visits;
      t.PutJson(dbs_.draw_state, part.draw_id, *st);
      json& h = *head;
      if (part.part == 0 && !part.strata.empty()) h["strata"] = StrataJson(part.strata);
      h["selected"] = visits;
      if (seen == part.parts) {
        h["phase"] = PhaseName(draw::DrawPhase::kResulted);
        h["drawn_date"] = date;
      }
      t.PutJson(dbs_.draws, U64Key(at), h);
      return OkStatus();
    }
    case EventType::DrawCancelled: {
      SUIJI_ASSIGN_OR_RETURN(draw::CancelRecord c, draw::DecodeCancel(p));
      auto head = DrawHead(t, c.draw_id);
      if (!head) return FailedPrecondition("cancellation of unknown draw " + c.draw_id);
      CancelDraw(t, c.draw_id, c.reason, time_us);
      RefreshTask(t, (*head)["task_id"].get<std::string>());
      return OkStatus();
    }
    case EventType::TargetsAnnounced: {
      SUIJI_ASSIGN_OR_RETURN(inspection::AnnouncementRecord a, inspection::DecodeAnnouncement(p));
      auto st = t.GetJson(dbs_.draw_state, a.draw_id);
      if (!st) return FailedPrecondition("announcement of unknown draw " + a.draw_id);
      const uint64_t at = (*st)["seq"].get<uint64_t>();
      auto head = t.GetJson(dbs_.draws, U64Key(at));
      if (!head) return FailedPrecondition("announcement of unknown draw " + a.draw_id);
      (*head)["announcement"] = {{"confirmed_date", a.confirmed_date},
                                 {"announced_date", date},
                                 {"publish_targets", a.publish_targets},
                                 {"withheld_reason", a.withheld_reason},
                                 {"note", a.note}};
      (*head)["targets_shown"] = a.publish_targets ? "all" : "published_results";
      t.PutJson(dbs_.draws, U64Key(at), *head);
      (*st)["all"] = a.publish_targets;
      t.PutJson(dbs_.draw_state, a.draw_id, *st);
      t.Put(dbs_.draw_seqs, DrawSeqKey(a.draw_id, seq), "");
      if (a.publish_targets) {
        std::vector<std::string> codes;
        Status scan = lmdb::Scan(txn, dbs_.visits, a.draw_id + '\0', false, [&](std::string_view, ByteView v) {
          try {
            codes.push_back(json::parse(AsChars(v))["c"].get<std::string>());
          } catch (const json::exception& ex) {
            t.rows().Fail(DataLoss(std::string(kWhat) + ": a visit row does not parse (" + ex.what() +
                                   "); delete projections/ to rebuild it from the log"));
            return false;
          }
          return true;
        });
        SUIJI_RETURN_IF_ERROR(scan);
        SUIJI_RETURN_IF_ERROR(t.rows().status());
        for (const auto& code : codes) (void)Name(t, txn, a.draw_id, code);
      }
      return OkStatus();
    }
    case EventType::ResultRecorded: {
      SUIJI_ASSIGN_OR_RETURN(inspection::ResultRecord r, inspection::DecodeResult(p));
      t.Put(dbs_.revisions, IdAndU32(Join0(r.draw_id, r.credit_code), r.revision), AsChars(p));
      const std::string key = Join0(r.draw_id, r.credit_code);
      // Until publication the state also keeps the sequence of each revision ("recs") and of
      // each transfer ("tseq"): the published one's and the transfers are public events of
      // the draw (pub_draw_seqs) once it is published.
      json state = t.GetJson(dbs_.result_state, key).value_or(json{{"pub", 0}, {"transfers", json::array()}});
      state["recs"][std::to_string(r.revision)] = seq;
      t.PutJson(dbs_.result_state, key, state);
      return OkStatus();
    }
    case EventType::ResultPublished: {
      SUIJI_ASSIGN_OR_RETURN(inspection::ResultStepRecord s, inspection::DecodeStep(p));
      const std::string key = Join0(s.draw_id, s.credit_code);
      auto state = t.GetJson(dbs_.result_state, key);
      auto payload = t.rows().Get(dbs_.revisions, IdAndU32(key, s.revision));
      if (!state || !payload) {
        return FailedPrecondition("publication of revision " + std::to_string(s.revision) +
                                  ", never recorded, of " + s.credit_code + " in draw " + s.draw_id);
      }
      SUIJI_ASSIGN_OR_RETURN(inspection::ResultRecord original, inspection::DecodeResult(*payload));
      const json named = Name(t, txn, s.draw_id, s.credit_code);
      static const DrawTask kNoTask;
      const DrawTask* task = TaskOfDraw(t, s.draw_id);
      const DrawTask& of = task != nullptr ? *task : kNoTask;
      const auto& names = of.item_names;
      const std::string& org = of.org;
      const std::string& title = of.title;
      json content = inspection::ContentJson(original, names);
      json r = {{"draw_id", s.draw_id},
                {"task_id", of.task_id},
                {"task", title},
                {"credit_code", s.credit_code},
                {"employer_name", named["name"]},
                {"region", named["region"]},
                {"inspecting_body_id", org},
                {"inspecting_body", ""},
                {"inspection_date", original.inspection_date},
                {"published_date", s.date},
                {"revision", s.revision},
                {"items", content["items"]},
                {"evidence", content["evidence"]},
                {"corrections", json::array()},
                {"transfers", (*state)["transfers"]},
                {"credit_reevaluations", json::array()}};
      t.PutJson(dbs_.results, U64Key(seq), r);
      t.PutJson(dbs_.rows, U64Key(seq),
                {{"org", org},
                 {"cells",
                  {s.credit_code, named["name"], "", title, original.inspection_date,
                   inspection::OutcomeCell(original, names), inspection::HandlingCell(original), s.date,
                   ""}}});
      IndexResult(index_keys_, seq, r);
      const std::string rev = std::to_string(s.revision);
      if (state->contains("recs") && (*state)["recs"].contains(rev)) {
        t.Put(dbs_.draw_seqs, DrawSeqKey(s.draw_id, (*state)["recs"][rev].get<uint64_t>()), "");
      }
      t.Put(dbs_.draw_seqs, DrawSeqKey(s.draw_id, seq), "");
      for (const json& ts : state->value("tseq", json::array())) {
        t.Put(dbs_.draw_seqs, DrawSeqKey(s.draw_id, ts.get<uint64_t>()), "");
      }
      t.PutJson(dbs_.result_state, key, {{"pub", seq}, {"transfers", json::array()}});
      // The drafts are internal and no longer needed.
      std::vector<std::string> drafts;
      SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, dbs_.revisions, key + '\0', false,
                                       [&](std::string_view k, ByteView) {
                                         drafts.emplace_back(k);
                                         return true;
                                       }));
      for (const auto& k : drafts) t.rows().Del(dbs_.revisions, k);
      return OkStatus();
    }
    case EventType::ResultCorrected: {
      SUIJI_ASSIGN_OR_RETURN(inspection::CorrectionRecord c, inspection::DecodeCorrection(p));
      const std::string key = Join0(c.result.draw_id, c.result.credit_code);
      auto state = t.GetJson(dbs_.result_state, key);
      const uint64_t pub = state ? (*state)["pub"].get<uint64_t>() : 0;
      auto r = pub == 0 ? std::nullopt : t.GetJson(dbs_.results, U64Key(pub));
      auto row = pub == 0 ? std::nullopt : t.GetJson(dbs_.rows, U64Key(pub));
      if (!r || !row) return FailedPrecondition("correction of an unpublished result of " + c.result.credit_code);
      const DrawTask* task = TaskOfDraw(t, c.result.draw_id);
      const auto names = task != nullptr ? task->item_names : std::map<std::string, std::string>();
      (*r)["corrections"].push_back({{"correction", c.correction},
                                     {"reason", c.reason},
                                     {"date", date},
                                     {"result", inspection::ContentJson(c.result, names)}});
      (*row)["cells"][8] = "更正" + std::to_string(c.correction) + "：" + c.reason + "（更正日期：" + date +
                           "；更正后检查结果：" + inspection::OutcomeCell(c.result, names) +
                           "；更正后处理情况：" + inspection::HandlingCell(c.result) + "）";
      t.PutJson(dbs_.results, U64Key(pub), *r);
      t.PutJson(dbs_.rows, U64Key(pub), *row);
      t.Put(dbs_.draw_seqs, DrawSeqKey(c.result.draw_id, seq), "");
      return OkStatus();
    }
    case EventType::CaseTransferred: {
      SUIJI_ASSIGN_OR_RETURN(inspection::TransferRecord tr, inspection::DecodeTransfer(p));
      const std::string key = Join0(tr.draw_id, tr.credit_code);
      auto state = t.GetJson(dbs_.result_state, key);
      if (!state) return FailedPrecondition("transfer of an unknown result of " + tr.credit_code);
      const json transfer = {{"kind", std::string(inspection::TransferKindKey(tr.kind))},
                             {"to_body", tr.to_body},
                             {"date", tr.date}};
      const uint64_t pub = (*state)["pub"].get<uint64_t>();
      if (pub == 0) {  // shown once the result is published
        (*state)["transfers"].push_back(transfer);
        (*state)["tseq"].push_back(seq);
        t.PutJson(dbs_.result_state, key, *state);
        return OkStatus();
      }
      auto r = t.GetJson(dbs_.results, U64Key(pub));
      if (!r) return FailedPrecondition("transfer of a result without its row: " + tr.credit_code);
      (*r)["transfers"].push_back(transfer);
      t.PutJson(dbs_.results, U64Key(pub), *r);
      t.Put(dbs_.draw_seqs, DrawSeqKey(tr.draw_id, seq), "");
      return OkStatus();
    }
    case EventType::CreditReevaluated: {
      SUIJI_ASSIGN_OR_RETURN(inspection::ReevaluationRecord ev, inspection::DecodeReevaluation(p));
      auto state = t.GetJson(dbs_.result_state, Join0(ev.draw_id, ev.credit_code));
      const uint64_t pub = state ? (*state)["pub"].get<uint64_t>() : 0;
      auto r = pub == 0 ? std::nullopt : t.GetJson(dbs_.results, U64Key(pub));
      if (!r) return FailedPrecondition("re-evaluation after an unpublished result of " + ev.credit_code);
      (*r)["credit_reevaluations"].push_back({{"grade", ev.grade}, {"grade_date", ev.grade_date}, {"date", date}});
      t.PutJson(dbs_.results, U64Key(pub), *r);
      t.Put(dbs_.draw_seqs, DrawSeqKey(ev.draw_id, seq), "");
      return OkStatus();
    }
    default: return OkStatus();
  }
}

}  // namespace

std::unique_ptr<ProjectionFolder> NewPublicFolder(const ProjectionFolder& directory) {
  return std::make_unique<PublicFolder>(directory);
}

std::vector<std::string> NameGrams(std::string_view name) {
  const std::vector<std::string> chars = Utf8Chars(name);
  std::vector<std::string> out;
  for (size_t i = 0; i < chars.size(); ++i) {
    out.push_back(chars[i]);
    if (i + 1 < chars.size()) out.push_back(chars[i] + chars[i + 1]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// --- reads -----------------------------------------------------------------------------------

struct PublicReader::Impl {
  std::shared_ptr<const LmdbProjection> projection;
  const PublicFolder* folder = nullptr;
  MDB_txn* txn = nullptr;
  std::unique_ptr<directory::DirectoryStore> dir;
  std::map<std::string, std::string, std::less<>> org_names;

  const Dbs& d() const { return folder->dbs(); }

  ~Impl() {
    dir.reset();
    if (txn != nullptr) mdb_txn_abort(txn);
  }

  const std::string& OrgName(const std::string& id) {
    auto it = org_names.find(id);
    if (it != org_names.end()) return it->second;
    auto org = dir->GetOrg(id);
    return org_names.emplace(id, org ? org->name : std::string()).first->second;
  }

  StatusOr<json> Parse(ByteView v) const {
    try {
      return json::parse(AsChars(v));
    } catch (const json::exception& e) {
      return DataLoss(std::string(kWhat) + ": a row does not parse (" + e.what() +
                      "); delete projections/ to rebuild it from the log");
    }
  }
  StatusOr<std::optional<json>> Get(MDB_dbi dbi, std::string_view key) {
    if (key.empty() || key.size() > 511) return std::optional<json>();
    MDB_val k = lmdb::Val(key), v{};
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) return std::optional<json>();
    SUIJI_RETURN_IF_ERROR(lmdb::Check(rc, kWhat, "get"));
    SUIJI_ASSIGN_OR_RETURN(json j, Parse(lmdb::BytesOf(v)));
    return std::optional<json>(std::move(j));
  }

  // A stored notice as published: org names resolved as they stand now.
  json Resolve(json j) {
    if (j.contains("org_name")) j["org_name"] = OrgName(j["org_id"].get<std::string>());
    if (j.contains("inspecting_body")) j["inspecting_body"] = OrgName(j["inspecting_body_id"].get<std::string>());
    return j;
  }

  // Scans `dbi` from `start` while keys have `prefix`, parsing values; fn returns false to stop.
  Status ForEach(MDB_dbi dbi, std::string_view prefix, std::string_view start,
                 const std::function<bool(std::string_view, json)>& fn) {
    Status err;
    SUIJI_RETURN_IF_ERROR(lmdb::ScanFrom(txn, dbi, prefix, start, [&](std::string_view k, ByteView v) {
      auto j = Parse(v);
      if (!j.ok()) {
        err = j.status();
        return false;
      }
      return fn(k, std::move(*j));
    }));
    return err;
  }

  // The targets a draw notice names (Notices' draw "targets").
  StatusOr<json> Targets(const std::string& draw_id) {
    SUIJI_ASSIGN_OR_RETURN(auto st, Get(d().draw_state, draw_id));
    json out = json::array();
    if (!st) return out;
    const bool all = (*st)["all"].get<bool>();
    Status inner;
    SUIJI_RETURN_IF_ERROR(ForEach(d().visits, draw_id + '\0', "", [&](std::string_view, json v) {
      const std::string code = v["c"].get<std::string>();
      const std::string key = Join0(draw_id, code);
      if (!all) {
        auto rs = Get(d().result_state, key);
        if (!rs.ok()) {
          inner = rs.status();
          return false;
        }
        if (!*rs || (**rs)["pub"].get<uint64_t>() == 0) return true;
      }
      auto named = Get(d().named, key);
      if (!named.ok()) {
        inner = named.status();
        return false;
      }
      std::string name, region;
      if (*named) {
        name = (**named)["name"].get<std::string>();
        region = (**named)["region"].get<std::string>();
      } else if (auto target = dir->GetTarget(code)) {
        name = target->name;
        region = target->region;
      }
      json t = {{"credit_code", code}, {"name", name}, {"region", region}, {"region_name", RegionName(region)}};
      if (v.contains("m")) t["merged_into"] = v["m"];
      out.push_back(std::move(t));
      return true;
    }));
    SUIJI_RETURN_IF_ERROR(inner);
    return out;
  }

};

PublicReader::~PublicReader() = default;

StatusOr<std::unique_ptr<PublicReader>> PublicReader::Begin(std::shared_ptr<const LmdbProjection> projection) {
  const auto* folder = dynamic_cast<const PublicFolder*>(projection->folder("public"));
  if (folder == nullptr) return FailedPrecondition("the projections have no public folder");
  std::unique_ptr<PublicReader> r(new PublicReader());
  r->impl_ = std::make_unique<Impl>();
  Impl& in = *r->impl_;
  in.projection = std::move(projection);
  in.folder = folder;
  SUIJI_RETURN_IF_ERROR(lmdb::Check(mdb_txn_begin(in.projection->env(), nullptr, MDB_RDONLY, &in.txn), kWhat,
                                    "begin read transaction"));
  in.dir = DirectoryStoreIn(in.txn, folder->directory());
  MDB_val k = lmdb::Val(std::string_view("size")), v{};
  if (int rc = mdb_get(in.txn, folder->dbs().meta, &k, &v); rc == 0) {
    r->size_ = U64Of(lmdb::View(v));
  } else if (rc != MDB_NOTFOUND) {
    return lmdb::Check(rc, kWhat, "get");
  }
  k = lmdb::Val(std::string_view("ledger"));
  if (int rc = mdb_get(in.txn, folder->dbs().meta, &k, &v); rc == 0) {
    r->ledger_ = std::string(lmdb::View(v));
  } else if (rc != MDB_NOTFOUND) {
    return lmdb::Check(rc, kWhat, "get");
  }
  return r;
}

namespace {

// Gathers small pieces into writes of about 64 KiB.
class Buffered {
 public:
  explicit Buffered(const Sink& out) : out_(out) {}
  bool Write(std::string_view s) {
    buf_.append(s);
    if (buf_.size() < 64 * 1024) return true;
    return Flush();
  }
  bool Flush() {
    if (buf_.empty()) return ok_;
    ok_ = ok_ && out_(buf_);
    buf_.clear();
    return ok_;
  }
  bool ok() const { return ok_; }

 private:
  const Sink& out_;
  std::string buf_;
  bool ok_ = true;
};

Status Gone() { return Unavailable("the receiver of the stream went away"); }

}  // namespace

namespace {

// JSON text as nlohmann's dump() or, `pretty`, dump(2), written member by member: the members
// in sorted order (as nlohmann keeps them), an array's rows one by one.
class JsonWriter {
 public:
  JsonWriter(Buffered& out, bool pretty) : out_(out), pretty_(pretty) { out_.Write("{"); }
  void Key(std::string_view name) {
    out_.Write(first_ ? "" : ",");
    first_ = false;
    if (pretty_) out_.Write("\n  ");
    out_.Write(json(std::string(name)).dump());
    out_.Write(pretty_ ? ": " : ":");
  }
  void Value(const json& v) { out_.Write(Shift(pretty_ ? v.dump(2) : v.dump(), 2)); }
  void BeginRows() {
    out_.Write("[");
    rows_ = 0;
  }
  bool Row(const json& row) {
    out_.Write(rows_++ > 0 ? "," : "");
    if (pretty_) out_.Write("\n    ");
    return out_.Write(Shift(pretty_ ? row.dump(2) : row.dump(), 4));
  }
  void EndRows() { out_.Write(pretty_ && rows_ > 0 ? "\n  ]" : "]"); }
  bool End() {
    out_.Write(pretty_ && !first_ ? "\n}" : "}");
    return out_.Flush();
  }

 private:
  std::string Shift(std::string text, size_t n) const {
    if (!pretty_) return text;
    std::string out;
    for (char ch : text) {
      out.push_back(ch);
      if (ch == '\n') out.append(n, ' ');
    }
    return out;
  }
  Buffered& out_;
  bool pretty_;
  bool first_ = true;
  size_t rows_ = 0;
};

}  // namespace

Status PublicReader::WriteNotices(const Sink& sink, bool pretty) {
  Impl& in = *impl_;
  Buffered out(sink);
  JsonWriter w(out, pretty);
  Status err;
  auto rows = [&](std::string_view name, MDB_dbi dbi, bool draws) -> Status {
    w.Key(name);
    w.BeginRows();
    SUIJI_RETURN_IF_ERROR(in.ForEach(dbi, "", "", [&](std::string_view, json j) {
      if (draws) {
        auto targets = in.Targets(j["draw_id"].get<std::string>());
        if (!targets.ok()) {
          err = targets.status();
          return false;
        }
        j["targets"] = std::move(*targets);
        return w.Row(j);
      }
      return w.Row(in.Resolve(std::move(j)));
    }));
    SUIJI_RETURN_IF_ERROR(err);
    w.EndRows();
    return out.ok() ? OkStatus() : Gone();
  };
  // The members in nlohmann's (sorted) order, so the text is Notices().dump() byte for byte.
  SUIJI_RETURN_IF_ERROR(rows("draws", in.d().draws, true));
  w.Key("format");
  w.Value("suiji-public/1");
  SUIJI_RETURN_IF_ERROR(rows("item_lists", in.d().item_lists, false));
  w.Key("ledger_id");
  w.Value(ledger_);
  w.Key("log_size");
  w.Value(size_);
  SUIJI_RETURN_IF_ERROR(rows("plans", in.d().plans, false));
  SUIJI_RETURN_IF_ERROR(rows("results", in.d().results, false));
  SUIJI_RETURN_IF_ERROR(rows("tasks", in.d().tasks, false));
  return w.End() ? OkStatus() : Gone();
}

namespace {

// The credit-publicity cells of a stored row, 检查机关 resolved.
template <typename Resolve>
std::vector<std::string> Cells(const json& row, Resolve org_name) {
  std::vector<std::string> cells;
  for (const auto& c : row["cells"]) cells.push_back(c.get<std::string>());
  if (cells.size() > 2) cells[2] = row["org"].get<std::string>().empty() ? "" : org_name(row["org"].get<std::string>());
  return cells;
}

}  // namespace

Status PublicReader::WriteCsv(const Sink& sink) {
  Impl& in = *impl_;
  Buffered out(sink);
  auto line = [&](const auto& cells) {
    std::string s;
    bool first = true;
    for (const auto& c : cells) {
      if (!first) s += ',';
      first = false;
      s += inspection::CsvCell(c);
    }
    s += "\r\n";
    return out.Write(s);
  };
  out.Write("\xEF\xBB\xBF");
  line(inspection::kCreditPublicityColumns);
  SUIJI_RETURN_IF_ERROR(in.ForEach(in.d().rows, "", "", [&](std::string_view, json row) {
    return line(Cells(row, [&](const std::string& id) { return in.OrgName(id); }));
  }));
  return out.Flush() ? OkStatus() : Gone();
}

Status PublicReader::WriteCreditJson(const Sink& sink, bool pretty) {
  Impl& in = *impl_;
  Buffered out(sink);
  JsonWriter w(out, pretty);
  json columns = json::array();
  for (auto c : inspection::kCreditPublicityColumns) columns.push_back(std::string(c));
  w.Key("columns");
  w.Value(columns);
  w.Key("format");
  w.Value("suiji-credit-publicity/1");
  w.Key("rows");
  w.BeginRows();
  SUIJI_RETURN_IF_ERROR(in.ForEach(in.d().rows, "", "", [&](std::string_view, json row) {
    const auto cells = Cells(row, [&](const std::string& id) { return in.OrgName(id); });
    json j = json::object();
    for (size_t i = 0; i < cells.size() && i < std::size(inspection::kCreditPublicityColumns); ++i) {
      j[std::string(inspection::kCreditPublicityColumns[i])] = cells[i];
    }
    return w.Row(j);
  }));
  w.EndRows();
  return w.End() ? OkStatus() : Gone();
}

namespace {

// Cursors: a letter naming the index a page was read from, then the hex of its last key.
std::string MakeCursor(char index, std::string_view key) { return std::string(1, index) + ToHex(AsBytes(key)); }

// The key to continue from (just after the cursor's), or `first` without a cursor.
StatusOr<std::string> ReadCursor(std::string_view cursor, char index, std::string_view prefix,
                                 std::string_view first = {}) {
  if (cursor.empty()) return std::string(first);
  if (cursor[0] != index) return InvalidArgument("cursor: not a cursor of this query");
  auto b = FromHex(cursor.substr(1));
  if (!b.ok()) return InvalidArgument("cursor: malformed");
  std::string key(AsChars(ByteView(b->data(), b->size())));
  if (key.substr(0, prefix.size()) != prefix) return InvalidArgument("cursor: not a cursor of this query");
  key.push_back('\0');  // the smallest key after it
  return key;
}

enum class Take { kSkip, kTake, kStop };

// One page over the keys of `dbi` under `prefix`, from the cursor (or `first`): `take` reads a
// row and says whether it belongs to the page (kStop: no later row does). Looks one row ahead,
// so the last page has no next_cursor.
constexpr size_t kMaxExaminedPerPage = 20000;

Status PageOver(MDB_txn* txn, MDB_dbi dbi, char index, std::string_view prefix, std::string_view first,
                size_t limit, std::string_view cursor,
                const std::function<StatusOr<Take>(std::string_view key, ByteView value, json* row)>& take,
                Page* page) {
  if (limit == 0 || limit > kMaxPageLimit) {
    return InvalidArgument("limit: 1 to " + std::to_string(kMaxPageLimit));
  }
  SUIJI_ASSIGN_OR_RETURN(std::string start, ReadCursor(cursor, index, prefix, first));
  Status err;
  std::string last;
  bool more = false;
  // Rows a page may look at: a filter that matches little (a rare name under a common first
  // character pair, a region with no results) ends the page early, with a cursor after the
  // last row looked at, instead of scanning a whole index for one request.
  size_t examined = 0;
  SUIJI_RETURN_IF_ERROR(lmdb::ScanFrom(txn, dbi, prefix, start, [&](std::string_view k, ByteView v) {
    if (examined++ == kMaxExaminedPerPage) {
      more = true;
      return false;
    }
    json row;
    auto t = take(k, v, &row);
    if (!t.ok()) {
      err = t.status();
      return false;
    }
    if (*t == Take::kStop) return false;
    if (*t == Take::kSkip) {
      last = std::string(k);
      return true;
    }
    if (page->items.size() == limit) {
      more = true;
      return false;
    }
    page->items.push_back(std::move(row));
    last = std::string(k);
    return true;
  }));
  SUIJI_RETURN_IF_ERROR(err);
  page->next_cursor = more ? MakeCursor(index, last) : std::string();
  return OkStatus();
}

// A row's value as JSON (a take callback's helper).
StatusOr<json> ParseRow(ByteView v) {
  try {
    return json::parse(AsChars(v));
  } catch (const json::exception& e) {
    return DataLoss(std::string(kWhat) + ": a row does not parse (" + e.what() +
                    "); delete projections/ to rebuild it from the log");
  }
}

}  // namespace

StatusOr<std::vector<json>> PublicReader::ItemLists() {
  std::vector<json> out;
  SUIJI_RETURN_IF_ERROR(impl_->ForEach(impl_->d().item_lists, "", "", [&](std::string_view, json j) {
    out.push_back(impl_->Resolve(std::move(j)));
    return true;
  }));
  return out;
}

StatusOr<Page> PublicReader::Plans(size_t limit, std::string_view cursor) {
  Page page;
  SUIJI_RETURN_IF_ERROR(PageOver(impl_->txn, impl_->d().plans, 'p', "", "", limit, cursor,
                                 [&](std::string_view, ByteView v, json* row) -> StatusOr<Take> {
                                   SUIJI_ASSIGN_OR_RETURN(json j, ParseRow(v));
                                   *row = impl_->Resolve(std::move(j));
                                   return Take::kTake;
                                 },
                                 &page));
  return page;
}

StatusOr<std::vector<json>> PublicReader::PlanVersions(std::string_view plan_id) {
  std::vector<std::string> seqs;
  SUIJI_RETURN_IF_ERROR(lmdb::Scan(impl_->txn, impl_->d().plan_ids, std::string(plan_id) + '\0', false,
                                   [&](std::string_view k, ByteView) {
                                     seqs.emplace_back(k.substr(plan_id.size() + 1));
                                     return true;
                                   }));
  std::vector<json> out;
  for (const auto& s : seqs) {
    SUIJI_ASSIGN_OR_RETURN(auto j, impl_->Get(impl_->d().plans, s));
    if (j) out.push_back(impl_->Resolve(std::move(*j)));
  }
  return out;
}

StatusOr<Page> PublicReader::Tasks(std::string_view plan_id, size_t limit, std::string_view cursor) {
  Page page;
  if (plan_id.empty()) {
    SUIJI_RETURN_IF_ERROR(PageOver(impl_->txn, impl_->d().tasks, 't', "", "", limit, cursor,
                                   [&](std::string_view, ByteView v, json* row) -> StatusOr<Take> {
                                     SUIJI_ASSIGN_OR_RETURN(json j, ParseRow(v));
                                     *row = impl_->Resolve(std::move(j));
                                     return Take::kTake;
                                   },
                                   &page));
    return page;
  }
  const std::string prefix = std::string(plan_id) + '\0';
  SUIJI_RETURN_IF_ERROR(PageOver(impl_->txn, impl_->d().task_by_plan, 'q', prefix, "", limit, cursor,
                                 [&](std::string_view k, ByteView, json* row) -> StatusOr<Take> {
                                   SUIJI_ASSIGN_OR_RETURN(auto j, impl_->Get(impl_->d().tasks, k.substr(prefix.size())));
                                   if (!j) return Take::kSkip;
                                   *row = impl_->Resolve(std::move(*j));
                                   return Take::kTake;
                                 },
                                 &page));
  return page;
}

StatusOr<std::optional<json>> PublicReader::Task(std::string_view task_id) {
  SUIJI_ASSIGN_OR_RETURN(auto j, impl_->Get(impl_->d().tasks, task_id));
  if (!j) return std::optional<json>();
  return std::optional<json>(impl_->Resolve(std::move(*j)));
}

StatusOr<std::vector<json>> PublicReader::DrawsOfTask(std::string_view task_id) {
  std::vector<json> out;
  SUIJI_ASSIGN_OR_RETURN(auto st, impl_->Get(impl_->d().task_state, task_id));
  if (!st) return out;
  for (const auto& id : (*st)["draws"]) {
    SUIJI_ASSIGN_OR_RETURN(auto ds, impl_->Get(impl_->d().draw_state, id.get<std::string>()));
    if (!ds) continue;
    SUIJI_ASSIGN_OR_RETURN(auto head, impl_->Get(impl_->d().draws, U64Key((*ds)["seq"].get<uint64_t>())));
    if (head) {
      head->erase("targets");
      out.push_back(std::move(*head));
    }
  }
  return out;
}

StatusOr<std::vector<json>> PublicReader::DrawHeads() {
  std::vector<json> out;
  SUIJI_RETURN_IF_ERROR(impl_->ForEach(impl_->d().draws, "", "", [&](std::string_view, json j) {
    j.erase("targets");
    out.push_back(std::move(j));
    return true;
  }));
  return out;
}

StatusOr<std::vector<json>> PublicReader::AllTasks() {
  std::vector<json> out;
  SUIJI_RETURN_IF_ERROR(impl_->ForEach(impl_->d().tasks, "", "", [&](std::string_view, json j) {
    out.push_back(impl_->Resolve(std::move(j)));
    return true;
  }));
  return out;
}

StatusOr<std::optional<json>> PublicReader::Draw(std::string_view draw_id) {
  SUIJI_ASSIGN_OR_RETURN(auto ds, impl_->Get(impl_->d().draw_state, draw_id));
  if (!ds) return std::optional<json>();
  SUIJI_ASSIGN_OR_RETURN(auto head, impl_->Get(impl_->d().draws, U64Key((*ds)["seq"].get<uint64_t>())));
  if (!head) return std::optional<json>();
  SUIJI_ASSIGN_OR_RETURN(json targets, impl_->Targets(std::string(draw_id)));
  (*head)["targets"] = std::move(targets);
  return head;
}

StatusOr<std::vector<uint64_t>> PublicReader::PublicSequencesOfDraw(std::string_view draw_id) {
  std::vector<uint64_t> out;
  const std::string prefix = std::string(draw_id) + '\0';
  SUIJI_RETURN_IF_ERROR(
      lmdb::Scan(impl_->txn, impl_->d().draw_seqs, prefix, false, [&](std::string_view k, ByteView) {
        if (k.size() == prefix.size() + 8) out.push_back(U64Of(k.substr(prefix.size())));
        return true;
      }));
  return out;
}

StatusOr<std::optional<json>> PublicReader::ItemList(std::string_view org_id, uint32_t version) {
  SUIJI_ASSIGN_OR_RETURN(auto j, impl_->Get(impl_->d().item_lists, IdAndU32(org_id, version)));
  if (!j) return std::optional<json>();
  return std::optional<json>(impl_->Resolve(std::move(*j)));
}

StatusOr<Page> PublicReader::Employers(std::string_view query, size_t limit, std::string_view cursor) {
  Impl& in = *impl_;
  // One employer: its draws (the "w" rows), each with the name it published and its task.
  auto employer = [&](const std::string& code) -> StatusOr<std::optional<json>> {
    std::vector<std::string> draw_ids;
    const std::string prefix = "w" + code + '\0';
    SUIJI_RETURN_IF_ERROR(lmdb::Scan(in.txn, in.d().index, prefix, false, [&](std::string_view k, ByteView) {
      draw_ids.emplace_back(k.substr(prefix.size()));
      return true;
    }));
    if (draw_ids.empty()) return std::optional<json>();
    json draws = json::array();
    json out = {{"credit_code", code}, {"name", ""}, {"region", ""}, {"region_name", ""}};
    std::vector<std::pair<uint64_t, json>> ordered;
    for (const auto& id : draw_ids) {
      SUIJI_ASSIGN_OR_RETURN(auto named, in.Get(in.d().named, Join0(id, code)));
      SUIJI_ASSIGN_OR_RETURN(auto ds, in.Get(in.d().draw_state, id));
      if (!named || !ds) continue;
      const uint64_t seq = (*ds)["seq"].get<uint64_t>();
      SUIJI_ASSIGN_OR_RETURN(auto head, in.Get(in.d().draws, U64Key(seq)));
      if (!head) continue;
      SUIJI_ASSIGN_OR_RETURN(auto task, in.Get(in.d().tasks, (*head)["task_id"].get<std::string>()));
      const json& a = (*head)["announcement"];
      json d = {{"draw_id", id},
                {"task_id", (*head)["task_id"]},
                {"task", task ? (*task)["title"] : json("")},
                {"inspecting_body", task ? json(in.OrgName((*task)["org_id"].get<std::string>())) : json("")},
                {"phase", (*head)["phase"]},
                {"cancelled", (*head)["cancelled"]},
                {"drawn_date", (*head)["drawn_date"]},
                {"announced_date", a.is_object() ? a["announced_date"] : json("")},
                {"name", (*named)["name"]}};
      ordered.emplace_back(seq, std::move(d));
      out["name"] = (*named)["name"];
      out["region"] = (*named)["region"];
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [seq, d] : ordered) draws.push_back(std::move(d));
    if (!ordered.empty()) out["name"] = draws.back()["name"];
    out["region_name"] = RegionName(out["region"].get<std::string>());
    out["draws"] = std::move(draws);
    return std::optional<json>(std::move(out));
  };
  Page page;
  if (limit == 0 || limit > kMaxPageLimit) return InvalidArgument("limit: 1 to " + std::to_string(kMaxPageLimit));
  if (query.empty()) return page;
  // A credit code: that employer alone.
  if (cursor.empty()) {
    SUIJI_ASSIGN_OR_RETURN(auto exact, employer(std::string(query)));
    if (exact) {
      page.items.push_back(std::move(*exact));
      return page;
    }
  }
  const std::vector<std::string> chars = Utf8Chars(query);
  const std::string prefix = "e" + chars[0] + (chars.size() > 1 ? chars[1] : std::string()) + '\0';
  SUIJI_RETURN_IF_ERROR(PageOver(
      in.txn, in.d().index, 'e', prefix, "", limit, cursor,
      [&](std::string_view k, ByteView, json* row) -> StatusOr<Take> {
        SUIJI_ASSIGN_OR_RETURN(auto e, employer(std::string(k.substr(prefix.size()))));
        if (!e) return Take::kSkip;
        // The whole query must be part of a name the employer was published under.
        bool any = false;
        for (const auto& d : (*e)["draws"]) any = any || d["name"].get<std::string>().find(query) != std::string::npos;
        if (!any) return Take::kSkip;
        *row = std::move(*e);
        return Take::kTake;
      },
      &page));
  return page;
}

StatusOr<Page> PublicReader::Results(const ResultQuery& q) {
  Impl& in = *impl_;
  for (const std::string* d : {&q.from, &q.to}) {
    if (!d->empty() && (d->size() != 10 || (*d)[4] != '-' || (*d)[7] != '-')) {
      return InvalidArgument("from/to: a date YYYY-MM-DD, not \"" + *d + "\"");
    }
  }
  // The index that answers the query: the most selective filter given; the others are
  // checked on each row it yields.
  char index = 'a';
  std::string prefix, first;
  MDB_dbi dbi = in.d().index;
  if (!q.code.empty()) {
    index = 'c';
    prefix = "c" + q.code + '\0';
  } else if (!q.name.empty()) {
    // One character: its own entries; more: those of its first two characters.
    const std::vector<std::string> chars = Utf8Chars(q.name);
    index = 'n';
    prefix = "n" + chars[0] + (chars.size() > 1 ? chars[1] : std::string()) + '\0';
  } else if (!q.task.empty()) {
    index = 't';
    prefix = "t" + q.task + '\0';
  } else if (!q.region.empty()) {
    index = 'r';
    prefix = "r" + RegionPrefix(q.region);
  } else if (!q.from.empty() || !q.to.empty()) {
    index = 'd';
    prefix = "d";
    first = "d" + q.from;  // below every key of that day
  } else {
    dbi = in.d().results;
  }
  const std::string region = q.region.empty() ? std::string() : RegionPrefix(q.region);
  auto matches = [&](const json& r) {
    if (!q.code.empty() && r["credit_code"] != q.code) return false;
    if (!q.name.empty() && r["employer_name"].get<std::string>().find(q.name) == std::string::npos) return false;
    if (!q.task.empty() && r["task_id"] != q.task) return false;
    if (!region.empty() && !r["region"].get<std::string>().starts_with(region)) return false;
    const std::string date = r["published_date"].get<std::string>();
    if (!q.from.empty() && date < q.from) return false;
    if (!q.to.empty() && date > q.to) return false;
    return true;
  };
  Page page;
  SUIJI_RETURN_IF_ERROR(PageOver(
      in.txn, dbi, index, prefix, first, q.limit, q.cursor,
      [&](std::string_view k, ByteView v, json* row) -> StatusOr<Take> {
        json r;
        if (index == 'a') {
          SUIJI_ASSIGN_OR_RETURN(r, ParseRow(v));
        } else {
          if (index == 'd' && !q.to.empty() && k.substr(1, 10) > q.to) return Take::kStop;
          if (k.size() < 8) return Take::kSkip;
          SUIJI_ASSIGN_OR_RETURN(auto found, in.Get(in.d().results, k.substr(k.size() - 8)));
          if (!found) return Take::kSkip;
          r = std::move(*found);
        }
        if (!matches(r)) return Take::kSkip;
        *row = in.Resolve(std::move(r));
        return Take::kTake;
      },
      &page));
  return page;
}

}  // namespace suiji
