#include "api/http/signed_request.h"

#include "ledger/core/sha256.h"

namespace suiji::http {

StatusOr<SignedAuthorization> ParseSignedAuthorization(std::string_view header) {
  if (!header.starts_with(kSignedScheme)) return InvalidArgument("not a Suiji-Ed25519 authorization");
  std::string_view rest = header.substr(kSignedScheme.size());
  std::string_view fields[3];
  for (int i = 0; i < 3; ++i) {
    const size_t space = rest.find(' ');
    if ((space == std::string_view::npos) != (i == 2)) {
      return InvalidArgument("Suiji-Ed25519 takes three fields separated by single spaces");
    }
    fields[i] = rest.substr(0, space);
    if (fields[i].empty()) return InvalidArgument("Suiji-Ed25519 takes three fields separated by single spaces");
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  SignedAuthorization a;
  if (fields[0].size() > 128) return InvalidArgument("the user id is longer than 128 characters");
  for (char ch : fields[0]) {
    if (ch < 0x21 || ch > 0x7e) return InvalidArgument("the user id is not printable ASCII");
  }
  a.user_id = std::string(fields[0]);
  if (fields[1].size() > 12) return InvalidArgument("the timestamp has more than 12 digits");
  for (char ch : fields[1]) {
    if (ch < '0' || ch > '9') return InvalidArgument("the timestamp is not decimal digits");
    a.timestamp = a.timestamp * 10 + (ch - '0');
  }
  a.timestamp_text = std::string(fields[1]);
  if (fields[2].size() != 88) return InvalidArgument("the signature is not 64 bytes of base64");
  auto sig = FromBase64(fields[2]);
  if (!sig.ok() || sig->size() != 64) return InvalidArgument("the signature is not 64 bytes of base64");
  // One text per signature: unused low bits in the last character would otherwise give
  // several spellings of the same signature (and a replay that looks new).
  if (ToBase64(*sig) != fields[2]) return InvalidArgument("the signature is not canonical base64");
  a.signature_text = std::string(fields[2]);
  a.signature = std::move(*sig);
  return a;
}

std::string SignedRequestMessage(std::string_view method, std::string_view target,
                                 std::string_view timestamp_text, std::string_view body) {
  return SignedRequestMessageForDigest(method, target, timestamp_text, ToHex(Sha256(AsBytes(body))));
}

std::string SignedRequestMessageForDigest(std::string_view method, std::string_view target,
                                          std::string_view timestamp_text, std::string_view body_sha256_hex) {
  std::string m = "suiji-request/1\n";
  m.append(method).append("\n").append(target).append("\n").append(timestamp_text).append("\n");
  m.append(body_sha256_hex);
  return m;
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace suiji::http
