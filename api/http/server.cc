#include "api/http/server.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <map>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "api/http/console.h"
#include "api/http/front.h"
#include "api/http/replica.h"
#include "api/http/server_internal.h"
#include "api/http/signed_request.h"
#include "api/http/spool.h"
#include "api/http/verifier_web.h"
#include "api/node.h"
#include "ledger/core/bytes.h"
#include "ledger/checkpoint_timer.h"
#include "ledger/group_commit.h"
#include "ledger/private_files.h"
#include "ledger/log_watch.h"
#include "ledger/replay.h"

namespace suiji::http {

// --- replies ------------------------------------------------------------------------------

Reply Json(const json& j, int status) { return Reply{status, j.dump(), "application/json; charset=utf-8"}; }

Reply Error(int status, std::string_view code, std::string_view message, json details) {
  return Json(json{{"code", code}, {"message", message}, {"details", std::move(details)}}, status);
}

Reply FromStatus(const Status& s) {
  const std::string code(StatusCodeName(s.code()));
  switch (s.code()) {
    case StatusCode::kInvalidArgument: return Error(422, "invalid", s.message());
    case StatusCode::kNotFound: return Error(404, "not_found", s.message());
    case StatusCode::kPermissionDenied: return Error(403, "forbidden", s.message());
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return Error(409, "conflict", s.message());
    case StatusCode::kAborted: return Error(409, "stale_sequence", s.message());
    case StatusCode::kResourceExhausted:
      if (IsDiskFull(s)) return Error(507, "disk_full", s.message());
      return Error(413, "too_large", s.message());
    case StatusCode::kUnavailable: return Error(503, "unavailable", s.message());
    default: return Error(500, "internal", s.message(), json{{"status", code}});
  }
}

Status Node::SyncAll() {
  // The projections: every folder (directory, draws, inspections, identity, public, stats).
  return dirs->Sync();
}

bool CoversAll(const IdentityService& ids, const identity::UserInfo* user) {
  if (user == nullptr) return false;
  auto all = ids.CoversAll(*user);
  return all.ok() && *all;  // a failed read covers nothing
}

bool CoversOrg(const Call& c, std::string_view org_id) {
  auto region = c.node.identity->OrgRegion(org_id);
  return region.ok() && *region && c.user != nullptr && c.user->Covers(**region);
}

namespace {

using Clock = std::chrono::steady_clock;

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The deepest nesting of arrays and objects in JSON text, counted on the bytes (brackets
// outside strings) before anything is parsed, so that no parser, destructor, dump or walk ever
// recurses deeper than the limit. Stops counting past `limit`.
size_t JsonDepth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char ch : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) break;
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Checks every string and array of a request body against the limits; names the first
// offending key path. Iterative (an explicit stack), though the depth is already bounded.
Status CheckLimits(const json& root, const ServerOptions& o) {
  std::vector<std::pair<const json*, std::string>> todo{{&root, ""}};
  while (!todo.empty()) {
    auto [j, path] = std::move(todo.back());
    todo.pop_back();
    if (j->is_string()) {
      if (j->get_ref<const std::string&>().size() > o.max_string_bytes) {
        return ResourceExhausted(path + ": string longer than " + std::to_string(o.max_string_bytes) + " bytes");
      }
    } else if (j->is_array()) {
      if (j->size() > o.max_array_items) {
        return ResourceExhausted(path + ": more than " + std::to_string(o.max_array_items) + " items");
      }
      for (size_t i = j->size(); i-- > 0;) todo.emplace_back(&(*j)[i], path + "[" + std::to_string(i) + "]");
    } else if (j->is_object()) {
      for (const auto& [k, v] : j->items()) {
        if (k.size() > o.max_string_bytes) return ResourceExhausted(path + ": key too long");
        todo.emplace_back(&v, path.empty() ? k : path + "." + k);
      }
    }
  }
  return OkStatus();
}

// A header's or parameter's unsigned decimal number: digits only, nothing before or after.
bool ParseSequence(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && text[0] != '+';
}

// Replies kept for Idempotency-Key retries while the server runs (the newest ones).
constexpr size_t kSavedReplies = 100000;
// A signed request's timestamp may be this far from the server's clock; its signature is
// remembered that long, so it is used once.
constexpr int64_t kSignedRequestWindowSeconds = 300;

// Latency buckets of the request histogram, seconds.
constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,  0.1,    0.5,   2.5};

struct Metrics {
  std::mutex mu;
  std::map<std::string, uint64_t> requests;  // "route|status"
  std::map<std::string, std::array<uint64_t, kBuckets.size() + 1>> latency;  // per route
  std::map<std::string, double> latency_sum;
  uint64_t auth_failures = 0;
  uint64_t rate_limited = 0;
  uint64_t events_appended = 0;
  uint64_t idempotent_replays = 0;
  Clock::time_point started = Clock::now();
};

// A write with an Idempotency-Key that is being answered: a retry with the same key waits
// for it, then is answered as it was.
struct InFlight {
  std::string digest;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  void Finish() {
    {
      std::lock_guard lock(mu);
      done = true;
    }
    cv.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
  }
};

// The saved reply of a write with an Idempotency-Key, while the server runs.
struct SavedReply {
  std::string digest;  // of method, path and body
  Reply reply;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Node node;
  std::shared_mutex state_mu;  // writes exclusive, reads shared
  std::unique_ptr<httplib::Server> http;
  std::vector<Route> routes;
  Metrics metrics;
  std::mutex limit_mu;
  // "address A" or "user U" / "token T" -> (minute, failed authentications in it)
  std::map<std::string, std::pair<int64_t, int>> failures;
  std::set<std::string> trusted_proxies;  // normalised addresses
  std::mutex saved_mu;
  std::map<std::string, SavedReply> saved;  // user + "\n" + key
  std::deque<std::string> saved_order;      // oldest first: at most kSavedReplies are kept
  std::map<std::string, std::shared_ptr<InFlight>> in_flight;  // user + "\n" + key, being answered
  // Signatures of signed requests seen within the clock window: a request is signed once and
  // used once (Ed25519 signatures are deterministic, so a replay carries the same bytes).
  std::mutex signatures_mu;
  std::set<std::string> signatures_seen;
  std::multimap<int64_t, std::string> signatures_by_time;  // timestamp -> signature, to forget them
  // Event streams open (each holds a worker thread), in all and per user.
  std::mutex streams_mu;
  unsigned streams_open = 0;
  std::map<std::string, unsigned> streams_per_user;
  FrontServer* front = nullptr;  // `http`, when it is the plain-HTTP front (not TLS)
  std::atomic<bool> stopping{false};
  std::atomic<bool> serving{false};  // inside Serve()
  // Last, so it is stopped first (before the ledger it drives goes).
  std::unique_ptr<CheckpointTimer> checkpoint_timer;
  // Whether the log answers (for /healthz and /metrics); stops the server to reopen a failed
  // log once it answers again (ledger/log_watch.h). Set then, Serve returns exit_status.
  std::unique_ptr<LogWatch> log_watch;
  // A read replica (options.replica, api/http/replica.h): its view of the writer's topic
  // (owned by node.ledger) and the follower that catches the node up with it; no group
  // commit, checkpoint timer or log watch then.
  FollowerStorage* follower_log = nullptr;
  std::unique_ptr<ReplicaFollower> follower;
  // Entries a reply may reflect, and entries durable: the group commit's, or a replica's
  // applied position (everything it shows is committed in the topic already).
  uint64_t StagedSize() const { return group != nullptr ? group->staged_size() : node.ledger->size(); }
  uint64_t DurableSize() const { return group != nullptr ? group->durable_size() : node.ledger->size(); }
  std::mutex exit_mu;
  Status exit_status;
  void StopServing();
  // The ledger's storage (owned by node.ledger): writes are staged there and made durable
  // together; no reply is sent before what it reflects is durable.
  GroupCommitStorage* group = nullptr;
  int listen_fd = -1;  // the listening socket, once bound

  Status Open();
  void Install();
  void Dispatch(size_t index, const httplib::Request& req, httplib::Response& res);
  // `first_use`: a new request (its signature's clock window and single use are checked);
  // false when the event stream checks the credential again on each round.
  // `credential` is set to what failures are counted against besides the address ("user U",
  // "token T"), when the request names one. state_mu held (shared is enough).
  // The user is a copy of the identity projection's state, read in one transaction.
  StatusOr<std::shared_ptr<const identity::UserInfo>> Authenticate(const httplib::Request& req, bool first_use = true,
                                                                   std::string* credential = nullptr);
  // What can be checked before the body is read: a bearer token entirely, a signed request's
  // header, user and clock window (its signature covers the body). state_mu held.
  // From the head alone, before the body is read. A signed request with a body over
  // max_body_bytes (an import) must announce the body's SHA-256 in `X-Content-SHA256`, so its
  // signature is checked here: nobody without a key makes the node read a large body.
  Status AuthenticateHead(const httplib::Request& req, uint64_t length, std::string* credential);
  // A signed request's user (enabled, with a registered key) whose key verifies `a` over the
  // request with the body's SHA-256 as `body_sha256_hex`: the one check both the head
  // (announced digest) and the whole request (the body's own) make. `what` names the digest
  // in the refusal.
  StatusOr<std::shared_ptr<const identity::UserInfo>> VerifySigned(const httplib::Request& req,
                                                                   const SignedAuthorization& a,
                                                                   std::string_view body_sha256_hex,
                                                                   std::string_view what);
  // Counts a failed authentication against the client's address and the credential, writes
  // the audit line, and gives the reply: the same 401 for every reason (the reason is only in
  // the audit file), 429 once the address or the credential is past the minute's limit.
  Reply RefuseAuthentication(const httplib::Request& req, const std::string& credential, const std::string& why);
  // The client's address: X-Real-IP when the TCP peer is a trusted proxy, else the peer.
  std::string ClientAddress(const httplib::Request& req) const;
  void Observe(const std::string& route, int status, double seconds);
  std::string MetricsText();
  void ServeEvents(const httplib::Request& req, httplib::Response& res, const identity::UserInfo* user,
                   const std::vector<Role>& roles);
  // The event stream carries every org unit's events, internal ones included: for a holder of
  // one of the route's `roles` whose jurisdiction covers every org unit. state_mu held.
  bool MayStream(const identity::UserInfo* user, const std::vector<Role>& roles) const {
    return user != nullptr && CoversAll(*node.identity, user) &&
           std::any_of(roles.begin(), roles.end(), [&](Role r) { return user->Has(r); });
  }
};

Status Server::Impl::Open() {
  NodePaths paths{options.data};
  node.replica = options.replica;
  node.credentials = std::make_unique<CredentialStore>(options.data);
  node.sessions = std::make_unique<Sessions>(options.session_seconds);
  if (options.replica) {
    SUIJI_ASSIGN_OR_RETURN(node.ledger, OpenReplicaLedger(paths, &follower_log));
  } else {
    SUIJI_ASSIGN_OR_RETURN(
        node.ledger,
        OpenWriter(paths, {}, [&](std::unique_ptr<LogStorage> s) -> StatusOr<std::unique_ptr<LogStorage>> {
          SUIJI_ASSIGN_OR_RETURN(auto g, GroupCommitStorage::Wrap(std::move(s)));
          group = g.get();
          return std::unique_ptr<LogStorage>(std::move(g));
        }, NodeKeyRule::kReportOnly));
    // A node key out of force still serves reads; it is said here and in /healthz, and
    // writes answer 503 (never a client's 403).
    if (Status k = node.ledger->NodeKeyStatus(); !k.ok()) std::cerr << "suiji serve: " << k.message() << "\n";
  }
  // The projection folds staged entries before they are durable; it syncs only when the
  // server closes it, and rebuilds itself if a crash left it ahead of the log.
  SUIJI_ASSIGN_OR_RETURN(node.projection, DirectoryProjection::Open(paths.dir, ProjectionSync::kDeferred));
  Ledger& l = *node.ledger;
  node.dirs = std::make_unique<DirectoryService>(l, *node.projection, l.storage());
  // Plans, tasks and draws decide against the draws folder of the same projections, and
  // inspections against its inspections folder (no fold of the log).
  node.draws = std::make_unique<DrawService>(l, node.projection->projection(), l.storage(), paths.dir);
  node.inspections = std::make_unique<InspectionService>(l, node.projection->projection(), l.storage());
  // Decides and authenticates against the identity folder of the same projections (caught up
  // with the directory's: no fold of the log at start).
  node.identity = std::make_unique<IdentityService>(l, node.projection->projection(), l.storage());
  SUIJI_RETURN_IF_ERROR(node.SyncAll());
  SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(paths.dir / "audit"));
  routes = ApiRoutes();
  if (options.replica) {
    // Catches the tree, the projections and the folds up to one position at a time, under
    // the exclusive lock (reads see one position), at most kReplicaStep entries a step.
    constexpr uint64_t kReplicaStep = 5000;
    follower = std::make_unique<ReplicaFollower>(
        *follower_log, std::chrono::milliseconds(options.replica_poll_ms), kReplicaStep,
        [this](uint64_t position) {
          std::unique_lock lock(state_mu);
          follower_log->AdvanceTo(position);
          SUIJI_RETURN_IF_ERROR(node.ledger->CatchUp().status());
          return node.SyncAll();
        },
        // Checkpoints change no read model: the ledger's own lock is enough.
        [this] { return node.ledger->CatchUp().status(); });
    return OkStatus();
  }
  // A quiet node still gets its tip covered within checkpoint_every_seconds (the ledger's
  // policy; writes also check it).
  checkpoint_timer = std::make_unique<CheckpointTimer>(l, std::chrono::seconds(1));
  log_watch = std::make_unique<LogWatch>(*group, std::chrono::seconds(1), [this](const Status& failed) {
    const Status why = Unavailable(
        "the log failed while it was unreachable and answers again: the server stops so that it "
        "starts again on its durable log (run it under a supervisor that restarts it, e.g. systemd's "
        "Restart=on-failure); the failure was: " + failed.message());
    std::fprintf(stderr, "suiji serve: %s\n", why.message().c_str());
    {
      std::lock_guard lock(exit_mu);
      exit_status = why;
    }
    StopServing();
  });
  return OkStatus();
}

std::string Server::Impl::ClientAddress(const httplib::Request& req) const {
  std::string peer = NormaliseAddress(req.remote_addr);
  if (peer.empty()) peer = req.remote_addr;
  if (!trusted_proxies.empty() && trusted_proxies.count(peer) > 0) {
    const std::string real = NormaliseAddress(req.get_header_value("X-Real-IP"));
    if (!real.empty()) return real;
  }
  return peer;
}

Reply Server::Impl::RefuseAuthentication(const httplib::Request& req, const std::string& credential,
                                         const std::string& why) {
  const std::string address = ClientAddress(req);
  bool limited = false;
  {
    std::lock_guard lock(limit_mu);
    const int64_t minute = UnixSeconds() / 60;
    if (failures.size() > 100000) {  // forget earlier minutes' counters
      std::erase_if(failures, [&](const auto& f) { return f.second.first != minute; });
    }
    for (const std::string& key : {"address " + address, credential}) {
      if (key.empty()) continue;
      auto& [m, count] = failures[key];
      if (m != minute) { m = minute; count = 0; }
      limited = ++count > options.auth_failures_per_minute || limited;
    }
  }
  {
    std::lock_guard lock(metrics.mu);
    ++metrics.auth_failures;
    if (limited) ++metrics.rate_limited;
  }
  // The audit trail of failed authentications: one JSON line each, never the credential.
  json line{{"time", UnixSeconds()}, {"address", address}, {"method", req.method}, {"path", req.path},
            {"reason", why}};
  if (!credential.empty()) line["credential"] = credential;
  if (address != req.remote_addr) line["peer"] = req.remote_addr;
  (void)AppendPrivateFile(std::filesystem::path(options.data) / "audit" / "auth-failures.jsonl",
                          line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  if (limited) {
    return Error(429, "too_many_failures", "too many failed authentications; wait a minute");
  }
  return Error(401, "unauthenticated", "authentication failed");
}

StatusOr<std::shared_ptr<const identity::UserInfo>> Server::Impl::VerifySigned(const httplib::Request& req,
                                                                                 const SignedAuthorization& a,
                                                                                 std::string_view body_sha256_hex,
                                                                                 std::string_view what) {
  SUIJI_ASSIGN_OR_RETURN(std::optional<identity::UserInfo> found, node.identity->User(a.user_id));
  if (!found || found->disabled || found->user.public_key.size() != 32) {
    return PermissionDenied("no enabled user " + a.user_id + " with a registered key");
  }
  std::string target = req.path;
  if (!req.params.empty()) {
    if (auto q = req.target.find('?'); q != std::string::npos) target += req.target.substr(q);
  }
  const std::string msg = SignedRequestMessageForDigest(req.method, target, a.timestamp_text, body_sha256_hex);
  auto u = std::make_shared<const identity::UserInfo>(std::move(*found));
  PublicKey pk{};
  std::copy(u->user.public_key.begin(), u->user.public_key.end(), pk.begin());
  if (!VerifySignature(pk, AsBytes(msg), a.signature)) {
    return PermissionDenied("request signature" + std::string(what) + " does not verify");
  }
  return u;
}

Status Server::Impl::AuthenticateHead(const httplib::Request& req, uint64_t length, std::string* credential) {
  const std::string auth = req.get_header_value("Authorization");
  if (!auth.starts_with(kSignedScheme)) return Authenticate(req, true, credential).status();
  SUIJI_ASSIGN_OR_RETURN(SignedAuthorization a, ParseSignedAuthorization(auth));
  *credential = "user " + a.user_id;
  if (std::llabs(UnixSeconds() - a.timestamp) > kSignedRequestWindowSeconds) {
    return PermissionDenied("timestamp outside 300 s of the server's clock");
  }
  // A small body: the user and the signature are checked once it is read (Authenticate), so
  // an unknown user and a bad signature are refused alike (same reply, same connection
  // handling: no oracle of which users exist).
  if (length <= options.max_body_bytes) return OkStatus();
  // A large body: the signature is checked over the announced digest now (not yet marked
  // used: Authenticate does that once the body is read and matches the digest).
  const std::string digest = req.get_header_value("X-Content-SHA256");
  if (!IsSha256Hex(digest)) {
    return PermissionDenied("a signed body over max_body_bytes without X-Content-SHA256 (64 lower-case hex)");
  }
  SUIJI_RETURN_IF_ERROR(VerifySigned(req, a, digest, " over the announced X-Content-SHA256").status());
  {
    // A replay is refused before its body is read (Authenticate marks the signature used).
    std::lock_guard lock(signatures_mu);
    if (signatures_seen.contains(a.signature_text)) {
      return PermissionDenied("this signed request was already used (a replay); sign each request anew");
    }
  }
  return OkStatus();
}

StatusOr<std::shared_ptr<const identity::UserInfo>> Server::Impl::Authenticate(const httplib::Request& req,
                                                                               bool first_use,
                                                                               std::string* credential) {
  std::string ignored;
  if (credential == nullptr) credential = &ignored;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.starts_with("Bearer ")) {
    const std::string token = auth.substr(7);
    std::string token_id;
    auto u = node.identity->Authenticate(token, &token_id);
    if (!token_id.empty()) *credential = "token " + token_id;
    return u;
  }
  if (auth.starts_with(kSignedScheme)) {
    SUIJI_ASSIGN_OR_RETURN(SignedAuthorization a, ParseSignedAuthorization(auth));
    *credential = "user " + a.user_id;
    const int64_t now = UnixSeconds();
    if (first_use && std::llabs(now - a.timestamp) > kSignedRequestWindowSeconds) {
      return PermissionDenied("timestamp outside 300 s of the server's clock");
    }
    SUIJI_ASSIGN_OR_RETURN(auto u, VerifySigned(req, a, ToHex(Sha256(AsBytes(req.body))), ""));
    if (first_use) {
      std::lock_guard lock(signatures_mu);
      // Forget the signatures whose timestamps have left the window (they are refused on
      // their timestamp from now on).
      while (!signatures_by_time.empty() && signatures_by_time.begin()->first < now - kSignedRequestWindowSeconds) {
        signatures_seen.erase(signatures_by_time.begin()->second);
        signatures_by_time.erase(signatures_by_time.begin());
      }
      if (!signatures_seen.insert(a.signature_text).second) {
        return PermissionDenied("this signed request was already used (a replay); sign each request anew");
      }
      signatures_by_time.emplace(a.timestamp, a.signature_text);
    }
    return u;
  }
  // A staff console session (routes_session.cc), only without an Authorization header.
  if (auth.empty() && !SessionCookieOf(req).empty()) {
    *credential = "session";
    return AuthenticateSession(req, node);
  }
  return PermissionDenied(auth.empty() ? "no Authorization header" : "unsupported Authorization scheme");
}

void Server::Impl::Observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(metrics.mu);
  ++metrics.requests[route + "|" + std::to_string(status)];
  auto& h = metrics.latency[route];
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  ++h[b];
  metrics.latency_sum[route] += seconds;
}

void Server::Impl::Dispatch(size_t index, const httplib::Request& req, httplib::Response& res) {
  const Route& route = routes[index];
  const auto start = Clock::now();
  if (options.replica) {
    res.set_header("X-Suiji-Role", "replica");
    if (route.write || route.exclusive) {  // refused on its head already (the pre-routing handler)
      auto [status, body] = ReplicaWriteRefusal(req.method, req.path);
      res.status = status;
      res.set_content(body.dump(), "application/json; charset=utf-8");
      Observe(route.method + " " + route.path, status, 0);
      return;
    }
  }
  std::shared_ptr<const identity::UserInfo> stream_user;
  // The log size this reply may reflect: it is sent only once that much is durable.
  uint64_t visible = 0;
  std::string saved_key;  // set once past the idempotency checks: the reply is the key's
  std::string digest;
  std::function<Reply()> unlocked_work;
  std::shared_ptr<InFlight> waiting_for;  // the same key's first request, still being answered
  std::shared_ptr<InFlight> mine;         // this request's key, while it is answered
  std::string mine_key;
  auto decide = [&]() -> Reply {
    std::shared_ptr<const identity::UserInfo> user;  // the request's user, held while it is answered
    std::shared_lock read_lock(state_mu, std::defer_lock);
    std::unique_lock write_lock(state_mu, std::defer_lock);
    if (route.write || route.exclusive) {
      write_lock.lock();
    } else if (!route.lock_free || !route.is_public) {
      read_lock.lock();
    }
    visible = StagedSize();
    if (!route.is_public) {
      // A valid credential is always accepted; failures are counted per address and per
      // credential (RefuseAuthentication), so bad attempts never lock a good one out.
      std::string credential;
      auto u = Authenticate(req, true, &credential);
      if (!u.ok()) return RefuseAuthentication(req, credential, u.status().message());
      user = *u;
      if (std::optional<Reply> csrf = CsrfRefusal(req, node)) return *csrf;
      if (!route.roles.empty() &&
          std::none_of(route.roles.begin(), route.roles.end(), [&](Role r) { return user->Has(r); })) {
        json need = json::array();
        for (Role r : route.roles) need.push_back(identity::RoleName(r));
        return Error(403, "forbidden", "your roles do not allow " + route.method + " " + route.path,
                     json{{"allowed_roles", need}});
      }
    }
    if (route.stream) {  // served below, outside the locks
      stream_user = user;
      return Reply{0, "", ""};
    }
    Call call{req, node, user.get(), {}, json(), {}, options};
    for (size_t i = 1; i < req.matches.size(); ++i) call.params.push_back(req.matches[i].str());
    for (const auto& p : call.params) {
      if (InvalidUtf8At(p) != std::string_view::npos || p.size() > 256) {
        return Error(400, "bad_path", "a path segment is not valid UTF-8 or too long");
      }
    }
    // Query parameters are inputs too (a DELETE's reason, a list's filters).
    for (const auto& [name, value] : req.params) {
      const bool name_ok = InvalidUtf8At(name) == std::string_view::npos;
      if (!name_ok || InvalidUtf8At(value) != std::string_view::npos) {
        return Error(400, "bad_utf8", "query parameter " + (name_ok ? name : "?") + " is not valid UTF-8");
      }
      if (value.size() > options.max_string_bytes) {
        return Error(413, "too_large", "query parameter " + name + " is longer than " +
                                           std::to_string(options.max_string_bytes) + " bytes");
      }
    }
    if (user != nullptr) call.actor = Actor{user->user.org_id, user->user.user_id, ""};
    if (!route.raw_body && req.body.size() > options.max_body_bytes) {
      return Error(413, "too_large",
                   "the body is larger than " + std::to_string(options.max_body_bytes) + " bytes");
    }
    if (route.write && !route.raw_body) {
      if (size_t at = InvalidUtf8At(req.body); at != std::string_view::npos) {
        return Error(400, "bad_utf8", "the body is not valid UTF-8 (byte " + std::to_string(at) + ")",
                     json{{"offset", at}});
      }
      if (!req.body.empty()) {
        if (JsonDepth(req.body, options.max_json_depth) > options.max_json_depth) {
          return Error(400, "too_deep", "the body nests arrays and objects deeper than " +
                                            std::to_string(options.max_json_depth) + " levels");
        }
        try {
          call.body = json::parse(req.body);
        } catch (const json::parse_error& e) {
          return Error(400, "bad_json", std::string("the body is not JSON: ") + e.what());
        } catch (const json::out_of_range& e) {
          // A number no double holds, e.g. 1e400: the library's message quotes it.
          const std::string what = e.what();
          const auto open = what.find('\''), close = what.rfind('\'');
          const std::string number =
              open != std::string::npos && close > open ? what.substr(open + 1, close - open - 1) : "";
          return Error(400, "bad_number", "the body has a number out of range: " + number,
                       json{{"number", number}});
        } catch (const json::exception&) {
          return Error(400, "bad_json", "the body is not JSON this server reads");
        }
        if (Status s = CheckLimits(call.body, options); !s.ok()) {
          return Error(413, "too_large", s.message());
        }
      }
    }
    if (route.write) {
      const std::string key = req.get_header_value("Idempotency-Key");
      const std::string user_key = key.empty() ? "" : user->user.user_id + "\n" + key;
      if (!key.empty()) {
        if (key.size() > 128 || InvalidUtf8At(key) != std::string_view::npos ||
            std::any_of(key.begin(), key.end(), [](char ch) { return ch < 0x21 || ch > 0x7e; })) {
          return Error(400, "bad_idempotency_key", "Idempotency-Key: 1-128 printable ASCII characters");
        }
        // The query is part of the request (an import's dry_run, a DELETE's reason).
        digest = ToHex(Sha256(AsBytes(req.method + "\n" + req.target + "\n" + req.body)));
        {
          std::lock_guard lock(saved_mu);
          if (auto it = saved.find(user_key); it != saved.end()) {
            if (it->second.digest != digest) {
              return Error(422, "idempotency_key_reused",
                           "this Idempotency-Key was used for a different request");
            }
            std::lock_guard ml(metrics.mu);
            ++metrics.idempotent_replays;
            return it->second.reply;
          }
          if (auto it = in_flight.find(user_key); it != in_flight.end()) {
            if (it->second->digest != digest) {
              return Error(422, "idempotency_key_reused",
                           "this Idempotency-Key was used for a different request");
            }
            waiting_for = it->second;  // waited for outside the state lock, below
            return Reply{};
          }
        }
        // Made before this process started: the log remembers the key (Actor.request).
        auto made = node.identity->Request(user->user.user_id, key);
        if (!made.ok()) return FromStatus(made.status());
        if (const std::optional<identity::RequestInfo>& r = *made) {
          if (!r->digest.empty() && r->digest != digest) {
            return Error(422, "idempotency_key_reused",
                         "this Idempotency-Key was used for a different request");
          }
          std::lock_guard ml(metrics.mu);
          ++metrics.idempotent_replays;
          return Json(json{{"idempotent_replay", true}, {"sequence", r->first}, {"events", r->count},
                           {"type", std::string(EventTypeName(r->type))}});
        }
        call.actor.request = key + "\t" + digest;  // the log remembers both (RequestInfo)
        mine = std::make_shared<InFlight>();
        mine->digest = digest;
        mine_key = user_key;
        std::lock_guard lock(saved_mu);
        in_flight.emplace(user_key, mine);
      }
      const std::string expected = req.get_header_value("X-Expected-Sequence");
      if (!expected.empty()) {
        uint64_t want = 0;
        if (!ParseSequence(expected, &want)) {
          return Error(400, "bad_expected_sequence", "X-Expected-Sequence must be a number (decimal digits only)");
        }
        if (want != node.ledger->size()) {
          return Error(409, "stale_sequence",
                       "the log's next sequence is " + std::to_string(node.ledger->size()) +
                           ", not " + expected,
                       json{{"next_sequence", node.ledger->size()}});
        }
      }
      // The reply from here on is the key's: a refusal or a replay above is never saved (a
      // retry with the same key, after a stale sequence, is tried again).
      saved_key = user_key;
    }
    const uint64_t before = route.write ? node.ledger->size() : 0;
    Reply r;
    try {
      r = route.handler(call);
    } catch (const std::exception& e) {
      r = Error(500, "internal", e.what());
    }
    // Without the state lock a write may have staged (and folded) entries meanwhile: the
    // snapshot the handler took reflects no more than what is staged now.
    if (!read_lock.owns_lock() && !write_lock.owns_lock()) visible = StagedSize();
    unlocked_work = std::move(call.after_unlock);
    if (route.write) {
      if (Status s = node.SyncAll(); !s.ok()) r = FromStatus(s);
      const uint64_t after = node.ledger->size();
      visible = after;
      {
        std::lock_guard lock(metrics.mu);
        metrics.events_appended += after - before;
      }
    }
    return r;
  };
  // Whatever happens below, a retry waiting for this request's key is released.
  struct Release {
    Impl* impl;
    std::shared_ptr<InFlight>* mine;
    std::string* key;
    ~Release() {
      if (!*mine) return;
      {
        std::lock_guard lock(impl->saved_mu);
        impl->in_flight.erase(*key);
      }
      (*mine)->Finish();
    }
  } release{this, &mine, &mine_key};
  Reply reply;
  for (;;) {
    reply = decide();
    if (!waiting_for) break;
    // A retry of a write still being answered: once the first is answered this one is
    // decided again, and gets the first's saved reply (or, if the first left none, e.g. it
    // was refused on a stale sequence, is tried itself).
    waiting_for->Wait();
    waiting_for.reset();
  }
  if (unlocked_work) {
    try {
      reply = unlocked_work();
    } catch (const std::exception& e) {
      reply = Error(500, "internal", e.what());
    }
    visible = StagedSize();  // whatever it read is below this
  }
  // Group commit: the state lock is released, so other writers stage their events while
  // this request waits for (or writes) the durable batch that holds its own.
  if (Status durable = group != nullptr ? group->WaitDurable(visible) : OkStatus(); !durable.ok()) {
    reply = FromStatus(durable);
    saved_key.clear();
  }
  if (!saved_key.empty() && reply.status < 500) {
    std::lock_guard lock(saved_mu);
    if (saved.insert_or_assign(saved_key, SavedReply{digest, reply}).second) saved_order.push_back(saved_key);
    in_flight.erase(saved_key);  // with the saved reply in place, in one step
    // Past the bound, the oldest keys' replies go; the log still remembers those keys
    // (Actor.request), and a retry is answered with the events they made.
    while (saved_order.size() > kSavedReplies) {
      saved.erase(saved_order.front());
      saved_order.pop_front();
    }
  }
  if (route.stream && reply.status == 0) {
    ServeEvents(req, res, stream_user.get(), route.roles);
    Observe(route.path, 200, 0);
    return;
  }
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (reply.stream) {
    // Written once from the handler's snapshot into an unnamed file at the server's pace
    // (api/http/spool.h), the snapshot then released before a byte is sent: a slow client
    // never holds it. Sent from the file (Content-Length, byte ranges) at the client's pace.
    auto spool = Spool::Write(options.data, reply.stream);
    reply.stream = nullptr;  // the snapshot goes now
    if (!spool.ok()) {
      const Reply failed = spool.status().code() == StatusCode::kInternal
                               ? Error(500, "internal", "the reply could not be produced")
                               : FromStatus(spool.status());
      res.status = failed.status;
      res.headers.erase("ETag");
      res.headers.erase("Cache-Control");
      res.set_content(failed.body, failed.type.c_str());
      Observe(route.method + " " + route.path, failed.status, 0);
      return;
    }
    const uint64_t total = (*spool)->size();
    if (res.status == 200 && req.ranges.size() == 1) {
      const auto [first, last] = req.ranges[0];
      if (first == -1 ? last <= 0 : static_cast<uint64_t>(first) >= total) {
        res.status = 416;
        res.set_header("Content-Range", "bytes */" + std::to_string(total));
        res.set_content(R"({"code":"range_not_satisfiable","message":"the range is outside the reply","details":{}})",
                        "application/json; charset=utf-8");
        return;
      }
      res.status = 206;
    }
    res.set_content_provider(total, reply.type, [file = *spool](size_t offset, size_t length, httplib::DataSink& sink) {
      std::string buf(std::min<size_t>(length, 64 * 1024), '\0');
      const size_t got = file->ReadAt(offset, buf.data(), buf.size());
      return got > 0 && sink.write(buf.data(), got);
    });
  } else if (reply.shared_body) {
    std::shared_ptr<const std::string> body = reply.shared_body;
    res.set_content_provider(body->size(), reply.type, [body](size_t offset, size_t length, httplib::DataSink& sink) {
      return sink.write(body->data() + offset, std::min<size_t>(length, 64 * 1024));
    });
  } else {
    res.set_content(reply.body, reply.type.c_str());
  }
  Observe(route.method + " " + route.path, reply.status,
          std::chrono::duration<double>(Clock::now() - start).count());
}

std::string Server::Impl::MetricsText() {
  std::ostringstream m;
  m << "# HELP suiji_log_reachable 1 if the log storage answered the last probe (every second), 0 if not.\n"
    << "# TYPE suiji_log_reachable gauge\nsuiji_log_reachable "
    << ((follower ? follower->state().poll.ok() : log_watch->reachable()) ? 1 : 0) << "\n";
  if (follower) {
    const ReplicaFollower::State f = follower->state();
    m << "# HELP suiji_replica_applied_entries Entries of the writer's topic this replica's read models hold.\n"
      << "# TYPE suiji_replica_applied_entries gauge\nsuiji_replica_applied_entries " << f.applied << "\n"
      << "# HELP suiji_replica_lag_entries Entries in the topic (at the last poll) not yet applied by this replica.\n"
      << "# TYPE suiji_replica_lag_entries gauge\nsuiji_replica_lag_entries "
      << f.topic_size - std::min(f.topic_size, f.applied) << "\n";
  }
  uint64_t size = 0, folded = 0;
  {
    std::shared_lock lock(state_mu);
    size = node.ledger->size();
    // What readers are served from: the projections (LMDB: every folder).
    folded = size;
    if (auto applied = node.projection->Applied(); applied.ok()) folded = std::min(folded, *applied);
  }
  const auto cp = node.ledger->LatestCheckpoint();
  m << "# HELP suiji_log_entries Entries in the log.\n# TYPE suiji_log_entries gauge\n"
    << "suiji_log_entries " << size << "\n";
  m << "# HELP suiji_projection_lag_entries Entries not yet folded into the projections (every folder).\n"
    << "# TYPE suiji_projection_lag_entries gauge\nsuiji_projection_lag_entries " << size - std::min(size, folded)
    << "\n";
  m << "# HELP suiji_durable_lag_entries Entries staged (appended, folded) but not yet durable.\n"
    << "# TYPE suiji_durable_lag_entries gauge\nsuiji_durable_lag_entries "
    << StagedSize() - std::min(StagedSize(), DurableSize()) << "\n";
  if (auto readers = node.projection->projection()->OpenReaders(); readers.ok()) {
    m << "# HELP suiji_projection_readers Read transactions open on the projections (every process's); each "
         "pins its snapshot's pages.\n"
      << "# TYPE suiji_projection_readers gauge\nsuiji_projection_readers " << *readers << "\n";
  }
  uint64_t cp_size = 0;
  if (cp) {
    // The second line of a checkpoint note is the tree size.
    std::istringstream in(*cp);
    std::string origin, n;
    std::getline(in, origin);
    std::getline(in, n);
    try { cp_size = std::stoull(n); } catch (...) {}
  }
  // How long the oldest entry no checkpoint covers has waited, from its own signed time (so
  // the figure is the same after a restart); 0 when the latest checkpoint covers the tip.
  int64_t uncovered_since_us = 0;
  if (size > cp_size) {
    (void)node.ledger->storage().Read(cp_size, cp_size + 1, [&](uint64_t, ByteView bytes) {
      if (auto e = ParseEntry(bytes); e.ok()) uncovered_since_us = e->event->time_us();
      return false;
    });
  }
  const int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  m << "# HELP suiji_checkpoint_lag_entries Entries appended since the latest checkpoint.\n"
    << "# TYPE suiji_checkpoint_lag_entries gauge\nsuiji_checkpoint_lag_entries " << size - std::min(size, cp_size)
    << "\n";
  m << "# HELP suiji_checkpoint_age_seconds Seconds the oldest entry not covered by a checkpoint has waited "
       "(0: the latest checkpoint covers the log).\n"
    << "# TYPE suiji_checkpoint_age_seconds gauge\nsuiji_checkpoint_age_seconds "
    << (uncovered_since_us == 0 ? 0 : std::max<int64_t>(0, (now_us - uncovered_since_us) / 1000000)) << "\n";
  std::lock_guard lock(metrics.mu);
  const double up = std::chrono::duration<double>(Clock::now() - metrics.started).count();
  const GroupCommitStorage::Stats gc = group != nullptr ? group->stats() : GroupCommitStorage::Stats{};
  m << "# HELP suiji_log_durable_entries Entries in the log that are durable.\n"
    << "# TYPE suiji_log_durable_entries gauge\nsuiji_log_durable_entries " << DurableSize() << "\n";
  m << "# HELP suiji_group_commits_total Durable batches written for the requests' events.\n"
    << "# TYPE suiji_group_commits_total counter\nsuiji_group_commits_total " << gc.flushes << "\n";
  m << "# HELP suiji_group_commit_entries_total Events in those batches (divided by the batches: events per commit).\n"
    << "# TYPE suiji_group_commit_entries_total counter\nsuiji_group_commit_entries_total " << gc.entries_flushed
    << "\n";
  m << "# HELP suiji_events_appended_total Events appended by this server.\n"
    << "# TYPE suiji_events_appended_total counter\nsuiji_events_appended_total "
    << metrics.events_appended << "\n";
  m << "# HELP suiji_append_rate Events appended per second since the server started.\n"
    << "# TYPE suiji_append_rate gauge\nsuiji_append_rate "
    << (up > 0 ? static_cast<double>(metrics.events_appended) / up : 0.0) << "\n";
  m << "# HELP suiji_auth_failures_total Failed authentications.\n"
    << "# TYPE suiji_auth_failures_total counter\nsuiji_auth_failures_total " << metrics.auth_failures << "\n";
  m << "# HELP suiji_auth_rate_limited_total Requests refused with 429.\n"
    << "# TYPE suiji_auth_rate_limited_total counter\nsuiji_auth_rate_limited_total "
    << metrics.rate_limited << "\n";
  m << "# HELP suiji_idempotent_replays_total Writes answered from an earlier request with the same key.\n"
    << "# TYPE suiji_idempotent_replays_total counter\nsuiji_idempotent_replays_total "
    << metrics.idempotent_replays << "\n";
  const BundleCache::Counts bundles = node.bundles.counts();
  m << "# HELP suiji_public_bundle_builds_total Public proof bundles built (once per draw and checkpoint).\n"
    << "# TYPE suiji_public_bundle_builds_total counter\nsuiji_public_bundle_builds_total " << bundles.builds
    << "\n# HELP suiji_public_bundle_served_from_memory_total Bundle requests served a kept or shared build.\n"
    << "# TYPE suiji_public_bundle_served_from_memory_total counter\nsuiji_public_bundle_served_from_memory_total "
    << bundles.hits + bundles.shared << "\n";
  m << "# HELP suiji_http_requests_total Requests by route and status.\n"
    << "# TYPE suiji_http_requests_total counter\n";
  for (const auto& [k, v] : metrics.requests) {
    const auto bar = k.rfind('|');
    m << "suiji_http_requests_total{route=\"" << k.substr(0, bar) << "\",status=\"" << k.substr(bar + 1)
      << "\"} " << v << "\n";
  }
  m << "# HELP suiji_http_request_seconds Request latency by route.\n"
    << "# TYPE suiji_http_request_seconds histogram\n";
  for (const auto& [route, h] : metrics.latency) {
    uint64_t cum = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cum += h[b];
      m << "suiji_http_request_seconds_bucket{route=\"" << route << "\",le=\"" << kBuckets[b] << "\"} "
        << cum << "\n";
    }
    cum += h[kBuckets.size()];
    m << "suiji_http_request_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << cum << "\n"
      << "suiji_http_request_seconds_sum{route=\"" << route << "\"} " << metrics.latency_sum[route] << "\n"
      << "suiji_http_request_seconds_count{route=\"" << route << "\"} " << cum << "\n";
  }
  return m.str();
}


void Server::Impl::ServeEvents(const httplib::Request& req, httplib::Response& res,
                               const identity::UserInfo* user, const std::vector<Role>& roles) {
  {
    std::shared_lock lock(state_mu);
    if (!MayStream(user, roles)) {  // the roles were checked by Dispatch: the jurisdiction

      Reply r = Error(403, "outside_jurisdiction",
                      "the event stream carries every org unit's events: it is for users whose "
                      "jurisdiction covers the whole node");
      res.status = r.status;
      res.set_content(r.body, r.type.c_str());
      return;
    }
  }
  uint64_t from = 0;
  if (req.has_header("Last-Event-ID")) {
    if (ParseSequence(req.get_header_value("Last-Event-ID"), &from) && from < UINT64_MAX) {
      ++from;
    } else {
      Reply r = Error(400, "bad_last_event_id", "Last-Event-ID must be a sequence number");
      res.status = r.status;
      res.set_content(r.body, r.type.c_str());
      return;
    }
  } else if (req.has_param("from")) {
    if (!ParseSequence(req.get_param_value("from"), &from)) {
      Reply r = Error(400, "bad_from", "from must be a sequence number");
      res.status = r.status;
      res.set_content(r.body, r.type.c_str());
      return;
    }
  }
  // A stream holds a worker thread for as long as it runs: they are capped so that they can
  // never take every worker (in all, and per user). The slot is given back when the reply,
  // which holds it, is destroyed.
  struct StreamSlot {
    Impl* impl;
    std::string user_id;
    ~StreamSlot() {
      std::lock_guard lock(impl->streams_mu);
      --impl->streams_open;
      if (--impl->streams_per_user[user_id] == 0) impl->streams_per_user.erase(user_id);
    }
  };
  std::shared_ptr<StreamSlot> slot;
  {
    std::lock_guard lock(streams_mu);
    Reply refused;
    // At most a quarter of the workers, whatever max_streams says.
    const unsigned max_streams = std::min(options.max_streams, std::max(1u, options.threads / 4));
    if (streams_open >= max_streams) {
      refused = Error(503, "too_many_streams", "the server has " + std::to_string(max_streams) +
                                                   " event streams open; try again later");
    } else if (streams_per_user[user->user.user_id] >= options.max_streams_per_user) {
      refused = Error(429, "too_many_streams", "you have " + std::to_string(options.max_streams_per_user) +
                                                   " event streams open already");
    }
    if (refused.status != 200) {
      if (streams_per_user[user->user.user_id] == 0) streams_per_user.erase(user->user.user_id);
      res.status = refused.status;
      res.set_content(refused.body, refused.type.c_str());
      return;
    }
    ++streams_open;
    ++streams_per_user[user->user.user_id];
    slot.reset(new StreamSlot{this, user->user.user_id});  // in place: a temporary's destructor would give it back
  }
  auto next = std::make_shared<uint64_t>(from);
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, next, roles, slot, req_copy = req](size_t, httplib::DataSink& sink) -> bool {
        std::string out;
        {
          std::shared_lock lock(state_mu);
          // Revocation takes effect at once: the credential (a token not revoked or expired, a
          // signing user still enabled with the same key), the role and the jurisdiction are
          // checked again on every round.
          auto who = Authenticate(req_copy, /*first_use=*/false);
          if (!who.ok() || !MayStream(who->get(), roles)) return false;
          const LogStorage& log = node.ledger->storage();
          const uint64_t size = DurableSize();  // never an entry a crash could undo
          const uint64_t end = std::min<uint64_t>(size, *next + 500);
          if (*next < end) {
            Status inner = OkStatus();
            Status read = log.Read(*next, end, [&](uint64_t seq, ByteView bytes) {
              auto e = ParseEntry(bytes);
              if (!e.ok()) { inner = e.status(); return false; }
              json data = EventJson(seq, *e);
              data["key_id"] = std::string(e->key_id());
              data["entry"] = ToBase64(bytes);
              out += "id: " + std::to_string(seq) + "\nevent: " + std::string(EventTypeName(e->type())) +
                     "\ndata: " + data.dump() + "\n\n";
              return true;
            });
            if (!read.ok() || !inner.ok()) return false;
            *next = end;
          }
        }
        if (stopping) return false;
        if (out.empty()) {
          // A comment line keeps the connection open and lets a gone client be noticed.
          std::this_thread::sleep_for(std::chrono::milliseconds(options.sse_poll_ms));
          out = ": idle\n\n";
        }
        return sink.write(out.data(), out.size());
      });
}

void Server::Impl::Install() {
  if (!options.tls_cert.empty()) {
    // cpp-httplib's own connection handling (a thread per connection from its accept): the
    // head limits and the waiting room need the plain bytes, so run nginx in front for TLS.
    http = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    const unsigned threads = options.threads;
    http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  } else {
    FrontLimits limits;
    limits.workers = options.threads;
    limits.max_head_bytes = options.max_head_bytes;
    limits.head_timeout_ms = options.head_timeout_ms;
    limits.body_timeout_ms = options.body_timeout_ms;
    limits.max_connections = options.max_connections;
    limits.max_connections_per_address = options.max_connections_per_address;
    limits.uncapped_addresses = trusted_proxies;
    auto f = std::make_unique<FrontServer>(std::move(limits));
    front = f.get();
    http = std::move(f);
  }
  // cpp-httplib listens with a backlog of 5 (compiled into Debian's library): a burst of new
  // connections loses SYNs, which clients retry after a second. The listening socket is
  // noted here and its backlog raised once bound (Server::Bind).
  http->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  http->set_payload_max_length(std::max(options.max_body_bytes, options.max_import_bytes));
  // Checked on the head, before any body is read: only an import may send a large body, no
  // body is decompressed or chunked (each would escape the size limits), at most one range
  // is served, and a body is read only from a client whose credential holds up.
  http->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    auto refuse = [&](const Reply& r) {
      res.status = r.status;
      res.set_content(r.body, r.type.c_str());
      // The body, if any, is left unread: the connection cannot carry another request.
      res.set_header("Connection", "close");
      CloseConnectionAfterReply();
      return httplib::Server::HandlerResponse::Handled;
    };
    // A replica takes no write, authenticated or not: refused before any body is read.
    if (options.replica && req.method != "GET" && req.method != "HEAD") {
      auto [status, body] = ReplicaWriteRefusal(req.method, req.path);
      res.set_header("X-Suiji-Role", "replica");
      return refuse(Json(body, status));
    }
    if (req.ranges.size() > 1) {
      // cpp-httplib would still cut this reply into the ranges asked for (a part per range).
      // The request is its own non-const object, only handed to handlers as const.
      const_cast<httplib::Request&>(req).ranges.clear();
      return refuse(Error(416, "one_range_only", "at most one byte range is served per request"));
    }
    if (req.has_header("Transfer-Encoding")) {
      return refuse(Error(411, "length_required", "a request body needs Content-Length (no Transfer-Encoding)"));
    }
    if (const std::string enc = req.get_header_value("Content-Encoding"); !enc.empty() && enc != "identity") {
      return refuse(Error(415, "unsupported_encoding",
                          "request bodies are not decompressed: send it without Content-Encoding"));
    }
    const bool has_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    const std::string header = req.get_header_value("Content-Length");
    uint64_t length = 0;
    if (header.empty() && has_body) {
      return refuse(Error(411, "length_required", "a " + req.method + " request needs Content-Length"));
    }
    if (!header.empty() && !ParseSequence(header, &length)) {
      return refuse(Error(400, "bad_content_length", "Content-Length must be a number"));
    }
    const bool import = req.method == "POST" && req.path.rfind("/api/v1/imports/", 0) == 0;
    if (length > (import ? options.max_import_bytes : options.max_body_bytes)) {
      return refuse(Error(413, "too_large", "the body is larger than " +
                                                std::to_string(import ? options.max_import_bytes : options.max_body_bytes) +
                                                " bytes"));
    }
    // Every route that takes a body is authenticated (the public ones are GETs), but the
    // sign-in, whose body is the credential (at most max_body_bytes, checked above).
    if (length > 0 && req.method != "GET" && !(req.method == "POST" && req.path == "/api/v1/session")) {
      std::string credential;
      Status s;
      {
        std::shared_lock lock(state_mu);
        s = AuthenticateHead(req, length, &credential);
      }
      if (!s.ok()) return refuse(RefuseAuthentication(req, credential, s.message()));
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // A keep-alive connection serves many requests before it is closed: reconnecting is a new
  // SYN, and cpp-httplib listens with a backlog of 5 (a dropped SYN waits 1 s to be retried).
  http->set_keep_alive_max_count(100000);
  // Replies are written as headers then body: without TCP_NODELAY a small reply waits for the
  // client's delayed ACK (about 40 ms a request; found by ops/bench/http_bench.sh).
  http->set_tcp_nodelay(true);
  for (size_t i = 0; i < routes.size(); ++i) {
    const std::string re = std::regex_replace(routes[i].path, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
    auto h = [this, i](const httplib::Request& req, httplib::Response& res) { Dispatch(i, req, res); };
    const std::string& m = routes[i].method;
    if (m == "GET") http->Get(re, h);
    else if (m == "POST") http->Post(re, h);
    else if (m == "PUT") http->Put(re, h);
    else if (m == "DELETE") http->Delete(re, h);
  }
  MountConsole(*http, ConsoleDir(options.console_dir));  // the staff console (api/web/)
  MountVerifierWeb(*http, VerifierWebDir(options.verifier_web_dir));  // the browser verifier (verifier/web/)
  http->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    if (follower) {
      auto [status, body] = ReplicaHealth(follower->state(), node.ledger->ledger_id());
      res.status = status;
      res.set_header("X-Suiji-Role", "replica");
      res.set_content(body.dump(), "application/json");
      return;
    }
    // From the watch's last probe: the health check never waits on the brokers.
    const Status reach = log_watch->reachability();
    const char* log = reach.ok() ? "reachable" : "unreachable";
    if (Status failed = group->health(); !failed.ok()) {
      // The log could not be written: nothing more is acknowledged until a restart.
      res.status = 503;
      res.set_content(json{{"status", "failed"}, {"log", log}, {"message", failed.message()}}.dump(),
                      "application/json");
      return;
    }
    if (!reach.ok()) {
      res.status = 503;
      res.set_content(json{{"status", "unavailable"}, {"log", log}, {"message", reach.message()}}.dump(),
                      "application/json");
      return;
    }
    if (Status key = node.ledger->NodeKeyStatus(); !key.ok()) {
      res.status = 503;
      res.set_content(json{{"status", "key_not_in_force"}, {"log", log}, {"message", key.message()}}.dump(),
                      "application/json");
      return;
    }
    res.set_content(json{{"status", "ok"}, {"log", log}, {"ledger_id", node.ledger->ledger_id()},
                         {"log_size", group->durable_size()}}.dump(),
                    "application/json");
  });
  http->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(MetricsText(), "text/plain; version=0.0.4");
  });
  http->Get("/api/v1/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(OpenApi(routes).dump(2), "application/json");
  });
  http->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    Reply r;
    if (res.status == 413) {
      r = Error(413, "too_large", "the request body is over the limit");
    } else if (res.status == 404) {
      r = Error(404, "no_route", "no route " + req.method + " " + req.path + " (see /api/v1/openapi.json)");
    } else {
      r = Error(res.status, "http_error", "HTTP " + std::to_string(res.status));
    }
    res.set_content(r.body, r.type.c_str());
  });
  http->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try { if (ep) std::rethrow_exception(ep); } catch (const std::exception& e) { what = e.what(); } catch (...) {}
    Reply r = Error(500, "internal", what);
    res.status = 500;
    res.set_content(r.body, r.type.c_str());
  });
  if (options.log_requests) {
    http->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %s %d\n", ClientAddress(req).c_str(), req.method.c_str(), req.path.c_str(),
                   res.status);
    });
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() {
  Stop();
  // Every staged entry has a request waiting for it, but write what is left all the same.
  if (impl_ && impl_->group != nullptr) (void)impl_->group->WaitDurable(impl_->group->staged_size());
}

StatusOr<std::unique_ptr<Server>> Server::Open(const ServerOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return InvalidArgument("TLS needs both tls_cert and tls_key");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  for (const std::string& proxy : options.trusted_proxies) {
    const std::string a = NormaliseAddress(proxy);
    if (a.empty()) return InvalidArgument("trusted proxy \"" + proxy + "\" is not an IP address");
    impl->trusted_proxies.insert(a);
  }
  SUIJI_RETURN_IF_ERROR(impl->Open());
  impl->Install();
  if (!impl->http->is_valid()) return InvalidArgument("cannot load the TLS certificate or key");
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Bind() {
  if (impl_->options.port == 0) {
    impl_->options.port = impl_->http->bind_to_any_port(impl_->options.host);
    if (impl_->options.port <= 0) return Unavailable("cannot bind " + impl_->options.host);
  } else if (!impl_->http->bind_to_port(impl_->options.host, impl_->options.port)) {
    return Unavailable("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port));
  }
  // Listening again on a listening socket only changes its backlog (Linux).
  if (impl_->listen_fd >= 0 && ::listen(impl_->listen_fd, SOMAXCONN) != 0) {
    return Unavailable(std::string("cannot raise the listen backlog: ") + std::strerror(errno));
  }
  return OkStatus();
}

Status Server::Serve() {
  // `serving` first, then `stopping`: a Stop() racing with this either is seen here or sees
  // `serving` and waits for the loop to run (see Stop).
  impl_->serving = true;
  struct Done {
    Impl* impl;
    ~Done() { impl->serving = false; }
  } done{impl_.get()};
  if (impl_->stopping) {
    std::lock_guard lock(impl_->exit_mu);
    return impl_->exit_status;  // OK unless the log watch stopped it
  }
  const bool listened = impl_->http->listen_after_bind();
  // The accept loop has ended: the waiting connections and the workers go too.
  if (impl_->front != nullptr) impl_->front->Shutdown();
  {
    std::lock_guard lock(impl_->exit_mu);
    if (!impl_->exit_status.ok()) return impl_->exit_status;  // stopped by the log watch
  }
  if (!listened && !impl_->stopping) return Unavailable("the server stopped unexpectedly");
  return OkStatus();
}

int Server::port() const { return impl_->options.port; }

void Server::Stop() {
  if (impl_) impl_->StopServing();
}

Status Server::WithNode(const std::function<void(const NodeServices&)>& fn) {
  Impl& i = *impl_;
  uint64_t visible = 0;
  Status synced;
  {
    std::unique_lock lock(i.state_mu);
    const uint64_t before = i.node.ledger->size();
    fn(NodeServices{i.node.ledger.get(), i.node.dirs.get(), i.node.draws.get(), i.node.inspections.get(),
                    i.node.identity.get()});
    synced = i.node.SyncAll();
    visible = i.node.ledger->size();
    std::lock_guard ml(i.metrics.mu);
    i.metrics.events_appended += visible - before;
  }
  SUIJI_RETURN_IF_ERROR(synced);
  return i.group->WaitDurable(visible);
}

void Server::Impl::StopServing() {
  if (!http) return;
  stopping = true;
  // cpp-httplib's stop() does nothing before its accept loop runs (a stop right after the
  // start would be lost, and Serve would never return): wait for the loop, then stop it once.
  while (serving) {
    if (http->is_running()) {
      http->stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

StatusOr<ServerOptions> ReadServerConfig(const std::string& path, ServerOptions o) {
  std::ifstream f(path);
  if (!f) return NotFound("cannot read " + path);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t\r"));
      s.erase(s.find_last_not_of(" \t\r") + 1);
      return s;
    };
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    const std::string at = path + ":" + std::to_string(n) + ": ";
    if (eq == std::string::npos) return InvalidArgument(at + "expected key = value");
    const std::string k = trim(line.substr(0, eq)), v = trim(line.substr(eq + 1));
    try {
      if (k == "data") o.data = v;
      else if (k == "listen") {
        const auto colon = v.rfind(':');
        if (colon == std::string::npos) return InvalidArgument(at + "listen is HOST:PORT");
        o.host = v.substr(0, colon);
        o.port = std::stoi(v.substr(colon + 1));
      } else if (k == "max_body_bytes") o.max_body_bytes = std::stoull(v);
      else if (k == "max_import_bytes") o.max_import_bytes = std::stoull(v);
      else if (k == "max_string_bytes") o.max_string_bytes = std::stoull(v);
      else if (k == "auth_failures_per_minute") o.auth_failures_per_minute = std::stoi(v);
      else if (k == "session_seconds") o.session_seconds = std::stoll(v);
      else if (k == "console_dir") o.console_dir = v;
      else if (k == "verifier_web_dir") o.verifier_web_dir = v;
      else if (k == "max_json_depth") o.max_json_depth = std::stoull(v);
      else if (k == "trusted_proxy") o.trusted_proxies.push_back(v);
      else if (k == "max_head_bytes") o.max_head_bytes = std::stoull(v);
      else if (k == "head_timeout_ms") o.head_timeout_ms = std::stoi(v);
      else if (k == "body_timeout_ms") o.body_timeout_ms = std::stoi(v);
      else if (k == "max_connections") o.max_connections = static_cast<unsigned>(std::stoul(v));
      else if (k == "max_connections_per_address") o.max_connections_per_address = static_cast<unsigned>(std::stoul(v));
      else if (k == "max_streams") o.max_streams = static_cast<unsigned>(std::stoul(v));
      else if (k == "max_streams_per_user") o.max_streams_per_user = static_cast<unsigned>(std::stoul(v));
      else if (k == "tls_cert") o.tls_cert = v;
      else if (k == "tls_key") o.tls_key = v;
      else if (k == "threads") o.threads = static_cast<unsigned>(std::stoul(v));
      else if (k == "log_requests") o.log_requests = v == "true" || v == "1";
      else if (k == "replica") {
        if (v != "true" && v != "false" && v != "1" && v != "0") return InvalidArgument(at + "replica is true or false");
        o.replica = v == "true" || v == "1";
      } else if (k == "replica_poll_ms") o.replica_poll_ms = std::max(1, std::stoi(v));
      else return InvalidArgument(at + "unknown key \"" + k + "\"");
    } catch (const std::exception&) {
      return InvalidArgument(at + "bad value for " + k);
    }
  }
  return o;
}

}  // namespace suiji::http
