// The identity read model: users (roles, org unit and its region, inspector id, public key,
// disabled), bearer tokens (by id and by the SHA-256 of the secret, with expiry and where they
// were issued), the org units' regions (jurisdiction), and the idempotency keys of the
// requests that made events (Actor.request), folded by identity::ApplyIdentityEntry (the
// rules of ledger/core/identity/identity.h, written once over identity::IdentityStore) into
// the "identity" folder of DIR/projections/state (projections/projections.h).
//
// Every node process decides and authenticates against it: the HTTP server reads it per
// request (one LMDB read transaction, no fold of the log at start), `suiji user|token` decides
// against it, and a token revoked or a user disabled by another process takes effect at the
// server's next catch-up. IdentityWorld (the in-memory fold) stays the verifier's and the
// tests' oracle.
//
// Databases (keys -> values; u32/u64 big-endian):
//   id_orgs        org key -> u32 region length, region, org_id
//   id_users       user_id -> u32 version, u8 disabled, u32 region length, region, User payload
//   id_keys        (dupsort) Ed25519 public key (32 bytes) -> user_id, enabled users only
//   id_inspectors  (dupsort) inspector key -> user_id, enabled users only
//   id_tokens      token_id -> u8 revoked, u64 sequence issued, TokenIssued payload
//   id_token_hash  SHA-256 of the secret (32 bytes) -> token_id
//   id_user_tokens (dupsort) user_id -> token_id
//   id_requests    request key -> u64 first sequence, u64 events, u32 type of the first, digest
// A "key" of a free-form id (org units, inspectors, requests: user "\n" idempotency key) is
// the id itself when it is 1-480 bytes and does not start with 0x01, else 0x01 and its
// SHA-256 (LMDB keys are at most 511 bytes), so any id of the log has one row.
//
// Thread-safety: as LmdbProjection (reads from any thread; a reader's handle that may switch
// to a private view from one). Results are copies.
#pragma once

#include <functional>
#include <memory>

#include "ledger/core/identity/identity.h"
#include "projections/lmdb_projection.h"

namespace suiji {

// The identity folder (for NodeFolders), and its state as an IdentityStore inside one
// transaction of the projection: a read transaction, or (for a folder applied after it) the
// write transaction of an entry, where reads see the entry's effect.
std::unique_ptr<ProjectionFolder> NewIdentityFolder();
std::unique_ptr<identity::IdentityStore> IdentityStoreIn(MDB_txn* txn,
                                                         const ProjectionFolder& identity_folder);

// Reads of the identity folder of projections opened already (OpenProjections, or
// DirectoryProjection::projection()). Lifetime: shares the projection.
class IdentityProjection {
 public:
  explicit IdentityProjection(std::shared_ptr<LmdbProjection> projection);

  // Runs fn over the identity state in one read transaction (a consistent snapshot, at the
  // position Applied() gives inside it). Returns fn's status, or the store's storage failure
  // (which makes the store answer "absent") if there was one.
  Status Read(const std::function<Status(const identity::IdentityStore&)>& fn) const;
  // SHA-256 over the identity folder's databases (LmdbProjection::Digest).
  StatusOr<Hash> Digest() const { return projection_->Digest("identity"); }
  StatusOr<uint64_t> Applied() const { return projection_->Applied(); }
  const std::shared_ptr<LmdbProjection>& projection() const { return projection_; }

 private:
  std::shared_ptr<LmdbProjection> projection_;
  const ProjectionFolder* folder_;
};

}  // namespace suiji
