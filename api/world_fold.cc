#include "api/world_fold.h"

#include "ledger/replay.h"

namespace suiji {

Status WorldFold::Sync() {
  if (followed_) {
    // Folded from a batch's tail: start again if the batch did not reach the log as folded
    // (or what was folded is not known: the follow failed before it could note it).
    SUIJI_ASSIGN_OR_RETURN(uint64_t size, log_.Size());
    bool same = followed_tip_.has_value() && applied_ <= size;
    if (same && applied_ > 0) {
      SUIJI_RETURN_IF_ERROR(log_.Read(applied_ - 1, applied_, [&](uint64_t, ByteView b) {
        same = Sha256(b) == *followed_tip_;
        return false;
      }));
    }
    followed_ = false;
    followed_tip_.reset();
    if (!same) {
      applied_ = 0;
      world_ = inspection::InspectionWorld();
      record_ = inspection::PublicRecord(world_);
      ++refolds_;
    }
  }
  return FoldFrom(log_);
}

Status WorldFold::Follow(const LogStorage& view) {
  followed_ = true;  // before folding: a fold that fails halfway may still be ahead
  followed_tip_.reset();
  const Status folded = FoldFrom(view);
  if (applied_ > 0) {
    SUIJI_RETURN_IF_ERROR(view.Read(applied_ - 1, applied_, [&](uint64_t, ByteView b) {
      followed_tip_ = Sha256(b);
      return false;
    }));
  } else {
    followed_tip_ = Hash{};
  }
  return folded;
}

Status WorldFold::FoldFrom(const LogStorage& view) {
  return ReplayLog(
      view, applied_,
      [&](const EntryView& e) {
        SUIJI_RETURN_IF_ERROR(world_.Apply(e));
        return record_.Apply(e);
      },
      &applied_);
}

}  // namespace suiji
