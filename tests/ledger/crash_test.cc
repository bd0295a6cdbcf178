// Crash and multi-process behaviour of the LMDB-backed ledger (labelled integration: the test
// names contain "Crash" or "Process").
//
// CrashKillNineNeverLosesAnAcknowledgedEvent: a child process appends batches and
// acknowledges each durable Append on a pipe; the parent SIGKILLs it at a random moment and
// checks that every acknowledged entry is there, the chain is intact and every signature and
// checkpoint verifies.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/checkpoint.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/core/merkle.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/storage.h"
#include "tests/support/ledger_fixture.h"

namespace suiji {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kLedgerId = "crash-test";

using testing_support::KeyFromByte;
KeyPair Root() { return KeyFromByte(0x11); }
KeyPair Node() { return KeyFromByte(0x22); }
Actor TestActor() { return Actor{"320400", "crash-test"}; }

struct TempDir : testing_support::ScratchDir {
  explicit TempDir(const std::string& name) : ScratchDir("suiji-crash-", name) {}
};

LedgerOptions ChildOptions() {
  LedgerOptions o;
  o.checkpoint_every_entries = 500;  // checkpoints are written between appends, and killed too
  o.checkpoint_every_seconds = 0;
  return o;
}

// Creates the ledger in `dir` and closes it again.
void CreateLedger(const std::filesystem::path& dir) {
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  auto l = Ledger::Create(std::move(*storage), kLedgerId, "crash test", Root(), Node(), TestActor(),
                          ChildOptions());
  ASSERT_TRUE(l.ok()) << l.status().ToString();
}

bool WriteAll(int fd, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The child: opens the ledger as the writer and appends batches of 1..200 memos until it is
// killed, writing the new size (8 bytes, big-endian) to `ack_fd` after each successful
// Append. Never returns.
[[noreturn]] void RunAppender(const std::filesystem::path& dir, int ack_fd, uint64_t seed) {
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  if (!storage.ok()) ::_exit(10);
  auto l = Ledger::Open(std::move(*storage), Node(), ChildOptions());
  if (!l.ok()) ::_exit(11);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> batch_size(1, 200);
  for (uint64_t batch = 0;; ++batch) {
    std::vector<EventDraft> drafts;
    const size_t n = batch_size(rng);
    for (size_t i = 0; i < n; ++i) {
      drafts.push_back(EventDraft{
          EventType::Memo,
          MakeMemoPayload("crash", "batch " + std::to_string(batch) + " event " + std::to_string(i)),
          TestActor()});
    }
    auto r = (*l)->Append(drafts);
    if (!r.ok()) ::_exit(12);
    uint8_t ack[8];
    PutU64BE((*l)->size(), ack);
    if (!WriteAll(ack_fd, ack, sizeof ack)) ::_exit(13);
  }
}

// Collects the 8-byte acknowledgements from the child's pipe.
class AckReader {
 public:
  explicit AckReader(int fd) : fd_(fd) {}
  uint64_t count() const { return count_; }
  uint64_t last() const { return last_; }
  bool monotonic() const { return monotonic_; }
  bool eof() const { return eof_; }

  // Reads what arrives until `deadline`, or until `want` acknowledgements in all, or EOF.
  void PumpUntil(Clock::time_point deadline, uint64_t want = UINT64_MAX) {
    while (!eof_ && count_ < want) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return;
      pollfd p{fd_, POLLIN, 0};
      int rc = ::poll(&p, 1, static_cast<int>(left));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0) return;
      ReadSome();
    }
  }
  // After the child is dead: reads everything left, up to EOF.
  void Drain() {
    while (!eof_) ReadSome();
  }

 private:
  void ReadSome() {
    uint8_t buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return;
    if (n <= 0) {
      eof_ = true;
      return;
    }
    pending_.insert(pending_.end(), buf, buf + n);
    size_t used = 0;
    while (pending_.size() - used >= 8) {
      uint64_t v = GetU64BE(pending_.data() + used);
      if (count_ > 0 && v <= last_) monotonic_ = false;
      last_ = v;
      ++count_;
      used += 8;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  }

  int fd_;
  Bytes pending_;
  uint64_t count_ = 0;
  uint64_t last_ = 0;
  bool monotonic_ = true;
  bool eof_ = false;
};

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Opens the ledger read-only and checks it after a crash: at least `acked` entries, the chain
// intact (Ledger::Open), every entry from `verified_up_to` on signed by the root or node key
// as its key id says, every checkpoint signed by the node key over the right root. Returns
// the size found.
uint64_t CheckLedgerAfterCrash(const std::filesystem::path& dir, uint64_t acked,
                               uint64_t verified_up_to) {
  auto storage = OpenLmdbStorage(dir, StorageMode::kReadOnly);
  if (!storage.ok()) {
    ADD_FAILURE() << "read-only open: " << storage.status().ToString();
    return 0;
  }
  auto n = (*storage)->Size();
  if (!n.ok()) {
    ADD_FAILURE() << n.status().ToString();
    return 0;
  }
  EXPECT_GE(*n, acked) << "an acknowledged entry is missing";
  auto l = Ledger::Open(std::move(*storage), std::nullopt, LedgerOptions{});
  if (!l.ok()) {
    ADD_FAILURE() << "the chain is broken: " << l.status().ToString();
    return 0;
  }
  const Ledger& ledger = **l;
  EXPECT_EQ(ledger.size(), *n);

  const std::map<std::string, PublicKey, std::less<>> keys = {
      {Root().key_id(), Root().public_key()}, {Node().key_id(), Node().public_key()}};
  uint64_t bad = 0;
  std::string first_bad;
  Status read = ledger.storage().Read(verified_up_to, *n, [&](uint64_t seq, ByteView bytes) {
    auto e = ParseEntry(bytes);
    auto k = e.ok() ? keys.find(e->key_id()) : keys.end();
    if (!e.ok() || k == keys.end() || e->sequence() != seq ||
        !VerifySignature(k->second, e->body, e->signature)) {
      if (bad++ == 0) first_bad = "entry " + std::to_string(seq);
    }
    return true;
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(bad, 0u) << "entries with a bad signature, first " << first_bad;

  uint64_t checkpoints = 0;
  Status cps = ledger.storage().ReadCheckpoints([&](uint64_t size, std::string_view text) {
    ++checkpoints;
    auto note = ParseNote(text);
    if (!note.ok()) {
      ADD_FAILURE() << "checkpoint " << size << ": " << note.status().ToString();
      return true;
    }
    Status v = VerifyNote(*note, kLedgerId, Node().public_key());
    EXPECT_TRUE(v.ok()) << "checkpoint " << size << ": " << v.ToString();
    auto cp = ParseCheckpoint(note->text);
    if (!cp.ok()) {
      ADD_FAILURE() << "checkpoint " << size << ": " << cp.status().ToString();
      return true;
    }
    EXPECT_EQ(cp->size, size);
    EXPECT_LE(cp->size, *n) << "a checkpoint beyond the log";
    auto root = ledger.RootAt(cp->size);
    EXPECT_TRUE(root.ok() && *root == cp->root) << "checkpoint " << size << " root mismatch";
    return true;
  });
  EXPECT_TRUE(cps.ok()) << cps.ToString();
  EXPECT_GE(checkpoints, 1u);
  return *n;
}

TEST(LedgerCrash, CrashKillNineNeverLosesAnAcknowledgedEvent) {
  const auto started = Clock::now();
  const auto budget_end = started + std::chrono::seconds(15);  // the test must stay under 20 s
  TempDir dir("kill9");
  CreateLedger(dir.path);
  if (HasFatalFailure()) return;

  const uint64_t seed = std::random_device{}();
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_ms(5, 80);

  uint64_t acked = 2;  // genesis and the node key, written by CreateLedger
  uint64_t verified = 0;
  uint64_t total_acks = 0;
  int rounds = 0;
  int rounds_killed_mid_append = 0;
  for (int round = 0; round < 8 && Clock::now() < budget_end; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << "fork failed";
    if (pid == 0) {
      ::close(fds[0]);
      RunAppender(dir.path, fds[1], seed + static_cast<uint64_t>(round));
    }
    ::close(fds[1]);
    AckReader acks(fds[0]);
    // Let the child open the ledger and acknowledge once, then kill it a random moment later.
    acks.PumpUntil(Clock::now() + std::chrono::seconds(5), 1);
    const int delay = delay_ms(rng);
    acks.PumpUntil(Clock::now() + milliseconds(delay));
    const bool alive_at_kill = !acks.eof();
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    acks.Drain();
    ::close(fds[0]);
    ++rounds;

    EXPECT_TRUE(alive_at_kill && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the appender " << DescribeWaitStatus(status);
    EXPECT_GT(acks.count(), 0u) << "the appender never acknowledged an append";
    EXPECT_TRUE(acks.monotonic());
    if (acks.count() > 0) {
      EXPECT_GE(acks.last(), acked);
      acked = std::max(acked, acks.last());
    }
    total_acks += acks.count();

    const uint64_t size = CheckLedgerAfterCrash(dir.path, acked, verified);
    if (HasFailure()) return;
    if (size > acked) ++rounds_killed_mid_append;  // appended past the last acknowledgement
    verified = size;
  }
  // Every entry once more, now that no writer is left.
  CheckLedgerAfterCrash(dir.path, acked, 0);

  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  RecordProperty("rounds", rounds);
  RecordProperty("acknowledged_appends", std::to_string(total_acks));
  RecordProperty("final_size", std::to_string(verified));
  RecordProperty("millis", std::to_string(took.count()));
  std::printf("[ crash    ] %d rounds, %llu acknowledged appends, %llu entries, %d rounds with "
              "unacknowledged entries, %lld ms\n",
              rounds, static_cast<unsigned long long>(total_acks),
              static_cast<unsigned long long>(verified), rounds_killed_mid_append,
              static_cast<long long>(took.count()));
  EXPECT_GE(rounds, 4);
  EXPECT_LT(took, std::chrono::seconds(20));
}

// The child's side of the writer-lock tests: opens the writer, reports 'R' (or 'E') on
// `ready_fd`, then holds the writer until `go_fd` is written to or closed.
[[noreturn]] void HoldWriter(const std::filesystem::path& dir, int ready_fd, int go_fd) {
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  const char r = storage.ok() ? 'R' : 'E';
  if (!WriteAll(ready_fd, &r, 1) || !storage.ok()) ::_exit(20);
  char c = 0;
  while (::read(go_fd, &c, 1) < 0 && errno == EINTR) {
  }
  storage->reset();
  ::_exit(0);
}

struct Held {
  pid_t pid = -1;
  int go_fd = -1;
};

// Starts a child holding the writer role on `dir`; pid -1 on failure (with a test failure).
Held StartHolder(const std::filesystem::path& dir) {
  int ready[2], go[2];
  if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(go, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe";
    return {};
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(go[1]);
    HoldWriter(dir, ready[1], go[0]);
  }
  ::close(ready[1]);
  ::close(go[0]);
  char c = 0;
  pollfd p{ready[0], POLLIN, 0};
  const bool readable = ::poll(&p, 1, 10000) == 1 && ::read(ready[0], &c, 1) == 1;
  ::close(ready[0]);
  if (pid < 0 || !readable || c != 'R') {
    ADD_FAILURE() << "the holder did not take the writer role";
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    ::close(go[1]);
    return {};
  }
  return Held{pid, go[1]};
}

struct LogContents {
  std::vector<Bytes> entries;
  std::vector<std::pair<uint64_t, std::string>> checkpoints;
  bool operator==(const LogContents&) const = default;
};

LogContents ContentsOf(const LogStorage& s) {
  LogContents c;
  auto n = s.Size();
  EXPECT_TRUE(n.ok());
  Status r = s.Read(0, n.ok() ? *n : 0, [&](uint64_t, ByteView b) {
    c.entries.emplace_back(b.begin(), b.end());
    return true;
  });
  EXPECT_TRUE(r.ok()) << r.ToString();
  Status cp = s.ReadCheckpoints([&](uint64_t size, std::string_view note) {
    c.checkpoints.emplace_back(size, std::string(note));
    return true;
  });
  EXPECT_TRUE(cp.ok()) << cp.ToString();
  return c;
}

LogContents BuildSmallLedger(const std::filesystem::path& dir) {
  auto storage = OpenLmdbStorage(dir, StorageMode::kWriter);
  EXPECT_TRUE(storage.ok()) << storage.status().ToString();
  if (!storage.ok()) return {};
  auto l = Ledger::Create(std::move(*storage), kLedgerId, "", Root(), Node(), TestActor(),
                          ChildOptions());
  EXPECT_TRUE(l.ok()) << l.status().ToString();
  if (!l.ok()) return {};
  std::vector<EventDraft> drafts{
      EventDraft{EventType::Memo, MakeMemoPayload("a", "b"), TestActor()},
      EventDraft{EventType::Memo, MakeMemoPayload("c", "d"), TestActor()}};
  EXPECT_TRUE((*l)->Append(drafts).ok());
  return ContentsOf((*l)->storage());
}

TEST(LedgerProcess, ProcessSecondWriterIsRefusedCleanly) {
  TempDir dir("secondwriter");
  const LogContents before = BuildSmallLedger(dir.path);
  ASSERT_EQ(before.entries.size(), 4u);

  Held held = StartHolder(dir.path);
  ASSERT_GT(held.pid, 0);
  auto second = OpenLmdbStorage(dir.path, StorageMode::kWriter);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another process"), std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find("pid " + std::to_string(held.pid)), std::string::npos)
      << second.status().message();
  // A reader in this process is not refused while the other process writes.
  {
    auto reader = OpenLmdbStorage(dir.path, StorageMode::kReadOnly);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ(ContentsOf(**reader), before);
  }

  // Let the holder go; then this process may write.
  ASSERT_EQ(::write(held.go_fd, "x", 1), 1);
  ::close(held.go_fd);
  int status = 0;
  ASSERT_EQ(::waitpid(held.pid, &status, 0), held.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);

  auto writer = OpenLmdbStorage(dir.path, StorageMode::kWriter);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_EQ(ContentsOf(**writer), before);
  auto l = Ledger::Open(std::move(*writer), Node(), ChildOptions());
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  std::vector<EventDraft> d{EventDraft{EventType::Memo, MakeMemoPayload("e", "f"), TestActor()}};
  auto seq = (*l)->Append(d, 4);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ(*seq, 4u);
}

TEST(LedgerProcess, ProcessWriterKilledByKillNineReleasesTheWriterRole) {
  TempDir dir("killedholder");
  const LogContents before = BuildSmallLedger(dir.path);
  ASSERT_EQ(before.entries.size(), 4u);

  Held held = StartHolder(dir.path);
  ASSERT_GT(held.pid, 0);
  EXPECT_EQ(OpenLmdbStorage(dir.path, StorageMode::kWriter).status().code(),
            StatusCode::kFailedPrecondition);
  ::kill(held.pid, SIGKILL);
  ::waitpid(held.pid, nullptr, 0);
  ::close(held.go_fd);

  auto writer = OpenLmdbStorage(dir.path, StorageMode::kWriter);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_EQ(ContentsOf(**writer), before);
}

}  // namespace
}  // namespace suiji
