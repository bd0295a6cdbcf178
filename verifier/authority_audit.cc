#include "verifier/authority_audit.h"

#include <algorithm>

#include "verifier/compact_state.h"
#include "verifier/export_entries.h"
#include "ledger/core/directory/records.h"
#include "ledger/core/draw/records.h"
#include "ledger/core/identity/identity.h"
#include "ledger/core/inspection/records.h"
#include "ledger/core/inspection/state.h"

namespace suiji {

namespace {

constexpr size_t kListed = 50;

void Fail(AuthorityAudit& a, uint64_t seq, std::string what) {
  ++a.failures_total;
  if (a.failures.size() < kListed) a.failures.push_back({seq, std::move(what)});
}

// Why `u` could not have written `e`, or empty.
std::string Refusal(const identity::UserInfo& u, const EntryView& e) {
  const std::string name = "user " + u.user.user_id;
  if (u.disabled) return name + " was disabled";
  if (e.actor_org() != u.user.org_id) {
    return name + " belongs to org unit " + u.user.org_id + " but acted for " + std::string(e.actor_org());
  }
  const std::vector<identity::Role> allowed = identity::RolesForEvent(e.type());
  if (allowed.empty()) {
    return std::string(EventTypeName(e.type())) + " is the node operator's; " + name + " may not write it";
  }
  if (std::none_of(allowed.begin(), allowed.end(), [&](identity::Role r) { return u.Has(r); })) {
    std::string roles;
    for (identity::Role r : allowed) roles += (roles.empty() ? "" : " or ") + std::string(identity::RoleName(r));
    return name + " wrote " + std::string(EventTypeName(e.type())) + " without the role (" + roles + ")";
  }
  return {};
}

// A record an event acted on, and the region that puts it inside or outside a jurisdiction.
struct Subject {
  std::string what;  // "employer 91320402...", "draw D1", ...
  std::optional<std::string> region;
};

// What the audit needs to place an event's records: the directory and draw state (one fold;
// no result is read here) and the org units' regions (the identity fold's).
struct Places {
  const draw::DrawWorld& draws;
  const identity::IdentityWorld& ids;

  Subject Org(std::string_view org_id) const { return {"org unit " + std::string(org_id), ids.OrgRegion(org_id)}; }
  Subject Task(std::string_view task_id) const {
    const draw::TaskInfo* t = draws.Task(task_id);
    return {"task " + std::string(task_id), t == nullptr ? std::nullopt : ids.OrgRegion(t->task.org_id)};
  }
  Subject Draw(std::string_view draw_id) const {
    const draw::DrawInfo* d = draws.Draw(draw_id);
    return {"draw " + std::string(draw_id), d == nullptr ? std::nullopt : Task(d->task_id).region};
  }
  // The region of a directory record (an employer or an inspector) as it stands.
  template <typename Record>
  static std::optional<std::string> RegionOf(const std::map<std::string, Record, std::less<>>& records,
                                             const std::string& id) {
    auto it = records.find(id);
    return it == records.end() ? std::nullopt : std::optional(it->second.region);
  }
  // The visit of a drawn target in a live, resulted draw (as InspectionWorld::Visit).
  const draw::VisitRecord* Visit(std::string_view draw_id, std::string_view code) const {
    const draw::DrawInfo* d = draws.Draw(draw_id);
    if (d == nullptr || d->phase != draw::DrawPhase::kResulted) return nullptr;
    for (const auto& v : d->visits) {
      if (v.credit_code == code) return &v;
    }
    return nullptr;
  }
  std::optional<std::string> UserRegion(std::string_view user_id) const {
    const identity::UserInfo* u = ids.User(user_id);
    return u == nullptr ? std::nullopt : std::optional(u->region);
  }
};

// The records `e` acted on, as the server places them when it checks a request's
// jurisdiction (api/http/routes*.cc), read from the state before `e`: a record's region
// before and after a change, the org unit a record or plan belongs to, the task's org unit
// for every draw and result event. The working-day calendar is national: no subject. A
// payload that does not decode has no subject here (the log verifier reports it).
std::vector<Subject> Subjects(const EntryView& e, const Places& at) {
  const ByteView p = e.payload();
  const auto& targets = at.draws.dir.targets;
  const auto& inspectors = at.draws.dir.inspectors;
  std::vector<Subject> out;
  // A directory record registered (`after` decoded) or patched (`after` = the record as it
  // stands with the patch applied): its region before and after, and its org unit after.
  auto changed = [&](const std::string& what, const std::optional<std::string>& before, const auto& after) {
    out.push_back({what, before});
    out.push_back({what, after.region});
    out.push_back(at.Org(after.org_id));
  };
  auto patched = [&](const std::string& what, const auto& records, const auto& patch, const std::string& id) {
    auto it = records.find(id);
    if (it == records.end()) return;  // unknown: the fold refuses it
    auto after = it->second;
    directory::ApplyPatch(after, patch);
    changed(what, it->second.region, after);
  };
  switch (e.type()) {
    case EventType::OrgUnitRegistered:
      if (auto o = directory::DecodeOrgUnit(p); o.ok()) out.push_back({"org unit " + o->org_id, o->region});
      break;
    case EventType::TargetRegistered:
      if (auto t = directory::DecodeTarget(p); t.ok()) {
        changed("employer " + t->credit_code, Places::RegionOf(targets, t->credit_code), *t);
      }
      break;
    case EventType::TargetUpdated:
      if (auto patch = directory::DecodeTargetPatch(p); patch.ok()) {
        const std::string& code = patch->values.credit_code;
        patched("employer " + code, targets, *patch, code);
      }
      break;
    case EventType::TargetRetired:
      if (auto r = directory::DecodeTargetRetired(p); r.ok()) {
        out.push_back({"employer " + r->credit_code, Places::RegionOf(targets, r->credit_code)});
      }
      break;
    case EventType::InspectorRegistered:
      if (auto i = directory::DecodeInspector(p); i.ok()) {
        changed("inspector " + i->inspector_id, Places::RegionOf(inspectors, i->inspector_id), *i);
      }
      break;
    case EventType::InspectorUpdated:
      if (auto patch = directory::DecodeInspectorPatch(p); patch.ok()) {
        const std::string& id = patch->values.inspector_id;
        patched("inspector " + id, inspectors, *patch, id);
      }
      break;
    case EventType::InspectorRetired:
      if (auto r = directory::DecodeInspectorRetired(p); r.ok()) {
        out.push_back({"inspector " + r->inspector_id, Places::RegionOf(inspectors, r->inspector_id)});
      }
      break;
    case EventType::ConflictDeclared:
    case EventType::ConflictWithdrawn:
      if (auto c = directory::DecodeConflict(p); c.ok()) {
        out.push_back({"inspector " + c->inspector_id, Places::RegionOf(inspectors, c->inspector_id)});
      }
      break;
    case EventType::ItemListPublished:
      if (auto l = directory::DecodeItemList(p); l.ok()) out.push_back(at.Org(l->org_id));
      break;
    case EventType::PlanFiled:
      if (auto plan = draw::DecodePlan(p); plan.ok()) out.push_back(at.Org(plan->org_id));
      break;
    case EventType::TaskDefined:
      if (auto t = draw::DecodeTask(p); t.ok()) out.push_back(at.Org(t->org_id));
      break;
    case EventType::TaskWithdrawn:
      if (auto w = draw::DecodeTaskWithdrawn(p); w.ok()) out.push_back(at.Task(w->task_id));
      break;
    case EventType::DrawFrozen:
      if (auto f = draw::DecodeFreeze(p); f.ok()) out.push_back(at.Task(f->task_id));
      break;
    case EventType::DrawCommitted:
      if (auto c = draw::DecodeCommit(p); c.ok()) out.push_back(at.Task(c->task_id));
      break;
    case EventType::DrawRevealed:
      if (auto r = draw::DecodeReveal(p); r.ok()) out.push_back(at.Draw(r->draw_id));
      break;
    case EventType::DrawResult:
      if (auto r = draw::DecodeResultPart(p); r.ok()) out.push_back(at.Draw(r->draw_id));
      break;
    case EventType::DrawCancelled:
      if (auto c = draw::DecodeCancel(p); c.ok()) out.push_back(at.Draw(c->draw_id));
      break;
    case EventType::AssignmentDeclined:
      if (auto d = draw::DecodeDecline(p); d.ok()) out.push_back(at.Draw(d->draw_id));
      break;
    case EventType::TargetsAnnounced:
      if (auto a = inspection::DecodeAnnouncement(p); a.ok()) out.push_back(at.Draw(a->draw_id));
      break;
    case EventType::ResultReviewed:
      if (auto r = inspection::DecodeReview(p); r.ok()) out.push_back(at.Draw(r->draw_id));
      break;
    case EventType::ResultPublished:
      if (auto s = inspection::DecodeStep(p); s.ok()) out.push_back(at.Draw(s->draw_id));
      break;
    case EventType::ResultCorrected:
      if (auto c = inspection::DecodeCorrection(p); c.ok()) out.push_back(at.Draw(c->result.draw_id));
      break;
    case EventType::CaseTransferred:
      if (auto t = inspection::DecodeTransfer(p); t.ok()) out.push_back(at.Draw(t->draw_id));
      break;
    case EventType::CreditReevaluated:
      if (auto r = inspection::DecodeReevaluation(p); r.ok()) out.push_back(at.Draw(r->draw_id));
      break;
    case EventType::UserRegistered:
      if (auto u = identity::DecodeUser(p); u.ok()) {
        out.push_back({"user " + u->user_id, at.UserRegion(u->user_id)});
        out.push_back(at.Org(u->org_id));
        // The directory inspector it will act as (its results, its team's visits).
        if (!u->inspector_id.empty()) {
          out.push_back({"inspector " + u->inspector_id, Places::RegionOf(inspectors, u->inspector_id)});
        }
      }
      break;
    case EventType::UserDisabled:
      if (auto d = identity::DecodeUserDisabled(p); d.ok()) out.push_back({"user " + d->user_id, at.UserRegion(d->user_id)});
      break;
    case EventType::CredentialSet:
      if (auto c = identity::DecodeCredentialSet(p); c.ok()) out.push_back({"user " + c->user_id, at.UserRegion(c->user_id)});
      break;
    case EventType::TokenIssued:
      if (auto t = identity::DecodeToken(p); t.ok()) out.push_back({"user " + t->user_id, at.UserRegion(t->user_id)});
      break;
    case EventType::TokenRevoked:
      if (auto r = identity::DecodeTokenRevoked(p); r.ok()) {
        const identity::TokenInfo* t = at.ids.Token(r->token_id);
        if (t != nullptr) out.push_back({"token " + r->token_id + " of user " + t->token.user_id, at.UserRegion(t->token.user_id)});
      }
      break;
    default:  // results by inspectors (their team), internal notes (either): see TeamRefusal
      break;
  }
  return out;
}

// An inspector records and submits results only for visits whose team it is on; an internal
// note is written by the team's inspector or by a reviewer whose jurisdiction covers the draw.
// Empty when allowed, or not such an event.
std::string TeamRefusal(const identity::UserInfo& u, const EntryView& e, const Places& at) {
  std::string draw_id, code;
  bool reviewer_may = false;
  switch (e.type()) {
    case EventType::ResultRecorded:
      if (auto r = inspection::DecodeResult(e.payload()); r.ok()) draw_id = r->draw_id, code = r->credit_code;
      break;
    case EventType::ResultSubmitted:
      if (auto s = inspection::DecodeStep(e.payload()); s.ok()) draw_id = s->draw_id, code = s->credit_code;
      break;
    case EventType::ResultInternalNote:
      if (auto n = inspection::DecodeInternalNote(e.payload()); n.ok()) draw_id = n->draw_id, code = n->credit_code;
      reviewer_may = true;
      break;
    default:
      return {};
  }
  if (draw_id.empty()) return {};  // undecodable: the log verifier's to report
  const std::string name = "user " + u.user.user_id;
  if (reviewer_may && u.Has(identity::Role::kReviewer)) {
    const Subject d = at.Draw(draw_id);
    if (d.region && u.Covers(*d.region)) return {};
  }
  const draw::VisitRecord* v = at.Visit(draw_id, code);
  if (v == nullptr) return {};  // no such visit: the inspection audit's to report
  if (!u.user.inspector_id.empty() && u.Has(identity::Role::kInspector) &&
      std::find(v->team.begin(), v->team.end(), u.user.inspector_id) != v->team.end()) {
    return {};
  }
  return name + " wrote " + std::string(EventTypeName(e.type())) + " for visit " + draw_id + "/" + code +
         " without being on its team" + (u.user.inspector_id.empty() ? "" : " (as inspector " + u.user.inspector_id + ")");
}

// Separation of duties (identity.h, directory/records.h, inspection/state.h): a token is issued
// only by the user it is for; a password is set by the user itself or an administrator; an org unit is registered only inside the acting bureau's
// jurisdiction and below its level; a result is confirmed by each inspector for itself, only
// for a visit it is on (its drawn team or its experts). Empty when allowed, or another event.
std::string DutyRefusal(const identity::UserInfo& u, const EntryView& e, const Places& at) {
  const ByteView p = e.payload();
  switch (e.type()) {
    case EventType::TokenIssued:
      if (auto t = identity::DecodeToken(p); t.ok()) return at.ids.TokenIssuerRefusal(u.user.user_id, *t);
      return {};
    case EventType::CredentialSet:
      if (auto c = identity::DecodeCredentialSet(p); c.ok()) {
        return identity::CredentialSetterRefusal(at.ids.store(), u.user.user_id, *c);
      }
      return {};
    case EventType::OrgUnitRegistered: {
      auto o = directory::DecodeOrgUnit(p);
      const auto& orgs = at.draws.dir.orgs;
      auto acting = orgs.find(u.user.org_id);
      if (!o.ok() || acting == orgs.end()) return {};  // undecodable, or no such org: reported elsewhere
      auto parent = orgs.find(o->parent_org_id);
      const std::string why =
          directory::OrgRegistrationRefusal(acting->second, parent == orgs.end() ? nullptr : &parent->second, *o);
      return why.empty() ? why : "user " + u.user.user_id + " wrote OrgUnitRegistered: " + why;
    }
    case EventType::ResultConfirmed: {
      auto c = inspection::DecodeConfirmation(p);
      if (!c.ok()) return {};
      const std::string name = "user " + u.user.user_id;
      if (c->inspector_id != u.user.inspector_id) {
        return name + " confirmed visit " + c->draw_id + "/" + c->credit_code + " as inspector " + c->inspector_id +
               (u.user.inspector_id.empty() ? ", but is bound to no inspector"
                                            : ", but is inspector " + u.user.inspector_id) +
               ": each inspector confirms for itself";
      }
      const draw::VisitRecord* v = at.Visit(c->draw_id, c->credit_code);
      if (v == nullptr) return {};  // no such visit: the inspection audit's to report
      const std::string& me = c->inspector_id;
      if (std::find(v->team.begin(), v->team.end(), me) == v->team.end() &&
          std::find(v->experts.begin(), v->experts.end(), me) == v->experts.end()) {
        return name + " confirmed visit " + c->draw_id + "/" + c->credit_code + " without being on its team (as inspector " +
               me + ")";
      }
      return {};
    }
    default:
      return {};
  }
}

// "user ID (jurisdiction REGION)", as a jurisdiction refusal names it.
std::string Who(const identity::UserInfo& u) {
  return "user " + u.user.user_id + " (jurisdiction " + (u.region.empty() ? "none" : u.region) + ")";
}

// Why `u` could not have acted on what `e` touched, or empty.
std::string JurisdictionRefusal(const identity::UserInfo& u, const EntryView& e, const Places& at) {
  if (e.type() == EventType::CalendarPublished) {
    // The working-day calendar is national: it moves every bureau's deadlines.
    for (const auto& [org_id, region] : at.ids.org_regions()) {
      if (u.Covers(region)) continue;
      return Who(u) + " published the working-day calendar, which moves every bureau's deadlines, but does not "
             "cover org unit " + org_id + " (region " + region + ")";
    }
    return {};
  }
  for (const Subject& s : Subjects(e, at)) {
    if (!s.region || u.Covers(*s.region)) continue;
    return Who(u) + " wrote " + std::string(EventTypeName(e.type())) + " on " + s.what + " in region " + *s.region +
           ", outside its jurisdiction";
  }
  return TeamRefusal(u, e, at);
}

}  // namespace

AuthorityAudit AuditAuthority(ByteView export_file, const std::function<void(size_t offset)>& consumed) {
  AuthorityAudit audit;
  identity::IdentityWorld world;
  draw::DrawWorld records;  // to place each event's records in a region
  records.dir.keep_history = false;  // no record's history is read here
  TargetShelf employers;  // the employers wait here, not in the fold (compact_state.h)
  const Places at{records, world};
  Status header = ForEachExportedEntry(export_file, [&](const EntryView& e) {
    const std::string code = TargetShelf::CodeOf(e);
    if (!code.empty()) employers.Lend(records.dir, code);
    const std::string actor(e.actor_user());
    if (const identity::UserInfo* u = world.User(actor)) {
      ++audit.by_users_total;
      ++audit.by_user[actor];
      std::string why = Refusal(*u, e);
      if (why.empty()) why = JurisdictionRefusal(*u, e, at);
      if (why.empty()) why = DutyRefusal(*u, e, at);
      if (!why.empty()) Fail(audit, e.sequence(), why);
    } else {
      ++audit.by_operator[actor.empty() ? "(none)" : actor];
      // The operator holds the node key and may write for a bureau, but no one confirms a
      // result in an inspector's place.
      if (e.type() == EventType::ResultConfirmed) {
        Fail(audit, e.sequence(),
             "ResultConfirmed by " + (actor.empty() ? std::string("(none)") : actor) +
                 ", who is not a registered user: a confirmation is the inspector user's own act");
      }
    }
    if (Status s = world.Apply(e); !s.ok() && identity::IsIdentityEvent(e.type())) {
      Fail(audit, e.sequence(), "identity event refused: " + s.message());
    }
    // An event the records' fold refuses leaves it unchanged; the draw and inspection audits
    // report it.
    (void)records.Apply(e);
    if (!code.empty()) employers.Return(records.dir, code);
    if (e.type() == EventType::DrawResult) {
      DropVisitHistory(records);
      ShrinkDrawVisits(records, e);
    }
    return true;
  }, consumed);
  if (!header.ok()) {
    ++audit.failures_total;
    audit.failures.push_back({std::nullopt, header.message()});
    return audit;
  }
  audit.users = world.users().size();
  audit.tokens = world.tokens().size();
  return audit;
}

}  // namespace suiji
