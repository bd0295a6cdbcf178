#include "api/http/bundle_cache.h"

namespace suiji::http {

std::function<void(const std::string&)>& BundleCache::BuildingHookForTesting() {
  static std::function<void(const std::string&)> hook;
  return hook;
}

std::function<void(const std::string&)>& BundleCache::JoinedHookForTesting() {
  static std::function<void(const std::string&)> hook;
  return hook;
}

std::function<void(const std::string&)>& BundleCache::QueuedHookForTesting() {
  static std::function<void(const std::string&)> hook;
  return hook;
}

BundleCache::Bytes BundleCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end() || !it->second.ready) return nullptr;
  it->second.last_use = ++clock_;
  ++counts_.hits;
  return *it->second.result.get();  // ready: a kept bundle, never an error
}

StatusOr<BundleCache::Bytes> BundleCache::Get(const std::string& key, const Builder& build) {
  std::promise<StatusOr<Bytes>> promise;
  {
    std::unique_lock lock(mu_);
    if (auto it = slots_.find(key); it != slots_.end()) {
      it->second.last_use = ++clock_;
      std::shared_future<StatusOr<Bytes>> running = it->second.result;
      if (it->second.ready) {
        ++counts_.hits;
      } else {
        ++counts_.shared;
      }
      const bool joined = !it->second.ready;
      lock.unlock();
      if (joined && JoinedHookForTesting()) JoinedHookForTesting()(key);
      return running.get();  // waits, without the cache's lock, for the build
    }
    if (building_ >= max_builds_) {
      // Refused rather than queued: a queued build would hold the request's worker thread
      // for as long as the builds before it take (anonymous requests for many draws would
      // take every worker).
      ++counts_.refused;
      lock.unlock();
      if (QueuedHookForTesting()) QueuedHookForTesting()(key);
      return Unavailable("every proof-bundle build slot (" + std::to_string(max_builds_) +
                         ") is busy; retry in a few seconds");
    }
    Slot slot;
    slot.result = promise.get_future().share();
    slot.last_use = ++clock_;
    slots_.emplace(key, std::move(slot));
    ++counts_.builds;
    ++building_;
  }
  if (BuildingHookForTesting()) BuildingHookForTesting()(key);
  StatusOr<Bytes> result = [&]() -> StatusOr<Bytes> {
    try {
      SUIJI_ASSIGN_OR_RETURN(std::string bytes, build());
      return std::make_shared<const std::string>(std::move(bytes));
    } catch (const std::exception& e) {  // e.g. out of memory: the waiters must not hang
      return Internal(std::string("building the bundle failed: ") + e.what());
    }
  }();
  promise.set_value(result);
  std::lock_guard lock(mu_);
  --building_;
  auto it = slots_.find(key);
  if (!result.ok() || (*result)->size() > max_bytes_) {
    slots_.erase(it);  // waiters hold the shared future: they still get this result
  } else {
    it->second.ready = true;
    it->second.last_use = ++clock_;  // the newest: not the first to go
    it->second.bytes = (*result)->size();
    counts_.kept_bytes += it->second.bytes;
    EvictLocked();
  }
  return result;
}

void BundleCache::EvictLocked() {
  while (counts_.kept_bytes > max_bytes_) {
    auto oldest = slots_.end();
    for (auto it = slots_.begin(); it != slots_.end(); ++it) {
      if (it->second.ready && (oldest == slots_.end() || it->second.last_use < oldest->second.last_use)) {
        oldest = it;
      }
    }
    if (oldest == slots_.end()) return;
    counts_.kept_bytes -= oldest->second.bytes;
    slots_.erase(oldest);
  }
}

BundleCache::Counts BundleCache::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

}  // namespace suiji::http
