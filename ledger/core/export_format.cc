#include "ledger/core/export_format.h"

#include <cstring>

namespace suiji {

void AppendExportRecord(std::string& out, char kind, ByteView data) {
  uint8_t hdr[5];
  hdr[0] = static_cast<uint8_t>(kind);
  PutU32BE(static_cast<uint32_t>(data.size()), hdr + 1);
  out.append(reinterpret_cast<const char*>(hdr), sizeof hdr);
  out.append(reinterpret_cast<const char*>(data.data()), data.size());
}

Status ExportReader::ReadHeader() {
  if (file_.size() < kExportMagic.size() ||
      std::memcmp(file_.data(), kExportMagic.data(), kExportMagic.size()) != 0) {
    return DataLoss("not a Suiji export file (bad magic line at byte 0)");
  }
  pos_ = kExportMagic.size();
  return OkStatus();
}

StatusOr<std::optional<ExportRecord>> ExportReader::Next() {
  if (pos_ == file_.size()) return std::optional<ExportRecord>();
  if (file_.size() - pos_ < 5) {
    return DataLoss("truncated record header at byte " + std::to_string(pos_));
  }
  ExportRecord r;
  r.offset = pos_;
  r.kind = static_cast<char>(file_[pos_]);
  uint32_t len = GetU32BE(file_.data() + pos_ + 1);
  if (r.kind != kRecordEntry && r.kind != kRecordCheckpoint) {
    return DataLoss("unknown record kind at byte " + std::to_string(pos_));
  }
  if (len > kMaxExportRecord) {
    return DataLoss("record length " + std::to_string(len) + " over the limit at byte " +
                    std::to_string(pos_));
  }
  if (file_.size() - pos_ - 5 < len) {
    return DataLoss("truncated record at byte " + std::to_string(pos_));
  }
  r.data = file_.subspan(pos_ + 5, len);
  pos_ += 5 + len;
  return std::optional<ExportRecord>(r);
}

}  // namespace suiji
