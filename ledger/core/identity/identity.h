// Identity (R15, R19): the users of a node's HTTP API, their roles and jurisdiction, their
// bearer tokens (schemas/identity.fbs, events 400-403), and the idempotency keys of the
// requests that made events (Actor.request).
//
// The fold (ApplyIdentityEntry) also applies OrgUnitRegistered, because a user's
// jurisdiction is the region of the org unit it acts for (that region and every region below
// it, GB/T 2260). Each Check* states why an event would be refused; the fold refuses the same
// events, so the server and a replay agree. The rules are written once over IdentityStore;
// IdentityWorld folds into memory, the identity projection (projections/) into LMDB.
//
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <functional>
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
  bool operator==(const TokenRecord&) const = default;
};

struct TokenRevokedRecord {
  std::string token_id;
  std::string reason;
};

// 404 CredentialSet: that a sign-in password of `user_id` was set (never the password or its
// hash, which live outside the log). Who set it is the event's acting user.
struct CredentialSetRecord {
  std::string user_id;
  std::string kind = "password";
  std::string reason;
  bool operator==(const CredentialSetRecord&) const = default;
};

Bytes EncodeUser(const UserRecord& u);
Bytes EncodeUserDisabled(const UserDisabledRecord& d);
Bytes EncodeToken(const TokenRecord& t);
Bytes EncodeTokenRevoked(const TokenRevokedRecord& r);
StatusOr<UserRecord> DecodeUser(ByteView b);
StatusOr<UserDisabledRecord> DecodeUserDisabled(ByteView b);
StatusOr<TokenRecord> DecodeToken(ByteView b);
StatusOr<TokenRevokedRecord> DecodeTokenRevoked(ByteView b);
Bytes EncodeCredentialSet(const CredentialSetRecord& c);
StatusOr<CredentialSetRecord> DecodeCredentialSet(ByteView b);

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
  bool operator==(const UserInfo&) const = default;
};

struct TokenInfo {
  TokenRecord token;
  bool revoked = false;
  uint64_t sequence = 0;  // where it was issued
  bool operator==(const TokenInfo&) const = default;
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
  bool operator==(const RequestInfo&) const = default;
};

// Where the identity fold keeps its state. The rules (the Check* functions and
// ApplyIdentityEntry below) are written once, over this interface; two stores hold the state:
// MemoryIdentityStore (IdentityWorld: the verifier's fold and the tests' oracle) and the
// identity projection (projections/identity_projection.h: LMDB, which every node process
// decides and authenticates against).
//
// Reads return copies. A store that can fail (storage) answers "absent" after a failure and
// keeps the first error in status(): whoever decided with it checks status() before acting
// on the decision. Lifetime and thread-safety: the implementation's.
class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  // The first storage failure of this store's reads and writes (always ok in memory).
  virtual Status status() const { return OkStatus(); }

  virtual std::optional<UserInfo> GetUser(std::string_view user_id) const = 0;
  virtual std::optional<TokenInfo> GetToken(std::string_view token_id) const = 0;
  virtual std::optional<std::string> TokenIdByHash(const Hash& token_sha256) const = 0;
  // The first enabled user, in user id order, whose registered public key is `key`.
  virtual std::optional<std::string> EnabledUserByKey(ByteView key) const = 0;
  // The enabled users, in id order, acting as directory inspector `inspector_id`.
  virtual std::vector<std::string> EnabledUsersOfInspector(std::string_view inspector_id) const = 0;
  virtual std::optional<std::string> GetOrgRegion(std::string_view org_id) const = 0;
  // Calls fn(org_id, region) for every org unit, in org id order, until fn returns false.
  virtual void ForEachOrgRegion(const std::function<bool(std::string_view, std::string_view)>& fn) const = 0;
  // Calls fn for every user (disabled ones too), in id order, until fn returns false.
  virtual void ForEachUser(const std::function<bool(const UserInfo&)>& fn) const = 0;
  // The tokens issued for `user_id`, in token id order.
  virtual std::vector<TokenInfo> TokensOf(std::string_view user_id) const = 0;
  // The events the request with idempotency key `key` of `user` made (Actor.request).
  virtual std::optional<RequestInfo> GetRequest(std::string_view user, std::string_view key) const = 0;

  virtual void PutOrgRegion(std::string_view org_id, std::string_view region) = 0;
  // `before` is the stored user being replaced (for the indexes), if any.
  virtual void PutUser(const UserInfo& u, const std::optional<UserInfo>& before) = 0;
  // A token just issued (`fresh`), or a stored one changed (revoked).
  virtual void PutToken(const TokenInfo& t, bool fresh) = 0;
  virtual void PutRequest(std::string_view user, std::string_view key, const RequestInfo& r) = 0;
};

// The rules, over any store. Each Check* states why an event would be refused (or OK);
// ApplyIdentityEntry refuses the same events.
Status CheckUser(const IdentityStore& s, const UserRecord& u);
Status CheckDisable(const IdentityStore& s, const UserDisabledRecord& d);
Status CheckToken(const IdentityStore& s, const TokenRecord& t);
Status CheckRevoke(const IdentityStore& s, const TokenRevokedRecord& r);
// A credential is set for a registered, enabled user, of a known kind ("password").
Status CheckCredentialSet(const IdentityStore& s, const CredentialSetRecord& c);
// Who may set a user's credential: the user itself, an enabled administrator whose
// jurisdiction covers the user, or the node operator (an actor that is no registered user, on
// the command line: the first administrator's password). Why `actor` may not, or empty. An
// authority rule like TokenIssuerRefusal: checked by the services and the verifier's
// authority audit, not by the fold.
std::string CredentialSetterRefusal(const IdentityStore& s, std::string_view actor, const CredentialSetRecord& c);
// See IdentityWorld::TokenIssuerRefusal.
std::string TokenIssuerRefusal(const IdentityStore& s, std::string_view issuer, const TokenRecord& t);
// The enabled user whose registered public key is `key`, if any.
std::optional<UserInfo> UserByKey(const IdentityStore& s, ByteView key);
// True if `user`'s jurisdiction covers every org unit's region.
bool CoversAll(const IdentityStore& s, const UserInfo& user);
// Folds one entry of any type, in log order, into `s`: org units' regions, users, tokens,
// and the idempotency key of the request that made it. A refused event (kFailedPrecondition,
// kInvalidArgument or kNotFound naming the problem, as the Check* say) changes nothing.
Status ApplyIdentityEntry(const EntryView& e, IdentityStore& s);

// A store in memory: plain maps, the indexes found by walking them (as the fold always did).
// Not thread-safe. Lifetime: a value.
class MemoryIdentityStore final : public IdentityStore {
 public:
  std::optional<UserInfo> GetUser(std::string_view user_id) const override;
  std::optional<TokenInfo> GetToken(std::string_view token_id) const override;
  std::optional<std::string> TokenIdByHash(const Hash& token_sha256) const override;
  std::optional<std::string> EnabledUserByKey(ByteView key) const override;
  std::vector<std::string> EnabledUsersOfInspector(std::string_view inspector_id) const override;
  std::optional<std::string> GetOrgRegion(std::string_view org_id) const override;
  void ForEachOrgRegion(const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  void ForEachUser(const std::function<bool(const UserInfo&)>& fn) const override;
  std::vector<TokenInfo> TokensOf(std::string_view user_id) const override;
  std::optional<RequestInfo> GetRequest(std::string_view user, std::string_view key) const override;
  void PutOrgRegion(std::string_view org_id, std::string_view region) override;
  void PutUser(const UserInfo& u, const std::optional<UserInfo>& before) override;
  void PutToken(const TokenInfo& t, bool fresh) override;
  void PutRequest(std::string_view user, std::string_view key, const RequestInfo& r) override;

  std::map<std::string, std::string, std::less<>> org_regions;
  std::map<std::string, UserInfo, std::less<>> users;
  std::map<std::string, TokenInfo, std::less<>> tokens;
  std::map<Hash, std::string> token_by_hash;
  std::map<std::string, RequestInfo, std::less<>> requests;  // user "\n" key
};

// The identity fold in memory (a MemoryIdentityStore and the rules above), for the verifier
// and as the oracle the identity projection is tested against. Nothing is ever erased, so the
// pointers it returns stay valid while it lives (what they point to changes with Apply). Not
// thread-safe. Lifetime: a value.
class IdentityWorld {
 public:
  // Folds one entry of any type, in log order. Refused events (kFailedPrecondition or
  // kInvalidArgument naming the problem) leave the world unchanged.
  Status Apply(const EntryView& e);

  Status CheckUser(const UserRecord& u) const { return identity::CheckUser(store_, u); }
  Status CheckDisable(const UserDisabledRecord& d) const { return identity::CheckDisable(store_, d); }
  Status CheckToken(const TokenRecord& t) const { return identity::CheckToken(store_, t); }
  Status CheckRevoke(const TokenRevokedRecord& r) const { return identity::CheckRevoke(store_, r); }
  // Separation of duties: a bearer token is issued only by the user it is for, so that no
  // one (an administrator included) ever holds another user's credential. `issuer` is the
  // acting user of the TokenIssued event; a name that is no registered user is the node
  // operator on the command line, who bootstraps first tokens (it holds the node key). Why
  // `issuer` may not issue `t`, or empty. Checked by IdentityService and the authority
  // audit, not by Apply: it is a rule of authority, like roles and jurisdiction.
  std::string TokenIssuerRefusal(std::string_view issuer, const TokenRecord& t) const {
    return identity::TokenIssuerRefusal(store_, issuer, t);
  }

  const UserInfo* User(std::string_view user_id) const;
  const TokenInfo* Token(std::string_view token_id) const;
  const TokenInfo* TokenByHash(const Hash& token_sha256) const;
  // The enabled user whose registered public key is `key`, if any.
  const UserInfo* UserByKey(ByteView key) const;
  std::optional<std::string> OrgRegion(std::string_view org_id) const { return store_.GetOrgRegion(org_id); }
  const RequestInfo* Request(std::string_view user, std::string_view key) const;

  const std::map<std::string, UserInfo, std::less<>>& users() const { return store_.users; }
  const std::map<std::string, TokenInfo, std::less<>>& tokens() const { return store_.tokens; }
  const std::map<std::string, std::string, std::less<>>& org_regions() const { return store_.org_regions; }
  // The state as the rules read it.
  const IdentityStore& store() const { return store_; }
  uint64_t size() const { return size_; }  // entries folded

 private:
  MemoryIdentityStore store_;
  uint64_t size_ = 0;
};

}  // namespace suiji::identity
