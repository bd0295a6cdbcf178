#include "verifier/log_verifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "api/node.h"
#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"
#include "ledger/core/merkle.h"
#include "ledger/exporter.h"
#include "ledger/keystore.h"

namespace suiji {
namespace {

constexpr std::string_view kLedgerId = "test.ledger/verifier";

// A fresh directory per test (pid + test name), removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::temp_directory_path() /
            ("suiji-verifier-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An export file split into its records, so tests can rearrange and reframe it.
struct ExportModel {
  std::vector<Bytes> entries;
  std::vector<std::string> checkpoints;

  static ExportModel Parse(const std::string& file) {
    ExportModel m;
    ExportReader r(AsBytes(file));
    EXPECT_TRUE(r.ReadHeader().ok());
    for (;;) {
      auto rec = r.Next();
      EXPECT_TRUE(rec.ok()) << rec.status().ToString();
      if (!rec.ok() || !rec->has_value()) break;
      const ExportRecord& x = **rec;
      if (x.kind == kRecordEntry) {
        m.entries.emplace_back(x.data.begin(), x.data.end());
      } else {
        m.checkpoints.emplace_back(AsChars(x.data));
      }
    }
    return m;
  }

  std::string Serialize() const {
    std::string out(kExportMagic);
    for (const Bytes& e : entries) AppendExportRecord(out, kRecordEntry, e);
    for (const std::string& c : checkpoints) AppendExportRecord(out, kRecordCheckpoint, AsBytes(c));
    return out;
  }
};

// Where each record of an export file lies, from the framing reader.
struct RecordSpan {
  char kind = 0;
  uint64_t begin = 0;  // offset of the 5-byte record header
  uint64_t end = 0;    // one past the record's last data byte
  uint64_t index = 0;  // entry sequence or checkpoint ordinal
};

std::vector<RecordSpan> RecordSpans(const std::string& file) {
  std::vector<RecordSpan> out;
  ExportReader r(AsBytes(file));
  EXPECT_TRUE(r.ReadHeader().ok());
  uint64_t entries = 0, checkpoints = 0;
  for (;;) {
    auto rec = r.Next();
    EXPECT_TRUE(rec.ok());
    if (!rec.ok() || !rec->has_value()) break;
    const ExportRecord& x = **rec;
    RecordSpan s;
    s.kind = x.kind;
    s.begin = x.offset;
    s.end = x.offset + 5 + x.data.size();
    s.index = x.kind == kRecordEntry ? entries++ : checkpoints++;
    out.push_back(s);
  }
  return out;
}

// Rebuilds a stored entry with the same fields, signed by `key`; `edit` may change fields.
Bytes Rebuild(ByteView entry, const KeyPair& key,
              const std::function<void(EntryFields&)>& edit = nullptr) {
  auto v = ParseEntry(entry);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  Actor actor;
  if (const auto* a = v->event->actor()) {
    actor.org_unit = a->org_unit() ? a->org_unit()->str() : "";
    actor.user = a->user() ? a->user()->str() : "";
  }
  EntryFields f;
  f.ledger_id = v->ledger_id();
  f.sequence = v->sequence();
  f.prev_hash = v->prev_hash();
  f.time_us = v->event->time_us();
  f.actor = &actor;
  f.type = v->type();
  f.payload = v->payload();
  if (edit) edit(f);
  return BuildEntry(f, key);
}

std::string KeyIdOfEntry(ByteView entry) {
  auto v = ParseEntry(entry);
  return v.ok() ? std::string(v->key_id()) : std::string();
}

VerifyReport Verify(const std::string& file, VerifyOptions options = {}) {
  if (options.threads == 0) options.threads = 1;
  return VerifyExport(AsBytes(file), options);
}

std::string Describe(const VerifyReport& r) {
  if (!r.problem) return "OK";
  std::string s = "FAILED";
  if (r.problem->sequence) s += " seq=" + std::to_string(*r.problem->sequence);
  if (r.problem->checkpoint_size) s += " cp=" + std::to_string(*r.problem->checkpoint_size);
  return s + ": " + r.problem->what;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// A real ledger made through the node API, exported to a file:
//   0 Genesis, 1 KeyRegistered (node key), 2..14 Memo, 15 KeyRegistered (rotation: the old
//   node key is revoked at 15), 16..31 Memo. 32 entries.
//   Checkpoints at 2 (init), 12 (every 10), 15 (on demand, saved as `note_at_15`),
//   16 (the rotation's own, by the new key), 26 (every 10), 32 (tip, as `log export` does).
class LogVerifierTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kEntries = 32;
  static constexpr uint64_t kRotation = 15;
  static constexpr uint64_t kCheckpointSizes[] = {2, 12, 15, 16, 26, 32};

  void SetUp() override {
    InitCrypto();
    NodePaths paths(dir_.path() / "node");
    int64_t now = 1'700'000'000'000'000;
    LedgerOptions options;
    options.checkpoint_every_entries = 10;
    options.checkpoint_every_seconds = 0;
    options.clock = [now]() mutable { return now += 1000; };
    Actor actor{"320400", "verifier-test"};
    auto init = InitNode(paths, kLedgerId, "verifier test ledger", {}, actor, options);
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    std::unique_ptr<Ledger> ledger = std::move(init->ledger);
    auto root = ReadKeyFile(paths.root_key());
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    auto old_node = ReadKeyFile(paths.node_key());
    ASSERT_TRUE(old_node.ok()) << old_node.status().ToString();

    int memo = 0;
    auto append = [&](int n) {
      std::vector<EventDraft> drafts;
      for (int i = 0; i < n; ++i, ++memo) {
        drafts.push_back({EventType::Memo,
                          MakeMemoPayload("minutes", "memo " + std::to_string(memo)), actor});
      }
      auto s = ledger->Append(drafts);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
    };
    append(5);  // 7
    append(5);  // 12: checkpoint by count
    append(3);  // 15
    auto at15 = ledger->IssueCheckpoint();
    ASSERT_TRUE(at15.ok()) << at15.status().ToString();
    note_at_15_ = *at15;
    KeyPair fresh = KeyPair::Generate();
    auto fresh_copy = KeyPair::FromSeed(fresh.seed());
    ASSERT_TRUE(fresh_copy.ok());
    auto rotated = ledger->RotateNodeKey(*root, std::move(*fresh_copy), actor);
    ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
    ASSERT_EQ(*rotated, kRotation);
    append(5);  // 21
    append(5);  // 26: checkpoint by count
    append(4);  // 30
    append(2);  // 32
    auto tip = ledger->IssueCheckpoint();
    ASSERT_TRUE(tip.ok()) << tip.status().ToString();
    ASSERT_EQ(ledger->size(), kEntries);
    root_hash_ = ledger->Root();

    const auto out = dir_.path() / "ledger.export";
    auto summary = ExportLog(ledger->storage(), out.string());
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    file_ = ReadFile(out);
    ASSERT_EQ(file_.size(), summary->bytes);
    model_ = ExportModel::Parse(file_);
    ASSERT_EQ(model_.entries.size(), kEntries);
    ASSERT_EQ(model_.checkpoints.size(), std::size(kCheckpointSizes));

    root_id_ = root->key_id();
    old_node_id_ = old_node->key_id();
    new_node_id_ = fresh.key_id();
    keys_.emplace(root_id_, std::move(*root));
    keys_.emplace(old_node_id_, std::move(*old_node));
    keys_.emplace(new_node_id_, std::move(fresh));
  }

  const KeyPair& Key(const std::string& id) const { return keys_.at(id); }

  // The checkpoint note of the given size in the export.
  std::string NoteOfSize(uint64_t size) const {
    for (size_t i = 0; i < std::size(kCheckpointSizes); ++i) {
      if (kCheckpointSizes[i] == size) return model_.checkpoints[i];
    }
    ADD_FAILURE() << "no checkpoint of size " << size;
    return {};
  }

  TempDir dir_;
  std::string file_;
  ExportModel model_;
  Hash root_hash_{};
  std::string note_at_15_;
  std::string root_id_, old_node_id_, new_node_id_;
  std::map<std::string, KeyPair> keys_;
};

TEST_F(LogVerifierTest, AnUntouchedExportVerifiesAndCountsEverything) {
  VerifyReport r = Verify(file_);
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.ledger_id, kLedgerId);
  EXPECT_EQ(r.entries, kEntries);
  EXPECT_EQ(r.checkpoints, std::size(kCheckpointSizes));
  EXPECT_EQ(r.latest_checkpoint_size, kEntries);
  EXPECT_EQ(r.uncovered_entries, 0u);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.root, root_hash_);
  EXPECT_EQ(r.event_counts["Genesis"], 1u);
  EXPECT_EQ(r.event_counts["KeyRegistered"], 2u);
  EXPECT_EQ(r.event_counts["Memo"], kEntries - 3);
  EXPECT_EQ(r.threads, 1u);
}

TEST_F(LogVerifierTest, TheReportListsTheRotatedNodeKeyAsRevokedAtTheRotation) {
  VerifyReport r = Verify(file_);
  ASSERT_TRUE(r.ok()) << Describe(r);
  ASSERT_EQ(r.keys.size(), 3u);
  std::map<std::string, KeyInfo> by_id;
  for (const KeyInfo& k : r.keys) by_id[k.key_id] = k;
  ASSERT_EQ(by_id.count(root_id_), 1u);
  ASSERT_EQ(by_id.count(old_node_id_), 1u);
  ASSERT_EQ(by_id.count(new_node_id_), 1u);
  EXPECT_EQ(by_id[root_id_].roles, kRoleAuthority);
  EXPECT_EQ(by_id[root_id_].registered_at, 0u);
  EXPECT_FALSE(by_id[root_id_].revoked_at.has_value());
  EXPECT_EQ(by_id[old_node_id_].roles, kRoleWriter | kRoleCheckpoint);
  EXPECT_EQ(by_id[old_node_id_].registered_at, 1u);
  EXPECT_EQ(by_id[old_node_id_].revoked_at, std::optional<uint64_t>(kRotation));
  EXPECT_EQ(by_id[new_node_id_].roles, kRoleWriter | kRoleCheckpoint);
  EXPECT_EQ(by_id[new_node_id_].registered_at, kRotation);
  EXPECT_FALSE(by_id[new_node_id_].revoked_at.has_value());
}

TEST_F(LogVerifierTest, AThreadCountOnASmallLogChangesNothing) {
  VerifyOptions many;
  many.threads = 4;
  VerifyReport a = Verify(file_), b = Verify(file_, many);
  ASSERT_TRUE(b.ok()) << Describe(b);
  EXPECT_EQ(a.root, b.root);
  EXPECT_EQ(b.threads, 4u);
  // And the same first bad sequence when an entry is altered.
  std::string bad = file_;
  auto spans = RecordSpans(file_);
  bad[spans[20].begin + 40] = static_cast<char>(bad[spans[20].begin + 40] ^ 0x01);
  VerifyReport c = Verify(bad), d = Verify(bad, many);
  ASSERT_FALSE(c.ok());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(c.problem->sequence, std::optional<uint64_t>(20));
  EXPECT_EQ(c.problem->sequence, d.problem->sequence);
}

// Over 1024 entries the verifier parses and checks signatures on several threads; the
// first bad entry must not depend on how the work was split.
TEST_F(LogVerifierTest, OnALargeLogEveryThreadCountFindsTheSameFirstBadEntry) {
  constexpr uint64_t kLarge = 1200;
  NodePaths paths(dir_.path() / "large");
  Actor actor{"320400", "verifier-test"};
  auto init = InitNode(paths, kLedgerId, "large", {}, actor, {});
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  std::vector<EventDraft> drafts;
  for (uint64_t i = 2; i < kLarge; ++i) {
    drafts.push_back({EventType::Memo, MakeMemoPayload("m", std::to_string(i)), actor});
  }
  ASSERT_TRUE(init->ledger->Append(drafts).ok());
  const auto out = dir_.path() / "large.export";
  ASSERT_TRUE(ExportLog(init->ledger->storage(), out.string()).ok());
  ExportModel m = ExportModel::Parse(ReadFile(out));
  ASSERT_EQ(m.entries.size(), kLarge);
  for (unsigned threads : {1u, 2u, 4u, 7u}) {
    VerifyOptions options;
    options.threads = threads;
    VerifyReport r = Verify(m.Serialize(), options);
    ASSERT_TRUE(r.ok()) << threads << ": " << Describe(r);
    EXPECT_EQ(r.root, init->ledger->Root());
  }

  // Bad signatures at 500 and 1000, with the chain repaired around them (the checkpoints,
  // which would also notice, are dropped): only the signature check can find them.
  auto node = ReadKeyFile(paths.node_key());
  ASSERT_TRUE(node.ok());
  ExportModel bad_sigs = m;
  bad_sigs.checkpoints.clear();
  Hash prev = LeafHash(bad_sigs.entries[499]);
  for (uint64_t i = 500; i < kLarge; ++i) {
    Bytes e = Rebuild(bad_sigs.entries[i], *node, [&](EntryFields& f) { f.prev_hash = prev; });
    if (i == 500 || i == 1000) {
      auto v = ParseEntry(e);
      ASSERT_TRUE(v.ok());
      const auto at = static_cast<size_t>(v->signature.data() - e.data());
      e[at + 10] ^= 0x01;
    }
    prev = LeafHash(e);
    bad_sigs.entries[i] = std::move(e);
  }
  // Unparseable entries at 300 and 900 (their SJE1 identifier broken).
  ExportModel bad_parse = m;
  bad_parse.entries[300][4] ^= 0x01;
  bad_parse.entries[900][4] ^= 0x01;
  for (unsigned threads : {1u, 2u, 4u, 7u}) {
    VerifyOptions options;
    options.threads = threads;
    VerifyReport r = Verify(bad_sigs.Serialize(), options);
    ASSERT_FALSE(r.ok()) << threads;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(500)) << threads << ": " << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "signature")) << Describe(r);
    VerifyReport p = Verify(bad_parse.Serialize(), options);
    ASSERT_FALSE(p.ok()) << threads;
    EXPECT_EQ(p.problem->sequence, std::optional<uint64_t>(300)) << threads << ": " << Describe(p);
    EXPECT_TRUE(Contains(p.problem->what, "SJE1")) << Describe(p);
  }
}

// Flips one bit of every byte of the file in turn. The results are collected over the
// whole file; each region has its own expectation.
struct FlipOutcome {
  uint64_t offset = 0;
  VerifyReport report;
};

std::vector<FlipOutcome> FlipEveryByte(const std::string& file, uint64_t begin, uint64_t end) {
  std::vector<FlipOutcome> out(end - begin);
  // VerifyExport is pure and thread-safe: one worker per core, one thread per verification.
  std::atomic<uint64_t> next{begin};
  auto work = [&] {
    std::string copy = file;
    for (uint64_t o; (o = next.fetch_add(1)) < end;) {
      copy[o] = static_cast<char>(copy[o] ^ 0x01);
      out[o - begin] = {o, Verify(copy)};
      copy[o] = file[o];
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < std::max(2u, std::thread::hardware_concurrency()); ++i) {
    pool.emplace_back(work);
  }
  work();
  for (auto& t : pool) t.join();
  return out;
}

TEST_F(LogVerifierTest, FlippingAnyByteOfTheMagicFailsAtSequenceZero) {
  for (const FlipOutcome& f : FlipEveryByte(file_, 0, kExportMagic.size())) {
    ASSERT_FALSE(f.report.ok()) << "offset " << f.offset;
    EXPECT_EQ(f.report.problem->sequence, std::optional<uint64_t>(0)) << "offset " << f.offset
                                                                       << ": " << Describe(f.report);
    EXPECT_TRUE(Contains(f.report.problem->what, "magic")) << Describe(f.report);
  }
}

std::string Where(const FlipOutcome& f, const RecordSpan& s) {
  return "offset " + std::to_string(f.offset) + " (" +
         (s.kind == kRecordEntry ? "entry " : "checkpoint #") + std::to_string(s.index) + " +" +
         std::to_string(f.offset - s.begin) + "): " + Describe(f.report);
}

std::string Lines(const std::vector<std::string>& v, size_t max = 40) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += "\n  " + v[i];
  if (v.size() > max) out += "\n  ... and " + std::to_string(v.size() - max) + " more";
  return out;
}

// The last header byte of an entry record: the low byte of its length. Flipping it frames
// the entry one byte short or long; see FlippingTheLowByteOfAnEntryLengthBlamesThatEntry.
bool IsEntryLengthLowByte(const RecordSpan& s, uint64_t offset) {
  return s.kind == kRecordEntry && offset == s.begin + 4;
}

TEST_F(LogVerifierTest, FlippingAnyByteOfAnEntryFailsAtThatEntry) {
  std::vector<std::string> wrong;
  uint64_t checked = 0;
  for (const RecordSpan& s : RecordSpans(file_)) {
    if (s.kind != kRecordEntry) continue;
    for (const FlipOutcome& f : FlipEveryByte(file_, s.begin, s.end)) {
      if (f.report.ok()) {
        wrong.push_back("UNDETECTED " + Where(f, s));
      } else if (!IsEntryLengthLowByte(s, f.offset) &&
                 f.report.problem->sequence != std::optional<uint64_t>(s.index)) {
        wrong.push_back(Where(f, s));
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 32u * 300u);
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " flips undetected or misattributed:"
                             << Lines(wrong);
}

TEST_F(LogVerifierTest, FlippingTheLowByteOfAnEntryLengthBlamesThatEntry) {
  // The length field of entry k's frame is wrong, so entry k is what was tampered with.
  std::vector<std::string> wrong;
  for (const RecordSpan& s : RecordSpans(file_)) {
    if (s.kind != kRecordEntry) continue;
    for (const FlipOutcome& f : FlipEveryByte(file_, s.begin + 4, s.begin + 5)) {
      ASSERT_FALSE(f.report.ok()) << Where(f, s);
      if (f.report.problem->sequence != std::optional<uint64_t>(s.index)) {
        wrong.push_back(Where(f, s));
      }
    }
  }
}

// The first checkpoint's frame header directly follows the last entry; a broken one is
// covered by FlippingTheFirstCheckpointFrameHeaderNamesTheCheckpointSection.
bool IsFirstCheckpointHeader(const RecordSpan& s, uint64_t offset) {
  return s.kind == kRecordCheckpoint && s.index == 0 && offset < s.begin + 5;
}

TEST_F(LogVerifierTest, FlippingAnyByteOfACheckpointFailsNamingTheCheckpoint) {
  std::vector<std::string> undetected, misreported;
  for (const RecordSpan& s : RecordSpans(file_)) {
    if (s.kind != kRecordCheckpoint) continue;
    for (const FlipOutcome& f : FlipEveryByte(file_, s.begin, s.end)) {
      const VerifyReport& r = f.report;
      if (r.ok()) {
        undetected.push_back(Where(f, s));
        continue;
      }
      if (IsFirstCheckpointHeader(s, f.offset)) continue;
      const VerifyProblem& p = *r.problem;
      bool named = p.checkpoint_size.has_value() || Contains(p.what, "checkpoint");
      // A checkpoint problem is placed at its last covered entry (or just after the log,
      // for a size the flip pushed past the end).
      bool placed = !p.sequence ||
                    (p.checkpoint_size && (*p.sequence == *p.checkpoint_size - 1 ||
                                           *p.sequence == kEntries));
      if (!named || !placed) misreported.push_back(Where(f, s));
    }
  }
  EXPECT_TRUE(undetected.empty()) << undetected.size() << " flips undetected:"
                                  << Lines(undetected);
  EXPECT_TRUE(misreported.empty()) << misreported.size() << " flips misreported:"
                                   << Lines(misreported);
}

TEST_F(LogVerifierTest, FlippingTheFirstCheckpointFrameHeaderNamesTheCheckpointSection) {
  std::vector<std::string> wrong;
  for (const RecordSpan& s : RecordSpans(file_)) {
    if (s.kind != kRecordCheckpoint || s.index != 0) continue;
    for (const FlipOutcome& f : FlipEveryByte(file_, s.begin, s.begin + 5)) {
      ASSERT_FALSE(f.report.ok()) << Where(f, s);
      const VerifyProblem& p = *f.report.problem;
      if (!Contains(p.what, "checkpoint") || p.sequence == std::optional<uint64_t>(kEntries)) {
        wrong.push_back(Where(f, s));
      }
    }
  }
}

TEST_F(LogVerifierTest, ACheckpointBeyondTheEndSignedByAStrangerIsReportedAsUnsigned) {
  // Nothing but a valid signature makes a checkpoint evidence that entries are missing.
  KeyPair stranger = KeyPair::Generate();
  Hash other{};
  ExportModel m = model_;
  m.checkpoints.push_back(SignNote(
      FormatCheckpoint({std::string(kLedgerId), kEntries + 8, other, {}}), kLedgerId, stranger));
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(kEntries + 8)) << Describe(r);
}

TEST_F(LogVerifierTest, ATrustedCheckpointBeyondTheEndSignedByAStrangerIsReportedAsUnsigned) {
  KeyPair stranger = KeyPair::Generate();
  Hash other{};
  VerifyOptions options;
  options.trusted_checkpoints = {SignNote(
      FormatCheckpoint({std::string(kLedgerId), kEntries + 8, other, {}}), kLedgerId, stranger)};
  VerifyReport r = Verify(file_, options);
  ASSERT_FALSE(r.ok());
}

TEST_F(LogVerifierTest, TruncationInsideAnEntryFailsAtThatEntry) {
  auto spans = RecordSpans(file_);
  for (uint64_t k : {uint64_t{0}, uint64_t{7}, uint64_t{20}, kEntries - 1}) {
    const RecordSpan& s = spans[k];
    for (uint64_t cut : {s.begin + 2, s.begin + 5, (s.begin + s.end) / 2, s.end - 1}) {
      VerifyReport r = Verify(file_.substr(0, cut));
      ASSERT_FALSE(r.ok()) << "cut at " << cut;
      EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k)) << Describe(r);
      EXPECT_TRUE(Contains(r.problem->what, "truncated")) << Describe(r);
    }
  }
}

TEST_F(LogVerifierTest, DroppingTheLastEntriesButKeepingTheCheckpointsFailsAtTheFirstMissing) {
  for (uint64_t k : {uint64_t{1}, uint64_t{5}, uint64_t{12}}) {
    ExportModel m = model_;
    m.entries.resize(kEntries - k);
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "dropped " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(kEntries - k)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "truncated")) << Describe(r);
  }
}

TEST_F(LogVerifierTest, DroppingTheLastEntriesAndTheirCheckpointsStillVerifies) {
  // Without an independent checkpoint, a consistent prefix is indistinguishable from a log.
  ExportModel m = model_;
  m.entries.resize(20);
  m.checkpoints.resize(4);  // sizes 2, 12, 15, 16
  VerifyReport r = Verify(m.Serialize());
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.entries, 20u);
  EXPECT_EQ(r.uncovered_entries, 4u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(Contains(r.warnings[0], "not yet covered"));
}

TEST_F(LogVerifierTest, DroppingAnEntryFailsAtItsSequence) {
  for (uint64_t k : {uint64_t{1}, uint64_t{10}, kRotation, uint64_t{25}, kEntries - 2}) {
    ExportModel m = model_;
    m.entries.erase(m.entries.begin() + static_cast<std::ptrdiff_t>(k));
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "dropped " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "sequence")) << Describe(r);
  }
}

TEST_F(LogVerifierTest, DroppingTheFirstEntryFailsAtSequenceZero) {
  ExportModel m = model_;
  m.entries.erase(m.entries.begin());
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(0)) << Describe(r);
}

TEST_F(LogVerifierTest, DuplicatingAnEntryFailsAtTheCopy) {
  for (uint64_t k : {uint64_t{0}, uint64_t{9}, kRotation, kEntries - 1}) {
    ExportModel m = model_;
    m.entries.insert(m.entries.begin() + static_cast<std::ptrdiff_t>(k) + 1, m.entries[k]);
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "duplicated " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k + 1)) << Describe(r);
  }
}

TEST_F(LogVerifierTest, SwappingTwoEntriesFailsAtTheFirstOfThem) {
  for (uint64_t k : {uint64_t{0}, uint64_t{11}, kRotation - 1, kEntries - 2}) {
    ExportModel m = model_;
    std::swap(m.entries[k], m.entries[k + 1]);
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "swapped " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k)) << Describe(r);
  }
}

TEST_F(LogVerifierTest, GarbageBeforeTheMagicFailsAtSequenceZero) {
  for (const std::string& junk : {std::string("x"), std::string("\n"), std::string(100, '\0'),
                                  std::string(kExportMagic)}) {
    VerifyReport r = Verify(junk + file_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(0)) << Describe(r);
  }
}

TEST_F(LogVerifierTest, GarbageAfterTheLastCheckpointFailsNamingTheCheckpointSection) {
  VerifyReport r = Verify(file_ + "junk");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.problem->what, "checkpoint")) << Describe(r);
}

TEST_F(LogVerifierTest, AnEmptyFileFailsAtSequenceZero) {
  VerifyReport r = Verify("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(0)) << Describe(r);
}

TEST_F(LogVerifierTest, AnEntryResignedByAnUnregisteredKeyFailsAtThatEntry) {
  KeyPair stranger = KeyPair::Generate();
  for (uint64_t k : {uint64_t{5}, kRotation + 3, kEntries - 1}) {
    ExportModel m = model_;
    m.entries[k] = Rebuild(m.entries[k], stranger);
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "entry " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "not registered")) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, stranger.key_id())) << Describe(r);
  }
}

TEST_F(LogVerifierTest, AGenesisResignedByAnotherRootFailsAtSequenceZero) {
  KeyPair stranger = KeyPair::Generate();
  ExportModel m = model_;
  m.entries[0] = Rebuild(m.entries[0], stranger);  // still names the real root key
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(0)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "root key")) << Describe(r);
}

TEST_F(LogVerifierTest, AnEntrySignedByTheRevokedNodeKeyAfterRotationFailsAtThatEntry) {
  for (uint64_t k : {kRotation + 1, uint64_t{20}, kEntries - 1}) {
    ExportModel m = model_;
    ASSERT_EQ(KeyIdOfEntry(m.entries[k]), new_node_id_);
    m.entries[k] = Rebuild(m.entries[k], Key(old_node_id_));  // same prev_hash: chains
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "entry " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "revoked")) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, old_node_id_)) << Describe(r);
  }
}

TEST_F(LogVerifierTest, AnEntrySignedByTheNewNodeKeyBeforeItIsInForceFailsAtThatEntry) {
  // The rotation registers the new key at 15: it is in force from 16 on, not at 15 or before.
  for (uint64_t k : {uint64_t{3}, kRotation - 1}) {
    ExportModel m = model_;
    m.entries[k] = Rebuild(m.entries[k], Key(new_node_id_));
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "entry " << k;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(k)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "not registered")) << Describe(r);
  }
}

TEST_F(LogVerifierTest, AMemoSignedByTheRootKeyIsAccepted) {
  // The root key is an authority key, which may sign any event (KeyRegistry rules).
  ExportModel m = model_;
  m.entries[kEntries - 1] = Rebuild(m.entries[kEntries - 1], Key(root_id_));
  m.checkpoints.pop_back();  // the tip checkpoint covered the original entry
  VerifyReport r = Verify(m.Serialize());
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.uncovered_entries, kEntries - 26);
}

TEST_F(LogVerifierTest, AnAlteredButCorrectlyResignedEntryFailsAtTheNextEntry) {
  // Entry 20 is rewritten and validly re-signed by its own key; entry 21 still chains to
  // the original, and is validly signed, so entry 20 is the one whose bytes are wrong.
  ExportModel m = model_;
  const Bytes rewritten = MakeMemoPayload("minutes", "rewritten");
  m.entries[20] = Rebuild(m.entries[20], Key(new_node_id_),
                          [&](EntryFields& f) { f.payload = rewritten; });
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(20)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "do not match")) << Describe(r);
}

TEST_F(LogVerifierTest, AHistoryRewrittenByTheKeyHoldersFailsAtTheFirstCheckpointAfterIt) {
  // Entry 5 is changed and every later entry re-chained and re-signed by the key that signed
  // it: chain and signatures hold, only the signed checkpoints (sizes 12, ...) notice.
  ExportModel m = model_;
  const Bytes rewritten = MakeMemoPayload("minutes", "rewritten");
  Hash prev{};
  for (uint64_t i = 0; i < kEntries; ++i) {
    if (i >= 5) {
      const std::string id = KeyIdOfEntry(m.entries[i]);
      const bool edit = i == 5;
      m.entries[i] = Rebuild(m.entries[i], Key(id), [&](EntryFields& f) {
        f.prev_hash = prev;
        if (edit) f.payload = rewritten;
      });
    }
    prev = LeafHash(m.entries[i]);
  }
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(12)) << Describe(r);
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(11)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "signed root")) << Describe(r);
  // Without the checkpoints the rewritten log is self-consistent.
  m.checkpoints.clear();
  EXPECT_TRUE(Verify(m.Serialize()).ok());
}

TEST_F(LogVerifierTest, ACheckpointWithAnAlteredRootSignedByAnUnregisteredKeyFails) {
  KeyPair stranger = KeyPair::Generate();
  for (size_t i = 0; i < std::size(kCheckpointSizes); ++i) {
    const uint64_t size = kCheckpointSizes[i];
    Hash other{};
    other[0] = 1;
    ExportModel m = model_;
    m.checkpoints[i] = SignNote(FormatCheckpoint({std::string(kLedgerId), size, other, {}}),
                                kLedgerId, stranger);
    VerifyReport r = Verify(m.Serialize());
    ASSERT_FALSE(r.ok()) << "size " << size;
    EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(size)) << Describe(r);
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(size - 1)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "not signed")) << Describe(r);
  }
}

TEST_F(LogVerifierTest, ACheckpointWithAnAlteredRootSignedByTheNodeKeyFails) {
  // A node key holder signing a root the entries do not hash to.
  const uint64_t size = 26;
  Hash other{};
  other[31] = 7;
  ExportModel m = model_;
  m.checkpoints[4] = SignNote(FormatCheckpoint({std::string(kLedgerId), size, other, {}}),
                              kLedgerId, Key(new_node_id_));
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(size)) << Describe(r);
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(size - 1)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "signed root")) << Describe(r);
}

TEST_F(LogVerifierTest, ACheckpointSignedByTheRevokedNodeKeyAfterRotationFails) {
  const uint64_t size = 26;
  ExportModel m = model_;
  auto note = ParseNote(m.checkpoints[4]);
  ASSERT_TRUE(note.ok());
  m.checkpoints[4] = SignNote(note->text, kLedgerId, Key(old_node_id_));
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(size)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "not signed")) << Describe(r);
}

TEST_F(LogVerifierTest, CheckpointsOutOfOrderFail) {
  ExportModel m = model_;
  std::swap(m.checkpoints[1], m.checkpoints[2]);
  VerifyReport r = Verify(m.Serialize());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.problem->checkpoint_size.has_value()) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "out of order")) << Describe(r);
}

TEST_F(LogVerifierTest, AnEntryAfterTheCheckpointsFailsAtItsPosition) {
  ExportModel m = model_;
  Bytes last = m.entries.back();
  m.entries.pop_back();
  std::string file = m.Serialize();
  AppendExportRecord(file, kRecordEntry, last);
  VerifyReport r = Verify(file);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(kEntries - 1)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "after the checkpoints")) << Describe(r);
}

TEST_F(LogVerifierTest, ATrustedCheckpointFromTheLedgerPasses) {
  VerifyOptions options;
  options.trusted_checkpoints = {note_at_15_, NoteOfSize(26)};
  VerifyReport r = Verify(file_, options);
  ASSERT_TRUE(r.ok()) << Describe(r);
  // Trusted checkpoints are not counted among the export's.
  EXPECT_EQ(r.checkpoints, std::size(kCheckpointSizes));
}

TEST_F(LogVerifierTest, ATrustedCheckpointDetectsALogTruncatedWithItsCheckpoints) {
  // The export is cut back to 15 entries, and the checkpoints after 15 are dropped too: on
  // its own it verifies, but not against the checkpoint of size 26 published earlier.
  ExportModel m = model_;
  m.entries.resize(15);
  m.checkpoints.resize(3);  // sizes 2, 12, 15
  const std::string truncated = m.Serialize();
  ASSERT_TRUE(Verify(truncated).ok());
  VerifyOptions options;
  options.trusted_checkpoints = {NoteOfSize(26)};
  VerifyReport r = Verify(truncated, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(15)) << Describe(r);
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(26)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "trusted")) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "truncated")) << Describe(r);
}

TEST_F(LogVerifierTest, ATrustedCheckpointDetectsAHistoryRewrittenByTheKeyHolder) {
  // The old node key signed a checkpoint of size 15 over a different history (say, published
  // to the supervisor). The export's own checkpoints cannot reveal the rewrite; this one does.
  ExportModel fork = model_;
  const Bytes rewritten = MakeMemoPayload("minutes", "a different draw");
  Hash prev = LeafHash(fork.entries[9]);
  MerkleTree tree;
  for (uint64_t i = 0; i < 15; ++i) {
    if (i >= 10) {
      fork.entries[i] = Rebuild(fork.entries[i], Key(old_node_id_), [&](EntryFields& f) {
        f.prev_hash = prev;
        f.payload = rewritten;
      });
      prev = LeafHash(fork.entries[i]);
    }
    tree.Append(LeafHash(fork.entries[i]));
  }
  std::string forked_note =
      SignNote(FormatCheckpoint({std::string(kLedgerId), 15, tree.Root(), {}}), kLedgerId,
               Key(old_node_id_));
  VerifyOptions options;
  options.trusted_checkpoints = {forked_note};
  VerifyReport r = Verify(file_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(15)) << Describe(r);
  EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(14)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "trusted checkpoint")) << Describe(r);
}

TEST_F(LogVerifierTest, ATrustedCheckpointSignedByAStrangerFails) {
  KeyPair stranger = KeyPair::Generate();
  auto note = ParseNote(note_at_15_);
  ASSERT_TRUE(note.ok());
  VerifyOptions options;
  options.trusted_checkpoints = {SignNote(note->text, kLedgerId, stranger)};
  VerifyReport r = Verify(file_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->checkpoint_size, std::optional<uint64_t>(15)) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "not signed")) << Describe(r);
}

TEST_F(LogVerifierTest, AMalformedTrustedCheckpointFails) {
  VerifyOptions options;
  options.trusted_checkpoints = {"not a note"};
  VerifyReport r = Verify(file_, options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.problem->what, "trusted checkpoint")) << Describe(r);
  EXPECT_TRUE(Contains(r.problem->what, "malformed")) << Describe(r);
}

TEST_F(LogVerifierTest, TheExpectedRootKeyMatchesByIdOrHex) {
  VerifyOptions by_id;
  by_id.expected_root_key = root_id_;
  EXPECT_TRUE(Verify(file_, by_id).ok());
  VerifyOptions by_hex;
  by_hex.expected_root_key = ToHex(Key(root_id_).public_key());
  EXPECT_TRUE(Verify(file_, by_hex).ok());
}

TEST_F(LogVerifierTest, AnotherExpectedRootKeyFailsAtSequenceZero) {
  KeyPair stranger = KeyPair::Generate();
  for (const std::string& expected :
       {stranger.key_id(), ToHex(stranger.public_key()), old_node_id_}) {
    VerifyOptions options;
    options.expected_root_key = expected;
    VerifyReport r = Verify(file_, options);
    ASSERT_FALSE(r.ok()) << expected;
    EXPECT_EQ(r.problem->sequence, std::optional<uint64_t>(0)) << Describe(r);
    EXPECT_TRUE(Contains(r.problem->what, "expected root key")) << Describe(r);
  }
}

}  // namespace
}  // namespace suiji
