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
//   - node.key in force: node.key.next is a rotation that never reached the log (perhaps
//     torn by the kill); its key was never published and the file is removed (renamed
//     node.key.unused-<id> instead if the log knows its key some other way; anything but a
//     regular file is left alone, and the next rotation refuses to start beside it).
//   - node.key.next in force: the rotation is in the log; node.key.next is renamed over
//     node.key (the old key is revoked by that rotation: nothing is lost with it).
//   - neither: nothing is touched; the writer opens without a key in force and says why
//     (Ledger::NodeKeyStatus): the key id, and what to do.
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
