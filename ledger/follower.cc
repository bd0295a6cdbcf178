#include "ledger/follower.h"

#include <algorithm>

namespace suiji {

Status ReplicaRefusesWrites() {
  return FailedPrecondition("this is a read replica: it never writes the log; writes go to the writer node");
}

StatusOr<std::unique_ptr<FollowerStorage>> FollowerStorage::Wrap(std::unique_ptr<LogStorage> inner) {
  SUIJI_ASSIGN_OR_RETURN(uint64_t size, inner->Size());
  return std::unique_ptr<FollowerStorage>(new FollowerStorage(std::move(inner), size));
}

StatusOr<uint64_t> FollowerStorage::Poll() {
  SUIJI_ASSIGN_OR_RETURN(uint64_t size, inner_->Size());
  uint64_t seen = polled_.load(std::memory_order_acquire);
  while (size > seen && !polled_.compare_exchange_weak(seen, size, std::memory_order_acq_rel)) {
  }
  return std::max(size, seen);
}

uint64_t FollowerStorage::AdvanceTo(uint64_t size) {
  size = std::min(size, topic_size());
  uint64_t shown = shown_.load(std::memory_order_acquire);
  while (size > shown && !shown_.compare_exchange_weak(shown, size, std::memory_order_acq_rel)) {
  }
  return std::max(size, shown);
}

Status FollowerStorage::Append(uint64_t, std::span<const ByteView>) { return ReplicaRefusesWrites(); }

Status FollowerStorage::AppendFrom(uint64_t, uint64_t, const EntrySource&) { return ReplicaRefusesWrites(); }

Status FollowerStorage::PutCheckpoint(uint64_t, std::string_view) { return ReplicaRefusesWrites(); }

Status FollowerStorage::Read(uint64_t from, uint64_t to,
                             const std::function<bool(uint64_t, ByteView)>& fn) const {
  const uint64_t size = shown();
  if (to > size) {
    return InvalidArgument("the log has no entry " + std::to_string(to - 1) + " (the replica shows " +
                           std::to_string(size) + " entries)");
  }
  return inner_->Read(from, to, fn);
}

Status FollowerStorage::ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const {
  const uint64_t size = shown();
  return inner_->ReadCheckpoints([&](uint64_t cp_size, std::string_view note) {
    if (cp_size > size) return false;  // increasing sizes: none after it is shown either
    return fn(cp_size, note);
  });
}

namespace {

class ReplicaDirectoryReaderStorage final : public LogStorage {
 public:
  explicit ReplicaDirectoryReaderStorage(std::unique_ptr<LogStorage> inner) : inner_(std::move(inner)) {}
  StatusOr<uint64_t> Size() const override { return inner_->Size(); }
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override {
    return inner_->Append(expected_next, entries);
  }
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override {
    return inner_->AppendFrom(expected_next, count, next);
  }
  Status Read(uint64_t from, uint64_t to, const std::function<bool(uint64_t, ByteView)>& fn) const override {
    return inner_->Read(from, to, fn);
  }
  Status PutCheckpoint(uint64_t size, std::string_view note) override { return inner_->PutCheckpoint(size, note); }
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_->ReadCheckpoints(fn);
  }
  bool writable() const override { return false; }
  bool owns_read_models() const override { return false; }
  bool folds_read_models() const override { return false; }
  Status CheckSpace(uint64_t bytes) const override { return inner_->CheckSpace(bytes); }
  Status Probe() const override { return inner_->Probe(); }
  void Abandon() override { inner_->Abandon(); }

 private:
  std::unique_ptr<LogStorage> inner_;
};

}  // namespace

std::unique_ptr<LogStorage> ReplicaDirectoryReader(std::unique_ptr<LogStorage> inner) {
  return std::make_unique<ReplicaDirectoryReaderStorage>(std::move(inner));
}

}  // namespace suiji
