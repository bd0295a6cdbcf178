// DecodeTarget into a caller's record: a scan decoding many stored targets (a freeze's
// eligibility over the directory projection) reuses one record's storage instead of
// building a new one per target.
#pragma once

#include "ledger/core/directory/records.h"

namespace suiji::directory {

// DecodeTarget(b) into `out`, reusing its strings' storage: the same record and the same
// errors. On an error `out` is left unspecified.
Status DecodeTargetInto(ByteView b, TargetRecord& out);

}  // namespace suiji::directory
