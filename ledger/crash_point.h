// Named crash points for the kill tests (tests/api/key_rotation_crash_test.cc and others):
// CrashPoint("rotate.appended") kills the process with SIGKILL, as `kill -9` would, when the
// environment variable SUIJI_CRASH_POINT names that point; otherwise it does nothing. Each
// point sits between two steps whose order a recovery rule depends on, so a test can stop a
// real `suiji` process exactly there and check that the next open needs no hand repair.
// Unset in production: the cost is one getenv per point reached (rare operations only).
#pragma once

#include <csignal>
#include <cstdlib>
#include <string_view>

namespace suiji {

inline void CrashPoint(std::string_view name) {
  const char* at = std::getenv("SUIJI_CRASH_POINT");
  if (at != nullptr && name == at) std::raise(SIGKILL);
}

}  // namespace suiji
