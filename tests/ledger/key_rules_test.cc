#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {
namespace {

TEST(LedgerKeys, RegisteringAnInvalidEd25519PointIsRefusedAndLeavesNoTrace) {
  auto dir = std::filesystem::temp_directory_path() / ("suiji-keyrules-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  ASSERT_TRUE(storage.ok());
  KeyPair root = KeyPair::Generate();
  auto l = Ledger::Create(std::move(*storage), "keys.test/ledger", "", root, KeyPair::Generate(),
                          Actor{"1", "admin"}, {});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  const uint64_t before = (*l)->size();
  PublicKey bogus{};
  bogus.fill(0xab);  // not on the curve
  auto r = (*l)->RegisterKey(root, bogus, kRoleAuthority, "bogus", Actor{"1", "admin"});
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("not a valid Ed25519 public key"), std::string::npos);
  PublicKey identity{};
  identity[0] = 1;  // the identity point: small order, would accept forged signatures
  EXPECT_EQ((*l)->RegisterKey(root, identity, kRoleWriter, "identity", Actor{"1", "admin"}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*l)->size(), before);
  KeyPair good = KeyPair::Generate();
  EXPECT_TRUE((*l)->RegisterKey(root, good.public_key(), kRoleWriter, "second writer", Actor{"1", "admin"}).ok());
  l->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji
