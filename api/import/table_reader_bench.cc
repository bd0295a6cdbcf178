// Measures ReadCsv/ScanCsv on a generated employer directory (default 1,000,000 rows, about
// 150 MB): wall time, throughput and peak resident memory against the input's size. Not a
// test; run by hand: table_reader_bench [rows] [utf8|gb18030] [table|scan].
#include <iconv.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/import/table_reader.h"

namespace {

// Peak and current resident set from /proc, in MiB.
double ProcStatusMiB(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::strlen(key)) / 1024.0;
  }
  return -1;
}

// User plus system CPU time of this process: wall time lies on a shared, busy machine.
double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string MakeCsv(size_t rows) {
  static const char* kDistricts[] = {"天宁区", "钟楼区", "新北区", "武进区", "元氏县"};
  static const char* kTrades[] = {"机械", "建材", "纺织", "电子", "物流"};
  std::string out =
      "\xEF\xBB\xBF统一社会信用代码,单位名称,所在地区,地址,联系人,联系电话,职工人数,成立日期\r\n";
  char buf[512];
  for (size_t i = 0; i < rows; ++i) {
    const char* d = kDistricts[i % 5];
    const char* t = kTrades[(i / 5) % 5];
    const bool quoted = i % 10 == 0;
    std::snprintf(
        buf, sizeof(buf),
        "91320402MA%08zuY,%s常州市%s某某%s有限公司%s,%s,%s青洋北路%zu号,张%s,0519-%08zu,%zu,"
        "20%02zu-%02zu-%02zu\r\n",
        i, quoted ? "\"" : "", d, t, quoted ? "(分公司, 二部)\"" : "", d, d, i % 997,
        i % 2 ? "三" : "小明", i, i % 500 + 1, i % 24, i % 12 + 1, i % 28 + 1);
    out += buf;
  }
  return out;
}

// What Excel's plain "CSV" writes on Chinese Windows, made with glibc's iconv.
std::string ToGb18030(std::string_view utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2, '\0');
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) == static_cast<size_t>(-1)) {
    std::perror("iconv");
    std::exit(1);
  }
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using suiji::import::Encoding;
  const size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const bool gb = argc > 2 && std::strcmp(argv[2], "gb18030") == 0;
  const bool scan = argc > 3 && std::strcmp(argv[3], "scan") == 0;
  std::string csv = MakeCsv(rows);
  if (gb) csv = ToGb18030(std::string_view(csv).substr(3));  // no BOM in a GBK file
  csv.shrink_to_fit();
  const double input_mib = static_cast<double>(csv.size()) / (1 << 20);
  // Reset the peak-RSS mark so generating the input does not count (Linux >= 4.0).
  if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
  const double before = ProcStatusMiB("VmRSS:");
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  size_t cells = 0;
  if (scan) {
    auto r =
        suiji::import::ScanCsv(csv, Encoding::kAuto, [&](uint64_t, std::vector<std::string>& c) {
          cells += c.size();
          return suiji::OkStatus();
        });
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
  } else {
    auto t = suiji::import::ReadCsv(csv, Encoding::kAuto);
    if (!t.ok()) {
      std::fprintf(stderr, "%s\n", t.status().ToString().c_str());
      return 1;
    }
    cells = t->rows.size() * t->header.size();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  const double peak = ProcStatusMiB("VmHWM:");
  std::printf(
      "%s %s: %zu rows (%zu cells), input %.1f MiB, wall %.2f s, cpu %.2f s (%.0f MiB/s of cpu), "
      "RSS with "
      "input %.1f MiB, peak %.1f MiB (peak = %.2fx input; %.2fx beyond the input)\n",
      gb ? "gb18030" : "utf-8", scan ? "ScanCsv" : "ReadCsv", rows, cells, input_mib, secs, cpu,
      input_mib / cpu, before, peak, peak / input_mib, (peak - before) / input_mib);
  return 0;
}
