// SHA-256 from OpenSSL (SHA-NI where the CPU has it: about 5x libsodium's on this machine),
// plus the RFC 6962/9162 leaf and node hashes the Merkle tree and the hash chain use.
#pragma once

#include <initializer_list>

#include "ledger/core/bytes.h"

namespace suiji {

Hash Sha256(ByteView data);
// SHA-256 over the concatenation of several pieces, without copying them together.
Hash Sha256Parts(std::initializer_list<ByteView> parts);

// RFC 6962 §2.1: leaf hash SHA-256(0x00 || entry).
Hash LeafHash(ByteView entry);
// RFC 6962 §2.1: interior node hash SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);
// RFC 6962: the hash of an empty tree, SHA-256 of the empty string.
Hash EmptyTreeHash();

}  // namespace suiji
