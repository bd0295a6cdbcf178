#include "verifier/inspection_audit.h"

#include "verifier/compact_state.h"
#include "verifier/export_entries.h"
#include "ledger/core/inspection/state.h"

namespace suiji {

namespace {
constexpr size_t kListed = 50;
}  // namespace

InspectionAudit AuditInspections(ByteView export_file, const std::function<void(size_t offset)>& consumed) {
  InspectionAudit audit;
  inspection::InspectionWorld world;
  world.draws.dir.keep_history = false;  // no record's history is read here
  TargetShelf employers;  // the employers wait here, not in the fold (compact_state.h)
  ResultContents contents(export_file);  // and the results' contents in the export
  int64_t last_time_us = 0;
  Status header = ForEachExportedEntry(export_file, [&](const EntryView& e) {
    if (Status s = VerifyPayload(e.type(), e.payload()); !s.ok()) {
      audit.failures.push_back({e.sequence(), s.message()});
      return false;
    }
    last_time_us = e.event->time_us();
    const std::string code = TargetShelf::CodeOf(e);
    if (!code.empty()) employers.Lend(world.draws.dir, code);
    contents.Note(e);
    const std::vector<inspection::ResultKey> restored = contents.BeforeApply(world, e);
    Status applied = world.Apply(e);
    if (!code.empty()) employers.Return(world.draws.dir, code);
    if (Status s = applied; !s.ok()) {
      // The fold stops at the first refused event: what follows depends on it. Draw-rule
      // failures are the draw audit's to report; only inspection ones are listed here.
      if (inspection::IsInspectionEvent(e.type())) audit.failures.push_back({e.sequence(), s.message()});
      return false;
    }
    if (e.type() == EventType::DrawResult) {
      DropVisitHistory(world.draws);
      ShrinkDrawVisits(world.draws, e);
    } else if (inspection::ResultInfo* r = ResultOfEvent(world, e)) {
      audit.transfers += r->transfers.size();
      audit.reevaluations += r->reevaluations.size();
      TrimResult(*r);
      contents.Trim(*r);  // a new revision's contents go back to the export
    }
    for (const auto& key : restored) {  // and what BeforeApply restored
      if (auto it = world.results.find(key); it != world.results.end()) contents.Trim(it->second);
    }
    return true;
  }, consumed);
  if (!header.ok()) {
    audit.failures.push_back({std::nullopt, header.message()});
    return audit;
  }
  audit.as_of = inspection::ChinaDate(last_time_us);
  for (const auto& [id, a] : world.announcements) {
    ++audit.announcements;
    if (!a.record.publish_targets) ++audit.withheld;
  }
  for (const auto& [key, r] : world.results) {
    ++audit.results_by_state[std::string(inspection::ResultStateName(r.state))];
    audit.corrections += r.corrections.size();  // transfers and re-evaluations: counted above
  }
  // One deadline at a time: a year's deadlines are three per visit.
  inspection::ForEachDeadline(world, audit.as_of, [&](inspection::Deadline&& d) {
    ++audit.deadlines[std::string(inspection::DeadlineKindName(d.kind))]
                     [std::string(inspection::DeadlineStatusName(d.status))];
    if (d.status == inspection::DeadlineStatus::kLate ||
        d.status == inspection::DeadlineStatus::kOverdue) {
      ++audit.late_or_overdue_total;
      if (d.status == inspection::DeadlineStatus::kOverdue) ++audit.overdue_by_bureau[d.org_id];
      if (audit.late_or_overdue.size() < kListed) audit.late_or_overdue.push_back(std::move(d));
    }
  });
  return audit;
}

}  // namespace suiji
