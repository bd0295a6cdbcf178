#include "ledger/keystore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace suiji {

namespace {
constexpr std::string_view kHeader = "suiji-ed25519-private-key v1\n";
}

Status WriteKeyFile(const std::filesystem::path& path, const KeyPair& key) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return AlreadyExists("key file " + path.string() + " already exists");
    return Unavailable("cannot create key file " + path.string() + ": " + std::strerror(errno));
  }
  std::string text(kHeader);
  text += ToBase64(key.seed());
  text += "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  std::fill(text.begin(), text.end(), '\0');
  ::close(fd);
  if (!ok) return Unavailable("cannot write key file " + path.string());
  return OkStatus();
}

StatusOr<KeyPair> ReadKeyFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("cannot open key file " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
    ::close(fd);
    return PermissionDenied("key file " + path.string() +
                            " is readable by group or others; chmod 600 it");
  }
  std::string text(1024, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) return Unavailable("cannot read key file " + path.string());
  text.resize(static_cast<size_t>(n));
  if (text.rfind(kHeader, 0) != 0) {
    return InvalidArgument("key file " + path.string() + " is not a Suiji private key file");
  }
  std::string b64 = text.substr(kHeader.size());
  while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
  auto seed = FromBase64(b64);
  std::fill(text.begin(), text.end(), '\0');
  if (!seed.ok() || seed->size() != 32) {
    return InvalidArgument("key file " + path.string() + " does not hold a 32-byte key");
  }
  auto kp = KeyPair::FromSeed(*seed);
  std::fill(seed->begin(), seed->end(), uint8_t{0});
  return kp;
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Unavailable("cannot open directory " + dir.string() + ": " + std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return Unavailable("cannot sync directory " + dir.string() + ": " + std::strerror(err));
  return OkStatus();
}

Status RenameDurably(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Unavailable("cannot rename " + from.string() + " to " + to.string() + ": " +
                       std::strerror(errno));
  }
  return SyncDirectory(to.parent_path());
}

Status RemoveDurably(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Unavailable("cannot remove " + path.string() + ": " + std::strerror(errno));
  }
  return SyncDirectory(path.parent_path());
}

}  // namespace suiji
