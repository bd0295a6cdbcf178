// The public HTML pages: plain, self-contained, in Chinese, readable by a citizen without
// JavaScript. Every value is escaped. Built from the notices the public projection holds
// (the objects of /public/v1/notices), so they show exactly what the JSON shows.
#include <string>

#include "api/http/server_internal.h"

namespace suiji::http {

namespace {

using inspection::HtmlEscape;

std::string Str(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

std::string Page(std::string_view title, const std::string& body) {
  return "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
         "</title><style>body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em}"
         "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}"
         "code{word-break:break-all}</style></head><body><h1>" + HtmlEscape(title) + "</h1>" + body +
         "<p><a href=\"/public\">公示首页</a> · <a href=\"/public/results\">抽查结果</a> · "
         "数据 (JSON)：<a href=\"/public/v1/notices\">/public/v1/notices</a></p></body></html>";
}

}  // namespace

std::string IndexPage(const json& n) {
  std::string b = "<p>本页公示“双随机、一公开”抽查的任务、抽取过程和结果。每次抽取都可用 "
                  "<code>suiji-verify --bundle</code> 独立验证。</p><h2>抽查任务与抽取</h2><table>"
                  "<tr><th>任务</th><th>机关</th><th>检查期间</th><th>抽取</th><th>状态</th></tr>";
  for (const auto& t : n.value("tasks", json::array())) {
    std::string draws;
    for (const auto& d : n.value("draws", json::array())) {
      if (d.value("task_id", "") != t.value("task_id", "")) continue;
      const std::string id = d.value("draw_id", "");
      draws += "<a href=\"/public/draws/" + HtmlEscape(id) + "\">" + HtmlEscape(id) + "</a> ";
    }
    b += "<tr><td>" + HtmlEscape(Str(t, "title")) + "</td><td>" + HtmlEscape(Str(t, "org_name")) + "</td><td>" +
         HtmlEscape(Str(t, "window_start")) + " 至 " + HtmlEscape(Str(t, "window_end")) + "</td><td>" + draws +
         "</td><td>" + (t.value("withdrawn", false) ? "已撤回" : "有效") + "</td></tr>";
  }
  b += "</table>";
  return Page("双随机抽查公示", b);
}

std::string DrawPage(const json& n, std::string_view draw_id, bool* found) {
  *found = false;
  for (const auto& d : n.value("draws", json::array())) {
    if (d.value("draw_id", "") != draw_id) continue;
    *found = true;
    std::string b = "<table>";
    auto row = [&](const char* label, const std::string& v) {
      b += "<tr><th>" + std::string(label) + "</th><td><code>" + HtmlEscape(v) + "</code></td></tr>";
    };
    row("抽取编号", Str(d, "draw_id"));
    row("任务", Str(d, "task_id"));
    row("阶段", Str(d, "phase"));
    row("冻结日期", Str(d, "frozen_date"));
    row("承诺日期", Str(d, "committed_date"));
    row("揭示日期", Str(d, "revealed_date"));
    if (d.contains("commitment") && d["commitment"].is_object()) row("承诺值", Str(d["commitment"], "hash"));
    if (d.contains("reveal") && d["reveal"].is_object()) row("随机种子", Str(d["reveal"], "seed"));
    row("抽中数", Str(d, "selected"));
    row("重抽次数", Str(d, "redraws"));
    b += "</table><h2>抽中的检查对象</h2><table><tr><th>统一社会信用代码</th><th>名称</th><th>地区</th></tr>";
    for (const auto& t : d.value("targets", json::array())) {
      b += "<tr><td>" + HtmlEscape(Str(t, "credit_code")) + "</td><td>" + HtmlEscape(Str(t, "name")) + "</td><td>" +
           HtmlEscape(Str(t, "region_name")) + "</td></tr>";
    }
    b += "</table><p>验证材料：<a href=\"/public/v1/bundles/" + HtmlEscape(draw_id) + "\">证明包 (JSON)</a>，用 "
         "<code>suiji-verify --bundle 文件 --key 公布的验证公钥</code> 离线验证。</p>";
    return Page("抽取公示 " + std::string(draw_id), b);
  }
  return Page("未找到", "<p>没有编号为 " + HtmlEscape(draw_id) + " 的抽取。</p>");
}

std::string ResultsPage(const json& n, const std::string& next_href) {
  std::string b = "<table><tr><th>统一社会信用代码</th><th>企业名称</th><th>检查机关</th><th>抽查任务</th>"
                  "<th>检查日期</th><th>检查结果</th><th>公示日期</th><th>更正</th></tr>";
  for (const auto& r : n.value("results", json::array())) {
    std::string outcome;
    for (const auto& it : r.value("items", json::array())) {
      outcome += (outcome.empty() ? "" : "；") + Str(it, "outcome_label");
    }
    b += "<tr><td>" + HtmlEscape(Str(r, "credit_code")) + "</td><td>" + HtmlEscape(Str(r, "employer_name")) + "</td><td>" +
         HtmlEscape(Str(r, "inspecting_body")) + "</td><td>" + HtmlEscape(Str(r, "task")) + "</td><td>" +
         HtmlEscape(Str(r, "inspection_date")) + "</td><td>" + HtmlEscape(outcome) + "</td><td>" +
         HtmlEscape(Str(r, "published_date")) + "</td><td>" +
         (r.value("corrections", json::array()).empty() ? "" : "有更正") + "</td></tr>";
  }
  b += "</table>";
  if (!next_href.empty()) b += "<p><a href=\"" + HtmlEscape(next_href) + "\">下一页</a></p>";
  return Page("抽查结果公示", b);
}

}  // namespace suiji::http
