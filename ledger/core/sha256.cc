#include "ledger/core/sha256.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace suiji {

namespace {
// One digest context per thread, reused: EVP_MD_CTX_new per hash costs more than the hash.
struct Ctx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(ctx); }
};
EVP_MD_CTX* ThreadCtx() {
  thread_local Ctx c;
  return c.ctx;
}
// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up (with locks) per init,
// which cost more than hashing a 250-byte entry.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
}  // namespace

Hash Sha256Parts(std::initializer_list<ByteView> parts) {
  EVP_MD_CTX* ctx = ThreadCtx();
  Hash out{};
  bool ok = EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) == 1;
  for (ByteView p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  unsigned int len = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1;
  SUIJI_CHECK(ok && len == out.size(), "OpenSSL SHA-256 failed");
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
