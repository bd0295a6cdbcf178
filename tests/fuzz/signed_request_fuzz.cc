// libFuzzer target: the `Suiji-Ed25519` Authorization header parser of signed requests
// (api/http/signed_request.h), which every signed request to `suiji serve` reaches before it
// is authenticated. Beyond "no crash, no sanitizer report", for every header it accepts:
//   - the fields are within their stated limits (user id 1-128 printable ASCII characters,
//     timestamp 1-12 digits, a 64-byte signature), and
//   - the header is exactly the scheme and the three fields as parsed, joined by single
//     spaces (one text per request: nothing ignored, no second spelling of a signature,
//     which would let a replay look new).
// Any violation aborts with the input saved by libFuzzer. Run by ops/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/http/signed_request.h"

namespace {

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "signed_request_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // As received, and with the scheme in front (most inputs would fail on the scheme alone).
  for (const std::string& header : {std::string(input), std::string(suiji::http::kSignedScheme) + std::string(input)}) {
    auto parsed = suiji::http::ParseSignedAuthorization(header);
    if (!parsed.ok()) continue;
    const suiji::http::SignedAuthorization& a = *parsed;
    if (a.user_id.empty() || a.user_id.size() > 128) Broken("user id length out of bounds");
    for (char ch : a.user_id) {
      if (ch < 0x21 || ch > 0x7e) Broken("user id not printable ASCII");
    }
    if (a.timestamp_text.empty() || a.timestamp_text.size() > 12) Broken("timestamp length out of bounds");
    if (std::to_string(a.timestamp) != a.timestamp_text && a.timestamp_text[0] != '0') {
      Broken("timestamp value differs from its digits");
    }
    if (a.signature.size() != 64) Broken("signature not 64 bytes");
    if (suiji::ToBase64(a.signature) != a.signature_text) Broken("signature text not canonical");
    const std::string again = std::string(suiji::http::kSignedScheme) + a.user_id + " " + a.timestamp_text + " " +
                              a.signature_text;
    if (again != header) Broken("accepted header differs from its parsed fields");
    (void)suiji::http::SignedRequestMessage("GET", "/api/v1/me", a.timestamp_text, header);
  }
  return 0;
}
