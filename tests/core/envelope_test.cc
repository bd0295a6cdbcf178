#include "ledger/core/envelope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

KeyPair KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(KeyPair::FromSeed(seed)).value();
}

Hash FilledHash(uint8_t b) {
  Hash h{};
  h.fill(b);
  return h;
}

struct Sample {
  Actor actor{"320400", "inspector-7"};
  Bytes payload = MakeMemoPayload("draw 2026-03", "minutes of the draw ceremony");
  Hash prev = FilledHash(0xAB);
  EntryFields Fields() const {
    EntryFields f;
    f.ledger_id = "labour/js-2026";
    f.sequence = 42;
    f.prev_hash = prev;
    f.time_us = 1'750'000'000'123'456;
    f.actor = &actor;
    f.type = EventType::Memo;
    f.payload = payload;
    return f;
  }
};

// An Entry buffer around arbitrary body and signature bytes, as BuildEntry lays it out.
Bytes WrapBody(ByteView body, ByteView signature) {
  flatbuffers::FlatBufferBuilder fbb(1024);
  fbb.ForceVectorAlignment(body.size(), 1, 8);
  auto b = fbb.CreateVector(body.data(), body.size());
  auto s = fbb.CreateVector(signature.data(), signature.size());
  fbb.Finish(schema::CreateEntry(fbb, b, s), schema::EntryIdentifier());
  return Bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

// An EventBody buffer whose prev_hash has `prev_len` bytes and whose key_id may be absent.
Bytes BodyWith(size_t prev_len, bool with_key_id) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto id = fbb.CreateString("x");
  Bytes prev_bytes(prev_len, 0);
  auto prev = fbb.CreateVector(prev_bytes.data(), prev_bytes.size());
  auto kid = with_key_id ? fbb.CreateString("0011223344556677") : flatbuffers::Offset<flatbuffers::String>();
  auto body = schema::CreateEventBody(fbb, id, 1, prev, 0, 0, kid,
                                      static_cast<uint16_t>(EventType::Memo), 0);
  fbb.Finish(body);
  return Bytes(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

TEST(Envelope, BuildThenParseRoundTripsEveryField) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  Bytes entry = BuildEntry(s.Fields(), key);
  auto parsed = ParseEntry(entry);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const EntryView& e = *parsed;
  EXPECT_EQ(e.bytes.data(), entry.data());
  EXPECT_EQ(e.bytes.size(), entry.size());
  EXPECT_EQ(e.ledger_id(), "labour/js-2026");
  EXPECT_EQ(e.sequence(), 42u);
  EXPECT_EQ(e.prev_hash(), s.prev);
  EXPECT_EQ(e.event->time_us(), 1'750'000'000'123'456);
  ASSERT_NE(e.event->actor(), nullptr);
  EXPECT_EQ(e.event->actor()->org_unit()->str(), "320400");
  EXPECT_EQ(e.event->actor()->user()->str(), "inspector-7");
  EXPECT_EQ(e.key_id(), key.key_id());
  EXPECT_EQ(e.type(), EventType::Memo);
  EXPECT_EQ(Bytes(e.payload().begin(), e.payload().end()), s.payload);
  EXPECT_EQ(e.signature.size(), 64u);
  EXPECT_FALSE(e.body.empty());
  // The body and signature views lie inside the entry bytes.
  EXPECT_GE(e.body.data(), entry.data());
  EXPECT_LE(e.body.data() + e.body.size(), entry.data() + entry.size());
  ASSERT_TRUE(VerifyPayload(EventType::Memo, e.payload()).ok());
  const auto* memo = PayloadAs<schema::Memo>(e);
  EXPECT_EQ(memo->subject()->str(), "draw 2026-03");
  EXPECT_EQ(memo->text()->str(), "minutes of the draw ceremony");
}

TEST(Envelope, BuildWithoutAnActorStoresEmptyActorFields) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  EntryFields f = s.Fields();
  f.actor = nullptr;
  Bytes entry = BuildEntry(f, key);
  auto parsed = ParseEntry(entry);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_NE(parsed->event->actor(), nullptr);
  EXPECT_EQ(parsed->event->actor()->org_unit()->str(), "");
  EXPECT_EQ(parsed->event->actor()->user()->str(), "");
}

TEST(Envelope, GenesisAndKeyPayloadsRoundTrip) {
  KeyPair root = KeyFromByte(1);
  KeyPair other = KeyFromByte(2);
  Actor actor{"bureau", "admin"};
  EntryFields f;
  f.ledger_id = "l";
  f.actor = &actor;

  Bytes genesis = MakeGenesisPayload("l", root.public_key(), "the test ledger", 123);
  ASSERT_TRUE(VerifyPayload(EventType::Genesis, genesis).ok());
  f.type = EventType::Genesis;
  f.payload = genesis;
  Bytes e0 = BuildEntry(f, root);
  auto p0 = ParseEntry(e0);
  ASSERT_TRUE(p0.ok());
  const auto* g = PayloadAs<schema::Genesis>(*p0);
  EXPECT_EQ(g->ledger_id()->str(), "l");
  EXPECT_EQ(g->description()->str(), "the test ledger");
  EXPECT_EQ(g->created_time_us(), 123);
  ASSERT_EQ(g->root_public_key()->size(), 32u);
  EXPECT_TRUE(std::equal(root.public_key().begin(), root.public_key().end(),
                         g->root_public_key()->begin()));

  Bytes reg = MakeKeyRegisteredPayload(other.public_key(), 6, "node key", "00aa");
  ASSERT_TRUE(VerifyPayload(EventType::KeyRegistered, reg).ok());
  f.type = EventType::KeyRegistered;
  f.sequence = 1;
  f.payload = reg;
  Bytes e1 = BuildEntry(f, root);
  auto p1 = ParseEntry(e1);
  ASSERT_TRUE(p1.ok());
  const auto* r = PayloadAs<schema::KeyRegistered>(*p1);
  EXPECT_EQ(static_cast<uint32_t>(r->roles()), 6u);
  EXPECT_EQ(r->label()->str(), "node key");
  EXPECT_EQ(r->replaces_key_id()->str(), "00aa");

  Bytes rev = MakeKeyRevokedPayload("0011223344556677", "lost");
  ASSERT_TRUE(VerifyPayload(EventType::KeyRevoked, rev).ok());
  f.type = EventType::KeyRevoked;
  f.payload = rev;
  Bytes e2 = BuildEntry(f, root);
  auto p2 = ParseEntry(e2);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(PayloadAs<schema::KeyRevoked>(*p2)->key_id()->str(), "0011223344556677");
  EXPECT_EQ(PayloadAs<schema::KeyRevoked>(*p2)->reason()->str(), "lost");
}

TEST(Envelope, ParseRejectsTruncatedBytesAsDataLoss) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  Bytes entry = BuildEntry(s.Fields(), key);
  auto full = ParseEntry(entry);
  ASSERT_TRUE(full.ok());
  // Everything up to the end of the signed body and the signature is needed; only alignment
  // padding after the last vector may be cut without losing data.
  const auto* end_of_data = std::max(full->body.data() + full->body.size(),
                                     full->signature.data() + full->signature.size());
  const size_t needed = static_cast<size_t>(end_of_data - entry.data());
  ASSERT_LE(needed, entry.size());
  for (size_t n = 0; n < needed; ++n) {
    Bytes cut(entry.begin(), entry.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = ParseEntry(cut);
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << "prefix of " << n << " bytes";
  }
}

TEST(Envelope, ParseRejectsAWrongFileIdentifier) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  Bytes entry = BuildEntry(s.Fields(), key);
  ASSERT_EQ(AsChars(ByteView(entry).subspan(4, 4)), "SJE1");
  entry[7] = '2';  // "SJE2"
  auto r = ParseEntry(entry);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("SJE1"), std::string::npos) << r.status().message();
}

TEST(Envelope, ParseRejectsASignatureThatIsNot64Bytes) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  Bytes entry = BuildEntry(s.Fields(), key);
  auto good = ParseEntry(entry);
  ASSERT_TRUE(good.ok());
  Bytes sig(good->signature.begin(), good->signature.end());
  for (size_t len : {size_t{0}, size_t{63}, size_t{65}}) {
    Bytes wrong_sig = sig;
    wrong_sig.resize(len, 0);
    Bytes wrapped = WrapBody(good->body, wrong_sig);
    auto r = ParseEntry(wrapped);
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << "signature of " << len << " bytes";
    EXPECT_NE(r.status().message().find("64"), std::string::npos) << r.status().message();
  }
  // The same body with its 64-byte signature parses: the wrapper itself is right.
  EXPECT_TRUE(ParseEntry(WrapBody(good->body, sig)).ok());
}

TEST(Envelope, ParseRejectsAMalformedBody) {
  Bytes sig(64, 1);
  Bytes garbage(100, 0xEE);
  EXPECT_EQ(ParseEntry(WrapBody(garbage, sig)).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ParseEntry(WrapBody(Bytes{}, sig)).status().code(), StatusCode::kDataLoss);
}

TEST(Envelope, ParseRejectsAPrevHashThatIsNot32Bytes) {
  Bytes sig(64, 1);
  EXPECT_TRUE(ParseEntry(WrapBody(BodyWith(32, true), sig)).ok());
  for (size_t len : {size_t{0}, size_t{31}, size_t{33}}) {
    auto r = ParseEntry(WrapBody(BodyWith(len, true), sig));
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << len;
    EXPECT_NE(r.status().message().find("prev_hash"), std::string::npos);
  }
}

TEST(Envelope, ParseRejectsABodyWithoutKeyId) {
  Bytes sig(64, 1);
  auto r = ParseEntry(WrapBody(BodyWith(32, false), sig));
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("key_id"), std::string::npos);
}

TEST(Envelope, ParseRejectsAPayloadOverTheLimit) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  s.payload.assign(kMaxPayloadBytes + 1, 0x20);
  Bytes entry = BuildEntry(s.Fields(), key);
  EXPECT_EQ(ParseEntry(entry).status().code(), StatusCode::kDataLoss);
  s.payload.resize(kMaxPayloadBytes);
  EXPECT_TRUE(ParseEntry(BuildEntry(s.Fields(), key)).ok());
}

TEST(Envelope, SignatureVerifiesOverTheBodyBytesWithTheSignersKeyOnly) {
  KeyPair key = KeyFromByte(7);
  KeyPair other = KeyFromByte(8);
  Sample s;
  Bytes entry = BuildEntry(s.Fields(), key);
  auto e = ParseEntry(entry);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(VerifySignature(key.public_key(), e->body, e->signature));
  EXPECT_FALSE(VerifySignature(other.public_key(), e->body, e->signature));
  // Over the body, not the whole entry.
  EXPECT_FALSE(VerifySignature(key.public_key(), e->bytes, e->signature));
}

TEST(Envelope, BuildingTheSameFieldsTwiceGivesTheSameBytes) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  EXPECT_EQ(BuildEntry(s.Fields(), key), BuildEntry(s.Fields(), key));  // Ed25519 is deterministic
}

TEST(Envelope, FlippingAnyBodyByteBreaksTheSignatureOrTheParse) {
  KeyPair key = KeyFromByte(7);
  Sample s;
  const Bytes entry = BuildEntry(s.Fields(), key);
  auto good = ParseEntry(entry);
  ASSERT_TRUE(good.ok());
  const size_t body_at = static_cast<size_t>(good->body.data() - entry.data());
  const size_t body_len = good->body.size();
  const Hash leaf = LeafHash(entry);
  size_t still_parse = 0;
  for (size_t i = 0; i < body_len; ++i) {
    Bytes t = entry;
    t[body_at + i] ^= 0x01;
    EXPECT_NE(LeafHash(t), leaf);
    auto e = ParseEntry(t);
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), StatusCode::kDataLoss);
      continue;
    }
    ++still_parse;
    EXPECT_FALSE(VerifySignature(key.public_key(), e->body, e->signature))
        << "body byte " << i << " flipped and the signature still verifies";
  }
  EXPECT_GT(still_parse, 0u);  // the payload text bytes, at least, flip without breaking the parse

  // And the flip of one payload text byte specifically: parses, signature fails.
  const std::string_view text = "minutes of the draw ceremony";
  auto it = std::search(entry.begin(), entry.end(), text.begin(), text.end());
  ASSERT_NE(it, entry.end());
  Bytes t = entry;
  t[static_cast<size_t>(it - entry.begin())] = 'M';
  auto e = ParseEntry(t);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(VerifySignature(key.public_key(), e->body, e->signature));
}

TEST(Envelope, VerifyPayloadRejectsAMalformedKnownPayloadAndPassesUnknownTypes) {
  Bytes garbage(40, 0xFF);
  for (EventType t : {EventType::Genesis, EventType::KeyRegistered, EventType::KeyRevoked,
                      EventType::Memo}) {
    Status st = VerifyPayload(t, garbage);
    EXPECT_EQ(st.code(), StatusCode::kDataLoss) << EventTypeName(t);
    EXPECT_NE(st.message().find(EventTypeName(t)), std::string::npos) << st.message();
  }
  EXPECT_TRUE(VerifyPayload(static_cast<EventType>(60000), garbage).ok());
  EXPECT_TRUE(VerifyPayload(EventType::Unknown, garbage).ok());
}

TEST(Envelope, EventTypeNamesAreStable) {
  EXPECT_EQ(EventTypeName(EventType::Unknown), "Unknown");
  EXPECT_EQ(EventTypeName(EventType::Genesis), "Genesis");
  EXPECT_EQ(EventTypeName(EventType::KeyRegistered), "KeyRegistered");
  EXPECT_EQ(EventTypeName(EventType::KeyRevoked), "KeyRevoked");
  EXPECT_EQ(EventTypeName(EventType::Memo), "Memo");
  EXPECT_EQ(EventTypeName(static_cast<EventType>(60000)), "Unregistered");
}

}  // namespace
}  // namespace suiji
