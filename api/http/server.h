// `suiji serve`: the HTTP API of a node (cpp-httplib). One writer process holds the node;
// every request that writes goes through the same services as the command line
// (api/*_service.h) and becomes signed events naming the acting user.
//
//   /api/v1/...     JSON API, authenticated (bearer token or Ed25519-signed request), each
//                   route open to some roles, scoped to the user's jurisdiction
//   /public/...     read-only, no authentication: notices, results, bundles, HTML pages
//   /healthz        liveness and log size;  /metrics  Prometheus text
//   /api/v1/openapi.json   the route table, generated from the routes actually served
//
// Errors are JSON {code, message, details} with 400 (malformed request), 401, 403, 404,
// 409 (stale X-Expected-Sequence or a state conflict), 411 (a body without Content-Length),
// 413 (body too large), 415 (a compressed body), 416 (more than one range), 422 (a request the
// rules refuse), 429 (too many failed authentications, connections or event streams),
// 431 (request head too large), 500/503. Every failed authentication is the same 401.
//
// Lifetime: owns the node (ledger, projections, services) it opens; Stop() from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ledger/core/status.h"

namespace suiji {
class Ledger;
class DirectoryService;
class DrawService;
class InspectionService;
class IdentityService;
}  // namespace suiji

namespace suiji::http {

// The server's open node, lent to a command run in-process (Server::WithNode).
struct NodeServices {
  Ledger* ledger = nullptr;
  DirectoryService* dirs = nullptr;
  DrawService* draws = nullptr;
  InspectionService* inspections = nullptr;
  IdentityService* identity = nullptr;
};

struct ServerOptions {
  std::string data;                // the node's data directory
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port (see Server::port())
  size_t max_body_bytes = 1 << 20;     // a JSON request
  size_t max_import_bytes = 64 << 20;  // a CSV or XLSX file posted to /api/v1/imports
  size_t max_string_bytes = 4096;  // any JSON string in a request body
  size_t max_array_items = 10000;  // any JSON array in a request body
  size_t max_json_depth = 64;      // nesting of arrays and objects in a request body
  // Failed authentications per client address and per credential (user or token) in a minute;
  // past it a failed attempt gets 429 instead of 401. A valid credential is always accepted.
  int auth_failures_per_minute = 10;
  // TCP peers (reverse proxies, e.g. ops/nginx) whose X-Real-IP header is the client's address;
  // from any other peer X-Real-IP and X-Forwarded-For are ignored.
  std::vector<std::string> trusted_proxies;
  // Plain HTTP only (with TLS cpp-httplib's own connection handling applies; put nginx in
  // front): a connection waits without a worker thread until its request head is complete.
  size_t max_head_bytes = 64 << 10;  // request line and headers; 431 beyond
  int head_timeout_ms = 10000;       // a request head must be complete this long after it may start
  int body_timeout_ms = 60000;       // a body must arrive within this once its head is in
  unsigned max_connections = 4096;             // open connections in all; more are closed at once
  unsigned max_connections_per_address = 32;   // per TCP peer (trusted proxies excepted)
  unsigned max_streams = 16;           // concurrent event streams (each holds a thread; at most threads/4); then 503
  unsigned max_streams_per_user = 4;   // per user; then 429
  int sse_poll_ms = 200;           // how often an event stream looks for new entries
  // A staff console session (api/http/sessions.h) ends this long after sign-in.
  int64_t session_seconds = 8 * 3600;
  // The built staff console (api/http/console.h), served at /console/; empty: console/ next
  // to the suiji binary.
  std::string console_dir;
  // The built browser verifier (api/http/verifier_web.h), served at /public/verifier/; empty:
  // verifier/web/ beside the suiji binary's folder (build/verifier/web).
  std::string verifier_web_dir;
  std::string tls_cert, tls_key;   // both set: HTTPS
  // Workers that run requests (a connection holds one only while its request is read and
  // answered; with TLS, cpp-httplib's own handling holds one per keep-alive connection).
  unsigned threads = 64;
  bool log_requests = false;       // one line per request on stderr
  // A read replica (api/http/replica.h): follows the writer's Kafka topic from a data
  // directory of its own, serves every read route, refuses writes (421 read_replica).
  bool replica = false;
  int replica_poll_ms = 200;       // how often a replica looks for new entries in the topic
};

// Reads a config file of `key = value` lines (# comments): data, listen (HOST:PORT),
// max_body_bytes, max_import_bytes, max_string_bytes, max_json_depth, auth_failures_per_minute,
// trusted_proxy (repeatable), max_head_bytes, head_timeout_ms, body_timeout_ms, max_connections,
// max_connections_per_address, max_streams, max_streams_per_user, tls_cert, tls_key, threads,
// log_requests, replica (true/false), replica_poll_ms, session_seconds,
// console_dir, verifier_web_dir. Unknown keys are errors naming the line.
StatusOr<ServerOptions> ReadServerConfig(const std::string& path, ServerOptions base = {});

class Server {
 public:
  static StatusOr<std::unique_ptr<Server>> Open(const ServerOptions& options);
  ~Server();
  // Binds (the port is known afterwards) and serves until Stop(). Blocks.
  Status Bind();
  Status Serve();
  int port() const;
  void Stop();
  // Runs `fn` with the node's writer and services, under the state lock held exclusively
  // (no HTTP request reads or writes meanwhile, except the public reads of the projections'
  // snapshots, which take no state lock: Route::lock_free), then folds what it appended into every read
  // model as an HTTP write does, and returns once those entries are durable: the status says
  // why they are not (nothing `fn` printed about them may then be believed). A forwarded
  // command line (api/cli_socket.h) runs through here.
  Status WithNode(const std::function<void(const NodeServices&)>& fn);

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace suiji::http
