#include "verifier/compact_state.h"

#include <algorithm>

#include "ledger/core/codes/region.h"
#include "schemas/directory_generated.h"
#include "schemas/draw_generated.h"
#include "schemas/inspection_generated.h"

namespace suiji {

namespace {

std::string Str(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

// (draw id, credit code) of an inspection event about one result; ("", "") otherwise.
template <typename T>
inspection::ResultKey KeyOf(const T* t) {
  return t == nullptr ? inspection::ResultKey() : inspection::ResultKey(Str(t->draw_id()), Str(t->credit_code()));
}

}  // namespace

// Every field eligibility and the fold read, short shared ones as Dictionary ids; the name
// and blacklist name are left out (see the class comment).
std::string PackedDrawWorld::PackTarget(const directory::TargetRecord& t) {
  std::string out;
  out.reserve(24);
  PutVarint(out, fields_.Id(t.region));
  PutVarint(out, fields_.Id(t.industry));
  PutVarint(out, t.headcount);
  PutVarint(out, fields_.Id(t.credit_grade));
  PutVarint(out, fields_.Id(t.grade_date));
  out.push_back(t.blacklisted ? 1 : 0);
  PutVarint(out, fields_.Id(t.blacklist_from));
  PutVarint(out, fields_.Id(t.blacklist_until));
  out.push_back(static_cast<char>(t.star_level));
  PutVarint(out, t.complaints);
  PutVarint(out, static_cast<uint64_t>(t.status));
  PutVarint(out, fields_.Id(t.org_id));
  return out;
}

directory::TargetRecord PackedDrawWorld::UnpackTarget(std::string_view code, std::string_view s) const {
  directory::TargetRecord t;
  size_t at = 0;
  auto field = [&] { return fields_.Value(static_cast<uint32_t>(GetVarint(s, at))); };
  t.credit_code = code;
  t.region = field();
  t.industry = field();
  t.headcount = static_cast<uint32_t>(GetVarint(s, at));
  t.credit_grade = field();
  t.grade_date = field();
  t.blacklisted = at < s.size() && s[at++] != 0;
  t.blacklist_from = field();
  t.blacklist_until = field();
  t.star_level = at < s.size() ? static_cast<uint8_t>(s[at++]) : 0;
  t.complaints = static_cast<uint32_t>(GetVarint(s, at));
  t.status = static_cast<directory::TargetStatus>(GetVarint(s, at));
  t.org_id = field();
  return t;
}

Status PackedDrawWorld::Apply(const EntryView& e) {
  if (directory::IsDirectoryEvent(e.type())) return directory::ApplyDirectoryEvent(e, *this);
  if (draw::IsDrawEvent(e.type())) return draw::ApplyDrawEvent(e, *this);
  return OkStatus();
}

void PackedDrawWorld::PutTarget(const directory::TargetRecord& t, const std::optional<directory::TargetRecord>&) {
  targets_.Put(t.credit_code, PackTarget(t));
}

std::optional<directory::TargetRecord> PackedDrawWorld::Target(std::string_view code) const {
  auto packed = targets_.Find(code);
  if (!packed) return std::nullopt;
  return UnpackTarget(code, *packed);
}

uint64_t PackedDrawWorld::ForEachTargetIn(const std::vector<std::string>& regions,
                                          const std::function<bool(const directory::TargetRecord&)>& fn) const {
  // Only employers whose region lies within one of `regions` are decoded and passed: the
  // others are out of scope for eligibility, which counts those not passed as out of scope.
  std::vector<int8_t> within(fields_.size(), -1);  // by region id: unknown, no, yes
  uint64_t n = 0;
  targets_.ForEachInKeyOrder([&](std::string_view code, std::string_view packed) {
    size_t at = 0;
    const auto region = static_cast<uint32_t>(GetVarint(packed, at));
    if (region >= within.size()) within.resize(region + 1, -1);
    if (within[region] < 0) {
      bool in = false;
      for (const auto& r : regions) in = in || codes::RegionWithin(fields_.Value(region), r);
      within[region] = in ? 1 : 0;
    }
    if (within[region] == 0) return true;
    ++n;
    return fn(UnpackTarget(code, packed));
  });
  return n;
}

std::string TargetShelf::CodeOf(const EntryView& e) {
  switch (e.type()) {
    case EventType::TargetRegistered:
    case EventType::TargetUpdated: return Str(PayloadAs<schema::Target>(e)->credit_code());
    case EventType::TargetRetired: return Str(PayloadAs<schema::TargetRetired>(e)->credit_code());
    case EventType::CreditReevaluated: return Str(PayloadAs<schema::CreditReevaluation>(e)->credit_code());
    default: return {};
  }
}

void TargetShelf::Lend(directory::MemoryDirectory& dir, const std::string& code) const {
  auto packed = shelf_.Find(code);
  if (!packed) return;
  size_t at = 0;
  directory::TargetRecord t;
  t.credit_code = code;
  t.status = static_cast<directory::TargetStatus>(GetVarint(*packed, at));
  t.region = codes_.Value(static_cast<uint32_t>(GetVarint(*packed, at)));
  t.org_id = codes_.Value(static_cast<uint32_t>(GetVarint(*packed, at)));
  dir.targets.insert_or_assign(code, std::move(t));
}

void TargetShelf::Return(directory::MemoryDirectory& dir, const std::string& code) {
  auto it = dir.targets.find(code);
  if (it == dir.targets.end()) return;
  const directory::TargetRecord& t = it->second;
  std::string s;
  PutVarint(s, static_cast<uint64_t>(t.status));
  PutVarint(s, codes_.Id(t.region));
  PutVarint(s, codes_.Id(t.org_id));
  shelf_.Put(code, s);
  dir.targets.erase(it);
}

void ShrinkDrawVisits(draw::DrawWorld& world, const EntryView& e) {
  if (e.type() != EventType::DrawResult) return;
  const auto* part = PayloadAs<schema::DrawResult>(e);
  auto it = world.draws.find(Str(part->draw_id()));
  if (it != world.draws.end() && it->second.phase == draw::DrawPhase::kResulted) it->second.visits.shrink_to_fit();
}

void TrimResult(inspection::ResultInfo& r) {
  using inspection::ResultState;
  auto drop = [](auto& v) {
    v.clear();
    v.shrink_to_fit();
  };
  drop(r.reviews);
  drop(r.internal_notes);
  drop(r.transfers);
  drop(r.reevaluations);
  if (r.state == ResultState::kApproved || r.state == ResultState::kPublished) {
    drop(r.confirmations);
    drop(r.revision_sha256);
  }
  if (r.revisions.size() > 2) {
    r.revisions.erase(r.revisions.begin() + 1, r.revisions.end() - 1);
    r.revisions.shrink_to_fit();
  }
}

void ResultContents::Note(const EntryView& e) {
  if (e.type() != EventType::ResultRecorded) return;
  const ByteView p = e.payload();
  if (p.data() < export_.data() || p.data() + p.size() > export_.data() + export_.size()) return;
  sequence_.push_back(e.sequence());
  offset_.push_back(static_cast<uint64_t>(p.data() - export_.data()));
  size_.push_back(static_cast<uint32_t>(p.size()));
}

bool ResultContents::Known(uint64_t sequence) const {
  return std::binary_search(sequence_.begin(), sequence_.end(), sequence);
}

void ResultContents::Trim(inspection::ResultInfo& r) const {
  for (auto& rev : r.revisions) {
    if (!Known(rev.sequence)) continue;  // not in the export's mapping: kept whole
    inspection::ResultRecord& rec = rev.record;
    // Swapped with empty ones: `= {}` would keep their capacity.
    std::vector<inspection::ItemResultRecord>().swap(rec.items);
    std::vector<inspection::EvidenceRecord>().swap(rec.evidence);
    std::string().swap(rec.draw_id);
    std::string().swap(rec.credit_code);
  }
}

void ResultContents::Restore(inspection::ResultInfo& r) const {
  for (auto& rev : r.revisions) {
    auto it = std::lower_bound(sequence_.begin(), sequence_.end(), rev.sequence);
    if (it == sequence_.end() || *it != rev.sequence) continue;
    const auto n = static_cast<size_t>(it - sequence_.begin());
    auto rec = inspection::DecodeResult(export_.subspan(offset_[n], size_[n]));
    if (rec.ok()) rev.record = std::move(*rec);  // it decoded when the fold applied it
  }
}

std::vector<inspection::ResultKey> ResultContents::BeforeApply(inspection::InspectionWorld& world,
                                                              const EntryView& e) const {
  std::vector<inspection::ResultKey> restored;
  // R17 reads the employer's other published results when a result names a violation on the
  // no-penalty list (a scan of every result, as the rule's own); a correction compares itself
  // with what stands.
  auto restore_code = [&](std::string_view code) {
    for (auto& [key, r] : world.results) {
      if (key.second != code) continue;
      Restore(r);
      restored.push_back(key);
    }
  };
  auto names_no_penalty = [](const schema::InspectionResult* r) {
    if (r == nullptr || r->items() == nullptr) return false;
    for (const auto* item : *r->items()) {
      if (item == nullptr || item->violations() == nullptr) continue;
      for (const auto* v : *item->violations()) {
        if (v != nullptr && v->no_penalty_list()) return true;
      }
    }
    return false;
  };
  switch (e.type()) {
    case EventType::ResultRecorded: {
      const auto* r = PayloadAs<schema::InspectionResult>(e);
      if (names_no_penalty(r)) restore_code(Str(r->credit_code()));
      break;
    }
    case EventType::ResultCorrected: {
      const auto* c = PayloadAs<schema::ResultCorrection>(e);
      if (c->result() != nullptr) restore_code(Str(c->result()->credit_code()));
      break;
    }
    case EventType::CaseTransferred: {
      auto it = world.results.find(KeyOf(PayloadAs<schema::CaseTransfer>(e)));
      if (it != world.results.end()) {
        Restore(it->second);
        restored.push_back(it->first);
      }
      break;
    }
    default: break;
  }
  return restored;
}

inspection::ResultInfo* ResultOfEvent(inspection::InspectionWorld& world, const EntryView& e) {
  inspection::ResultKey key;
  switch (e.type()) {
    case EventType::ResultRecorded: key = KeyOf(PayloadAs<schema::InspectionResult>(e)); break;
    case EventType::ResultConfirmed: key = KeyOf(PayloadAs<schema::ResultConfirmation>(e)); break;
    case EventType::ResultSubmitted:
    case EventType::ResultPublished: key = KeyOf(PayloadAs<schema::ResultStep>(e)); break;
    case EventType::ResultReviewed: key = KeyOf(PayloadAs<schema::ResultReview>(e)); break;
    case EventType::ResultCorrected: key = KeyOf(PayloadAs<schema::ResultCorrection>(e)->result()); break;
    case EventType::ResultInternalNote: key = KeyOf(PayloadAs<schema::ResultInternalNote>(e)); break;
    case EventType::CaseTransferred: key = KeyOf(PayloadAs<schema::CaseTransfer>(e)); break;
    case EventType::CreditReevaluated: key = KeyOf(PayloadAs<schema::CreditReevaluation>(e)); break;
    default: return nullptr;
  }
  auto it = world.results.find(key);
  return it == world.results.end() ? nullptr : &it->second;
}

}  // namespace suiji
