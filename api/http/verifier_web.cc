#include "api/http/verifier_web.h"

#include <httplib.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"

namespace suiji::http {

namespace {

constexpr char kCacheControl[] = "public, max-age=10, must-revalidate";

std::string TypeOf(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
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

// The reply with its ETag (of `body`) and Cache-Control; 304 when the client holds it.
void Send(const httplib::Request& req, httplib::Response& res, int status, std::string body, const std::string& type) {
  const Hash h = Sha256(AsBytes(body));
  const std::string etag = "\"v" + ToHex(ByteView(h.data(), 16)) + "\"";
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", kCacheControl);
  res.set_header("X-Content-Type-Options", "nosniff");
  const std::string inm = req.get_header_value("If-None-Match");
  if (status == 200 && !inm.empty() && (inm == "*" || inm.find(etag) != std::string::npos)) {
    res.status = 304;
    return;
  }
  res.status = status;
  res.set_content(std::move(body), type.c_str());
}

}  // namespace

std::filesystem::path VerifierWebDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "verifier/web";
  return exe.parent_path().parent_path() / "verifier" / "web";
}

void MountVerifierWeb(httplib::Server& server, const std::filesystem::path& dir) {
  server.Get("/public/verifier/(.*)", [dir](const httplib::Request& req, httplib::Response& res) {
    const std::string rel = req.matches.size() > 1 ? req.matches[1].str() : "";
    const char* kJson = "application/json; charset=utf-8";
    if (rel.find('\0') != std::string::npos || rel.find("..") != std::string::npos ||
        rel.find('\\') != std::string::npos) {
      Send(req, res, 400, R"J({"code":"bad_path","message":"路径无效 (the path is not valid)","details":{}})J", kJson);
      return;
    }
    std::string body;
    const std::filesystem::path file = dir / (rel.empty() ? "suiji-verify.js" : rel);
    if (!ReadWhole(file, &body)) {
      Send(req, res, 404,
           R"J({"code":"no_verifier","message":"浏览器验证组件未安装：构建 verifier/web，或用 --verifier-web 指定其目录 )J"
           R"J((the browser verifier is not installed: build verifier/web, or name its build with --verifier-web)","details":{}})J",
           kJson);
      return;
    }
    Send(req, res, 200, std::move(body), TypeOf(file));
  });
}

}  // namespace suiji::http
