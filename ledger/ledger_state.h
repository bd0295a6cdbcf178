// The Ledger's persisted state: the Merkle tree's nodes and the key events of a prefix of the
// log, so that Ledger::Open reads only the entries appended since (O(log n) node reads plus
// the key events, instead of every entry).
//
// It is a cache of what the log says, never a second source of truth: Open checks it against
// the log before using it and rebuilds it from the log when it is missing, corrupt, stale,
// ahead of the log or of another log (ledger/README.md, "Persisted ledger state"):
// - the snapshot record carries a SHA-256 digest of itself (a torn or garbled record is
//   rebuilt);
// - its leaf hash at position m = min(snapshot size, log size) must equal the hash of the
//   log's entry m-1, which chains to every entry before it (so a cache of a replaced or
//   rewritten log is rebuilt, and one ahead of the log is used up to the log's end);
// - every key event it lists is re-read from the log and must be a key event that applies;
// - the root of the latest stored checkpoint must come out of its nodes.
// A store error while saving never fails an append (the log is what is durable); the state
// then stays where it was and the next save writes the rest.
//
// Nodes are immutable for a given log, so several processes (a server and command-line
// readers) may save into one store: each writes the nodes it holds and its snapshot, all of
// them true of the same log.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/key_registry.h"
#include "ledger/core/merkle.h"

namespace suiji {

struct LedgerStateSnapshot {
  uint64_t size = 0;                 // entries [0, size) are covered
  std::vector<uint64_t> key_events;  // sequences of the key events below size, increasing
};

// The key events folded into `keys` (genesis, every registration and every revocation), in
// increasing sequence: replaying them rebuilds the registry (other events change nothing).
std::vector<uint64_t> KeyEventSequences(const KeyRegistry& keys);

class LedgerStateStore : public MerkleNodeSource {
 public:
  // The stored snapshot, nullopt if there is none. kDataLoss if the record fails its check.
  virtual StatusOr<std::optional<LedgerStateSnapshot>> Load() const = 0;
  // In one durable transaction: every node `tree` holds over leaves from `from` on
  // (MerkleTree::ForEachNodeFrom) and `snapshot` (snapshot.size == tree.size()).
  virtual Status Save(const MerkleTree& tree, uint64_t from,
                      const LedgerStateSnapshot& snapshot) = 0;
  // Removes every node and the snapshot (a cache found wrong is rebuilt from the log).
  virtual Status Clear() = 0;
  // Where it is kept, for messages.
  virtual std::string where() const = 0;
};

}  // namespace suiji
