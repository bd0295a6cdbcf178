#include "api/inspection_service.h"

#include "api/fold_append.h"

#include <chrono>


namespace suiji {

namespace {

using namespace suiji::inspection;  // NOLINT: the service speaks this module's language

}  // namespace

InspectionService::InspectionService(Ledger& ledger, const LogStorage& log, Clock clock)
    : InspectionService(ledger, std::make_unique<WorldFold>(log), nullptr, std::move(clock)) {}

InspectionService::InspectionService(Ledger& ledger, WorldFold& shared, Clock clock)
    : InspectionService(ledger, nullptr, &shared, std::move(clock)) {}

InspectionService::InspectionService(Ledger& ledger, std::unique_ptr<WorldFold> own,
                                     WorldFold* shared, Clock clock)
    : ledger_(ledger),
      own_fold_(std::move(own)),
      fold_(shared != nullptr ? *shared : *own_fold_),
      world_(fold_.world()),
      clock_(std::move(clock)) {}

int64_t InspectionService::NowUs() const { return NowUsFrom(clock_); }

std::string InspectionService::Today() const { return ChinaDate(NowUs()); }

Status InspectionService::Sync() { return fold_.Sync(); }

StatusOr<uint64_t> InspectionService::AppendChecked(
    const std::function<StatusOr<EventDraft>(const std::string& today)>& decide) {
  return AppendAtFold(ledger_, [this] { return Sync(); }, fold_.applied(),
                      [&]() -> StatusOr<std::vector<EventDraft>> {
                        SUIJI_ASSIGN_OR_RETURN(EventDraft draft, decide(Today()));
                        return std::vector<EventDraft>{std::move(draft)};
                      });
}

StatusOr<uint64_t> InspectionService::Announce(AnnouncementRecord a, const Actor& actor) {
  return AppendChecked([&](const std::string& today) -> StatusOr<EventDraft> {
    if (a.confirmed_date.empty()) a.confirmed_date = today;
    SUIJI_RETURN_IF_ERROR(world_.CheckAnnouncement(a, today));
    return EventDraft{EventType::TargetsAnnounced, EncodeAnnouncement(a), actor};
  });
}

StatusOr<uint64_t> InspectionService::RecordResult(ResultRecord r, const Actor& actor) {
  const bool auto_revision = r.revision == 0;
  return AppendChecked([&](const std::string& today) -> StatusOr<EventDraft> {
    if (auto_revision) {
      const ResultInfo* existing = world_.Result(r.draw_id, r.credit_code);
      r.revision = existing == nullptr ? 1 : existing->latest().revision + 1;
    }
    SUIJI_RETURN_IF_ERROR(world_.CheckResult(r, today));
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
  return AppendChecked([&](const std::string&) -> StatusOr<EventDraft> {
    ConfirmationRecord c{std::string(draw_id), std::string(code), revision, result_sha256, u.inspector_id};
    SUIJI_RETURN_IF_ERROR(world_.CheckConfirmation(c));
    return EventDraft{EventType::ResultConfirmed, EncodeConfirmation(c), actor};
  });
}

StatusOr<uint64_t> InspectionService::Submit(std::string_view draw_id, std::string_view code,
                                             const Actor& actor) {
  return AppendChecked([&](const std::string&) -> StatusOr<EventDraft> {
    const ResultInfo* r = world_.Result(draw_id, code);
    ResultStepRecord s{std::string(draw_id), std::string(code),
                       r == nullptr ? 0 : r->latest().revision, ""};
    SUIJI_RETURN_IF_ERROR(world_.CheckSubmit(s));
    return EventDraft{EventType::ResultSubmitted, EncodeStep(s), actor};
  });
}

StatusOr<uint64_t> InspectionService::Review(std::string_view draw_id, std::string_view code,
                                             bool approve, std::string_view reason,
                                             const Actor& actor) {
  return AppendChecked([&](const std::string&) -> StatusOr<EventDraft> {
    const ResultInfo* r = world_.Result(draw_id, code);
    ReviewRecord rv{std::string(draw_id), std::string(code),
                    r == nullptr ? 0 : r->latest().revision, approve, std::string(reason)};
    SUIJI_RETURN_IF_ERROR(world_.CheckReview(rv, actor.user));
    return EventDraft{EventType::ResultReviewed, EncodeReview(rv), actor};
  });
}

StatusOr<uint64_t> InspectionService::Publish(std::string_view draw_id, std::string_view code,
                                              const Actor& actor) {
  return AppendChecked([&](const std::string& today) -> StatusOr<EventDraft> {
    const ResultInfo* r = world_.Result(draw_id, code);
    ResultStepRecord s{std::string(draw_id), std::string(code),
                       r == nullptr ? 0 : r->latest().revision, today};
    SUIJI_RETURN_IF_ERROR(world_.CheckPublish(s, today));
    return EventDraft{EventType::ResultPublished, EncodeStep(s), actor};
  });
}

StatusOr<uint64_t> InspectionService::Correct(ResultRecord corrected, std::string_view reason,
                                              const Actor& actor) {
  return AppendChecked([&](const std::string& today) -> StatusOr<EventDraft> {
    const ResultInfo* r = world_.Result(corrected.draw_id, corrected.credit_code);
    CorrectionRecord c;
    c.correction = r == nullptr ? 1 : static_cast<uint32_t>(r->corrections.size()) + 1;
    c.reason = std::string(reason);
    if (r != nullptr) corrected.revision = r->published_revision;
    c.result = corrected;
    SUIJI_RETURN_IF_ERROR(world_.CheckCorrection(c, today));
    return EventDraft{EventType::ResultCorrected, EncodeCorrection(c), actor};
  });
}

StatusOr<uint64_t> InspectionService::AddInternalNote(const InternalNoteRecord& n,
                                                      const Actor& actor) {
  return AppendChecked([&](const std::string&) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(world_.CheckInternalNote(n));
    return EventDraft{EventType::ResultInternalNote, EncodeInternalNote(n), actor};
  });
}

StatusOr<uint64_t> InspectionService::Transfer(const TransferRecord& t, const Actor& actor) {
  return AppendChecked([&](const std::string& today) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(world_.CheckTransfer(t, today));
    return EventDraft{EventType::CaseTransferred, EncodeTransfer(t), actor};
  });
}

StatusOr<uint64_t> InspectionService::Reevaluate(const ReevaluationRecord& r, const Actor& actor) {
  return AppendChecked([&](const std::string& today) -> StatusOr<EventDraft> {
    SUIJI_RETURN_IF_ERROR(world_.CheckReevaluation(r, today));
    return EventDraft{EventType::CreditReevaluated, EncodeReevaluation(r), actor};
  });
}

std::vector<Deadline> InspectionService::Deadlines() const {
  return ComputeDeadlines(world_, Today());
}

}  // namespace suiji
