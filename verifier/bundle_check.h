// Checks a public proof bundle of one draw ("suiji-bundle/1", docs/proof-bundle.md): the
// events the draw needs, each with an RFC 6962 inclusion proof to one signed checkpoint, and
// the frozen lists, so a member of the public can verify one draw without the whole log.
//
// In order, and naming the entry and the check when one fails:
//   1. the checkpoint's signature against the bureau's published verifier key (or, without
//      one, the bundle's own key, with a warning that proves nothing about who signed);
//   2. each entry: well-formed, of this ledger, its inclusion proof leads to the checkpoint's
//      root; then its Ed25519 signature against the keys in force at its position, folded
//      from the Genesis and key events the bundle carries (KeyRegistry rules); the checkpoint
//      key must be a checkpoint key in force at the checkpoint's size by those events;
//   3. the task's draws folded by the ceremony's rules (DrawWorld), every draw of the task
//      numbered d1..dN present, and for the named draw: the leaf lines hash to the frozen
//      roots and counts, the commitment (algorithm, parameter hash of the included
//      TaskDefined, entropy after the commit), the reveal (secret, timing, seed) and the
//      result recomputed from the leaf lines and the stated team inputs (conflicts and
//      previous teams, which no root commits: only the full-log verifier proves them);
//      declines take the next substitute; redraws = commits of the task - 1.
//
// What a bundle cannot prove (the full-log verifier, draw_audit.h, does): that the frozen
// lists are the directory's eligible populations at the freeze, that the team inputs are the
// declared conflicts and past teams, that no key event or draw attempt of the task was left
// out of the bundle beyond the d1..dN numbering, and the checks of the task against its plan,
// org and item list.
//
// Pure: no I/O; thread-safe. Uses only the pure core (ledger/core, ledger/core/draw).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/checkpoint.h"

namespace suiji {

inline constexpr std::string_view kBundleFormat = "suiji-bundle/1";

struct BundleCheckOptions {
  // The bureau's published checkpoint verifier key. Without it the bundle's own key is used
  // and the report warns that it must be compared with the published one.
  std::optional<VerifierKey> key;
  // If set, Genesis must name this root key (key id or hex public key).
  std::string expected_root_key;
  unsigned threads = 0;  // for the recomputation; 0: all cores
};

struct BundleFailure {
  std::optional<uint64_t> sequence;  // the entry concerned, if one is
  std::string what;                  // "entry 12 (DrawRevealed): ..." or the check that failed
};

// An entry the bundle carries, as the check classified it from its own content.
struct BundleEntry {
  uint64_t sequence = 0;
  std::string type;  // event type name
  std::string role;  // "key", "plan", "task", "draw", "extra"
};

struct BundleReport {
  bool ok() const { return failures.empty(); }
  std::vector<BundleFailure> failures;
  std::vector<std::string> warnings;  // e.g. no --key: the bundle's own key was used
  std::vector<std::string> notes;     // what must still be checked outside the bundle

  std::string ledger_id;
  std::string verifier_key;      // the key the checkpoint was checked against
  bool key_from_bundle = false;  // true: no published key was given
  std::string root_key_id;       // Genesis's root key
  uint64_t checkpoint_size = 0;
  std::string checkpoint_root;   // hex
  std::vector<BundleEntry> entries;
  std::vector<BundleEntry> extras;  // entries outside the task's record (e.g. announcements)

  std::string draw_id;
  std::string task_id;
  std::string phase;              // frozen, committed, revealed, drawn, cancelled
  uint32_t commit_number = 0;     // 1 for the task's first commit, 2 for its first redraw...
  uint32_t commits = 0;           // commits of the task in the bundle
  uint32_t redraws = 0;           // commits - 1
  std::vector<std::string> cancellations;  // "draw-id: reason" of the task's cancelled draws
  uint64_t targets = 0;
  uint64_t inspectors = 0;
  uint64_t experts = 0;
  bool roots_match = false;       // the leaf lines hash to the frozen roots
  std::string entropy;
  std::string seed_hex;
  uint64_t selected = 0;
  bool recomputed = false;        // the result was recomputed and matched
  uint64_t understaffed = 0;
  uint64_t declines = 0;
  uint64_t conflicts = 0;         // stated team inputs
  uint64_t previous_teams = 0;
};

// Checks the bundle text. Never throws; a malformed bundle is a failure naming what is wrong.
BundleReport CheckBundle(std::string_view bundle_json, const BundleCheckOptions& options);

}  // namespace suiji
