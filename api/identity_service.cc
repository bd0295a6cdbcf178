#include "api/identity_service.h"

#include "api/fold_append.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "ledger/replay.h"

namespace suiji {

namespace {
constexpr std::string_view kTokenPrefix = "sj_";

std::string Base64Url(ByteView b) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}
}  // namespace

IdentityService::IdentityService(Ledger& ledger, std::shared_ptr<LmdbProjection> projection, const LogStorage& log,
                                 Clock clock)
    : ledger_(ledger),
      log_(log),
      clock_(std::move(clock)),
      projection_(std::make_unique<IdentityProjection>(std::move(projection))) {}

IdentityService::IdentityService(Ledger& ledger, const LogStorage& log, Clock clock)
    : ledger_(ledger), log_(log), clock_(std::move(clock)) {}

int64_t IdentityService::NowUs() const { return NowUsFrom(clock_); }

const identity::IdentityWorld& IdentityService::world() const {
  if (projection_ != nullptr) {
    std::fputs("IdentityService::world(): this service decides against the identity projection, it holds no "
               "in-memory fold (use Read, User, Token, ...)\n",
               stderr);
    std::abort();
  }
  return world_;
}

Status IdentityService::Sync() {
  if (projection_ != nullptr) {
    SUIJI_RETURN_IF_ERROR(projection_->projection()->CatchUp(log_));
    // Read after the catch-up, before any decision's own read: a decision reads a state at
    // least this far, and the append at `applied_` succeeds only if the log has not grown
    // past it, so the state decided against is exactly the log's.
    SUIJI_ASSIGN_OR_RETURN(applied_, projection_->Applied());
    return OkStatus();
  }
  return ReplayLog(log_, applied_, [&](const EntryView& e) { return world_.Apply(e); }, &applied_);
}

Status IdentityService::Read(const std::function<Status(const identity::IdentityStore&)>& fn) const {
  if (projection_ != nullptr) return projection_->Read(fn);
  return fn(world_.store());
}

StatusOr<std::optional<identity::UserInfo>> IdentityService::User(std::string_view user_id) const {
  std::optional<identity::UserInfo> out;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) {
    out = s.GetUser(user_id);
    return OkStatus();
  }));
  return out;
}

StatusOr<std::optional<identity::TokenInfo>> IdentityService::Token(std::string_view token_id) const {
  std::optional<identity::TokenInfo> out;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) {
    out = s.GetToken(token_id);
    return OkStatus();
  }));
  return out;
}

StatusOr<std::optional<identity::TokenInfo>> IdentityService::TokenByHash(const Hash& token_sha256) const {
  std::optional<identity::TokenInfo> out;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) {
    if (auto id = s.TokenIdByHash(token_sha256)) out = s.GetToken(*id);
    return OkStatus();
  }));
  return out;
}

StatusOr<std::optional<std::string>> IdentityService::OrgRegion(std::string_view org_id) const {
  std::optional<std::string> out;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) {
    out = s.GetOrgRegion(org_id);
    return OkStatus();
  }));
  return out;
}

StatusOr<std::optional<identity::RequestInfo>> IdentityService::Request(std::string_view user,
                                                                        std::string_view key) const {
  std::optional<identity::RequestInfo> out;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) {
    out = s.GetRequest(user, key);
    return OkStatus();
  }));
  return out;
}

StatusOr<bool> IdentityService::CoversAll(const identity::UserInfo& user) const {
  bool all = false;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) {
    all = identity::CoversAll(s, user);
    return OkStatus();
  }));
  return all;
}

StatusOr<uint64_t> IdentityService::Applied() const {
  if (projection_ != nullptr) return projection_->Applied();
  return world_.size();
}

StatusOr<uint64_t> IdentityService::AppendChecked(
    const std::function<StatusOr<EventDraft>(const identity::IdentityStore&)>& decide) {
  return AppendAtFold(ledger_, [this] { return Sync(); }, applied_,
                      [&]() -> StatusOr<std::vector<EventDraft>> {
                        std::optional<EventDraft> draft;
                        SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) -> Status {
                          SUIJI_ASSIGN_OR_RETURN(EventDraft d, decide(s));
                          draft = std::move(d);
                          return OkStatus();
                        }));
                        return std::vector<EventDraft>{std::move(*draft)};
                      });
}

StatusOr<uint64_t> IdentityService::RegisterUser(const identity::UserRecord& u, const Actor& actor) {
  return AppendChecked([&](const identity::IdentityStore& s) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(identity::CheckUser(s, u));
    // An inspector user acts as one directory inspector; no other enabled user may hold it.
    if (!u.inspector_id.empty()) {
      for (const std::string& id : s.EnabledUsersOfInspector(u.inspector_id)) {
        if (id != u.user_id) {
          return AlreadyExists("inspector " + u.inspector_id + " is already user " + id +
                               "'s (disable that user first)");
        }
      }
    }
    return EventDraft{EventType::UserRegistered, identity::EncodeUser(u), actor};
  });
}

StatusOr<uint64_t> IdentityService::DisableUser(const identity::UserDisabledRecord& d,
                                                const Actor& actor) {
  return AppendChecked([&](const identity::IdentityStore& s) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(identity::CheckDisable(s, d));
    return EventDraft{EventType::UserDisabled, identity::EncodeUserDisabled(d), actor};
  });
}

StatusOr<IssuedToken> IdentityService::IssueToken(std::string_view user_id, std::string_view label,
                                                  int64_t ttl_seconds, const Actor& actor) {
  if (ttl_seconds < 0) return InvalidArgument("ttl_seconds: negative");
  std::array<uint8_t, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::array<uint8_t, 6> id{};
  randombytes_buf(id.data(), id.size());
  IssuedToken out;
  out.token = std::string(kTokenPrefix) + Base64Url(secret);
  out.token_id = "t" + ToHex(ByteView(id.data(), id.size()));
  identity::TokenRecord t;
  t.token_id = out.token_id;
  t.user_id = std::string(user_id);
  t.token_sha256 = Sha256(AsBytes(out.token));
  t.expires_us = ttl_seconds == 0 ? 0 : NowUs() + ttl_seconds * 1000000;
  t.label = std::string(label);
  SUIJI_ASSIGN_OR_RETURN(out.sequence, AppendChecked([&](const identity::IdentityStore& s) -> StatusOr<EventDraft> {
    if (std::string why = identity::TokenIssuerRefusal(s, actor.user, t); !why.empty()) return PermissionDenied(why);
    SUIJI_RETURN_IF_ERROR(identity::CheckToken(s, t));
    return EventDraft{EventType::TokenIssued, identity::EncodeToken(t), actor};
  }));
  return out;
}

StatusOr<uint64_t> IdentityService::RevokeToken(const identity::TokenRevokedRecord& r,
                                                const Actor& actor) {
  return AppendChecked([&](const identity::IdentityStore& s) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(identity::CheckRevoke(s, r));
    return EventDraft{EventType::TokenRevoked, identity::EncodeTokenRevoked(r), actor};
  });
}

StatusOr<uint64_t> IdentityService::RecordCredentialSet(const identity::CredentialSetRecord& c,
                                                        const Actor& actor) {
  return AppendChecked([&](const identity::IdentityStore& s) -> StatusOr<EventDraft> {
    if (std::string why = identity::CredentialSetterRefusal(s, actor.user, c); !why.empty()) {
      return PermissionDenied(why);
    }
    SUIJI_RETURN_IF_ERROR(identity::CheckCredentialSet(s, c));
    return EventDraft{EventType::CredentialSet, identity::EncodeCredentialSet(c), actor};
  });
}

StatusOr<std::shared_ptr<const identity::UserInfo>> IdentityService::Authenticate(std::string_view token,
                                                                                  std::string* token_id) const {
  std::shared_ptr<const identity::UserInfo> out;
  SUIJI_RETURN_IF_ERROR(Read([&](const identity::IdentityStore& s) -> Status {
    std::optional<identity::TokenInfo> t;
    if (auto id = s.TokenIdByHash(Sha256(AsBytes(token)))) t = s.GetToken(*id);
    if (t && token_id != nullptr) *token_id = t->token.token_id;
    if (!token.starts_with(kTokenPrefix)) return PermissionDenied("not a Suiji token");
    if (!t) return PermissionDenied("unknown token");
    if (t->revoked) return PermissionDenied("token " + t->token.token_id + " is revoked");
    if (t->token.expires_us != 0 && NowUs() >= t->token.expires_us) {
      return PermissionDenied("token " + t->token.token_id + " has expired");
    }
    std::optional<identity::UserInfo> u = s.GetUser(t->token.user_id);
    if (!u || u->disabled) return PermissionDenied("user " + t->token.user_id + " is disabled");
    out = std::make_shared<const identity::UserInfo>(std::move(*u));
    return OkStatus();
  }));
  return out;
}

}  // namespace suiji
