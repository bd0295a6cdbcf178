// `suiji user add|disable|list|password` and `suiji token issue|revoke`: the users of the HTTP
// API (api/identity_service.h). The first administrator is made here, on the node, before any
// HTTP request can be authenticated, and given its first console password
// (`suiji user password`, api/credentials.h).
#include <fstream>
#include <iostream>

#include "api/cli.h"
#include "api/credentials.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "projections/projections.h"

namespace suiji::cli {

namespace {

// The identity service folded to the end of the log: a write command's is the node's
// (Context::node: this process's own, or the running server's); `user list` folds its own.
struct IdentityNode {
  std::unique_ptr<Ledger> ledger;                       // read-only commands
  std::shared_ptr<LmdbProjection> projections;          // read-only commands
  std::unique_ptr<IdentityService> owned;               // read-only commands
  IdentityService* service = nullptr;
};

// Decides against the identity folder of the node's projections, caught up with the entries
// it has not seen (never a fold of the whole log).
StatusOr<IdentityNode> OpenIdentity(Context& ctx, bool write) {
  IdentityNode n;
  if (write) {
    SUIJI_ASSIGN_OR_RETURN(n.service, ctx.node().Identity());
    return n;
  }
  SUIJI_ASSIGN_OR_RETURN(n.ledger, OpenLedger(ctx, false));
  SUIJI_ASSIGN_OR_RETURN(n.projections, OpenProjections(NodePaths{ctx.data}.dir));
  n.owned = std::make_unique<IdentityService>(*n.ledger, n.projections, n.ledger->storage());
  SUIJI_RETURN_IF_ERROR(n.owned->Sync());
  n.service = n.owned.get();
  return n;
}

}  // namespace

void RegisterIdentityCommands(CLI::App& app, Context& ctx) {
  // A process may register and run commands more than once (the server runs forwarded
  // commands in-process, one at a time): every registration starts from the defaults.
  static identity::UserRecord u;
  static std::string key_hex, reason, label, user_id, token_id, password_file;
  static int64_t ttl;
  static bool json_out;
  u = {};
  key_hex = reason = label = user_id = token_id = password_file = {};
  ttl = 0;
  json_out = false;
  auto* user = app.add_subcommand("user", "users of the HTTP API: roles and jurisdiction");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "register a user (or a new version of it)");
  AddCommon(add, ctx);
  add->add_option("--id", u.user_id, "user id ([A-Za-z0-9._@-], at most 64)")->required();
  add->add_option("--name", u.name, "the person's or system's name")->required();
  add->add_option("--org-id", u.org_id, "the org unit it acts for (its region is the jurisdiction)")->required();
  add->add_option("--role", u.roles,
                  "registry_clerk, planner, inspector, reviewer, supervisor, administrator (repeatable)")
      ->required();
  add->add_option("--inspector-id", u.inspector_id, "with the inspector role: the directory inspector");
  add->add_option("--public-key", key_hex, "Ed25519 public key (hex) for signed requests");
  add->add_option("--note", u.note, "note");
  add->callback([&] {
    Run(ctx, [&]() -> Status {
      if (!key_hex.empty()) {
        SUIJI_ASSIGN_OR_RETURN(u.public_key, FromHex(key_hex));
      }
      SUIJI_ASSIGN_OR_RETURN(IdentityNode n, OpenIdentity(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->RegisterUser(u, ctx.actor()));
      Out() << "user " << u.user_id << " registered at sequence " << seq << "\n";
      return OkStatus();
    });
  });
  auto* dis = user->add_subcommand("disable", "disable a user: none of its tokens work any more");
  AddCommon(dis, ctx);
  dis->add_option("user", user_id, "user id")->required();
  dis->add_option("--reason", reason, "why")->required();
  dis->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(IdentityNode n, OpenIdentity(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->DisableUser({user_id, reason}, ctx.actor()));
      Out() << "user " << user_id << " disabled at sequence " << seq << "\n";
      return OkStatus();
    });
  });
  // The password is read from a file (its first line), never from the command line, where
  // other users of the machine could see it; beside a running server the file is passed to it
  // as a descriptor, like an import's.
  auto* pw = user->add_subcommand(
      "password", "set a user's staff console password (the node operator, the user itself, or an administrator)");
  AddCommon(pw, ctx);
  pw->add_option("user", user_id, "user id")->required();
  pw->add_option("--password-file", password_file, "a file whose first line is the password (at least 10 characters)")
      ->required();
  pw->add_option("--reason", reason, "why (e.g. 初始密码)");
  pw->callback([&] {
    Run(ctx, [&]() -> Status {
      std::ifstream in(ctx.node().InputPath(password_file), std::ios::binary);
      if (!in) return NotFound("cannot read the password file " + password_file);
      std::string password;
      std::getline(in, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
      SUIJI_ASSIGN_OR_RETURN(IdentityNode n, OpenIdentity(ctx, true));
      CredentialStore store(NodePaths{ctx.data}.dir);
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, SetPassword(*n.service, store, user_id, password, reason, ctx.actor()));
      Out() << "password of user " << user_id << " set at sequence " << seq
            << " (the log records that it was set, never the password or its hash)\n";
      return OkStatus();
    });
  });
  auto* list = user->add_subcommand("list", "list users and their tokens");
  AddCommon(list, ctx);
  list->add_flag("--json", json_out, "JSON output");
  list->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(IdentityNode n, OpenIdentity(ctx, false));
      nlohmann::json out = nlohmann::json::array();
      SUIJI_RETURN_IF_ERROR(n.service->Read([&](const identity::IdentityStore& s) {
        s.ForEachUser([&](const identity::UserInfo& info) {
          nlohmann::json tokens = nlohmann::json::array();
          for (const identity::TokenInfo& t : s.TokensOf(info.user.user_id)) {
            tokens.push_back({{"token_id", t.token.token_id}, {"label", t.token.label}, {"revoked", t.revoked}});
          }
          out.push_back({{"user_id", info.user.user_id}, {"name", info.user.name}, {"org_id", info.user.org_id},
                         {"region", info.region}, {"roles", info.user.roles}, {"disabled", info.disabled},
                         {"tokens", tokens}});
          return true;
        });
        return OkStatus();
      }));
      if (json_out) {
        Out() << out.dump(2) << "\n";
      } else {
        for (const auto& x : out) {
          Out() << x["user_id"].get<std::string>() << "\t" << x["name"].get<std::string>() << "\t"
                    << x["org_id"].get<std::string>() << "\t" << x["roles"].dump()
                    << (x["disabled"].get<bool>() ? "\tdisabled" : "") << "\n";
        }
      }
      return OkStatus();
    });
  });

  auto* token = app.add_subcommand("token", "bearer tokens of the HTTP API");
  token->require_subcommand(1);
  // Separation of duties: a user issues its own tokens (`--user` naming it); an actor that is
  // no registered user is the node operator, who bootstraps first tokens. An administrator
  // never issues one for another user (IdentityService::IssueToken refuses it).
  auto* issue = token->add_subcommand(
      "issue", "issue a token for a user (by itself, or the node operator); printed once, kept as SHA-256");
  AddCommon(issue, ctx);
  issue->add_option("user", user_id, "user id")->required();
  issue->add_option("--label", label, "what the token is for");
  issue->add_option("--ttl", ttl, "seconds until it expires (0: never)")->capture_default_str();
  issue->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(IdentityNode n, OpenIdentity(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(IssuedToken t, n.service->IssueToken(user_id, label, ttl, ctx.actor()));
      Err() << "token " << t.token_id << " for " << user_id << " (shown once; keep it secret):\n";
      Out() << t.token << "\n";
      return OkStatus();
    });
  });
  auto* revoke = token->add_subcommand("revoke", "revoke a token (takes effect at once)");
  AddCommon(revoke, ctx);
  revoke->add_option("token_id", token_id, "token id")->required();
  revoke->add_option("--reason", reason, "why");
  revoke->callback([&] {
    Run(ctx, [&]() -> Status {
      SUIJI_ASSIGN_OR_RETURN(IdentityNode n, OpenIdentity(ctx, true));
      SUIJI_ASSIGN_OR_RETURN(uint64_t seq, n.service->RevokeToken({token_id, reason}, ctx.actor()));
      Out() << "token " << token_id << " revoked at sequence " << seq << "\n";
      return OkStatus();
    });
  });
}

}  // namespace suiji::cli
