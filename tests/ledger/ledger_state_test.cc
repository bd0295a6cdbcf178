// The Ledger's persisted state (ledger/ledger_state.h, ledger/lmdb/lmdb_ledger_state.h): an
// Open resumes from it and reads only the entries appended since; a state of another log,
// ahead of the log, garbled or with a wrong node is checked against the log and rebuilt,
// never trusted; a kill -9 at either crash point of a save needs no repair.
#include "ledger/ledger_state.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/core/key_registry.h"
#include "ledger/core/merkle.h"
#include "ledger/core/status.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_ledger_state.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/storage.h"
#include "tests/support/ledger_fixture.h"

namespace suiji {
namespace {

constexpr std::string_view kLedgerId = "labour/state-test";

using testing_support::KeyFromByte;
KeyPair Root() { return KeyFromByte(1); }
KeyPair Node() { return KeyFromByte(2); }
Actor TestActor() { return Actor{"320400", "state-test"}; }

struct TempDir : testing_support::ScratchDir {
  explicit TempDir(const std::string& name) : ScratchDir("suiji-ledger-state-", name) {}
};

// A LogStorage that counts the entries its Read hands out.
class CountingStorage final : public LogStorage {
 public:
  CountingStorage(std::unique_ptr<LogStorage> inner, std::shared_ptr<uint64_t> reads)
      : inner_(std::move(inner)), reads_(std::move(reads)) {}
  StatusOr<uint64_t> Size() const override { return inner_->Size(); }
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override {
    return inner_->Append(expected_next, entries);
  }
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override {
    return inner_->AppendFrom(expected_next, count, next);
  }
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override {
    return inner_->Read(from, to, [&](uint64_t seq, ByteView b) {
      ++*reads_;
      return fn(seq, b);
    });
  }
  Status PutCheckpoint(uint64_t size, std::string_view note) override {
    return inner_->PutCheckpoint(size, note);
  }
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_->ReadCheckpoints(fn);
  }
  bool writable() const override { return inner_->writable(); }

 private:
  std::unique_ptr<LogStorage> inner_;
  std::shared_ptr<uint64_t> reads_;
};

std::shared_ptr<LedgerStateStore> State(const std::filesystem::path& dir) {
  auto s = OpenLmdbLedgerState(dir);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

LedgerOptions Options(std::shared_ptr<LedgerStateStore> state, uint64_t save_every = 64) {
  LedgerOptions o;
  o.checkpoint_every_entries = 100;
  o.checkpoint_every_seconds = 0;
  o.state = std::move(state);
  o.state_save_every = save_every;
  return o;
}

std::vector<EventDraft> Memos(size_t n, std::string_view tag) {
  std::vector<EventDraft> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(EventDraft{EventType::Memo,
                             MakeMemoPayload(tag, std::string(tag) + " #" + std::to_string(i)),
                             TestActor()});
  }
  return out;
}

std::unique_ptr<Ledger> Create(const std::filesystem::path& log, LedgerOptions o) {
  auto s = OpenLmdbStorage(log, StorageMode::kWriter);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  auto l = Ledger::Create(std::move(*s), kLedgerId, "state test", Root(), Node(), TestActor(),
                          std::move(o));
  EXPECT_TRUE(l.ok()) << l.status().ToString();
  return l.ok() ? std::move(*l) : nullptr;
}

// Opens `log` (read-only unless a node key is given) counting the entries read into *reads.
std::unique_ptr<Ledger> Open(const std::filesystem::path& log, LedgerOptions o,
                             std::shared_ptr<uint64_t> reads = std::make_shared<uint64_t>(0),
                             std::optional<KeyPair> node = std::nullopt) {
  auto s = OpenLmdbStorage(log, node ? StorageMode::kWriter : StorageMode::kReadOnly);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  auto l = Ledger::Open(std::make_unique<CountingStorage>(std::move(*s), std::move(reads)),
                        std::move(node), std::move(o));
  EXPECT_TRUE(l.ok()) << l.status().ToString();
  return l.ok() ? std::move(*l) : nullptr;
}

void AppendMemos(Ledger& l, int batches, std::string_view tag) {
  for (int b = 0; b < batches; ++b) {
    auto r = l.Append(Memos(10, std::string(tag) + std::to_string(b)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
}

// Everything a resumed ledger must answer as the one that folded the whole log does.
void ExpectSameAsFolded(const Ledger& l, const std::filesystem::path& log) {
  auto folded = Open(log, Options(nullptr));
  ASSERT_NE(folded, nullptr);
  ASSERT_EQ(l.size(), folded->size());
  const uint64_t n = l.size();
  EXPECT_EQ(l.Root(), folded->Root());
  EXPECT_EQ(l.ledger_id(), folded->ledger_id());
  EXPECT_EQ(l.LatestCheckpoint(), folded->LatestCheckpoint());
  for (uint64_t s : {uint64_t{1}, uint64_t{2}, n / 3, n / 2, n - 1, n}) {
    EXPECT_EQ(*l.RootAt(s), *folded->RootAt(s)) << "size " << s;
    EXPECT_EQ(*l.ConsistencyProof(s, n), *folded->ConsistencyProof(s, n)) << "size " << s;
  }
  for (uint64_t i = 0; i < n; i += 7) {
    EXPECT_EQ(*l.InclusionProof(i, n), *folded->InclusionProof(i, n)) << "leaf " << i;
  }
  ASSERT_EQ(l.keys().keys().size(), folded->keys().keys().size());
  for (const auto& [id, k] : folded->keys().keys()) {
    const KeyInfo* mine = l.keys().Find(id);
    ASSERT_NE(mine, nullptr) << id;
    EXPECT_EQ(mine->roles, k.roles) << id;
    EXPECT_EQ(mine->label, k.label) << id;
    EXPECT_EQ(mine->registered_at, k.registered_at) << id;
    EXPECT_EQ(mine->revoked_at, k.revoked_at) << id;
  }
}

uint64_t SnapshotSize(LedgerStateStore& state) {
  auto s = state.Load();
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() && s->has_value() ? (*s)->size : 0;
}

TEST(LedgerStateTest, OpenResumesAndReadsOnlyTheEntriesSinceTheSave) {
  TempDir dir("resume");
  auto state = State(dir.path / "state");
  {
    auto l = Create(dir.path / "log", Options(state));
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 30, "m");  // 2 + 300 entries; saved every 64 entries: at 72, 142, 212, 282
    EXPECT_EQ(l->size(), 302u);
    EXPECT_TRUE(l->StateStatus().ok());
  }
  EXPECT_EQ(SnapshotSize(*state), 282u);
  auto reads = std::make_shared<uint64_t>(0);
  auto l = Open(dir.path / "log", Options(state), reads);
  ASSERT_NE(l, nullptr);
  // Entry 281 (the state's last leaf, checked against the log), the two key events
  // (genesis, the node key's registration) and the 20 entries appended since the save.
  EXPECT_EQ(*reads, 1u + 2u + 20u);
  ExpectSameAsFolded(*l, dir.path / "log");
  // Without the state the same open reads every entry.
  auto all = std::make_shared<uint64_t>(0);
  ASSERT_NE(Open(dir.path / "log", Options(nullptr), all), nullptr);
  EXPECT_EQ(*all, 302u);
}

TEST(LedgerStateTest, ResumedWriterAppendsAndSavesOnlyWhatIsNew) {
  TempDir dir("writer");
  auto state = State(dir.path / "state");
  {
    auto l = Create(dir.path / "log", Options(state));
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 15, "a");  // 152 entries, saved at 72 and 142
  }
  {
    auto reads = std::make_shared<uint64_t>(0);
    auto l = Open(dir.path / "log", Options(state), reads, Node());
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(*reads, 1u + 2u + 10u);
    AppendMemos(*l, 15, "b");  // 302 entries, saved at 212 and 282
    EXPECT_TRUE(l->StateStatus().ok());
    EXPECT_EQ(SnapshotSize(*state), 282u);
    ExpectSameAsFolded(*l, dir.path / "log");
  }
  auto l = Open(dir.path / "log", Options(state));
  ASSERT_NE(l, nullptr);
  ExpectSameAsFolded(*l, dir.path / "log");
}

TEST(LedgerStateTest, StateOfAnotherLogIsRebuiltFromTheLog) {
  TempDir dir("other");
  auto state = State(dir.path / "state");
  {
    auto a = Create(dir.path / "a", Options(state));
    ASSERT_NE(a, nullptr);
    AppendMemos(*a, 20, "a");  // 202 entries, saved at 72 and 142
  }
  {
    auto b = Create(dir.path / "b", Options(nullptr));
    ASSERT_NE(b, nullptr);
    AppendMemos(*b, 10, "b");  // 102 entries of another log
  }
  ASSERT_EQ(SnapshotSize(*state), 142u);
  auto reads = std::make_shared<uint64_t>(0);
  auto l = Open(dir.path / "b", Options(state), reads);
  ASSERT_NE(l, nullptr);
  // The check of entry 101 fails: every entry is read, and the state is saved anew.
  EXPECT_EQ(*reads, 1u + 102u);
  ExpectSameAsFolded(*l, dir.path / "b");
  EXPECT_EQ(SnapshotSize(*state), 102u);
  auto again = std::make_shared<uint64_t>(0);
  ASSERT_NE(Open(dir.path / "b", Options(state), again), nullptr);
  EXPECT_EQ(*again, 1u + 2u);
}

TEST(LedgerStateTest, StateAheadOfTheLogIsUsedUpToTheLogsEnd) {
  TempDir dir("ahead");
  auto state = State(dir.path / "state");
  {
    auto l = Create(dir.path / "log", Options(state));
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 14, "m");  // 142 entries, saved at 72 and 142
  }
  // The log as it was at 142 entries (a server saves entries staged but not yet durable:
  // after a kill the state can be ahead of the log).
  std::filesystem::create_directories(dir.path / "short" / "log");
  std::filesystem::copy_file(dir.path / "log" / "log" / "data.mdb",
                             dir.path / "short" / "log" / "data.mdb");
  {
    auto l = Open(dir.path / "log", Options(state), std::make_shared<uint64_t>(0), Node());
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 10, "m");  // 242 entries, saved at 212
  }
  ASSERT_EQ(SnapshotSize(*state), 212u);
  auto reads = std::make_shared<uint64_t>(0);
  {
    auto l = Open(dir.path / "short", Options(state), reads);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->size(), 142u);
    EXPECT_EQ(*reads, 1u + 2u);  // entry 141 and the key events: nothing else
    ExpectSameAsFolded(*l, dir.path / "short");
  }
  // The short log then grows differently from the one the state was saved from: its saves
  // overwrite the state's nodes, and the longer log no longer checks against them.
  {
    auto l = Open(dir.path / "short", Options(state), std::make_shared<uint64_t>(0), Node());
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 10, "other");  // 242 entries, saved at 212 over the other log's nodes
    ExpectSameAsFolded(*l, dir.path / "short");
  }
  auto short_again = Open(dir.path / "short", Options(state));
  ASSERT_NE(short_again, nullptr);
  ExpectSameAsFolded(*short_again, dir.path / "short");
  auto rebuilt = std::make_shared<uint64_t>(0);
  auto l = Open(dir.path / "log", Options(state), rebuilt);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(*rebuilt, 1u + 242u);
  ExpectSameAsFolded(*l, dir.path / "log");
}

TEST(LedgerStateTest, GarbledSnapshotRecordIsRebuiltFromTheLog) {
  TempDir dir("garbled");
  {
    auto l = Create(dir.path / "log", Options(State(dir.path / "state")));
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 10, "m");  // 102 entries, saved at 72
  }
  // The record as lmdb_ledger_state.h lays it out: version 1, size 72, two key events (0, 1).
  Bytes record(4 + 8 + 8 + 16);
  PutU32BE(1, record.data());
  PutU64BE(72, record.data() + 4);
  PutU64BE(2, record.data() + 12);
  PutU64BE(0, record.data() + 20);
  PutU64BE(1, record.data() + 28);
  std::string file;
  {
    std::ifstream in(dir.path / "state" / "data.mdb", std::ios::binary);
    file.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string needle(record.begin(), record.end());
  int garbled = 0;
  for (size_t at = file.find(needle); at != std::string::npos; at = file.find(needle, at + 1)) {
    file[at + needle.size() + 31] ^= 0x01;  // the last byte of its digest
    ++garbled;
  }
  ASSERT_GE(garbled, 1);
  {
    std::ofstream out(dir.path / "state" / "data.mdb", std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
  }
  auto state = State(dir.path / "state");
  auto loaded = state->Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(loaded.status().message(), "ledger state " + (dir.path / "state").string() +
                                           ": the snapshot record does not match its digest");
  auto reads = std::make_shared<uint64_t>(0);
  auto l = Open(dir.path / "log", Options(state), reads);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(*reads, 102u);
  ExpectSameAsFolded(*l, dir.path / "log");
  EXPECT_EQ(SnapshotSize(*state), 102u);
}

// The real store, with one node wrong until the store is cleared.
class WrongNodeStore final : public LedgerStateStore {
 public:
  WrongNodeStore(std::shared_ptr<LedgerStateStore> inner, uint32_t level, uint64_t index)
      : inner_(std::move(inner)), level_(level), index_(index) {}
  StatusOr<Hash> Node(uint32_t level, uint64_t index) const override {
    auto h = inner_->Node(level, index);
    if (h.ok() && !cleared_ && level == level_ && index == index_) (*h)[0] ^= 0x80;
    return h;
  }
  StatusOr<std::optional<LedgerStateSnapshot>> Load() const override { return inner_->Load(); }
  Status Save(const MerkleTree& tree, uint64_t from, const LedgerStateSnapshot& s) override {
    return inner_->Save(tree, from, s);
  }
  Status Clear() override {
    cleared_ = true;
    return inner_->Clear();
  }
  std::string where() const override { return inner_->where(); }
  bool cleared() const { return cleared_; }

 private:
  std::shared_ptr<LedgerStateStore> inner_;
  uint32_t level_;
  uint64_t index_;
  bool cleared_ = false;
};

TEST(LedgerStateTest, NodeThatDoesNotGiveTheCheckpointRootIsRebuilt) {
  TempDir dir("wrong-node");
  {
    auto l = Create(dir.path / "log", Options(State(dir.path / "state")));
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 30, "m");  // 302 entries, saved at 282; checkpoints every 100: the last at 302
  }
  // Node (8, 0), the first 256 leaves, is on the path of the checkpoint's root at 302.
  auto wrong = std::make_shared<WrongNodeStore>(State(dir.path / "state"), 8, 0);
  auto reads = std::make_shared<uint64_t>(0);
  auto l = Open(dir.path / "log", Options(wrong), reads);
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(wrong->cleared());
  EXPECT_EQ(*reads, 1u + 2u + 20u + 302u);  // the resume, then the whole log
  ExpectSameAsFolded(*l, dir.path / "log");
}

TEST(LedgerStateTest, KeysInForceComeBackFromTheKeyEvents) {
  TempDir dir("keys");
  auto state = State(dir.path / "state");
  const KeyPair clerk = KeyFromByte(4);
  auto next_node = [] { return KeyFromByte(3); };
  {
    auto l = Create(dir.path / "log", Options(state));
    ASSERT_NE(l, nullptr);
    AppendMemos(*l, 3, "a");
    ASSERT_TRUE(l->RegisterKey(Root(), clerk.public_key(), kRoleWriter, "clerk", TestActor()).ok());
    AppendMemos(*l, 3, "b");
    ASSERT_TRUE(l->RotateNodeKey(Root(), next_node(), TestActor()).ok());
    AppendMemos(*l, 3, "c");
    ASSERT_TRUE(l->RevokeKey(Root(), clerk.key_id(), "left the office", TestActor()).ok());
    AppendMemos(*l, 6, "d");  // 155 entries in all; saved every 64: at 64 and 135
  }
  auto saved = state->Load();
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->size, 135u);
  // Genesis, the node key, the clerk, the rotation and the revocation.
  EXPECT_EQ((*saved)->key_events, (std::vector<uint64_t>{0, 1, 32, 63, 94}));
  auto l = Open(dir.path / "log", Options(state), std::make_shared<uint64_t>(0), next_node());
  ASSERT_NE(l, nullptr);
  ExpectSameAsFolded(*l, dir.path / "log");
  EXPECT_TRUE(l->NodeKeyStatus().ok()) << l->NodeKeyStatus().ToString();
  EXPECT_TRUE(l->Append(Memos(1, "after")).ok());
  // The old node key was revoked by the rotation: a ledger opened with it cannot write.
  auto old = Open(dir.path / "log", Options(state), std::make_shared<uint64_t>(0));
  ASSERT_NE(old, nullptr);
  EXPECT_TRUE(old->keys().Find(Node().key_id())->revoked_at.has_value());
  EXPECT_FALSE(old->keys().Find(clerk.key_id()) == nullptr);
  EXPECT_TRUE(old->keys().Find(clerk.key_id())->revoked_at.has_value());
}

TEST(LedgerStateTest, OneStorePerFolderInAProcess) {
  TempDir dir("shared");
  auto a = State(dir.path / "state");
  auto b = State(dir.path / "state" / ".." / "state");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a.get(), b.get());  // LMDB forbids a second handle on one environment
  EXPECT_EQ(a->where(), (dir.path / "state").string());
  auto other = State(dir.path / "other");
  EXPECT_NE(other.get(), a.get());
}

// kill -9 at each crash point of a save: the next open needs no repair and answers as a
// fold of the whole log does.
void CrashAtStatePoint(const char* point, uint64_t expected_reads) {
  TempDir dir(std::string("crash-") + point);
  const auto log = dir.path / "log";
  { ASSERT_NE(Create(log, Options(nullptr)), nullptr); }  // 2 entries, no state yet
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setenv("SUIJI_CRASH_POINT", point, 1);
    auto s = OpenLmdbStorage(log, StorageMode::kWriter);
    auto st = OpenLmdbLedgerState(dir.path / "state");
    if (!s.ok() || !st.ok()) ::_exit(2);
    auto l = Ledger::Open(std::move(*s), Node(), Options(*st, 50));
    if (!l.ok()) ::_exit(3);
    for (int b = 0; b < 10; ++b) {
      if (!(*l)->Append(Memos(10, "crash")).ok()) ::_exit(4);  // the first save is at 52
    }
    ::_exit(0);  // not reached: the save kills the process
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
  auto state = State(dir.path / "state");
  auto reads = std::make_shared<uint64_t>(0);
  {
    auto l = Open(log, Options(state), reads, Node());
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->size(), 52u);  // the append before the save is durable
    EXPECT_EQ(*reads, expected_reads);
    ExpectSameAsFolded(*l, log);
    AppendMemos(*l, 10, "after");  // 152 entries, saved on the way
    EXPECT_TRUE(l->StateStatus().ok());
  }
  auto l = Open(log, Options(state));
  ASSERT_NE(l, nullptr);
  ExpectSameAsFolded(*l, log);
}

TEST(LedgerStateCrashTest, KillNineBeforeTheSaveCommitsNeedsNoRepair) {
  // Nothing was saved: the open folds the log (52 entries) and saves it.
  CrashAtStatePoint("ledger_state.staged", 52);
}

TEST(LedgerStateCrashTest, KillNineAfterTheSaveCommitsNeedsNoRepair) {
  // The save of 52 entries is there: entry 51 and the two key events are read.
  CrashAtStatePoint("ledger_state.committed", 1 + 2);
}

}  // namespace
}  // namespace suiji
