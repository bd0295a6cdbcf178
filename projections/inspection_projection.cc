#include "projections/inspection_projection.h"

#include <algorithm>
#include <map>

#include "ledger/core/directory/calendar.h"
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

struct Dbs {
  MDB_dbi announcements, results, results_by_code, calendar;
};
using DbSpec = ProjectionDbSpec<Dbs>;
constexpr DbSpec kDbs[] = {
    {"announcements", &Dbs::announcements, 0},
    {"results", &Dbs::results, 0},
    {"results_by_code", &Dbs::results_by_code, MDB_DUPSORT},
    {"calendar", &Dbs::calendar, 0},
};

// The inspection state of one transaction: rows read once and cached (the fold's pointers
// stay valid), changed ones written back by Flush.
class TxnInspectionStore final : public InspectionStoreView {
 public:
  TxnInspectionStore(MDB_txn* txn, const Dbs& dbs, std::unique_ptr<DrawStoreView> draws)
      : rows_(txn, kWhat), d_(dbs), draws_(std::move(draws)) {}

  Status status() const override {
    if (!rows_.status().ok()) return rows_.status();
    if (!status_.ok()) return status_;
    return draws_->status();
  }

  const draw::DrawStore& draw_store() const override { return *draws_; }

  const directory::WorkCalendar& calendar() const override {
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
    slot.dirty = slot.value.has_value();
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
    for (auto& [key, slot] : results_) {
      if (!slot.dirty || !slot.value) continue;
      const ResultInfo& r = *slot.value;
      if (r.revisions.empty()) {  // the fold never leaves a result without its first revision
        Keep(Internal(std::string(kWhat) + ": a result of " + r.credit_code + " in draw " + r.draw_id +
                      " without a revision"));
        break;
      }
      rows_.Put(d_.results, key, ResultRow(r));
      if (!slot.existed) rows_.PutDup(d_.results_by_code, r.credit_code, r.draw_id);
    }
    return status();
  }

 private:
  struct Slot {
    std::optional<ResultInfo> value;
    bool loaded = false;
    bool existed = false;  // a row was read
    bool dirty = false;
  };

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
  mutable std::map<std::string, Slot, std::less<>> results_;
  mutable bool calendar_loaded_ = false;
  mutable directory::WorkCalendar calendar_;
};

class InspectionFolder final : public ProjectionFolder {
 public:
  explicit InspectionFolder(const ProjectionFolder& draws) : draws_(&draws) {}
  std::string_view name() const override { return "inspections"; }
  uint32_t version() const override { return 1; }
  std::vector<ProjectionDb> databases() const override { return DatabasesOf(kDbs); }
  void Bind(const std::vector<MDB_dbi>& dbis) override { BindAll(kDbs, dbis, dbs_); }
  Status Apply(MDB_txn* txn, const EntryView& e) override {
    if (e.type() == EventType::CalendarPublished) {
      SUIJI_ASSIGN_OR_RETURN(directory::YearSchedule s, directory::DecodeSchedule(e.payload()));
      auto store = StoreIn(txn);
      if (store == nullptr) return Internal("the inspections folder needs the draws folder");
      store->PutCalendar(s, e.payload());
      return store->Flush();
    }
    if (!inspection::IsInspectionEvent(e.type())) return OkStatus();
    auto store = StoreIn(txn);
    if (store == nullptr) return Internal("the inspections folder needs the draws folder");
    Status s = inspection::ApplyInspectionEvent(e, *store);
    SUIJI_RETURN_IF_ERROR(store->status());
    SUIJI_RETURN_IF_ERROR(s);
    return store->Flush();
  }
  std::unique_ptr<TxnInspectionStore> StoreIn(MDB_txn* txn) const {
    auto draws = DrawStoreIn(txn, *draws_);
    if (draws == nullptr) return nullptr;
    return std::make_unique<TxnInspectionStore>(txn, dbs_, std::move(draws));
  }

 private:
  Dbs dbs_{};
  const ProjectionFolder* draws_;
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

}  // namespace suiji
