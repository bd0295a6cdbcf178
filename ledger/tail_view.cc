#include "ledger/tail_view.h"

#include <algorithm>

namespace suiji {

TailView::TailView(const LogStorage& base, uint64_t base_size, uint64_t capacity)
    : base_(base), base_size_(base_size), capacity_(capacity), tail_(new Bytes[capacity]) {}

Status TailView::Push(ByteView entry) {
  const uint64_t n = published_.load(std::memory_order_relaxed);
  if (n >= capacity_) {
    return ResourceExhausted("the tail view holds " + std::to_string(capacity_) + " entries");
  }
  tail_[n].assign(entry.begin(), entry.end());
  {
    std::lock_guard lock(mu_);
    published_.store(n + 1, std::memory_order_release);
  }
  grew_.notify_all();
  return OkStatus();
}

void TailView::Release(uint64_t below) {
  if (below <= base_size_) return;
  const uint64_t to = std::min(below - base_size_, published_.load(std::memory_order_acquire));
  uint64_t from = released_.load(std::memory_order_relaxed);
  while (from < to && !released_.compare_exchange_weak(from, to)) {
  }
  for (uint64_t i = from; i < to; ++i) Bytes().swap(tail_[i]);
}

void TailView::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  grew_.notify_all();
}

bool TailView::WaitBeyond(uint64_t size, uint64_t at_least) const {
  std::unique_lock lock(mu_);
  grew_.wait(lock, [&] {
    const uint64_t now = base_size_ + published_.load(std::memory_order_acquire);
    return closed_ || now >= size + at_least;
  });
  return base_size_ + published_.load(std::memory_order_acquire) > size;
}

StatusOr<uint64_t> TailView::Size() const {
  return base_size_ + published_.load(std::memory_order_acquire);
}

Status TailView::Append(uint64_t, std::span<const ByteView>) {
  return FailedPrecondition("a tail view is read-only");
}

Status TailView::Read(uint64_t from, uint64_t to,
                      const std::function<bool(uint64_t, ByteView)>& fn) const {
  const uint64_t size = base_size_ + published_.load(std::memory_order_acquire);
  if (from > to || to > size) {
    return InvalidArgument("read [" + std::to_string(from) + ", " + std::to_string(to) +
                           ") beyond the view's " + std::to_string(size) + " entries");
  }
  if (to > base_size_ && std::max(from, base_size_) - base_size_ < released_.load(std::memory_order_acquire)) {
    return FailedPrecondition("entry " + std::to_string(std::max(from, base_size_)) +
                              " of the tail view was released");
  }
  bool go_on = true;
  if (from < base_size_) {
    SUIJI_RETURN_IF_ERROR(base_.Read(from, std::min(to, base_size_), [&](uint64_t seq, ByteView b) {
      go_on = fn(seq, b);
      return go_on;
    }));
  }
  for (uint64_t seq = std::max(from, base_size_); go_on && seq < to; ++seq) {
    go_on = fn(seq, ByteView(tail_[seq - base_size_]));
  }
  return OkStatus();
}

Status TailView::PutCheckpoint(uint64_t, std::string_view) {
  return FailedPrecondition("a tail view is read-only");
}

Status TailView::ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const {
  return base_.ReadCheckpoints(fn);
}

}  // namespace suiji
