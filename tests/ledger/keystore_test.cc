#include "ledger/keystore.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace suiji {
namespace {

std::filesystem::path TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("suiji-keystore-" + name + "-" +
                                                      std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(KeyStore, WritesKeyFileWithMode0600AndReadsItBack) {
  auto dir = TempDir("roundtrip");
  KeyPair k = KeyPair::Generate();
  ASSERT_TRUE(WriteKeyFile(dir / "k.key", k).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir / "k.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto back = ReadKeyFile(dir / "k.key");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->public_key(), k.public_key());
}

TEST(KeyStore, NeverOverwritesAnExistingKeyFile) {
  auto dir = TempDir("exists");
  KeyPair a = KeyPair::Generate();
  KeyPair b = KeyPair::Generate();
  ASSERT_TRUE(WriteKeyFile(dir / "k.key", a).ok());
  EXPECT_EQ(WriteKeyFile(dir / "k.key", b).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadKeyFile(dir / "k.key")->public_key(), a.public_key());
}

TEST(KeyStore, RefusesAKeyFileReadableByOthers) {
  auto dir = TempDir("mode");
  KeyPair k = KeyPair::Generate();
  ASSERT_TRUE(WriteKeyFile(dir / "k.key", k).ok());
  std::filesystem::permissions(dir / "k.key", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto r = ReadKeyFile(dir / "k.key");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
}

TEST(KeyStore, RejectsAFileThatIsNotAKeyAndNamesOnlyThePath) {
  auto dir = TempDir("garbage");
  {
    std::ofstream f(dir / "k.key");
    f << "suiji-ed25519-private-key v1\nc2hvcnQ=\n";
  }
  std::filesystem::permissions(dir / "k.key", std::filesystem::perms::owner_read |
                                                  std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  auto r = ReadKeyFile(dir / "k.key");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("k.key"), std::string::npos);
  EXPECT_EQ(r.status().message().find("c2hvcnQ"), std::string::npos);  // no key material
}

}  // namespace
}  // namespace suiji
