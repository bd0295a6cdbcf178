// What every benchmark here measures besides its own figure: the physical limit in the same
// run (raw libsodium Ed25519 sign and verify rates on the same cores), peak memory and the
// median of the rounds. Header-only; used by the programs in this folder only.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <vector>

#include "ledger/core/ed25519.h"

namespace suiji::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Runs `work(seconds)` on `threads` threads at once; each returns how many operations it
// did. Operations per second over all threads.
template <typename Work>
double RatePerSecond(unsigned threads, double seconds, Work work) {
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&] { total += work(seconds); });
  for (auto& th : pool) th.join();
  return static_cast<double>(total.load()) / seconds;
}

// Signatures per second on `threads` threads over a message like a ledger body.
inline double RawSignRate(unsigned threads, double seconds) {
  return RatePerSecond(threads, seconds, [](double limit) {
    KeyPair k = KeyPair::Generate();
    std::vector<uint8_t> msg(300, 0x5a);
    uint64_t n = 0;
    const auto start = Clock::now();
    while (Seconds(start, Clock::now()) < limit) {
      for (int i = 0; i < 256; ++i) {
        msg[0] = static_cast<uint8_t>(n++);
        Signature s = k.Sign(msg);
        msg[1] ^= s[0];
      }
    }
    return n;
  });
}

// Verifications per second on `threads` threads, same message size.
inline double RawVerifyRate(unsigned threads, double seconds) {
  return RatePerSecond(threads, seconds, [](double limit) {
    KeyPair k = KeyPair::Generate();
    std::vector<uint8_t> msg(300, 0x5a);
    Signature s = k.Sign(msg);
    uint64_t n = 0, ok = 0;
    const auto start = Clock::now();
    while (Seconds(start, Clock::now()) < limit) {
      for (int i = 0; i < 64; ++i, ++n) ok += VerifySignature(k.public_key(), msg, s);
    }
    if (ok != n) std::abort();
    return n;
  });
}

inline long PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace suiji::bench
