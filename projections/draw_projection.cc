#include "projections/draw_projection.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <set>

#include "projections/directory_projection.h"
#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using draw::DrawInfo;
using draw::DrawPhase;
using draw::PastVisit;
using draw::PlanInfo;
using draw::TaskInfo;
using draw::VisitRecord;

constexpr std::string_view kWhat = "draws projection";

// --- the row codec: lmdb::RowWriter / RowReader (fixed-width big-endian integers,
// u32-length-prefixed strings) ---

using Out = lmdb::RowWriter;
using In = lmdb::RowReader;

Status Corrupt(std::string_view what, std::string_view key) {
  return DataLoss(std::string(kWhat) + ": unreadable " + std::string(what) + " row " +
                  std::string(key) + "; delete projections/ to rebuild it from the log");
}

std::string PlanRow(const PlanInfo& p) {
  Out o;
  o.U64(p.sequence);
  o.Blob(draw::EncodePlan(p.plan));
  return o.str();
}
std::optional<PlanInfo> DecodePlanRow(ByteView b) {
  In in(b);
  PlanInfo p;
  p.sequence = in.U64();
  ByteView payload = in.Blob();
  if (!in.ok()) return std::nullopt;
  auto plan = draw::DecodePlan(payload);
  if (!plan.ok()) return std::nullopt;
  p.plan = std::move(*plan);
  return p;
}

std::string TaskRow(const TaskInfo& t) {
  Out o;
  o.U64(t.sequence);
  o.U64(t.last_sequence);
  o.U32(t.year);
  o.U8(t.withdrawn ? 1 : 0);
  o.Strs(t.draw_ids);
  o.U32(t.commits);
  o.U32(t.cancelled_commits);
  o.Blob(t.payload);
  return o.str();
}
std::optional<TaskInfo> DecodeTaskRow(ByteView b) {
  In in(b);
  TaskInfo t;
  t.sequence = in.U64();
  t.last_sequence = in.U64();
  t.year = static_cast<uint16_t>(in.U32());
  t.withdrawn = in.U8() != 0;
  t.draw_ids = in.Strs();
  t.commits = in.U32();
  t.cancelled_commits = in.U32();
  ByteView payload = in.Blob();
  if (!in.ok()) return std::nullopt;
  auto task = draw::DecodeTask(payload);
  if (!task.ok()) return std::nullopt;
  t.task = std::move(*task);
  t.payload.assign(payload.begin(), payload.end());
  return t;
}

void PutStrata(Out& o, const std::vector<draw::StratumCount>& strata) {
  o.U32(static_cast<uint32_t>(strata.size()));
  for (const auto& s : strata) {
    o.Str(s.key);
    o.U64(s.population);
    o.U64(s.weight_total);
    o.U64(s.quota);
  }
}
std::vector<draw::StratumCount> GetStrata(In& in) {
  std::vector<draw::StratumCount> v(in.Count());
  for (auto& s : v) {
    s.key = in.Str();
    s.population = in.U64();
    s.weight_total = in.U64();
    s.quota = in.U64();
  }
  return v;
}

// The draw without its visits (they have rows of their own), and how many it has.
std::string DrawRow(const DrawInfo& d) {
  Out o;
  o.Str(d.draw_id);
  o.Str(d.task_id);
  o.U8(static_cast<uint8_t>(d.phase));
  o.U8(static_cast<uint8_t>(d.phase_before_cancel));
  o.U64(d.freeze_sequence);
  o.I64(d.freeze_time_us);
  o.U64(d.commit_sequence);
  o.I64(d.commit_time_us);
  o.U64(d.reveal_sequence);
  o.I64(d.reveal_time_us);
  o.U64(d.cancel_sequence);
  o.Blob(draw::EncodeFreeze(d.freeze));
  o.Blob(d.commit_sequence != 0 ? draw::EncodeCommit(d.commit) : Bytes{});
  o.H(d.commitment);
  o.Blob(d.reveal_sequence != 0 ? draw::EncodeReveal(d.reveal) : Bytes{});
  o.U32(d.parts_seen);
  o.U32(d.parts);
  PutStrata(o, d.result_strata);
  o.U32(static_cast<uint32_t>(d.declines.size()));
  for (const auto& x : d.declines) {
    o.Str(x.draw_id);
    o.Str(x.credit_code);
    o.Str(x.inspector_id);
    o.Str(x.reason);
    o.Str(x.replacement_id);
  }
  o.Str(d.cancel_reason);
  o.U32(static_cast<uint32_t>(d.visits.size()));
  return o.str();
}
// Fills everything but the visits; returns how many visits the draw has.
std::optional<uint32_t> DecodeDrawRow(ByteView b, DrawInfo& d) {
  In in(b);
  d.draw_id = in.Str();
  d.task_id = in.Str();
  const uint8_t phase = in.U8(), before = in.U8();
  if (phase > static_cast<uint8_t>(DrawPhase::kCancelled) ||
      before > static_cast<uint8_t>(DrawPhase::kCancelled)) {
    return std::nullopt;
  }
  d.phase = static_cast<DrawPhase>(phase);
  d.phase_before_cancel = static_cast<DrawPhase>(before);
  d.freeze_sequence = in.U64();
  d.freeze_time_us = in.I64();
  d.commit_sequence = in.U64();
  d.commit_time_us = in.I64();
  d.reveal_sequence = in.U64();
  d.reveal_time_us = in.I64();
  d.cancel_sequence = in.U64();
  ByteView freeze = in.Blob(), commit = in.Blob();
  d.commitment = in.H();
  ByteView reveal = in.Blob();
  d.parts_seen = in.U32();
  d.parts = in.U32();
  d.result_strata = GetStrata(in);
  d.declines.resize(in.Count());
  for (auto& x : d.declines) {
    x.draw_id = in.Str();
    x.credit_code = in.Str();
    x.inspector_id = in.Str();
    x.reason = in.Str();
    x.replacement_id = in.Str();
  }
  d.cancel_reason = in.Str();
  const uint32_t visits = in.U32();
  if (!in.ok()) return std::nullopt;
  auto f = draw::DecodeFreeze(freeze);
  if (!f.ok()) return std::nullopt;
  d.freeze = std::move(*f);
  if (d.commit_sequence != 0) {
    auto c = draw::DecodeCommit(commit);
    if (!c.ok()) return std::nullopt;
    d.commit = std::move(*c);
  }
  if (d.reveal_sequence != 0) {
    auto r = draw::DecodeReveal(reveal);
    if (!r.ok()) return std::nullopt;
    d.reveal = std::move(*r);
  }
  return visits;
}

std::string VisitRow(const VisitRecord& v) {
  Out o;
  o.Str(v.credit_code);
  o.Str(v.stratum);
  o.U32(v.weight);
  o.U64(v.rank_key);
  o.U32(v.order);
  o.U32(v.batch);
  o.Strs(v.team);
  o.Strs(v.experts);
  o.Strs(v.substitutes);
  o.Str(v.merged_into);
  return o.str();
}
std::optional<VisitRecord> DecodeVisitRow(ByteView b) {
  In in(b);
  VisitRecord v;
  v.credit_code = in.Str();
  v.stratum = in.Str();
  v.weight = in.U32();
  v.rank_key = in.U64();
  v.order = in.U32();
  v.batch = in.U32();
  v.team = in.Strs();
  v.experts = in.Strs();
  v.substitutes = in.Strs();
  v.merged_into = in.Str();
  if (!in.ok()) return std::nullopt;
  return v;
}

std::string HistoryRow(const std::vector<PastVisit>& h) {
  Out o;
  o.U32(static_cast<uint32_t>(h.size()));
  for (const auto& v : h) {
    o.Str(v.draw_id);
    o.Str(v.task_id);
    o.U32(v.year);
    o.Str(v.window_start);
    o.Str(v.window_end);
    o.Strs(v.items);
    o.Strs(v.team);
    o.Str(v.merged_into);
  }
  return o.str();
}
std::optional<std::vector<PastVisit>> DecodeHistoryRow(ByteView b) {
  In in(b);
  std::vector<PastVisit> h(in.Count());
  for (auto& v : h) {
    v.draw_id = in.Str();
    v.task_id = in.Str();
    v.year = static_cast<uint16_t>(in.U32());
    v.window_start = in.Str();
    v.window_end = in.Str();
    v.items = in.Strs();
    v.team = in.Strs();
    v.merged_into = in.Str();
  }
  if (!in.ok()) return std::nullopt;
  return h;
}

using lmdb::IdAndU32;

struct Dbs {
  MDB_dbi plans, plan_versions, tasks, draws, draw_visits, visit_history, merged;
  MDB_dbi frozen, frozen_targets, frozen_inspectors;
};
using DbSpec = ProjectionDbSpec<Dbs>;
constexpr DbSpec kDbs[] = {
    {"plans", &Dbs::plans, 0},
    {"plan_versions", &Dbs::plan_versions, 0},
    {"tasks", &Dbs::tasks, 0},
    {"draws", &Dbs::draws, 0},
    {"draw_visits", &Dbs::draw_visits, 0},
    {"visit_history", &Dbs::visit_history, 0},
    {"merged", &Dbs::merged, MDB_DUPSORT},
    {"frozen", &Dbs::frozen, 0},
    {"frozen_targets", &Dbs::frozen_targets, 0},
    {"frozen_inspectors", &Dbs::frozen_inspectors, 0},
};

// --- the frozen inputs of each draw, stored when its DrawFrozen entry is applied ---

std::string IdKey(std::string_view id, std::string_view rest) { return lmdb::Join0(id, rest); }

// frozen: task id, the conflicts, the target / inspector / expert counts, the mismatch.
std::string FrozenHeaderRow(std::string_view task_id, const draw::FrozenInputs& in,
                            std::string_view mismatch) {
  Out o;
  o.Str(task_id);
  o.U32(static_cast<uint32_t>(in.population.targets.size()));
  o.U32(static_cast<uint32_t>(in.population.inspectors.size()));
  o.U32(static_cast<uint32_t>(in.population.experts.size()));
  o.U32(static_cast<uint32_t>(in.conflicts.size()));
  for (const auto& [inspector, code] : in.conflicts) {
    o.Str(inspector);
    o.Str(code);
  }
  o.Str(mismatch);
  return o.str();
}
struct FrozenHeader {
  std::string task_id;
  uint32_t targets = 0, inspectors = 0, experts = 0;
  std::set<std::pair<std::string, std::string>> conflicts;
  std::string mismatch;
};
std::optional<FrozenHeader> DecodeFrozenHeader(ByteView b) {
  In in(b);
  FrozenHeader h;
  h.task_id = in.Str();
  h.targets = in.U32();
  h.inspectors = in.U32();
  h.experts = in.U32();
  const uint32_t n = in.Count();
  for (uint32_t i = 0; i < n; ++i) {
    std::string inspector = in.Str();
    std::string code = in.Str();
    h.conflicts.emplace(std::move(inspector), std::move(code));
  }
  h.mismatch = in.Str();
  if (!in.ok()) return std::nullopt;
  return h;
}

// frozen_targets: position in the population, stratum, weight, merge_into, the previous team
// (flag + ids) and the attributes at the freeze (flag found + region, industry, grade).
std::string FrozenTargetRow(uint32_t position, const draw::EligibleTarget& t,
                            const std::vector<std::string>* previous_team,
                            const std::optional<directory::TargetRecord>& rec) {
  Out o;
  o.U32(position);
  o.Str(t.stratum);
  o.U32(t.weight);
  o.Str(t.merge_into);
  o.U8(previous_team != nullptr ? 1 : 0);
  o.Strs(previous_team != nullptr ? *previous_team : std::vector<std::string>{});
  o.U8(rec ? 1 : 0);
  o.Str(rec ? std::string_view(rec->region) : std::string_view());
  o.Str(rec ? std::string_view(rec->industry) : std::string_view());
  o.Str(rec ? std::string_view(rec->credit_grade) : std::string_view());
  return o.str();
}
std::optional<FrozenTarget> DecodeFrozenTargetRow(std::string_view code, ByteView b) {
  In in(b);
  FrozenTarget t;
  t.position = in.U32();
  t.target.credit_code = std::string(code);
  t.target.stratum = in.Str();
  t.target.weight = in.U32();
  t.target.merge_into = in.Str();
  t.has_previous_team = in.U8() != 0;
  t.previous_team = in.Strs();
  t.in_directory = in.U8() != 0;
  t.region = in.Str();
  t.industry = in.Str();
  t.grade = in.Str();
  if (!in.ok()) return std::nullopt;
  return t;
}

std::string FrozenPersonKey(std::string_view draw_id, char kind, uint32_t position) {
  std::string k = IdKey(draw_id, std::string_view(&kind, 1));
  lmdb::AppendU32(k, position);
  return k;
}
std::string FrozenPersonRow(const draw::EligibleInspector& i) {
  Out o;
  o.Str(i.inspector_id);
  o.U8(i.specialist ? 1 : 0);
  return o.str();
}
std::optional<draw::EligibleInspector> DecodeFrozenPersonRow(ByteView b) {
  In in(b);
  draw::EligibleInspector i;
  i.inspector_id = in.Str();
  i.specialist = in.U8() != 0;
  if (!in.ok()) return std::nullopt;
  return i;
}

// How the recomputed population disagrees with what the freeze states ("" when it agrees).
std::string FreezeMismatch(const draw::FreezeRecord& f, const draw::Population& pop) {
  if (pop.targets.size() != f.target_count) {
    return "the freeze states " + std::to_string(f.target_count) +
           " eligible targets; recomputed at its position: " + std::to_string(pop.targets.size());
  }
  std::map<std::string, uint64_t, std::less<>> by_stratum;
  for (const auto& t : pop.targets) ++by_stratum[t.stratum];
  for (const auto& s : f.strata) {
    auto it = by_stratum.find(s.key);
    const uint64_t n = it == by_stratum.end() ? 0 : it->second;
    if (n != s.population) {
      return "stratum " + s.key + ": the freeze states " + std::to_string(s.population) +
             " targets; recomputed: " + std::to_string(n);
    }
  }
  return {};
}

// Stores the inputs of draw f.draw_id recomputed in `store` (the state just before its
// DrawFrozen entry, with the directory at the entry's position).
Status StoreFrozen(lmdb::Rows& rows, const Dbs& d, const draw::DrawStore& store,
                   const draw::FreezeRecord& f, const draw::FrozenInputs& in) {
  const std::string& id = f.draw_id;
  if (id.empty() || id.size() > 400) return OkStatus();  // a key LMDB cannot hold: refold
  const directory::DirectoryReader& dir = store.directory();
  const auto& pop = in.population;
  for (uint32_t i = 0; i < pop.targets.size(); ++i) {
    const draw::EligibleTarget& t = pop.targets[i];
    auto prev = in.previous_teams.find(t.credit_code);
    rows.Put(d.frozen_targets, IdKey(id, t.credit_code),
             FrozenTargetRow(i, t, prev == in.previous_teams.end() ? nullptr : &prev->second,
                             dir.Target(t.credit_code)));
  }
  for (uint32_t i = 0; i < pop.inspectors.size(); ++i) {
    rows.Put(d.frozen_inspectors, FrozenPersonKey(id, 'i', i), FrozenPersonRow(pop.inspectors[i]));
  }
  for (uint32_t i = 0; i < pop.experts.size(); ++i) {
    rows.Put(d.frozen_inspectors, FrozenPersonKey(id, 'e', i), FrozenPersonRow(pop.experts[i]));
  }
  rows.Put(d.frozen, id, FrozenHeaderRow(f.task_id, in, FreezeMismatch(f, pop)));
  return rows.status();
}

Status ForEachFrozenTargetIn(MDB_txn* txn, const Dbs& d, std::string_view draw_id,
                             const std::function<bool(const FrozenTarget&)>& fn) {
  Status bad;
  SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, d.frozen_targets, IdKey(draw_id, ""), false,
                                   [&](std::string_view k, ByteView v) {
                                     auto t = DecodeFrozenTargetRow(k.substr(draw_id.size() + 1), v);
                                     if (!t) {
                                       bad = Corrupt("frozen target", k);
                                       return false;
                                     }
                                     return fn(*t);
                                   }));
  return bad;
}

StatusOr<std::optional<draw::FrozenInputs>> LoadFrozen(MDB_txn* txn, const Dbs& d,
                                                        std::string_view draw_id) {
  std::optional<draw::FrozenInputs> out;
  if (draw_id.empty() || draw_id.size() > 400) return out;
  lmdb::Rows rows(txn, kWhat);
  auto head = rows.Get(d.frozen, draw_id);
  SUIJI_RETURN_IF_ERROR(rows.status());
  if (!head) return out;
  auto h = DecodeFrozenHeader(*head);
  if (!h) return Corrupt("frozen", draw_id);
  draw::FrozenInputs in;
  in.population.targets.resize(h->targets);
  std::vector<bool> seen(h->targets, false);
  Status bad;
  SUIJI_RETURN_IF_ERROR(ForEachFrozenTargetIn(txn, d, draw_id, [&](const FrozenTarget& t) {
    if (t.position >= h->targets || seen[t.position]) {
      bad = Corrupt("frozen target", IdKey(draw_id, t.target.credit_code));
      return false;
    }
    seen[t.position] = true;
    if (t.has_previous_team) in.previous_teams.emplace(t.target.credit_code, t.previous_team);
    in.population.targets[t.position] = t.target;
    return true;
  }));
  SUIJI_RETURN_IF_ERROR(bad);
  if (std::find(seen.begin(), seen.end(), false) != seen.end()) return Corrupt("frozen", draw_id);
  for (char kind : {'i', 'e'}) {
    auto& people = kind == 'i' ? in.population.inspectors : in.population.experts;
    SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, d.frozen_inspectors, IdKey(draw_id, std::string(1, kind)),
                                     false, [&](std::string_view k, ByteView v) {
                                       auto p = DecodeFrozenPersonRow(v);
                                       if (!p) {
                                         bad = Corrupt("frozen inspector", k);
                                         return false;
                                       }
                                       people.push_back(std::move(*p));
                                       return true;
                                     }));
    SUIJI_RETURN_IF_ERROR(bad);
  }
  if (in.population.inspectors.size() != h->inspectors ||
      in.population.experts.size() != h->experts) {
    return Corrupt("frozen", draw_id);
  }
  in.conflicts = std::move(h->conflicts);
  in.IndexConflicts();
  out = std::move(in);
  return out;
}

// The draws (with their visits) as their rows hold them, decoded once per write transaction
// of a catch-up and shared by the stores of its entries (the draws folder's, and the
// inspections and stats folders' reads of it), not decoded again for every entry: a result
// event reads its draw's every visit. Owned by the draws folder; `txn` is the write
// transaction it belongs to (set by the folder's Apply, cleared by TransactionEnded while
// the transaction still holds the write lock), so a store of any other transaction (a
// reader's, on another thread) never uses it. Only the writer's thread touches `draws`.
struct DrawRowCache {
  std::atomic<MDB_txn*> txn{nullptr};
  std::map<std::string, std::shared_ptr<const DrawInfo>, std::less<>> draws;
};

// The draw state of one transaction: rows read once and cached (the fold's pointers stay
// valid), changed ones written back by Flush.
class TxnDrawStore final : public DrawStoreView {
 public:
  TxnDrawStore(MDB_txn* txn, const Dbs& dbs, std::unique_ptr<directory::DirectoryReader> dir,
               DrawRowCache* cache = nullptr)
      : rows_(txn, kWhat), d_(dbs), dir_(std::move(dir)), cache_(cache) {}

  Status status() const override {
    if (!rows_.status().ok()) return rows_.status();
    if (!status_.ok()) return status_;
    return dir_->status();
  }

  const directory::DirectoryReader& directory() const override { return *dir_; }

  const PlanInfo* FindPlan(std::string_view id) const override {
    auto& slot = Load(plans_, id, d_.plans, DecodePlanRow, "plan");
    return slot.value ? &*slot.value : nullptr;
  }
  const TaskInfo* FindTask(std::string_view id) const override {
    auto& slot = Load(tasks_, id, d_.tasks, DecodeTaskRow, "task");
    return slot.value ? &*slot.value : nullptr;
  }
  const DrawInfo* FindDraw(std::string_view id) const override {
    auto& slot = LoadDraw(id);
    return slot.current();
  }
  const DrawInfo* FindDrawHead(std::string_view id) const override {
    // A draw loaded whole (or changed in this transaction) is its own head.
    if (auto it = draws_.find(id); it != draws_.end() && it->second.loaded) return it->second.current();
    auto it = heads_.find(id);
    if (it == heads_.end()) {
      std::optional<DrawInfo> head;
      if (auto v = rows_.Get(d_.draws, id); v) {
        DrawInfo d;
        if (DecodeDrawRow(*v, d)) {
          head = std::move(d);
        } else {
          Keep(Corrupt("draw", id));
        }
      }
      it = heads_.emplace(std::string(id), std::move(head)).first;
    }
    return it->second ? &*it->second : nullptr;
  }
  const std::vector<PastVisit>* FindVisits(std::string_view code) const override {
    // A freeze asks for every target in scope, most never visited: an absent row is not
    // cached (millions of empty slots), only read again when asked again.
    if (history_.find(code) == history_.end() && !rows_.Get(d_.visit_history, code)) return nullptr;
    auto& slot = Load(history_, code, d_.visit_history, DecodeHistoryRow, "visit history");
    return slot.value ? &*slot.value : nullptr;
  }
  std::optional<std::pair<std::string, std::string>> FirstMergedInto(
      std::string_view draw_id) const override {
    std::optional<std::pair<std::string, std::string>> out;
    if (draw_id.empty() || draw_id.size() > 511) return out;
    Keep(lmdb::Scan(rows_.txn(), d_.merged, draw_id, true, [&](std::string_view, ByteView v) {
      const std::string_view s = AsChars(v);
      const size_t nul = s.find('\0');
      if (nul == std::string_view::npos || s.size() < nul + 5) return true;
      const std::string_view other = s.substr(0, nul);
      if (other == draw_id) return true;
      out.emplace(std::string(other), std::string(s.substr(nul + 5)));
      return false;
    }));
    return out;
  }

  void PutPlan(PlanInfo p) override {
    const std::string id = p.plan.plan_id;
    rows_.Put(d_.plan_versions, IdAndU32(id, p.plan.version), PlanRow(p));
    auto& slot = plans_[id];
    slot.value = std::move(p);
    slot.loaded = slot.dirty = true;
  }
  void PutTask(TaskInfo t) override {
    auto& slot = tasks_[t.task.task_id];
    slot.value = std::move(t);
    slot.loaded = slot.dirty = true;
  }
  void PutDraw(DrawInfo d) override {
    auto& slot = draws_[d.draw_id];
    slot.value = std::move(d);
    slot.loaded = slot.dirty = true;
    slot.replaced = true;
  }
  TaskInfo* MutableTask(std::string_view id) override {
    auto& slot = Load(tasks_, id, d_.tasks, DecodeTaskRow, "task");
    slot.dirty = slot.value.has_value();
    return slot.value ? &*slot.value : nullptr;
  }
  DrawInfo* MutableDraw(std::string_view id) override {
    auto& slot = LoadDraw(id);
    if (!slot.value && slot.stored) slot.value = *slot.stored;
    slot.dirty = slot.value.has_value();
    return slot.value ? &*slot.value : nullptr;
  }
  std::vector<PastVisit>* MutableVisits(std::string_view code, bool create) override {
    auto& slot = Load(history_, code, d_.visit_history, DecodeHistoryRow, "visit history");
    if (!slot.value && create) slot.value.emplace();
    slot.dirty = slot.value.has_value();
    return slot.value ? &*slot.value : nullptr;
  }
  void EraseVisits(std::string_view code) override {
    auto& slot = Load(history_, code, d_.visit_history, DecodeHistoryRow, "visit history");
    slot.value.reset();
    slot.dirty = true;
  }
  void NoteResulted(const DrawInfo& d, bool resulted) override {
    for (uint32_t i = 0; i < d.visits.size(); ++i) {
      const VisitRecord& v = d.visits[i];
      if (v.merged_into.empty()) continue;
      std::string value = IdAndU32(d.draw_id, i) + v.credit_code;
      if (resulted) {
        rows_.PutDup(d_.merged, v.merged_into, value);
      } else {
        rows_.DelDup(d_.merged, v.merged_into, value);
      }
    }
  }

  Status ForEachPlan(std::string_view after, size_t limit,
                     const std::function<bool(const PlanInfo&)>& fn) const override {
    return Each(d_.plans, after, limit, DecodePlanRow, "plan", fn);
  }
  Status ForEachTask(std::string_view after, size_t limit,
                     const std::function<bool(const TaskInfo&)>& fn) const override {
    return Each(d_.tasks, after, limit, DecodeTaskRow, "task", fn);
  }
  Status ForEachDraw(std::string_view after, size_t limit,
                     const std::function<bool(const DrawInfo&)>& fn) const override {
    std::vector<std::string> ids;
    SUIJI_RETURN_IF_ERROR(Keys(d_.draws, after, limit, ids));
    for (const auto& id : ids) {
      const DrawInfo* d = FindDraw(id);
      SUIJI_RETURN_IF_ERROR(status());
      if (d != nullptr && !fn(*d)) break;
    }
    return status();
  }
  StatusOr<std::vector<PlanInfo>> PlanVersions(std::string_view plan_id) const override {
    std::vector<PlanInfo> out;
    if (plan_id.empty() || plan_id.size() > 400) return out;
    std::string prefix(plan_id);
    prefix.push_back('\0');
    Status bad;
    SUIJI_RETURN_IF_ERROR(lmdb::Scan(rows_.txn(), d_.plan_versions, prefix, false,
                                     [&](std::string_view k, ByteView v) {
                                       auto p = DecodePlanRow(v);
                                       if (!p) {
                                         bad = Corrupt("plan version", k);
                                         return false;
                                       }
                                       out.push_back(std::move(*p));
                                       return true;
                                     }));
    SUIJI_RETURN_IF_ERROR(bad);
    return out;
  }

  // Writes every changed row back (the fold's transaction).
  Status Flush() {
    for (auto& [id, slot] : plans_) {
      if (slot.dirty && slot.value) rows_.Put(d_.plans, id, PlanRow(*slot.value));
    }
    for (auto& [id, slot] : tasks_) {
      if (slot.dirty && slot.value) rows_.Put(d_.tasks, id, TaskRow(*slot.value));
    }
    for (auto& [id, slot] : draws_) {
      if (!slot.dirty || !slot.value) continue;
      const DrawInfo& d = *slot.value;
      rows_.Put(d_.draws, id, DrawRow(d));
      const std::vector<VisitRecord>* stored =
          slot.stored && !slot.replaced ? &slot.stored->visits : nullptr;
      for (uint32_t i = 0; i < d.visits.size(); ++i) {
        if (stored != nullptr && i < stored->size() && d.visits[i] == (*stored)[i]) continue;
        rows_.Put(d_.draw_visits, IdAndU32(id, i), VisitRow(d.visits[i]));
      }
      // The rows now hold this draw: the transaction's later entries read it from here.
      if (cache_ != nullptr) cache_->draws[id] = std::make_shared<const DrawInfo>(d);
    }
    for (auto& [code, slot] : history_) {
      if (!slot.dirty) continue;
      if (slot.value && !slot.value->empty()) {
        rows_.Put(d_.visit_history, code, HistoryRow(*slot.value));
      } else if (slot.existed) {
        rows_.Del(d_.visit_history, code);
      }
    }
    return status();
  }

 private:
  template <typename T>
  struct Slot {
    std::optional<T> value;
    bool loaded = false;
    bool existed = false;  // a row was read
    bool dirty = false;
  };
  // A draw: as its rows hold it (shared with the transaction's cache), and the fold's copy
  // once it changes it (Mutable*, Put*).
  struct DrawSlot {
    std::shared_ptr<const DrawInfo> stored;  // as read (to write back only the changed visits)
    std::optional<DrawInfo> value;           // changed
    bool loaded = false;
    bool dirty = false;
    bool replaced = false;  // PutDraw: every visit row written
    const DrawInfo* current() const { return value ? &*value : stored.get(); }
  };

  template <typename T, typename Decode>
  Slot<T>& Load(std::map<std::string, Slot<T>, std::less<>>& cache, std::string_view key,
                MDB_dbi dbi, Decode decode, std::string_view what) const {
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(std::string(key), Slot<T>{}).first;
    Slot<T>& slot = it->second;
    if (slot.loaded) return slot;
    slot.loaded = true;
    auto v = rows_.Get(dbi, key);
    if (!v) return slot;
    slot.existed = true;
    slot.value = decode(*v);
    if (!slot.value) Keep(Corrupt(what, key));
    return slot;
  }

  DrawSlot& LoadDraw(std::string_view id) const {
    auto it = draws_.find(id);
    if (it == draws_.end()) it = draws_.emplace(std::string(id), DrawSlot{}).first;
    DrawSlot& slot = it->second;
    if (slot.loaded) return slot;
    slot.loaded = true;
    if (cache_ != nullptr) {
      if (auto c = cache_->draws.find(id); c != cache_->draws.end()) {
        slot.stored = c->second;
        return slot;
      }
    }
    auto v = rows_.Get(d_.draws, id);
    if (!v) return slot;
    DrawInfo d;
    auto visits = DecodeDrawRow(*v, d);
    if (!visits) {
      Keep(Corrupt("draw", id));
      return slot;
    }
    d.visits.reserve(*visits);
    const std::string prefix = std::string(id) + '\0';
    Keep(lmdb::Scan(rows_.txn(), d_.draw_visits, prefix, false, [&](std::string_view k, ByteView row) {
      auto visit = DecodeVisitRow(row);
      if (!visit || d.visits.size() >= *visits) {
        Keep(Corrupt("draw visit", k));
        return false;
      }
      d.visits.push_back(std::move(*visit));
      return true;
    }));
    if (d.visits.size() != *visits) {
      Keep(Corrupt("draw", id));
      return slot;
    }
    slot.stored = std::make_shared<const DrawInfo>(std::move(d));
    if (cache_ != nullptr) cache_->draws.emplace(std::string(id), slot.stored);
    return slot;
  }

  Status Keys(MDB_dbi dbi, std::string_view after, size_t limit,
              std::vector<std::string>& out) const {
    return lmdb::ScanFrom(rows_.txn(), dbi, "", after, [&](std::string_view k, ByteView) {
      if (!after.empty() && k == after) return true;
      out.emplace_back(k);
      return limit == 0 || out.size() < limit;
    });
  }

  template <typename T, typename Decode>
  Status Each(MDB_dbi dbi, std::string_view after, size_t limit, Decode decode,
              std::string_view what, const std::function<bool(const T&)>& fn) const {
    size_t n = 0;
    Status bad;
    SUIJI_RETURN_IF_ERROR(lmdb::ScanFrom(rows_.txn(), dbi, "", after, [&](std::string_view k, ByteView v) {
      if (!after.empty() && k == after) return true;
      auto r = decode(v);
      if (!r) {
        bad = Corrupt(what, k);
        return false;
      }
      ++n;
      return fn(*r) && (limit == 0 || n < limit);
    }));
    return bad;
  }

  void Keep(const Status& s) const {
    if (status_.ok() && !s.ok()) status_ = s;
  }

  mutable lmdb::Rows rows_;
  const Dbs& d_;
  std::unique_ptr<directory::DirectoryReader> dir_;
  DrawRowCache* cache_;
  mutable Status status_;
  mutable std::map<std::string, Slot<PlanInfo>, std::less<>> plans_;
  mutable std::map<std::string, Slot<TaskInfo>, std::less<>> tasks_;
  mutable std::map<std::string, DrawSlot, std::less<>> draws_;
  mutable std::map<std::string, std::optional<DrawInfo>, std::less<>> heads_;  // FindDrawHead
  mutable std::map<std::string, Slot<std::vector<PastVisit>>, std::less<>> history_;
};

class DrawFolder final : public ProjectionFolder {
 public:
  std::string_view name() const override { return "draws"; }
  uint32_t version() const override { return 2; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  explicit DrawFolder(const ProjectionFolder& directory) : directory_(&directory) {}
  Status Apply(MDB_txn* txn, const EntryView& e) override {
    // The transaction's draws are shared by the stores of its entries (DrawRowCache).
    if (cache_.txn.load(std::memory_order_relaxed) != txn) {
      cache_.draws.clear();
      cache_.txn.store(txn, std::memory_order_release);
    }
    if (!draw::IsDrawEvent(e.type())) return OkStatus();
    TxnDrawStore store(txn, dbs_, DirectoryReaderIn(txn, *directory_), &cache_);
    // A freeze: its inputs recomputed in the state just before it (what the node computed
    // before appending it), stored beside the draw.
    std::optional<draw::FreezeRecord> freeze;
    std::optional<draw::FrozenInputs> inputs;
    if (e.type() == EventType::DrawFrozen) {
      if (auto f = draw::DecodeFreeze(e.payload()); f.ok()) {
        auto in = draw::FreezeInputs(store, f->task_id);
        SUIJI_RETURN_IF_ERROR(store.status());
        if (in.ok()) {
          freeze = std::move(*f);
          inputs = std::move(*in);
        }
      }
    }
    Status s = draw::ApplyDrawEvent(e, store);
    SUIJI_RETURN_IF_ERROR(store.status());
    SUIJI_RETURN_IF_ERROR(s);
    if (freeze) {
      lmdb::Rows rows(txn, kWhat);
      SUIJI_RETURN_IF_ERROR(StoreFrozen(rows, dbs_, store, *freeze, *inputs));
    }
    return store.Flush();
  }
  const Dbs& dbs() const { return dbs_; }
  void TransactionEnded() override {
    cache_.txn.store(nullptr, std::memory_order_release);
    cache_.draws.clear();
  }
  std::unique_ptr<TxnDrawStore> StoreIn(MDB_txn* txn) const {
    DrawRowCache* cache = cache_.txn.load(std::memory_order_acquire) == txn ? &cache_ : nullptr;
    return std::make_unique<TxnDrawStore>(txn, dbs_, DirectoryReaderIn(txn, *directory_), cache);
  }

 private:
  Dbs dbs_{};
  mutable DrawRowCache cache_;
  const ProjectionFolder* directory_;
};

}  // namespace

std::unique_ptr<ProjectionFolder> NewDrawFolder(const ProjectionFolder& directory) {
  return std::make_unique<DrawFolder>(directory);
}

StatusOr<std::optional<draw::FrozenInputs>> FrozenInputsIn(MDB_txn* txn,
                                                            const LmdbProjection& projection,
                                                            std::string_view draw_id) {
  auto* folder = projection.folder_as<DrawFolder>("draws");
  if (folder == nullptr) return Internal("the projection has no draws folder");
  return LoadFrozen(txn, folder->dbs(), draw_id);
}

StatusOr<std::optional<std::string>> FrozenMismatchIn(MDB_txn* txn, const ProjectionFolder& draws,
                                                      std::string_view draw_id) {
  std::optional<std::string> out;
  auto* folder = dynamic_cast<const DrawFolder*>(&draws);
  if (folder == nullptr) return Internal("not the draws folder");
  if (draw_id.empty() || draw_id.size() > 400) return out;
  lmdb::Rows rows(txn, kWhat);
  auto head = rows.Get(folder->dbs().frozen, draw_id);
  SUIJI_RETURN_IF_ERROR(rows.status());
  if (!head) return out;
  auto h = DecodeFrozenHeader(*head);
  if (!h) return Corrupt("frozen", draw_id);
  out = std::move(h->mismatch);
  return out;
}

Status ForEachFrozenTarget(MDB_txn* txn, const ProjectionFolder& draws, std::string_view draw_id,
                           const std::function<bool(const FrozenTarget&)>& fn) {
  auto* folder = dynamic_cast<const DrawFolder*>(&draws);
  if (folder == nullptr) return Internal("not the draws folder");
  if (draw_id.empty() || draw_id.size() > 400) return OkStatus();
  return ForEachFrozenTargetIn(txn, folder->dbs(), draw_id, fn);
}

StatusOr<std::optional<FrozenTarget>> FrozenTargetOf(MDB_txn* txn, const ProjectionFolder& draws,
                                                     std::string_view draw_id,
                                                     std::string_view credit_code) {
  std::optional<FrozenTarget> out;
  auto* folder = dynamic_cast<const DrawFolder*>(&draws);
  if (folder == nullptr) return Internal("not the draws folder");
  if (draw_id.empty() || draw_id.size() > 400 || credit_code.empty()) return out;
  lmdb::Rows rows(txn, kWhat);
  const std::string key = IdKey(draw_id, credit_code);
  auto v = rows.Get(folder->dbs().frozen_targets, key);
  SUIJI_RETURN_IF_ERROR(rows.status());
  if (!v) return out;
  out = DecodeFrozenTargetRow(credit_code, *v);
  if (!out) return Corrupt("frozen target", key);
  return out;
}

std::unique_ptr<DrawStoreView> DrawStoreIn(MDB_txn* txn, const ProjectionFolder& draws) {
  auto* folder = dynamic_cast<const DrawFolder*>(&draws);
  if (folder == nullptr) return nullptr;
  return folder->StoreIn(txn);
}

std::unique_ptr<DrawStoreView> DrawStoreIn(MDB_txn* txn, const LmdbProjection& projection) {
  auto* folder = projection.folder_as<DrawFolder>("draws");
  if (folder == nullptr) return nullptr;
  return folder->StoreIn(txn);
}

}  // namespace suiji
