#include "ledger/replay.h"

namespace suiji {

Status ReplayLog(const LogStorage& log, uint64_t from,
                 const std::function<Status(const EntryView&)>& apply, uint64_t* next) {
  if (next != nullptr) *next = from;
  SUIJI_ASSIGN_OR_RETURN(uint64_t size, log.Size());
  if (size <= from) return OkStatus();
  Status inner = OkStatus();
  SUIJI_RETURN_IF_ERROR(log.Read(from, size, [&](uint64_t seq, ByteView bytes) {
    auto e = ParseEntry(bytes);
    inner = e.ok() ? apply(*e) : e.status();
    if (!inner.ok()) {
      inner = Status(inner.code(), "at sequence " + std::to_string(seq) + ": " + inner.message());
      return false;
    }
    if (next != nullptr) *next = seq + 1;
    return true;
  }));
  return inner;
}

}  // namespace suiji
