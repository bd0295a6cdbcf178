#include "api/fold_append.h"

#include <chrono>

namespace suiji {

StatusOr<uint64_t> AppendAtFold(Ledger& ledger, const std::function<Status()>& sync,
                                const uint64_t& applied,
                                const std::function<StatusOr<std::vector<EventDraft>>()>& decide) {
  constexpr int kMaxRetries = 3;
  for (int attempt = 0;; ++attempt) {
    SUIJI_RETURN_IF_ERROR(sync());
    SUIJI_ASSIGN_OR_RETURN(std::vector<EventDraft> drafts, decide());
    auto r = ledger.Append(drafts, applied);
    if (r.ok()) {
      SUIJI_RETURN_IF_ERROR(sync());
      return r;
    }
    if (r.status().code() != StatusCode::kAborted || attempt + 1 >= kMaxRetries) return r.status();
  }
}

int64_t NowUsFrom(const std::function<int64_t()>& clock) {
  if (clock) return clock();
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace suiji
