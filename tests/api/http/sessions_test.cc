// The staff console's sessions and failed sign-in limit (api/http/sessions.h) on a clock the
// test moves: expiry to the microsecond, and the exact back-off schedule.
#include "api/http/sessions.h"

#include <gtest/gtest.h>

#include <regex>

namespace suiji::http {
namespace {

constexpr int64_t kSecond = 1000000;

TEST(Sessions, ASessionLastsItsLifetimeAndNoLonger) {
  int64_t now = 1'800'000'000 * kSecond;
  Sessions s(3600, [&] { return now; });
  const Sessions::Opened o = s.Open("clerk-a", "$argon2id$hash");
  EXPECT_TRUE(std::regex_match(o.id, std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_TRUE(std::regex_match(o.session.csrf_token, std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_NE(o.id, o.session.csrf_token);
  EXPECT_EQ(o.session.expires_us, now + 3600 * kSecond);
  now += 3600 * kSecond - 1;
  auto found = s.Find(o.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, "clerk-a");
  EXPECT_EQ(found->password_hash, "$argon2id$hash");
  now += 1;
  EXPECT_FALSE(s.Find(o.id));
  EXPECT_FALSE(s.Find(""));
  EXPECT_FALSE(s.Find("not-a-session"));
}

TEST(Sessions, SignOutEndsOnlyThatSession) {
  Sessions s(3600);
  const auto a = s.Open("clerk-a", "h");
  const auto b = s.Open("clerk-a", "h");
  s.Close(a.id);
  EXPECT_FALSE(s.Find(a.id));
  EXPECT_TRUE(s.Find(b.id));
}

TEST(Sessions, FailedSignInsWaitLongerEachTimeAfterFiveUpToFifteenMinutes) {
  int64_t now = 1'800'000'000 * kSecond;
  Sessions s(3600, [&] { return now; });
  for (int i = 0; i < kFreeSignInFailures; ++i) {
    EXPECT_EQ(s.WaitSeconds("clerk-a"), 0) << i;
    s.Failed("clerk-a");
  }
  // After the 5th failure: 1 s, then 2, 4, 8 ... from the last failure.
  const int64_t want[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900};
  for (int64_t w : want) {
    EXPECT_EQ(s.WaitSeconds("clerk-a"), w);
    EXPECT_EQ(s.WaitSeconds("clerk-b"), 0);  // another account is never held up
    now += w * kSecond - kSecond / 2;
    EXPECT_EQ(s.WaitSeconds("clerk-a"), 1) << w;  // rounded up
    now += kSecond / 2;
    EXPECT_EQ(s.WaitSeconds("clerk-a"), 0) << w;
    s.Failed("clerk-a");
  }
  s.Succeeded("clerk-a");
  EXPECT_EQ(s.WaitSeconds("clerk-a"), 0);
  s.Failed("clerk-a");
  EXPECT_EQ(s.WaitSeconds("clerk-a"), 0);  // the count starts again
}

}  // namespace
}  // namespace suiji::http
