// Test support: run one of the project's binaries as a separate process, the way a user
// would, with stdin from /dev/null and stdout/stderr captured through files in `scratch`.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace suiji::testing_support {

struct RunResult {
  int exit_code = -1;  // 128 + signal number if killed by a signal
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

// The one-item list (HRSS-01, wages) the command-line tests import with `suiji import items`.
inline constexpr const char* kWageItemsCsv =
    "事项编号,抽查事项,抽查主体,抽查依据,抽查内容,抽查方式,事项类别,检查要点,责任主体\n"
    "HRSS-01,用人单位支付工资情况,劳动保障监察机构,《劳动保障监察条例》第十一条,"
    "按时足额支付工资,实地检查,重点,是否按时足额支付工资,劳动保障监察支队\n";

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Runs `binary args...` and waits for it. `scratch` must exist; two files in it are reused.
// With `cwd`, the process runs in that folder (relative paths in `args` are then its).
inline RunResult RunBinary(const std::string& binary, const std::vector<std::string>& args,
                           const std::filesystem::path& scratch,
                           const std::filesystem::path& cwd = {}) {
  const std::filesystem::path out = scratch / "stdout", err = scratch / "stderr";
  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int in_fd = ::open("/dev/null", O_RDONLY);
    int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  RunResult r;
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

}  // namespace suiji::testing_support
