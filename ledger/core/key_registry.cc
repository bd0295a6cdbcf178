#include "ledger/core/key_registry.h"

#include <sodium.h>

#include <cstring>

namespace suiji {

std::string RoleNames(uint32_t roles) {
  std::string out;
  auto add = [&](uint32_t bit, const char* name) {
    if ((roles & bit) == 0) return;
    if (!out.empty()) out += ",";
    out += name;
  };
  add(kRoleAuthority, "authority");
  add(kRoleWriter, "writer");
  add(kRoleCheckpoint, "checkpoint");
  return out.empty() ? "none" : out;
}

bool KeyRegistry::InForce(const KeyInfo& k, uint64_t position) {
  // The root key is in force at position 0 to sign genesis itself.
  bool registered = k.registered_at < position || (k.registered_at == 0 && position == 0);
  bool revoked = k.revoked_at.has_value() && *k.revoked_at < position;
  return registered && !revoked;
}

const KeyInfo* KeyRegistry::Find(std::string_view key_id) const {
  auto it = keys_.find(key_id);
  return it == keys_.end() ? nullptr : &it->second;
}

StatusOr<PublicKey> KeyRegistry::ResolveSigner(const EntryView& e) const {
  const uint64_t seq = e.sequence();
  if (seq == 0) {
    if (e.type() != EventType::Genesis) return DataLoss("entry 0 is not a Genesis event");
    SUIJI_RETURN_IF_ERROR(VerifyPayload(EventType::Genesis, e.payload()));
    const auto* g = PayloadAs<schema::Genesis>(e);
    if (g->root_public_key() == nullptr || g->root_public_key()->size() != 32) {
      return DataLoss("genesis root public key is not 32 bytes");
    }
    PublicKey pk{};
    std::memcpy(pk.data(), g->root_public_key()->data(), pk.size());
    if (KeyIdOf(pk) != e.key_id()) {
      return PermissionDenied("genesis is not signed by the root key it names");
    }
    return pk;
  }
  if (e.type() == EventType::Genesis) return DataLoss("a second Genesis event");
  const KeyInfo* k = Find(e.key_id());
  if (k == nullptr) {
    return PermissionDenied("signed by key " + std::string(e.key_id()) +
                            ", which is not registered in this ledger");
  }
  if (!InForce(*k, seq)) {
    return PermissionDenied("signed by key " + k->key_id + ", which was revoked at sequence " +
                            std::to_string(k->revoked_at.value_or(0)));
  }
  const bool key_event = e.type() == EventType::KeyRegistered || e.type() == EventType::KeyRevoked;
  const uint32_t need = key_event ? kRoleAuthority : (kRoleWriter | kRoleAuthority);
  if ((k->roles & need) == 0) {
    return PermissionDenied("key " + k->key_id + " (roles " + RoleNames(k->roles) +
                            ") may not sign a " + std::string(EventTypeName(e.type())) +
                            " event");
  }
  return k->public_key;
}

size_t KeyRegistry::AuthoritiesInForceAfter(uint64_t seq, const std::string& revoking) const {
  size_t n = 0;
  for (const auto& [id, k] : keys_) {
    if ((k.roles & kRoleAuthority) != 0 && InForce(k, seq + 1) && id != revoking) ++n;
  }
  return n;
}

Status KeyRegistry::Apply(const EntryView& e) {
  const uint64_t seq = e.sequence();
  switch (e.type()) {
    case EventType::Genesis: {
      if (seq != 0 || !keys_.empty()) return FailedPrecondition("Genesis after entry 0");
      const auto* g = PayloadAs<schema::Genesis>(e);
      KeyInfo k;
      std::memcpy(k.public_key.data(), g->root_public_key()->data(), k.public_key.size());
      k.key_id = KeyIdOf(k.public_key);
      k.roles = kRoleAuthority;
      k.label = "root";
      k.registered_at = 0;
      ledger_id_ = g->ledger_id() ? g->ledger_id()->str() : std::string();
      keys_.emplace(k.key_id, std::move(k));
      return OkStatus();
    }
    case EventType::KeyRegistered: {
      SUIJI_RETURN_IF_ERROR(VerifyPayload(e.type(), e.payload()));
      const auto* r = PayloadAs<schema::KeyRegistered>(e);
      if (r->public_key() == nullptr || r->public_key()->size() != 32) {
        return DataLoss("KeyRegistered public key is not 32 bytes");
      }
      KeyInfo k;
      std::memcpy(k.public_key.data(), r->public_key()->data(), k.public_key.size());
      k.key_id = KeyIdOf(k.public_key);
      k.roles = static_cast<uint32_t>(r->roles());
      k.label = r->label() ? r->label()->str() : std::string();
      k.registered_at = seq;
      if (k.roles == 0) return FailedPrecondition("KeyRegistered with no role");
      // A small-order or off-curve point could never sign anything, or would sign everything.
      if (crypto_core_ed25519_is_valid_point(k.public_key.data()) != 1) {
        return FailedPrecondition("key " + k.key_id + " is not a valid Ed25519 public key");
      }
      if (keys_.count(k.key_id) != 0) {
        return FailedPrecondition("key " + k.key_id + " is already registered");
      }
      std::string replaces = r->replaces_key_id() ? r->replaces_key_id()->str() : std::string();
      if (!replaces.empty()) {
        auto it = keys_.find(replaces);
        if (it == keys_.end() || !InForce(it->second, seq)) {
          return FailedPrecondition("rotation replaces key " + replaces +
                                    ", which is not in force");
        }
        if ((k.roles & kRoleAuthority) == 0 && AuthoritiesInForceAfter(seq, replaces) == 0) {
          return FailedPrecondition("rotating key " + replaces + " to a key without the "
                                    "authority role would leave no authority key");
        }
        it->second.revoked_at = seq;
      }
      keys_.emplace(k.key_id, std::move(k));
      return OkStatus();
    }
    case EventType::KeyRevoked: {
      SUIJI_RETURN_IF_ERROR(VerifyPayload(e.type(), e.payload()));
      const auto* r = PayloadAs<schema::KeyRevoked>(e);
      std::string id = r->key_id() ? r->key_id()->str() : std::string();
      auto it = keys_.find(id);
      if (it == keys_.end() || !InForce(it->second, seq)) {
        return FailedPrecondition("revokes key " + id + ", which is not in force");
      }
      if (AuthoritiesInForceAfter(seq, id) == 0) {
        return FailedPrecondition("revoking key " + id + " would leave no authority key");
      }
      it->second.revoked_at = seq;
      return OkStatus();
    }
    default:
      return OkStatus();
  }
}

std::vector<const KeyInfo*> KeyRegistry::CheckpointKeysAt(uint64_t size) const {
  std::vector<const KeyInfo*> out;
  for (const auto& [id, k] : keys_) {
    if ((k.roles & kRoleCheckpoint) != 0 && InForce(k, size)) out.push_back(&k);
  }
  return out;
}

}  // namespace suiji
