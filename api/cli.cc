#include "api/cli.h"

#include <unistd.h>

#include <cstdlib>

namespace suiji::cli {

Actor Context::actor() const {
  Actor a;
  a.org_unit = org;
  if (!user.empty()) {
    a.user = user;
  } else if (env_user) {  // forwarded: the client's $USER ("" if it had none)
    a.user = env_user->empty() ? "uid:" + std::to_string(::getuid()) : *env_user;
  } else if (const char* u = std::getenv("USER"); u != nullptr) {
    a.user = u;
  } else {
    a.user = "uid:" + std::to_string(::getuid());
  }
  return a;
}

NodeAccess& Context::node() {
  if (served != nullptr) return *served;
  if (!local) local = OpenLocalNode(data);
  return *local;
}

int ExitCodeFor(const Status& s) {
  if (IsDiskFull(s)) return 5;  // free space on the disk the message names, then retry
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kAborted:
    case StatusCode::kUnavailable: return 3;
    case StatusCode::kDataLoss: return 4;
    default: return 1;
  }
}

namespace {
thread_local std::ostream* t_out = nullptr;
thread_local std::ostream* t_err = nullptr;
}  // namespace

std::ostream& Out() { return t_out != nullptr ? *t_out : std::cout; }
std::ostream& Err() { return t_err != nullptr ? *t_err : std::cerr; }

CommandOutput::CommandOutput(std::ostream& out, std::ostream& err) : out_(t_out), err_(t_err) {
  t_out = &out;
  t_err = &err;
}

CommandOutput::~CommandOutput() {
  t_out = out_;
  t_err = err_;
}

int Fail(const Status& s) {
  Err() << "suiji: " << s.message() << " [" << StatusCodeName(s.code()) << "]\n";
  return ExitCodeFor(s);
}

void Run(Context& ctx, const std::function<Status()>& body) {
  Status s = body();
  if (!s.ok()) ctx.exit_code = Fail(s);
}

StatusOr<std::unique_ptr<Ledger>> OpenLedger(const Context& ctx, bool write) {
  NodePaths paths{ctx.data};
  return write ? OpenWriter(paths) : OpenReader(paths);
}

void AddCommon(CLI::App* c, Context& ctx) {
  c->add_option("--data", ctx.data, "data directory of the ledger")->required();
  c->add_option("--org", ctx.org, "acting org unit recorded in events")->capture_default_str();
  c->add_option("--user", ctx.user, "acting user recorded in events (default: $USER)");
}

}  // namespace suiji::cli
