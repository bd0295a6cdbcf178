// Shared pieces of the `suiji` command line: the options every command takes, exit codes,
// and how errors are printed. Each command group registers its subcommands on the app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "api/node.h"
#include "ledger/core/inspection/public_record.h"

namespace suiji::cli {

// Exit codes (README.md): 0 done, 1 refused/failed, 2 usage, 3 retryable, 4 integrity.
inline constexpr int kExitUsage = 2;

struct Context {
  std::string data;
  std::string org = "local";
  std::string user;
  int exit_code = 0;
  Actor actor() const;
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
