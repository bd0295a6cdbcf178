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
// Lifetime: reads the ledger and the draw service it is given, which must be synced to at
// least the checkpoint. Not thread-safe (as DrawService).
#pragma once

#include <cstdint>
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

// Builds the bundle of `draw_id` against `checkpoint_note`, a signed checkpoint of this
// ledger stored or issued by it (its size must cover every entry the bundle needs). `extra`
// names more entries to carry (e.g. the draw's announcements); they are proven and listed by
// type, and must not be directory events.
// kNotFound for an unknown draw; kFailedPrecondition if the checkpoint does not cover a
// needed entry (issue a newer one) or is not signed by a checkpoint key of the ledger;
// kInvalidArgument for an extra entry that does not exist or is a directory event.
StatusOr<PublicBundle> BuildPublicBundle(const Ledger& ledger, const DrawService& draws,
                                         std::string_view draw_id,
                                         std::string_view checkpoint_note,
                                         const std::vector<uint64_t>& extra = {});

}  // namespace suiji
