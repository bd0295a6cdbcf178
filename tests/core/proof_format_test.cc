#include "ledger/core/proof_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

constexpr std::string_view kNote =
    "labour/js-2026\n"
    "7\n"
    "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n"
    "\n"
    "\xE2\x80\x94 labour/js-2026 AAAAAQ==\n";

Hash H(uint8_t b) { return Sha256(Bytes{b}); }

InclusionProofFile SampleInclusion(size_t path_len) {
  InclusionProofFile p;
  p.index = 5;
  p.size = 7;
  p.entry = Bytes{0x53, 0x4A, 0x45, 0x31, 0x00, 0xFF, 0x10};
  for (size_t i = 0; i < path_len; ++i) p.path.push_back(H(static_cast<uint8_t>(i)));
  p.checkpoint_note = std::string(kNote);
  return p;
}

ConsistencyProofFile SampleConsistency(size_t path_len) {
  ConsistencyProofFile p;
  p.old_size = 3;
  p.old_root = H(200);
  p.size = 7;
  for (size_t i = 0; i < path_len; ++i) p.path.push_back(H(static_cast<uint8_t>(i + 50)));
  p.checkpoint_note = std::string(kNote);
  return p;
}

TEST(ProofFormat, InclusionProofRoundTrips) {
  for (size_t len : {size_t{0}, size_t{1}, size_t{3}, size_t{64}}) {
    InclusionProofFile p = SampleInclusion(len);
    std::string text = FormatInclusionProof(p);
    auto kind = ProofKind(text);
    ASSERT_TRUE(kind.ok());
    EXPECT_EQ(*kind, "inclusion");
    auto back = ParseInclusionProof(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->index, p.index);
    EXPECT_EQ(back->size, p.size);
    EXPECT_EQ(back->entry, p.entry);
    EXPECT_EQ(back->path, p.path);
    EXPECT_EQ(back->checkpoint_note, p.checkpoint_note);
  }
}

TEST(ProofFormat, InclusionProofHasTheDocumentedLayout) {
  InclusionProofFile p = SampleInclusion(1);
  std::string expected = "suiji-proof v1 inclusion\nindex 5\nsize 7\nentry " + ToBase64(p.entry) +
                         "\npath " + ToBase64(p.path[0]) + "\n\n" + std::string(kNote);
  EXPECT_EQ(FormatInclusionProof(p), expected);
}

TEST(ProofFormat, ConsistencyProofRoundTrips) {
  for (size_t len : {size_t{0}, size_t{2}, size_t{64}}) {
    ConsistencyProofFile p = SampleConsistency(len);
    std::string text = FormatConsistencyProof(p);
    auto kind = ProofKind(text);
    ASSERT_TRUE(kind.ok());
    EXPECT_EQ(*kind, "consistency");
    auto back = ParseConsistencyProof(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->old_size, p.old_size);
    EXPECT_EQ(back->old_root, p.old_root);
    EXPECT_EQ(back->size, p.size);
    EXPECT_EQ(back->path, p.path);
    EXPECT_EQ(back->checkpoint_note, p.checkpoint_note);
  }
}

TEST(ProofFormat, ConsistencyProofHasTheDocumentedLayout) {
  ConsistencyProofFile p = SampleConsistency(0);
  EXPECT_EQ(FormatConsistencyProof(p), "suiji-proof v1 consistency\nold-size 3\nold-root " +
                                           ToBase64(p.old_root) + "\nsize 7\n\n" +
                                           std::string(kNote));
}

TEST(ProofFormat, LargeNumbersRoundTrip) {
  InclusionProofFile p = SampleInclusion(0);
  p.index = UINT64_MAX - 1;
  p.size = UINT64_MAX;
  auto back = ParseInclusionProof(FormatInclusionProof(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->index, UINT64_MAX - 1);
  EXPECT_EQ(back->size, UINT64_MAX);
}

TEST(ProofFormat, ProofKindRejectsAnythingElse) {
  for (std::string_view t : {std::string_view(""), std::string_view("suiji-proof v2 inclusion\n"),
                             std::string_view("suiji-proof v1 inclusion \n"),
                             std::string_view("hello\nsuiji-proof v1 inclusion\n")}) {
    EXPECT_EQ(ProofKind(t).status().code(), StatusCode::kInvalidArgument) << t;
  }
  // The parsers refuse the other kind.
  EXPECT_EQ(ParseInclusionProof(FormatConsistencyProof(SampleConsistency(1))).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConsistencyProof(FormatInclusionProof(SampleInclusion(1))).status().code(),
            StatusCode::kInvalidArgument);
}

// Replaces line `n` (0-based) of the head of a formatted proof.
std::string ReplaceLine(const std::string& text, size_t n, std::string_view line) {
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) start = text.find('\n', start) + 1;
  size_t end = text.find('\n', start);
  return text.substr(0, start) + std::string(line) + text.substr(end);
}

TEST(ProofFormat, MalformedInclusionLinesAreInvalidArgument) {
  const std::string good = FormatInclusionProof(SampleInclusion(2));
  ASSERT_TRUE(ParseInclusionProof(good).ok());
  const std::string hash_b64 = ToBase64(H(1));
  struct Case {
    const char* what;
    std::string text;
  };
  std::vector<Case> cases = {
      {"no blank line", good.substr(0, good.find("\n\n"))},
      {"missing lines", "suiji-proof v1 inclusion\nindex 5\nsize 7\n\n" + std::string(kNote)},
      {"index not a number", ReplaceLine(good, 1, "index five")},
      {"index with leading zero", ReplaceLine(good, 1, "index 05")},
      {"index negative", ReplaceLine(good, 1, "index -5")},
      {"index with trailing space", ReplaceLine(good, 1, "index 5 ")},
      {"index too large", ReplaceLine(good, 1, "index 18446744073709551616")},
      {"index empty", ReplaceLine(good, 1, "index ")},
      {"index tag missing", ReplaceLine(good, 1, "5")},
      {"lines swapped", ReplaceLine(ReplaceLine(good, 1, "size 7"), 2, "index 5")},
      {"size not a number", ReplaceLine(good, 2, "size 0x7")},
      {"entry not base64", ReplaceLine(good, 3, "entry !!!notbase64")},
      {"entry tag wrong", ReplaceLine(good, 3, "entries " + ToBase64(Bytes{1, 2}))},
      {"path not 32 bytes", ReplaceLine(good, 4, "path " + ToBase64(Bytes(31, 1)))},
      {"path not base64", ReplaceLine(good, 4, "path ????")},
      {"path tag wrong", ReplaceLine(good, 4, "paths " + hash_b64)},
      {"stray line", ReplaceLine(good, 5, "comment hello")},
      {"tab separator", ReplaceLine(good, 1, "index\t5")},
  };
  // 65 path hashes: one more than any tree of 2^64 leaves needs.
  cases.push_back({"65 path hashes", FormatInclusionProof(SampleInclusion(65))});
  for (const Case& c : cases) {
    auto r = ParseInclusionProof(c.text);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what << ":\n" << c.text;
  }
}

TEST(ProofFormat, MalformedConsistencyLinesAreInvalidArgument) {
  const std::string good = FormatConsistencyProof(SampleConsistency(2));
  ASSERT_TRUE(ParseConsistencyProof(good).ok());
  struct Case {
    const char* what;
    std::string text;
  };
  std::vector<Case> cases = {
      {"no blank line", good.substr(0, good.find("\n\n"))},
      {"missing lines", "suiji-proof v1 consistency\nold-size 3\n\n" + std::string(kNote)},
      {"old-size not a number", ReplaceLine(good, 1, "old-size three")},
      {"old-root not 32 bytes", ReplaceLine(good, 2, "old-root " + ToBase64(Bytes(33, 1)))},
      {"old-root not base64", ReplaceLine(good, 2, "old-root %%%%")},
      {"old-root tag wrong", ReplaceLine(good, 2, "root " + ToBase64(H(1)))},
      {"size not a number", ReplaceLine(good, 3, "size 1e3")},
      {"path not a hash", ReplaceLine(good, 4, "path " + ToBase64(Bytes{1}))},
      {"65 path hashes", FormatConsistencyProof(SampleConsistency(65))},
  };
  for (const Case& c : cases) {
    auto r = ParseConsistencyProof(c.text);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what << ":\n" << c.text;
  }
}

TEST(ProofFormat, AProofOverEightMiBIsInvalidArgument) {
  InclusionProofFile p = SampleInclusion(0);
  p.entry.assign(7u << 20, 0x41);  // base64 grows it past 8 MiB
  std::string text = FormatInclusionProof(p);
  ASSERT_GT(text.size(), 8u << 20);
  EXPECT_EQ(ParseInclusionProof(text).status().code(), StatusCode::kInvalidArgument);
}

TEST(ProofFormat, TheCheckpointNoteIsKeptVerbatimEvenIfItHasBlankLines) {
  InclusionProofFile p = SampleInclusion(1);
  p.checkpoint_note = "a\n\nb\n\n\nc";
  auto back = ParseInclusionProof(FormatInclusionProof(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->checkpoint_note, p.checkpoint_note);
  EXPECT_EQ(back->path, p.path);
}

}  // namespace
}  // namespace suiji
