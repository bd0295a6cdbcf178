#include "ledger/core/ed25519.h"

#include <sodium.h>

#include <cstring>

#include "ledger/core/sha256.h"

namespace suiji {

void InitCrypto() { SUIJI_CHECK(sodium_init() >= 0, "libsodium failed to initialise"); }

std::string KeyIdOf(const PublicKey& pk) {
  Hash h = Sha256(pk);
  return ToHex(ByteView(h.data(), 8));
}

bool VerifySignature(const PublicKey& pk, ByteView message, ByteView signature) {
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     pk.data()) == 0;
}

KeyPair::KeyPair() {
  sk_ = static_cast<uint8_t*>(sodium_malloc(crypto_sign_SECRETKEYBYTES));
  SUIJI_CHECK(sk_ != nullptr, "sodium_malloc failed");
}

KeyPair::KeyPair(KeyPair&& o) noexcept : pk_(o.pk_), sk_(o.sk_) { o.sk_ = nullptr; }
KeyPair& KeyPair::operator=(KeyPair&& o) noexcept {
  if (this != &o) {
    if (sk_ != nullptr) sodium_free(sk_);
    pk_ = o.pk_;
    sk_ = o.sk_;
    o.sk_ = nullptr;
  }
  return *this;
}
KeyPair::~KeyPair() {
  if (sk_ != nullptr) sodium_free(sk_);
}

KeyPair KeyPair::Generate() {
  InitCrypto();
  KeyPair kp;
  crypto_sign_keypair(kp.pk_.data(), kp.sk_);
  return kp;
}

StatusOr<KeyPair> KeyPair::FromSeed(ByteView seed) {
  InitCrypto();
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return InvalidArgument("an Ed25519 private key seed must be 32 bytes, got " +
                           std::to_string(seed.size()));
  }
  KeyPair kp;
  crypto_sign_seed_keypair(kp.pk_.data(), kp.sk_, seed.data());
  return kp;
}

Signature KeyPair::Sign(ByteView message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk_);
  return sig;
}

ByteView KeyPair::seed() const { return ByteView(sk_, crypto_sign_SEEDBYTES); }

}  // namespace suiji
