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
         t == EventType::TokenIssued || t == EventType::TokenRevoked;
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

Status IdentityWorld::CheckUser(const UserRecord& u) const {
  if (!ValidId(u.user_id)) {
    return InvalidArgument("user_id \"" + u.user_id + "\": 1-64 characters of [A-Za-z0-9._@-]");
  }
  if (u.name.empty() || u.name.size() > 200) return InvalidArgument("name: 1-200 bytes required");
  if (!org_regions_.contains(u.org_id)) {
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
    const UserInfo* other = UserByKey(u.public_key);
    if (other != nullptr && other->user.user_id != u.user_id) {
      return FailedPrecondition("public_key is already the key of user " + other->user.user_id);
    }
  }
  if (const UserInfo* cur = User(u.user_id); cur != nullptr && cur->disabled) {
    return FailedPrecondition("user " + u.user_id + " is disabled; ids are never reused");
  }
  return OkStatus();
}

Status IdentityWorld::CheckDisable(const UserDisabledRecord& d) const {
  const UserInfo* u = User(d.user_id);
  if (u == nullptr) return NotFound("no user " + d.user_id);
  if (u->disabled) return FailedPrecondition("user " + d.user_id + " is already disabled");
  if (d.reason.empty()) return InvalidArgument("reason: required");
  return OkStatus();
}

Status IdentityWorld::CheckToken(const TokenRecord& t) const {
  if (!ValidId(t.token_id)) return InvalidArgument("token_id: 1-64 characters of [A-Za-z0-9._@-]");
  if (tokens_.contains(t.token_id)) return FailedPrecondition("token " + t.token_id + " exists");
  const UserInfo* u = User(t.user_id);
  if (u == nullptr) return NotFound("no user " + t.user_id);
  if (u->disabled) return FailedPrecondition("user " + t.user_id + " is disabled");
  if (token_by_hash_.contains(t.token_sha256)) return FailedPrecondition("token hash reused");
  if (t.expires_us < 0) return InvalidArgument("expires_us: negative");
  return OkStatus();
}

std::string IdentityWorld::TokenIssuerRefusal(std::string_view issuer, const TokenRecord& t) const {
  if (User(issuer) == nullptr || issuer == t.user_id) return {};
  return "user " + std::string(issuer) + " may not issue a token for user " + t.user_id +
         ": a token is issued only by the user it is for (separation of duties; its first credential is its "
         "registered public key, or a token the node operator issues on the command line)";
}

Status IdentityWorld::CheckRevoke(const TokenRevokedRecord& r) const {
  const TokenInfo* t = Token(r.token_id);
  if (t == nullptr) return NotFound("no token " + r.token_id);
  if (t->revoked) return FailedPrecondition("token " + r.token_id + " is already revoked");
  return OkStatus();
}

Status IdentityWorld::Apply(const EntryView& e) {
  const uint64_t seq = e.sequence();
  auto done = [&](Status s) {
    if (s.ok()) {
      size_ = seq + 1;
      if (!e.actor_request().empty()) {
        const std::string_view request = e.actor_request();
        const size_t tab = request.find('\t');
        std::string key = std::string(e.actor_user()) + "\n" + std::string(request.substr(0, tab));
        const std::string digest(tab == std::string_view::npos ? std::string_view() : request.substr(tab + 1));
        auto [it, fresh] = requests_.try_emplace(key, RequestInfo{seq, 0, e.type(), digest});
        ++it->second.count;
      }
    }
    return s;
  };
  switch (e.type()) {
    case EventType::OrgUnitRegistered: {
      SUIJI_ASSIGN_OR_RETURN(auto o, directory::DecodeOrgUnit(e.payload()));
      org_regions_[o.org_id] = o.region;
      break;
    }
    case EventType::UserRegistered: {
      SUIJI_ASSIGN_OR_RETURN(auto u, DecodeUser(e.payload()));
      SUIJI_RETURN_IF_ERROR(CheckUser(u));
      UserInfo& info = users_[u.user_id];
      info.version += 1;
      info.region = org_regions_.at(u.org_id);
      info.user = std::move(u);
      break;
    }
    case EventType::UserDisabled: {
      SUIJI_ASSIGN_OR_RETURN(auto d, DecodeUserDisabled(e.payload()));
      SUIJI_RETURN_IF_ERROR(CheckDisable(d));
      users_.find(d.user_id)->second.disabled = true;
      break;
    }
    case EventType::TokenIssued: {
      SUIJI_ASSIGN_OR_RETURN(auto t, DecodeToken(e.payload()));
      SUIJI_RETURN_IF_ERROR(CheckToken(t));
      token_by_hash_[t.token_sha256] = t.token_id;
      std::string id = t.token_id;
      tokens_[id] = TokenInfo{std::move(t), false, seq};
      break;
    }
    case EventType::TokenRevoked: {
      SUIJI_ASSIGN_OR_RETURN(auto r, DecodeTokenRevoked(e.payload()));
      SUIJI_RETURN_IF_ERROR(CheckRevoke(r));
      tokens_.find(r.token_id)->second.revoked = true;
      break;
    }
    default: break;
  }
  return done(OkStatus());
}

const UserInfo* IdentityWorld::User(std::string_view id) const {
  auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

const TokenInfo* IdentityWorld::Token(std::string_view id) const {
  auto it = tokens_.find(id);
  return it == tokens_.end() ? nullptr : &it->second;
}

const TokenInfo* IdentityWorld::TokenByHash(const Hash& h) const {
  auto it = token_by_hash_.find(h);
  return it == token_by_hash_.end() ? nullptr : Token(it->second);
}

const UserInfo* IdentityWorld::UserByKey(ByteView key) const {
  if (key.size() != 32) return nullptr;
  for (const auto& [id, u] : users_) {
    if (!u.disabled && u.user.public_key.size() == 32 &&
        std::equal(key.begin(), key.end(), u.user.public_key.begin())) {
      return &u;
    }
  }
  return nullptr;
}

std::optional<std::string> IdentityWorld::OrgRegion(std::string_view org_id) const {
  auto it = org_regions_.find(org_id);
  if (it == org_regions_.end()) return std::nullopt;
  return it->second;
}

const RequestInfo* IdentityWorld::Request(std::string_view user, std::string_view key) const {
  auto it = requests_.find(std::string(user) + "\n" + std::string(key));
  return it == requests_.end() ? nullptr : &it->second;
}

}  // namespace suiji::identity
