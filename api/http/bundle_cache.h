// The public proof bundles a server has built (`GET /public/v1/bundles/{draw_id}`, which
// needs no sign-in), kept by key (the draw and the size of the checkpoint they are proven
// against), so each is built once per checkpoint and then served from memory.
//
// A build runs on the requesting thread with no lock of the cache held (nor the server's
// state lock: the route builds after releasing it), so it holds up neither writers nor other
// readers; requests for a key whose build is running wait for that build instead of starting
// another. Kept bundles are bounded by their total size: the least recently served go first;
// a failed build is not kept (the next request tries again); a bundle larger than the bound
// is served and not kept. At most `max_builds` builds run at once (each reads the whole log
// and may hold hundreds of MB): a request for another bundle while every slot is busy is
// refused (kUnavailable, 503: retry), not queued, so anonymous requests for many draws can
// take neither every core and the memory nor every worker thread.
//
// Thread-safety: every method may be called from any thread. Lifetime: owned by the server's
// node; builds hold no reference to the cache.
#pragma once

#include <cstdint>
#include <functional>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ledger/core/status.h"

namespace suiji::http {

class BundleCache {
 public:
  // A draw of 83,000 visits gives a bundle of about 380 MB (README.md, performance).
  static constexpr size_t kDefaultMaxBytes = size_t{1} << 30;
  using Bytes = std::shared_ptr<const std::string>;
  using Builder = std::function<StatusOr<std::string>()>;

  static constexpr unsigned kDefaultMaxBuilds = 2;

  explicit BundleCache(size_t max_bytes = kDefaultMaxBytes, unsigned max_builds = kDefaultMaxBuilds)
      : max_bytes_(max_bytes), max_builds_(max_builds == 0 ? 1 : max_builds) {}

  // The bundle kept under `key`, or null (a build still running counts as not kept).
  Bytes Find(const std::string& key);
  // The bundle under `key`: the kept one, or the result of the build running for it (waited
  // for), or else build() run on this thread (its error is returned and not kept).
  StatusOr<Bytes> Get(const std::string& key, const Builder& build);

  struct Counts {
    uint64_t builds = 0;  // builds started
    uint64_t hits = 0;    // requests served a kept bundle
    uint64_t shared = 0;  // requests that waited for another request's build
    uint64_t refused = 0;  // requests refused (kUnavailable) while every build slot was busy
    uint64_t kept_bytes = 0;
  };
  Counts counts() const;

  // Tests only: called on the building thread before each build, when a request joins a
  // running build, and when a build waits for a slot (with the key). Set them before the
  // server serves, clear them after.
  static std::function<void(const std::string&)>& BuildingHookForTesting();
  static std::function<void(const std::string&)>& JoinedHookForTesting();
  static std::function<void(const std::string&)>& QueuedHookForTesting();

 private:
  struct Slot {
    std::shared_future<StatusOr<Bytes>> result;
    bool ready = false;
    uint64_t last_use = 0;
    size_t bytes = 0;
  };
  void EvictLocked();

  const size_t max_bytes_;
  const unsigned max_builds_;
  mutable std::mutex mu_;
  unsigned building_ = 0;  // builds running
  std::map<std::string, Slot> slots_;
  uint64_t clock_ = 0;  // use counter, for least-recently-used eviction
  Counts counts_;
};

}  // namespace suiji::http
