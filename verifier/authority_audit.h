// The authority audit (R15, R19): replays an exported log (already integrity-checked by
// VerifyExport) through the identity fold (ledger/core/identity/identity.h) and checks every
// event whose actor names a registered user against what that user was at that point of the
// log: enabled, acting for its own org unit, and holding a role that may write the event's
// type (identity::RolesForEvent), within its jurisdiction, and keeping the separation of
// duties: a token only for itself, an org unit only inside its jurisdiction and below its own
// level, a result's confirmation only as its own inspector on that visit. Events whose actor is
// not a registered user were written by the node operator on the command line (`suiji ...
// --user NAME`); they are counted by name, not refused (the operator holds the node key), except
// a result's confirmation, which only the inspector's own user makes.
// Pure: no I/O. Uses only the pure core.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"

namespace suiji {

struct AuthorityFailure {
  std::optional<uint64_t> sequence;
  std::string what;
};

struct AuthorityAudit {
  bool ok() const { return failures_total == 0; }
  std::vector<AuthorityFailure> failures;  // the first 50
  uint64_t failures_total = 0;
  uint64_t users = 0;   // registered by the end of the log
  uint64_t tokens = 0;  // issued
  uint64_t by_users_total = 0;
  std::map<std::string, uint64_t> by_user;      // events by each registered user
  std::map<std::string, uint64_t> by_operator;  // events by actors who are not users
};

AuthorityAudit // `consumed`, if set, is told now and then the offset before which the pass will not read
// the export again (as VerifyOptions::consumed).
AuditAuthority(ByteView export_file, const std::function<void(size_t offset)>& consumed = {});

}  // namespace suiji
