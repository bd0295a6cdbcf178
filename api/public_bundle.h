// The public proof bundle of one draw ("suiji-bundle/1", docs/proof-bundle.md): everything a
// member of the public needs to check that draw offline with `suiji-verify --bundle`, without
// the whole log and without the internal directory data.
//
// It holds the ledger id, the checkpoint verifier key and one signed checkpoint; the stored
// bytes of the entries the draw needs, each with its RFC 6962 inclusion proof to that
// checkpoint (Genesis and every key event before the checkpoint, the plan versions before the
// task, the TaskDefined, every ceremony event of every draw of the task and its withdrawal,
// and the caller's extra entries); the frozen leaf lines of the draw; and the team inputs the
// recomputation needs, restricted to the selected targets (conflict pairs without their
// reasons, previous teams). Directory events are never included.
//
// Building one takes two steps, so a server can build without holding its state lock:
// PreparePublicBundle copies what the bundle needs from the node's folded state and checks the
// checkpoint (cheap; call it with the state as of one log size, e.g. under a shared lock), and
// BuildPublicBundle reads the log and proves every entry (the long part: a draw of 83,000
// visits takes seconds), touching only the ledger's thread-safe reads (its storage, its
// inclusion proofs), so it may run while others append. The one-call form does both.
//
// Lifetime: reads the ledger and the draw service it is given, which must be synced to at
// least the checkpoint. Not thread-safe (as DrawService), except BuildPublicBundle(inputs).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/draw_service.h"
#include "ledger/ledger.h"

namespace suiji {

struct PublicBundle {
  std::string json;          // the document
  uint64_t entries = 0;      // entries it carries
  uint64_t checkpoint_size = 0;
  std::string verifier_key;  // the key that signed the checkpoint
};

// What a draw's bundle needs from the folded state and the checkpoint it is proven against,
// as plain values: the build reads nothing else but the log.
struct PublicBundleInputs {
  std::string draw_id, task_id, plan_id;
  uint64_t task_sequence = 0;
  uint64_t freeze_sequence = 0;
  std::set<std::string, std::less<>> task_draws;  // every draw of the task
  std::set<std::string, std::less<>> selected;    // the credit codes the draw selected
  Hash target_root{}, inspector_root{}, expert_root{};  // of the freeze
  std::set<uint64_t> extra;                       // more entries to carry
  std::string checkpoint_note;
  uint64_t checkpoint_size = 0;
  std::string verifier_key;  // the checkpoint key that signed the note
  // The projections of a service deciding against them (DrawService::projection()): the
  // frozen lists are read from the draws folder's rows stored at the freeze; null: rebuilt
  // from the log up to the freeze.
  std::shared_ptr<LmdbProjection> projection;
};

// The smallest checkpoint size that covers every entry the bundle of `draw_id` carries (the
// task's last event, `extra`): a checkpoint at least this large can prove it. kNotFound for
// an unknown draw.
StatusOr<uint64_t> PublicBundleCoverage(const DrawService& draws, std::string_view draw_id,
                                        const std::vector<uint64_t>& extra = {});

// Copies the inputs of the bundle of `draw_id` against `checkpoint_note`, a signed checkpoint
// of this ledger stored or issued by it (its size must cover every entry the bundle needs).
// `extra` names more entries to carry (e.g. the draw's announcements); they are proven and
// listed by type, and must not be directory events.
// kNotFound for an unknown draw; kFailedPrecondition if the checkpoint does not cover a
// needed entry (issue a newer one) or is not signed by a checkpoint key of the ledger;
// kInvalidArgument for an extra entry that does not exist.
StatusOr<PublicBundleInputs> PreparePublicBundle(const Ledger& ledger, const DrawService& draws,
                                                 std::string_view draw_id,
                                                 std::string_view checkpoint_note,
                                                 const std::vector<uint64_t>& extra = {});

// Builds the bundle from its inputs, reading the log up to the checkpoint. Thread-safe: uses
// only the ledger's storage, its id and its inclusion proofs (and a read of in.projection). kInvalidArgument for an extra
// entry that is a directory event; kDataLoss if the frozen lists rebuilt from the log do not
// match the freeze.
StatusOr<PublicBundle> BuildPublicBundle(const Ledger& ledger, const PublicBundleInputs& in);

// Both steps at once (the command line).
StatusOr<PublicBundle> BuildPublicBundle(const Ledger& ledger, const DrawService& draws,
                                         std::string_view draw_id,
                                         std::string_view checkpoint_note,
                                         const std::vector<uint64_t>& extra = {});

}  // namespace suiji
