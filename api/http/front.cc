#include "api/http/front.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

namespace suiji::http {

namespace {

using Clock = std::chrono::steady_clock;

// How long a worker waits for the next request of a keep-alive connection before it parks
// the connection in the waiting room: long enough for a client that sends its next request
// as soon as it has the reply (a benchmark, a batch job), short enough that idle or slow
// connections hold no worker.
constexpr std::chrono::milliseconds kLinger{20};

thread_local bool t_close_after_reply = false;

enum class HeadState { kWaiting, kComplete, kTooLarge, kClosed };

int MillisUntil(Clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return ms <= 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 1 << 30));
}

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

std::string AddressText(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, text, sizeof text);
  } else if (a.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, text, sizeof text);
  }
  return text;
}

int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return 0;
}

// A refusal is followed by a "lingering close": the connection's sending side is shut, and
// what the client still sends (the body it had started) is read and dropped for up to this
// long and this much, so that the close is a FIN after the reply rather than a reset that
// could make the client lose it.
constexpr std::chrono::milliseconds kLingerClose{2000};
constexpr size_t kLingerCloseBytes = 1 << 20;

// A reply written straight to the socket, before (or instead of) cpp-httplib's handling.
// Small enough for the socket buffer, so never waits. The caller closes the connection.
void Refuse(int fd, int status, const char* reason, const char* code, const std::string& message) {
  const std::string body =
      std::string("{\"code\":\"") + code + "\",\"message\":\"" + message + "\",\"details\":{}}";
  const std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                            "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  (void)::send(fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace

std::string NormaliseAddress(std::string_view addr) {
  const std::string a(addr);
  in6_addr v6{};
  in_addr v4{};
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, a.c_str(), &v4) == 1) {
    return inet_ntop(AF_INET, &v4, text, sizeof text) != nullptr ? text : "";
  }
  if (inet_pton(AF_INET6, a.c_str(), &v6) != 1) return "";
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], 4);
    return inet_ntop(AF_INET, &v4, text, sizeof text) != nullptr ? text : "";
  }
  return inet_ntop(AF_INET6, &v6, text, sizeof text) != nullptr ? text : "";
}

void CloseConnectionAfterReply() { t_close_after_reply = true; }

// One client connection: its socket and the bytes read from it that no request has consumed
// yet (a head read in the waiting room, the start of a body, a pipelined request).
struct FrontServer::Conn {
  int fd = -1;
  std::string address;  // the TCP peer, normalised
  std::string in;
  size_t pos = 0;       // consumed bytes of `in`
  size_t scanned = 0;   // bytes of `in` already searched for the head's end
  Clock::time_point deadline;
  bool closing = false;  // refused: what arrives is dropped until the client closes (lingering close)
  size_t dropped = 0;

  // A lingering close: drops what the socket has; false once the client has closed or sent
  // more than a refused request should.
  bool Drop() {
    char sink[16384];
    for (;;) {
      const ssize_t n = ::recv(fd, sink, sizeof sink, MSG_DONTWAIT);
      if (n > 0) {
        dropped += static_cast<size_t>(n);
        if (dropped > kLingerCloseBytes) return false;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      }
    }
  }

  // Reads what the socket has (never waits) until the head is complete, `max` bytes are held
  // without its end, or the socket has nothing more for now. Call with nothing consumed.
  HeadState ReadHead(size_t max) {
    for (;;) {
      const size_t from = scanned < 3 ? 0 : scanned - 3;
      if (in.find("\r\n\r\n", from) != std::string::npos) return HeadState::kComplete;
      scanned = in.size();
      if (in.size() >= max) return HeadState::kTooLarge;
      char buf[16384];
      const ssize_t n = ::recv(fd, buf, std::min(sizeof buf, max - in.size()), MSG_DONTWAIT);
      if (n > 0) {
        in.append(buf, static_cast<size_t>(n));
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return HeadState::kWaiting;
      } else {
        return HeadState::kClosed;
      }
    }
  }

  // After a request: what is left is the start of the next one.
  void NextRequest() {
    in.erase(0, pos);
    pos = 0;
    scanned = 0;
  }
};

namespace {

// cpp-httplib's view of a connection: the bytes already read first, then the socket, with a
// deadline for the request's reads and a timeout for each wait to write.
class FrontStream : public httplib::Stream {
 public:
  FrontStream(FrontServer::Conn& c, const FrontLimits& limits) : c_(c), limits_(limits) {}
  void set_read_deadline(Clock::time_point t) { read_deadline_ = t; }

  bool is_readable() const override {
    return c_.pos < c_.in.size() || WaitFor(c_.fd, POLLIN, MillisUntil(read_deadline_));
  }
  bool is_writable() const override { return WaitFor(c_.fd, POLLOUT, limits_.write_timeout_ms); }

  ssize_t read(char* ptr, size_t size) override {
    if (c_.pos == c_.in.size()) {
      c_.in.clear();
      c_.pos = 0;
      char buf[16384];
      for (;;) {
        const ssize_t n = ::recv(c_.fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
          c_.in.assign(buf, static_cast<size_t>(n));
          break;
        }
        if (n == 0) return 0;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
        // The body's deadline counts from its head, whatever the pace of the bytes.
        const int wait = MillisUntil(read_deadline_);
        if (wait == 0 || !WaitFor(c_.fd, POLLIN, wait)) return -1;
      }
    }
    const size_t n = std::min(size, c_.in.size() - c_.pos);
    std::memcpy(ptr, c_.in.data() + c_.pos, n);
    c_.pos += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::send(c_.fd, ptr + done, size - done, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!WaitFor(c_.fd, POLLOUT, limits_.write_timeout_ms)) return -1;
      } else {
        return -1;
      }
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getpeername(c_.fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      ip = AddressText(a);
      port = PortOf(a);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (::getsockname(c_.fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      ip = AddressText(a);
      port = PortOf(a);
    }
  }
  socket_t socket() const override { return c_.fd; }

 private:
  FrontServer::Conn& c_;
  const FrontLimits& limits_;
  Clock::time_point read_deadline_ = Clock::now();
};

}  // namespace

// The waiting room: connections whose next request head is not complete, watched by one
// epoll thread; and the accounting of every open connection.
struct FrontServer::Room {
  explicit Room(FrontLimits l) : limits(std::move(l)) {}
  FrontLimits limits;
  int epfd = -1;
  int wake = -1;  // an eventfd: Shutdown wakes the thread
  std::thread thread;
  std::unique_ptr<httplib::ThreadPool> workers;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::map<int, std::unique_ptr<Conn>> parked;
  std::map<int, std::string> serving;  // fd -> address, on workers
  std::map<std::string, unsigned> per_address;
  unsigned open = 0;
  bool shut = false;

  void Close(std::unique_ptr<Conn> c) {
    {
      std::lock_guard lock(mu);
      --open;
      if (auto it = per_address.find(c->address); it != per_address.end() && --it->second == 0) {
        per_address.erase(it);
      }
    }
    ::close(c->fd);
  }

  void Park(std::unique_ptr<Conn> c, Clock::time_point deadline) {
    c->deadline = deadline;
    std::unique_lock lock(mu);
    if (stopping) {
      lock.unlock();
      Close(std::move(c));
      return;
    }
    const int fd = c->fd;
    parked[fd] = std::move(c);
    // Edge-triggered: an event for each arrival of bytes (a registration with bytes already
    // waiting fires at once).
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    ev.data.fd = fd;
    ::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
  }

  // After a refusal: no more is sent, and the connection waits in the room, dropping what
  // arrives, until the client closes or kLingerClose has passed.
  void CloseLingering(std::unique_ptr<Conn> c) {
    ::shutdown(c->fd, SHUT_WR);
    c->closing = true;
    c->in.clear();
    Park(std::move(c), Clock::now() + kLingerClose);
  }

  std::unique_ptr<Conn> Unpark(int fd) {
    std::lock_guard lock(mu);
    auto it = parked.find(fd);
    if (it == parked.end()) return nullptr;
    std::unique_ptr<Conn> c = std::move(it->second);
    parked.erase(it);
    ::epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nullptr);
    return c;
  }
};

FrontServer::FrontServer(FrontLimits limits) : room_(std::make_unique<Room>(std::move(limits))) {
  Room& r = *room_;
  r.epfd = ::epoll_create1(EPOLL_CLOEXEC);
  r.wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = r.wake;
  ::epoll_ctl(r.epfd, EPOLL_CTL_ADD, r.wake, &ev);
  r.workers = std::make_unique<httplib::ThreadPool>(std::max(1u, r.limits.workers));
  // cpp-httplib's own threads only register new connections here.
  new_task_queue = [] { return new httplib::ThreadPool(2); };
  set_keep_alive_timeout(std::max(1, r.limits.head_timeout_ms / 1000));
  r.thread = std::thread([this] {
    Room& room = *room_;
    epoll_event events[128];
    auto last_sweep = Clock::now();
    while (!room.stopping) {
      const int n = ::epoll_wait(room.epfd, events, 128, 100);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == room.wake) continue;
        Conn* c = nullptr;
        {
          std::lock_guard lock(room.mu);
          auto it = room.parked.find(fd);
          if (it != room.parked.end()) c = it->second.get();
        }
        // Only this thread takes a parked connection out, so `c` stays valid here.
        if (c == nullptr) continue;
        if (c->closing) {
          if (!c->Drop()) room.Close(room.Unpark(fd));
          continue;
        }
        const HeadState state = c->ReadHead(room.limits.max_head_bytes);
        if (state == HeadState::kWaiting) continue;
        std::unique_ptr<Conn> taken = room.Unpark(fd);
        if (state == HeadState::kComplete) {
          {
            std::lock_guard lock(room.mu);
            room.serving[fd] = taken->address;
          }
          Conn* raw = taken.release();
          room.workers->enqueue([this, raw] { Serve(std::unique_ptr<Conn>(raw)); });
          continue;
        }
        if (state == HeadState::kTooLarge) {
          Refuse(fd, 431, "Request Header Fields Too Large", "head_too_large",
                 "the request line and headers are longer than " + std::to_string(room.limits.max_head_bytes) +
                     " bytes");
          room.CloseLingering(std::move(taken));
          continue;
        }
        room.Close(std::move(taken));
      }
      const auto now = Clock::now();
      if (now - last_sweep >= std::chrono::milliseconds(100)) {
        last_sweep = now;
        std::vector<int> late;
        {
          std::lock_guard lock(room.mu);
          for (const auto& [fd, c] : room.parked) {
            if (c->deadline <= now) late.push_back(fd);
          }
        }
        for (int fd : late) {
          std::unique_ptr<Conn> c = room.Unpark(fd);
          if (!c) continue;
          // An idle keep-alive connection just ends; a head begun and not finished is told why.
          if (!c->closing && !c->in.empty()) {
            Refuse(fd, 408, "Request Timeout", "head_timeout",
                   "the request head was not complete within " + std::to_string(room.limits.head_timeout_ms) +
                       " ms");
            room.CloseLingering(std::move(c));
            continue;
          }
          room.Close(std::move(c));
        }
      }
    }
  });
}

FrontServer::~FrontServer() { Shutdown(); }

void FrontServer::Shutdown() {
  Room& r = *room_;
  {
    std::lock_guard lock(r.mu);
    if (r.shut) return;
    r.shut = true;
    r.stopping = true;
  }
  const uint64_t one = 1;
  (void)::write(r.wake, &one, sizeof one);
  if (r.thread.joinable()) r.thread.join();
  std::map<int, std::unique_ptr<Conn>> parked;
  {
    std::lock_guard lock(r.mu);
    parked.swap(r.parked);
    // Workers blocked on a client find their socket shut down and finish.
    for (const auto& [fd, address] : r.serving) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& [fd, c] : parked) r.Close(std::move(c));
  r.workers->shutdown();
  ::close(r.epfd);
  ::close(r.wake);
}

bool FrontServer::process_and_close_socket(socket_t sock) {
  Room& r = *room_;
  auto c = std::make_unique<Conn>();
  c->fd = sock;
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getpeername(sock, reinterpret_cast<sockaddr*>(&a), &len) == 0) c->address = NormaliseAddress(AddressText(a));
  const int on = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  {
    std::unique_lock lock(r.mu);
    const bool capped = r.limits.uncapped_addresses.count(c->address) == 0;
    const char* refusal = nullptr;
    if (r.stopping) {
      refusal = "";
    } else if (r.open >= r.limits.max_connections) {
      refusal = "503";
    } else if (capped && r.per_address[c->address] >= r.limits.max_connections_per_address) {
      refusal = "429";
    }
    if (refusal != nullptr) {
      if (r.per_address.count(c->address) > 0 && r.per_address[c->address] == 0) r.per_address.erase(c->address);
      lock.unlock();
      if (refusal[0] == '5') {
        Refuse(sock, 503, "Service Unavailable", "too_many_connections", "the server has too many connections");
      } else if (refusal[0] == '4') {
        Refuse(sock, 429, "Too Many Requests", "too_many_connections",
               "too many connections from this address (at most " +
                   std::to_string(r.limits.max_connections_per_address) + ")");
      }
      // Not counted, so not lingering: a new connection has rarely sent anything yet.
      ::shutdown(sock, SHUT_WR);
      ::close(sock);
      return false;
    }
    ++r.open;
    ++r.per_address[c->address];
  }
  r.Park(std::move(c), Clock::now() + std::chrono::milliseconds(r.limits.head_timeout_ms));
  return true;
}

void FrontServer::Serve(std::unique_ptr<Conn> c) {
  Room& r = *room_;
  const int fd = c->fd;
  auto done_serving = [&] {
    std::lock_guard lock(r.mu);
    r.serving.erase(fd);
  };
  {
    FrontStream strm(*c, r.limits);
    for (;;) {
      if (r.stopping) break;
      strm.set_read_deadline(Clock::now() + std::chrono::milliseconds(r.limits.body_timeout_ms));
      t_close_after_reply = false;
      bool connection_closed = false;
      const bool ok = process_request(strm, /*close_connection=*/false, connection_closed, nullptr);
      if (ok && t_close_after_reply && !r.stopping) {
        // Refused before its body was read: the body is dropped in the room, not here.
        done_serving();
        r.CloseLingering(std::move(c));
        return;
      }
      if (!ok || connection_closed || t_close_after_reply || r.stopping) break;
      c->NextRequest();
      // The next request: taken at once if the client sends it soon (keep-alive's fast path),
      // else the connection waits in the room without this thread.
      const auto linger_end = Clock::now() + kLinger;
      HeadState state = c->ReadHead(r.limits.max_head_bytes);
      while (state == HeadState::kWaiting && Clock::now() < linger_end) {
        if (WaitFor(fd, POLLIN, std::max(1, MillisUntil(linger_end)))) {
          state = c->ReadHead(r.limits.max_head_bytes);
        }
      }
      if (state == HeadState::kComplete) continue;
      if (state == HeadState::kTooLarge) {
        Refuse(fd, 431, "Request Header Fields Too Large", "head_too_large",
               "the request line and headers are longer than " + std::to_string(r.limits.max_head_bytes) +
                   " bytes");
        done_serving();
        r.CloseLingering(std::move(c));
        return;
      }
      if (state == HeadState::kClosed) break;
      done_serving();
      r.Park(std::move(c), Clock::now() + std::chrono::milliseconds(r.limits.head_timeout_ms));
      return;
    }
  }
  done_serving();
  r.Close(std::move(c));
}

}  // namespace suiji::http
