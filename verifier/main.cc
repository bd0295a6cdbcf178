// suiji-verify: checks a Suiji ledger export, a live data directory, a proof file, or a
// draw's public proof bundle.
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
#include <algorithm>
#include <climits>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "verifier/bundle_check.h"
#include "verifier/draw_audit.h"
#include "verifier/inspection_audit.h"
#include "verifier/log_verifier.h"
#include "verifier/proof_check.h"
#include "verifier/report.h"

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
    const bool ok = Map(fd, path, err);
    ::close(fd);
    return ok;
  }
  bool Map(int fd, const std::string& path, std::string* err) {
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data_ == MAP_FAILED) {
        data_ = nullptr;
        *err = "cannot map " + path;
        return false;
      }
    }
    return true;
  }
  // The bytes before `offset` will not be read again soon: their pages leave this process's
  // memory (a later read maps them in again from the file), so a pass over a large export
  // holds only what it reads now.
  void Release(size_t offset) {
    if (data_ == nullptr) return;
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t end = std::min(offset, size_) / page * page;
    if (end < released_) {
      // A new pass began at the start: the end of the file the last pass read goes too.
      ::madvise(static_cast<uint8_t*>(data_) + released_, size_ - released_, MADV_DONTNEED);
      released_ = 0;
    }
    if (end <= released_) return;
    ::madvise(static_cast<uint8_t*>(data_) + released_, end - released_, MADV_DONTNEED);
    released_ = end;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  ByteView bytes() const { return {static_cast<const uint8_t*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
  size_t released_ = 0;
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
// `corrupt` is set when suiji exited 4: the data directory is corrupt, a failed check.
bool ExportFromData(const std::string& suiji, const std::string& dir, int out_fd,
                    std::string* err, bool* corrupt) {
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
  bool written = true;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) {
    for (ssize_t done = 0; written && done < n;) {
      const ssize_t w = ::write(out_fd, buf + done, static_cast<size_t>(n - done));
      if (w <= 0) written = false;
      else done += w;
    }
  }
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // suiji's exit code 4: integrity failure (a corrupt log or LMDB page); its stderr,
    // which the verifier's inherits, says what.
    *corrupt = WIFEXITED(status) && WEXITSTATUS(status) == 4;
    *err = "`" + suiji + " log export --data " + dir + "` failed" +
           (*corrupt ? ": the data directory's log is corrupt" : "");
    return false;
  }
  if (!written) {
    *err = "cannot write the export of " + dir + " to a temporary file: " + std::strerror(errno);
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

void PrintDraws(const suiji::DrawAudit& a) {
  if (a.draws.empty()) return;
  std::cout << "draws:\n";
  for (const auto& d : a.draws) {
    std::cout << "  " << d.draw_id << "  task " << d.task_id << "  " << d.phase;
    if (d.commit_number > 1) std::cout << "  (redraw: commit #" << d.commit_number << ")";
    std::cout << "\n    population " << d.targets << " targets, " << d.inspectors
              << " inspectors";
    if (!d.entropy.empty()) std::cout << "; entropy: " << d.entropy;
    std::cout << "\n";
    if (!d.seed_hex.empty()) std::cout << "    seed " << d.seed_hex << "\n";
    if (d.phase == "drawn") {
      std::cout << "    selected " << d.selected << "; "
                << (d.recomputed ? "recomputed: identical" : "recomputed: DIFFERENT")
                << "; max load " << d.max_load << " (mean " << d.mean_load << ")";
      if (d.understaffed > 0) std::cout << "; understaffed visits " << d.understaffed;
      std::cout << "\n";
    }
    if (!d.cancel_reason.empty()) std::cout << "    cancelled: " << d.cancel_reason << "\n";
    if (d.last_minute_total > 0) {
      std::cout << "    last-minute changes before the commit: " << d.last_minute_total << "\n";
      for (const auto& c : d.last_minute) {
        std::cout << "      #" << c.sequence << " " << c.type << " " << c.id << "\n";
      }
    }
  }
  for (const auto& r : a.redrawn) {
    std::cout << "redrawn: task " << r.task_id << " redrawn " << r.redraws << " times\n";
    for (const auto& c : r.cancellations) std::cout << "  cancelled " << c << "\n";
  }
  for (const auto& x : a.abandoned) std::cout << "abandoned: " << x << "\n";
  for (const auto& x : a.pending) std::cout << "pending: " << x << "\n";
  if (a.fairness.cells > 0) {
    std::cout << "fairness: chi-square " << a.fairness.statistic << " on " << a.fairness.df
              << " degrees of freedom over " << a.fairness.cells << " cells, p = "
              << a.fairness.p_value << "\n";
  }
  for (const auto& n : a.notes) std::cout << "note: " << n << "\n";
  for (const auto& f : a.failures) {
    std::cout << "DRAW FAILED";
    if (!f.draw_id.empty()) std::cout << " " << f.draw_id;
    if (f.sequence) std::cout << " at sequence " << *f.sequence;
    std::cout << ": " << f.what << "\n";
  }
  if (a.ok()) {
    std::cout << "OK: every draw recomputed from the log matches its frozen populations, "
                 "commitment, reveal and result (see the notes for what must still be checked "
                 "outside the log)\n";
  }
}

void PrintInspections(const suiji::InspectionAudit& a) {
  std::cout << "inspections (as of " << a.as_of << "):\n"
            << "  announcements: " << a.announcements << " (" << a.withheld
            << " with targets withheld)\n  results:";
  for (const auto& [state, n] : a.results_by_state) std::cout << " " << state << " " << n << ";";
  std::cout << "\n  corrections " << a.corrections << ", transfers " << a.transfers
            << ", credit re-evaluations " << a.reevaluations << "\n";
  for (const auto& [kind, by_status] : a.deadlines) {
    std::cout << "  deadline " << kind << ":";
    for (const auto& [status, n] : by_status) std::cout << " " << status << " " << n << ";";
    std::cout << "\n";
  }
  for (const auto& d : a.late_or_overdue) {
    std::cout << "  " << suiji::inspection::DeadlineStatusName(d.status) << ": "
              << suiji::inspection::DeadlineKindName(d.kind) << " " << d.org_id << " "
              << d.draw_id << " " << d.credit_code << " due " << d.due;
    if (d.working_days_late > 0) std::cout << " (" << d.working_days_late << " working days)";
    std::cout << "\n";
  }
  if (a.late_or_overdue_total > a.late_or_overdue.size()) {
    std::cout << "  ... " << a.late_or_overdue_total << " late or overdue in all\n";
  }
  for (const auto& f : a.failures) {
    std::cout << "INSPECTION FAILED";
    if (f.sequence) std::cout << " at sequence " << *f.sequence;
    std::cout << ": " << f.what << "\n";
  }
  if (a.ok()) {
    std::cout << "OK: every announcement, result, review step, publication, correction and "
                 "follow-up follows the rules; deadlines recomputed with the log's calendar\n";
  }
}

void PrintAuthority(const suiji::AuthorityAudit& a) {
  std::cout << "authority: " << a.users << " users, " << a.tokens << " tokens; " << a.by_users_total
            << " events by registered users checked against their roles\n";
  for (const auto& [user, n] : a.by_operator) {
    std::cout << "  by the node operator (command line) as \"" << user << "\": " << n << "\n";
  }
  for (const auto& f : a.failures) {
    std::cout << "AUTHORITY FAILED";
    if (f.sequence) std::cout << " at sequence " << *f.sequence;
    std::cout << ": " << f.what << "\n";
  }
  if (a.failures_total > a.failures.size()) {
    std::cout << "  ... " << a.failures_total << " authority failures in all\n";
  }
  if (a.ok()) {
    std::cout << "OK: every event that names a registered user was written by an enabled user, "
                 "for its own org unit, holding a role allowed to write it\n";
  }
}

int PrintReport(const suiji::FullAudit& audit, bool json) {
  const suiji::VerifyReport& r = audit.integrity;
  const double seconds = audit.seconds;
  if (json) {
    std::cout << suiji::ReportJson(audit).dump(2) << "\n";
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
    if (audit.draws) PrintDraws(*audit.draws);
    if (audit.inspections) PrintInspections(*audit.inspections);
    if (audit.authority) PrintAuthority(*audit.authority);
  }
  return audit.ok() ? kExitOk : kExitFailed;
}

// The bundle report: a human summary, or JSON with --json. Exit 0 only if everything holds.
int PrintBundle(const suiji::BundleReport& r, const std::string& file, bool json) {
  if (json) {
    auto entries = [](const std::vector<suiji::BundleEntry>& list) {
      auto a = nlohmann::json::array();
      for (const auto& e : list) {
        a.push_back({{"sequence", e.sequence}, {"type", e.type}, {"role", e.role}});
      }
      return a;
    };
    auto failures = nlohmann::json::array();
    for (const auto& f : r.failures) {
      failures.push_back({{"sequence", f.sequence ? nlohmann::json(*f.sequence) : nlohmann::json()},
                          {"what", f.what}});
    }
    nlohmann::json j{{"ok", r.ok()},
                     {"bundle", file},
                     {"ledger", r.ledger_id},
                     {"verifier_key", r.verifier_key},
                     {"key_from_bundle", r.key_from_bundle},
                     {"root_key", r.root_key_id},
                     {"checkpoint_size", r.checkpoint_size},
                     {"checkpoint_root", r.checkpoint_root},
                     {"entries", entries(r.entries)},
                     {"extras", entries(r.extras)},
                     {"draw",
                      {{"draw", r.draw_id},
                       {"task", r.task_id},
                       {"phase", r.phase},
                       {"commit_number", r.commit_number},
                       {"commits", r.commits},
                       {"redraws", r.redraws},
                       {"cancellations", r.cancellations},
                       {"targets", r.targets},
                       {"inspectors", r.inspectors},
                       {"experts", r.experts},
                       {"roots_match", r.roots_match},
                       {"entropy", r.entropy},
                       {"seed", r.seed_hex},
                       {"selected", r.selected},
                       {"recomputed", r.recomputed},
                       {"understaffed", r.understaffed},
                       {"declines", r.declines},
                       {"stated_conflicts", r.conflicts},
                       {"stated_previous_teams", r.previous_teams}}},
                     {"failures", failures},
                     {"warnings", r.warnings},
                     {"notes", r.notes}};
    std::cout << j.dump(2) << "\n";
    return r.ok() ? kExitOk : kExitFailed;
  }
  std::cout << "bundle:        " << file << "\n"
            << "ledger:        " << r.ledger_id;
  if (!r.root_key_id.empty()) std::cout << " (root key " << r.root_key_id << ")";
  std::cout << "\ncheckpoint:    size " << r.checkpoint_size << ", root " << r.checkpoint_root
            << "\n               checked against " << r.verifier_key
            << (r.key_from_bundle ? " (the bundle's own key)" : "") << "\n";
  std::map<std::string, int> roles;
  for (const auto& e : r.entries) ++roles[e.role];
  std::cout << "entries:       " << r.entries.size() << " (";
  bool first = true;
  for (const auto& [role, n] : roles) {
    std::cout << (first ? "" : ", ") << n << " " << role;
    first = false;
  }
  std::cout << "): inclusion proofs and signatures\n";
  if (!r.draw_id.empty()) {
    std::cout << "draw:          " << r.draw_id;
    if (!r.task_id.empty()) std::cout << " of task " << r.task_id;
    if (!r.phase.empty()) std::cout << ", " << r.phase;
    if (r.commit_number > 0) std::cout << ", commit #" << r.commit_number;
    std::cout << "\n";
    if (!r.task_id.empty()) {
      std::cout << "redraws:       task redrawn " << r.redraws << " times (" << r.commits
                << (r.commits == 1 ? " commit" : " commits") << " in the bundle)\n";
      for (const auto& c : r.cancellations) std::cout << "  cancelled " << c << "\n";
      std::cout << "frozen lists:  " << r.targets << " targets, " << r.inspectors
                << " inspectors, " << r.experts << " experts"
                << (r.roots_match ? ": the leaf lines hash to the committed roots"
                                  : ": NOT the committed roots")
                << "\n";
    }
    if (!r.entropy.empty()) std::cout << "entropy:       " << r.entropy << "\n";
    if (!r.seed_hex.empty()) std::cout << "seed:          " << r.seed_hex << "\n";
    if (r.selected > 0 || r.recomputed) {
      std::cout << "result:        " << r.selected << " visits; "
                << (r.recomputed ? "recomputed: identical" : "recomputed: DIFFERENT")
                << " (teams given the stated team inputs: " << r.conflicts << " conflicts, "
                << r.previous_teams << " previous teams)";
      if (r.understaffed > 0) std::cout << "; understaffed visits " << r.understaffed;
      if (r.declines > 0) std::cout << "; declines " << r.declines;
      std::cout << "\n";
    }
  }
  for (const auto& e : r.extras) {
    std::cout << "also proven:   entry " << e.sequence << " " << e.type << "\n";
  }
  for (const auto& w : r.warnings) std::cout << "WARNING: " << w << "\n";
  for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
  for (const auto& f : r.failures) {
    std::cout << "FAILED";
    if (f.sequence) std::cout << " at entry " << *f.sequence;
    std::cout << ": " << f.what << "\n";
  }
  if (r.ok()) {
    std::cout << "OK: every entry is in the signed checkpoint and validly signed, and draw "
              << r.draw_id << " recomputed from the bundle matches its commitment, reveal and "
              << "result (see the notes for what only the whole log proves)\n";
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
      "  suiji-verify --bundle FILE --key K  check a draw's public proof bundle offline\n"
      "Exit codes: 0 all checks hold, 1 a check failed, 2 usage or unreadable input."};
  std::string file, data_dir, suiji_bin, root_key;
  std::vector<std::string> trusted;
  bool json = false;
  unsigned threads = 0;
  app.add_option("file", file, "export file to verify");
  app.add_option("--data", data_dir, "data directory of a ledger to verify");
  std::string bundle_file, bundle_key;
  app.add_option("--bundle", bundle_file,
                 "a draw's public proof bundle (suiji public bundle) to check offline");
  app.add_option("--key", bundle_key,
                 "with --bundle: the bureau's published verifier key (name+hash+base64)");
  app.add_option("--suiji", suiji_bin, "path of the suiji binary used with --data");
  app.add_option("--root-key", root_key, "expected root key (key id or hex public key)");
  app.add_option("--checkpoint", trusted,
                 "a signed checkpoint obtained elsewhere (file); the log must match it")
      ->allow_extra_args(false);
  app.add_flag("--json", json, "print the report as JSON");
  app.add_option("--threads", threads, "threads for signature checks (default: all cores)");
  int64_t last_minute_days = 7;
  app.add_option("--last-minute-days", last_minute_days,
                 "report directory changes this many days before each draw commitment");
  uint64_t chunk_entries = 65536;
  // Hidden (tests): entries checked per step of the integrity pass.
  app.add_option("--chunk-entries", chunk_entries, "")->group("");

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
  if (!bundle_file.empty()) {
    if (!file.empty() || !data_dir.empty()) {
      std::cerr << "suiji-verify: --bundle checks a bundle alone; give no export FILE or --data\n";
      return kExitUsage;
    }
    std::string text;
    if (!ReadText(bundle_file, &text, &err)) {
      std::cerr << "suiji-verify: " << err << "\n";
      return kExitUsage;
    }
    suiji::BundleCheckOptions options;
    options.threads = threads;
    options.expected_root_key = root_key;
    if (!bundle_key.empty()) {
      auto key = suiji::ParseVerifierKey(bundle_key);
      if (!key.ok()) {
        std::cerr << "suiji-verify: bad --key: " << key.status().message() << "\n";
        return kExitUsage;
      }
      options.key = *key;
    }
    return PrintBundle(suiji::CheckBundle(text, options), bundle_file, json);
  }
  if (!bundle_key.empty()) {
    std::cerr << "suiji-verify: --key goes with --bundle (or after `proof FILE`)\n";
    return kExitUsage;
  }
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
  options.chunk_entries = chunk_entries;
  for (const auto& path : trusted) {
    std::string text;
    if (!ReadText(path, &text, &err)) {
      std::cerr << "suiji-verify: " << err << "\n";
      return kExitUsage;
    }
    options.trusted_checkpoints.push_back(text);
  }
  suiji::DrawAuditOptions audit_options;
  audit_options.threads = threads;
  audit_options.last_minute_days = last_minute_days;
  suiji::FullAudit audit;
  MappedFile mf;
  if (!data_dir.empty()) {
    // The export goes to an unnamed temporary file (gone when the verifier exits), mapped
    // like any export file: memory does not grow with the log.
    std::FILE* tmp = std::tmpfile();
    if (tmp == nullptr) {
      std::cerr << "suiji-verify: cannot create a temporary file: " << std::strerror(errno) << "\n";
      return kExitUsage;
    }
    bool corrupt = false;
    const bool exported = ExportFromData(suiji_bin.empty() ? SuijiNextToUs() : suiji_bin, data_dir,
                                         ::fileno(tmp), &err, &corrupt);
    if (!exported || !mf.Map(::fileno(tmp), "the export of " + data_dir, &err)) {
      std::fclose(tmp);
      std::cerr << "suiji-verify: " << err << "\n";
      return corrupt ? kExitFailed : kExitUsage;
    }
    std::fclose(tmp);  // the mapping keeps the file
  } else if (!mf.Open(file, &err)) {
    std::cerr << "suiji-verify: " << err << "\n";
    return kExitUsage;
  }
  options.consumed = [&mf](size_t offset) { mf.Release(offset); };
  audit = suiji::AuditExport(mf.bytes(), options, audit_options);
  return PrintReport(audit, json);
}
