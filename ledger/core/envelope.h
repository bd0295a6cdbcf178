// Building and reading ledger entries (schemas/envelope.fbs) on their exact stored bytes.
//
// BuildEntry signs the body bytes it has just built and wraps body + signature in an Entry;
// ParseEntry checks a stored entry's structure (FlatBuffers verifier, required fields, sizes)
// without re-serializing anything. An EntryView points into the caller's bytes: it is valid
// only while those bytes are. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"
#include "schemas/envelope_generated.h"
#include "schemas/events_generated.h"

namespace suiji {

using schema::EventType;

// Who performed an action: the acting body (org unit) and person or system.
struct Actor {
  std::string org_unit;
  std::string user;
  // The idempotency key of the request that made the event, if any (api/http): a retried
  // request finds its events by it instead of appending again. Absent from the stored bytes
  // when empty, so entries written before the field existed are unchanged.
  std::string request = {};
};

// Everything the caller decides about an event; the ledger adds position, time and signature.
struct EventDraft {
  EventType type = EventType::Unknown;
  Bytes payload;  // a FlatBuffer of the payload table for `type`
  Actor actor;
};

// Limits that keep one entry small enough for every backend (Kafka's default message size
// is 1 MB) and refuse absurd input early.
inline constexpr size_t kMaxPayloadBytes = 512 * 1024;
inline constexpr size_t kMaxActorFieldBytes = 256;

struct EntryFields {
  std::string_view ledger_id;
  uint64_t sequence = 0;
  Hash prev_hash{};
  int64_t time_us = 0;
  const Actor* actor = nullptr;
  EventType type = EventType::Unknown;
  ByteView payload;
};

// Builds the stored bytes of one entry, signed by `key`.
Bytes BuildEntry(const EntryFields& fields, const KeyPair& key);

// A parsed entry. All views point into the bytes given to ParseEntry.
struct EntryView {
  ByteView bytes;      // the whole stored entry (what the leaf hash covers)
  ByteView body;       // the signed bytes
  ByteView signature;  // 64 bytes
  const schema::EventBody* event = nullptr;

  uint64_t sequence() const { return event->sequence(); }
  EventType type() const { return static_cast<EventType>(event->event_type()); }
  std::string_view ledger_id() const;
  std::string_view key_id() const;
  ByteView payload() const;
  Hash prev_hash() const;  // all zero if absent (ParseEntry guarantees 32 bytes)
  std::string_view actor_org() const;
  std::string_view actor_user() const;
  std::string_view actor_request() const;
};

// kDataLoss naming the problem if the bytes are not a well-formed entry.
StatusOr<EntryView> ParseEntry(ByteView bytes);

// Checks a payload buffer against the table its event type names (FlatBuffers verifier).
// Unknown types pass (their payload is opaque to this version). kDataLoss if malformed.
Status VerifyPayload(EventType type, ByteView payload);

// Typed access to a payload already checked with VerifyPayload for its type; the caller
// checks e.type() first.
template <typename T>
const T* PayloadAs(const EntryView& e) {
  return flatbuffers::GetRoot<T>(e.payload().data());
}

// Payload builders for the ledger's own events.
Bytes MakeGenesisPayload(std::string_view ledger_id, const PublicKey& root,
                         std::string_view description, int64_t created_time_us);
Bytes MakeKeyRegisteredPayload(const PublicKey& pk, uint32_t roles, std::string_view label,
                               std::string_view replaces_key_id);
Bytes MakeKeyRevokedPayload(std::string_view key_id, std::string_view reason);
Bytes MakeMemoPayload(std::string_view subject, std::string_view text);

std::string_view EventTypeName(EventType type);

}  // namespace suiji
