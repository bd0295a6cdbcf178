// The HTTP server against the attacks of issue 17 (items 1-4, 7, 9), each as a bounded
// request on loopback against a real in-process server: a deeply nested body, compressed
// and chunked bodies, huge heads, many ranges, an anonymous large upload, slow heads
// (slowloris), event streams, failed sign-ins from one address, telling users apart by the
// 401, numbers out of range, a malformed sequence header, concurrent retries of one key, and
// the client address behind a trusted proxy.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"
#include "ledger/core/ed25519.h"
#include "projections/directory_projection.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// A raw connection from a loopback address (`from`: 127.0.0.2 plays another client), for
// requests cpp-httplib's client will not send and for holding connections open.
class Raw {
 public:
  Raw(int port, const char* from = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &a.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &s.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&s), sizeof s) == 0;
  }
  ~Raw() { ::close(fd_); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view s) {
    while (!s.empty()) {
      const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // What arrives within `timeout_ms`: up to the end of the reply's head (and its
  // Content-Length body), or until the server closes.
  std::string Read(int timeout_ms, bool head_only = false) {
    std::string got;
    const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const size_t head = got.find("\r\n\r\n");
      if (head != std::string::npos) {
        if (head_only) return got;
        const size_t cl = got.find("Content-Length: ");
        if (cl != std::string::npos && cl < head) {
          const size_t want = head + 4 + std::stoull(got.substr(cl + 16));
          if (got.size() >= want) return got;
        }
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
      if (left <= 0) return got;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) return got;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return got;
      got.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int StatusOf(const std::string& reply) {
  return reply.starts_with("HTTP/1.1 ") && reply.size() >= 12 ? std::stoi(reply.substr(9, 3)) : 0;
}

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    key_.emplace(KeyPair::Generate());
    dir_ = testing_support::FreshTestDir("suiji-hardening");
    Actor setup{"320000", "setup"};
    auto init = InitNode(NodePaths{dir_}, "test.suiji/hardening", "hardening tests", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    auto projection = DirectoryProjection::Open(dir_);
    ASSERT_TRUE(projection.ok());
    DirectoryService dirs(ledger, **projection, ledger.storage());
    ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
    IdentityService ids(ledger, ledger.storage());
    ASSERT_TRUE(ids.Sync().ok());
    ASSERT_TRUE(ids.RegisterUser({"prov-admin", "省管理员", "320000", {"administrator", "supervisor"}, "", {}, ""},
                                 setup).ok());
    admin_ = ids.IssueToken("prov-admin", "", 0, setup)->token;
    ASSERT_TRUE(ids.RegisterUser({"prov-sup", "省监督员", "320000", {"supervisor"}, "", {}, ""}, setup).ok());
    supervisor_ = ids.IssueToken("prov-sup", "", 0, setup)->token;
    const PublicKey pk = key_->public_key();
    ASSERT_TRUE(ids.RegisterUser({"sys-1", "统计系统", "320000", {"supervisor"}, "", Bytes(pk.begin(), pk.end()), ""},
                                 setup).ok());
    init->ledger.reset();
    projection->reset();
  }

  void TearDown() override {
    Stop();
    std::filesystem::remove_all(dir_);
  }

  ServerOptions Options() {
    ServerOptions o;
    o.data = dir_.string();
    o.port = 0;
    o.max_body_bytes = 64 * 1024;
    o.sse_poll_ms = 20;
    return o;
  }
  // Options from a config file's lines, over Options().
  ServerOptions Config(const std::string& lines) {
    const auto path = dir_ / "serve.conf";
    std::ofstream(path) << lines;
    auto o = ReadServerConfig(path.string(), Options());
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    return o.ok() ? *o : Options();
  }

  void Start(const ServerOptions& o) {
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(5, 0);
  }
  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
  std::string Signed(const std::string& user, const std::string& method, const std::string& target,
                     const std::string& body, int64_t ts, const KeyPair* key = nullptr) {
    const std::string msg = "suiji-request/1\n" + method + "\n" + target + "\n" + std::to_string(ts) + "\n" +
                            ToHex(Sha256(AsBytes(body)));
    const Signature s = (key != nullptr ? *key : *key_).Sign(AsBytes(msg));
    return "Suiji-Ed25519 " + user + " " + std::to_string(ts) + " " + ToBase64(s);
  }
  std::string Audit() {
    std::ifstream f(dir_ / "audit" / "auth-failures.jsonl");
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  std::string Head(const std::string& method, const std::string& path, const std::string& extra) {
    return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
  }

  std::filesystem::path dir_;
  std::string admin_, supervisor_;
  std::optional<KeyPair> key_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

const std::string kUser = R"({"user_id":"u1","name":"赵一","org_id":"320400","roles":["planner"]})";

// Item 1: 20,000 levels of nesting overflowed the stack of the recursive limit check.
TEST_F(HardeningTest, DeeplyNestedJsonIsRefusedAndTheNodeStillAnswers) {
  Start(Options());
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  auto r = client_->Post("/api/v1/users", Bearer(admin_), deep, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["code"], "too_deep");
  // Brackets inside strings are not nesting; 64 levels are still read.
  const std::string at_limit = R"({"user_id":"[[[[","x":)" + std::string(63, '[') + std::string(63, ']') + "}";
  auto ok = client_->Post("/api/v1/users", Bearer(admin_), at_limit, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_NE(json::parse(ok->body)["code"], "too_deep") << ok->body;
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
}

// Item 2: a compressed body was inflated before any check. Refused on its head: the reply
// comes before a byte of the body is sent.
TEST_F(HardeningTest, CompressedBodyIsRefusedBeforeItIsRead) {
  Start(Options());
  Raw c(server_->port());
  ASSERT_TRUE(c.Send(Head("POST", "/api/v1/users",
                          "Authorization: Bearer " + admin_ +
                              "\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 50000\r\n")));
  const std::string reply = c.Read(2000);
  EXPECT_EQ(StatusOf(reply), 415) << reply;
  EXPECT_NE(reply.find("unsupported_encoding"), std::string::npos) << reply;
}

// Item 2: a chunked body escaped the size limits (160 MiB read whole).
TEST_F(HardeningTest, ChunkedBodyIsRefusedBeforeItIsRead) {
  Start(Options());
  Raw c(server_->port());
  ASSERT_TRUE(c.Send(Head("POST", "/api/v1/users",
                          "Authorization: Bearer " + admin_ +
                              "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n")));
  ASSERT_TRUE(c.Send("100000\r\n"));
  const std::string reply = c.Read(2000);
  EXPECT_EQ(StatusOf(reply), 411) << reply;
  EXPECT_NE(reply.find("length_required"), std::string::npos) << reply;
}

// Item 2: headers had no total cap (100 MiB accepted).
TEST_F(HardeningTest, HugeRequestHeadIsRefused) {
  Start(Options());
  Raw c(server_->port());
  std::string head = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  // 70 KB, over the 64 KiB cap (small enough to be in the server's socket buffer at once, so
  // the reply is not lost to a reset while the client is still sending).
  for (int i = 0; i < 2000; ++i) head += "X-Filler-" + std::to_string(i) + ": " + std::string(20, 'a') + "\r\n";
  head += "\r\n";
  c.Send(head);
  const std::string reply = c.Read(3000);
  EXPECT_EQ(StatusOf(reply), 431) << reply.substr(0, 200);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
}

// Item 2: 2,000 ranges turned a 6 KB request into a 66 MB reply.
TEST_F(HardeningTest, ManyRangesAreRefused) {
  Start(Options());
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 1999; ++i) ranges += ",0-";
  auto r = client_->Get("/public/v1/notices", {{"Range", ranges}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 416);
  EXPECT_LT(r->body.size(), 1000u);
  // One range is still served.
  auto one = client_->Get("/public/v1/notices", {{"Range", "bytes=0-1"}});
  ASSERT_TRUE(one);
  EXPECT_EQ(one->body.size(), 2u) << one->status;
}

// Item 2: import bodies (64 MiB) were read before authentication. An anonymous upload and one
// with a wrong token are answered 401 before a byte of the body is sent.
TEST_F(HardeningTest, AnonymousLargeImportIsRefusedBeforeItsBody) {
  Start(Options());
  for (const std::string& auth : {std::string(""), std::string("Authorization: Bearer sj_wrong\r\n")}) {
    Raw c(server_->port());
    ASSERT_TRUE(c.Send(Head("POST", "/api/v1/imports/targets?org=320400",
                            auth + "Content-Type: text/csv\r\nContent-Length: 60000000\r\n")));
    const std::string reply = c.Read(2000);
    EXPECT_EQ(StatusOf(reply), 401) << auth << ": " << reply;
    EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  }
}

// Item 2: a signed request names a user, not a secret: a large body under a made-up signature
// must not be read either. Over max_body_bytes the head carries X-Content-SHA256 and the
// signature over it is checked before the body is read; the body must then match it.
TEST_F(HardeningTest, SignedLargeBodyIsCheckedOnItsAnnouncedDigestBeforeItIsRead) {
  Start(Options());
  const std::string path = "/api/v1/imports/targets?org=320400";
  const std::string body(2 * 1024 * 1024, 'x');  // over the 1 MiB body limit: an import only
  const std::string digest = ToHex(Sha256(AsBytes(body)));
  const int64_t now = std::time(nullptr);
  KeyPair other = KeyPair::Generate();
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  auto head_only = [&](const std::string& extra) {
    Raw c(server_->port());
    EXPECT_TRUE(c.Send(Head("POST", path, extra + "Content-Type: text/csv\r\n" + length)));
    return c.Read(2000);  // answered with no byte of the body sent
  };
  // No digest announced: refused on the head.
  std::string r = head_only("Authorization: " + Signed("sys-1", "POST", path, body, now) + "\r\n");
  EXPECT_EQ(StatusOf(r), 401) << r;
  // A digest with a signature by another key: refused on the head.
  r = head_only("Authorization: " + Signed("sys-1", "POST", path, body, now + 1, &other) +
                "\r\nX-Content-SHA256: " + digest + "\r\n");
  EXPECT_EQ(StatusOf(r), 401) << r;
  EXPECT_NE(Audit().find("X-Content-SHA256 does not verify"), std::string::npos) << Audit();
  // The right signature over the announced digest, but another body sent: 401 once read.
  {
    const std::string other_body(body.size(), 'y');
    Raw c(server_->port());
    ASSERT_TRUE(c.Send(Head("POST", path, "Authorization: " + Signed("sys-1", "POST", path, body, now + 2) +
                                              "\r\nX-Content-SHA256: " + digest + "\r\nContent-Type: text/csv\r\n" +
                                              length)));
    ASSERT_TRUE(c.Send(other_body));
    r = c.Read(5000);
    EXPECT_EQ(StatusOf(r), 401) << r.substr(0, 300);
  }
  // The right signature and body: authenticated (a supervisor may not import: 403, not 401).
  {
    Raw c(server_->port());
    ASSERT_TRUE(c.Send(Head("POST", path, "Authorization: " + Signed("sys-1", "POST", path, body, now + 3) +
                                              "\r\nX-Content-SHA256: " + digest + "\r\nContent-Type: text/csv\r\n" +
                                              length)));
    ASSERT_TRUE(c.Send(body));
    r = c.Read(5000);
    EXPECT_EQ(StatusOf(r), 403) << r.substr(0, 300);
  }
}

// Item 3: 70 connections sending one header line every 2 s held all 64 workers. Here 80
// connections from another client address trickle their heads at a server with 8 workers,
// and /healthz and a signed-in request are still answered at once.
TEST_F(HardeningTest, SlowHeadsHoldNoWorker) {
  ServerOptions o = Options();
  o.threads = 8;
  o.max_connections_per_address = 100;  // all 80 wait in the room, none refused at the door
  Start(o);
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 80; ++i) {
    slow.push_back(std::make_unique<Raw>(server_->port(), "127.0.0.2"));
    slow.back()->Send("GET /healthz HTTP/1.1\r\n");
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& s : slow) s->Send("X-Slow: " + std::to_string(round) + "\r\n");
    httplib::Client fresh("127.0.0.1", server_->port());
    fresh.set_connection_timeout(2, 0);
    fresh.set_read_timeout(2, 0);
    const auto t0 = Clock::now();
    auto health = fresh.Get("/healthz");
    ASSERT_TRUE(health) << "round " << round << ": " << httplib::to_string(health.error());
    EXPECT_EQ(health->status, 200);
    auto me = fresh.Get("/api/v1/me", Bearer(admin_));
    ASSERT_TRUE(me) << "round " << round;
    EXPECT_EQ(me->status, 200) << me->body;
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the attackers' pace
  }
}

// Item 3: a head must be complete within head_timeout_ms (408), and one address may hold at
// most max_connections_per_address connections (429).
TEST_F(HardeningTest, SlowHeadTimesOutAndConnectionsPerAddressAreCapped) {
  Start(Config("head_timeout_ms = 500\nmax_connections_per_address = 4\n"));
  Raw slow(server_->port(), "127.0.0.2");
  slow.Send("GET /healthz HTTP/1.1\r\nX-Slow: 1\r\n");
  const std::string timed_out = slow.Read(3000);
  EXPECT_EQ(StatusOf(timed_out), 408) << timed_out;
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<Raw>(server_->port(), "127.0.0.2"));
  Raw fifth(server_->port(), "127.0.0.2");
  const std::string refused = fifth.Read(2000);
  EXPECT_EQ(StatusOf(refused), 429) << refused;
  EXPECT_EQ(client_->Get("/healthz")->status, 200);  // another address
}

// The front keeps keep-alive working: a connection idle past the worker's wait is parked and
// served again when its next request comes; pipelined requests are each answered.
TEST_F(HardeningTest, KeepAliveConnectionsAreServedAfterWaitingAndPipelined) {
  Start(Options());
  Raw c(server_->port());
  const std::string get = Head("GET", "/healthz", "");
  ASSERT_TRUE(c.Send(get));
  EXPECT_EQ(StatusOf(c.Read(2000)), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // past the worker's 20 ms wait
  ASSERT_TRUE(c.Send(get));
  EXPECT_EQ(StatusOf(c.Read(2000)), 200);
  ASSERT_TRUE(c.Send(get + get));
  std::string both = c.Read(2000);
  const size_t second = both.find("HTTP/1.1 200", 1);
  if (second == std::string::npos) both += c.Read(2000);
  EXPECT_NE(both.find("HTTP/1.1 200", 1), std::string::npos) << both;
}

// Item 3, the body's turn: a body trickled after a complete head holds a worker only until
// body_timeout_ms; then the request is refused and the connection closed.
TEST_F(HardeningTest, SlowBodyIsCutOff) {
  Start(Config("body_timeout_ms = 300\n"));
  Raw c(server_->port());
  ASSERT_TRUE(c.Send(Head("POST", "/api/v1/users",
                          "Authorization: Bearer " + admin_ + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n")));
  ASSERT_TRUE(c.Send("{\"user_id\":"));
  const auto t0 = Clock::now();
  const std::string reply = c.Read(3000);
  EXPECT_EQ(StatusOf(reply), 400) << reply;
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(2000));
  EXPECT_EQ(c.Read(1000), "");  // closed: what the client sends next is not read as a request
}

// Item 3: slow bodies hold a worker each (the head is whole, the body trickles), and a
// signed request's user is only checked with its body. One address holding every connection
// it may, each with a body at a trickle, still leaves workers for everyone else.
TEST_F(HardeningTest, SlowBodiesFromOneAddressLeaveWorkersForOthers) {
  Start(Options());  // 64 workers; one address: at most 32 connections by default
  const int64_t now = std::time(nullptr);
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 70; ++i) {
    slow.push_back(std::make_unique<Raw>(server_->port(), "127.0.0.2"));
    slow.back()->Send(Head("POST", "/api/v1/users",
                           "Authorization: Suiji-Ed25519 nobody-" + std::to_string(i) + " " + std::to_string(now) +
                               " " + std::string(86, 'A') + "==\r\nContent-Type: application/json\r\n"
                               "Content-Length: 1000\r\n"));
    slow.back()->Send("{");
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& s : slow) s->Send(" ");
    httplib::Client fresh("127.0.0.1", server_->port());
    fresh.set_connection_timeout(2, 0);
    fresh.set_read_timeout(2, 0);
    auto health = fresh.Get("/healthz");
    ASSERT_TRUE(health) << "round " << round << ": " << httplib::to_string(health.error());
    EXPECT_EQ(health->status, 200);
    auto me = fresh.Get("/api/v1/me", Bearer(admin_));
    ASSERT_TRUE(me) << "round " << round;
    EXPECT_EQ(me->status, 200) << me->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Item 3: 66 event streams on one token held every worker. Streams are capped per user (429)
// and in all (503; at most a quarter of the workers), and the node still answers.
TEST_F(HardeningTest, EventStreamsAreCapped) {
  ServerOptions o = Options();
  o.threads = 32;  // streams: at most 8 in all, 4 per user
  Start(o);
  auto open_stream = [&](const std::string& token) {
    auto c = std::make_unique<Raw>(server_->port());
    c->Send(Head("GET", "/api/v1/events?from=0", "Authorization: Bearer " + token + "\r\n"));
    return c;
  };
  std::vector<std::unique_ptr<Raw>> streams;
  for (int i = 0; i < 4; ++i) {
    auto c = open_stream(admin_);
    EXPECT_EQ(StatusOf(c->Read(2000, true)), 200) << i;
    streams.push_back(std::move(c));
  }
  auto fifth = open_stream(admin_);
  const std::string per_user = fifth->Read(2000);
  EXPECT_EQ(StatusOf(per_user), 429) << per_user;
  EXPECT_NE(per_user.find("too_many_streams"), std::string::npos);
  for (int i = 0; i < 4; ++i) {
    auto c = open_stream(supervisor_);
    EXPECT_EQ(StatusOf(c->Read(2000, true)), 200) << i;
    streams.push_back(std::move(c));
  }
  auto ninth = open_stream(supervisor_);
  const std::string overall = ninth->Read(2000);
  EXPECT_EQ(StatusOf(overall), 503) << overall;
  EXPECT_EQ(client_->Get("/api/v1/me", Bearer(admin_))->status, 200);
  // A stream that ends gives its place back.
  streams.pop_back();
  bool reopened = false;
  for (int attempt = 0; attempt < 50 && !reopened; ++attempt) {
    auto c = open_stream(supervisor_);
    const int status = StatusOf(c->Read(2000, true));
    reopened = status == 200;
    if (reopened) streams.push_back(std::move(c));
    else std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(reopened);
}

// Item 4: ten bad tokens from one address (a NAT, the proxy) locked every user behind it out.
// Bad attempts get 429 past the limit; a valid credential from that address still works.
TEST_F(HardeningTest, BadTokensDoNotLockOutAValidOne) {
  Start(Options());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(client_->Get("/api/v1/me", Bearer("sj_wrong"))->status, 401) << i;
  EXPECT_EQ(client_->Get("/api/v1/me", Bearer("sj_wrong"))->status, 429);
  auto good = client_->Get("/api/v1/me", Bearer(admin_));
  EXPECT_EQ(good->status, 200) << good->body;
  const int64_t now = std::time(nullptr);
  EXPECT_EQ(client_->Get("/api/v1/me", {{"Authorization", Signed("sys-1", "GET", "/api/v1/me", "", now)}})->status,
            200);
}

// Item 4 and the proxy: from a trusted proxy the client's address is X-Real-IP, so bad
// attempts are counted per client behind it; failures against one user from many addresses
// reach that user's own limit, which still never refuses the user's valid signature.
TEST_F(HardeningTest, FailuresAreCountedPerClientBehindATrustedProxyAndPerCredential) {
  Start(Config("trusted_proxy = 127.0.0.1\n"));
  auto me = [&](const std::string& real_ip, const std::string& auth) {
    return client_->Get("/api/v1/me", {{"X-Real-IP", real_ip}, {"Authorization", auth}})->status;
  };
  for (int i = 0; i < 10; ++i) EXPECT_EQ(me("10.0.0.1", "Bearer sj_wrong"), 401) << i;
  EXPECT_EQ(me("10.0.0.1", "Bearer sj_wrong"), 429);
  EXPECT_EQ(me("10.0.0.2", "Bearer sj_wrong"), 401);  // another client behind the proxy
  EXPECT_NE(Audit().find(R"("address":"10.0.0.1")"), std::string::npos);
  // A forged signature for sys-1 from ten addresses: the eleventh is over sys-1's limit.
  const int64_t now = std::time(nullptr);
  KeyPair other = KeyPair::Generate();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(me("10.1.0." + std::to_string(i), Signed("sys-1", "GET", "/api/v1/me", "", now + i, &other)), 401);
  }
  EXPECT_EQ(me("10.1.0.99", Signed("sys-1", "GET", "/api/v1/me", "", now + 20, &other)), 429);
  EXPECT_EQ(me("10.1.0.99", Signed("sys-1", "GET", "/api/v1/me", "", now + 21)), 200);
}

// The proxy: without --trusted-proxy, X-Real-IP and X-Forwarded-For change nothing.
TEST_F(HardeningTest, ClientAddressHeadersAreIgnoredFromAnUntrustedPeer) {
  Start(Options());
  for (int i = 0; i < 10; ++i) {
    auto r = client_->Get("/api/v1/me", {{"X-Real-IP", "10.0.0." + std::to_string(i)},
                                         {"X-Forwarded-For", "10.0.1." + std::to_string(i)},
                                         {"Authorization", "Bearer sj_wrong"}});
    EXPECT_EQ(r->status, 401);
  }
  EXPECT_EQ(client_->Get("/api/v1/me", {{"X-Real-IP", "10.9.9.9"}, {"Authorization", "Bearer sj_wrong"}})->status,
            429);
  EXPECT_EQ(Audit().find("10.0.0."), std::string::npos);
  EXPECT_NE(Audit().find(R"("address":"127.0.0.1")"), std::string::npos);
}

// Item 7: an unknown user and a known one got different signed-request errors, and 401s
// named token and user ids. Every failure is now the same 401; the reasons are in the audit.
TEST_F(HardeningTest, EveryAuthenticationFailureLooksTheSame) {
  Start(Options());
  // A token is issued only by the user it is for (issue 17, item 8): sys-1 signs for its own.
  const std::string token_body = R"({"label":"x"})";
  auto issued = client_->Post("/api/v1/users/sys-1/tokens",
                              {{"Authorization", Signed("sys-1", "POST", "/api/v1/users/sys-1/tokens", token_body,
                                                        std::time(nullptr) - 1)}},
                              token_body, "application/json");
  ASSERT_EQ(issued->status, 201) << issued->body;
  const std::string revoked = json::parse(issued->body)["token"];
  const std::string token_id = json::parse(issued->body)["token_id"];
  ASSERT_EQ(client_->Delete(("/api/v1/tokens/" + token_id).c_str(), Bearer(admin_))->status, 201);
  const int64_t now = std::time(nullptr);
  KeyPair other = KeyPair::Generate();
  const std::vector<httplib::Headers> attempts = {
      {},
      {{"Authorization", "Bearer sj_unknown"}},
      {{"Authorization", "Bearer " + revoked}},
      {{"Authorization", "Basic abc"}},
      {{"Authorization", Signed("nobody", "GET", "/api/v1/me", "", now)}},
      {{"Authorization", Signed("sys-1", "GET", "/api/v1/me", "", now, &other)}},
      {{"Authorization", Signed("sys-1", "GET", "/api/v1/me", "", now - 3600)}},
      {{"Authorization", "Suiji-Ed25519 sys-1 x y"}},
  };
  std::set<std::string> bodies;
  for (const auto& h : attempts) {
    auto r = client_->Get("/api/v1/me", h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    bodies.insert(r->body);
  }
  EXPECT_EQ(bodies.size(), 1u);
  EXPECT_EQ(*bodies.begin(), R"({"code":"unauthenticated","details":{},"message":"authentication failed"})");
  const std::string audit = Audit();
  EXPECT_NE(audit.find("no enabled user nobody"), std::string::npos) << audit;
  EXPECT_NE(audit.find("is revoked"), std::string::npos);
  EXPECT_NE(audit.find("does not verify"), std::string::npos);
  EXPECT_EQ(audit.find(revoked), std::string::npos);
}

// Item 9: 1e400 gave 500 with the JSON library's exception text.
TEST_F(HardeningTest, NumberOutOfRangeIs400NamingIt) {
  Start(Options());
  auto r = client_->Post("/api/v1/users", Bearer(admin_), R"({"user_id":"u1","x":1e400})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["code"], "bad_number");
  EXPECT_NE(json::parse(r->body)["message"].get<std::string>().find("1e400"), std::string::npos) << r->body;
}

// Item 9: X-Expected-Sequence: -1x gave 409 (read as a huge number) instead of 400.
TEST_F(HardeningTest, MalformedExpectedSequenceIs400) {
  Start(Options());
  for (const char* bad : {"-1x", "-1", "1x", "+1", "1 2", "99999999999999999999999"}) {
    httplib::Headers h = Bearer(admin_);
    h.emplace("X-Expected-Sequence", bad);
    auto r = client_->Post("/api/v1/users", h, kUser, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << ": " << r->body;
    EXPECT_EQ(json::parse(r->body)["code"], "bad_expected_sequence") << bad;
  }
}

// Item 9: retries with one Idempotency-Key sent while the first was in flight got
// {"idempotent_replay":true}; each now gets the first's reply.
TEST_F(HardeningTest, ConcurrentRetriesOfOneKeyGetTheFirstReply) {
  Start(Options());
  std::vector<std::future<std::pair<int, std::string>>> replies;
  std::atomic<bool> go{false};
  for (int i = 0; i < 8; ++i) {
    replies.push_back(std::async(std::launch::async, [&] {
      httplib::Client c("127.0.0.1", server_->port());
      c.set_read_timeout(10, 0);
      httplib::Headers h = Bearer(admin_);
      h.emplace("Idempotency-Key", "same-key-1");
      while (!go) std::this_thread::yield();
      auto r = c.Post("/api/v1/users", h, kUser, "application/json");
      return r ? std::make_pair(r->status, r->body) : std::make_pair(0, std::string());
    }));
  }
  go = true;
  std::set<std::pair<int, std::string>> distinct;
  for (auto& f : replies) distinct.insert(f.get());
  ASSERT_EQ(distinct.size(), 1u) << distinct.begin()->second << " / " << distinct.rbegin()->second;
  EXPECT_EQ(distinct.begin()->first, 201) << distinct.begin()->second;
  EXPECT_EQ(distinct.begin()->second.find("idempotent_replay"), std::string::npos);
}

}  // namespace
}  // namespace suiji::http
