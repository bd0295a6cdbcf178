// The public portal's HTML (公示; issue 19): server-rendered pages in Chinese, mobile first
// (a 390 px phone, readable at 1280 px), no sign-in, no JavaScript but the draw page's
// "在浏览器中验证" button. Every value is escaped. Built from the notices the public
// projection holds (the objects of /public/v1/...), so a page shows exactly what its JSON
// shows, in words. pages.cc: the layout, the index, the employer search and the key page;
// pages_draw.cc: plans, tasks and draws; pages_results.cc: the credit-publicity results.
// Internal to api/http.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace suiji::http::pages {

using nlohmann::json;

// --- the layout and words shared by the pages (pages.cc) ---

// A whole page: <head> with the viewport and the stylesheet, the portal's header and menu,
// <h1>title</h1>, `body` (HTML), and the footer. `script`: a module script, or "".
std::string Page(std::string_view title, const std::string& body, std::string_view script = "");
// HTML-escaped text.
std::string E(std::string_view s);
// A member of a JSON object as text ("" when absent or null; numbers as digits).
std::string Str(const json& j, const char* key);
// Words for the values a notice holds.
std::string PhaseLabel(std::string_view phase);     // drawn -> 已完成抽取 ...
std::string GradeLabel(std::string_view grade);     // "A" -> A级, "" -> 未评级
std::string RegionLabel(std::string_view code);     // 320402 -> 天宁区（320402）
std::string Percent(uint64_t basis_points);         // 2000 -> 20%
std::string OutcomeWords(const json& items);        // 检查结果: the items' labels
std::string HandlingWords(const json& items);       // 处理情况: violations, or 无
std::string ItemNames(const json& items);           // 检查事项
// A definition list of (label, HTML value) pairs.
std::string Facts(const std::vector<std::pair<std::string, std::string>>& rows);
// A card table: headers, then rows of HTML cells; on a phone each row is a card whose cells
// carry their header as a label.
std::string CardTable(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                      std::string_view css_class = "");

// --- the pages ---

// /public: the search box, and every task with its draws. `tasks`, `draws`: notices (the
// draws without targets), `plans`: plan notices (every version).
std::string IndexPage(const json& tasks, const json& draws, const json& plans);
// /public/search?q=: the employers found, each with its draws and its published results
// ({employers: [...]} of PublicReader::Employers, each with "results": [result notices]).
std::string SearchPage(std::string_view query, const json& employers, const std::string& next_href);
// /public/key: the verifier key and the latest checkpoint note ("" when none yet).
std::string KeyPage(std::string_view verifier_key, std::string_view checkpoint_note, uint64_t checkpoint_size);
// /public/plans/{id}: every version and the plan's tasks.
std::string PlanPage(std::string_view plan_id, const json& versions, const json& tasks);
// /public/tasks/{id}: everything the draw depends on, in words and as data. `item_list`: the
// task's item-list notice (null if the list is not published), `draws`: its draws.
std::string TaskPage(const json& task, const json& item_list, const json& draws);
// /public/draws/{id}: the draw notice with its targets; `task`: its task notice (or null).
std::string DrawPage(const json& draw, const json& task);
// A page saying what was not found (404).
std::string NotFoundPage(std::string_view what);
// /public/results: one page of result notices, the filters as given, the regions and tasks
// to choose from ((code, label) pairs), the next page's link ("" on the last).
struct ResultFilters {
  std::string region, task, from, to;
};
std::string ResultsPage(const json& results, const ResultFilters& filters,
                        const std::vector<std::pair<std::string, std::string>>& regions,
                        const std::vector<std::pair<std::string, std::string>>& tasks, const std::string& next_href,
                        const std::string& error = "");

}  // namespace suiji::http::pages
