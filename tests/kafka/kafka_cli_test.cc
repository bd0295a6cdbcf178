// The command line on the Kafka backend, as real processes: `suiji init --backend kafka`,
// the directory commands, `log export`, `suiji-verify` (of the export and of the data
// directory, which runs `suiji log export` and so reads the topic) and the example
// subscriber, suiji-example-consumer. Also node.conf parsing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/node.h"
#include "tests/support/run_process.h"
#include "tests/support/credit_codes.h"
#include "ledger/core/codes/credit_code.h"
#include "tests/kafka/kafka_test_util.h"

namespace suiji {
namespace {

using testing_support::Contains;
using testing_support::ReadFile;
using testing_support::RunResult;

namespace fs = std::filesystem;
using kafka_test::KafkaTest;

std::string Code(uint64_t n) { return testing_support::SampleCreditCode("320402", n); }

class KafkaCliTest : public KafkaTest {
 protected:
  void SetUp() override {
    KafkaTest::SetUp();
    if (HasFatalFailure()) return;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("suiji-kcli-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    KafkaTest::TearDown();
  }

  RunResult Run(const std::string& binary, const std::vector<std::string>& args) {
    RunResult r = testing_support::RunBinary(binary, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run " << binary;
    return r;
  }
  RunResult Suiji(std::vector<std::string> args) { return Run(SUIJI_BIN_SUIJI, std::move(args)); }

  // `suiji init --backend kafka` on this test's topic, then the two org units.
  void InitWithOrgs() {
    auto r = Suiji({"init", "--data", data_, "--ledger", "cz.hrss.gov.cn/inspections",
                    "--backend", "kafka", "--kafka-brokers", kafka_test::Brokers(),
                    "--kafka-topic", topic_, "--org", "320400", "--user", "admin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(Contains(r.out, "Kafka topic " + topic_)) << r.out;
    r = Suiji({"org", "add", "--data", data_, "--id", "320000", "--name", "江苏省人力资源和社会保障厅",
               "--region", "320000", "--level", "province", "--org", "320000", "--user", "admin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Suiji({"org", "add", "--data", data_, "--id", "320400", "--name", "常州市人力资源和社会保障局",
               "--region", "320400", "--level", "city", "--parent", "320000", "--org", "320000",
               "--user", "admin"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string dir_s() const { return dir_.string(); }
  fs::path dir_;
  std::string data_;
};

TEST_F(KafkaCliTest, CliInitImportListExportVerifyOnKafka) {
  ASSERT_NO_FATAL_FAILURE(InitWithOrgs());
  const std::string conf = ReadFile(fs::path(data_) / "node.conf");
  EXPECT_TRUE(Contains(conf, "backend=kafka\n")) << conf;
  EXPECT_TRUE(Contains(conf, "kafka.topic=" + topic_ + "\n")) << conf;
  // Nothing of the log is kept locally.
  EXPECT_FALSE(fs::exists(fs::path(data_) / "log"));

  // A second init on the same directory is refused.
  auto again = Suiji({"init", "--data", data_, "--ledger", "cz.hrss.gov.cn/inspections",
                      "--backend", "kafka", "--kafka-brokers", kafka_test::Brokers(),
                      "--kafka-topic", topic_});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(Contains(again.err, "already exists")) << again.err;

  const fs::path csv = dir_ / "targets.csv";
  {
    std::ofstream f(csv, std::ios::binary);
    f << "统一社会信用代码,单位名称,行政区划代码,行业代码,职工人数\n";
    for (int i = 1; i <= 25; ++i) {
      f << Code(static_cast<uint64_t>(i)) << ",常州测试纺织有限公司" << i << ",320402,3411,"
        << 10 + i << "\n";
    }
  }
  auto r = Suiji({"import", "targets", "--data", data_, "--org", "320400", csv.string(),
                  "--user", "clerk"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  r = Suiji({"list", "targets", "--data", data_, "--limit", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int i = 1; i <= 25; ++i) {
    EXPECT_TRUE(Contains(r.out, Code(static_cast<uint64_t>(i)))) << i << "\n" << r.out;
  }
  r = Suiji({"list", "targets", "--data", data_, "--region", "320402", "--industry", "3411",
             "--json", "--limit", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t count = 0;  // one JSON object a line
  std::istringstream json_lines(r.out);
  for (std::string line; std::getline(json_lines, line);) {
    if (line.empty()) continue;
    auto t = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(t.is_discarded()) << line;
    EXPECT_EQ(t["region"], "320402");
    EXPECT_EQ(t["org_id"], "320400");
    ++count;
  }
  EXPECT_EQ(count, 25u) << r.out;

  // Re-importing the same file appends nothing.
  r = Suiji({"import", "targets", "--data", data_, "--org", "320400", csv.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << r.out;
  EXPECT_EQ(report["unchanged"], 25);
  EXPECT_EQ(report["events"], 0);

  // The projection rebuilt from the topic has the digest of the one kept up to date.
  r = Suiji({"projection", "digest", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string digest = r.out;
  r = Suiji({"projection", "rebuild", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, digest.substr(0, 64))) << r.out << " vs " << digest;

  const fs::path exported = dir_ / "ledger.export";
  r = Suiji({"log", "export", "--data", data_, "--out", exported.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run(SUIJI_BIN_VERIFY, {exported.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // suiji-verify --data runs `suiji log export`, which reads the ledger from the topic.
  r = Run(SUIJI_BIN_VERIFY, {"--data", data_, "--suiji", SUIJI_BIN_SUIJI});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  r = Suiji({"log", "show", "--data", data_, "--json", "--limit", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "\"TargetRegistered\"")) << r.out;
}

TEST_F(KafkaCliTest, CliReadersWorkWhileTheLogLivesOnlyInKafka) {
  ASSERT_NO_FATAL_FAILURE(InitWithOrgs());
  // Two data directories pointing at one topic: the second gets node.conf and nothing
  // else, and still reads the ledger (read-only commands need no key).
  const fs::path other = dir_ / "mirror";
  fs::create_directories(other);
  fs::copy_file(fs::path(data_) / "node.conf", other / "node.conf");
  auto r = Suiji({"list", "orgs", "--data", other.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "320400")) << r.out;
  r = Suiji({"projection", "digest", "--data", other.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto first = Suiji({"projection", "digest", "--data", data_});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(r.out, first.out);
  // Export and verify from the mirror; writing there is refused (no node key).
  const fs::path exported = dir_ / "mirror.export";
  r = Suiji({"log", "export", "--data", other.string(), "--out", exported.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run(SUIJI_BIN_VERIFY, {exported.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Suiji({"memo", "--data", other.string(), "--subject", "s", "--text", "t"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "no node key")) << r.err;
}

TEST_F(KafkaCliTest, CliNodeConfErrorsNameTheFileAndLine) {
  fs::create_directories(data_);
  {
    std::ofstream f(fs::path(data_) / "node.conf");
    f << "# comment\nbackend=kafka\nkafka.brokers=127.0.0.1:1\nkafka.topik=x\n";
  }
  auto r = Suiji({"list", "orgs", "--data", data_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, (fs::path(data_) / "node.conf").string() + ":4:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "kafka.topik")) << r.err;
  // --kafka-brokers is required with --backend kafka.
  r = Suiji({"init", "--data", (dir_ / "x").string(), "--ledger", "a/b", "--backend", "kafka"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST(NodeConfigTest, ParsesWritesAndDerivesTheTopic) {
  EXPECT_EQ(DefaultKafkaTopic("cz.hrss.gov.cn/inspections"), "suiji.cz.hrss.gov.cn.inspections");
  auto c = ParseNodeConfig(
      "backend = kafka\n\n# x\nkafka.brokers=a:1,b:2\nkafka.topic=t.1\nkafka.replication_factor=3\n"
      "kafka.min_insync_replicas=2\nkafka.transactional_id=w\n",
      "f");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->backend, Backend::kKafka);
  EXPECT_EQ(c->kafka_brokers, "a:1,b:2");
  EXPECT_EQ(c->kafka_topic, "t.1");
  EXPECT_EQ(c->kafka_replication_factor, 3);
  EXPECT_EQ(c->kafka_min_insync_replicas, 2);
  EXPECT_EQ(c->kafka_transactional_id, "w");
  auto round = ParseNodeConfig(FormatNodeConfig(*c), "g");
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->kafka_topic, "t.1");
  EXPECT_EQ(round->kafka_transactional_id, "w");
  EXPECT_EQ(ParseNodeConfig("", "f")->backend, Backend::kLmdb);
  auto bad = ParseNodeConfig("backend=lmdb\nbackend=cassandra\n", "DIR/node.conf");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(bad.status().message(), "DIR/node.conf:2:")) << bad.status().ToString();
  EXPECT_EQ(ParseNodeConfig("kafka.replication_factor=0\n", "f").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNodeConfig("no equals sign\n", "f").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNodeConfig("backend=kafka\nkafka.topic=t\n", "f").status().code(),
            StatusCode::kInvalidArgument);  // no brokers
}

// The example subscriber prints every entry of a topic a ledger wrote, in order.
TEST_F(KafkaCliTest, CliExampleConsumerNamesEverySequence) {
  ASSERT_NO_FATAL_FAILURE(InitWithOrgs());
  for (int i = 0; i < 3; ++i) {
    auto r = Suiji({"memo", "--data", data_, "--subject", "s" + std::to_string(i), "--text", "t"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto show = Suiji({"log", "show", "--data", data_, "--json", "--limit", "1000"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  std::vector<nlohmann::json> entries;
  std::istringstream lines(show.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) entries.push_back(nlohmann::json::parse(line));
  }
  ASSERT_GE(entries.size(), 6u);

  auto r = Run(SUIJI_BIN_EXAMPLE_CONSUMER,
               {"--brokers", kafka_test::Brokers(), "--topic", topic_, "--timeout-ms", "20000"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> out_lines;
  std::istringstream outs(r.out);
  for (std::string line; std::getline(outs, line);) out_lines.push_back(line);
  ASSERT_EQ(out_lines.size(), entries.size()) << r.out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const std::string expect = "seq=" + std::to_string(e["sequence"].get<uint64_t>()) +
                               " type=" + e["type"].get<std::string>() + " actor=" +
                               e["actor"]["user"].get<std::string>() + "@" +
                               e["actor"]["org_unit"].get<std::string>() +
                               " time=" + e["time"].get<std::string>() +
                               " key=" + e["key_id"].get<std::string>();
    EXPECT_EQ(out_lines[i], expect);
  }
  EXPECT_TRUE(Contains(r.out, "type=Genesis")) << r.out;
  EXPECT_TRUE(Contains(r.out, "type=Memo")) << r.out;
}

}  // namespace
}  // namespace suiji
