// The identity folder after the demo (ops/demo.sh, run as a real process into a fresh data
// directory) answers every user, token, key, org unit and idempotency-key query as the
// in-memory fold of the same log (identity::IdentityWorld, the oracle), and a rebuild gives
// the same digest as the projection the demo's commands left. Slow: it runs the whole demo.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/replay.h"
#include "projections/identity_projection.h"
#include "projections/projections.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;

TEST(IdentityProjectionDemo, SlowAgreesWithTheInMemoryFoldOnTheDemo) {
  const fs::path root = fs::path(SUIJI_TEST_VECTORS).parent_path().parent_path();
  const fs::path build = fs::path(SUIJI_BIN_SUIJI).parent_path().parent_path();
  const fs::path dir = fs::temp_directory_path() / ("suiji-iddemo-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path data = dir / "data";
  ::setenv("BUILD_DIR", build.c_str(), 1);
  auto run = testing_support::RunBinary("/bin/bash",
                                        {(root / "ops" / "demo.sh").string(), data.string()}, dir);
  ASSERT_EQ(run.exit_code, 0) << run.err.substr(run.err.size() > 4000 ? run.err.size() - 4000 : 0);

  auto log = OpenLmdbStorage(data, StorageMode::kReadOnly);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  identity::IdentityWorld oracle;
  std::set<std::pair<std::string, std::string>> requests;  // (user, idempotency key) of every entry
  ASSERT_TRUE(ReplayLog(**log, 0, [&](const EntryView& e) {
                if (!e.actor_request().empty()) {
                  const std::string_view r = e.actor_request();
                  requests.emplace(std::string(e.actor_user()),
                                   std::string(r.substr(0, r.find('\t'))));
                }
                return oracle.Apply(e);
              }).ok());
  ASSERT_GT(oracle.users().size(), 1u);

  Hash left_by_demo{};
  {
    auto projections = OpenProjections(data);
    ASSERT_TRUE(projections.ok()) << projections.status().ToString();
    ASSERT_TRUE((*projections)->CatchUp(**log).ok());
    IdentityProjection p(*projections);
    ASSERT_TRUE(p.Read([&](const identity::IdentityStore& s) {
                   const identity::IdentityStore& want = oracle.store();
                   size_t users = 0;
                   s.ForEachUser([&](const identity::UserInfo& u) {
                     ++users;
                     EXPECT_EQ(want.GetUser(u.user.user_id), u);
                     return true;
                   });
                   EXPECT_EQ(users, oracle.users().size());
                   for (const auto& [id, u] : oracle.users()) {
                     EXPECT_EQ(s.GetUser(id), u) << id;
                     EXPECT_EQ(s.TokensOf(id), want.TokensOf(id)) << id;
                     EXPECT_EQ(identity::CoversAll(s, u), identity::CoversAll(want, u)) << id;
                     EXPECT_EQ(s.EnabledUsersOfInspector(u.user.inspector_id),
                               want.EnabledUsersOfInspector(u.user.inspector_id))
                         << id;
                     if (!u.user.public_key.empty()) {
                       EXPECT_EQ(s.EnabledUserByKey(u.user.public_key),
                                 want.EnabledUserByKey(u.user.public_key));
                     }
                   }
                   for (const auto& [id, t] : oracle.tokens()) {
                     EXPECT_EQ(s.GetToken(id), t) << id;
                     EXPECT_EQ(s.TokenIdByHash(t.token.token_sha256), std::optional(id));
                   }
                   for (const auto& [org, region] : oracle.org_regions()) {
                     EXPECT_EQ(s.GetOrgRegion(org), std::optional(region)) << org;
                   }
                   for (const auto& [user, key] : requests) {
                     EXPECT_EQ(s.GetRequest(user, key), want.GetRequest(user, key))
                         << user << " " << key;
                   }
                   return OkStatus();
                 }).ok());
    left_by_demo = *p.Digest();
  }
  fs::remove_all(data / "projections");
  auto rebuilt = OpenProjections(data);
  ASSERT_TRUE((*rebuilt)->CatchUp(**log).ok());
  EXPECT_EQ(*IdentityProjection(*rebuilt).Digest(), left_by_demo);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace suiji
