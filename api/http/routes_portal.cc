// The public portal's routes (公示, issue 19): the HTML pages (pages.h) and the bureau's
// verifier key and latest checkpoint as plain text. The pages read only the public
// projection, in one snapshot each (Answer: ETag, Cache-Control, 304), without the state lock;
// the key and the checkpoint read the ledger (its keys and latest checkpoint note) under the
// shared state lock and are tagged by their own bytes.
#include <cctype>
#include <set>

#include "api/http/pages.h"
#include "api/http/public_reply.h"
#include "ledger/core/checkpoint.h"
#include "ledger/core/codes/region.h"

namespace suiji::http {

namespace {

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kText = "text/plain; charset=utf-8";

Reply Html(std::string page, int status = 200) { return Reply{status, std::move(page), kHtml}; }

// Every byte outside [A-Za-z0-9-._~] percent-encoded, for a link's query.
std::string QueryValue(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A storage failure on a page: the JSON error (the page cannot be built).
template <typename T>
bool Failed(const StatusOr<T>& r, Reply* out) {
  if (r.ok()) return false;
  *out = FromStatus(r.status());
  return true;
}

json Array(std::vector<json> v) {
  json out = json::array();
  for (auto& j : v) out.push_back(std::move(j));
  return out;
}

Reply IndexHtml(Call& c) {
  return Answer(c, [](PublicRead& read) -> Reply {
    Reply err;
    auto tasks = read.reader->AllTasks();
    if (Failed(tasks, &err)) return err;
    auto draws = read.reader->DrawHeads();
    if (Failed(draws, &err)) return err;
    auto plans = read.reader->Plans(kMaxPageLimit, "");
    if (Failed(plans, &err)) return err;
    return Html(pages::IndexPage(Array(std::move(*tasks)), Array(std::move(*draws)), Array(std::move(plans->items))));
  });
}

Reply SearchHtml(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    const std::string q = c.req.get_param_value("q");
    if (q.empty()) return Html(pages::SearchPage("", json::array(), ""));
    auto page = read.reader->Employers(q, 20, c.req.get_param_value("cursor"));
    if (!page.ok()) {
      if (page.status().code() != StatusCode::kInvalidArgument) return FromStatus(page.status());
      return Html(pages::SearchPage(q, json::array(), ""), 400);
    }
    json employers = json::array();
    for (auto& e : page->items) {
      ResultQuery rq;
      rq.code = e["credit_code"].get<std::string>();
      rq.limit = 50;
      auto results = read.reader->Results(rq);
      Reply err;
      if (Failed(results, &err)) return err;
      e["results"] = Array(std::move(results->items));
      employers.push_back(std::move(e));
    }
    const std::string next = page->next_cursor.empty()
                                 ? std::string()
                                 : "/public/search?q=" + QueryValue(q) + "&cursor=" + page->next_cursor;
    return Html(pages::SearchPage(q, employers, next));
  });
}

Reply ResultsHtml(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    pages::ResultFilters f{c.req.get_param_value("region"), c.req.get_param_value("task"),
                           c.req.get_param_value("from"), c.req.get_param_value("to")};
    ResultQuery q;
    q.code = c.req.get_param_value("code");
    q.region = f.region;
    q.task = f.task;
    q.from = f.from;
    q.to = f.to;
    q.cursor = c.req.get_param_value("cursor");
    q.limit = 50;
    // The choices: every task, and the regions of their scopes with the counties below.
    Reply err;
    auto tasks = read.reader->AllTasks();
    if (Failed(tasks, &err)) return err;
    std::vector<std::pair<std::string, std::string>> task_choices, region_choices;
    std::set<std::string> seen;
    for (const auto& t : *tasks) {
      task_choices.emplace_back(t["task_id"].get<std::string>(), t["title"].get<std::string>());
      for (const auto& r : t["regions"]) {
        const std::string code = r.get<std::string>();
        if (seen.insert(code).second) region_choices.emplace_back(code, pages::RegionLabel(code));
        for (const codes::Region* child : codes::ChildRegions(code)) {
          const std::string cc(child->code);
          if (seen.insert(cc).second) region_choices.emplace_back(cc, "　" + pages::RegionLabel(cc));
        }
      }
    }
    auto page = read.reader->Results(q);
    if (!page.ok()) {
      if (page.status().code() != StatusCode::kInvalidArgument) return FromStatus(page.status());
      return Html(pages::ResultsPage(json::array(), f, region_choices, task_choices, "",
                                     "查询条件无效：" + std::string(page.status().message())),
                  400);
    }
    std::string next;
    if (!page->next_cursor.empty()) {
      next = "/public/results?";
      for (const auto& [k, v] : std::vector<std::pair<const char*, std::string>>{
               {"code", q.code}, {"region", f.region}, {"task", f.task}, {"from", f.from}, {"to", f.to}}) {
        if (!v.empty()) next += std::string(k) + "=" + QueryValue(v) + "&";
      }
      next += "cursor=" + page->next_cursor;
    }
    return Html(pages::ResultsPage(Array(std::move(page->items)), f, region_choices, task_choices, next));
  });
}

Reply DrawHtml(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    Reply err;
    auto d = read.reader->Draw(c.params[0]);
    if (Failed(d, &err)) return err;
    if (!*d) return Html(pages::NotFoundPage("没有编号为 " + c.params[0] + " 的抽取。"), 404);
    auto task = read.reader->Task((**d)["task_id"].get<std::string>());
    if (Failed(task, &err)) return err;
    return Html(pages::DrawPage(**d, *task ? **task : json()));
  });
}

Reply TaskHtml(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    Reply err;
    auto task = read.reader->Task(c.params[0]);
    if (Failed(task, &err)) return err;
    if (!*task) return Html(pages::NotFoundPage("没有编号为 " + c.params[0] + " 的抽查任务。"), 404);
    const json& t = **task;
    auto list = read.reader->ItemList(t["org_id"].get<std::string>(), t["item_list_version"].get<uint32_t>());
    if (Failed(list, &err)) return err;
    auto draws = read.reader->DrawsOfTask(c.params[0]);
    if (Failed(draws, &err)) return err;
    return Html(pages::TaskPage(t, *list ? **list : json(), Array(std::move(*draws))));
  });
}

Reply PlanHtml(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    Reply err;
    auto versions = read.reader->PlanVersions(c.params[0]);
    if (Failed(versions, &err)) return err;
    if (versions->empty()) return Html(pages::NotFoundPage("没有编号为 " + c.params[0] + " 的抽查计划。"), 404);
    auto tasks = read.reader->Tasks(c.params[0], kMaxPageLimit, "");
    if (Failed(tasks, &err)) return err;
    return Html(pages::PlanPage(c.params[0], Array(std::move(*versions)), Array(std::move(tasks->items))));
  });
}

// The latest checkpoint note and the verifier key of the checkpoint key that signed it. A
// writer signs one first if it has none yet; a replica answers what the writer signed.
struct KeyAndCheckpoint {
  std::string key, note;
  uint64_t size = 0;
};

StatusOr<KeyAndCheckpoint> LatestSigned(Call& c) {
  Ledger& ledger = *c.node.ledger;
  std::optional<std::string> note = ledger.LatestCheckpoint();
  if (!note && !c.node.replica && ledger.size() > 0) {
    SUIJI_ASSIGN_OR_RETURN(std::string fresh, ledger.IssueCheckpoint());
    note = std::move(fresh);
  }
  KeyAndCheckpoint out;
  if (!note) return out;
  SUIJI_ASSIGN_OR_RETURN(SignedNote parsed, ParseNote(*note));
  SUIJI_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(parsed.text));
  for (const KeyInfo* k : ledger.keys().CheckpointKeysAt(cp.size)) {
    if (VerifyNote(parsed, ledger.ledger_id(), k->public_key).ok()) {
      out.key = VerifierKeyString(ledger.ledger_id(), k->public_key);
    }
  }
  out.note = *note;
  out.size = cp.size;
  return out;
}

// A text reply tagged by its bytes; 304 if the client holds them.
Reply TaggedText(const Call& c, std::string body, std::string_view prefix) {
  const std::string etag = ContentTag(prefix, body);
  if (NotModified(c.req, etag)) return WithTag(Reply{304, "", kText}, etag);
  return WithTag(Reply{200, std::move(body), kText}, etag);
}

Reply NoCheckpoint() {
  return Error(503, "no_checkpoint_yet", "尚无签名检查点 (no signed checkpoint yet)");
}

Reply VerifierKeyText(Call& c) {
  auto k = LatestSigned(c);
  if (!k.ok()) return FromStatus(k.status());
  if (k->key.empty()) return NoCheckpoint();
  return TaggedText(c, k->key + "\n", "k");
}

Reply CheckpointText(Call& c) {
  auto k = LatestSigned(c);
  if (!k.ok()) return FromStatus(k.status());
  if (k->note.empty()) return NoCheckpoint();
  return TaggedText(c, k->note, "c");
}

Reply KeyHtml(Call& c) {
  auto k = LatestSigned(c);
  if (!k.ok()) return FromStatus(k.status());
  std::string page = pages::KeyPage(k->key, k->note, k->size);
  const std::string etag = ContentTag("h", page);
  if (NotModified(c.req, etag)) return WithTag(Reply{304, "", kHtml}, etag);
  return WithTag(Html(std::move(page)), etag);
}

}  // namespace

std::vector<Route> PortalRoutes() {
  return {
      Public("/public/v1/verifier-key", "the verifier key of the latest signed checkpoint (text)", VerifierKeyText,
             /*lock_free=*/false),
      Public("/public/v1/checkpoint", "the latest signed checkpoint note (text)", CheckpointText, /*lock_free=*/false),
      Public("/public", "公示首页 (HTML): search, plans, tasks and draws", IndexHtml),
      Public("/public/search", "查询单位 (HTML): ?q= a credit code or part of a name, &cursor=", SearchHtml),
      Public("/public/results", "抽查结果 (HTML, 50 a page): ?region= &task= &from= &to= &code= &cursor=", ResultsHtml),
      Public("/public/draws/{draw_id}", "抽取公示 (HTML)", DrawHtml),
      Public("/public/tasks/{task_id}", "抽查任务 (HTML): every rule the draw depends on", TaskHtml),
      Public("/public/plans/{plan_id}", "抽查计划 (HTML): every version and its tasks", PlanHtml),
      Public("/public/key", "验证公钥与检查点 (HTML)", KeyHtml, /*lock_free=*/false),
  };
}

}  // namespace suiji::http
