// A node's data directory: where a ledger's storage and key files live, and how to open it.
//
//   DIR/node.conf       which storage backend holds the log (absent: LMDB in DIR/log)
//   DIR/log/            LMDB environment (ledger/lmdb), when the backend is LMDB
//   DIR/writer.lock     held by the one writing process (LMDB and Kafka alike: on Kafka it
//                       keeps two writers of the same node from fencing each other)
//   DIR/keys/node.key   the node key (writer + checkpoint), 0600; node.key.next during a
//                       rotation (api/node_key.h: the recovery rule every writer open applies)
//   DIR/keys/root.key   the root authority key, 0600, unless `init --root-key-out` put it
//                       elsewhere (it should live offline in production)
//   DIR/projections/    read models (always local, whatever the backend)
//   DIR/ledger-state/   the ledger's persisted Merkle nodes and key events (always local; a
//                       cache checked against the log, ledger/ledger_state.h)
//
// node.conf is plain text, one `key=value` per line; blank lines and lines starting with
// '#' are ignored, spaces around key and value are trimmed:
//   backend=lmdb|kafka               (default lmdb)
//   kafka.brokers=HOST:PORT[,...]    (required for kafka)
//   kafka.topic=TOPIC                (default: DefaultKafkaTopic(ledger name))
//   kafka.transactional_id=ID        (default: suiji-writer-<topic>)
//   kafka.replication_factor=N       (for topics created by `init`; default 1)
//   kafka.min_insync_replicas=N      (default 1)
//   kafka.timeout_ms=MS              (default 10000: bounds each step with the brokers)
//
// The same functions serve the command line now and the HTTP server later.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "ledger/ledger.h"

namespace suiji {

struct NodePaths {
  explicit NodePaths(std::filesystem::path data) : dir(std::move(data)) {}
  std::filesystem::path dir;
  std::filesystem::path keys() const { return dir / "keys"; }
  std::filesystem::path node_key() const { return keys() / "node.key"; }
  std::filesystem::path node_key_next() const { return keys() / "node.key.next"; }
  std::filesystem::path root_key() const { return keys() / "root.key"; }
  std::filesystem::path config() const { return dir / "node.conf"; }
  std::filesystem::path ledger_state() const { return dir / "ledger-state"; }
};

enum class Backend { kLmdb, kKafka };

// The contents of DIR/node.conf.
struct NodeConfig {
  Backend backend = Backend::kLmdb;
  std::string kafka_brokers;
  std::string kafka_topic;
  std::string kafka_transactional_id;
  int kafka_replication_factor = 1;
  int kafka_min_insync_replicas = 1;
  int kafka_timeout_ms = 10000;
};

// True if this build has the Kafka backend (-DSUIJI_KAFKA=ON).
bool KafkaSupported();

// "suiji." + the ledger name with every character other than letters, digits, '.', '_'
// and '-' replaced by '.': "cz.hrss.gov.cn/inspections" -> "suiji.cz.hrss.gov.cn.inspections".
std::string DefaultKafkaTopic(std::string_view ledger_id);

// Parses node.conf text; `source` names the file in errors ("DIR/node.conf:3: ...").
StatusOr<NodeConfig> ParseNodeConfig(std::string_view text, const std::string& source);
std::string FormatNodeConfig(const NodeConfig& config);
// Reads DIR/node.conf; an absent file is the default (LMDB). kInvalidArgument naming the
// file and line for a bad line.
StatusOr<NodeConfig> ReadNodeConfig(const NodePaths& paths);

enum class NodeRole {
  kReader,  // read-only: no lock, works while a writer runs
  kWriter,  // the single writer: takes DIR/writer.lock (and, on Kafka, fences other nodes)
};

// The one place that opens a node's log storage, as DIR/node.conf says. A writer on a node
// without a ledger is kNotFound (nothing is created: `suiji init` does that).
StatusOr<std::unique_ptr<LogStorage>> OpenNodeStorage(const NodePaths& paths, NodeRole role);

struct InitResult {
  std::unique_ptr<Ledger> ledger;
  std::string root_key_id;
  std::filesystem::path root_key_path;
};

// Creates a new ledger in `paths.dir` on the backend `config` names (an empty Kafka topic
// becomes DefaultKafkaTopic(ledger_id)), writes DIR/node.conf, key files, genesis, node key
// registration, first checkpoint. kAlreadyExists if a ledger, node.conf or key file is
// there already.
StatusOr<InitResult> InitNode(const NodePaths& paths, std::string_view ledger_id,
                              std::string_view description,
                              const std::filesystem::path& root_key_out, const Actor& actor,
                              LedgerOptions options, NodeConfig config = {});

// What a writer open does when the node key cannot sign (missing, unreadable, revoked, not
// registered: Ledger::NodeKeyStatus).
enum class NodeKeyRule {
  kInForce,     // refuse: kFailedPrecondition naming the key and what to do (commands that write)
  kReportOnly,  // open anyway; appends answer kUnavailable and NodeKeyStatus() says why
                // (the server's /healthz, key commands signed by the root key)
};

// Opens the ledger for writing: takes the writer lock, reads the log, then chooses the node
// key by the recovery rule of api/node_key.h (finishing or undoing a rotation a kill
// interrupted).
StatusOr<std::unique_ptr<Ledger>> OpenWriter(const NodePaths& paths, LedgerOptions options = {},
                                             NodeKeyRule rule = NodeKeyRule::kInForce);
// The same, with the storage wrapped before the Ledger reads it (the server wraps it in a
// GroupCommitStorage, ledger/group_commit.h).
using StorageWrapper =
    std::function<StatusOr<std::unique_ptr<LogStorage>>(std::unique_ptr<LogStorage>)>;
StatusOr<std::unique_ptr<Ledger>> OpenWriter(const NodePaths& paths, LedgerOptions options,
                                             const StorageWrapper& wrap,
                                             NodeKeyRule rule = NodeKeyRule::kInForce);
// `options` with the node's persisted ledger state (DIR/ledger-state) unless it has one; left
// without it if the store cannot be opened (the ledger then folds the whole log).
LedgerOptions WithLedgerState(const NodePaths& paths, LedgerOptions options);
// Opens the ledger read-only (no lock, no key; works while a writer runs). On a read
// replica's data directory (IsReplicaDirectory) the reader never writes the replica's
// projections: it reads them at the position the replica has applied (ledger/follower.h
// ReplicaDirectoryReader).
StatusOr<std::unique_ptr<Ledger>> OpenReader(const NodePaths& paths);
// True for a read replica's data directory: DIR/node.conf names the Kafka backend and DIR
// holds no node key (`suiji replica init`).
bool IsReplicaDirectory(const NodePaths& paths);

}  // namespace suiji
