#include "verifier/proof_check.h"

#include "ledger/core/envelope.h"
#include "ledger/core/merkle.h"
#include "ledger/core/proof_format.h"

namespace suiji {

namespace {

StatusOr<Checkpoint> SignedCheckpoint(std::string_view note_text, const VerifierKey& key,
                                      std::string_view what) {
  auto note = ParseNote(note_text);
  if (!note.ok()) {
    return InvalidArgument(std::string(what) + " is not a signed note: " + note.status().message());
  }
  Status s = VerifyNote(*note, key.name, key.public_key);
  if (!s.ok()) return Status(s.code(), std::string(what) + ": " + s.message());
  auto cp = ParseCheckpoint(note->text);
  if (!cp.ok()) return InvalidArgument(std::string(what) + ": " + cp.status().message());
  return *cp;
}

}  // namespace

StatusOr<ProofCheck> CheckProof(std::string_view proof_text, const VerifierKey& key,
                                const std::optional<std::string>& old_checkpoint,
                                const std::optional<VerifierKey>& old_key) {
  SUIJI_ASSIGN_OR_RETURN(std::string kind, ProofKind(proof_text));
  ProofCheck out;
  out.kind = kind;
  if (kind == "inclusion") {
    SUIJI_ASSIGN_OR_RETURN(InclusionProofFile p, ParseInclusionProof(proof_text));
    SUIJI_ASSIGN_OR_RETURN(Checkpoint cp, SignedCheckpoint(p.checkpoint_note, key, "checkpoint"));
    if (cp.size != p.size) {
      return DataLoss("the proof is for size " + std::to_string(p.size) +
                      " but its checkpoint is for size " + std::to_string(cp.size));
    }
    auto entry = ParseEntry(p.entry);
    if (!entry.ok()) return DataLoss("the proven entry is malformed: " + entry.status().message());
    if (entry->sequence() != p.index) {
      return DataLoss("the proven entry carries sequence " + std::to_string(entry->sequence()) +
                      ", not " + std::to_string(p.index));
    }
    Status s = VerifyInclusion(p.index, p.size, LeafHash(p.entry), p.path, cp.root);
    if (!s.ok()) return Status(s.code(), "inclusion: " + s.message());
    out.size = p.size;
    out.index = p.index;
    out.entry_summary = std::string(EventTypeName(entry->type())) + " by " +
                        (entry->event->actor() && entry->event->actor()->user()
                             ? entry->event->actor()->user()->str()
                             : std::string("?")) +
                        ", signed with key " + std::string(entry->key_id());
    return out;
  }
  SUIJI_ASSIGN_OR_RETURN(ConsistencyProofFile p, ParseConsistencyProof(proof_text));
  SUIJI_ASSIGN_OR_RETURN(Checkpoint cp, SignedCheckpoint(p.checkpoint_note, key, "checkpoint"));
  if (cp.size != p.size) {
    return DataLoss("the proof is for size " + std::to_string(p.size) +
                    " but its checkpoint is for size " + std::to_string(cp.size));
  }
  if (old_checkpoint) {
    SUIJI_ASSIGN_OR_RETURN(Checkpoint old,
                           SignedCheckpoint(*old_checkpoint, old_key.value_or(key), "the earlier checkpoint"));
    if (old.size != p.old_size || old.root != p.old_root) {
      return DataLoss("the proof starts from size " + std::to_string(p.old_size) +
                      " with another root than the earlier checkpoint you hold (size " +
                      std::to_string(old.size) + ")");
    }
  }
  Status s = VerifyConsistency(p.old_size, p.size, p.path, p.old_root, cp.root);
  if (!s.ok()) return Status(s.code(), "consistency: " + s.message());
  out.size = p.size;
  out.old_size = p.old_size;
  return out;
}

}  // namespace suiji
