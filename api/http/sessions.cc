#include "api/http/sessions.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstring>

#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"

namespace suiji::http {

namespace {

std::string RandomText() {
  std::array<uint8_t, 32> b{};
  randombytes_buf(b.data(), b.size());
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Accounts whose failures are remembered at most (the oldest-looking are dropped beyond it).
constexpr size_t kMaxRemembered = 100000;

}  // namespace

Sessions::Sessions(int64_t lifetime_seconds, Clock clock)
    : lifetime_seconds_(lifetime_seconds), clock_(std::move(clock)) {}

int64_t Sessions::NowUs() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Sessions::Key(std::string_view id) { return ToHex(Sha256(AsBytes(id))); }

Sessions::Opened Sessions::Open(std::string_view user_id, std::string_view hash) {
  Opened o;
  o.id = RandomText();
  o.session = {std::string(user_id), RandomText(), std::string(hash), NowUs() + lifetime_seconds_ * 1000000};
  const int64_t now = NowUs();
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& s) { return s.second.expires_us <= now; });
  sessions_[Key(o.id)] = o.session;
  return o;
}

std::optional<Sessions::Session> Sessions::Find(std::string_view id) {
  if (id.empty()) return std::nullopt;
  const std::string key = Key(id);
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_us <= NowUs()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Sessions::Close(std::string_view id) {
  std::lock_guard lock(mu_);
  sessions_.erase(Key(id));
}

int64_t Sessions::WaitSeconds(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(name);
  if (it == failures_.end() || it->second.count < kFreeSignInFailures) return 0;
  const int extra = it->second.count - kFreeSignInFailures;
  const int64_t wait = extra >= 10 ? kMaxSignInWaitSeconds : std::min<int64_t>(int64_t{1} << extra, kMaxSignInWaitSeconds);
  const int64_t until_us = it->second.last_us + wait * 1000000;
  const int64_t now = NowUs();
  return until_us > now ? (until_us - now + 999999) / 1000000 : 0;
}

void Sessions::Failed(std::string_view name) {
  const int64_t now = NowUs();
  std::lock_guard lock(mu_);
  if (failures_.size() >= kMaxRemembered && !failures_.contains(name)) {
    // Forget the accounts whose last failure is older than the longest wait.
    std::erase_if(failures_, [&](const auto& f) { return now - f.second.last_us > kMaxSignInWaitSeconds * 1000000; });
    if (failures_.size() >= kMaxRemembered) failures_.erase(failures_.begin());
  }
  Failures& f = failures_[std::string(name)];
  ++f.count;
  f.last_us = now;
}

void Sessions::Succeeded(std::string_view name) {
  std::lock_guard lock(mu_);
  if (auto it = failures_.find(name); it != failures_.end()) failures_.erase(it);
}

}  // namespace suiji::http
