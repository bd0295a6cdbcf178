#include "api/http/console.h"

#include <httplib.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace suiji::http {

namespace {

constexpr char kCsp[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    // The ceremony's reveal fetches the committed drand round in the browser (api/web).
    "connect-src 'self' https://api.drand.sh; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

std::string TypeOf(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  return "application/octet-stream";
}

bool ReadWhole(const std::filesystem::path& p, std::string* out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return false;
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

void JsonError(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_content(R"({"code":")" + code + R"(","message":")" + message + R"(","details":{}})",
                  "application/json; charset=utf-8");
}

}  // namespace

std::filesystem::path ConsoleDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "console";
  return exe.parent_path() / "console";
}

void MountConsole(httplib::Server& server, const std::filesystem::path& dir) {
  server.Get("/console", [](const httplib::Request&, httplib::Response& res) {
    res.status = 301;
    res.set_header("Location", "/console/");
  });
  server.Get("/console/(.*)", [dir](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Content-Security-Policy", kCsp);
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("X-Content-Type-Options", "nosniff");
    const std::string rel = req.matches.size() > 1 ? req.matches[1].str() : "";
    if (rel.find('\0') != std::string::npos || rel.find("..") != std::string::npos || rel.find('\\') != std::string::npos) {
      JsonError(res, 400, "bad_path", "路径无效 (the path is not valid)");
      return;
    }
    std::string body;
    std::filesystem::path file = dir / (rel.empty() ? "index.html" : rel);
    const bool found = ReadWhole(file, &body);
    if (!found) {
      // A screen of the console's router, not a file: the page that routes it. A missing
      // asset is a 404, so a stale page does not get HTML for its script.
      file = dir / "index.html";
      if (rel.starts_with("assets/") || !ReadWhole(file, &body)) {
        JsonError(res, 404, "no_console",
                  std::filesystem::exists(dir / "index.html")
                      ? "没有这个文件 (no such file of the console)"
                      : "工作台尚未构建：运行 ops/build.sh，或用 --console 指定构建目录 (the console is not built: run "
                        "ops/build.sh, or name its build with --console)");
        return;
      }
    }
    const bool hashed = found && rel.starts_with("assets/");
    res.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    res.status = 200;
    res.set_content(std::move(body), TypeOf(file).c_str());
  });
}

}  // namespace suiji::http
