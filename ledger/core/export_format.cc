#include "ledger/core/export_format.h"

#include <cstring>

namespace suiji {

void AppendExportRecord(std::string& out, char kind, ByteView data) {
  uint8_t hdr[5];
  hdr[0] = static_cast<uint8_t>(kind);
  PutU32BE(static_cast<uint32_t>(data.size()), hdr + 1);
  out.append(reinterpret_cast<const char*>(hdr), sizeof hdr);
  out.append(reinterpret_cast<const char*>(data.data()), data.size());
  out.append(reinterpret_cast<const char*>(hdr), sizeof hdr);
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
  damaged_kind_ = 0;
  if (pos_ == file_.size()) return std::optional<ExportRecord>();
  const std::string at = " at byte " + std::to_string(pos_);
  if (file_.size() - pos_ < 5) return DataLoss("truncated record header" + at);
  ExportRecord r;
  r.offset = pos_;
  r.kind = static_cast<char>(file_[pos_]);
  const bool known = r.kind == kRecordEntry || r.kind == kRecordCheckpoint;
  const uint32_t len = GetU32BE(file_.data() + pos_ + 1);
  // What the trailer says, if the header's length points at one.
  const uint64_t trailer = pos_ + 5 + uint64_t{len};
  const bool has_trailer = len <= kMaxExportRecord && trailer + 5 <= file_.size();
  const char trailer_kind = has_trailer ? static_cast<char>(file_[trailer]) : 0;
  damaged_kind_ = known ? r.kind
                  : (trailer_kind == kRecordEntry || trailer_kind == kRecordCheckpoint) ? trailer_kind
                                                                                        : 0;
  if (!known) return DataLoss("unknown record kind" + at);
  if (len > kMaxExportRecord) {
    return DataLoss("record length " + std::to_string(len) + " over the limit" + at);
  }
  if (!has_trailer) return DataLoss("truncated record" + at);
  if (static_cast<char>(file_[trailer]) != r.kind || GetU32BE(file_.data() + trailer + 1) != len) {
    return DataLoss("record frame damaged (header and trailer disagree)" + at);
  }
  r.data = file_.subspan(pos_ + 5, len);
  pos_ = trailer + 5;
  return std::optional<ExportRecord>(r);
}

}  // namespace suiji
