// Shared between the pieces of the HTTP server (server.cc: the node state, authentication,
// limits, idempotency, metrics, the event stream; routes.cc: the route table and handlers;
// pages*.cc: the public HTML, pages.h). Not part of the server's interface.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "api/credentials.h"
#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/http/bundle_cache.h"
#include "api/http/server.h"
#include "api/http/sessions.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"
#include "ledger/core/identity/identity.h"
#include "ledger/core/inspection/public_record.h"
#include "ledger/core/inspection/stats.h"
#include "ledger/ledger.h"
#include "projections/directory_projection.h"

namespace suiji::http {

using nlohmann::json;
using identity::Role;

struct Reply {
  int status = 200;
  std::string body;
  std::string type = "application/json; charset=utf-8";
  // Instead of `body`: bytes kept elsewhere (a cached proof bundle, up to hundreds of MB),
  // sent from there without a copy per request.
  std::shared_ptr<const std::string> shared_body = nullptr;
  // Further headers (a public reply's ETag and Cache-Control).
  std::vector<std::pair<std::string, std::string>> headers = {};
  // Instead of `body`: written piece by piece once the state lock is released, from a
  // snapshot the handler took (a public export streamed from the projection). The server
  // calls it once, into an unnamed file (api/http/spool.h), drops it (and so the snapshot)
  // and sends the file: a slow client never holds the snapshot. Returns false if it could
  // not finish (the client then gets 500, never a cut document).
  std::function<bool(const std::function<bool(std::string_view)>&)> stream = nullptr;
};

// {code, message, details} with the HTTP status.
Reply Error(int status, std::string_view code, std::string_view message, json details = json::object());
// A failed Status as the reply its code calls for (kInvalidArgument 422, kNotFound 404,
// kPermissionDenied 403, kAlreadyExists/kFailedPrecondition/kAborted 409,
// kResourceExhausted 413, kUnavailable 503, others 500).
Reply FromStatus(const Status& s);
Reply Json(const json& j, int status = 200);

// The node a server holds: the writer ledger, the directory projection and every service,
// kept folded to the end of the log after each write.
struct Node {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<DirectoryProjection> projection;
  std::unique_ptr<DirectoryService> dirs;
  std::unique_ptr<DrawService> draws;
  std::unique_ptr<InspectionService> inspections;
  std::unique_ptr<IdentityService> identity;
  // Public proof bundles, built once per draw and checkpoint outside the state lock.
  BundleCache bundles;
  // A read replica (api/http/replica.h): no node key, it signs no checkpoint of its own.
  bool replica = false;
  // The staff console's sign-in (routes_session.cc): password hashes (DIR/credentials/,
  // outside the ledger) and the sessions, in memory.
  std::unique_ptr<CredentialStore> credentials;
  std::unique_ptr<Sessions> sessions;
  // Catches every read model up with the log: the projections (every folder). State lock
  // held exclusively.
  Status SyncAll();
};

// One request as a handler sees it.
struct Call {
  const httplib::Request& req;
  Node& node;
  const identity::UserInfo* user = nullptr;  // null on public routes
  std::vector<std::string> params;           // the path's {placeholders}, in order
  json body;                                 // the parsed body (writes with a JSON body)
  Actor actor;                               // user's org and id, and the idempotency key
  const ServerOptions& options;
  // Long work that reads only the log (which is safe without the node's state lock), e.g.
  // verification: a handler that sets it has its reply replaced by what this returns,
  // run after the state lock is released, so writers are not held up meanwhile.
  std::function<Reply()> after_unlock = {};
};

struct Route {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // OpenAPI template, e.g. /api/v1/targets/{code}
  std::vector<Role> roles;  // who may call it; empty: any authenticated user
  bool is_public = false;   // no authentication
  bool write = false;       // takes the write lock, Idempotency-Key, X-Expected-Sequence
  std::string summary;
  std::function<Reply(Call&)> handler;
  bool stream = false;      // the event stream (handled by the server itself)
  bool exclusive = false;   // a read that may write (a checkpoint): takes the write lock
  bool raw_body = false;    // the body is a file (an import), not JSON: up to max_import_bytes
  // A public read answered from LMDB snapshots of the projections only (never the in-memory
  // folds, the ledger or the services): it takes no state lock, so it never waits behind a
  // write however long (a large import forwarded by the command line); its reply still waits
  // until every entry its snapshot may reflect is durable.
  bool lock_free = false;
};

// The session cookie (routes_session.cc): its value in the request, or empty; the user it
// signs in (kPermissionDenied naming why not: unknown or expired, the password changed since,
// the user disabled); and the 403 `csrf` reply for a request other than GET or HEAD that a
// session cookie authenticates without that session's X-CSRF-Token.
std::string SessionCookieOf(const httplib::Request& req);
StatusOr<std::shared_ptr<const identity::UserInfo>> AuthenticateSession(const httplib::Request& req, Node& node);
std::optional<Reply> CsrfRefusal(const httplib::Request& req, Node& node);

// The route table (routes.cc), in the order served; openapi.json is generated from it.
std::vector<Route> ApiRoutes();
json OpenApi(const std::vector<Route>& routes);

// Jurisdiction helpers for handlers: the region of an org unit, and whether the user covers
// it. A route that reads gives 404 outside the jurisdiction (never data); one that writes 403.
bool CoversOrg(const Call& c, std::string_view org_id);
// The user's jurisdiction covers every org unit of the node (the event stream, verification).
bool CoversAll(const IdentityService& ids, const identity::UserInfo* user);
inline bool CoversAll(const Call& c) { return CoversAll(*c.node.identity, c.user); }

// The payload of a stored event as JSON (FlatBuffers text from the schemas), or null for a
// type this build does not know.
json EventPayloadJson(EventType type, ByteView payload);
// A stored event for people and systems: sequence, type, time, actor and decoded payload
// (the history routes; the event stream adds the signed bytes).
json EventJson(uint64_t sequence, const EntryView& e);

}  // namespace suiji::http
