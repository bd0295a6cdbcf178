// Kafka backend benchmark: durable signed appends through Ledger on Kafka and on LMDB, the
// same event mix, beside the raw libsodium Ed25519 sign rate measured in the same run.
//
//   kafka_bench [--events N] [--batch B] [--rounds R] [--brokers HOST:PORT] [--dir DIR]
//               [--kafka-fsync 1]
//
// LMDB fsyncs every commit; a Kafka broker by default does not (durability comes from
// acks=all across replicas). --kafka-fsync 1 creates the bench topics with flush.messages=1
// so that the single test broker fsyncs every write too: the like-for-like comparison on one
// machine.
//
// Also reports how fast a read-only Ledger opens on each (it reads every entry and checks
// the hash chain and signatures' keys), since a Kafka reader fetches the log over the network.
//
// The append path signs serially (each entry chains to the previous one's hash), so its
// limit is the raw sign rate of one core. On Kafka an append is one transaction (acks=all,
// acknowledged after the commit marker is visible to read_committed readers). Target:
// Kafka >= 0.5 x LMDB. Needs a broker: ops/kafka/kafka.sh start. Each round uses a fresh
// topic, deleted afterwards.
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ledger/core/ed25519.h"
#include "ledger/core/envelope.h"
#include "ledger/kafka/kafka_storage.h"
#include "ledger/ledger.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "tests/bench/bench_util.h"

namespace {

using Clock = std::chrono::steady_clock;

using suiji::bench::Median;
using suiji::bench::RawSignRate;
using suiji::bench::Seconds;

double AppendRun(std::unique_ptr<suiji::LogStorage> storage, uint64_t events, uint64_t batch);

struct Rates {
  double append = -1;  // events appended per second
  double open = -1;    // entries per second read and checked by Ledger::Open (a reader)
};

using Opener = std::function<suiji::StatusOr<std::unique_ptr<suiji::LogStorage>>(bool writer)>;

// Appends `events` Memo events in batches through a Ledger, then opens a read-only Ledger on
// the same log (it reads every entry and checks the chain). Negative rates on failure.
Rates Run(const Opener& open, uint64_t events, uint64_t batch) {
  Rates out;
  auto storage = open(true);
  if (!storage.ok()) {
    std::fprintf(stderr, "open: %s\n", storage.status().ToString().c_str());
    return out;
  }
  out.append = AppendRun(std::move(*storage), events, batch);
  if (out.append < 0) return out;
  auto t0 = Clock::now();
  auto reader_storage = open(false);
  if (!reader_storage.ok()) {
    std::fprintf(stderr, "open reader: %s\n", reader_storage.status().ToString().c_str());
    return out;
  }
  auto reader = suiji::Ledger::Open(std::move(*reader_storage), std::nullopt, {});
  if (!reader.ok()) {
    std::fprintf(stderr, "Ledger::Open: %s\n", reader.status().ToString().c_str());
    return out;
  }
  out.open = static_cast<double>((*reader)->size()) / Seconds(t0, Clock::now());
  return out;
}

// Appends `events` Memo events in batches; events per second, or a negative number.
double AppendRun(std::unique_ptr<suiji::LogStorage> storage, uint64_t events, uint64_t batch) {
  suiji::Actor actor{"320400", "bench"};
  suiji::LedgerOptions opts;
  opts.checkpoint_every_entries = 100'000;
  opts.checkpoint_every_seconds = 0;
  auto l =
      suiji::Ledger::Create(std::move(storage), "bench.suiji/ledger", "benchmark",
                            suiji::KeyPair::Generate(), suiji::KeyPair::Generate(), actor, opts);
  if (!l.ok()) {
    std::fprintf(stderr, "create: %s\n", l.status().ToString().c_str());
    return -1;
  }
  // The same realistic event as tests/bench/ledger_bench.cc: a ceremony memo with Chinese
  // text, ~200 bytes of payload.
  std::vector<suiji::EventDraft> drafts(batch);
  for (uint64_t i = 0; i < batch; ++i) {
    drafts[i] = suiji::EventDraft{
        suiji::EventType::Memo,
        suiji::MakeMemoPayload("双随机抽查会议记录",
                               "见证人：常州市人大代表张某、政协委员李某；摇号过程全程录像，编号 " +
                                   std::to_string(i)),
        actor};
  }
  auto t0 = Clock::now();
  uint64_t appended = 0;
  while (appended < events) {
    uint64_t n = std::min(batch, events - appended);
    auto s = (*l)->Append(std::span(drafts.data(), n));
    if (!s.ok()) {
      std::fprintf(stderr, "append: %s\n", s.status().ToString().c_str());
      return -1;
    }
    auto cp = (*l)->MaybeCheckpoint();
    if (!cp.ok()) return -1;
    appended += n;
  }
  auto t1 = Clock::now();
  return static_cast<double>(events) / Seconds(t0, t1);
}

void DeleteTopics(const std::string& brokers, const std::vector<std::string>& topics) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512] = {};
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return;
  }
  std::vector<rd_kafka_DeleteTopic_t*> del;
  for (const auto& t : topics) del.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_DeleteTopics(rk, del.data(), del.size(), nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 10000);
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_DeleteTopic_destroy_array(del.data(), del.size());
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
}

}  // namespace

int main(int argc, char** argv) {
  suiji::InitCrypto();
  uint64_t events = 100'000, batch = 1000;
  int rounds = 1;
  bool kafka_fsync = false;
  const char* env = std::getenv("SUIJI_KAFKA_BROKERS");
  std::string brokers = env != nullptr && *env != '\0' ? env : "127.0.0.1:19092";
  std::string base = (std::filesystem::temp_directory_path() / "suiji-kafka-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--events")
      events = std::stoull(argv[i + 1]);
    else if (a == "--batch")
      batch = std::stoull(argv[i + 1]);
    else if (a == "--rounds")
      rounds = std::stoi(argv[i + 1]);
    else if (a == "--brokers")
      brokers = argv[i + 1];
    else if (a == "--dir")
      base = argv[i + 1];
    else if (a == "--kafka-fsync")
      kafka_fsync = std::string(argv[i + 1]) == "1";
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf(
      "kafka_bench: %llu events, batches of %llu, %d rounds, %u cores, broker %s, Kafka topic "
      "%s\n",
      static_cast<unsigned long long>(events), static_cast<unsigned long long>(batch), rounds,
      cores, brokers.c_str(),
      kafka_fsync ? "flush.messages=1 (fsync per write)" : "default (no fsync per write)");

  std::vector<double> sign, lmdb, kafka, ratio, lmdb_open, kafka_open;
  for (int r = 0; r < rounds; ++r) {
    const double s1 = RawSignRate(1, 1.0);

    const std::string dir = base + "-" + std::to_string(::getpid()) + "-" + std::to_string(r);
    std::filesystem::remove_all(dir);
    const Rates lm = Run(
        [&](bool writer) {
          return suiji::OpenLmdbStorage(
              dir, writer ? suiji::StorageMode::kWriter : suiji::StorageMode::kReadOnly);
        },
        events, batch);
    std::filesystem::remove_all(dir);

    suiji::KafkaOptions ko;
    ko.brokers = brokers;
    ko.topic = "suiji-bench-" + std::to_string(::getpid()) + "-" + std::to_string(r) + "-" +
               std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    if (kafka_fsync) ko.topic_config = {{"flush.messages", "1"}};
    const Rates ka = Run(
        [&](bool writer) {
          return suiji::OpenKafkaStorage(
              ko, writer ? suiji::KafkaMode::kWriter : suiji::KafkaMode::kReadOnly);
        },
        events, batch);
    DeleteTopics(brokers, {ko.topic, ko.topic + ".checkpoints"});
    if (lm.append < 0 || lm.open < 0 || ka.append < 0 || ka.open < 0) {
      std::fprintf(stderr, "a run failed (Kafka needs a broker: ops/kafka/kafka.sh start)\n");
      return 1;
    }

    sign.push_back(s1);
    lmdb.push_back(lm.append);
    kafka.push_back(ka.append);
    ratio.push_back(ka.append / lm.append);
    lmdb_open.push_back(lm.open);
    kafka_open.push_back(ka.open);
    std::printf(
        "round %d: raw sign %.0f/s (1 core) | durable append: LMDB %.0f events/s = %.2f x raw "
        "sign, Kafka %.0f events/s = %.2f x raw sign, Kafka/LMDB %.2f | reopen (read + check "
        "chain): LMDB %.0f entries/s, Kafka %.0f entries/s\n",
        r, s1, lm.append, lm.append / s1, ka.append, ka.append / s1, ka.append / lm.append, lm.open,
        ka.open);
    std::fflush(stdout);
  }
  const double m = Median(ratio);
  std::printf(
      "median: raw sign %.0f/s (1 core); durable append: LMDB %.0f events/s, Kafka %.0f "
      "events/s, Kafka/LMDB %.2f (target >= 0.50: %s); reopen: LMDB %.0f entries/s, Kafka "
      "%.0f entries/s\n",
      Median(sign), Median(lmdb), Median(kafka), m, m >= 0.5 ? "met" : "NOT met", Median(lmdb_open),
      Median(kafka_open));
  return 0;
}
