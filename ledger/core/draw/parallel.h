// Splitting independent per-item work (hashing) over threads, for the draw module. Results
// never depend on the thread count: each item is computed alone and written to its own slot.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace suiji::draw::internal {

// `requested` threads (0: all cores), or 1 when there is too little work to be worth it.
inline unsigned ThreadsFor(unsigned requested, size_t work) {
  if (work < 4096) return 1;
  return requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
}

// Runs fn(begin, end) over [0, n) split into `threads` contiguous ranges.
template <typename Fn>
void ParallelRanges(size_t n, unsigned threads, Fn fn) {
  if (threads <= 1) {
    fn(size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  const size_t chunk = (n + threads - 1) / threads;
  for (unsigned k = 0; k < threads; ++k) {
    const size_t b = std::min(n, k * chunk), e = std::min(n, b + chunk);
    if (b < e) pool.emplace_back([=] { fn(b, e); });
  }
  for (auto& t : pool) t.join();
}

}  // namespace suiji::draw::internal
