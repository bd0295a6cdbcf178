// Framing of the portable export file (layout in schemas/README.md). Pure: the writer
// appends to a string the caller flushes; the reader walks a byte view the caller mapped.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/core/bytes.h"

namespace suiji {

inline constexpr std::string_view kExportMagic = "SUIJI-LOG-EXPORT\n1\n";
inline constexpr char kRecordEntry = 'E';
inline constexpr char kRecordCheckpoint = 'C';
// No record is larger than this (an entry is at most ~512 KiB).
inline constexpr uint32_t kMaxExportRecord = 4u << 20;

// Appends one framed record (kind, u32 BE length, bytes) to `out`.
void AppendExportRecord(std::string& out, char kind, ByteView data);

struct ExportRecord {
  char kind = 0;
  ByteView data;
  uint64_t offset = 0;  // of the record header in the file
};

// Reads records in order. Not thread-safe; the file bytes must outlive the reader.
class ExportReader {
 public:
  explicit ExportReader(ByteView file) : file_(file) {}
  // kDataLoss if the file does not start with the magic line.
  Status ReadHeader();
  // The next record, std::nullopt at a clean end of file, kDataLoss at a torn or
  // oversized frame or an unknown record kind (naming the byte offset).
  StatusOr<std::optional<ExportRecord>> Next();

 private:
  ByteView file_;
  uint64_t pos_ = 0;
};

}  // namespace suiji
