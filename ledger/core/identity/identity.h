// Identity (R15, R19): the users of a node's HTTP API, their roles and jurisdiction, their
// bearer tokens (schemas/identity.fbs, events 400-403), and the idempotency keys of the
// requests that made events (Actor.request).
//
// IdentityWorld folds the log: it also applies OrgUnitRegistered, because a user's
// jurisdiction is the region of the org unit it acts for (that region and every region below
// it, GB/T 2260). Each Check* states why an event would be refused; Apply refuses the same
// events, so the server and a replay agree.
//
// Pure: no I/O. Not thread-safe. Lifetime: a value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"

namespace suiji::identity {

enum class Role : uint8_t {
  kRegistryClerk,  // directories: employers, inspectors, conflicts, imports
  kPlanner,        // plans, tasks, the draw ceremony, announcements
  kInspector,      // records and submits results, only for visits it is on
  kReviewer,       // reviews, publishes and corrects results; follow-up
  kSupervisor,     // reads everything in its jurisdiction, runs verification, statistics
  kAdministrator,  // users and tokens
};
inline constexpr Role kAllRoles[] = {Role::kRegistryClerk, Role::kPlanner,    Role::kInspector,
                                     Role::kReviewer,      Role::kSupervisor, Role::kAdministrator};
std::string_view RoleName(Role r);  // "registry_clerk", ...
std::optional<Role> RoleFromName(std::string_view name);

struct UserRecord {
  std::string user_id;
  std::string name;
  std::string org_id;
  std::vector<std::string> roles;
  std::string inspector_id;
  Bytes public_key;  // empty, or 32 bytes
  std::string note;
  bool operator==(const UserRecord&) const = default;
};

struct UserDisabledRecord {
  std::string user_id;
  std::string reason;
};

struct TokenRecord {
  std::string token_id;
  std::string user_id;
  Hash token_sha256{};
  int64_t expires_us = 0;
  std::string label;
};

struct TokenRevokedRecord {
  std::string token_id;
  std::string reason;
};

Bytes EncodeUser(const UserRecord& u);
Bytes EncodeUserDisabled(const UserDisabledRecord& d);
Bytes EncodeToken(const TokenRecord& t);
Bytes EncodeTokenRevoked(const TokenRevokedRecord& r);
StatusOr<UserRecord> DecodeUser(ByteView b);
StatusOr<UserDisabledRecord> DecodeUserDisabled(ByteView b);
StatusOr<TokenRecord> DecodeToken(ByteView b);
StatusOr<TokenRevokedRecord> DecodeTokenRevoked(ByteView b);

bool IsIdentityEvent(EventType t);

// The roles whose holders may write an event of type `t` through the HTTP API (R15, R19).
// Empty for the node operator's own events (genesis, keys, memos), which no registered user
// writes. The server's route table grants the same roles; the verifier's authority audit
// (verifier/authority_audit.h) checks every event that names a registered user against it.
std::vector<Role> RolesForEvent(EventType t);

// Ids of users and tokens: [A-Za-z0-9._@-], 1-64 characters.
bool ValidId(std::string_view id);

struct UserInfo {
  UserRecord user;
  uint32_t version = 0;
  bool disabled = false;
  std::string region;  // of its org unit
  bool Has(Role r) const;
  // True if `region` is the user's region or below it.
  bool Covers(std::string_view region) const;
};

struct TokenInfo {
  TokenRecord token;
  bool revoked = false;
  uint64_t sequence = 0;  // where it was issued
};

// The events one request made (Actor.request), keyed by user and idempotency key. The HTTP
// server writes Actor.request as the key, a tab, and the hex SHA-256 of the request (method,
// target, body), so a key reused for another request is told apart after a restart too;
// `digest` is empty for a request field without a tab.
struct RequestInfo {
  uint64_t first = 0;
  uint64_t count = 0;
  EventType type = EventType::Unknown;  // of the first
  std::string digest;
};

class IdentityWorld {
 public:
  // Folds one entry of any type, in log order. Refused events (kFailedPrecondition or
  // kInvalidArgument naming the problem) leave the world unchanged.
  Status Apply(const EntryView& e);

  Status CheckUser(const UserRecord& u) const;
  Status CheckDisable(const UserDisabledRecord& d) const;
  Status CheckToken(const TokenRecord& t) const;
  Status CheckRevoke(const TokenRevokedRecord& r) const;
  // Separation of duties: a bearer token is issued only by the user it is for, so that no
  // one (an administrator included) ever holds another user's credential. `issuer` is the
  // acting user of the TokenIssued event; a name that is no registered user is the node
  // operator on the command line, who bootstraps first tokens (it holds the node key). Why
  // `issuer` may not issue `t`, or empty. Checked by IdentityService and the authority
  // audit, not by Apply: it is a rule of authority, like roles and jurisdiction.
  std::string TokenIssuerRefusal(std::string_view issuer, const TokenRecord& t) const;

  const UserInfo* User(std::string_view user_id) const;
  const TokenInfo* Token(std::string_view token_id) const;
  const TokenInfo* TokenByHash(const Hash& token_sha256) const;
  // The enabled user whose registered public key is `key`, if any.
  const UserInfo* UserByKey(ByteView key) const;
  std::optional<std::string> OrgRegion(std::string_view org_id) const;
  const RequestInfo* Request(std::string_view user, std::string_view key) const;

  const std::map<std::string, UserInfo, std::less<>>& users() const { return users_; }
  const std::map<std::string, TokenInfo, std::less<>>& tokens() const { return tokens_; }
  const std::map<std::string, std::string, std::less<>>& org_regions() const { return org_regions_; }
  uint64_t size() const { return size_; }  // entries folded

 private:
  std::map<std::string, std::string, std::less<>> org_regions_;
  std::map<std::string, UserInfo, std::less<>> users_;
  std::map<std::string, TokenInfo, std::less<>> tokens_;
  std::map<Hash, std::string> token_by_hash_;
  std::map<std::string, RequestInfo, std::less<>> requests_;
  uint64_t size_ = 0;
};

}  // namespace suiji::identity
