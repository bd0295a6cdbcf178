// Payloads as JSON for the event stream: FlatBuffers' own text generator over the schemas
// (compiled in by CMake from schemas/*.fbs), so every event type is decoded without a
// hand-written converter per type.
#include <flatbuffers/idl.h>

#include <mutex>

#include "api/http/server_internal.h"

namespace suiji::http {

extern const char* const kSchemaText;  // schemas_text.cc, generated

namespace {

// The payload table of each event type (as VerifyPayload in ledger/core/envelope.cc).
const char* TableOf(EventType t) {
  switch (t) {
    case EventType::Genesis: return "Genesis";
    case EventType::KeyRegistered: return "KeyRegistered";
    case EventType::KeyRevoked: return "KeyRevoked";
    case EventType::Memo: return "Memo";
    case EventType::OrgUnitRegistered: return "OrgUnit";
    case EventType::TargetRegistered:
    case EventType::TargetUpdated: return "Target";
    case EventType::TargetRetired: return "TargetRetired";
    case EventType::InspectorRegistered:
    case EventType::InspectorUpdated: return "Inspector";
    case EventType::InspectorRetired: return "InspectorRetired";
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn: return "Conflict";
    case EventType::ItemListPublished: return "ItemList";
    case EventType::CalendarPublished: return "Calendar";
    case EventType::PlanFiled: return "Plan";
    case EventType::TaskDefined: return "Task";
    case EventType::TaskWithdrawn: return "TaskWithdrawn";
    case EventType::DrawFrozen: return "DrawFrozen";
    case EventType::DrawCommitted: return "DrawCommitted";
    case EventType::DrawRevealed: return "DrawRevealed";
    case EventType::DrawResult: return "DrawResult";
    case EventType::DrawCancelled: return "DrawCancelled";
    case EventType::AssignmentDeclined: return "AssignmentDeclined";
    case EventType::TargetsAnnounced: return "Announcement";
    case EventType::ResultRecorded: return "InspectionResult";
    case EventType::ResultSubmitted:
    case EventType::ResultPublished: return "ResultStep";
    case EventType::ResultReviewed: return "ResultReview";
    case EventType::ResultCorrected: return "ResultCorrection";
    case EventType::ResultInternalNote: return "ResultInternalNote";
    case EventType::ResultConfirmed: return "ResultConfirmation";
    case EventType::CaseTransferred: return "CaseTransfer";
    case EventType::CreditReevaluated: return "CreditReevaluation";
    case EventType::UserRegistered: return "User";
    case EventType::UserDisabled: return "UserDisabled";
    case EventType::TokenIssued: return "TokenIssued";
    case EventType::TokenRevoked: return "TokenRevoked";
    case EventType::CredentialSet: return "CredentialSet";
    default: return nullptr;
  }
}

}  // namespace

json EventPayloadJson(EventType type, ByteView payload) {
  const char* table = TableOf(type);
  if (table == nullptr || VerifyPayload(type, payload).ok() == false) return nullptr;
  // A parser per thread: SetRootType mutates it.
  thread_local std::unique_ptr<flatbuffers::Parser> parser;
  if (!parser) {
    auto p = std::make_unique<flatbuffers::Parser>();
    p->opts.strict_json = true;
    p->opts.output_default_scalars_in_json = false;
    if (!p->Parse(kSchemaText)) return json{{"error", "schema: " + p->error_}};
    parser = std::move(p);
  }
  if (!parser->SetRootType((std::string("suiji.schema.") + table).c_str())) return nullptr;
  std::string text;
  if (!flatbuffers::GenerateText(*parser, payload.data(), &text)) return nullptr;
  try {
    return json::parse(text);
  } catch (const json::parse_error&) {
    return nullptr;
  }
}

json EventJson(uint64_t sequence, const EntryView& e) {
  return {{"sequence", sequence},
          {"type", std::string(EventTypeName(e.type()))},
          {"time_us", e.event->time_us()},
          {"actor", {{"org_unit", e.actor_org()}, {"user", e.actor_user()}}},
          {"payload", EventPayloadJson(e.type(), e.payload())}};
}

}  // namespace suiji::http
