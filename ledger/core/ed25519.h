// Ed25519 signing keys and verification, with libsodium.
//
// A KeyPair owns its secret key in memory locked with sodium_mlock and wiped on destruction.
// Key ids name a public key in events and reports: the first 8 bytes of SHA-256(public key),
// in hex (16 characters).
#pragma once

#include <memory>
#include <string>

#include "ledger/core/bytes.h"

namespace suiji {

using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;

// Must be called once before any other function here; safe to call repeatedly.
void InitCrypto();

std::string KeyIdOf(const PublicKey& pk);

bool VerifySignature(const PublicKey& pk, ByteView message, ByteView signature);

class KeyPair {
 public:
  // A fresh key from libsodium's CSPRNG.
  static KeyPair Generate();
  // From the 32-byte seed (the private key file holds exactly this).
  static StatusOr<KeyPair> FromSeed(ByteView seed);

  KeyPair(KeyPair&&) noexcept;
  KeyPair& operator=(KeyPair&&) noexcept;
  ~KeyPair();

  const PublicKey& public_key() const { return pk_; }
  std::string key_id() const { return KeyIdOf(pk_); }
  Signature Sign(ByteView message) const;
  // The 32-byte seed; handle with care (only the key store writes it, to a 0600 file).
  ByteView seed() const;

 private:
  KeyPair();
  PublicKey pk_{};
  uint8_t* sk_ = nullptr;  // 64 bytes, sodium_malloc'd (guarded, locked, wiped on free)
};

}  // namespace suiji
