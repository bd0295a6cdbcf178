#include "verifier/log_verifier.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"
#include "ledger/core/merkle.h"

namespace suiji {

namespace {

constexpr uint64_t kNone = UINT64_MAX;

// The Merkle tree as its compact range from leaf 0: the roots of the perfect subtrees the
// leaves so far make, largest first (at most 64 hashes). Gives the root of the tree so far;
// the log verifier needs no proofs, only the roots at each checkpoint's size.
class MerkleFrontier {
 public:
  void Append(const Hash& leaf) {
    Hash h = leaf;
    uint64_t merged = size_;
    while ((merged & 1) == 1) {
      h = NodeHash(nodes_.back(), h);
      nodes_.pop_back();
      merged >>= 1;
    }
    nodes_.push_back(h);
    ++size_;
  }
  uint64_t size() const { return size_; }
  Hash Root() const {
    if (nodes_.empty()) return EmptyTreeHash();
    Hash h = nodes_.back();
    for (size_t i = nodes_.size() - 1; i-- > 0;) h = NodeHash(nodes_[i], h);
    return h;
  }

 private:
  std::vector<Hash> nodes_;
  uint64_t size_ = 0;
};

// Runs fn(begin, end) over [0, n) split into `threads` contiguous chunks.
template <typename Fn>
void ParallelFor(uint64_t n, unsigned threads, Fn fn) {
  if (threads <= 1 || n < 1024) {
    fn(uint64_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  uint64_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    uint64_t b = t * chunk, e = std::min(n, b + chunk);
    if (b >= e) break;
    pool.emplace_back([&fn, b, e] { fn(b, e); });
  }
  for (auto& th : pool) th.join();
}

// Keeps the smallest failing index seen by any thread.
void AtomicMin(std::atomic<uint64_t>& a, uint64_t v) {
  uint64_t cur = a.load();
  while (v < cur && !a.compare_exchange_weak(cur, v)) {
  }
}

struct CheckpointRecord {
  std::string text;
  bool trusted = false;  // came from VerifyOptions, not from the export
};

class Verification {
 public:
  // Entries parsed, hashed, walked and signature-checked per step: the verifier holds this
  // many entries' views, leaf hashes and signers at a time, not the whole log's.
  Verification(ByteView file, const VerifyOptions& options)
      : file_(file), options_(options), chunk_(std::max<uint64_t>(1, options.chunk_entries)) {
    report_.threads = options.threads != 0 ? options.threads
                                           : std::max(1u, std::thread::hardware_concurrency());
  }

  // Two reads of the export: the framing (how many entries, the checkpoints at its end),
  // then the entries in chunks of chunk_, each parsed and hashed on all threads, walked in
  // order and signature-checked on all threads before the next is read. Nothing is kept per
  // entry; the problems found are the same, and attributed the same, as when every entry
  // was held at once (the earliest wins, whatever the order they were found in).
  VerifyReport Run() {
    ReadFrames();
    PrepareCheckpoints();
    Stream();
    FinishWalk();
    Attribute();
    report_.entries = framed_;
    return std::move(report_);
  }

 private:
  struct ParsedCheckpoint {
    SignedNote note;
    Checkpoint cp;
    bool trusted = false;
  };

  void Problem(std::optional<uint64_t> seq, std::optional<uint64_t> cp, std::string what) {
    candidates_.push_back(VerifyProblem{seq, cp, std::move(what)});
  }

  void Consumed(ByteView upto) {
    if (options_.consumed && !upto.empty()) {
      options_.consumed(static_cast<size_t>(upto.data() + upto.size() - file_.data()));
    }
  }

  // Frames: entries first, then checkpoints. A broken frame is blamed on the entry it held.
  // Only counts the entries (Stream reads them again).
  void ReadFrames() {
    ExportReader reader(file_);
    Status h = reader.ReadHeader();
    if (!h.ok()) {
      Problem(uint64_t{0}, std::nullopt, h.message() + " (nothing before entry 0 is allowed)");
      framing_stop_ = 0;
      return;
    }
    for (;;) {
      auto rec = reader.Next();
      if (!rec.ok()) {
        if (checkpoints_.empty() && reader.damaged_kind() != kRecordCheckpoint) {
          Problem(framed_, std::nullopt, "entry " + std::to_string(framed_) +
                                             ": " + rec.status().message());
        } else {
          Problem(std::nullopt, std::nullopt, "checkpoint section: " + rec.status().message());
        }
        framing_stop_ = framed_;
        return;
      }
      if (!rec->has_value()) return;
      const ExportRecord& r = **rec;
      if (r.kind == kRecordEntry) {
        if (!checkpoints_.empty()) {
          Problem(framed_, std::nullopt,
                  "entry " + std::to_string(framed_) + " comes after the checkpoints");
          framing_stop_ = framed_;
          return;
        }
        ++framed_;
        if (framed_ % chunk_ == 0) Consumed(r.data);
      } else {
        checkpoints_.push_back({std::string(AsChars(r.data)), false});
      }
    }
  }

  // Parses every checkpoint (the export's and the trusted ones) and orders them by size.
  void PrepareCheckpoints() {
    std::vector<CheckpointRecord> cps = std::move(checkpoints_);
    for (const std::string& t : options_.trusted_checkpoints) cps.push_back({t, true});
    for (size_t i = 0; i < cps.size(); ++i) {
      auto note = ParseNote(cps[i].text);
      auto cp = note.ok() ? ParseCheckpoint(note->text) : StatusOr<Checkpoint>(note.status());
      if (!cp.ok()) {
        Problem(std::nullopt, std::nullopt,
                std::string(cps[i].trusted ? "trusted checkpoint " : "checkpoint ") +
                    std::to_string(i) + " is malformed: " + cp.status().message());
        continue;
      }
      parsed_cps_.push_back({*note, *cp, cps[i].trusted});
      order_.push_back({cp->size, parsed_cps_.size() - 1});
    }
    std::stable_sort(order_.begin(), order_.end());
    // Export checkpoints must come in increasing size.
    uint64_t last_size = 0;
    bool first_cp = true;
    for (const auto& pc : parsed_cps_) {
      if (pc.trusted) continue;
      if (!first_cp && pc.cp.size <= last_size) {
        Problem(std::nullopt, pc.cp.size, "checkpoints are out of order at size " +
                                              std::to_string(pc.cp.size));
      }
      first_cp = false;
      last_size = pc.cp.size;
    }
    while (next_cp_ < order_.size() && order_[next_cp_].first == 0) ++next_cp_;  // empty trees
  }

  void Stream() {
    ExportReader reader(file_);
    if (!reader.ReadHeader().ok()) return;
    std::vector<ByteView> bytes;
    std::vector<EntryView> views;
    std::vector<Hash> leaves;
    std::vector<std::string> errors;
    std::vector<PublicKey> signers;
    for (uint64_t begin = 0; begin < framed_ && walk_stop_ == kNone && parse_stop_ == kNone;
         begin += chunk_) {
      const uint64_t count = std::min<uint64_t>(chunk_, framed_ - begin);
      bytes.clear();
      for (uint64_t k = 0; k < count; ++k) {
        auto rec = reader.Next();  // ReadFrames read these same frames whole
        bytes.push_back((*rec)->data);
      }
      views.assign(count, EntryView{});
      leaves.assign(count, Hash{});
      errors.assign(count, std::string());
      signers.assign(count, PublicKey{});
      std::atomic<uint64_t> first_bad{kNone};
      ParallelFor(count, report_.threads, [&](uint64_t b, uint64_t e) {
        for (uint64_t k = b; k < e; ++k) {
          auto v = ParseEntry(bytes[k]);
          if (!v.ok()) {
            errors[k] = v.status().message();
            AtomicMin(first_bad, k);
            continue;
          }
          views[k] = *v;
          leaves[k] = LeafHash(bytes[k]);
        }
      });
      uint64_t n = count;
      if (first_bad.load() != kNone) {
        parse_stop_ = begin + first_bad.load();
        parse_error_ = errors[first_bad.load()];
        n = first_bad.load();
      }
      Walk(begin, n, views, leaves, signers);
      // Signatures of the entries walked (and, at a chain break, of the breaking entry when
      // the key it names is registered, so the break is blamed on the right entry).
      uint64_t limit = n;
      if (walk_stop_ != kNone) {
        limit = walk_stop_ - begin;
        if (chain_break_ != kNone && chain_break_key_known_) limit = chain_break_ - begin + 1;
      }
      if (bad_signature_ == kNone) {
        std::atomic<uint64_t> bad{kNone};
        ParallelFor(limit, report_.threads, [&](uint64_t b, uint64_t e) {
          for (uint64_t k = b; k < e; ++k) {
            if (!VerifySignature(signers[k], views[k].body, views[k].signature)) AtomicMin(bad, k);
          }
        });
        if (bad.load() != kNone) {
          bad_signature_ = begin + bad.load();
          bad_signature_key_ = std::string(views[bad.load()].key_id());
        }
      }
      Consumed(bytes.back());
    }
  }

  // The sequential walk of entries [begin, begin + n): sequence, ledger id, time, chain,
  // keys, Merkle tree, checkpoints.
  void Walk(uint64_t begin, uint64_t n, const std::vector<EntryView>& views,
            const std::vector<Hash>& leaves, std::vector<PublicKey>& signers) {
    for (uint64_t k = 0; k < n; ++k) {
      const uint64_t i = begin + k;
      const EntryView& e = views[k];
      const std::string at = "entry " + std::to_string(i) + ": ";
      if (e.sequence() != i) {
        Problem(i, std::nullopt, at + "carries sequence " + std::to_string(e.sequence()) +
                                     " (entries missing, duplicated or out of order)");
        walk_stop_ = i;
        return;
      }
      if (i > 0 && e.ledger_id() != report_.ledger_id) {
        Problem(i, std::nullopt, at + "belongs to ledger '" + std::string(e.ledger_id()) + "'");
        walk_stop_ = i;
        return;
      }
      const Hash expected_prev = i == 0 ? Hash{} : last_leaf_;
      if (e.prev_hash() != expected_prev) {
        chain_break_ = i;
        auto named = keys_.ResolveSigner(e);
        if (named.ok()) {
          signers[k] = *named;
          chain_break_key_known_ = true;
        }
        walk_stop_ = i;
        return;
      }
      if (e.event->time_us() < last_time_) {
        Problem(i, std::nullopt, at + "time goes backwards");
        walk_stop_ = i;
        return;
      }
      last_time_ = e.event->time_us();
      auto signer = keys_.ResolveSigner(e);
      if (!signer.ok()) {
        Problem(i, std::nullopt, at + signer.status().message());
        walk_stop_ = i;
        return;
      }
      signers[k] = *signer;
      Status applied = keys_.Apply(e);
      if (!applied.ok()) {
        Problem(i, std::nullopt, at + applied.message());
        walk_stop_ = i;
        return;
      }
      if (i == 0) {
        report_.ledger_id = keys_.ledger_id();
        if (e.ledger_id() != report_.ledger_id) {
          Problem(0, std::nullopt, "entry 0: envelope and genesis name different ledgers");
          walk_stop_ = 0;
          return;
        }
        if (!options_.expected_root_key.empty()) {
          const std::string root_id = KeyIdOf(*signer);
          if (options_.expected_root_key != root_id &&
              options_.expected_root_key != ToHex(*signer)) {
            Problem(0, std::nullopt, "entry 0: root key " + root_id +
                                         " is not the expected root key " +
                                         options_.expected_root_key);
            walk_stop_ = 0;
            return;
          }
        }
      }
      ++report_.event_counts[std::string(EventTypeName(e.type()))];
      tree_.Append(leaves[k]);
      last_leaf_ = leaves[k];
      CheckCheckpointsAt(i + 1);
    }
  }

  void CheckCheckpointsAt(uint64_t size) {
    while (next_cp_ < order_.size() && order_[next_cp_].first == size) {
      const ParsedCheckpoint& pc = parsed_cps_[order_[next_cp_].second];
      CheckCheckpoint(pc);
      if (!pc.trusted) {
        prev_cp_ = &pc;
        prev_cp_true_root_ = tree_.Root();
      }
      ++next_cp_;
    }
  }

  void FinishWalk() {
    const uint64_t n = std::min<uint64_t>(framed_, parse_stop_);
    walked_ = walk_stop_ == kNone ? n : walk_stop_;
    report_.root = tree_.Root();  // the tree holds exactly the walked entries
    for (const auto& [id, k] : keys_.keys()) report_.keys.push_back(k);
    // Checkpoints beyond what could be walked.
    if (walk_stop_ == kNone && parse_stop_ == kNone && framing_stop_ == kNone) {
      for (; next_cp_ < order_.size(); ++next_cp_) {
        const ParsedCheckpoint& pc = parsed_cps_[order_[next_cp_].second];
        // Only a checkpoint signed by a key this log knows can prove entries are missing;
        // anything else is just an unsigned claim.
        bool signed_ok = pc.cp.origin == report_.ledger_id;
        if (signed_ok) {
          signed_ok = false;
          for (const auto& [id, k] : keys_.keys()) {
            if ((k.roles & kRoleCheckpoint) != 0 &&
                VerifyNote(pc.note, report_.ledger_id, k.public_key).ok()) {
              signed_ok = true;
            }
          }
        }
        if (!signed_ok && !pc.trusted) {
          Problem(std::nullopt, pc.cp.size,
                  "checkpoint of size " + std::to_string(pc.cp.size) +
                      " is not signed by a checkpoint key of this ledger");
          continue;
        }
        // A checkpoint the caller trusts (obtained elsewhere) proves entries are missing
        // even when the key that signed it was registered in the missing part.
        Problem(n, pc.cp.size,
                std::string(pc.trusted ? "trusted checkpoint" : "checkpoint") + " of size " +
                    std::to_string(pc.cp.size) + " covers entries that are missing: the log has " +
                    std::to_string(n) + " entries (truncated from entry " + std::to_string(n) +
                    ")");
      }
    }
    if (parse_stop_ != kNone) {
      Problem(parse_stop_, std::nullopt, "entry " + std::to_string(parse_stop_) + ": " + parse_error_);
    }
  }

  void CheckCheckpoint(const ParsedCheckpoint& pc) {
    const uint64_t size = pc.cp.size;
    const std::string name =
        std::string(pc.trusted ? "trusted checkpoint" : "checkpoint") + " of size " +
        std::to_string(size);
    if (pc.cp.origin != report_.ledger_id) {
      Problem(std::nullopt, size, name + " has origin '" + pc.cp.origin + "', not '" +
                                      report_.ledger_id + "'");
      return;
    }
    bool signed_ok = false;
    for (const KeyInfo* k : keys_.CheckpointKeysAt(size)) {
      if (VerifyNote(pc.note, report_.ledger_id, k->public_key).ok()) signed_ok = true;
    }
    if (!signed_ok) {
      Problem(size - 1, size, name + " is not signed by a checkpoint key in force at that size");
      return;
    }
    const Hash root = tree_.Root();
    if (root != pc.cp.root) {
      Problem(size - 1, size,
              name + ": the entries up to " + std::to_string(size - 1) +
                  " do not hash to its signed root (the log was altered or rewritten)");
      return;
    }
    if (!pc.trusted) {
      ++report_.checkpoints;
      report_.latest_checkpoint_size = size;
      if (prev_cp_ != nullptr) CheckConsistency(*prev_cp_, pc, name);
    }
  }

  // Consistency with the previous export checkpoint. This one's root is the tree's (checked
  // above), so a proof taken from the tree verifies exactly when the previous one's root is
  // the tree's at its size: the same outcome, and for equal sizes the same message, as
  // building the proof; for unequal sizes the previous checkpoint has already been reported
  // at an earlier position, which wins.
  void CheckConsistency(const ParsedCheckpoint& prev, const ParsedCheckpoint& pc,
                        const std::string& name) {
    const uint64_t size = pc.cp.size;
    if (prev.cp.size == size) {
      if (prev.cp.root != pc.cp.root) {
        Problem(size - 1, size, name + " is not consistent with the previous: two roots for the "
                                       "same tree size " + std::to_string(size) + " differ");
      }
      return;
    }
    if (prev.cp.root != prev_cp_true_root_) {
      Problem(size - 1, size, name + " is not consistent with the previous: consistency proof "
                                     "does not lead to the first root");
    }
  }

  void Attribute() {
    if (bad_signature_ != kNone) {
      Problem(bad_signature_, std::nullopt,
              "entry " + std::to_string(bad_signature_) +
                  ": signature does not verify against key " + bad_signature_key_);
    }
    if (chain_break_ != kNone) {
      const uint64_t i = chain_break_;
      if (bad_signature_ == i || !chain_break_key_known_) {
        Problem(i, std::nullopt, "entry " + std::to_string(i) +
                                     ": does not chain to the hash of entry " +
                                     std::to_string(i - 1));
      } else {
        // Entry i is validly signed, so its prev_hash is authentic: entry i-1 was altered.
        Problem(i - 1, std::nullopt,
                "entry " + std::to_string(i - 1) +
                    ": its stored bytes do not match the hash that entry " + std::to_string(i) +
                    " (validly signed) chains to");
      }
    }
    if (candidates_.empty()) {
      report_.uncovered_entries = walked_ - report_.latest_checkpoint_size;
      if (report_.uncovered_entries > 0) {
        report_.warnings.push_back(std::to_string(report_.uncovered_entries) +
                                   " entries after the latest checkpoint are not yet covered "
                                   "by a signed checkpoint");
      }
      return;
    }
    // The earliest problem wins; at the same sequence, what is wrong with the entry itself
    // (its signature, say) says more than a checkpoint that no longer matches it.
    auto key = [](const VerifyProblem& p) {
      return std::make_pair(p.sequence.value_or(p.checkpoint_size.value_or(kNone)),
                            p.checkpoint_size.has_value());
    };
    report_.problem = *std::min_element(
        candidates_.begin(), candidates_.end(),
        [&](const VerifyProblem& a, const VerifyProblem& b) { return key(a) < key(b); });
  }

  ByteView file_;
  const VerifyOptions& options_;
  const uint64_t chunk_;
  VerifyReport report_;
  uint64_t framed_ = 0;  // well-formed entry frames
  std::vector<CheckpointRecord> checkpoints_;
  std::vector<ParsedCheckpoint> parsed_cps_;
  std::vector<std::pair<uint64_t, size_t>> order_;  // (size, index in parsed_cps_)
  size_t next_cp_ = 0;
  const ParsedCheckpoint* prev_cp_ = nullptr;
  Hash prev_cp_true_root_{};
  std::vector<VerifyProblem> candidates_;
  KeyRegistry keys_;
  MerkleFrontier tree_;
  Hash last_leaf_{};
  int64_t last_time_ = INT64_MIN;
  std::string parse_error_;
  std::string bad_signature_key_;
  uint64_t framing_stop_ = kNone;
  uint64_t parse_stop_ = kNone;
  uint64_t walk_stop_ = kNone;
  uint64_t walked_ = 0;
  uint64_t chain_break_ = kNone;
  bool chain_break_key_known_ = false;
  uint64_t bad_signature_ = kNone;
};

}  // namespace

VerifyReport VerifyExport(ByteView file, const VerifyOptions& options) {
  Verification v(file, options);
  return v.Run();
}

}  // namespace suiji
