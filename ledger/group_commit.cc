#include "ledger/group_commit.h"

#include <algorithm>
#include <vector>

namespace suiji {

StatusOr<std::unique_ptr<GroupCommitStorage>> GroupCommitStorage::Wrap(
    std::unique_ptr<LogStorage> inner) {
  SUIJI_ASSIGN_OR_RETURN(uint64_t size, inner->Size());
  return std::unique_ptr<GroupCommitStorage>(new GroupCommitStorage(std::move(inner), size));
}

StatusOr<uint64_t> GroupCommitStorage::Size() const { return staged_size(); }

Status GroupCommitStorage::health() const {
  std::lock_guard lock(mu_);
  return failed_;
}

Status GroupCommitStorage::failure_cause() const {
  std::lock_guard lock(mu_);
  return cause_;
}

GroupCommitStorage::Stats GroupCommitStorage::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Status GroupCommitStorage::Append(uint64_t expected_next, std::span<const ByteView> entries) {
  if (!inner_->writable()) return FailedPrecondition("the storage is read-only");
  std::vector<std::shared_ptr<const Bytes>> batch;
  batch.reserve(entries.size());
  for (ByteView e : entries) batch.push_back(std::make_shared<const Bytes>(e.begin(), e.end()));
  return Stage(expected_next, batch);
}

Status GroupCommitStorage::CheckNextLocked(uint64_t expected_next) const {
  const uint64_t at = durable_ + staged_.size();
  if (expected_next == at) return OkStatus();
  return Aborted("expected next sequence " + std::to_string(expected_next) + ", the log's is " +
                 std::to_string(at));
}

Status GroupCommitStorage::Stage(uint64_t expected_next,
                                 const std::vector<std::shared_ptr<const Bytes>>& batch) {
  // A full disk refuses the batch here, before anything (a fold, a reader) has seen it: a
  // flush that failed would leave the folds holding entries the log never got, and fail the
  // storage for good.
  uint64_t bytes = 0;
  for (const auto& b : batch) bytes += b->size();
  SUIJI_RETURN_IF_ERROR(inner_->CheckSpace(bytes));
  std::lock_guard lock(mu_);
  if (!failed_.ok()) return failed_;
  SUIJI_RETURN_IF_ERROR(CheckNextLocked(expected_next));
  staged_.insert(staged_.end(), batch.begin(), batch.end());
  PublishLocked();
  return OkStatus();
}

Status GroupCommitStorage::FailLocked(uint64_t first, const Status& why) {
  cause_ = why;
  failed_ = Unavailable("the log could not be made durable from sequence " + std::to_string(first) +
                        " (" + std::string(StatusCodeName(why.code())) + ": " + why.message() +
                        "); entries after it were never acknowledged; restart the node to reopen "
                        "it from its durable log");
  return failed_;
}

Status GroupCommitStorage::TakeFlusher(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [&] { return !flushing_ || !failed_.ok(); });
  if (!failed_.ok()) return failed_;
  flushing_ = true;
  return OkStatus();
}

void GroupCommitStorage::ReleaseFlusherLocked() {
  flushing_ = false;
  changed_.notify_all();
}

Status GroupCommitStorage::WriteStagedLocked(std::unique_lock<std::mutex>& lock) {
  const uint64_t first = durable_;
  const size_t n = staged_.size();
  if (n == 0) return OkStatus();
  // The deque's elements stay put while appenders push behind them: hold them by pointer.
  std::vector<std::shared_ptr<const Bytes>> batch(staged_.begin(), staged_.begin() + static_cast<std::ptrdiff_t>(n));
  lock.unlock();
  std::vector<ByteView> views;
  views.reserve(n);
  for (const auto& b : batch) views.emplace_back(*b);
  const Status written = inner_->Append(first, views);
  // Its requesters will be told it failed: it must never complete later (see the header).
  if (!written.ok()) inner_->Abandon();
  lock.lock();
  if (!written.ok()) return FailLocked(first, written);
  staged_.erase(staged_.begin(), staged_.begin() + static_cast<std::ptrdiff_t>(n));
  durable_ += n;
  ++stats_.flushes;
  stats_.entries_flushed += n;
  stats_.largest_flush = std::max<uint64_t>(stats_.largest_flush, n);
  PublishLocked();
  return OkStatus();
}

Status GroupCommitStorage::WaitDurable(uint64_t size) {
  // Nothing to wait for (every read while nobody writes): no lock. A failed storage never
  // advances durable_, so this never hides a failure that concerns `size`.
  if (size <= durable_size()) return OkStatus();
  std::unique_lock lock(mu_);
  for (;;) {
    if (!failed_.ok()) return failed_;
    if (durable_ >= size) return OkStatus();
    if (size > durable_ + staged_.size()) {
      return InvalidArgument("cannot wait for " + std::to_string(size) + " entries: the log has " +
                             std::to_string(durable_ + staged_.size()));
    }
    if (flushing_) {
      // Someone is writing; our entries are in this batch or will be in the next one.
      changed_.wait(lock);
      continue;
    }
    flushing_ = true;
    const Status s = WriteStagedLocked(lock);
    ReleaseFlusherLocked();
    SUIJI_RETURN_IF_ERROR(s);
  }
}

Status GroupCommitStorage::AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) {
  if (!inner_->writable()) return FailedPrecondition("the storage is read-only");
  if (count <= kMaxStagedBatch) {
    // On a full disk, refused before `next` signs anything (and a fold following the batch,
    // ledger/tail_view.h, sees any of it); Stage checks again with the batch's size.
    SUIJI_RETURN_IF_ERROR(inner_->CheckSpace(0));
    // The Ledger appends every batch this way: an ordinary write is staged.
    std::vector<std::shared_ptr<const Bytes>> batch;
    batch.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      SUIJI_ASSIGN_OR_RETURN(ByteView b, next(i));
      batch.push_back(std::make_shared<const Bytes>(b.begin(), b.end()));
    }
    return Stage(expected_next, batch);
  }
  SUIJI_RETURN_IF_ERROR(inner_->CheckSpace(0));
  std::unique_lock lock(mu_);
  SUIJI_RETURN_IF_ERROR(TakeFlusher(lock));
  Status s = WriteStagedLocked(lock);
  if (s.ok()) s = CheckNextLocked(expected_next);
  if (s.ok()) {
    // Nothing is staged now, and nothing can be (appends are serialised by the caller, who
    // is here): stream straight into the storage underneath. A failure there writes
    // nothing, as the contract says, so the storage stays usable.
    lock.unlock();
    s = inner_->AppendFrom(expected_next, count, next);
    lock.lock();
    if (s.ok()) {
      durable_ += count;
      PublishLocked();
    }
  }
  ReleaseFlusherLocked();
  return s;
}

Status GroupCommitStorage::PutCheckpoint(uint64_t size, std::string_view note) {
  SUIJI_RETURN_IF_ERROR(WaitDurable(size));
  return inner_->PutCheckpoint(size, note);
}

Status GroupCommitStorage::ReadCheckpoints(
    const std::function<bool(uint64_t, std::string_view)>& fn) const {
  return inner_->ReadCheckpoints(fn);
}

Status GroupCommitStorage::Read(uint64_t from, uint64_t to,
                                const std::function<bool(uint64_t, ByteView)>& fn) const {
  uint64_t durable = 0;
  std::vector<std::shared_ptr<const Bytes>> staged;
  {
    std::lock_guard lock(mu_);
    durable = durable_;
    const uint64_t size = durable_ + staged_.size();
    if (from > to || to > size) {
      return InvalidArgument("read [" + std::to_string(from) + ", " + std::to_string(to) +
                             ") beyond the log's " + std::to_string(size) + " entries");
    }
    for (uint64_t s = std::max(from, durable_); s < to; ++s) staged.push_back(staged_[s - durable_]);
  }
  bool go_on = true;
  if (from < durable) {
    SUIJI_RETURN_IF_ERROR(inner_->Read(from, std::min(to, durable), [&](uint64_t seq, ByteView b) {
      go_on = fn(seq, b);
      return go_on;
    }));
  }
  uint64_t seq = std::max(from, durable);
  for (const auto& b : staged) {
    if (!go_on) break;
    go_on = fn(seq++, ByteView(*b));
  }
  return OkStatus();
}

}  // namespace suiji
