// RFC 6962 / RFC 9162 Merkle tree: roots, inclusion and consistency proofs, and their checks.
//
// MerkleTree keeps every level of the tree in memory (about 64 bytes per leaf), so the root
// of any prefix and any proof cost O(log n) node look-ups plus O(log n) hashes. It is not
// thread-safe for concurrent Append; concurrent const calls are fine.
//
// The Verify* functions are pure: hashes in, a Status out (kDataLoss naming what failed to
// match, kInvalidArgument for impossible indices or proof lengths). They follow RFC 9162
// §2.1.3.2 and §2.1.4.2.
#pragma once

#include <span>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"

namespace suiji {

class MerkleTree {
 public:
  MerkleTree() = default;

  // Adds the next leaf (already a leaf hash: LeafHash(entry)).
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& leaf(uint64_t index) const { return levels_[0][index]; }

  // Root of the whole tree (EmptyTreeHash() when empty).
  Hash Root() const;
  // Root of the tree made of the first `size` leaves; kInvalidArgument if size > this->size().
  StatusOr<Hash> RootAt(uint64_t size) const;
  // Audit path for leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1).
  StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const;
  // Consistency proof between the trees of the first size1 and size2 leaves (RFC 9162
  // §2.1.4.1); size1 <= size2 <= size().
  StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

 private:
  // Hash of the subtree over leaves [begin, end), end - begin > 0, using the stored perfect
  // subtrees.
  Hash SubtreeHash(uint64_t begin, uint64_t end) const;
  // levels_[k][i] is the root of the perfect subtree of 2^k leaves starting at leaf i * 2^k.
  std::vector<std::vector<Hash>> levels_;
};

// Reference root straight from the definition (recursive, O(n)); for tests and small trees.
Hash RootFromLeaves(std::span<const Hash> leaf_hashes);

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2);

}  // namespace suiji
