// suiji-example-consumer: a minimal subscriber to a Suiji ledger topic (see
// ledger/kafka/README.md, "Topic layout"). It reads the ledger's topic from the beginning
// with isolation.level=read_committed, decodes every record value as a FlatBuffers Entry
// (schemas/envelope.fbs) with ParseEntry, prints one line per entry and stops at the end of
// the partition. It checks that keys run 0, 1, 2, ... and match each entry's sequence; it
// does not check signatures or the hash chain (`suiji-verify` does).
//
//   suiji-example-consumer --brokers HOST:PORT[,...] --topic TOPIC [--timeout-ms MS]
//
// Output, one line per entry:
//   seq=<n> type=<EventTypeName> actor=<user>@<org_unit> time=<ISO 8601 UTC> key=<key id>
// Exit codes: 0 read to the end; 1 a record is not a well-formed entry or out of order;
// 2 usage; 3 the brokers or topic could not be reached.
#include <librdkafka/rdkafka.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "ledger/core/bytes.h"
#include "ledger/core/envelope.h"

namespace {

std::string TimeString(int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1000000);
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Usage() {
  std::fprintf(stderr,
               "usage: suiji-example-consumer --brokers HOST:PORT[,...] --topic TOPIC "
               "[--timeout-ms MS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string brokers, topic;
  int timeout_ms = 30000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    if (a == "--brokers") {
      brokers = argv[++i];
    } else if (a == "--topic") {
      topic = argv[++i];
    } else if (a == "--timeout-ms") {
      timeout_ms = std::atoi(argv[++i]);
    } else {
      return Usage();
    }
  }
  if (brokers.empty() || topic.empty() || timeout_ms <= 0) return Usage();

  char err[512] = {};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const char* props[][2] = {
      {"bootstrap.servers", brokers.c_str()},
      // Never see entries of aborted or unfinished transactions (librdkafka's default; the
      // Java client's default is read_uncommitted).
      {"isolation.level", "read_committed"},
      // assign() wants a group id; it is never joined and no offset is committed.
      {"group.id", "suiji-example-consumer"},
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "true"},
  };
  for (const auto& p : props) {
    if (rd_kafka_conf_set(conf, p[0], p[1], err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "suiji-example-consumer: %s: %s\n", p[0], err);
      rd_kafka_conf_destroy(conf);
      return 2;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "suiji-example-consumer: %s\n", err);
    rd_kafka_conf_destroy(conf);
    return 3;
  }
  // One partition (0) per ledger: a total order. Start at the beginning.
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t e = rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "suiji-example-consumer: assign: %s\n", rd_kafka_err2str(e));
    rd_kafka_destroy(rk);
    return 3;
  }

  int rc = 0;
  uint64_t next = 0;
  int idle_ms = 0;
  for (;;) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (m == nullptr) {
      idle_ms += 200;
      if (idle_ms >= timeout_ms) {
        std::fprintf(stderr, "suiji-example-consumer: no progress for %d ms\n", timeout_ms);
        rc = 3;
        break;
      }
      continue;
    }
    idle_ms = 0;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      rd_kafka_message_destroy(m);
      break;  // the end of what is committed now
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "suiji-example-consumer: %s\n", rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      rc = 3;
      break;
    }
    if (m->key_len != 8) {
      std::fprintf(stderr, "suiji-example-consumer: offset %" PRId64 ": key is not 8 bytes\n",
                   m->offset);
      rd_kafka_message_destroy(m);
      rc = 1;
      break;
    }
    const uint64_t key = suiji::GetU64BE(static_cast<const uint8_t*>(m->key));
    suiji::ByteView value(static_cast<const uint8_t*>(m->payload), m->len);
    auto entry = suiji::ParseEntry(value);
    if (!entry.ok() || key != next || entry->sequence() != key) {
      std::fprintf(stderr, "suiji-example-consumer: offset %" PRId64 " (key %" PRIu64
                   ", expected %" PRIu64 "): %s\n",
                   m->offset, key, next,
                   entry.ok() ? "out of order" : entry.status().ToString().c_str());
      rd_kafka_message_destroy(m);
      rc = 1;
      break;
    }
    const auto* actor = entry->event->actor();
    std::printf("seq=%" PRIu64 " type=%s actor=%s@%s time=%s key=%s\n", entry->sequence(),
                std::string(suiji::EventTypeName(entry->type())).c_str(),
                actor && actor->user() ? actor->user()->c_str() : "",
                actor && actor->org_unit() ? actor->org_unit()->c_str() : "",
                TimeString(entry->event->time_us()).c_str(), std::string(entry->key_id()).c_str());
    ++next;
    rd_kafka_message_destroy(m);
  }
  std::fflush(stdout);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (rc == 0) std::fprintf(stderr, "read %" PRIu64 " entries\n", next);
  return rc;
}
