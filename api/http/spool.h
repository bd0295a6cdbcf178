// A streamed reply (Reply::stream, a public document read from one snapshot of the
// projections) written once, at the server's own pace, into an unnamed temporary file, and
// then sent from that file at the client's pace. So the LMDB read transaction the document
// comes from is held only while the server writes the file (about as long as generating the
// document takes), never while a slow client reads it: a reader pins the pages of its
// snapshot (LMDB cannot reuse them while writes continue), and a snapshot held for a slow
// download would let the map fill up. The document is still one position's content, byte for
// byte, and byte ranges are cut from the file.
//
// The file is in the data directory (O_TMPFILE, or a name unlinked at once where the file
// system has no O_TMPFILE): it never has a name another process could open, and goes when
// the last reply sending it is done, or with the process. A disk too full for it is an error
// the client gets as a whole reply (503), before the first byte of the document is sent.
//
// Thread-safety: a Spool is written by one thread, then only read (pread), from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "ledger/core/status.h"

namespace suiji::http {

class Spool {
 public:
  using Source = std::function<bool(const std::function<bool(std::string_view)>&)>;
  // Writes what `source` gives into a new unnamed file in `dir`. kUnavailable naming the
  // directory and the reason if the file cannot be made or written (a full disk), kInternal
  // if `source` could not finish.
  static StatusOr<std::shared_ptr<const Spool>> Write(const std::filesystem::path& dir, const Source& source);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  uint64_t size() const { return size_; }
  // Reads up to `n` bytes at `offset` into `buf`; returns how many (0 at the end or on error).
  size_t ReadAt(uint64_t offset, char* buf, size_t n) const;

 private:
  Spool() = default;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace suiji::http
