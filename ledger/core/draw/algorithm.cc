#include "ledger/core/draw/algorithm.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "ledger/core/draw/parallel.h"
#include "ledger/core/sha256.h"

namespace suiji::draw {

namespace {

void PutLengthPrefixed(Bytes& out, ByteView b) {
  uint8_t len[4];
  PutU32BE(static_cast<uint32_t>(b.size()), len);
  out.insert(out.end(), len, len + 4);
  out.insert(out.end(), b.begin(), b.end());
}

bool IsGradeCStratum(std::string_view key) { return key.ends_with("/C"); }

uint64_t CeilRatio(uint64_t n, uint32_t bp) { return (n * bp + 9999) / 10000; }


}  // namespace

Hash SecretHash(ByteView secret) { return Sha256Parts({AsBytes(kSecretTag), secret}); }
Hash ParamsHash(ByteView task_payload) { return Sha256(task_payload); }
Hash CommitmentHash(ByteView commit_payload) { return Sha256(commit_payload); }

Hash DeriveSeed(const Hash& commitment, const CommitRecord& c, const RevealRecord& r) {
  Bytes in(kSeedTag.begin(), kSeedTag.end());
  in.insert(in.end(), commitment.begin(), commitment.end());
  PutLengthPrefixed(in, r.secret);
  if (!c.drand_chain.empty()) PutLengthPrefixed(in, r.drand_randomness);
  if (!c.lottery_name.empty()) PutLengthPrefixed(in, AsBytes(r.lottery_digits));
  for (size_t i = 0; i < c.witnesses.size(); ++i) {
    PutLengthPrefixed(in, AsBytes(i < r.witness_digits.size() ? r.witness_digits[i] : ""));
  }
  return Sha256(in);
}

uint64_t RankKey(const Hash& seed, std::string_view credit_code, uint32_t weight) {
  uint64_t best = UINT64_MAX;
  Hash block{};
  for (uint32_t j = 0; j < std::max<uint32_t>(weight, 1); ++j) {
    if (j % 4 == 0) {
      uint8_t idx[4];
      PutU32BE(j / 4, idx);
      block = Sha256Parts({AsBytes(kRankTag), ByteView(seed), ByteView(idx, 4),
                           AsBytes(credit_code)});
    }
    best = std::min(best, GetU64BE(block.data() + 8 * (j % 4)));
  }
  return best;
}

uint64_t TeamKey(std::string_view tag, const Hash& seed, std::string_view inspector_id,
                 uint32_t load) {
  uint8_t l[4];
  PutU32BE(load, l);
  Hash h = Sha256Parts({AsBytes(tag), ByteView(seed), ByteView(l, 4), AsBytes(inspector_id)});
  return GetU64BE(h.data());
}

namespace {

// Each target's stratum as an index into the sorted stratum keys. Targets are sorted by
// credit code, whose characters 3-8 are the registering region, so neighbours usually share
// a stratum: the last lookup is remembered.
std::vector<StratumCount> StrataOf(const Population& pop, std::vector<uint32_t>* index_of) {
  struct Entry {
    StratumCount count;
    uint32_t index = 0;  // position among the sorted keys, set once all are known
  };
  std::map<std::string, Entry, std::less<>> by_key;
  std::vector<Entry*> at;
  if (index_of != nullptr) at.reserve(pop.targets.size());
  auto last = by_key.end();
  for (const auto& t : pop.targets) {
    if (last == by_key.end() || last->first != t.stratum) {
      last = by_key.try_emplace(t.stratum).first;
      last->second.count.key = t.stratum;
    }
    ++last->second.count.population;
    last->second.count.weight_total += t.weight;
    if (index_of != nullptr) at.push_back(&last->second);
  }
  std::vector<StratumCount> strata;
  strata.reserve(by_key.size());
  for (auto& [k, e] : by_key) {
    e.index = static_cast<uint32_t>(strata.size());
    strata.push_back(e.count);
  }
  if (index_of != nullptr) {
    index_of->resize(at.size());
    for (size_t i = 0; i < at.size(); ++i) (*index_of)[i] = at[i]->index;
  }
  return strata;
}

void SetQuotas(const TaskRecord& task, std::vector<StratumCount>& strata) {
  const uint32_t c_bp = task.credit.grade_c_ratio_bp;
  std::vector<StratumCount*> normal;
  for (auto& s : strata) {
    if (IsGradeCStratum(s.key)) {
      uint32_t bp = task.count == 0 ? std::max<uint32_t>(task.ratio_bp, c_bp) : c_bp;
      s.quota = CeilRatio(s.population, bp);
    } else if (task.count == 0) {
      s.quota = CeilRatio(s.population, task.ratio_bp);
    } else {
      normal.push_back(&s);
    }
  }
  if (!normal.empty()) {
    const uint64_t r = task.count;
    uint64_t n = 0;
    for (auto* s : normal) n += s->population;
    switch (task.quota_split) {
      case QuotaSplit::Proportional: {
        if (r >= n) {
          for (auto* s : normal) s->quota = s->population;
          break;
        }
        // Largest remainder (Hamilton): floor shares, then +1 by remainder descending, ties
        // by stratum key ascending.
        uint64_t given = 0;
        std::vector<std::pair<uint64_t, size_t>> rems;
        for (size_t i = 0; i < normal.size(); ++i) {
          normal[i]->quota = r * normal[i]->population / n;
          given += normal[i]->quota;
          rems.push_back({r * normal[i]->population % n, i});
        }
        std::stable_sort(rems.begin(), rems.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        for (size_t j = 0; j < rems.size() && given < r; ++j, ++given) {
          ++normal[rems[j].second]->quota;
        }
        break;
      }
      case QuotaSplit::Equal: {
        const uint64_t each = r / normal.size(), extra = r % normal.size();
        for (size_t i = 0; i < normal.size(); ++i) normal[i]->quota = each + (i < extra ? 1 : 0);
        break;
      }
      case QuotaSplit::Explicit:
        for (auto* s : normal) {
          s->quota = 0;
          for (const auto& q : task.quotas) {
            if (q.key == s->key) s->quota = q.count;
          }
        }
        break;
    }
  }
  for (auto& s : strata) s.quota = std::min(s.quota, s.population);
}

}  // namespace

std::vector<StratumCount> ComputeQuotas(const TaskRecord& task, const Population& pop) {
  std::vector<StratumCount> strata = StrataOf(pop, nullptr);
  SetQuotas(task, strata);
  return strata;
}

namespace {

// The ordered pool of inspectors for one team step: (load, key, index), least first.
class Pool {
 public:
  Pool(std::string_view tag, const Hash& seed, const std::vector<EligibleInspector>& people,
       bool specialists_only)
      : tag_(tag), seed_(seed), people_(people) {
    loads_.assign(people.size(), 0);
    keys_.resize(people.size());
    for (uint32_t i = 0; i < people.size(); ++i) {
      keys_[i] = TeamKey(tag_, seed_, people[i].inspector_id, 0);
      auto e = Entry{0, keys_[i], i};
      all_.insert(e);
      if (specialists_only && people[i].specialist) specialists_.insert(e);
    }
  }

  // The first `n` candidates in pool order (from the specialists' pool if asked) for which
  // ok(index) holds.
  template <typename Ok>
  std::vector<uint32_t> Take(size_t n, bool specialists, Ok ok) const {
    std::vector<uint32_t> out;
    const auto& set = specialists ? specialists_ : all_;
    for (auto it = set.begin(); it != set.end() && out.size() < n; ++it) {
      if (ok(std::get<2>(*it))) out.push_back(std::get<2>(*it));
    }
    return out;
  }

  void AddLoad(uint32_t i) {
    auto old = Entry{loads_[i], keys_[i], i};
    bool in_specialists = specialists_.erase(old) > 0;
    all_.erase(old);
    ++loads_[i];
    keys_[i] = TeamKey(tag_, seed_, people_[i].inspector_id, loads_[i]);
    auto now = Entry{loads_[i], keys_[i], i};
    all_.insert(now);
    if (in_specialists) specialists_.insert(now);
  }

  const std::string& Id(uint32_t i) const { return people_[i].inspector_id; }
  size_t size() const { return people_.size(); }

 private:
  using Entry = std::tuple<uint32_t, uint64_t, uint32_t>;
  std::string_view tag_;
  const Hash& seed_;
  const std::vector<EligibleInspector>& people_;
  std::vector<uint32_t> loads_;
  std::vector<uint64_t> keys_;  // each member's key at its current load
  std::set<Entry> all_;
  std::set<Entry> specialists_;
};

}  // namespace

DrawOutcome RunDraw(const TaskRecord& task, const Population& pop, const Hash& seed,
                    const TeamInputs& inputs, unsigned threads) {
  DrawOutcome out;
  std::vector<uint32_t> stratum_of;
  out.strata = StrataOf(pop, &stratum_of);
  SetQuotas(task, out.strata);

  // 1. Rank keys, in parallel (each depends only on the seed and the target).
  const auto& targets = pop.targets;
  std::vector<uint64_t> keys(targets.size());
  internal::ParallelRanges(targets.size(), internal::ThreadsFor(threads, targets.size()),
                           [&](size_t b, size_t e) {
                             for (size_t i = b; i < e; ++i) {
                               keys[i] = RankKey(seed, targets[i].credit_code, targets[i].weight);
                             }
                           });
  auto before = [&](uint32_t a, uint32_t b) {
    if (keys[a] != keys[b]) return keys[a] < keys[b];
    return targets[a].credit_code < targets[b].credit_code;
  };

  // 2. Bottom-k within each stratum.
  std::vector<std::vector<uint32_t>> members(out.strata.size());
  for (size_t s = 0; s < out.strata.size(); ++s) members[s].reserve(out.strata[s].population);
  for (uint32_t i = 0; i < targets.size(); ++i) members[stratum_of[i]].push_back(i);
  std::vector<uint32_t>().swap(stratum_of);
  std::vector<uint32_t> selected;
  for (size_t s = 0; s < members.size(); ++s) {
    auto& m = members[s];
    const size_t k = out.strata[s].quota;
    if (k < m.size()) {
      std::nth_element(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(k), m.end(), before);
    }
    selected.insert(selected.end(), m.begin(), m.begin() + static_cast<std::ptrdiff_t>(k));
    std::vector<uint32_t>().swap(m);
  }
  std::sort(selected.begin(), selected.end(), before);
  std::vector<uint64_t> selected_keys(selected.size());
  for (size_t i = 0; i < selected.size(); ++i) selected_keys[i] = keys[selected[i]];
  std::vector<uint64_t>().swap(keys);  // the rest of the keys are not needed any more

  // 3. Visits in draw order, with teams, experts and substitutes.
  const InspectorRequirements& req = task.inspectors;
  Pool inspectors(kTeamTag, seed, pop.inspectors, !req.specialties.empty());
  Pool substitutes(kSubstituteTag, seed, pop.inspectors, false);
  Pool experts(kExpertTag, seed, pop.experts, false);
  out.visits.reserve(selected.size());
  for (uint32_t order = 0; order < selected.size(); ++order) {
    const EligibleTarget& t = targets[selected[order]];
    VisitRecord v;
    v.credit_code = t.credit_code;
    v.stratum = t.stratum;
    v.weight = t.weight;
    v.rank_key = selected_keys[order];
    v.order = order;
    v.batch = task.batch_size == 0 ? 0 : order / task.batch_size;
    v.merged_into = t.merge_into;
    if (v.merged_into.empty()) {
      const std::vector<std::string>* prev =
          inputs.previous_team ? inputs.previous_team(t.credit_code) : nullptr;
      const std::vector<std::string>* conflicted =
          inputs.conflicts_of ? inputs.conflicts_of(t.credit_code) : nullptr;
      std::vector<uint32_t> chosen;
      auto ok = [&](const Pool& p, uint32_t i) {
        const std::string& id = p.Id(i);
        if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) return false;
        if (prev != nullptr && std::find(prev->begin(), prev->end(), id) != prev->end()) {
          return false;
        }
        if (inputs.conflicts_of) {
          return conflicted == nullptr ||
                 std::find(conflicted->begin(), conflicted->end(), id) == conflicted->end();
        }
        return !(inputs.conflict && inputs.conflict(id, t.credit_code));
      };
      auto ok_inspector = [&](uint32_t i) { return ok(inspectors, i); };
      // The first member holds a required specialty (if no specialist is acceptable, the
      // team is still filled and the visit counts as understaffed); the rest come from the
      // whole pool.
      for (uint32_t i : inspectors.Take(1, !req.specialties.empty(), ok_inspector)) {
        chosen.push_back(i);
      }
      const bool lacks_specialist = !req.specialties.empty() && chosen.empty();
      for (uint32_t i : inspectors.Take(req.team_size - chosen.size(), false, ok_inspector)) {
        chosen.push_back(i);
      }
      // Substitutes (递补) come from their own pool with its own load, so substitute duty is
      // spread evenly and is not simply the next visit's team.
      auto ok_substitute = [&](uint32_t i) { return ok(substitutes, i); };
      std::vector<uint32_t> listed = substitutes.Take(req.substitutes, false, ok_substitute);
      for (uint32_t i : listed) {
        v.substitutes.push_back(substitutes.Id(i));
        substitutes.AddLoad(i);
      }
      for (uint32_t i : chosen) {
        v.team.push_back(inspectors.Id(i));
        inspectors.AddLoad(i);
      }
      if (v.team.size() < req.team_size || lacks_specialist) ++out.understaffed;
      chosen.clear();
      auto ok_expert = [&](uint32_t i) { return ok(experts, i); };
      for (uint32_t i : experts.Take(req.experts, false, ok_expert)) {
        v.experts.push_back(experts.Id(i));
        chosen.push_back(i);
      }
      for (uint32_t i : chosen) experts.AddLoad(i);
    }
    out.visits.push_back(std::move(v));
  }
  return out;
}

std::vector<ResultPart> SplitResult(std::string_view draw_id, const Hash& seed,
                                    const DrawOutcome& outcome) {
  std::vector<ResultPart> parts;
  const size_t n = outcome.visits.size();
  const size_t count = std::max<size_t>(1, (n + kVisitsPerResultPart - 1) / kVisitsPerResultPart);
  for (size_t p = 0; p < count; ++p) {
    ResultPart r;
    r.draw_id = std::string(draw_id);
    r.seed = seed;
    r.part = static_cast<uint32_t>(p);
    r.parts = static_cast<uint32_t>(count);
    r.selected_total = n;
    if (p == 0) r.strata = outcome.strata;
    size_t b = p * kVisitsPerResultPart, e = std::min(n, b + kVisitsPerResultPart);
    r.visits.assign(outcome.visits.begin() + static_cast<std::ptrdiff_t>(b),
                    outcome.visits.begin() + static_cast<std::ptrdiff_t>(e));
    parts.push_back(std::move(r));
  }
  return parts;
}

}  // namespace suiji::draw
