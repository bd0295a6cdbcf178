// The inspector's own visits (the staff console's 我的检查, issue 18): every visit of a live,
// drawn draw whose team (or experts) includes the caller's inspector id, with what the
// inspector needs to go and record it — the employer, the task's items with their checklists,
// the window, the deadlines, and where its result stands. Read from the draws and inspections
// projections in one snapshot (InspectionService::Read); nothing folds the log.
#include <algorithm>

#include "api/http/route_helpers.h"
#include "ledger/core/inspection/deadlines.h"

namespace suiji::http {

namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// GET /api/v1/visits?mine=1. Only the caller's own visits are served (mine=1 is required, so a
// later listing for reviewers by draw keeps the same path).
Reply MyVisits(Call& c) {
  if (!QueryFlag(c, "mine")) {
    return Error(400, "bad_query", "mine=1 is required: the visits whose team includes your inspector id");
  }
  const std::string& me = c.user->user.inspector_id;
  if (me.empty()) {
    return Error(403, "no_inspector_id",
                 "your user acts for no inspector of the directory (user add --inspector-id): it has no visits");
  }
  const std::string today = c.node.inspections->Today();
  json visits = json::array();
  Status read = c.node.inspections->Read([&](const inspection::InspectionStore& s) -> Status {
    const draw::DrawStore& w = s.draw_store();
    // Every draw of the draws projection (its rows, not the log); an index by inspector is
    // the next step when a node holds many years of draws (api/http/README.md).
    return w.ForEachDraw("", 0, [&](const draw::DrawInfo& d) {
      if (d.phase != draw::DrawPhase::kResulted) return true;
      const draw::TaskInfo* t = nullptr;
      std::vector<directory::ItemRecord> items;
      for (const draw::VisitRecord& v : d.visits) {
        const bool on_team = Contains(v.team, me);
        if (!on_team && !Contains(v.experts, me)) continue;
        if (t == nullptr) {
          t = w.FindTask(d.task_id);
          if (t == nullptr) return true;
          items = inspection::ItemsOf(s, d.draw_id);
        }
        json item_rows = json::array();
        for (const auto& it : items) {
          item_rows.push_back({{"item_id", it.item_id},
                               {"name", it.name},
                               {"legal_basis", it.legal_basis},
                               {"content", it.content},
                               {"checklist", it.checklist}});
        }
        const auto target = w.directory().Target(v.credit_code);
        const inspection::ResultInfo* r = s.FindResult(d.draw_id, v.credit_code);
        json result = nullptr;
        if (r != nullptr) {
          result = {{"state", inspection::ResultStateName(r->state)},
                    {"revision", r->latest().revision},
                    {"result_sha256", ToHex(r->revision_sha256.back())},
                    {"unconfirmed", r->Unconfirmed()}};
        }
        json deadlines = json::array();
        inspection::ForEachVisitDeadline(s.calendar(), d, *t, v.credit_code, r, today,
                                         [&](inspection::Deadline&& dl) {
                                           deadlines.push_back(
                                               {{"kind", inspection::DeadlineKindName(dl.kind)},
                                                {"status", inspection::DeadlineStatusName(dl.status)},
                                                {"from", dl.from},
                                                {"due", dl.due},
                                                {"done", dl.done}});
                                         });
        visits.push_back({{"draw_id", d.draw_id},
                          {"task_id", d.task_id},
                          {"task_title", t->task.title},
                          {"org_id", t->task.org_id},
                          {"credit_code", v.credit_code},
                          {"employer_name", target ? target->name : ""},
                          {"region", target ? target->region : ""},
                          {"role", on_team ? "team" : "expert"},
                          {"team", v.team},
                          {"experts", v.experts},
                          {"window_start", t->task.window_start},
                          {"window_end", t->task.window_end},
                          {"announced", s.FindAnnouncement(d.draw_id) != nullptr},
                          {"items", item_rows},
                          {"result", result},
                          {"deadlines", deadlines}});
      }
      return true;
    });
  });
  if (!read.ok()) return FromStatus(read);
  return Json(json{{"inspector_id", me}, {"today", today}, {"visits", visits}});
}

}  // namespace

std::vector<Route> VisitRoutes() {
  return {
      R("GET", "/api/v1/visits", {kInspector}, false,
        "your visits (?mine=1): the visits whose team includes your inspector id, with the employer, items, "
        "window, deadlines and result state",
        MyVisits),
  };
}

}  // namespace suiji::http
