#include "ledger/core/bytes.h"

#include <sodium.h>

namespace suiji {

std::string ToHex(ByteView b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(b.size() * 2);
  for (size_t i = 0; i < b.size(); ++i) {
    out[2 * i] = kDigits[b[i] >> 4];
    out[2 * i + 1] = kDigits[b[i] & 0x0f];
  }
  return out;
}

StatusOr<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex string has an odd length");
  Bytes out(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("not a hex digit in hex string");
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

std::string ToBase64(ByteView b) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL libsodium writes
  return out;
}

StatusOr<Bytes> FromBase64(std::string_view b64) {
  Bytes out(b64.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != b64.data() + b64.size()) {
    return InvalidArgument("not valid base64");
  }
  out.resize(len);
  return out;
}

void PutU64BE(uint64_t v, uint8_t out[8]) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}
uint64_t GetU64BE(const uint8_t in[8]) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}
void PutU32BE(uint32_t v, uint8_t out[4]) {
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
}
uint32_t GetU32BE(const uint8_t in[4]) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in[i];
  return v;
}

size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* rune) {
  const auto byte_at = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b0 = byte_at(i);
  if (b0 < 0x80) {
    *rune = b0;
    return 1;
  }
  size_t len = 0;
  uint32_t min = 0;
  uint32_t r = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
    r = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
    r = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
    r = b0 & 0x07u;
  } else {
    return 0;  // a continuation byte or 0xF8..0xFF where a rune must start
  }
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    const uint8_t b = byte_at(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    r = (r << 6) | (b & 0x3Fu);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0;
  *rune = r;
  return len;
}

size_t InvalidUtf8At(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace suiji
