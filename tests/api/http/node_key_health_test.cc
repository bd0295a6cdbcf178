// A node whose key is not in force (revoked, here) still starts and serves reads, but says
// so: /healthz answers 503 naming the key and what to do, and a write answers 503 with the
// same reason, never a client's 403 (issue 17, item 12).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/directory_service.h"
#include "api/http/server.h"
#include "api/identity_service.h"
#include "api/node.h"
#include "ledger/keystore.h"
#include "projections/directory_projection.h"
#include "tests/support/credit_codes.h"
#include "tests/support/test_node.h"

namespace suiji::http {
namespace {

using nlohmann::json;

class NodeKeyHealth : public ::testing::Test {
 protected:
  void SetUp() override {
    InitCrypto();
    dir_ = testing_support::FreshTestDir("suiji-keyhealth");
    Actor setup{"320000", "setup"};
    NodePaths paths{dir_};
    auto init = InitNode(paths, "test.suiji/keyhealth", "", "", setup, LedgerOptions{});
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    Ledger& ledger = *init->ledger;
    {
      auto projection = DirectoryProjection::Open(dir_);
      ASSERT_TRUE(projection.ok());
      DirectoryService dirs(ledger, **projection, ledger.storage());
      ASSERT_TRUE(testing_support::RegisterProvinceAndCity(dirs, setup).ok());
      IdentityService ids(ledger, ledger.storage());
      ASSERT_TRUE(ids.Sync().ok());
      identity::UserRecord u{"clerk", "登记员", "320400", {"registry_clerk"}, "", {}, ""};
      ASSERT_TRUE(ids.RegisterUser(u, setup).ok());
      token_ = ids.IssueToken("clerk", "test", 0, setup)->token;
    }
    node_key_id_ = KeyIdOf(*ledger.node_public_key());
    auto root = ReadKeyFile(paths.root_key());
    ASSERT_TRUE(root.ok());
    auto revoked = ledger.RevokeKey(*root, node_key_id_, "compromised", setup);
    ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
    revoked_at_ = *revoked;
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::string token_, node_key_id_;
  uint64_t revoked_at_ = 0;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(NodeKeyHealth, RevokedNodeKeyIsReportedByHealthzAndWritesAnswer503) {
  ServerOptions o;
  o.data = dir_.string();
  o.port = 0;
  auto s = Server::Open(o);
  ASSERT_TRUE(s.ok()) << "a node key out of force must not stop the node serving reads: "
                      << s.status().ToString();
  server_ = std::move(*s);
  ASSERT_TRUE(server_->Bind().ok());
  thread_ = std::thread([this] { (void)server_->Serve(); });
  httplib::Client client("127.0.0.1", server_->port());
  client.set_read_timeout(10, 0);

  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 503) << health->body;
  json h = json::parse(health->body);
  EXPECT_EQ(h["status"], "key_not_in_force") << health->body;
  const std::string why = h["message"].get<std::string>();
  EXPECT_NE(why.find("node key " + node_key_id_ + " is not in force: it was revoked at entry " +
                     std::to_string(revoked_at_)),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("suiji key rotate"), std::string::npos) << "what to do: " << why;

  httplib::Headers auth{{"Authorization", "Bearer " + token_}};
  auto read = client.Get("/api/v1/orgs", auth);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200) << read->body;

  const std::string code = testing_support::SampleCreditCode("320400", 1);
  auto put = client.Put(("/api/v1/targets/" + code).c_str(), auth,
                        R"({"name":"常州示例有限公司","region":"320400","industry":"3411","headcount":20})",
                        "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 503) << put->body;
  json e = json::parse(put->body);
  EXPECT_EQ(e["code"], "unavailable") << put->body;
  EXPECT_NE(e["message"].get<std::string>().find("node key " + node_key_id_ + " is not in force"),
            std::string::npos)
      << put->body;
}

}  // namespace
}  // namespace suiji::http
