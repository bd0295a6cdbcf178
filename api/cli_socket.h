// The command line beside a running server. `suiji serve` listens on a Unix domain socket in
// its data directory, DIR/run/suiji.sock (the folder 0700, the socket 0600; the server also
// checks with SO_PEERCRED that the peer runs as its own uid, so only the node's operating-
// system user can use it, and it is never reachable from the network). A write command of
// `suiji` (CommandKinds) that finds a server there sends it the command line, its --data and
// $USER; the server runs the very same command code in-process (RunCommandLine with
// Context::served set to its own open node, under its state lock: no second writer) and
// sends back what the command wrote on stdout and stderr and its exit code, so the output and
// exit codes are today's. The input files a command names (imports, task and result files,
// calendar tables) are opened by the client, as the person running it, and passed to the
// server as descriptors (SCM_RIGHTS) when the command asks for them, so the server reads them
// even where it cannot see the client's files (systemd's ProtectHome, PrivateTmp).
//
// Commands that cannot run inside the server (init, serve, key rotate, projection rebuild)
// are refused by it, naming it; read commands never go through it (they read the log and the
// projections themselves: LMDB readers do not block the writer). Without a server, or with a
// stale socket of a server that died (nobody listens: ECONNREFUSED), every command runs in
// its own process as before.
//
// Bounds: one request per connection; at most kMaxRequestBytes of command line; input files
// up to kMaxInputFileBytes each; every read and write on the socket times out after
// CommandSocketOptions::io_timeout_ms (a client that stops reading loses its output, the
// command still finishes); at most max_connections at once; commands run one at a time. A
// client that dies mid-request leaves the server as it was (the command, if it had started,
// finishes and is durable as any other write), and nothing a request does stops the server.
//
// Frames on the socket: a 4-byte big-endian length, then a type byte and the payload.
//   client -> server  'R' request: JSON {"argv": [...], "data": DIR (absolute), "user": $USER|""}
//                     'f' an input file: the descriptor attached, or an error text without it
//   server -> client  'O' stdout bytes, 'E' stderr bytes, 'F' "send me this input file",
//                     'X' the exit code (decimal); the server then closes the connection
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/cli.h"

namespace suiji::cli {

// Runs one command line in this process (api/suiji_main.cc). `registered`, if given, sees the
// whole command tree before it is parsed.
int RunCommandLine(int argc, const char* const* argv, Context& ctx,
                   const std::function<void(CLI::App&)>& registered = {});

// What a command does to the node, which decides where it runs while a server serves.
enum class CommandKind {
  kRead,       // reads only: always in its own process (no writer lock)
  kWrite,      // appends: through the running server, else in its own process
  kLocalOnly,  // cannot run beside a server: refused while one serves the directory
};
// Every command of `suiji` by its words ("import targets", "memo"), with its kind.
const std::vector<std::pair<std::string, CommandKind>>& CommandKinds();

// The command words and --data of a command line, found without running it.
struct CommandShape {
  std::string words;  // "" if not a known command (it then runs here, and CLI11 says why)
  std::string data;   // the --data value, "" if none
  CommandKind kind = CommandKind::kRead;
};
CommandShape ShapeOf(int argc, const char* const* argv);

inline constexpr size_t kMaxRequestBytes = 1 << 20;
inline constexpr uint64_t kMaxInputFileBytes = uint64_t{4} << 30;

// DIR/run/suiji.sock
std::filesystem::path CommandSocketPath(const std::filesystem::path& data);

// `suiji`'s entry: a write or local-only command with --data naming a directory whose server
// answers on its socket goes to it; anything else runs here.
int Main(int argc, char** argv);

struct CommandSocketOptions {
  int io_timeout_ms = 10000;      // each read and write on a connection
  unsigned max_connections = 16;  // more are told the server is busy
};

// The node a running server lends to a forwarded command (cli_serve.cc fills it from
// http::Server::WithNode: this file does not depend on the HTTP server).
struct ServedServices {
  Ledger* ledger = nullptr;
  DirectoryService* dirs = nullptr;
  DrawService* draws = nullptr;
  InspectionService* inspections = nullptr;
  IdentityService* identity = nullptr;
};

// The server's end: listens on CommandSocketPath(data) and runs each request's command line
// through `with_node` (http::Server::WithNode: the node under its state lock, folded and
// durable afterwards). Lifetime: Stop() (or the destructor) closes
// the socket, removes its file and waits for the connections being answered.
class CommandSocket {
 public:
  using WithNode = std::function<Status(const std::function<void(const ServedServices&)>&)>;
  static StatusOr<std::unique_ptr<CommandSocket>> Open(const std::filesystem::path& data, WithNode with_node,
                                                       CommandSocketOptions options = {});
  ~CommandSocket();
  void Stop();

  struct Shared;  // what the listener and the connections share

 private:
  explicit CommandSocket(std::shared_ptr<Shared> shared);
  std::shared_ptr<Shared> shared_;
  std::thread listener_;
};

}  // namespace suiji::cli
