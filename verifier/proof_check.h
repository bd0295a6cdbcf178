// Checks a proof file made by `suiji proof` (format in ledger/core/proof_format.h) against
// the ledger's published verifier key: the checkpoint's signature, then the Merkle proof
// against the checkpoint's root. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "ledger/core/checkpoint.h"

namespace suiji {

struct ProofCheck {
  std::string kind;   // "inclusion" or "consistency"
  uint64_t size = 0;  // the checkpoint's tree size
  uint64_t index = 0;      // inclusion: the entry's sequence
  uint64_t old_size = 0;   // consistency: the earlier size
  std::string entry_summary;  // inclusion: what the proven entry says
};

// kDataLoss if a signature or proof fails, kInvalidArgument for a malformed file,
// kNotFound if the checkpoint carries no signature by `key`. With `old_checkpoint` (a note
// the checker saved earlier), a consistency proof must also start from that note's size and
// root, and that note must be signed by `old_key` (the key in force when it was issued,
// which differs from `key` after a rotation; defaults to `key`).
StatusOr<ProofCheck> CheckProof(std::string_view proof_text, const VerifierKey& key,
                                const std::optional<std::string>& old_checkpoint,
                                const std::optional<VerifierKey>& old_key = std::nullopt);

}  // namespace suiji
