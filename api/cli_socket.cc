#include "api/cli_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "api/directory_service.h"
#include "api/draw_service.h"
#include "api/identity_service.h"
#include "api/inspection_service.h"

namespace suiji::cli {

namespace {

using nlohmann::json;

// --- the command table ---

const std::vector<std::pair<std::string, CommandKind>> kKinds = {
    // suiji_main.cc
    {"init", CommandKind::kLocalOnly},
    {"log export", CommandKind::kRead},
    {"log show", CommandKind::kRead},
    {"memo", CommandKind::kWrite},
    {"checkpoint", CommandKind::kWrite},
    {"proof inclusion", CommandKind::kRead},
    {"proof consistency", CommandKind::kRead},
    {"key list", CommandKind::kRead},
    {"key verifier", CommandKind::kRead},
    {"key register", CommandKind::kWrite},
    {"key revoke", CommandKind::kWrite},
    // The node key's files change under the running server, which signs with the old one.
    {"key rotate", CommandKind::kLocalOnly},
    // cli_directory.cc
    {"org add", CommandKind::kWrite},
    {"target retire", CommandKind::kWrite},
    {"inspector retire", CommandKind::kWrite},
    {"conflict declare", CommandKind::kWrite},
    {"conflict withdraw", CommandKind::kWrite},
    {"calendar load", CommandKind::kWrite},
    {"calendar show", CommandKind::kRead},
    {"calendar deadline", CommandKind::kRead},
    {"import targets", CommandKind::kWrite},
    {"import inspectors", CommandKind::kWrite},
    {"import items", CommandKind::kWrite},
    {"show target", CommandKind::kRead},
    {"show inspector", CommandKind::kRead},
    {"show org", CommandKind::kRead},
    {"list targets", CommandKind::kRead},
    {"list inspectors", CommandKind::kRead},
    {"list items", CommandKind::kRead},
    {"list orgs", CommandKind::kRead},
    {"history target", CommandKind::kRead},
    {"history inspector", CommandKind::kRead},
    {"history org", CommandKind::kRead},
    {"history items", CommandKind::kRead},
    // Drops the projections the server is serving from.
    {"projection rebuild", CommandKind::kLocalOnly},
    {"projection digest", CommandKind::kRead},
    // cli_draw.cc
    {"plan file", CommandKind::kWrite},
    {"plan list", CommandKind::kRead},
    {"plan show", CommandKind::kRead},
    {"task define", CommandKind::kWrite},
    {"task list", CommandKind::kRead},
    {"task show", CommandKind::kRead},
    {"task withdraw", CommandKind::kWrite},
    {"draw freeze", CommandKind::kWrite},
    {"draw commit", CommandKind::kWrite},
    {"draw reveal", CommandKind::kWrite},
    {"draw show", CommandKind::kRead},
    {"draw frozen", CommandKind::kRead},
    {"draw cancel", CommandKind::kWrite},
    {"draw decline", CommandKind::kWrite},
    // cli_inspection.cc
    {"announce", CommandKind::kWrite},
    {"result record", CommandKind::kWrite},
    {"result confirm", CommandKind::kWrite},
    {"result submit", CommandKind::kWrite},
    {"result review", CommandKind::kWrite},
    {"result publish", CommandKind::kWrite},
    {"result correct", CommandKind::kWrite},
    {"result note", CommandKind::kWrite},
    {"result show", CommandKind::kRead},
    {"result sheet", CommandKind::kRead},
    {"result list", CommandKind::kRead},
    {"result overdue", CommandKind::kRead},
    {"followup transfer", CommandKind::kWrite},
    {"followup regrade", CommandKind::kWrite},
    // cli_public.cc, cli_stats.cc (a bundle or an export without a fresh checkpoint of its
    // own proves against the server's latest stored one)
    {"public bundle", CommandKind::kRead},
    {"public export", CommandKind::kRead},
    {"stats", CommandKind::kRead},
    // cli_identity.cc
    {"user password", CommandKind::kWrite},
    {"user add", CommandKind::kWrite},
    {"user disable", CommandKind::kWrite},
    {"user list", CommandKind::kRead},
    {"token issue", CommandKind::kWrite},
    {"token revoke", CommandKind::kWrite},
    // cli_serve.cc
    {"serve", CommandKind::kLocalOnly},
    // Prints the API's description (openapi.json); reads no data directory.
    {"openapi", CommandKind::kRead},
    // Writes a read replica's node.conf in its own (new) data directory; appends nothing.
    {"replica init", CommandKind::kRead},
};

const CommandKind* FindKind(std::string_view words) {
  for (const auto& [w, k] : kKinds) {
    if (w == words) return &k;
  }
  return nullptr;
}

// --- frames ---

// Sends one frame, with `pass_fd` attached when >= 0. MSG_NOSIGNAL: a peer that went away
// is an error here, never a SIGPIPE.
bool SendFrame(int fd, char type, std::string_view payload, int pass_fd = -1) {
  std::string buf(5, '\0');
  const uint32_t n = static_cast<uint32_t>(payload.size() + 1);
  buf[0] = static_cast<char>(n >> 24);
  buf[1] = static_cast<char>(n >> 16);
  buf[2] = static_cast<char>(n >> 8);
  buf[3] = static_cast<char>(n);
  buf[4] = type;
  buf.append(payload);
  size_t sent = 0;
  bool first = true;
  while (sent < buf.size()) {
    iovec iov{buf.data() + sent, buf.size() - sent};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (first && pass_fd >= 0) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    const ssize_t w = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    sent += static_cast<size_t>(w);
    first = false;
  }
  return true;
}

// Reads exactly `n` bytes; a descriptor that arrives with them is kept in *fd_out (a second
// one is closed). False on EOF, error or timeout.
bool ReadExact(int fd, char* out, size_t n, int* fd_out) {
  // A socket with a receive timeout (the server's side) gets it for the whole read too, not
  // only for each piece: a peer sending a byte now and then cannot hold the read (and the
  // node, while a command runs) for longer than about twice the timeout.
  timeval tv{};
  socklen_t tv_len = sizeof tv;
  const bool timed = ::getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &tv_len) == 0 &&
                     (tv.tv_sec > 0 || tv.tv_usec > 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(tv.tv_sec) +
                        std::chrono::microseconds(tv.tv_usec);
  size_t got = 0;
  while (got < n) {
    if (timed && got > 0 && std::chrono::steady_clock::now() > deadline) return false;
    iovec iov{out + got, n - got};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t r = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int passed = -1;
        std::memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        if (fd_out != nullptr && *fd_out < 0) {
          *fd_out = passed;
        } else {
          ::close(passed);
        }
      }
    }
    got += static_cast<size_t>(r);
  }
  return true;
}

struct Frame {
  char type = 0;
  std::string payload;
  int fd = -1;  // a descriptor that came with it (the caller owns it)
};

// kResourceExhausted for a frame over `max` bytes, kUnavailable when the peer went away.
StatusOr<Frame> ReadFrame(int fd, size_t max) {
  Frame f;
  char head[5];
  if (!ReadExact(fd, head, 4, &f.fd)) {
    if (f.fd >= 0) ::close(f.fd);
    return Unavailable("the connection closed or timed out");
  }
  const uint32_t n = (uint32_t{static_cast<uint8_t>(head[0])} << 24) |
                     (uint32_t{static_cast<uint8_t>(head[1])} << 16) |
                     (uint32_t{static_cast<uint8_t>(head[2])} << 8) | uint32_t{static_cast<uint8_t>(head[3])};
  auto fail = [&](Status s) -> StatusOr<Frame> {
    if (f.fd >= 0) ::close(f.fd);
    return s;
  };
  if (n == 0) return fail(InvalidArgument("an empty frame"));
  if (n - 1 > max) {
    return fail(ResourceExhausted("转发的命令行大于 " + std::to_string(max) +
                                  " 字节 / the forwarded command line is larger than " +
                                  std::to_string(max) + " bytes"));
  }
  if (!ReadExact(fd, head + 4, 1, &f.fd)) return fail(Unavailable("the connection closed or timed out"));
  f.type = head[4];
  f.payload.resize(n - 1);
  if (n > 1 && !ReadExact(fd, f.payload.data(), n - 1, &f.fd)) {
    return fail(Unavailable("the connection closed or timed out"));
  }
  return f;
}

// The address of the socket at `path`. A path longer than sun_path (108 bytes) is reached
// through its folder opened here: /proc/self/fd/N/suiji.sock; *dir_fd is then that folder,
// to be closed once bound or connected (-1 otherwise, or if the folder cannot be opened).
sockaddr_un SocketAddress(const std::filesystem::path& path, int* dir_fd) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  *dir_fd = -1;
  std::string p = path.string();
  if (p.size() >= sizeof a.sun_path) {
    *dir_fd = ::open(path.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*dir_fd >= 0) p = "/proc/self/fd/" + std::to_string(*dir_fd) + "/" + path.filename().string();
  }
  if (p.size() < sizeof a.sun_path) std::memcpy(a.sun_path, p.c_str(), p.size() + 1);
  return a;
}

// --- output of a command run in the server ---

// Collects what a command writes. `on_line`, if set, gets each complete line as it is
// written (stderr goes to the client at once: an import's progress), else all is kept.
class CaptureBuf final : public std::streambuf {
 public:
  explicit CaptureBuf(std::function<void(std::string)> on_line = {}) : on_line_(std::move(on_line)) {}
  std::string text;
  void FlushRest() {
    if (on_line_ && !text.empty()) on_line_(std::exchange(text, {}));
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const char ch = static_cast<char>(c);
    xsputn(&ch, 1);
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    text.append(s, static_cast<size_t>(n));
    if (on_line_) {
      const size_t nl = text.rfind('\n');
      if (nl != std::string::npos) {
        std::string lines = text.substr(0, nl + 1);
        text.erase(0, nl + 1);
        on_line_(std::move(lines));
      }
    }
    return n;
  }

 private:
  std::function<void(std::string)> on_line_;
};

std::string ServerName(const std::filesystem::path& data) {
  return "suiji serve (pid " + std::to_string(::getpid()) + ", data " + data.string() + ")";
}

}  // namespace

const std::vector<std::pair<std::string, CommandKind>>& CommandKinds() { return kKinds; }

CommandShape ShapeOf(int argc, const char* const* argv) {
  CommandShape s;
  std::vector<std::string> words;
  for (int i = 1; i < argc && words.size() < 2; ++i) {
    if (argv[i][0] == '-') break;
    words.emplace_back(argv[i]);
  }
  if (words.size() == 2 && FindKind(words[0] + " " + words[1]) != nullptr) {
    s.words = words[0] + " " + words[1];
  } else if (!words.empty() && FindKind(words[0]) != nullptr) {
    s.words = words[0];
  }
  if (const CommandKind* k = FindKind(s.words)) s.kind = *k;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--data" && i + 1 < argc) s.data = argv[i + 1];
    if (a.substr(0, 7) == "--data=") s.data = std::string(a.substr(7));
  }
  return s;
}

std::filesystem::path CommandSocketPath(const std::filesystem::path& data) {
  return data / "run" / "suiji.sock";
}

// --- the client ---

namespace {

// Connects to the server of `data`: the socket, or -1 when no server answers there (none
// started, or a stale socket of one that died: nobody listens), and the command runs here.
int ConnectToServer(const std::filesystem::path& data) {
  int dir_fd = -1;
  const sockaddr_un a = SocketAddress(CommandSocketPath(data), &dir_fd);
  const int fd = a.sun_path[0] == '\0' ? -1 : ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const bool connected = fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  if (dir_fd >= 0) ::close(dir_fd);
  if (!connected) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// Runs the command through the server on `fd`; returns its exit code.
int Forward(int fd, int argc, char** argv, const std::filesystem::path& data) {
  json req = {{"argv", json::array()}, {"data", data.string()}};
  // Paths the server opens by name are made absolute here: it runs in another working
  // directory. (Input files go over the socket as open descriptors: InputPath.)
  auto absolute = [](std::string_view p) {
    std::error_code ec;
    auto a = std::filesystem::absolute(std::filesystem::path(p), ec);
    return ec ? std::string(p) : a.lexically_normal().string();
  };
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    for (std::string_view opt : {"--data", "--root-key"}) {
      const std::string eq = std::string(opt) + "=";
      if (a == opt && i + 1 < argc) {
        req["argv"].push_back(a);
        a = absolute(argv[++i]);
      } else if (a.starts_with(eq)) {
        a = eq + absolute(std::string_view(a).substr(eq.size()));
      }
    }
    req["argv"].push_back(a);
  }
  const char* user = std::getenv("USER");
  req["user"] = user != nullptr ? user : "";
  const std::string body = req.dump(-1, ' ', false, json::error_handler_t::replace);
  if (body.size() > kMaxRequestBytes) {
    ::close(fd);
    return Fail(ResourceExhausted("转发给运行中的服务器的命令行大于 " + std::to_string(kMaxRequestBytes) +
                                  " 字节 / the command line is larger than " +
                                  std::to_string(kMaxRequestBytes) +
                                  " bytes, too large to forward to the running server"));
  }
  // A refusal (another uid) may come before the request is read: it is read all the same.
  const bool sent = SendFrame(fd, 'R', body);
  const std::string send_error = sent ? "" : std::strerror(errno);
  for (;;) {
    auto f = ReadFrame(fd, size_t{2} << 20);
    if (!f.ok()) {
      ::close(fd);
      if (!sent) {
        return Fail(Unavailable("cannot send the command to the running server on " +
                                CommandSocketPath(data).string() + ": " + send_error));
      }
      return Fail(Unavailable("运行中的服务器在命令完成前断开了连接 / the running server closed the connection "
                              "before the command finished (" + f.status().message() +
                              "); whether it was written: suiji log show --data " + data.string()));
    }
    if (f->fd >= 0) ::close(f->fd);
    switch (f->type) {
      case 'O': std::cout << f->payload << std::flush; break;
      case 'E': std::cerr << f->payload << std::flush; break;
      case 'F': {
        // The command names an input file: opened here, as the person running it, from this
        // working directory, and passed to the server.
        const int in = ::open(f->payload.c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0) {
          SendFrame(fd, 'f', std::strerror(errno));
          break;
        }
        struct stat st{};
        if (::fstat(in, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > kMaxInputFileBytes) {
          ::close(in);
          SendFrame(fd, 'f',
                    "输入文件 " + f->payload + " 大于 " + std::to_string(kMaxInputFileBytes >> 30) +
                        " GiB，不能转发给运行中的服务器 / the input file " + f->payload + " is larger than " +
                        std::to_string(kMaxInputFileBytes >> 30) + " GiB, too large to forward to the running server");
          break;
        }
        SendFrame(fd, 'f', "", in);
        ::close(in);
        break;
      }
      case 'X': {
        ::close(fd);
        int code = 1;
        try {
          code = std::stoi(f->payload);
        } catch (...) {
        }
        return code;
      }
      default: break;
    }
  }
}

}  // namespace

int Main(int argc, char** argv) {
  const CommandShape shape = ShapeOf(argc, argv);
  if (shape.kind != CommandKind::kRead && !shape.data.empty()) {
    std::error_code ec;
    std::filesystem::path data = std::filesystem::weakly_canonical(std::filesystem::absolute(shape.data, ec), ec);
    if (ec) data = shape.data;
    if (const int fd = ConnectToServer(data); fd >= 0) return Forward(fd, argc, argv, data);
  }
  Context ctx;
  return RunCommandLine(argc, argv, ctx);
}

// --- the server ---

struct CommandSocket::Shared {
  std::filesystem::path data;  // canonical
  WithNode with_node;
  CommandSocketOptions options;
  int listen_fd = -1;
  int wake[2] = {-1, -1};  // Stop() writes to wake[1]
  std::mutex mu;
  std::condition_variable cv;
  unsigned active = 0;  // connections being answered
  uint64_t next_id = 0;
  std::mutex run_mu;  // one command at a time
};

namespace {

// One request: the connection, and the input files the command asked for.
class Connection {
 public:
  Connection(CommandSocket::Shared& shared, int fd, uint64_t id) : shared_(shared), fd_(fd), id_(id) {}
  ~Connection() {
    DropInputs();
    ::close(fd_);
  }
  // Closes the client's input files and removes their links.
  void DropInputs() {
    for (int f : fds_) ::close(f);
    fds_.clear();
    std::error_code ec;
    if (!staging_.empty()) std::filesystem::remove_all(staging_, ec);
    staging_.clear();
  }
  void Answer();

  // The path in this process of the client's input file `path` (api/cli.h NodeAccess).
  std::string InputPath(const std::string& path);
  void SendErr(std::string text) {
    for (const auto& [staged, original] : renamed_) {
      for (size_t at = text.find(staged); at != std::string::npos; at = text.find(staged, at + original.size())) {
        text.replace(at, staged.size(), original);
      }
    }
    constexpr size_t kChunk = 1 << 20;  // frames the client reads whole
    for (size_t at = 0; alive_ && at < text.size(); at += kChunk) {
      alive_ = SendFrame(fd_, 'E', std::string_view(text).substr(at, kChunk));
    }
  }

 private:
  void Finish(int exit_code, const std::string& out) {
    constexpr size_t kChunk = 1 << 20;  // frames the client reads whole
    for (size_t at = 0; alive_ && at < out.size(); at += kChunk) {
      alive_ = SendFrame(fd_, 'O', std::string_view(out).substr(at, kChunk));
    }
    if (alive_) alive_ = SendFrame(fd_, 'X', std::to_string(exit_code));
  }
  void Refuse(const Status& s) {
    SendErr("suiji: " + s.message() + " [" + std::string(StatusCodeName(s.code())) + "]\n");
    Finish(ExitCodeFor(s), "");
  }

  CommandSocket::Shared& shared_;
  int fd_;
  uint64_t id_;
  bool alive_ = true;  // false once a send failed: the client went away, the command goes on
  std::vector<int> fds_;
  std::filesystem::path staging_;
  std::vector<std::pair<std::string, std::string>> renamed_;  // staged path -> the client's
};

// The server's node, lent to one forwarded command.
class ServedNode final : public NodeAccess {
 public:
  ServedNode(const ServedServices& s, Connection& c) : s_(s), c_(c) {}
  // As OpenWriter: a node key that cannot sign refuses the command before it starts (the
  // server's ledger is open under kReportOnly, for the key commands signed by the root key).
  StatusOr<Ledger*> Writer(NodeKeyRule rule) override {
    if (rule == NodeKeyRule::kInForce) SUIJI_RETURN_IF_ERROR(s_.ledger->NodeKeyStatus());
    return s_.ledger;
  }
  StatusOr<DirectoryService*> Directory() override {
    SUIJI_RETURN_IF_ERROR(s_.ledger->NodeKeyStatus());
    return s_.dirs;
  }
  StatusOr<DrawService*> Draws() override {
    SUIJI_RETURN_IF_ERROR(s_.ledger->NodeKeyStatus());
    return s_.draws;
  }
  StatusOr<InspectionService*> Inspections() override {
    SUIJI_RETURN_IF_ERROR(s_.ledger->NodeKeyStatus());
    return s_.inspections;
  }
  StatusOr<IdentityService*> Identity() override {
    SUIJI_RETURN_IF_ERROR(s_.ledger->NodeKeyStatus());
    return s_.identity;
  }
  std::string InputPath(const std::string& path) override { return c_.InputPath(path); }

 private:
  const ServedServices& s_;
  Connection& c_;
};

std::string Connection::InputPath(const std::string& path) {
  // A private folder per request, holding a link named like the client's file (its suffix
  // says CSV or XLSX) to the descriptor the client passed; error messages that name the link
  // are given back to the client with its own name for the file.
  if (staging_.empty()) {
    staging_ = shared_.data / "run" / ("in-" + std::to_string(id_));
    std::error_code ec;
    std::filesystem::create_directory(staging_, ec);
  }
  std::string name = std::filesystem::path(path).filename().string();
  if (name.empty() || name == "." || name == "..") name = "input";
  const std::filesystem::path dir = staging_ / std::to_string(renamed_.size());
  std::error_code ec;
  std::filesystem::create_directory(dir, ec);
  const std::string staged = (dir / name).string();
  renamed_.emplace_back(staged, path);
  if (!alive_ || !(alive_ = SendFrame(fd_, 'F', path))) return staged;
  auto reply = ReadFrame(fd_, 64 << 10);
  if (!reply.ok()) {
    alive_ = false;  // the client went away: the file is missing, the command says so
    return staged;
  }
  if (reply->fd < 0) {
    // The client could not open it (its reason is what a local run's open would have met),
    // or it is over the size cap, which the client names.
    if (reply->payload.find("GiB") != std::string::npos) SendErr("suiji: " + reply->payload + "\n");
    return staged;
  }
  fds_.push_back(reply->fd);
  std::filesystem::create_symlink("/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(reply->fd),
                                  staged, ec);
  return staged;
}

void Connection::Answer() {
  // Only the node's own operating-system user (the socket's folder is 0700 as well).
  ucred peer{};
  socklen_t len = sizeof peer;
  if (::getsockopt(fd_, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::geteuid()) {
    return Refuse(PermissionDenied("只有节点的操作系统用户（uid " + std::to_string(::geteuid()) + "）可以向 " +
                                   ServerName(shared_.data) + " 发送命令；你是 uid " + std::to_string(peer.uid) +
                                   " / only the node's operating-system user (uid " +
                                   std::to_string(::geteuid()) + ") may send commands to " +
                                   ServerName(shared_.data) + "; you are uid " + std::to_string(peer.uid)));
  }
  auto req = ReadFrame(fd_, kMaxRequestBytes);
  if (!req.ok()) {
    if (req.status().code() == StatusCode::kResourceExhausted) Refuse(req.status());
    return;  // the client went away or sent nothing in time: nothing to answer
  }
  if (req->fd >= 0) ::close(req->fd);
  std::vector<std::string> args;
  std::string data, user;
  try {
    if (req->type != 'R') throw std::runtime_error("not a request");
    const json j = json::parse(req->payload);
    args = j.at("argv").get<std::vector<std::string>>();
    data = j.at("data").get<std::string>();
    user = j.at("user").get<std::string>();
  } catch (const std::exception&) {
    return Refuse(InvalidArgument("not a command request of suiji"));
  }
  std::error_code ec;
  if (std::filesystem::weakly_canonical(data, ec) != shared_.data) {
    return Refuse(InvalidArgument(ServerName(shared_.data) + " serves another data directory than " + data));
  }
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  const CommandShape shape = ShapeOf(static_cast<int>(argv.size()), argv.data());
  if (shape.kind == CommandKind::kLocalOnly) {
    return Refuse(FailedPrecondition(
        "`suiji " + shape.words + "` 不能在 " + ServerName(shared_.data) +
        " 运行时执行；请先停止服务器（systemctl stop suiji） / `suiji " + shape.words +
        "` cannot run while " + ServerName(shared_.data) + " is running on this data directory; stop the "
        "server first (systemctl stop suiji)"));
  }
  if (shape.kind != CommandKind::kWrite) {
    return Refuse(InvalidArgument("only write commands run in " + ServerName(shared_.data) +
                                  "; run `suiji " + shape.words + "` in its own process"));
  }

  CaptureBuf out;
  CaptureBuf err([this](std::string lines) { SendErr(std::move(lines)); });
  int exit_code = 1;
  Status durable;
  {
    std::lock_guard one_at_a_time(shared_.run_mu);
    durable = shared_.with_node([&](const ServedServices& services) {
      ServedNode node(services, *this);
      Context ctx;
      ctx.served = &node;
      ctx.env_user = user;
      // The command's own streams (Out() and Err() of this thread): it never touches the
      // process's std::cout and std::cerr, which the HTTP threads write to meanwhile. Err() is
      // unit-buffered as std::cerr is, so progress reaches the client line by line.
      std::ostream cmd_out(&out), cmd_err(&err);
      cmd_err.setf(std::ios::unitbuf);
      cmd_err.tie(&cmd_out);
      CommandOutput streams(cmd_out, cmd_err);
      try {
        exit_code = RunCommandLine(static_cast<int>(argv.size()), argv.data(), ctx);
      } catch (const std::exception& e) {
        Err() << "suiji: internal error: " << e.what() << " [internal]\n";
        exit_code = 1;
      } catch (...) {
        Err() << "suiji: internal error [internal]\n";
        exit_code = 1;
      }
      cmd_out.flush();
      cmd_err.flush();
    });
    DropInputs();
  }
  err.FlushRest();
  if (!durable.ok()) {
    // What the command printed about its entries is not to be believed: they are not durable.
    SendErr("suiji: " + durable.message() + " [" + std::string(StatusCodeName(durable.code())) + "]\n");
    return Finish(ExitCodeFor(durable), "");
  }
  Finish(exit_code, out.text);
}

}  // namespace

StatusOr<std::unique_ptr<CommandSocket>> CommandSocket::Open(const std::filesystem::path& data, WithNode with_node,
                                                             CommandSocketOptions options) {
  auto shared = std::make_shared<Shared>();
  std::error_code ec;
  shared->data = std::filesystem::weakly_canonical(std::filesystem::absolute(data), ec);
  if (ec) return Unavailable("cannot resolve " + data.string() + ": " + ec.message());
  shared->with_node = std::move(with_node);
  shared->options = options;
  // The server holds the writer lock: whatever is in run/ was left by one that died.
  const std::filesystem::path run = shared->data / "run";
  std::filesystem::remove_all(run, ec);
  if (::mkdir(run.c_str(), 0700) != 0 && errno != EEXIST) {
    return Unavailable("cannot create " + run.string() + ": " + std::strerror(errno));
  }
  if (::chmod(run.c_str(), 0700) != 0) return Unavailable("cannot chmod " + run.string());
  const std::filesystem::path path = CommandSocketPath(shared->data);
  int dir_fd = -1;
  const sockaddr_un a = SocketAddress(path, &dir_fd);
  if (a.sun_path[0] == '\0') return Unavailable("cannot open " + run.string() + ": " + std::strerror(errno));
  shared->listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (shared->listen_fd < 0) return Unavailable(std::string("socket: ") + std::strerror(errno));
  // Made 0600 once bound (no process-wide umask change in a server with threads running);
  // meanwhile the 0700 folder keeps others out.
  const int bound = ::bind(shared->listen_fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  if (dir_fd >= 0) ::close(dir_fd);
  if (bound != 0 || ::chmod(path.c_str(), 0600) != 0 || ::listen(shared->listen_fd, 16) != 0) {
    const std::string why = std::strerror(errno);
    ::close(shared->listen_fd);
    return Unavailable("cannot listen on " + path.string() + ": " + why);
  }
  if (::pipe2(shared->wake, O_CLOEXEC) != 0) {
    ::close(shared->listen_fd);
    return Unavailable(std::string("pipe: ") + std::strerror(errno));
  }
  return std::unique_ptr<CommandSocket>(new CommandSocket(std::move(shared)));
}

CommandSocket::CommandSocket(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {
  listener_ = std::thread([s = shared_] {
    for (;;) {
      pollfd p[2] = {{s->listen_fd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
      if (::poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (p[1].revents != 0) return;
      const int fd = ::accept4(s->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const timeval tv{s->options.io_timeout_ms / 1000, (s->options.io_timeout_ms % 1000) * 1000};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      uint64_t id = 0;
      {
        std::lock_guard lock(s->mu);
        if (s->active >= s->options.max_connections) {
          const Status busy = Unavailable("运行中的服务器正忙（" + std::to_string(s->active) +
                                          " 个命令连接），请稍后重试 / the running server is busy (" +
                                          std::to_string(s->active) + " command connections); try again");
          SendFrame(fd, 'E', "suiji: " + busy.message() + " [unavailable]\n");
          SendFrame(fd, 'X', std::to_string(ExitCodeFor(busy)));
          ::close(fd);
          continue;
        }
        ++s->active;
        id = s->next_id++;
      }
      std::thread([s, fd, id] {
        {
          Connection c(*s, fd, id);
          c.Answer();
        }
        std::lock_guard lock(s->mu);
        --s->active;
        s->cv.notify_all();
      }).detach();
    }
  });
}

void CommandSocket::Stop() {
  if (!listener_.joinable()) return;
  (void)!::write(shared_->wake[1], "x", 1);
  listener_.join();
  ::close(shared_->listen_fd);
  std::error_code ec;
  std::filesystem::remove(CommandSocketPath(shared_->data), ec);
  // The connections being answered may be running a command on the server's node: it must
  // outlive them.
  std::unique_lock lock(shared_->mu);
  shared_->cv.wait(lock, [&] { return shared_->active == 0; });
  ::close(shared_->wake[0]);
  ::close(shared_->wake[1]);
}

CommandSocket::~CommandSocket() { Stop(); }

}  // namespace suiji::cli
