// Byte helpers shared by the whole core: views, fixed-size hashes, hex and base64.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/status.h"

namespace suiji {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using Hash = std::array<uint8_t, 32>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string ToHex(ByteView b);
StatusOr<Bytes> FromHex(std::string_view hex);
// Standard base64 with padding (RFC 4648 §4), as the signed-note format uses.
std::string ToBase64(ByteView b);
StatusOr<Bytes> FromBase64(std::string_view b64);

// Decodes one UTF-8 code point at s[i] into *cp and returns its length, or 0 if the bytes
// there are not valid UTF-8: overlong forms, surrogates and code points above U+10FFFF are
// refused (as Go's utf8.DecodeRune does, so signed notes agree with the Go implementation).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp);
// The offset of the first byte that is not valid UTF-8, or npos.
size_t InvalidUtf8At(std::string_view s);

// Big-endian fixed-width integers: LMDB keys sort by them and hash inputs use them.
void PutU64BE(uint64_t v, uint8_t out[8]);
uint64_t GetU64BE(const uint8_t in[8]);
void PutU32BE(uint32_t v, uint8_t out[4]);
uint32_t GetU32BE(const uint8_t in[4]);

}  // namespace suiji
