// The task and result files (api/record_readers.h): the fuzz target's seeds are accepted and
// read back to the same record, strictness names the path, and evidence paths are refused
// when the caller says so (the HTTP API).
#include "api/record_readers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace suiji::cli {
namespace {

using nlohmann::json;

json Seed(const std::string& name) {
  std::ifstream in(std::string(SUIJI_TEST_VECTORS) + "/../fuzz/corpus/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

TEST(RecordReadersTest, TaskSeedReadsBackToTheSameRecord) {
  draw::TaskRecord t;
  ASSERT_TRUE(TaskFromJson(Seed("task.json"), &t).ok());
  EXPECT_EQ(t.quotas.size(), 1u);
  EXPECT_EQ(t.joint_departments, std::vector<std::string>{"市场监管局"});
  draw::TaskRecord again;
  ASSERT_TRUE(TaskFromJson(TaskToJson(t), &again).ok());
  EXPECT_EQ(again, t);
}

TEST(RecordReadersTest, ResultSeedReadsBackToTheSameRecord) {
  inspection::ResultRecord r;
  ASSERT_TRUE(ResultFromJson(Seed("result.json"), &r, EvidenceFiles::kRefused).ok());
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0].violations[0].fine_yuan, 5000u);
  json written = ResultToJson(r);
  written.erase("revision");
  for (auto& item : written["items"]) item.erase("outcome_label");
  inspection::ResultRecord again;
  ASSERT_TRUE(ResultFromJson(written, &again, EvidenceFiles::kRefused).ok());
  EXPECT_EQ(again, r);
}

TEST(RecordReadersTest, UnknownKeysAndWrongTypesNameTheirPath) {
  json task = Seed("task.json");
  task["inspectors"]["team_sise"] = 2;
  draw::TaskRecord t;
  Status s = TaskFromJson(task, &t);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown key \"inspectors.team_sise\""), std::string::npos) << s.message();
  json result = Seed("result.json");
  result["items"][0]["violations"][0]["fine_yuan"] = -5;
  inspection::ResultRecord r;
  s = ResultFromJson(result, &r, EvidenceFiles::kRefused);
  EXPECT_NE(s.message().find("items[0].violations[0].fine_yuan"), std::string::npos) << s.message();
}

// Found by the fuzz target in CI: an item without an outcome was accepted (Unknown), and its
// written form ("unknown") did not read back.
TEST(RecordReadersTest, AnItemWithoutAnOutcomeIsRefusedNamingIt) {
  json result = Seed("result.json");
  result["items"][0].erase("outcome");
  inspection::ResultRecord r;
  Status s = ResultFromJson(result, &r, EvidenceFiles::kRefused);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("items[0].outcome is missing"), std::string::npos) << s.message();
  inspection::ResultRecord bare;
  s = ResultFromJson(json::parse(R"({"items":[{}]})"), &bare, EvidenceFiles::kRefused);
  EXPECT_NE(s.message().find("items[0].outcome is missing"), std::string::npos) << s.message();
}

TEST(RecordReadersTest, EvidencePathsAreReadOnlyWhenAllowed) {
  json result = Seed("result.json");
  result["evidence"] = {{{"file", std::string(SUIJI_TEST_VECTORS) + "/../fuzz/corpus/task.json"}, {"kind", "文件"}}};
  inspection::ResultRecord refused;
  Status s = ResultFromJson(result, &refused, EvidenceFiles::kRefused);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("evidence[0].file"), std::string::npos);
  inspection::ResultRecord read;
  ASSERT_TRUE(ResultFromJson(result, &read, EvidenceFiles::kRead).ok());
  EXPECT_EQ(read.evidence[0].name, "task.json");
  EXPECT_GT(read.evidence[0].size, 100u);
}

}  // namespace
}  // namespace suiji::cli
