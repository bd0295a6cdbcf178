#include "ledger/core/key_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

KeyPair KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(KeyPair::FromSeed(seed)).value();
}

constexpr std::string_view kLedgerId = "kr-test";

// Hand-built entries for a registry under test. Entries are kept alive for the views.
class Entries {
 public:
  EntryView Make(uint64_t seq, EventType type, const Bytes& payload, const KeyPair& signer) {
    EntryFields f;
    f.ledger_id = kLedgerId;
    f.sequence = seq;
    f.time_us = 1'000'000 + static_cast<int64_t>(seq);
    f.actor = &actor_;
    f.type = type;
    f.payload = payload;
    store_.push_back(BuildEntry(f, signer));
    auto parsed = ParseEntry(store_.back());
    if (!parsed.ok()) ADD_FAILURE() << parsed.status().ToString();
    return *parsed;
  }
  EntryView Genesis(const KeyPair& root, const KeyPair& signer) {
    return Make(0, EventType::Genesis, MakeGenesisPayload(kLedgerId, root.public_key(), "", 0),
                signer);
  }
  EntryView Register(uint64_t seq, const KeyPair& key, uint32_t roles, const KeyPair& signer,
                     std::string_view replaces = "") {
    return Make(seq, EventType::KeyRegistered,
                MakeKeyRegisteredPayload(key.public_key(), roles, "k", replaces), signer);
  }
  EntryView Revoke(uint64_t seq, std::string_view key_id, const KeyPair& signer) {
    return Make(seq, EventType::KeyRevoked, MakeKeyRevokedPayload(key_id, "test"), signer);
  }
  EntryView Memo(uint64_t seq, const KeyPair& signer) {
    return Make(seq, EventType::Memo, MakeMemoPayload("s", "t"), signer);
  }

 private:
  Actor actor_{"unit", "tester"};
  std::deque<Bytes> store_;
};

// Resolves and applies `e`, as the writer and the verifier do.
Status Step(KeyRegistry& reg, const EntryView& e) {
  auto signer = reg.ResolveSigner(e);
  if (!signer.ok()) return signer.status();
  return reg.Apply(e);
}

// A registry after genesis by `root` (entry 0).
KeyRegistry AfterGenesis(Entries& es, const KeyPair& root) {
  KeyRegistry reg;
  Status s = Step(reg, es.Genesis(root, root));
  EXPECT_TRUE(s.ok()) << s.ToString();
  return reg;
}

TEST(KeyRegistry, RoleNamesListTheRolesInOrder) {
  EXPECT_EQ(RoleNames(0), "none");
  EXPECT_EQ(RoleNames(kRoleAuthority), "authority");
  EXPECT_EQ(RoleNames(kRoleWriter | kRoleCheckpoint), "writer,checkpoint");
  EXPECT_EQ(RoleNames(kRoleAuthority | kRoleWriter | kRoleCheckpoint),
            "authority,writer,checkpoint");
}

TEST(KeyRegistry, GenesisResolvesToTheRootKeyItNamesWhichBecomesAnAuthority) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg;
  EntryView g = es.Genesis(root, root);
  auto signer = reg.ResolveSigner(g);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(*signer, root.public_key());
  ASSERT_TRUE(reg.Apply(g).ok());
  EXPECT_EQ(reg.ledger_id(), kLedgerId);
  const KeyInfo* k = reg.Find(root.key_id());
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->roles, kRoleAuthority);
  EXPECT_EQ(k->public_key, root.public_key());
  EXPECT_EQ(k->registered_at, 0u);
  EXPECT_FALSE(k->revoked_at.has_value());
  // The root key signs key events from entry 1 on.
  EXPECT_TRUE(Step(reg, es.Register(1, KeyFromByte(2), kRoleWriter, root)).ok());
}

TEST(KeyRegistry, GenesisSignedByAnotherKeyIsPermissionDenied) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair other = KeyFromByte(2);
  KeyRegistry reg;
  auto r = reg.ResolveSigner(es.Genesis(root, other));
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
}

TEST(KeyRegistry, EntryZeroThatIsNotGenesisIsDataLoss) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg;
  EXPECT_EQ(reg.ResolveSigner(es.Memo(0, root)).status().code(), StatusCode::kDataLoss);
}

TEST(KeyRegistry, GenesisWithAMalformedPayloadIsDataLoss) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg;
  EXPECT_EQ(reg.ResolveSigner(es.Make(0, EventType::Genesis, Bytes(24, 0xFF), root)).status().code(),
            StatusCode::kDataLoss);
}

TEST(KeyRegistry, ASecondGenesisIsRefused) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg = AfterGenesis(es, root);
  EntryView again = es.Make(1, EventType::Genesis,
                            MakeGenesisPayload(kLedgerId, root.public_key(), "", 0), root);
  EXPECT_EQ(reg.ResolveSigner(again).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(reg.Apply(again).code(), StatusCode::kFailedPrecondition);
}

TEST(KeyRegistry, KeyEventsMustBeSignedByAnAuthorityKey) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Register(1, writer, kRoleWriter | kRoleCheckpoint, root)).ok());

  auto reg_by_writer = reg.ResolveSigner(es.Register(2, KeyFromByte(3), kRoleWriter, writer));
  EXPECT_EQ(reg_by_writer.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(reg_by_writer.status().message().find(writer.key_id()), std::string::npos);
  EXPECT_NE(reg_by_writer.status().message().find("KeyRegistered"), std::string::npos);

  auto rev_by_writer = reg.ResolveSigner(es.Revoke(2, root.key_id(), writer));
  EXPECT_EQ(rev_by_writer.status().code(), StatusCode::kPermissionDenied);

  auto by_root = reg.ResolveSigner(es.Register(2, KeyFromByte(3), kRoleWriter, root));
  ASSERT_TRUE(by_root.ok());
  EXPECT_EQ(*by_root, root.public_key());
}

TEST(KeyRegistry, AnUnregisteredSignerIsPermissionDenied) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair stranger = KeyFromByte(9);
  KeyRegistry reg = AfterGenesis(es, root);
  auto r = reg.ResolveSigner(es.Memo(1, stranger));
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find(stranger.key_id()), std::string::npos);
  EXPECT_NE(r.status().message().find("not registered"), std::string::npos);
}

TEST(KeyRegistry, ARegisteredKeyIsInForceFromTheNextSequenceOn) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Register(1, writer, kRoleWriter | kRoleCheckpoint, root)).ok());
  EXPECT_EQ(reg.Find(writer.key_id())->registered_at, 1u);
  // Not at its own sequence.
  EXPECT_EQ(reg.ResolveSigner(es.Memo(1, writer)).status().code(), StatusCode::kPermissionDenied);
  auto at2 = reg.ResolveSigner(es.Memo(2, writer));
  ASSERT_TRUE(at2.ok()) << at2.status().ToString();
  EXPECT_EQ(*at2, writer.public_key());
  // Checkpoints likewise: not for size 1 (entry 0 only), yes for size 2.
  EXPECT_TRUE(reg.CheckpointKeysAt(1).empty());
  ASSERT_EQ(reg.CheckpointKeysAt(2).size(), 1u);
  EXPECT_EQ(reg.CheckpointKeysAt(2)[0]->key_id, writer.key_id());
}

TEST(KeyRegistry, ARevokedKeyIsOutOfForceFromTheNextSequenceOn) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Register(1, writer, kRoleWriter | kRoleCheckpoint, root)).ok());
  ASSERT_TRUE(Step(reg, es.Memo(2, writer)).ok());
  ASSERT_TRUE(Step(reg, es.Revoke(3, writer.key_id(), root)).ok());
  ASSERT_TRUE(reg.Find(writer.key_id())->revoked_at.has_value());
  EXPECT_EQ(*reg.Find(writer.key_id())->revoked_at, 3u);
  // Still in force at the revoking sequence itself, out of force after it.
  EXPECT_TRUE(reg.ResolveSigner(es.Memo(3, writer)).ok());
  auto at4 = reg.ResolveSigner(es.Memo(4, writer));
  EXPECT_EQ(at4.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(at4.status().message().find("revoked at sequence 3"), std::string::npos)
      << at4.status().message();
  EXPECT_EQ(reg.CheckpointKeysAt(3).size(), 1u);
  EXPECT_TRUE(reg.CheckpointKeysAt(4).empty());
}

TEST(KeyRegistry, ARotationRevokesTheReplacedKeyInTheSameEvent) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair old_key = KeyFromByte(2);
  KeyPair new_key = KeyFromByte(3);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Register(1, old_key, kRoleWriter | kRoleCheckpoint, root)).ok());
  ASSERT_TRUE(Step(reg, es.Register(2, new_key, kRoleWriter | kRoleCheckpoint, root,
                                    old_key.key_id()))
                  .ok());
  EXPECT_EQ(reg.Find(old_key.key_id())->revoked_at, std::optional<uint64_t>(2));
  EXPECT_EQ(reg.ResolveSigner(es.Memo(3, old_key)).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(reg.ResolveSigner(es.Memo(3, new_key)).ok());
  auto cps = reg.CheckpointKeysAt(3);
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0]->key_id, new_key.key_id());
}

TEST(KeyRegistry, ARotationOfAKeyNotInForceIsFailedPrecondition) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair old_key = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  // Unknown key.
  EXPECT_EQ(Step(reg, es.Register(1, KeyFromByte(3), kRoleWriter, root, "ffffffffffffffff")).code(),
            StatusCode::kFailedPrecondition);
  // Already revoked key.
  ASSERT_TRUE(Step(reg, es.Register(1, old_key, kRoleWriter, root)).ok());
  ASSERT_TRUE(Step(reg, es.Revoke(2, old_key.key_id(), root)).ok());
  EXPECT_EQ(Step(reg, es.Register(3, KeyFromByte(3), kRoleWriter, root, old_key.key_id())).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg.Find(KeyFromByte(3).key_id()), nullptr);  // refused: not registered
}

TEST(KeyRegistry, OrdinaryEventsNeedTheWriterOrAuthorityRole) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyPair checkpointer = KeyFromByte(3);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Register(1, writer, kRoleWriter, root)).ok());
  ASSERT_TRUE(Step(reg, es.Register(2, checkpointer, kRoleCheckpoint, root)).ok());
  EXPECT_TRUE(reg.ResolveSigner(es.Memo(3, writer)).ok());
  EXPECT_TRUE(reg.ResolveSigner(es.Memo(3, root)).ok());
  auto by_cp = reg.ResolveSigner(es.Memo(3, checkpointer));
  EXPECT_EQ(by_cp.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(by_cp.status().message().find("checkpoint"), std::string::npos);
  // An event type this version does not know is an ordinary event too.
  EntryView future = es.Make(3, static_cast<EventType>(60000), Bytes{1, 2, 3}, writer);
  EXPECT_TRUE(reg.ResolveSigner(future).ok());
  EXPECT_EQ(reg.ResolveSigner(es.Make(3, static_cast<EventType>(60000), Bytes{1}, checkpointer))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
}

TEST(KeyRegistry, CheckpointKeysAreTheCheckpointRoleKeysInForce) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair a = KeyFromByte(2);
  KeyPair b = KeyFromByte(3);
  KeyPair writer_only = KeyFromByte(4);
  KeyRegistry reg = AfterGenesis(es, root);
  EXPECT_TRUE(reg.CheckpointKeysAt(1).empty());  // the root key is not a checkpoint key
  ASSERT_TRUE(Step(reg, es.Register(1, a, kRoleCheckpoint, root)).ok());
  ASSERT_TRUE(Step(reg, es.Register(2, b, kRoleWriter | kRoleCheckpoint, root)).ok());
  ASSERT_TRUE(Step(reg, es.Register(3, writer_only, kRoleWriter, root)).ok());
  ASSERT_TRUE(Step(reg, es.Revoke(4, a.key_id(), root)).ok());
  auto ids = [&](uint64_t size) {
    std::vector<std::string> out;
    for (const KeyInfo* k : reg.CheckpointKeysAt(size)) out.push_back(k->key_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<std::string> both{a.key_id(), b.key_id()};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(ids(2), std::vector<std::string>{a.key_id()});  // a registered at 1
  EXPECT_EQ(ids(3), both);                                   // b registered at 2
  EXPECT_EQ(ids(4), both);                                   // a revoked at 4 ...
  EXPECT_EQ(ids(5), std::vector<std::string>{b.key_id()});  // ... is out of force from 5
}

TEST(KeyRegistry, RevokingTheLastAuthorityKeyIsFailedPrecondition) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair second = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  Status s = Step(reg, es.Revoke(1, root.key_id(), root));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("no authority"), std::string::npos) << s.message();
  EXPECT_FALSE(reg.Find(root.key_id())->revoked_at.has_value());
  // With a second authority in force, the root key may go.
  ASSERT_TRUE(Step(reg, es.Register(1, second, kRoleAuthority, root)).ok());
  ASSERT_TRUE(Step(reg, es.Revoke(2, root.key_id(), second)).ok());
  // And now the second is the last one.
  EXPECT_EQ(Step(reg, es.Revoke(3, second.key_id(), second)).code(),
            StatusCode::kFailedPrecondition);
}

TEST(KeyRegistry, ARotationThatLeavesNoAuthorityKeyIsFailedPrecondition) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  // KeyRegistered replacing the only authority key with a writer-only key.
  Status s = Step(reg, es.Register(1, writer, kRoleWriter, root, root.key_id()));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(reg.Find(root.key_id())->revoked_at.has_value());
}

TEST(KeyRegistry, RegisteringAKeyTwiceIsFailedPrecondition) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Register(1, writer, kRoleWriter, root)).ok());
  Status s = Step(reg, es.Register(2, writer, kRoleCheckpoint, root));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("already registered"), std::string::npos);
  EXPECT_EQ(reg.Find(writer.key_id())->roles, kRoleWriter);
  // Also after it was revoked: a key id is never reused.
  ASSERT_TRUE(Step(reg, es.Revoke(2, writer.key_id(), root)).ok());
  EXPECT_EQ(Step(reg, es.Register(3, writer, kRoleWriter, root)).code(),
            StatusCode::kFailedPrecondition);
  // The root key too.
  EXPECT_EQ(Step(reg, es.Register(3, root, kRoleWriter, root)).code(),
            StatusCode::kFailedPrecondition);
}

TEST(KeyRegistry, RegisteringAKeyWithNoRoleIsFailedPrecondition) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg = AfterGenesis(es, root);
  EXPECT_EQ(Step(reg, es.Register(1, KeyFromByte(2), 0, root)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg.Find(KeyFromByte(2).key_id()), nullptr);
}

TEST(KeyRegistry, RevokingAnUnknownOrAlreadyRevokedKeyIsFailedPrecondition) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  Status unknown = Step(reg, es.Revoke(1, "0123456789abcdef", root));
  EXPECT_EQ(unknown.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unknown.message().find("0123456789abcdef"), std::string::npos);
  ASSERT_TRUE(Step(reg, es.Register(1, writer, kRoleWriter, root)).ok());
  ASSERT_TRUE(Step(reg, es.Revoke(2, writer.key_id(), root)).ok());
  EXPECT_EQ(Step(reg, es.Revoke(3, writer.key_id(), root)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg.Find(writer.key_id())->revoked_at, std::optional<uint64_t>(2));
}

TEST(KeyRegistry, AMalformedKeyPayloadIsDataLoss) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg = AfterGenesis(es, root);
  EXPECT_EQ(reg.Apply(es.Make(1, EventType::KeyRegistered, Bytes(20, 0xFF), root)).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(reg.Apply(es.Make(1, EventType::KeyRevoked, Bytes(20, 0xFF), root)).code(),
            StatusCode::kDataLoss);
  // A KeyRegistered whose public key is not 32 bytes.
  flatbuffers::FlatBufferBuilder fbb;
  Bytes short_key(31, 7);
  auto pk = fbb.CreateVector(short_key.data(), short_key.size());
  fbb.Finish(schema::CreateKeyRegistered(fbb, pk, schema::KeyRole::Writer));
  Bytes payload(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  EXPECT_EQ(reg.Apply(es.Make(1, EventType::KeyRegistered, payload, root)).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(reg.keys().size(), 1u);
}

TEST(KeyRegistry, OrdinaryEventsChangeNoKeys) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyRegistry reg = AfterGenesis(es, root);
  ASSERT_TRUE(Step(reg, es.Memo(1, root)).ok());
  ASSERT_TRUE(reg.Apply(es.Make(2, static_cast<EventType>(60000), Bytes{1}, root)).ok());
  EXPECT_EQ(reg.keys().size(), 1u);
}

TEST(KeyRegistry, ACopyCanBeChangedWithoutTouchingTheOriginal) {
  Entries es;
  KeyPair root = KeyFromByte(1);
  KeyPair writer = KeyFromByte(2);
  KeyRegistry reg = AfterGenesis(es, root);
  KeyRegistry copy = reg;
  ASSERT_TRUE(Step(copy, es.Register(1, writer, kRoleWriter, root)).ok());
  EXPECT_NE(copy.Find(writer.key_id()), nullptr);
  EXPECT_EQ(reg.Find(writer.key_id()), nullptr);
  EXPECT_EQ(reg.keys().size(), 1u);
}

}  // namespace
}  // namespace suiji
