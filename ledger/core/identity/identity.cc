#include "ledger/core/identity/identity.h"

#include <algorithm>
#include <cstring>

#include "ledger/core/codes/region.h"
#include "ledger/core/directory/records.h"
#include "ledger/core/flatbuffers_util.h"
#include "schemas/identity_generated.h"

namespace suiji::identity {

namespace {

constexpr std::string_view kRoleNames[] = {"registry_clerk", "planner",    "inspector",
                                           "reviewer",       "supervisor", "administrator"};

auto Bytes8(flatbuffers::FlatBufferBuilder& fbb, ByteView b) { return fbb.CreateVector(b.data(), b.size()); }

ByteView View(const flatbuffers::Vector<uint8_t>* v) {
  return v == nullptr ? ByteView() : ByteView(v->data(), v->size());
}

}  // namespace

std::string_view RoleName(Role r) { return kRoleNames[static_cast<size_t>(r)]; }

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::vector<Role> RolesForEvent(EventType t) {
  switch (t) {
    case EventType::OrgUnitRegistered:
    case EventType::CalendarPublished:
    case EventType::UserRegistered:
    case EventType::UserDisabled:
    case EventType::TokenRevoked:
      return {Role::kAdministrator};
    case EventType::TokenIssued:  // by any user, for itself only (IdentityWorld::TokenIssuerRefusal)
    case EventType::CredentialSet:  // by the user itself or an administrator (CredentialSetterRefusal)
      return {std::begin(kAllRoles), std::end(kAllRoles)};
    case EventType::TargetRegistered:
    case EventType::TargetUpdated:
    case EventType::TargetRetired:
    case EventType::InspectorRegistered:
    case EventType::InspectorUpdated:
    case EventType::InspectorRetired:
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn:
    case EventType::ItemListPublished:
      return {Role::kRegistryClerk};
    case EventType::PlanFiled:
    case EventType::TaskDefined:
    case EventType::TaskWithdrawn:
    case EventType::DrawFrozen:
    case EventType::DrawCommitted:
    case EventType::DrawRevealed:
    case EventType::DrawResult:
    case EventType::DrawCancelled:
    case EventType::AssignmentDeclined:
    case EventType::TargetsAnnounced:
      return {Role::kPlanner};
    case EventType::ResultRecorded:
    case EventType::ResultConfirmed:
    case EventType::ResultSubmitted:
      return {Role::kInspector};
    case EventType::ResultInternalNote:
      return {Role::kInspector, Role::kReviewer};
    case EventType::ResultReviewed:
    case EventType::ResultPublished:
    case EventType::ResultCorrected:
    case EventType::CaseTransferred:
    case EventType::CreditReevaluated:
      return {Role::kReviewer};
    default:
      return {};
  }
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '@' || c == '-';
  });
}

bool IsIdentityEvent(EventType t) {
  return t == EventType::UserRegistered || t == EventType::UserDisabled ||
         t == EventType::TokenIssued || t == EventType::TokenRevoked || t == EventType::CredentialSet;
}

Bytes EncodeUser(const UserRecord& u) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString(u.user_id);
  auto name = fbb.CreateString(u.name);
  auto org = fbb.CreateString(u.org_id);
  auto roles = fbb.CreateVectorOfStrings(u.roles);
  auto insp = fbb.CreateString(u.inspector_id);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> key;
  if (!u.public_key.empty()) key = Bytes8(fbb, u.public_key);
  auto note = fbb.CreateString(u.note);
  return fb::Finish(fbb, schema::CreateUser(fbb, id, name, org, roles, insp, key, note));
}

Bytes EncodeUserDisabled(const UserDisabledRecord& d) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto id = fbb.CreateString(d.user_id);
  auto reason = fbb.CreateString(d.reason);
  return fb::Finish(fbb, schema::CreateUserDisabled(fbb, id, reason));
}

Bytes EncodeToken(const TokenRecord& t) {
  flatbuffers::FlatBufferBuilder fbb(192);
  auto id = fbb.CreateString(t.token_id);
  auto user = fbb.CreateString(t.user_id);
  auto hash = Bytes8(fbb, t.token_sha256);
  auto label = fbb.CreateString(t.label);
  return fb::Finish(fbb, schema::CreateTokenIssued(fbb, id, user, hash, t.expires_us, label));
}

Bytes EncodeTokenRevoked(const TokenRevokedRecord& r) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto id = fbb.CreateString(r.token_id);
  auto reason = fbb.CreateString(r.reason);
  return fb::Finish(fbb, schema::CreateTokenRevoked(fbb, id, reason));
}

Bytes EncodeCredentialSet(const CredentialSetRecord& c) {
  flatbuffers::FlatBufferBuilder fbb(128);
  auto id = fbb.CreateString(c.user_id);
  auto kind = fbb.CreateString(c.kind);
  auto reason = fbb.CreateString(c.reason);
  return fb::Finish(fbb, schema::CreateCredentialSet(fbb, id, kind, reason));
}

StatusOr<CredentialSetRecord> DecodeCredentialSet(ByteView b) {
  const auto* t = fb::Verified<schema::CredentialSet>(b);
  if (t == nullptr) return fb::Malformed("CredentialSet");
  return CredentialSetRecord{fb::Str(t->user_id()), fb::Str(t->kind()), fb::Str(t->reason())};
}

StatusOr<UserRecord> DecodeUser(ByteView b) {
  const auto* t = fb::Verified<schema::User>(b);
  if (t == nullptr) return fb::Malformed("User");
  UserRecord u;
  u.user_id = fb::Str(t->user_id());
  u.name = fb::Str(t->name());
  u.org_id = fb::Str(t->org_id());
  u.roles = fb::Strs(t->roles());
  u.inspector_id = fb::Str(t->inspector_id());
  ByteView k = View(t->public_key());
  u.public_key.assign(k.begin(), k.end());
  u.note = fb::Str(t->note());
  return u;
}

StatusOr<UserDisabledRecord> DecodeUserDisabled(ByteView b) {
  const auto* t = fb::Verified<schema::UserDisabled>(b);
  if (t == nullptr) return fb::Malformed("UserDisabled");
  return UserDisabledRecord{fb::Str(t->user_id()), fb::Str(t->reason())};
}

StatusOr<TokenRecord> DecodeToken(ByteView b) {
  const auto* t = fb::Verified<schema::TokenIssued>(b);
  if (t == nullptr) return fb::Malformed("TokenIssued");
  TokenRecord r;
  r.token_id = fb::Str(t->token_id());
  r.user_id = fb::Str(t->user_id());
  ByteView h = View(t->token_sha256());
  if (h.size() != r.token_sha256.size()) return fb::DataLossIn("TokenIssued", "token_sha256 is not 32 bytes");
  std::memcpy(r.token_sha256.data(), h.data(), h.size());
  r.expires_us = t->expires_us();
  r.label = fb::Str(t->label());
  return r;
}

StatusOr<TokenRevokedRecord> DecodeTokenRevoked(ByteView b) {
  const auto* t = fb::Verified<schema::TokenRevoked>(b);
  if (t == nullptr) return fb::Malformed("TokenRevoked");
  return TokenRevokedRecord{fb::Str(t->token_id()), fb::Str(t->reason())};
}

bool UserInfo::Has(Role r) const {
  return !disabled && std::find(user.roles.begin(), user.roles.end(), RoleName(r)) != user.roles.end();
}

bool UserInfo::Covers(std::string_view r) const { return !region.empty() && codes::RegionWithin(r, region); }

Status CheckUser(const IdentityStore& s, const UserRecord& u) {
  if (!ValidId(u.user_id)) {
    return InvalidArgument("user_id \"" + u.user_id + "\": 1-64 characters of [A-Za-z0-9._@-]");
  }
  if (u.name.empty() || u.name.size() > 200) return InvalidArgument("name: 1-200 bytes required");
  if (!s.GetOrgRegion(u.org_id)) {
    return FailedPrecondition("org_id \"" + u.org_id + "\" is not a registered org unit");
  }
  if (u.roles.empty()) return InvalidArgument("roles: at least one role is required");
  for (const auto& r : u.roles) {
    if (!RoleFromName(r)) {
      return InvalidArgument("roles: unknown role \"" + r +
                             "\" (registry_clerk, planner, inspector, reviewer, supervisor, "
                             "administrator)");
    }
  }
  const bool inspector = std::find(u.roles.begin(), u.roles.end(), "inspector") != u.roles.end();
  if (inspector && u.inspector_id.empty()) {
    return InvalidArgument("inspector_id: required with the inspector role");
  }
  if (!u.public_key.empty() && u.public_key.size() != 32) {
    return InvalidArgument("public_key: an Ed25519 public key is 32 bytes");
  }
  if (!u.public_key.empty()) {
    const std::optional<std::string> other = s.EnabledUserByKey(u.public_key);
    if (other && *other != u.user_id) {
      return FailedPrecondition("public_key is already the key of user " + *other);
    }
  }
  if (const auto cur = s.GetUser(u.user_id); cur && cur->disabled) {
    return FailedPrecondition("user " + u.user_id + " is disabled; ids are never reused");
  }
  return OkStatus();
}

Status CheckDisable(const IdentityStore& s, const UserDisabledRecord& d) {
  const auto u = s.GetUser(d.user_id);
  if (!u) return NotFound("no user " + d.user_id);
  if (u->disabled) return FailedPrecondition("user " + d.user_id + " is already disabled");
  if (d.reason.empty()) return InvalidArgument("reason: required");
  return OkStatus();
}

Status CheckToken(const IdentityStore& s, const TokenRecord& t) {
  if (!ValidId(t.token_id)) return InvalidArgument("token_id: 1-64 characters of [A-Za-z0-9._@-]");
  if (s.GetToken(t.token_id)) return FailedPrecondition("token " + t.token_id + " exists");
  const auto u = s.GetUser(t.user_id);
  if (!u) return NotFound("no user " + t.user_id);
  if (u->disabled) return FailedPrecondition("user " + t.user_id + " is disabled");
  if (s.TokenIdByHash(t.token_sha256)) return FailedPrecondition("token hash reused");
  if (t.expires_us < 0) return InvalidArgument("expires_us: negative");
  return OkStatus();
}

std::string TokenIssuerRefusal(const IdentityStore& s, std::string_view issuer, const TokenRecord& t) {
  if (issuer == t.user_id || !s.GetUser(issuer)) return {};
  return "user " + std::string(issuer) + " may not issue a token for user " + t.user_id +
         ": a token is issued only by the user it is for (separation of duties; its first credential is its "
         "registered public key, or a token the node operator issues on the command line)";
}

Status CheckRevoke(const IdentityStore& s, const TokenRevokedRecord& r) {
  const auto t = s.GetToken(r.token_id);
  if (!t) return NotFound("no token " + r.token_id);
  if (t->revoked) return FailedPrecondition("token " + r.token_id + " is already revoked");
  return OkStatus();
}

Status CheckCredentialSet(const IdentityStore& s, const CredentialSetRecord& c) {
  if (c.kind != "password") return InvalidArgument("credential kind " + c.kind + ": only \"password\" is known");
  const auto u = s.GetUser(c.user_id);
  if (!u) return NotFound("no user " + c.user_id);
  if (u->disabled) return FailedPrecondition("user " + c.user_id + " is disabled");
  return OkStatus();
}

std::string CredentialSetterRefusal(const IdentityStore& s, std::string_view actor, const CredentialSetRecord& c) {
  if (actor == c.user_id) return {};
  const std::optional<UserInfo> a = s.GetUser(actor);
  if (!a) return {};  // the node operator
  const std::optional<UserInfo> u = s.GetUser(c.user_id);
  if (!a->disabled && a->Has(Role::kAdministrator) && u && a->Covers(u->region)) return {};
  return "user " + std::string(actor) + " may not set the password of user " + c.user_id +
         ": only the user itself or an administrator whose jurisdiction covers it";
}

std::optional<UserInfo> UserByKey(const IdentityStore& s, ByteView key) {
  if (key.size() != 32) return std::nullopt;
  const std::optional<std::string> id = s.EnabledUserByKey(key);
  return id ? s.GetUser(*id) : std::nullopt;
}

bool CoversAll(const IdentityStore& s, const UserInfo& user) {
  bool all = true;
  s.ForEachOrgRegion([&](std::string_view, std::string_view region) {
    all = user.Covers(region);
    return all;
  });
  return all && s.status().ok();
}

Status ApplyIdentityEntry(const EntryView& e, IdentityStore& s) {
  const uint64_t seq = e.sequence();
  // A refusal read from a store that failed is the failure, not the refusal.
  auto refused = [&](const Status& why) { return s.status().ok() ? why : s.status(); };
  switch (e.type()) {
    case EventType::OrgUnitRegistered: {
      SUIJI_ASSIGN_OR_RETURN(auto o, directory::DecodeOrgUnit(e.payload()));
      s.PutOrgRegion(o.org_id, o.region);
      break;
    }
    case EventType::UserRegistered: {
      SUIJI_ASSIGN_OR_RETURN(auto u, DecodeUser(e.payload()));
      if (Status c = CheckUser(s, u); !c.ok()) return refused(c);
      const std::optional<UserInfo> before = s.GetUser(u.user_id);
      UserInfo info = before.value_or(UserInfo{});
      info.version += 1;
      info.region = s.GetOrgRegion(u.org_id).value_or("");  // CheckUser found it
      info.user = std::move(u);
      s.PutUser(info, before);
      break;
    }
    case EventType::UserDisabled: {
      SUIJI_ASSIGN_OR_RETURN(auto d, DecodeUserDisabled(e.payload()));
      if (Status c = CheckDisable(s, d); !c.ok()) return refused(c);
      const std::optional<UserInfo> before = s.GetUser(d.user_id);
      if (!before) return refused(NotFound("no user " + d.user_id));
      UserInfo info = *before;
      info.disabled = true;
      s.PutUser(info, before);
      break;
    }
    case EventType::TokenIssued: {
      SUIJI_ASSIGN_OR_RETURN(auto t, DecodeToken(e.payload()));
      if (Status c = CheckToken(s, t); !c.ok()) return refused(c);
      s.PutToken(TokenInfo{std::move(t), false, seq}, true);
      break;
    }
    case EventType::TokenRevoked: {
      SUIJI_ASSIGN_OR_RETURN(auto r, DecodeTokenRevoked(e.payload()));
      if (Status c = CheckRevoke(s, r); !c.ok()) return refused(c);
      std::optional<TokenInfo> t = s.GetToken(r.token_id);
      if (!t) return refused(NotFound("no token " + r.token_id));
      t->revoked = true;
      s.PutToken(*t, false);
      break;
    }
    case EventType::CredentialSet: {  // nothing to keep: the hash is outside the log
      SUIJI_ASSIGN_OR_RETURN(auto c, DecodeCredentialSet(e.payload()));
      if (Status check = CheckCredentialSet(s, c); !check.ok()) return refused(check);
      break;
    }
    default: break;
  }
  if (!e.actor_request().empty()) {
    const std::string_view request = e.actor_request();
    const size_t tab = request.find('\t');
    const std::string_view key = request.substr(0, tab);
    std::optional<RequestInfo> r = s.GetRequest(e.actor_user(), key);
    if (!r) {
      r = RequestInfo{seq, 0, e.type(),
                      std::string(tab == std::string_view::npos ? std::string_view() : request.substr(tab + 1))};
    }
    ++r->count;
    s.PutRequest(e.actor_user(), key, *r);
  }
  return s.status();
}

// --- in memory ------------------------------------------------------------------------------

namespace {
std::string RequestKey(std::string_view user, std::string_view key) {
  return std::string(user) + "\n" + std::string(key);
}
}  // namespace

std::optional<UserInfo> MemoryIdentityStore::GetUser(std::string_view id) const {
  auto it = users.find(id);
  return it == users.end() ? std::nullopt : std::optional(it->second);
}

std::optional<TokenInfo> MemoryIdentityStore::GetToken(std::string_view id) const {
  auto it = tokens.find(id);
  return it == tokens.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> MemoryIdentityStore::TokenIdByHash(const Hash& h) const {
  auto it = token_by_hash.find(h);
  return it == token_by_hash.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> MemoryIdentityStore::EnabledUserByKey(ByteView key) const {
  if (key.empty()) return std::nullopt;  // no key is nobody's key
  for (const auto& [id, u] : users) {
    if (!u.disabled && u.user.public_key.size() == key.size() &&
        std::equal(key.begin(), key.end(), u.user.public_key.begin())) {
      return id;
    }
  }
  return std::nullopt;
}

std::vector<std::string> MemoryIdentityStore::EnabledUsersOfInspector(std::string_view inspector_id) const {
  std::vector<std::string> out;
  if (inspector_id.empty()) return out;
  for (const auto& [id, u] : users) {
    if (!u.disabled && u.user.inspector_id == inspector_id) out.push_back(id);
  }
  return out;
}

std::optional<std::string> MemoryIdentityStore::GetOrgRegion(std::string_view org_id) const {
  auto it = org_regions.find(org_id);
  return it == org_regions.end() ? std::nullopt : std::optional(it->second);
}

void MemoryIdentityStore::ForEachOrgRegion(const std::function<bool(std::string_view, std::string_view)>& fn) const {
  for (const auto& [org, region] : org_regions) {
    if (!fn(org, region)) return;
  }
}

void MemoryIdentityStore::ForEachUser(const std::function<bool(const UserInfo&)>& fn) const {
  for (const auto& [id, u] : users) {
    if (!fn(u)) return;
  }
}

std::vector<TokenInfo> MemoryIdentityStore::TokensOf(std::string_view user_id) const {
  std::vector<TokenInfo> out;
  for (const auto& [id, t] : tokens) {
    if (t.token.user_id == user_id) out.push_back(t);
  }
  return out;
}

std::optional<RequestInfo> MemoryIdentityStore::GetRequest(std::string_view user, std::string_view key) const {
  auto it = requests.find(RequestKey(user, key));
  return it == requests.end() ? std::nullopt : std::optional(it->second);
}

void MemoryIdentityStore::PutOrgRegion(std::string_view org_id, std::string_view region) {
  org_regions.insert_or_assign(std::string(org_id), std::string(region));
}

void MemoryIdentityStore::PutUser(const UserInfo& u, const std::optional<UserInfo>& /*before*/) {
  users.insert_or_assign(u.user.user_id, u);
}

void MemoryIdentityStore::PutToken(const TokenInfo& t, bool fresh) {
  if (fresh) token_by_hash[t.token.token_sha256] = t.token.token_id;
  tokens.insert_or_assign(t.token.token_id, t);
}

void MemoryIdentityStore::PutRequest(std::string_view user, std::string_view key, const RequestInfo& r) {
  requests.insert_or_assign(RequestKey(user, key), r);
}

// --- the world ------------------------------------------------------------------------------

Status IdentityWorld::Apply(const EntryView& e) {
  SUIJI_RETURN_IF_ERROR(ApplyIdentityEntry(e, store_));
  size_ = e.sequence() + 1;
  return OkStatus();
}

const UserInfo* IdentityWorld::User(std::string_view id) const {
  auto it = store_.users.find(id);
  return it == store_.users.end() ? nullptr : &it->second;
}

const TokenInfo* IdentityWorld::Token(std::string_view id) const {
  auto it = store_.tokens.find(id);
  return it == store_.tokens.end() ? nullptr : &it->second;
}

const TokenInfo* IdentityWorld::TokenByHash(const Hash& h) const {
  auto it = store_.token_by_hash.find(h);
  return it == store_.token_by_hash.end() ? nullptr : Token(it->second);
}

const UserInfo* IdentityWorld::UserByKey(ByteView key) const {
  if (key.size() != 32) return nullptr;
  const std::optional<std::string> id = store_.EnabledUserByKey(key);
  return id ? User(*id) : nullptr;
}

const RequestInfo* IdentityWorld::Request(std::string_view user, std::string_view key) const {
  auto it = store_.requests.find(RequestKey(user, key));
  return it == store_.requests.end() ? nullptr : &it->second;
}

}  // namespace suiji::identity
