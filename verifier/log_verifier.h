// The integrity verifier: checks a whole exported ledger with nothing but its bytes.
//
// Checks, in this order of attribution: the export framing; every entry's structure,
// sequence continuity, ledger id and non-decreasing time; the hash chain; every signature
// against the key in force at its position (KeyRegistry rules); the Merkle root at every
// checkpoint; every checkpoint's signature by a checkpoint key in force at its size;
// consistency between successive checkpoints; and any checkpoints the caller trusts from
// elsewhere (published earlier, say), which detect a rewritten or truncated log.
//
// Entries are parsed, hashed and signature-checked on all cores; the key and chain walk is
// sequential. The report names the first bad sequence number and what was wrong.
// It streams: the export is read twice (its framing, then its entries in chunks of 65,536),
// and nothing is kept per entry (the Merkle tree as its compact range), so its memory does
// not grow with the log; `consumed` lets the caller drop the bytes already read.
// Pure: no I/O (the caller maps the file). Thread-safe (no shared state).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/checkpoint.h"
#include "ledger/core/key_registry.h"

namespace suiji {

struct VerifyOptions {
  unsigned threads = 0;  // 0: all cores
  // If set, genesis must name this root key (key id or hex public key).
  std::string expected_root_key;
  // Signed checkpoint notes obtained independently of the export.
  std::vector<std::string> trusted_checkpoints;
  // Told, now and then, that the bytes of the export before an offset will not be read again
  // by the pass under way (the caller may drop them from memory: suiji-verify releases the
  // pages of its mapping). Every pass of AuditExport reads the file from the start again.
  std::function<void(size_t offset)> consumed;
  // Entries held at a time (tests set it small to cross many chunk boundaries).
  uint64_t chunk_entries = 65536;
};

struct VerifyProblem {
  // The first bad sequence number, when the problem is in an entry.
  std::optional<uint64_t> sequence;
  // The tree size of the checkpoint concerned, when the problem is in a checkpoint.
  std::optional<uint64_t> checkpoint_size;
  std::string what;
};

struct VerifyReport {
  bool ok() const { return !problem.has_value(); }
  std::optional<VerifyProblem> problem;
  std::string ledger_id;
  uint64_t entries = 0;      // entries read (well-formed frames)
  uint64_t checkpoints = 0;  // checkpoints checked
  uint64_t latest_checkpoint_size = 0;
  Hash root{};               // Merkle root over all entries read
  uint64_t uncovered_entries = 0;  // entries after the latest checkpoint
  std::map<std::string, uint64_t> event_counts;
  std::vector<KeyInfo> keys;
  unsigned threads = 0;
  std::vector<std::string> warnings;
};

VerifyReport VerifyExport(ByteView file, const VerifyOptions& options);

}  // namespace suiji
