#include "ledger/ledger.h"

#include <algorithm>
#include <chrono>

#include "ledger/crash_point.h"

namespace suiji {

namespace {

int64_t SystemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsKeyEvent(EventType t) {
  return t == EventType::Genesis || t == EventType::KeyRegistered || t == EventType::KeyRevoked;
}

// Saves during a fold from nothing come this often, so a first open keeps no more than
// this many leaves' nodes in memory (about 64 bytes each).
constexpr uint64_t kFoldSaveEvery = uint64_t{1} << 18;

}  // namespace

std::vector<uint64_t> KeyEventSequences(const KeyRegistry& keys) {
  std::vector<uint64_t> out;
  if (!keys.ledger_id().empty()) out.push_back(0);
  for (const auto& [id, k] : keys.keys()) {
    if (k.registered_at != 0) out.push_back(k.registered_at);
    if (k.revoked_at) out.push_back(*k.revoked_at);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status ValidateLedgerId(std::string_view id) {
  if (id.empty() || id.size() > 128) {
    return InvalidArgument("ledger name must be 1 to 128 characters");
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '/' || c == '-';
    if (!ok) {
      return InvalidArgument("ledger name may hold only letters, digits and . _ / - (got '" +
                             std::string(1, c) + "')");
    }
  }
  return OkStatus();
}

Ledger::Ledger(std::unique_ptr<LogStorage> storage, std::optional<KeyPair> node_key,
               LedgerOptions options)
    : storage_(std::move(storage)), node_key_(std::move(node_key)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = SystemNowUs;
}

int64_t Ledger::Now() const { return options_.clock(); }

StatusOr<std::unique_ptr<Ledger>> Ledger::Create(std::unique_ptr<LogStorage> storage,
                                                 std::string_view ledger_id,
                                                 std::string_view description,
                                                 const KeyPair& root, KeyPair node_key,
                                                 const Actor& actor, LedgerOptions options) {
  SUIJI_RETURN_IF_ERROR(ValidateLedgerId(ledger_id));
  if (!storage->writable()) return FailedPrecondition("storage is read-only");
  SUIJI_ASSIGN_OR_RETURN(uint64_t existing, storage->Size());
  if (existing != 0) {
    return FailedPrecondition("a ledger already exists here (" + std::to_string(existing) +
                              " entries)");
  }
  std::unique_ptr<Ledger> l(new Ledger(std::move(storage), std::move(node_key), std::move(options)));
  l->ledger_id_ = std::string(ledger_id);
  std::lock_guard lock(l->mu_);
  const int64_t now = l->Now();
  EventDraft genesis{EventType::Genesis,
                     MakeGenesisPayload(ledger_id, root.public_key(), description, now), actor};
  EventDraft reg{EventType::KeyRegistered,
                 MakeKeyRegisteredPayload(l->node_key_->public_key(), kRoleWriter | kRoleCheckpoint,
                                          "node key", ""),
                 actor};
  std::vector<EventDraft> drafts{std::move(genesis), std::move(reg)};
  SUIJI_ASSIGN_OR_RETURN(uint64_t first, l->AppendLocked(root, drafts, 0));
  (void)first;
  SUIJI_ASSIGN_OR_RETURN(std::string cp, l->IssueCheckpointLocked());
  (void)cp;
  return l;
}

StatusOr<std::unique_ptr<Ledger>> Ledger::Open(std::unique_ptr<LogStorage> storage,
                                               std::optional<KeyPair> node_key,
                                               LedgerOptions options) {
  std::unique_ptr<Ledger> l(new Ledger(std::move(storage), std::move(node_key), std::move(options)));
  SUIJI_RETURN_IF_ERROR(l->Load());
  return l;
}

Status Ledger::Load() {
  std::lock_guard lock(mu_);
  SUIJI_ASSIGN_OR_RETURN(uint64_t n, storage_->Size());
  if (n == 0) return NotFound("no ledger here (the log is empty): run `suiji init` first");
  const bool resumed = options_.state && ResumeFromStateLocked(n);
  SUIJI_RETURN_IF_ERROR(FoldStoredLocked(n));
  if (resumed && !CheckpointRootMatchesLocked()) {
    // Nodes that do not give the signed root: the state is wrong, rebuild it from the log.
    (void)options_.state->Clear();
    tree_ = MerkleTree();
    keys_ = KeyRegistry();
    last_checkpoint_.reset();
    last_checkpoint_size_ = 0;
    SUIJI_RETURN_IF_ERROR(FoldStoredLocked(n));
  }
  MaybeSaveStateLocked(options_.state_save_every);
  ledger_id_ = keys_.ledger_id();
  RefreshKeyStatusLocked();
  return OkStatus();
}

StatusOr<uint64_t> Ledger::CatchUp() {
  std::lock_guard lock(mu_);
  if (node_key_ || node_key_problem_) {
    return FailedPrecondition("a ledger that writes is kept current by its own appends, not by CatchUp");
  }
  SUIJI_ASSIGN_OR_RETURN(uint64_t n, storage_->Size());
  if (n < tree_.size()) {
    return DataLoss("the log holds " + std::to_string(n) + " entries, fewer than the " +
                    std::to_string(tree_.size()) + " already read: it was replaced or truncated");
  }
  SUIJI_RETURN_IF_ERROR(FoldStoredLocked(n));
  MaybeSaveStateLocked(options_.state_save_every);
  RefreshKeyStatusLocked();
  return tree_.size();
}

bool Ledger::ResumeFromStateLocked(uint64_t n) {
  LedgerStateStore& state = *options_.state;
  auto loaded = state.Load();
  if (loaded.ok() && !loaded->has_value()) return false;  // nothing saved yet
  auto unusable = [&] {
    // Missing pieces, a garbled record, another log: rebuild from the log, never trust it.
    (void)state.Clear();
    tree_ = MerkleTree();
    keys_ = KeyRegistry();
    last_time_us_ = 0;
    return false;
  };
  if (!loaded.ok()) return unusable();
  const LedgerStateSnapshot& snap = **loaded;
  // A state ahead of the log (a server saved entries staged but never made durable) is
  // used up to the log's end: its nodes below it are those of the same entries.
  const uint64_t m = std::min(snap.size, n);
  if (m == 0) return unusable();
  // The log's entry m-1 chains to every entry before it: the state's leaf there must be its
  // hash.
  Bytes last;
  Status read = storage_->Read(m - 1, m, [&](uint64_t, ByteView b) {
    last.assign(b.begin(), b.end());
    return false;
  });
  if (!read.ok() || last.empty()) return unusable();
  auto last_entry = ParseEntry(last);
  if (!last_entry.ok() || last_entry->sequence() != m - 1) return unusable();
  auto cached_leaf = state.Node(0, m - 1);
  if (!cached_leaf.ok() || *cached_leaf != LeafHash(last)) return unusable();
  auto tree = MerkleTree::Resume(m, options_.state);
  if (!tree.ok()) return unusable();
  // The keys in force: replay the key events, each re-read from the log.
  KeyRegistry keys;
  bool keys_ok = !snap.key_events.empty() && snap.key_events[0] == 0;
  uint64_t prev_seq = 0;
  for (size_t i = 0; keys_ok && i < snap.key_events.size(); ++i) {
    const uint64_t seq = snap.key_events[i];
    if (seq >= m) break;
    if (i > 0 && seq <= prev_seq) {
      keys_ok = false;
      break;
    }
    prev_seq = seq;
    Status r = storage_->Read(seq, seq + 1, [&](uint64_t, ByteView b) {
      auto e = ParseEntry(b);
      if (!e.ok() || e->sequence() != seq || !IsKeyEvent(e->type())) {
        keys_ok = false;
        return false;
      }
      if (seq == 0 && !keys.ResolveSigner(*e).ok()) {
        keys_ok = false;
        return false;
      }
      keys_ok = keys.Apply(*e).ok();
      return false;
    });
    if (!r.ok()) keys_ok = false;
  }
  if (!keys_ok || keys.ledger_id().empty()) return unusable();
  tree_ = std::move(*tree);
  keys_ = std::move(keys);
  last_time_us_ = last_entry->event->time_us();
  return true;
}

bool Ledger::CheckpointRootMatchesLocked() const {
  if (!last_checkpoint_ || last_checkpoint_size_ == 0) return true;
  auto note = ParseNote(*last_checkpoint_);
  if (!note.ok()) return true;  // not the state's business: the verifier reports it
  auto cp = ParseCheckpoint(note->text);
  if (!cp.ok() || cp->size != last_checkpoint_size_) return true;
  auto root = tree_.RootAt(cp->size);
  return root.ok() && *root == cp->root;
}

void Ledger::SaveStateLocked() {
  if (!options_.state) return;
  LedgerStateSnapshot snap{tree_.size(), KeyEventSequences(keys_)};
  Status saved = options_.state->Save(tree_, tree_.base(), snap);
  if (saved.ok()) {
    tree_.Rebase(options_.state);
  } else {
    state_retry_at_ = tree_.size() + std::max<uint64_t>(options_.state_save_every, 1);
  }
  state_error_ = std::move(saved);
}

void Ledger::MaybeSaveStateLocked(uint64_t every) {
  if (options_.state && tree_.size() - tree_.base() >= std::max<uint64_t>(every, 1) &&
      tree_.size() >= state_retry_at_) {
    SaveStateLocked();
  }
}

Status Ledger::StateStatus() const {
  std::lock_guard lock(mu_);
  return state_error_;
}

Status Ledger::FoldStoredLocked(uint64_t n) {
  const uint64_t from = tree_.size();
  Status err;
  Hash prev = from == 0 ? Hash{} : tree_.last_leaf();
  if (from < n) {
    Status read = storage_->Read(from, n, [&](uint64_t seq, ByteView bytes) {
      auto parsed = ParseEntry(bytes);
      if (!parsed.ok()) {
        err = DataLoss("entry " + std::to_string(seq) + ": " + parsed.status().message());
        return false;
      }
      const EntryView& e = *parsed;
      if (e.sequence() != seq) {
        err = DataLoss("entry " + std::to_string(seq) + " carries sequence " +
                       std::to_string(e.sequence()));
        return false;
      }
      if (e.prev_hash() != prev) {
        err = DataLoss("entry " + std::to_string(seq) + " does not chain to entry " +
                       std::to_string(seq - 1));
        return false;
      }
      if (seq == 0) {
        auto signer = keys_.ResolveSigner(e);
        if (!signer.ok()) {
          err = DataLoss("genesis: " + signer.status().message());
          return false;
        }
      }
      Status applied = keys_.Apply(e);
      if (!applied.ok()) {
        err = DataLoss("entry " + std::to_string(seq) + ": " + applied.message());
        return false;
      }
      prev = LeafHash(bytes);
      tree_.Append(prev);
      last_time_us_ = e.event->time_us();
      // A fold from nothing keeps a bounded part of the tree in memory.
      MaybeSaveStateLocked(kFoldSaveEvery);
      return true;
    });
    SUIJI_RETURN_IF_ERROR(read);
    SUIJI_RETURN_IF_ERROR(err);
  }
  const uint64_t size = tree_.size();
  const uint64_t had = last_checkpoint_ ? last_checkpoint_size_ : 0;
  return storage_->ReadCheckpoints([&](uint64_t cp_size, std::string_view note) {
    // A checkpoint never covers an entry not read yet (a replica reads the checkpoints
    // topic after the entries topic, which may have grown in between).
    if (cp_size > size) return false;
    if (!last_checkpoint_ || cp_size >= had) {
      if (!last_checkpoint_ || cp_size != last_checkpoint_size_) {
        last_checkpoint_time_us_ = Now();  // issue times are not stored; count T from reading
      }
      last_checkpoint_size_ = cp_size;
      last_checkpoint_ = std::string(note);
    }
    return true;
  });
}

uint64_t Ledger::size() const {
  std::lock_guard lock(mu_);
  return tree_.size();
}

Hash Ledger::Root() const {
  std::lock_guard lock(mu_);
  return tree_.Root();
}

StatusOr<uint64_t> Ledger::Append(std::span<const EventDraft> drafts,
                                  std::optional<uint64_t> expected_next) {
  std::lock_guard lock(mu_);
  SUIJI_RETURN_IF_ERROR(CanSignLocked());
  SUIJI_ASSIGN_OR_RETURN(uint64_t first, AppendLocked(*node_key_, drafts, expected_next));
  if (CheckpointDueLocked(Now())) {
    // The batch is durable already: a failed checkpoint must not make the caller retry it
    // (that would append the events twice). The checkpoint stays due and is issued by the
    // next append, MaybeCheckpoint or IssueCheckpoint.
    auto cp = IssueCheckpointLocked();
    (void)cp;
  }
  return first;
}

StatusOr<uint64_t> Ledger::AppendSignedBy(const KeyPair& key, std::span<const EventDraft> drafts,
                                          std::optional<uint64_t> expected_next) {
  std::lock_guard lock(mu_);
  return AppendLocked(key, drafts, expected_next);
}

StatusOr<uint64_t> Ledger::AppendLocked(const KeyPair& key, std::span<const EventDraft> drafts,
                                        std::optional<uint64_t> expected_next) {
  return AppendStreamLocked(
      key, drafts.size(),
      [&](uint64_t i) -> StatusOr<EventDraft> { return drafts[i]; }, expected_next);
}

StatusOr<uint64_t> Ledger::AppendStream(uint64_t count, const DraftSource& make,
                                        std::optional<uint64_t> expected_next,
                                        const EntryObserver& built) {
  std::lock_guard lock(mu_);
  SUIJI_RETURN_IF_ERROR(CanSignLocked());
  SUIJI_ASSIGN_OR_RETURN(uint64_t first,
                         AppendStreamLocked(*node_key_, count, make, expected_next, built));
  if (CheckpointDueLocked(Now())) {
    auto cp = IssueCheckpointLocked();  // see Append: the batch is durable already
    (void)cp;
  }
  return first;
}

StatusOr<uint64_t> Ledger::AppendStreamLocked(const KeyPair& key, uint64_t count,
                                              const DraftSource& make,
                                              std::optional<uint64_t> expected_next,
                                              const EntryObserver& built) {
  if (!storage_->writable()) return FailedPrecondition("the ledger is open read-only");
  if (count == 0) return InvalidArgument("nothing to append");
  const uint64_t first = tree_.size();
  if (expected_next && *expected_next != first) {
    return Aborted("stale expected sequence " + std::to_string(*expected_next) +
                   ": the log's next sequence is " + std::to_string(first));
  }
  // Check the batch against a copy of the key state, so a refused event leaves no trace.
  KeyRegistry keys = keys_;
  std::vector<Hash> leaves;
  leaves.reserve(count);
  Hash prev = first == 0 ? Hash{} : tree_.last_leaf();
  const int64_t now = std::max(Now(), last_time_us_);  // entry times never go backwards
  Bytes current;  // the entry handed to the storage; valid until the next one is built
  auto build = [&](uint64_t i) -> StatusOr<ByteView> {
    const uint64_t seq = first + i;
    const std::string where = "event " + std::to_string(i) + " of the batch";
    auto made = make(i);
    if (!made.ok()) return made.status();
    const EventDraft& d = *made;
    if (d.payload.size() > kMaxPayloadBytes) {
      return ResourceExhausted(where + ": payload of " + std::to_string(d.payload.size()) +
                               " bytes is over the " + std::to_string(kMaxPayloadBytes) +
                               "-byte limit");
    }
    if (d.actor.org_unit.size() > kMaxActorFieldBytes || d.actor.user.size() > kMaxActorFieldBytes ||
        d.actor.request.size() > kMaxActorFieldBytes) {
      return InvalidArgument(where + ": actor field over " +
                             std::to_string(kMaxActorFieldBytes) + " bytes");
    }
    if (d.type == EventType::Unknown) return InvalidArgument(where + ": event type not set");
    if ((d.type == EventType::Genesis) != (seq == 0)) {
      return InvalidArgument(where + ": Genesis must be entry 0 and only entry 0");
    }
    Status payload_ok = VerifyPayload(d.type, d.payload);
    if (!payload_ok.ok()) return InvalidArgument(where + ": " + payload_ok.message());

    EntryFields f;
    f.ledger_id = ledger_id_;
    f.sequence = seq;
    f.prev_hash = prev;
    f.time_us = now;
    f.actor = &d.actor;
    f.type = d.type;
    f.payload = d.payload;
    current = BuildEntry(f, key);
    auto parsed = ParseEntry(current);
    SUIJI_CHECK(parsed.ok(), "an entry just built does not parse");
    auto signer = keys.ResolveSigner(*parsed);
    if (!signer.ok()) return Status(signer.status().code(), where + ": " + signer.status().message());
    Status applied = keys.Apply(*parsed);
    if (!applied.ok()) return Status(applied.code(), where + ": " + applied.message());
    prev = LeafHash(current);
    leaves.push_back(prev);
    if (built) built(seq, current);
    return ByteView(current);
  };
  SUIJI_RETURN_IF_ERROR(storage_->AppendFrom(first, count, build));
  SUIJI_CHECK(leaves.size() == count, "storage acknowledged a batch it did not read whole");
  for (const Hash& h : leaves) tree_.Append(h);
  keys_ = std::move(keys);
  RefreshKeyStatusLocked();
  last_time_us_ = now;
  MaybeSaveStateLocked(options_.state_save_every);
  return first;
}

StatusOr<uint64_t> Ledger::RegisterKey(const KeyPair& authority, const PublicKey& key,
                                       uint32_t roles, std::string_view label,
                                       const Actor& actor) {
  EventDraft d{EventType::KeyRegistered, MakeKeyRegisteredPayload(key, roles, label, ""), actor};
  return AppendSignedBy(authority, std::span(&d, 1));
}

StatusOr<uint64_t> Ledger::RotateNodeKey(const KeyPair& authority, KeyPair new_key,
                                         const Actor& actor) {
  std::lock_guard lock(mu_);
  if (!node_key_ && !node_key_problem_) {
    return FailedPrecondition("this ledger was opened without a node key");
  }
  // The current key is replaced (and revoked by the same event) only while it is in force;
  // otherwise there is nothing to revoke and the new key joins with the node key's roles.
  const bool replaces = NodeKeyStatusLocked().ok();
  const KeyInfo* old = replaces ? keys_.Find(node_key_->key_id()) : nullptr;
  EventDraft d{EventType::KeyRegistered,
               MakeKeyRegisteredPayload(new_key.public_key(),
                                        old ? old->roles : kRoleWriter | kRoleCheckpoint,
                                        "node key (rotated)", old ? old->key_id : ""),
               actor};
  SUIJI_ASSIGN_OR_RETURN(uint64_t seq, AppendLocked(authority, std::span(&d, 1), std::nullopt));
  node_key_ = std::move(new_key);
  node_key_problem_.reset();
  RefreshKeyStatusLocked();
  CrashPoint("rotate.appended");
  // The old key is out of force now: cover the rotation with a checkpoint by the new key.
  // The rotation is durable already, so a failed checkpoint must not report it as failed
  // (the caller would throw away the new key); it stays due.
  auto cp = IssueCheckpointLocked();
  (void)cp;
  return seq;
}

StatusOr<uint64_t> Ledger::RevokeKey(const KeyPair& authority, std::string_view key_id,
                                     std::string_view reason, const Actor& actor) {
  EventDraft d{EventType::KeyRevoked, MakeKeyRevokedPayload(key_id, reason), actor};
  return AppendSignedBy(authority, std::span(&d, 1));
}

void Ledger::SetNodeKey(StatusOr<KeyPair> key) {
  std::lock_guard lock(mu_);
  if (key.ok()) {
    node_key_ = std::move(*key);
    node_key_problem_.reset();
  } else {
    node_key_.reset();
    node_key_problem_ = key.status();
  }
  RefreshKeyStatusLocked();
}

Status Ledger::NodeKeyStatus() const {
  std::lock_guard lock(key_status_mu_);
  return key_status_;
}

void Ledger::RefreshKeyStatusLocked() {
  Status s = NodeKeyStatusLocked();
  std::lock_guard lock(key_status_mu_);
  key_status_ = std::move(s);
}

Status Ledger::NodeKeyStatusLocked() const {
  if (!node_key_) {
    if (node_key_problem_) return FailedPrecondition(node_key_problem_->message());
    return FailedPrecondition("this ledger was opened without a node key");
  }
  const std::string id = node_key_->key_id();
  const KeyInfo* k = keys_.Find(id);
  if (k != nullptr && !k->revoked_at && (k->roles & kRoleWriter) != 0 &&
      (k->roles & kRoleCheckpoint) != 0) {
    return OkStatus();
  }
  const std::string todo =
      ": this node cannot write or sign checkpoints. Put the key file of the node key in "
      "force in place of keys/node.key, or register a new node key with `suiji key rotate` "
      "(signed by the root key)";
  if (k == nullptr) {
    return FailedPrecondition("node key " + id + " is not registered in ledger " + ledger_id_ +
                              todo);
  }
  if (k->revoked_at) {
    return FailedPrecondition("node key " + id + " is not in force: it was revoked at entry " +
                              std::to_string(*k->revoked_at) + todo);
  }
  if ((k->roles & kRoleWriter) == 0 || (k->roles & kRoleCheckpoint) == 0) {
    return FailedPrecondition("node key " + id + " has the roles " + RoleNames(k->roles) +
                              ", not writer and checkpoint" + todo);
  }
  return OkStatus();
}

Status Ledger::CanSignLocked() const {
  if (!node_key_ && !node_key_problem_) {
    return FailedPrecondition("this ledger was opened without a node key");
  }
  Status s = NodeKeyStatusLocked();
  if (!s.ok()) return Unavailable(s.message());
  return s;
}

StatusOr<std::string> Ledger::IssueCheckpoint() {
  std::lock_guard lock(mu_);
  return IssueCheckpointLocked();
}

StatusOr<std::string> Ledger::IssueCheckpointLocked() {
  const uint64_t size = tree_.size();
  if (last_checkpoint_ && last_checkpoint_size_ == size) return *last_checkpoint_;
  if (!node_key_) return FailedPrecondition("this ledger was opened without a node key");
  if (!storage_->writable()) return FailedPrecondition("the ledger is open read-only");
  bool in_force = false;
  for (const KeyInfo* k : keys_.CheckpointKeysAt(size)) {
    if (k->public_key == node_key_->public_key()) in_force = true;
  }
  if (!in_force) {
    return FailedPrecondition("node key " + node_key_->key_id() +
                              " is not a checkpoint key in force at size " + std::to_string(size));
  }
  Checkpoint cp{ledger_id_, size, tree_.Root(), {}};
  std::string note = SignNote(FormatCheckpoint(cp), ledger_id_, *node_key_);
  SUIJI_RETURN_IF_ERROR(storage_->PutCheckpoint(size, note));
  last_checkpoint_ = note;
  last_checkpoint_size_ = size;
  last_checkpoint_time_us_ = Now();
  return note;
}

bool Ledger::CheckpointDueLocked(int64_t now_us) const {
  const uint64_t size = tree_.size();
  if (last_checkpoint_ && last_checkpoint_size_ == size) return false;
  if (options_.checkpoint_every_entries > 0 &&
      size - last_checkpoint_size_ >= options_.checkpoint_every_entries) {
    return true;
  }
  return options_.checkpoint_every_seconds > 0 &&
         now_us - last_checkpoint_time_us_ >= options_.checkpoint_every_seconds * 1000000;
}

StatusOr<bool> Ledger::MaybeCheckpoint() {
  std::lock_guard lock(mu_);
  if (!CheckpointDueLocked(Now())) return false;
  SUIJI_ASSIGN_OR_RETURN(std::string cp, IssueCheckpointLocked());
  (void)cp;
  return true;
}

std::optional<std::string> Ledger::LatestCheckpoint() const {
  std::lock_guard lock(mu_);
  return last_checkpoint_;
}

std::string Ledger::NodeVerifierKey() const {
  std::lock_guard lock(mu_);
  return node_key_ ? VerifierKeyString(ledger_id_, node_key_->public_key()) : std::string();
}

const PublicKey* Ledger::node_public_key() const {
  std::lock_guard lock(mu_);
  return node_key_ ? &node_key_->public_key() : nullptr;
}

StatusOr<Hash> Ledger::RootAt(uint64_t size) const {
  std::lock_guard lock(mu_);
  return tree_.RootAt(size);
}

StatusOr<std::vector<Hash>> Ledger::InclusionProof(uint64_t sequence, uint64_t size) const {
  std::lock_guard lock(mu_);
  return tree_.InclusionProof(sequence, size);
}

StatusOr<std::vector<Hash>> Ledger::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  std::lock_guard lock(mu_);
  return tree_.ConsistencyProof(size1, size2);
}

StatusOr<Bytes> Ledger::ReadEntry(uint64_t sequence) const {
  Bytes out;
  SUIJI_ASSIGN_OR_RETURN(uint64_t n, storage_->Size());
  if (sequence >= n) {
    return NotFound("no entry " + std::to_string(sequence) + ": the log has " +
                    std::to_string(n) + " entries");
  }
  SUIJI_RETURN_IF_ERROR(storage_->Read(sequence, sequence + 1, [&](uint64_t, ByteView b) {
    out.assign(b.begin(), b.end());
    return false;
  }));
  return out;
}

}  // namespace suiji
