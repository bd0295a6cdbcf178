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

Status WriteKeyFile(const std::filesystem::path& path, const KeyPair& key);
StatusOr<KeyPair> ReadKeyFile(const std::filesystem::path& path);

}  // namespace suiji
