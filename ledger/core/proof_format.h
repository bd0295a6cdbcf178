// Text files carrying Merkle proofs to third parties, checked by `suiji-verify proof`.
//
// Inclusion proof:                     Consistency proof:
//   suiji-proof v1 inclusion             suiji-proof v1 consistency
//   index <leaf index>                   old-size <size1>
//   size <tree size>                     old-root <base64 root of size1>
//   entry <base64 stored entry bytes>    size <size2>
//   path <base64 hash>   (0 or more)     path <base64 hash>   (0 or more)
//   <empty line>                         <empty line>
//   <signed checkpoint note of <tree size>, verbatim>
//
// The checkpoint note is what binds the proof to the ledger: its signature is checked
// against the ledger's published verifier key. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ledger/core/bytes.h"

namespace suiji {

struct InclusionProofFile {
  uint64_t index = 0;
  uint64_t size = 0;
  Bytes entry;
  std::vector<Hash> path;
  std::string checkpoint_note;
};

struct ConsistencyProofFile {
  uint64_t old_size = 0;
  Hash old_root{};
  uint64_t size = 0;
  std::vector<Hash> path;
  std::string checkpoint_note;
};

std::string FormatInclusionProof(const InclusionProofFile& p);
std::string FormatConsistencyProof(const ConsistencyProofFile& p);
// "inclusion" or "consistency", from the first line; kInvalidArgument otherwise.
StatusOr<std::string> ProofKind(std::string_view text);
StatusOr<InclusionProofFile> ParseInclusionProof(std::string_view text);
StatusOr<ConsistencyProofFile> ParseConsistencyProof(std::string_view text);

}  // namespace suiji
