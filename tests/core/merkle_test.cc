#include "ledger/core/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

constexpr StatusCode kOk = StatusCode::kOk;
constexpr StatusCode kInvalid = StatusCode::kInvalidArgument;
constexpr StatusCode kDataLoss = StatusCode::kDataLoss;

Hash HashFromHex(std::string_view hex) {
  StatusOr<Bytes> bytes = FromHex(hex);
  Hash out{};
  if (!bytes.ok() || bytes->size() != out.size()) {
    ADD_FAILURE() << "bad hash constant " << hex;
    return out;
  }
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

std::vector<Hash> Hashes(std::initializer_list<std::string_view> hexes) {
  std::vector<Hash> out;
  for (std::string_view h : hexes) out.push_back(HashFromHex(h));
  return out;
}

// ---------------------------------------------------------------------------------------
// Known-answer data. Leaf inputs, node hashes and root hashes are from transparency-dev/merkle
// testonly/constants.go (LeafInputs, NodeHashes, RootHashes); the inclusion and consistency
// proofs are from transparency-dev/merkle proof/verify_test.go (inclusionProofs,
// consistencyProofs; its leaf numbers are 1-based, the indices below are 0-based). The same
// data originates in google/certificate-transparency's merkle_tree_test.cc.
// ---------------------------------------------------------------------------------------

constexpr std::string_view kEmptyRootHex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::vector<Bytes> VectorLeafInputs() {
  std::vector<Bytes> out;
  for (std::string_view hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f"}) {
    out.push_back(*FromHex(hex));
  }
  return out;
}

// Roots of the trees of the first 1..8 leaf inputs (RootHashes()[1..8]).
const std::vector<Hash>& VectorRoots() {
  static const std::vector<Hash> roots = Hashes({
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  });
  return roots;
}
Hash VectorRoot(uint64_t size) { return VectorRoots()[size - 1]; }

// NodeHashes(): [level][index] of every perfect subtree of the 8-leaf tree.
const std::vector<std::vector<Hash>>& VectorNodes() {
  static const std::vector<std::vector<Hash>> nodes = {
      Hashes({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
              "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
              "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
              "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
              "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
              "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"}),
      Hashes({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"}),
      Hashes({"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}),
      Hashes({"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}),
  };
  return nodes;
}
Hash Node(size_t level, size_t index) { return VectorNodes()[level][index]; }

struct InclusionVector {
  uint64_t index;
  uint64_t size;
  std::vector<Hash> proof;
};

const std::vector<InclusionVector>& VectorInclusionProofs() {
  static const std::vector<InclusionVector> v = {
      {0, 1, {}},
      {0, 8,
       Hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8,
       Hashes({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 3, Hashes({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5,
       Hashes({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
  return v;
}

struct ConsistencyVector {
  uint64_t size1;
  uint64_t size2;
  std::vector<Hash> proof;
};

const std::vector<ConsistencyVector>& VectorConsistencyProofs() {
  static const std::vector<ConsistencyVector> v = {
      {1, 1, {}},
      {1, 8,
       Hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8,
       Hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5,
       Hashes({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {6, 7,
       Hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
  return v;
}

// "abacaba..." is sha256SomeHash in transparency-dev/merkle proof/verify_test.go: any hash
// that is not part of the tree.
Hash SomeHash() {
  return HashFromHex("abacaba000000000000000000000000000000000000000000060061e00123456");
}

MerkleTree VectorTree() {
  MerkleTree tree;
  for (const Bytes& in : VectorLeafInputs()) tree.Append(LeafHash(in));
  return tree;
}

// ---------------------------------------------------------------------------------------
// Reference model: proofs checked straight from the recursive PATH and SUBPROOF definitions
// of RFC 9162 §2.1.3.1 / §2.1.4.1, consuming the proof from its end (the top of the tree).
// It shares nothing with the bit-walking verifiers under test, so agreement between the two
// on arbitrary (including wrong) parameters is evidence both are right.
// ---------------------------------------------------------------------------------------

uint64_t Split(uint64_t n) { return std::bit_floor(n - 1); }

// The root that `proof` leads to for leaf `index` of a tree of `size`, or nullopt if the
// proof has the wrong number of hashes for that position. Requires index < size.
std::optional<Hash> ModelRootFromPath(uint64_t index, uint64_t size, const Hash& leaf,
                                      std::span<const Hash> proof) {
  if (size == 1) return proof.empty() ? std::optional<Hash>(leaf) : std::nullopt;
  if (proof.empty()) return std::nullopt;
  const Hash& top = proof.back();
  std::span<const Hash> rest = proof.first(proof.size() - 1);
  const uint64_t k = Split(size);
  if (index < k) {
    std::optional<Hash> left = ModelRootFromPath(index, k, leaf, rest);
    if (!left) return std::nullopt;
    return NodeHash(*left, top);
  }
  std::optional<Hash> right = ModelRootFromPath(index - k, size - k, leaf, rest);
  if (!right) return std::nullopt;
  return NodeHash(top, *right);
}

StatusCode ModelInclusionCode(uint64_t index, uint64_t size, const Hash& leaf,
                              std::span<const Hash> proof, const Hash& root) {
  if (index >= size) return kInvalid;
  std::optional<Hash> got = ModelRootFromPath(index, size, leaf, proof);
  if (!got) return kInvalid;
  return *got == root ? kOk : kDataLoss;
}

// (old root, new root) that SUBPROOF(m, D[n], b) leads to, or nullopt on a wrong length.
std::optional<std::pair<Hash, Hash>> ModelSubproof(uint64_t m, uint64_t n, bool b,
                                                   std::span<const Hash> proof,
                                                   const Hash& root1) {
  if (m == n) {
    if (b) return proof.empty() ? std::optional(std::pair(root1, root1)) : std::nullopt;
    return proof.size() == 1 ? std::optional(std::pair(proof[0], proof[0])) : std::nullopt;
  }
  if (proof.empty()) return std::nullopt;
  const Hash& top = proof.back();
  std::span<const Hash> rest = proof.first(proof.size() - 1);
  const uint64_t k = Split(n);
  if (m <= k) {
    auto sub = ModelSubproof(m, k, b, rest, root1);
    if (!sub) return std::nullopt;
    return std::pair(sub->first, NodeHash(sub->second, top));
  }
  auto sub = ModelSubproof(m - k, n - k, false, rest, root1);
  if (!sub) return std::nullopt;
  return std::pair(NodeHash(top, sub->first), NodeHash(top, sub->second));
}

StatusCode ModelConsistencyCode(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                                const Hash& root1, const Hash& root2) {
  if (size1 > size2) return kInvalid;
  if (size1 == size2) {
    if (!proof.empty()) return kInvalid;
    return root1 == root2 ? kOk : kDataLoss;
  }
  if (size1 == 0) return proof.empty() ? kOk : kInvalid;
  auto got = ModelSubproof(size1, size2, true, proof, root1);
  if (!got) return kInvalid;
  return got->first == root1 && got->second == root2 ? kOk : kDataLoss;
}

// ---------------------------------------------------------------------------------------
// Small helpers for tampering.
// ---------------------------------------------------------------------------------------

Hash FlipBit(Hash h, size_t byte, uint8_t mask) {
  h[byte] = static_cast<uint8_t>(h[byte] ^ mask);
  return h;
}

std::vector<Hash> With(std::vector<Hash> proof, size_t i, const Hash& h) {
  proof[i] = h;
  return proof;
}
std::vector<Hash> Appended(std::vector<Hash> proof, const Hash& h) {
  proof.push_back(h);
  return proof;
}
std::vector<Hash> Prepended(const std::vector<Hash>& proof, const Hash& h) {
  std::vector<Hash> out = {h};
  out.insert(out.end(), proof.begin(), proof.end());
  return out;
}
std::vector<Hash> Without(std::vector<Hash> proof, size_t i) {
  proof.erase(proof.begin() + static_cast<std::ptrdiff_t>(i));
  return proof;
}

Hash TestLeaf(uint64_t i) { return LeafHash(AsBytes("leaf #" + std::to_string(i))); }

MerkleTree TestTree(uint64_t n) {
  MerkleTree tree;
  for (uint64_t i = 0; i < n; ++i) tree.Append(TestLeaf(i));
  return tree;
}

// =======================================================================================
// Known-answer tests.
// =======================================================================================

TEST(MerkleVectorsTest, EmptyTree) {
  const Hash empty = HashFromHex(kEmptyRootHex);
  EXPECT_EQ(EmptyTreeHash(), empty);
  EXPECT_EQ(RootFromLeaves({}), empty);
  MerkleTree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.Root(), empty);
  StatusOr<Hash> at0 = tree.RootAt(0);
  ASSERT_TRUE(at0.ok()) << at0.status().ToString();
  EXPECT_EQ(*at0, empty);
}

TEST(MerkleVectorsTest, LeafHashesMatchNodeHashesLevelZero) {
  MerkleTree tree = VectorTree();
  ASSERT_EQ(tree.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(*tree.leaf(i), Node(0, i)) << "leaf " << i;
  }
}

TEST(MerkleVectorsTest, RootsForSizes1To8) {
  const std::vector<Bytes> inputs = VectorLeafInputs();
  MerkleTree tree;
  std::vector<Hash> leaves;
  for (uint64_t n = 1; n <= 8; ++n) {
    tree.Append(LeafHash(inputs[n - 1]));
    leaves.push_back(LeafHash(inputs[n - 1]));
    EXPECT_EQ(ToHex(tree.Root()), ToHex(VectorRoot(n))) << "size " << n;
    EXPECT_EQ(ToHex(RootFromLeaves(leaves)), ToHex(VectorRoot(n))) << "size " << n;
  }
  // Past sizes from the full tree.
  for (uint64_t n = 1; n <= 8; ++n) {
    StatusOr<Hash> root = tree.RootAt(n);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(ToHex(*root), ToHex(VectorRoot(n))) << "size " << n;
  }
}

TEST(MerkleVectorsTest, InclusionProofsMatchAndVerify) {
  MerkleTree tree = VectorTree();
  const std::vector<Bytes> inputs = VectorLeafInputs();
  for (const InclusionVector& v : VectorInclusionProofs()) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    StatusOr<std::vector<Hash>> proof = tree.InclusionProof(v.index, v.size);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, v.proof);
    Status s = VerifyInclusion(v.index, v.size, LeafHash(inputs[v.index]), v.proof,
                               VectorRoot(v.size));
    EXPECT_EQ(s.code(), kOk) << s.ToString();
  }
}

// The node-level expectations of transparency-dev/merkle proof/proof_test.go (TestInclusion),
// resolved to hashes with NodeHashes(). Letters follow the RFC 6962 picture there: leaves
// a..h, g=(a,b), h=(c,d), i=(e,f), k=(g,h), j=leaf 6; rehash(i,j) is NodeHash(i, j).
TEST(MerkleVectorsTest, InclusionProofsByNode) {
  MerkleTree tree = VectorTree();
  const Hash a = Node(0, 0), b = Node(0, 1), c = Node(0, 2), d = Node(0, 3), e = Node(0, 4),
             f = Node(0, 5), j = Node(0, 6);
  const Hash g = Node(1, 0), h = Node(1, 1), i = Node(1, 2), k = Node(2, 0);
  const Hash l7 = NodeHash(i, j);  // the right half of the 7-leaf tree
  struct Case {
    uint64_t size, index;
    std::vector<Hash> want;
  };
  const std::vector<Case> cases = {
      {1, 0, {}},           {2, 0, {b}},          {2, 1, {a}},          {3, 1, {a, c}},
      {7, 0, {b, h, l7}},   {7, 1, {a, h, l7}},   {7, 2, {d, g, l7}},   {7, 3, {c, g, l7}},
      {7, 4, {f, j, k}},    {7, 5, {e, j, k}},    {7, 6, {i, k}},       {4, 2, {d, g}},
      {5, 3, {c, g, e}},    {6, 3, {c, g, i}},    {6, 4, {f, k}},
  };
  for (const Case& tc : cases) {
    StatusOr<std::vector<Hash>> proof = tree.InclusionProof(tc.index, tc.size);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, tc.want) << "index " << tc.index << " size " << tc.size;
  }
}

TEST(MerkleVectorsTest, ConsistencyProofsMatchAndVerify) {
  MerkleTree tree = VectorTree();
  for (const ConsistencyVector& v : VectorConsistencyProofs()) {
    SCOPED_TRACE("size1 " + std::to_string(v.size1) + " size2 " + std::to_string(v.size2));
    StatusOr<std::vector<Hash>> proof = tree.ConsistencyProof(v.size1, v.size2);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, v.proof);
    Status s = VerifyConsistency(v.size1, v.size2, v.proof, VectorRoot(v.size1),
                                 VectorRoot(v.size2));
    EXPECT_EQ(s.code(), kOk) << s.ToString();
  }
}

// transparency-dev/merkle proof/proof_test.go (TestConsistency), resolved to hashes.
TEST(MerkleVectorsTest, ConsistencyProofsByNode) {
  MerkleTree tree = VectorTree();
  const Hash b = Node(0, 1), c = Node(0, 2), d = Node(0, 3), e = Node(0, 4), f = Node(0, 5),
             j = Node(0, 6), leaf7 = Node(0, 7);
  const Hash g = Node(1, 0), h = Node(1, 1), i = Node(1, 2), k = Node(2, 0), l = Node(2, 1);
  const Hash l7 = NodeHash(i, j);
  struct Case {
    uint64_t size1, size2;
    std::vector<Hash> want;
  };
  const std::vector<Case> cases = {
      {1, 2, {b}},
      {1, 4, {b, h}},
      {1, 6, {b, h, i}},
      {2, 3, {c}},
      {2, 8, {h, l}},
      {3, 7, {c, d, g, l7}},
      {4, 7, {l7}},
      {5, 7, {e, f, j, k}},
      {6, 7, {i, j, k}},
      {7, 8, {j, leaf7, i, k}},
      {1, 1, {}},
      {2, 2, {}},
      {3, 3, {}},
      {4, 4, {}},
      {5, 5, {}},
      {7, 7, {}},
      {8, 8, {}},
      {2, 4, {h}},
      {3, 5, {c, d, g, e}},
      {3, 6, {c, d, g, i}},
      {4, 6, {i}},
      {1, 7, {b, h, l7}},
  };
  for (const Case& tc : cases) {
    StatusOr<std::vector<Hash>> proof = tree.ConsistencyProof(tc.size1, tc.size2);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, tc.want) << "size1 " << tc.size1 << " size2 " << tc.size2;
  }
}

// Probes of corruptInclusionProof in transparency-dev/merkle proof/verify_test.go, each with
// the code this verifier must give. Wrong positions give kInvalidArgument when the position
// is impossible or needs a different proof length, kDataLoss when the length fits but the
// hashes do not.
TEST(MerkleVectorsTest, CorruptedInclusionProofsFail) {
  const std::vector<Bytes> inputs = VectorLeafInputs();
  struct WrongPositionCodes {
    StatusCode index_minus_1, index_plus_1, index_xor_2, size_times_2, size_div_2;
  };
  // In VectorInclusionProofs() order.
  const std::vector<WrongPositionCodes> wrong_position = {
      {kInvalid, kInvalid, kInvalid, kInvalid, kInvalid},     // (0, 1)
      {kInvalid, kDataLoss, kDataLoss, kInvalid, kInvalid},   // (0, 8)
      {kDataLoss, kDataLoss, kDataLoss, kInvalid, kInvalid},  // (5, 8)
      {kInvalid, kInvalid, kInvalid, kInvalid, kInvalid},     // (2, 3)
      {kDataLoss, kDataLoss, kDataLoss, kInvalid, kInvalid},  // (1, 5)
  };
  const std::vector<InclusionVector>& vectors = VectorInclusionProofs();
  ASSERT_EQ(vectors.size(), wrong_position.size());
  for (size_t n = 0; n < vectors.size(); ++n) {
    const InclusionVector& v = vectors[n];
    const WrongPositionCodes& want = wrong_position[n];
    const Hash leaf = LeafHash(inputs[v.index]);
    const Hash root = VectorRoot(v.size);
    const std::vector<Hash>& p = v.proof;
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));

    ASSERT_EQ(VerifyInclusion(v.index, v.size, leaf, p, root).code(), kOk);
    EXPECT_EQ(VerifyInclusion(v.index - 1, v.size, leaf, p, root).code(), want.index_minus_1);
    EXPECT_EQ(VerifyInclusion(v.index + 1, v.size, leaf, p, root).code(), want.index_plus_1);
    EXPECT_EQ(VerifyInclusion(v.index ^ 2, v.size, leaf, p, root).code(), want.index_xor_2);
    EXPECT_EQ(VerifyInclusion(v.index, v.size * 2, leaf, p, root).code(), want.size_times_2);
    EXPECT_EQ(VerifyInclusion(v.index, v.size / 2, leaf, p, root).code(), want.size_div_2);

    const Hash wrong_leaf = LeafHash(AsBytes("WrongLeaf"));
    EXPECT_EQ(VerifyInclusion(v.index, v.size, wrong_leaf, p, root).code(), kDataLoss);
    EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, p, EmptyTreeHash()).code(), kDataLoss);
    EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, p, SomeHash()).code(), kDataLoss);

    EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, Appended(p, Hash{}), root).code(),
              kInvalid);
    EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, Appended(p, root), root).code(), kInvalid);
    EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, Prepended(p, Hash{}), root).code(),
              kInvalid);
    EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, Prepended(p, root), root).code(),
              kInvalid);

    for (size_t i = 0; i < p.size(); ++i) {
      EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, With(p, i, FlipBit(p[i], 0, 8)), root)
                    .code(),
                kDataLoss)
          << "modified proof[" << i << "] bit 3";
    }
    if (!p.empty()) {
      EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, Without(p, p.size() - 1), root).code(),
                kInvalid)
          << "removed component";
    }
    if (p.size() > 1) {
      // proof[0], then SomeHash, then the rest: one hash too many.
      std::vector<Hash> inserted = p;
      inserted.insert(inserted.begin() + 1, SomeHash());
      EXPECT_EQ(VerifyInclusion(v.index, v.size, leaf, inserted, root).code(), kInvalid)
          << "inserted component";
    }
  }
}

// Probes of corruptConsistencyProof in transparency-dev/merkle proof/verify_test.go.
TEST(MerkleVectorsTest, CorruptedConsistencyProofsFail) {
  for (const ConsistencyVector& v : VectorConsistencyProofs()) {
    if (v.proof.empty()) continue;  // (1, 1): nothing to corrupt, as upstream
    const uint64_t s1 = v.size1;
    const uint64_t s2 = v.size2;
    const Hash r1 = VectorRoot(s1);
    const Hash r2 = VectorRoot(s2);
    const std::vector<Hash>& p = v.proof;
    SCOPED_TRACE("size1 " + std::to_string(s1) + " size2 " + std::to_string(s2));

    ASSERT_EQ(VerifyConsistency(s1, s2, p, r1, r2).code(), kOk);
    // For all four vectors every wrong size needs a different proof length (worked out
    // from SUBPROOF: e.g. (6, 8) -> (5, 8) needs 4 hashes), is impossible (size1 > size2),
    // or requires an empty proof (size1 == 0 or size1 == size2).
    EXPECT_EQ(VerifyConsistency(s1 - 1, s2, p, r1, r2).code(), kInvalid) << "size1 - 1";
    EXPECT_EQ(VerifyConsistency(s1 + 1, s2, p, r1, r2).code(), kInvalid) << "size1 + 1";
    EXPECT_EQ(VerifyConsistency(s1 ^ 2, s2, p, r1, r2).code(), kInvalid) << "size1 ^ 2";
    EXPECT_EQ(VerifyConsistency(s1, s2 * 2, p, r1, r2).code(), kInvalid) << "size2 * 2";
    EXPECT_EQ(VerifyConsistency(s1, s2 / 2, p, r1, r2).code(), kInvalid) << "size2 / 2";

    const Hash wrong_root = Sha256(AsBytes("WrongRoot"));
    EXPECT_EQ(VerifyConsistency(s1, s2, p, wrong_root, r2).code(), kDataLoss) << "wrong root1";
    EXPECT_EQ(VerifyConsistency(s1, s2, p, r1, wrong_root).code(), kDataLoss) << "wrong root2";
    EXPECT_EQ(VerifyConsistency(s1, s2, p, r2, r1).code(), kDataLoss) << "swapped roots";

    EXPECT_EQ(VerifyConsistency(s1, s2, {}, r1, r2).code(), kInvalid) << "empty proof";
    EXPECT_EQ(VerifyConsistency(s1, s2, Appended(p, Hash{}), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Appended(p, r1), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Appended(p, r2), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Prepended(p, Hash{}), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Prepended(p, r1), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Prepended(p, r2), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Prepended(p, p[0]), r1, r2).code(), kInvalid);
    EXPECT_EQ(VerifyConsistency(s1, s2, Without(p, p.size() - 1), r1, r2).code(), kInvalid)
        << "truncated proof";
    for (size_t i = 0; i < p.size(); ++i) {
      EXPECT_EQ(VerifyConsistency(s1, s2, With(p, i, FlipBit(p[i], 0, 16)), r1, r2).code(),
                kDataLoss)
          << "modified proof[" << i << "] bit 4";
    }
  }
}

// TestVerifyInclusionSingleEntry and TestVerifyInclusion of proof/verify_test.go.
TEST(MerkleVerifyTest, InclusionEdgeCases) {
  const Hash data = LeafHash(AsBytes("data"));
  // A one-leaf tree's root is its leaf hash and the proof is empty.
  EXPECT_EQ(VerifyInclusion(0, 1, data, {}, data).code(), kOk);
  EXPECT_EQ(VerifyInclusion(0, 1, data, {}, EmptyTreeHash()).code(), kDataLoss);
  EXPECT_EQ(VerifyInclusion(0, 1, EmptyTreeHash(), {}, data).code(), kDataLoss);

  EXPECT_EQ(VerifyInclusion(0, 0, SomeHash(), {}, EmptyTreeHash()).code(), kInvalid);
  EXPECT_EQ(VerifyInclusion(1, 0, SomeHash(), {}, EmptyTreeHash()).code(), kInvalid);
  EXPECT_EQ(VerifyInclusion(2, 1, SomeHash(), {}, EmptyTreeHash()).code(), kInvalid);
  EXPECT_EQ(VerifyInclusion(0, 1, SomeHash(), {}, EmptyTreeHash()).code(), kDataLoss);
  // A one-leaf tree takes no proof hashes at all.
  const std::vector<Hash> one = {SomeHash()};
  EXPECT_EQ(VerifyInclusion(0, 1, data, one, data).code(), kInvalid);
}

// TestVerifyConsistency of proof/verify_test.go: the sizes handled outside the RFC 9162
// algorithm (size1 == 0, size1 == size2) and the impossible ones.
TEST(MerkleVerifyTest, ConsistencyEdgeCases) {
  const Hash root1 = Sha256(AsBytes("don't care 1"));
  const Hash root2 = Sha256(AsBytes("don't care 2"));
  const Hash empty = EmptyTreeHash();
  const std::vector<Hash> none;
  const std::vector<Hash> one = {empty};
  struct Case {
    uint64_t size1, size2;
    Hash r1, r2;
    std::vector<Hash> proof;
    StatusCode want;
  };
  const std::vector<Case> cases = {
      {0, 0, root1, root2, none, kDataLoss},  // same size, different roots
      {1, 1, root1, root2, none, kDataLoss},
      {0, 0, root1, root1, none, kOk},  // always consistent
      {0, 1, root1, root2, none, kOk},
      {1, 1, root2, root2, none, kOk},
      {1, 0, root1, root2, none, kInvalid},  // time travel to the past
      {2, 1, root1, root2, none, kInvalid},
      {1, 2, root1, root2, none, kInvalid},  // empty proof
      {0, 0, empty, root2, none, kDataLoss},
      {1, 1, empty, root2, none, kDataLoss},
      {0, 0, empty, empty, one, kInvalid},  // roots match but the proof is not empty
      {0, 1, empty, empty, one, kInvalid},
      {1, 1, empty, empty, one, kInvalid},
  };
  for (const Case& tc : cases) {
    Status s = VerifyConsistency(tc.size1, tc.size2, tc.proof, tc.r1, tc.r2);
    EXPECT_EQ(s.code(), tc.want) << tc.size1 << " -> " << tc.size2 << ": " << s.ToString();
  }
}

TEST(MerkleVerifyTest, FailureMessagesSayWhatDidNotMatch) {
  MerkleTree tree = TestTree(11);
  const Hash root = *tree.RootAt(11);
  std::vector<Hash> proof = *tree.InclusionProof(4, 11);
  Status s = VerifyInclusion(4, 11, *tree.leaf(4), proof, SomeHash());
  EXPECT_EQ(s.code(), kDataLoss);
  EXPECT_NE(s.message().find("does not lead to the root"), std::string::npos) << s.message();
  s = VerifyInclusion(4, 11, *tree.leaf(4), Appended(proof, root), root);
  EXPECT_EQ(s.code(), kInvalid);
  EXPECT_NE(s.message().find("too many"), std::string::npos) << s.message();
  s = VerifyInclusion(4, 11, *tree.leaf(4), Without(proof, 0), root);
  EXPECT_EQ(s.code(), kInvalid);
  EXPECT_NE(s.message().find("too few"), std::string::npos) << s.message();

  const Hash root5 = *tree.RootAt(5);
  std::vector<Hash> cproof = *tree.ConsistencyProof(5, 11);
  s = VerifyConsistency(5, 11, cproof, SomeHash(), root);
  EXPECT_EQ(s.code(), kDataLoss);
  EXPECT_NE(s.message().find("first root"), std::string::npos) << s.message();
  s = VerifyConsistency(5, 11, cproof, root5, SomeHash());
  EXPECT_EQ(s.code(), kDataLoss);
  EXPECT_NE(s.message().find("second root"), std::string::npos) << s.message();
}

// An inclusion proof alone does not pin the tree size: the proof for leaf 0 of the 3-leaf
// tree hashes the same way when claimed for a 4-leaf tree (both are "right sibling, right
// sibling"). The size is bound by the signed checkpoint that carries the root.
TEST(MerkleVerifyTest, InclusionSizeIsBoundByTheRootNotTheProof) {
  MerkleTree tree = TestTree(4);
  std::vector<Hash> proof3 = *tree.InclusionProof(0, 3);
  EXPECT_EQ(VerifyInclusion(0, 4, *tree.leaf(0), proof3, *tree.RootAt(3)).code(), kOk);
  EXPECT_EQ(VerifyInclusion(0, 4, *tree.leaf(0), proof3, *tree.RootAt(4)).code(), kDataLoss);
}

// =======================================================================================
// Out-of-range requests.
// =======================================================================================

TEST(MerkleTreeTest, OutOfRangeRequestsAreInvalidArgument) {
  MerkleTree empty;
  EXPECT_EQ(empty.RootAt(1).status().code(), kInvalid);
  EXPECT_EQ(empty.InclusionProof(0, 0).status().code(), kInvalid);
  EXPECT_EQ(empty.ConsistencyProof(0, 1).status().code(), kInvalid);
  ASSERT_TRUE(empty.ConsistencyProof(0, 0).ok());
  EXPECT_TRUE(empty.ConsistencyProof(0, 0)->empty());

  MerkleTree tree = TestTree(7);
  EXPECT_EQ(tree.RootAt(8).status().code(), kInvalid);
  EXPECT_EQ(tree.RootAt(UINT64_MAX).status().code(), kInvalid);
  EXPECT_EQ(tree.InclusionProof(7, 7).status().code(), kInvalid);   // index == size
  EXPECT_EQ(tree.InclusionProof(5, 3).status().code(), kInvalid);   // index > size
  EXPECT_EQ(tree.InclusionProof(0, 0).status().code(), kInvalid);   // empty tree
  EXPECT_EQ(tree.InclusionProof(0, 8).status().code(), kInvalid);   // size > tree size
  EXPECT_EQ(tree.InclusionProof(UINT64_MAX, UINT64_MAX).status().code(), kInvalid);
  EXPECT_EQ(tree.ConsistencyProof(4, 3).status().code(), kInvalid);  // size1 > size2
  EXPECT_EQ(tree.ConsistencyProof(3, 8).status().code(), kInvalid);  // size2 > tree size
  EXPECT_EQ(tree.ConsistencyProof(8, 8).status().code(), kInvalid);
  EXPECT_EQ(tree.ConsistencyProof(8, 7).status().code(), kInvalid);

  // The boundaries themselves are fine.
  EXPECT_TRUE(tree.RootAt(7).ok());
  EXPECT_TRUE(tree.RootAt(0).ok());
  EXPECT_TRUE(tree.InclusionProof(6, 7).ok());
  ASSERT_TRUE(tree.ConsistencyProof(0, 7).ok());
  EXPECT_TRUE(tree.ConsistencyProof(0, 7)->empty());
  ASSERT_TRUE(tree.ConsistencyProof(7, 7).ok());
  EXPECT_TRUE(tree.ConsistencyProof(7, 7)->empty());
}

// =======================================================================================
// Properties over every small tree.
// =======================================================================================

constexpr uint64_t kMaxPropertySize = 70;

TEST(MerkleTreeTest, RootAtMatchesDefinitionForEveryPrefix) {
  MerkleTree tree;
  std::vector<Hash> leaves;
  for (uint64_t n = 1; n <= 2 * kMaxPropertySize; ++n) {
    tree.Append(TestLeaf(n - 1));
    leaves.push_back(TestLeaf(n - 1));
    EXPECT_EQ(tree.size(), n);
    EXPECT_EQ(tree.Root(), RootFromLeaves(leaves)) << "size " << n;
  }
  for (uint64_t n = 0; n <= tree.size(); ++n) {
    StatusOr<Hash> root = tree.RootAt(n);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(*root, RootFromLeaves(std::span<const Hash>(leaves).first(n))) << "size " << n;
  }
}

TEST(MerkleTreeTest, EveryInclusionProofVerifies) {
  MerkleTree tree = TestTree(kMaxPropertySize);
  for (uint64_t size = 1; size <= kMaxPropertySize; ++size) {
    const Hash root = *tree.RootAt(size);
    for (uint64_t index = 0; index < size; ++index) {
      StatusOr<std::vector<Hash>> proof = tree.InclusionProof(index, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      // Audit paths are at most ceil(log2(size)) long.
      EXPECT_LE(proof->size(), std::bit_width(size - 1)) << index << " in " << size;
      Status s = VerifyInclusion(index, size, *tree.leaf(index), *proof, root);
      EXPECT_EQ(s.code(), kOk) << index << " in " << size << ": " << s.ToString();
      std::optional<Hash> model = ModelRootFromPath(index, size, *tree.leaf(index), *proof);
      ASSERT_TRUE(model.has_value()) << index << " in " << size;
      EXPECT_EQ(*model, root) << index << " in " << size;
    }
  }
}

TEST(MerkleTreeTest, EveryConsistencyProofVerifies) {
  MerkleTree tree = TestTree(kMaxPropertySize);
  for (uint64_t size2 = 0; size2 <= kMaxPropertySize; ++size2) {
    const Hash root2 = *tree.RootAt(size2);
    for (uint64_t size1 = 0; size1 <= size2; ++size1) {
      const Hash root1 = *tree.RootAt(size1);
      StatusOr<std::vector<Hash>> proof = tree.ConsistencyProof(size1, size2);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      if (size1 == 0 || size1 == size2) {
        EXPECT_TRUE(proof->empty()) << size1 << " -> " << size2;
      } else {
        EXPECT_FALSE(proof->empty()) << size1 << " -> " << size2;
        EXPECT_LE(proof->size(), std::bit_width(size2 - 1) + 1u) << size1 << " -> " << size2;
      }
      Status s = VerifyConsistency(size1, size2, *proof, root1, root2);
      EXPECT_EQ(s.code(), kOk) << size1 << " -> " << size2 << ": " << s.ToString();
      EXPECT_EQ(ModelConsistencyCode(size1, size2, *proof, root1, root2), kOk)
          << size1 << " -> " << size2;
    }
  }
}

TEST(MerkleTreeTest, TamperedInclusionProofsFail) {
  // Twice as many leaves as sizes probed, so "wrong size" probes have real roots to use.
  MerkleTree tree = TestTree(2 * kMaxPropertySize + 2);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= tree.size(); ++n) roots.push_back(*tree.RootAt(n));
  for (uint64_t size = 1; size <= kMaxPropertySize; ++size) {
    const Hash& root = roots[size];
    // Every other claimed size for the smaller trees; around size, half and double beyond
    // (and likewise for indices below), which keeps the test to well under a second.
    std::vector<uint64_t> other_sizes;
    for (uint64_t other = 0; other <= 2 * size + 1; ++other) {
      const bool near = other + 2 >= size && other <= size + 2;
      if (other != size && (size <= 32 || near || other == size / 2 || other >= 2 * size)) {
        other_sizes.push_back(other);
      }
    }
    for (uint64_t index = 0; index < size; ++index) {
      const std::vector<Hash> p = *tree.InclusionProof(index, size);
      const Hash leaf = *tree.leaf(index);
      auto verify = [&](uint64_t i, uint64_t n, const Hash& l, const std::vector<Hash>& pr,
                        const Hash& r) { return VerifyInclusion(i, n, l, pr, r).code(); };
      SCOPED_TRACE("index " + std::to_string(index) + " size " + std::to_string(size));

      for (size_t i = 0; i < p.size(); ++i) {
        for (size_t bit = 0; bit < 8; bit += 3) {
          const Hash bad = FlipBit(p[i], i % 32, static_cast<uint8_t>(1u << bit));
          EXPECT_EQ(verify(index, size, leaf, With(p, i, bad), root), kDataLoss)
              << "flipped proof[" << i << "]";
        }
        EXPECT_EQ(verify(index, size, leaf, Without(p, i), root), kInvalid)
            << "dropped proof[" << i << "]";
      }
      EXPECT_EQ(verify(index, size, leaf, Appended(p, SomeHash()), root), kInvalid);
      EXPECT_EQ(verify(index, size, leaf, Prepended(p, SomeHash()), root), kInvalid);
      EXPECT_EQ(verify(index, size, FlipBit(leaf, 31, 1), p, root), kDataLoss);
      EXPECT_EQ(verify(index, size, leaf, p, FlipBit(root, 0, 0x80)), kDataLoss);
      EXPECT_EQ(verify(index, size, leaf, p, EmptyTreeHash()), kDataLoss);

      // Every other index of the same tree: a different leaf position always changes a
      // left/right choice, so it never verifies; the code says whether the length fit.
      for (uint64_t other = 0; other <= size; ++other) {
        const bool near = other + 2 >= index && other <= index + 2;
        const bool probed = size <= 32 || near || other == (index ^ 1) ||
                            other == (index ^ 2) || other == 0 || other + 1 >= size;
        if (other == index || !probed) continue;
        const StatusCode got = verify(other, size, leaf, p, root);
        EXPECT_EQ(got, ModelInclusionCode(other, size, leaf, p, root)) << "index " << other;
        EXPECT_NE(got, kOk) << "index " << other;
      }
      // Other sizes, against both the original root and the root of the claimed size.
      for (uint64_t other : other_sizes) {
        EXPECT_EQ(verify(index, other, leaf, p, root),
                  ModelInclusionCode(index, other, leaf, p, root))
            << "size " << other;
        const Hash& other_root = roots[other];
        EXPECT_EQ(verify(index, other, leaf, p, other_root),
                  ModelInclusionCode(index, other, leaf, p, other_root))
            << "size " << other << " with its own root";
        // A proof for one size never proves inclusion in a different tree.
        if (other_root != root) {
          EXPECT_NE(verify(index, other, leaf, p, other_root), kOk) << "size " << other;
        }
      }
    }
  }
}

TEST(MerkleTreeTest, TamperedConsistencyProofsFail) {
  MerkleTree tree = TestTree(2 * kMaxPropertySize + 2);
  for (uint64_t size2 = 2; size2 <= kMaxPropertySize; ++size2) {
    const Hash root2 = *tree.RootAt(size2);
    for (uint64_t size1 = 1; size1 < size2; ++size1) {
      const Hash root1 = *tree.RootAt(size1);
      const std::vector<Hash> p = *tree.ConsistencyProof(size1, size2);
      auto verify = [&](uint64_t m, uint64_t n, const std::vector<Hash>& pr, const Hash& r1,
                        const Hash& r2) { return VerifyConsistency(m, n, pr, r1, r2).code(); };
      SCOPED_TRACE("size1 " + std::to_string(size1) + " size2 " + std::to_string(size2));

      for (size_t i = 0; i < p.size(); ++i) {
        const Hash bad = FlipBit(p[i], (i * 7) % 32, 0x10);
        EXPECT_EQ(verify(size1, size2, With(p, i, bad), root1, root2), kDataLoss)
            << "flipped proof[" << i << "]";
        EXPECT_EQ(verify(size1, size2, Without(p, i), root1, root2), kInvalid)
            << "dropped proof[" << i << "]";
      }
      EXPECT_EQ(verify(size1, size2, Appended(p, SomeHash()), root1, root2), kInvalid);
      EXPECT_EQ(verify(size1, size2, Prepended(p, SomeHash()), root1, root2), kInvalid);
      EXPECT_EQ(verify(size1, size2, {}, root1, root2), kInvalid);
      EXPECT_EQ(verify(size1, size2, p, FlipBit(root1, 5, 2), root2), kDataLoss);
      EXPECT_EQ(verify(size1, size2, p, root1, FlipBit(root2, 5, 2)), kDataLoss);
      EXPECT_EQ(verify(size1, size2, p, root2, root1), kDataLoss);

      // Wrong sizes, with the given roots and with the true roots of the claimed sizes.
      const std::vector<std::pair<uint64_t, uint64_t>> wrong_sizes = {
          {size1 - 1, size2}, {size1 + 1, size2}, {size1 ^ 2, size2}, {size1 * 2, size2},
          {size1, size2 - 1}, {size1, size2 + 1}, {size1, size2 * 2}, {size1, size2 / 2},
      };
      for (const auto& [m, n] : wrong_sizes) {
        EXPECT_EQ(verify(m, n, p, root1, root2), ModelConsistencyCode(m, n, p, root1, root2))
            << m << " -> " << n;
        if (m <= n && n <= tree.size()) {
          const Hash rm = *tree.RootAt(m);
          const Hash rn = *tree.RootAt(n);
          const StatusCode got = verify(m, n, p, rm, rn);
          EXPECT_EQ(got, ModelConsistencyCode(m, n, p, rm, rn)) << m << " -> " << n;
          // Only a proof that is also the true proof between the claimed sizes can pass.
          if (got == kOk) {
            EXPECT_EQ(p, *tree.ConsistencyProof(m, n)) << m << " -> " << n;
          }
        }
      }
    }
  }
}

// =======================================================================================
// Scale: a million leaves, with roots and proofs at O(log n) cost.
// =======================================================================================

TEST(MerkleTreeTest, MillionLeaves) {
  constexpr uint64_t kLeaves = 1'000'003;  // not a power of two: a ragged right edge
  MerkleTree tree;
  std::vector<Hash> leaves;
  leaves.reserve(kLeaves);
  for (uint64_t i = 0; i < kLeaves; ++i) {
    leaves.push_back(TestLeaf(i));
    tree.Append(leaves.back());
  }
  ASSERT_EQ(tree.size(), kLeaves);
  const Hash root = tree.Root();
  EXPECT_EQ(root, RootFromLeaves(leaves));

  const std::vector<uint64_t> sizes = {1, 2, 3, 1023, 1024, 1025, 524'288, 524'289,
                                       999'999, 1'000'000, kLeaves};
  for (uint64_t size : sizes) {
    const Hash root_at = *tree.RootAt(size);
    if (size <= 1025) {
      EXPECT_EQ(root_at, RootFromLeaves(std::span<const Hash>(leaves).first(size)));
    }
    for (uint64_t index : {uint64_t{0}, size / 3, size / 2, size - 1}) {
      std::vector<Hash> proof = *tree.InclusionProof(index, size);
      EXPECT_LE(proof.size(), 20u);
      EXPECT_EQ(VerifyInclusion(index, size, leaves[index], proof, root_at).code(), kOk)
          << index << " in " << size;
    }
    for (uint64_t other : sizes) {
      if (other > size) continue;
      std::vector<Hash> proof = *tree.ConsistencyProof(other, size);
      EXPECT_LE(proof.size(), 21u);
      EXPECT_EQ(VerifyConsistency(other, size, proof, *tree.RootAt(other), root_at).code(),
                kOk)
          << other << " -> " << size;
    }
  }
  // Many proofs against the big tree stay cheap (this loop would take minutes if each proof
  // rebuilt subtrees from leaves).
  for (uint64_t index = 0; index < kLeaves; index += 997) {
    std::vector<Hash> proof = *tree.InclusionProof(index, kLeaves);
    ASSERT_EQ(VerifyInclusion(index, kLeaves, leaves[index], proof, root).code(), kOk) << index;
  }
  for (uint64_t size1 = 1; size1 < kLeaves; size1 += 7919) {
    std::vector<Hash> proof = *tree.ConsistencyProof(size1, kLeaves);
    ASSERT_EQ(VerifyConsistency(size1, kLeaves, proof, *tree.RootAt(size1), root).code(), kOk)
        << size1;
  }
}

}  // namespace
}  // namespace suiji
