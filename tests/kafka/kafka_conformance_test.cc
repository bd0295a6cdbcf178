// The LogStorage contract (tests/ledger/storage_conformance.h), run unchanged against the
// Kafka backend on a real broker (ops/kafka/kafka.sh; address from SUIJI_KAFKA_BROKERS).
// Each test gets its own topic, deleted afterwards. Without a broker every test fails.
#include "tests/ledger/storage_conformance.h"

#include "ledger/kafka/kafka_storage.h"
#include "tests/kafka/kafka_test_util.h"

namespace suiji {
namespace {

StorageFactory KafkaFactory() {
  StorageFactory f;
  f.name = "Kafka";
  f.fresh = [](const std::string& test) {
    std::string why;
    if (!kafka_test::BrokerReachable(&why)) {
      ADD_FAILURE() << kafka_test::StartHint() << " (" << why << ")";
    }
    return kafka_test::UniqueTopic("conformance-" + test);
  };
  f.open = [](const std::string& topic, Role role) {
    return OpenKafkaStorage(kafka_test::OptionsFor(topic),
                            role == Role::kWriter ? KafkaMode::kWriter : KafkaMode::kReadOnly);
  };
  f.cleanup = [](const std::string& topic) {
    kafka_test::RawDeleteTopics({topic, topic + ".checkpoints"});
  };
  f.second_writer_refused = false;  // a newer transactional writer fences the older one
  return f;
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageConformance, ::testing::Values(KafkaFactory()),
                         [](const ::testing::TestParamInfo<StorageFactory>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace suiji
