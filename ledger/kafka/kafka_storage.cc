#include "ledger/kafka/kafka_storage.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

namespace suiji {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kCheckpointSuffix = ".checkpoints";
// Delivery reports carry (transaction generation << 32 | index) in the message opaque.
static_assert(sizeof(uintptr_t) >= 8, "a 64-bit platform is assumed");
constexpr size_t kMaxTopicLength = 200;  // Kafka allows 249; leaves room for the suffix
// Probe: one metadata round trip, bounded so that a node notices a dead broker within a few
// seconds (a live broker answers in milliseconds, even a loaded one well within this).
constexpr int kProbeTimeoutMs = 3000;
// A commit is waited for in steps of this length, so that it can stop early once a probe
// (from another thread) has found the brokers unreachable.
constexpr int kCommitStepMs = 500;

// ---- librdkafka handles, released on every path out ----

struct ClientDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using ClientPtr = std::unique_ptr<rd_kafka_t, ClientDeleter>;
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

class Deadline {
 public:
  explicit Deadline(int ms) : end_(Clock::now() + std::chrono::milliseconds(ms)) {}
  bool expired() const { return Clock::now() >= end_; }
  // At least 1 ms: librdkafka reads 0 as "do not wait" and -1 as "forever".
  int remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 1, 1 << 30));
  }

 private:
  Clock::time_point end_;
};

bool IsFencedCode(rd_kafka_resp_err_t e) {
  return e == RD_KAFKA_RESP_ERR__FENCED || e == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
         e == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
}

Status KafkaError(rd_kafka_resp_err_t e, const std::string& what) {
  std::string msg = what + ": " + rd_kafka_err2str(e);
  switch (e) {
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return NotFound(msg);
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
      return PermissionDenied(msg);
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return InvalidArgument(msg);
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      return DataLoss(msg + " (records the ledger needs are gone: was retention enabled?)");
    default:
      return Unavailable(msg);
  }
}

Status SetConf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512] = {};
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    return InvalidArgument("Kafka client property " + key + "=" + value + ": " + err);
  }
  return OkStatus();
}

using Props = std::vector<std::pair<std::string, std::string>>;

// A client's properties: the common defaults and `defaults`, then the caller's
// client_config, then `fixed` (which client_config may not change).
StatusOr<ConfPtr> MakeConf(const KafkaOptions& o, const Props& defaults, const Props& fixed) {
  ConfPtr conf(rd_kafka_conf_new());
  const Props common = {
      {"bootstrap.servers", o.brokers},
      {"client.id", "suiji"},
      {"log.connection.close", "false"},
      // Come back quickly after a broker restart (the default backs off up to 10 s).
      {"reconnect.backoff.ms", "50"},
      {"reconnect.backoff.max.ms", "1000"},
      {"socket.keepalive.enable", "true"},
  };
  for (const auto& [k, v] : common) SUIJI_RETURN_IF_ERROR(SetConf(conf.get(), k, v));
  for (const auto& [k, v] : defaults) SUIJI_RETURN_IF_ERROR(SetConf(conf.get(), k, v));
  for (const auto& [k, v] : o.client_config) {
    for (const auto& [fk, fv] : fixed) {
      if (k == fk && v != fv) {
        return InvalidArgument("client_config may not set " + k + " (the backend needs " + fk +
                               "=" + fv + ")");
      }
    }
    SUIJI_RETURN_IF_ERROR(SetConf(conf.get(), k, v));
  }
  for (const auto& [k, v] : fixed) SUIJI_RETURN_IF_ERROR(SetConf(conf.get(), k, v));
  return conf;
}

StatusOr<ClientPtr> NewClient(rd_kafka_type_t type, ConfPtr conf) {
  char err[512] = {};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (rk == nullptr) return InvalidArgument(std::string("cannot create a Kafka client: ") + err);
  (void)conf.release();  // rd_kafka_new took it
  return ClientPtr(rk);
}

// The read side: no consumer group is joined and no offset is ever committed (librdkafka
// wants a group.id for assign(), but does not use it without subscribe() or commits).
StatusOr<ClientPtr> NewConsumer(const KafkaOptions& o) {
  SUIJI_ASSIGN_OR_RETURN(ConfPtr conf,
                         MakeConf(o,
                                  {
                                      // At the end of the log, answer "no more" quickly.
                                      {"fetch.wait.max.ms", "20"},
                                  },
                                  {
                                      {"group.id", "suiji-reader"},
                                      {"enable.auto.commit", "false"},
                                      {"enable.auto.offset.store", "false"},
                                      {"isolation.level", "read_committed"},
                                      {"enable.partition.eof", "true"},
                                      {"auto.offset.reset", "error"},
                                      {"allow.auto.create.topics", "false"},
                                  }));
  return NewClient(RD_KAFKA_CONSUMER, std::move(conf));
}

// Sequence -> offset, sampled. Offsets are not sequences (each transaction's commit marker
// takes an offset), so the offset of every kStride-th entry is kept: 8 bytes per 64 entries
// (12.5 MB per 100 million), whatever the batch sizes. A read starts at the sample at or
// before its first entry and skips at most kStride - 1 entries, checking every sequence on
// the way.
class OffsetIndex {
 public:
  static constexpr uint64_t kStride = 64;

  uint64_t size() const { return size_; }
  // The offset of the last entry indexed (-1 if none): every entry at or before it is in.
  int64_t last_offset() const { return last_offset_; }
  void Add(int64_t offset) {
    if (size_ % kStride == 0) samples_.push_back(offset);
    last_offset_ = offset;
    ++size_;
  }
  // The sample at or before `seq` (< size()): its sequence and offset.
  std::pair<uint64_t, int64_t> SampleFor(uint64_t seq) const {
    const uint64_t i = seq / kStride;
    return {i * kStride, samples_[i]};
  }

 private:
  std::vector<int64_t> samples_;
  uint64_t size_ = 0;
  int64_t last_offset_ = -1;
};

ByteView KeyOf(const rd_kafka_message_t* m) {
  return ByteView(static_cast<const uint8_t*>(m->key), m->key_len);
}
ByteView ValueOf(const rd_kafka_message_t* m) {
  return ByteView(static_cast<const uint8_t*>(m->payload), m->len);
}

Status ValidateOptions(const KafkaOptions& o) {
  if (o.brokers.empty()) return InvalidArgument("Kafka brokers (bootstrap servers) not set");
  if (o.topic.empty() || o.topic.size() > kMaxTopicLength) {
    return InvalidArgument("Kafka topic must be 1 to 200 characters");
  }
  for (char c : o.topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return InvalidArgument("Kafka topic may hold only letters, digits and . _ - (got '" +
                             std::string(1, c) + "')");
    }
  }
  if (o.topic == "." || o.topic == "..") return InvalidArgument("invalid Kafka topic name");
  if (o.timeout_ms < 100) return InvalidArgument("timeout_ms must be at least 100");
  if (o.transaction_timeout_ms < 1000) {
    return InvalidArgument("transaction_timeout_ms must be at least 1000");
  }
  if (o.replication_factor < 1 || o.min_insync_replicas < 1 ||
      o.min_insync_replicas > o.replication_factor) {
    return InvalidArgument("need 1 <= min_insync_replicas <= replication_factor");
  }
  return OkStatus();
}

class KafkaStorage final : public LogStorage {
 public:
  KafkaStorage(KafkaOptions options, bool writer)
      : o_(std::move(options)),
        writer_(writer),
        entries_topic_(o_.topic),
        checkpoints_topic_(o_.topic + std::string(kCheckpointSuffix)),
        txn_id_(o_.transactional_id.empty() ? "suiji-writer-" + o_.topic : o_.transactional_id) {}

  ~KafkaStorage() override {
    if (probe_rkt_ != nullptr) rd_kafka_topic_destroy(probe_rkt_);
    if (entries_rkt_ != nullptr) rd_kafka_topic_destroy(entries_rkt_);
    if (checkpoints_rkt_ != nullptr) rd_kafka_topic_destroy(checkpoints_rkt_);
    // No group was joined: closing only stops the fetchers.
    if (consumer_) (void)rd_kafka_consumer_close(consumer_.get());
    if (cp_consumer_) (void)rd_kafka_consumer_close(cp_consumer_.get());
    // An unfinished transaction is aborted by the next writer's init_transactions, or by the
    // broker after transaction.timeout.ms.
  }

  Status Init();

  bool writable() const override { return writer_; }
  StatusOr<uint64_t> Size() const override;
  Status Append(uint64_t expected_next, std::span<const ByteView> batch) override;
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override;
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override;
  Status PutCheckpoint(uint64_t size, std::string_view note) override;
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override;
  Status Probe() const override;
  void Abandon() override;

 private:
  enum class TxnState { kIdle, kCommitPending, kAbortPending, kDead };
  // The transaction in flight (or whose commit is not confirmed yet).
  struct Pending {
    bool entries = true;           // else one checkpoint
    uint64_t first = 0;            // sequence of the first entry
    std::vector<int64_t> offsets;  // from delivery reports; -1 until delivered
    size_t produced = 0;           // messages handed to librdkafka
    size_t reports = 0;            // delivery reports seen, failed ones included
    uint64_t checkpoint_size = 0;
    std::string checkpoint_note;
  };

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);

  Status CheckTopic(const std::string& topic, bool wait_for_leader) const;
  Status EnsureTopics();
  Status InitTransactions();

  // Write side; write_mu_ held.
  Status SettleLocked();
  Status BeginLocked(Pending pending);
  Status ProduceLocked(rd_kafka_topic_t* rkt, ByteView key, ByteView value, size_t i);
  Status CommitLocked();
  // Our own abort (a failed source, a refused message) waits for the transaction's first
  // delivery report first; see AwaitFirstReportLocked.
  enum class AbortCause { kOurs, kAbortableError };
  Status AbortLocked(AbortCause cause = AbortCause::kAbortableError);
  void AwaitFirstReportLocked();
  Status CommittedLocked();
  Status TxnErrorLocked(const rd_kafka_error_t* e, const std::string& what);
  Status DeadLocked(rd_kafka_resp_err_t code, const std::string& what);
  // Destroys the producer (so that nothing it began can complete later) and ends this
  // handle's writing with `why` as the status of later calls.
  void AbandonLocked(const std::string& why);
  // kUnavailable while the last Probe found the brokers unreachable (then a write or read
  // fails at once instead of waiting timeout_ms), else OK.
  Status ReachableNow() const;

  // Read side. Consumes partition 0 of `topic` from `start` until fn returns false or the end
  // of the partition (the last stable offset, read_committed) is reached, whose offset goes
  // to *end. kUnavailable if no progress is made for timeout_ms.
  Status Consume(rd_kafka_t* c, const std::string& topic, int64_t start,
                 const std::function<bool(const rd_kafka_message_t*)>& fn, int64_t* end) const;
  // The partition's low and high watermarks, retrying transient errors (a leader moving, a
  // topic just created, a broker restarting) for up to timeout_ms.
  Status Watermarks(rd_kafka_t* c, const std::string& topic, int64_t* low, int64_t* high) const;
  // Waits (up to timeout_ms) until the last stable offset of `topic` passes `offset`, i.e.
  // read_committed readers see it. (With isolation.level=read_committed, ListOffsets -- the
  // watermark query -- answers the last stable offset.)
  void WaitVisible(rd_kafka_t* c, const std::string& topic, int64_t offset) const;
  // Extends the index with the committed entries after scan_pos_; consumer_mu_ held.
  Status CatchUpLocked() const;
  uint64_t IndexSize() const {
    std::lock_guard lock(index_mu_);
    return index_.size();
  }

  const KafkaOptions o_;
  const bool writer_;
  const std::string entries_topic_;
  const std::string checkpoints_topic_;
  const std::string txn_id_;

  // The producer (writer only), its topic handles and its transaction state.
  std::mutex write_mu_;
  ClientPtr producer_;
  rd_kafka_topic_t* entries_rkt_ = nullptr;
  rd_kafka_topic_t* checkpoints_rkt_ = nullptr;
  TxnState state_ = TxnState::kIdle;
  Status dead_status_;
  Pending pending_;
  uint64_t txn_generation_ = 0;  // tags delivery reports with their transaction
  std::atomic<uint64_t> next_{0};

  // What the last Probe found (written by Probe, read by every call).
  mutable std::atomic<bool> unreachable_{false};
  mutable std::mutex probe_mu_;
  mutable std::string probe_error_;  // probe_mu_
  rd_kafka_topic_t* probe_rkt_ = nullptr;  // the entries topic, on consumer_

  // WaitVisible's watermark query, run on a thread of its own with a client of its own (see
  // WaitVisible); shared with that thread, which may outlive this storage.
  struct VisibilityQuery {
    ClientPtr client;
    std::mutex mu;
    std::condition_variable cv;
    bool busy = false;  // a query is running (or stuck)
    uint64_t finished = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    int64_t high = -1;
  };
  std::shared_ptr<VisibilityQuery> visibility_;

  // The entries consumer.
  mutable std::mutex consumer_mu_;
  ClientPtr consumer_;
  // The index and how far the topic has been scanned (the next offset to look at).
  mutable std::mutex index_mu_;
  mutable OffsetIndex index_;
  mutable int64_t scan_pos_ = 0;

  // Checkpoints: their consumer and all notes seen, by tree size.
  mutable std::mutex cp_mu_;
  ClientPtr cp_consumer_;
  mutable std::map<uint64_t, std::string> checkpoints_;
  mutable int64_t cp_scan_pos_ = 0;
};

// ---- opening ----

Status KafkaStorage::Init() {
  SUIJI_ASSIGN_OR_RETURN(consumer_, NewConsumer(o_));
  SUIJI_ASSIGN_OR_RETURN(cp_consumer_, NewConsumer(o_));
  probe_rkt_ = rd_kafka_topic_new(consumer_.get(), entries_topic_.c_str(), nullptr);
  if (probe_rkt_ == nullptr) return Internal("cannot create a topic handle for " + entries_topic_);
  if (writer_) {
    visibility_ = std::make_shared<VisibilityQuery>();
    SUIJI_ASSIGN_OR_RETURN(visibility_->client, NewConsumer(o_));
  }
  if (writer_) {
    SUIJI_ASSIGN_OR_RETURN(
        ConfPtr conf,
        MakeConf(o_,
                 {
                     // A commit flushes at once anyway; batches form while requests fly.
                     {"linger.ms", "1"},
                 },
                 {
                     {"enable.idempotence", "true"},
                     {"acks", "all"},
                     {"transactional.id", txn_id_},
                     {"transaction.timeout.ms", std::to_string(o_.transaction_timeout_ms)},
                     {"allow.auto.create.topics", "false"},
                 }));
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaStorage::OnDelivery);
    rd_kafka_conf_set_opaque(conf.get(), this);
    SUIJI_ASSIGN_OR_RETURN(producer_, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));
    if (o_.create_topics) SUIJI_RETURN_IF_ERROR(EnsureTopics());
  }
  SUIJI_RETURN_IF_ERROR(CheckTopic(entries_topic_, writer_));
  SUIJI_RETURN_IF_ERROR(CheckTopic(checkpoints_topic_, writer_));
  if (writer_) {
    // Topic handles with their metadata loaded now: otherwise the first message to a topic
    // waits for librdkafka's 1 s metadata scan.
    entries_rkt_ = rd_kafka_topic_new(producer_.get(), entries_topic_.c_str(), nullptr);
    checkpoints_rkt_ = rd_kafka_topic_new(producer_.get(), checkpoints_topic_.c_str(), nullptr);
    if (entries_rkt_ == nullptr || checkpoints_rkt_ == nullptr) {
      return Internal("cannot create producer topic handles");
    }
    for (rd_kafka_topic_t* rkt : {entries_rkt_, checkpoints_rkt_}) {
      const rd_kafka_metadata_t* md = nullptr;
      if (rd_kafka_metadata(producer_.get(), 0, rkt, &md, o_.timeout_ms) ==
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_metadata_destroy(md);
      }
    }
  }
  // Fence earlier writers and settle their last transaction before reading the end.
  if (writer_) SUIJI_RETURN_IF_ERROR(InitTransactions());
  std::lock_guard lock(consumer_mu_);
  SUIJI_RETURN_IF_ERROR(CatchUpLocked());
  next_ = IndexSize();
  return OkStatus();
}

// kNotFound if missing; kFailedPrecondition unless exactly one partition. With
// wait_for_leader, waits (up to timeout_ms) until the partition has a leader.
Status KafkaStorage::CheckTopic(const std::string& topic, bool wait_for_leader) const {
  Deadline deadline(o_.timeout_ms);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(consumer_.get(), topic.c_str(), nullptr);
  if (rkt == nullptr) return InvalidArgument("bad topic " + topic);
  Status out;
  while (true) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(consumer_.get(), 0, rkt, &md, deadline.remaining_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      out = KafkaError(err, "metadata for topic " + topic + " from " + o_.brokers);
      if (out.code() == StatusCode::kUnavailable && !deadline.expired()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      break;
    }
    bool retry = false;
    if (md->topic_cnt != 1) {
      out = Unavailable("metadata for topic " + topic + ": no answer");
      retry = true;
    } else if (md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      out = KafkaError(md->topics[0].err, "topic " + topic);
      // Just created by this writer: the broker may not know it for a moment.
      retry = (wait_for_leader && o_.create_topics) || out.code() == StatusCode::kUnavailable;
    } else if (md->topics[0].partition_cnt != 1) {
      out = FailedPrecondition("topic " + topic + " has " +
                               std::to_string(md->topics[0].partition_cnt) +
                               " partitions; a ledger needs exactly 1 (a total order)");
    } else if (wait_for_leader && md->topics[0].partitions[0].leader < 0) {
      out = Unavailable("topic " + topic + " has no leader");
      retry = true;
    } else {
      out = OkStatus();
    }
    rd_kafka_metadata_destroy(md);
    if (!retry || deadline.expired()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  rd_kafka_topic_destroy(rkt);
  if (out.code() == StatusCode::kNotFound) {
    return NotFound("no ledger in Kafka topic " + topic + " at " + o_.brokers +
                    " (the topic does not exist)");
  }
  return out;
}

// Creates the two topics if missing (an existing topic is left as it is; CheckTopic checks
// its partition count).
Status KafkaStorage::EnsureTopics() {
  const std::string isr = std::to_string(o_.min_insync_replicas);
  char err[512] = {};
  std::vector<rd_kafka_NewTopic_t*> topics;
  auto free_topics = [&] {
    for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
  };
  for (const std::string* name : {&entries_topic_, &checkpoints_topic_}) {
    rd_kafka_NewTopic_t* t =
        rd_kafka_NewTopic_new(name->c_str(), 1, o_.replication_factor, err, sizeof err);
    if (t == nullptr) {
      free_topics();
      return InvalidArgument("topic " + *name + ": " + err);
    }
    topics.push_back(t);
    const std::pair<const char*, const char*> configs[] = {
        {"cleanup.policy", "delete"},  // never compacted: every entry is kept
        {"retention.ms", "-1"},        // never expired
        {"retention.bytes", "-1"},
        {"min.insync.replicas", isr.c_str()},
        {"unclean.leader.election.enable", "false"},
    };
    for (const auto& [k, v] : configs) {
      rd_kafka_resp_err_t e = rd_kafka_NewTopic_set_config(t, k, v);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        free_topics();
        return KafkaError(e, std::string("topic config ") + k);
      }
    }
    for (const auto& [k, v] : o_.topic_config) {
      if (k == "cleanup.policy" || k == "retention.ms" || k == "retention.bytes") {
        free_topics();
        return InvalidArgument("topic_config may not set " + k +
                               " (a ledger is never compacted nor expired)");
      }
      rd_kafka_resp_err_t e = rd_kafka_NewTopic_set_config(t, k.c_str(), v.c_str());
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        free_topics();
        return KafkaError(e, "topic config " + k);
      }
    }
  }
  rd_kafka_AdminOptions_t* ao =
      rd_kafka_AdminOptions_new(producer_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  (void)rd_kafka_AdminOptions_set_request_timeout(ao, o_.timeout_ms, err, sizeof err);
  (void)rd_kafka_AdminOptions_set_operation_timeout(ao, o_.timeout_ms, err, sizeof err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(producer_.get());
  rd_kafka_CreateTopics(producer_.get(), topics.data(), topics.size(), ao, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, o_.timeout_ms + 5000);
  Status out;
  if (ev == nullptr) {
    out = Unavailable("creating topics " + entries_topic_ + " and " + checkpoints_topic_ + " at " +
                      o_.brokers + ": timed out");
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out = KafkaError(rd_kafka_event_error(ev), "creating topics at " + o_.brokers);
  } else {
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n && out.ok(); ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* detail = rd_kafka_topic_result_error_string(results[i]);
        out =
            KafkaError(e, std::string("creating topic ") + rd_kafka_topic_result_name(results[i]) +
                              (detail != nullptr ? std::string(" (") + detail + ")" : ""));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_AdminOptions_destroy(ao);
  free_topics();
  return out;
}

Status KafkaStorage::InitTransactions() {
  Deadline deadline(o_.timeout_ms);
  while (true) {
    ErrorPtr e(rd_kafka_init_transactions(producer_.get(), deadline.remaining_ms()));
    if (!e) return OkStatus();
    const std::string what = "init_transactions (transactional.id " + txn_id_ + ") at " +
                             o_.brokers + ": " + rd_kafka_error_string(e.get());
    if (rd_kafka_error_is_retriable(e.get()) && !deadline.expired()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (rd_kafka_error_is_fatal(e.get())) {
      return KafkaError(rd_kafka_error_code(e.get()), what).code() == StatusCode::kPermissionDenied
                 ? PermissionDenied(what)
                 : FailedPrecondition(what);
    }
    return Unavailable(what);
  }
}

// ---- the write path ----

void KafkaStorage::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  // Served inside commit/abort/poll calls, all made with write_mu_ held.
  auto* self = static_cast<KafkaStorage*>(opaque);
  const auto tag = reinterpret_cast<uintptr_t>(m->_private);
  const uint64_t generation = tag >> 32;
  const size_t i = tag & 0xffffffffu;
  if (generation != (self->txn_generation_ & 0xffffffffu)) return;  // an older transaction
  // A failed delivery fails the commit; only successes matter here.
  Pending& p = self->pending_;
  ++p.reports;
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && i < p.offsets.size()) p.offsets[i] = m->offset;
}

Status KafkaStorage::DeadLocked(rd_kafka_resp_err_t code, const std::string& what) {
  char buf[512] = {};
  rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(producer_.get(), buf, sizeof buf);
  if (fatal == RD_KAFKA_RESP_ERR_NO_ERROR) fatal = code;
  const std::string detail = buf[0] != '\0' ? std::string(buf) : what;
  if (IsFencedCode(fatal) || IsFencedCode(code)) {
    dead_status_ =
        FailedPrecondition("fenced: another writer took over this ledger (transactional.id " +
                           txn_id_ + "): " + detail);
  } else {
    dead_status_ = FailedPrecondition("the Kafka producer failed fatally (" + what + ": " + detail +
                                      "); open the storage again");
  }
  state_ = TxnState::kDead;
  return dead_status_;
}

// An error from a transactional call: fatal (fenced) -> dead; abortable -> aborted,
// kUnavailable; else (retriable without a pending outcome) -> kUnavailable.
Status KafkaStorage::TxnErrorLocked(const rd_kafka_error_t* e, const std::string& what) {
  const std::string msg = what + ": " + rd_kafka_error_string(e);
  if (rd_kafka_error_is_fatal(e)) return DeadLocked(rd_kafka_error_code(e), msg);
  if (rd_kafka_error_txn_requires_abort(e)) {
    SUIJI_RETURN_IF_ERROR(AbortLocked());
    return Unavailable(msg + " (transaction aborted: nothing was written; retry)");
  }
  if (rd_kafka_error_is_retriable(e)) return Unavailable(msg);
  return DeadLocked(rd_kafka_error_code(e), msg);
}

// Finishes whatever an earlier call left unconfirmed. OK when the producer is idle.
Status KafkaStorage::SettleLocked() {
  switch (state_) {
    case TxnState::kIdle:
      return OkStatus();
    case TxnState::kDead:
      return dead_status_;
    case TxnState::kCommitPending: {
      Status s = CommitLocked();
      // Committed (applied) or aborted (nothing written): either way settled.
      return state_ == TxnState::kIdle ? OkStatus() : s;
    }
    case TxnState::kAbortPending: {
      Status s = AbortLocked();
      return state_ == TxnState::kIdle ? OkStatus() : s;
    }
  }
  return Internal("unknown transaction state");
}

Status KafkaStorage::BeginLocked(Pending pending) {
  ErrorPtr e(rd_kafka_begin_transaction(producer_.get()));
  if (e) return TxnErrorLocked(e.get(), "begin transaction");
  ++txn_generation_;
  pending_ = std::move(pending);
  return OkStatus();
}

Status KafkaStorage::ProduceLocked(rd_kafka_topic_t* rkt, ByteView key, ByteView value, size_t i) {
  const std::string topic = rd_kafka_topic_name(rkt);
  const uintptr_t tag = ((txn_generation_ & 0xffffffffu) << 32) | (i & 0xffffffffu);
  rd_kafka_vu_t vus[6] = {};
  vus[0].vtype = RD_KAFKA_VTYPE_RKT;
  vus[0].u.rkt = rkt;
  vus[1].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[1].u.i32 = 0;
  vus[2].vtype = RD_KAFKA_VTYPE_KEY;
  vus[2].u.mem.ptr = const_cast<uint8_t*>(key.data());
  vus[2].u.mem.size = key.size();
  vus[3].vtype = RD_KAFKA_VTYPE_VALUE;
  vus[3].u.mem.ptr = const_cast<uint8_t*>(value.data());
  vus[3].u.mem.size = value.size();
  vus[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vus[4].u.i = RD_KAFKA_MSG_F_COPY;  // the caller's buffers may go before delivery
  vus[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vus[5].u.ptr = reinterpret_cast<void*>(tag);
  Deadline deadline(o_.timeout_ms);
  while (true) {
    ErrorPtr e(rd_kafka_produceva(producer_.get(), vus, 6));
    if (!e) {
      ++pending_.produced;
      return OkStatus();
    }
    const rd_kafka_resp_err_t code = rd_kafka_error_code(e.get());
    if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL && !deadline.expired()) {
      rd_kafka_poll(producer_.get(), 10);
      continue;
    }
    const std::string what = "produce to " + topic + ": " + rd_kafka_error_string(e.get());
    if (rd_kafka_error_is_fatal(e.get())) return DeadLocked(code, what);
    Status s = KafkaError(code, what);
    SUIJI_RETURN_IF_ERROR(AbortLocked(AbortCause::kOurs));
    return s.code() == StatusCode::kInvalidArgument
               ? s
               : Unavailable(what + " (transaction aborted: nothing was written; retry)");
  }
}

Status KafkaStorage::CommitLocked() {
  Deadline deadline(o_.timeout_ms);
  while (true) {
    ErrorPtr e(rd_kafka_commit_transaction(producer_.get(),
                                           std::min(deadline.remaining_ms(), kCommitStepMs)));
    if (!e) return CommittedLocked();
    if (rd_kafka_error_is_retriable(e.get()) && !rd_kafka_error_is_fatal(e.get()) &&
        !rd_kafka_error_txn_requires_abort(e.get())) {
      if (Status reach = ReachableNow(); !reach.ok()) {
        // The brokers are gone (a probe says so): give up now rather than after timeout_ms.
        // librdkafka would finish the commit in the background once they answer again, so
        // the producer goes with it. It sends the commit request only after every message
        // was acknowledged: while one is not, the transaction can never commit, and the next
        // writer's init_transactions (or the broker, after transaction_timeout_ms) aborts it.
        const bool all_acknowledged =
            pending_.produced > 0 && pending_.reports >= pending_.produced &&
            std::find(pending_.offsets.begin(), pending_.offsets.end(), -1) == pending_.offsets.end();
        const std::string outcome =
            all_acknowledged
                ? "the outcome is not known: every entry had reached the broker and the commit "
                  "may have too; the next writer to open the ledger sees which"
                : "nothing was written: some entries were never acknowledged, so the "
                  "transaction cannot commit and is aborted when a writer next opens the ledger";
        AbandonLocked("this writer gave up a commit when the Kafka brokers became unreachable (" +
                      reach.message() + "); open the storage again");
        return Unavailable("commit abandoned: " + reach.message() + "; " + outcome);
      }
      if (!deadline.expired()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      state_ = TxnState::kCommitPending;
      return Unavailable(std::string("commit not confirmed within ") +
                         std::to_string(o_.timeout_ms) + " ms (" + rd_kafka_error_string(e.get()) +
                         "); the next call on this storage settles it: retry");
    }
    return TxnErrorLocked(e.get(), "commit transaction");
  }
}

// Before aborting a transaction of ours that has messages, wait until librdkafka reports on
// one of them. librdkafka counts the partition's registration with the transaction
// (AddPartitionsToTxn) as done once it is sent, and holds the messages until it succeeds. If
// the coordinator is still completing the previous commit, it answers that registration with
// CONCURRENT_TRANSACTIONS and librdkafka retries it later; an abort sent in between finds the
// previous transaction complete and nothing begun, and the coordinator refuses it with
// INVALID_TXN_STATE, a fatal error that ends the producer (librdkafka#4849; reproduced by
// KafkaStorageTest.AbortsRightAfterTheFirstMessageLeaveTheWriterUsable). A delivery report
// (a message acknowledged, or failed) means the registration was answered. Bounded by
// timeout_ms; the aborted messages stay invisible to read_committed readers either way.
void KafkaStorage::AwaitFirstReportLocked() {
  if (pending_.produced == 0) return;  // nothing registered: librdkafka aborts locally
  for (Deadline d(o_.timeout_ms); pending_.reports == 0 && !d.expired() && !unreachable_;) {
    rd_kafka_poll(producer_.get(), 5);
  }
}

Status KafkaStorage::AbortLocked(AbortCause cause) {
  if (cause == AbortCause::kOurs) AwaitFirstReportLocked();
  Deadline deadline(o_.timeout_ms);
  while (true) {
    ErrorPtr e(rd_kafka_abort_transaction(producer_.get(), deadline.remaining_ms()));
    if (!e) {
      rd_kafka_poll(producer_.get(), 0);  // drop the purged messages' reports
      state_ = TxnState::kIdle;
      pending_ = Pending{};
      return OkStatus();
    }
    if (rd_kafka_error_is_fatal(e.get())) {
      return DeadLocked(rd_kafka_error_code(e.get()),
                        std::string("abort transaction: ") + rd_kafka_error_string(e.get()));
    }
    if (rd_kafka_error_is_retriable(e.get())) {
      if (!deadline.expired()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      state_ = TxnState::kAbortPending;
      return Unavailable(std::string("abort not confirmed (") + rd_kafka_error_string(e.get()) +
                         "); nothing was written; retry");
    }
    return DeadLocked(rd_kafka_error_code(e.get()),
                      std::string("abort transaction: ") + rd_kafka_error_string(e.get()));
  }
}

// The transaction in pending_ is committed: make it visible to this handle.
Status KafkaStorage::CommittedLocked() {
  state_ = TxnState::kIdle;
  auto missing = [this] {
    return std::find(pending_.offsets.begin(), pending_.offsets.end(), -1) !=
           pending_.offsets.end();
  };
  // commit_transaction flushed, which served the delivery reports; wait for stragglers.
  for (Deadline d(1000); missing() && !d.expired();) rd_kafka_poll(producer_.get(), 10);
  const bool complete = !missing();
  Pending p = std::move(pending_);
  pending_ = Pending{};
  // The commit returns once the coordinator has logged it; the commit marker reaches the
  // partition a moment later, and only then do read_committed readers see the batch. Wait
  // for that, so that an acknowledged append is visible to every reader from now on.
  if (complete) {
    WaitVisible(p.entries ? consumer_.get() : cp_consumer_.get(),
                p.entries ? entries_topic_ : checkpoints_topic_, p.offsets.back());
  }
  if (!p.entries) {
    std::lock_guard lock(cp_mu_);
    checkpoints_[p.checkpoint_size] = std::move(p.checkpoint_note);
    return OkStatus();
  }
  {
    std::lock_guard lock(index_mu_);
    // Offsets known and the index up to date: extend it. Otherwise the read side catches
    // up from the topic when it needs these entries.
    if (complete && index_.size() == p.first) {
      for (int64_t off : p.offsets) index_.Add(off);
      scan_pos_ = index_.last_offset() + 1;
    }
  }
  next_ = p.first + p.offsets.size();
  return OkStatus();
}

Status KafkaStorage::Append(uint64_t expected_next, std::span<const ByteView> batch) {
  return AppendFrom(expected_next, batch.size(),
                    [&](uint64_t i) -> StatusOr<ByteView> { return batch[i]; });
}

// One transaction for the whole batch, produced as it comes: librdkafka copies each entry
// into its queue (and sends while the transaction is open), so the caller never holds the
// batch.
Status KafkaStorage::AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) {
  if (!writer_) return FailedPrecondition("storage opened read-only");
  if (count > 0xffffffffu) return InvalidArgument("a batch holds at most 2^32 - 1 entries");
  std::lock_guard lock(write_mu_);
  if (state_ != TxnState::kDead) {
    if (Status r = ReachableNow(); !r.ok()) return Unavailable(r.message() + "; nothing was written");
  }
  SUIJI_RETURN_IF_ERROR(SettleLocked());
  const uint64_t first = next_.load();
  if (expected_next != first) {
    return Aborted("stale expected sequence " + std::to_string(expected_next) +
                   ": the log's next sequence is " + std::to_string(first));
  }
  if (count == 0) return OkStatus();
  Pending p;
  p.entries = true;
  p.first = first;
  p.offsets.assign(static_cast<size_t>(count), -1);
  SUIJI_RETURN_IF_ERROR(BeginLocked(std::move(p)));
  for (uint64_t i = 0; i < count; ++i) {
    StatusOr<ByteView> entry = next(i);
    if (!entry.ok()) {
      SUIJI_RETURN_IF_ERROR(AbortLocked(AbortCause::kOurs));
      return entry.status();
    }
    uint8_t key[8];
    PutU64BE(first + i, key);
    SUIJI_RETURN_IF_ERROR(
        ProduceLocked(entries_rkt_, ByteView(key, 8), *entry, static_cast<size_t>(i)));
  }
  return CommitLocked();
}

Status KafkaStorage::PutCheckpoint(uint64_t size, std::string_view note) {
  if (!writer_) return FailedPrecondition("storage opened read-only");
  std::lock_guard lock(write_mu_);
  if (state_ != TxnState::kDead) {
    if (Status r = ReachableNow(); !r.ok()) return Unavailable(r.message() + "; nothing was written");
  }
  SUIJI_RETURN_IF_ERROR(SettleLocked());
  Pending p;
  p.entries = false;
  p.checkpoint_size = size;
  p.checkpoint_note = std::string(note);
  p.offsets.assign(1, -1);
  SUIJI_RETURN_IF_ERROR(BeginLocked(std::move(p)));
  uint8_t key[8];
  PutU64BE(size, key);
  SUIJI_RETURN_IF_ERROR(ProduceLocked(checkpoints_rkt_, ByteView(key, 8), AsBytes(note), 0));
  return CommitLocked();
}

// ---- reachability ----

Status KafkaStorage::ReachableNow() const {
  if (!unreachable_.load()) return OkStatus();
  std::lock_guard lock(probe_mu_);
  return Unavailable(probe_error_);
}

Status KafkaStorage::Probe() const {
  const int timeout = std::min(o_.timeout_ms, kProbeTimeoutMs);
  // A metadata request for the entries topic: it waits for a broker connection, and gives
  // up (__TRANSPORT) at the timeout. (Not a watermark query: rd_kafka_query_watermark_offsets
  // ignores its timeout while the leader is down, see WaitVisible.)
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(consumer_.get(), 0, probe_rkt_, &md, timeout);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(md);
    unreachable_ = false;
    return OkStatus();
  }
  std::string why = "the Kafka brokers at " + o_.brokers + " did not answer within " +
                    std::to_string(timeout) + " ms (" + rd_kafka_err2str(err) + ")";
  {
    std::lock_guard lock(probe_mu_);
    probe_error_ = why;
  }
  unreachable_ = true;
  return Unavailable(why);
}

void KafkaStorage::AbandonLocked(const std::string& why) {
  if (state_ == TxnState::kDead && !producer_) return;
  if (entries_rkt_ != nullptr) rd_kafka_topic_destroy(entries_rkt_);
  if (checkpoints_rkt_ != nullptr) rd_kafka_topic_destroy(checkpoints_rkt_);
  entries_rkt_ = nullptr;
  checkpoints_rkt_ = nullptr;
  // Destroying the producer drops its queued requests: an unfinished commit is never sent.
  producer_.reset();
  pending_ = Pending{};
  if (state_ != TxnState::kDead) dead_status_ = FailedPrecondition(why);
  state_ = TxnState::kDead;
}

void KafkaStorage::Abandon() {
  if (!writer_) return;
  std::lock_guard lock(write_mu_);
  AbandonLocked("this writer was abandoned after a write it could not confirm; open the storage "
                "again");
}

// ---- the read path ----

Status KafkaStorage::Consume(rd_kafka_t* c, const std::string& topic, int64_t start,
                             const std::function<bool(const rd_kafka_message_t*)>& fn,
                             int64_t* end) const {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), 0)->offset = start;
  rd_kafka_resp_err_t err = rd_kafka_assign(c, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "assign " + topic);
  Status out;
  auto last_progress = Clock::now();
  rd_kafka_resp_err_t last_error = RD_KAFKA_RESP_ERR_NO_ERROR;
  int64_t last_offset = start - 1;
  while (true) {
    MessagePtr m(rd_kafka_consumer_poll(c, 100));
    if (!m) {
      if (Clock::now() - last_progress > std::chrono::milliseconds(o_.timeout_ms)) {
        out = Unavailable("reading Kafka topic " + topic + " at offset " +
                          std::to_string(last_offset + 1) + ": no progress for " +
                          std::to_string(o_.timeout_ms) + " ms" +
                          (last_error != RD_KAFKA_RESP_ERR_NO_ERROR
                               ? std::string(" (") + rd_kafka_err2str(last_error) + ")"
                               : std::string()));
        break;
      }
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (m->offset < start) continue;  // left from an earlier assignment
      if (end != nullptr) *end = m->offset;
      break;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Status s = KafkaError(m->err, "reading Kafka topic " + topic);
      if (s.code() == StatusCode::kDataLoss) {
        out = s;
        break;
      }
      last_error = m->err;  // transient (a broker restarting...): librdkafka retries
      continue;
    }
    if (m->offset <= last_offset) continue;  // left from an earlier assignment
    last_offset = m->offset;
    last_progress = Clock::now();
    if (!fn(m.get())) break;
  }
  (void)rd_kafka_assign(c, nullptr);  // stop fetching
  return out;
}

Status KafkaStorage::Watermarks(rd_kafka_t* c, const std::string& topic, int64_t* low,
                                int64_t* high) const {
  Deadline deadline(o_.timeout_ms);
  while (true) {
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(c, topic.c_str(), 0, low, high, deadline.remaining_ms());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return OkStatus();
    Status s = KafkaError(err, "watermarks of Kafka topic " + topic + " at " + o_.brokers);
    const bool transient =
        s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kNotFound;
    if (!transient || deadline.expired()) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void KafkaStorage::WaitVisible(rd_kafka_t* /*c*/, const std::string& topic, int64_t offset) const {
  // rd_kafka_query_watermark_offsets in librdkafka before 2.3.0 ignores its timeout while the
  // partition's leader is down (librdkafka#2588, fixed by #4460): called here, a broker dying
  // right after a commit would hold the write until it came back. So each query runs on a
  // thread of its own, with a client of its own, and the writer waits for it at most until
  // the deadline, or until a probe finds the brokers unreachable; a query left stuck finishes
  // when they answer, and until then later waits are skipped (the commit is confirmed either
  // way: this only waits for readers to see it).
  const std::shared_ptr<VisibilityQuery> v = visibility_;
  if (!v) return;
  const auto end = Clock::now() + std::chrono::milliseconds(o_.timeout_ms);
  for (int round = 0; Clock::now() < end && !unreachable_; ++round) {
    uint64_t ticket = 0;
    {
      std::lock_guard lock(v->mu);
      if (v->busy) return;  // an earlier query is stuck: the brokers went away
      v->busy = true;
      ticket = v->finished + 1;
    }
    const int timeout =
        static_cast<int>(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count()));
    std::thread([v, topic, timeout] {
      int64_t low = 0, high = 0;
      const rd_kafka_resp_err_t err =
          rd_kafka_query_watermark_offsets(v->client.get(), topic.c_str(), 0, &low, &high, timeout);
      std::lock_guard lock(v->mu);
      v->err = err;
      v->high = high;
      v->busy = false;
      ++v->finished;
      v->cv.notify_all();
    }).detach();
    std::unique_lock lock(v->mu);
    while (v->finished < ticket && Clock::now() < end && !unreachable_) {
      v->cv.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (v->finished < ticket) return;  // still running: give up waiting (see above)
    if (v->err == RD_KAFKA_RESP_ERR_NO_ERROR && v->high > offset) return;
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(round < 10 ? 1 : 10));
  }
}

Status KafkaStorage::CatchUpLocked() const {
  SUIJI_RETURN_IF_ERROR(ReachableNow());
  int64_t low = 0, high = 0;
  SUIJI_RETURN_IF_ERROR(Watermarks(consumer_.get(), entries_topic_, &low, &high));
  int64_t from = 0;
  {
    std::lock_guard lock(index_mu_);
    from = scan_pos_;
  }
  if (high <= from) return OkStatus();  // nothing new
  if (low > from) {
    return DataLoss("Kafka topic " + entries_topic_ + " starts at offset " + std::to_string(low) +
                    ": earlier entries were deleted");
  }
  Status bad;
  int64_t end = -1;
  Status s = Consume(
      consumer_.get(), entries_topic_, from,
      [&](const rd_kafka_message_t* m) {
        ByteView key = KeyOf(m);
        if (key.size() != 8) {
          bad = DataLoss("Kafka topic " + entries_topic_ + " offset " + std::to_string(m->offset) +
                         ": key of " + std::to_string(key.size()) + " bytes, not a sequence");
          return false;
        }
        const uint64_t seq = GetU64BE(key.data());
        std::lock_guard lock(index_mu_);
        const uint64_t n = index_.size();
        if (seq == n) {
          index_.Add(m->offset);
        } else if (seq < n && m->offset <= index_.last_offset()) {
          // Already indexed from this handle's own delivery reports.
        } else {
          bad = DataLoss("Kafka topic " + entries_topic_ + " offset " + std::to_string(m->offset) +
                         " holds sequence " + std::to_string(seq) + " where " + std::to_string(n) +
                         " was expected (" + (seq < n ? "a duplicate" : "a gap") + ")");
          return false;
        }
        scan_pos_ = std::max(scan_pos_, m->offset + 1);
        return true;
      },
      &end);
  SUIJI_RETURN_IF_ERROR(bad);
  SUIJI_RETURN_IF_ERROR(s);
  std::lock_guard lock(index_mu_);
  scan_pos_ = std::max(scan_pos_, end);
  return OkStatus();
}

StatusOr<uint64_t> KafkaStorage::Size() const {
  if (writer_) return next_.load();
  std::lock_guard lock(consumer_mu_);
  SUIJI_RETURN_IF_ERROR(CatchUpLocked());
  return IndexSize();
}

Status KafkaStorage::Read(uint64_t from, uint64_t to,
                          const std::function<bool(uint64_t, ByteView)>& fn) const {
  std::lock_guard lock(consumer_mu_);
  if (from < to) SUIJI_RETURN_IF_ERROR(ReachableNow());
  if (to > IndexSize()) SUIJI_RETURN_IF_ERROR(CatchUpLocked());
  uint64_t seq = 0;  // the next sequence expected from the topic
  int64_t start = 0;
  {
    std::lock_guard ilock(index_mu_);
    if (to > index_.size()) {
      return InvalidArgument("the log has no entry " + std::to_string(to - 1) + " (it holds " +
                             std::to_string(index_.size()) + " entries)");
    }
    if (from >= to) return OkStatus();
    std::tie(seq, start) = index_.SampleFor(from);
  }
  bool stopped = false;
  Status bad;
  int64_t end = -1;
  Status s = Consume(
      consumer_.get(), entries_topic_, start,
      [&](const rd_kafka_message_t* m) {
        ByteView key = KeyOf(m);
        if (key.size() != 8 || GetU64BE(key.data()) != seq) {
          bad = DataLoss("Kafka topic " + entries_topic_ + " offset " + std::to_string(m->offset) +
                         " does not hold entry " + std::to_string(seq));
          return false;
        }
        if (seq >= from && !fn(seq, ValueOf(m))) {
          stopped = true;
          return false;
        }
        return ++seq < to;
      },
      &end);
  SUIJI_RETURN_IF_ERROR(bad);
  SUIJI_RETURN_IF_ERROR(s);
  if (!stopped && seq < to) {
    return DataLoss("Kafka topic " + entries_topic_ + " ended (offset " + std::to_string(end) +
                    ") before entry " + std::to_string(seq));
  }
  return OkStatus();
}

Status KafkaStorage::ReadCheckpoints(
    const std::function<bool(uint64_t, std::string_view)>& fn) const {
  std::lock_guard lock(cp_mu_);
  SUIJI_RETURN_IF_ERROR(ReachableNow());
  int64_t low = 0, high = 0;
  SUIJI_RETURN_IF_ERROR(Watermarks(cp_consumer_.get(), checkpoints_topic_, &low, &high));
  if (high > cp_scan_pos_) {
    Status bad;
    int64_t end = -1;
    Status s = Consume(
        cp_consumer_.get(), checkpoints_topic_, std::max(cp_scan_pos_, low),
        [&](const rd_kafka_message_t* m) {
          ByteView key = KeyOf(m);
          if (key.size() != 8) {
            bad = DataLoss("Kafka topic " + checkpoints_topic_ + " offset " +
                           std::to_string(m->offset) + ": malformed checkpoint key");
            return false;
          }
          checkpoints_[GetU64BE(key.data())] = std::string(AsChars(ValueOf(m)));
          cp_scan_pos_ = m->offset + 1;
          return true;
        },
        &end);
    SUIJI_RETURN_IF_ERROR(bad);
    SUIJI_RETURN_IF_ERROR(s);
    cp_scan_pos_ = std::max(cp_scan_pos_, end);
  }
  for (const auto& [size, note] : checkpoints_) {
    if (!fn(size, note)) break;
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::unique_ptr<LogStorage>> OpenKafkaStorage(const KafkaOptions& options,
                                                       KafkaMode mode) {
  SUIJI_RETURN_IF_ERROR(ValidateOptions(options));
  auto s = std::make_unique<KafkaStorage>(options, mode == KafkaMode::kWriter);
  SUIJI_RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<LogStorage>(std::move(s));
}

}  // namespace suiji
