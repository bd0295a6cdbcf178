// The JSON documents a user writes and the command line and the HTTP API both read: the task
// file (README "Task JSON") and the result file (README "Results"). Readers are strict
// (api/json_keys.h): an unknown key, a wrong type or a bad value is kInvalidArgument naming
// its path, so a misspelt rule never silently takes its default. The writers print the same
// keys, so reading what was written gives the same record (tests/fuzz checks this).
//
// Pure apart from EvidenceFiles::kRead, which hashes a named local file. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "ledger/core/draw/records.h"
#include "ledger/core/inspection/records.h"

namespace suiji::cli {

Status TaskFromJson(const nlohmann::json& j, draw::TaskRecord* t);
nlohmann::json TaskToJson(const draw::TaskRecord& t);

// Evidence may name a local file ({"file": path}), hashed when read: on the command line, the
// clerk's own file. Over HTTP a path would name a file of the server's: refused.
enum class EvidenceFiles { kRead, kRefused };
Status ResultFromJson(const nlohmann::json& j, inspection::ResultRecord* r, EvidenceFiles files);
nlohmann::json ResultToJson(const inspection::ResultRecord& r);

}  // namespace suiji::cli
