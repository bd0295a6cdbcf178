// The data directory at rest, through the command line run as real processes: what a node
// creates is private whatever the umask, a secret file others may read is refused, a reader
// never shows what the log does not hold, and corruption is an integrity failure (exit 4),
// never a retryable one.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/credit_codes.h"
#include "tests/support/run_process.h"

namespace suiji {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::Contains;
using testing_support::RunResult;
using testing_support::WriteFile;

std::string TargetsCsv(int first, int count) {
  std::string csv = "credit_code,name,region,industry,headcount\n";
  for (int i = first; i < first + count; ++i) {
    csv += testing_support::SampleCreditCode("320402", static_cast<uint64_t>(7000 + i)) +
           ",常州测试企业" + std::to_string(i) + "有限公司,320402,3411," + std::to_string(10 + i) + "\n";
  }
  return csv;
}

std::string Code(int i) { return testing_support::SampleCreditCode("320402", static_cast<uint64_t>(7000 + i)); }

constexpr const char* kTask = R"({
  "task_id": "T-320400-2026-01", "plan_id": "P-320400-2026", "org_id": "320400",
  "title": "工资支付情况双随机抽查", "item_list_version": 1, "item_ids": ["HRSS-01"],
  "regions": ["320400"], "count": 3, "window_start": "2026-06-01", "window_end": "2026-07-31",
  "inspectors": {"domains": ["工资支付"], "team_size": 2, "substitutes": 1}
})";
constexpr const char* kDraw = "T-320400-2026-01-d1";

// A fresh node per test, made through the command line under the umask `umask_` (022, the
// usual one outside systemd): two bureaus, 10 employers, 4 inspectors, an item list, a plan.
class DataDirCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("suiji-datadir-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    data_ = (dir_ / "data").string();
    old_umask_ = ::umask(022);  // inherited by every process the test runs
    MakeNode();
  }
  void TearDown() override {
    ::umask(old_umask_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  RunResult Suiji(std::vector<std::string> args) {
    RunResult r = testing_support::RunBinary(SUIJI_BIN_SUIJI, args, dir_);
    if (r.exit_code == -1) ADD_FAILURE() << "cannot run suiji";
    return r;
  }
  RunResult Ok(std::vector<std::string> args) {
    args.insert(args.end(), {"--data", data_, "--org", "320400", "--user", "clerk"});
    RunResult r = Suiji(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err << r.out;
    return r;
  }
  void MakeNode() {
    ASSERT_EQ(Suiji({"init", "--data", data_, "--ledger", "cz.test/datadir"}).exit_code, 0);
    Ok({"org", "add", "--id", "320000", "--name", "江苏省人力资源和社会保障厅", "--region", "320000",
        "--level", "province"});
    Ok({"org", "add", "--id", "320400", "--name", "常州市人力资源和社会保障局", "--region", "320400",
        "--level", "city", "--parent", "320000"});
    WriteFile(dir_ / "targets.csv", TargetsCsv(0, 10));
    std::string inspectors = "执法证号,姓名,执法领域,业务专长,所属机构,行政区划代码,状态,是否辅助人员\n";
    for (int i = 0; i < 4; ++i) {
      inspectors += "3204202600" + std::to_string(i) + ",检查员" + std::to_string(i) +
                    ",劳动用工；工资支付,建筑业,320400,320400,在岗,否\n";
    }
    WriteFile(dir_ / "inspectors.csv", inspectors);
    WriteFile(dir_ / "items.csv", testing_support::kWageItemsCsv);
    Ok({"import", "targets", (dir_ / "targets.csv").string()});
    Ok({"import", "inspectors", (dir_ / "inspectors.csv").string()});
    Ok({"import", "items", "--effective", "2026-01-01", (dir_ / "items.csv").string()});
    Ok({"plan", "file", "--id", "P-320400-2026", "--year", "2026", "--title", "计划", "--filed-with", "320000"});
  }
  // Freezes and commits the draw: its secret file is then in draws/secrets/.
  void CommitDraw() {
    WriteFile(dir_ / "task.json", kTask);
    Ok({"task", "define", (dir_ / "task.json").string()});
    Ok({"draw", "freeze", "T-320400-2026-01"});
    Ok({"draw", "commit", kDraw, "--no-drand", "--witness", "张某"});
  }
  // `list targets --json` prints one JSON object a line.
  std::vector<std::string> ListedCodes() {
    RunResult r = Suiji({"list", "targets", "--data", data_, "--limit", "0", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> codes;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      json j = json::parse(line, nullptr, false);
      if (!j.is_object()) {
        ADD_FAILURE() << "not a JSON object: " << line;
        continue;
      }
      codes.push_back(j.value("credit_code", ""));
    }
    return codes;
  }
  // The meta page (0 or 1) LMDB uses in `mdb`: the larger transaction id.
  static uint64_t MetaInUse(const fs::path& mdb) {
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    auto txnid = [&](uint64_t meta_page) {
      std::ifstream in(mdb, std::ios::binary);
      in.seekg(static_cast<std::streamoff>(meta_page * page + 16 + 128));
      uint64_t v = 0;
      in.read(reinterpret_cast<char*>(&v), sizeof v);
      return v;
    };
    return txnid(1) > txnid(0) ? 1 : 0;
  }
  // Overwrites `count` bytes at `offset` of `file` with 0xA5.
  static void Scribble(const fs::path& file, uint64_t offset, size_t count) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f) << file;
    f.seekp(static_cast<std::streamoff>(offset));
    const std::string junk(count, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }

  fs::path dir_;
  std::string data_;
  mode_t old_umask_ = 022;
};

TEST_F(DataDirCli, EveryFileAndFolderANodeCreatesUnderUmask022IsPrivate) {
  CommitDraw();  // a secret file, too
  ASSERT_TRUE(fs::exists(fs::path(data_) / "projections" / "state" / "data.mdb"));
  ASSERT_TRUE(fs::exists(fs::path(data_) / "draws" / "secrets" / (std::string(kDraw) + ".secret")));
  std::vector<fs::path> all{data_};
  for (const auto& e : fs::recursive_directory_iterator(data_)) all.push_back(e.path());
  size_t files = 0;
  for (const auto& p : all) {
    struct stat st {};
    ASSERT_EQ(::lstat(p.c_str(), &st), 0) << p;
    if (S_ISDIR(st.st_mode)) {
      EXPECT_EQ(st.st_mode & 0777, 0700u) << p;
    } else {
      ++files;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << p;
    }
  }
  EXPECT_GE(files, 8u) << "log, lock, projection, keys, node.conf, writer.lock, secret";
}

TEST_F(DataDirCli, ASecretFileReadableByOthersIsRefusedAsAKeyFileIs) {
  CommitDraw();
  const fs::path secret = fs::path(data_) / "draws" / "secrets" / (std::string(kDraw) + ".secret");
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read, fs::perm_options::replace);
  RunResult r = Suiji({"draw", "reveal", kDraw, "--witness-digits", "12", "--data", data_});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(Contains(r.err, "the draw's secret file " + secret.string() +
                                  " is readable by group or others; chmod 600 it")) << r.err;
  fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  Ok({"draw", "reveal", kDraw, "--witness-digits", "12"});
}

// A server crashed during an import: its projection holds targets the log never made
// durable. Simulated exactly: the log of before the import is put back under the projection
// of after it (both copied while no process had them open).
TEST_F(DataDirCli, AReaderNeverShowsWhatTheLogDoesNotHoldAndAWriterRepairsIt) {
  const fs::path log = fs::path(data_) / "log", saved = dir_ / "log-before";
  fs::copy(log, saved, fs::copy_options::recursive);
  WriteFile(dir_ / "more.csv", TargetsCsv(100, 5));
  Ok({"import", "targets", (dir_ / "more.csv").string()});
  ASSERT_EQ(ListedCodes().size(), 15u);
  fs::remove_all(log);
  fs::copy(saved, log, fs::copy_options::recursive);

  // The reader: exactly the log's 10 employers; none of the 5 phantoms, nowhere.
  std::vector<std::string> codes = ListedCodes();
  EXPECT_EQ(codes.size(), 10u);
  for (const auto& c : codes) EXPECT_NE(c, Code(100));
  RunResult show = Suiji({"show", "target", Code(100), "--data", data_});
  EXPECT_EQ(show.exit_code, 1) << show.out;
  RunResult history = Suiji({"history", "target", Code(100), "--data", data_});
  EXPECT_NE(history.exit_code, 0) << history.out;
  EXPECT_FALSE(Contains(history.out, "TargetRegistered")) << history.out;
  RunResult real = Suiji({"history", "target", Code(3), "--data", data_});
  EXPECT_EQ(real.exit_code, 0) << real.err;
  // The digest a reader sees is a rebuild's from the log.
  RunResult digest = Suiji({"projection", "digest", "--data", data_});
  ASSERT_EQ(digest.exit_code, 0) << digest.err;
  const fs::path copy = dir_ / "copy";
  fs::copy(data_, copy, fs::copy_options::recursive);
  RunResult rebuilt = Suiji({"projection", "rebuild", "--data", copy.string()});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_TRUE(Contains(rebuilt.out, "digest " + digest.out.substr(0, 64))) << rebuilt.out << digest.out;
  // Written without a sync per transaction, synced once at the end: no marker left.
  EXPECT_FALSE(fs::exists(copy / "projections" / "state" / "unsynced"));

  // A writer repairs the shared projection at open, by itself: the import can be done again.
  RunResult again = Ok({"import", "targets", (dir_ / "more.csv").string()});
  EXPECT_EQ(ListedCodes().size(), 15u);
  RunResult after = Suiji({"projection", "digest", "--data", data_});
  RunResult verify = testing_support::RunBinary(SUIJI_BIN_VERIFY, {"--data", data_}, dir_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// Both meta pages of the log's LMDB file (pages 0 and 1) overwritten: an integrity failure
// (exit 4), not a retryable error (3); suiji-verify --data says the log is bad (1).
TEST_F(DataDirCli, ACorruptMetaPageOfTheLogIsAnIntegrityFailure) {
  const long page = ::sysconf(_SC_PAGESIZE);
  const fs::path mdb = fs::path(data_) / "log" / "data.mdb";
  Scribble(mdb, 16, 64);
  Scribble(mdb, static_cast<uint64_t>(page) + 16, 64);
  RunResult r = Suiji({"log", "show", "--data", data_});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "[data_loss]")) << r.err;
  RunResult v = testing_support::RunBinary(SUIJI_BIN_VERIFY, {"--data", data_}, dir_);
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  EXPECT_TRUE(Contains(v.err, "corrupt")) << v.err;
}

// Only the body of the meta page in use (the larger transaction id) overwritten, its magic,
// version and transaction id intact: LMDB then fails its open with EINVAL (a garbage map
// size), which used to read as retryable (exit 3).
TEST_F(DataDirCli, AGarbledMetaPageInUseOfTheLogIsAnIntegrityFailure) {
  const fs::path mdb = fs::path(data_) / "log" / "data.mdb";
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t in_use = MetaInUse(mdb);
  Scribble(mdb, in_use * page + 16 + 8, 112);  // address, map size, both databases, last page
  RunResult r = Suiji({"log", "show", "--data", data_});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "bad LMDB meta page " + std::to_string(in_use) + " of " + mdb.string()))
      << r.err;
  RunResult v = testing_support::RunBinary(SUIJI_BIN_VERIFY, {"--data", data_}, dir_);
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
}

// An entry's bytes changed at rest: suiji-verify --data reports the log bad (exit 1).
TEST_F(DataDirCli, ACorruptLogEntryMakesVerifyDataFail) {
  const fs::path mdb = fs::path(data_) / "log" / "data.mdb";
  std::string bytes;
  {
    std::ifstream in(mdb, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const size_t at = bytes.find("江苏省人力资源和社会保障厅");
  ASSERT_NE(at, std::string::npos);
  Scribble(mdb, at, 3);  // one character of the org's name in its signed event
  RunResult v = testing_support::RunBinary(SUIJI_BIN_VERIFY, {"--data", data_}, dir_);
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
}

// The meta page in use of the directory projection overwritten: exit 4 too, and the message
// says how to rebuild it.
TEST_F(DataDirCli, ACorruptMetaPageOfTheProjectionIsAnIntegrityFailure) {
  const long page = ::sysconf(_SC_PAGESIZE);
  const fs::path mdb = fs::path(data_) / "projections" / "state" / "data.mdb";
  Scribble(mdb, 16, 64);
  Scribble(mdb, static_cast<uint64_t>(page) + 16, 64);
  RunResult r = Suiji({"list", "targets", "--data", data_});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "delete projections/ to rebuild it from the log")) << r.err;
  // Only the body of the page in use (its magic, version and transaction id intact): exit 4
  // as well.
  fs::remove_all(fs::path(data_) / "projections");
  Ok({"list", "targets"});
  Scribble(mdb, MetaInUse(mdb) * static_cast<uint64_t>(page) + 16 + 8, 112);
  r = Suiji({"list", "targets", "--data", data_});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(Contains(r.err, "bad LMDB meta page")) << r.err;
}

}  // namespace
}  // namespace suiji
