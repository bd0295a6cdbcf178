#include "api/inspection_service.h"

#include "ledger/core/inspection/public_record.h"

#include "api/fold_append.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "ledger/core/inspection/public_record.h"
#include "projections/inspection_projection.h"

namespace suiji {

namespace {

using namespace suiji::inspection;  // NOLINT: the service speaks this module's language

}  // namespace

InspectionService::InspectionService(Ledger& ledger, const LogStorage& log, Clock clock)
    : InspectionService(ledger, std::make_unique<WorldFold>(log), nullptr, std::move(clock)) {}

InspectionService::InspectionService(Ledger& ledger, WorldFold& shared, Clock clock)
    : InspectionService(ledger, nullptr, &shared, std::move(clock)) {}

InspectionService::InspectionService(Ledger& ledger, std::shared_ptr<LmdbProjection> projection,
                                     const LogStorage& log, Clock clock)
    : ledger_(ledger),
      fold_(nullptr),
      projection_(std::move(projection)),
      log_(log),
      clock_(std::move(clock)) {}

InspectionService::InspectionService(Ledger& ledger, std::unique_ptr<WorldFold> own,
                                     WorldFold* shared, Clock clock)
    : ledger_(ledger),
      own_fold_(std::move(own)),
      fold_(shared != nullptr ? shared : own_fold_.get()),
      log_(fold_->log()),
      clock_(std::move(clock)) {}

const InspectionWorld& InspectionService::world() const {
  if (fold_ == nullptr) {
    std::fprintf(stderr, "InspectionService::world() of a service deciding against the projection\n");
    std::abort();
  }
  return fold_->world();
}

int64_t InspectionService::NowUs() const { return NowUsFrom(clock_); }

std::string InspectionService::Today() const { return ChinaDate(NowUs()); }

Status InspectionService::Sync() {
  if (fold_ != nullptr) return fold_->Sync();
  return projection_->CatchUp(log_);
}

Status InspectionService::Read(const std::function<Status(const InspectionStore&)>& fn) const {
  if (fold_ != nullptr) return fn(fold_->world());
  return projection_->Read([&](MDB_txn* txn) {
    auto store = InspectionStoreIn(txn, *projection_);
    if (store == nullptr) return Internal("the projection has no inspections folder");
    Status s = fn(*store);
    if (!store->status().ok()) return store->status();
    return s;
  });
}

StatusOr<std::string> InspectionService::InspectionSheetHtml(std::string_view draw_id,
                                                             std::string_view credit_code) const {
  StatusOr<std::string> html = Internal("the inspection sheet was not made");
  auto make = [&](const InspectionStore& s, uint64_t size) {
    html = inspection::InspectionSheetHtml(s, draw_id, credit_code,
                                           inspection::SheetContext{ledger_.ledger_id(), size});
  };
  if (fold_ != nullptr) {
    make(fold_->world(), fold_->applied());
    return html;
  }
  SUIJI_RETURN_IF_ERROR(projection_->Read([&](MDB_txn* txn) {
    auto store = InspectionStoreIn(txn, *projection_);
    if (store == nullptr) return Internal("the projection has no inspections folder");
    make(*store, projection_->AppliedIn(txn));
    return store->status();
  }));
  return html;
}

StatusOr<uint64_t> InspectionService::AppendChecked(
    const std::function<StatusOr<EventDraft>(const InspectionStore& state, const std::string& today)>& decide) {
  if (fold_ != nullptr) {
    return AppendAtFold(ledger_, [this] { return Sync(); }, fold_->applied(),
                        [&]() -> StatusOr<std::vector<EventDraft>> {
                          SUIJI_ASSIGN_OR_RETURN(EventDraft draft, decide(fold_->world(), Today()));
                          return std::vector<EventDraft>{std::move(draft)};
                        });
  }
  // The same against the projection: catch it up (only the new entries), decide in one read
  // of it, append at the position that read saw; another writer first (kAborted): again.
  constexpr int kMaxRetries = 3;
  for (int attempt = 0;; ++attempt) {
    SUIJI_RETURN_IF_ERROR(Sync());
    uint64_t at = 0;
    std::vector<EventDraft> drafts;
    const Status read = projection_->Read([&](MDB_txn* txn) {
      at = projection_->AppliedIn(txn);
      auto store = InspectionStoreIn(txn, *projection_);
      if (store == nullptr) return Internal("the projection has no inspections folder");
      auto decided = decide(*store, Today());
      if (!store->status().ok()) return store->status();
      if (!decided.ok()) return decided.status();
      drafts.push_back(std::move(*decided));
      return OkStatus();
    });
    if (!read.ok()) return read;
    auto r = ledger_.Append(drafts, at);
    if (r.ok()) {
      SUIJI_RETURN_IF_ERROR(Sync());
      return r;
    }
    if (r.status().code() != StatusCode::kAborted || attempt + 1 >= kMaxRetries) return r.status();
  }
}

StatusOr<uint64_t> InspectionService::Announce(AnnouncementRecord a, const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string& today) -> StatusOr<EventDraft> {
    if (a.confirmed_date.empty()) a.confirmed_date = today;
    SUIJI_RETURN_IF_ERROR(CheckAnnouncement(state, a, today));
    return EventDraft{EventType::TargetsAnnounced, EncodeAnnouncement(a), actor};
  });
}

StatusOr<uint64_t> InspectionService::RecordResult(ResultRecord r, const Actor& actor) {
  const bool auto_revision = r.revision == 0;
  return AppendChecked([&](const InspectionStore& state, const std::string& today) -> StatusOr<EventDraft> {
    if (auto_revision) {
      const ResultInfo* existing = state.FindResult(r.draw_id, r.credit_code);
      r.revision = existing == nullptr ? 1 : existing->latest().revision + 1;
    }
    SUIJI_RETURN_IF_ERROR(CheckResult(state, r, today));
    return EventDraft{EventType::ResultRecorded, EncodeResult(r), actor};
  });
}

StatusOr<uint64_t> InspectionService::Confirm(std::string_view draw_id, std::string_view code,
                                              uint32_t revision, const Hash& result_sha256,
                                              const identity::UserInfo& confirmer, const Actor& actor) {
  // One user's confirmation is its own act: never recorded in another's name.
  const identity::UserRecord& u = confirmer.user;
  if (u.user_id != actor.user) {
    return PermissionDenied("user " + actor.user + " may not confirm as user " + u.user_id +
                            ": each inspector confirms with its own credential");
  }
  if (u.org_id != actor.org_unit) {
    return PermissionDenied("user " + u.user_id + " acts for its own org unit " + u.org_id + ", not " +
                            actor.org_unit);
  }
  if (!confirmer.Has(identity::Role::kInspector) || u.inspector_id.empty()) {
    return PermissionDenied("user " + u.user_id +
                            (confirmer.disabled ? " is disabled" : " is not an inspector user (role inspector, "
                                                                   "bound to a directory inspector)") +
                            "; only the team's inspectors confirm a result");
  }
  return AppendChecked([&](const InspectionStore& state, const std::string&) -> StatusOr<EventDraft> {
    ConfirmationRecord c{std::string(draw_id), std::string(code), revision, result_sha256, u.inspector_id};
    SUIJI_RETURN_IF_ERROR(CheckConfirmation(state, c));
    return EventDraft{EventType::ResultConfirmed, EncodeConfirmation(c), actor};
  });
}

StatusOr<uint64_t> InspectionService::Submit(std::string_view draw_id, std::string_view code,
                                             const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string&) -> StatusOr<EventDraft> {
    const ResultInfo* r = state.FindResult(draw_id, code);
    ResultStepRecord s{std::string(draw_id), std::string(code),
                       r == nullptr ? 0 : r->latest().revision, ""};
    SUIJI_RETURN_IF_ERROR(CheckSubmit(state, s));
    return EventDraft{EventType::ResultSubmitted, EncodeStep(s), actor};
  });
}

StatusOr<uint64_t> InspectionService::Review(std::string_view draw_id, std::string_view code,
                                             bool approve, std::string_view reason,
                                             const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string&) -> StatusOr<EventDraft> {
    const ResultInfo* r = state.FindResult(draw_id, code);
    ReviewRecord rv{std::string(draw_id), std::string(code),
                    r == nullptr ? 0 : r->latest().revision, approve, std::string(reason)};
    SUIJI_RETURN_IF_ERROR(CheckReview(state, rv, actor.user));
    return EventDraft{EventType::ResultReviewed, EncodeReview(rv), actor};
  });
}

StatusOr<uint64_t> InspectionService::Publish(std::string_view draw_id, std::string_view code,
                                              const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string& today) -> StatusOr<EventDraft> {
    const ResultInfo* r = state.FindResult(draw_id, code);
    ResultStepRecord s{std::string(draw_id), std::string(code),
                       r == nullptr ? 0 : r->latest().revision, today};
    SUIJI_RETURN_IF_ERROR(CheckPublish(state, s, today));
    return EventDraft{EventType::ResultPublished, EncodeStep(s), actor};
  });
}

StatusOr<uint64_t> InspectionService::Correct(ResultRecord corrected, std::string_view reason,
                                              const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string& today) -> StatusOr<EventDraft> {
    const ResultInfo* r = state.FindResult(corrected.draw_id, corrected.credit_code);
    CorrectionRecord c;
    c.correction = r == nullptr ? 1 : static_cast<uint32_t>(r->corrections.size()) + 1;
    c.reason = std::string(reason);
    if (r != nullptr) corrected.revision = r->published_revision;
    c.result = corrected;
    SUIJI_RETURN_IF_ERROR(CheckCorrection(state, c, today));
    return EventDraft{EventType::ResultCorrected, EncodeCorrection(c), actor};
  });
}

StatusOr<uint64_t> InspectionService::AddInternalNote(const InternalNoteRecord& n,
                                                      const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string&) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(CheckInternalNote(state, n));
    return EventDraft{EventType::ResultInternalNote, EncodeInternalNote(n), actor};
  });
}

StatusOr<uint64_t> InspectionService::Transfer(const TransferRecord& t, const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string& today) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(CheckTransfer(state, t, today));
    return EventDraft{EventType::CaseTransferred, EncodeTransfer(t), actor};
  });
}

StatusOr<uint64_t> InspectionService::Reevaluate(const ReevaluationRecord& r, const Actor& actor) {
  return AppendChecked([&](const InspectionStore& state, const std::string& today) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(CheckReevaluation(state, r, today));
    return EventDraft{EventType::CreditReevaluated, EncodeReevaluation(r), actor};
  });
}

StatusOr<std::vector<Deadline>> InspectionService::Deadlines() const {
  std::vector<Deadline> out;
  const std::string today = Today();
  SUIJI_RETURN_IF_ERROR(Read([&](const InspectionStore& state) {
    return ForEachDeadline(state, today, [&out](Deadline&& d) { out.push_back(std::move(d)); });
  }));
  return out;
}

}  // namespace suiji
