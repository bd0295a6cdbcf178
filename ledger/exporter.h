// Writes the portable export file (framing in schemas/README.md): every entry in order,
// then every stored checkpoint. The file is written to "<path>.tmp", synced and renamed,
// so a reader never sees half an export; "-" writes to standard output.
#pragma once

#include <cstdio>
#include <filesystem>

#include "ledger/storage.h"

namespace suiji {

struct ExportSummary {
  uint64_t entries = 0;
  uint64_t checkpoints = 0;
  uint64_t bytes = 0;
};

StatusOr<ExportSummary> ExportLog(const LogStorage& storage, const std::string& path);

// The same export held in memory (a server verifying its own log).
StatusOr<std::string> ExportLogBytes(const LogStorage& storage);

}  // namespace suiji
