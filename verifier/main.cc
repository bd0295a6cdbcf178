// suiji-verify: checks a Suiji ledger export, a live data directory, or a proof file.
//
// Exit codes: 0 everything holds; 1 a check failed (the report names the first bad sequence
// and what was wrong); 2 usage error or input that cannot be read.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "verifier/log_verifier.h"
#include "verifier/proof_check.h"

namespace {

using suiji::ByteView;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// A read-only memory map of a whole file (an export can be gigabytes).
class MappedFile {
 public:
  bool Open(const std::string& path, std::string* err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *err = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data_ == MAP_FAILED) {
        data_ = nullptr;
        ::close(fd);
        *err = "cannot map " + path;
        return false;
      }
    }
    ::close(fd);
    return true;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  ByteView bytes() const { return {static_cast<const uint8_t*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

bool ReadText(const std::string& path, std::string* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = "cannot read " + path;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Runs `suiji log export --data DIR --out -` and collects its output. The verifier links no
// storage code; the exporter only copies stored bytes, which are then checked like a file.
bool ExportFromData(const std::string& suiji, const std::string& dir, std::string* out,
                    std::string* err) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) {
    *err = "pipe failed";
    return false;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    ::execl(suiji.c_str(), suiji.c_str(), "log", "export", "--data", dir.c_str(), "--out", "-",
            static_cast<char*>(nullptr));
    std::fprintf(stderr, "suiji-verify: cannot run %s: %s\n", suiji.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  ::close(pipefd[1]);
  char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out->append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *err = "`" + suiji + " log export --data " + dir + "` failed";
    return false;
  }
  return true;
}

std::string SuijiNextToUs() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto sibling = self.parent_path() / "suiji";
    if (std::filesystem::exists(sibling)) return sibling.string();
    auto api = self.parent_path().parent_path() / "api" / "suiji";  // build tree layout
    if (std::filesystem::exists(api)) return api.string();
  }
  return "suiji";
}

int PrintReport(const suiji::VerifyReport& r, bool json, double seconds) {
  if (json) {
    nlohmann::json j;
    j["ok"] = r.ok();
    j["ledger"] = r.ledger_id;
    j["entries"] = r.entries;
    j["checkpoints"] = r.checkpoints;
    j["latest_checkpoint_size"] = r.latest_checkpoint_size;
    j["uncovered_entries"] = r.uncovered_entries;
    j["root"] = suiji::ToHex(r.root);
    j["threads"] = r.threads;
    j["seconds"] = seconds;
    j["event_counts"] = r.event_counts;
    j["warnings"] = r.warnings;
    auto keys = nlohmann::json::array();
    for (const auto& k : r.keys) {
      nlohmann::json kj{{"key_id", k.key_id},
                        {"roles", suiji::RoleNames(k.roles)},
                        {"label", k.label},
                        {"registered_at", k.registered_at}};
      kj["revoked_at"] = k.revoked_at ? nlohmann::json(*k.revoked_at) : nlohmann::json(nullptr);
      keys.push_back(kj);
    }
    j["keys"] = keys;
    if (r.problem) {
      j["problem"] = {{"what", r.problem->what}};
      j["problem"]["sequence"] =
          r.problem->sequence ? nlohmann::json(*r.problem->sequence) : nlohmann::json(nullptr);
      j["problem"]["checkpoint_size"] = r.problem->checkpoint_size
                                            ? nlohmann::json(*r.problem->checkpoint_size)
                                            : nlohmann::json(nullptr);
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "ledger:        " << r.ledger_id << "\n"
              << "entries:       " << r.entries << "\n"
              << "checkpoints:   " << r.checkpoints << " (latest covers " << r.latest_checkpoint_size
              << " entries)\n"
              << "merkle root:   " << suiji::ToHex(r.root) << "\n"
              << "keys:\n";
    for (const auto& k : r.keys) {
      std::cout << "  " << k.key_id << "  " << suiji::RoleNames(k.roles) << "  registered at "
                << k.registered_at;
      if (k.revoked_at) std::cout << ", revoked at " << *k.revoked_at;
      std::cout << "  (" << k.label << ")\n";
    }
    std::cout << "events:\n";
    for (const auto& [type, n] : r.event_counts) std::cout << "  " << type << ": " << n << "\n";
    for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
    std::cout << "checked in " << seconds << " s on " << r.threads << " threads\n";
    if (r.problem) {
      std::cout << "FAILED";
      if (r.problem->sequence) std::cout << " at sequence " << *r.problem->sequence;
      std::cout << ": " << r.problem->what << "\n";
    } else {
      std::cout << "OK: every signature, the hash chain, sequence continuity, every checkpoint "
                   "root and signature, and checkpoint consistency hold\n";
    }
  }
  return r.ok() ? kExitOk : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  CLI::App app{
      "suiji-verify: checks a Suiji ledger with nothing but its bytes.\n"
      "  suiji-verify EXPORT_FILE          check an export made by `suiji log export`\n"
      "  suiji-verify --data DIR           check a live data directory (via `suiji log export`)\n"
      "  suiji-verify proof FILE --key K   check an inclusion or consistency proof\n"
      "Exit codes: 0 all checks hold, 1 a check failed, 2 usage or unreadable input."};
  std::string file, data_dir, suiji_bin, root_key;
  std::vector<std::string> trusted;
  bool json = false;
  unsigned threads = 0;
  app.add_option("file", file, "export file to verify");
  app.add_option("--data", data_dir, "data directory of a ledger to verify");
  app.add_option("--suiji", suiji_bin, "path of the suiji binary used with --data");
  app.add_option("--root-key", root_key, "expected root key (key id or hex public key)");
  app.add_option("--checkpoint", trusted,
                 "a signed checkpoint obtained elsewhere (file); the log must match it")
      ->allow_extra_args(false);
  app.add_flag("--json", json, "print the report as JSON");
  app.add_option("--threads", threads, "threads for signature checks (default: all cores)");

  auto* proof = app.add_subcommand("proof", "check a proof file made by `suiji proof`");
  std::string proof_file, vkey, old_cp_file, old_vkey;
  proof->add_option("file", proof_file, "proof file")->required();
  proof->add_option("--key", vkey, "the ledger's verifier key (name+hash+base64)")->required();
  proof->add_option("--old-checkpoint", old_cp_file,
                    "consistency: the earlier checkpoint you hold (file)");
  proof->add_option("--old-key", old_vkey,
                    "verifier key that signed the earlier checkpoint (default: --key)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  std::string err;
  if (proof->parsed()) {
    std::string text, old_text;
    if (!ReadText(proof_file, &text, &err) ||
        (!old_cp_file.empty() && !ReadText(old_cp_file, &old_text, &err))) {
      std::cerr << "suiji-verify: " << err << "\n";
      return kExitUsage;
    }
    auto key = suiji::ParseVerifierKey(vkey);
    if (!key.ok()) {
      std::cerr << "suiji-verify: bad --key: " << key.status().message() << "\n";
      return kExitUsage;
    }
    std::optional<suiji::VerifierKey> old_key;
    if (!old_vkey.empty()) {
      auto k = suiji::ParseVerifierKey(old_vkey);
      if (!k.ok()) {
        std::cerr << "suiji-verify: bad --old-key: " << k.status().message() << "\n";
        return kExitUsage;
      }
      old_key = *k;
    }
    auto r = suiji::CheckProof(text, *key,
                               old_cp_file.empty() ? std::nullopt : std::optional(old_text),
                               old_key);
    if (!r.ok()) {
      std::cout << "FAILED: " << r.status().message() << "\n";
      return r.status().code() == suiji::StatusCode::kInvalidArgument ? kExitUsage : kExitFailed;
    }
    if (r->kind == "inclusion") {
      std::cout << "OK: entry " << r->index << " (" << r->entry_summary
                << ") is included in the ledger of size " << r->size << " signed by "
                << key->name << "\n";
    } else {
      std::cout << "OK: the ledger of size " << r->size << " extends the one of size "
                << r->old_size << " (nothing before it was changed)\n";
    }
    return kExitOk;
  }

  if (file.empty() == data_dir.empty()) {
    std::cerr << "suiji-verify: give either an export FILE or --data DIR (see --help)\n";
    return kExitUsage;
  }
  suiji::VerifyOptions options;
  options.threads = threads;
  options.expected_root_key = root_key;
  for (const auto& path : trusted) {
    std::string text;
    if (!ReadText(path, &text, &err)) {
      std::cerr << "suiji-verify: " << err << "\n";
      return kExitUsage;
    }
    options.trusted_checkpoints.push_back(text);
  }
  auto start = std::chrono::steady_clock::now();
  suiji::VerifyReport report;
  if (!data_dir.empty()) {
    std::string bytes;
    if (!ExportFromData(suiji_bin.empty() ? SuijiNextToUs() : suiji_bin, data_dir, &bytes, &err)) {
      std::cerr << "suiji-verify: " << err << "\n";
      return kExitUsage;
    }
    report = suiji::VerifyExport(suiji::AsBytes(bytes), options);
  } else {
    MappedFile mf;
    if (!mf.Open(file, &err)) {
      std::cerr << "suiji-verify: " << err << "\n";
      return kExitUsage;
    }
    report = suiji::VerifyExport(mf.bytes(), options);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return PrintReport(report, json, seconds);
}
