// The Apache Kafka backend of LogStorage (librdkafka). librdkafka's types never leave this
// folder. See ledger/kafka/README.md for the topic layout, production settings and fencing.
//
// Layout: one topic per ledger with exactly ONE partition (a total order):
//   <topic>              key = u64 big-endian sequence, value = the exact entry bytes
//   <topic>.checkpoints  key = u64 big-endian tree size, value = the signed checkpoint note
// Entries are written by one transactional, idempotent producer (acks=all) per ledger: an
// Append is one Kafka transaction, acknowledged only after the commit succeeded, and readers
// use isolation.level=read_committed, so a batch is all-or-nothing and nothing of an aborted
// or unfinished transaction is ever visible. Offsets are not sequences (transaction markers
// take offsets): each handle keeps an in-memory index sequence -> offset (one pair per
// transaction), built by reading the topic once when it is opened.
//
// Fencing: opening a writer calls init_transactions with the ledger's transactional.id, which
// aborts the unfinished transaction of any earlier writer and fences it: the older handle's
// next Append or PutCheckpoint fails with kFailedPrecondition ("fenced: ...").
//
// Errors: kAborted for a stale expected sequence (nothing written); kUnavailable for a
// transient broker problem (nothing written, or, if the commit's outcome is not known yet,
// the next call on this handle settles it first, so retrying the same Append is safe and
// answers kAborted if the earlier attempt had been committed after all);
// kFailedPrecondition when this handle can no longer write (read-only, fenced, or a fatal
// producer error: open a new handle); kDataLoss when the topic does not hold entries
// 0..n-1 in order exactly once.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/storage.h"

namespace suiji {

// Kept separate from LMDB's StorageMode so the backends stay independent.
enum class KafkaMode {
  kReadOnly,  // read a ledger a writer (in any process) may be appending to
  kWriter,    // the single writer: creates missing topics, fences any earlier writer
};

struct KafkaOptions {
  // bootstrap.servers, e.g. "127.0.0.1:19092" or "k1:9092,k2:9092,k3:9092".
  std::string brokers;
  // The entries topic; checkpoints go to topic + ".checkpoints". Letters, digits, . _ -;
  // at most 200 characters.
  std::string topic;
  // The writer's transactional.id; empty means "suiji-writer-" + topic. Every process that
  // may write this ledger must use the same one, so that a new writer fences the old one.
  std::string transactional_id;
  // Bound on each blocking step with the brokers (open, a commit, a read making no progress):
  // an Append answers within it. Once a Probe (the server's, every second) has found the
  // brokers unreachable, appends and reads fail at once, and a commit in progress gives up
  // (abandoning the producer, see Probe and LogStorage::Abandon).
  int timeout_ms = 10000;
  // transaction.timeout.ms: the broker aborts a transaction left open longer than this (a
  // writer that died mid-append) if no new writer fences it first. Readers stop at the
  // oldest open transaction until then.
  int transaction_timeout_ms = 60000;
  // Topics created by a writer when missing (create_topics): 1 partition, no compaction,
  // unlimited retention. Production: replication_factor 3, min_insync_replicas 2.
  bool create_topics = true;
  int replication_factor = 1;
  int min_insync_replicas = 1;
  // More configs for the topics it creates, after the backend's own (which they may not
  // change: cleanup.policy, retention.ms, retention.bytes), e.g. {"flush.messages", "1"} to
  // have each broker fsync every write rather than rely on replication for durability.
  std::vector<std::pair<std::string, std::string>> topic_config;
  // Extra librdkafka properties for every client (security.protocol, sasl.*, ssl.*,
  // client.id, debug, ...). They may not override the properties the backend relies on
  // (acks, enable.idempotence, transactional.id, isolation.level).
  std::vector<std::pair<std::string, std::string>> client_config;
};

// kInvalidArgument for bad options; kNotFound if read-only and the topic does not exist;
// kFailedPrecondition if the topic has more than one partition; kUnavailable if the brokers
// cannot be reached within timeout_ms; kDataLoss if the topic is not a gap-free log.
StatusOr<std::unique_ptr<LogStorage>> OpenKafkaStorage(const KafkaOptions& options, KafkaMode mode);

}  // namespace suiji
