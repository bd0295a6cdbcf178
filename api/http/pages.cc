// The portal's layout and words, the index, the employer search and the key page (pages.h).
#include "api/http/pages.h"

#include <map>

#include "ledger/core/codes/region.h"
#include "ledger/core/inspection/public_record.h"

namespace suiji::http::pages {

namespace {

// Mobile first: the base rules are the phone's (390 px: one column, tables as cards, every
// long value wraps); from 48em the tables are tables and facts sit in two columns.
constexpr std::string_view kStyle = R"(*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:16px;line-height:1.6;color:#1f2329;background:#f4f5f7}
a{color:#0b57d0}
header.site{background:#a61b1b;color:#fff;padding:.6rem 1rem}
header.site a{color:#fff;text-decoration:none}
header.site .name{font-weight:700;font-size:1.05rem}
header.site nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin-top:.3rem}
main{padding:.75rem;max-width:76rem;margin:0 auto}
h1{font-size:1.3rem;margin:.5rem 0 .75rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem;padding-left:.5rem;border-left:4px solid #a61b1b}
h3{font-size:1rem;margin:.75rem 0 .25rem}
section,.card{background:#fff;border:1px solid #e3e5e8;border-radius:6px;padding:.75rem;margin:0 0 .75rem;min-width:0}
p{margin:.4rem 0;overflow-wrap:anywhere}
code,.hash{font-family:ui-monospace,"SFMono-Regular",Menlo,monospace;font-size:.9em;word-break:break-all;overflow-wrap:anywhere}
pre{white-space:pre-wrap;word-break:break-all;font-size:.8rem;background:#f6f8fa;padding:.5rem;border-radius:4px;max-height:30rem;overflow:auto}
dl.facts{margin:0}
dl.facts dt{font-weight:600;color:#4e5969;margin-top:.5rem}
dl.facts dd{margin:0;overflow-wrap:anywhere;min-width:0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #e3e5e8;overflow-wrap:anywhere}
th{background:#f2f3f5;font-weight:600}
table.cards thead{display:none}
table.cards tr{display:block;background:#fff;border:1px solid #e3e5e8;border-radius:6px;margin:0 0 .6rem;padding:.3rem .6rem}
table.cards td{display:grid;grid-template-columns:6.5em minmax(0,1fr);gap:.5rem;border:0;padding:.2rem 0}
table.cards td::before{content:attr(data-label);font-weight:600;color:#4e5969}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain>li{padding:.4rem 0;border-bottom:1px solid #eef0f2}
form.filters{display:grid;grid-template-columns:minmax(0,1fr);gap:.5rem}
form.filters label{display:flex;flex-direction:column;font-weight:600;color:#4e5969;min-width:0}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid #c9cdd4;border-radius:4px;max-width:100%;min-width:0}
button,.button{background:#a61b1b;color:#fff;border:0;border-radius:4px;padding:.5rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
.search{display:flex;gap:.5rem}.search input{flex:1}
.muted{color:#6b7280;font-size:.9rem}
.tag{display:inline-block;padding:0 .4rem;border-radius:3px;background:#eef2ff;color:#1e3a8a;font-size:.85rem}
.tag.cancelled{background:#fdecea;color:#8c1d18}
.correction{background:#fff7e6;border-left:3px solid #d48806;padding:.3rem .5rem;margin-top:.3rem}
ol.steps{padding-left:1.4rem}
ol.steps li{margin:.2rem 0;overflow-wrap:anywhere}
.ok{color:#137333}.fail{color:#b3261e}.pending{color:#8a6d00}
.verdict{font-weight:700;font-size:1.1rem;margin-top:.5rem}
footer{max-width:76rem;margin:0 auto;padding:1rem .75rem 2rem;color:#6b7280;font-size:.85rem}
@media (min-width:48em){
main{padding:1rem 1.5rem}
dl.facts{display:grid;grid-template-columns:12em minmax(0,1fr);gap:.3rem 1rem}
dl.facts dt{margin:0}
table.cards thead{display:table-header-group}
table.cards tr{display:table-row;border:0;background:none;padding:0}
table.cards td{display:table-cell;border-bottom:1px solid #e3e5e8;padding:.4rem .5rem}
table.cards td::before{content:none}
form.filters{grid-template-columns:repeat(4,minmax(0,1fr)) auto;align-items:end}
})";

}  // namespace

std::string E(std::string_view s) { return inspection::HtmlEscape(s); }

std::string Str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string Page(std::string_view title, const std::string& body, std::string_view script) {
  std::string out =
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" + E(title) + " - 双随机抽查公示</title><style>" + std::string(kStyle) +
      "</style></head><body><header class=\"site\"><a class=\"name\" href=\"/public\">双随机、一公开 · 抽查公示</a>"
      "<nav aria-label=\"公示导航\"><a href=\"/public\">首页</a><a href=\"/public/search\">查询单位</a>"
      "<a href=\"/public/results\">抽查结果</a><a href=\"/public/key\">验证公钥</a></nav></header><main><h1>" +
      E(title) + "</h1>" + body +
      "</main><footer>本页内容来自签名账本的公开记录，无需登录。数据接口：<a href=\"/public/v1/notices\">"
      "/public/v1/notices</a>（JSON）· <a href=\"/public/v1/results.csv\">抽查结果 CSV</a></footer>";
  if (!script.empty()) out += "<script type=\"module\">" + std::string(script) + "</script>";
  return out + "</body></html>";
}

std::string PhaseLabel(std::string_view phase) {
  if (phase == "frozen") return "已冻结名单，待承诺";
  if (phase == "committed") return "已承诺，待揭示随机数";
  if (phase == "revealed") return "已揭示随机数";
  if (phase == "drawn") return "已完成抽取";
  if (phase == "cancelled") return "已取消";
  return std::string(phase);
}

std::string GradeLabel(std::string_view grade) { return grade.empty() ? "未评级" : std::string(grade) + "级"; }

std::string RegionLabel(std::string_view code) {
  const codes::Region* r = codes::FindRegion(code);
  return r == nullptr ? std::string(code) : std::string(r->name) + "（" + std::string(code) + "）";
}

std::string Percent(uint64_t bp) {
  std::string s = std::to_string(bp / 100);
  if (bp % 100 != 0) {
    s += "." + std::string(bp % 100 < 10 ? "0" : "") + std::to_string(bp % 100);
    while (s.back() == '0') s.pop_back();
  }
  return s + "%";
}

std::string OutcomeWords(const json& items) {
  std::string out;
  const bool several = items.size() > 1;
  for (const auto& it : items) {
    if (!out.empty()) out += "；";
    if (several) out += Str(it, "item_name") + "：";
    out += Str(it, "outcome_label");
    if (Str(it, "outcome") == "other" && !Str(it, "outcome_text").empty()) out += "（" + Str(it, "outcome_text") + "）";
  }
  return out;
}

std::string HandlingWords(const json& items) {
  std::string out;
  for (const auto& it : items) {
    for (const auto& v : it.value("violations", json::array())) {
      std::string hs;
      const json keys = v.value("handling", json::array());
      const json labels = v.value("handling_labels", json::array());
      for (size_t i = 0; i < labels.size(); ++i) {
        if (!hs.empty()) hs += "、";
        hs += i < keys.size() && keys[i] == "fine" ? "罚款" + Str(v, "fine_yuan") + "元" : labels[i].get<std::string>();
      }
      if (!out.empty()) out += "；";
      out += Str(v, "description") + "（" + Str(v, "legal_basis") + "）：" + hs;
    }
  }
  return out.empty() ? "无" : out;
}

std::string ItemNames(const json& items) {
  std::string out;
  for (const auto& it : items) {
    if (!out.empty()) out += "、";
    out += Str(it, "item_name").empty() ? Str(it, "item_id") : Str(it, "item_name");
  }
  return out;
}

std::string Facts(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = "<dl class=\"facts\">";
  for (const auto& [k, v] : rows) out += "<dt>" + E(k) + "</dt><dd>" + (v.empty() ? "—" : v) + "</dd>";
  return out + "</dl>";
}

std::string CardTable(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                      std::string_view css_class) {
  std::string out = "<table class=\"cards";
  if (!css_class.empty()) out += " " + std::string(css_class);
  out += "\"><thead><tr>";
  for (const auto& h : headers) out += "<th scope=\"col\">" + E(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += "<td data-label=\"" + E(i < headers.size() ? headers[i] : "") + "\">" + row[i] + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

namespace {

std::string SearchForm(std::string_view query) {
  return "<form class=\"search\" action=\"/public/search\" method=\"get\" role=\"search\">"
         "<input type=\"search\" name=\"q\" value=\"" + E(query) +
         "\" aria-label=\"单位名称或统一社会信用代码\" placeholder=\"单位名称（部分即可）或统一社会信用代码\" required>"
         "<button type=\"submit\">查询</button></form>";
}

std::string DrawLink(const json& d) {
  const std::string id = Str(d, "draw_id");
  std::string s = "<a href=\"/public/draws/" + E(id) + "\">" + E(id) + "</a> <span class=\"tag" +
                  (d.value("cancelled", false) ? " cancelled" : "") + "\">" + E(PhaseLabel(Str(d, "phase"))) + "</span>";
  return s;
}

}  // namespace

std::string IndexPage(const json& tasks, const json& draws, const json& plans) {
  std::string b = "<section><p>本站公示人力资源社会保障部门“双随机、一公开”抽查的计划、任务、每次随机抽取的全过程和检查结果。"
                  "每次抽取的依据、随机来源和种子都可核对，并可下载证明包，在浏览器中或用 <code>suiji-verify</code> 独立验证。</p>" +
                  SearchForm("") + "</section>";
  // Plans: the latest version of each.
  std::map<std::string, json> latest;
  for (const auto& p : plans) latest[Str(p, "plan_id")] = p;
  if (!latest.empty()) {
    b += "<h2>年度抽查计划</h2><section><ul class=\"plain\">";
    for (const auto& [id, p] : latest) {
      b += "<li><a href=\"/public/plans/" + E(id) + "\">" + E(Str(p, "title")) + "</a><br><span class=\"muted\">" +
           E(Str(p, "org_name")) + " · " + E(Str(p, "year")) + "年 · 第" + E(Str(p, "version")) + "版</span></li>";
    }
    b += "</ul></section>";
  }
  b += "<h2>抽查任务与抽取</h2>";
  if (tasks.empty()) b += "<section><p>尚无公示的抽查任务。</p></section>";
  for (const auto& t : tasks) {
    const std::string id = Str(t, "task_id");
    std::string ds;
    for (const auto& d : draws) {
      if (Str(d, "task_id") != id) continue;
      ds += "<li>" + DrawLink(d) + "</li>";
    }
    b += "<section class=\"task\"><h3><a href=\"/public/tasks/" + E(id) + "\">" + E(Str(t, "title")) + "</a></h3>" +
         "<p class=\"muted\">" + E(Str(t, "org_name")) + " · 检查期间 " + E(Str(t, "window_start")) + " 至 " +
         E(Str(t, "window_end")) + (t.value("withdrawn", false) ? " · <strong>已撤回</strong>" : "") + "</p>" +
         (ds.empty() ? "<p class=\"muted\">尚未抽取</p>" : "<ul class=\"plain\">" + ds + "</ul>") + "</section>";
  }
  return Page("双随机抽查公示", b);
}

std::string SearchPage(std::string_view query, const json& employers, const std::string& next_href) {
  std::string b = "<section>" + SearchForm(query) +
                  "<p class=\"muted\">按单位名称的任意部分（一个字以上）或18位统一社会信用代码查询被抽中并已公示的单位。</p></section>";
  if (query.empty()) return Page("查询单位", b);
  if (employers.empty()) {
    b += "<section><p>没有找到与“" + E(query) + "”相符的已公示单位。</p></section>";
  }
  for (const auto& e : employers) {
    const std::string code = Str(e, "credit_code");
    b += "<section class=\"employer\"><h2>" + E(Str(e, "name")) + "</h2>" +
         Facts({{"统一社会信用代码", "<code>" + E(code) + "</code>"}, {"所在地区", E(RegionLabel(Str(e, "region")))}}) +
         "<h3>被抽中的抽取</h3>";
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : e.value("draws", json::array())) {
      rows.push_back({DrawLink(d), "<a href=\"/public/tasks/" + E(Str(d, "task_id")) + "\">" + E(Str(d, "task")) + "</a>",
                      E(Str(d, "inspecting_body")), E(Str(d, "drawn_date")), E(Str(d, "announced_date"))});
    }
    b += CardTable({"抽取", "抽查任务", "检查机关", "抽取日期", "公告日期"}, rows);
    b += "<h3>已公示的检查结果</h3>";
    const json results = e.value("results", json::array());
    if (results.empty()) b += "<p class=\"muted\">尚无公示的检查结果。</p>";
    for (const auto& r : results) {
      b += "<div class=\"card result\">" +
           Facts({{"抽查任务", E(Str(r, "task"))},
                  {"检查机关", E(Str(r, "inspecting_body"))},
                  {"检查事项", E(ItemNames(r.value("items", json::array())))},
                  {"检查日期", E(Str(r, "inspection_date"))},
                  {"检查结果", E(OutcomeWords(r.value("items", json::array())))},
                  {"处理情况", E(HandlingWords(r.value("items", json::array())))},
                  {"公示日期", E(Str(r, "published_date"))}});
      for (const auto& c : r.value("corrections", json::array())) {
        const json items = c.value("result", json::object()).value("items", json::array());
        b += "<div class=\"correction\"><strong>更正" + E(Str(c, "correction")) + "（" + E(Str(c, "date")) + "）</strong>：" +
             E(Str(c, "reason")) + "<br>更正后检查结果：" + E(OutcomeWords(items)) + "；更正后处理情况：" +
             E(HandlingWords(items)) + "</div>";
      }
      for (const auto& t : r.value("transfers", json::array())) {
        b += "<p>" + std::string(Str(t, "kind") == "police" ? "已移送公安机关" : "已移送有关部门") + "：" +
             E(Str(t, "to_body")) + "（" + E(Str(t, "date")) + "）</p>";
      }
      b += "</div>";
    }
    b += "<p><a href=\"/public/results?code=" + E(code) + "\">该单位的全部检查结果</a></p></section>";
  }
  if (!next_href.empty()) b += "<p><a class=\"button\" href=\"" + E(next_href) + "\">下一页</a></p>";
  return Page("查询单位：" + std::string(query), b);
}

std::string KeyPage(std::string_view verifier_key, std::string_view note, uint64_t size) {
  std::string b =
      "<section><p>验证公钥用于核对本局账本的签名检查点；检查点固定了账本前若干条记录的默克尔树根，"
      "证明包中的每条记录都须由包内的包含证明连到检查点。请保存公钥，并与其他渠道（公告、文件）公布的公钥比对。</p></section>";
  b += "<h2>验证公钥</h2><section>";
  b += verifier_key.empty() ? "<p>尚无签名检查点，暂无法确定验证公钥。</p>"
                            : "<p><code id=\"verifier-key\">" + E(verifier_key) +
                                  "</code></p><p><a href=\"/public/v1/verifier-key\" download=\"verifier-key.txt\">下载验证公钥（纯文本）</a></p>";
  b += "</section><h2>最新签名检查点</h2><section>";
  if (note.empty()) {
    b += "<p>尚无签名检查点。</p>";
  } else {
    b += "<p>覆盖账本前 " + std::to_string(size) + " 条记录。</p><pre id=\"checkpoint\">" + E(note) +
         "</pre><p><a href=\"/public/v1/checkpoint\" download=\"checkpoint.txt\">下载检查点（纯文本）</a></p>";
  }
  b += "</section><h2>离线验证</h2><section><p>下载某次抽取的证明包后运行：</p>"
       "<pre>suiji-verify --bundle 证明包.json --key \"$(cat verifier-key.txt)\"</pre></section>";
  return Page("验证公钥与检查点", b);
}

std::string NotFoundPage(std::string_view what) {
  return Page("未找到", "<section><p>" + E(what) + "</p><p><a href=\"/public\">返回公示首页</a></p></section>");
}

}  // namespace suiji::http::pages
