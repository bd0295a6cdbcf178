#include "ledger/exporter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "ledger/core/export_format.h"

namespace suiji {

namespace {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

// Every entry, then every checkpoint no larger than the entries read, in the export framing,
// handed to `sink` in pieces of about 1 MiB. Returns the storage's error; a sink that returns
// false stops the export and leaves *sunk false.
Status WriteExport(const LogStorage& storage, const std::function<bool(std::string_view)>& sink,
                   ExportSummary* summary, bool* sunk) {
  std::string buf(kExportMagic);
  bool ok = true;
  auto flush = [&](bool force) {
    if (ok && (force || buf.size() >= (1u << 20))) {
      ok = sink(buf);
      summary->bytes += buf.size();
      buf.clear();
    }
  };
  SUIJI_ASSIGN_OR_RETURN(uint64_t n, storage.Size());
  Status read = storage.Read(0, n, [&](uint64_t, ByteView entry) {
    AppendExportRecord(buf, kRecordEntry, entry);
    ++summary->entries;
    flush(false);
    return ok;
  });
  if (read.ok()) {
    read = storage.ReadCheckpoints([&](uint64_t size, std::string_view note) {
      if (size > n) return true;  // written after our snapshot of the entries: leave it out
      AppendExportRecord(buf, kRecordCheckpoint, AsBytes(note));
      ++summary->checkpoints;
      flush(false);
      return ok;
    });
  }
  flush(true);
  *sunk = ok;
  return read;
}

StatusOr<std::string> ExportLogBytes(const LogStorage& storage) {
  std::string out;
  ExportSummary summary;
  bool sunk = false;
  SUIJI_RETURN_IF_ERROR(WriteExport(
      storage,
      [&](std::string_view piece) {
        out.append(piece);
        return true;
      },
      &summary, &sunk));
  return out;
}

StatusOr<ExportSummary> ExportLog(const LogStorage& storage, const std::string& path) {
  const bool to_stdout = path == "-";
  const std::string tmp = path + ".tmp";
  int fd = to_stdout ? STDOUT_FILENO
                     : ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot create " + tmp + ": " + std::strerror(errno));
  ExportSummary summary;
  bool sunk = false;
  const Status read =
      WriteExport(storage, [&](std::string_view piece) { return WriteAll(fd, piece); }, &summary, &sunk);
  if (to_stdout) {
    if (!sunk) return Unavailable("cannot write the export to standard output");
    SUIJI_RETURN_IF_ERROR(read);
    return summary;
  }
  const bool ok = sunk && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || !read.ok()) {
    ::unlink(tmp.c_str());
    SUIJI_RETURN_IF_ERROR(read);
    return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Unavailable("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  return summary;
}

}  // namespace suiji
