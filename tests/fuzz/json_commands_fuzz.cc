// libFuzzer target: the JSON command decoding of the HTTP API and the command line — the
// server's UTF-8 check, the JSON parser, and the strict readers of the task and result files
// (api/record_readers.h). Beyond "no crash, no sanitizer report", it checks two properties of
// every input a reader accepts:
//   - writing the record and reading it again gives the same record (the writers print the
//     readers' keys), and
//   - encoding it as the event payload and decoding that gives the same record (what the
//     ledger stores is what was accepted).
// Any violation aborts with the input saved by libFuzzer. Run by ops/fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/record_readers.h"
#include "ledger/core/bytes.h"

namespace {

using nlohmann::json;

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "json_commands_fuzz: %s\n", what);
  std::abort();
}

void CheckTask(const json& j) {
  suiji::draw::TaskRecord t;
  if (!suiji::cli::TaskFromJson(j, &t).ok()) return;
  suiji::draw::TaskRecord again;
  if (!suiji::cli::TaskFromJson(suiji::cli::TaskToJson(t), &again).ok()) Broken("a written task does not read back");
  if (!(again == t)) Broken("a task read back differs");
  auto decoded = suiji::draw::DecodeTask(suiji::draw::EncodeTask(t));
  if (!decoded.ok()) Broken("an accepted task does not decode from its payload");
  if (!(*decoded == t)) Broken("a task decoded from its payload differs");
}

void CheckResult(const json& j) {
  suiji::inspection::ResultRecord r;
  if (!suiji::cli::ResultFromJson(j, &r, suiji::cli::EvidenceFiles::kRefused).ok()) return;
  // The printed form adds what the store sets (revision) and labels for people.
  json written = suiji::cli::ResultToJson(r);
  written.erase("revision");
  for (auto& item : written["items"]) item.erase("outcome_label");
  suiji::inspection::ResultRecord again;
  if (!suiji::cli::ResultFromJson(written, &again, suiji::cli::EvidenceFiles::kRefused).ok()) {
    Broken("a written result does not read back");
  }
  if (!(again == r)) Broken("a result read back differs");
  auto decoded = suiji::inspection::DecodeResult(suiji::inspection::EncodeResult(r));
  if (!decoded.ok()) Broken("an accepted result does not decode from its payload");
  if (!(*decoded == r)) Broken("a result decoded from its payload differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (suiji::InvalidUtf8At(text) != std::string_view::npos) return 0;  // the server refuses it first
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  CheckTask(j);
  CheckResult(j);
  return 0;
}
