// Shared helpers for the Kafka backend tests: where the broker is, fresh topic names, a
// fixture that FAILS (never skips) when no broker answers, and a few raw librdkafka calls
// for what the backend itself never does (writing a corrupt topic, a 2-partition topic, a
// writer that dies mid-transaction).
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "ledger/core/bytes.h"
#include "ledger/kafka/kafka_storage.h"

namespace suiji::kafka_test {

inline std::string Brokers() {
  const char* e = std::getenv("SUIJI_KAFKA_BROKERS");
  return e != nullptr && *e != '\0' ? e : "127.0.0.1:19092";
}

inline std::string StartHint() {
  return "no Kafka broker answers at " + Brokers() +
         ". Start one with `ops/kafka/kafka.sh fetch && ops/kafka/kafka.sh start` (ops/test.sh "
         "and CI do this), or set SUIJI_KAFKA_BROKERS to a broker's host:port.";
}

// True if a TCP connection to the first bootstrap server succeeds within 3 s.
inline bool BrokerReachable(std::string* why) {
  std::string first = Brokers().substr(0, Brokers().find(','));
  size_t colon = first.rfind(':');
  if (colon == std::string::npos) {
    *why = "SUIJI_KAFKA_BROKERS must be host:port, got " + first;
    return false;
  }
  std::string host = first.substr(0, colon), port = first.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    *why = "cannot resolve " + host;
    return false;
  }
  bool ok = false;
  for (addrinfo* a = res; a != nullptr && !ok; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 3000) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
      } else {
        rc = -1;
      }
    }
    ok = rc == 0;
    ::close(fd);
  }
  freeaddrinfo(res);
  if (!ok) *why = "connection refused or timed out";
  return ok;
}

// A topic name no other test, run or process uses.
inline std::string UniqueTopic(const std::string& test) {
  static std::atomic<int> counter{0};
  std::string clean;
  for (char c : test) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    clean += ok ? c : '-';
  }
  if (clean.size() > 80) clean.resize(80);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return "suiji-test-" + clean + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + std::to_string(now);
}

inline KafkaOptions OptionsFor(const std::string& topic) {
  KafkaOptions o;
  o.brokers = Brokers();
  o.topic = topic;
  o.timeout_ms = 15000;
  return o;
}

// Deletes topics (best effort: the test broker should not pile up test topics, which slow
// its restarts).
inline void RawDeleteTopics(const std::vector<std::string>& topics) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512] = {};
  if (rd_kafka_conf_set(conf, "bootstrap.servers", Brokers().c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return;
  }
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

// Every Kafka test derives from this: a broker must answer (else the test FAILS with how
// to start one) and each test gets its own topic, deleted afterwards.
class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(BrokerReachable(&why)) << StartHint() << " (" << why << ")";
    reachable_ = true;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    topic_ = UniqueTopic(std::string(info->test_suite_name()) + "-" + info->name());
  }
  void TearDown() override {
    if (reachable_) RawDeleteTopics({topic_, topic_ + ".checkpoints"});
  }
  bool reachable_ = false;
  KafkaOptions Options() const { return OptionsFor(topic_); }
  StatusOr<std::unique_ptr<LogStorage>> Open(KafkaMode mode) const {
    return OpenKafkaStorage(Options(), mode);
  }
  std::unique_ptr<LogStorage> MustOpen(KafkaMode mode) const {
    auto s = Open(mode);
    if (!s.ok()) {
      ADD_FAILURE() << "open " << topic_ << ": " << s.status().ToString();
      return nullptr;
    }
    return std::move(*s);
  }

  std::string topic_;
};

// ---- raw librdkafka, for states the backend never produces ----

// A client from key=value properties; nullptr (and a failure) on error.
inline rd_kafka_t* RawClient(rd_kafka_type_t type,
                             const std::vector<std::pair<std::string, std::string>>& props) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512] = {};
  std::vector<std::pair<std::string, std::string>> all = {{"bootstrap.servers", Brokers()}};
  all.insert(all.end(), props.begin(), props.end());
  for (const auto& [k, v] : all) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << k << ": " << err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    ADD_FAILURE() << "rd_kafka_new: " << err;
    rd_kafka_conf_destroy(conf);
  }
  return rk;
}

// Creates `topic` with `partitions` partitions (replication 1).
inline bool RawCreateTopic(const std::string& topic, int partitions) {
  rd_kafka_t* rk = RawClient(RD_KAFKA_PRODUCER, {});
  if (rk == nullptr) return false;
  char err[512] = {};
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 20000);
  bool ok = false;
  if (ev != nullptr) {
    size_t n = 0;
    const rd_kafka_topic_result_t** r =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    ok = n == 1 && rd_kafka_topic_result_error(r[0]) == RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return ok;
}

inline rd_kafka_vu_t Vu(rd_kafka_vtype_t type) {
  rd_kafka_vu_t v{};
  v.vtype = type;
  return v;
}

// Produces (key = u64 BE keys[i], value = values[i]) to partition 0 with `rk`.
inline bool RawProduce(rd_kafka_t* rk, const std::string& topic, const std::vector<uint64_t>& keys,
                       const std::vector<Bytes>& values) {
  for (size_t i = 0; i < keys.size(); ++i) {
    uint8_t key[8];
    PutU64BE(keys[i], key);
    rd_kafka_vu_t vus[5] = {Vu(RD_KAFKA_VTYPE_TOPIC), Vu(RD_KAFKA_VTYPE_PARTITION),
                            Vu(RD_KAFKA_VTYPE_KEY), Vu(RD_KAFKA_VTYPE_VALUE),
                            Vu(RD_KAFKA_VTYPE_MSGFLAGS)};
    vus[0].u.cstr = topic.c_str();
    vus[1].u.i32 = 0;
    vus[2].u.mem.ptr = key;
    vus[2].u.mem.size = 8;
    vus[3].u.mem.ptr = const_cast<uint8_t*>(values[i].data());
    vus[3].u.mem.size = values[i].size();
    vus[4].u.i = RD_KAFKA_MSG_F_COPY;
    rd_kafka_error_t* e = rd_kafka_produceva(rk, vus, 5);
    if (e != nullptr) {
      ADD_FAILURE() << "produce: " << rd_kafka_error_string(e);
      rd_kafka_error_destroy(e);
      return false;
    }
  }
  return rd_kafka_flush(rk, 20000) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

// Writes keys with a plain (non-transactional) producer, as a misconfigured or malicious
// client might.
inline bool RawProducePlain(const std::string& topic, const std::vector<uint64_t>& keys) {
  rd_kafka_t* rk = RawClient(RD_KAFKA_PRODUCER, {{"acks", "all"}});
  if (rk == nullptr) return false;
  std::vector<Bytes> values;
  for (uint64_t k : keys) {
    std::string s = "raw-" + std::to_string(k);
    values.emplace_back(s.begin(), s.end());
  }
  bool ok = RawProduce(rk, topic, keys, values);
  rd_kafka_destroy(rk);
  return ok;
}

}  // namespace suiji::kafka_test
