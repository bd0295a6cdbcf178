// The LogStorage contract run against the LMDB backend, and LMDB-specific behaviour.
#include "tests/ledger/storage_conformance.h"

#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {
namespace {

StorageFactory LmdbFactory() {
  StorageFactory f;
  f.name = "Lmdb";
  f.fresh = [](const std::string& test) {
    auto dir = std::filesystem::temp_directory_path() /
               ("suiji-conformance-" + test + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
  };
  f.open = [](const std::string& where, Role role) {
    return OpenLmdbStorage(where, role == Role::kWriter ? StorageMode::kWriter
                                                        : StorageMode::kReadOnly);
  };
  f.cleanup = [](const std::string& where) {
    std::error_code ec;
    std::filesystem::remove_all(where, ec);
  };
  f.second_writer_refused = true;
  return f;
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageConformance, ::testing::Values(LmdbFactory()),
                         [](const ::testing::TestParamInfo<StorageFactory>& param_info) {
                           return param_info.param.name;
                         });

// ---- LMDB-specific behaviour (lmdb_storage.h), beyond the shared contract ------------------

std::filesystem::path LmdbTempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("suiji-lmdb-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(LmdbStorage, ReadOnlyOpenWhereThereIsNoLedgerIsNotFound) {
  auto dir = LmdbTempDir("missing");
  auto r = OpenLmdbStorage(dir, StorageMode::kReadOnly);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  auto nowhere = OpenLmdbStorage(dir / "does-not-exist", StorageMode::kReadOnly);
  EXPECT_EQ(nowhere.status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(LmdbStorage, TheWriterCreatesTheLayoutAndRecordsItsPid) {
  auto dir = LmdbTempDir("layout");
  auto w = OpenLmdbStorage(dir, StorageMode::kWriter);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir / "log" / "data.mdb"));
  EXPECT_TRUE(std::filesystem::exists(dir / "log" / "lock.mdb"));
  std::FILE* f = std::fopen((dir / "writer.lock").c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[32] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n), std::to_string(::getpid()) + "\n");
  w->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji
