// The checks of one draw's ceremony events that both the whole-log audit (draw_audit.h) and
// the public proof bundle check (bundle_check.h) make, kept in one place so the two can never
// disagree (docs/draw-protocol.md §8): the commitment, the reveal, each result part's framing
// and the recomputed result. Each function appends what failed and what the reader should
// know to a DrawFindings; the caller attributes them to a draw and an entry.
//
// Pure: no I/O, no shared state; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/records.h"

namespace suiji {

struct DrawFindings {
  std::vector<std::string> failures;  // each a sentence naming what does not hold
  std::vector<std::string> notes;     // what must still be checked outside the log
};

// At a commit (§8 "at each commit"): the algorithm, the parameter hash against
// `task_payload` (the exact stored TaskDefined payload), the payload's times in range, the
// quicknet round time, entropy dated after `commit_us` (the commit entry's time) and at least
// one source. Returns the declared entropy ("drand round 123; witnesses 2"), or nullopt when
// the times are out of range (then nothing after that check was made).
std::optional<std::string> CheckCommitment(const std::string& draw_id,
                                           const draw::CommitRecord& c, ByteView task_payload,
                                           int64_t commit_us, DrawFindings& out);

// At a reveal (§8 "at each reveal") of a draw committed by `c`, whose payload hashes to
// `commitment`, appended at `reveal_us`: the secret opens the secret hash, the reveal comes
// after the entropy, the drand randomness is the SHA-256 of its signature, the witnesses'
// digits, and the stated seed. Returns the seed the inputs give (§3.6).
Hash CheckReveal(const std::string& draw_id, const draw::CommitRecord& c, const Hash& commitment,
                 const draw::RevealRecord& r, int64_t reveal_us, DrawFindings& out);

// A result part (§7.1): it names `known_seed` (when the reveal was seen) and is cut at
// kVisitsPerResultPart visits.
void CheckResultPart(const draw::ResultPart& part, const std::optional<Hash>& known_seed,
                     DrawFindings& out);

// The logged result (part 0's strata and every part's visits in draw order, before any
// decline) against the recomputed outcome; names the first visit that differs. True if
// identical.
bool CompareResult(const std::vector<draw::StratumCount>& strata,
                   const std::vector<draw::VisitRecord>& visits, const draw::DrawOutcome& want,
                   DrawFindings& out);

// The standing note that drand's BLS signatures are not checked offline.
std::string DrandNotCheckedNote();

}  // namespace suiji
