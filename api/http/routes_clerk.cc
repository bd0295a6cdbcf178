// The registry clerk's routes beside the directory's (routes_directory.cc): the staff searches
// of employers and inspectors, paged on the server from the directory projection's indexes
// (projections/directory_search.h: SearchTargets / SearchInspectors), and the import templates.
#include "api/http/routes_clerk.h"

#include "api/http/route_helpers.h"
#include "api/records_json.h"
#include "projections/directory_search.h"

namespace suiji::http {

namespace {

// A bad query parameter: 400, naming the field (details.field) for the console to show the
// message next to it.
Reply BadQuery(std::string_view field, std::string_view message) {
  return Error(400, "bad_query", message, json{{"field", field}});
}

// limit (default 20, 1..kMaxSearchLimit) or a reply.
std::optional<Reply> ReadLimit(const Call& c, size_t* limit) {
  uint64_t n = 0;
  if (!QueryNumber(c, "limit", &n, 20) || n == 0 || n > kMaxSearchLimit) {
    return BadQuery("limit", "每页条数应为 1 至 " + std::to_string(kMaxSearchLimit) + " (limit: 1 to " +
                                 std::to_string(kMaxSearchLimit) + ")");
  }
  *limit = static_cast<size_t>(n);
  return std::nullopt;
}

template <typename Record>
json PageJson(const char* key, const SearchPage<Record>& page, size_t limit, json (*to_json)(const Record&)) {
  json rows = json::array();
  for (const auto& r : page.rows) rows.push_back(to_json(r));
  return json{{key, rows},
              {"limit", limit},
              {"next_cursor", page.next_cursor},
              {"bounded", page.bounded},
              {"examined", page.examined}};
}

// A page's error: a cursor or limit the projection refused names its field.
Reply SearchError(const Status& s) {
  if (s.code() == StatusCode::kInvalidArgument) {
    const std::string field = s.message().rfind("limit", 0) == 0 ? "limit" : "cursor";
    return BadQuery(field, s.message());
  }
  return FromStatus(s);
}

// The import templates: the header row the importer reads (api/directory_service.cc's column
// specifications, each column's first, Chinese name), in the order of the README.
const std::vector<std::string>& TemplateHeader(std::string_view kind) {
  static const std::vector<std::string> kTargets = {
      "统一社会信用代码", "单位名称", "行政区划代码", "行业代码",     "职工人数",     "劳动保障守法诚信等级",
      "等级评定日期",     "是否列入黑名单", "黑名单名称", "列入日期", "移出日期", "和谐劳动关系星级",
      "投诉举报次数",     "状态",     "所属机构"};
  static const std::vector<std::string> kInspectors = {"执法证号", "姓名",         "执法领域", "业务专长",
                                                       "所属机构", "行政区划代码", "状态",     "是否辅助人员"};
  static const std::vector<std::string> kItems = {"事项编号", "抽查事项", "抽查主体", "抽查依据", "抽查内容",
                                                  "抽查方式", "事项类别", "检查要点", "责任主体"};
  static const std::vector<std::string> kNone;
  if (kind == "targets") return kTargets;
  if (kind == "inspectors") return kInspectors;
  if (kind == "items") return kItems;
  return kNone;
}

Reply ImportTemplate(Call& c) {
  const std::string& kind = c.params[0];
  const auto& header = TemplateHeader(kind);
  if (header.empty()) return Error(404, "not_found", "templates: targets, inspectors or items (模板：用人单位、检查人员或抽查事项)");
  std::string body = "\xEF\xBB\xBF";  // UTF-8 BOM: Excel on Chinese Windows then reads UTF-8
  for (size_t i = 0; i < header.size(); ++i) body += (i ? "," : "") + header[i];
  body += "\r\n";
  Reply r;
  r.status = 200;
  r.body = std::move(body);
  r.type = "text/csv; charset=utf-8";
  const char* file = kind == "targets" ? "targets" : kind == "inspectors" ? "inspectors" : "items";
  r.headers.emplace_back("Content-Disposition", std::string("attachment; filename=\"suiji-template-") + file +
                                                    ".csv\"");
  return r;
}

}  // namespace

Reply SearchTargetsPage(Call& c) {
  TargetSearch q;
  q.name = c.req.get_param_value("name");
  q.credit_code = c.req.get_param_value("credit_code");
  q.region = c.req.has_param("region") && !c.req.get_param_value("region").empty() ? c.req.get_param_value("region")
                                                                                  : c.user->region;
  q.industry = c.req.get_param_value("industry");
  q.grade = c.req.get_param_value("grade");
  q.cursor = c.req.get_param_value("cursor");
  if (!q.grade.empty() && q.grade != "A" && q.grade != "B" && q.grade != "C" && q.grade != "-") {
    return BadQuery("grade", "信用等级应为 A、B、C 或 -（未评级） (grade: A, B, C or -)");
  }
  const std::string status = c.req.get_param_value("status");
  if (status == "active") q.status = directory::TargetStatus::Active;
  else if (status == "deregistered") q.status = directory::TargetStatus::Deregistered;
  else if (status == "moved") q.status = directory::TargetStatus::Moved;
  else if (!status.empty()) return BadQuery("status", "状态应为 active、deregistered 或 moved (status)");
  if (auto bad = ReadLimit(c, &q.limit)) return *bad;
  if (!c.user->Covers(q.region)) return Outside("region " + q.region);
  auto page = SearchTargets(*c.node.projection, q);
  if (!page.ok()) return SearchError(page.status());
  json out = PageJson<directory::TargetRecord>("targets", *page, q.limit, &cli::TargetToJson);
  out["region"] = q.region;
  return Json(out);
}

Reply SearchInspectorsPage(Call& c) {
  InspectorSearch q;
  q.name = c.req.get_param_value("name");
  q.inspector_id = c.req.get_param_value("inspector_id");
  q.org_id = c.req.get_param_value("org");
  q.region = c.req.has_param("region") && !c.req.get_param_value("region").empty() ? c.req.get_param_value("region")
                                                                                  : c.user->region;
  q.domain = c.req.get_param_value("domain");
  q.cursor = c.req.get_param_value("cursor");
  const std::string status = c.req.get_param_value("status");
  if (status == "active") q.status = directory::InspectorStatus::Active;
  else if (status == "suspended") q.status = directory::InspectorStatus::Suspended;
  else if (status == "retired") q.status = directory::InspectorStatus::Retired;
  else if (!status.empty()) return BadQuery("status", "状态应为 active、suspended 或 retired (status)");
  if (auto bad = ReadLimit(c, &q.limit)) return *bad;
  if (!c.user->Covers(q.region)) return Outside("region " + q.region);
  if (!q.org_id.empty() && !CoversOrg(c, q.org_id)) return Outside("org unit " + q.org_id);
  auto page = SearchInspectors(*c.node.projection, q);
  if (!page.ok()) return SearchError(page.status());
  json out = PageJson<directory::InspectorRecord>("inspectors", *page, q.limit, &cli::InspectorToJson);
  out["region"] = q.region;
  return Json(out);
}

std::vector<Route> ClerkRoutes() {
  return {
      R("GET", "/api/v1/import-templates/{kind}", {kClerk}, false,
        "the import template of targets, inspectors or items: a CSV (UTF-8 with BOM) of the Chinese headers",
        ImportTemplate),
  };
}

}  // namespace suiji::http
