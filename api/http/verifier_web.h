// The browser verifier (issue 19; source in verifier/web/, built into build/verifier/web/):
// its built files served at /public/verifier/, for the draw page's "在浏览器中验证" button
// (api/http/pages_draw.cc), which imports /public/verifier/suiji-verify.js when pressed.
//
// The files are read from `ServerOptions::verifier_web_dir`, or else from
// <directory of the suiji binary>/../verifier/web (where the build puts it:
// build/api/suiji -> build/verifier/web/). Public like every /public route: no sign-in, a
// strong ETag of the file's bytes, `Cache-Control: public, max-age=10, must-revalidate`, and
// 304 on If-None-Match. A missing file is 404 `no_verifier` ("浏览器验证组件未安装 …"; the
// page says the same when the import fails). Paths with "..", a backslash or a NUL are 400.
#pragma once

#include <filesystem>
#include <string>

namespace httplib {
class Server;
}

namespace suiji::http {

// `configured` if set, else <directory of this executable>/../verifier/web.
std::filesystem::path VerifierWebDir(const std::string& configured);
// Adds GET /public/verifier/... to `server`.
void MountVerifierWeb(httplib::Server& server, const std::filesystem::path& dir);

}  // namespace suiji::http
