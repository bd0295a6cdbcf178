// Users, roles and tokens on a node (schemas/identity.fbs): registering and disabling users,
// issuing and revoking bearer tokens. Used by `suiji user|token` and by the HTTP API, which
// also reads the identity state to authenticate requests. A token is 32 random bytes shown
// once as "sj_" + base64url; the log keeps its SHA-256.
//
// The state it decides and authenticates against is the identity folder of the node's
// projections (projections/identity_projection.h: LMDB, caught up from the log, never folded
// whole at start), or, for a service built without projections (tests, benchmarks), its own
// in-memory fold of the log (IdentityWorld). The rules are the same code either way
// (identity::IdentityStore).
//
// Lifetime: borrows the Ledger and the log, which must outlive it. Not thread-safe for
// writes; with a projection, the reads (User, Authenticate, ...) may be called from several
// threads.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ledger/core/identity/identity.h"
#include "ledger/ledger.h"
#include "projections/identity_projection.h"

namespace suiji {

struct IssuedToken {
  std::string token_id;
  std::string token;  // the secret, shown once
  uint64_t sequence = 0;
};

class IdentityService {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since 1970 UTC
  // Decides against the identity folder of `projection` (the node's projections, opened once
  // per process: DirectoryProjection::projection() or OpenProjections()).
  IdentityService(Ledger& ledger, std::shared_ptr<LmdbProjection> projection, const LogStorage& log,
                  Clock clock = {});
  // Decides against its own in-memory fold of `log` (IdentityWorld), which Sync folds from
  // the start: for tests and tools that open no projections.
  IdentityService(Ledger& ledger, const LogStorage& log, Clock clock = {});

  // Brings the state to the end of the log: the projection's catch-up (every folder), or the
  // in-memory fold.
  Status Sync();
  // The in-memory fold of a service built without a projection (tests). A service over a
  // projection has none: this aborts.
  const identity::IdentityWorld& world() const;
  int64_t NowUs() const;

  // Runs fn over the identity state at one log position (one read transaction of the
  // projection, or the in-memory fold). Returns fn's status, or the storage's failure.
  Status Read(const std::function<Status(const identity::IdentityStore&)>& fn) const;
  // Reads of one record each (Read in one call).
  StatusOr<std::optional<identity::UserInfo>> User(std::string_view user_id) const;
  StatusOr<std::optional<identity::TokenInfo>> Token(std::string_view token_id) const;
  StatusOr<std::optional<identity::TokenInfo>> TokenByHash(const Hash& token_sha256) const;
  StatusOr<std::optional<std::string>> OrgRegion(std::string_view org_id) const;
  StatusOr<std::optional<identity::RequestInfo>> Request(std::string_view user, std::string_view key) const;
  // True if `user`'s jurisdiction covers every org unit of the node.
  StatusOr<bool> CoversAll(const identity::UserInfo& user) const;
  // The number of log entries the state has folded.
  StatusOr<uint64_t> Applied() const;

  StatusOr<uint64_t> RegisterUser(const identity::UserRecord& u, const Actor& actor);
  StatusOr<uint64_t> DisableUser(const identity::UserDisabledRecord& d, const Actor& actor);
  // A fresh token for `user_id`; ttl_seconds 0 never expires. Only `user_id` itself issues
  // it (kPermissionDenied otherwise), or the node operator: an actor that is no registered
  // user (IdentityWorld::TokenIssuerRefusal).
  StatusOr<IssuedToken> IssueToken(std::string_view user_id, std::string_view label,
                                   int64_t ttl_seconds, const Actor& actor);
  StatusOr<uint64_t> RevokeToken(const identity::TokenRevokedRecord& r, const Actor& actor);
  // Appends 404 CredentialSet: that `c.user_id`'s password was set by `actor` (the user
  // itself, an administrator covering it, or the node operator: kPermissionDenied otherwise,
  // identity::CredentialSetterRefusal; kNotFound for no such user, kFailedPrecondition for a
  // disabled one). The password itself goes elsewhere (api/credentials.h: SetPassword).
  StatusOr<uint64_t> RecordCredentialSet(const identity::CredentialSetRecord& c, const Actor& actor);

  // The enabled user holding this bearer token, if the token is known, unrevoked and
  // unexpired; kUnauthenticated-like failures are kPermissionDenied naming why. A storage
  // failure is its own status. `token_id`, if given, is set to the token's id when the token
  // is known (whatever else is wrong with it). The user is a copy of the state read.
  StatusOr<std::shared_ptr<const identity::UserInfo>> Authenticate(std::string_view token,
                                                                   std::string* token_id = nullptr) const;

 private:
  StatusOr<uint64_t> AppendChecked(const std::function<StatusOr<EventDraft>(const identity::IdentityStore&)>& decide);

  Ledger& ledger_;
  const LogStorage& log_;
  Clock clock_;
  std::unique_ptr<IdentityProjection> projection_;  // null: the in-memory fold
  identity::IdentityWorld world_;
  uint64_t applied_ = 0;
};

}  // namespace suiji
