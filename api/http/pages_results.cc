// The portal's results page (pages.h): published results in the layout of the enterprise
// credit publicity system (信用信息公示), filtered by region, task and publication date,
// paged, corrections beside the originals, with the CSV for download.
#include "api/http/pages.h"

namespace suiji::http::pages {

namespace {

std::string Options(const std::vector<std::pair<std::string, std::string>>& choices, const std::string& chosen,
                    std::string_view all) {
  std::string out = "<option value=\"\">" + E(all) + "</option>";
  for (const auto& [value, label] : choices) {
    out += "<option value=\"" + E(value) + "\"" + (value == chosen ? " selected" : "") + ">" + E(label) + "</option>";
  }
  return out;
}

}  // namespace

std::string ResultsPage(const json& results, const ResultFilters& f,
                        const std::vector<std::pair<std::string, std::string>>& regions,
                        const std::vector<std::pair<std::string, std::string>>& tasks, const std::string& next_href,
                        const std::string& error) {
  std::string b =
      "<section><form class=\"filters\" action=\"/public/results\" method=\"get\">"
      "<label>地区<select name=\"region\">" + Options(regions, f.region, "全部地区") + "</select></label>"
      "<label>抽查任务<select name=\"task\">" + Options(tasks, f.task, "全部任务") + "</select></label>"
      "<label>公示日期自<input type=\"date\" name=\"from\" value=\"" + E(f.from) + "\"></label>"
      "<label>至<input type=\"date\" name=\"to\" value=\"" + E(f.to) + "\"></label>"
      "<button type=\"submit\">筛选</button></form>"
      "<p><a href=\"/public/v1/results.csv\" download=\"抽查结果.csv\">下载全部抽查结果（CSV，信用信息公示格式）</a></p></section>";
  if (!error.empty()) b += "<section><p class=\"fail\">" + E(error) + "</p></section>";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results) {
    const json items = r.value("items", json::array());
    std::string handled = E(HandlingWords(items));
    for (const auto& t : r.value("transfers", json::array())) {
      handled += "；" + std::string(Str(t, "kind") == "police" ? "移送公安机关" : "移送有关部门") + "：" + E(Str(t, "to_body"));
    }
    std::string corrections;
    for (const auto& c : r.value("corrections", json::array())) {
      const json after = c.value("result", json::object()).value("items", json::array());
      corrections += "<div class=\"correction\">更正" + E(Str(c, "correction")) + "（" + E(Str(c, "date")) + "）：" +
                     E(Str(c, "reason")) + "；更正后检查结果：" + E(OutcomeWords(after)) + "；更正后处理情况：" +
                     E(HandlingWords(after)) + "</div>";
    }
    rows.push_back({"<code>" + E(Str(r, "credit_code")) + "</code>", E(Str(r, "employer_name")), E(ItemNames(items)),
                    E(Str(r, "inspection_date")), E(OutcomeWords(items)), handled, E(Str(r, "inspecting_body")),
                    "<a href=\"/public/draws/" + E(Str(r, "draw_id")) + "\">" + E(Str(r, "task")) + "</a>",
                    E(Str(r, "published_date")), corrections.empty() ? "无" : corrections});
  }
  if (rows.empty()) {
    b += "<section><p>没有符合条件的已公示检查结果。</p></section>";
  } else {
    b += CardTable({"统一社会信用代码", "单位名称", "检查事项", "检查日期", "检查结果", "处理情况", "检查机关", "抽查任务",
                    "公示日期", "更正情况"},
                   rows, "results");
  }
  if (!next_href.empty()) b += "<p><a class=\"button\" href=\"" + E(next_href) + "\">下一页</a></p>";
  return Page("抽查结果公示", b);
}

}  // namespace suiji::http::pages
