#include "api/identity_service.h"

#include "api/fold_append.h"

#include <sodium.h>

#include <chrono>

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

IdentityService::IdentityService(Ledger& ledger, const LogStorage& log, Clock clock)
    : ledger_(ledger), log_(log), clock_(std::move(clock)) {}

int64_t IdentityService::NowUs() const { return NowUsFrom(clock_); }

Status IdentityService::Sync() {
  return ReplayLog(log_, applied_, [&](const EntryView& e) { return world_.Apply(e); }, &applied_);
}

StatusOr<uint64_t> IdentityService::AppendChecked(
    const std::function<StatusOr<EventDraft>()>& decide) {
  return AppendAtFold(ledger_, [this] { return Sync(); }, applied_,
                      [&]() -> StatusOr<std::vector<EventDraft>> {
                        SUIJI_ASSIGN_OR_RETURN(EventDraft draft, decide());
                        return std::vector<EventDraft>{std::move(draft)};
                      });
}

StatusOr<uint64_t> IdentityService::RegisterUser(const identity::UserRecord& u, const Actor& actor) {
  return AppendChecked([&]() -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(world_.CheckUser(u));
    // An inspector user acts as one directory inspector; no other enabled user may hold it.
    if (!u.inspector_id.empty()) {
      for (const auto& [id, other] : world_.users()) {
        if (id != u.user_id && !other.disabled && other.user.inspector_id == u.inspector_id) {
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
  return AppendChecked([&]() -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(world_.CheckDisable(d));
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
  SUIJI_ASSIGN_OR_RETURN(out.sequence, AppendChecked([&]() -> StatusOr<EventDraft> {
    if (std::string why = world_.TokenIssuerRefusal(actor.user, t); !why.empty()) return PermissionDenied(why);
    SUIJI_RETURN_IF_ERROR(world_.CheckToken(t));
    return EventDraft{EventType::TokenIssued, identity::EncodeToken(t), actor};
  }));
  return out;
}

StatusOr<uint64_t> IdentityService::RevokeToken(const identity::TokenRevokedRecord& r,
                                                const Actor& actor) {
  return AppendChecked([&]() -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(world_.CheckRevoke(r));
    return EventDraft{EventType::TokenRevoked, identity::EncodeTokenRevoked(r), actor};
  });
}

StatusOr<const identity::UserInfo*> IdentityService::Authenticate(std::string_view token) const {
  if (!token.starts_with(kTokenPrefix)) return PermissionDenied("not a Suiji token");
  const identity::TokenInfo* t = world_.TokenByHash(Sha256(AsBytes(token)));
  if (t == nullptr) return PermissionDenied("unknown token");
  if (t->revoked) return PermissionDenied("token " + t->token.token_id + " is revoked");
  if (t->token.expires_us != 0 && NowUs() >= t->token.expires_us) {
    return PermissionDenied("token " + t->token.token_id + " has expired");
  }
  const identity::UserInfo* u = world_.User(t->token.user_id);
  if (u == nullptr || u->disabled) return PermissionDenied("user " + t->token.user_id + " is disabled");
  return u;
}

}  // namespace suiji
