// The public routes (一公开): no sign-in, GET only. A proof bundle reads its draw from the
// draws projection, the inspection events it carries from the public one and the entries from
// the log. Everything else reads the public-record projection (projections/
// public_projection.h), without the server's state lock (Route::lock_free: a long write never
// holds a public read up), in one read transaction: a page reads the rows it returns, the
// whole notices, results.csv and the credit-publicity JSON are written to a spool file and
// sent from it once the snapshot is released. Every reply carries a strong ETag
// (the ledger, the log position the snapshot reflects and the request's target; a bundle's:
// its draw and checkpoint) and Cache-Control for shared caches; If-None-Match gets 304.
#include <charconv>

#include "api/http/public_reply.h"
#include "api/public_bundle.h"

namespace suiji::http {

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

std::string Quoted(std::string_view tag) { return "\"" + std::string(tag) + "\""; }

}  // namespace

bool NotModified(const httplib::Request& req, const std::string& etag) {
  const std::string header = req.get_header_value("If-None-Match");
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(',', at);
    if (end == std::string::npos) end = header.size();
    std::string_view tag(header.data() + at, end - at);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || tag == etag) return true;
    at = end + 1;
  }
  return false;
}

Reply WithTag(Reply r, const std::string& etag) {
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", kPublicCacheControl);
  return r;
}

std::string ContentTag(std::string_view prefix, std::string_view bytes) {
  const Hash h = Sha256(AsBytes(bytes));
  return Quoted(std::string(prefix) + ToHex(ByteView(h.data(), 16)));
}

namespace {

StatusOr<PublicRead> Begin(const Call& c) {
  SUIJI_ASSIGN_OR_RETURN(std::unique_ptr<PublicReader> r, PublicReader::Begin(c.node.projection->projection()));
  PublicRead read;
  const Hash h = Sha256(AsBytes(r->ledger_id() + "\n" + std::to_string(r->log_size()) + "\n" + c.req.target));
  read.etag = Quoted("p" + std::to_string(r->log_size()) + "-" + ToHex(ByteView(h.data(), 12)));
  read.reader = std::move(r);
  return read;
}

}  // namespace

Reply Answer(const Call& c, const std::function<Reply(PublicRead&)>& answer) {
  auto read = Begin(c);
  if (!read.ok()) return FromStatus(read.status());
  if (NotModified(c.req, read->etag)) return WithTag(Reply{304, "", kJson}, read->etag);
  return WithTag(answer(*read), read->etag);
}

namespace {

// A reply written by `write` after the state lock is released, from the same snapshot.
Reply Streamed(std::shared_ptr<PublicReader> reader, std::string type,
               std::function<Status(PublicReader&, const Sink&)> write) {
  Reply r{200, "", std::move(type)};
  r.stream = [reader = std::move(reader), write = std::move(write)](const Sink& out) { return write(*reader, out).ok(); };
  return r;
}

}  // namespace

StatusOr<size_t> LimitOf(const httplib::Request& req, size_t fallback) {
  if (!req.has_param("limit")) return fallback;
  const std::string v = req.get_param_value("limit");
  size_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n == 0 || n > kMaxPageLimit) {
    return InvalidArgument("limit: a number from 1 to " + std::to_string(kMaxPageLimit));
  }
  return n;
}

namespace {

// A refused query (a malformed or foreign cursor, a bad date) is 400; a storage failure is
// what its status says.
Reply QueryFailed(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument ? Error(400, "bad_query", s.message()) : FromStatus(s);
}

Reply PageReply(const PublicReader& r, const char* name, const Page& page) {
  json items = json::array();
  for (const auto& j : page.items) items.push_back(j);
  return Json(json{{"log_size", r.log_size()},
                   {name, std::move(items)},
                   {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}});
}

Reply PublicNotices(Call& c) {
  return Answer(c, [](PublicRead& read) { return Streamed(read.reader, kJson, [](PublicReader& r, const Sink& out) { return r.WriteNotices(out); }); });
}

Reply PublicResultsCsv(Call& c) {
  return Answer(c, [](PublicRead& read) {
    return Streamed(read.reader, "text/csv; charset=utf-8", [](PublicReader& r, const Sink& out) { return r.WriteCsv(out); });
  });
}

// Without a query: every published result in the credit-publicity layout (as before). With
// any of code, name, region, task, from, to, limit, cursor: one page of result notices.
Reply PublicResults(Call& c) {
  static const char* kParams[] = {"code", "name", "region", "task", "from", "to", "limit", "cursor"};
  const bool search = std::any_of(std::begin(kParams), std::end(kParams), [&](const char* p) { return c.req.has_param(p); });
  return Answer(c, [&](PublicRead& read) -> Reply {
    if (!search) return Streamed(read.reader, kJson, [](PublicReader& r, const Sink& out) { return r.WriteCreditJson(out); });
    auto limit = LimitOf(c.req);
    if (!limit.ok()) return Error(400, "bad_limit", limit.status().message());
    ResultQuery q{c.req.get_param_value("code"), c.req.get_param_value("name"),
                  c.req.get_param_value("region"), c.req.get_param_value("task"),
                  c.req.get_param_value("from"), c.req.get_param_value("to"),
                  *limit, c.req.get_param_value("cursor")};
    auto page = read.reader->Results(q);
    if (!page.ok()) return QueryFailed(page.status());
    return PageReply(*read.reader, "results", *page);
  });
}

Reply PublicItemLists(Call& c) {
  return Answer(c, [](PublicRead& read) -> Reply {
    auto lists = read.reader->ItemLists();
    if (!lists.ok()) return FromStatus(lists.status());
    return Json(json{{"log_size", read.reader->log_size()}, {"item_lists", *lists}});
  });
}

Reply PublicPlans(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    auto limit = LimitOf(c.req);
    if (!limit.ok()) return Error(400, "bad_limit", limit.status().message());
    auto page = read.reader->Plans(*limit, c.req.get_param_value("cursor"));
    if (!page.ok()) return QueryFailed(page.status());
    return PageReply(*read.reader, "plans", *page);
  });
}

Reply PublicPlan(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    auto versions = read.reader->PlanVersions(c.params[0]);
    if (!versions.ok()) return FromStatus(versions.status());
    if (versions->empty()) return Error(404, "not_found", "no plan " + c.params[0]);
    return Json(json{{"plan_id", c.params[0]}, {"versions", *versions}});
  });
}

Reply PublicTasks(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    auto limit = LimitOf(c.req);
    if (!limit.ok()) return Error(400, "bad_limit", limit.status().message());
    auto page = read.reader->Tasks(c.req.get_param_value("plan"), *limit, c.req.get_param_value("cursor"));
    if (!page.ok()) return QueryFailed(page.status());
    return PageReply(*read.reader, "tasks", *page);
  });
}

Reply PublicTask(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    auto task = read.reader->Task(c.params[0]);
    if (!task.ok()) return FromStatus(task.status());
    if (!*task) return Error(404, "not_found", "no task " + c.params[0]);
    auto draws = read.reader->DrawsOfTask(c.params[0]);
    if (!draws.ok()) return FromStatus(draws.status());
    return Json(json{{"task", **task}, {"draws", *draws}});
  });
}

// ?q= a credit code or part of a name: {log_size, employers, next_cursor}; 400 bad_query
// without q.
Reply PublicEmployers(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    const std::string q = c.req.get_param_value("q");
    if (q.empty()) return Error(400, "bad_query", "q: a credit code or part of an employer's name");
    auto limit = LimitOf(c.req, 20);
    if (!limit.ok()) return Error(400, "bad_limit", limit.status().message());
    auto page = read.reader->Employers(q, *limit, c.req.get_param_value("cursor"));
    if (!page.ok()) return QueryFailed(page.status());
    return PageReply(*read.reader, "employers", *page);
  });
}

Reply PublicDraw(Call& c) {
  return Answer(c, [&](PublicRead& read) -> Reply {
    auto d = read.reader->Draw(c.params[0]);
    if (!d.ok()) return FromStatus(d.status());
    if (!*d) return Error(404, "not_found", "no draw " + c.params[0]);
    return Json(**d);
  });
}

// The size of a checkpoint note, or 0 if it cannot be read.
uint64_t CheckpointSize(std::string_view note) {
  auto n = ParseNote(note);
  if (!n.ok()) return 0;
  auto cp = ParseCheckpoint(n->text);
  return cp.ok() ? cp->size : 0;
}

// Needs no sign-in, so it must not hold up the node: under the (shared) state lock it only
// copies the bundle's inputs, and takes a checkpoint if none covers the draw's entries yet
// (the ledger serialises that with appends; it is brief). The log is read and every entry
// proven after the lock is released, once per draw and checkpoint (BundleCache): concurrent
// requests share one build, later ones are served from memory. A bundle is the same bytes
// for the same draw and checkpoint: that is its ETag.
Reply PublicBundle(Call& c) {
  const std::string& draw_id = c.params[0];
  bool known = false;
  Status read = c.node.draws->Read([&](const draw::DrawStore& w) {
    known = w.FindDraw(draw_id) != nullptr;
    return OkStatus();
  });
  if (!read.ok()) return FromStatus(read);
  if (!known) return Error(404, "not_found", "no draw " + draw_id);
  // The draw's public inspection events, from the public projection (never an internal one).
  auto reader = PublicReader::Begin(c.node.projection->projection());
  if (!reader.ok()) return FromStatus(reader.status());
  auto public_events = (*reader)->PublicSequencesOfDraw(draw_id);
  if (!public_events.ok()) return FromStatus(public_events.status());
  const std::vector<uint64_t> carried = std::move(*public_events);
  reader->reset();
  auto needed = PublicBundleCoverage(*c.node.draws, draw_id, carried);
  if (!needed.ok()) return FromStatus(needed.status());
  std::optional<std::string> note = c.node.ledger->LatestCheckpoint();
  if (!note || CheckpointSize(*note) < *needed) {
    if (c.node.replica) {
      return Error(503, "no_checkpoint_yet",
                   "尚无覆盖该抽取的检查点：写入节点签发后（至多 checkpoint_every_seconds）本副本即可提供。"
                   "No checkpoint covers this draw yet; the writer signs one within checkpoint_every_seconds.");
    }
    auto fresh = c.node.ledger->IssueCheckpoint();
    if (!fresh.ok()) return FromStatus(fresh.status());
    note = std::move(*fresh);
  }
  const std::string key = draw_id + "@" + std::to_string(CheckpointSize(*note));
  const Hash tag = Sha256(AsBytes(c.node.ledger->ledger_id() + "\n" + key));
  const std::string etag = Quoted("b" + ToHex(ByteView(tag.data(), 16)));
  if (NotModified(c.req, etag)) return WithTag(Reply{304, "", kJson}, etag);
  if (BundleCache::Bytes kept = c.node.bundles.Find(key)) {
    return WithTag(Reply{200, "", kJson, std::move(kept)}, etag);
  }
  auto inputs = PreparePublicBundle(*c.node.ledger, *c.node.draws, draw_id, *note, carried);
  if (!inputs.ok()) return FromStatus(inputs.status());
  c.after_unlock = [&ledger = *c.node.ledger, &cache = c.node.bundles, key, etag, in = std::move(*inputs)]() -> Reply {
    auto bytes = cache.Get(key, [&]() -> StatusOr<std::string> {
      SUIJI_ASSIGN_OR_RETURN(suiji::PublicBundle b, BuildPublicBundle(ledger, in));
      return std::move(b.json);
    });
    if (!bytes.ok()) return FromStatus(bytes.status());
    return WithTag(Reply{200, "", kJson, std::move(*bytes)}, etag);
  };
  return Reply{};
}

}  // namespace

// Every public route but the proof bundle reads only the public projection's snapshot: it
// takes no state lock (Route::lock_free), so no write, however long, holds it up.
Route Public(std::string path, std::string summary, std::function<Reply(Call&)> h, bool lock_free) {
  Route r = R("GET", std::move(path), {}, false, std::move(summary), std::move(h));
  r.is_public = true;
  r.lock_free = lock_free;
  return r;
}

std::vector<Route> PublicRoutes() {
  std::vector<Route> routes = {
      Public("/public/v1/notices", "the public notices (item lists, plans, tasks, draws, results), streamed", PublicNotices),
      Public("/public/v1/results",
             "published results: without a query the credit publicity layout (JSON, streamed); with "
             "?code= &name= &region= &task= &from= &to= &limit= &cursor= one page of result notices and next_cursor",
             PublicResults),
      Public("/public/v1/results.csv", "published results, credit publicity layout (CSV, streamed)", PublicResultsCsv),
      Public("/public/v1/item-lists", "every published item list version", PublicItemLists),
      Public("/public/v1/plans", "plan notices, every version in filing order; ?limit= &cursor=", PublicPlans),
      Public("/public/v1/plans/{plan_id}", "one plan's versions", PublicPlan),
      Public("/public/v1/tasks", "task notices by id; ?plan= &limit= &cursor=", PublicTasks),
      Public("/public/v1/tasks/{task_id}", "one task's notice and its draws (without their targets)", PublicTask),
      Public("/public/v1/draws/{draw_id}", "one draw's notice with its proof data", PublicDraw),
      Public("/public/v1/bundles/{draw_id}", "a draw's proof bundle for suiji-verify --bundle", PublicBundle,
             /*lock_free=*/false),
      Public("/public/v1/employers",
             "employers named publicly by a draw or a result: ?q= a credit code or part of a name, &limit= &cursor=",
             PublicEmployers),
  };
  for (Route& r : PortalRoutes()) routes.push_back(std::move(r));
  return routes;
}

}  // namespace suiji::http
