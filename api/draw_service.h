// Plans, tasks and the draw ceremony on a node: decides and appends the events of
// schemas/draw.fbs against an in-memory fold of the whole log (api/world_fold.h: its own, or
// one shared with the other services). Every check the verifier makes is made here first, so the node never writes a draw the
// verifier would reject.
//
// Secrets: Commit draws 32 bytes from libsodium's randombytes and keeps them in
// DIR/draws/secrets/<draw id>.secret (0600, written to a .tmp file, fsynced and renamed, the
// directory fsynced, all before the commit is appended) until the reveal, which deletes the
// file once the reveal is durable. A secret file of a draw whose commitment is not in the log
// is stale (a commit killed before it was durable): Commit replaces it with a fresh secret,
// never reusing it. The secret of a commitment in the log is never overwritten. A secret path
// that is not a regular file (a directory) is kFailedPrecondition naming it. Crash point
// (ledger/crash_point.h): draw-commit.secret-written, after the secret is durable and before
// the commitment is appended.
//
// Lifetime: borrows the Ledger and the log (or the shared fold), which must outlive it. Not
// thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/world_fold.h"
#include "ledger/core/draw/state.h"
#include "ledger/ledger.h"
#include "projections/lmdb_projection.h"

namespace suiji {

// The external entropy a commitment declares (at least one source is required).
struct EntropyPlan {
  bool drand = true;
  int64_t drand_delay_seconds = 30;  // the round is the first after commit time + this
  std::string lottery_name;          // e.g. "福彩3D"; empty: none
  std::string lottery_issue;         // e.g. "2026320"
  int64_t lottery_time = 0;          // unix seconds of that draw (must be after the commit)
  std::vector<std::string> witnesses;
  std::string note;
};

struct RevealInputs {
  Bytes drand_randomness;  // 32 bytes
  Bytes drand_signature;   // required with drand; the randomness must be its SHA-256
  std::string lottery_digits;
  std::vector<std::string> witness_digits;
};

struct FreezeResult {
  std::string draw_id;
  uint64_t sequence = 0;
  draw::FreezeRecord freeze;
  draw::ExclusionCounts excluded;
};

class DrawService {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since 1970 UTC
  // With its own fold of `log`.
  DrawService(Ledger& ledger, const LogStorage& log, std::filesystem::path data_dir,
              Clock clock = {});
  // Deciding against a fold shared with other services (the server's), which must outlive it.
  DrawService(Ledger& ledger, WorldFold& shared, std::filesystem::path data_dir,
              Clock clock = {});

  // Deciding against the node's projections (their "draws" folder, projections/
  // draw_projection.h), caught up from `log` (only the entries not applied yet) before each
  // decision: nothing folds the whole log. world() is not available.
  DrawService(Ledger& ledger, std::shared_ptr<LmdbProjection> projection, const LogStorage& log,
              std::filesystem::path data_dir, Clock clock = {});

  // Folds log entries not yet seen (catches the projection up).
  Status Sync();
  // The in-memory fold (a service built with one; aborts otherwise).
  const draw::DrawWorld& world() const;
  // The ledger it appends to.
  const Ledger& ledger() const { return ledger_; }
  // The projections it decides against; null for a service deciding against a fold.
  std::shared_ptr<LmdbProjection> projection() const { return projection_; }
  // Runs fn on the state decisions read (the fold, or one read of the projection).
  Status Read(const std::function<Status(const draw::DrawStore&)>& fn) const;

  // Files a plan or its next version (the version is set here).
  StatusOr<uint64_t> FilePlan(draw::PlanRecord plan, const Actor& actor);
  StatusOr<uint64_t> DefineTask(const draw::TaskRecord& task, const Actor& actor);
  StatusOr<uint64_t> WithdrawTask(std::string_view task_id, std::string_view reason,
                                  const Actor& actor);

  // Freezes the eligible populations of a task now. kFailedPrecondition if the task has a
  // committed draw (cancel it first) or no eligible target or too few inspectors.
  StatusOr<FreezeResult> Freeze(std::string_view task_id, const Actor& actor);
  // Commits the draw frozen last for its task.
  StatusOr<uint64_t> Commit(std::string_view draw_id, const EntropyPlan& entropy,
                            const Actor& actor);
  // Reveals and appends the result (one durable batch). kFailedPrecondition while the
  // declared entropy does not exist yet (naming how long to wait).
  StatusOr<uint64_t> Reveal(std::string_view draw_id, const RevealInputs& in, const Actor& actor);
  StatusOr<uint64_t> Cancel(std::string_view draw_id, std::string_view reason,
                            const Actor& actor);
  // An inspector who cannot attend; the next substitute replaces them.
  StatusOr<uint64_t> Decline(std::string_view draw_id, std::string_view credit_code,
                             std::string_view inspector_id, std::string_view reason,
                             const Actor& actor);

  // The inputs of a draw recomputed from the log up to its freeze (the frozen lists).
  StatusOr<draw::FrozenInputs> FrozenInputsOf(std::string_view draw_id) const;
  // The same from the log alone (no service state: safe on any thread): the inputs of a draw
  // of `task_id` frozen at `freeze_sequence`.
  static StatusOr<draw::FrozenInputs> FrozenInputsAt(const LogStorage& log,
                                                     uint64_t freeze_sequence,
                                                     std::string_view task_id);
  // Every filed version of a plan, oldest first, read from the log (the world keeps only
  // the latest). Empty for an unknown plan.
  StatusOr<std::vector<draw::PlanInfo>> PlanVersions(std::string_view plan_id) const;

  std::filesystem::path SecretPath(std::string_view draw_id) const;

 private:
  StatusOr<uint64_t> AppendDecided(
      const std::function<StatusOr<std::vector<EventDraft>>(const draw::DrawStore&)>& decide);
  DrawService(Ledger& ledger, std::unique_ptr<WorldFold> own, WorldFold* shared,
              std::filesystem::path data_dir, Clock clock);
  int64_t NowUs() const;

  Ledger& ledger_;
  std::unique_ptr<WorldFold> own_fold_;  // null with a shared fold
  WorldFold* fold_;                      // null when deciding against the projection
  std::shared_ptr<LmdbProjection> projection_;
  const LogStorage& log_;
  std::filesystem::path data_dir_;
  Clock clock_;
};

// Checks a draw id: 1-64 characters from [A-Za-z0-9._-] (it names a file).
Status ValidateDrawId(std::string_view id);

}  // namespace suiji
