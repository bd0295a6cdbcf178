// The streaming verifier (#16 item 5) gives the same report as the verifier that held the
// whole log. tests/verifier/data/year.export is a generated year (tests/bench/verify_bench
// --entries 400: directory import, 10 drawn tasks, a re-import ten days later that the later
// commits see as last-minute changes, every result recorded, confirmed, submitted, reviewed
// and published; late and overdue deadlines; confirmations by names that are not users, which
// the authority audit fails); year.report.json is what `suiji-verify year.export --json
// --threads 2` printed when built from commit 9de4ba6, before the verifier streamed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_process.h"
#include "verifier/report.h"

namespace suiji {
namespace {

const std::string kData = std::string(SUIJI_TEST_VECTORS) + "/../verifier/data/";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The report without its run time (the one field that differs run to run).
nlohmann::json Comparable(nlohmann::json j) {
  j.erase("seconds");
  return j;
}

nlohmann::json OldReport() { return Comparable(nlohmann::json::parse(Slurp(kData + "year.report.json"))); }

nlohmann::json NewReport(const std::string& file, uint64_t chunk, std::vector<size_t>* consumed) {
  VerifyOptions options;
  options.threads = 2;
  options.chunk_entries = chunk;
  if (consumed != nullptr) options.consumed = [consumed](size_t offset) { consumed->push_back(offset); };
  DrawAuditOptions draw_options;
  draw_options.threads = 2;
  return Comparable(ReportJson(AuditExport(AsBytes(file), options, draw_options)));
}

TEST(StreamingReportTest, GeneratedYearGivesTheReportOfTheVerifierBeforeStreaming) {
  const std::string file = Slurp(kData + "year.export");
  ASSERT_EQ(file.size(), 340529u);
  const nlohmann::json old_report = OldReport();
  // What the fixture holds, so a regenerated one that lost its findings is noticed.
  ASSERT_EQ(old_report["entries"], 617);
  ASSERT_EQ(old_report["draw_audit"]["draws"][0]["last_minute_total"], 171);
  ASSERT_EQ(old_report["draw_audit"]["draws"][9]["last_minute_total"], 30);
  ASSERT_EQ(old_report["inspection_audit"]["late_or_overdue_total"], 65);
  ASSERT_EQ(old_report["authority_audit"]["failures_total"], 120);
  EXPECT_EQ(NewReport(file, 65536, nullptr), old_report);
}

TEST(StreamingReportTest, SmallChunksGiveTheSameReportAndReportWhatWasRead) {
  const std::string file = Slurp(kData + "year.export");
  std::vector<size_t> consumed;
  EXPECT_EQ(NewReport(file, 7, &consumed), OldReport());
  // 617 entries in chunks of 7: the framing read tells every 7th entry (88), the entries'
  // read after every chunk (89); the audits (4,096 entries a step) tell nothing here.
  ASSERT_EQ(consumed.size(), 88u + 89u);
  for (size_t i = 1; i < consumed.size(); ++i) {
    if (i == 88) {
      EXPECT_LT(consumed[i], consumed[i - 1]);  // the second read starts again
    } else {
      EXPECT_GT(consumed[i], consumed[i - 1]) << i;
    }
  }
  EXPECT_LE(consumed.back(), file.size());
}

// Damage anywhere gives the same integrity report whatever the chunk size (the single chunk
// of a small log is the whole-log verifier, whose attributions log_verifier_test checks).
TEST(StreamingReportTest, DamageIsAttributedTheSameWhateverTheChunkSize) {
  const std::string file = Slurp(kData + "year.export");
  std::vector<std::string> variants;
  for (size_t at = 40; at < file.size(); at += file.size() / 23) {
    std::string v = file;
    v[at] = static_cast<char>(v[at] ^ 0x20);
    variants.push_back(v);
  }
  variants.push_back(file.substr(0, file.size() / 2));  // truncated mid-log
  for (const std::string& v : variants) {
    VerifyOptions whole, small;
    whole.threads = small.threads = 2;
    small.chunk_entries = 5;
    const VerifyReport a = VerifyExport(AsBytes(v), whole);
    const VerifyReport b = VerifyExport(AsBytes(v), small);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.problem->what, b.problem->what);
    EXPECT_EQ(a.problem->sequence, b.problem->sequence);
    EXPECT_EQ(a.problem->checkpoint_size, b.problem->checkpoint_size);
    EXPECT_EQ(a.entries, b.entries);
    EXPECT_EQ(a.root, b.root);
    EXPECT_EQ(a.event_counts, b.event_counts);
    EXPECT_EQ(a.checkpoints, b.checkpoints);
  }
}

TEST(StreamingReportTest, CliPrintsTheReportOfTheVerifierBeforeStreaming) {
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("suiji-streaming-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(scratch);
  for (const char* chunk : {"65536", "50"}) {
    testing_support::RunResult r = testing_support::RunBinary(
        SUIJI_BIN_VERIFY,
        {kData + "year.export", "--json", "--threads", "2", "--chunk-entries", chunk},
        scratch);
    EXPECT_EQ(r.exit_code, 1) << r.err;  // the authority audit fails, as before
    EXPECT_EQ(Comparable(nlohmann::json::parse(r.out)), OldReport()) << chunk;
  }
  std::filesystem::remove_all(scratch);
}

}  // namespace
}  // namespace suiji
