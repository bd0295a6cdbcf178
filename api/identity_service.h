// Users, roles and tokens on a node (schemas/identity.fbs): registering and disabling users,
// issuing and revoking bearer tokens. Used by `suiji user|token` and by the HTTP API, which
// also reads the world to authenticate requests. A token is 32 random bytes shown once as
// "sj_" + base64url; the log keeps its SHA-256.
//
// Lifetime: borrows the Ledger and the log, which must outlive it. Not thread-safe.
#pragma once

#include <functional>
#include <string>

#include "ledger/core/identity/identity.h"
#include "ledger/ledger.h"

namespace suiji {

struct IssuedToken {
  std::string token_id;
  std::string token;  // the secret, shown once
  uint64_t sequence = 0;
};

class IdentityService {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since 1970 UTC
  IdentityService(Ledger& ledger, const LogStorage& log, Clock clock = {});

  Status Sync();
  const identity::IdentityWorld& world() const { return world_; }
  int64_t NowUs() const;

  StatusOr<uint64_t> RegisterUser(const identity::UserRecord& u, const Actor& actor);
  StatusOr<uint64_t> DisableUser(const identity::UserDisabledRecord& d, const Actor& actor);
  // A fresh token for `user_id`; ttl_seconds 0 never expires. Only `user_id` itself issues
  // it (kPermissionDenied otherwise), or the node operator: an actor that is no registered
  // user (IdentityWorld::TokenIssuerRefusal).
  StatusOr<IssuedToken> IssueToken(std::string_view user_id, std::string_view label,
                                   int64_t ttl_seconds, const Actor& actor);
  StatusOr<uint64_t> RevokeToken(const identity::TokenRevokedRecord& r, const Actor& actor);

  // The enabled user holding this bearer token, if the token is known, unrevoked and
  // unexpired; kUnauthenticated-like failures are kPermissionDenied naming why.
  StatusOr<const identity::UserInfo*> Authenticate(std::string_view token) const;

 private:
  StatusOr<uint64_t> AppendChecked(const std::function<StatusOr<EventDraft>()>& decide);

  Ledger& ledger_;
  const LogStorage& log_;
  Clock clock_;
  identity::IdentityWorld world_;
  uint64_t applied_ = 0;
};

}  // namespace suiji
