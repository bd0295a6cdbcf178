#include "ledger/core/envelope.h"

#include "schemas/directory_generated.h"
#include "schemas/draw_generated.h"
#include "schemas/identity_generated.h"
#include "schemas/inspection_generated.h"

#include <cstring>

namespace suiji {

namespace {

ByteView VecView(const flatbuffers::Vector<uint8_t>* v) {
  if (v == nullptr) return {};
  return {v->data(), v->size()};
}

template <typename T>
Bytes Finish(flatbuffers::FlatBufferBuilder& fbb, flatbuffers::Offset<T> root) {
  fbb.Finish(root);
  return Bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

template <typename T>
bool VerifyTable(ByteView b) {
  flatbuffers::Verifier v(b.data(), b.size(), /*max_depth=*/32, /*max_tables=*/10000);
  return v.VerifyBuffer<T>(nullptr);
}

}  // namespace

Bytes BuildEntry(const EntryFields& f, const KeyPair& key) {
  // Builders are reused per thread: allocation dominates otherwise.
  thread_local flatbuffers::FlatBufferBuilder body_fbb(1024);
  thread_local flatbuffers::FlatBufferBuilder entry_fbb(1024);
  body_fbb.Clear();
  entry_fbb.Clear();

  auto ledger_id = body_fbb.CreateString(f.ledger_id.data(), f.ledger_id.size());
  auto prev = body_fbb.CreateVector(f.prev_hash.data(), f.prev_hash.size());
  auto org = body_fbb.CreateString(f.actor ? f.actor->org_unit : std::string());
  auto user = body_fbb.CreateString(f.actor ? f.actor->user : std::string());
  flatbuffers::Offset<flatbuffers::String> request;
  if (f.actor && !f.actor->request.empty()) request = body_fbb.CreateString(f.actor->request);
  auto actor = schema::CreateActor(body_fbb, org, user, request);
  std::string key_id = key.key_id();
  auto kid = body_fbb.CreateString(key_id);
  auto payload = body_fbb.CreateVector(f.payload.data(), f.payload.size());
  auto body = schema::CreateEventBody(body_fbb, ledger_id, f.sequence, prev, f.time_us, actor,
                                      kid, static_cast<uint16_t>(f.type), payload);
  body_fbb.Finish(body);
  ByteView body_bytes(body_fbb.GetBufferPointer(), body_fbb.GetSize());

  Signature sig = key.Sign(body_bytes);
  entry_fbb.ForceVectorAlignment(body_bytes.size(), 1, 8);  // nested buffer stays aligned
  auto body_vec = entry_fbb.CreateVector(body_bytes.data(), body_bytes.size());
  auto sig_vec = entry_fbb.CreateVector(sig.data(), sig.size());
  auto entry = schema::CreateEntry(entry_fbb, body_vec, sig_vec);
  entry_fbb.Finish(entry, schema::EntryIdentifier());
  return Bytes(entry_fbb.GetBufferPointer(), entry_fbb.GetBufferPointer() + entry_fbb.GetSize());
}

std::string_view EntryView::ledger_id() const {
  return event->ledger_id() ? event->ledger_id()->string_view() : std::string_view();
}
std::string_view EntryView::key_id() const {
  return event->key_id() ? event->key_id()->string_view() : std::string_view();
}
namespace {
std::string_view Str(const flatbuffers::String* s) { return s ? s->string_view() : std::string_view(); }
}  // namespace
std::string_view EntryView::actor_org() const {
  return event->actor() ? Str(event->actor()->org_unit()) : std::string_view();
}
std::string_view EntryView::actor_user() const {
  return event->actor() ? Str(event->actor()->user()) : std::string_view();
}
std::string_view EntryView::actor_request() const {
  return event->actor() ? Str(event->actor()->request()) : std::string_view();
}
ByteView EntryView::payload() const { return VecView(event->payload()); }
Hash EntryView::prev_hash() const {
  Hash h{};
  ByteView p = VecView(event->prev_hash());
  if (p.size() == h.size()) std::memcpy(h.data(), p.data(), h.size());
  return h;
}

StatusOr<EntryView> ParseEntry(ByteView bytes) {
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(bytes.data(), schema::EntryIdentifier())) {
    return DataLoss("entry is not a Suiji entry (missing SJE1 identifier)");
  }
  if (!VerifyTable<schema::Entry>(bytes)) return DataLoss("entry buffer is malformed");
  const auto* entry = flatbuffers::GetRoot<schema::Entry>(bytes.data());
  EntryView v;
  v.bytes = bytes;
  v.body = VecView(entry->body());
  v.signature = VecView(entry->signature());
  if (v.signature.size() != 64) return DataLoss("entry signature is not 64 bytes");
  if (v.body.empty() || !VerifyTable<schema::EventBody>(v.body)) {
    return DataLoss("entry body is malformed");
  }
  v.event = flatbuffers::GetRoot<schema::EventBody>(v.body.data());
  if (v.event->prev_hash() == nullptr || v.event->prev_hash()->size() != 32) {
    return DataLoss("entry prev_hash is not 32 bytes");
  }
  if (v.event->ledger_id() == nullptr || v.event->key_id() == nullptr) {
    return DataLoss("entry lacks ledger_id or key_id");
  }
  if (v.payload().size() > kMaxPayloadBytes) return DataLoss("entry payload is over the limit");
  return v;
}

Status VerifyPayload(EventType type, ByteView payload) {
  bool ok = true;
  switch (type) {
    case EventType::Genesis: ok = VerifyTable<schema::Genesis>(payload); break;
    case EventType::KeyRegistered: ok = VerifyTable<schema::KeyRegistered>(payload); break;
    case EventType::KeyRevoked: ok = VerifyTable<schema::KeyRevoked>(payload); break;
    case EventType::Memo: ok = VerifyTable<schema::Memo>(payload); break;
    case EventType::OrgUnitRegistered: ok = VerifyTable<schema::OrgUnit>(payload); break;
    case EventType::TargetRegistered:
    case EventType::TargetUpdated: ok = VerifyTable<schema::Target>(payload); break;
    case EventType::TargetRetired: ok = VerifyTable<schema::TargetRetired>(payload); break;
    case EventType::InspectorRegistered:
    case EventType::InspectorUpdated: ok = VerifyTable<schema::Inspector>(payload); break;
    case EventType::InspectorRetired: ok = VerifyTable<schema::InspectorRetired>(payload); break;
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn: ok = VerifyTable<schema::Conflict>(payload); break;
    case EventType::ItemListPublished: ok = VerifyTable<schema::ItemList>(payload); break;
    case EventType::CalendarPublished: ok = VerifyTable<schema::Calendar>(payload); break;
    case EventType::PlanFiled: ok = VerifyTable<schema::Plan>(payload); break;
    case EventType::TaskDefined: ok = VerifyTable<schema::Task>(payload); break;
    case EventType::TaskWithdrawn: ok = VerifyTable<schema::TaskWithdrawn>(payload); break;
    case EventType::DrawFrozen: ok = VerifyTable<schema::DrawFrozen>(payload); break;
    case EventType::DrawCommitted: ok = VerifyTable<schema::DrawCommitted>(payload); break;
    case EventType::DrawRevealed: ok = VerifyTable<schema::DrawRevealed>(payload); break;
    case EventType::DrawResult: ok = VerifyTable<schema::DrawResult>(payload); break;
    case EventType::DrawCancelled: ok = VerifyTable<schema::DrawCancelled>(payload); break;
    case EventType::AssignmentDeclined:
      ok = VerifyTable<schema::AssignmentDeclined>(payload);
      break;
    case EventType::TargetsAnnounced: ok = VerifyTable<schema::Announcement>(payload); break;
    case EventType::ResultRecorded: ok = VerifyTable<schema::InspectionResult>(payload); break;
    case EventType::ResultSubmitted:
    case EventType::ResultPublished: ok = VerifyTable<schema::ResultStep>(payload); break;
    case EventType::ResultReviewed: ok = VerifyTable<schema::ResultReview>(payload); break;
    case EventType::ResultCorrected: ok = VerifyTable<schema::ResultCorrection>(payload); break;
    case EventType::ResultInternalNote:
      ok = VerifyTable<schema::ResultInternalNote>(payload);
      break;
    case EventType::ResultConfirmed:
      ok = VerifyTable<schema::ResultConfirmation>(payload);
      break;
    case EventType::CaseTransferred: ok = VerifyTable<schema::CaseTransfer>(payload); break;
    case EventType::CreditReevaluated:
      ok = VerifyTable<schema::CreditReevaluation>(payload);
      break;
    case EventType::UserRegistered: ok = VerifyTable<schema::User>(payload); break;
    case EventType::UserDisabled: ok = VerifyTable<schema::UserDisabled>(payload); break;
    case EventType::TokenIssued: ok = VerifyTable<schema::TokenIssued>(payload); break;
    case EventType::TokenRevoked: ok = VerifyTable<schema::TokenRevoked>(payload); break;
    case EventType::CredentialSet: ok = VerifyTable<schema::CredentialSet>(payload); break;
    default: break;
  }
  if (!ok) return DataLoss(std::string(EventTypeName(type)) + " payload is malformed");
  return OkStatus();
}

Bytes MakeGenesisPayload(std::string_view ledger_id, const PublicKey& root,
                         std::string_view description, int64_t created_time_us) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString(ledger_id.data(), ledger_id.size());
  auto pk = fbb.CreateVector(root.data(), root.size());
  auto desc = fbb.CreateString(description.data(), description.size());
  return Finish(fbb, schema::CreateGenesis(fbb, id, pk, desc, created_time_us));
}

Bytes MakeKeyRegisteredPayload(const PublicKey& pk, uint32_t roles, std::string_view label,
                               std::string_view replaces_key_id) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto pkv = fbb.CreateVector(pk.data(), pk.size());
  auto lab = fbb.CreateString(label.data(), label.size());
  auto rep = fbb.CreateString(replaces_key_id.data(), replaces_key_id.size());
  return Finish(fbb, schema::CreateKeyRegistered(fbb, pkv, static_cast<schema::KeyRole>(roles),
                                                 lab, rep));
}

Bytes MakeKeyRevokedPayload(std::string_view key_id, std::string_view reason) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto kid = fbb.CreateString(key_id.data(), key_id.size());
  auto why = fbb.CreateString(reason.data(), reason.size());
  return Finish(fbb, schema::CreateKeyRevoked(fbb, kid, why));
}

Bytes MakeMemoPayload(std::string_view subject, std::string_view text) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto s = fbb.CreateString(subject.data(), subject.size());
  auto t = fbb.CreateString(text.data(), text.size());
  return Finish(fbb, schema::CreateMemo(fbb, s, t));
}

std::string_view EventTypeName(EventType type) {
  // Generated from events.fbs, so a new type is named without touching this file.
  const char* name = schema::EnumNameEventType(type);
  return (name != nullptr && *name != '\0') ? std::string_view(name) : "Unregistered";
}

}  // namespace suiji
