// The HTTP load of ops/bench/province_bench.sh: reads measured for their latency while
// writes are sent at a fixed rate, against a running `suiji serve`.
//
//   province_load --url http://127.0.0.1:PORT --duration S
//                 [--read PATH --inputs FILE --readers C]
//                 [--writes-per-s R --bodies FILE --token T --headcount-base B --writers W]
//
// Reads: C connections (keep-alive), each sending its next request as soon as the previous
// is answered (closed loop); PATH may hold "{}", replaced by the next line of FILE
// (URL-encoded), in turn. Latency is measured per request, from send to the whole reply.
// Writes: PUT /api/v1/targets/{code} with the bearer token, on W connections, scheduled at
// R per second in all (open loop: a late write is sent at once and the schedule is kept);
// each body is a line of FILE (credit code, a tab, the employer's record as JSON without
// its headcount and closing brace; see ops/bench/put_target.lua) with headcount
// B + (n / lines), so every write is a real change: one signed event.
//
// Prints one line:
//   reads N non2xx E p50_ms X p99_ms Y max_ms Z writes N ok K non2xx E per_s R first_error ...
// and exits 0 (1 on bad arguments or when the server cannot be reached at all).
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

struct Options {
  std::string url;
  double duration = 10;
  std::string read_path, inputs;
  int readers = 4;
  double writes_per_s = 0;
  std::string bodies, token;
  long long headcount_base = 30000;
  int writers = 16;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--url") o.url = v;
    else if (a == "--duration") o.duration = std::stod(v);
    else if (a == "--read") o.read_path = v;
    else if (a == "--inputs") o.inputs = v;
    else if (a == "--readers") o.readers = std::stoi(v);
    else if (a == "--writes-per-s") o.writes_per_s = std::stod(v);
    else if (a == "--bodies") o.bodies = v;
    else if (a == "--token") o.token = v;
    else if (a == "--headcount-base") o.headcount_base = std::stoll(v);
    else if (a == "--writers") o.writers = std::stoi(v);
    else {
      std::fprintf(stderr, "province_load: unknown option %s\n", a.c_str());
      return 1;
    }
  }
  if (o.url.empty() || (o.read_path.empty() && o.writes_per_s <= 0) ||
      (o.writes_per_s > 0 && (o.bodies.empty() || o.token.empty()))) {
    std::fprintf(stderr, "usage: province_load --url URL --duration S [--read PATH --inputs FILE --readers C] "
                         "[--writes-per-s R --bodies FILE --token T --headcount-base B --writers W]\n");
    return 1;
  }
  const std::vector<std::string> inputs = o.inputs.empty() ? std::vector<std::string>{""} : Lines(o.inputs);
  std::vector<std::string> codes, prefixes;
  for (const auto& line : o.writes_per_s > 0 ? Lines(o.bodies) : std::vector<std::string>{}) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    codes.push_back(line.substr(0, tab));
    prefixes.push_back(line.substr(tab + 1));
  }
  if (inputs.empty() || (o.writes_per_s > 0 && codes.empty())) {
    std::fprintf(stderr, "province_load: empty --inputs or --bodies\n");
    return 1;
  }

  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<uint64_t> read_errors{0}, reads_sent{0}, writes_sent{0}, writes_ok{0}, write_errors{0};
  std::atomic<uint64_t> next_input{0}, next_write{0};
  std::string first_error;
  auto note_error = [&](const std::string& e) {
    std::lock_guard<std::mutex> l(mu);
    if (!first_error.empty()) return;
    first_error = e.substr(0, 300);
    std::replace(first_error.begin(), first_error.end(), '\n', ' ');
  };

  std::vector<std::thread> pool;
  if (!o.read_path.empty()) {
    for (int t = 0; t < o.readers; ++t) {
      pool.emplace_back([&] {
        httplib::Client cli(o.url);
        cli.set_keep_alive(true);
        cli.set_read_timeout(60, 0);
        std::vector<double> mine;
        while (Clock::now() < stop) {
          const std::string& in = inputs[next_input++ % inputs.size()];
          std::string path = o.read_path;
          if (const size_t p = path.find("{}"); p != std::string::npos) path.replace(p, 2, UrlEncode(in));
          const auto t0 = Clock::now();
          auto res = cli.Get(path);
          const auto t1 = Clock::now();
          ++reads_sent;
          if (!res) {
            ++read_errors;
            note_error("GET " + path + ": " + httplib::to_string(res.error()));
            continue;
          }
          if (res->status < 200 || res->status > 299) {
            ++read_errors;
            note_error("GET " + path + ": " + std::to_string(res->status) + " " + res->body);
          }
          mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        std::lock_guard<std::mutex> l(mu);
        latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
      });
    }
  }
  if (o.writes_per_s > 0) {
    for (int t = 0; t < o.writers; ++t) {
      pool.emplace_back([&] {
        httplib::Client cli(o.url);
        cli.set_keep_alive(true);
        cli.set_read_timeout(60, 0);
        const httplib::Headers headers = {{"Authorization", "Bearer " + o.token}};
        while (true) {
          const uint64_t n = next_write++;
          const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(static_cast<double>(n) / o.writes_per_s));
          if (due >= stop) break;
          std::this_thread::sleep_until(due);
          const size_t i = n % codes.size();
          const long long headcount = o.headcount_base + static_cast<long long>(n / codes.size());
          const std::string body = prefixes[i] + ",\"headcount\":" + std::to_string(headcount) + "}";
          auto res = cli.Put("/api/v1/targets/" + codes[i], headers, body, "application/json");
          ++writes_sent;
          if (res && res->status >= 200 && res->status <= 299) {
            ++writes_ok;
          } else {
            ++write_errors;
            note_error(res ? "PUT: " + std::to_string(res->status) + " " + res->body
                           : "PUT: " + httplib::to_string(res.error()));
          }
        }
      });
    }
  }
  for (auto& t : pool) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    const size_t k = std::min(latencies_ms.size() - 1, static_cast<size_t>(p * static_cast<double>(latencies_ms.size())));
    return latencies_ms[k];
  };
  std::printf("reads %zu non2xx %llu p50_ms %.2f p99_ms %.2f max_ms %.2f writes %llu ok %llu non2xx %llu per_s %.1f "
              "wall_s %.1f first_error %s\n",
              latencies_ms.size(), static_cast<unsigned long long>(read_errors.load()), pct(0.50), pct(0.99),
              latencies_ms.empty() ? 0.0 : latencies_ms.back(), static_cast<unsigned long long>(writes_sent.load()),
              static_cast<unsigned long long>(writes_ok.load()), static_cast<unsigned long long>(write_errors.load()),
              static_cast<double>(writes_ok.load()) / wall, wall, first_error.empty() ? "-" : first_error.c_str());
  return 0;
}
