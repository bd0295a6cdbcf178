// Signed checkpoints: the C2SP tlog-checkpoint body inside a C2SP signed note.
//
// A checkpoint body is
//     <origin>\n<tree size, decimal>\n<root hash, base64>\n[<extension line>\n ...]
// and a signed note is the body, an empty line, then one line per signature:
//     — <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>\n
// The Ed25519 key hash is the first 4 bytes of SHA-256(key name || "\n" || 0x01 || public key).
// A verifier key is written "<name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>",
// as golang.org/x/mod/sumdb/note does. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"

namespace suiji {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // optional extra lines, each non-empty
};

// The body text. The origin must be non-empty and contain no newline (checked by the parser,
// asserted here).
std::string FormatCheckpoint(const Checkpoint& cp);
// Parses a body (the text before the blank line of a note). kInvalidArgument naming the line.
StatusOr<Checkpoint> ParseCheckpoint(std::string_view body);

struct NoteSignature {
  std::string key_name;
  uint32_t key_hash = 0;
  Bytes signature;  // 64 bytes for Ed25519
};

struct SignedNote {
  std::string text;  // the signed text, ending in "\n"
  std::vector<NoteSignature> signatures;
};

uint32_t NoteKeyHash(std::string_view key_name, const PublicKey& pk);
// Text of a note signed by one key: text (must end in "\n") + "\n" + signature line.
std::string SignNote(std::string_view text, std::string_view key_name, const KeyPair& key);
// Parses a whole note (text, blank line, signature lines). Rejects a missing blank line,
// malformed signature lines, and notes with no signature, naming what was wrong.
StatusOr<SignedNote> ParseNote(std::string_view note);
// OK if the note has a signature by (key_name, pk) that verifies over note.text;
// kNotFound if no signature line names that key; kDataLoss if it is present but invalid.
Status VerifyNote(const SignedNote& note, std::string_view key_name, const PublicKey& pk);

std::string VerifierKeyString(std::string_view key_name, const PublicKey& pk);
struct VerifierKey {
  std::string name;
  PublicKey public_key{};
};
StatusOr<VerifierKey> ParseVerifierKey(std::string_view vkey);

}  // namespace suiji
