// `suiji serve`: runs the HTTP API (api/http/server.h) until SIGINT or SIGTERM.
#include <csignal>
#include <iostream>

#include "api/cli.h"
#include "api/cli_socket.h"
#include "api/http/server.h"

namespace suiji::cli {

namespace {
http::Server* g_server = nullptr;
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
  serve->add_option("--trusted-proxy", o.trusted_proxies,
                    "a reverse proxy's address (repeatable): only from it is X-Real-IP the client's address");
  serve->callback([&, serve] {
    Run(ctx, [&]() -> Status {
      http::ServerOptions opts = o;
      if (!config.empty()) {
        SUIJI_ASSIGN_OR_RETURN(opts, http::ReadServerConfig(config, o));
      }
      if (!ctx.data.empty()) opts.data = ctx.data;
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
      auto commands =
          CommandSocket::Open(opts.data, [&server](const std::function<void(const ServedServices&)>& fn) {
            return server->WithNode([&](const http::NodeServices& s) {
              fn(ServedServices{s.ledger, s.dirs, s.draws, s.inspections, s.identity});
            });
          });
      g_server = server.get();
      std::signal(SIGINT, OnSignal);
      std::signal(SIGTERM, OnSignal);
      std::cerr << "suiji serve: " << (opts.tls_cert.empty() ? "http" : "https") << "://" << opts.host << ":"
                << server->port() << " (data " << opts.data << ")\n";
      if (!opts.tls_cert.empty()) {
        // cpp-httplib's TLS server reads each connection on a thread of its own, before the
        // connection front (head caps and deadlines, per-address caps) can see a byte.
        std::cerr << "suiji serve: 警告：节点直接提供 HTTPS 时没有连接前置防护（请求头上限与超时、每地址连接上限）；"
                     "生产环境请由 nginx 终止 TLS（ops/nginx/）。\n"
                     "suiji serve: warning: serving TLS directly bypasses the connection front (head caps "
                     "and deadlines, per-address limits); terminate TLS in nginx (ops/nginx/) in production\n";
      }
      if (commands.ok()) {
        std::cerr << "suiji serve: 命令行写命令经由 / write commands of the command line go through "
                  << CommandSocketPath(opts.data).string() << "\n";
      } else {
        std::cerr << "suiji serve: 警告：命令行写命令无法经由本服务器 / warning: write commands of the command "
                     "line cannot go through this server: "
                  << commands.status().message() << "\n";
      }
      Status s = server->Serve();
      g_server = nullptr;
      if (commands.ok()) (*commands)->Stop();  // waits for a command being run on the node, before it goes
      return s;
    });
  });
}

}  // namespace suiji::cli
