// What `suiji serve` creates in its data directory is private whatever the umask (a node run
// outside systemd, whose unit sets UMask=0077): the audit folder 0700, the failed-sign-in
// trail 0600, the projection's marker and files 0600.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "api/http/server.h"
#include "api/node.h"

namespace suiji::http {
namespace {

mode_t ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(HttpPrivateFiles, TheServersFilesArePrivateUnderUmask022) {
  InitCrypto();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("suiji-http-private-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const mode_t old_umask = ::umask(022);
  {
    auto init = InitNode(NodePaths{dir}, "test.suiji/private", "", "", Actor{"320000", "setup"}, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
  }
  ServerOptions o;
  o.data = dir.string();
  o.port = 0;
  auto server = Server::Open(o);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->Bind().ok());
  std::thread serving([&] { (void)(*server)->Serve(); });
  httplib::Client client("127.0.0.1", (*server)->port());
  auto r = client.Get("/api/v1/me", httplib::Headers{{"Authorization", "Bearer sj_not_a_token"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  const std::filesystem::path trail = dir / "audit" / "auth-failures.jsonl";
  ASSERT_TRUE(std::filesystem::exists(trail));
  EXPECT_EQ(ModeOf(dir / "audit"), 0700u);
  EXPECT_EQ(ModeOf(trail), 0600u);
  EXPECT_EQ(ModeOf(dir / "projections" / "state" / "unsynced"), 0600u);
  (*server)->Stop();
  serving.join();
  server->reset();
  ::umask(old_umask);
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    EXPECT_EQ(ModeOf(e.path()), e.is_directory() ? 0700u : 0600u) << e.path();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji::http
