// The entries of an export, in order, for the audits that run after VerifyExport: a framing
// or parse error ends the walk quietly (VerifyExport is the one that reports it). Returns
// the header's error, if any; `fn` returns false to stop. Pure.
#pragma once

#include <functional>

#include "ledger/core/envelope.h"
#include "ledger/core/export_format.h"

namespace suiji {

inline Status ForEachExportedEntry(ByteView export_file, const std::function<bool(const EntryView&)>& fn) {
  ExportReader reader(export_file);
  SUIJI_RETURN_IF_ERROR(reader.ReadHeader());
  for (;;) {
    auto rec = reader.Next();
    if (!rec.ok() || !rec->has_value()) return OkStatus();
    if ((*rec)->kind != kRecordEntry) continue;
    auto e = ParseEntry((*rec)->data);
    if (!e.ok() || !fn(*e)) return OkStatus();
  }
}

}  // namespace suiji
