#include "ledger/core/proof_format.h"

#include <charconv>
#include <cstring>

namespace suiji {

namespace {

constexpr std::string_view kInclusionHeader = "suiji-proof v1 inclusion";
constexpr std::string_view kConsistencyHeader = "suiji-proof v1 consistency";
constexpr size_t kMaxPath = 64;  // a tree of 2^64 leaves needs at most 64 hashes

std::string HashLine(std::string_view tag, const Hash& h) {
  return std::string(tag) + " " + ToBase64(h) + "\n";
}

// Splits the header part (before the first empty line) into lines, and the note after it.
struct Parts {
  std::vector<std::string_view> lines;
  std::string_view note;
};

StatusOr<Parts> Split(std::string_view text, std::string_view header) {
  if (text.size() > (8u << 20)) return InvalidArgument("proof file is over 8 MiB");
  size_t sep = text.find("\n\n");
  if (sep == std::string_view::npos) {
    return InvalidArgument("proof has no empty line before its checkpoint");
  }
  Parts p;
  p.note = text.substr(sep + 2);
  std::string_view head = text.substr(0, sep);
  size_t pos = 0;
  while (pos <= head.size()) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    p.lines.push_back(head.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (p.lines.empty() || p.lines[0] != header) {
    return InvalidArgument("proof does not start with '" + std::string(header) + "'");
  }
  return p;
}

StatusOr<std::string_view> Field(std::string_view line, std::string_view tag) {
  if (line.size() <= tag.size() + 1 || line.substr(0, tag.size()) != tag ||
      line[tag.size()] != ' ') {
    return InvalidArgument("expected a '" + std::string(tag) + "' line, got '" +
                           std::string(line.substr(0, 40)) + "'");
  }
  return line.substr(tag.size() + 1);
}

StatusOr<uint64_t> NumberField(std::string_view line, std::string_view tag) {
  SUIJI_ASSIGN_OR_RETURN(std::string_view v, Field(line, tag));
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || (v.size() > 1 && v[0] == '0')) {
    return InvalidArgument("'" + std::string(tag) + "' is not a decimal number");
  }
  return n;
}

StatusOr<Hash> HashField(std::string_view line, std::string_view tag) {
  SUIJI_ASSIGN_OR_RETURN(std::string_view v, Field(line, tag));
  auto b = FromBase64(v);
  if (!b.ok() || b->size() != 32) {
    return InvalidArgument("'" + std::string(tag) + "' is not a base64 32-byte hash");
  }
  Hash h{};
  std::memcpy(h.data(), b->data(), h.size());
  return h;
}

StatusOr<std::vector<Hash>> PathLines(const std::vector<std::string_view>& lines, size_t from) {
  std::vector<Hash> path;
  for (size_t i = from; i < lines.size(); ++i) {
    if (path.size() == kMaxPath) return InvalidArgument("proof path is longer than 64 hashes");
    SUIJI_ASSIGN_OR_RETURN(Hash h, HashField(lines[i], "path"));
    path.push_back(h);
  }
  return path;
}

}  // namespace

std::string FormatInclusionProof(const InclusionProofFile& p) {
  std::string out(kInclusionHeader);
  out += "\nindex " + std::to_string(p.index) + "\nsize " + std::to_string(p.size) +
         "\nentry " + ToBase64(p.entry) + "\n";
  for (const Hash& h : p.path) out += HashLine("path", h);
  out += "\n" + p.checkpoint_note;
  return out;
}

std::string FormatConsistencyProof(const ConsistencyProofFile& p) {
  std::string out(kConsistencyHeader);
  out += "\nold-size " + std::to_string(p.old_size) + "\n";
  out += HashLine("old-root", p.old_root);
  out += "size " + std::to_string(p.size) + "\n";
  for (const Hash& h : p.path) out += HashLine("path", h);
  out += "\n" + p.checkpoint_note;
  return out;
}

StatusOr<std::string> ProofKind(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  if (first == kInclusionHeader) return std::string("inclusion");
  if (first == kConsistencyHeader) return std::string("consistency");
  return InvalidArgument("not a Suiji proof file (first line is not 'suiji-proof v1 ...')");
}

StatusOr<InclusionProofFile> ParseInclusionProof(std::string_view text) {
  SUIJI_ASSIGN_OR_RETURN(Parts parts, Split(text, kInclusionHeader));
  if (parts.lines.size() < 4) return InvalidArgument("inclusion proof is missing lines");
  InclusionProofFile p;
  SUIJI_ASSIGN_OR_RETURN(p.index, NumberField(parts.lines[1], "index"));
  SUIJI_ASSIGN_OR_RETURN(p.size, NumberField(parts.lines[2], "size"));
  SUIJI_ASSIGN_OR_RETURN(std::string_view entry_b64, Field(parts.lines[3], "entry"));
  auto entry = FromBase64(entry_b64);
  if (!entry.ok()) return InvalidArgument("'entry' is not base64");
  p.entry = std::move(*entry);
  SUIJI_ASSIGN_OR_RETURN(p.path, PathLines(parts.lines, 4));
  p.checkpoint_note = std::string(parts.note);
  return p;
}

StatusOr<ConsistencyProofFile> ParseConsistencyProof(std::string_view text) {
  SUIJI_ASSIGN_OR_RETURN(Parts parts, Split(text, kConsistencyHeader));
  if (parts.lines.size() < 4) return InvalidArgument("consistency proof is missing lines");
  ConsistencyProofFile p;
  SUIJI_ASSIGN_OR_RETURN(p.old_size, NumberField(parts.lines[1], "old-size"));
  SUIJI_ASSIGN_OR_RETURN(p.old_root, HashField(parts.lines[2], "old-root"));
  SUIJI_ASSIGN_OR_RETURN(p.size, NumberField(parts.lines[3], "size"));
  SUIJI_ASSIGN_OR_RETURN(p.path, PathLines(parts.lines, 4));
  p.checkpoint_note = std::string(parts.note);
  return p;
}

}  // namespace suiji
