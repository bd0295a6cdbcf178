// openapi.json (api/http/openapi_schemas.cc) against the server that publishes it: every
// route describes its request body (writes), its replies and its errors; every request this
// test sends is checked against the request schema before it goes, and every reply against the
// schema of its status (an error's code against the codes the route declares). One year of
// work over HTTP answers each route at least once with success, so a route added without a
// description, or a reply that drifts from it, fails here. The validator is
// tests/support/json_schema.h.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <functional>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "api/directory_service.h"
#include "api/http/openapi_schemas.h"
#include "api/http/server.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/core/directory/records.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"
#include "tests/support/json_schema.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;
using testing_support::SchemaMismatch;

// --- the validator itself -----------------------------------------------------------------

TEST(JsonSchemaSubset, ChecksTypesRequiredKeysEnumsAndReferences) {
  const json doc = {{"components",
                     {{"schemas",
                       {{"Grade", {{"type", "string"}, {"enum", {"A", "B"}}}},
                        {"T", {{"type", "object"},
                               {"required", {"code", "grade"}},
                               {"additionalProperties", false},
                               {"properties",
                                {{"code", {{"type", "string"}, {"pattern", "^[0-9]{2}$"}}},
                                 {"grade", {{"$ref", "#/components/schemas/Grade"}}},
                                 {"n", {{"type", "integer"}, {"nullable", true}, {"maximum", 5}}},
                                 {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}}}}}}}};
  const json t = {{"$ref", "#/components/schemas/T"}};
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}, {"grade", "A"}, {"n", nullptr}, {"tags", json::array({"x"})}}), "");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}}), "$: the required key grade is missing");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}, {"grade", "C"}}), "$.grade: \"C\" is not one of [\"A\",\"B\"]");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "1"}, {"grade", "A"}}), "$.code: \"1\" does not match ^[0-9]{2}$");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}, {"grade", "A"}, {"extra", 1}}),
            "$: the key extra is not in the schema");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}, {"grade", "A"}, {"n", 1.5}}), "$.n: wanted integer or null, got 1.5");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}, {"grade", "A"}, {"n", 6}}), "$.n: 6 is above the maximum 5");
  EXPECT_EQ(SchemaMismatch(doc, t, json{{"code", "12"}, {"grade", "A"}, {"tags", {"x", 2}}}), "$.tags[1]: wanted string, got 2");
  EXPECT_EQ(SchemaMismatch(doc, {{"$ref", "#/components/schemas/None"}}, 1), "$: unresolved $ref #/components/schemas/None");
  EXPECT_EQ(SchemaMismatch(doc, {{"const", 1}}, 1), "$: the validator does not know the keyword const");
}

TEST(JsonSchemaSubset, OneOfMeansExactlyOne) {
  const json doc = json::object();
  const json s = {{"oneOf", {{{"type", "integer"}}, {{"type", "number"}}, {{"type", "string"}}}}};
  EXPECT_EQ(SchemaMismatch(doc, s, "x"), "");
  EXPECT_EQ(SchemaMismatch(doc, s, 1.5), "");
  EXPECT_EQ(SchemaMismatch(doc, s, 1).rfind("$: matches 2 of oneOf's schemas, not exactly one", 0), 0u);
  EXPECT_EQ(SchemaMismatch(doc, s, true).rfind("$: matches 0 of oneOf's schemas", 0), 0u);
}

// --- the server ---------------------------------------------------------------------------

constexpr const char* kRoles[] = {"registry_clerk", "planner", "inspector", "reviewer", "supervisor", "administrator"};

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-openapi");
    Actor setup{"320000", "setup"};
    auto init = InitNode(NodePaths{dir_}, "test.suiji/openapi", "openapi tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    ASSERT_TRUE(dirs.RegisterOrg({"320402", "天宁区人社局", "320402", directory::OrgLevel::County, "320400"}, setup).ok());
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    for (const char* role : kRoles) {
      identity::UserRecord u{std::string("city-") + role, role, "320400", {role}, "", {}, ""};
      if (std::string(role) == "inspector") u.inspector_id = "JS3204001";
      ASSERT_TRUE(ids.RegisterUser(u, setup).ok());
      tokens_[role] = ids.IssueToken(u.user_id, "test", 0, setup)->token;
    }
    ASSERT_TRUE(ids.RegisterUser({"prov-admin", "省管理员", "320000", {"administrator", "supervisor"}, "", {}, ""}, setup).ok());
    tokens_["prov"] = ids.IssueToken("prov-admin", "", 0, setup)->token;
    init->ledger.reset();
    projection->reset();
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30, 0);
    auto doc = client_->Get("/api/v1/openapi.json");
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->status, 200);
    doc_ = json::parse(doc->body);
    for (const auto& [path, ops] : doc_["paths"].items()) {
      std::string re = "^";
      for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
          re += "[^/]+";
          i = path.find('}', i);
        } else {
          re += std::string(std::strchr(".^$|()[]*+?\\", path[i]) != nullptr && path[i] != 0 ? "\\" : "") + path[i];
        }
      }
      templates_.emplace_back(std::regex(re + "$"), path);
    }
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The path template a request path is served by: of those with the method, the one with
  // the fewest parameters (a literal segment before a parameter, as the server routes:
  // POST /api/v1/tasks/estimate is not GET /api/v1/tasks/{task_id}).
  std::string TemplateOf(const std::string& method, const std::string& path) const {
    std::string found;
    size_t found_params = 0;
    for (const auto& [re, t] : templates_) {
      if (!std::regex_match(path, re) || !doc_["paths"][t].contains(method)) continue;
      const size_t params = static_cast<size_t>(std::count(t.begin(), t.end(), '{'));
      if (!found.empty() && params == found_params) {
        ADD_FAILURE() << method << " " << path << " matches both " << found << " and " << t;
      }
      if (found.empty() || params < found_params) {
        found = t;
        found_params = params;
      }
    }
    return found;
  }

  struct Answer {
    int status = 0;
    json body;         // parsed JSON, or the text
    std::string text;  // as received
    httplib::Headers headers;
  };

  // Sends a request after checking its body against the route's request schema, then checks
  // the reply against the route's declared replies; records the route as answered on a 2xx.
  Answer Send(const std::string& method, const std::string& target, httplib::Headers h, const std::string& body = "",
              const std::string& content_type = "application/json", bool check_request = true) {
    const std::string path = target.substr(0, target.find('?'));
    std::string m = method;
    std::transform(m.begin(), m.end(), m.begin(), ::tolower);
    const std::string tmpl = TemplateOf(m, path);
    EXPECT_FALSE(tmpl.empty()) << "no path of openapi.json serves " << path;
    const json op = tmpl.empty() ? json::object() : doc_["paths"][tmpl].value(m, json::object());
    EXPECT_FALSE(op.empty()) << method << " " << tmpl << " is not in openapi.json";
    const std::string where = method + " " + tmpl;
    // The request: a JSON body against the schema; query parameters are named in it.
    if (check_request && content_type == "application/json" && !body.empty()) {
      const json schema = op.value("/requestBody/content/application~1json/schema"_json_pointer, json());
      EXPECT_FALSE(schema.is_null()) << where << " takes a JSON body but describes none";
      if (!schema.is_null()) {
        EXPECT_EQ(SchemaMismatch(doc_, schema, json::parse(body)), "") << where << " request " << body;
      }
    }
    if (const size_t q = target.find('?'); q != std::string::npos) {
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", json::array())) {
        if (p["in"] == "query") declared.insert(p["name"].get<std::string>());
      }
      httplib::Params params;
      httplib::detail::parse_query_text(target.substr(q + 1), params);
      for (const auto& [name, value] : params) {
        EXPECT_TRUE(declared.count(name)) << where << ": query parameter " << name << " is not described";
      }
    }
    httplib::Result r = method == "GET"    ? client_->Get(target.c_str(), h)
                        : method == "POST" ? client_->Post(target.c_str(), h, body, content_type.c_str())
                        : method == "PUT"  ? client_->Put(target.c_str(), h, body, content_type.c_str())
                                           : client_->Delete(target.c_str(), h, body, content_type.c_str());
    Answer a;
    EXPECT_TRUE(r) << where;
    if (!r) return a;
    a.status = r->status;
    a.text = r->body;
    a.headers = r->headers;
    const std::string status = std::to_string(r->status);
    const json responses = op.value("responses", json::object());
    EXPECT_TRUE(responses.contains(status)) << where << " answered " << status << ", which it does not describe: " << r->body;
    if (!responses.contains(status)) return a;
    const json& reply = responses[status];
    const std::string type = r->get_header_value("Content-Type");
    if (reply.contains("content") && reply["content"].contains("application/json")) {
      EXPECT_EQ(type.rfind("application/json", 0), 0u) << where << " " << status << " sent " << type;
      try {
        a.body = json::parse(r->body);
      } catch (const json::exception& e) {
        ADD_FAILURE() << where << " " << status << " is not JSON: " << e.what();
        return a;
      }
      EXPECT_EQ(SchemaMismatch(doc_, reply["content"]["application/json"]["schema"], a.body), "")
          << where << " " << status << " reply " << a.body.dump().substr(0, 2000);
    } else if (reply.contains("content")) {
      const std::string declared = reply["content"].begin().key();
      EXPECT_EQ(type.rfind(declared, 0), 0u) << where << " " << status << " sent " << type << ", described as " << declared;
      a.body = r->body;
    }
    if (r->status >= 200 && r->status < 300) answered_.insert(where);
    if (r->status >= 400 && a.body.is_object()) errors_seen_.insert(where + " " + status + " " + a.body.value("code", ""));
    return a;
  }

  httplib::Headers As(const std::string& who, const std::string& key = "") {
    httplib::Headers h{{"Authorization", "Bearer " + tokens_[who]}};
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    return h;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  json doc_;
  std::vector<std::pair<std::regex, std::string>> templates_;
  std::set<std::string> answered_;     // "METHOD template" answered 2xx
  std::set<std::string> errors_seen_;  // "METHOD template status code"
};

// The writes that read no body (the path names everything).
const std::set<std::string> kBodyless = {
    "post /api/v1/tasks/{task_id}/freeze", "post /api/v1/results/{draw_id}/{credit_code}/submit",
    "post /api/v1/results/{draw_id}/{credit_code}/publish", "delete /api/v1/tokens/{token_id}",
    "delete /api/v1/conflicts/{inspector_id}/{credit_code}", "delete /api/v1/session", "post /api/v1/verify/jobs"};

TEST_F(OpenApiTest, EveryRouteDescribesItsBodyRepliesAndErrors) {
  size_t operations = 0;
  for (const auto& [path, ops] : doc_["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      const std::string where = method + " " + path;
      ++operations;
      EXPECT_FALSE(op.contains("x-suiji-undescribed")) << where << ": describe it in api/http/openapi_schemas.cc";
      const json& responses = op["responses"];
      bool success = false;
      for (const auto& [status, reply] : responses.items()) {
        if (status[0] == '2') success = success || reply.contains("content");
        if ((status[0] == '4' || status[0] == '5') && path != "/healthz") {  // /healthz: 503 is a Health
          // Every error status says which codes it carries, as the schema's enum.
          if (!reply.contains("content") || !reply["content"].contains("application/json")) continue;
          const json schema = reply["content"]["application/json"]["schema"];
          ASSERT_TRUE(schema.contains("allOf")) << where << " " << status;
          EXPECT_EQ(schema["allOf"][0]["$ref"], "#/components/schemas/Error") << where << " " << status;
          EXPECT_FALSE(schema["allOf"][1]["properties"]["code"]["enum"].empty()) << where << " " << status;
        }
      }
      EXPECT_TRUE(success) << where << " describes no success reply";
      const bool takes_body = (method == "post" || method == "put") && !kBodyless.count(where);
      EXPECT_EQ(op.contains("requestBody"), takes_body) << where;
      if (path.rfind("/api/", 0) == 0 && path != "/api/v1/session" && path != "/api/v1/openapi.json") {
        EXPECT_TRUE(responses.contains("401")) << where << " needs a credential: 401 is described";
      }
    }
  }
  EXPECT_GE(operations, 70u);
  // Every reference resolves: a validation of nothing against each schema walks none of
  // them, so resolve each $ref in the document.
  std::function<void(const json&)> refs = [&](const json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        const std::string ref = j["$ref"];
        EXPECT_TRUE(doc_["components"]["schemas"].contains(ref.substr(std::string("#/components/schemas/").size())))
            << ref;
      }
      for (const auto& [k, v] : j.items()) refs(v);
    } else if (j.is_array()) {
      for (const auto& v : j) refs(v);
    }
  };
  refs(doc_);
  // The document is the one `suiji openapi` prints.
  EXPECT_EQ(json::parse(OpenApiDocument().dump()), doc_);
  // The error codes of a route, spelled out (a write's refusals and the role check).
  const json& freeze = doc_["paths"]["/api/v1/tasks/{task_id}/freeze"]["post"]["x-suiji-error-codes"];
  EXPECT_EQ(freeze["403"], json::array({"forbidden", "csrf", "outside_jurisdiction"}));
  EXPECT_EQ(freeze["409"], json::array({"stale_sequence", "conflict"}));
  const json& target = doc_["paths"]["/api/v1/targets/{credit_code}"]["get"];
  EXPECT_EQ(target["x-suiji-error-codes"]["404"], json::array({"not_found"}));
  EXPECT_EQ(target["responses"]["200"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Target");
  EXPECT_EQ(doc_["components"]["schemas"]["Target"]["properties"]["status"]["$ref"],
            "#/components/schemas/TargetStatus");
}

// A year of work over HTTP, every request and reply checked against openapi.json; at the end
// every route has answered with success at least once (the event stream aside: it never ends).
TEST_F(OpenApiTest, RealRequestsAndRepliesMatchTheSchema) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  const std::string year = std::to_string(1900 + tm.tm_year);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  const std::string visit_date = std::string(today) > year + "-12-30" ? year + "-12-30" : std::string(today);
  int key = 0;
  auto idem = [&](const std::string& who) { return As(who, "k" + std::to_string(++key)); };

  // Identity and sign-in.
  EXPECT_EQ(Send("GET", "/api/v1/me", As("planner")).body["roles"], json::array({"planner"}));
  EXPECT_EQ(Send("GET", "/api/v1/orgs", As("planner")).body["orgs"].size(), 3u);
  EXPECT_EQ(Send("GET", "/api/v1/orgs/320400", As("planner")).body["level"], "city");
  EXPECT_EQ(Send("POST", "/api/v1/orgs", As("prov"),
                 json{{"org_id", "320411"}, {"name", "新北区人社局"}, {"region", "320411"}, {"level", "county"},
                      {"parent_org_id", "320400"}}.dump())
                .status,
            201);
  EXPECT_EQ(Send("POST", "/api/v1/users", As("administrator"),
                 json{{"user_id", "temp"}, {"name", "临时用户"}, {"org_id", "320400"}, {"roles", {"reviewer"}}}.dump())
                .status,
            201);
  EXPECT_EQ(Send("POST", "/api/v1/users/city-reviewer/password", As("administrator"),
                 json{{"password", "correct horse battery"}}.dump())
                .status,
            201);
  Answer signed_in = Send("POST", "/api/v1/session", {},
                          json{{"user_id", "city-reviewer"}, {"password", "correct horse battery"}}.dump());
  ASSERT_EQ(signed_in.status, 200) << signed_in.text;
  std::string cookie;
  for (const auto& [name, value] : signed_in.headers) {
    if (name == "Set-Cookie") cookie = value.substr(0, value.find(';'));
  }
  const httplib::Headers session{{"Cookie", cookie}};
  EXPECT_EQ(Send("GET", "/api/v1/session", session).body["csrf_token"], signed_in.body["csrf_token"]);
  Answer wrong = Send("POST", "/api/v1/session", {}, json{{"user_id", "city-reviewer"}, {"password", "wrong wrong"}}.dump());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["code"], "sign_in_failed");
  Answer token = Send("POST", "/api/v1/users/city-planner/tokens", As("planner"), json{{"label", "报表"}}.dump());
  ASSERT_EQ(token.status, 201) << token.text;
  EXPECT_EQ(Send("DELETE", "/api/v1/tokens/" + token.body["token_id"].get<std::string>() + "?reason=不再使用",
                 As("administrator"))
                .status,
            201);
  EXPECT_EQ(Send("POST", "/api/v1/users/temp/disable", As("administrator"), json{{"reason", "调岗"}}.dump()).status, 201);
  // The administrator's users: the city's six and temp (the province's administrator is outside).
  Answer users = Send("GET", "/api/v1/users", As("administrator"));
  ASSERT_EQ(users.body["users"].size(), 7u) << users.text;
  for (const auto& u : users.body["users"]) {
    if (u["user_id"] == "temp") {
      EXPECT_EQ(u["disabled"], true);
    }
    if (u["user_id"] == "city-planner") {
      ASSERT_EQ(u["tokens"].size(), 2u) << u;
      for (const auto& t : u["tokens"]) EXPECT_EQ(t["revoked"], t["label"] == "报表") << t;
    }
  }

  // Directories.
  EXPECT_EQ(Send("POST", "/api/v1/calendar", As("prov")).status, 201);
  EXPECT_EQ(Send("POST", "/api/v1/calendar", As("prov"), json::object().dump()).body["published"], 0);
  EXPECT_EQ(Send("GET", "/api/v1/calendar/2026", As("planner")).body["year"], 2026);
  EXPECT_EQ(Send("GET", "/api/v1/working-days?date=2026-09-30&days=2", As("planner")).body["due"], "2026-10-09");
  std::string targets = "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n";
  std::vector<std::string> codes;
  for (int i = 0; i < 6; ++i) {
    codes.push_back(testing_support::SampleCreditCode(i % 2 ? "320411" : "320402", static_cast<uint64_t>(100 + i)));
    targets += codes.back() + ",常州企业" + std::to_string(i) + "有限公司," + (i % 2 ? "320411" : "320402") + ",3411,30\n";
  }
  Answer dry = Send("POST", "/api/v1/imports/targets?org=320400&dry_run=1", As("registry_clerk"), targets, "text/csv");
  EXPECT_EQ(dry.status, 200) << dry.text;
  EXPECT_EQ(dry.body["written"], false);
  EXPECT_EQ(dry.body["preview"]["total_rows"], 6);
  EXPECT_EQ(dry.body["preview"]["header"][0], "统一社会信用代码");
  EXPECT_EQ(dry.body["preview"]["rows"][0]["row"], 2);
  EXPECT_EQ(dry.body["preview"]["rows"][0]["cells"][0], codes[0]);
  Answer template_csv = Send("GET", "/api/v1/import-templates/targets", As("registry_clerk"));
  EXPECT_EQ(template_csv.status, 200);
  EXPECT_EQ(template_csv.text.rfind("\xEF\xBB\xBF统一社会信用代码,单位名称,", 0), 0u) << template_csv.text;
  EXPECT_EQ(Send("GET", "/api/v1/import-templates/none", As("registry_clerk")).status, 404);
  EXPECT_EQ(Send("POST", "/api/v1/imports/targets?org=320400", As("registry_clerk"), targets, "text/csv").body["added"], 6);
  Answer bad_rows = Send("POST", "/api/v1/imports/targets", As("registry_clerk"),
                         targets.substr(0, targets.find('\n') + 1) + "123,坏行,320402,3411,30\n", "text/csv");
  EXPECT_EQ(bad_rows.status, 422);
  EXPECT_EQ(SchemaMismatch(doc_, {{"$ref", "#/components/schemas/ImportReport"}}, bad_rows.body["details"]), "");
  std::string inspectors = "执法证号,姓名,执法领域,行政区划代码,所属机构\n";
  for (int i = 1; i <= 5; ++i) inspectors += "JS320400" + std::to_string(i) + ",检查员" + std::to_string(i) + ",劳动保障监察,320400,320400\n";
  EXPECT_EQ(Send("POST", "/api/v1/imports/inspectors", As("registry_clerk"), inspectors, "text/csv").status, 201);
  EXPECT_EQ(Send("POST", "/api/v1/imports/items?effective=" + year + "-01-01", As("registry_clerk"),
                 "事项编号,抽查事项,抽查主体,抽查依据,抽查内容,抽查方式,责任主体,检查要点\n"
                 "I1,工资支付情况,常州市人社局,工资支付暂行规定,检查工资台账,实地检查,劳动监察支队,工资台账\n",
                 "text/csv")
                .status,
            201);
  Answer items = Send("GET", "/api/v1/items/320400", As("inspector"));
  EXPECT_EQ(items.body["items"][0]["method"], "on-site");
  EXPECT_EQ(items.body["items"][0]["checklist"], json::array({"工资台账"}));
  const std::string code = codes[0];
  EXPECT_EQ(Send("GET", "/api/v1/targets?region=320400&limit=10", As("registry_clerk")).body["targets"].size(), 6u);
  // The staff search, paged by cursor: four of the six, then the other two.
  Answer search = Send("GET", "/api/v1/targets?cursor=&name=常州企业&status=active&grade=-&industry=34&limit=4",
                       As("registry_clerk"));
  ASSERT_EQ(search.status, 200) << search.text;
  EXPECT_EQ(search.body["targets"].size(), 4u);
  EXPECT_EQ(search.body["region"], "320400");
  ASSERT_FALSE(search.body["next_cursor"].get<std::string>().empty()) << search.text;
  Answer rest = Send("GET", "/api/v1/targets?cursor=" + search.body["next_cursor"].get<std::string>() +
                                "&name=常州企业&status=active&grade=-&industry=34&limit=4",
                     As("registry_clerk"));
  EXPECT_EQ(rest.body["targets"].size(), 2u) << rest.text;
  EXPECT_EQ(rest.body["next_cursor"], "");
  EXPECT_EQ(Send("GET", "/api/v1/targets?cursor=&credit_code=" + codes[1], As("planner")).body["targets"][0]["credit_code"],
            codes[1]);
  Answer bad_limit = Send("GET", "/api/v1/targets?cursor=&limit=201", As("registry_clerk"));
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_EQ(bad_limit.body["details"]["field"], "limit");
  EXPECT_EQ(Send("GET", "/api/v1/targets/" + code, As("registry_clerk")).body["status"], "active");
  Answer put = Send("PUT", "/api/v1/targets/" + code, idem("registry_clerk"),
                    json{{"name", "常州企业0有限公司"}, {"region", "320402"}, {"industry", "3411"}, {"headcount", 31},
                         {"credit_grade", "B"}, {"grade_date", year + "-01-02"}, {"org_id", "320400"}}.dump());
  EXPECT_EQ(put.status, 200) << put.text;
  EXPECT_TRUE(put.body.contains("sequence"));
  EXPECT_EQ(Send("PUT", "/api/v1/targets/" + code, As("registry_clerk"),
                 json{{"name", "常州企业0有限公司"}, {"region", "320402"}, {"industry", "3411"}, {"headcount", 31},
                      {"credit_grade", "B"}, {"grade_date", year + "-01-02"}, {"org_id", "320400"}}.dump())
                .body,
            (json{{"unchanged", true}}));
  // A body the schema refuses (an unknown key) is refused by the server too.
  const json colour = {{"name", "x"}, {"region", "320402"}, {"industry", "3411"}, {"colour", "red"}};
  EXPECT_EQ(SchemaMismatch(doc_, doc_["paths"]["/api/v1/targets/{credit_code}"]["put"]["requestBody"]["content"]["application/json"]["schema"],
                           colour),
            "$: the key colour is not in the schema");
  Answer invalid = Send("PUT", "/api/v1/targets/" + code, As("registry_clerk"), colour.dump(), "application/json", false);
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(invalid.body["code"], "invalid");
  EXPECT_EQ(Send("PUT", "/api/v1/inspectors/JS3204009", As("registry_clerk"),
                 json{{"name", "临时检查员"}, {"domains", {"劳动保障监察"}}, {"region", "320400"}}.dump())
                .status,
            200);
  Answer temp_inspector = Send("GET", "/api/v1/inspectors/JS3204009", As("planner"));
  EXPECT_EQ(temp_inspector.body["status"], "active");
  EXPECT_EQ(temp_inspector.body["conflicts"], json::array());
  EXPECT_EQ(Send("POST", "/api/v1/inspectors/JS3204009/retire", As("registry_clerk"), json{{"reason", "调离"}}.dump()).status,
            201);
  EXPECT_EQ(Send("GET", "/api/v1/inspectors?status=active&limit=50", As("planner")).body["inspectors"].size(), 5u);
  Answer found = Send("GET", "/api/v1/inspectors?cursor=&name=检查员&inspector_id=JS32040&region=320400&org=320400"
                             "&domain=劳动保障监察&status=active&limit=3",
                      As("registry_clerk"));
  ASSERT_EQ(found.status, 200) << found.text;
  EXPECT_EQ(found.body["inspectors"].size(), 3u);
  EXPECT_FALSE(found.body["next_cursor"].get<std::string>().empty());
  EXPECT_EQ(Send("POST", "/api/v1/conflicts", As("registry_clerk"),
                 json{{"inspector_id", "JS3204005"}, {"credit_code", codes[5]}, {"reason", "近亲属任职"}}.dump())
                .status,
            201);
  EXPECT_EQ(Send("GET", "/api/v1/inspectors/JS3204005", As("registry_clerk")).body["conflicts"], json::array({codes[5]}));
  EXPECT_EQ(Send("DELETE", "/api/v1/conflicts/JS3204005/" + codes[5] + "?reason=已核实", As("registry_clerk")).status, 201);
  EXPECT_EQ(Send("POST", "/api/v1/targets/" + codes[4] + "/retire", As("registry_clerk"),
                 json{{"reason", "注销"}, {"moved", false}}.dump())
                .status,
            201);
  Answer history = Send("GET", "/api/v1/history/target/" + codes[4], As("supervisor"));
  EXPECT_EQ(history.body["events"][1]["type"], "TargetRetired");
  Answer unknown = Send("GET", "/api/v1/targets/" + testing_support::SampleCreditCode("320402", 999), As("planner"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["code"], "not_found");
  Answer refused = Send("PUT", "/api/v1/targets/" + code, As("planner"),
                        json{{"name", "x"}, {"region", "320402"}, {"industry", "3411"}}.dump());
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["details"]["allowed_roles"], json::array({"registry_clerk"}));

  // Plans, a task, the ceremony.
  EXPECT_EQ(Send("POST", "/api/v1/plans", idem("planner"),
                 json{{"plan_id", "P1"}, {"org_id", "320400"}, {"year", std::stoi(year)}, {"title", "年度抽查计划"},
                      {"filed_with_org_id", "320000"}}.dump())
                .status,
            201);
  EXPECT_EQ(Send("GET", "/api/v1/plans", As("reviewer")).body["plans"][0]["tasks"], 0);
  EXPECT_EQ(Send("GET", "/api/v1/plans/P1", As("reviewer")).body["version"], 1);
  Answer versions = Send("GET", "/api/v1/plans/P1/versions", As("reviewer"));
  ASSERT_EQ(versions.body["versions"].size(), 1u) << versions.text;
  EXPECT_EQ(versions.body["versions"][0]["title"], "年度抽查计划");
  json task = {{"task_id", "T1"},
               {"plan_id", "P1"},
               {"org_id", "320400"},
               {"title", "工资支付专项抽查"},
               {"item_list_version", 1},
               {"item_ids", {"I1"}},
               {"regions", {"320400"}},
               {"count", 4},
               {"window_start", year + "-01-01"},
               {"window_end", year + "-12-30"},
               {"credit", {{"star_policy", "ignore"}}},
               {"inspectors", {{"team_size", 2}, {"substitutes", 1}}}};
  // The wizard's estimate before the task exists: the five active employers (one retired),
  // the five active inspectors (one retired), four visits.
  Answer estimate = Send("POST", "/api/v1/tasks/estimate", As("planner"), task.dump());
  ASSERT_EQ(estimate.status, 200) << estimate.text;
  EXPECT_EQ(estimate.body["targets"], 5) << estimate.text;
  EXPECT_EQ(estimate.body["inspectors"], 5) << estimate.text;
  EXPECT_EQ(estimate.body["visits"], 4) << estimate.text;
  EXPECT_EQ(estimate.body["freeze_refusal"], "") << estimate.text;
  ASSERT_EQ(Send("POST", "/api/v1/tasks", idem("planner"), task.dump()).status, 201);
  Answer defined = Send("POST", "/api/v1/tasks/estimate", As("planner"), task.dump());
  EXPECT_EQ(defined.status, 422);
  EXPECT_EQ(defined.body["details"]["field"], "task_id");
  task["task_id"] = "T2";
  ASSERT_EQ(Send("POST", "/api/v1/tasks", idem("planner"), task.dump()).status, 201);
  EXPECT_EQ(Send("POST", "/api/v1/tasks/T2/withdraw", idem("planner"), json{{"reason", "重复立项"}}.dump()).status, 201);
  EXPECT_EQ(Send("GET", "/api/v1/tasks?plan=P1", As("inspector")).body["tasks"].size(), 2u);
  Answer first = Send("POST", "/api/v1/tasks/T1/freeze", idem("planner"));
  ASSERT_EQ(first.status, 201) << first.text;
  EXPECT_EQ(Send("POST", "/api/v1/draws/" + first.body["draw_id"].get<std::string>() + "/cancel", idem("planner"),
                 json{{"reason", "名录同步未完成"}}.dump())
                .status,
            201);
  Answer frozen = Send("POST", "/api/v1/tasks/T1/freeze", idem("planner"));
  ASSERT_EQ(frozen.status, 201) << frozen.text;
  const std::string draw_id = frozen.body["draw_id"];
  EXPECT_EQ(Send("GET", "/api/v1/tasks/T1", As("planner")).body["draws"].size(), 2u);
  EXPECT_NE(Send("GET", "/api/v1/draws/" + draw_id + "/frozen", As("supervisor")).text.find(code), std::string::npos);
  EXPECT_EQ(Send("GET", "/api/v1/draws/" + draw_id, As("planner")).body["phase"], "frozen");
  ASSERT_EQ(Send("POST", "/api/v1/draws/" + draw_id + "/commit", idem("planner"),
                 json{{"drand", false}, {"witnesses", {"张三", "李四"}}, {"note", "第一会议室"}}.dump())
                .status,
            201);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the reveal comes after the commit's second (a clock rule)
  ASSERT_EQ(Send("POST", "/api/v1/draws/" + draw_id + "/reveal", idem("planner"),
                 json{{"witness_digits", {"314159", "271828"}}}.dump())
                .status,
            201);
  Answer drawn = Send("GET", "/api/v1/draws/" + draw_id, As("planner"));
  ASSERT_EQ(drawn.body["phase"], "drawn") << drawn.text;
  std::string mine;
  json my_team;
  for (const auto& v : drawn.body["result"]["visits"]) {
    const json& team = v["team"];
    if (mine.empty() && std::find(team.begin(), team.end(), json("JS3204001")) != team.end()) {
      mine = v["credit_code"];
      my_team = team;
    }
  }
  ASSERT_FALSE(mine.empty()) << drawn.text;
  for (const auto& v : drawn.body["result"]["visits"]) {
    if (v["credit_code"] == mine) continue;
    const std::string who = v["team"][0] == "JS3204001" ? v["team"][1] : v["team"][0];
    Answer declined = Send("POST", "/api/v1/draws/" + draw_id + "/decline", idem("planner"),
                           json{{"credit_code", v["credit_code"]}, {"inspector_id", who}, {"reason", "病假"}}.dump());
    EXPECT_EQ(declined.status, 201) << declined.text;
    break;
  }
  EXPECT_EQ(Send("POST", "/api/v1/draws/" + draw_id + "/announce", idem("planner"),
                 json{{"confirmed_by", {"王科长"}}, {"publish_targets", true}}.dump())
                .status,
            201);

  // The inspector's visits: the one on its team, nothing recorded yet.
  Answer visits = Send("GET", "/api/v1/visits?mine=1", As("inspector"));
  ASSERT_EQ(visits.status, 200) << visits.text;
  EXPECT_EQ(visits.body["inspector_id"], "JS3204001");
  json my_visit;
  for (const auto& v : visits.body["visits"]) {
    if (v["credit_code"] == mine) my_visit = v;
  }
  ASSERT_TRUE(my_visit.is_object()) << visits.text;
  EXPECT_EQ(my_visit["role"], "team");
  EXPECT_EQ(my_visit["announced"], true);
  EXPECT_EQ(my_visit["result"], nullptr);
  EXPECT_EQ(my_visit["items"][0]["checklist"], json::array({"工资台账"}));
  EXPECT_EQ(Send("GET", "/api/v1/visits", As("inspector")).body["code"], "bad_query");

  // A result through its whole workflow.
  const json result = {{"draw_id", draw_id},
                       {"credit_code", mine},
                       {"inspection_date", visit_date},
                       {"items", {{{"item_id", "I1"}, {"outcome", "corrected"},
                                   {"findings", {{{"point", "工资台账"}, {"compliant", false}, {"text", "缺两个月"}}}},
                                   {"violations", {{{"description", "未按月支付工资"}, {"legal_basis", "劳动保障监察条例"},
                                                    {"handling", {"order_correction"}}}}}}}},
                       {"evidence", {{{"sha256", std::string(64, 'a')}, {"size", 1024}, {"kind", "照片"}, {"name", "台账.jpg"}}}},
                       {"team", my_team}};
  Answer first_entry = Send("POST", "/api/v1/results", idem("inspector"), result.dump());
  ASSERT_EQ(first_entry.status, 201) << first_entry.text;
  EXPECT_EQ(first_entry.body["revision"], 1);
  // Recorded again before anyone confirmed: the next revision.
  json revised = result;
  revised["items"][0]["outcome_text"] = "已当场责令改正";
  Answer recorded = Send("POST", "/api/v1/results", idem("inspector"), revised.dump());
  ASSERT_EQ(recorded.status, 201) << recorded.text;
  EXPECT_EQ(recorded.body["revision"], 2);
  const std::string v = "/api/v1/results/" + draw_id + "/" + mine;
  const json confirm = {{"revision", recorded.body["revision"]}, {"result_sha256", recorded.body["result_sha256"]}};
  for (const auto& member : my_team) {
    const std::string id = member;
    if (id != "JS3204001") {
      // The teammate's own user (registered with a key, so it issues its own token).
      KeyPair k = KeyPair::Generate();
      ASSERT_EQ(Send("POST", "/api/v1/users", As("administrator"),
                     json{{"user_id", "insp-" + id}, {"name", "检查员"}, {"org_id", "320400"}, {"roles", {"inspector"}},
                          {"inspector_id", id},
                          {"public_key", ToHex(ByteView(k.public_key().data(), k.public_key().size()))}}.dump())
                    .status,
                201);
      const std::string path = "/api/v1/users/insp-" + id + "/tokens", body = "{}";
      const std::string ts = std::to_string(std::time(nullptr));
      const std::string msg = "suiji-request/1\nPOST\n" + path + "\n" + ts + "\n" + ToHex(Sha256(AsBytes(body)));
      Answer t = Send("POST", path, {{"Authorization", "Suiji-Ed25519 insp-" + id + " " + ts + " " + ToBase64(k.Sign(AsBytes(msg)))}},
                      body);
      ASSERT_EQ(t.status, 201) << t.text;
      tokens_[id] = t.body["token"];
    }
    EXPECT_EQ(Send("POST", v + "/confirm", As(id == "JS3204001" ? "inspector" : id), confirm.dump()).status, 201);
  }
  EXPECT_EQ(Send("POST", v + "/notes", idem("inspector"), json{{"note", "企业配合检查"}, {"complainant_name", "匿名"}}.dump()).status,
            201);
  ASSERT_EQ(Send("POST", v + "/submit", idem("inspector")).status, 201);
  Answer not_yet = Send("POST", v + "/publish", As("reviewer"));
  EXPECT_EQ(not_yet.status, 409) << not_yet.text;
  ASSERT_EQ(Send("POST", v + "/review", idem("reviewer"), json{{"approve", true}}.dump()).status, 201);
  ASSERT_EQ(Send("POST", v + "/publish", idem("reviewer")).status, 201);
  // The proof bundle before the follow-ups below, and again after them (a credit
  // re-evaluation is a public follow-up the bundle carries; it used to be refused with 422).
  EXPECT_EQ(Send("GET", "/public/v1/bundles/" + draw_id, {}).status, 200);
  json corrected = result;
  corrected["items"][0]["outcome"] = "pending_handling";
  corrected["items"][0]["violations"][0]["handling"] = {"transfer_department"};
  EXPECT_EQ(Send("POST", v + "/correct", idem("reviewer"), json{{"reason", "录入错误"}, {"result", corrected}}.dump()).status,
            201);
  EXPECT_EQ(Send("POST", v + "/transfer", idem("reviewer"),
                 json{{"kind", "department"}, {"to", "市场监管局"}, {"date", visit_date}, {"reason", "涉及无照经营"}}.dump())
                .status,
            201);
  EXPECT_EQ(Send("POST", v + "/regrade", idem("reviewer"),
                 json{{"grade", "C"}, {"date", visit_date}, {"reason", "拖欠工资"}}.dump())
                .status,
            201);
  Answer regraded_bundle = Send("GET", "/public/v1/bundles/" + draw_id, {});
  EXPECT_EQ(regraded_bundle.status, 200) << regraded_bundle.text.substr(0, 500);
  Answer shown = Send("GET", v, As("supervisor"));
  EXPECT_EQ(shown.body["state"], "published");
  EXPECT_EQ(shown.body["corrections"].size(), 1u);
  EXPECT_EQ(shown.body["employer_name"].get<std::string>().rfind("常州企业", 0), 0u) << shown.text;
  EXPECT_NE(Send("GET", v + "/sheet", As("inspector")).text.find(mine), std::string::npos);
  Answer published = Send("GET", "/api/v1/results?state=published&draw=" + draw_id, As("reviewer"));
  ASSERT_EQ(published.body["results"].size(), 1u);
  EXPECT_EQ(published.body["results"][0]["employer_name"], shown.body["employer_name"]);
  Answer later = Send("GET", "/api/v1/visits?mine=1", As("inspector"));
  for (const auto& visit : later.body["visits"]) {
    if (visit["credit_code"] != mine) continue;
    EXPECT_EQ(visit["result"]["state"], "published");
  }
  EXPECT_EQ(Send("GET", "/api/v1/overdue", As("reviewer")).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/stats?today=" + std::string(today), As("supervisor")).body["draws"].size(), 1u);
  EXPECT_EQ(Send("GET", "/api/v1/stats?draw=" + draw_id, As("planner")).status, 200);
  Answer report = Send("GET", "/api/v1/verify", As("prov"));
  EXPECT_EQ(report.body["ok"], true) << report.text.substr(0, 2000);
  // The verifier as a job: started, then read until done (it ends by itself on this small log).
  Answer job = Send("POST", "/api/v1/verify/jobs", As("prov"));
  ASSERT_EQ(job.status, 202) << job.text;
  const std::string job_path = "/api/v1/verify/jobs/" + job.body["job_id"].get<std::string>();
  Answer polled;
  for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       std::chrono::steady_clock::now() < until;) {
    polled = Send("GET", job_path, As("prov"));
    if (polled.status != 200 || polled.body["state"] == "done") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the job runs on its own thread
  }
  ASSERT_EQ(polled.body["state"], "done") << polled.text.substr(0, 2000);
  EXPECT_EQ(polled.body["report"]["ok"], true);
  EXPECT_EQ(polled.body["progress"], 1.0);
  EXPECT_EQ(Send("GET", "/api/v1/verify/jobs/verify-0", As("prov")).status, 404);

  // The public record.
  EXPECT_EQ(Send("GET", "/public/v1/notices", {}).body["format"], "suiji-public/1");
  EXPECT_EQ(Send("GET", "/public/v1/results", {}).body["format"], "suiji-credit-publicity/1");
  Answer page = Send("GET", "/public/v1/results?limit=10&region=320400", {});
  EXPECT_GE(page.body["results"].size(), 1u) << page.text;
  EXPECT_EQ(Send("GET", "/public/v1/results?limit=0", {}).body["code"], "bad_limit");
  EXPECT_EQ(Send("GET", "/public/v1/results.csv", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/v1/item-lists", {}).body["item_lists"].size(), 1u);
  EXPECT_EQ(Send("GET", "/public/v1/plans?limit=5", {}).body["plans"].size(), 1u);
  EXPECT_EQ(Send("GET", "/public/v1/plans/P1", {}).body["plan_id"], "P1");
  EXPECT_EQ(Send("GET", "/public/v1/tasks?plan=P1", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/v1/tasks/T1", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/v1/draws/" + draw_id, {}).status, 200);
  Answer etag = Send("GET", "/public/v1/plans/P1", {});
  std::string tag;
  for (const auto& [name, value] : etag.headers) {
    if (name == "ETag") tag = value;
  }
  EXPECT_EQ(Send("GET", "/public/v1/plans/P1", {{"If-None-Match", tag}}).status, 304);
  EXPECT_EQ(Send("GET", "/public", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/results", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/draws/" + draw_id, {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/draws/none", {}).status, 404);
  // The portal (issue 19): the company search, the rule pages, the key and checkpoint.
  Answer employers = Send("GET", "/public/v1/employers?q=" + code + "&limit=5", {});
  ASSERT_EQ(employers.status, 200);
  EXPECT_EQ(employers.body["employers"].size(), 1u);
  EXPECT_EQ(Send("GET", "/public/v1/employers", {}).body["code"], "bad_query");
  EXPECT_EQ(Send("GET", "/public/v1/verifier-key", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/v1/checkpoint", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/search?q=" + code, {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/results?region=320400&from=2026-01-01", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/tasks/T1", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/plans/P1", {}).status, 200);
  EXPECT_EQ(Send("GET", "/public/key", {}).status, 200);

  // Signing out last (the reviewer's session served nothing else meanwhile).
  httplib::Headers out = session;
  out.emplace("X-CSRF-Token", signed_in.body["csrf_token"].get<std::string>());
  EXPECT_EQ(Send("DELETE", "/api/v1/session", out).body["signed_out"], true);
  Answer no_csrf = Send("POST", "/api/v1/users/city-reviewer/password", session, json{{"password", "another long one"}}.dump());
  EXPECT_EQ(no_csrf.status, 401);  // the session is gone: no credential
  Answer none = Send("GET", "/api/v1/me", {});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["code"], "unauthenticated");

  // Every route answered with success (the event stream never ends: described, not called).
  for (const auto& [path, ops] : doc_["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      if (path == "/api/v1/events" || path == "/healthz" || path == "/metrics" || path == "/api/v1/openapi.json") continue;
      EXPECT_TRUE(answered_.count(m + " " + path)) << m << " " << path << " was never answered with success here";
    }
  }
  EXPECT_EQ(Send("GET", "/healthz", {}).body["status"], "ok");
  EXPECT_EQ(Send("GET", "/metrics", {}).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/openapi.json", {}).status, 200);
  // Errors met on the way, each checked against its route's codes above.
  for (const char* e : {"PUT /api/v1/targets/{credit_code} 422 invalid", "GET /api/v1/targets/{credit_code} 404 not_found",
                        "PUT /api/v1/targets/{credit_code} 403 forbidden", "POST /api/v1/session 401 sign_in_failed",
                        "POST /api/v1/imports/{kind} 422 bad_rows", "GET /public/v1/results 400 bad_limit",
                        "POST /api/v1/results/{draw_id}/{credit_code}/publish 409 conflict",
                        "GET /api/v1/me 401 unauthenticated"}) {
    EXPECT_TRUE(errors_seen_.count(e)) << e;
  }
}

}  // namespace
}  // namespace suiji::http
