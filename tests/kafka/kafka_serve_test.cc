// `suiji serve` on the Kafka backend: a node made by `suiji init --backend kafka` (node.conf
// names the topic) is served over HTTP; a write through the API is a signed event in the
// topic naming its user, the projection answers reads, and after a restart of the server an
// idempotent retry is answered from the log kept in Kafka.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/http/server.h"
#include "api/node.h"
#include "ledger/core/envelope.h"
#include "tests/kafka/kafka_test_util.h"
#include "tests/support/credit_codes.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class KafkaServeTest : public kafka_test::KafkaTest {
 protected:
  void SetUp() override {
    KafkaTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = fs::temp_directory_path() / ("suiji-kserve-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
  }
  void TearDown() override {
    StopServer();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    KafkaTest::TearDown();
  }

  std::string Suiji(const std::vector<std::string>& args) {
    auto r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  void StartServer() {
    http::ServerOptions o;
    o.data = data_;
    o.port = 0;
    auto s = http::Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30, 0);
  }
  void StopServer() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  fs::path dir_;
  std::string data_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(KafkaServeTest, ServeWritesAndReadsOnKafka) {
  Suiji({"init", "--data", data_, "--ledger", "cz.hrss.gov.cn/inspections", "--backend", "kafka",
         "--kafka-brokers", kafka_test::Brokers(), "--kafka-topic", topic_, "--org", "320000", "--user", "admin"});
  Suiji({"org", "add", "--data", data_, "--id", "320000", "--name", "江苏省人力资源和社会保障厅", "--region", "320000",
         "--level", "province", "--org", "320000", "--user", "admin"});
  Suiji({"org", "add", "--data", data_, "--id", "320400", "--name", "常州市人力资源和社会保障局", "--region", "320400",
         "--level", "city", "--parent", "320000", "--org", "320000", "--user", "admin"});
  Suiji({"user", "add", "--data", data_, "--id", "clerk", "--name", "登记员", "--org-id", "320400", "--role",
         "registry_clerk", "--org", "320000", "--user", "admin"});
  std::string token = Suiji({"token", "issue", "--data", data_, "clerk", "--org", "320000", "--user", "admin"});
  token = token.substr(0, token.find('\n'));
  ASSERT_EQ(token.rfind("sj_", 0), 0u) << token;

  StartServer();
  const std::string code = testing_support::SampleCreditCode("320402", 7);
  const httplib::Headers h{{"Authorization", "Bearer " + token}, {"Idempotency-Key", "put-1"}};
  const std::string body = R"({"name": "常州卡夫卡测试有限公司", "region": "320402", "industry": "3411", "headcount": 30})";
  auto put = client_->Put(("/api/v1/targets/" + code).c_str(), h, body, "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  const uint64_t seq = json::parse(put->body)["sequence"];
  auto get = client_->Get(("/api/v1/targets/" + code).c_str(), h);
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  EXPECT_EQ(json::parse(get->body)["name"], "常州卡夫卡测试有限公司");
  StopServer();

  // The event is in the topic, naming the user and carrying the request's key and digest.
  auto reader = OpenNodeStorage(NodePaths{data_}, NodeRole::kReader);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  bool seen = false;
  ASSERT_TRUE((*reader)->Read(seq, seq + 1, [&](uint64_t, ByteView b) {
                auto e = ParseEntry(b);
                EXPECT_TRUE(e.ok());
                if (!e.ok()) return false;
                EXPECT_EQ(e->type(), EventType::TargetRegistered);
                EXPECT_EQ(e->actor_user(), "clerk");
                // The key, a tab, and the hex SHA-256 of the request (identity::RequestInfo).
                const std::string_view request = e->actor_request();
                EXPECT_TRUE(request.starts_with("put-1\t")) << request;
                EXPECT_EQ(request.size(), 6u + 64u) << request;
                seen = true;
                return true;
              }).ok());
  EXPECT_TRUE(seen);
  const uint64_t size = *(*reader)->Size();
  reader->reset();

  // A new server process state: the retry is answered from the log, no second event.
  StartServer();
  auto again = client_->Put(("/api/v1/targets/" + code).c_str(), h, body, "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
  EXPECT_TRUE(json::parse(again->body)["idempotent_replay"].get<bool>()) << again->body;
  EXPECT_EQ(json::parse(again->body)["sequence"].get<uint64_t>(), seq);
  auto health = client_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body)["log_size"].get<uint64_t>(), size);
}

}  // namespace
}  // namespace suiji
