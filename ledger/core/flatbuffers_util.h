// Small FlatBuffers helpers shared by the payload codecs (directory, draw, inspection):
// finishing a buffer into Bytes, verifying a payload before reading it, reading optional
// strings, and the decoders' kDataLoss errors.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <string>
#include <vector>

#include "ledger/core/bytes.h"

namespace suiji::fb {

template <typename T>
Bytes Finish(flatbuffers::FlatBufferBuilder& fbb, flatbuffers::Offset<T> root) {
  fbb.Finish(root);
  return Bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

// The root table of `b` if it passes the FlatBuffers verifier, else nullptr.
template <typename T>
const T* Verified(ByteView b) {
  flatbuffers::Verifier v(b.data(), b.size(), 32, 1000000);
  if (!v.VerifyBuffer<T>(nullptr)) return nullptr;
  return flatbuffers::GetRoot<T>(b.data());
}

// kDataLoss errors of payload decoders: "<table> payload <what>", "... is malformed",
// "... lacks <field>".
inline Status DataLossIn(std::string_view table, std::string_view what) {
  return DataLoss(std::string(table) + " payload " + std::string(what));
}
inline Status Malformed(std::string_view table) { return DataLossIn(table, "is malformed"); }
inline Status Lacks(std::string_view table, std::string_view field) {
  return DataLossIn(table, "lacks " + std::string(field));
}

inline std::string Str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

inline std::vector<std::string> Strs(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  out.reserve(v->size());
  for (const auto* s : *v) out.push_back(Str(s));
  return out;
}

}  // namespace suiji::fb
