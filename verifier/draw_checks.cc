#include "verifier/draw_checks.h"

#include <algorithm>

#include "ledger/core/draw/state.h"
#include "ledger/core/sha256.h"

namespace suiji {

std::optional<std::string> CheckCommitment(const std::string& draw_id,
                                           const draw::CommitRecord& c, ByteView task_payload,
                                           int64_t commit_us, DrawFindings& out) {
  const std::string& id = draw_id;
  auto fail = [&](std::string what) { out.failures.push_back(std::move(what)); };
  if (c.algorithm != draw::kAlgorithm) {
    fail("the commitment names algorithm \"" + c.algorithm + "\"; this verifier recomputes " +
         std::string(draw::kAlgorithm));
  }
  if (c.params_hash != draw::ParamsHash(task_payload)) {
    fail("the commitment's parameter hash is not the hash of task " + c.task_id);
  }
  // Times in the payload are checked for range before any arithmetic (a hostile log must
  // not overflow them): unix seconds up to 2^40, rounds up to 2^40.
  constexpr int64_t kMaxTime = int64_t{1} << 40;
  if (c.drand_round > static_cast<uint64_t>(kMaxTime) || c.drand_round_time < 0 ||
      c.drand_round_time > kMaxTime || c.lottery_time < 0 || c.lottery_time > kMaxTime) {
    fail("the commitment's round or times are out of range");
    return std::nullopt;
  }
  std::string entropy;
  if (!c.drand_chain.empty()) {
    entropy += "drand round " + std::to_string(c.drand_round);
    if (c.drand_chain != draw::kDrandQuicknetChain) {
      out.notes.push_back(id + ": drand chain " + c.drand_chain +
                          " is not quicknet; its round times were not checked");
    } else if (c.drand_round_time != draw::DrandRoundTime(c.drand_round)) {
      fail("drand round " + std::to_string(c.drand_round) + " is at " +
           std::to_string(draw::DrandRoundTime(c.drand_round)) + ", not at the stated " +
           std::to_string(c.drand_round_time));
    }
    if (c.drand_round_time * 1000000 <= commit_us) {
      fail("entropy dated before the commit: drand round " + std::to_string(c.drand_round) +
           " (at unix " + std::to_string(c.drand_round_time) +
           ") already existed when the commitment was made (unix " +
           std::to_string(commit_us / 1000000) + ")");
    }
  }
  if (!c.lottery_name.empty()) {
    entropy += std::string(entropy.empty() ? "" : "; ") + c.lottery_name + " " + c.lottery_issue;
    if (c.lottery_time * 1000000 <= commit_us) {
      fail("entropy dated before the commit: lottery " + c.lottery_name + " " + c.lottery_issue +
           " was drawn before the commitment");
    }
  }
  if (!c.witnesses.empty()) {
    entropy += std::string(entropy.empty() ? "" : "; ") + "witnesses " +
               std::to_string(c.witnesses.size());
  }
  if (entropy.empty()) {
    fail("the commitment declares no external entropy: the operator alone knew the seed when "
         "committing");
  }
  return entropy;
}

Hash CheckReveal(const std::string& draw_id, const draw::CommitRecord& c, const Hash& commitment,
                 const draw::RevealRecord& r, int64_t reveal_us, DrawFindings& out) {
  const std::string& id = draw_id;
  auto fail = [&](std::string what) { out.failures.push_back(std::move(what)); };
  if (r.secret.size() != 32) {
    fail("the revealed secret is " + std::to_string(r.secret.size()) + " bytes, not 32");
  } else if (draw::SecretHash(r.secret) != c.secret_hash) {
    fail("the revealed secret does not match the committed secret hash");
  }
  if (!c.drand_chain.empty()) {
    if (reveal_us < c.drand_round_time * 1000000) {
      fail("revealed before drand round " + std::to_string(c.drand_round) + " existed");
    }
    out.notes.push_back(
        id + ": drand round " + std::to_string(c.drand_round) + " — check its signature " +
        ToHex(ByteView(r.drand_signature)) + " against https://api.drand.sh/" + c.drand_chain +
        "/public/" + std::to_string(c.drand_round) +
        " (the BLS signature is not verified offline; until it is, the drand entropy rests "
        "on the operator's word)");
    if (r.drand_randomness.size() != 32) {
      fail("the drand randomness is not 32 bytes");
    } else if (r.drand_signature.empty()) {
      fail("the drand round's signature is missing: the randomness cannot be checked");
    } else {
      Hash h = Sha256(r.drand_signature);
      if (!std::equal(h.begin(), h.end(), r.drand_randomness.begin())) {
        fail("the drand randomness is not the SHA-256 of the round's signature");
      }
    }
  }
  if (!c.lottery_name.empty() && reveal_us < c.lottery_time * 1000000) {
    fail("revealed before the lottery draw " + c.lottery_issue + " took place");
  }
  if (r.witness_digits.size() != c.witnesses.size()) {
    fail("digits from " + std::to_string(r.witness_digits.size()) +
         " witnesses, but the commitment named " + std::to_string(c.witnesses.size()));
  }
  for (size_t i = 0; i < r.witness_digits.size() && i < c.witnesses.size(); ++i) {
    const auto& w = r.witness_digits[i];
    if (w.empty() || w.size() > 64 || w.find_first_not_of("0123456789") != std::string::npos) {
      fail("witness " + c.witnesses[i] + "'s digits are not 1-64 decimal digits");
    }
  }
  if (c.drand_chain.empty() && c.lottery_name.empty()) {
    out.notes.push_back(id + ": entropy from witnesses only; it is sound only if no witness "
                             "knew the secret before giving digits (prefer drand)");
  }
  Hash seed = draw::DeriveSeed(commitment, c, r);
  if (seed != r.seed) fail("the stated seed is not the seed the inputs give");
  return seed;
}

void CheckResultPart(const draw::ResultPart& part, const std::optional<Hash>& known_seed,
                     DrawFindings& out) {
  if (known_seed && part.seed != *known_seed) {
    out.failures.push_back("result part " + std::to_string(part.part) + " names a different seed");
  }
  const uint64_t expected_parts =
      std::max<uint64_t>(1, (part.selected_total + draw::kVisitsPerResultPart - 1) /
                                draw::kVisitsPerResultPart);
  if (part.parts != expected_parts ||
      (part.part + 1 < part.parts && part.visits.size() != draw::kVisitsPerResultPart)) {
    out.failures.push_back("result part " + std::to_string(part.part) +
                           " is not cut as the protocol says (" +
                           std::to_string(draw::kVisitsPerResultPart) + " visits per part)");
  }
}

bool CompareResult(const std::vector<draw::StratumCount>& strata,
                   const std::vector<draw::VisitRecord>& visits, const draw::DrawOutcome& want,
                   DrawFindings& out) {
  bool same = true;
  if (strata != want.strata) {
    out.failures.push_back("the result's strata differ from the recomputed quotas");
    same = false;
  }
  if (visits.size() != want.visits.size()) {
    out.failures.push_back("the result has " + std::to_string(visits.size()) +
                           " visits; the recomputed draw has " +
                           std::to_string(want.visits.size()));
    same = false;
  }
  const size_t common = std::min(visits.size(), want.visits.size());
  for (size_t i = 0; i < common; ++i) {
    const auto& got = visits[i];
    const auto& exp = want.visits[i];
    if (got == exp) continue;
    std::string what = got.credit_code != exp.credit_code
                           ? "the log names " + got.credit_code + ", the draw gives " +
                                 exp.credit_code
                       : got.team != exp.team ? "the team differs"
                       : got.substitutes != exp.substitutes ? "the substitutes differ"
                       : got.experts != exp.experts ? "the experts differ"
                                                    : "rank, order, batch or merge differ";
    out.failures.push_back("visit " + std::to_string(i) + " (" + got.credit_code +
                           ") does not match the recomputed draw: " + what);
    same = false;
    break;  // the first difference; later ones usually follow from it
  }
  return same;
}

std::string DrandNotCheckedNote() {
  return "drand BLS signatures are not checked offline: check each revealed round's signature "
         "against the drand quicknet public key (e.g. https://api.drand.sh/" +
         std::string(draw::kDrandQuicknetChain) + "/public/ROUND)";
}

}  // namespace suiji
