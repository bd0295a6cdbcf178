// Folding directory events into a directory state: the one definition of what each
// directory event does, shared by the LMDB projection (projections/) and in-memory folds
// (the verifier's eligibility rebuild, tests).
//
// DirectoryStore is the state a fold reads and writes; implementations decide where it
// lives. ApplyDirectoryEvent is pure given the store. A transition the rules forbid (an
// update of an unknown target, a second registration of an active one) is kFailedPrecondition:
// the writer never appends such an event, so meeting one in a log means the log was written
// by something else, and the projection stops there.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "ledger/core/directory/calendar.h"
#include "ledger/core/directory/records.h"
#include "ledger/core/envelope.h"

namespace suiji::directory {

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  virtual std::optional<OrgUnitRecord> GetOrg(std::string_view org_id) = 0;
  virtual void PutOrg(const OrgUnitRecord& o) = 0;
  virtual std::optional<TargetRecord> GetTarget(std::string_view code) = 0;
  // `before` is the stored record being replaced (for index maintenance), if any.
  virtual void PutTarget(const TargetRecord& t, const std::optional<TargetRecord>& before) = 0;
  virtual std::optional<InspectorRecord> GetInspector(std::string_view id) = 0;
  virtual void PutInspector(const InspectorRecord& i,
                            const std::optional<InspectorRecord>& before) = 0;
  virtual bool HasConflict(std::string_view inspector_id, std::string_view code) = 0;
  virtual void PutConflict(const ConflictRecord& c) = 0;
  virtual void DeleteConflict(std::string_view inspector_id, std::string_view code) = 0;
  virtual std::optional<uint32_t> LatestItemListVersion(std::string_view org_id) = 0;
  virtual void PutItemList(const ItemListRecord& l) = 0;
  // A year's holiday schedule (CalendarPublished). Stores that serve no calendar queries
  // (the LMDB directory projection, today) may ignore it.
  virtual void PutCalendar(const YearSchedule& /*s*/) {}
  // Called for every directory event touching a record, for its history.
  virtual void NoteHistory(std::string_view kind, std::string_view id, uint64_t sequence) = 0;
};

// True for the event types this fold handles: 100..199, and CreditReevaluated (321), the
// inspection event that changes a target's credit grade.
bool IsDirectoryEvent(EventType type);

// Applies entry `e` (any type; non-directory events are ignored) to `store`.
Status ApplyDirectoryEvent(const EntryView& e, DirectoryStore& store);

// A DirectoryStore in memory, for the verifier and tests.
class MemoryDirectory final : public DirectoryStore {
 public:
  std::optional<OrgUnitRecord> GetOrg(std::string_view org_id) override;
  void PutOrg(const OrgUnitRecord& o) override;
  std::optional<TargetRecord> GetTarget(std::string_view code) override;
  void PutTarget(const TargetRecord& t, const std::optional<TargetRecord>& before) override;
  std::optional<InspectorRecord> GetInspector(std::string_view id) override;
  void PutInspector(const InspectorRecord& i, const std::optional<InspectorRecord>& before) override;
  bool HasConflict(std::string_view inspector_id, std::string_view code) override;
  void PutConflict(const ConflictRecord& c) override;
  void DeleteConflict(std::string_view inspector_id, std::string_view code) override;
  std::optional<uint32_t> LatestItemListVersion(std::string_view org_id) override;
  void PutItemList(const ItemListRecord& l) override;
  void NoteHistory(std::string_view kind, std::string_view id, uint64_t sequence) override;
  void PutCalendar(const YearSchedule& s) override { calendar.Put(s); }

  WorkCalendar calendar;
  std::map<std::string, OrgUnitRecord, std::less<>> orgs;
  std::map<std::string, TargetRecord, std::less<>> targets;
  std::map<std::string, InspectorRecord, std::less<>> inspectors;
  std::set<std::pair<std::string, std::string>> conflicts;
  std::map<std::pair<std::string, uint32_t>, ItemListRecord> item_lists;
  std::map<std::string, std::vector<uint64_t>, std::less<>> history;
  // False: `history` stays empty (the verifier reads no record's history).
  bool keep_history = true;
};

}  // namespace suiji::directory
