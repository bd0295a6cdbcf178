#include "api/draw_service.h"

#include "api/fold_append.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <chrono>
#include <fstream>

#include "api/directory_service.h"  // FieldErrorsStatus
#include "ledger/core/sha256.h"
#include "ledger/private_files.h"
#include "ledger/crash_point.h"
#include "ledger/replay.h"
#include "projections/draw_projection.h"

namespace suiji {

namespace {

using draw::DrawInfo;
using draw::DrawPhase;

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

// What is at a secret path: nothing, a regular file, or something else (a directory...),
// which no secret step may touch: kFailedPrecondition naming it.
StatusOr<bool> SecretFileExists(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return FileError(errno, path, "cannot look at secret file");
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPrecondition("the secret path " + path.string() +
                              " is not a regular file (a directory?): move it away");
  }
  return true;
}

// Writes the secret to `path` whole or not at all: to "<path>.tmp" (0600, fsynced), renamed
// over `path`, directory fsynced. A file already at `path` is replaced: Commit calls this only
// for a draw whose commitment is not in the log, so that file is a stale secret of a commit
// that never became durable (its hash was never published; it is never reused).
Status WriteSecretFile(const std::filesystem::path& path, ByteView secret) {
  const std::filesystem::path dir = path.parent_path();
  SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(dir));
  SUIJI_ASSIGN_OR_RETURN(bool stale, SecretFileExists(path));
  (void)stale;
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  SUIJI_ASSIGN_OR_RETURN(bool torn, SecretFileExists(tmp));  // left by a kill: never used
  if (torn && ::unlink(tmp.c_str()) != 0) {
    return FileError(errno, tmp, "cannot remove");
  }
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return FileError(errno, tmp, "cannot create secret file");
  }
  bool ok = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return FileError(err, path, "cannot write secret file");
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ok = dfd >= 0 && ::fsync(dfd) == 0;
  err = errno;
  if (dfd >= 0) ::close(dfd);
  if (!ok) return FileError(err, dir, "cannot sync directory");
  return OkStatus();
}

StatusOr<Bytes> ReadSecretFile(const std::filesystem::path& path) {
  SUIJI_ASSIGN_OR_RETURN(bool exists, SecretFileExists(path));
  if (!exists) return NotFound("the draw's secret " + path.string() + " is missing");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(errno, path, "cannot open secret file");
  // A secret others could read is no secret: refused as a key file in that mode is.
  if (Status mode = CheckPrivateFile(fd, path, "the draw's secret file"); !mode.ok()) {
    ::close(fd);
    return mode;
  }
  Bytes b(33);  // one more than a secret, to tell a longer file
  ssize_t n = ::read(fd, b.data(), b.size());
  const int err = errno;
  ::close(fd);
  if (n < 0) return FileError(err, path, "cannot read secret file");
  if (n != 32) return DataLoss("secret file " + path.string() + " is not 32 bytes");
  b.resize(32);
  return b;
}

}  // namespace

Status ValidateDrawId(std::string_view id) {
  if (id.empty() || id.size() > 64) return InvalidArgument("id must be 1-64 characters");
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return InvalidArgument("id " + Q(id) + " may only use A-Z a-z 0-9 . _ -");
  }
  if (id[0] == '.') return InvalidArgument("id " + Q(id) + " may not start with '.'");
  return OkStatus();
}

DrawService::DrawService(Ledger& ledger, const LogStorage& log, std::filesystem::path data_dir,
                         Clock clock)
    : DrawService(ledger, std::make_unique<WorldFold>(log), nullptr, std::move(data_dir),
                  std::move(clock)) {}

DrawService::DrawService(Ledger& ledger, WorldFold& shared, std::filesystem::path data_dir,
                         Clock clock)
    : DrawService(ledger, nullptr, &shared, std::move(data_dir), std::move(clock)) {}

DrawService::DrawService(Ledger& ledger, std::shared_ptr<LmdbProjection> projection,
                         const LogStorage& log, std::filesystem::path data_dir, Clock clock)
    : ledger_(ledger),
      fold_(nullptr),
      projection_(std::move(projection)),
      log_(log),
      data_dir_(std::move(data_dir)),
      clock_(std::move(clock)) {}

DrawService::DrawService(Ledger& ledger, std::unique_ptr<WorldFold> own, WorldFold* shared,
                         std::filesystem::path data_dir, Clock clock)
    : ledger_(ledger),
      own_fold_(std::move(own)),
      fold_(shared != nullptr ? shared : own_fold_.get()),
      log_(fold_->log()),
      data_dir_(std::move(data_dir)),
      clock_(std::move(clock)) {}

const draw::DrawWorld& DrawService::world() const {
  if (fold_ == nullptr) {
    std::fprintf(stderr, "DrawService::world() of a service deciding against the projection\n");
    std::abort();
  }
  return fold_->world().draws;
}

int64_t DrawService::NowUs() const { return NowUsFrom(clock_); }

std::filesystem::path DrawService::SecretPath(std::string_view draw_id) const {
  return data_dir_ / "draws" / "secrets" / (std::string(draw_id) + ".secret");
}

Status DrawService::Sync() {
  if (fold_ != nullptr) return fold_->Sync();
  return projection_->CatchUp(log_);
}

Status DrawService::Read(const std::function<Status(const draw::DrawStore&)>& fn) const {
  if (fold_ != nullptr) return fn(fold_->world().draws);
  return projection_->Read([&](MDB_txn* txn) {
    auto store = DrawStoreIn(txn, *projection_);
    if (store == nullptr) return Internal("the projection has no draws folder");
    Status s = fn(*store);
    if (!store->status().ok()) return store->status();
    return s;
  });
}

StatusOr<uint64_t> DrawService::AppendDecided(
    const std::function<StatusOr<std::vector<EventDraft>>(const draw::DrawStore&)>& decide) {
  if (fold_ != nullptr) {
    return AppendAtFold(ledger_, [this] { return Sync(); }, fold_->applied(),
                        [&] { return decide(fold_->world().draws); });
  }
  // The same against the projection: catch it up (only the new entries), decide in one read
  // of it, append at the position that read saw; another writer first (kAborted): again.
  constexpr int kMaxRetries = 3;
  for (int attempt = 0;; ++attempt) {
    SUIJI_RETURN_IF_ERROR(Sync());
    uint64_t at = 0;
    std::vector<EventDraft> drafts;
    const Status read = projection_->Read([&](MDB_txn* txn) {
      at = projection_->AppliedIn(txn);
      auto store = DrawStoreIn(txn, *projection_);
      if (store == nullptr) return Internal("the projection has no draws folder");
      auto decided = decide(*store);
      if (!store->status().ok()) return store->status();
      if (!decided.ok()) return decided.status();
      drafts = std::move(*decided);
      return OkStatus();
    });
    if (!read.ok()) return read;
    auto r = ledger_.Append(drafts, at);
    if (r.ok()) {
      SUIJI_RETURN_IF_ERROR(Sync());
      return r;
    }
    if (r.status().code() != StatusCode::kAborted || attempt + 1 >= kMaxRetries) return r.status();
  }
}

StatusOr<uint64_t> DrawService::FilePlan(draw::PlanRecord plan, const Actor& actor) {
  return AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const draw::PlanInfo* it = state.FindPlan(plan.plan_id);
    plan.version = it == nullptr ? 1 : it->plan.version + 1;
    auto errs = draw::ValidatePlan(plan);
    if (!errs.empty()) return FieldErrorsStatus(errs);
    SUIJI_RETURN_IF_ERROR(draw::CheckPlan(state, plan));
    return std::vector<EventDraft>{{EventType::PlanFiled, draw::EncodePlan(plan), actor}};
  });
}

StatusOr<uint64_t> DrawService::DefineTask(const draw::TaskRecord& task, const Actor& actor) {
  auto errs = draw::ValidateTask(task);
  if (!errs.empty()) return FieldErrorsStatus(errs);
  SUIJI_RETURN_IF_ERROR(ValidateDrawId(task.task_id));
  return AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    if (state.FindTask(task.task_id) != nullptr) {
      return AlreadyExists("task " + Q(task.task_id) + " is already defined");
    }
    SUIJI_RETURN_IF_ERROR(draw::CheckTask(state, task).status());
    Bytes payload = draw::EncodeTask(task);
    return std::vector<EventDraft>{{EventType::TaskDefined, std::move(payload), actor}};
  });
}

StatusOr<uint64_t> DrawService::WithdrawTask(std::string_view task_id, std::string_view reason,
                                             const Actor& actor) {
  if (reason.empty()) return InvalidArgument("a withdrawal needs a reason");
  return AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const draw::TaskInfo* t = state.FindTask(task_id);
    if (t == nullptr) return NotFound("unknown task " + Q(task_id));
    if (t->withdrawn) return AlreadyExists("task " + Q(task_id) + " is already withdrawn");
    const DrawInfo* live = draw::LiveDraw(state, task_id);
    if (live != nullptr && live->phase != DrawPhase::kFrozen) {
      return FailedPrecondition("task " + Q(task_id) + " has committed draw " +
                                Q(live->draw_id) + "; cancel it first");
    }
    return std::vector<EventDraft>{
        {EventType::TaskWithdrawn,
         draw::EncodeTaskWithdrawn({std::string(task_id), std::string(reason)}), actor}};
  });
}

StatusOr<FreezeResult> DrawService::Freeze(std::string_view task_id, const Actor& actor) {
  FreezeResult result;
  auto seq = AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const draw::TaskInfo* t = state.FindTask(task_id);
    if (t == nullptr) return NotFound("unknown task " + Q(task_id));
    const DrawInfo* live = draw::LiveDraw(state, task_id);
    if (live != nullptr && live->phase != DrawPhase::kFrozen) {
      return FailedPrecondition("task " + Q(task_id) + " already has " +
                                std::string(draw::DrawPhaseName(live->phase)) + " draw " +
                                Q(live->draw_id) + "; a redraw needs its cancellation first");
    }
    result.excluded = {};
    SUIJI_ASSIGN_OR_RETURN(draw::FrozenInputs in, draw::FreezeInputs(state, task_id, &result.excluded));
    const auto& pop = in.population;
    if (pop.targets.empty()) {
      return FailedPrecondition("task " + Q(task_id) + " has no eligible target");
    }
    if (pop.inspectors.size() < t->task.inspectors.team_size) {
      return FailedPrecondition("task " + Q(task_id) + " has " +
                                std::to_string(pop.inspectors.size()) +
                                " qualified inspectors, fewer than a team of " +
                                std::to_string(t->task.inspectors.team_size));
    }
    auto roots = draw::RootsOf(pop);
    draw::FreezeRecord& f = result.freeze;
    f = {};
    f.draw_id = std::string(task_id) + "-d" + std::to_string(t->draw_ids.size() + 1);
    f.task_id = std::string(task_id);
    f.target_count = pop.targets.size();
    f.target_root = roots.targets;
    f.inspector_count = pop.inspectors.size();
    f.inspector_root = roots.inspectors;
    f.expert_count = pop.experts.size();
    f.expert_root = roots.experts;
    f.strata = draw::ComputeQuotas(t->task, pop);
    result.draw_id = f.draw_id;
    return std::vector<EventDraft>{{EventType::DrawFrozen, draw::EncodeFreeze(f), actor}};
  });
  if (!seq.ok()) return seq.status();
  result.sequence = *seq;
  return result;
}

StatusOr<uint64_t> DrawService::Commit(std::string_view draw_id, const EntropyPlan& entropy,
                                       const Actor& actor) {
  if (!entropy.drand && entropy.lottery_name.empty() && entropy.witnesses.empty()) {
    return InvalidArgument(
        "a commitment needs external entropy: drand, a public lottery draw or witnesses");
  }
  if (!entropy.lottery_name.empty() && entropy.lottery_issue.empty()) {
    return InvalidArgument("a lottery needs its issue number");
  }
  for (const auto& w : entropy.witnesses) {
    if (w.empty()) return InvalidArgument("a witness needs a name");
  }
  Bytes secret(32);
  std::filesystem::path path = SecretPath(draw_id);
  bool secret_written = false;
  auto seq = AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const DrawInfo* d = state.FindDraw(draw_id);
    if (d == nullptr) return NotFound("unknown draw " + Q(draw_id));
    if (d->phase != DrawPhase::kFrozen) {
      // Its secret file (if any) belongs to a commitment in the log: never touched here.
      std::string kept;
      auto exists = SecretFileExists(path);
      if (d->phase == DrawPhase::kCommitted && exists.ok() && *exists) {
        kept = "; its secret " + path.string() + " belongs to the commitment at entry " +
               std::to_string(d->commit_sequence) + " and is kept for `suiji draw reveal`";
      }
      return FailedPrecondition("draw " + Q(draw_id) + " is " +
                                std::string(draw::DrawPhaseName(d->phase)) +
                                "; only a frozen draw can be committed" + kept);
    }
    const int64_t now_s = NowUs() / 1000000;
    if (!entropy.lottery_name.empty() && entropy.lottery_time <= now_s + 60) {
      return FailedPrecondition("the lottery draw " + entropy.lottery_issue +
                                " is not in the future; declare one that has not happened");
    }
    if (!secret_written) {
      // Frozen, so the log holds no commitment of this draw: a secret file already there is
      // stale (a commit killed before it was durable) and is replaced by a fresh secret.
      randombytes_buf(secret.data(), secret.size());
      SUIJI_RETURN_IF_ERROR(WriteSecretFile(path, secret));
      secret_written = true;
      CrashPoint("draw-commit.secret-written");
    }
    const draw::TaskInfo* t = state.FindTask(d->task_id);
    draw::CommitRecord c;
    c.draw_id = d->draw_id;
    c.task_id = d->task_id;
    c.freeze_sequence = d->freeze_sequence;
    c.target_count = d->freeze.target_count;
    c.target_root = d->freeze.target_root;
    c.inspector_count = d->freeze.inspector_count;
    c.inspector_root = d->freeze.inspector_root;
    c.expert_count = d->freeze.expert_count;
    c.expert_root = d->freeze.expert_root;
    c.params_hash = draw::ParamsHash(t->payload);
    c.secret_hash = draw::SecretHash(secret);
    if (entropy.drand) {
      c.drand_chain = std::string(draw::kDrandQuicknetChain);
      c.drand_round = draw::DrandFirstRoundAfter(now_s + std::max<int64_t>(
                                                              entropy.drand_delay_seconds, 3));
      c.drand_round_time = draw::DrandRoundTime(c.drand_round);
    }
    c.lottery_name = entropy.lottery_name;
    c.lottery_issue = entropy.lottery_issue;
    c.lottery_time = entropy.lottery_name.empty() ? 0 : entropy.lottery_time;
    c.witnesses = entropy.witnesses;
    c.note = entropy.note;
    return std::vector<EventDraft>{{EventType::DrawCommitted, draw::EncodeCommit(c), actor}};
  });
  // Refused, so never committed: the secret is worthless. After kUnavailable the commitment
  // may be durable after all: the file stays (a retry replaces it if the log says it is
  // stale; a reveal uses it if not).
  if (!seq.ok() && secret_written && seq.status().code() != StatusCode::kUnavailable) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  return seq;
}

StatusOr<draw::FrozenInputs> DrawService::FrozenInputsOf(std::string_view draw_id) const {
  if (fold_ == nullptr) {
    // Deciding against the projection: the inputs stored at the freeze.
    std::optional<draw::FrozenInputs> stored;
    bool known = false;
    const Status read = projection_->Read([&](MDB_txn* txn) -> Status {
      auto store = DrawStoreIn(txn, *projection_);
      if (store == nullptr) return Internal("the projection has no draws folder");
      known = store->FindDraw(draw_id) != nullptr;
      if (!store->status().ok()) return store->status();
      if (!known) return OkStatus();
      auto found = FrozenInputsIn(txn, *projection_, draw_id);
      if (!found.ok()) return found.status();
      stored = std::move(*found);
      return OkStatus();
    });
    if (!read.ok()) return read;
    if (!known) return NotFound("unknown draw " + Q(draw_id));
    if (stored) return std::move(*stored);
  }
  uint64_t freeze_sequence = 0;
  std::string task_id;
  SUIJI_RETURN_IF_ERROR(Read([&](const draw::DrawStore& state) -> Status {
    const DrawInfo* d = state.FindDraw(draw_id);
    if (d == nullptr) return NotFound("unknown draw " + Q(draw_id));
    freeze_sequence = d->freeze_sequence;
    task_id = d->task_id;
    return OkStatus();
  }));
  return FrozenInputsAt(log_, freeze_sequence, task_id);
}

StatusOr<draw::FrozenInputs> DrawService::FrozenInputsAt(const LogStorage& log,
                                                         uint64_t freeze_sequence,
                                                         std::string_view task_id) {
  draw::DrawWorld past;
  Status inner = OkStatus();
  SUIJI_RETURN_IF_ERROR(log.Read(0, freeze_sequence, [&](uint64_t, ByteView bytes) {
    auto e = ParseEntry(bytes);
    inner = e.ok() ? past.Apply(*e) : e.status();
    return inner.ok();
  }));
  SUIJI_RETURN_IF_ERROR(inner);
  return past.Freeze(task_id);
}

StatusOr<std::vector<draw::PlanInfo>> DrawService::PlanVersions(std::string_view plan_id) const {
  std::vector<draw::PlanInfo> versions;
  if (fold_ == nullptr) {
    const Status read = projection_->Read([&](MDB_txn* txn) -> Status {
      auto store = DrawStoreIn(txn, *projection_);
      if (store == nullptr) return Internal("the projection has no draws folder");
      auto found = store->PlanVersions(plan_id);
      if (!found.ok()) return found.status();
      versions = std::move(*found);
      return OkStatus();
    });
    if (!read.ok()) return read;
    return versions;
  }
  if (world().plans.count(plan_id) == 0) return versions;
  Status inner = OkStatus();
  SUIJI_RETURN_IF_ERROR(log_.Read(0, fold_->applied(), [&](uint64_t seq, ByteView bytes) {
    auto e = ParseEntry(bytes);
    if (!e.ok()) {
      inner = e.status();
      return false;
    }
    if (e->type() != EventType::PlanFiled) return true;
    auto plan = draw::DecodePlan(e->payload());
    if (!plan.ok()) {
      inner = plan.status();
      return false;
    }
    if (plan->plan_id == plan_id) versions.push_back({std::move(*plan), seq});
    return true;
  }));
  SUIJI_RETURN_IF_ERROR(inner);
  return versions;
}

StatusOr<uint64_t> DrawService::Reveal(std::string_view draw_id, const RevealInputs& in,
                                       const Actor& actor) {
  SUIJI_RETURN_IF_ERROR(Sync());
  DrawInfo draw_now;
  draw::TaskInfo task_now;
  SUIJI_RETURN_IF_ERROR(Read([&](const draw::DrawStore& state) -> Status {
    const DrawInfo* found = state.FindDraw(draw_id);
    if (found == nullptr) return NotFound("unknown draw " + Q(draw_id));
    draw_now = *found;
    task_now = *state.FindTask(found->task_id);
    return OkStatus();
  }));
  const DrawInfo* d = &draw_now;
  if (d->phase != DrawPhase::kCommitted) {
    return FailedPrecondition("draw " + Q(draw_id) + " is " +
                              std::string(draw::DrawPhaseName(d->phase)) +
                              "; only a committed draw can be revealed");
  }
  const draw::CommitRecord& c = d->commit;
  const int64_t now_s = NowUs() / 1000000;
  draw::RevealRecord r;
  r.draw_id = d->draw_id;
  if (!c.drand_chain.empty()) {
    if (now_s < c.drand_round_time) {
      return FailedPrecondition("drand round " + std::to_string(c.drand_round) + " is due in " +
                                std::to_string(c.drand_round_time - now_s) + " s; wait for it");
    }
    if (in.drand_randomness.size() != 32) {
      return InvalidArgument("drand randomness must be 32 bytes (64 hex digits) of round " +
                             std::to_string(c.drand_round));
    }
    if (in.drand_signature.empty()) {
      return InvalidArgument("the drand round's signature is required (so anyone can check the "
                             "randomness against drand's public key)");
    }
    const Hash from_signature = Sha256(in.drand_signature);
    if (Bytes(from_signature.begin(), from_signature.end()) != in.drand_randomness) {
      return InvalidArgument("drand randomness is not the SHA-256 of the signature given");
    }
    r.drand_randomness = in.drand_randomness;
    r.drand_signature = in.drand_signature;
  }
  if (!c.lottery_name.empty()) {
    if (now_s < c.lottery_time) {
      return FailedPrecondition("lottery draw " + c.lottery_issue + " has not happened yet");
    }
    if (in.lottery_digits.empty()) {
      return InvalidArgument("the lottery result (" + c.lottery_name + " " + c.lottery_issue +
                             ") is required");
    }
    r.lottery_digits = in.lottery_digits;
  }
  if (in.witness_digits.size() != c.witnesses.size()) {
    return InvalidArgument("expected digits from " + std::to_string(c.witnesses.size()) +
                           " witnesses, got " + std::to_string(in.witness_digits.size()));
  }
  for (size_t i = 0; i < in.witness_digits.size(); ++i) {
    const auto& w = in.witness_digits[i];
    if (w.empty() || w.size() > 64 ||
        w.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("witness " + c.witnesses[i] + " must give 1-64 decimal digits");
    }
  }
  r.witness_digits = in.witness_digits;
  SUIJI_ASSIGN_OR_RETURN(Bytes secret, ReadSecretFile(SecretPath(draw_id)));
  if (draw::SecretHash(secret) != c.secret_hash) {
    return DataLoss("the secret file of " + Q(draw_id) + " does not match the commitment");
  }
  r.secret = secret;
  r.seed = draw::DeriveSeed(d->commitment, c, r);

  // The draw runs on the populations at the freeze, rebuilt from the log.
  SUIJI_ASSIGN_OR_RETURN(draw::FrozenInputs frozen, FrozenInputsOf(draw_id));
  auto roots = draw::RootsOf(frozen.population);
  if (roots.targets != c.target_root || roots.inspectors != c.inspector_root ||
      roots.experts != c.expert_root) {
    return DataLoss("the populations rebuilt at sequence " + std::to_string(c.freeze_sequence) +
                    " do not match the committed roots");
  }
  const draw::TaskInfo* t = &task_now;
  draw::DrawOutcome outcome = draw::RunDraw(t->task, frozen.population, r.seed, frozen.Teams());
  std::vector<EventDraft> drafts;
  drafts.push_back({EventType::DrawRevealed, draw::EncodeReveal(r), actor});
  for (const auto& part : draw::SplitResult(draw_id, r.seed, outcome)) {
    drafts.push_back({EventType::DrawResult, draw::EncodeResultPart(part), actor});
  }
  const std::string id(draw_id);
  auto seq = AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const DrawInfo* now = state.FindDraw(id);
    if (now == nullptr || now->phase != DrawPhase::kCommitted) {
      return FailedPrecondition("draw " + Q(id) + " changed while revealing");
    }
    return drafts;
  });
  if (seq.ok()) {
    std::error_code ec;
    std::filesystem::remove(SecretPath(id), ec);
  }
  return seq;
}

StatusOr<uint64_t> DrawService::Cancel(std::string_view draw_id, std::string_view reason,
                                       const Actor& actor) {
  if (reason.empty()) return InvalidArgument("a cancellation needs a reason (it is published)");
  return AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const DrawInfo* d = state.FindDraw(draw_id);
    if (d == nullptr) return NotFound("unknown draw " + Q(draw_id));
    if (d->phase == DrawPhase::kCancelled) {
      return AlreadyExists("draw " + Q(draw_id) + " is already cancelled");
    }
    SUIJI_RETURN_IF_ERROR(draw::CheckCancel(state, {std::string(draw_id), std::string(reason)}));
    return std::vector<EventDraft>{
        {EventType::DrawCancelled,
         draw::EncodeCancel({std::string(draw_id), std::string(reason)}), actor}};
  });
}

StatusOr<uint64_t> DrawService::Decline(std::string_view draw_id, std::string_view credit_code,
                                        std::string_view inspector_id, std::string_view reason,
                                        const Actor& actor) {
  if (reason.empty()) return InvalidArgument("a declined assignment needs a recorded reason");
  return AppendDecided([&](const draw::DrawStore& state) -> StatusOr<std::vector<EventDraft>> {
    const DrawInfo* d = state.FindDraw(draw_id);
    if (d == nullptr) return NotFound("unknown draw " + Q(draw_id));
    if (d->phase != DrawPhase::kResulted) {
      return FailedPrecondition("draw " + Q(draw_id) + " has no result");
    }
    auto v = std::find_if(d->visits.begin(), d->visits.end(),
                          [&](const auto& x) { return x.credit_code == credit_code; });
    if (v == d->visits.end()) {
      return NotFound(Q(credit_code) + " was not drawn in " + Q(draw_id));
    }
    if (std::find(v->team.begin(), v->team.end(), inspector_id) == v->team.end()) {
      return FailedPrecondition(Q(inspector_id) + " is not on the team for " + Q(credit_code));
    }
    const std::string next = draw::NextSubstitute(*d, *v);
    if (next.empty()) {
      return FailedPrecondition("no substitute left for " + Q(credit_code) +
                                "; cancel the draw with a reason and redraw");
    }
    draw::DeclineRecord rec{std::string(draw_id), std::string(credit_code),
                            std::string(inspector_id), std::string(reason), next};
    return std::vector<EventDraft>{{EventType::AssignmentDeclined, draw::EncodeDecline(rec),
                                    actor}};
  });
}

}  // namespace suiji
