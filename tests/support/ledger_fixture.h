// Test support: what the ledger's tests set up the same way — a key pair from one repeated
// seed byte, and a scratch directory removed when the test ends.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"

namespace suiji::testing_support {

// The key pair whose 32-byte seed is `b` repeated (the same key in every run).
inline KeyPair KeyFromByte(uint8_t b) {
  Bytes seed(32, b);
  return std::move(KeyPair::FromSeed(seed)).value();
}

// <temp>/<prefix><name>-<pid>, emptied when made and removed when the test ends (declare it
// before the ledger that uses it).
struct ScratchDir {
  ScratchDir(const std::string& prefix, const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             (prefix + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path path;
};

}  // namespace suiji::testing_support
