// Sign-in passwords of the staff console (issue 18), kept OUTSIDE the ledger.
//
// A password is hashed with argon2id through libsodium's crypto_pwhash_str at the
// "interactive" limits (2 passes, 64 MiB; api/README.md says why), and the hash string is
// stored in the node's data directory, one private file per user: DIR/credentials/user-<id>
// (0600, in a 0700 folder, written whole or not at all: a temporary file fsynced, renamed,
// the folder fsynced). The log records only that a password was set, by whom, for which user
// (404 CredentialSet, schemas/identity.fbs); never the password or its hash, so neither is in
// a log export, a projection or a proof bundle. A backup of the data directory carries the
// hashes (ops/backup.sh copies the whole directory): keep backups as private as the node key.
//
// Thread-safety: CredentialStore's reads may run on any thread; writes are made by the node's
// single writer (the server's write routes hold its state lock exclusively, the command line
// holds the writer lock). A read during a write sees the old hash or the new one, whole.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/core/status.h"

namespace suiji {

class IdentityService;
struct Actor;

// Passwords: at least 10 characters (Unicode code points), at most 128 bytes, valid UTF-8.
inline constexpr size_t kMinPasswordChars = 10;
inline constexpr size_t kMaxPasswordBytes = 128;

// kInvalidArgument with a message in Chinese (then English) if `password` breaks the rules.
Status CheckNewPassword(std::string_view password);
// The argon2id hash string ("$argon2id$v=19$m=65536,t=2,p=1$...") of `password`, with a
// fresh salt. kResourceExhausted if the memory could not be had.
StatusOr<std::string> HashPassword(std::string_view password);
// True if `password` is the one `hash` was made from (constant time in the password).
bool PasswordMatches(const std::string& hash, std::string_view password);
// A hash of a random password, made once: checked against when a sign-in names an unknown
// user or one without a password, so that reply takes as long as a wrong password's.
const std::string& DecoyPasswordHash();

// The password hashes of a node's users: DIR/credentials/. Lifetime: a value naming the folder.
class CredentialStore {
 public:
  explicit CredentialStore(const std::filesystem::path& data_dir);

  // The stored hash of `user_id`, or nullopt if it has none. kUnavailable naming the file if it
  // cannot be read, kPermissionDenied if group or others may read it.
  StatusOr<std::optional<std::string>> PasswordHash(std::string_view user_id) const;
  // Writes `hash` beside the current one (user-<id>.new, fsynced) without putting it in force.
  Status Stage(std::string_view user_id, std::string_view hash);
  // Puts the staged hash in force (rename, folder fsynced).
  Status Commit(std::string_view user_id);
  // Drops a staged hash (after a failed append).
  void Discard(std::string_view user_id);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path FileOf(std::string_view user_id) const;
  std::filesystem::path dir_;
};

// Sets `user_id`'s password to `password` for `actor`: checks the password's rules
// (kInvalidArgument), who may set it and for whom (IdentityService::RecordCredentialSet:
// kPermissionDenied, kNotFound, kFailedPrecondition), hashes it, stages the hash, appends
// CredentialSet and then puts the hash in force. A refused or failed append leaves the old
// password in force and nothing staged. Returns the event's sequence.
StatusOr<uint64_t> SetPassword(IdentityService& ids, CredentialStore& store, std::string_view user_id,
                               std::string_view password, std::string_view reason, const Actor& actor);

}  // namespace suiji
