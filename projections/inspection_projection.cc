#include "projections/inspection_projection.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "ledger/core/directory/calendar.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/inspection/deadlines.h"
#include "projections/draw_projection.h"
#include "projections/lmdb_util.h"

namespace suiji {

namespace {

using inspection::AnnouncementInfo;
using inspection::Logged;
using inspection::ResultInfo;
using inspection::ResultKey;
using inspection::ResultState;

constexpr std::string_view kWhat = "inspections projection";

// --- the row codec: lmdb::RowWriter / RowReader (fixed-width big-endian integers,
// u32-length-prefixed strings) ---

using Out = lmdb::RowWriter;
using In = lmdb::RowReader;

Status Corrupt(std::string_view what, std::string_view key) {
  std::string printable(key);
  std::replace(printable.begin(), printable.end(), '\0', '/');
  return DataLoss(std::string(kWhat) + ": unreadable " + std::string(what) + " row " + printable +
                  "; delete projections/ to rebuild it from the log");
}

std::string ResultKeyOf(std::string_view draw_id, std::string_view code) {
  return lmdb::Join0(draw_id, code);
}

std::string AnnouncementRow(const AnnouncementInfo& a) {
  Out o;
  o.U64(a.sequence);
  o.I64(a.time_us);
  o.Blob(inspection::EncodeAnnouncement(a.record));
  return o.str();
}
std::optional<AnnouncementInfo> DecodeAnnouncementRow(ByteView b) {
  In in(b);
  AnnouncementInfo a;
  a.sequence = in.U64();
  a.time_us = in.I64();
  ByteView payload = in.Blob();
  if (!in.ok()) return std::nullopt;
  auto rec = inspection::DecodeAnnouncement(payload);
  if (!rec.ok()) return std::nullopt;
  a.record = std::move(*rec);
  return a;
}

template <typename R, typename Encode>
void PutLogged(Out& o, const std::vector<Logged<R>>& v, Encode encode) {
  o.U32(static_cast<uint32_t>(v.size()));
  for (const auto& x : v) {
    o.U64(x.sequence);
    o.I64(x.time_us);
    o.Str(x.user);
    o.Blob(encode(x.record));
  }
}
template <typename R, typename Decode>
bool GetLogged(In& in, std::vector<Logged<R>>& v, Decode decode) {
  v.resize(in.Count());
  for (auto& x : v) {
    x.sequence = in.U64();
    x.time_us = in.I64();
    x.user = in.Str();
    ByteView payload = in.Blob();
    auto rec = decode(payload);
    if (!rec.ok()) return false;
    x.record = std::move(*rec);
  }
  return true;
}

std::string ResultRow(const ResultInfo& r) {
  Out o;
  o.Str(r.draw_id);
  o.Str(r.credit_code);
  o.U8(static_cast<uint8_t>(r.state));
  PutLogged(o, r.revisions, inspection::EncodeResult);
  o.U32(static_cast<uint32_t>(r.revision_sha256.size()));
  for (const auto& h : r.revision_sha256) o.H(h);
  PutLogged(o, r.confirmations, inspection::EncodeConfirmation);
  PutLogged(o, r.reviews, inspection::EncodeReview);
  o.U32(r.published_revision);
  o.Str(r.published_date);
  o.U64(r.published_sequence);
  o.I64(r.published_time_us);
  PutLogged(o, r.corrections, inspection::EncodeCorrection);
  PutLogged(o, r.transfers, inspection::EncodeTransfer);
  PutLogged(o, r.reevaluations, inspection::EncodeReevaluation);
  PutLogged(o, r.internal_notes, inspection::EncodeInternalNote);
  return o.str();
}
std::optional<ResultInfo> DecodeResultRow(ByteView b) {
  In in(b);
  ResultInfo r;
  r.draw_id = in.Str();
  r.credit_code = in.Str();
  const uint8_t state = in.U8();
  if (state > static_cast<uint8_t>(ResultState::kPublished)) return std::nullopt;
  r.state = static_cast<ResultState>(state);
  if (!GetLogged(in, r.revisions, inspection::DecodeResult)) return std::nullopt;
  r.revision_sha256.resize(in.Count());
  for (auto& h : r.revision_sha256) h = in.H();
  if (!GetLogged(in, r.confirmations, inspection::DecodeConfirmation)) return std::nullopt;
  if (!GetLogged(in, r.reviews, inspection::DecodeReview)) return std::nullopt;
  r.published_revision = in.U32();
  r.published_date = in.Str();
  r.published_sequence = in.U64();
  r.published_time_us = in.I64();
  if (!GetLogged(in, r.corrections, inspection::DecodeCorrection)) return std::nullopt;
  if (!GetLogged(in, r.transfers, inspection::DecodeTransfer)) return std::nullopt;
  if (!GetLogged(in, r.reevaluations, inspection::DecodeReevaluation)) return std::nullopt;
  if (!GetLogged(in, r.internal_notes, inspection::DecodeInternalNote)) return std::nullopt;
  // A result exists from its first revision on (latest() reads the last one).
  if (!in.ok() || r.revisions.empty() || r.revision_sha256.size() != r.revisions.size()) {
    return std::nullopt;
  }
  return r;
}

// --- the deadline index: per live drawn draw, its deadlines counted as they stand whatever
// the day (met, late, no calendar) and its not-done ones by due date (open or overdue
// depending on the day asked) ---

using inspection::Deadline;
using inspection::DeadlineKind;
using inspection::DeadlineStatus;
constexpr size_t kKinds = 3;  // confirm, enter, publish

struct KindDeadlines {
  uint64_t met = 0, late = 0, no_calendar = 0;
  std::map<std::string, uint64_t> pending;  // due date -> deadlines not done
  bool operator==(const KindDeadlines&) const = default;
};
struct DrawDeadlines {
  std::string org_id;
  KindDeadlines kinds[kKinds];
  bool operator==(const DrawDeadlines&) const = default;
};

// Counts one deadline settled without a day (today ""): kOpen then means not done, due on
// d.due. `sign` -1 takes it out again.
void CountDeadline(DrawDeadlines& dd, const Deadline& d, int sign) {
  KindDeadlines& k = dd.kinds[static_cast<size_t>(d.kind)];
  auto add = [sign](uint64_t& n) { n = sign > 0 ? n + 1 : n - std::min<uint64_t>(n, 1); };
  switch (d.status) {
    case DeadlineStatus::kMet: add(k.met); break;
    case DeadlineStatus::kLate: add(k.late); break;
    case DeadlineStatus::kNoCalendar: add(k.no_calendar); break;
    case DeadlineStatus::kOpen:
    case DeadlineStatus::kOverdue: {
      uint64_t& n = k.pending[d.due];
      add(n);
      if (n == 0) k.pending.erase(d.due);
      break;
    }
  }
}

std::string DeadlinesRow(const DrawDeadlines& dd) {
  Out o;
  o.Str(dd.org_id);
  for (const KindDeadlines& k : dd.kinds) {
    o.U64(k.met);
    o.U64(k.late);
    o.U64(k.no_calendar);
    o.U32(static_cast<uint32_t>(k.pending.size()));
    for (const auto& [due, n] : k.pending) {
      o.Str(due);
      o.U64(n);
    }
  }
  return o.str();
}
std::optional<DrawDeadlines> DecodeDeadlinesRow(ByteView b) {
  In in(b);
  DrawDeadlines dd;
  dd.org_id = in.Str();
  for (KindDeadlines& k : dd.kinds) {
    k.met = in.U64();
    k.late = in.U64();
    k.no_calendar = in.U64();
    const uint32_t n = in.Count();
    for (uint32_t i = 0; i < n; ++i) {
      std::string due = in.Str();
      k.pending[std::move(due)] = in.U64();
    }
  }
  if (!in.ok()) return std::nullopt;
  return dd;
}

// deadlines_due key: due date 0x00 draw id 0x00 kind.
std::string DueKey(std::string_view due, std::string_view draw_id, size_t kind) {
  std::string k(due);
  k.push_back('\0');
  k.append(draw_id);
  k.push_back('\0');
  k.push_back(static_cast<char>(kind));
  return k;
}

struct Dbs {
  MDB_dbi announcements, results, results_by_code, calendar, deadlines, deadlines_due;
};
using DbSpec = ProjectionDbSpec<Dbs>;
constexpr DbSpec kDbs[] = {
    {"announcements", &Dbs::announcements, 0},
    {"results", &Dbs::results, 0},
    {"results_by_code", &Dbs::results_by_code, MDB_DUPSORT},
    {"calendar", &Dbs::calendar, 0},
    {"deadlines", &Dbs::deadlines, 0},
    {"deadlines_due", &Dbs::deadlines_due, 0},
};

// A result as one transaction holds it.
struct ResultSlot {
  std::optional<ResultInfo> value;
  bool loaded = false;
  bool existed = false;  // a row was read (or written back already)
  bool dirty = false;
};
using ResultSlots = std::map<std::string, ResultSlot, std::less<>>;

// The results a catch-up's write transaction has read or changed, decoded once and shared by
// the stores of its entries, and written back once at its commit (InspectionFolder::
// BeforeCommit), or sooner when it holds kMaxCachedResults: before, every event on a result
// decoded its whole row (every revision, review and correction) and wrote it back. Owned by
// the folder; `txn` is the write transaction it belongs to (set by the folder's Apply,
// cleared by TransactionEnded), so a store of any other transaction (a reader's) never uses
// it. Only the writer's thread touches `results`.
struct ResultTxnCache {
  std::atomic<MDB_txn*> txn{nullptr};
  ResultSlots results;
};
constexpr size_t kMaxCachedResults = 20000;

// Writes the changed results of `slots` (a store's or the transaction's cache) and indexes
// the new ones; they then count as stored.
void WriteResults(lmdb::Rows& rows, const Dbs& d, ResultSlots& slots) {
  for (auto& [key, slot] : slots) {
    if (!slot.dirty || !slot.value) continue;
    const ResultInfo& r = *slot.value;
    rows.Put(d.results, key, ResultRow(r));
    if (!slot.existed) rows.PutDup(d.results_by_code, r.credit_code, r.draw_id);
    slot.existed = true;
    slot.dirty = false;
  }
}

// The inspection state of one transaction: rows read once and cached (the fold's pointers
// stay valid), changed ones written back by Flush (results: at the commit, when the store
// shares the fold's ResultTxnCache).
class TxnInspectionStore final : public InspectionStoreView {
 public:
  TxnInspectionStore(MDB_txn* txn, const Dbs& dbs, std::unique_ptr<DrawStoreView> draws,
                     ResultTxnCache* cache = nullptr)
      : rows_(txn, kWhat),
        d_(dbs),
        draws_(std::move(draws)),
        results_(cache != nullptr ? cache->results : own_results_),
        shared_(cache != nullptr) {}

  Status status() const override {
    if (!rows_.status().ok()) return rows_.status();
    if (!status_.ok()) return status_;
    return draws_->status();
  }

  const draw::DrawStore& draw_store() const override { return *draws_; }

  // A calendar read already in this transaction (the folder's), used instead of reading the
  // rows again. `cal` must outlive the store.
  void UseCalendar(const directory::WorkCalendar* cal) { preset_calendar_ = cal; }

  const directory::WorkCalendar& calendar() const override {
    if (preset_calendar_ != nullptr) return *preset_calendar_;
    if (!calendar_loaded_) {
      calendar_loaded_ = true;
      Keep(lmdb::Scan(rows_.txn(), d_.calendar, "", false, [&](std::string_view k, ByteView v) {
        auto s = directory::DecodeSchedule(v);
        if (!s.ok()) {
          Keep(Corrupt("calendar", k));
          return false;
        }
        calendar_.Put(*s);
        return true;
      }));
    }
    return calendar_;
  }

  const AnnouncementInfo* FindAnnouncement(std::string_view draw_id) const override {
    auto it = announcements_.find(draw_id);
    if (it == announcements_.end()) {
      it = announcements_.emplace(std::string(draw_id), std::optional<AnnouncementInfo>{}).first;
      if (auto v = rows_.Get(d_.announcements, draw_id)) {
        it->second = DecodeAnnouncementRow(*v);
        if (!it->second) Keep(Corrupt("announcement", draw_id));
      }
    }
    return it->second ? &*it->second : nullptr;
  }

  const ResultInfo* FindResult(std::string_view draw_id, std::string_view code) const override {
    Slot& slot = LoadResult(draw_id, code);
    return slot.value ? &*slot.value : nullptr;
  }

  Status ForEachResult(std::string_view draw_id, const ResultKey& after, size_t limit,
                       const std::function<bool(const ResultInfo&)>& fn) const override {
    std::string prefix;
    if (!draw_id.empty()) {
      if (draw_id.size() > 400) return OkStatus();
      prefix = std::string(draw_id) + '\0';
    }
    // The transaction's new results are rows only once written back: write them now.
    if (shared_) WriteResults(rows_, d_, results_);
    const bool from_first = after.first.empty() && after.second.empty();
    const std::string after_key = from_first ? std::string() : ResultKeyOf(after.first, after.second);
    std::string start = after_key;
    if (start < prefix) start = prefix;
    size_t n = 0;
    Status bad;
    SUIJI_RETURN_IF_ERROR(lmdb::ScanFrom(rows_.txn(), d_.results, prefix, start,
                                         [&](std::string_view k, ByteView v) {
      if (!from_first && k == after_key) return true;
      // What this transaction changed (a fold's store) wins over the stored row.
      const ResultInfo* r = nullptr;
      std::optional<ResultInfo> decoded;
      if (auto it = results_.find(k); it != results_.end() && it->second.loaded) {
        if (!it->second.value) return true;
        r = &*it->second.value;
      } else {
        decoded = DecodeResultRow(v);
        if (!decoded) {
          bad = Corrupt("result", k);
          return false;
        }
        r = &*decoded;
      }
      ++n;
      return fn(*r) && (limit == 0 || n < limit);
    }));
    return bad;
  }

  Status ForEachResultOfCode(std::string_view code,
                             const std::function<bool(const ResultInfo&)>& fn) const override {
    if (code.empty() || code.size() > 400) return OkStatus();
    std::vector<std::string> draw_ids;
    SUIJI_RETURN_IF_ERROR(lmdb::Scan(rows_.txn(), d_.results_by_code, code, true,
                                     [&](std::string_view, ByteView v) {
                                       draw_ids.emplace_back(AsChars(v));
                                       return true;
                                     }));
    // Results this transaction created (not indexed until flushed), in draw id order too.
    for (const auto& [key, slot] : results_) {
      if (slot.value && !slot.existed && slot.value->credit_code == code) draw_ids.push_back(slot.value->draw_id);
    }
    std::sort(draw_ids.begin(), draw_ids.end());
    draw_ids.erase(std::unique(draw_ids.begin(), draw_ids.end()), draw_ids.end());
    for (const auto& id : draw_ids) {
      const ResultInfo* r = FindResult(id, code);
      SUIJI_RETURN_IF_ERROR(status());
      if (r == nullptr) {
        Keep(Corrupt("results_by_code", std::string(code) + " -> " + id));
        return status();
      }
      if (!fn(*r)) break;
    }
    return status();
  }

  void PutAnnouncement(AnnouncementInfo a) override {
    const std::string id = a.record.draw_id;
    rows_.Put(d_.announcements, id, AnnouncementRow(a));
    announcements_[id] = std::move(a);
  }

  ResultInfo* MutableResult(std::string_view draw_id, std::string_view code, bool create) override {
    Slot& slot = LoadResult(draw_id, code);
    if (!slot.value && create) {
      slot.value.emplace();
      slot.value->draw_id = std::string(draw_id);
      slot.value->credit_code = std::string(code);
    }
    slot.dirty = slot.dirty || slot.value.has_value();
    touched_.push_back(&slot);
    return slot.value ? &*slot.value : nullptr;
  }

  // A year's schedule (CalendarPublished, checked by the directory fold applied before).
  void PutCalendar(const directory::YearSchedule& s, ByteView payload) {
    std::string key;
    lmdb::AppendU32(key, s.year);
    rows_.Put(d_.calendar, key, payload);
  }

  // Writes every changed row back (the fold's transaction).
  Status Flush() {
    // The fold never leaves a result without its first revision.
    for (const ResultSlot* slot : touched_) {
      if (!slot->dirty || !slot->value || !slot->value->revisions.empty()) continue;
      const ResultInfo& r = *slot->value;
      Keep(Internal(std::string(kWhat) + ": a result of " + r.credit_code + " in draw " + r.draw_id +
                    " without a revision"));
      return status();
    }
    // A shared cache is written back at the commit (InspectionFolder::BeforeCommit).
    if (!shared_) WriteResults(rows_, d_, results_);
    return status();
  }

 private:
  using Slot = ResultSlot;

  Slot& LoadResult(std::string_view draw_id, std::string_view code) const {
    const std::string key = ResultKeyOf(draw_id, code);
    auto it = results_.find(key);
    if (it == results_.end()) it = results_.emplace(key, Slot{}).first;
    Slot& slot = it->second;
    if (slot.loaded) return slot;
    slot.loaded = true;
    auto v = rows_.Get(d_.results, key);
    if (!v) return slot;
    slot.existed = true;
    slot.value = DecodeResultRow(*v);
    if (!slot.value) Keep(Corrupt("result", key));
    return slot;
  }

  void Keep(const Status& s) const {
    if (status_.ok() && !s.ok()) status_ = s;
  }

  mutable lmdb::Rows rows_;
  const Dbs& d_;
  std::unique_ptr<DrawStoreView> draws_;
  mutable Status status_;
  mutable std::map<std::string, std::optional<AnnouncementInfo>, std::less<>> announcements_;
  mutable ResultSlots own_results_;
  ResultSlots& results_;  // own_results_, or the fold's transaction's (shared_)
  const bool shared_;
  std::vector<const ResultSlot*> touched_;  // by MutableResult
  mutable bool calendar_loaded_ = false;
  mutable directory::WorkCalendar calendar_;
  const directory::WorkCalendar* preset_calendar_ = nullptr;
};

class InspectionFolder final : public ProjectionFolder {
 public:
  explicit InspectionFolder(const ProjectionFolder& draws) : draws_(&draws) {}
  std::string_view name() const override { return "inspections"; }
  // 2: the deadline index (deadlines, deadlines_due).
  uint32_t version() const override { return 2; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  Status Apply(MDB_txn* txn, const EntryView& e) override {
    // The transaction's results are shared by the stores of its entries (ResultTxnCache).
    if (cache_.txn.load(std::memory_order_relaxed) != txn) {
      cache_.results.clear();
      cache_.txn.store(txn, std::memory_order_release);
    }
    SUIJI_RETURN_IF_ERROR(ApplyIn(txn, e));
    if (cache_.results.size() > kMaxCachedResults) return WriteBackResults(txn, true);
    return OkStatus();
  }
  Status BeforeCommit(MDB_txn* txn) override { return WriteBackResults(txn, false); }
  void TransactionEnded() override {
    txn_calendar_.reset();
    cache_.txn.store(nullptr, std::memory_order_release);
    cache_.results.clear();
  }

 private:
  // Writes the transaction's changed results (and `drop`s them from the cache).
  Status WriteBackResults(MDB_txn* txn, bool drop) {
    if (cache_.txn.load(std::memory_order_relaxed) != txn) return OkStatus();
    lmdb::Rows rows(txn, kWhat);
    WriteResults(rows, dbs_, cache_.results);
    if (drop) cache_.results.clear();
    return rows.status();
  }

  Status ApplyIn(MDB_txn* txn, const EntryView& e) {
    const EventType type = e.type();
    if (type == EventType::CalendarPublished) {
      SUIJI_ASSIGN_OR_RETURN(directory::YearSchedule s, directory::DecodeSchedule(e.payload()));
      auto store = StoreIn(txn);
      if (store == nullptr) return Internal("the inspections folder needs the draws folder");
      store->PutCalendar(s, e.payload());
      SUIJI_RETURN_IF_ERROR(store->Flush());
      txn_calendar_.reset();
      return RecountAll(txn);  // due dates move with the working days
    }
    if (type == EventType::DrawResult) {
      auto part = draw::DecodeResultPart(e.payload());
      if (!part.ok()) return OkStatus();  // the draws folder refuses it
      return NoteDrawPhase(txn, part->draw_id);
    }
    if (type == EventType::DrawCancelled) {
      auto c = draw::DecodeCancel(e.payload());
      if (!c.ok()) return OkStatus();
      return NoteDrawPhase(txn, c->draw_id);
    }
    if (!inspection::IsInspectionEvent(type)) return OkStatus();
    auto store = StoreIn(txn);
    if (store == nullptr) return Internal("the inspections folder needs the draws folder");
    // The calendar is read once per transaction (every deadline settles with it).
    if (!txn_calendar_) {
      txn_calendar_ = store->calendar();
      SUIJI_RETURN_IF_ERROR(store->status());
    }
    store->UseCalendar(&*txn_calendar_);
    // The deadlines an event can change: a draw's confirm deadline (its announcement), a
    // visit's enter (its first revision) and publish deadlines (its publication). Before and
    // after the fold.
    std::string draw_id, code;
    bool tracked = true;
    if (type == EventType::TargetsAnnounced) {
      auto a = inspection::DecodeAnnouncement(e.payload());
      if (a.ok()) draw_id = a->draw_id;
    } else if (type == EventType::ResultRecorded) {
      auto r = inspection::DecodeResult(e.payload());
      if (r.ok()) draw_id = r->draw_id, code = r->credit_code;
    } else if (type == EventType::ResultPublished) {
      auto st = inspection::DecodeStep(e.payload());
      if (st.ok()) draw_id = st->draw_id, code = st->credit_code;
    } else {
      tracked = false;
    }
    tracked = tracked && !draw_id.empty() && draw_id.size() <= 400 && code.size() <= 100;
    std::vector<Deadline> before;
    if (tracked) before = DeadlinesOf(*store, draw_id, code, type == EventType::TargetsAnnounced);
    Status s = inspection::ApplyInspectionEvent(e, *store);
    SUIJI_RETURN_IF_ERROR(store->status());
    SUIJI_RETURN_IF_ERROR(s);
    if (tracked) {
      const std::vector<Deadline> after =
          DeadlinesOf(*store, draw_id, code, type == EventType::TargetsAnnounced);
      SUIJI_RETURN_IF_ERROR(store->status());
      lmdb::Rows rows(txn, kWhat);
      SUIJI_ASSIGN_OR_RETURN(std::optional<DrawDeadlines> old, ReadDeadlines(rows, draw_id));
      if (old) {
        DrawDeadlines now = *old;
        for (const Deadline& d : before) CountDeadline(now, d, -1);
        for (const Deadline& d : after) CountDeadline(now, d, +1);
        WriteDeadlines(rows, draw_id, old, now);
      }
      SUIJI_RETURN_IF_ERROR(rows.status());
    }
    return store->Flush();
  }

 public:
  std::unique_ptr<TxnInspectionStore> StoreIn(MDB_txn* txn) const {
    auto draws = DrawStoreIn(txn, *draws_);
    if (draws == nullptr) return nullptr;
    return std::make_unique<TxnInspectionStore>(txn, dbs_, std::move(draws),
                                                cache_.txn.load(std::memory_order_acquire) == txn ? &cache_ : nullptr);
  }
  const Dbs& dbs() const { return dbs_; }

 private:
  // The deadlines of a live drawn draw's confirm (`confirm`) or of one of its visits, settled
  // without a day; none when the draw is not live.
  static std::vector<Deadline> DeadlinesOf(const TxnInspectionStore& store, const std::string& draw_id,
                                           const std::string& code, bool confirm) {
    std::vector<Deadline> out;
    const draw::DrawInfo* d = store.draw_store().FindDraw(draw_id);
    if (d == nullptr || d->phase != draw::DrawPhase::kResulted) return out;
    const draw::TaskInfo* t = store.draw_store().FindTask(d->task_id);
    if (t == nullptr) return out;
    const directory::WorkCalendar& cal = store.calendar();
    if (confirm) {
      out.push_back(inspection::ConfirmDeadline(cal, *d, *t, store.FindAnnouncement(draw_id), ""));
    } else {
      inspection::ForEachVisitDeadline(cal, *d, *t, code, store.FindResult(draw_id, code), "",
                                       [&](Deadline&& x) { out.push_back(std::move(x)); });
    }
    return out;
  }

  // Every deadline of a live drawn draw (nullopt when it is not), as ForEachDeadline lists them.
  static std::optional<DrawDeadlines> CountDraw(const TxnInspectionStore& store, const draw::DrawInfo& d) {
    if (d.phase != draw::DrawPhase::kResulted) return std::nullopt;
    const draw::TaskInfo* t = store.draw_store().FindTask(d.task_id);
    if (t == nullptr) return std::nullopt;
    const directory::WorkCalendar& cal = store.calendar();
    DrawDeadlines dd;
    dd.org_id = t->task.org_id;
    CountDeadline(dd, inspection::ConfirmDeadline(cal, d, *t, store.FindAnnouncement(d.draw_id), ""), 1);
    for (const auto& v : d.visits) {
      inspection::ForEachVisitDeadline(cal, d, *t, v.credit_code,
                                       store.FindResult(d.draw_id, v.credit_code), "",
                                       [&](Deadline&& x) { CountDeadline(dd, x, 1); });
    }
    return dd;
  }

  StatusOr<std::optional<DrawDeadlines>> ReadDeadlines(lmdb::Rows& rows, std::string_view draw_id) const {
    auto v = rows.Get(dbs_.deadlines, draw_id);
    SUIJI_RETURN_IF_ERROR(rows.status());
    if (!v) return std::optional<DrawDeadlines>();
    auto dd = DecodeDeadlinesRow(*v);
    if (!dd) return Corrupt("deadlines", draw_id);
    return dd;
  }

  // The draw's row and its due-date index entries from `old` to `now` (nullopt: none).
  void WriteDeadlines(lmdb::Rows& rows, std::string_view draw_id, const std::optional<DrawDeadlines>& old,
                      const std::optional<DrawDeadlines>& now) const {
    if (old == now) return;
    if (now) {
      rows.Put(dbs_.deadlines, draw_id, DeadlinesRow(*now));
    } else {
      rows.Del(dbs_.deadlines, draw_id);
    }
    static const std::map<std::string, uint64_t> kNone;
    for (size_t k = 0; k < kKinds; ++k) {
      const auto& a = old ? old->kinds[k].pending : kNone;
      const auto& b = now ? now->kinds[k].pending : kNone;
      for (const auto& [due, n] : a) {
        if (b.find(due) == b.end()) rows.Del(dbs_.deadlines_due, DueKey(due, draw_id, k));
      }
      for (const auto& [due, n] : b) {
        auto it = a.find(due);
        if (it != a.end() && it->second == n) continue;
        rows.Put(dbs_.deadlines_due, DueKey(due, draw_id, k), lmdb::U64Key(n));
      }
    }
  }

  // A draw became resulted (its deadlines start) or left it (cancelled: they end).
  Status NoteDrawPhase(MDB_txn* txn, const std::string& draw_id) {
    if (draw_id.empty() || draw_id.size() > 400) return OkStatus();
    auto store = StoreIn(txn);
    if (store == nullptr) return Internal("the inspections folder needs the draws folder");
    lmdb::Rows rows(txn, kWhat);
    SUIJI_ASSIGN_OR_RETURN(std::optional<DrawDeadlines> old, ReadDeadlines(rows, draw_id));
    const draw::DrawInfo* d = store->draw_store().FindDraw(draw_id);
    std::optional<DrawDeadlines> now = d == nullptr ? std::nullopt : CountDraw(*store, *d);
    SUIJI_RETURN_IF_ERROR(store->status());
    if (old.has_value() != now.has_value()) WriteDeadlines(rows, draw_id, old, now);
    return rows.status();
  }

  // Every live drawn draw counted again (a calendar changes due dates and statuses).
  Status RecountAll(MDB_txn* txn) {
    auto store = StoreIn(txn);
    if (store == nullptr) return Internal("the inspections folder needs the draws folder");
    lmdb::Rows rows(txn, kWhat);
    std::map<std::string, std::optional<DrawDeadlines>> old, now;
    Status bad;
    SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, dbs_.deadlines, "", false, [&](std::string_view k, ByteView v) {
      auto dd = DecodeDeadlinesRow(v);
      if (!dd) {
        bad = Corrupt("deadlines", k);
        return false;
      }
      old.emplace(std::string(k), std::move(*dd));
      return true;
    }));
    SUIJI_RETURN_IF_ERROR(bad);
    SUIJI_RETURN_IF_ERROR(store->draw_store().ForEachDraw("", 0, [&](const draw::DrawInfo& d) {
      if (auto dd = CountDraw(*store, d); dd) now.emplace(d.draw_id, std::move(*dd));
      return true;
    }));
    SUIJI_RETURN_IF_ERROR(store->status());
    for (const auto& [id, dd] : old) {
      if (now.find(id) == now.end()) WriteDeadlines(rows, id, dd, std::nullopt);
    }
    for (const auto& [id, dd] : now) {
      auto it = old.find(id);
      WriteDeadlines(rows, id, it == old.end() ? std::nullopt : it->second, dd);
    }
    return rows.status();
  }

  Dbs dbs_{};
  const ProjectionFolder* draws_;
  // The calendar as read in the current write transaction (dropped when it ends or a
  // calendar is published).
  std::optional<directory::WorkCalendar> txn_calendar_;
  // The current write transaction's results (see ResultTxnCache).
  mutable ResultTxnCache cache_;
};

}  // namespace

std::unique_ptr<ProjectionFolder> NewInspectionFolder(const ProjectionFolder& draws) {
  return std::make_unique<InspectionFolder>(draws);
}

std::unique_ptr<InspectionStoreView> InspectionStoreIn(MDB_txn* txn, const LmdbProjection& projection) {
  auto* folder = projection.folder_as<InspectionFolder>("inspections");
  if (folder == nullptr) return nullptr;
  return folder->StoreIn(txn);
}

StatusOr<std::map<std::string, DrawDeadlineCounts, std::less<>>> DeadlineCountsIn(
    MDB_txn* txn, const LmdbProjection& projection, std::string_view today,
    const std::vector<std::string>& draw_ids) {
  auto* folder = projection.folder_as<InspectionFolder>("inspections");
  if (folder == nullptr) return Internal("the projection has no inspections folder");
  const Dbs& dbs = folder->dbs();
  lmdb::Rows rows(txn, kWhat);
  std::map<std::string, DrawDeadlineCounts, std::less<>> out;
  for (const std::string& id : draw_ids) {
    if (id.empty() || id.size() > 400) continue;
    auto v = rows.Get(dbs.deadlines, id);
    SUIJI_RETURN_IF_ERROR(rows.status());
    if (!v) continue;
    auto dd = DecodeDeadlinesRow(*v);
    if (!dd) return Corrupt("deadlines", id);
    DrawDeadlineCounts& c = out[id];
    c.org_id = dd->org_id;
    for (size_t k = 0; k < kKinds; ++k) {
      const KindDeadlines& kd = dd->kinds[k];
      uint64_t pending = 0;
      for (const auto& [due, n] : kd.pending) pending += n;
      if (kd.met + kd.late + kd.no_calendar + pending == 0) continue;
      inspection::DeadlineCounts& dc = c.by_kind[static_cast<DeadlineKind>(k)];
      dc.met = kd.met;
      dc.late = kd.late;
      dc.no_calendar = kd.no_calendar;
      dc.open = pending;
    }
  }
  // Not done and due before today: overdue (a range of the due-date index).
  Status bad;
  SUIJI_RETURN_IF_ERROR(lmdb::Scan(txn, dbs.deadlines_due, "", false, [&](std::string_view k, ByteView v) {
    const size_t a = k.find('\0');
    const size_t b = a == std::string_view::npos ? a : k.find('\0', a + 1);
    if (b == std::string_view::npos || b + 2 != k.size() || v.size() != 8) {
      bad = Corrupt("deadlines_due", k);
      return false;
    }
    if (k.substr(0, a) >= today) return false;  // due today or later: open
    auto it = out.find(k.substr(a + 1, b - a - 1));
    if (it == out.end()) return true;
    const auto kind = static_cast<DeadlineKind>(static_cast<uint8_t>(k[b + 1]));
    auto kt = it->second.by_kind.find(kind);
    if (kt == it->second.by_kind.end()) {
      bad = Corrupt("deadlines_due", k);
      return false;
    }
    const uint64_t n = std::min<uint64_t>(GetU64BE(v.data()), kt->second.open);
    kt->second.open -= n;
    kt->second.overdue += n;
    return true;
  }));
  SUIJI_RETURN_IF_ERROR(bad);
  return out;
}

}  // namespace suiji
