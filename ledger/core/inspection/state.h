// The fold of inspection events (300..399) over the draw world: announcements, each visit's
// result through its review workflow, corrections, transfers and credit re-evaluations.
//
// Review workflow of a result (one per visit, keyed by draw id and credit code):
//
//   ResultRecorded r1 ─▶ entered ─ResultSubmitted─▶ awaiting review ─ResultReviewed─▶ approved
//          ▲                                              │ (returned, with a reason)      │
//          └── ResultRecorded r+1 ◀── returned ◀──────────┘                  ResultPublished
//                                                                                          ▼
//                       ResultCorrected 1, 2, ... (each beside the original) ◀── published
//
// While a revision is entered, each inspector of its `team` confirms it with a ResultConfirmed
// of its own (naming the revision and the SHA-256 of its payload as stored); it is submitted,
// and approved, only once every one of them has (Unconfirmed() is empty). A new revision
// needs confirmations of its own.
//
// Any other step is kFailedPrecondition naming the state and what is allowed; the node runs
// the same Check* functions before appending, so it never writes an event the fold refuses.
// Pure: no I/O. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ledger/core/draw/state.h"
#include "ledger/core/inspection/records.h"

namespace suiji::inspection {

enum class ResultState { kEntered, kAwaitingReview, kReturned, kApproved, kPublished };
std::string_view ResultStateName(ResultState s);  // "entered", "awaiting_review", ...

template <typename R>
struct Logged {
  R record;
  uint64_t sequence = 0;
  int64_t time_us = 0;
  std::string user;  // the actor's user
};

struct ResultInfo {
  std::string draw_id;
  std::string credit_code;
  ResultState state = ResultState::kEntered;
  std::vector<Logged<ResultRecord>> revisions;     // every recorded revision, in order
  std::vector<Hash> revision_sha256;               // SHA-256 of each one's payload as stored
  std::vector<Logged<ConfirmationRecord>> confirmations;  // every inspector's, every revision
  std::vector<Logged<ReviewRecord>> reviews;       // internal
  uint32_t published_revision = 0;                 // 0: not published
  std::string published_date;
  uint64_t published_sequence = 0;
  int64_t published_time_us = 0;
  std::vector<Logged<CorrectionRecord>> corrections;
  std::vector<Logged<TransferRecord>> transfers;
  std::vector<Logged<ReevaluationRecord>> reevaluations;
  std::vector<Logged<InternalNoteRecord>> internal_notes;  // internal

  const ResultRecord& latest() const { return revisions.back().record; }
  // The inspectors of the latest revision's team who have not confirmed it, in team order;
  // empty when the team has confirmed it.
  std::vector<std::string> Unconfirmed() const;
  // The published original (the approved revision); nullptr before publication.
  const ResultRecord* published() const;
  // What stands now: the last correction, else the latest revision.
  const ResultRecord& current() const;
};

struct AnnouncementInfo {
  AnnouncementRecord record;
  uint64_t sequence = 0;
  int64_t time_us = 0;
};

using ResultKey = std::pair<std::string, std::string>;  // (draw id, credit code)

// The state the inspection fold reads and writes: announcements and results, beside the draw
// state (with the directory) at the same position and the working-day calendar. The rules
// (ApplyInspectionEvent, every Check*, VisitIn, ItemsOf, the deadlines) are written once
// against it; InspectionWorld keeps it in memory (the verifier, statistics, the tests'
// oracle), the "inspections" projection folder in LMDB rows (projections/
// inspection_projection.h).
//
// Find* return nullptr when absent; the pointers stay valid until the store is destroyed (an
// LMDB store caches what it read for its one transaction). MutableResult returns the result
// to change in place (created empty with `create`; an LMDB store writes it back when
// flushed). Not thread-safe.
class InspectionStore {
 public:
  virtual ~InspectionStore() = default;
  // The draw state (plans, tasks, draws, with directory()) at the same position.
  virtual const draw::DrawStore& draw_store() const = 0;
  // The holiday schedules published so far (CalendarPublished).
  virtual const directory::WorkCalendar& calendar() const = 0;
  virtual const AnnouncementInfo* FindAnnouncement(std::string_view draw_id) const = 0;
  virtual const ResultInfo* FindResult(std::string_view draw_id, std::string_view credit_code) const = 0;
  // Results in (draw id, credit code) order from after `after` (exclusive; ("", "") from the
  // first), at most `limit` (0: all), until fn returns false; with a non-empty `draw_id`,
  // only that draw's. The records passed are valid only during the call.
  virtual Status ForEachResult(std::string_view draw_id, const ResultKey& after, size_t limit,
                               const std::function<bool(const ResultInfo&)>& fn) const = 0;
  // The results of one employer (its inspection history) in draw id order, until fn
  // returns false.
  virtual Status ForEachResultOfCode(std::string_view credit_code,
                                     const std::function<bool(const ResultInfo&)>& fn) const = 0;

  virtual void PutAnnouncement(AnnouncementInfo a) = 0;
  virtual ResultInfo* MutableResult(std::string_view draw_id, std::string_view credit_code,
                                    bool create) = 0;
};

// The rules over any store. ApplyInspectionEvent folds one entry's inspection event (other
// types: nothing), refusing it as the Check* functions do, the message naming the entry.
// `date` is the China date of the event (ChinaDate of its time) and `user` its actor's user.
Status ApplyInspectionEvent(const EntryView& e, InspectionStore& store);
Status CheckAnnouncement(const InspectionStore& s, const AnnouncementRecord& a, std::string_view date);
Status CheckResult(const InspectionStore& s, const ResultRecord& r, std::string_view date);
Status CheckConfirmation(const InspectionStore& s, const ConfirmationRecord& c);
Status CheckSubmit(const InspectionStore& s, const ResultStepRecord& st);
Status CheckReview(const InspectionStore& s, const ReviewRecord& r, std::string_view user);
Status CheckPublish(const InspectionStore& s, const ResultStepRecord& st, std::string_view date);
Status CheckCorrection(const InspectionStore& s, const CorrectionRecord& c, std::string_view date);
Status CheckInternalNote(const InspectionStore& s, const InternalNoteRecord& n);
Status CheckTransfer(const InspectionStore& s, const TransferRecord& t, std::string_view date);
Status CheckReevaluation(const InspectionStore& s, const ReevaluationRecord& r, std::string_view date);
// The visit of a drawn target in a live, resulted draw; nullptr otherwise.
const draw::VisitRecord* VisitIn(const InspectionStore& s, std::string_view draw_id,
                                 std::string_view credit_code);
// The items of the task's item list (by id) that a draw's visits cover.
std::vector<directory::ItemRecord> ItemsOf(const InspectionStore& s, std::string_view draw_id);

// The whole state in memory, folded from a whole log. Copyable.
class InspectionWorld final : public InspectionStore {
 public:
  // Folds one entry of any type (directory, draw and inspection events).
  Status Apply(const EntryView& e);

  // The checks each inspection event must pass in this state (the free functions above over
  // this store). `date` is the China date of the event (ChinaDate of its time) and `user`
  // its actor's user.
  Status CheckAnnouncement(const AnnouncementRecord& a, std::string_view date) const;
  Status CheckResult(const ResultRecord& r, std::string_view date) const;
  // A confirmation of the latest, entered revision by an inspector of its team, once, naming
  // the revision's hash. Who may act as that inspector is the caller's to check (the node:
  // the acting user's own inspector; the verifier's authority audit).
  Status CheckConfirmation(const ConfirmationRecord& c) const;
  Status CheckSubmit(const ResultStepRecord& s) const;
  Status CheckReview(const ReviewRecord& r, std::string_view user) const;
  Status CheckPublish(const ResultStepRecord& s, std::string_view date) const;
  Status CheckCorrection(const CorrectionRecord& c, std::string_view date) const;
  Status CheckInternalNote(const InternalNoteRecord& n) const;
  Status CheckTransfer(const TransferRecord& t, std::string_view date) const;
  Status CheckReevaluation(const ReevaluationRecord& r, std::string_view date) const;

  const ResultInfo* Result(std::string_view draw_id, std::string_view credit_code) const;
  // The visit of a drawn target in a live, resulted draw; nullptr otherwise.
  const draw::VisitRecord* Visit(std::string_view draw_id, std::string_view credit_code) const;
  // The items of the task's item list (by id) that a draw's visits cover.
  std::vector<directory::ItemRecord> ItemsOf(std::string_view draw_id) const;

  draw::DrawWorld draws;
  std::map<std::string, AnnouncementInfo, std::less<>> announcements;  // by draw id
  std::map<ResultKey, ResultInfo> results;

  // InspectionStore
  const draw::DrawStore& draw_store() const override { return draws; }
  const directory::WorkCalendar& calendar() const override { return draws.dir.calendar; }
  const AnnouncementInfo* FindAnnouncement(std::string_view draw_id) const override;
  const ResultInfo* FindResult(std::string_view draw_id, std::string_view credit_code) const override {
    return Result(draw_id, credit_code);
  }
  Status ForEachResult(std::string_view draw_id, const ResultKey& after, size_t limit,
                       const std::function<bool(const ResultInfo&)>& fn) const override;
  // (Scans every result: the in-memory fold keeps no index by credit code.)
  Status ForEachResultOfCode(std::string_view credit_code,
                             const std::function<bool(const ResultInfo&)>& fn) const override;
  void PutAnnouncement(AnnouncementInfo a) override;
  ResultInfo* MutableResult(std::string_view draw_id, std::string_view credit_code, bool create) override;
};

}  // namespace suiji::inspection
