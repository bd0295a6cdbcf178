#include "projections/stats_projection.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/draw/estimate.h"
#include "ledger/core/inspection/records.h"
#include "projections/draw_projection.h"
#include "projections/inspection_projection.h"
#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using draw::DrawInfo;
using draw::DrawPhase;
using inspection::CoverageBy;
using inspection::CoverageTables;
using inspection::Handling;
using inspection::Outcome;
using inspection::OutcomeCounts;
using inspection::ResultState;

constexpr std::string_view kWhat = "stats projection";

// --- the row codec: lmdb::RowWriter / RowReader (fixed-width big-endian integers,
// u32-length-prefixed strings) ---

using Out = lmdb::RowWriter;
using In = lmdb::RowReader;

Status Corrupt(std::string_view what, std::string_view key) {
  return DataLoss(std::string(kWhat) + ": unreadable " + std::string(what) + " row " +
                  std::string(key) + "; delete projections/ to rebuild it from the log");
}

std::string ResultKey(std::string_view draw_id, std::string_view code) {
  return lmdb::Join0(draw_id, code);
}

// --- coverage tables ---

void PutCoverageBy(Out& o, const CoverageBy& by) {
  o.U32(static_cast<uint32_t>(by.size()));
  for (const auto& [k, c] : by) {
    o.Str(k);
    o.U64(c.eligible);
    o.U64(c.drawn);
  }
}
CoverageBy GetCoverageBy(In& in) {
  CoverageBy by;
  const uint32_t n = in.Count();
  for (uint32_t i = 0; i < n; ++i) {
    std::string k = in.Str();
    inspection::Coverage c;
    c.eligible = in.U64();
    c.drawn = in.U64();
    by.emplace(std::move(k), c);
  }
  return by;
}
std::string TablesRow(const CoverageTables& t) {
  Out o;
  o.U64(t.total.eligible);
  o.U64(t.total.drawn);
  PutCoverageBy(o, t.by_region);
  PutCoverageBy(o, t.by_industry);
  PutCoverageBy(o, t.by_industry_section);
  PutCoverageBy(o, t.by_grade);
  return o.str();
}
std::optional<CoverageTables> DecodeTables(ByteView b) {
  In in(b);
  CoverageTables t;
  t.total.eligible = in.U64();
  t.total.drawn = in.U64();
  t.by_region = GetCoverageBy(in);
  t.by_industry = GetCoverageBy(in);
  t.by_industry_section = GetCoverageBy(in);
  t.by_grade = GetCoverageBy(in);
  if (!in.ok()) return std::nullopt;
  return t;
}

// Adds one target's attributes to the tables (eligible or drawn).
void AddTarget(CoverageTables& t, const FrozenTarget& f, uint64_t eligible, uint64_t drawn) {
  const std::string region = f.in_directory ? f.region : "?";
  const std::string industry = f.in_directory ? f.industry : "?";
  const std::string grade = f.in_directory ? inspection::GradeKey(f.grade) : "?";
  t.total.eligible += eligible;
  t.total.drawn += drawn;
  inspection::AddCoverage(t.by_region, region, eligible, drawn);
  inspection::AddCoverage(t.by_industry, industry, eligible, drawn);
  inspection::AddCoverage(t.by_industry_section, inspection::SectionKey(industry), eligible, drawn);
  inspection::AddCoverage(t.by_grade, grade, eligible, drawn);
}

void SubtractBy(CoverageBy& a, const CoverageBy& b) {
  for (const auto& [k, c] : b) {
    auto it = a.find(k);
    if (it == a.end()) continue;
    it->second.eligible -= std::min(it->second.eligible, c.eligible);
    it->second.drawn -= std::min(it->second.drawn, c.drawn);
    if (it->second.eligible == 0 && it->second.drawn == 0) a.erase(it);
  }
}
void SubtractTables(CoverageTables& to, const CoverageTables& from) {
  to.total.eligible -= std::min(to.total.eligible, from.total.eligible);
  to.total.drawn -= std::min(to.total.drawn, from.total.drawn);
  SubtractBy(to.by_region, from.by_region);
  SubtractBy(to.by_industry, from.by_industry);
  SubtractBy(to.by_industry_section, from.by_industry_section);
  SubtractBy(to.by_grade, from.by_grade);
}

// --- outcome counts ---

template <typename K>
void PutCounts(Out& o, const std::map<K, uint64_t>& m) {
  o.U32(static_cast<uint32_t>(m.size()));
  for (const auto& [k, n] : m) {
    o.U32(static_cast<uint32_t>(k));
    o.U64(n);
  }
}
template <typename K>
std::map<K, uint64_t> GetCounts(In& in) {
  std::map<K, uint64_t> m;
  const uint32_t n = in.Count();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t k = in.U32();
    m[static_cast<K>(k)] = in.U64();
  }
  return m;
}
std::string OutcomesRow(const OutcomeCounts& c) {
  Out o;
  o.U64(c.visits);
  o.U64(c.recorded);
  o.U64(c.published);
  o.U64(c.corrected);
  o.U64(c.with_violation);
  o.U64(c.observed);
  PutCounts(o, c.by_state);
  PutCounts(o, c.by_outcome);
  PutCounts(o, c.by_handling);
  o.U64(c.no_penalty);
  o.U64(c.fines_yuan);
  o.U64(c.transfers);
  o.U64(c.reevaluations);
  return o.str();
}
std::optional<OutcomeCounts> DecodeOutcomes(ByteView b) {
  In in(b);
  OutcomeCounts c;
  c.visits = in.U64();
  c.recorded = in.U64();
  c.published = in.U64();
  c.corrected = in.U64();
  c.with_violation = in.U64();
  c.observed = in.U64();
  c.by_state = GetCounts<ResultState>(in);
  c.by_outcome = GetCounts<Outcome>(in);
  c.by_handling = GetCounts<Handling>(in);
  c.no_penalty = in.U64();
  c.fines_yuan = in.U64();
  c.transfers = in.U64();
  c.reevaluations = in.U64();
  if (!in.ok()) return std::nullopt;
  return c;
}

template <typename K>
void SubtractCounts(std::map<K, uint64_t>& a, const std::map<K, uint64_t>& b) {
  for (const auto& [k, n] : b) {
    auto it = a.find(k);
    if (it == a.end()) continue;
    it->second -= std::min(it->second, n);
    if (it->second == 0) a.erase(it);
  }
}
uint64_t Minus(uint64_t a, uint64_t b) { return a - std::min(a, b); }
void SubtractOutcomes(OutcomeCounts& to, const OutcomeCounts& from) {
  to.visits = Minus(to.visits, from.visits);
  to.recorded = Minus(to.recorded, from.recorded);
  to.published = Minus(to.published, from.published);
  to.corrected = Minus(to.corrected, from.corrected);
  to.with_violation = Minus(to.with_violation, from.with_violation);
  to.observed = Minus(to.observed, from.observed);
  SubtractCounts(to.by_state, from.by_state);
  SubtractCounts(to.by_outcome, from.by_outcome);
  SubtractCounts(to.by_handling, from.by_handling);
  to.no_penalty = Minus(to.no_penalty, from.no_penalty);
  to.fines_yuan = Minus(to.fines_yuan, from.fines_yuan);
  to.transfers = Minus(to.transfers, from.transfers);
  to.reevaluations = Minus(to.reevaluations, from.reevaluations);
}

// --- a result's summary ---

// What one revision (or correction) of a result counts once it is the published one.
struct RecordSummary {
  uint32_t revision = 0;
  std::vector<Outcome> outcomes;    // per item
  std::vector<Handling> handlings;  // per handling entry of each violation
  uint64_t no_penalty = 0;
  uint64_t fines_yuan = 0;
  bool violation = false;  // inspection::AnyViolation
  bool observed = false;   // inspection::HasObservedItem
};
RecordSummary Summarize(const inspection::ResultRecord& r) {
  RecordSummary s;
  s.revision = r.revision;
  for (const auto& item : r.items) {
    s.outcomes.push_back(item.outcome);
    for (const auto& v : item.violations) {
      for (Handling h : v.handling) s.handlings.push_back(h);
      if (v.no_penalty_list) ++s.no_penalty;
      s.fines_yuan += v.fine_yuan;
    }
  }
  s.violation = inspection::AnyViolation(r);
  s.observed = inspection::HasObservedItem(r);
  return s;
}
void PutSummary(Out& o, const RecordSummary& s) {
  o.U32(s.revision);
  o.U32(static_cast<uint32_t>(s.outcomes.size()));
  for (Outcome x : s.outcomes) o.U32(static_cast<uint32_t>(x));
  o.U32(static_cast<uint32_t>(s.handlings.size()));
  for (Handling x : s.handlings) o.U32(static_cast<uint32_t>(x));
  o.U64(s.no_penalty);
  o.U64(s.fines_yuan);
  o.U8(s.violation ? 1 : 0);
  o.U8(s.observed ? 1 : 0);
}
RecordSummary GetSummary(In& in) {
  RecordSummary s;
  s.revision = in.U32();
  s.outcomes.resize(in.Count());
  for (auto& x : s.outcomes) x = static_cast<Outcome>(in.U32());
  s.handlings.resize(in.Count());
  for (auto& x : s.handlings) x = static_cast<Handling>(in.U32());
  s.no_penalty = in.U64();
  s.fines_yuan = in.U64();
  s.violation = in.U8() != 0;
  s.observed = in.U8() != 0;
  return s;
}

struct ResultSummary {
  ResultState state = ResultState::kEntered;
  std::vector<RecordSummary> revisions;  // every recorded revision, in order
  uint32_t published_revision = 0;
  std::optional<RecordSummary> correction;  // the last one
  uint64_t transfers = 0;
  uint64_t reevaluations = 0;

  // What stands published now (ResultInfo: the last correction, else the published
  // revision); nullptr before publication.
  const RecordSummary* CurrentPublished() const {
    if (published_revision == 0) return nullptr;
    if (correction) return &*correction;
    for (const auto& r : revisions) {
      if (r.revision == published_revision) return &r;
    }
    return nullptr;
  }
  // Its part of the draw's outcome counts (InspectionStats::StatsOf).
  OutcomeCounts Contribution() const {
    OutcomeCounts o;
    ++o.recorded;
    ++o.by_state[state];
    o.transfers += transfers;
    o.reevaluations += reevaluations;
    const RecordSummary* cur = CurrentPublished();
    if (cur == nullptr) return o;
    ++o.published;
    if (correction) ++o.corrected;
    if (cur->violation) ++o.with_violation;
    if (cur->observed) ++o.observed;
    for (Outcome x : cur->outcomes) ++o.by_outcome[x];
    for (Handling h : cur->handlings) ++o.by_handling[h];
    o.no_penalty += cur->no_penalty;
    o.fines_yuan += cur->fines_yuan;
    return o;
  }
};
std::string ResultRow(const ResultSummary& r) {
  Out o;
  o.U8(static_cast<uint8_t>(r.state));
  o.U32(static_cast<uint32_t>(r.revisions.size()));
  for (const auto& s : r.revisions) PutSummary(o, s);
  o.U32(r.published_revision);
  o.U8(r.correction ? 1 : 0);
  if (r.correction) PutSummary(o, *r.correction);
  o.U64(r.transfers);
  o.U64(r.reevaluations);
  return o.str();
}
std::optional<ResultSummary> DecodeResultRow(ByteView b) {
  In in(b);
  ResultSummary r;
  const uint8_t state = in.U8();
  if (state > static_cast<uint8_t>(ResultState::kPublished)) return std::nullopt;
  r.state = static_cast<ResultState>(state);
  r.revisions.resize(in.Count());
  for (auto& s : r.revisions) s = GetSummary(in);
  r.published_revision = in.U32();
  if (in.U8() != 0) r.correction = GetSummary(in);
  r.transfers = in.U64();
  r.reevaluations = in.U64();
  if (!in.ok()) return std::nullopt;
  return r;
}

// --- a draw's head row ---

struct DrawHead {
  std::string task_id;
  std::string org_id;
  std::string title;
  bool has_freeze = false;  // the draws folder stored its frozen inputs
  std::string mismatch;
  bool live = false;  // resulted, and counted in the sums
  uint64_t not_eligible = 0;
  std::vector<draw::StratumDesign> design;
};
std::string HeadRow(const DrawHead& h) {
  Out o;
  o.Str(h.task_id);
  o.Str(h.org_id);
  o.Str(h.title);
  o.U8(h.has_freeze ? 1 : 0);
  o.Str(h.mismatch);
  o.U8(h.live ? 1 : 0);
  o.U64(h.not_eligible);
  o.U32(static_cast<uint32_t>(h.design.size()));
  for (const auto& s : h.design) {
    o.Str(s.key);
    o.U32(static_cast<uint32_t>(s.weight_counts.size()));
    for (const auto& [w, n] : s.weight_counts) {
      o.U32(w);
      o.U64(n);
    }
    o.U64(s.drawn);
  }
  return o.str();
}
std::optional<DrawHead> DecodeHead(ByteView b) {
  In in(b);
  DrawHead h;
  h.task_id = in.Str();
  h.org_id = in.Str();
  h.title = in.Str();
  h.has_freeze = in.U8() != 0;
  h.mismatch = in.Str();
  h.live = in.U8() != 0;
  h.not_eligible = in.U64();
  h.design.resize(in.Count());
  for (auto& s : h.design) {
    s.key = in.Str();
    const uint32_t n = in.Count();
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t w = in.U32();
      s.weight_counts[w] = in.U64();
    }
    s.drawn = in.U64();
  }
  if (!in.ok()) return std::nullopt;
  return h;
}

// --- a draw's sample (the estimate's input): per visit, in draw order, its stratum, weight
// and whether its published result is observed / in violation ---

constexpr uint8_t kObserved = 1, kViolation = 2;
uint8_t SampleFlags(const ResultSummary* r) {
  const RecordSummary* cur = r == nullptr ? nullptr : r->CurrentPublished();
  if (cur == nullptr || !cur->observed) return 0;
  return kObserved | (cur->violation ? kViolation : 0);
}
std::string SampleRow(std::string_view stratum, uint32_t weight, uint8_t flags) {
  Out o;
  o.Str(stratum);
  o.U32(weight);
  o.U8(flags);
  return o.str();
}
std::optional<draw::SampledUnit> DecodeSampleRow(ByteView b) {
  In in(b);
  draw::SampledUnit u;
  u.stratum = in.Str();
  u.weight = in.U32();
  const uint8_t flags = in.U8();
  if (!in.ok()) return std::nullopt;
  u.observed = (flags & kObserved) != 0;
  u.violation = u.observed && (flags & kViolation) != 0;
  return u;
}
std::string PositionKey(std::string_view draw_id, uint32_t position) {
  std::string k(draw_id);
  k.push_back('\0');
  lmdb::AppendU32(k, position);
  return k;
}

struct Dbs {
  MDB_dbi draws, coverage, outcomes, results, sums, sample, sample_pos;
};
using DbSpec = ProjectionDbSpec<Dbs>;
constexpr DbSpec kDbs[] = {
    {"stats_draws", &Dbs::draws, 0},
    {"stats_coverage", &Dbs::coverage, 0},
    {"stats_outcomes", &Dbs::outcomes, 0},
    {"stats_results", &Dbs::results, 0},
    {"stats_sums", &Dbs::sums, 0},
    {"stats_sample", &Dbs::sample, 0},
    {"stats_sample_pos", &Dbs::sample_pos, 0},
};
constexpr std::string_view kSumsCoverage = "coverage";
constexpr std::string_view kSumsOutcomes = "outcomes";

// The rows a catch-up's write transaction has read or changed, decoded, shared by the
// entries of the transaction and written back once, just before it commits
// (StatsFolder::BeforeCommit): before, every result event decoded and re-encoded its draw's
// head, outcome counts and the sums, and wrote three rows. Owned by the folder; only its
// fold (the writer's thread) touches it, and nothing else reads these rows inside a write
// transaction. Dropped when the transaction ends.
struct StatsTxnCache {
  template <typename T>
  struct Entry {
    std::optional<T> value;  // nullopt: no row
    bool dirty = false;      // written at the commit
  };
  std::map<std::string, Entry<DrawHead>, std::less<>> heads;
  std::map<std::pair<MDB_dbi, std::string>, Entry<CoverageTables>> coverage;  // coverage, sums
  std::map<std::pair<MDB_dbi, std::string>, Entry<OutcomeCounts>> outcomes;   // outcomes, sums
  std::map<std::string, Entry<ResultSummary>, std::less<>> results;
  void clear() {
    heads.clear();
    coverage.clear();
    outcomes.clear();
    results.clear();
  }
};

// Typed reads and writes of the folder's rows inside one transaction: through the fold's
// StatsTxnCache when given one (the fold's write transaction), else on the rows directly.
class StatsRows {
 public:
  StatsRows(MDB_txn* txn, const Dbs& d, StatsTxnCache* cache = nullptr)
      : rows_(txn, kWhat), d_(d), cache_(cache) {}
  lmdb::Rows& rows() { return rows_; }
  Status status() const {
    if (!rows_.status().ok()) return rows_.status();
    return status_;
  }

  template <typename T, typename Decode>
  std::optional<T> Get(MDB_dbi dbi, std::string_view key, Decode decode, std::string_view what) {
    auto v = rows_.Get(dbi, key);
    if (!v) return std::nullopt;
    auto r = decode(*v);
    if (!r && status_.ok()) status_ = Corrupt(what, key);
    return r;
  }
  std::optional<DrawHead> Head(std::string_view id) {
    if (cache_ == nullptr) return Get<DrawHead>(d_.draws, id, DecodeHead, "draw");
    return Cached(cache_->heads, id, [&] { return Get<DrawHead>(d_.draws, id, DecodeHead, "draw"); }).value;
  }
  // Whether the draw is live (Head(id)->live) without copying its head.
  bool Live(std::string_view id) {
    if (cache_ == nullptr) {
      auto h = Head(id);
      return h && h->live;
    }
    const auto& e = Cached(cache_->heads, id, [&] { return Get<DrawHead>(d_.draws, id, DecodeHead, "draw"); });
    return e.value && e.value->live;
  }
  CoverageTables Coverage(MDB_dbi dbi, std::string_view key) {
    auto read = [&] { return Get<CoverageTables>(dbi, key, DecodeTables, "coverage"); };
    if (cache_ == nullptr) return read().value_or(CoverageTables{});
    return Cached(cache_->coverage, std::make_pair(dbi, std::string(key)), read).value.value_or(CoverageTables{});
  }
  OutcomeCounts Outcomes(MDB_dbi dbi, std::string_view key) {
    auto read = [&] { return Get<OutcomeCounts>(dbi, key, DecodeOutcomes, "outcomes"); };
    if (cache_ == nullptr) return read().value_or(OutcomeCounts{});
    return Cached(cache_->outcomes, std::make_pair(dbi, std::string(key)), read).value.value_or(OutcomeCounts{});
  }
  std::optional<ResultSummary> Result(std::string_view draw_id, std::string_view code) {
    const std::string key = ResultKey(draw_id, code);
    auto read = [&] { return Get<ResultSummary>(d_.results, key, DecodeResultRow, "result"); };
    if (cache_ == nullptr) return read();
    return Cached(cache_->results, key, read).value;
  }

  void PutHead(std::string_view id, DrawHead h) {
    if (cache_ == nullptr) return rows_.Put(d_.draws, id, HeadRow(h));
    Set(cache_->heads, std::string(id), std::move(h));
  }
  void PutCoverage(MDB_dbi dbi, std::string_view key, CoverageTables t) {
    if (cache_ == nullptr) return rows_.Put(dbi, key, TablesRow(t));
    Set(cache_->coverage, std::make_pair(dbi, std::string(key)), std::move(t));
  }
  void PutOutcomes(MDB_dbi dbi, std::string_view key, OutcomeCounts c) {
    if (cache_ == nullptr) return rows_.Put(dbi, key, OutcomesRow(c));
    Set(cache_->outcomes, std::make_pair(dbi, std::string(key)), std::move(c));
  }
  void PutResult(std::string_view draw_id, std::string_view code, ResultSummary r) {
    const std::string key = ResultKey(draw_id, code);
    if (cache_ == nullptr) return rows_.Put(d_.results, key, ResultRow(r));
    Set(cache_->results, key, std::move(r));
  }

  // Writes the cache's changed rows (BeforeCommit).
  void WriteBack() {
    if (cache_ == nullptr) return;
    for (const auto& [id, e] : cache_->heads) {
      if (e.dirty) rows_.Put(d_.draws, id, HeadRow(*e.value));
    }
    for (const auto& [k, e] : cache_->coverage) {
      if (e.dirty) rows_.Put(k.first, k.second, TablesRow(*e.value));
    }
    for (const auto& [k, e] : cache_->outcomes) {
      if (e.dirty) rows_.Put(k.first, k.second, OutcomesRow(*e.value));
    }
    for (const auto& [k, e] : cache_->results) {
      if (e.dirty) rows_.Put(d_.results, k, ResultRow(*e.value));
    }
  }

 private:
  template <typename Map, typename Key, typename Read>
  typename Map::mapped_type& Cached(Map& map, const Key& key, Read read) {
    auto it = map.find(key);
    if (it == map.end()) {
      typename Map::mapped_type e;
      e.value = read();
      it = map.emplace(typename Map::key_type(key), std::move(e)).first;
    }
    return it->second;
  }
  template <typename Map, typename Key, typename T>
  void Set(Map& map, Key key, T value) {
    auto& e = map[std::move(key)];
    e.value = std::move(value);
    e.dirty = true;
  }

  lmdb::Rows rows_;
  const Dbs& d_;
  StatsTxnCache* cache_;
  Status status_;
};

class StatsFolder final : public ProjectionFolder {
 public:
  explicit StatsFolder(const ProjectionFolder& draws) : draws_(&draws) {}
  std::string_view name() const override { return "stats"; }
  // 2: each resulted draw's sample (stats_sample, stats_sample_pos).
  uint32_t version() const override { return 2; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  const Dbs& dbs() const { return dbs_; }
  const ProjectionFolder& draws() const { return *draws_; }

  Status Apply(MDB_txn* txn, const EntryView& e) override {
    const EventType type = e.type();
    if (type != EventType::DrawFrozen && type != EventType::DrawResult &&
        type != EventType::DrawCancelled && !inspection::IsInspectionEvent(type)) {
      return OkStatus();
    }
    if (cache_txn_ != txn) {
      cache_.clear();
      cache_txn_ = txn;
    }
    StatsRows rows(txn, dbs_, &cache_);
    Status s = ApplyIn(txn, rows, e);
    SUIJI_RETURN_IF_ERROR(rows.status());
    return s;
  }
  Status BeforeCommit(MDB_txn* txn) override {
    if (cache_txn_ != txn) return OkStatus();
    StatsRows rows(txn, dbs_, &cache_);
    rows.WriteBack();
    return rows.status();
  }
  void TransactionEnded() override {
    cache_.clear();
    cache_txn_ = nullptr;
  }

 private:
  Status ApplyIn(MDB_txn* txn, StatsRows& rows, const EntryView& e) {
    const ByteView p = e.payload();
    switch (e.type()) {
      case EventType::DrawFrozen: {
        auto f = draw::DecodeFreeze(p);
        if (!f.ok()) return OkStatus();  // the draws folder refuses it
        return NoteFreeze(txn, rows, *f);
      }
      case EventType::DrawResult: {
        auto part = draw::DecodeResultPart(p);
        if (!part.ok()) return OkStatus();
        return NoteDrawPhase(txn, rows, part->draw_id);
      }
      case EventType::DrawCancelled: {
        auto c = draw::DecodeCancel(p);
        if (!c.ok()) return OkStatus();
        return NoteDrawPhase(txn, rows, c->draw_id);
      }
      case EventType::ResultRecorded: {
        SUIJI_ASSIGN_OR_RETURN(inspection::ResultRecord r, inspection::DecodeResult(p));
        return Change(rows, r.draw_id, r.credit_code, [&](ResultSummary& s) {
          s.state = ResultState::kEntered;
          s.revisions.push_back(Summarize(r));
        });
      }
      case EventType::ResultSubmitted: {
        SUIJI_ASSIGN_OR_RETURN(inspection::ResultStepRecord st, inspection::DecodeStep(p));
        return Change(rows, st.draw_id, st.credit_code,
                      [&](ResultSummary& s) { s.state = ResultState::kAwaitingReview; });
      }
      case EventType::ResultReviewed: {
        SUIJI_ASSIGN_OR_RETURN(inspection::ReviewRecord r, inspection::DecodeReview(p));
        return Change(rows, r.draw_id, r.credit_code, [&](ResultSummary& s) {
          s.state = r.approved ? ResultState::kApproved : ResultState::kReturned;
        });
      }
      case EventType::ResultPublished: {
        SUIJI_ASSIGN_OR_RETURN(inspection::ResultStepRecord st, inspection::DecodeStep(p));
        return Change(rows, st.draw_id, st.credit_code, [&](ResultSummary& s) {
          s.state = ResultState::kPublished;
          s.published_revision = st.revision;
        });
      }
      case EventType::ResultCorrected: {
        SUIJI_ASSIGN_OR_RETURN(inspection::CorrectionRecord c, inspection::DecodeCorrection(p));
        return Change(rows, c.result.draw_id, c.result.credit_code,
                      [&](ResultSummary& s) { s.correction = Summarize(c.result); });
      }
      case EventType::CaseTransferred: {
        SUIJI_ASSIGN_OR_RETURN(inspection::TransferRecord t, inspection::DecodeTransfer(p));
        return Change(rows, t.draw_id, t.credit_code, [&](ResultSummary& s) { ++s.transfers; });
      }
      case EventType::CreditReevaluated: {
        SUIJI_ASSIGN_OR_RETURN(inspection::ReevaluationRecord r, inspection::DecodeReevaluation(p));
        return Change(rows, r.draw_id, r.credit_code,
                      [&](ResultSummary& s) { ++s.reevaluations; });
      }
      default:
        return OkStatus();  // announcements, confirmations, internal notes: nothing counted
    }
  }

  // A freeze: the eligible coverage and the design from the inputs the draws folder stored.
  Status NoteFreeze(MDB_txn* txn, StatsRows& rows, const draw::FreezeRecord& f) {
    if (f.draw_id.empty() || f.draw_id.size() > 400) return OkStatus();
    DrawHead h;
    h.task_id = f.task_id;
    auto store = DrawStoreIn(txn, *draws_);
    if (store == nullptr) return Internal("the stats folder needs the draws folder");
    if (const draw::TaskInfo* t = store->FindTask(f.task_id); t != nullptr) {
      h.org_id = t->task.org_id;
      h.title = t->task.title;
    }
    SUIJI_RETURN_IF_ERROR(store->status());
    SUIJI_ASSIGN_OR_RETURN(std::optional<std::string> mismatch,
                           FrozenMismatchIn(txn, *draws_, f.draw_id));
    CoverageTables cov;
    if (mismatch) {
      h.has_freeze = true;
      h.mismatch = std::move(*mismatch);
      draw::Population pop;
      SUIJI_RETURN_IF_ERROR(ForEachFrozenTarget(txn, *draws_, f.draw_id, [&](const FrozenTarget& t) {
        AddTarget(cov, t, 1, 0);
        pop.targets.push_back({std::string(), t.target.stratum, t.target.weight, std::string()});
        return true;
      }));
      h.design = draw::DesignOf(pop, f.strata);
    }
    rows.PutHead(f.draw_id, std::move(h));
    rows.PutCoverage(dbs_.coverage, f.draw_id, std::move(cov));
    rows.PutOutcomes(dbs_.outcomes, f.draw_id, OutcomeCounts{});
    return rows.status();
  }

  // A result part or a cancellation: a draw that became resulted is counted (its drawn
  // targets, its visits) and added to the sums; one no longer resulted is taken out of them.
  Status NoteDrawPhase(MDB_txn* txn, StatsRows& rows, const std::string& draw_id) {
    auto h = rows.Head(draw_id);
    SUIJI_RETURN_IF_ERROR(rows.status());
    if (!h) return OkStatus();
    auto store = DrawStoreIn(txn, *draws_);
    if (store == nullptr) return Internal("the stats folder needs the draws folder");
    const DrawInfo* d = store->FindDraw(draw_id);
    SUIJI_RETURN_IF_ERROR(store->status());
    if (d == nullptr) return OkStatus();
    const bool resulted = d->phase == DrawPhase::kResulted;
    if (resulted == h->live) return OkStatus();
    CoverageTables cov = rows.Coverage(dbs_.coverage, draw_id);
    OutcomeCounts out = rows.Outcomes(dbs_.outcomes, draw_id);
    CoverageTables sum_cov = rows.Coverage(dbs_.sums, kSumsCoverage);
    OutcomeCounts sum_out = rows.Outcomes(dbs_.sums, kSumsOutcomes);
    SUIJI_RETURN_IF_ERROR(rows.status());
    if (resulted) {
      if (h->has_freeze) {
        for (const auto& v : d->visits) {
          SUIJI_ASSIGN_OR_RETURN(std::optional<FrozenTarget> t,
                                 FrozenTargetOf(txn, *draws_, draw_id, v.credit_code));
          if (!t) {
            ++h->not_eligible;
            continue;
          }
          AddTarget(cov, *t, 0, 1);
        }
      }
      out.visits += d->visits.size();
      for (uint32_t i = 0; i < d->visits.size(); ++i) {
        const draw::VisitRecord& v = d->visits[i];
        auto r = rows.Result(draw_id, v.credit_code);
        rows.rows().Put(dbs_.sample, PositionKey(draw_id, i),
                        SampleRow(v.stratum, v.weight, SampleFlags(r ? &*r : nullptr)));
        if (!v.credit_code.empty() && draw_id.size() + v.credit_code.size() < 500) {
          Out pos;
          pos.U32(i);
          rows.rows().Put(dbs_.sample_pos, ResultKey(draw_id, v.credit_code), pos.str());
        }
      }
      inspection::AddTables(sum_cov, cov);
      inspection::AddOutcomes(sum_out, out);
    } else {
      SubtractTables(sum_cov, cov);
      SubtractOutcomes(sum_out, out);
    }
    h->live = resulted;
    rows.PutHead(draw_id, std::move(*h));
    rows.PutCoverage(dbs_.coverage, draw_id, std::move(cov));
    rows.PutOutcomes(dbs_.outcomes, draw_id, std::move(out));
    rows.PutCoverage(dbs_.sums, kSumsCoverage, std::move(sum_cov));
    rows.PutOutcomes(dbs_.sums, kSumsOutcomes, std::move(sum_out));
    return rows.status();
  }

  // An event on one result: its old contribution out, the new one in (the draw's counts and,
  // while the draw is counted there, the sums).
  Status Change(StatsRows& rows, const std::string& draw_id, const std::string& code,
                const std::function<void(ResultSummary&)>& change) {
    if (draw_id.empty() || code.empty() || draw_id.size() + code.size() > 500) return OkStatus();
    auto old = rows.Result(draw_id, code);
    SUIJI_RETURN_IF_ERROR(rows.status());
    ResultSummary now = old.value_or(ResultSummary{});
    change(now);
    OutcomeCounts out = rows.Outcomes(dbs_.outcomes, draw_id);
    const bool live = rows.Live(draw_id);
    SUIJI_RETURN_IF_ERROR(rows.status());
    const OutcomeCounts before = old ? old->Contribution() : OutcomeCounts{};
    const OutcomeCounts after = now.Contribution();
    SubtractOutcomes(out, before);
    inspection::AddOutcomes(out, after);
    if (live) {
      OutcomeCounts sum_out = rows.Outcomes(dbs_.sums, kSumsOutcomes);
      SubtractOutcomes(sum_out, before);
      inspection::AddOutcomes(sum_out, after);
      rows.PutOutcomes(dbs_.sums, kSumsOutcomes, std::move(sum_out));
    }
    const uint8_t flags = SampleFlags(&now), old_flags = SampleFlags(old ? &*old : nullptr);
    rows.PutResult(draw_id, code, std::move(now));
    rows.PutOutcomes(dbs_.outcomes, draw_id, std::move(out));
    // The visit's place in the draw's sample (written when the draw was resulted).
    if (flags != old_flags) {
      if (auto pos = rows.rows().Get(dbs_.sample_pos, ResultKey(draw_id, code)); pos && pos->size() == 4) {
        const std::string key = PositionKey(draw_id, GetU32BE(pos->data()));
        if (auto row = rows.rows().Get(dbs_.sample, key); row) {
          auto u = DecodeSampleRow(*row);
          if (!u) return Corrupt("sample", key);
          rows.rows().Put(dbs_.sample, key, SampleRow(u->stratum, u->weight, flags));
        }
      }
    }
    return rows.status();
  }

  Dbs dbs_{};
  const ProjectionFolder* draws_;
  // The current write transaction's rows (see StatsTxnCache).
  StatsTxnCache cache_;
  MDB_txn* cache_txn_ = nullptr;
};

}  // namespace

std::unique_ptr<ProjectionFolder> NewStatsFolder(const ProjectionFolder& draws) {
  return std::make_unique<StatsFolder>(draws);
}

namespace {

// The report without its deadlines (StatsReportIn before inspection::FinishReport).
StatusOr<inspection::StatsReport> ReportWithoutDeadlines(MDB_txn* txn, const LmdbProjection& projection,
                                                         std::string_view today,
                                                         std::string_view draw_id) {
  auto* folder = projection.folder_as<StatsFolder>("stats");
  if (folder == nullptr) return Internal("the projection has no stats folder");
  const Dbs& d = folder->dbs();
  StatsRows rows(txn, d);

  inspection::StatsReport rep;
  rep.today = std::string(today);
  rep.entries = projection.AppliedIn(txn);
  const std::string not_found = "no live drawn draw \"" + std::string(draw_id) + "\"";
  if (!draw_id.empty() && draw_id.size() > 400) return NotFound(not_found);

  // The live drawn draws, in id order (one, with draw_id).
  std::vector<std::pair<std::string, DrawHead>> heads;
  if (!draw_id.empty()) {
    auto h = rows.Head(draw_id);
    SUIJI_RETURN_IF_ERROR(rows.status());
    if (!h || !h->live) return NotFound(not_found);
    heads.emplace_back(std::string(draw_id), std::move(*h));
  } else {
    Status bad;
    SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, d.draws, "", false, [&](std::string_view k, ByteView v) {
      auto h = DecodeHead(v);
      if (!h) {
        bad = Corrupt("draw", k);
        return false;
      }
      if (h->live) heads.emplace_back(std::string(k), std::move(*h));
      return true;
    }));
    SUIJI_RETURN_IF_ERROR(bad);
  }

  for (auto& [id, h] : heads) {
    inspection::DrawStats s;
    s.draw_id = id;
    s.task_id = h.task_id;
    s.org_id = h.org_id;
    s.title = h.title;
    if (!h.has_freeze) {
      s.notes.push_back("no freeze seen for this draw; coverage left empty");
    } else {
      if (!h.mismatch.empty()) {
        s.notes.push_back("population mismatch: " + h.mismatch +
                          "; coverage and estimate are over the recomputed population");
      }
      s.coverage = rows.Coverage(d.coverage, id);
      if (h.not_eligible > 0) {
        s.notes.push_back(std::to_string(h.not_eligible) +
                          " drawn targets are not in the recomputed eligible population; left "
                          "out of coverage");
      }
    }
    s.outcomes = rows.Outcomes(d.outcomes, id);
    if (!h.has_freeze) {
      s.estimate_error = "no design: the draw's freeze was not seen";
    } else {
      // The draw's sample in draw order (stats_sample).
      std::vector<draw::SampledUnit> sample;
      Status bad;
      SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, d.sample, id + '\0', false, [&](std::string_view k, ByteView v) {
        auto u = DecodeSampleRow(v);
        if (!u) {
          bad = Corrupt("sample", k);
          return false;
        }
        sample.push_back(std::move(*u));
        return true;
      }));
      SUIJI_RETURN_IF_ERROR(bad);
      auto est = draw::EstimateViolationShare(h.design, sample);
      if (est.ok()) {
        s.estimate = std::move(*est);
      } else {
        s.estimate_error = est.status().message();
      }
    }
    SUIJI_RETURN_IF_ERROR(rows.status());
    rep.draws.push_back(std::move(s));
  }

  if (!draw_id.empty()) {
    rep.coverage = rep.draws.front().coverage;
    rep.outcomes = rep.draws.front().outcomes;
  } else {
    rep.coverage = rows.Coverage(d.sums, kSumsCoverage);
    rep.outcomes = rows.Outcomes(d.sums, kSumsOutcomes);
    SUIJI_RETURN_IF_ERROR(rows.status());
  }
  return rep;
}

}  // namespace

StatusOr<inspection::StatsReport> StatsReportIn(MDB_txn* txn, const LmdbProjection& projection,
                                                std::string_view today, std::string_view draw_id,
                                                const inspection::DeadlineSource& deadlines) {
  SUIJI_ASSIGN_OR_RETURN(inspection::StatsReport rep,
                         ReportWithoutDeadlines(txn, projection, today, draw_id));
  inspection::FinishReport(rep, deadlines);
  return rep;
}

StatusOr<inspection::StatsReport> StatsReportOf(const LmdbProjection& projection,
                                                std::string_view today, std::string_view draw_id,
                                                const inspection::DeadlineSource& deadlines) {
  StatusOr<inspection::StatsReport> report = Internal("no stats report");
  SUIJI_RETURN_IF_ERROR(projection.Read([&](MDB_txn* txn) -> Status {
    report = StatsReportIn(txn, projection, today, draw_id, deadlines);
    return OkStatus();
  }));
  return report;
}

StatusOr<inspection::StatsReport> StatsReportOf(const LmdbProjection& projection,
                                                std::string_view today, std::string_view draw_id) {
  StatusOr<inspection::StatsReport> report = Internal("no stats report");
  const Status read = projection.Read([&](MDB_txn* txn) -> Status {
    report = ReportWithoutDeadlines(txn, projection, today, draw_id);
    if (!report.ok()) return OkStatus();
    inspection::StatsReport& rep = *report;
    std::vector<std::string> ids;
    ids.reserve(rep.draws.size());
    for (const auto& s : rep.draws) ids.push_back(s.draw_id);
    // The counts FinishReport would make of ForEachDeadline's deadlines, from the
    // inspections folder's deadline index.
    SUIJI_ASSIGN_OR_RETURN(auto counts, DeadlineCountsIn(txn, projection, today, ids));
    for (auto& s : rep.draws) {
      auto it = counts.find(s.draw_id);
      if (it == counts.end()) continue;
      s.deadlines = it->second.by_kind;
      inspection::DeadlinesByKind& org = rep.deadlines[it->second.org_id];
      for (const auto& [kind, c] : it->second.by_kind) {
        inspection::DeadlineCounts& o = org[kind];
        o.met += c.met;
        o.late += c.late;
        o.open += c.open;
        o.overdue += c.overdue;
        o.no_calendar += c.no_calendar;
      }
    }
    inspection::FinishReport(rep, [](const std::function<void(inspection::Deadline&&)>&) {});
    return OkStatus();
  });
  if (!read.ok()) return read;
  return report;
}

}  // namespace suiji
