// Sign-in sessions of the staff console (issue 18): `POST /api/v1/session` checks a user's
// password (api/credentials.h) and opens a session; its id travels in an HttpOnly,
// SameSite=Strict cookie (`suiji_session`, Secure over TLS), and a CSRF token, given in the
// JSON reply, must come back in `X-CSRF-Token` with every request that is not GET or HEAD.
//
// Sessions live in this process's memory: a restart of `suiji serve` signs everyone out. A
// session ends at its expiry (`ServerOptions::session_seconds`, 8 hours by default, not
// extended by use), at sign-out, when its user is disabled, and when its user's password
// changes (from anywhere: the session remembers the hash it was opened under).
//
// Failed sign-ins are limited per account name as typed (known or not, so the limit says
// nothing about which users exist): the first 5 failures in a row are free, then each further
// attempt must wait 2^(n-5) seconds after the last failure (1, 2, 4, ... up to 15 minutes),
// and is refused (429) before the password is even checked; a success resets the count.
// Other accounts, behind the same address or not, are never held up by it.
//
// Thread-safe. Lifetime: the server's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

namespace suiji::http {

inline constexpr std::string_view kSessionCookie = "suiji_session";
inline constexpr int kFreeSignInFailures = 5;
inline constexpr int64_t kMaxSignInWaitSeconds = 15 * 60;

class Sessions {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since 1970 UTC
  explicit Sessions(int64_t lifetime_seconds, Clock clock = {});

  struct Session {
    std::string user_id;
    std::string csrf_token;
    std::string password_hash;  // in force when it was opened
    int64_t expires_us = 0;
  };
  struct Opened {
    std::string id;  // the cookie's value
    Session session;
  };
  // A new session of `user_id`, signed in with the password whose stored hash is `hash`.
  Opened Open(std::string_view user_id, std::string_view hash);
  // The session with this cookie value, if it exists and has not expired (an expired one is
  // forgotten here).
  std::optional<Session> Find(std::string_view id);
  void Close(std::string_view id);
  int64_t lifetime_seconds() const { return lifetime_seconds_; }
  int64_t NowUs() const;

  // The failed sign-in limit, per account name. Seconds the name must still wait before a
  // password is checked for it again (0: go ahead).
  int64_t WaitSeconds(std::string_view name);
  void Failed(std::string_view name);
  void Succeeded(std::string_view name);

  // At most this many argon2id checks (64 MiB each) run at once; more sign-ins wait here.
  std::counting_semaphore<4>& hashing() { return hashing_; }

 private:
  struct Failures {
    int count = 0;
    int64_t last_us = 0;
  };
  static std::string Key(std::string_view id);  // sessions are kept by their id's SHA-256

  const int64_t lifetime_seconds_;
  Clock clock_;
  std::mutex mu_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::map<std::string, Failures, std::less<>> failures_;
  std::counting_semaphore<4> hashing_{4};
};

}  // namespace suiji::http
