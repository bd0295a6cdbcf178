// DirectoryReader::Inspector (ledger/core/directory/reader.h): the point lookup of one
// inspector, over the in-memory fold (MemoryDirectoryReader) and over the LMDB directory
// folder inside a transaction (DirectoryReaderIn) — the same record, any status; nothing for
// an id the directory lacks, an empty one or one longer than an LMDB key.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/core/directory/fold.h"
#include "ledger/core/directory/reader.h"
#include "ledger/core/directory/records.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/replay.h"
#include "projections/directory_projection.h"
#include "projections/lmdb_projection.h"
#include "tests/support/test_node.h"

namespace suiji {
namespace {

using directory::InspectorRecord;

InspectorRecord Inspector(int i, directory::InspectorStatus status) {
  InspectorRecord r;
  r.inspector_id = "JS320400" + std::to_string(i);
  r.name = "检查员" + std::to_string(i);
  r.domains = {"工资支付"};
  r.org_id = "320400";
  r.region = "320400";
  r.status = status;
  return r;
}

TEST(DirectoryReaderInspector, PointLookupOverTheFoldAndTheLmdbFolder) {
  const auto dir = testing_support::FreshTestDir("suiji-dirreader");
  const Actor actor{"320400", "clerk"};
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  auto l = Ledger::Create(std::move(*storage), "dirreader.test/ledger", "", KeyPair::Generate(),
                          KeyPair::Generate(), actor, LedgerOptions{});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  std::unique_ptr<Ledger> ledger = std::move(*l);
  const InspectorRecord active = Inspector(1, directory::InspectorStatus::Active);
  const InspectorRecord suspended = Inspector(2, directory::InspectorStatus::Suspended);
  std::vector<EventDraft> drafts;
  drafts.push_back({EventType::OrgUnitRegistered,
                    directory::EncodeOrgUnit({"320400", "常州市人社局", "320400", directory::OrgLevel::City, ""}),
                    actor});
  drafts.push_back({EventType::InspectorRegistered, directory::EncodeInspector(active), actor});
  drafts.push_back({EventType::InspectorRegistered, directory::EncodeInspector(suspended), actor});
  ASSERT_TRUE(ledger->Append(drafts).ok());

  const std::string too_long(600, 'J');
  auto expect_lookups = [&](const directory::DirectoryReader& r, const char* which) {
    EXPECT_EQ(r.Inspector(active.inspector_id), std::optional(active)) << which;
    EXPECT_EQ(r.Inspector(suspended.inspector_id), std::optional(suspended)) << which;
    EXPECT_EQ(r.Inspector("JS3204009"), std::nullopt) << which;
    EXPECT_EQ(r.Inspector(""), std::nullopt) << which;
    EXPECT_EQ(r.Inspector(too_long), std::nullopt) << which;
    EXPECT_TRUE(r.status().ok()) << which << ": " << r.status().ToString();
  };

  directory::MemoryDirectory memory;
  ASSERT_TRUE(ReplayLog(ledger->storage(), 0, [&](const EntryView& e) {
                if (!directory::IsDirectoryEvent(e.type())) return OkStatus();
                return directory::ApplyDirectoryEvent(e, memory);
              }).ok());
  expect_lookups(directory::MemoryDirectoryReader(memory), "memory");

  std::vector<std::unique_ptr<ProjectionFolder>> folders;
  folders.push_back(NewDirectoryFolder());
  const ProjectionFolder& folder = *folders.front();
  auto p = LmdbProjection::Open(dir / "state", ProjectionSync::kEachCommit, std::move(folders));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE((*p)->CatchUp(ledger->storage()).ok());
  Status read = (*p)->Read([&](MDB_txn* txn) {
    expect_lookups(*DirectoryReaderIn(txn, folder), "lmdb");
    return OkStatus();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();

  p->reset();
  ledger.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji
