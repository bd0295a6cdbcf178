#include "verifier/compact_state.h"

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
  auto it = shelf_.find(code);
  if (it == shelf_.end()) return;
  const std::string& s = it->second;
  const size_t sep = s.find('\x1f', 1);
  directory::TargetRecord t;
  t.credit_code = code;
  t.status = static_cast<directory::TargetStatus>(static_cast<uint8_t>(s[0]));
  t.region = s.substr(1, sep - 1);
  t.org_id = s.substr(sep + 1);
  dir.targets.insert_or_assign(code, std::move(t));
}

void TargetShelf::Return(directory::MemoryDirectory& dir, const std::string& code) {
  auto it = dir.targets.find(code);
  if (it == dir.targets.end()) return;
  const directory::TargetRecord& t = it->second;
  std::string s(1, static_cast<char>(static_cast<uint8_t>(t.status)));
  s += t.region;
  s += '\x1f';
  s += t.org_id;
  shelf_.insert_or_assign(code, std::move(s));
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
