// BundleCache (api/http/bundle_cache.h) on its own: kept bundles are bounded by size (least
// recently served out first, one larger than the bound served but not kept), a failed build
// is not kept, and builds beyond the slot limit wait for a slot. Concurrent requests for one
// key sharing one build are tested through the server (public_hardening_test.cc).
#include "api/http/bundle_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace suiji::http {
namespace {

class BundleCacheTest : public ::testing::Test {
 protected:
  void TearDown() override {
    BundleCache::BuildingHookForTesting() = nullptr;
    BundleCache::QueuedHookForTesting() = nullptr;
  }
  static BundleCache::Builder Returns(std::string bytes) {
    return [bytes] { return StatusOr<std::string>(bytes); };
  }
};

TEST_F(BundleCacheTest, KeptBundlesAreBoundedLeastRecentlyServedFirstAndAnOversizedOneIsNotKept) {
  BundleCache cache(10);
  ASSERT_TRUE(cache.Get("a", Returns("aaaa")).ok());
  ASSERT_TRUE(cache.Get("b", Returns("bbbb")).ok());
  ASSERT_NE(cache.Find("a"), nullptr);  // "a" is now the more recently served
  auto c = cache.Get("c", Returns("cccc"));  // 12 bytes kept: "b" goes
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(**c, "cccc");
  EXPECT_EQ(cache.Find("b"), nullptr);
  ASSERT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(*cache.Find("a"), "aaaa");
  EXPECT_EQ(cache.counts().kept_bytes, 8u);
  auto big = cache.Get("big", Returns("0123456789x"));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ((*big)->size(), 11u);  // served
  EXPECT_EQ(cache.Find("big"), nullptr);  // not kept
  EXPECT_EQ(cache.counts().builds, 4u);
}

TEST_F(BundleCacheTest, AFailedBuildIsNotKeptAndTheNextRequestBuildsAgain) {
  BundleCache cache;
  auto failed = cache.Get("d", [] { return StatusOr<std::string>(Unavailable("the log is unreachable")); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(cache.Find("d"), nullptr);
  auto again = cache.Get("d", Returns("bundle"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(**again, "bundle");
  EXPECT_EQ(cache.counts().builds, 2u);
  auto thrown = cache.Get("e", []() -> StatusOr<std::string> { throw std::bad_alloc(); });
  EXPECT_EQ(thrown.status().code(), StatusCode::kInternal);
}

TEST_F(BundleCacheTest, BuildsBeyondTheSlotLimitAreRefusedNotQueued) {
  BundleCache cache(BundleCache::kDefaultMaxBytes, 1);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> started;
  bool release = false;
  BundleCache::BuildingHookForTesting() = [&](const std::string& key) {
    std::lock_guard lock(mu);
    started.push_back(key);
    cv.notify_all();
  };
  auto held = [&]() -> StatusOr<std::string> {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
    return std::string("first");
  };
  auto first = std::async(std::launch::async, [&] { return cache.Get("first", held); });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return started.size() == 1; }));
  }
  // Another draw's bundle while the only slot is busy: refused at once, nothing started.
  auto second = cache.Get("second", Returns("second"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("build slot"), std::string::npos) << second.status().message();
  EXPECT_EQ(cache.counts().refused, 1u);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(started, std::vector<std::string>{"first"});
    release = true;
    cv.notify_all();
  }
  auto a = first.get();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(**a, "first");
  // The slot is free again: the retry builds.
  auto retry = cache.Get("second", Returns("second"));
  ASSERT_TRUE(retry.ok()) << retry.status().message();
  EXPECT_EQ(**retry, "second");
}

}  // namespace
}  // namespace suiji::http
