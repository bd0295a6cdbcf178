#include "ledger/checkpoint_timer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "ledger/lmdb/lmdb_storage.h"

namespace suiji {
namespace {

TEST(CheckpointTimer, CoversAQuietLedgerOnceTheIntervalHasPassed) {
  auto dir = std::filesystem::temp_directory_path() /
             ("suiji-timer-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  auto now = std::make_shared<std::atomic<int64_t>>(1'800'000'000'000'000);
  LedgerOptions opts;
  opts.checkpoint_every_entries = 0;
  opts.checkpoint_every_seconds = 60;
  opts.clock = [now] { return now->load(); };
  KeyPair root = KeyPair::Generate();
  auto ledger = Ledger::Create(std::move(*storage), "timer.test/ledger", "", root,
                               KeyPair::Generate(), Actor{"1", "u"}, opts);
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  EventDraft d{EventType::Memo, MakeMemoPayload("s", "t"), Actor{"1", "u"}};
  ASSERT_TRUE((*ledger)->Append(std::span(&d, 1)).ok());
  ASSERT_TRUE((*ledger)->Append(std::span(&d, 1)).ok());

  CheckpointTimer timer(**ledger, std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(timer.issued(), 0u) << "no checkpoint before the interval has passed";

  *now += 61'000'000;  // 61 s later
  for (int i = 0; i < 400 && timer.issued() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(timer.issued(), 1u);
  EXPECT_TRUE(timer.last_error().ok());
  auto note = ParseNote(*(*ledger)->LatestCheckpoint());
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(ParseCheckpoint(note->text)->size, 4u);  // genesis, key, two memos

  // Nothing new: no further checkpoint however much time passes.
  *now += 600'000'000;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(timer.issued(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suiji
