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
  Verification(ByteView file, const VerifyOptions& options) : file_(file), options_(options) {
    report_.threads = options.threads != 0 ? options.threads
                                           : std::max(1u, std::thread::hardware_concurrency());
  }

  VerifyReport Run() {
    ReadFrames();
    ParseAndHash();
    Walk();
    CheckSignatures();
    Attribute();
    report_.entries = views_.size();
    return std::move(report_);
  }

 private:
  void Problem(std::optional<uint64_t> seq, std::optional<uint64_t> cp, std::string what) {
    candidates_.push_back(VerifyProblem{seq, cp, std::move(what)});
  }

  // Frames: entries first, then checkpoints. A broken frame is blamed on the entry it held.
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
          Problem(entries_.size(), std::nullopt, "entry " + std::to_string(entries_.size()) +
                                                     ": " + rec.status().message());
        } else {
          Problem(std::nullopt, std::nullopt, "checkpoint section: " + rec.status().message());
        }
        framing_stop_ = entries_.size();
        return;
      }
      if (!rec->has_value()) return;
      const ExportRecord& r = **rec;
      if (r.kind == kRecordEntry) {
        if (!checkpoints_.empty()) {
          Problem(entries_.size(), std::nullopt,
                  "entry " + std::to_string(entries_.size()) + " comes after the checkpoints");
          framing_stop_ = entries_.size();
          return;
        }
        entries_.push_back(r.data);
      } else {
        checkpoints_.push_back({std::string(AsChars(r.data)), false});
      }
    }
  }

  void ParseAndHash() {
    const uint64_t n = entries_.size();
    views_.resize(n);
    leaves_.resize(n);
    parse_errors_.resize(n);
    std::atomic<uint64_t> first_bad{kNone};
    ParallelFor(n, report_.threads, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; ++i) {
        auto v = ParseEntry(entries_[i]);
        if (!v.ok()) {
          parse_errors_[i] = v.status().message();
          AtomicMin(first_bad, i);
          continue;
        }
        views_[i] = *v;
        leaves_[i] = LeafHash(entries_[i]);
      }
    });
    parse_stop_ = first_bad.load();
  }

  // The sequential walk: sequence, ledger id, time, chain, keys, Merkle tree, checkpoints.
  void Walk() {
    const uint64_t n = std::min<uint64_t>(entries_.size(), parse_stop_);
    signers_.resize(entries_.size());
    std::vector<CheckpointRecord> cps = checkpoints_;
    for (const std::string& t : options_.trusted_checkpoints) cps.push_back({t, true});
    std::vector<std::pair<uint64_t, size_t>> order;  // (size, index in cps)
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
      order.push_back({cp->size, parsed_cps_.size() - 1});
    }
    std::stable_sort(order.begin(), order.end());
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

    KeyRegistry keys;
    MerkleTree tree;
    size_t next_cp = 0;
    const ParsedCheckpoint* prev_cp = nullptr;
    auto check_cps_at = [&](uint64_t size) {
      while (next_cp < order.size() && order[next_cp].first == size) {
        const ParsedCheckpoint& pc = parsed_cps_[order[next_cp].second];
        CheckCheckpoint(pc, keys, tree, prev_cp);
        if (!pc.trusted) prev_cp = &pc;
        ++next_cp;
      }
    };
    while (next_cp < order.size() && order[next_cp].first == 0) ++next_cp;  // empty trees
    int64_t last_time = INT64_MIN;
    for (uint64_t i = 0; i < n; ++i) {
      const EntryView& e = views_[i];
      const std::string at = "entry " + std::to_string(i) + ": ";
      if (e.sequence() != i) {
        Problem(i, std::nullopt, at + "carries sequence " + std::to_string(e.sequence()) +
                                     " (entries missing, duplicated or out of order)");
        walk_stop_ = i;
        break;
      }
      if (i > 0 && e.ledger_id() != report_.ledger_id) {
        Problem(i, std::nullopt, at + "belongs to ledger '" + std::string(e.ledger_id()) + "'");
        walk_stop_ = i;
        break;
      }
      const Hash expected_prev = i == 0 ? Hash{} : leaves_[i - 1];
      if (e.prev_hash() != expected_prev) {
        chain_break_ = i;
        auto named = keys.ResolveSigner(e);
        if (named.ok()) {
          signers_[i] = *named;
          chain_break_key_known_ = true;
        }
        walk_stop_ = i;
        break;
      }
      if (e.event->time_us() < last_time) {
        Problem(i, std::nullopt, at + "time goes backwards");
        walk_stop_ = i;
        break;
      }
      last_time = e.event->time_us();
      auto signer = keys.ResolveSigner(e);
      if (!signer.ok()) {
        Problem(i, std::nullopt, at + signer.status().message());
        walk_stop_ = i;
        break;
      }
      signers_[i] = *signer;
      Status applied = keys.Apply(e);
      if (!applied.ok()) {
        Problem(i, std::nullopt, at + applied.message());
        walk_stop_ = i;
        break;
      }
      if (i == 0) {
        report_.ledger_id = keys.ledger_id();
        if (e.ledger_id() != report_.ledger_id) {
          Problem(0, std::nullopt, "entry 0: envelope and genesis name different ledgers");
          walk_stop_ = 0;
          break;
        }
        if (!options_.expected_root_key.empty()) {
          const std::string root_id = KeyIdOf(*signer);
          if (options_.expected_root_key != root_id &&
              options_.expected_root_key != ToHex(*signer)) {
            Problem(0, std::nullopt, "entry 0: root key " + root_id +
                                         " is not the expected root key " +
                                         options_.expected_root_key);
            walk_stop_ = 0;
            break;
          }
        }
      }
      std::string type(EventTypeName(e.type()));
      ++report_.event_counts[type];
      tree.Append(leaves_[i]);
      check_cps_at(i + 1);
    }
    walked_ = walk_stop_ == kNone ? n : walk_stop_;
    report_.root = tree.RootAt(walked_).value();
    for (const auto& [id, k] : keys.keys()) report_.keys.push_back(k);
    // Checkpoints beyond what could be walked.
    if (walk_stop_ == kNone && parse_stop_ == kNone && framing_stop_ == kNone) {
      for (; next_cp < order.size(); ++next_cp) {
        const ParsedCheckpoint& pc = parsed_cps_[order[next_cp].second];
        // Only a checkpoint signed by a key this log knows can prove entries are missing;
        // anything else is just an unsigned claim.
        bool signed_ok = pc.cp.origin == report_.ledger_id;
        if (signed_ok) {
          signed_ok = false;
          for (const auto& [id, k] : keys.keys()) {
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
      Problem(parse_stop_, std::nullopt,
              "entry " + std::to_string(parse_stop_) + ": " + parse_errors_[parse_stop_]);
    }
  }

  struct ParsedCheckpoint {
    SignedNote note;
    Checkpoint cp;
    bool trusted = false;
  };

  void CheckCheckpoint(const ParsedCheckpoint& pc, const KeyRegistry& keys,
                       const MerkleTree& tree, const ParsedCheckpoint* prev) {
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
    for (const KeyInfo* k : keys.CheckpointKeysAt(size)) {
      if (VerifyNote(pc.note, report_.ledger_id, k->public_key).ok()) signed_ok = true;
    }
    if (!signed_ok) {
      Problem(size - 1, size, name + " is not signed by a checkpoint key in force at that size");
      return;
    }
    if (tree.Root() != pc.cp.root) {
      Problem(size - 1, size,
              name + ": the entries up to " + std::to_string(size - 1) +
                  " do not hash to its signed root (the log was altered or rewritten)");
      return;
    }
    if (!pc.trusted) {
      ++report_.checkpoints;
      report_.latest_checkpoint_size = size;
      if (prev != nullptr) {
        auto proof = tree.ConsistencyProof(prev->cp.size, size);
        Status c = proof.ok() ? VerifyConsistency(prev->cp.size, size, *proof, prev->cp.root,
                                                  pc.cp.root)
                              : proof.status();
        if (!c.ok()) Problem(size - 1, size, name + " is not consistent with the previous: " + c.message());
      }
    }
  }

  void CheckSignatures() {
    // Entries [0, walked_) had their signer resolved; at a chain break the breaking entry
    // is checked too (against the key it names, if registered) so the break can be blamed
    // on the right entry.
    uint64_t limit = walked_;
    if (chain_break_ != kNone && chain_break_key_known_) limit = chain_break_ + 1;
    std::atomic<uint64_t> first_bad{kNone};
    ParallelFor(limit, report_.threads, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; ++i) {
        if (!VerifySignature(signers_[i], views_[i].body, views_[i].signature)) {
          AtomicMin(first_bad, i);
        }
      }
    });
    bad_signature_ = first_bad.load();
  }

  void Attribute() {
    if (bad_signature_ != kNone) {
      Problem(bad_signature_, std::nullopt,
              "entry " + std::to_string(bad_signature_) +
                  ": signature does not verify against key " +
                  std::string(views_[bad_signature_].key_id()));
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

 private:
  ByteView file_;
  const VerifyOptions& options_;
  VerifyReport report_;
  std::vector<ByteView> entries_;
  std::vector<CheckpointRecord> checkpoints_;
  std::vector<ParsedCheckpoint> parsed_cps_;
  std::vector<EntryView> views_;
  std::vector<Hash> leaves_;
  std::vector<std::string> parse_errors_;
  std::vector<PublicKey> signers_;
  std::vector<VerifyProblem> candidates_;
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
