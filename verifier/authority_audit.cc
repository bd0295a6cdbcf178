#include "verifier/authority_audit.h"

#include <algorithm>

#include "verifier/export_entries.h"
#include "ledger/core/identity/identity.h"

namespace suiji {

namespace {

constexpr size_t kListed = 50;

void Fail(AuthorityAudit& a, uint64_t seq, std::string what) {
  ++a.failures_total;
  if (a.failures.size() < kListed) a.failures.push_back({seq, std::move(what)});
}

// Why `u` could not have written `e`, or empty.
std::string Refusal(const identity::UserInfo& u, const EntryView& e) {
  const std::string name = "user " + u.user.user_id;
  if (u.disabled) return name + " was disabled";
  if (e.actor_org() != u.user.org_id) {
    return name + " belongs to org unit " + u.user.org_id + " but acted for " + std::string(e.actor_org());
  }
  const std::vector<identity::Role> allowed = identity::RolesForEvent(e.type());
  if (allowed.empty()) {
    return std::string(EventTypeName(e.type())) + " is the node operator's; " + name + " may not write it";
  }
  if (std::none_of(allowed.begin(), allowed.end(), [&](identity::Role r) { return u.Has(r); })) {
    std::string roles;
    for (identity::Role r : allowed) roles += (roles.empty() ? "" : " or ") + std::string(identity::RoleName(r));
    return name + " wrote " + std::string(EventTypeName(e.type())) + " without the role (" + roles + ")";
  }
  return {};
}

}  // namespace

AuthorityAudit AuditAuthority(ByteView export_file) {
  AuthorityAudit audit;
  identity::IdentityWorld world;
  Status header = ForEachExportedEntry(export_file, [&](const EntryView& e) {
    const std::string actor(e.actor_user());
    if (const identity::UserInfo* u = world.User(actor)) {
      ++audit.by_users_total;
      ++audit.by_user[actor];
      if (std::string why = Refusal(*u, e); !why.empty()) Fail(audit, e.sequence(), why);
    } else {
      ++audit.by_operator[actor.empty() ? "(none)" : actor];
    }
    if (Status s = world.Apply(e); !s.ok() && identity::IsIdentityEvent(e.type())) {
      Fail(audit, e.sequence(), "identity event refused: " + s.message());
    }
    return true;
  });
  if (!header.ok()) {
    ++audit.failures_total;
    audit.failures.push_back({std::nullopt, header.message()});
    return audit;
  }
  audit.users = world.users().size();
  audit.tokens = world.tokens().size();
  return audit;
}

}  // namespace suiji
