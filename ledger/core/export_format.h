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
inline constexpr size_t kExportFrameOverhead = 10;  // header 5 + trailer 5

// Appends one framed record to `out`: kind (1 byte), u32 BE length, the bytes, then the
// kind and length again. The trailer pins each frame to its own record: a damaged length
// is caught at that record instead of shifting the blame onto the next one.
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
  // oversized frame, a trailer that does not match its header, or an unknown record kind
  // (naming the byte offset).
  StatusOr<std::optional<ExportRecord>> Next();
  // After a kDataLoss from Next(): the kind the damaged frame most likely had (its header
  // kind if known, else its trailer's), or 0 if neither can be read.
  char damaged_kind() const { return damaged_kind_; }

 private:
  ByteView file_;
  uint64_t pos_ = 0;
  char damaged_kind_ = 0;
};

}  // namespace suiji
