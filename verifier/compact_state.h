// Keeping the audits' in-memory folds small (#16 item 5): what the audits fold through the pure
// core's rules, less what none of their rules reads, and packed where it is read.
//
//   - PackedDrawWorld (the draw audit): the draw and directory rules over a store whose
//     employers are packed strings, decoded when read.
//   - ResultContents (the inspection audit): recorded results' items and evidence left in the
//     export, decoded again for the rules that read them.
//   - TargetShelf keeps the employers out of a fold's MemoryDirectory. Those two folds read an
//     employer only when an event names it (the directory fold: whether it exists and is
//     active; the inspection fold's re-evaluation: whether it exists; the authority audit: its
//     region and org unit before and after the event), so each one waits on the shelf as a
//     small stub (status, region, org unit) and is lent back to the directory as a record
//     holding just those fields for the one event that names it (Lend before the event,
//     Return after). The draw audit, whose freezes read every field of every employer in
//     scope, keeps the whole records.
//   - DropVisitHistory: the visit history (DrawWorld::visits) is read only by eligibility,
//     which only the draw audit computes; the fold keeps writing it, these audits drop it.
//   - TrimResult: a result's reviews and internal notes (no rule reads them), its transfers
//     and re-evaluations (counted by the audit as they are applied), its confirmations and
//     revision hashes once it is approved (confirmations are checked only while a revision is
//     entered or awaiting review, and no revision follows an approval), and the revisions
//     between its first and its latest (the first gives the inspection date and the entry
//     deadline; the latest is the one reviewed, published and corrected).
// Pure: no I/O. Uses only the pure core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/core/directory/fold.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/envelope.h"
#include "ledger/core/inspection/state.h"
#include "verifier/packed_records.h"

namespace suiji {

class TargetShelf {
 public:
  // The credit code a target event names (TargetRegistered, TargetUpdated, TargetRetired,
  // CreditReevaluated), or "" for any other event or a payload that does not decode.
  static std::string CodeOf(const EntryView& e);

  // Puts `code`'s stub, if shelved, into `dir` as a record of its status, region and org unit.
  void Lend(directory::MemoryDirectory& dir, const std::string& code) const;
  // Takes `code`'s record, if any, out of `dir` again and shelves its stub.
  void Return(directory::MemoryDirectory& dir, const std::string& code);

  size_t size() const { return shelf_.size(); }
  size_t MemoryBytes() const { return shelf_.MemoryBytes(); }

 private:
  // code -> status (varint), region and org unit (Dictionary ids, varints): 3 bytes for the
  // usual record, beside its code.
  PackedRecords shelf_;
  Dictionary codes_;
};

// The draw audit's fold: draw::DrawWorld's rules and state (plans, tasks, draws, visit
// history: `world`), over a directory whose employers are packed one record each
// (PackedRecords: the short shared fields as Dictionary ids; about 60 bytes with the index
// instead of about 500), decoded when read. An employer's name and blacklist name are not
// kept: no draw or directory rule reads them (eligibility reads the status, region,
// industry, headcount, grade and its date, blacklist dates, stars and complaints; the fold
// carries the rest from record to record), so Employer() and the directory lend them as "".
// Orgs, inspectors, conflicts, item lists and the calendar stay in world.dir. Reads as the
// DrawWorld would otherwise (employers in credit-code order).
class PackedDrawWorld final : public draw::DrawStore,
                              public directory::DirectoryStore,
                              private directory::DirectoryReader {
 public:
  PackedDrawWorld() { world.dir.keep_history = false; }
  // Folds one entry (any type), as DrawWorld::Apply.
  Status Apply(const EntryView& e);
  const draw::TaskInfo* Task(std::string_view id) const { return world.Task(id); }
  const draw::DrawInfo* Draw(std::string_view id) const { return world.Draw(id); }
  // The employer's record as it stands, if registered.
  std::optional<directory::TargetRecord> Employer(std::string_view code) const { return Target(code); }

  draw::DrawWorld world;  // world.dir.targets stays empty

  // draw::DrawStore (the state in `world`, the directory here)
  const directory::DirectoryReader& directory() const override { return *this; }
  const draw::PlanInfo* FindPlan(std::string_view id) const override { return world.FindPlan(id); }
  const draw::TaskInfo* FindTask(std::string_view id) const override { return world.FindTask(id); }
  const draw::DrawInfo* FindDraw(std::string_view id) const override { return world.FindDraw(id); }
  const std::vector<draw::PastVisit>* FindVisits(std::string_view code) const override {
    return world.FindVisits(code);
  }
  std::optional<std::pair<std::string, std::string>> FirstMergedInto(std::string_view id) const override {
    return world.FirstMergedInto(id);
  }
  Status ForEachPlan(std::string_view after, size_t limit,
                     const std::function<bool(const draw::PlanInfo&)>& fn) const override {
    return world.ForEachPlan(after, limit, fn);
  }
  Status ForEachTask(std::string_view after, size_t limit,
                     const std::function<bool(const draw::TaskInfo&)>& fn) const override {
    return world.ForEachTask(after, limit, fn);
  }
  Status ForEachDraw(std::string_view after, size_t limit,
                     const std::function<bool(const draw::DrawInfo&)>& fn) const override {
    return world.ForEachDraw(after, limit, fn);
  }
  void PutPlan(draw::PlanInfo p) override { world.PutPlan(std::move(p)); }
  void PutTask(draw::TaskInfo t) override { world.PutTask(std::move(t)); }
  void PutDraw(draw::DrawInfo d) override { world.PutDraw(std::move(d)); }
  draw::TaskInfo* MutableTask(std::string_view id) override { return world.MutableTask(id); }
  draw::DrawInfo* MutableDraw(std::string_view id) override { return world.MutableDraw(id); }
  std::vector<draw::PastVisit>* MutableVisits(std::string_view code, bool create) override {
    return world.MutableVisits(code, create);
  }
  void EraseVisits(std::string_view code) override { world.EraseVisits(code); }

  // directory::DirectoryStore (employers packed here, the rest in world.dir)
  std::optional<directory::OrgUnitRecord> GetOrg(std::string_view id) override { return world.dir.GetOrg(id); }
  void PutOrg(const directory::OrgUnitRecord& o) override { world.dir.PutOrg(o); }
  std::optional<directory::TargetRecord> GetTarget(std::string_view code) override { return Target(code); }
  void PutTarget(const directory::TargetRecord& t, const std::optional<directory::TargetRecord>& before) override;
  std::optional<directory::InspectorRecord> GetInspector(std::string_view id) override {
    return world.dir.GetInspector(id);
  }
  void PutInspector(const directory::InspectorRecord& i,
                    const std::optional<directory::InspectorRecord>& before) override {
    world.dir.PutInspector(i, before);
  }
  bool HasConflict(std::string_view inspector_id, std::string_view code) override {
    return world.dir.HasConflict(inspector_id, code);
  }
  void PutConflict(const directory::ConflictRecord& c) override { world.dir.PutConflict(c); }
  void DeleteConflict(std::string_view inspector_id, std::string_view code) override {
    world.dir.DeleteConflict(inspector_id, code);
  }
  std::optional<uint32_t> LatestItemListVersion(std::string_view org_id) override {
    return world.dir.LatestItemListVersion(org_id);
  }
  void PutItemList(const directory::ItemListRecord& l) override { world.dir.PutItemList(l); }
  void PutCalendar(const directory::YearSchedule& s) override { world.dir.PutCalendar(s); }
  void NoteHistory(std::string_view, std::string_view, uint64_t) override {}

 private:
  // directory::DirectoryReader
  std::optional<directory::OrgUnitRecord> Org(std::string_view id) const override {
    return directory::MemoryDirectoryReader(world.dir).Org(id);
  }
  std::optional<directory::TargetRecord> Target(std::string_view code) const override;
  std::optional<directory::ItemListRecord> ItemList(std::string_view org_id, uint32_t version) const override {
    return directory::MemoryDirectoryReader(world.dir).ItemList(org_id, version);
  }
  uint32_t ItemListInForce(std::string_view org_id, std::string_view date) const override {
    return directory::MemoryDirectoryReader(world.dir).ItemListInForce(org_id, date);
  }
  uint64_t TargetCount() const override { return targets_.size(); }

 public:
  size_t EmployerBytes() const { return targets_.MemoryBytes(); }

 private:
  uint64_t ForEachTargetIn(const std::vector<std::string>& regions,
                           const std::function<bool(const directory::TargetRecord&)>& fn) const override;
  std::optional<directory::InspectorRecord> Inspector(std::string_view inspector_id) const override {
    return directory::MemoryDirectoryReader(world.dir).Inspector(inspector_id);
  }
  void ForEachInspector(const std::function<bool(const directory::InspectorRecord&)>& fn) const override {
    directory::MemoryDirectoryReader(world.dir).ForEachInspector(fn);
  }
  std::vector<std::string> ConflictsOf(std::string_view inspector_id) const override {
    return directory::MemoryDirectoryReader(world.dir).ConflictsOf(inspector_id);
  }

  std::string PackTarget(const directory::TargetRecord& t);
  directory::TargetRecord UnpackTarget(std::string_view code, std::string_view packed) const;

  PackedRecords targets_;  // credit code -> PackTarget
  Dictionary fields_;      // region, industry, grade, dates, org unit
};

// Forgets the visit history of `world` (see the file comment).
inline void DropVisitHistory(draw::DrawWorld& world) { world.visits.clear(); }

// After a DrawResult: gives back the spare capacity of the draw's visit list once resulted.
void ShrinkDrawVisits(draw::DrawWorld& world, const EntryView& e);

// After an inspection event applied to the result `key`: drops what no later rule reads
// (see the file comment). Transfers and re-evaluations are dropped: count them first.
void TrimResult(inspection::ResultInfo& r);

// The contents of recorded results (their items and evidence, the bulk of a result) left in
// the export instead of memory. Note() remembers where each ResultRecorded payload lies;
// Trim() empties the items, evidence and ids of a result's revisions once applied; Restore()
// decodes them again from the export (the same bytes the fold decoded them from) before an
// event whose rules read them: a correction (compared with what stands, and the R17 scan of
// the employer's other published results), a transfer (the handling of its violations) and a
// result naming a no-penalty-list violation (R17). Every other rule reads only a revision's
// number, team and inspection date, which stay.
class ResultContents {
 public:
  explicit ResultContents(ByteView export_file) : export_(export_file) {}
  void Note(const EntryView& e);
  void Trim(inspection::ResultInfo& r) const;
  void Restore(inspection::ResultInfo& r) const;
  // Before `e` is applied: restores what its rules will read; returns the results restored
  // (to Trim again after).
  std::vector<inspection::ResultKey> BeforeApply(inspection::InspectionWorld& world, const EntryView& e) const;

 private:
  bool Known(uint64_t sequence) const;
  ByteView export_;
  // Per ResultRecorded entry, in log order: its sequence, and its payload's offset and size.
  std::vector<uint64_t> sequence_;
  std::vector<uint64_t> offset_;
  std::vector<uint32_t> size_;
};

// The result an applied inspection event acted on, or nullptr.
inspection::ResultInfo* ResultOfEvent(inspection::InspectionWorld& world, const EntryView& e);

}  // namespace suiji
