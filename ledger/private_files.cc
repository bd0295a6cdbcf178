#include "ledger/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace suiji {

bool DiskNearlyFull(const std::filesystem::path& path) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0) return false;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < (uint64_t{1} << 20);
}

Status FileError(int err, const std::filesystem::path& path, const std::string& what) {
  if (err == ENOSPC || err == EDQUOT || (err == EIO && DiskNearlyFull(path))) {
    return DiskFull(path.string(), what + ": " + std::strerror(err));
  }
  return Unavailable(what + " " + path.string() + ": " + std::strerror(err));
}

Status CreatePrivateDirectories(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> missing;
  std::error_code ec;
  for (std::filesystem::path p = dir; !p.empty() && !std::filesystem::exists(p, ec);
       p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return FileError(errno, *it, "cannot create folder");
    }
    // mkdir's mode passes through the umask, which may only remove bits: set it whole.
    (void)::chmod(it->c_str(), 0700);
  }
  return OkStatus();
}

Status AppendPrivateFile(const std::filesystem::path& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(errno, path, "cannot open");
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) return FileError(n < 0 ? err : ENOSPC, path, "cannot write");
  return OkStatus();
}

Status CheckPrivateFile(int fd, const std::filesystem::path& path, std::string_view what) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return FileError(errno, path, "cannot stat");
  if ((st.st_mode & 077) != 0) {
    return PermissionDenied(std::string(what) + " " + path.string() +
                            " is readable by group or others; chmod 600 it");
  }
  return OkStatus();
}

}  // namespace suiji
