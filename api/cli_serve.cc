// `suiji serve`: runs the HTTP API (api/http/server.h) until SIGINT or SIGTERM; with
// --replica a read replica (api/http/replica.h), whose data directory `suiji replica init`
// makes.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/cli.h"
#include "api/cli_socket.h"
#include "api/http/openapi_schemas.h"
#include "api/http/server.h"

namespace suiji::cli {

namespace {
http::Server* g_server = nullptr;

// `suiji replica init`: a data directory for a read replica (node.conf naming the writer's
// brokers and topic, nothing else: no keys, no transactional id), checked against the topic
// before anything is left behind.
void RegisterReplicaInit(CLI::App& app, Context& ctx) {
  static std::string from, brokers, topic, ledger, root_key;
  static int timeout_ms = 0;
  auto* replica = app.add_subcommand("replica", "read replicas of a node on Kafka (suiji serve --replica)");
  replica->require_subcommand(1);
  auto* init = replica->add_subcommand("init", "make a replica's data directory that follows the writer's topic");
  init->add_option("--data", ctx.data, "the replica's data directory (new or empty)")->required();
  init->add_option("--from", from, "the writer's node.conf (brokers, topic and timeout are taken from it)");
  init->add_option("--kafka-brokers", brokers, "HOST:PORT[,...] (instead of --from, or overriding it)");
  init->add_option("--kafka-topic", topic, "the writer's entries topic (instead of --from, or overriding it)");
  init->add_option("--ledger", ledger, "refuse unless the topic holds this ledger");
  init->add_option("--root-key", root_key, "refuse unless the ledger's root key (genesis) has this key id");
  init->add_option("--kafka-timeout-ms", timeout_ms, "bound on each step with the brokers (default 10000)");
  init->callback([&] {
    Run(ctx, [&]() -> Status {
      NodeConfig c;
      if (!from.empty()) {
        std::ifstream in(from, std::ios::binary);
        if (!in) return NotFound("cannot read " + from);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        SUIJI_ASSIGN_OR_RETURN(NodeConfig w, ParseNodeConfig(text, from));
        if (w.backend != Backend::kKafka) {
          return FailedPrecondition(from + " names no Kafka backend: a replica follows a Kafka topic");
        }
        c.kafka_brokers = w.kafka_brokers;
        c.kafka_topic = w.kafka_topic;
        c.kafka_timeout_ms = w.kafka_timeout_ms;
      }
      c.backend = Backend::kKafka;
      if (!brokers.empty()) c.kafka_brokers = brokers;
      if (!topic.empty()) c.kafka_topic = topic;
      if (timeout_ms > 0) c.kafka_timeout_ms = timeout_ms;
      if (c.kafka_brokers.empty() || c.kafka_topic.empty()) {
        return InvalidArgument("a replica needs the writer's brokers and topic: --from WRITER/node.conf, or "
                               "--kafka-brokers and --kafka-topic");
      }
      const NodePaths paths{ctx.data};
      std::error_code ec;
      const bool existed = std::filesystem::exists(paths.dir, ec);
      if (existed && !std::filesystem::is_empty(paths.dir, ec)) {
        return AlreadyExists(paths.dir.string() + " is not empty: a replica starts from a new data directory");
      }
      std::filesystem::create_directories(paths.dir, ec);
      if (ec) return Unavailable("cannot create " + paths.dir.string() + ": " + ec.message());
      {
        std::ofstream out(paths.config(), std::ios::binary | std::ios::trunc);
        out << "# A read replica (suiji serve --replica): follows the writer's topic, never writes it.\n"
            << FormatNodeConfig(c);
        out.close();
        if (!out) return Unavailable("cannot write " + paths.config().string());
      }
      // Nothing is left behind unless the topic holds the ledger asked for.
      auto check = [&]() -> Status {
        SUIJI_ASSIGN_OR_RETURN(auto l, OpenReader(paths));
        if (!ledger.empty() && l->ledger_id() != ledger) {
          return FailedPrecondition("Kafka topic " + c.kafka_topic + " holds ledger " + l->ledger_id() +
                                    ", not " + ledger);
        }
        std::string root;
        for (const auto& [id, k] : l->keys().keys()) {
          if (k.registered_at == 0 && (k.roles & kRoleAuthority) != 0) root = id;
        }
        if (!root_key.empty() && root != root_key) {
          return FailedPrecondition("the ledger's root key is " + root + ", not " + root_key);
        }
        Out() << "replica of ledger " << l->ledger_id() << " (root key " << root << ", " << l->size()
                  << " entries) in Kafka topic " << c.kafka_topic << " at " << c.kafka_brokers << "\n"
                  << "serve it with: suiji serve --replica --data " << paths.dir.string() << "\n";
        return OkStatus();
      };
      Status s = check();
      if (!s.ok()) {
        if (existed) {
          std::filesystem::remove(paths.config(), ec);
        } else {
          std::filesystem::remove_all(paths.dir, ec);
        }
      }
      return s;
    });
  });
}

extern "C" void OnSignal(int) {
  if (g_server != nullptr) g_server->Stop();
}
}  // namespace

void RegisterServeCommands(CLI::App& app, Context& ctx) {
  static std::string listen = "127.0.0.1:8080", config;
  static http::ServerOptions o;
  auto* serve = app.add_subcommand("serve", "run the HTTP API (/api/v1, /public, /metrics)");
  serve->add_option("--data", ctx.data, "data directory of the node");
  serve->add_option("--listen", listen, "HOST:PORT")->capture_default_str();
  serve->add_option("--config", config, "config file (key = value lines; flags override it)");
  serve->add_option("--tls-cert", o.tls_cert, "PEM certificate: serve HTTPS");
  serve->add_option("--tls-key", o.tls_key, "PEM private key");
  serve->add_flag("--log-requests", o.log_requests, "one line per request on stderr");
  serve->add_option("--console", o.console_dir,
                    "the built staff console served at /console/ (default: console/ next to the suiji binary)");
  serve->add_option("--verifier-web", o.verifier_web_dir,
                    "the built browser verifier served at /public/verifier/ (default: verifier/web/ beside the binary's folder)");
  serve->add_option("--trusted-proxy", o.trusted_proxies,
                    "a reverse proxy's address (repeatable): only from it is X-Real-IP the client's address");
  serve->add_flag("--replica", o.replica,
                  "a read replica: follow the writer's Kafka topic from a data directory of its own "
                  "(suiji replica init), serve reads, refuse writes");
  serve->callback([&, serve] {
    Run(ctx, [&]() -> Status {
      http::ServerOptions opts = o;
      if (!config.empty()) {
        SUIJI_ASSIGN_OR_RETURN(opts, http::ReadServerConfig(config, o));
      }
      if (!ctx.data.empty()) opts.data = ctx.data;
      if (serve->count("--replica") > 0) opts.replica = true;
      if (opts.data.empty()) return InvalidArgument("--data (or data = in the config file) is required");
      if (serve->count("--listen") > 0 || config.empty()) {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos) return InvalidArgument("--listen is HOST:PORT");
        opts.host = listen.substr(0, colon);
        try {
          opts.port = std::stoi(listen.substr(colon + 1));
        } catch (...) {
          return InvalidArgument("--listen: bad port");
        }
      }
      SUIJI_ASSIGN_OR_RETURN(auto server, http::Server::Open(opts));
      SUIJI_RETURN_IF_ERROR(server->Bind());
      // The command line beside the server: write commands come in here and run on its node.
      // Without it (e.g. no room on a full disk for DIR/run) the server still serves; the
      // command line's writes then meet the writer lock, as before.
      // A read replica takes no write, so it opens no command socket (its command line reads
      // its own projections).
      auto commands = opts.replica ? StatusOr<std::unique_ptr<CommandSocket>>(nullptr) :
          CommandSocket::Open(opts.data, [&server](const std::function<void(const ServedServices&)>& fn) {
            return server->WithNode([&](const http::NodeServices& s) {
              fn(ServedServices{s.ledger, s.dirs, s.draws, s.inspections, s.identity});
            });
          });
      g_server = server.get();
      std::signal(SIGINT, OnSignal);
      std::signal(SIGTERM, OnSignal);
      Err() << "suiji serve: " << (opts.tls_cert.empty() ? "http" : "https") << "://" << opts.host << ":"
                << server->port() << " (data " << opts.data << (opts.replica ? ", read replica" : "") << ")\n";
      if (!opts.tls_cert.empty()) {
        // cpp-httplib's TLS server reads each connection on a thread of its own, before the
        // connection front (head caps and deadlines, per-address caps) can see a byte.
        Err() << "suiji serve: 警告：节点直接提供 HTTPS 时没有连接前置防护（请求头上限与超时、每地址连接上限）；"
                     "生产环境请由 nginx 终止 TLS（ops/nginx/）。\n"
                     "suiji serve: warning: serving TLS directly bypasses the connection front (head caps "
                     "and deadlines, per-address limits); terminate TLS in nginx (ops/nginx/) in production\n";
      }
      if (commands.ok() && *commands == nullptr) {
        // A replica: nothing to say.
      } else if (commands.ok()) {
        Err() << "suiji serve: 命令行写命令经由 / write commands of the command line go through "
                  << CommandSocketPath(opts.data).string() << "\n";
      } else {
        Err() << "suiji serve: 警告：命令行写命令无法经由本服务器 / warning: write commands of the command "
                     "line cannot go through this server: "
                  << commands.status().message() << "\n";
      }
      Status s = server->Serve();
      g_server = nullptr;
      if (commands.ok() && *commands != nullptr) (*commands)->Stop();  // waits for a command being run on the node, before it goes
      return s;
    });
  });
  RegisterReplicaInit(app, ctx);
  // The API's description, the same document GET /api/v1/openapi.json serves, without a node
  // (api/web/ generates the console's types from it: npm run gen:api).
  app.add_subcommand("openapi", "print openapi.json (every route's body, reply and errors)")->callback([&ctx] {
    Run(ctx, []() -> Status {
      Out() << http::OpenApiDocument().dump(2) << "\n";
      return OkStatus();
    });
  });
}

}  // namespace suiji::cli
