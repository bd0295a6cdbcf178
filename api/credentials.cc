#include "api/credentials.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "api/identity_service.h"
#include "ledger/core/bytes.h"
#include "ledger/core/envelope.h"
#include "ledger/core/identity/identity.h"
#include "ledger/private_files.h"

namespace suiji {

namespace {

// The "interactive" limits: 2 passes over 64 MiB (api/README.md).
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Status SyncDirectory(const std::filesystem::path& dir) {
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool ok = dfd >= 0 && ::fsync(dfd) == 0;
  const int err = errno;
  if (dfd >= 0) ::close(dfd);
  return ok ? OkStatus() : FileError(err, dir, "cannot sync folder");
}

}  // namespace

Status CheckNewPassword(std::string_view password) {
  if (InvalidUtf8At(password) != std::string_view::npos) {
    return InvalidArgument("密码不是有效的 UTF-8 文本 (the password is not valid UTF-8)");
  }
  if (CodePoints(password) < kMinPasswordChars) {
    return InvalidArgument("密码至少需要 " + std::to_string(kMinPasswordChars) + " 个字符 (a password needs at least " +
                           std::to_string(kMinPasswordChars) + " characters)");
  }
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("密码不能超过 " + std::to_string(kMaxPasswordBytes) + " 字节 (a password is at most " +
                           std::to_string(kMaxPasswordBytes) + " bytes)");
  }
  return OkStatus();
}

StatusOr<std::string> HashPassword(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhausted("argon2id: not enough memory to hash a password (64 MiB)");
  }
  return std::string(out.data());
}

bool PasswordMatches(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

const std::string& DecoyPasswordHash() {
  static const std::string decoy = [] {
    std::array<uint8_t, 24> random{};
    randombytes_buf(random.data(), random.size());
    auto h = HashPassword(ToHex(ByteView(random.data(), random.size())));
    return h.ok() ? *h : std::string();
  }();
  return decoy;
}

CredentialStore::CredentialStore(const std::filesystem::path& data_dir) : dir_(data_dir / "credentials") {}

std::filesystem::path CredentialStore::FileOf(std::string_view user_id) const {
  // Ids are [A-Za-z0-9._@-] (identity::ValidId): with the prefix, "." and ".." are names too.
  return dir_ / ("user-" + std::string(user_id));
}

StatusOr<std::optional<std::string>> CredentialStore::PasswordHash(std::string_view user_id) const {
  if (!identity::ValidId(user_id)) return std::optional<std::string>();
  const std::filesystem::path path = FileOf(user_id);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return FileError(errno, path, "cannot open password file");
  }
  if (Status mode = CheckPrivateFile(fd, path, "the password file"); !mode.ok()) {
    ::close(fd);
    return mode;
  }
  std::string text(crypto_pwhash_STRBYTES + 1, '\0');
  const ssize_t n = ::read(fd, text.data(), text.size());
  const int err = errno;
  ::close(fd);
  if (n < 0) return FileError(err, path, "cannot read password file");
  text.resize(static_cast<size_t>(n));
  if (text.empty() || text.size() >= crypto_pwhash_STRBYTES || !text.starts_with("$argon2id$")) {
    return DataLoss("password file " + path.string() + " holds no argon2id hash");
  }
  return std::optional<std::string>(std::move(text));
}

Status CredentialStore::Stage(std::string_view user_id, std::string_view hash) {
  if (!identity::ValidId(user_id)) return InvalidArgument("user id " + std::string(user_id) + " is not valid");
  SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(dir_));
  std::filesystem::path tmp = FileOf(user_id);
  tmp += ".new";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return FileError(errno, tmp, "cannot remove");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return FileError(errno, tmp, "cannot create password file");
  const bool ok = ::write(fd, hash.data(), hash.size()) == static_cast<ssize_t>(hash.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return FileError(err, tmp, "cannot write password file");
  }
  return OkStatus();
}

Status CredentialStore::Commit(std::string_view user_id) {
  const std::filesystem::path path = FileOf(user_id);
  std::filesystem::path tmp = path;
  tmp += ".new";
  if (::rename(tmp.c_str(), path.c_str()) != 0) return FileError(errno, path, "cannot put password file in place");
  return SyncDirectory(dir_);
}

void CredentialStore::Discard(std::string_view user_id) {
  std::filesystem::path tmp = FileOf(user_id);
  tmp += ".new";
  ::unlink(tmp.c_str());
}

StatusOr<uint64_t> SetPassword(IdentityService& ids, CredentialStore& store, std::string_view user_id,
                               std::string_view password, std::string_view reason, const Actor& actor) {
  SUIJI_RETURN_IF_ERROR(CheckNewPassword(password));
  SUIJI_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  SUIJI_RETURN_IF_ERROR(store.Stage(user_id, hash));
  identity::CredentialSetRecord c{std::string(user_id), "password", std::string(reason)};
  StatusOr<uint64_t> seq = ids.RecordCredentialSet(c, actor);
  if (!seq.ok()) {
    store.Discard(user_id);
    return seq.status();
  }
  // The event is appended: the hash goes in force. If this fails the log says a password was
  // set while the old one is still in force; the error says so and setting it again repairs it.
  if (Status s = store.Commit(user_id); !s.ok()) {
    store.Discard(user_id);
    return Status(s.code(), "CredentialSet was appended at sequence " + std::to_string(*seq) +
                                " but the new password could not be put in force (the old one still is; set it again): " +
                                s.message());
  }
  return seq;
}

}  // namespace suiji
