// A MerkleTree resumed over persisted nodes (MerkleTree::Resume, Rebase, ForEachNodeFrom)
// gives the same roots and proofs as one that holds every node, reads only the source for
// nodes below its base, and reports a missing node as the proof's error.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "ledger/core/merkle.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

Hash LeafN(uint64_t i) {
  Bytes b(8);
  PutU64BE(i, b.data());
  return LeafHash(b);
}

// Nodes kept in a map, as a store would keep them; counts the reads.
class MapSource final : public MerkleNodeSource {
 public:
  StatusOr<Hash> Node(uint32_t level, uint64_t index) const override {
    ++reads;
    auto it = nodes.find({level, index});
    if (it == nodes.end()) {
      return DataLoss("no node " + std::to_string(level) + "/" + std::to_string(index));
    }
    return it->second;
  }
  void Take(const MerkleTree& t, uint64_t from) {
    t.ForEachNodeFrom(from, [&](uint32_t l, uint64_t i, const Hash& h) { nodes[{l, i}] = h; });
  }
  std::map<std::pair<uint32_t, uint64_t>, Hash> nodes;
  mutable uint64_t reads = 0;
};

MerkleTree Full(uint64_t n) {
  MerkleTree t;
  for (uint64_t i = 0; i < n; ++i) t.Append(LeafN(i));
  return t;
}

TEST(MerkleResumeTest, ResumedTreeGivesTheSameRootsAndProofsAsAFullOne) {
  for (uint64_t base : {1u, 2u, 3u, 7u, 8u, 13u, 32u, 45u}) {
    MerkleTree full = Full(base);
    auto source = std::make_shared<MapSource>();
    source->Take(full, 0);
    // Every node over the first `base` leaves: 2^k-leaf subtrees, base >> k of each level.
    uint64_t expected_nodes = 0;
    for (uint64_t k = 0; (base >> k) > 0; ++k) expected_nodes += base >> k;
    ASSERT_EQ(source->nodes.size(), expected_nodes) << "base " << base;

    auto resumed = MerkleTree::Resume(base, source);
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    EXPECT_EQ(resumed->size(), base);
    EXPECT_EQ(resumed->base(), base);
    EXPECT_EQ(resumed->Root(), full.Root()) << "base " << base;
    const uint64_t reads_after_resume = source->reads;
    // Appending never reads the source.
    for (uint64_t i = base; i < base + 37; ++i) {
      resumed->Append(LeafN(i));
      full.Append(LeafN(i));
      EXPECT_EQ(resumed->Root(), full.Root()) << "base " << base << ", size " << i + 1;
    }
    EXPECT_EQ(source->reads, reads_after_resume);
    const uint64_t n = full.size();
    for (uint64_t s1 = 0; s1 <= n; ++s1) {
      EXPECT_EQ(*resumed->RootAt(s1), *full.RootAt(s1)) << "size " << s1;
      for (uint64_t s2 = s1; s2 <= n; s2 += 5) {
        EXPECT_EQ(*resumed->ConsistencyProof(s1, s2), *full.ConsistencyProof(s1, s2));
      }
    }
    for (uint64_t i = 0; i < n; ++i) {
      EXPECT_EQ(*resumed->leaf(i), *full.leaf(i));
      EXPECT_EQ(*resumed->InclusionProof(i, n), *full.InclusionProof(i, n)) << "leaf " << i;
    }
  }
}

TEST(MerkleResumeTest, RebaseKeepsTheLastNodesAndSavesOnlyWhatIsNew) {
  MerkleTree full = Full(100);
  auto source = std::make_shared<MapSource>();
  MerkleTree t;
  for (uint64_t i = 0; i < 100; ++i) {
    t.Append(LeafN(i));
    if (i % 17 == 16) {
      // Save what the source lacks, then drop it from memory.
      const size_t before = source->nodes.size();
      uint64_t written = 0;
      t.ForEachNodeFrom(t.base(), [&](uint32_t, uint64_t, const Hash&) { ++written; });
      source->Take(t, t.base());
      EXPECT_EQ(source->nodes.size(), before + written) << "a node was written twice";
      t.Rebase(source);
      EXPECT_EQ(t.base(), i + 1);
    }
  }
  EXPECT_EQ(t.Root(), full.Root());
  for (uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(*t.InclusionProof(i, 100), *full.InclusionProof(i, 100)) << "leaf " << i;
  }
  EXPECT_EQ(*t.ConsistencyProof(33, 99), *full.ConsistencyProof(33, 99));
}

TEST(MerkleResumeTest, MissingNodeIsTheProofsError) {
  MerkleTree full = Full(16);
  auto source = std::make_shared<MapSource>();
  source->Take(full, 0);
  source->nodes.erase({0, 3});
  auto resumed = MerkleTree::Resume(16, source);
  ASSERT_TRUE(resumed.ok());
  auto proof = resumed->InclusionProof(2, 16);  // needs leaf 3, its sibling
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(proof.status().message(), "no node 0/3");
  // The last node of a level is read by Resume itself.
  source->nodes.erase({4, 0});
  auto broken = MerkleTree::Resume(16, source);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(), "no node 4/0");
}

TEST(MerkleResumeTest, NodeBeyondTheTreeIsInvalid) {
  MerkleTree t = Full(5);
  auto leaf = t.leaf(5);
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(leaf.status().message(), "no Merkle node at level 0, index 5 in a tree of 5 leaves");
}

}  // namespace
}  // namespace suiji
