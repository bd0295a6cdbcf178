#include "api/node_key.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "ledger/crash_point.h"
#include "ledger/keystore.h"

namespace suiji {

namespace {

// In force for the node's purpose at the log's tip: registered, not revoked, may write.
bool InForce(const KeyRegistry& keys, const KeyPair& key) {
  const KeyInfo* k = keys.Find(key.key_id());
  // As Ledger::NodeKeyStatus decides: a node key writes entries and signs checkpoints.
  return k != nullptr && !k->revoked_at && (k->roles & kRoleWriter) != 0 && (k->roles & kRoleCheckpoint) != 0;
}

// A key file that cannot serve: the state to fix, with what to do (a failed read stays
// retryable).
Status KeyFileProblem(const NodePaths& paths, const Status& s) {
  if (s.code() == StatusCode::kUnavailable) return s;
  return FailedPrecondition(s.message() +
                            ": this node cannot write or sign checkpoints. Restore the node "
                            "key file, or register a new node key with `suiji key rotate --data " +
                            paths.dir.string() + "` (signed by the root key)");
}

bool IsRegularFile(const std::filesystem::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool Exists(const std::filesystem::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

}  // namespace

StatusOr<KeyPair> ChooseNodeKey(const NodePaths& paths, const KeyRegistry& keys, bool repair) {
  const std::filesystem::path current_path = paths.node_key(), next_path = paths.node_key_next();
  StatusOr<KeyPair> current = ReadKeyFile(current_path);
  if (!Exists(next_path)) {
    if (!current.ok()) return KeyFileProblem(paths, current.status());
    return current;
  }
  StatusOr<KeyPair> next = ReadKeyFile(next_path);
  const bool current_wins = current.ok() && InForce(keys, *current);
  if (!current_wins && next.ok() && InForce(keys, *next)) {
    // The rotation reached the log: finish it.
    if (repair) SUIJI_RETURN_IF_ERROR(RenameDurably(next_path, current_path));
    return next;
  }
  if (repair && IsRegularFile(next_path)) {
    if (next.ok() && keys.Find(next->key_id()) == nullptr) {
      // A rotation that never reached the log: its key was never published.
      SUIJI_RETURN_IF_ERROR(RemoveDurably(next_path));
    } else if (next.ok()) {
      // Known to the log, but not the key in force: kept, out of the next rotation's way.
      SUIJI_RETURN_IF_ERROR(RenameDurably(
          next_path, paths.keys() / ("node.key.unused-" + next->key_id())));
    } else if (current_wins) {
      // Torn by a kill while it was written: the log's key in force is node.key, so this
      // rotation never reached it.
      SUIJI_RETURN_IF_ERROR(RemoveDurably(next_path));
    } else {
      // Unreadable, and node.key not in force either: it might be a damaged key the log
      // knows, so it is kept as evidence, out of the next rotation's way.
      SUIJI_RETURN_IF_ERROR(RenameDurably(next_path, paths.keys() / "node.key.next.unreadable"));
    }
  }
  if (!current.ok()) return KeyFileProblem(paths, current.status());
  return current;
}

StatusOr<RotationResult> RotateNodeKeyFiles(const NodePaths& paths, Ledger& writer,
                                            const KeyPair& root, const Actor& actor) {
  const std::filesystem::path next_path = paths.node_key_next();
  if (Exists(next_path)) {
    return FailedPrecondition(next_path.string() +
                              " is in the way and is not a key file this rotation can replace "
                              "(the writer's recovery leaves only such a thing there): move it "
                              "away and rotate again");
  }
  KeyPair fresh = KeyPair::Generate();
  if (Status written = WriteKeyFile(next_path, fresh); !written.ok()) {
    (void)RemoveDurably(next_path);  // a torn file would only be removed at the next open
    return written;
  }
  CrashPoint("rotate.next-written");
  // The new key file must be durable before the log names its key: a rotation in the log
  // whose key file is lost would leave the node without a key in force.
  if (Status synced = SyncDirectory(paths.keys()); !synced.ok()) {
    (void)RemoveDurably(next_path);
    return synced;
  }
  CrashPoint("rotate.next-synced");
  const bool replaces = writer.NodeKeyStatus().ok();
  SUIJI_ASSIGN_OR_RETURN(KeyPair copy, KeyPair::FromSeed(fresh.seed()));
  StatusOr<uint64_t> seq = writer.RotateNodeKey(root, std::move(copy), actor);
  if (!seq.ok()) {
    // Refused, so never published: the key is worthless. After kUnavailable the log may hold
    // the rotation after all; the recovery rule at the next open decides then.
    if (seq.status().code() != StatusCode::kUnavailable &&
        writer.keys().Find(fresh.key_id()) == nullptr) {
      (void)RemoveDurably(next_path);
    }
    return seq.status();
  }
  CrashPoint("rotate.checkpointed");
  if (::rename(next_path.c_str(), paths.node_key().c_str()) != 0) {
    return Unavailable("rotated, but cannot rename " + next_path.string() + " to " +
                       paths.node_key().string() + " (the next writer open will): " +
                       std::strerror(errno));
  }
  CrashPoint("rotate.renamed");
  SUIJI_RETURN_IF_ERROR(SyncDirectory(paths.keys()));
  return RotationResult{*seq, fresh.key_id(), replaces};
}

}  // namespace suiji
