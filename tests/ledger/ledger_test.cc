#include "ledger/ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/checkpoint.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"
#include "ledger/core/key_registry.h"
#include "ledger/core/merkle.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"
#include "ledger/exporter.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/storage.h"
#include "tests/support/ledger_fixture.h"

namespace suiji {
namespace {

constexpr std::string_view kLedgerId = "labour/js-2026";
constexpr int64_t kStart = 1'750'000'000'000'000;  // microseconds since 1970
constexpr int64_t kSecond = 1'000'000;

using testing_support::KeyFromByte;
KeyPair Root() { return KeyFromByte(1); }
KeyPair Node() { return KeyFromByte(2); }
Actor TestActor() { return Actor{"320400", "ledger-test"}; }

// A directory removed when the test ends (declare it before the ledger that uses it).
struct TempDir : testing_support::ScratchDir {
  explicit TempDir(const std::string& name) : ScratchDir("suiji-ledger-", name) {}
};

struct FakeClock {
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(kStart);
  std::function<int64_t()> fn() const {
    auto p = now;
    return [p] { return *p; };
  }
  void Advance(int64_t us) const { *now += us; }
  void Set(int64_t us) const { *now = us; }
};

LedgerOptions Options(const FakeClock& clock, uint64_t every_entries = 0, int64_t every_seconds = 0) {
  LedgerOptions o;
  o.checkpoint_every_entries = every_entries;
  o.checkpoint_every_seconds = every_seconds;
  o.clock = clock.fn();
  return o;
}

std::unique_ptr<LogStorage> LmdbWriter(const std::filesystem::path& dir) {
  auto s = OpenLmdbStorage(dir, StorageMode::kWriter);
  if (!s.ok()) {
    ADD_FAILURE() << "OpenLmdbStorage: " << s.status().ToString();
    return nullptr;
  }
  return std::move(*s);
}

std::unique_ptr<LogStorage> LmdbReader(const std::filesystem::path& dir) {
  auto s = OpenLmdbStorage(dir, StorageMode::kReadOnly);
  if (!s.ok()) {
    ADD_FAILURE() << "OpenLmdbStorage: " << s.status().ToString();
    return nullptr;
  }
  return std::move(*s);
}

std::unique_ptr<Ledger> CreateOn(std::unique_ptr<LogStorage> storage, LedgerOptions options) {
  if (storage == nullptr) return nullptr;
  auto l = Ledger::Create(std::move(storage), kLedgerId, "test ledger", Root(), Node(),
                          TestActor(), std::move(options));
  if (!l.ok()) {
    ADD_FAILURE() << "Ledger::Create: " << l.status().ToString();
    return nullptr;
  }
  return std::move(*l);
}

std::unique_ptr<Ledger> OpenOn(std::unique_ptr<LogStorage> storage, std::optional<KeyPair> node,
                               LedgerOptions options) {
  if (storage == nullptr) return nullptr;
  auto l = Ledger::Open(std::move(storage), std::move(node), std::move(options));
  if (!l.ok()) {
    ADD_FAILURE() << "Ledger::Open: " << l.status().ToString();
    return nullptr;
  }
  return std::move(*l);
}

std::vector<EventDraft> Memos(size_t n, std::string_view tag = "memo") {
  std::vector<EventDraft> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(EventDraft{EventType::Memo,
                             MakeMemoPayload(tag, std::string(tag) + " #" + std::to_string(i)),
                             TestActor()});
  }
  return out;
}

std::vector<Bytes> StoredEntries(const LogStorage& s) {
  std::vector<Bytes> out;
  auto n = s.Size();
  EXPECT_TRUE(n.ok());
  if (!n.ok()) return out;
  Status st = s.Read(0, *n, [&](uint64_t, ByteView b) {
    out.emplace_back(b.begin(), b.end());
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<std::pair<uint64_t, std::string>> StoredCheckpoints(const LogStorage& s) {
  std::vector<std::pair<uint64_t, std::string>> out;
  Status st = s.ReadCheckpoints([&](uint64_t size, std::string_view note) {
    out.emplace_back(size, std::string(note));
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<uint64_t> CheckpointSizes(const LogStorage& s) {
  std::vector<uint64_t> out;
  for (const auto& [size, note] : StoredCheckpoints(s)) out.push_back(size);
  return out;
}

EntryView Parse(const Bytes& b) {
  auto e = ParseEntry(b);
  if (!e.ok()) ADD_FAILURE() << e.status().ToString();
  return *e;
}

std::vector<Hash> LeafHashes(const std::vector<Bytes>& entries) {
  std::vector<Hash> out;
  for (const Bytes& e : entries) out.push_back(LeafHash(e));
  return out;
}

// The checkpoint note is well-formed, covers `size` with the ledger's root at that size and
// is signed by `pk` under the ledger's name.
void ExpectCheckpoint(const Ledger& l, const std::string& note, uint64_t size, const PublicKey& pk) {
  auto n = ParseNote(note);
  ASSERT_TRUE(n.ok()) << n.status().ToString() << "\n" << note;
  auto cp = ParseCheckpoint(n->text);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, l.ledger_id());
  EXPECT_EQ(cp->size, size);
  auto root = l.RootAt(size);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(cp->root, *root);
  Status v = VerifyNote(*n, l.ledger_id(), pk);
  EXPECT_TRUE(v.ok()) << v.ToString();
}

uint64_t CheckpointSizeOf(const std::string& note) {
  auto n = ParseNote(note);
  if (!n.ok()) return UINT64_MAX;
  auto cp = ParseCheckpoint(n->text);
  return cp.ok() ? cp->size : UINT64_MAX;
}

// A LogStorage serving a log held in memory, which a test may corrupt at will.
struct MemoryLog {
  std::vector<Bytes> entries;
  std::map<uint64_t, std::string> checkpoints;
  bool fail_checkpoints = false;
};

class MemoryStorage final : public LogStorage {
 public:
  explicit MemoryStorage(std::shared_ptr<MemoryLog> log, bool writable = true)
      : log_(std::move(log)), writable_(writable) {}

  StatusOr<uint64_t> Size() const override { return static_cast<uint64_t>(log_->entries.size()); }
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override {
    if (!writable_) return FailedPrecondition("read-only");
    if (expected_next != log_->entries.size()) return Aborted("stale expected sequence");
    for (ByteView b : entries) log_->entries.emplace_back(b.begin(), b.end());
    return OkStatus();
  }
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override {
    if (to > log_->entries.size()) return InvalidArgument("past the end");
    for (uint64_t s = from; s < to; ++s) {
      if (!fn(s, log_->entries[s])) break;
    }
    return OkStatus();
  }
  Status PutCheckpoint(uint64_t size, std::string_view note) override {
    if (!writable_) return FailedPrecondition("read-only");
    if (log_->fail_checkpoints) return Unavailable("checkpoint store is down");
    log_->checkpoints[size] = std::string(note);
    return OkStatus();
  }
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    for (const auto& [size, note] : log_->checkpoints) {
      if (!fn(size, note)) break;
    }
    return OkStatus();
  }
  bool writable() const override { return writable_; }

 private:
  std::shared_ptr<MemoryLog> log_;
  bool writable_;
};

// ---- Create and Append --------------------------------------------------------------------

TEST(Ledger, CreateWritesGenesisTheNodeKeyAndAFirstCheckpoint) {
  TempDir dir("create");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->ledger_id(), kLedgerId);
  EXPECT_EQ(l->size(), 2u);
  std::vector<Bytes> entries = StoredEntries(l->storage());
  ASSERT_EQ(entries.size(), 2u);

  EntryView g = Parse(entries[0]);
  EXPECT_EQ(g.type(), EventType::Genesis);
  EXPECT_EQ(g.key_id(), Root().key_id());
  EXPECT_EQ(g.prev_hash(), Hash{});
  EXPECT_EQ(g.event->time_us(), kStart);
  const auto* gp = PayloadAs<schema::Genesis>(g);
  EXPECT_EQ(gp->ledger_id()->string_view(), kLedgerId);
  EXPECT_EQ(gp->description()->str(), "test ledger");
  EXPECT_EQ(gp->created_time_us(), kStart);

  EntryView r = Parse(entries[1]);
  EXPECT_EQ(r.type(), EventType::KeyRegistered);
  EXPECT_EQ(r.key_id(), Root().key_id());
  const KeyInfo* node = l->keys().Find(Node().key_id());
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->roles, kRoleWriter | kRoleCheckpoint);
  EXPECT_EQ(node->registered_at, 1u);
  const KeyInfo* root = l->keys().Find(Root().key_id());
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->roles, kRoleAuthority);

  ASSERT_TRUE(l->LatestCheckpoint().has_value());
  ExpectCheckpoint(*l, *l->LatestCheckpoint(), 2, Node().public_key());
  EXPECT_EQ(CheckpointSizes(l->storage()), std::vector<uint64_t>{2});
  ASSERT_NE(l->node_public_key(), nullptr);
  EXPECT_EQ(*l->node_public_key(), Node().public_key());
  EXPECT_EQ(l->NodeVerifierKey(), VerifierKeyString(kLedgerId, Node().public_key()));
}

TEST(Ledger, CreateRefusesABadNameANonEmptyOrAReadOnlyStorage) {
  FakeClock clock;
  auto bad_name = Ledger::Create(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()),
                                 "has space", "", Root(), Node(), TestActor(), Options(clock));
  EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument);

  auto log = std::make_shared<MemoryLog>();
  ASSERT_NE(CreateOn(std::make_unique<MemoryStorage>(log), Options(clock)), nullptr);
  auto again = Ledger::Create(std::make_unique<MemoryStorage>(log), kLedgerId, "", Root(), Node(),
                              TestActor(), Options(clock));
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(log->entries.size(), 2u);

  auto read_only = Ledger::Create(
      std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>(), /*writable=*/false), kLedgerId,
      "", Root(), Node(), TestActor(), Options(clock));
  EXPECT_EQ(read_only.status().code(), StatusCode::kFailedPrecondition);
}

TEST(Ledger, AppendAssignsContiguousSequences) {
  TempDir dir("contiguous");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  auto a = l->Append(Memos(3));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, 2u);
  auto b = l->Append(Memos(5));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, 5u);
  auto c = l->Append(Memos(1), /*expected_next=*/10);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, 10u);
  EXPECT_EQ(l->size(), 11u);
  std::vector<Bytes> entries = StoredEntries(l->storage());
  ASSERT_EQ(entries.size(), 11u);
  for (uint64_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(Parse(entries[i]).sequence(), i);
    auto one = l->ReadEntry(i);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(*one, entries[i]);
  }
  for (uint64_t i = 2; i < entries.size(); ++i) {
    EntryView e = Parse(entries[i]);
    EXPECT_EQ(e.type(), EventType::Memo);
    EXPECT_EQ(e.key_id(), Node().key_id());
    EXPECT_EQ(e.ledger_id(), kLedgerId);
    EXPECT_EQ(e.event->actor()->org_unit()->str(), "320400");
    EXPECT_TRUE(VerifySignature(Node().public_key(), e.body, e.signature));
  }
}

TEST(Ledger, RootMatchesRootFromLeavesOverTheStoredEntries) {
  TempDir dir("root");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  for (size_t n : {size_t{1}, size_t{2}, size_t{3}, size_t{7}}) {
    ASSERT_TRUE(l->Append(Memos(n)).ok());
    std::vector<Hash> leaves = LeafHashes(StoredEntries(l->storage()));
    EXPECT_EQ(l->Root(), RootFromLeaves(leaves));
  }
  std::vector<Hash> leaves = LeafHashes(StoredEntries(l->storage()));
  for (uint64_t s = 0; s <= leaves.size(); ++s) {
    auto r = l->RootAt(s);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, RootFromLeaves(std::span(leaves).first(s))) << "size " << s;
  }
  EXPECT_EQ(l->RootAt(leaves.size() + 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(Ledger, EachEntryChainsToTheHashOfThePreviousOne) {
  TempDir dir("chain");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(4)).ok());
  ASSERT_TRUE(l->RegisterKey(Root(), KeyFromByte(5).public_key(), kRoleWriter, "w", TestActor()).ok());
  ASSERT_TRUE(l->Append(Memos(2)).ok());
  std::vector<Bytes> entries = StoredEntries(l->storage());
  ASSERT_EQ(entries.size(), 9u);
  EXPECT_EQ(Parse(entries[0]).prev_hash(), Hash{});
  for (size_t i = 1; i < entries.size(); ++i) {
    EXPECT_EQ(Parse(entries[i]).prev_hash(), LeafHash(entries[i - 1])) << "entry " << i;
  }
}

TEST(Ledger, AppendRejectsStaleExpectedSequence) {
  TempDir dir("stale");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(3)).ok());
  const Hash root = l->Root();
  for (uint64_t stale : {uint64_t{0}, uint64_t{4}, uint64_t{6}, uint64_t{1000}}) {
    auto r = l->Append(Memos(2), stale);
    EXPECT_EQ(r.status().code(), StatusCode::kAborted) << "expected_next " << stale;
  }
  EXPECT_EQ(l->size(), 5u);
  EXPECT_EQ(l->Root(), root);
  EXPECT_EQ(StoredEntries(l->storage()).size(), 5u);
  // The same holds for events signed by another key.
  EXPECT_EQ(l->AppendSignedBy(Root(), Memos(1), 2).status().code(), StatusCode::kAborted);
  EXPECT_EQ(l->size(), 5u);
  auto ok = l->Append(Memos(2), 5);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, 5u);
}

// ---- Refused events leave no trace ----------------------------------------------------------

// Everything observable about a ledger that a refused append must not change.
struct Snapshot {
  uint64_t size;
  Hash root;
  std::vector<Bytes> entries;
  std::vector<uint64_t> checkpoints;
  size_t keys;
};

Snapshot Take(const Ledger& l) {
  return Snapshot{l.size(), l.Root(), StoredEntries(l.storage()), CheckpointSizes(l.storage()),
                  l.keys().keys().size()};
}

void ExpectUnchanged(const Ledger& l, const Snapshot& before) {
  Snapshot now = Take(l);
  EXPECT_EQ(now.size, before.size);
  EXPECT_EQ(now.root, before.root);
  EXPECT_EQ(now.entries, before.entries);
  EXPECT_EQ(now.checkpoints, before.checkpoints);
  EXPECT_EQ(now.keys, before.keys);
}

TEST(Ledger, AnOversizedPayloadIsResourceExhaustedAndLeavesNoTrace) {
  TempDir dir("oversized");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/1));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(1)).ok());
  Snapshot before = Take(*l);
  std::vector<EventDraft> drafts{
      EventDraft{EventType::Memo, MakeMemoPayload("big", std::string(kMaxPayloadBytes, 'x')),
                 TestActor()}};
  ASSERT_GT(drafts[0].payload.size(), kMaxPayloadBytes);
  auto r = l->Append(drafts);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("event 0"), std::string::npos) << r.status().message();
  ExpectUnchanged(*l, before);

  // Just under the limit is fine.
  std::vector<EventDraft> fits{
      EventDraft{EventType::Memo, MakeMemoPayload("big", std::string(kMaxPayloadBytes - 64, 'x')),
                 TestActor()}};
  ASSERT_LE(fits[0].payload.size(), kMaxPayloadBytes);
  EXPECT_TRUE(l->Append(fits).ok());
}

TEST(Ledger, GenesisAfterEntryZeroIsInvalidArgumentAndLeavesNoTrace) {
  TempDir dir("genesis");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  Snapshot before = Take(*l);
  std::vector<EventDraft> drafts{
      EventDraft{EventType::Genesis, MakeGenesisPayload(kLedgerId, Root().public_key(), "", 0),
                 TestActor()}};
  EXPECT_EQ(l->Append(drafts).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(l->AppendSignedBy(Root(), drafts).status().code(), StatusCode::kInvalidArgument);
  ExpectUnchanged(*l, before);
}

TEST(Ledger, ABatchWithOneBadEventWritesNone) {
  TempDir dir("badbatch");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/1));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(2)).ok());
  Snapshot before = Take(*l);

  struct Bad {
    const char* what;
    EventDraft draft;
    StatusCode code;
  };
  std::vector<Bad> bads;
  bads.push_back({"oversized payload",
                  {EventType::Memo, Bytes(kMaxPayloadBytes + 1, 0), TestActor()},
                  StatusCode::kResourceExhausted});
  bads.push_back({"malformed payload", {EventType::Memo, Bytes(16, 0xFF), TestActor()},
                  StatusCode::kInvalidArgument});
  bads.push_back({"type not set", {EventType::Unknown, MakeMemoPayload("a", "b"), TestActor()},
                  StatusCode::kInvalidArgument});
  bads.push_back({"actor field too long",
                  {EventType::Memo, MakeMemoPayload("a", "b"),
                   Actor{std::string(kMaxActorFieldBytes + 1, 'u'), "x"}},
                  StatusCode::kInvalidArgument});
  bads.push_back({"second genesis",
                  {EventType::Genesis, MakeGenesisPayload(kLedgerId, Root().public_key(), "", 0),
                   TestActor()},
                  StatusCode::kInvalidArgument});
  bads.push_back({"key event signed by the node key",
                  {EventType::KeyRegistered,
                   MakeKeyRegisteredPayload(KeyFromByte(9).public_key(), kRoleWriter, "x", ""),
                   TestActor()},
                  StatusCode::kPermissionDenied});
  for (Bad& bad : bads) {
    std::vector<EventDraft> batch = Memos(2, "before");
    batch.push_back(bad.draft);
    for (EventDraft& d : Memos(2, "after")) batch.push_back(std::move(d));
    auto r = l->Append(batch);
    EXPECT_EQ(r.status().code(), bad.code) << bad.what << ": " << r.status().ToString();
    EXPECT_NE(r.status().message().find("event 2 of the batch"), std::string::npos)
        << bad.what << ": " << r.status().message();
    ExpectUnchanged(*l, before);
  }
  EXPECT_EQ(l->keys().Find(KeyFromByte(9).key_id()), nullptr);
  // The ledger still appends normally afterwards.
  auto ok = l->Append(Memos(1), before.size);
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(Ledger, AStreamsObserverSeesEachEntryAsSignedAndOnlyThoseBeforeAFailure) {
  TempDir dir("observer");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  const uint64_t first = l->size();
  const std::vector<EventDraft> memos = Memos(5);
  std::vector<std::pair<uint64_t, Bytes>> seen;
  auto observe = [&](uint64_t seq, ByteView e) { seen.emplace_back(seq, Bytes(e.begin(), e.end())); };
  auto r = l->AppendStream(
      memos.size(), [&](uint64_t i) -> StatusOr<EventDraft> { return memos[i]; }, first, observe);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<Bytes> stored = StoredEntries(l->storage());
  ASSERT_EQ(seen.size(), 5u);
  for (uint64_t i = 0; i < 5; ++i) {
    EXPECT_EQ(seen[i].first, first + i);
    EXPECT_EQ(seen[i].second, stored[first + i]) << "the observer sees the exact stored bytes";
  }
  // A batch whose third event is refused: the observer saw the two before it, the log none.
  seen.clear();
  std::vector<EventDraft> bad = Memos(2, "before");
  bad.push_back({EventType::Unknown, MakeMemoPayload("a", "b"), TestActor()});
  bad.push_back(Memos(1, "after")[0]);
  auto failed = l->AppendStream(
      bad.size(), [&](uint64_t i) -> StatusOr<EventDraft> { return bad[i]; }, l->size(), observe);
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(l->size(), first + 5);
  EXPECT_EQ(StoredEntries(l->storage()).size(), first + 5);
}

TEST(Ledger, AnActorFieldOfExactlyTheLimitIsAccepted) {
  FakeClock clock;
  auto l = CreateOn(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()), Options(clock));
  ASSERT_NE(l, nullptr);
  std::vector<EventDraft> d{EventDraft{EventType::Memo, MakeMemoPayload("a", "b"),
                                       Actor{std::string(kMaxActorFieldBytes, 'o'),
                                             std::string(kMaxActorFieldBytes, 'u')}}};
  EXPECT_TRUE(l->Append(d).ok());
}

TEST(Ledger, AnEmptyBatchIsInvalidArgument) {
  FakeClock clock;
  auto l = CreateOn(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()), Options(clock));
  ASSERT_NE(l, nullptr);
  std::vector<EventDraft> none;
  EXPECT_EQ(l->Append(none).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(l->size(), 2u);
}

// ---- Key rules ------------------------------------------------------------------------------

TEST(Ledger, AKeyEventSignedByTheNodeKeyIsPermissionDenied) {
  TempDir dir("nodekeyevent");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  Snapshot before = Take(*l);
  auto reg = l->RegisterKey(Node(), KeyFromByte(7).public_key(), kRoleWriter, "w", TestActor());
  EXPECT_EQ(reg.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(reg.status().message().find(Node().key_id()), std::string::npos);
  auto rev = l->RevokeKey(Node(), Root().key_id(), "coup", TestActor());
  EXPECT_EQ(rev.status().code(), StatusCode::kPermissionDenied);
  std::vector<EventDraft> d{EventDraft{
      EventType::KeyRegistered,
      MakeKeyRegisteredPayload(KeyFromByte(7).public_key(), kRoleAuthority, "x", ""), TestActor()}};
  EXPECT_EQ(l->Append(d).status().code(), StatusCode::kPermissionDenied);
  ExpectUnchanged(*l, before);
}

TEST(Ledger, ARegisteredKeyMaySignAndAnUnregisteredOneMayNot) {
  TempDir dir("register");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  KeyPair writer = KeyFromByte(7);
  EXPECT_EQ(l->AppendSignedBy(writer, Memos(1)).status().code(), StatusCode::kPermissionDenied);
  auto seq = l->RegisterKey(Root(), writer.public_key(), kRoleWriter, "desk 7", TestActor());
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(*seq, 2u);
  const KeyInfo* k = l->keys().Find(writer.key_id());
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->label, "desk 7");
  EXPECT_EQ(k->roles, kRoleWriter);
  auto signed_by = l->AppendSignedBy(writer, Memos(2));
  ASSERT_TRUE(signed_by.ok()) << signed_by.status().ToString();
  EXPECT_EQ(Parse(*l->ReadEntry(*signed_by)).key_id(), writer.key_id());
  // Registering it again is refused.
  EXPECT_EQ(l->RegisterKey(Root(), writer.public_key(), kRoleWriter, "again", TestActor())
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST(Ledger, RotateNodeKeyRetiresTheOldKeyAndSignsWithTheNewOne) {
  TempDir dir("rotate");
  FakeClock clock;
  KeyPair new_node = KeyFromByte(3);
  {
    auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
    ASSERT_NE(l, nullptr);
    ASSERT_TRUE(l->Append(Memos(2)).ok());
    auto seq = l->RotateNodeKey(Root(), KeyFromByte(3), TestActor());
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    EXPECT_EQ(*seq, 4u);
    EntryView rot = Parse(*l->ReadEntry(4));
    EXPECT_EQ(rot.type(), EventType::KeyRegistered);
    EXPECT_EQ(PayloadAs<schema::KeyRegistered>(rot)->replaces_key_id()->str(), Node().key_id());

    const KeyInfo* old_info = l->keys().Find(Node().key_id());
    ASSERT_NE(old_info, nullptr);
    EXPECT_EQ(old_info->revoked_at, std::optional<uint64_t>(4));
    const KeyInfo* new_info = l->keys().Find(new_node.key_id());
    ASSERT_NE(new_info, nullptr);
    EXPECT_EQ(new_info->roles, kRoleWriter | kRoleCheckpoint);

    // The rotation is covered by a checkpoint signed by the new key, not the old one.
    ASSERT_TRUE(l->LatestCheckpoint().has_value());
    ExpectCheckpoint(*l, *l->LatestCheckpoint(), 5, new_node.public_key());
    auto note = ParseNote(*l->LatestCheckpoint());
    ASSERT_TRUE(note.ok());
    EXPECT_EQ(VerifyNote(*note, kLedgerId, Node().public_key()).code(), StatusCode::kNotFound);
    EXPECT_EQ(l->NodeVerifierKey(), VerifierKeyString(kLedgerId, new_node.public_key()));
    ASSERT_NE(l->node_public_key(), nullptr);
    EXPECT_EQ(*l->node_public_key(), new_node.public_key());

    auto old_signs = l->AppendSignedBy(Node(), Memos(1));
    EXPECT_EQ(old_signs.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(old_signs.status().message().find("revoked"), std::string::npos);
    auto new_signs = l->Append(Memos(1));
    ASSERT_TRUE(new_signs.ok()) << new_signs.status().ToString();
    EXPECT_EQ(Parse(*l->ReadEntry(*new_signs)).key_id(), new_node.key_id());
    EXPECT_TRUE(l->AppendSignedBy(new_node, Memos(1)).ok());
  }
  // After reopening, the old key still cannot append; the new one can.
  {
    auto with_old = OpenOn(LmdbWriter(dir.path), Node(), Options(clock));
    ASSERT_NE(with_old, nullptr);
    // The node's own key out of force: the node cannot write (kUnavailable, a 503 over HTTP),
    // not a refusal of the caller (kPermissionDenied would be a client's 403).
    auto refused = with_old->Append(Memos(1));
    EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(refused.status().message().find("node key " + Node().key_id() + " is not in force"),
              std::string::npos)
        << refused.status().message();
    EXPECT_EQ(with_old->NodeKeyStatus().code(), StatusCode::kFailedPrecondition);
  }
  auto with_new = OpenOn(LmdbWriter(dir.path), KeyFromByte(3), Options(clock));
  ASSERT_NE(with_new, nullptr);
  EXPECT_TRUE(with_new->Append(Memos(1)).ok());
}

TEST(Ledger, RevokingTheLastAuthorityKeyIsFailedPrecondition) {
  TempDir dir("lastauthority");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  Snapshot before = Take(*l);
  auto r = l->RevokeKey(Root(), Root().key_id(), "retiring", TestActor());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no authority"), std::string::npos) << r.status().message();
  ExpectUnchanged(*l, before);

  // With a second authority key in force, the root key may be revoked, and then only the
  // second signs key events.
  KeyPair second = KeyFromByte(4);
  ASSERT_TRUE(l->RegisterKey(Root(), second.public_key(), kRoleAuthority, "a2", TestActor()).ok());
  ASSERT_TRUE(l->RevokeKey(second, Root().key_id(), "retiring", TestActor()).ok());
  EXPECT_EQ(l->RegisterKey(Root(), KeyFromByte(5).public_key(), kRoleWriter, "w", TestActor())
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(l->RegisterKey(second, KeyFromByte(5).public_key(), kRoleWriter, "w", TestActor()).ok());
  EXPECT_EQ(l->RevokeKey(second, second.key_id(), "last", TestActor()).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(Ledger, RevokingAnUnknownKeyIsFailedPrecondition) {
  TempDir dir("revokeunknown");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  Snapshot before = Take(*l);
  auto r = l->RevokeKey(Root(), "0123456789abcdef", "who?", TestActor());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("0123456789abcdef"), std::string::npos);
  ExpectUnchanged(*l, before);
}

TEST(Ledger, ARevokedNodeKeyCanNoLongerAppend) {
  FakeClock clock;
  auto l = CreateOn(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->RevokeKey(Root(), Node().key_id(), "compromised", TestActor()).ok());
  auto refused = l->Append(Memos(1));
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("it was revoked at entry 2"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(l->size(), 3u);
}

TEST(Ledger, IssueCheckpointWithoutANodeKeyInForceIsFailedPrecondition) {
  FakeClock clock;
  auto l = CreateOn(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->RevokeKey(Root(), Node().key_id(), "compromised", TestActor()).ok());
  auto cp = l->IssueCheckpoint();
  EXPECT_EQ(cp.status().code(), StatusCode::kFailedPrecondition);
}

// ---- Checkpoints ----------------------------------------------------------------------------

TEST(Ledger, CheckpointsAreIssuedEveryNEntries) {
  TempDir dir("everyn");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/5));
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(CheckpointSizes(l->storage()), std::vector<uint64_t>{2});
  ASSERT_TRUE(l->Append(Memos(2)).ok());  // 4
  ASSERT_TRUE(l->Append(Memos(2)).ok());  // 6
  EXPECT_EQ(CheckpointSizes(l->storage()), std::vector<uint64_t>{2});
  ASSERT_TRUE(l->Append(Memos(1)).ok());  // 7 = 2 + 5
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 7}));
  // A batch that crosses several multiples gives one checkpoint, at its end.
  ASSERT_TRUE(l->Append(Memos(12)).ok());  // 19
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 7, 19}));
  ASSERT_TRUE(l->Append(Memos(4)).ok());  // 23
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 7, 19}));
  ASSERT_TRUE(l->LatestCheckpoint().has_value());
  EXPECT_EQ(CheckpointSizeOf(*l->LatestCheckpoint()), 19u);
  // Time plays no part with every_seconds = 0.
  clock.Advance(3600 * kSecond);
  auto due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
}

TEST(Ledger, CheckpointsAreIssuedEveryTSecondsByMaybeCheckpoint) {
  TempDir dir("everyt");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/0, /*every_seconds=*/60));
  ASSERT_NE(l, nullptr);
  clock.Advance(1 * kSecond);
  ASSERT_TRUE(l->Append(Memos(1)).ok());  // size 3 at t+1s: not due
  EXPECT_EQ(CheckpointSizes(l->storage()), std::vector<uint64_t>{2});
  clock.Advance(58 * kSecond);  // t+59s
  auto due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
  clock.Advance(1 * kSecond);  // t+60s
  due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_TRUE(*due);
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 3}));
  ExpectCheckpoint(*l, *l->LatestCheckpoint(), 3, Node().public_key());
  // Nothing new to cover: never due, however long it has been.
  due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
  clock.Advance(600 * kSecond);
  due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 3}));
  // The append path applies the time policy too.
  ASSERT_TRUE(l->Append(Memos(1)).ok());
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 3, 4}));
  // T is counted from the last checkpoint.
  clock.Advance(30 * kSecond);
  ASSERT_TRUE(l->Append(Memos(1)).ok());
  due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
  clock.Advance(30 * kSecond);
  due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(*due);
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 3, 4, 5}));
}

TEST(Ledger, NoPolicyMeansCheckpointsOnlyOnDemand) {
  FakeClock clock;
  auto log = std::make_shared<MemoryLog>();
  auto l = CreateOn(std::make_unique<MemoryStorage>(log), Options(clock, 0, 0));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(50)).ok());
  clock.Advance(86400 * kSecond);
  auto due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(*due);
  EXPECT_EQ(log->checkpoints.size(), 1u);
}

TEST(Ledger, IssueCheckpointOnDemandCoversTheCurrentTree) {
  TempDir dir("ondemand");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(3)).ok());
  auto cp = l->IssueCheckpoint();
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  ExpectCheckpoint(*l, *cp, 5, Node().public_key());
  EXPECT_EQ(l->LatestCheckpoint(), std::optional<std::string>(*cp));
  // Without growth, the stored one is returned and nothing new is stored.
  auto again = l->IssueCheckpoint();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *cp);
  EXPECT_EQ(CheckpointSizes(l->storage()), (std::vector<uint64_t>{2, 5}));
  auto stored = StoredCheckpoints(l->storage());
  EXPECT_EQ(stored.back().second, *cp);
}

TEST(Ledger, EveryStoredCheckpointParsesAndVerifiesWithTheNodeKey) {
  TempDir dir("cpverify");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/3));
  ASSERT_NE(l, nullptr);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(l->Append(Memos(2)).ok());
  auto cps = StoredCheckpoints(l->storage());
  ASSERT_GE(cps.size(), 4u);
  auto vkey = ParseVerifierKey(l->NodeVerifierKey());
  ASSERT_TRUE(vkey.ok()) << vkey.status().ToString();
  EXPECT_EQ(vkey->name, kLedgerId);
  EXPECT_EQ(vkey->public_key, Node().public_key());
  for (const auto& [size, note] : cps) {
    SCOPED_TRACE("checkpoint of size " + std::to_string(size));
    ExpectCheckpoint(*l, note, size, vkey->public_key);
    auto parsed = ParseNote(note);
    ASSERT_TRUE(parsed.ok());
    // Not by the root key; and a tampered note fails.
    EXPECT_EQ(VerifyNote(*parsed, kLedgerId, Root().public_key()).code(), StatusCode::kNotFound);
    SignedNote tampered = *parsed;
    tampered.text[tampered.text.size() - 2] ^= 0x01;
    EXPECT_EQ(VerifyNote(tampered, kLedgerId, vkey->public_key).code(), StatusCode::kDataLoss);
  }
}

TEST(Ledger, AnAppendWhoseDueCheckpointFailsIsNotReportedAsFailedOnceDurable) {
  FakeClock clock;
  auto log = std::make_shared<MemoryLog>();
  auto l = CreateOn(std::make_unique<MemoryStorage>(log), Options(clock, /*every_entries=*/1));
  ASSERT_NE(l, nullptr);
  log->fail_checkpoints = true;
  auto r = l->Append(Memos(2));
  const bool written = log->entries.size() == 4;
  // Either the events were appended and reported (the checkpoint is retried later), or
  // neither happened.
  EXPECT_EQ(r.ok(), written) << r.status().ToString();
  EXPECT_EQ(l->size(), log->entries.size());
  // The checkpoint stays due and is issued once the store works again.
  log->fail_checkpoints = false;
  auto due = l->MaybeCheckpoint();
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_TRUE(*due);
  ASSERT_EQ(log->checkpoints.count(l->size()), 1u);
  ExpectCheckpoint(*l, log->checkpoints[l->size()], l->size(), Node().public_key());
}

// ---- Open -----------------------------------------------------------------------------------

struct KeyState {
  std::string key_id;
  PublicKey pk;
  uint32_t roles;
  std::string label;
  uint64_t registered_at;
  std::optional<uint64_t> revoked_at;
  bool operator==(const KeyState&) const = default;
};

std::vector<KeyState> KeysOf(const Ledger& l) {
  std::vector<KeyState> out;
  for (const auto& [id, k] : l.keys().keys()) {
    out.push_back(KeyState{k.key_id, k.public_key, k.roles, k.label, k.registered_at, k.revoked_at});
  }
  return out;
}

TEST(Ledger, OpenRestoresSizeRootKeysAndTheLatestCheckpoint) {
  TempDir dir("reopen");
  FakeClock clock;
  uint64_t size = 0;
  Hash root{};
  std::vector<KeyState> keys;
  std::optional<std::string> latest;
  {
    auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/4));
    ASSERT_NE(l, nullptr);
    ASSERT_TRUE(l->Append(Memos(5)).ok());
    ASSERT_TRUE(l->RegisterKey(Root(), KeyFromByte(6).public_key(), kRoleWriter, "w6", TestActor()).ok());
    ASSERT_TRUE(l->RegisterKey(Root(), KeyFromByte(7).public_key(), kRoleAuthority, "a7", TestActor()).ok());
    ASSERT_TRUE(l->RevokeKey(Root(), KeyFromByte(6).key_id(), "gone", TestActor()).ok());
    ASSERT_TRUE(l->Append(Memos(2)).ok());
    ASSERT_TRUE(l->IssueCheckpoint().ok());
    ASSERT_TRUE(l->Append(Memos(1)).ok());  // the latest checkpoint is behind the tree
    size = l->size();
    root = l->Root();
    keys = KeysOf(*l);
    latest = l->LatestCheckpoint();
  }
  ASSERT_EQ(size, 13u);
  ASSERT_EQ(keys.size(), 4u);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(CheckpointSizeOf(*latest), 12u);

  auto l = OpenOn(LmdbWriter(dir.path), Node(), Options(clock, /*every_entries=*/4));
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->ledger_id(), kLedgerId);
  EXPECT_EQ(l->size(), size);
  EXPECT_EQ(l->Root(), root);
  EXPECT_EQ(KeysOf(*l), keys);
  EXPECT_EQ(l->LatestCheckpoint(), latest);
  EXPECT_EQ(l->NodeVerifierKey(), VerifierKeyString(kLedgerId, Node().public_key()));
  // And carries on: next sequence, chain, key rules, checkpoint policy.
  EXPECT_EQ(l->Append(Memos(1), size - 1).status().code(), StatusCode::kAborted);
  auto next = l->Append(Memos(3), size);  // 16 = 12 + 4: a checkpoint is due
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(*next, size);
  EXPECT_EQ(CheckpointSizeOf(*l->LatestCheckpoint()), 16u);
  std::vector<Bytes> entries = StoredEntries(l->storage());
  EXPECT_EQ(Parse(entries[size]).prev_hash(), LeafHash(entries[size - 1]));
  EXPECT_EQ(l->Root(), RootFromLeaves(LeafHashes(entries)));
  EXPECT_EQ(l->AppendSignedBy(KeyFromByte(6), Memos(1)).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      l->RegisterKey(KeyFromByte(7), KeyFromByte(8).public_key(), kRoleWriter, "w8", TestActor()).ok());
}

TEST(Ledger, OpenWithoutANodeKeyOrReadOnlyReadsButCannotAppend) {
  TempDir dir("readonly");
  FakeClock clock;
  {
    auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
    ASSERT_NE(l, nullptr);
    ASSERT_TRUE(l->Append(Memos(3)).ok());
  }
  {
    auto l = OpenOn(LmdbWriter(dir.path), std::nullopt, Options(clock));
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->size(), 5u);
    EXPECT_EQ(l->Append(Memos(1)).status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(l->node_public_key(), nullptr);
    EXPECT_EQ(l->NodeVerifierKey(), "");
    EXPECT_EQ(l->IssueCheckpoint().status().code(), StatusCode::kFailedPrecondition);
    EXPECT_TRUE(l->ReadEntry(4).ok());
    EXPECT_TRUE(l->InclusionProof(1, 5).ok());
  }
  auto l = OpenOn(LmdbReader(dir.path), Node(), Options(clock));
  ASSERT_NE(l, nullptr);
  EXPECT_FALSE(l->storage().writable());
  EXPECT_EQ(l->Append(Memos(1)).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(l->AppendSignedBy(Root(), Memos(1)).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(l->IssueCheckpoint().status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(l->size(), 5u);
}

TEST(Ledger, OpenOfAnEmptyStorageIsNotFound) {
  FakeClock clock;
  auto l = Ledger::Open(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()), Node(),
                        Options(clock));
  EXPECT_EQ(l.status().code(), StatusCode::kNotFound);
}

// A ledger of 10 entries in memory, to corrupt.
std::shared_ptr<MemoryLog> TenEntryLog() {
  FakeClock clock;
  auto log = std::make_shared<MemoryLog>();
  auto l = CreateOn(std::make_unique<MemoryStorage>(log), Options(clock));
  if (l == nullptr || !l->Append(Memos(8)).ok()) ADD_FAILURE() << "building the log";
  return log;
}

Status OpenStatus(const MemoryLog& log) {
  FakeClock clock;
  auto l = Ledger::Open(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>(log)), Node(),
                        Options(clock));
  return l.ok() ? OkStatus() : l.status();
}

// Entry `seq` of `log` rebuilt with a different payload, properly signed by the node key.
Bytes Rewritten(const MemoryLog& log, uint64_t seq, std::optional<uint64_t> claimed_seq = std::nullopt) {
  EntryView e = Parse(log.entries[seq]);
  Actor actor{e.event->actor()->org_unit()->str(), e.event->actor()->user()->str()};
  Bytes payload = MakeMemoPayload("memo", "a different text");
  EntryFields f;
  f.ledger_id = e.ledger_id();
  f.sequence = claimed_seq.value_or(seq);
  f.prev_hash = e.prev_hash();
  f.time_us = e.event->time_us();
  f.actor = &actor;
  f.type = EventType::Memo;
  f.payload = payload;
  return BuildEntry(f, Node());
}

void ExpectDataLossNaming(const Status& s, const std::string& what) {
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find(what), std::string::npos) << s.message();
}

TEST(Ledger, OpenAcceptsTheUntamperedLog) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  ASSERT_EQ(log->entries.size(), 10u);
  Status s = OpenStatus(*log);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(Ledger, OpenDetectsABrokenChainAndNamesTheEntry) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  MemoryLog tampered = *log;
  tampered.entries[4] = Rewritten(*log, 4);  // validly signed, but a different hash
  ExpectDataLossNaming(OpenStatus(tampered), "entry 5 does not chain to entry 4");
}

TEST(Ledger, OpenDetectsAFlippedByteAndNamesTheEntry) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  MemoryLog tampered = *log;
  tampered.entries[6][tampered.entries[6].size() / 2] ^= 0x40;
  Status s = OpenStatus(tampered);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  // Either entry 6 no longer parses, or entry 7 no longer chains to it.
  const bool names_6 = s.message().find("entry 6:") != std::string::npos;
  const bool names_7 = s.message().find("entry 7 does not chain") != std::string::npos;
  EXPECT_TRUE(names_6 || names_7) << s.message();
}

TEST(Ledger, OpenDetectsAnEntryThatIsNotAnEntry) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  MemoryLog tampered = *log;
  tampered.entries[3] = Bytes{'n', 'o', 't', ' ', 'a', 'n', ' ', 'e', 'n', 't', 'r', 'y'};
  ExpectDataLossNaming(OpenStatus(tampered), "entry 3:");
}

TEST(Ledger, OpenDetectsAMissingEntry) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  MemoryLog tampered = *log;
  tampered.entries.erase(tampered.entries.begin() + 5);
  ExpectDataLossNaming(OpenStatus(tampered), "entry 5 carries sequence 6");
}

TEST(Ledger, OpenDetectsAnEntryClaimingTheWrongSequence) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  MemoryLog tampered = *log;
  tampered.entries[8] = Rewritten(*log, 8, /*claimed_seq=*/80);
  ExpectDataLossNaming(OpenStatus(tampered), "entry 8 carries sequence 80");
}

TEST(Ledger, OpenDetectsAGenesisNotSignedByItsRoot) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  MemoryLog tampered = *log;
  EntryView g = Parse(log->entries[0]);
  Actor actor = TestActor();
  EntryFields f;
  f.ledger_id = g.ledger_id();
  f.sequence = 0;
  f.time_us = g.event->time_us();
  f.actor = &actor;
  f.type = EventType::Genesis;
  f.payload = g.payload();
  tampered.entries[0] = BuildEntry(f, KeyFromByte(66));
  ExpectDataLossNaming(OpenStatus(tampered), "genesis");
}

TEST(Ledger, OpenDetectsAKeyEventThatBreaksTheKeyRules) {
  std::shared_ptr<MemoryLog> log = TenEntryLog();
  // Entry 1 registers the node key; a log in which entry 2 registers it again is refused.
  MemoryLog tampered = *log;
  tampered.entries.resize(2);
  Actor actor = TestActor();
  Bytes payload = MakeKeyRegisteredPayload(Node().public_key(), kRoleWriter, "dup", "");
  EntryFields f;
  f.ledger_id = kLedgerId;
  f.sequence = 2;
  f.prev_hash = LeafHash(tampered.entries[1]);
  f.actor = &actor;
  f.type = EventType::KeyRegistered;
  f.payload = payload;
  tampered.entries.push_back(BuildEntry(f, Root()));
  ExpectDataLossNaming(OpenStatus(tampered), "entry 2:");
}

// ---- Proofs, time, export -------------------------------------------------------------------

TEST(Ledger, InclusionAndConsistencyProofsVerify) {
  TempDir dir("proofs");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(15)).ok());
  std::vector<Bytes> entries = StoredEntries(l->storage());
  const uint64_t n = entries.size();
  ASSERT_EQ(n, 17u);
  for (uint64_t size = 1; size <= n; ++size) {
    Hash root = *l->RootAt(size);
    for (uint64_t i = 0; i < size; ++i) {
      auto proof = l->InclusionProof(i, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      Status v = VerifyInclusion(i, size, LeafHash(entries[i]), *proof, root);
      EXPECT_TRUE(v.ok()) << "index " << i << " size " << size << ": " << v.ToString();
      if (size > 1) {
        Status wrong = VerifyInclusion(i, size, LeafHash(entries[(i + 1) % size]), *proof, root);
        EXPECT_EQ(wrong.code(), StatusCode::kDataLoss);
      }
    }
    for (uint64_t old_size = 1; old_size <= size; ++old_size) {
      auto proof = l->ConsistencyProof(old_size, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      Status v = VerifyConsistency(old_size, size, *proof, *l->RootAt(old_size), root);
      EXPECT_TRUE(v.ok()) << old_size << " -> " << size << ": " << v.ToString();
    }
  }
  // Proofs tie in with the checkpoint the ledger signed.
  auto cp = l->IssueCheckpoint();
  ASSERT_TRUE(cp.ok());
  auto note = ParseNote(*cp);
  ASSERT_TRUE(note.ok());
  auto body = ParseCheckpoint(note->text);
  ASSERT_TRUE(body.ok());
  auto proof = l->InclusionProof(9, body->size);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyInclusion(9, body->size, LeafHash(entries[9]), *proof, body->root).ok());
  EXPECT_EQ(l->InclusionProof(n, n).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(l->InclusionProof(0, n + 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(l->ConsistencyProof(5, n + 1).status().code(), StatusCode::kInvalidArgument);
}

TEST(Ledger, EntryTimesNeverGoBackwardsEvenIfTheClockDoes) {
  TempDir dir("time");
  FakeClock clock;
  auto time_of = [](const Ledger& l, uint64_t seq) { return Parse(*l.ReadEntry(seq)).event->time_us(); };
  {
    auto l = CreateOn(LmdbWriter(dir.path), Options(clock));
    ASSERT_NE(l, nullptr);
    clock.Advance(5 * kSecond);
    ASSERT_TRUE(l->Append(Memos(1)).ok());  // 2
    EXPECT_EQ(time_of(*l, 2), kStart + 5 * kSecond);
    clock.Set(kStart - 100 * kSecond);  // the clock jumps back
    ASSERT_TRUE(l->Append(Memos(2)).ok());  // 3, 4
    EXPECT_EQ(time_of(*l, 3), kStart + 5 * kSecond);
    EXPECT_EQ(time_of(*l, 4), kStart + 5 * kSecond);
    ASSERT_TRUE(l->RegisterKey(Root(), KeyFromByte(9).public_key(), kRoleWriter, "w", TestActor()).ok());
    EXPECT_EQ(time_of(*l, 5), kStart + 5 * kSecond);
    clock.Set(kStart + 10 * kSecond);
    ASSERT_TRUE(l->Append(Memos(1)).ok());  // 6
    EXPECT_EQ(time_of(*l, 6), kStart + 10 * kSecond);
  }
  // Reopened with a clock far behind, the ledger still does not go backwards.
  clock.Set(kStart - 1000 * kSecond);
  auto l = OpenOn(LmdbWriter(dir.path), Node(), Options(clock));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(1)).ok());  // 7
  EXPECT_EQ(time_of(*l, 7), kStart + 10 * kSecond);
  int64_t prev = INT64_MIN;
  for (uint64_t s = 0; s < l->size(); ++s) {
    EXPECT_GE(time_of(*l, s), prev) << "entry " << s;
    prev = time_of(*l, s);
  }
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST(Ledger, ExportLogWritesEveryEntryAndCheckpointThatExportReaderReadsBack) {
  TempDir dir("export");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/4));
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->Append(Memos(3)).ok());
  ASSERT_TRUE(l->Append(Memos(3)).ok());
  ASSERT_TRUE(l->RotateNodeKey(Root(), KeyFromByte(3), TestActor()).ok());
  ASSERT_TRUE(l->Append(Memos(2)).ok());
  std::vector<Bytes> entries = StoredEntries(l->storage());
  auto checkpoints = StoredCheckpoints(l->storage());
  ASSERT_GE(checkpoints.size(), 3u);

  const auto path = dir.path / "export.bin";
  auto summary = ExportLog(l->storage(), path.string());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->entries, entries.size());
  EXPECT_EQ(summary->checkpoints, checkpoints.size());
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  const std::string file = ReadFile(path);
  EXPECT_EQ(summary->bytes, file.size());

  ExportReader reader(AsBytes(file));
  ASSERT_TRUE(reader.ReadHeader().ok());
  std::vector<Bytes> got_entries;
  std::vector<std::string> got_notes;
  for (;;) {
    auto rec = reader.Next();
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    if (!rec->has_value()) break;
    const ExportRecord& r = **rec;
    if (r.kind == kRecordEntry) {
      EXPECT_TRUE(got_notes.empty()) << "an entry after a checkpoint";
      got_entries.emplace_back(r.data.begin(), r.data.end());
    } else {
      ASSERT_EQ(r.kind, kRecordCheckpoint);
      got_notes.emplace_back(AsChars(r.data));
    }
  }
  EXPECT_EQ(got_entries, entries);
  ASSERT_EQ(got_notes.size(), checkpoints.size());
  for (size_t i = 0; i < got_notes.size(); ++i) EXPECT_EQ(got_notes[i], checkpoints[i].second);
}

TEST(Ledger, ReadEntryPastTheEndIsNotFound) {
  FakeClock clock;
  auto l = CreateOn(std::make_unique<MemoryStorage>(std::make_shared<MemoryLog>()), Options(clock));
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(l->ReadEntry(1).ok());
  EXPECT_EQ(l->ReadEntry(2).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(l->ReadEntry(UINT64_MAX).status().code(), StatusCode::kNotFound);
}

TEST(Ledger, ValidateLedgerIdAcceptsOnlyTheDocumentedAlphabet) {
  EXPECT_TRUE(ValidateLedgerId("a").ok());
  EXPECT_TRUE(ValidateLedgerId("labour/JS-2026_v1.0").ok());
  EXPECT_TRUE(ValidateLedgerId(std::string(128, 'x')).ok());
  for (std::string bad : {std::string(), std::string(129, 'x'), std::string("a b"),
                          std::string("a+b"), std::string("a\nb"), std::string("\xE2\x80\x94"),
                          std::string("a:b")}) {
    EXPECT_EQ(ValidateLedgerId(bad).code(), StatusCode::kInvalidArgument) << "'" << bad << "'";
  }
}

TEST(Ledger, ConcurrentAppendsAreSerialisedIntoOneChain) {
  TempDir dir("threads");
  FakeClock clock;
  auto l = CreateOn(LmdbWriter(dir.path), Options(clock, /*every_entries=*/10));
  ASSERT_NE(l, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        if (!l->Append(Memos(3, "thread " + std::to_string(t))).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(l->size(), 2u + 4 * 10 * 3);
  std::vector<Bytes> entries = StoredEntries(l->storage());
  EXPECT_EQ(l->Root(), RootFromLeaves(LeafHashes(entries)));
  l.reset();
  EXPECT_NE(OpenOn(LmdbWriter(dir.path), Node(), Options(clock)), nullptr);
}

}  // namespace
}  // namespace suiji
