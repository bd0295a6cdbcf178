// Keeping the audits' in-memory folds small (#16 item 5): what the inspection and authority
// audits fold through the pure core's world classes, less what none of their rules reads.
//
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
#include <unordered_map>

#include "ledger/core/directory/fold.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/envelope.h"
#include "ledger/core/inspection/state.h"

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

 private:
  // code -> status byte, region, 0x1F, org unit (within the short-string buffer for the
  // usual 6-digit codes).
  std::unordered_map<std::string, std::string> shelf_;
};

// Forgets the visit history of `world` (see the file comment).
inline void DropVisitHistory(draw::DrawWorld& world) { world.visits.clear(); }

// After a DrawResult: gives back the spare capacity of the draw's visit list once resulted.
void ShrinkDrawVisits(draw::DrawWorld& world, const EntryView& e);

// After an inspection event applied to the result `key`: drops what no later rule reads
// (see the file comment). Transfers and re-evaluations are dropped: count them first.
void TrimResult(inspection::ResultInfo& r);

// The result an applied inspection event acted on, or nullptr.
inspection::ResultInfo* ResultOfEvent(inspection::InspectionWorld& world, const EntryView& e);

}  // namespace suiji
