// The Ledger: the append path of one signed, append-only log over a LogStorage.
//
// It signs events with the node key, chains each entry to the previous one's hash, keeps the
// RFC 6962 Merkle tree of all entries in memory, checks every event against the keys in
// force before it is written (the same KeyRegistry rules the verifier applies), and issues
// signed checkpoints every N entries, every T seconds (MaybeCheckpoint, driven by a timer)
// and on demand.
//
// Lifetime: owns its storage. Without LedgerOptions::state, Open() reads the whole log once
// (O(n): about 1 s per million entries here) to rebuild the tree and check the chain; a
// broken chain is kDataLoss. With it (ledger/ledger_state.h), Open() resumes from the
// persisted Merkle nodes and key events once they check against the log, and reads only the
// entries appended since; the tree then holds in memory only what was appended since the
// last save (saved every `state_save_every` entries).
// Thread-safety: all methods may be called from any thread; appends are serialised by an
// internal mutex, so concurrent callers are group-committed only if they pass batches.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ledger/core/checkpoint.h"
#include "ledger/core/envelope.h"
#include "ledger/core/key_registry.h"
#include "ledger/core/merkle.h"
#include "ledger/ledger_state.h"
#include "ledger/storage.h"

namespace suiji {

struct LedgerOptions {
  uint64_t checkpoint_every_entries = 1000;  // 0: never by count
  int64_t checkpoint_every_seconds = 60;     // 0: never by time
  // Microseconds since 1970 UTC; tests replace it.
  std::function<int64_t()> clock;
  // The persisted tree and keys (ledger/ledger_state.h); null: fold the whole log on Open
  // and keep the whole tree in memory.
  std::shared_ptr<LedgerStateStore> state;
  // Entries appended or read past the saved state before the next save (one synced LMDB
  // transaction; an Open folds at most about this many entries more).
  uint64_t state_save_every = 16384;
};

// A ledger name: also the checkpoint origin and the note key name. 1-128 characters from
// [A-Za-z0-9._/-]; kInvalidArgument otherwise.
Status ValidateLedgerId(std::string_view id);

class Ledger {
 public:
  // Writes genesis (signed by `root`), registers `node_key` as writer and checkpoint key
  // (signed by `root`) and issues the first checkpoint. The storage must be empty and
  // writable (kFailedPrecondition otherwise).
  static StatusOr<std::unique_ptr<Ledger>> Create(std::unique_ptr<LogStorage> storage,
                                                  std::string_view ledger_id,
                                                  std::string_view description,
                                                  const KeyPair& root, KeyPair node_key,
                                                  const Actor& actor, LedgerOptions options);
  // Opens an existing ledger. Without a node key (or on a read-only storage) it can read,
  // prove and export but not append.
  static StatusOr<std::unique_ptr<Ledger>> Open(std::unique_ptr<LogStorage> storage,
                                                std::optional<KeyPair> node_key,
                                                LedgerOptions options);

  const std::string& ledger_id() const { return ledger_id_; }
  uint64_t size() const;
  Hash Root() const;

  // Appends events signed by the node key, as one durable batch. With expected_next, a
  // log whose next sequence differs gives kAborted and nothing is written. Returns the
  // sequence of the first event. kPermissionDenied if the node key may not sign them,
  // kInvalidArgument for an oversized or malformed draft, kFailedPrecondition if read-only.
  StatusOr<uint64_t> Append(std::span<const EventDraft> drafts,
                            std::optional<uint64_t> expected_next = std::nullopt);
  // Appends `count` events made on demand by make(i), as one durable batch, without holding
  // the batch in memory (bulk imports). Same checks and results as Append; an error from
  // `make` aborts the batch.
  // `built`, if set, sees each entry as soon as it is signed, before the batch is durable
  // (or written at all: the batch may still fail), in order; the bytes are valid during the
  // call only. A fold can follow a long batch this way (ledger/tail_view.h).
  using DraftSource = std::function<StatusOr<EventDraft>(uint64_t index)>;
  using EntryObserver = std::function<void(uint64_t sequence, ByteView entry)>;
  StatusOr<uint64_t> AppendStream(uint64_t count, const DraftSource& make,
                                  std::optional<uint64_t> expected_next = std::nullopt,
                                  const EntryObserver& built = {});
  // The same, signed by another key (which must be in force and allowed to sign them).
  StatusOr<uint64_t> AppendSignedBy(const KeyPair& key, std::span<const EventDraft> drafts,
                                    std::optional<uint64_t> expected_next = std::nullopt);

  // Key events, signed by an authority key.
  StatusOr<uint64_t> RegisterKey(const KeyPair& authority, const PublicKey& key, uint32_t roles,
                                 std::string_view label, const Actor& actor);
  // Registers `new_key` with the node key's roles, revoking the current node key in the same
  // event, and makes it this Ledger's node key; then covers the rotation with a checkpoint
  // signed by the new key (a failed checkpoint stays due: the rotation is durable already).
  // A node key that is missing or out of force is not revoked: the new key is registered
  // with the writer and checkpoint roles beside it (revoke a lost key with RevokeKey).
  StatusOr<uint64_t> RotateNodeKey(const KeyPair& authority, KeyPair new_key,
                                   const Actor& actor);
  StatusOr<uint64_t> RevokeKey(const KeyPair& authority, std::string_view key_id,
                               std::string_view reason, const Actor& actor);

  // Installs the node key after Open has folded the key events (api/node.cc chooses the key
  // file by its recovery rule, which needs the keys in force), or the reason there is none:
  // a writer whose key cannot be loaded still reads, and says why it cannot write.
  void SetNodeKey(StatusOr<KeyPair> key);
  // Whether this ledger can sign appends and checkpoints: OK if its node key is registered
  // with the writer and checkpoint roles and not revoked at the tip. Otherwise
  // kFailedPrecondition naming the key id, why, and what to do. Appends check it first and
  // answer kUnavailable with the same message (the node, not the request, is at fault).
  // Does not wait for an append in progress (it reads the state as of the last change).
  Status NodeKeyStatus() const;

  // Signs and stores a checkpoint of the current tree (returns the stored one if the tree
  // has not grown since). kFailedPrecondition without a node key in force.
  StatusOr<std::string> IssueCheckpoint();
  // Issues a checkpoint if the policy says one is due; returns whether it did.
  StatusOr<bool> MaybeCheckpoint();
  // Latest stored checkpoint note, if any.
  std::optional<std::string> LatestCheckpoint() const;

  // A ledger that does not write (no node key; a read replica following a Kafka topic,
  // api/http/replica.h) folds the entries another process appended since it was opened or
  // last caught up: the tree, the keys in force and the latest checkpoint, with the same
  // checks as Open (kDataLoss naming the entry that breaks the chain). Returns the new size.
  // kFailedPrecondition on a ledger with a node key: its own appends keep it current.
  StatusOr<uint64_t> CatchUp();
  // The note verifier key of the current node key ("name+hash+base64").
  std::string NodeVerifierKey() const;
  const PublicKey* node_public_key() const;

  StatusOr<Hash> RootAt(uint64_t size) const;
  StatusOr<std::vector<Hash>> InclusionProof(uint64_t sequence, uint64_t size) const;
  StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const;
  // The stored bytes of one entry.
  StatusOr<Bytes> ReadEntry(uint64_t sequence) const;

  const KeyRegistry& keys() const { return keys_; }
  // What the last save of the persisted state (LedgerOptions::state) gave: OK, or why the
  // state stays behind (it is a cache: appends do not fail for it).
  Status StateStatus() const;
  const LogStorage& storage() const { return *storage_; }

 private:
  Ledger(std::unique_ptr<LogStorage> storage, std::optional<KeyPair> node_key,
         LedgerOptions options);
  Status Load();
  // Folds the stored entries [tree_.size(), n) and re-reads the checkpoints (Load, CatchUp).
  Status FoldStoredLocked(uint64_t n);
  // Load with options_.state: the tree and keys from the persisted state where it checks
  // against the log (else nothing: the fold starts from entry 0). False if it was unusable.
  bool ResumeFromStateLocked(uint64_t n);
  // Whether the root of the latest checkpoint comes out of the tree (a resumed tree's check).
  bool CheckpointRootMatchesLocked() const;
  // Saves the tree's nodes past its base and the key events; drops the saved nodes from
  // memory. Errors are kept in state_error_ and otherwise ignored (the log is durable).
  void SaveStateLocked();
  void MaybeSaveStateLocked(uint64_t every);
  StatusOr<uint64_t> AppendLocked(const KeyPair& key, std::span<const EventDraft> drafts,
                                  std::optional<uint64_t> expected_next);
  StatusOr<uint64_t> AppendStreamLocked(const KeyPair& key, uint64_t count,
                                        const DraftSource& make,
                                        std::optional<uint64_t> expected_next,
                                        const EntryObserver& built = {});
  StatusOr<std::string> IssueCheckpointLocked();
  bool CheckpointDueLocked(int64_t now_us) const;
  Status NodeKeyStatusLocked() const;
  void RefreshKeyStatusLocked();  // after the keys or the node key change
  Status CanSignLocked() const;
  int64_t Now() const;

  mutable std::mutex mu_;
  std::unique_ptr<LogStorage> storage_;
  std::optional<KeyPair> node_key_;
  std::optional<Status> node_key_problem_;  // why a writer has no node key (SetNodeKey)
  // NodeKeyStatus() as of the last change, under its own lock: /healthz must not wait for
  // mu_, which a long import holds for its whole batch.
  mutable std::mutex key_status_mu_;
  Status key_status_ = FailedPrecondition("this ledger was opened without a node key");
  LedgerOptions options_;
  std::string ledger_id_;
  MerkleTree tree_;
  KeyRegistry keys_;
  int64_t last_time_us_ = 0;
  uint64_t last_checkpoint_size_ = 0;
  int64_t last_checkpoint_time_us_ = 0;
  std::optional<std::string> last_checkpoint_;
  Status state_error_;           // of the last save of the persisted state
  uint64_t state_retry_at_ = 0;  // after a failed save, the size the next one waits for
};

}  // namespace suiji
