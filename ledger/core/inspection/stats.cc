#include "ledger/core/inspection/stats.h"

#include <algorithm>

#include "ledger/core/codes/industry.h"

namespace suiji::inspection {

namespace {

using draw::DrawInfo;
using draw::DrawPhase;
using nlohmann::json;

void Count(DeadlineCounts& c, DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kMet: ++c.met; break;
    case DeadlineStatus::kLate: ++c.late; break;
    case DeadlineStatus::kOpen: ++c.open; break;
    case DeadlineStatus::kOverdue: ++c.overdue; break;
    case DeadlineStatus::kNoCalendar: ++c.no_calendar; break;
  }
}

json CoverageJson(const Coverage& c) {
  return json{{"eligible", c.eligible}, {"drawn", c.drawn}, {"ratio", c.ratio()}};
}

json CoverageByJson(const CoverageBy& by) {
  json j = json::object();
  for (const auto& [k, c] : by) j[k] = CoverageJson(c);
  return j;
}

json TablesJson(const CoverageTables& t) {
  return json{{"total", CoverageJson(t.total)},
              {"by_region", CoverageByJson(t.by_region)},
              {"by_industry", CoverageByJson(t.by_industry)},
              {"by_industry_section", CoverageByJson(t.by_industry_section)},
              {"by_grade", CoverageByJson(t.by_grade)}};
}

json OutcomesJson(const OutcomeCounts& o) {
  json states = json::object();
  for (const auto& [s, n] : o.by_state) states[std::string(ResultStateName(s))] = n;
  json outcomes = json::array();
  for (const auto& [k, n] : o.by_outcome) {
    outcomes.push_back(
        {{"outcome", OutcomeKey(k)}, {"label", OutcomeLabel(k)}, {"items", n}});
  }
  json handling = json::array();
  for (const auto& [k, n] : o.by_handling) {
    handling.push_back({{"handling", HandlingKey(k)}, {"label", HandlingLabel(k)}, {"count", n}});
  }
  return json{{"visits", o.visits},
              {"recorded", o.recorded},
              {"published", o.published},
              {"unpublished", o.visits - o.published},
              {"corrected", o.corrected},
              {"with_violation", o.with_violation},
              {"observed", o.observed},
              {"by_state", states},
              {"by_outcome", outcomes},
              {"by_handling", handling},
              {"no_penalty", o.no_penalty},
              {"fines_yuan", o.fines_yuan},
              {"transfers", o.transfers},
              {"reevaluations", o.reevaluations}};
}

json DeadlinesJson(const DeadlinesByKind& by) {
  json j = json::object();
  for (const auto& [kind, c] : by) {
    j[std::string(DeadlineKindName(kind))] = {{"met", c.met},
                                              {"late", c.late},
                                              {"open", c.open},
                                              {"overdue", c.overdue},
                                              {"no_calendar", c.no_calendar}};
  }
  return j;
}

}  // namespace

std::string GradeKey(const std::string& grade) { return grade.empty() ? "-" : grade; }

std::string SectionKey(std::string_view industry) {
  const char s = codes::IndustrySection(industry);
  return s == '\0' ? "?" : std::string(1, s);
}

void AddCoverage(CoverageBy& by, const std::string& key, uint64_t eligible, uint64_t drawn) {
  Coverage& c = by[key];
  c.eligible += eligible;
  c.drawn += drawn;
}

void AddTables(CoverageTables& to, const CoverageTables& from) {
  to.total.eligible += from.total.eligible;
  to.total.drawn += from.total.drawn;
  auto merge = [](CoverageBy& a, const CoverageBy& b) {
    for (const auto& [k, c] : b) AddCoverage(a, k, c.eligible, c.drawn);
  };
  merge(to.by_region, from.by_region);
  merge(to.by_industry, from.by_industry);
  merge(to.by_industry_section, from.by_industry_section);
  merge(to.by_grade, from.by_grade);
}

void AddOutcomes(OutcomeCounts& to, const OutcomeCounts& from) {
  to.visits += from.visits;
  to.recorded += from.recorded;
  to.published += from.published;
  to.corrected += from.corrected;
  to.with_violation += from.with_violation;
  to.observed += from.observed;
  for (const auto& [k, n] : from.by_state) to.by_state[k] += n;
  for (const auto& [k, n] : from.by_outcome) to.by_outcome[k] += n;
  for (const auto& [k, n] : from.by_handling) to.by_handling[k] += n;
  to.no_penalty += from.no_penalty;
  to.fines_yuan += from.fines_yuan;
  to.transfers += from.transfers;
  to.reevaluations += from.reevaluations;
}

const ResultRecord* CurrentPublished(const ResultInfo& r) {
  if (r.published_revision == 0) return nullptr;
  if (!r.corrections.empty()) return &r.corrections.back().record.result;
  return r.published();
}

bool HasObservedItem(const ResultRecord& r) {
  return std::any_of(r.items.begin(), r.items.end(),
                     [](const ItemResultRecord& i) { return !Unobserved(i.outcome); });
}

uint32_t InspectionStats::Intern(const std::string& s) {
  auto [it, inserted] = string_ids_.emplace(s, static_cast<uint32_t>(strings_.size()));
  if (inserted) strings_.push_back(s);
  return it->second;
}

Status InspectionStats::NoteFreeze(const EntryView& e) {
  auto f = draw::DecodeFreeze(e.payload());
  if (!f.ok()) return OkStatus();  // the world's Apply reports it
  auto in = world().draws.Freeze(f->task_id);
  if (!in.ok()) return OkStatus();  // unknown or withdrawn task: the world refuses it too
  FrozenDraw fd;
  const auto& pop = in->population;
  fd.targets.reserve(pop.targets.size());
  for (const auto& t : pop.targets) {
    auto rec = world().draws.dir.targets.find(t.credit_code);
    Attributes a;
    if (rec != world().draws.dir.targets.end()) {
      a.region = Intern(rec->second.region);
      a.industry = Intern(rec->second.industry);
      a.grade = Intern(GradeKey(rec->second.credit_grade));
    } else {
      a.region = a.industry = a.grade = Intern("?");
    }
    fd.targets.emplace(t.credit_code, a);
  }
  fd.design = draw::DesignOf(pop, f->strata);
  if (pop.targets.size() != f->target_count) {
    fd.population_matches = false;
    fd.mismatch = "the freeze states " + std::to_string(f->target_count) +
                  " eligible targets; recomputed at its position: " +
                  std::to_string(pop.targets.size());
  } else {
    for (size_t i = 0; i < f->strata.size(); ++i) {
      uint64_t n = 0;
      for (const auto& [w, c] : fd.design[i].weight_counts) n += c;
      if (n != f->strata[i].population) {
        fd.population_matches = false;
        fd.mismatch = "stratum " + f->strata[i].key + ": the freeze states " +
                      std::to_string(f->strata[i].population) + " targets; recomputed: " +
                      std::to_string(n);
        break;
      }
    }
  }
  frozen_[f->draw_id] = std::move(fd);
  return OkStatus();
}

Status InspectionStats::Apply(const EntryView& e) {
  if (e.type() == EventType::DrawFrozen) SUIJI_RETURN_IF_ERROR(NoteFreeze(e));
  if (shared_ == nullptr) SUIJI_RETURN_IF_ERROR(own_.Apply(e));
  ++entries_;
  return OkStatus();
}

std::vector<draw::SampledUnit> SampleOf(const InspectionWorld& world, const draw::DrawInfo& d) {
  std::vector<draw::SampledUnit> sample;
  sample.reserve(d.visits.size());
  for (const auto& v : d.visits) {
    draw::SampledUnit u;
    u.stratum = v.stratum;
    u.weight = v.weight;
    u.observed = false;
    if (const ResultInfo* r = world.Result(d.draw_id, v.credit_code); r != nullptr) {
      if (const ResultRecord* cur = CurrentPublished(*r); cur != nullptr) {
        u.observed = HasObservedItem(*cur);
        u.violation = u.observed && AnyViolation(*cur);
      }
    }
    sample.push_back(std::move(u));
  }
  return sample;
}

DrawStats InspectionStats::StatsOf(const DrawInfo& d, const FrozenDraw* frozen) const {
  DrawStats s;
  s.draw_id = d.draw_id;
  s.task_id = d.task_id;
  if (const draw::TaskInfo* t = world().draws.Task(d.task_id); t != nullptr) {
    s.org_id = t->task.org_id;
    s.title = t->task.title;
  }

  // Coverage: the eligible population by attribute at the freeze, and the drawn visits.
  if (frozen == nullptr) {
    s.notes.push_back("no freeze seen for this draw; coverage left empty");
  } else {
    if (!frozen->population_matches) {
      s.notes.push_back("population mismatch: " + frozen->mismatch +
                        "; coverage and estimate are over the recomputed population");
    }
    CoverageTables& c = s.coverage;
    for (const auto& [code, a] : frozen->targets) {
      (void)code;
      ++c.total.eligible;
      AddCoverage(c.by_region, strings_[a.region], 1, 0);
      AddCoverage(c.by_industry, strings_[a.industry], 1, 0);
      AddCoverage(c.by_industry_section, SectionKey(strings_[a.industry]), 1, 0);
      AddCoverage(c.by_grade, strings_[a.grade], 1, 0);
    }
    uint64_t not_eligible = 0;
    for (const auto& v : d.visits) {
      auto it = frozen->targets.find(v.credit_code);
      if (it == frozen->targets.end()) {
        ++not_eligible;
        continue;
      }
      ++c.total.drawn;
      const Attributes& a = it->second;
      AddCoverage(c.by_region, strings_[a.region], 0, 1);
      AddCoverage(c.by_industry, strings_[a.industry], 0, 1);
      AddCoverage(c.by_industry_section, SectionKey(strings_[a.industry]), 0, 1);
      AddCoverage(c.by_grade, strings_[a.grade], 0, 1);
    }
    if (not_eligible > 0) {
      s.notes.push_back(std::to_string(not_eligible) +
                        " drawn targets are not in the recomputed eligible population; left "
                        "out of coverage");
    }
  }

  // Outcomes over the visits' results.
  OutcomeCounts& o = s.outcomes;
  for (const auto& v : d.visits) {
    ++o.visits;
    const ResultInfo* r = world().Result(d.draw_id, v.credit_code);
    if (r == nullptr) continue;
    ++o.recorded;
    ++o.by_state[r->state];
    o.transfers += r->transfers.size();
    o.reevaluations += r->reevaluations.size();
    const ResultRecord* cur = CurrentPublished(*r);
    if (cur == nullptr) continue;
    ++o.published;
    if (!r->corrections.empty()) ++o.corrected;
    if (AnyViolation(*cur)) ++o.with_violation;
    if (HasObservedItem(*cur)) ++o.observed;
    for (const auto& item : cur->items) {
      ++o.by_outcome[item.outcome];
      for (const auto& viol : item.violations) {
        for (Handling h : viol.handling) ++o.by_handling[h];
        if (viol.no_penalty_list) ++o.no_penalty;
        o.fines_yuan += viol.fine_yuan;
      }
    }
  }

  // The HT estimate over the design stated at the freeze.
  if (frozen == nullptr) {
    s.estimate_error = "no design: the draw's freeze was not seen";
  } else {
    auto est = draw::EstimateViolationShare(frozen->design, SampleOf(world(), d));
    if (est.ok()) {
      s.estimate = std::move(*est);
    } else {
      s.estimate_error = est.status().message();
    }
  }
  return s;
}

StatusOr<StatsReport> InspectionStats::Report(std::string_view today,
                                              std::string_view draw_id) const {
  return Report(today, draw_id, [&](const std::function<void(Deadline&&)>& each) {
    ForEachDeadline(world(), today, each);
  });
}

void FinishReport(StatsReport& rep, const DeadlineSource& deadlines) {
  std::map<std::string_view, size_t> index;  // draw id -> position in rep.draws
  for (size_t i = 0; i < rep.draws.size(); ++i) index.emplace(rep.draws[i].draw_id, i);
  deadlines([&](Deadline&& dl) {
    auto it = index.find(dl.draw_id);
    if (it == index.end()) return;
    Count(rep.draws[it->second].deadlines[dl.kind], dl.status);
    Count(rep.deadlines[dl.org_id][dl.kind], dl.status);
  });
  if (rep.draws.size() > 1) {
    rep.notes.push_back(
        "sums are over draws: an employer eligible for several tasks counts once per draw; "
        "violation shares are estimated per draw, whose populations may overlap");
  }
}

StatusOr<StatsReport> InspectionStats::Report(std::string_view today, std::string_view draw_id,
                                              const DeadlineSource& deadlines) const {
  StatsReport rep;
  rep.today = std::string(today);
  rep.entries = entries_;
  if (!draw_id.empty()) {
    const DrawInfo* d = world().draws.Draw(draw_id);
    if (d == nullptr || d->phase != DrawPhase::kResulted) {
      return NotFound("no live drawn draw \"" + std::string(draw_id) + "\"");
    }
  }
  for (const auto& [id, d] : world().draws.draws) {
    if (d.phase != DrawPhase::kResulted) continue;
    if (!draw_id.empty() && id != draw_id) continue;
    auto f = frozen_.find(id);
    rep.draws.push_back(StatsOf(d, f == frozen_.end() ? nullptr : &f->second));
  }
  for (const DrawStats& s : rep.draws) {
    AddTables(rep.coverage, s.coverage);
    AddOutcomes(rep.outcomes, s.outcomes);
  }
  FinishReport(rep, deadlines);
  return rep;
}

json ToJson(const draw::ShareEstimate& e) {
  json strata = json::array();
  for (const auto& s : e.strata) {
    strata.push_back({{"stratum", s.key},
                      {"population", s.population},
                      {"drawn", s.drawn},
                      {"observed", s.observed},
                      {"violations", s.violations},
                      {"has_estimate", s.has_estimate},
                      {"share", s.share},
                      {"std_error", s.std_error},
                      {"ci95", {s.ci_low, s.ci_high}},
                      {"exact_design", s.exact_design},
                      {"std_error_known", s.std_error_known}});
  }
  return json{{"population", e.population},
              {"drawn", e.drawn},
              {"observed", e.observed},
              {"violations", e.violations},
              {"share", e.share},
              {"std_error", e.std_error},
              {"ci95", {e.ci_low, e.ci_high}},
              {"strata", strata},
              {"notes", e.notes}};
}

json ToJson(const StatsReport& r) {
  json draws = json::array();
  for (const DrawStats& s : r.draws) {
    json d{{"draw_id", s.draw_id},
           {"task_id", s.task_id},
           {"org_id", s.org_id},
           {"title", s.title},
           {"coverage", TablesJson(s.coverage)},
           {"outcomes", OutcomesJson(s.outcomes)},
           {"deadlines", DeadlinesJson(s.deadlines)},
           {"notes", s.notes}};
    if (s.estimate) {
      d["violation_share"] = ToJson(*s.estimate);
    } else {
      d["violation_share"] = nullptr;
      d["violation_share_error"] = s.estimate_error;
    }
    draws.push_back(std::move(d));
  }
  json deadlines = json::object();
  for (const auto& [org, by] : r.deadlines) deadlines[org] = DeadlinesJson(by);
  return json{{"today", r.today},
              {"entries", r.entries},
              {"draws", draws},
              {"overall",
               {{"coverage", TablesJson(r.coverage)},
                {"outcomes", OutcomesJson(r.outcomes)},
                {"deadlines_by_org", deadlines}}},
              {"notes", r.notes}};
}

}  // namespace suiji::inspection
