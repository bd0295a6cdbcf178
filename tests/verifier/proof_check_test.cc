#include "verifier/proof_check.h"

#include <gtest/gtest.h>

#include "ledger/core/envelope.h"
#include "ledger/core/merkle.h"
#include "ledger/core/proof_format.h"

namespace suiji {
namespace {

// A small in-memory log: n signed memo entries, a tree and a signed checkpoint.
struct Fixture {
  KeyPair key = KeyPair::Generate();
  std::string name = "test.ledger/proofs";
  std::vector<Bytes> entries;
  MerkleTree tree;
  std::string note;

  explicit Fixture(uint64_t n) {
    Hash prev{};
    Actor actor{"320400", "tester"};
    for (uint64_t i = 0; i < n; ++i) {
      Bytes payload = MakeMemoPayload("s", "t" + std::to_string(i));
      EntryFields f{name, i, prev, 1'700'000'000'000'000 + static_cast<int64_t>(i), &actor,
                    EventType::Memo, payload};
      entries.push_back(BuildEntry(f, key));
      prev = LeafHash(entries.back());
      tree.Append(prev);
    }
    note = SignNote(FormatCheckpoint({name, n, tree.Root(), {}}), name, key);
  }
  VerifierKey vkey() const { return *ParseVerifierKey(VerifierKeyString(name, key.public_key())); }
};

TEST(ProofCheck, AcceptsAnInclusionProofForEveryEntry) {
  Fixture fx(13);
  for (uint64_t i = 0; i < 13; ++i) {
    InclusionProofFile p{i, 13, fx.entries[i], *fx.tree.InclusionProof(i, 13), fx.note};
    auto r = CheckProof(FormatInclusionProof(p), fx.vkey(), std::nullopt);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().ToString();
    EXPECT_EQ(r->index, i);
    EXPECT_EQ(r->kind, "inclusion");
  }
}

TEST(ProofCheck, RejectsAnInclusionProofForAnAlteredEntry) {
  Fixture fx(13);
  InclusionProofFile p{5, 13, fx.entries[5], *fx.tree.InclusionProof(5, 13), fx.note};
  p.entry = fx.entries[6];  // another genuine entry, wrong position
  auto r = CheckProof(FormatInclusionProof(p), fx.vkey(), std::nullopt);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(ProofCheck, RejectsACheckpointSignedByAnotherKey) {
  Fixture fx(4);
  KeyPair other = KeyPair::Generate();
  InclusionProofFile p{1, 4, fx.entries[1], *fx.tree.InclusionProof(1, 4), fx.note};
  auto wrong = *ParseVerifierKey(VerifierKeyString(fx.name, other.public_key()));
  auto r = CheckProof(FormatInclusionProof(p), wrong, std::nullopt);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(ProofCheck, ConsistencyProofMustStartFromTheCheckpointTheCheckerHolds) {
  Fixture fx(20);
  Fixture old_fx(0);
  std::string old_note = SignNote(FormatCheckpoint({fx.name, 7, *fx.tree.RootAt(7), {}}),
                                  fx.name, fx.key);
  ConsistencyProofFile p{7, *fx.tree.RootAt(7), 20, *fx.tree.ConsistencyProof(7, 20), fx.note};
  auto ok = CheckProof(FormatConsistencyProof(p), fx.vkey(), old_note);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->old_size, 7u);
  // A different history: same sizes, other old root.
  p.old_root = *fx.tree.RootAt(6);
  auto bad = CheckProof(FormatConsistencyProof(p), fx.vkey(), old_note);
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
}

TEST(ProofCheck, RejectsAMalformedProofFileAsInvalidArgument) {
  Fixture fx(2);
  auto r = CheckProof("suiji-proof v1 inclusion\nindex x\n\n" + fx.note, fx.vkey(), std::nullopt);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  auto r2 = CheckProof("hello", fx.vkey(), std::nullopt);
  EXPECT_EQ(r2.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace suiji
