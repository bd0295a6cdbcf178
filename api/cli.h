// Shared pieces of the `suiji` command line: the options every command takes, exit codes,
// and how errors are printed. Each command group registers its subcommands on the app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/node.h"
#include "ledger/core/inspection/public_record.h"

namespace suiji {
class DirectoryService;
class DrawService;
class InspectionService;
class IdentityService;
}  // namespace suiji

namespace suiji::cli {

// Exit codes (README.md): 0 done, 1 refused/failed, 2 usage, 3 retryable, 4 integrity.
inline constexpr int kExitUsage = 2;

// Where a write command gets its node: the seam between the command code and the process it
// runs in. Without a server the command's own process opens the data directory (LocalNode:
// the writer lock, the ledger, the services folded to the end of the log); a command that
// `suiji` forwarded to the running `suiji serve` (api/cli_socket.h) gets the server's own
// open node instead (its ledger with group commit, its services and read models), so there
// is never a second writer. The command code is the same in both: it asks this object.
// Each getter opens or syncs what it returns; pointers stay valid for the command's run.
// Not thread-safe: one command uses it at a time.
class NodeAccess {
 public:
  virtual ~NodeAccess() = default;
  // The writer ledger. `rule`: what an open does when the node key cannot sign (a server's
  // ledger is always open under kReportOnly: its appends then answer kUnavailable).
  virtual StatusOr<Ledger*> Writer(NodeKeyRule rule = NodeKeyRule::kInForce) = 0;
  virtual StatusOr<DirectoryService*> Directory() = 0;
  virtual StatusOr<DrawService*> Draws() = 0;
  virtual StatusOr<InspectionService*> Inspections() = 0;
  virtual StatusOr<IdentityService*> Identity() = 0;
  // A file the command reads, as named on its command line: the path to open in this
  // process (in the server: the client's own file, passed as a descriptor).
  virtual std::string InputPath(const std::string& path) { return path; }
};

// Opens the data directory `data` in this process, lazily (api/cli_node.cc).
std::unique_ptr<NodeAccess> OpenLocalNode(std::string data);

struct Context {
  std::string data;
  std::string org = "local";
  std::string user;
  int exit_code = 0;
  // The client's $USER when the command was forwarded to the server (the default actor).
  std::optional<std::string> env_user;
  Actor actor() const;
  // The node of a write command: `served` when set (the server's), else this process's own.
  NodeAccess& node();
  NodeAccess* served = nullptr;
  std::unique_ptr<NodeAccess> local;
};

// Where a command writes its output: std::cout and std::cerr, except in a command that the
// running server runs for a client (api/cli_socket.cc), which has streams of its own for its
// thread (CommandOutput). Command code writes to Out() and Err(), never to std::cout and
// std::cerr themselves: in the server those are the process's, which its HTTP threads write
// to at the same time (a stream object's state may not be changed by two threads at once).
std::ostream& Out();
std::ostream& Err();
// Makes Out() and Err() of this thread `out` and `err` until destroyed (then what they were).
class CommandOutput {
 public:
  CommandOutput(std::ostream& out, std::ostream& err);
  ~CommandOutput();
  CommandOutput(const CommandOutput&) = delete;
  CommandOutput& operator=(const CommandOutput&) = delete;

 private:
  std::ostream* out_;
  std::ostream* err_;
};

int ExitCodeFor(const Status& s);
// Prints "suiji: <message> [<code>]" to stderr and returns the exit code for it.
int Fail(const Status& s);
// Adds --data, --org and --user to a subcommand.
void AddCommon(CLI::App* c, Context& ctx);
// Runs a command body; a failed status becomes ctx.exit_code.
void Run(Context& ctx, const std::function<Status()>& body);
// The ledger of ctx.data: the writer (`write`) or a reader.
StatusOr<std::unique_ptr<Ledger>> OpenLedger(const Context& ctx, bool write);

void RegisterDirectoryCommands(CLI::App& app, Context& ctx);
// `suiji plan|task|draw` (api/cli_draw.cc).
void RegisterDrawCommands(CLI::App& app, Context& ctx);
// `suiji announce|result|followup` (api/cli_inspection.cc).
// The public record folded from the whole log of the node in `data` (read-only).
StatusOr<std::unique_ptr<inspection::PublicRecord>> ReadPublicRecord(const std::string& data);
void RegisterInspectionCommands(CLI::App& app, Context& ctx);
// `suiji public bundle` (api/cli_public.cc).
void RegisterPublicCommands(CLI::App& app, Context& ctx);
// `suiji stats` (api/cli_stats.cc).
void RegisterStatsCommands(CLI::App& app, Context& ctx);
// `suiji user|token` (api/cli_identity.cc).
void RegisterIdentityCommands(CLI::App& app, Context& ctx);
// `suiji serve` (api/cli_serve.cc).
void RegisterServeCommands(CLI::App& app, Context& ctx);

}  // namespace suiji::cli
