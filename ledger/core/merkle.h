// RFC 6962 / RFC 9162 Merkle tree: roots, inclusion and consistency proofs, and their checks.
//
// MerkleTree keeps every level of the tree in memory (about 64 bytes per leaf), so the root
// of any prefix and any proof cost O(log n) node look-ups plus O(log n) hashes. A tree
// resumed over a MerkleNodeSource (Resume: the nodes of the first `base` leaves persisted
// elsewhere, ledger/ledger_state.h) holds in memory only the last node of each level at the
// base and the nodes of the leaves appended since; the root and appends then never touch the
// source, and a proof reads O(log n) nodes from it. It is not thread-safe for concurrent
// Append; concurrent const calls are fine (if the source's are).
//
// The Verify* functions are pure: hashes in, a Status out (kDataLoss naming what failed to
// match, kInvalidArgument for impossible indices or proof lengths). They follow RFC 9162
// §2.1.3.2 and §2.1.4.2.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"

namespace suiji {

// Where a resumed tree reads the nodes below its base: node(level, index) is the root of the
// perfect subtree of 2^level leaves starting at leaf index * 2^level. An error (a node
// missing or unreadable) is returned as is by the proof that needed it.
class MerkleNodeSource {
 public:
  virtual ~MerkleNodeSource() = default;
  virtual StatusOr<Hash> Node(uint32_t level, uint64_t index) const = 0;
};

class MerkleTree {
 public:
  MerkleTree() = default;

  // The tree of the first `size` leaves whose nodes `source` holds (every node over leaves
  // below `size`). Reads the last node of each level (O(log n)); the source's error if one
  // is missing.
  static StatusOr<MerkleTree> Resume(uint64_t size, std::shared_ptr<const MerkleNodeSource> source);

  // Adds the next leaf (already a leaf hash: LeafHash(entry)).
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return size_; }
  // Leaf hash `index`; reads the source for a leaf below the base but the last.
  StatusOr<Hash> leaf(uint64_t index) const { return NodeAt(0, index); }
  // The last leaf hash (size() > 0): always in memory.
  const Hash& last_leaf() const { return levels_[0].back(); }

  // The leaves this tree holds nodes for in memory from (0, or the base it was resumed or
  // rebased at).
  uint64_t base() const { return base_; }
  // Calls fn(level, index, hash) for every node over leaves at or past `from` (from >=
  // base()): the nodes a store holding those below `from` lacks. Level by level, in index
  // order.
  void ForEachNodeFrom(uint64_t from,
                       const std::function<void(uint32_t, uint64_t, const Hash&)>& fn) const;
  // Drops from memory the nodes `source` now holds (every node over leaves below size()),
  // keeping the last node of each level: memory back to O(log n).
  void Rebase(std::shared_ptr<const MerkleNodeSource> source);

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
  StatusOr<Hash> SubtreeHash(uint64_t begin, uint64_t end) const;
  StatusOr<Hash> NodeAt(uint32_t level, uint64_t index) const;
  // Keeps in memory only the last node of each level of the first size_ leaves.
  void KeepLastNodes();

  // levels_[k][i] is the root of the perfect subtree of 2^k leaves starting at leaf
  // (offsets_[k] + i) * 2^k; the nodes before offsets_[k] are read from source_.
  std::vector<std::vector<Hash>> levels_;
  std::vector<uint64_t> offsets_;
  uint64_t size_ = 0;
  uint64_t base_ = 0;
  std::shared_ptr<const MerkleNodeSource> source_;
};

// Reference root straight from the definition (recursive, O(n)); for tests and small trees.
Hash RootFromLeaves(std::span<const Hash> leaf_hashes);

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2);

}  // namespace suiji
