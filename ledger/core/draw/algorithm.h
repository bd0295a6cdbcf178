// The draw algorithm "suiji-draw/1" (docs/draw-protocol.md is normative): commitment and
// seed hashes, per-target rank keys (bottom-k over keyed hashes, Efraimidis–Spirakis for
// integer weights, all in integers), stratum quotas, the selection, and the teams with
// their substitute order. Pure and deterministic; hashing runs on several threads but the
// result never depends on how many.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/records.h"

namespace suiji::draw {

inline constexpr std::string_view kSecretTag = "suiji-draw/1 secret";
inline constexpr std::string_view kSeedTag = "suiji-draw/1 seed";
inline constexpr std::string_view kRankTag = "suiji-draw/1 rank";
inline constexpr std::string_view kTeamTag = "suiji-draw/1 team";
inline constexpr std::string_view kSubstituteTag = "suiji-draw/1 substitute";
inline constexpr std::string_view kExpertTag = "suiji-draw/1 expert";

// SHA-256(kSecretTag ‖ secret): what the commitment states about the secret.
Hash SecretHash(ByteView secret);
// SHA-256 of the exact TaskDefined payload bytes.
Hash ParamsHash(ByteView task_payload);
// SHA-256 of the exact DrawCommitted payload bytes.
Hash CommitmentHash(ByteView commit_payload);
// SHA-256(kSeedTag ‖ commitment ‖ LP(secret) ‖ LP(drand randomness) if drand was declared ‖
// LP(lottery digits) if a lottery was declared ‖ LP(digits) of each witness in order), where
// LP(x) is x's length as 4 bytes big-endian followed by x.
Hash DeriveSeed(const Hash& commitment, const CommitRecord& c, const RevealRecord& r);

// The rank key of a target of integer weight w >= 1: the least of w 64-bit uniforms
// u_j = bytes [8(j mod 4), 8(j mod 4) + 8) big-endian of
// SHA-256(kRankTag ‖ seed ‖ BE32(j div 4) ‖ credit code). Lower keys are drawn first; for
// w = 1 it is a plain keyed hash. min of w uniforms orders targets exactly as the
// Efraimidis–Spirakis key u^(1/w) does, with no floating point.
uint64_t RankKey(const Hash& seed, std::string_view credit_code, uint32_t weight);
// Order key of an inspector who already has `load` visits: the first 8 bytes big-endian of
// SHA-256(tag ‖ seed ‖ BE32(load) ‖ inspector id). Fresh each round, so teams mix.
uint64_t TeamKey(std::string_view tag, const Hash& seed, std::string_view inspector_id,
                 uint32_t load);

// Each stratum's population, weight total and quota under the task's ratio or count
// (docs/draw-protocol.md §4), sorted by stratum key.
std::vector<StratumCount> ComputeQuotas(const TaskRecord& task, const Population& pop);

// What the team step needs from the directory and history at the freeze.
struct TeamInputs {
  // The inspectors with a declared conflict with the target (nullptr: none). Looked up once
  // per visit; when unset, `conflict` is asked per candidate instead.
  std::function<const std::vector<std::string>*(std::string_view code)> conflicts_of;
  // True if the inspector declared a conflict with the target.
  std::function<bool(std::string_view inspector_id, std::string_view code)> conflict;
  // The team of the target's most recent earlier visit (any year), or nullptr.
  std::function<const std::vector<std::string>*(std::string_view code)> previous_team;
};

struct DrawOutcome {
  std::vector<StratumCount> strata;
  std::vector<VisitRecord> visits;  // draw order
  uint64_t understaffed = 0;        // visits with fewer team members than required
};

// Selection and teams. `threads` 0 means all cores.
DrawOutcome RunDraw(const TaskRecord& task, const Population& pop, const Hash& seed,
                    const TeamInputs& inputs, unsigned threads = 0);

// The DrawResult parts for an outcome (kVisitsPerResultPart visits each; part 0 carries the
// strata).
std::vector<ResultPart> SplitResult(std::string_view draw_id, const Hash& seed,
                                    const DrawOutcome& outcome);

}  // namespace suiji::draw
