// The fold of plan, task and draw events (200..299) beside the directory fold: plans, tasks,
// each draw's phase (frozen → committed → revealed → resulted, or cancelled), the visit
// history the frequency rules and teams read, and declined assignments.
//
// DrawWorld folds a whole log (directory + draws) in memory; the node uses it to decide the
// next ceremony event and the verifier to recompute every draw. A transition the rules
// forbid (a second commit of a task, a reveal before a commit, a result part out of order,
// a replacement that is not the next substitute) is kFailedPrecondition naming it.
// Timing and hash checks (entropy after the commit, the secret against its hash, the
// recomputed selection) are the verifier's (verifier/draw_audit.h) and, before writing,
// the node's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/core/directory/fold.h"
#include "ledger/core/directory/reader.h"
#include "ledger/core/draw/algorithm.h"
#include "ledger/core/draw/eligibility.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/envelope.h"

namespace suiji::draw {

enum class DrawPhase { kFrozen, kCommitted, kRevealed, kResulted, kCancelled };
std::string_view DrawPhaseName(DrawPhase p);  // "frozen", "committed", ...

struct PlanInfo {
  PlanRecord plan;
  uint64_t sequence = 0;
};

struct TaskInfo {
  TaskRecord task;
  Bytes payload;  // the exact TaskDefined payload (its hash is the params hash)
  uint64_t sequence = 0;
  // The last event of the task: its definition, its withdrawal or a ceremony event of one of
  // its draws (a public bundle of its draws needs a checkpoint past it).
  uint64_t last_sequence = 0;
  uint16_t year = 0;  // the plan's year
  bool withdrawn = false;
  std::vector<std::string> draw_ids;  // in order
  uint32_t commits = 0;               // DrawCommitted events for this task
  uint32_t cancelled_commits = 0;     // of which cancelled
  // "redrawn N times" (R20): every commit after the first.
  uint32_t redraws() const { return commits > 0 ? commits - 1 : 0; }
};

struct DrawInfo {
  std::string draw_id;
  std::string task_id;
  DrawPhase phase = DrawPhase::kFrozen;
  DrawPhase phase_before_cancel = DrawPhase::kFrozen;
  uint64_t freeze_sequence = 0;
  int64_t freeze_time_us = 0;
  uint64_t commit_sequence = 0;
  int64_t commit_time_us = 0;
  uint64_t reveal_sequence = 0;
  int64_t reveal_time_us = 0;
  uint64_t cancel_sequence = 0;
  FreezeRecord freeze;
  CommitRecord commit;
  Hash commitment{};  // CommitmentHash of the commit payload
  RevealRecord reveal;
  uint32_t parts_seen = 0;
  uint32_t parts = 0;
  std::vector<StratumCount> result_strata;
  std::vector<VisitRecord> visits;  // the result, with declines applied
  std::vector<DeclineRecord> declines;
  std::string cancel_reason;
  bool committed() const {
    return phase == DrawPhase::kCommitted || phase == DrawPhase::kRevealed ||
           phase == DrawPhase::kResulted ||
           (phase == DrawPhase::kCancelled && phase_before_cancel != DrawPhase::kFrozen);
  }
};

// What a draw consumes, captured at the freeze: the populations and the team exclusions.
struct FrozenInputs {
  Population population;
  std::set<std::pair<std::string, std::string>> conflicts;  // (inspector id, credit code)
  // The same conflicts by credit code (filled by DrawWorld::Freeze, or IndexConflicts()).
  std::map<std::string, std::vector<std::string>, std::less<>> conflicts_by_code;
  void IndexConflicts();
  std::map<std::string, std::vector<std::string>, std::less<>> previous_teams;  // by code
  TeamInputs Teams() const;
};

// The state the draw fold reads and writes: plans, tasks, draws and each target's visit
// history, beside a read of the directory at the same position. The rules (ApplyDrawEvent,
// the Check* functions, FreezeInputs) are written once against it; DrawWorld keeps it in
// memory (the verifier, the tests' oracle), the "draws" projection folder in LMDB rows
// (projections/draw_projection.h).
//
// Find* return nullptr when absent; the pointers stay valid until the store is destroyed
// (an LMDB store caches what it read for its one transaction). Mutable* return the record
// to change in place (an LMDB store writes it back when flushed); a Put* creates or
// replaces. Not thread-safe.
class DrawStore {
 public:
  virtual ~DrawStore() = default;
  virtual const directory::DirectoryReader& directory() const = 0;
  virtual const PlanInfo* FindPlan(std::string_view plan_id) const = 0;
  virtual const TaskInfo* FindTask(std::string_view task_id) const = 0;
  virtual const DrawInfo* FindDraw(std::string_view draw_id) const = 0;
  virtual const std::vector<PastVisit>* FindVisits(std::string_view credit_code) const = 0;
  // R10: the first visit (in draw id, then draw order) of a resulted draw other than
  // `draw_id` that merged into `draw_id`: (that draw's id, the visit's credit code).
  virtual std::optional<std::pair<std::string, std::string>> FirstMergedInto(
      std::string_view draw_id) const = 0;
  // Plans (latest versions), tasks and draws in id order from after `after` (exclusive; ""
  // from the first), at most `limit` (0: all), until fn returns false. The records passed
  // are valid only during the call.
  virtual Status ForEachPlan(std::string_view after, size_t limit,
                             const std::function<bool(const PlanInfo&)>& fn) const = 0;
  virtual Status ForEachTask(std::string_view after, size_t limit,
                             const std::function<bool(const TaskInfo&)>& fn) const = 0;
  virtual Status ForEachDraw(std::string_view after, size_t limit,
                             const std::function<bool(const DrawInfo&)>& fn) const = 0;

  // A new version of a plan (the plan's row holds the latest).
  virtual void PutPlan(PlanInfo p) = 0;
  virtual void PutTask(TaskInfo t) = 0;
  virtual void PutDraw(DrawInfo d) = 0;
  virtual TaskInfo* MutableTask(std::string_view task_id) = 0;
  virtual DrawInfo* MutableDraw(std::string_view draw_id) = 0;
  // A target's visit history, created empty if `create`; nullptr if absent otherwise. An
  // empty history is removed when written back (Memory: by the fold, which erases it).
  virtual std::vector<PastVisit>* MutableVisits(std::string_view credit_code, bool create) = 0;
  virtual void EraseVisits(std::string_view credit_code) = 0;
  // A draw reached DrawPhase::kResulted, or left it (cancelled): stores that index merged
  // visits (FirstMergedInto) update it here.
  virtual void NoteResulted(const DrawInfo& /*d*/, bool /*resulted*/) {}
};

// The rules of the draw fold over any store (see the file comment).
Status ApplyDrawEvent(const EntryView& e, DrawStore& store);
StatusOr<FrozenInputs> FreezeInputs(const DrawStore& store, std::string_view task_id,
                                    ExclusionCounts* excluded = nullptr);
StatusOr<uint16_t> CheckTask(const DrawStore& store, const TaskRecord& task);
Status CheckPlan(const DrawStore& store, const PlanRecord& plan);
Status CheckCancel(const DrawStore& store, const CancelRecord& c);
const DrawInfo* LiveDraw(const DrawStore& store, std::string_view task_id);

// The whole state in memory, folded from a whole log (directory + draws). Copyable.
class DrawWorld final : public DrawStore, private directory::DirectoryReader {
 public:
  // Folds one entry (any type) into the directory and the draw state.
  Status Apply(const EntryView& e);

  // The inputs of a draw of `task_id` if it were frozen now; kNotFound / kFailedPrecondition
  // when the task is unknown or withdrawn. `excluded` gets the exclusion counts.
  StatusOr<FrozenInputs> Freeze(std::string_view task_id, ExclusionCounts* excluded = nullptr) const;

  // The reference checks a TaskDefined event must pass here (new id, known plan and org,
  // regions within the org's jurisdiction, a published item list holding its items, window
  // in the plan's year); returns the plan's year.
  StatusOr<uint16_t> CheckTask(const TaskRecord& task) const;
  // The checks a PlanFiled (validation, known org, filed with its parent org, next version)
  // and a DrawCancelled (known live draw, a reason, no live visits merged into it) must pass.
  // The node runs them before appending, so it never writes an event the fold refuses.
  Status CheckPlan(const PlanRecord& plan) const;
  Status CheckCancel(const CancelRecord& c) const;

  // The live (not cancelled) draw of a task, if any.
  const DrawInfo* LiveDraw(std::string_view task_id) const;
  const TaskInfo* Task(std::string_view task_id) const;
  const DrawInfo* Draw(std::string_view draw_id) const;

  directory::MemoryDirectory dir;
  std::map<std::string, PlanInfo, std::less<>> plans;
  std::map<std::string, TaskInfo, std::less<>> tasks;
  std::map<std::string, DrawInfo, std::less<>> draws;
  VisitHistory visits;

  // DrawStore
  const directory::DirectoryReader& directory() const override { return *this; }
  const PlanInfo* FindPlan(std::string_view plan_id) const override;
  const TaskInfo* FindTask(std::string_view task_id) const override { return Task(task_id); }
  const DrawInfo* FindDraw(std::string_view draw_id) const override { return Draw(draw_id); }
  const std::vector<PastVisit>* FindVisits(std::string_view credit_code) const override;
  std::optional<std::pair<std::string, std::string>> FirstMergedInto(
      std::string_view draw_id) const override;
  Status ForEachPlan(std::string_view after, size_t limit,
                     const std::function<bool(const PlanInfo&)>& fn) const override;
  Status ForEachTask(std::string_view after, size_t limit,
                     const std::function<bool(const TaskInfo&)>& fn) const override;
  Status ForEachDraw(std::string_view after, size_t limit,
                     const std::function<bool(const DrawInfo&)>& fn) const override;
  void PutPlan(PlanInfo p) override;
  void PutTask(TaskInfo t) override;
  void PutDraw(DrawInfo d) override;
  TaskInfo* MutableTask(std::string_view task_id) override;
  DrawInfo* MutableDraw(std::string_view draw_id) override;
  std::vector<PastVisit>* MutableVisits(std::string_view credit_code, bool create) override;
  void EraseVisits(std::string_view credit_code) override;

 private:
  // directory::DirectoryReader over `dir`
  std::optional<directory::OrgUnitRecord> Org(std::string_view org_id) const override;
  std::optional<directory::TargetRecord> Target(std::string_view code) const override;
  std::optional<directory::ItemListRecord> ItemList(std::string_view org_id,
                                                    uint32_t version) const override;
  uint32_t ItemListInForce(std::string_view org_id, std::string_view date) const override;
  uint64_t TargetCount() const override;
  uint64_t ForEachTargetIn(const std::vector<std::string>& regions,
                           const std::function<bool(const directory::TargetRecord&)>& fn) const override;
  std::optional<directory::InspectorRecord> Inspector(std::string_view inspector_id) const override;
  void ForEachInspector(
      const std::function<bool(const directory::InspectorRecord&)>& fn) const override;
  std::vector<std::string> ConflictsOf(std::string_view inspector_id) const override;
};

// 递补: the next substitute of a visit in draw order, skipping those already on its team or
// who declined it; "" when none is left. The one rule both the fold and the node use.
std::string NextSubstitute(const DrawInfo& d, const VisitRecord& v);

// True for 200..299.
bool IsDrawEvent(EventType type);

// drand quicknet (the chain the commitment names by default).
inline constexpr std::string_view kDrandQuicknetChain =
    "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971";
inline constexpr int64_t kDrandQuicknetGenesis = 1692803367;
inline constexpr int64_t kDrandQuicknetPeriod = 3;
// The unix time of a quicknet round (round 1 is at genesis).
int64_t DrandRoundTime(uint64_t round);
// The first quicknet round whose time is strictly after `unix_seconds`.
uint64_t DrandFirstRoundAfter(int64_t unix_seconds);

}  // namespace suiji::draw
