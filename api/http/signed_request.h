// The `Suiji-Ed25519` Authorization header of a signed request, parsed strictly and apart from
// the server so a fuzzer (tests/fuzz/signed_request_fuzz.cc) can reach it:
//
//   Authorization: Suiji-Ed25519 <user_id> <unix seconds> <base64 of a 64-byte signature>
//
// signed over SignedRequestMessage(): "suiji-request/1\n" METHOD "\n" PATH[?QUERY] "\n"
// SECONDS "\n" hex(SHA-256(body)). Pure functions, no I/O; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"
#include "ledger/core/status.h"

namespace suiji::http {

inline constexpr std::string_view kSignedScheme = "Suiji-Ed25519 ";

struct SignedAuthorization {
  std::string user_id;    // 1-128 printable ASCII characters, no space
  int64_t timestamp = 0;  // unix seconds, as signed
  std::string timestamp_text;  // the digits exactly as sent (part of the signed message)
  std::string signature_text;  // the base64 as sent (canonical: a replay carries the same text)
  Bytes signature;        // 64 bytes
};

// Parses a whole Authorization value that starts with kSignedScheme: exactly three fields
// separated by single spaces, the timestamp 1-12 decimal digits, the signature base64 of
// 64 bytes in canonical base64 (padded, no unused bits set). kInvalidArgument names the first
// field that is wrong.
StatusOr<SignedAuthorization> ParseSignedAuthorization(std::string_view header);

// The bytes a signed request's signature covers.
std::string SignedRequestMessage(std::string_view method, std::string_view target,
                                 std::string_view timestamp_text, std::string_view body);

// The same message from the body's SHA-256 as 64 lower-case hex digits, for checking a
// signature before the body is read (a large body announces its digest in the
// `X-Content-SHA256` header; the body is checked against the signature once read).
std::string SignedRequestMessageForDigest(std::string_view method, std::string_view target,
                                          std::string_view timestamp_text, std::string_view body_sha256_hex);

// True if `text` is 64 lower-case hex digits (the form SignedRequestMessage writes).
bool IsSha256Hex(std::string_view text);

}  // namespace suiji::http
