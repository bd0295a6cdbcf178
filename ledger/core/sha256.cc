#include "ledger/core/sha256.h"

// The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, but they run
// the same SHA-NI code without EVP's per-call provider set-up: about twice as many short
// hashes per second here (tests/bench/draw_bench.cc measured 6.0M/s against 3.4M/s for 71
// bytes on one core). SHA-256 is SHA-256 either way; the RFC 6962 and note vectors check it.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace suiji {

Hash Sha256Parts(std::initializer_list<ByteView> parts) {
  SHA256_CTX ctx;
  bool ok = SHA256_Init(&ctx) == 1;
  for (ByteView p : parts) ok = ok && SHA256_Update(&ctx, p.data(), p.size()) == 1;
  Hash out{};
  ok = ok && SHA256_Final(out.data(), &ctx) == 1;
  SUIJI_CHECK(ok, "OpenSSL SHA-256 failed");
  return out;
}

Hash Sha256(ByteView data) { return Sha256Parts({data}); }

Hash LeafHash(ByteView entry) {
  static constexpr uint8_t kPrefix[1] = {0x00};
  return Sha256Parts({ByteView(kPrefix), entry});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr uint8_t kPrefix[1] = {0x01};
  return Sha256Parts({ByteView(kPrefix), ByteView(left), ByteView(right)});
}

Hash EmptyTreeHash() { return Sha256(ByteView()); }

}  // namespace suiji
