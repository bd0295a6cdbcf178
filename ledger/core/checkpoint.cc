#include "ledger/core/checkpoint.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/core/sha256.h"

namespace suiji {

namespace {

// Limits against hostile input. A checkpoint note is a few hundred bytes; 1 MiB leaves room for
// many cosignatures (even post-quantum ones, ~5 kB each) while bounding the work per note.
// 100 signatures is golang.org/x/mod/sumdb/note's limit; C2SP requires accepting at least 16.
constexpr size_t kMaxNoteSize = size_t{1} << 20;
constexpr size_t kMaxSignatures = 100;

// Signature type identifier byte for Ed25519 in key hashes and verifier keys (C2SP signed-note).
constexpr uint8_t kAlgEd25519 = 0x01;
constexpr size_t kEd25519SignatureSize = 64;

// U+2014 EM DASH in UTF-8, then a space: the prefix of every signature line.
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";


// Go's unicode.IsSpace: the Unicode White_Space property. Key names must not contain any of
// these, so that a name can never be confused with the space that ends it in a signature line.
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// C2SP signed-note: non-empty, valid UTF-8, no Unicode spaces and no '+' (which separates the
// fields of a verifier key).
bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t r = 0;
    const size_t len = DecodeUtf8(name, i, &r);
    if (len == 0 || r == '+' || IsUnicodeSpace(r)) return false;
    i += len;
  }
  return true;
}

// 1-based number of the line holding byte `pos` of `s`, for error messages.
size_t LineOf(std::string_view s, size_t pos) {
  return 1 + static_cast<size_t>(std::count(s.begin(), s.begin() + static_cast<ptrdiff_t>(pos),
                                            '\n'));
}

// Signed notes must be valid UTF-8 with no ASCII control characters other than newline. The
// same rule is applied to checkpoint bodies, which are always note texts.
Status CheckNoteChars(std::string_view s, std::string_view what) {
  for (size_t i = 0; i < s.size();) {
    uint32_t r = 0;
    const size_t len = DecodeUtf8(s, i, &r);
    if (len == 0) {
      return InvalidArgument(std::string(what) + " line " + std::to_string(LineOf(s, i)) +
                             ": not valid UTF-8");
    }
    if (r < 0x20 && r != '\n') {
      return InvalidArgument(std::string(what) + " line " + std::to_string(LineOf(s, i)) +
                             ": contains control character " + std::to_string(r));
    }
    i += len;
  }
  return OkStatus();
}

std::string KeyHashHex(uint32_t key_hash) {
  uint8_t be[4];
  PutU32BE(key_hash, be);
  return ToHex(ByteView(be, 4));
}

std::string KeyLabel(std::string_view key_name, uint32_t key_hash) {
  return std::string(key_name) + "+" + KeyHashHex(key_hash);
}

// Tree size: ASCII decimal, no sign, no leading zeros except "0" itself, fits in 64 bits.
StatusOr<uint64_t> ParseTreeSize(std::string_view s) {
  const std::string where = "checkpoint line 2 (tree size): ";
  if (s.empty()) return InvalidArgument(where + "empty");
  if (s[0] == '-' || s[0] == '+') return InvalidArgument(where + "must not have a sign");
  for (char c : s) {
    if (c < '0' || c > '9') return InvalidArgument(where + "not a decimal number");
  }
  if (s.size() > 1 && s[0] == '0') return InvalidArgument(where + "has a leading zero");
  uint64_t v = 0;
  for (char c : s) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return InvalidArgument(where + "does not fit in 64 bits");
    v = v * 10 + digit;
  }
  return v;
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& cp) {
  SUIJI_CHECK(!cp.origin.empty(), "checkpoint origin is empty");
  SUIJI_CHECK(cp.origin.find('\n') == std::string::npos, "checkpoint origin contains a newline");
  std::string out;
  out.reserve(cp.origin.size() + 70);
  out += cp.origin;
  out += '\n';
  out += std::to_string(cp.size);
  out += '\n';
  out += ToBase64(cp.root);
  out += '\n';
  for (const std::string& ext : cp.extensions) {
    // An empty extension line would read back as the note's blank separator line.
    SUIJI_CHECK(!ext.empty(), "checkpoint extension line is empty");
    SUIJI_CHECK(ext.find('\n') == std::string::npos, "checkpoint extension contains a newline");
    out += ext;
    out += '\n';
  }
  return out;
}

StatusOr<Checkpoint> ParseCheckpoint(std::string_view body) {
  if (body.size() > kMaxNoteSize) {
    return ResourceExhausted("checkpoint body is " + std::to_string(body.size()) +
                             " bytes, more than the limit of " + std::to_string(kMaxNoteSize));
  }
  if (body.empty()) return InvalidArgument("checkpoint body is empty");
  if (body.back() != '\n') return InvalidArgument("checkpoint body does not end in a newline");
  SUIJI_RETURN_IF_ERROR(CheckNoteChars(body, "checkpoint"));

  std::vector<std::string_view> lines;
  for (size_t start = 0; start < body.size();) {
    const size_t nl = body.find('\n', start);  // always found: body ends in '\n'
    lines.push_back(body.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3) {
    return InvalidArgument("checkpoint has " + std::to_string(lines.size()) +
                           " line(s); needs origin, tree size and root hash");
  }

  Checkpoint cp;
  if (lines[0].empty()) return InvalidArgument("checkpoint line 1 (origin): empty");
  cp.origin = std::string(lines[0]);

  SUIJI_ASSIGN_OR_RETURN(cp.size, ParseTreeSize(lines[1]));

  StatusOr<Bytes> root = FromBase64(lines[2]);
  if (!root.ok()) return InvalidArgument("checkpoint line 3 (root hash): not valid base64");
  if (root->size() != cp.root.size()) {
    return InvalidArgument("checkpoint line 3 (root hash): " + std::to_string(root->size()) +
                           " bytes, want 32");
  }
  std::copy(root->begin(), root->end(), cp.root.begin());

  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgument("checkpoint line " + std::to_string(i + 1) +
                             " (extension): empty");
    }
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

uint32_t NoteKeyHash(std::string_view key_name, const PublicKey& pk) {
  static constexpr uint8_t kNewlineAlg[2] = {'\n', kAlgEd25519};
  const Hash h = Sha256Parts({AsBytes(key_name), ByteView(kNewlineAlg), ByteView(pk)});
  return GetU32BE(h.data());
}

std::string SignNote(std::string_view text, std::string_view key_name, const KeyPair& key) {
  // Preconditions, asserted so that every note we emit is one ParseNote accepts.
  SUIJI_CHECK(IsValidKeyName(key_name), "note key name is empty or has a space or '+'");
  SUIJI_CHECK(!text.empty() && text.back() == '\n', "note text does not end in a newline");
  SUIJI_CHECK(CheckNoteChars(text, "note").ok(),
              "note text is not UTF-8 or has a control character other than newline");

  const Signature sig = key.Sign(AsBytes(text));
  std::array<uint8_t, 4 + kEd25519SignatureSize> payload{};
  PutU32BE(NoteKeyHash(key_name, key.public_key()), payload.data());
  std::copy(sig.begin(), sig.end(), payload.begin() + 4);

  std::string out;
  out.reserve(text.size() + key_name.size() + 110);
  out += text;
  out += '\n';
  out += kSigPrefix;
  out += key_name;
  out += ' ';
  out += ToBase64(payload);
  out += '\n';
  SUIJI_CHECK(out.size() <= kMaxNoteSize, "signed note is larger than the 1 MiB note limit");
  return out;
}

StatusOr<SignedNote> ParseNote(std::string_view note) {
  if (note.size() > kMaxNoteSize) {
    return ResourceExhausted("note is " + std::to_string(note.size()) +
                             " bytes, more than the limit of " + std::to_string(kMaxNoteSize));
  }
  SUIJI_RETURN_IF_ERROR(CheckNoteChars(note, "note"));

  // The text may itself contain blank lines: the signatures start after the last one.
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return InvalidArgument("note has no blank line between the text and the signatures");
  }
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty()) return InvalidArgument("note has no signature lines");
  if (sigs.back() != '\n') {
    return InvalidArgument("note line " + std::to_string(LineOf(note, note.size() - 1)) +
                           ": last signature line does not end in a newline");
  }

  size_t line_no = LineOf(note, split + 2);
  while (!sigs.empty()) {
    const size_t nl = sigs.find('\n');  // always found: sigs ends in '\n'
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    const std::string where = "note line " + std::to_string(line_no++) + ": ";

    if (out.signatures.size() == kMaxSignatures) {
      return ResourceExhausted("note has more than " + std::to_string(kMaxSignatures) +
                               " signatures");
    }
    if (line.substr(0, kSigPrefix.size()) != kSigPrefix) {
      return InvalidArgument(where + "signature line does not start with an em dash and a space");
    }
    line.remove_prefix(kSigPrefix.size());
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      return InvalidArgument(where + "signature line has no space after the key name");
    }
    const std::string_view name = line.substr(0, space);
    const std::string_view b64 = line.substr(space + 1);
    if (!IsValidKeyName(name)) {
      return InvalidArgument(where + "invalid key name (empty, or has a space or '+')");
    }
    if (b64.empty()) return InvalidArgument(where + "empty signature");
    StatusOr<Bytes> raw = FromBase64(b64);
    if (!raw.ok()) return InvalidArgument(where + "signature is not valid base64");
    // At least the 4-byte key hash and one byte of signature, as in the Go implementation;
    // the exact length depends on the algorithm and is checked when verifying.
    if (raw->size() < 5) {
      return InvalidArgument(where + "signature is " + std::to_string(raw->size()) +
                             " bytes, too short to hold a key hash and a signature");
    }
    NoteSignature sig;
    sig.key_name = std::string(name);
    sig.key_hash = GetU32BE(raw->data());
    sig.signature.assign(raw->begin() + 4, raw->end());
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

Status VerifyNote(const SignedNote& note, std::string_view key_name, const PublicKey& pk) {
  const uint32_t key_hash = NoteKeyHash(key_name, pk);
  bool found = false;
  // C2SP: a signature whose name and key hash both match a known key MUST be verified, and a
  // failure should reject the whole note, so every matching line is checked, duplicates too.
  // Lines matching only the name or only the hash belong to other keys and are ignored.
  for (const NoteSignature& sig : note.signatures) {
    if (sig.key_name != key_name || sig.key_hash != key_hash) continue;
    found = true;
    if (sig.signature.size() != kEd25519SignatureSize) {
      return DataLoss("signature for key " + KeyLabel(key_name, key_hash) + " is " +
                      std::to_string(sig.signature.size()) + " bytes, want 64");
    }
    if (!VerifySignature(pk, AsBytes(note.text), sig.signature)) {
      return DataLoss("invalid signature for key " + KeyLabel(key_name, key_hash));
    }
  }
  if (!found) return NotFound("note has no signature by key " + KeyLabel(key_name, key_hash));
  return OkStatus();
}

std::string VerifierKeyString(std::string_view key_name, const PublicKey& pk) {
  SUIJI_CHECK(IsValidKeyName(key_name), "verifier key name is empty or has a space or '+'");
  std::array<uint8_t, 1 + 32> key{};
  key[0] = kAlgEd25519;
  std::copy(pk.begin(), pk.end(), key.begin() + 1);
  return std::string(key_name) + "+" + KeyHashHex(NoteKeyHash(key_name, pk)) + "+" +
         ToBase64(key);
}

StatusOr<VerifierKey> ParseVerifierKey(std::string_view vkey) {
  // "<name>+<hash>+<base64 key>": the name has no '+', the hash is hex, so the first two '+'
  // are the separators (base64 itself may contain '+').
  const size_t plus1 = vkey.find('+');
  if (plus1 == std::string_view::npos) {
    return InvalidArgument("verifier key: no '+' after the key name");
  }
  const size_t plus2 = vkey.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return InvalidArgument("verifier key: no '+' after the key hash");
  }
  const std::string_view name = vkey.substr(0, plus1);
  const std::string_view hash16 = vkey.substr(plus1 + 1, plus2 - plus1 - 1);
  const std::string_view key64 = vkey.substr(plus2 + 1);

  if (!IsValidKeyName(name)) {
    return InvalidArgument("verifier key: invalid key name (empty, or has a space or '+')");
  }
  if (hash16.size() != 8) return InvalidArgument("verifier key: key hash is not 8 hex digits");
  StatusOr<Bytes> hash_bytes = FromHex(hash16);
  if (!hash_bytes.ok()) return InvalidArgument("verifier key: key hash is not 8 hex digits");
  const uint32_t hash = GetU32BE(hash_bytes->data());

  StatusOr<Bytes> key = FromBase64(key64);
  if (!key.ok()) return InvalidArgument("verifier key: key is not valid base64");
  if (key->empty()) return InvalidArgument("verifier key: key is empty");
  // The hash covers the algorithm byte and the key as written, checked before interpreting
  // either, as the Go implementation does.
  const Hash h = Sha256Parts({AsBytes(name), AsBytes("\n"), ByteView(*key)});
  if (GetU32BE(h.data()) != hash) {
    return InvalidArgument("verifier key: key hash " + std::string(hash16) +
                           " does not match the name and key");
  }
  if ((*key)[0] != kAlgEd25519) {
    return InvalidArgument("verifier key: unknown algorithm " + std::to_string((*key)[0]) +
                           " (only 1, Ed25519, is supported)");
  }
  if (key->size() != 1 + 32) {
    return InvalidArgument("verifier key: Ed25519 key is " + std::to_string(key->size() - 1) +
                           " bytes, want 32");
  }
  VerifierKey out;
  out.name = std::string(name);
  std::copy(key->begin() + 1, key->end(), out.public_key.begin());
  return out;
}

}  // namespace suiji
