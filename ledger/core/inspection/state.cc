#include "ledger/core/inspection/state.h"

#include <algorithm>
#include <set>

#include "ledger/core/sha256.h"

namespace suiji::inspection {

namespace {

using draw::DrawPhase;

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Who(std::string_view draw_id, std::string_view code) {
  return "the result of " + std::string(code) + " in draw " + std::string(draw_id);
}

Status FieldErrors(std::string_view what, const std::vector<FieldError>& errs) {
  std::string msg = std::string(what) + ":";
  for (const auto& e : errs) {
    msg += " " + e.field + (e.value.empty() ? "" : " " + Q(e.value)) + ": " + e.reason + ";";
  }
  msg.pop_back();
  return InvalidArgument(msg);
}

std::string UserOf(const EntryView& e) {
  const auto* a = e.event->actor();
  return (a != nullptr && a->user() != nullptr) ? a->user()->str() : std::string();
}

// Allowed next steps, for error messages.
std::string_view NextSteps(ResultState s) {
  switch (s) {
    case ResultState::kEntered: return "submit it for review, or record a new revision";
    case ResultState::kAwaitingReview: return "review it (approve or return)";
    case ResultState::kReturned: return "record a new revision";
    case ResultState::kApproved: return "publish it";
    case ResultState::kPublished: return "record a correction";
  }
  return "";
}

Status WrongState(const ResultInfo& r, std::string_view step) {
  return FailedPrecondition("cannot " + std::string(step) + " " + Who(r.draw_id, r.credit_code) +
                            ": it is " + std::string(ResultStateName(r.state)) + "; next: " +
                            std::string(NextSteps(r.state)));
}

// Refuses a step that needs the team's confirmations of the latest revision.
Status NeedsConfirmations(const ResultInfo& r, std::string_view step) {
  const std::vector<std::string> missing = r.Unconfirmed();
  if (missing.empty()) return OkStatus();
  std::string who;
  for (const auto& id : missing) who += (who.empty() ? "" : ", ") + id;
  return FailedPrecondition("cannot " + std::string(step) + " " + Who(r.draw_id, r.credit_code) + ": revision " +
                            std::to_string(r.latest().revision) + " is not confirmed by inspector(s) " + who +
                            " of its team; each confirms it themself (ResultConfirmed)");
}

Status WrongRevision(const ResultInfo& r, uint32_t got, uint32_t want) {
  return FailedPrecondition(Who(r.draw_id, r.credit_code) + ": revision " + std::to_string(got) +
                            " is not the latest (" + std::to_string(want) + ")");
}

}  // namespace

std::string_view ResultStateName(ResultState s) {
  switch (s) {
    case ResultState::kEntered: return "entered";
    case ResultState::kAwaitingReview: return "awaiting_review";
    case ResultState::kReturned: return "returned";
    case ResultState::kApproved: return "approved";
    case ResultState::kPublished: return "published";
  }
  return "unknown";
}

const ResultRecord* ResultInfo::published() const {
  if (published_revision == 0) return nullptr;
  for (const auto& r : revisions) {
    if (r.record.revision == published_revision) return &r.record;
  }
  return nullptr;
}

std::vector<std::string> ResultInfo::Unconfirmed() const {
  std::vector<std::string> out;
  const uint32_t rev = latest().revision;
  for (const auto& id : latest().team) {
    const bool confirmed = std::any_of(confirmations.begin(), confirmations.end(), [&](const auto& c) {
      return c.record.revision == rev && c.record.inspector_id == id;
    });
    if (!confirmed && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

const ResultRecord& ResultInfo::current() const {
  if (!corrections.empty()) return corrections.back().record.result;
  return latest();
}

const draw::VisitRecord* VisitIn(const InspectionStore& s, std::string_view draw_id,
                                 std::string_view credit_code) {
  const draw::DrawInfo* d = s.draw_store().FindDraw(draw_id);
  if (d == nullptr || d->phase != DrawPhase::kResulted) return nullptr;
  for (const auto& v : d->visits) {
    if (v.credit_code == credit_code) return &v;
  }
  return nullptr;
}

std::vector<directory::ItemRecord> ItemsOf(const InspectionStore& s, std::string_view draw_id) {
  std::vector<directory::ItemRecord> out;
  const draw::DrawInfo* d = s.draw_store().FindDraw(draw_id);
  if (d == nullptr) return out;
  const draw::TaskInfo* t = s.draw_store().FindTask(d->task_id);
  if (t == nullptr) return out;
  const std::optional<directory::ItemListRecord> list =
      s.draw_store().directory().ItemList(t->task.org_id, t->task.item_list_version);
  if (!list) return out;
  for (const auto& id : t->task.item_ids) {
    for (const auto& item : list->items) {
      if (item.item_id == id) out.push_back(item);
    }
  }
  return out;
}

namespace {

StatusOr<const ResultInfo*> Existing(const InspectionStore& s, std::string_view draw_id,
                                     std::string_view code) {
  const ResultInfo* r = s.FindResult(draw_id, code);
  if (r == nullptr) return NotFound("no result recorded for " + std::string(code) + " in draw " +
                                    std::string(draw_id));
  return r;
}

}  // namespace

Status CheckAnnouncement(const InspectionStore& s, const AnnouncementRecord& a, std::string_view date) {
  if (auto errs = ValidateAnnouncement(a); !errs.empty()) return FieldErrors("announcement", errs);
  const draw::DrawInfo* d = s.draw_store().FindDraw(a.draw_id);
  if (d == nullptr) return NotFound("no draw " + Q(a.draw_id));
  if (d->phase != DrawPhase::kResulted) {
    return FailedPrecondition("draw " + Q(a.draw_id) + " is " +
                              std::string(draw::DrawPhaseName(d->phase)) +
                              "; only a drawn (revealed and resulted) draw is announced");
  }
  if (s.FindAnnouncement(a.draw_id) != nullptr) {
    return FailedPrecondition("draw " + Q(a.draw_id) + " is already announced");
  }
  const std::string drawn = ChinaDate(d->reveal_time_us);
  if (a.confirmed_date < drawn || a.confirmed_date > date) {
    return InvalidArgument("confirmed_date " + a.confirmed_date + " must be between the draw (" +
                           drawn + ") and today (" + std::string(date) + ")");
  }
  return OkStatus();
}

namespace {

Status CheckResultContent(const InspectionStore& s, const ResultRecord& r, std::string_view date) {
  if (auto errs = ValidateResult(r); !errs.empty()) return FieldErrors("result", errs);
  const draw::DrawInfo* d = s.draw_store().FindDraw(r.draw_id);
  if (d == nullptr) return NotFound("no draw " + Q(r.draw_id));
  const draw::VisitRecord* v = VisitIn(s, r.draw_id, r.credit_code);
  if (v == nullptr) {
    return FailedPrecondition(r.credit_code + " was not drawn in draw " + Q(r.draw_id) +
                              " (or the draw is cancelled or not drawn yet)");
  }
  const draw::TaskInfo* t = s.draw_store().FindTask(d->task_id);
  if (r.inspection_date < t->task.window_start || r.inspection_date > t->task.window_end) {
    return InvalidArgument("inspection_date " + r.inspection_date + " is outside the task's window " +
                           t->task.window_start + " to " + t->task.window_end);
  }
  if (r.inspection_date > date) {
    return InvalidArgument("inspection_date " + r.inspection_date + " is in the future (today is " +
                           std::string(date) + ")");
  }
  // Items: exactly the task's items; findings at points of the item's checklist.
  std::vector<directory::ItemRecord> items = ItemsOf(s, r.draw_id);
  std::set<std::string> want;
  for (const auto& i : items) want.insert(i.item_id);
  std::set<std::string> got;
  for (const auto& it : r.items) {
    got.insert(it.item_id);
    auto item = std::find_if(items.begin(), items.end(),
                             [&](const directory::ItemRecord& x) { return x.item_id == it.item_id; });
    if (item == items.end()) {
      return InvalidArgument("item " + Q(it.item_id) + " is not an item of task " + Q(d->task_id));
    }
    for (const auto& f : it.findings) {
      if (std::find(item->checklist.begin(), item->checklist.end(), f.point) == item->checklist.end()) {
        return InvalidArgument("finding point " + Q(f.point) + " is not on the checklist of item " +
                               Q(it.item_id));
      }
    }
  }
  for (const auto& id : want) {
    if (!got.count(id)) return InvalidArgument("item " + Q(id) + " of the task has no outcome");
  }
  // The team: inspectors assigned to the visit (after declines) and its experts.
  std::set<std::string> assigned(v->team.begin(), v->team.end());
  assigned.insert(v->experts.begin(), v->experts.end());
  size_t inspectors = 0;
  for (const auto& id : r.team) {
    if (!assigned.count(id)) {
      return InvalidArgument("inspector " + Q(id) + " is not on the drawn team of " + r.credit_code +
                             " (who inspects, enters: 谁检查、谁录入)");
    }
    if (std::find(v->team.begin(), v->team.end(), id) != v->team.end()) ++inspectors;
  }
  if (inspectors < 2) {
    return InvalidArgument("the result names " + std::to_string(inspectors) +
                           " drawn inspectors; at least two inspect together");
  }
  // R17: the no-penalty list applies to a first violation only.
  for (const auto& it : r.items) {
    for (const auto& viol : it.violations) {
      if (!viol.no_penalty_list) continue;
      Status found;
      SUIJI_RETURN_IF_ERROR(s.ForEachResultOfCode(r.credit_code, [&](const ResultInfo& other) {
        if (other.draw_id == r.draw_id) return true;
        const ResultRecord* p = other.published();
        if (p == nullptr) return true;
        const ResultRecord& cur = other.current();
        for (const auto& oi : cur.items) {
          for (const auto& ov : oi.violations) {
            if (ov.legal_basis == viol.legal_basis) {
              found = FailedPrecondition(
                  "not a first violation: " + r.credit_code + " already violated " +
                  Q(viol.legal_basis) + " (published result of draw " + other.draw_id +
                  "); the no-penalty list does not apply (R17)");
              return false;
            }
          }
        }
        return true;
      }));
      SUIJI_RETURN_IF_ERROR(found);
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckResult(const InspectionStore& s, const ResultRecord& r, std::string_view date) {
  SUIJI_RETURN_IF_ERROR(CheckResultContent(s, r, date));
  const ResultInfo* existing = s.FindResult(r.draw_id, r.credit_code);
  if (existing == nullptr) {
    if (r.revision != 1) {
      return FailedPrecondition(Who(r.draw_id, r.credit_code) + " has no revision yet; the first is 1");
    }
    return OkStatus();
  }
  if (existing->state != ResultState::kEntered && existing->state != ResultState::kReturned) {
    return WrongState(*existing, "record a new revision of");
  }
  const uint32_t next = existing->latest().revision + 1;
  if (r.revision != next) {
    return FailedPrecondition(Who(r.draw_id, r.credit_code) + ": the next revision is " +
                              std::to_string(next) + ", not " + std::to_string(r.revision));
  }
  if (r.inspection_date != existing->revisions.front().record.inspection_date) {
    return InvalidArgument("inspection_date " + r.inspection_date + " differs from revision 1 (" +
                           existing->revisions.front().record.inspection_date +
                           "); the inspection happened once");
  }
  return OkStatus();
}

Status CheckConfirmation(const InspectionStore& s, const ConfirmationRecord& c) {
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(s, c.draw_id, c.credit_code));
  if (r->state != ResultState::kEntered) return WrongState(*r, "confirm");
  if (c.revision != r->latest().revision) return WrongRevision(*r, c.revision, r->latest().revision);
  if (c.result_sha256 != r->revision_sha256.back()) {
    return FailedPrecondition(Who(c.draw_id, c.credit_code) + ": revision " + std::to_string(c.revision) +
                              " as recorded has SHA-256 " + ToHex(r->revision_sha256.back()) + ", not " +
                              ToHex(c.result_sha256) + "; confirm what was recorded");
  }
  const auto& team = r->latest().team;
  if (std::find(team.begin(), team.end(), c.inspector_id) == team.end()) {
    return InvalidArgument("inspector " + Q(c.inspector_id) + " is not on the team of revision " +
                           std::to_string(c.revision) + " of " + Who(c.draw_id, c.credit_code) +
                           "; only the inspectors who inspected confirm it");
  }
  for (const auto& done : r->confirmations) {
    if (done.record.revision == c.revision && done.record.inspector_id == c.inspector_id) {
      return FailedPrecondition("inspector " + Q(c.inspector_id) + " already confirmed revision " +
                                std::to_string(c.revision) + " of " + Who(c.draw_id, c.credit_code) +
                                " (entry " + std::to_string(done.sequence) + ")");
    }
  }
  return OkStatus();
}

Status CheckSubmit(const InspectionStore& st, const ResultStepRecord& s) {
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(st, s.draw_id, s.credit_code));
  if (r->state != ResultState::kEntered) return WrongState(*r, "submit");
  if (s.revision != r->latest().revision) return WrongRevision(*r, s.revision, r->latest().revision);
  return NeedsConfirmations(*r, "submit");
}

Status CheckReview(const InspectionStore& s, const ReviewRecord& rv, std::string_view user) {
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(s, rv.draw_id, rv.credit_code));
  if (r->state != ResultState::kAwaitingReview) return WrongState(*r, "review");
  if (rv.revision != r->latest().revision) return WrongRevision(*r, rv.revision, r->latest().revision);
  if (!rv.approved && rv.reason.empty()) {
    return InvalidArgument("a returned result needs the reviewer's reason");
  }
  if (rv.reason.size() > 20000) return InvalidArgument("reason is longer than 20000 bytes");
  const std::string& recorder = r->revisions.back().user;
  if (!user.empty() && user == recorder) {
    return FailedPrecondition("user " + Q(user) + " recorded revision " +
                              std::to_string(rv.revision) + " of " +
                              Who(rv.draw_id, rv.credit_code) +
                              "; another person reviews it (审核 by someone else)");
  }
  if (rv.approved) return NeedsConfirmations(*r, "approve");
  return OkStatus();
}

Status CheckPublish(const InspectionStore& st, const ResultStepRecord& s, std::string_view date) {
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(st, s.draw_id, s.credit_code));
  if (r->state != ResultState::kApproved) return WrongState(*r, "publish");
  if (s.revision != r->latest().revision) return WrongRevision(*r, s.revision, r->latest().revision);
  if (!directory::ValidDate(s.date) || s.date > date ||
      s.date < r->latest().inspection_date) {
    return InvalidArgument("publication date " + Q(s.date) + " must be between the inspection (" +
                           r->latest().inspection_date + ") and today (" + std::string(date) +
                           ")");
  }
  return OkStatus();
}

Status CheckCorrection(const InspectionStore& s, const CorrectionRecord& c, std::string_view date) {
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(s, c.result.draw_id, c.result.credit_code));
  if (r->state != ResultState::kPublished) return WrongState(*r, "correct");
  if (c.reason.empty()) return InvalidArgument("a correction needs its reason (更正原因)");
  if (c.reason.size() > 20000) return InvalidArgument("reason is longer than 20000 bytes");
  const uint32_t next = static_cast<uint32_t>(r->corrections.size()) + 1;
  if (c.correction != next) {
    return FailedPrecondition(Who(r->draw_id, r->credit_code) + ": the next correction is " +
                              std::to_string(next) + ", not " + std::to_string(c.correction));
  }
  if (c.result.revision != r->published_revision) {
    return InvalidArgument("a correction restates the published revision " +
                           std::to_string(r->published_revision) + ", not " +
                           std::to_string(c.result.revision));
  }
  if (c.result.inspection_date != r->published()->inspection_date) {
    return InvalidArgument("a correction cannot move the inspection date");
  }
  if (c.result == r->current()) return InvalidArgument("the correction changes nothing");
  return CheckResultContent(s, c.result, date);
}

Status CheckInternalNote(const InspectionStore& s, const InternalNoteRecord& n) {
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(s, n.draw_id, n.credit_code));
  (void)r;
  if (n.note.empty() && n.complainant_name.empty()) return InvalidArgument("an empty note");
  if (n.note.size() > 20000 || n.complainant_name.size() > 1000 ||
      n.complainant_contact.size() > 1000) {
    return InvalidArgument("note fields too long");
  }
  return OkStatus();
}

Status CheckTransfer(const InspectionStore& s, const TransferRecord& t, std::string_view date) {
  if (auto errs = ValidateTransfer(t); !errs.empty()) return FieldErrors("transfer", errs);
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(s, t.draw_id, t.credit_code));
  const Handling want = t.kind == TransferKind::Police ? Handling::TransferPolice
                                                       : Handling::TransferDepartment;
  bool found = false;
  for (const auto& it : r->current().items) {
    for (const auto& v : it.violations) {
      if (std::find(v.handling.begin(), v.handling.end(), want) != v.handling.end()) found = true;
    }
  }
  if (!found) {
    return FailedPrecondition(Who(t.draw_id, t.credit_code) + " lists no violation handled by " +
                              std::string(HandlingLabel(want)) + "; record that handling first");
  }
  if (t.date < r->current().inspection_date || t.date > date) {
    return InvalidArgument("transfer date " + t.date + " must be between the inspection (" +
                           r->current().inspection_date + ") and today (" + std::string(date) + ")");
  }
  return OkStatus();
}

Status CheckReevaluation(const InspectionStore& s, const ReevaluationRecord& e, std::string_view date) {
  if (auto errs = ValidateReevaluation(e); !errs.empty()) return FieldErrors("re-evaluation", errs);
  SUIJI_ASSIGN_OR_RETURN(const ResultInfo* r, Existing(s, e.draw_id, e.credit_code));
  if (r->state != ResultState::kPublished) {
    return FailedPrecondition("a credit grade is re-evaluated after the result is published; " +
                              Who(e.draw_id, e.credit_code) + " is " +
                              std::string(ResultStateName(r->state)));
  }
  if (!s.draw_store().directory().Target(e.credit_code)) return NotFound("no target " + e.credit_code + " in the directory");
  if (e.grade_date < r->current().inspection_date || e.grade_date > date) {
    return InvalidArgument("grade_date " + e.grade_date + " must be between the inspection (" +
                           r->current().inspection_date + ") and today (" + std::string(date) + ")");
  }
  return OkStatus();
}

// --- InspectionWorld: the store in memory ----------------------------------------------------

const ResultInfo* InspectionWorld::Result(std::string_view draw_id,
                                          std::string_view credit_code) const {
  auto it = results.find(ResultKey(draw_id, credit_code));
  return it == results.end() ? nullptr : &it->second;
}

const draw::VisitRecord* InspectionWorld::Visit(std::string_view draw_id,
                                                std::string_view credit_code) const {
  return VisitIn(*this, draw_id, credit_code);
}

std::vector<directory::ItemRecord> InspectionWorld::ItemsOf(std::string_view draw_id) const {
  return inspection::ItemsOf(*this, draw_id);
}

Status InspectionWorld::CheckAnnouncement(const AnnouncementRecord& a, std::string_view date) const {
  return inspection::CheckAnnouncement(*this, a, date);
}
Status InspectionWorld::CheckResult(const ResultRecord& r, std::string_view date) const {
  return inspection::CheckResult(*this, r, date);
}
Status InspectionWorld::CheckConfirmation(const ConfirmationRecord& c) const {
  return inspection::CheckConfirmation(*this, c);
}
Status InspectionWorld::CheckSubmit(const ResultStepRecord& s) const {
  return inspection::CheckSubmit(*this, s);
}
Status InspectionWorld::CheckReview(const ReviewRecord& r, std::string_view user) const {
  return inspection::CheckReview(*this, r, user);
}
Status InspectionWorld::CheckPublish(const ResultStepRecord& s, std::string_view date) const {
  return inspection::CheckPublish(*this, s, date);
}
Status InspectionWorld::CheckCorrection(const CorrectionRecord& c, std::string_view date) const {
  return inspection::CheckCorrection(*this, c, date);
}
Status InspectionWorld::CheckInternalNote(const InternalNoteRecord& n) const {
  return inspection::CheckInternalNote(*this, n);
}
Status InspectionWorld::CheckTransfer(const TransferRecord& t, std::string_view date) const {
  return inspection::CheckTransfer(*this, t, date);
}
Status InspectionWorld::CheckReevaluation(const ReevaluationRecord& r, std::string_view date) const {
  return inspection::CheckReevaluation(*this, r, date);
}

const AnnouncementInfo* InspectionWorld::FindAnnouncement(std::string_view draw_id) const {
  auto it = announcements.find(draw_id);
  return it == announcements.end() ? nullptr : &it->second;
}

Status InspectionWorld::ForEachResult(std::string_view draw_id, const ResultKey& after, size_t limit,
                                      const std::function<bool(const ResultInfo&)>& fn) const {
  auto it = after.first.empty() && after.second.empty() ? results.begin() : results.upper_bound(after);
  if (!draw_id.empty()) {
    auto from = results.lower_bound(ResultKey(draw_id, ""));
    if (from != results.end() && (it == results.end() || from->first > it->first)) it = from;
  }
  size_t n = 0;
  for (; it != results.end(); ++it) {
    if (!draw_id.empty() && it->first.first != draw_id) break;
    ++n;
    if (!fn(it->second) || (limit != 0 && n >= limit)) break;
  }
  return OkStatus();
}

Status InspectionWorld::ForEachResultOfCode(std::string_view credit_code,
                                            const std::function<bool(const ResultInfo&)>& fn) const {
  for (const auto& [key, info] : results) {
    if (key.second == credit_code && !fn(info)) break;
  }
  return OkStatus();
}

void InspectionWorld::PutAnnouncement(AnnouncementInfo a) {
  std::string id = a.record.draw_id;
  announcements[id] = std::move(a);
}

ResultInfo* InspectionWorld::MutableResult(std::string_view draw_id, std::string_view credit_code,
                                           bool create) {
  ResultKey key(draw_id, credit_code);
  if (!create) {
    auto it = results.find(key);
    return it == results.end() ? nullptr : &it->second;
  }
  return &results[key];
}

Status InspectionWorld::Apply(const EntryView& e) {
  SUIJI_RETURN_IF_ERROR(draws.Apply(e));  // directory and draw events (and 321's grade)
  return ApplyInspectionEvent(e, *this);
}

// --- the fold --------------------------------------------------------------------------------

namespace {

Status ApplyInspectionPayload(const EntryView& e, InspectionStore& store) {
  const ByteView p = e.payload();
  const std::string date = ChinaDate(e.event->time_us());
  const std::string user = UserOf(e);
  auto logged = [&](auto rec) {
    return Logged<decltype(rec)>{std::move(rec), e.sequence(), e.event->time_us(), user};
  };
  // The result a step was checked against (it exists: every Check* of a step finds it).
  auto result = [&](std::string_view draw_id, std::string_view code) -> ResultInfo& {
    return *store.MutableResult(draw_id, code, true);
  };
  switch (e.type()) {
    case EventType::TargetsAnnounced: {
      SUIJI_ASSIGN_OR_RETURN(AnnouncementRecord a, DecodeAnnouncement(p));
      SUIJI_RETURN_IF_ERROR(CheckAnnouncement(store, a, date));
      store.PutAnnouncement(AnnouncementInfo{std::move(a), e.sequence(), e.event->time_us()});
      return OkStatus();
    }
    case EventType::ResultRecorded: {
      SUIJI_ASSIGN_OR_RETURN(ResultRecord r, DecodeResult(p));
      SUIJI_RETURN_IF_ERROR(CheckResult(store, r, date));
      ResultInfo& info = result(r.draw_id, r.credit_code);
      info.draw_id = r.draw_id;
      info.credit_code = r.credit_code;
      info.state = ResultState::kEntered;
      info.revisions.push_back(logged(std::move(r)));
      info.revision_sha256.push_back(Sha256(p));
      return OkStatus();
    }
    case EventType::ResultConfirmed: {
      SUIJI_ASSIGN_OR_RETURN(ConfirmationRecord c, DecodeConfirmation(p));
      SUIJI_RETURN_IF_ERROR(CheckConfirmation(store, c));
      result(c.draw_id, c.credit_code).confirmations.push_back(logged(std::move(c)));
      return OkStatus();
    }
    case EventType::ResultSubmitted: {
      SUIJI_ASSIGN_OR_RETURN(ResultStepRecord s, DecodeStep(p));
      SUIJI_RETURN_IF_ERROR(CheckSubmit(store, s));
      result(s.draw_id, s.credit_code).state = ResultState::kAwaitingReview;
      return OkStatus();
    }
    case EventType::ResultReviewed: {
      SUIJI_ASSIGN_OR_RETURN(ReviewRecord r, DecodeReview(p));
      SUIJI_RETURN_IF_ERROR(CheckReview(store, r, user));
      ResultInfo& info = result(r.draw_id, r.credit_code);
      info.state = r.approved ? ResultState::kApproved : ResultState::kReturned;
      info.reviews.push_back(logged(std::move(r)));
      return OkStatus();
    }
    case EventType::ResultPublished: {
      SUIJI_ASSIGN_OR_RETURN(ResultStepRecord s, DecodeStep(p));
      SUIJI_RETURN_IF_ERROR(CheckPublish(store, s, date));
      ResultInfo& info = result(s.draw_id, s.credit_code);
      info.state = ResultState::kPublished;
      info.published_revision = s.revision;
      info.published_date = s.date;
      info.published_sequence = e.sequence();
      info.published_time_us = e.event->time_us();
      return OkStatus();
    }
    case EventType::ResultCorrected: {
      SUIJI_ASSIGN_OR_RETURN(CorrectionRecord c, DecodeCorrection(p));
      SUIJI_RETURN_IF_ERROR(CheckCorrection(store, c, date));
      result(c.result.draw_id, c.result.credit_code).corrections.push_back(logged(std::move(c)));
      return OkStatus();
    }
    case EventType::ResultInternalNote: {
      SUIJI_ASSIGN_OR_RETURN(InternalNoteRecord n, DecodeInternalNote(p));
      SUIJI_RETURN_IF_ERROR(CheckInternalNote(store, n));
      result(n.draw_id, n.credit_code).internal_notes.push_back(logged(std::move(n)));
      return OkStatus();
    }
    case EventType::CaseTransferred: {
      SUIJI_ASSIGN_OR_RETURN(TransferRecord t, DecodeTransfer(p));
      SUIJI_RETURN_IF_ERROR(CheckTransfer(store, t, date));
      result(t.draw_id, t.credit_code).transfers.push_back(logged(std::move(t)));
      return OkStatus();
    }
    case EventType::CreditReevaluated: {
      // The directory fold (applied before) has already set the grade; check the link.
      SUIJI_ASSIGN_OR_RETURN(ReevaluationRecord r, DecodeReevaluation(p));
      SUIJI_RETURN_IF_ERROR(CheckReevaluation(store, r, date));
      result(r.draw_id, r.credit_code).reevaluations.push_back(logged(std::move(r)));
      return OkStatus();
    }
    default:
      return OkStatus();  // a later version's event: opaque here
  }
}

}  // namespace

Status ApplyInspectionEvent(const EntryView& e, InspectionStore& store) {
  if (!IsInspectionEvent(e.type())) return OkStatus();
  Status s = ApplyInspectionPayload(e, store);
  if (!s.ok()) {
    return FailedPrecondition("entry " + std::to_string(e.sequence()) + " (" +
                              std::string(EventTypeName(e.type())) + "): " + s.message());
  }
  return OkStatus();
}

}  // namespace suiji::inspection
