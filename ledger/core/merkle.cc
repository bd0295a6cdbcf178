#include "ledger/core/merkle.h"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>

namespace suiji {

namespace {

// The split point of RFC 9162 §2.1.1: the largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Level k in levels_ holds subtrees of 2^k leaves; size_t because it indexes a vector.
size_t LevelOf(uint64_t perfect_size) {
  return static_cast<size_t>(std::countr_zero(perfect_size));
}

std::string U(uint64_t v) { return std::to_string(v); }

}  // namespace

StatusOr<MerkleTree> MerkleTree::Resume(uint64_t size,
                                        std::shared_ptr<const MerkleNodeSource> source) {
  MerkleTree t;
  t.size_ = size;
  t.base_ = size;
  for (uint32_t k = 0; k < 64 && (size >> k) > 0; ++k) {
    const uint64_t last = (size >> k) - 1;
    SUIJI_ASSIGN_OR_RETURN(Hash h, source->Node(k, last));
    t.levels_.push_back({h});
    t.offsets_.push_back(last);
  }
  t.source_ = std::move(source);
  return t;
}

void MerkleTree::KeepLastNodes() {
  size_t k = 0;
  for (; k < levels_.size(); ++k) {
    const uint64_t count = size_ >> k;
    if (count == 0) break;
    const uint64_t last = count - 1;
    SUIJI_CHECK(last >= offsets_[k] && last - offsets_[k] < levels_[k].size(),
                "the last node of a Merkle level is not in memory");
    Hash h = levels_[k][static_cast<size_t>(last - offsets_[k])];
    levels_[k].assign(1, h);
    levels_[k].shrink_to_fit();
    offsets_[k] = last;
  }
  levels_.resize(k);
  offsets_.resize(k);
}

void MerkleTree::Rebase(std::shared_ptr<const MerkleNodeSource> source) {
  source_ = std::move(source);
  base_ = size_;
  KeepLastNodes();
}

void MerkleTree::ForEachNodeFrom(
    uint64_t from, const std::function<void(uint32_t, uint64_t, const Hash&)>& fn) const {
  SUIJI_CHECK(from >= base_ && from <= size_, "ForEachNodeFrom outside the nodes in memory");
  for (size_t k = 0; k < levels_.size(); ++k) {
    const uint64_t end = size_ >> k;
    for (uint64_t i = from >> k; i < end; ++i) {
      fn(static_cast<uint32_t>(k), i, levels_[k][static_cast<size_t>(i - offsets_[k])]);
    }
  }
}

void MerkleTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) {
    levels_.emplace_back();
    offsets_.push_back(0);
  }
  levels_[0].push_back(leaf_hash);
  ++size_;
  // A new node at an odd position completes a pair whose parent can now be stored; carrying
  // up like a binary counter gives amortised O(1) hashes per leaf. The left node of the pair
  // is always in memory: a resumed tree keeps the last node of each level.
  size_t level = 0;
  while ((offsets_[level] + levels_[level].size()) % 2 == 0) {
    const std::vector<Hash>& row = levels_[level];
    Hash parent = NodeHash(row[row.size() - 2], row[row.size() - 1]);
    if (levels_.size() == level + 1) {
      levels_.emplace_back();
      offsets_.push_back(0);
    }
    levels_[level + 1].push_back(parent);
    ++level;
  }
}

StatusOr<Hash> MerkleTree::NodeAt(uint32_t level, uint64_t index) const {
  if (level < levels_.size() && index >= offsets_[level]) {
    const uint64_t at = index - offsets_[level];
    if (at < levels_[level].size()) return levels_[level][static_cast<size_t>(at)];
  } else if (source_ && (index + 1) << level <= base_) {
    return source_->Node(level, index);
  }
  return InvalidArgument("no Merkle node at level " + U(level) + ", index " + U(index) +
                         " in a tree of " + U(size_) + " leaves");
}

StatusOr<Hash> MerkleTree::SubtreeHash(uint64_t begin, uint64_t end) const {
  const uint64_t n = end - begin;
  // A perfect, aligned subtree is stored: one look-up.
  if (std::has_single_bit(n) && begin % n == 0) {
    return NodeAt(static_cast<uint32_t>(LevelOf(n)), begin / n);
  }
  // Otherwise MTH's own split. Proof ranges always start at a multiple of the split, so the
  // left half is a stored look-up and only the right half recurses: O(log n) hashes.
  const uint64_t k = SplitPoint(n);
  SUIJI_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
  SUIJI_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
  return NodeHash(left, right);
}

Hash MerkleTree::Root() const {
  if (size() == 0) return EmptyTreeHash();
  // The whole tree's root needs only the last node of each level: always in memory.
  auto root = SubtreeHash(0, size());
  SUIJI_CHECK(root.ok(), "the root of a Merkle tree needed a node not in memory");
  return *root;
}

StatusOr<Hash> MerkleTree::RootAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return InvalidArgument("tree size " + U(tree_size) + " is beyond the " + U(size()) +
                           " leaves in the tree");
  }
  if (tree_size == 0) return EmptyTreeHash();
  return SubtreeHash(0, tree_size);
}

StatusOr<std::vector<Hash>> MerkleTree::InclusionProof(uint64_t index,
                                                       uint64_t tree_size) const {
  if (tree_size > size()) {
    return InvalidArgument("tree size " + U(tree_size) + " is beyond the " + U(size()) +
                           " leaves in the tree");
  }
  if (index >= tree_size) {
    return InvalidArgument("leaf index " + U(index) + " is not below tree size " +
                           U(tree_size));
  }
  // PATH(m, D[begin:end]) = PATH(m, half holding m) : MTH(other half). Walking down from the
  // root meets the siblings top first, so they are collected and then reversed.
  std::vector<Hash> proof;
  uint64_t begin = 0;
  uint64_t end = tree_size;
  while (end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    if (index - begin < k) {
      SUIJI_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin + k, end));
      proof.push_back(h);
      end = begin + k;
    } else {
      SUIJI_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, begin + k));
      proof.push_back(h);
      begin += k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

StatusOr<std::vector<Hash>> MerkleTree::ConsistencyProof(uint64_t size1,
                                                         uint64_t size2) const {
  if (size2 > size()) {
    return InvalidArgument("tree size " + U(size2) + " is beyond the " + U(size()) +
                           " leaves in the tree");
  }
  if (size1 > size2) {
    return InvalidArgument("first tree size " + U(size1) + " is larger than second " +
                           U(size2));
  }
  std::vector<Hash> proof;
  // RFC 9162 defines PROOF only for 0 < size1 < size2; the other cases are trivially
  // consistent and the verifier expects an empty proof for them.
  if (size1 == 0 || size1 == size2) return proof;
  // SUBPROOF(m, D[begin:end], b), unrolled: `whole_old_tree` is b, true while the range is
  // still the old tree's left spine, whose root the verifier already has.
  uint64_t begin = 0;
  uint64_t end = size2;
  bool whole_old_tree = true;
  while (size1 != end) {
    const uint64_t k = SplitPoint(end - begin);
    if (size1 - begin <= k) {
      SUIJI_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin + k, end));
      proof.push_back(h);
      end = begin + k;
    } else {
      SUIJI_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, begin + k));
      proof.push_back(h);
      begin += k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    SUIJI_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, end));
    proof.push_back(h);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Hash RootFromLeaves(std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return EmptyTreeHash();
  if (leaf_hashes.size() == 1) return leaf_hashes[0];
  const size_t k = static_cast<size_t>(SplitPoint(leaf_hashes.size()));
  return NodeHash(RootFromLeaves(leaf_hashes.first(k)), RootFromLeaves(leaf_hashes.subspan(k)));
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  // RFC 9162 §2.1.3.2, step by step. The walk over fn/sn does not depend on the hashes, so
  // running out of levels (sn == 0 too early, or not reached) means a wrong proof length.
  if (index >= size) {
    return InvalidArgument("leaf index " + U(index) + " is not below tree size " + U(size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return InvalidArgument("inclusion proof has too many hashes (" + U(proof.size()) +
                             ") for leaf " + U(index) + " of a tree of size " + U(size));
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      // On the right border with no right sibling: skip the levels where this node is
      // promoted unchanged.
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgument("inclusion proof has too few hashes (" + U(proof.size()) +
                           ") for leaf " + U(index) + " of a tree of size " + U(size));
  }
  if (r != root) return DataLoss("inclusion proof does not lead to the root");
  return OkStatus();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2) {
  // The cases RFC 9162 leaves out of PROOF (equal sizes, empty first tree) are handled as
  // transparency-dev/merkle's proof.VerifyConsistency does.
  if (size1 > size2) {
    return InvalidArgument("first tree size " + U(size1) + " is larger than second " +
                           U(size2) + ": a log cannot shrink");
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return InvalidArgument("consistency proof between equal tree sizes must be empty, got " +
                             U(proof.size()) + " hashes");
    }
    if (root1 != root2) {
      return DataLoss("two roots for the same tree size " + U(size1) + " differ");
    }
    return OkStatus();
  }
  if (size1 == 0) {
    // Every tree extends the empty one; there is nothing to prove.
    if (!proof.empty()) {
      return InvalidArgument("consistency proof from the empty tree must be empty, got " +
                             U(proof.size()) + " hashes");
    }
    return OkStatus();
  }
  // RFC 9162 §2.1.4.2, step by step from here.
  if (proof.empty()) {
    return InvalidArgument("consistency proof between tree sizes " + U(size1) + " and " +
                           U(size2) + " is empty");
  }
  // Step 2: when size1 is a power of two the old root is itself a node of the new tree and
  // is not sent; it becomes the first element of the path instead of being copied in.
  const bool seed_is_root1 = std::has_single_bit(size1);
  const Hash& seed = seed_is_root1 ? root1 : proof[0];
  std::span<const Hash> rest = seed_is_root1 ? proof : proof.subspan(1);

  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = seed;
  Hash sr = seed;
  for (const Hash& c : rest) {
    if (sn == 0) {
      return InvalidArgument("consistency proof has too many hashes (" + U(proof.size()) +
                             ") for tree sizes " + U(size1) + " and " + U(size2));
    }
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      // A right sibling exists only in the new tree.
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgument("consistency proof has too few hashes (" + U(proof.size()) +
                           ") for tree sizes " + U(size1) + " and " + U(size2));
  }
  if (fr != root1) return DataLoss("consistency proof does not lead to the first root");
  if (sr != root2) return DataLoss("consistency proof does not lead to the second root");
  return OkStatus();
}

}  // namespace suiji
