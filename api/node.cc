#include "api/node.h"

#include "ledger/writer_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api/node_key.h"
#include "ledger/follower.h"
#include "ledger/keystore.h"
#include "ledger/lmdb/lmdb_ledger_state.h"
#include "ledger/lmdb/lmdb_storage.h"
#include "ledger/private_files.h"
#ifdef SUIJI_WITH_KAFKA
#include "ledger/kafka/kafka_storage.h"
#endif

namespace suiji {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParsePositive(std::string_view v, int* out) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n <= 0) return false;
  *out = n;
  return true;
}

#ifdef SUIJI_WITH_KAFKA
// On Kafka the newest writer fences the older one; within one node, a local lock makes a
// second writing process fail fast instead (as on LMDB), so that e.g. `suiji log export`
// never fences a running import. Holds DIR/writer.lock for the storage's lifetime.
class LockedStorage final : public LogStorage {
 public:
  LockedStorage(std::unique_ptr<LogStorage> inner, int lock_fd)
      : inner_(std::move(inner)), lock_fd_(lock_fd) {}
  ~LockedStorage() override {
    inner_.reset();
    ::close(lock_fd_);
  }
  StatusOr<uint64_t> Size() const override { return inner_->Size(); }
  Status Append(uint64_t expected_next, std::span<const ByteView> entries) override {
    return inner_->Append(expected_next, entries);
  }
  Status AppendFrom(uint64_t expected_next, uint64_t count, const EntrySource& next) override {
    return inner_->AppendFrom(expected_next, count, next);
  }
  Status Read(uint64_t from, uint64_t to,
              const std::function<bool(uint64_t, ByteView)>& fn) const override {
    return inner_->Read(from, to, fn);
  }
  Status PutCheckpoint(uint64_t size, std::string_view note) override {
    return inner_->PutCheckpoint(size, note);
  }
  Status ReadCheckpoints(const std::function<bool(uint64_t, std::string_view)>& fn) const override {
    return inner_->ReadCheckpoints(fn);
  }
  bool writable() const override { return inner_->writable(); }
  Status Probe() const override { return inner_->Probe(); }
  void Abandon() override { inner_->Abandon(); }

 private:
  std::unique_ptr<LogStorage> inner_;
  int lock_fd_;
};

KafkaOptions KafkaOptionsFor(const NodeConfig& c) {
  KafkaOptions o;
  o.brokers = c.kafka_brokers;
  o.topic = c.kafka_topic;
  o.transactional_id = c.kafka_transactional_id;
  o.replication_factor = c.kafka_replication_factor;
  o.min_insync_replicas = c.kafka_min_insync_replicas;
  o.timeout_ms = c.kafka_timeout_ms;
  return o;
}

// create: make the topics if missing (only `init` does).
StatusOr<std::unique_ptr<LogStorage>> OpenKafka(const NodePaths& paths, const NodeConfig& c,
                                                NodeRole role, bool create) {
  KafkaOptions o = KafkaOptionsFor(c);
  o.create_topics = create;
  if (role == NodeRole::kReader) return OpenKafkaStorage(o, KafkaMode::kReadOnly);
  SUIJI_ASSIGN_OR_RETURN(int fd, TakeWriterLock(paths.dir));
  auto s = OpenKafkaStorage(o, KafkaMode::kWriter);
  if (!s.ok()) {
    ::close(fd);
    return s.status();
  }
  return std::unique_ptr<LogStorage>(std::make_unique<LockedStorage>(std::move(*s), fd));
}
#endif

StatusOr<std::unique_ptr<LogStorage>> OpenConfigured(const NodePaths& paths, const NodeConfig& c,
                                                     NodeRole role, bool create) {
  if (c.backend == Backend::kLmdb) {
    return OpenLmdbStorage(paths.dir,
                           role == NodeRole::kWriter ? StorageMode::kWriter : StorageMode::kReadOnly);
  }
#ifdef SUIJI_WITH_KAFKA
  return OpenKafka(paths, c, role, create);
#else
  (void)create;
  return FailedPrecondition(paths.config().string() +
                            " says backend=kafka, but this suiji was built without Kafka "
                            "(-DSUIJI_KAFKA=OFF)");
#endif
}

}  // namespace

bool KafkaSupported() {
#ifdef SUIJI_WITH_KAFKA
  return true;
#else
  return false;
#endif
}

std::string DefaultKafkaTopic(std::string_view ledger_id) {
  std::string t = "suiji.";
  for (char c : ledger_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    t += ok ? c : '.';
  }
  return t;
}

StatusOr<NodeConfig> ParseNodeConfig(std::string_view text, const std::string& source) {
  NodeConfig c;
  bool topic_set = false;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&](const std::string& why) {
      return InvalidArgument(source + ":" + std::to_string(line_no) + ": " + why + " (line: '" +
                             std::string(line) + "')");
    };
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad("expected key=value");
    std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (key == "backend") {
      if (value == "lmdb") {
        c.backend = Backend::kLmdb;
      } else if (value == "kafka") {
        c.backend = Backend::kKafka;
      } else {
        return bad("backend must be lmdb or kafka");
      }
    } else if (key == "kafka.brokers") {
      if (value.empty()) return bad("kafka.brokers is empty");
      c.kafka_brokers = value;
    } else if (key == "kafka.topic") {
      if (value.empty()) return bad("kafka.topic is empty");
      c.kafka_topic = value;
      topic_set = true;
    } else if (key == "kafka.transactional_id") {
      c.kafka_transactional_id = value;
    } else if (key == "kafka.replication_factor") {
      if (!ParsePositive(value, &c.kafka_replication_factor)) return bad("expected a positive number");
    } else if (key == "kafka.min_insync_replicas") {
      if (!ParsePositive(value, &c.kafka_min_insync_replicas)) return bad("expected a positive number");
    } else if (key == "kafka.timeout_ms") {
      if (!ParsePositive(value, &c.kafka_timeout_ms)) return bad("expected a positive number");
    } else {
      return bad("unknown key '" + std::string(key) + "'");
    }
  }
  if (c.backend == Backend::kKafka && c.kafka_brokers.empty()) {
    return InvalidArgument(source + ": backend=kafka needs kafka.brokers=HOST:PORT[,...]");
  }
  if (c.backend == Backend::kKafka && !topic_set) {
    return InvalidArgument(source + ": backend=kafka needs kafka.topic=TOPIC");
  }
  return c;
}

std::string FormatNodeConfig(const NodeConfig& c) {
  std::ostringstream o;
  o << "# suiji node configuration (see api/node.h)\n";
  if (c.backend == Backend::kLmdb) {
    o << "backend=lmdb\n";
    return o.str();
  }
  o << "backend=kafka\n"
    << "kafka.brokers=" << c.kafka_brokers << "\n"
    << "kafka.topic=" << c.kafka_topic << "\n";
  if (!c.kafka_transactional_id.empty()) {
    o << "kafka.transactional_id=" << c.kafka_transactional_id << "\n";
  }
  o << "kafka.replication_factor=" << c.kafka_replication_factor << "\n"
    << "kafka.min_insync_replicas=" << c.kafka_min_insync_replicas << "\n"
    << "kafka.timeout_ms=" << c.kafka_timeout_ms << "\n";
  return o.str();
}

StatusOr<NodeConfig> ReadNodeConfig(const NodePaths& paths) {
  const std::filesystem::path path = paths.config();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NodeConfig{};
  std::ifstream f(path, std::ios::binary);
  if (!f) return Unavailable("cannot read " + path.string());
  std::stringstream ss;
  ss << f.rdbuf();
  return ParseNodeConfig(ss.str(), path.string());
}

StatusOr<std::unique_ptr<LogStorage>> OpenNodeStorage(const NodePaths& paths, NodeRole role) {
  SUIJI_ASSIGN_OR_RETURN(NodeConfig c, ReadNodeConfig(paths));
  // Opening the LMDB writer would create the environment: refuse first if there is no
  // ledger, so a mistyped --data leaves nothing behind.
  std::error_code ec;
  if (c.backend == Backend::kLmdb && role == NodeRole::kWriter &&
      !std::filesystem::exists(paths.dir / "log" / "data.mdb", ec)) {
    return NotFound("no ledger in " + paths.dir.string() + ": run `suiji init` first");
  }
  // A Kafka data directory without the node key is a read-only mirror of the topic.
  if (c.backend == Backend::kKafka && role == NodeRole::kWriter &&
      !std::filesystem::exists(paths.node_key(), ec)) {
    return FailedPrecondition("no node key in " + paths.dir.string() +
                              ": this node can read the ledger in Kafka topic " + c.kafka_topic +
                              " but not write it");
  }
  return OpenConfigured(paths, c, role, /*create=*/false);
}

StatusOr<InitResult> InitNode(const NodePaths& paths, std::string_view ledger_id,
                              std::string_view description,
                              const std::filesystem::path& root_key_out, const Actor& actor,
                              LedgerOptions options, NodeConfig config) {
  SUIJI_RETURN_IF_ERROR(ValidateLedgerId(ledger_id));
  std::error_code ec;
  if (std::filesystem::exists(paths.config(), ec)) {
    return AlreadyExists("a ledger already exists in " + paths.dir.string() + " (" +
                         paths.config().string() + " is there)");
  }
  if (config.backend == Backend::kKafka) {
    if (config.kafka_brokers.empty()) return InvalidArgument("the Kafka backend needs brokers");
    if (config.kafka_topic.empty()) config.kafka_topic = DefaultKafkaTopic(ledger_id);
  }
  // The data directory and everything in it are the node's alone (0700 / 0600), whatever
  // the umask (ledger/private_files.h).
  SUIJI_RETURN_IF_ERROR(CreatePrivateDirectories(paths.keys()));
  std::filesystem::permissions(paths.keys(), std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  SUIJI_ASSIGN_OR_RETURN(auto storage,
                         OpenConfigured(paths, config, NodeRole::kWriter, /*create=*/true));
  SUIJI_ASSIGN_OR_RETURN(uint64_t existing, storage->Size());
  if (existing != 0) {
    return AlreadyExists(config.backend == Backend::kKafka
                             ? "a ledger already exists in Kafka topic " + config.kafka_topic
                             : "a ledger already exists in " + paths.dir.string());
  }

  KeyPair root = KeyPair::Generate();
  KeyPair node = KeyPair::Generate();
  std::filesystem::path root_path = root_key_out.empty() ? paths.root_key() : root_key_out;
  SUIJI_RETURN_IF_ERROR(WriteKeyFile(root_path, root));
  Status node_written = WriteKeyFile(paths.node_key(), node);
  if (!node_written.ok()) {
    std::filesystem::remove(root_path, ec);
    return node_written;
  }
  auto cleanup = [&] {
    std::filesystem::remove(root_path, ec);
    std::filesystem::remove(paths.node_key(), ec);
    std::filesystem::remove(paths.config(), ec);
  };
  {
    const std::string tmp = paths.config().string() + ".tmp";
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
    f << FormatNodeConfig(config);
    f.close();
    if (!f) {
      cleanup();
      return Unavailable("cannot write " + tmp);
    }
    std::filesystem::rename(tmp, paths.config(), ec);
    if (ec) {
      cleanup();
      return Unavailable("cannot write " + paths.config().string() + ": " + ec.message());
    }
  }
  auto ledger = Ledger::Create(std::move(storage), ledger_id, description, root, std::move(node),
                               actor, WithLedgerState(paths, std::move(options)));
  if (!ledger.ok()) {
    cleanup();
    return ledger.status();
  }
  InitResult out;
  out.ledger = std::move(*ledger);
  out.root_key_id = root.key_id();
  out.root_key_path = root_path;
  return out;
}

LedgerOptions WithLedgerState(const NodePaths& paths, LedgerOptions options) {
  if (!options.state) {
    // Without it (a read-only disk, say) the ledger folds the whole log, as it always could.
    auto state = OpenLmdbLedgerState(paths.ledger_state());
    if (state.ok()) options.state = std::move(*state);
  }
  return options;
}

StatusOr<std::unique_ptr<Ledger>> OpenWriter(const NodePaths& paths, LedgerOptions options,
                                             NodeKeyRule rule) {
  return OpenWriter(paths, std::move(options), {}, rule);
}

StatusOr<std::unique_ptr<Ledger>> OpenWriter(const NodePaths& paths, LedgerOptions options,
                                             const StorageWrapper& wrap, NodeKeyRule rule) {
  SUIJI_ASSIGN_OR_RETURN(auto storage, OpenNodeStorage(paths, NodeRole::kWriter));
  if (wrap) {
    SUIJI_ASSIGN_OR_RETURN(storage, wrap(std::move(storage)));
  }
  // The key is chosen after the log is read: which key file wins depends on the keys in
  // force (api/node_key.h).
  SUIJI_ASSIGN_OR_RETURN(auto ledger, Ledger::Open(std::move(storage), std::nullopt,
                                                   WithLedgerState(paths, std::move(options))));
  StatusOr<KeyPair> key = ChooseNodeKey(paths, ledger->keys(), /*repair=*/true);
  if (!key.ok() && key.status().code() != StatusCode::kFailedPrecondition) return key.status();
  ledger->SetNodeKey(std::move(key));
  if (rule == NodeKeyRule::kInForce) SUIJI_RETURN_IF_ERROR(ledger->NodeKeyStatus());
  return ledger;
}

bool IsReplicaDirectory(const NodePaths& paths) {
  auto c = ReadNodeConfig(paths);
  std::error_code ec;
  return c.ok() && c->backend == Backend::kKafka && !std::filesystem::exists(paths.node_key(), ec);
}

StatusOr<std::unique_ptr<Ledger>> OpenReader(const NodePaths& paths) {
  SUIJI_ASSIGN_OR_RETURN(auto storage, OpenNodeStorage(paths, NodeRole::kReader));
  if (IsReplicaDirectory(paths)) storage = ReplicaDirectoryReader(std::move(storage));
  return Ledger::Open(std::move(storage), std::nullopt, WithLedgerState(paths, {}));
}

}  // namespace suiji
