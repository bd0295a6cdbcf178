// Private key files. A key file holds one Ed25519 seed as text:
//     suiji-ed25519-private-key v1
//     <base64 of the 32-byte seed>
// It is created with mode 0600 (created exclusively: an existing file is never
// overwritten), and loading refuses a file readable by group or others. Key material never
// goes to logs or error messages; errors name the path only.
#pragma once

#include <filesystem>

#include "ledger/core/ed25519.h"

namespace suiji {

// Writes `key` to `path` (created exclusively, 0600) and syncs the file; the directory entry
// is synced only by SyncDirectory.
Status WriteKeyFile(const std::filesystem::path& path, const KeyPair& key);
StatusOr<KeyPair> ReadKeyFile(const std::filesystem::path& path);

// fsync of a directory, so that the files created, renamed or removed in it survive a power
// loss. kUnavailable naming the directory.
Status SyncDirectory(const std::filesystem::path& dir);
// rename(from, to) then SyncDirectory of to's directory (both must be in the same one).
Status RenameDurably(const std::filesystem::path& from, const std::filesystem::path& to);
// unlink(path) then SyncDirectory of its directory; an absent file is fine.
Status RemoveDurably(const std::filesystem::path& path);

}  // namespace suiji
