// Which signing keys are in force at each position of a ledger, folded from its key events.
//
// Rules (the same for the writer, before it appends, and for the verifier):
// - Entry 0 is Genesis, signed by the root key it names; the root key is an authority key
//   from then on.
// - KeyRegistered and KeyRevoked must be signed by an authority key. A key registered by
//   the entry at sequence r is in force for entries r+1 onwards; a key revoked at sequence v
//   (by KeyRevoked, or by a KeyRegistered that replaces it) is out of force from v+1 on.
// - Other events must be signed by a key with the Writer or Authority role.
// - A checkpoint of tree size S must be signed by a key with the Checkpoint role in force at
//   position S (after entries 0..S-1).
// - No event may leave the ledger without an authority key in force.
//
// Not thread-safe; copyable (the writer checks a batch against a copy before committing).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/envelope.h"

namespace suiji {

inline constexpr uint32_t kRoleAuthority = static_cast<uint32_t>(schema::KeyRole::Authority);
inline constexpr uint32_t kRoleWriter = static_cast<uint32_t>(schema::KeyRole::Writer);
inline constexpr uint32_t kRoleCheckpoint = static_cast<uint32_t>(schema::KeyRole::Checkpoint);

std::string RoleNames(uint32_t roles);

struct KeyInfo {
  std::string key_id;
  PublicKey public_key{};
  uint32_t roles = 0;
  std::string label;
  uint64_t registered_at = 0;               // sequence of the registering event
  std::optional<uint64_t> revoked_at;       // sequence of the revoking event
};

class KeyRegistry {
 public:
  // Resolves the public key that must have signed `e`, checking that its key is known, in
  // force at e.sequence() and allowed to sign this event type. Does not check the
  // signature itself (callers may verify many in parallel). kPermissionDenied naming the
  // key and the reason; kDataLoss for a malformed genesis.
  StatusOr<PublicKey> ResolveSigner(const EntryView& e) const;

  // Folds `e` (already resolved and verified) into the state. Key events change the keys
  // in force; other events change nothing. kFailedPrecondition if the event would leave
  // no authority key, registers a key twice, or revokes an unknown or revoked key;
  // kDataLoss for a malformed key payload.
  Status Apply(const EntryView& e);

  // The keys with the Checkpoint role in force at position `size` (after entries 0..size-1).
  std::vector<const KeyInfo*> CheckpointKeysAt(uint64_t size) const;
  const KeyInfo* Find(std::string_view key_id) const;
  const std::map<std::string, KeyInfo, std::less<>>& keys() const { return keys_; }
  // Ledger id from genesis (empty before entry 0 is applied).
  const std::string& ledger_id() const { return ledger_id_; }

 private:
  static bool InForce(const KeyInfo& k, uint64_t position);
  size_t AuthoritiesInForceAfter(uint64_t seq, const std::string& revoking) const;

  std::string ledger_id_;
  std::map<std::string, KeyInfo, std::less<>> keys_;
};

}  // namespace suiji
