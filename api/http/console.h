// The staff console (issue 18; source in api/web/): the built files served at /console/.
//
// The files are read from `ServerOptions::console_dir`, or else from `console/` next to the
// `suiji` binary (where ops/build.sh puts the build: build/api/console/). Files under
// /console/assets/ carry a content hash in their names and are cached for a year
// (immutable); everything else, index.html first, is `no-cache`. A path that names no file
// (a screen of the console's own router, e.g. /console/directory/targets) gets index.html.
// /console redirects to /console/. Without a built console every /console/ path is 404
// `no_console`, saying how to build it. Paths with ".." or a NUL are refused (400).
// Every reply carries a Content-Security-Policy (scripts and everything else from the node
// itself only; inline styles for Element Plus) and forbids framing.
#pragma once

#include <filesystem>
#include <string>

namespace httplib {
class Server;
}

namespace suiji::http {

// `configured` if set, else <directory of this executable>/console.
std::filesystem::path ConsoleDir(const std::string& configured);
// Adds GET /console and /console/... to `server`.
void MountConsole(httplib::Server& server, const std::filesystem::path& dir);

}  // namespace suiji::http
