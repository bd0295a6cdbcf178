// The node key's files and their recovery rule: which key file a writer signs with, and a
// key rotation that a kill at any point leaves recoverable with no hand repair.
//
//   DIR/keys/node.key        the node key
//   DIR/keys/node.key.next   the new key of a rotation in progress (written and synced
//                            before the rotation event is appended)
//
// Rotation (RotateNodeKeyFiles), each step durable before the next:
//   1. write node.key.next (0600, fsync), fsync DIR/keys
//   2. append the rotation event (KeyRegistered replacing the old key, signed by the root
//      key); then a checkpoint signed by the new key
//   3. rename node.key.next over node.key, fsync DIR/keys
// Recovery rule (ChooseNodeKey), applied by every writer open under the writer lock: the log
// decides. Whichever of node.key and node.key.next holds the key in force (registered with
// the writer role, not revoked, at the log's tip) wins and ends up as node.key:
//   - node.key.next in force (and node.key not): the rotation is in the log;
//     node.key.next is renamed over node.key (the old key is revoked by that rotation or
//     was not in force anyway: nothing is lost with it).
//   - otherwise node.key stays, and node.key.next is put out of the way: removed if its key
//     is unknown to the log (a rotation that never reached it: the key was never
//     published) or if it is unreadable while node.key is in force (torn by the kill);
//     renamed node.key.unused-<id> if the log knows its key; renamed
//     node.key.next.unreadable if it is unreadable and node.key is not in force either
//     (it might be a damaged published key). Anything but a regular file is left alone,
//     and the next rotation refuses to start beside it.
//   - if node.key is not in force then, the writer opens without a key in force and says
//     why (Ledger::NodeKeyStatus): the key id, and what to do (`suiji key rotate`).
// Readers never touch the files (they hold no lock); they never need the node key either.
#pragma once

#include <string>

#include "api/node.h"

namespace suiji {

// The node key a writer should sign with, by the recovery rule above, against the keys in
// force of the opened log. With `repair` (only under the writer lock) the files are put in
// order as the rule says. A key file that is missing, unreadable or not a key is
// kFailedPrecondition naming the file, why, and what to do; kUnavailable if a repair step
// (rename, remove, directory sync) fails.
StatusOr<KeyPair> ChooseNodeKey(const NodePaths& paths, const KeyRegistry& keys, bool repair);

struct RotationResult {
  uint64_t sequence = 0;  // the rotation event
  std::string key_id;     // the new node key
  bool replaced = false;  // the old node key was in force and is revoked by the rotation
};

// `suiji key rotate`: the three steps above on a writer opened by OpenWriter (its node key
// chosen by the rule; one missing or out of force is replaced without being revoked, see
// Ledger::RotateNodeKey). Crash points (ledger/crash_point.h): rotate.next-written,
// rotate.next-synced, rotate.appended (in Ledger::RotateNodeKey), rotate.checkpointed,
// rotate.renamed.
StatusOr<RotationResult> RotateNodeKeyFiles(const NodePaths& paths, Ledger& writer,
                                            const KeyPair& root, const Actor& actor);

}  // namespace suiji
