#include "ledger/core/checkpoint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/core/ed25519.h"
#include "ledger/core/sha256.h"
#include "ledger/core/status.h"

namespace suiji {
namespace {

// ---- Cross-implementation vectors -----------------------------------------------------------
// From golang.org/x/mod/sumdb/note (note.go package docs and note_test.go), byte for byte.
constexpr std::string_view kPeterVkey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kPeterSkey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kEnochVkey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kPeterText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
    "\n";
constexpr std::string_view kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="
    "\n";

// The Go toolchain's checksum database key (golang/go src/cmd/go/internal/modfetch/key.go) and
// a checkpoint it signed, as served by sum.golang.org: a production checkpoint in the C2SP format.
constexpr std::string_view kSumdbVkey =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
constexpr std::string_view kSumdbNote =
    "go.sum database tree\n"
    "63512409\n"
    "F7eHRPqN/cqPtqti14NKdGGaI1Giw8coWP3KxihFZbg=\n"
    "\n"
    "\xE2\x80\x94 sum.golang.org "
    "Az3gri1OBHKT87Xj8UXU8zjoHGy/X+7Nl94f8TZkELVaasolmGApUsWqwVG9vE6hgqYb/ph/w2vdkLIVRH7bMB/FPQ4="
    "\n";

// The example of c2sp.org/tlog-checkpoint (its signature is illustrative: no key is published).
constexpr std::string_view kC2spCheckpointNote =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8="
    "\n";

// The example of c2sp.org/signed-note: its text contains a blank line of its own.
constexpr std::string_view kC2spNoteText =
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed \xC3\xA8 subito sera.\n";
constexpr std::string_view kC2spNoteSig =
    "\xE2\x80\x94 quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc="
    "\n";

// ---- Helpers ---------------------------------------------------------------------------------

std::string Str(std::string_view s) { return std::string(s); }

// Replaces the first occurrence of `from` in `s` by `to`; the test fails if there is none.
std::string ReplaceFirst(std::string s, std::string_view from, std::string_view to) {
  const size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << "no '" << from << "' in " << s;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

Hash RootFromBase64(std::string_view b64) {
  Hash h{};
  StatusOr<Bytes> raw = FromBase64(b64);
  EXPECT_TRUE(raw.ok());
  if (raw.ok() && raw->size() == h.size()) std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

Hash PatternRoot(uint8_t start) {
  Hash h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(start + i);
  return h;
}

PublicKey PeterKey() {
  StatusOr<VerifierKey> vk = ParseVerifierKey(kPeterVkey);
  EXPECT_TRUE(vk.ok()) << vk.status().ToString();
  return vk.ok() ? vk->public_key : PublicKey{};
}

PublicKey EnochKey() {
  StatusOr<VerifierKey> vk = ParseVerifierKey(kEnochVkey);
  EXPECT_TRUE(vk.ok()) << vk.status().ToString();
  return vk.ok() ? vk->public_key : PublicKey{};
}

// Splits Go's "PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>" (the base64 may hold '+').
struct GoSignerKey {
  std::string name;
  std::string hash_hex;
  Bytes seed;
};
GoSignerKey ParseGoSignerKey(std::string_view skey) {
  std::vector<std::string_view> parts;
  for (int i = 0; i < 4; ++i) {
    const size_t plus = skey.find('+');
    EXPECT_NE(plus, std::string_view::npos);
    parts.push_back(skey.substr(0, plus));
    skey.remove_prefix(plus + 1);
  }
  EXPECT_EQ(parts[0], "PRIVATE");
  EXPECT_EQ(parts[1], "KEY");
  StatusOr<Bytes> key = FromBase64(skey);
  EXPECT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 33u);
  EXPECT_EQ((*key)[0], 0x01) << "algorithm byte must be Ed25519";
  return {Str(parts[2]), Str(parts[3]), Bytes(key->begin() + 1, key->end())};
}

std::string HashHex(uint32_t h) {
  uint8_t be[4];
  PutU32BE(h, be);
  return ToHex(ByteView(be, 4));
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override { InitCrypto(); }
};

// ---- Checkpoint body ------------------------------------------------------------------------

TEST_F(CheckpointTest, FormatIsExactAndRoundTrips) {
  Checkpoint cp;
  cp.origin = "example.com/suiji/log";
  cp.size = 1234;
  cp.root = PatternRoot(0);
  const std::string body = FormatCheckpoint(cp);
  EXPECT_EQ(body, "example.com/suiji/log\n1234\n" + ToBase64(cp.root) + "\n");
  EXPECT_EQ(body, "example.com/suiji/log\n1234\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");

  StatusOr<Checkpoint> parsed = ParseCheckpoint(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->origin, cp.origin);
  EXPECT_EQ(parsed->size, cp.size);
  EXPECT_EQ(parsed->root, cp.root);
  EXPECT_TRUE(parsed->extensions.empty());
}

TEST_F(CheckpointTest, ExtensionsRoundTrip) {
  Checkpoint cp;
  cp.origin = "o";
  cp.size = 7;
  cp.root = PatternRoot(100);
  cp.extensions = {"timestamp 1700000000", "\xE2\x80\x94 not a signature here"};
  const std::string body = FormatCheckpoint(cp);
  EXPECT_EQ(body, "o\n7\n" + ToBase64(cp.root) +
                      "\ntimestamp 1700000000\n\xE2\x80\x94 not a signature here\n");
  StatusOr<Checkpoint> parsed = ParseCheckpoint(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->extensions, cp.extensions);
  EXPECT_EQ(FormatCheckpoint(*parsed), body);
}

TEST_F(CheckpointTest, TreeSizeBoundaries) {
  const std::string root = "\n" + ToBase64(PatternRoot(0)) + "\n";
  StatusOr<Checkpoint> zero = ParseCheckpoint("log\n0" + root);
  ASSERT_TRUE(zero.ok()) << zero.status().ToString();
  EXPECT_EQ(zero->size, 0u);

  StatusOr<Checkpoint> max = ParseCheckpoint("log\n18446744073709551615" + root);
  ASSERT_TRUE(max.ok()) << max.status().ToString();
  EXPECT_EQ(max->size, UINT64_MAX);
  EXPECT_EQ(FormatCheckpoint(*max), "log\n18446744073709551615" + root);

  StatusOr<Checkpoint> over = ParseCheckpoint("log\n18446744073709551616" + root);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(over.status().message().find("64 bits"), std::string::npos);
}

TEST_F(CheckpointTest, ParsesC2spSpecExample) {
  StatusOr<SignedNote> note = ParseNote(kC2spCheckpointNote);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_name, "example.com/behind-the-sofa");
  EXPECT_EQ(note->signatures[0].key_hash, 0x033de0aeu);
  EXPECT_EQ(note->signatures[0].signature.size(), 64u);

  StatusOr<Checkpoint> cp = ParseCheckpoint(note->text);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(ToHex(cp->root), "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62");
  EXPECT_TRUE(cp->extensions.empty());
  EXPECT_EQ(FormatCheckpoint(*cp), note->text);
}

TEST_F(CheckpointTest, VerifiesProductionSumGolangOrgCheckpoint) {
  StatusOr<VerifierKey> vk = ParseVerifierKey(kSumdbVkey);
  ASSERT_TRUE(vk.ok()) << vk.status().ToString();
  EXPECT_EQ(vk->name, "sum.golang.org");
  EXPECT_EQ(NoteKeyHash(vk->name, vk->public_key), 0x033de0aeu);
  EXPECT_EQ(VerifierKeyString(vk->name, vk->public_key), kSumdbVkey);

  StatusOr<SignedNote> note = ParseNote(kSumdbNote);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  Status st = VerifyNote(*note, vk->name, vk->public_key);
  EXPECT_TRUE(st.ok()) << st.ToString();

  StatusOr<Checkpoint> cp = ParseCheckpoint(note->text);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "go.sum database tree");
  EXPECT_EQ(cp->size, 63512409u);
  EXPECT_EQ(cp->root, RootFromBase64("F7eHRPqN/cqPtqti14NKdGGaI1Giw8coWP3KxihFZbg="));

  // One digit of the tree size changed: the same signature must no longer verify.
  StatusOr<SignedNote> forged = ParseNote(ReplaceFirst(Str(kSumdbNote), "63512409", "63512408"));
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(VerifyNote(*forged, vk->name, vk->public_key).code(), StatusCode::kDataLoss);
}

struct BadBody {
  std::string body;
  std::string want_in_message;
};

TEST_F(CheckpointTest, RejectsMalformedBodies) {
  const std::string root = ToBase64(PatternRoot(0));
  const std::vector<BadBody> cases = {
      {"", "empty"},
      {"\n5\n" + root + "\n", "line 1 (origin)"},
      {"log\n", "1 line"},
      {"log\n5\n", "2 line"},
      {"log\n\n" + root + "\n", "line 2 (tree size): empty"},
      {"log\n01\n" + root + "\n", "leading zero"},
      {"log\n00\n" + root + "\n", "leading zero"},
      {"log\n-1\n" + root + "\n", "sign"},
      {"log\n+1\n" + root + "\n", "sign"},
      {"log\nten\n" + root + "\n", "not a decimal"},
      {"log\n1a\n" + root + "\n", "not a decimal"},
      {"log\n 1\n" + root + "\n", "not a decimal"},
      {"log\n1.0\n" + root + "\n", "not a decimal"},
      {"log\n0x10\n" + root + "\n", "not a decimal"},
      {"log\n5\n\n", "line 3 (root hash): 0 bytes"},
      {"log\n5\n!!!!" + root.substr(4) + "\n", "line 3 (root hash): not valid base64"},
      {"log\n5\n" + root.substr(0, 43) + "\n", "not valid base64"},  // padding dropped
      {"log\n5\n" + ToBase64(Bytes(31, 7)) + "\n", "31 bytes, want 32"},
      {"log\n5\n" + ToBase64(Bytes(33, 7)) + "\n", "33 bytes, want 32"},
      {"log\n5\n" + root, "does not end in a newline"},
      {"log\n5\n" + root + "\next", "does not end in a newline"},
      {"log\n5\n" + root + "\n\n", "line 4 (extension): empty"},
      {"log\n5\n" + root + "\next\n\nmore\n", "line 5 (extension): empty"},
      {"log\r\n5\n" + root + "\n", "line 1: contains control character"},
      {"l\xFFg\n5\n" + root + "\n", "line 1: not valid UTF-8"},
  };
  for (const BadBody& c : cases) {
    StatusOr<Checkpoint> cp = ParseCheckpoint(c.body);
    ASSERT_FALSE(cp.ok()) << "accepted: " << c.body;
    EXPECT_EQ(cp.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(cp.status().message().find(c.want_in_message), std::string::npos)
        << "body " << c.body << " gave '" << cp.status().message() << "', want '"
        << c.want_in_message << "'";
  }
}

TEST_F(CheckpointTest, RejectsOversizedBody) {
  const std::string body =
      "log\n5\n" + ToBase64(PatternRoot(0)) + "\n" + std::string(1 << 20, 'x') + "\n";
  StatusOr<Checkpoint> cp = ParseCheckpoint(body);
  ASSERT_FALSE(cp.ok());
  EXPECT_EQ(cp.status().code(), StatusCode::kResourceExhausted);
}

using CheckpointDeathTest = CheckpointTest;

TEST_F(CheckpointDeathTest, FormatAssertsOnUnparseableFields) {
  Checkpoint cp;
  cp.root = PatternRoot(0);
  EXPECT_DEATH((void)FormatCheckpoint(cp), "origin is empty");
  cp.origin = "two\nlines";
  EXPECT_DEATH((void)FormatCheckpoint(cp), "origin contains a newline");
  cp.origin = "log";
  cp.extensions = {""};
  EXPECT_DEATH((void)FormatCheckpoint(cp), "extension line is empty");
}

// ---- Verifier keys ---------------------------------------------------------------------------

TEST_F(CheckpointTest, ParsesGoVerifierKeys) {
  StatusOr<VerifierKey> peter = ParseVerifierKey(kPeterVkey);
  ASSERT_TRUE(peter.ok()) << peter.status().ToString();
  EXPECT_EQ(peter->name, "PeterNeumann");
  EXPECT_EQ(ToHex(peter->public_key),
            "1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6");
  EXPECT_EQ(NoteKeyHash("PeterNeumann", peter->public_key), 0xc74f20a3u);
  EXPECT_EQ(VerifierKeyString("PeterNeumann", peter->public_key), kPeterVkey);

  StatusOr<VerifierKey> enoch = ParseVerifierKey(kEnochVkey);
  ASSERT_TRUE(enoch.ok()) << enoch.status().ToString();
  EXPECT_EQ(enoch->name, "EnochRoot");
  EXPECT_EQ(NoteKeyHash("EnochRoot", enoch->public_key), 0xaf0cfe78u);
  EXPECT_EQ(VerifierKeyString("EnochRoot", enoch->public_key), kEnochVkey);

  // The key hash binds the name: the same key under another name hashes differently.
  EXPECT_NE(NoteKeyHash("PeterNeuman", peter->public_key), 0xc74f20a3u);
}

TEST_F(CheckpointTest, RejectsEveryManglingOfAVerifierKey) {
  // As golang.org/x/mod/sumdb/note TestNewVerifier: every proper substring and every
  // single-character increment must be refused.
  std::string b = Str(kPeterVkey);
  for (size_t i = 0; i <= b.size(); ++i) {
    for (size_t j = i + 1; j <= b.size(); ++j) {
      if (i == 0 && j == b.size()) continue;
      StatusOr<VerifierKey> vk = ParseVerifierKey(b.substr(i, j - i));
      EXPECT_FALSE(vk.ok()) << "accepted substring " << b.substr(i, j - i);
      if (!vk.ok()) {
        EXPECT_EQ(vk.status().code(), StatusCode::kInvalidArgument);
      }
    }
  }
  for (size_t i = 0; i < b.size(); ++i) {
    b[i] = static_cast<char>(b[i] + 1);
    EXPECT_FALSE(ParseVerifierKey(b).ok()) << "accepted " << b;
    b[i] = static_cast<char>(b[i] - 1);
  }
}

TEST_F(CheckpointTest, RejectsGoBadVerifierKeys) {
  // Go's two vectors: wrong key length, and an unknown algorithm byte, each with a key hash
  // adjusted to match. ("...BADKEY==" has non-zero padding bits, which Go's lenient decoder
  // ignores; our strict base64 refuses it before the length check.)
  StatusOr<VerifierKey> go_long_key = ParseVerifierKey(
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==");
  ASSERT_FALSE(go_long_key.ok());
  EXPECT_EQ(go_long_key.status().code(), StatusCode::kInvalidArgument);

  // A canonically encoded 33-byte Ed25519 key whose key hash matches reaches the length check.
  Bytes long_key_bytes = {0x01};
  for (uint8_t i = 0; i < 33; ++i) long_key_bytes.push_back(i);
  const Hash h = Sha256Parts({AsBytes("PeterNeumann\n"), ByteView(long_key_bytes)});
  StatusOr<VerifierKey> long_key = ParseVerifierKey(
      "PeterNeumann+" + ToHex(ByteView(h.data(), 4)) + "+" + ToBase64(long_key_bytes));
  ASSERT_FALSE(long_key.ok());
  EXPECT_EQ(long_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(long_key.status().message().find("33 bytes, want 32"), std::string::npos)
      << long_key.status().message();

  StatusOr<VerifierKey> bad_alg =
      ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_FALSE(bad_alg.ok());
  EXPECT_NE(bad_alg.status().message().find("unknown algorithm"), std::string::npos)
      << bad_alg.status().message();

  StatusOr<VerifierKey> bad_hash =
      ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_FALSE(bad_hash.ok());
  EXPECT_NE(bad_hash.status().message().find("does not match"), std::string::npos);

  // Names with a Unicode space (here U+3000) are not key names.
  EXPECT_FALSE(ParseVerifierKey("Peter\xE3\x80\x80Neumann+c74f20a3+"
                                "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                   .ok());
  EXPECT_FALSE(ParseVerifierKey("").ok());
  EXPECT_FALSE(ParseVerifierKey("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
}

TEST_F(CheckpointTest, VerifierKeyStringRoundTripsGeneratedKeys) {
  KeyPair kp = KeyPair::Generate();
  const std::string vkey = VerifierKeyString("example.com/suiji", kp.public_key());
  StatusOr<VerifierKey> vk = ParseVerifierKey(vkey);
  ASSERT_TRUE(vk.ok()) << vk.status().ToString() << " for " << vkey;
  EXPECT_EQ(vk->name, "example.com/suiji");
  EXPECT_EQ(vk->public_key, kp.public_key());
  EXPECT_EQ(vkey.substr(18, 8), HashHex(NoteKeyHash("example.com/suiji", kp.public_key())));
}

// ---- Signed notes: Go vectors ----------------------------------------------------------------

TEST_F(CheckpointTest, SignReproducesGoSignedNote) {
  const GoSignerKey skey = ParseGoSignerKey(kPeterSkey);
  EXPECT_EQ(skey.name, "PeterNeumann");
  EXPECT_EQ(skey.hash_hex, "c74f20a3");
  StatusOr<KeyPair> kp = KeyPair::FromSeed(skey.seed);
  ASSERT_TRUE(kp.ok()) << kp.status().ToString();
  EXPECT_EQ(kp->public_key(), PeterKey());
  EXPECT_EQ(HashHex(NoteKeyHash(skey.name, kp->public_key())), skey.hash_hex);

  // Ed25519 is deterministic, so the note must match Go's TestSign output byte for byte.
  EXPECT_EQ(SignNote(kPeterText, skey.name, *kp), Str(kPeterText) + "\n" + Str(kPeterSig));
}

TEST_F(CheckpointTest, VerifiesGoSignedNote) {
  StatusOr<SignedNote> note = ParseNote(Str(kPeterText) + "\n" + Str(kPeterSig));
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, kPeterText);
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_name, "PeterNeumann");
  EXPECT_EQ(note->signatures[0].key_hash, 0xc74f20a3u);
  EXPECT_EQ(note->signatures[0].signature.size(), 64u);

  Status st = VerifyNote(*note, "PeterNeumann", PeterKey());
  EXPECT_TRUE(st.ok()) << st.ToString();
  // A known key that did not sign: not found, not a failure.
  EXPECT_EQ(VerifyNote(*note, "EnochRoot", EnochKey()).code(), StatusCode::kNotFound);
  // Peter's key under another name has another key hash, so it matches no line either.
  EXPECT_EQ(VerifyNote(*note, "PeterNeuman", PeterKey()).code(), StatusCode::kNotFound);
}

TEST_F(CheckpointTest, TamperedGoNotesFail) {
  const std::string good = Str(kPeterText) + "\n" + Str(kPeterSig);
  const PublicKey pk = PeterKey();

  // The text changed after signing.
  StatusOr<SignedNote> text = ParseNote(ReplaceFirst(good, "cryptography", "cryptogrophy"));
  ASSERT_TRUE(text.ok());
  Status st = VerifyNote(*text, "PeterNeumann", pk);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_EQ(st.message(), "invalid signature for key PeterNeumann+c74f20a3");

  // One byte of the signature changed.
  StatusOr<SignedNote> sig = ParseNote(good);
  ASSERT_TRUE(sig.ok());
  sig->signatures[0].signature[10] ^= 0x01;
  EXPECT_EQ(VerifyNote(*sig, "PeterNeumann", pk).code(), StatusCode::kDataLoss);

  // One character of the base64 changed (a signature byte, past the key hash).
  StatusOr<SignedNote> b64 =
      ParseNote(ReplaceFirst(good, "ZInNIuGUgYN1", "ZInNIuGUgYN2"));
  ASSERT_TRUE(b64.ok());
  EXPECT_EQ(VerifyNote(*b64, "PeterNeumann", pk).code(), StatusCode::kDataLoss);

  // Go's "invalid signature" case: four characters spliced in, the line still decodes.
  StatusOr<SignedNote> spliced = ParseNote(good.substr(0, kPeterText.size() + 1 + 60) + "ABCD" +
                                           good.substr(kPeterText.size() + 1 + 60));
  ASSERT_TRUE(spliced.ok()) << spliced.status().ToString();
  EXPECT_EQ(VerifyNote(*spliced, "PeterNeumann", pk).code(), StatusCode::kDataLoss);

  // The key hash changed (Go's "wrongHash"): the line names another key, so ours is absent.
  StatusOr<SignedNote> hash = ParseNote(ReplaceFirst(good, "x08g", "xxxx"));
  ASSERT_TRUE(hash.ok());
  EXPECT_NE(hash->signatures[0].key_hash, 0xc74f20a3u);
  st = VerifyNote(*hash, "PeterNeumann", pk);
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(st.message(), "note has no signature by key PeterNeumann+c74f20a3");

  // The key name changed (Go's "misnamedSig").
  StatusOr<SignedNote> name = ParseNote(ReplaceFirst(good, "PeterNeumann", "CarmenSandiego"));
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(VerifyNote(*name, "PeterNeumann", pk).code(), StatusCode::kNotFound);
}

TEST_F(CheckpointTest, SeveralSignaturesOneOfThemOurs) {
  const std::string both =
      Str(kPeterText) + "\n" + Str(kEnochSig) + Str(kC2spNoteSig) + Str(kPeterSig);
  StatusOr<SignedNote> note = ParseNote(both);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  ASSERT_EQ(note->signatures.size(), 3u);
  EXPECT_EQ(note->signatures[0].key_name, "EnochRoot");
  EXPECT_EQ(note->signatures[0].key_hash, 0xaf0cfe78u);
  EXPECT_EQ(note->signatures[1].key_name, "quasimodo.example/salvatore");
  EXPECT_EQ(note->signatures[2].key_name, "PeterNeumann");

  Status st = VerifyNote(*note, "PeterNeumann", PeterKey());
  EXPECT_TRUE(st.ok()) << st.ToString();
  st = VerifyNote(*note, "EnochRoot", EnochKey());
  EXPECT_TRUE(st.ok()) << st.ToString();
  KeyPair stranger = KeyPair::Generate();
  EXPECT_EQ(VerifyNote(*note, "example.com/stranger", stranger.public_key()).code(),
            StatusCode::kNotFound);

  // Duplicated identical signature lines are accepted (as Go does).
  StatusOr<SignedNote> dup = ParseNote(Str(kPeterText) + "\n" + Str(kPeterSig) + Str(kPeterSig));
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(VerifyNote(*dup, "PeterNeumann", PeterKey()).ok());
}

TEST_F(CheckpointTest, BadSignatureFromOurKeyRejectsNoteEvenBesideAGoodOne) {
  // C2SP: a signature whose name and key hash match a known key MUST be verified, and a failure
  // rejects the note. Here Peter's good line is followed by a corrupted one.
  const std::string corrupted = ReplaceFirst(Str(kPeterSig), "ZInNIuGUgYN1", "ZInNIuGUgYN2");
  StatusOr<SignedNote> note = ParseNote(Str(kPeterText) + "\n" + Str(kPeterSig) + corrupted);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(VerifyNote(*note, "PeterNeumann", PeterKey()).code(), StatusCode::kDataLoss);
}

TEST_F(CheckpointTest, RejectsGoMalformedNotes) {
  // The badMsgs of golang.org/x/mod/sumdb/note TestOpen, each "malformed note" there.
  const std::string text = Str(kPeterText);
  const std::string sig = Str(kPeterSig);
  const std::vector<std::string> bad = {
      text,
      text + "\n",
      text + "\n" + sig.substr(0, sig.size() - 1),
      "\x01" + text + "\n" + sig,
      "\xff" + text + "\n" + sig,
      text + "\n" + "\xE2\x80\x94 Bad Name " + Str(kPeterSig).substr(17, 92),
      text + "\n" + sig + "Unexpected line.\n",
  };
  for (const std::string& msg : bad) {
    StatusOr<SignedNote> note = ParseNote(msg);
    ASSERT_FALSE(note.ok()) << "accepted:\n" << msg;
    EXPECT_EQ(note.status().code(), StatusCode::kInvalidArgument) << msg;
  }
}

// ---- Signed notes: our own malformed inputs --------------------------------------------------

struct BadNote {
  std::string note;
  std::string want_in_message;
};

TEST_F(CheckpointTest, RejectsMalformedNotesNamingTheProblem) {
  const std::string text = Str(kPeterText);
  // The base64 of Peter's signature line: after "— PeterNeumann " (17 bytes), before "\n".
  const std::string b64 = Str(kPeterSig).substr(17, kPeterSig.size() - 18);
  ASSERT_EQ(b64.size(), 92u);
  ASSERT_EQ(b64.substr(0, 4), "x08g");
  ASSERT_EQ(b64.substr(87), "JnAM=");
  const std::vector<BadNote> cases = {
      {text + Str(kPeterSig), "no blank line"},
      {text + "\n", "no signature lines"},
      {text + "\n- PeterNeumann " + b64 + "\n",
       "line 4: signature line does not start with an em dash"},
      {text + "\n\xE2\x80\x94PeterNeumann " + b64 + "\n",
       "does not start with an em dash and a space"},
      {text + "\n\xE2\x80\x93 PeterNeumann " + b64 + "\n", "em dash"},  // U+2013 EN DASH
      {text + "\n\xE2\x80\x94 PeterNeumann\n", "no space after the key name"},
      {text + "\n\xE2\x80\x94  " + b64 + "\n", "invalid key name"},
      {text + "\n\xE2\x80\x94 Peter+Neumann " + b64 + "\n", "invalid key name"},
      {text + "\n\xE2\x80\x94 Peter\xC2\xA0Neumann " + b64 + "\n", "invalid key name"},  // NBSP
      {text + "\n\xE2\x80\x94 PeterNeumann \n", "empty signature"},
      {text + "\n\xE2\x80\x94 PeterNeumann x08go/ZJ!!!\n", "not valid base64"},
      {text + "\n\xE2\x80\x94 PeterNeumann " + b64.substr(0, b64.size() - 1) + "\n",
       "not valid base64"},
      // Non-zero padding bits: Go's lenient decoder takes this, we keep one encoding per value.
      {text + "\n\xE2\x80\x94 PeterNeumann x08go/Z=\n", "not valid base64"},
      {text + "\n\xE2\x80\x94 PeterNeumann x08gow==\n", "4 bytes, too short"},
      {text + "\n\xE2\x80\x94 PeterNeumann AAAA\n", "3 bytes, too short"},
      {text + "\n" + Str(kPeterSig) + "\n", "no signature lines"},  // trailing blank line
      {text + "\n" + Str(kPeterSig) + "\xE2\x80\x94 PeterNeumann " + b64, "line 5: last"},
      {"tab\there\n\n" + Str(kPeterSig), "line 1: contains control character 9"},
      {text + "\n" + ReplaceFirst(Str(kPeterSig), "Peter", "Pe\xC0\xAFter"),
       "line 4: not valid UTF-8"},  // an overlong '/'
  };
  for (const BadNote& c : cases) {
    StatusOr<SignedNote> note = ParseNote(c.note);
    ASSERT_FALSE(note.ok()) << "accepted:\n" << c.note;
    EXPECT_EQ(note.status().code(), StatusCode::kInvalidArgument) << c.note;
    EXPECT_NE(note.status().message().find(c.want_in_message), std::string::npos)
        << "note:\n" << c.note << "gave '" << note.status().message() << "', want '"
        << c.want_in_message << "'";
  }
}

TEST_F(CheckpointTest, ShortSignatureFromOurKeyIsDataLoss) {
  // Five decoded bytes parse (key hash + 1 byte, as in Go, since other algorithms have other
  // sizes), but for an Ed25519 key anything but 64 signature bytes is a bad signature.
  const std::string short_sig = "\xE2\x80\x94 PeterNeumann x08go/ZJ\n";
  StatusOr<SignedNote> note = ParseNote(Str(kPeterText) + "\n" + short_sig);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_hash, 0xc74f20a3u);
  EXPECT_EQ(note->signatures[0].signature.size(), 2u);
  Status st = VerifyNote(*note, "PeterNeumann", PeterKey());
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_NE(st.message().find("2 bytes, want 64"), std::string::npos) << st.message();
}

TEST_F(CheckpointTest, SignatureCountAndSizeLimits) {
  std::string sigs;
  for (int i = 0; i < 100; ++i) sigs += kPeterSig;
  StatusOr<SignedNote> hundred = ParseNote(Str(kPeterText) + "\n" + sigs);
  ASSERT_TRUE(hundred.ok()) << hundred.status().ToString();
  EXPECT_EQ(hundred->signatures.size(), 100u);
  EXPECT_TRUE(VerifyNote(*hundred, "PeterNeumann", PeterKey()).ok());

  StatusOr<SignedNote> too_many = ParseNote(Str(kPeterText) + "\n" + sigs + Str(kPeterSig));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), StatusCode::kResourceExhausted);

  const std::string huge = std::string(1 << 20, 'a') + "\n\n" + Str(kPeterSig);
  StatusOr<SignedNote> big = ParseNote(huge);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
}

TEST_F(CheckpointTest, TextMayContainBlankLinesC2spExample) {
  StatusOr<SignedNote> note = ParseNote(Str(kC2spNoteText) + "\n" + Str(kC2spNoteSig));
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, kC2spNoteText);  // split at the last blank line, not the first
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_name, "quasimodo.example/salvatore");
  EXPECT_EQ(note->signatures[0].key_hash, 0x367ba04bu);
  EXPECT_EQ(ToHex(note->signatures[0].signature).substr(0, 16), "34e3b5501ec084be");
}

// ---- Signing and verifying our own notes -----------------------------------------------------

TEST_F(CheckpointTest, SignedCheckpointRoundTrip) {
  KeyPair log_key = KeyPair::Generate();
  KeyPair witness_key = KeyPair::Generate();
  Checkpoint cp;
  cp.origin = "example.com/suiji/log";
  cp.size = 42;
  cp.root = PatternRoot(9);
  const std::string body = FormatCheckpoint(cp);

  // A cosigned note: the witness line is appended after the log's own.
  const std::string log_note = SignNote(body, cp.origin, log_key);
  const std::string witness_note = SignNote(body, "witness.example", witness_key);
  const std::string witness_line = witness_note.substr(body.size() + 1);
  ASSERT_EQ(witness_line.substr(0, 5), "\xE2\x80\x94 w");
  const std::string cosigned = log_note + witness_line;

  StatusOr<SignedNote> note = ParseNote(cosigned);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, body);
  ASSERT_EQ(note->signatures.size(), 2u);
  EXPECT_EQ(note->signatures[0].key_hash, NoteKeyHash(cp.origin, log_key.public_key()));
  EXPECT_TRUE(VerifyNote(*note, cp.origin, log_key.public_key()).ok());
  EXPECT_TRUE(VerifyNote(*note, "witness.example", witness_key.public_key()).ok());
  // The witness key under the log's name: neither name+hash pair matches.
  EXPECT_EQ(VerifyNote(*note, cp.origin, witness_key.public_key()).code(), StatusCode::kNotFound);

  StatusOr<Checkpoint> parsed = ParseCheckpoint(note->text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->origin, cp.origin);
  EXPECT_EQ(parsed->size, cp.size);
  EXPECT_EQ(parsed->root, cp.root);
}

TEST_F(CheckpointTest, SignNoteTextEndingInBlankLineStillParses) {
  // The separator is the last "\n\n", so a text that itself ends in a blank line survives.
  KeyPair kp = KeyPair::Generate();
  StatusOr<SignedNote> note = ParseNote(SignNote("a\n\n", "k", kp));
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, "a\n\n");
  EXPECT_TRUE(VerifyNote(*note, "k", kp.public_key()).ok());
}

TEST_F(CheckpointDeathTest, SignNoteAssertsOnUnparseableInput) {
  KeyPair kp = KeyPair::Generate();
  EXPECT_DEATH((void)SignNote("no newline", "k", kp), "does not end in a newline");
  EXPECT_DEATH((void)SignNote("", "k", kp), "does not end in a newline");
  EXPECT_DEATH((void)SignNote("bell\a\n", "k", kp), "control character");
  EXPECT_DEATH((void)SignNote("x\n", "", kp), "key name");
  EXPECT_DEATH((void)SignNote("x\n", "a b", kp), "key name");
  EXPECT_DEATH((void)SignNote("x\n", "a+b", kp), "key name");
  EXPECT_DEATH((void)VerifierKeyString("a+b", kp.public_key()), "key name");
}

}  // namespace
}  // namespace suiji
