// The entries of an export, in order, for the audits that run after VerifyExport: a framing
// or parse error ends the walk quietly (VerifyExport is the one that reports it). Returns
// the header's error, if any; `fn` returns false to stop. `consumed`, if set, is told every
// 4,096 entries the offset before which the walk will not read again. Pure.
#pragma once

#include <functional>

#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"

namespace suiji {

using ExportConsumed = std::function<void(size_t offset)>;

inline Status ForEachExportedEntry(ByteView export_file, const std::function<bool(const EntryView&)>& fn,
                                   const ExportConsumed& consumed = {}) {
  ExportReader reader(export_file);
  SUIJI_RETURN_IF_ERROR(reader.ReadHeader());
  for (uint64_t n = 1;; ++n) {
    auto rec = reader.Next();
    if (!rec.ok() || !rec->has_value()) return OkStatus();
    if ((*rec)->kind != kRecordEntry) continue;
    auto e = ParseEntry((*rec)->data);
    if (!e.ok() || !fn(*e)) return OkStatus();
    if (consumed && n % 4096 == 0) {
      consumed(static_cast<size_t>((*rec)->data.data() - export_file.data()));
    }
  }
}

}  // namespace suiji
