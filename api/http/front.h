// The connection front of `suiji serve` over plain HTTP: a cpp-httplib server whose
// connections never hold a worker thread while their request head is incomplete.
//
// cpp-httplib 0.11.4 gives each connection a worker thread from the moment it is accepted, and
// reads the head on it with a 5 s timeout per read and no total limit: 70 clients sending one
// header line every 2 s hold all 64 workers (slowloris). Here a new connection waits in a
// "waiting room" (one epoll thread) that reads its head without a worker, with a total
// deadline (head_timeout_ms, then 408) and a size cap (max_head_bytes, then 431); only a
// complete head is handed to a worker, which runs cpp-httplib's request handling over the
// bytes already read. After each reply the worker waits a few milliseconds for the next
// request of a keep-alive client (the fast path of a busy client), else parks the connection
// in the waiting room again. A body must arrive within body_timeout_ms of its head. Connections
// are capped in all and per peer address (trusted proxies excepted): over the cap a connection
// is answered 503 / 429 and closed at once.
//
// Lifetime: Shutdown() (after stop()) closes every connection and joins the threads; the
// destructor calls it. Thread-safe as cpp-httplib's Server is.
#pragma once

#include <httplib.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace suiji::http {

struct FrontLimits {
  unsigned workers = 64;               // threads that run requests
  size_t max_head_bytes = 64 << 10;    // request line and headers
  int head_timeout_ms = 10000;         // from when a head may start (accept, or the last reply)
  int body_timeout_ms = 60000;         // from a complete head to the body's last byte
  int write_timeout_ms = 5000;         // each wait for the client to take more of a reply
  unsigned max_connections = 4096;
  unsigned max_connections_per_address = 32;
  std::set<std::string> uncapped_addresses;  // trusted proxies: many clients behind one address
};

class FrontServer : public httplib::Server {
 public:
  explicit FrontServer(FrontLimits limits);
  ~FrontServer() override;
  FrontServer(const FrontServer&) = delete;
  FrontServer& operator=(const FrontServer&) = delete;

  // Closes every connection, waiting or served, and joins the threads. Call once the accept
  // loop has ended (after stop()); idempotent.
  void Shutdown();

  struct Room;
  struct Conn;

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Runs the requests of a connection whose head is complete (a worker thread).
  void Serve(std::unique_ptr<Conn> c);

  std::unique_ptr<Room> room_;
};

// An IP address in its canonical text (IPv4-mapped IPv6 as IPv4), or "" if `addr` is not one.
std::string NormaliseAddress(std::string_view addr);

// From a request handler run by a FrontServer: close the connection after this reply (e.g. a
// refusal sent before the body was read, so the connection cannot carry another request).
// Elsewhere it does nothing; the reply should say `Connection: close` too.
void CloseConnectionAfterReply();

}  // namespace suiji::http
