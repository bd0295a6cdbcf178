#include "ledger/core/directory/fold.h"

#include "ledger/core/flatbuffers_util.h"
#include "schemas/inspection_generated.h"

namespace suiji::directory {

bool IsDirectoryEvent(EventType type) {
  auto t = static_cast<uint16_t>(type);
  return (t >= 100 && t < 200) || type == EventType::CreditReevaluated;
}

Status ApplyDirectoryEvent(const EntryView& e, DirectoryStore& store) {
  const uint64_t seq = e.sequence();
  const ByteView p = e.payload();
  switch (e.type()) {
    case EventType::OrgUnitRegistered: {
      SUIJI_ASSIGN_OR_RETURN(OrgUnitRecord o, DecodeOrgUnit(p));
      if (!o.parent_org_id.empty() && !store.GetOrg(o.parent_org_id)) {
        return FailedPrecondition("org unit " + o.org_id + " names unknown parent " +
                                  o.parent_org_id);
      }
      store.PutOrg(o);
      store.NoteHistory("org", o.org_id, seq);
      return OkStatus();
    }
    case EventType::CalendarPublished: {
      SUIJI_ASSIGN_OR_RETURN(YearSchedule sched, DecodeSchedule(p));
      auto errs = ValidateSchedule(sched);
      if (!errs.empty()) {
        return FailedPrecondition("calendar " + std::to_string(sched.year) + ": " +
                                  errs[0].field + " " + errs[0].value + ": " + errs[0].reason);
      }
      store.PutCalendar(sched);
      store.NoteHistory("calendar", std::to_string(sched.year), seq);
      return OkStatus();
    }
    case EventType::TargetRegistered: {
      SUIJI_ASSIGN_OR_RETURN(TargetRecord t, DecodeTarget(p));
      auto before = store.GetTarget(t.credit_code);
      if (before && before->status == TargetStatus::Active) {
        return FailedPrecondition("target " + t.credit_code + " is already registered");
      }
      store.PutTarget(t, before);
      store.NoteHistory("target", t.credit_code, seq);
      return OkStatus();
    }
    case EventType::TargetUpdated: {
      SUIJI_ASSIGN_OR_RETURN(TargetPatch patch, DecodeTargetPatch(p));
      auto before = store.GetTarget(patch.values.credit_code);
      if (!before) {
        return FailedPrecondition("update of unknown target " + patch.values.credit_code);
      }
      TargetRecord after = *before;
      ApplyPatch(after, patch);
      store.PutTarget(after, before);
      store.NoteHistory("target", after.credit_code, seq);
      return OkStatus();
    }
    case EventType::CreditReevaluated: {
      // An inspection event (schemas/inspection.fbs) that changes the directory: the
      // employer's credit grade after a published result (R14). The inspection fold checks
      // the result it names; here only the grade changes.
      const auto* r = fb::Verified<schema::CreditReevaluation>(p);
      if (r == nullptr || r->credit_code() == nullptr || r->grade() == nullptr ||
          r->grade_date() == nullptr) {
        return DataLoss("CreditReevaluation payload is malformed");
      }
      auto before = store.GetTarget(r->credit_code()->str());
      if (!before) {
        return FailedPrecondition("credit re-evaluation of unknown target " +
                                  r->credit_code()->str());
      }
      TargetRecord after = *before;
      after.credit_grade = r->grade()->str();
      after.grade_date = r->grade_date()->str();
      store.PutTarget(after, before);
      store.NoteHistory("target", after.credit_code, seq);
      return OkStatus();
    }
    case EventType::TargetRetired: {
      SUIJI_ASSIGN_OR_RETURN(TargetRetirement r, DecodeTargetRetired(p));
      auto before = store.GetTarget(r.credit_code);
      if (!before || before->status != TargetStatus::Active) {
        return FailedPrecondition("retirement of unknown or retired target " + r.credit_code);
      }
      TargetRecord after = *before;
      after.status = r.status;
      store.PutTarget(after, before);
      store.NoteHistory("target", r.credit_code, seq);
      return OkStatus();
    }
    case EventType::InspectorRegistered: {
      SUIJI_ASSIGN_OR_RETURN(InspectorRecord i, DecodeInspector(p));
      auto before = store.GetInspector(i.inspector_id);
      if (before && before->status != InspectorStatus::Retired) {
        return FailedPrecondition("inspector " + i.inspector_id + " is already registered");
      }
      store.PutInspector(i, before);
      store.NoteHistory("inspector", i.inspector_id, seq);
      return OkStatus();
    }
    case EventType::InspectorUpdated: {
      SUIJI_ASSIGN_OR_RETURN(InspectorPatch patch, DecodeInspectorPatch(p));
      auto before = store.GetInspector(patch.values.inspector_id);
      if (!before) {
        return FailedPrecondition("update of unknown inspector " + patch.values.inspector_id);
      }
      InspectorRecord after = *before;
      ApplyPatch(after, patch);
      store.PutInspector(after, before);
      store.NoteHistory("inspector", after.inspector_id, seq);
      return OkStatus();
    }
    case EventType::InspectorRetired: {
      SUIJI_ASSIGN_OR_RETURN(InspectorRetirement r, DecodeInspectorRetired(p));
      auto before = store.GetInspector(r.inspector_id);
      if (!before || before->status == InspectorStatus::Retired) {
        return FailedPrecondition("retirement of unknown or retired inspector " + r.inspector_id);
      }
      InspectorRecord after = *before;
      after.status = InspectorStatus::Retired;
      store.PutInspector(after, before);
      store.NoteHistory("inspector", r.inspector_id, seq);
      return OkStatus();
    }
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn: {
      SUIJI_ASSIGN_OR_RETURN(ConflictRecord c, DecodeConflict(p));
      if (!store.GetInspector(c.inspector_id)) {
        return FailedPrecondition("conflict of unknown inspector " + c.inspector_id);
      }
      const bool declared = e.type() == EventType::ConflictDeclared;
      if (declared == store.HasConflict(c.inspector_id, c.credit_code)) {
        return FailedPrecondition(std::string("conflict ") +
                                  (declared ? "already declared" : "not declared") + ": " +
                                  c.inspector_id + " / " + c.credit_code);
      }
      if (declared) {
        store.PutConflict(c);
      } else {
        store.DeleteConflict(c.inspector_id, c.credit_code);
      }
      store.NoteHistory("inspector", c.inspector_id, seq);
      return OkStatus();
    }
    case EventType::ItemListPublished: {
      SUIJI_ASSIGN_OR_RETURN(ItemListRecord l, DecodeItemList(p));
      auto latest = store.LatestItemListVersion(l.org_id);
      if (l.version != latest.value_or(0) + 1) {
        return FailedPrecondition("item list version " + std::to_string(l.version) + " of " +
                                  l.org_id + " does not follow version " +
                                  std::to_string(latest.value_or(0)));
      }
      store.PutItemList(l);
      store.NoteHistory("items", l.org_id, seq);
      return OkStatus();
    }
    default:
      return OkStatus();
  }
}

std::optional<OrgUnitRecord> MemoryDirectory::GetOrg(std::string_view id) {
  auto it = orgs.find(id);
  return it == orgs.end() ? std::nullopt : std::optional(it->second);
}
void MemoryDirectory::PutOrg(const OrgUnitRecord& o) { orgs[o.org_id] = o; }
std::optional<TargetRecord> MemoryDirectory::GetTarget(std::string_view code) {
  auto it = targets.find(code);
  return it == targets.end() ? std::nullopt : std::optional(it->second);
}
void MemoryDirectory::PutTarget(const TargetRecord& t, const std::optional<TargetRecord>&) {
  targets[t.credit_code] = t;
}
std::optional<InspectorRecord> MemoryDirectory::GetInspector(std::string_view id) {
  auto it = inspectors.find(id);
  return it == inspectors.end() ? std::nullopt : std::optional(it->second);
}
void MemoryDirectory::PutInspector(const InspectorRecord& i,
                                   const std::optional<InspectorRecord>&) {
  inspectors[i.inspector_id] = i;
}
bool MemoryDirectory::HasConflict(std::string_view id, std::string_view code) {
  return conflicts.count({std::string(id), std::string(code)}) != 0;
}
void MemoryDirectory::PutConflict(const ConflictRecord& c) {
  conflicts.insert({c.inspector_id, c.credit_code});
}
void MemoryDirectory::DeleteConflict(std::string_view id, std::string_view code) {
  conflicts.erase({std::string(id), std::string(code)});
}
std::optional<uint32_t> MemoryDirectory::LatestItemListVersion(std::string_view org_id) {
  std::optional<uint32_t> v;
  for (const auto& [key, l] : item_lists) {
    if (key.first == org_id) v = key.second;
  }
  return v;
}
void MemoryDirectory::PutItemList(const ItemListRecord& l) { item_lists[{l.org_id, l.version}] = l; }
void MemoryDirectory::NoteHistory(std::string_view kind, std::string_view id, uint64_t seq) {
  if (!keep_history) return;
  history[std::string(kind) + ":" + std::string(id)].push_back(seq);
}

}  // namespace suiji::directory
