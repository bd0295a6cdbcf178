#include "api/http/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace suiji::http {

namespace {

// An unnamed file in `dir`, or -1 with errno set.
int OpenUnnamed(const std::filesystem::path& dir) {
#ifdef O_TMPFILE
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
  std::string name = (dir / ".suiji-spool-XXXXXX").string();
  const int fd2 = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd2 >= 0) ::unlink(name.c_str());
  return fd2;
}

}  // namespace

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

StatusOr<std::shared_ptr<const Spool>> Spool::Write(const std::filesystem::path& dir, const Source& source) {
  std::shared_ptr<Spool> spool(new Spool());
  spool->fd_ = OpenUnnamed(dir);
  auto failed = [&](int err) {
    return Unavailable("无法在 " + dir.string() + " 暂存公开文件以供下载 / cannot spool the document in " +
                       dir.string() + " for its download: " + std::strerror(err));
  };
  if (spool->fd_ < 0) return failed(errno);
  std::string buf;
  int write_error = 0;
  auto flush = [&]() {
    size_t at = 0;
    while (at < buf.size()) {
      const ssize_t n = ::write(spool->fd_, buf.data() + at, buf.size() - at);
      if (n < 0) {
        if (errno == EINTR) continue;
        write_error = errno;
        return false;
      }
      at += static_cast<size_t>(n);
    }
    spool->size_ += buf.size();
    buf.clear();
    return true;
  };
  const bool whole = source([&](std::string_view piece) {
    buf.append(piece);
    return buf.size() < (256u << 10) || flush();
  });
  if (whole && write_error == 0) flush();
  if (write_error != 0) return failed(write_error);
  if (!whole) return Internal("the document could not be produced");
  return std::shared_ptr<const Spool>(std::move(spool));
}

size_t Spool::ReadAt(uint64_t offset, char* buf, size_t n) const {
  if (offset >= size_) return 0;
  for (;;) {
    const ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    return got < 0 ? 0 : static_cast<size_t>(got);
  }
}

}  // namespace suiji::http
