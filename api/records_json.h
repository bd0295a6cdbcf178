// The JSON forms of the records the command line reads (task and result files) and prints
// (--json), shared with the HTTP API (api/http) so that both speak the same documents.
// Readers are strict (api/json_keys.h): an unknown key, a wrong type or a bad value is
// kInvalidArgument naming the key.
#pragma once

#include <nlohmann/json.hpp>

#include "api/directory_service.h"
#include "api/record_readers.h"
#include "ledger/core/directory/records.h"
#include "ledger/core/draw/state.h"
#include "ledger/core/inspection/deadlines.h"
#include "ledger/core/inspection/state.h"

namespace suiji::cli {

// Reading task and result files: api/record_readers.h.
// Plans, tasks and draws as `suiji plan|task|draw show --json` prints them; cli_draw.cc.
nlohmann::json PlanToJson(const draw::PlanInfo& p);
nlohmann::json TaskInfoToJson(const draw::DrawStore& w, const draw::TaskInfo& t);
nlohmann::json DrawToJson(const draw::DrawStore& w, const draw::DrawInfo& d);

// Results and deadlines as `suiji result show|overdue --json` prints them; cli_inspection.cc.
nlohmann::json ResultInfoToJson(const inspection::ResultInfo& info);
nlohmann::json DeadlineToJson(const inspection::Deadline& d);

// Directory records as `suiji target|inspector show --json` prints them; cli_directory.cc.
nlohmann::json TargetToJson(const directory::TargetRecord& t);
nlohmann::json InspectorToJson(const directory::InspectorRecord& i);
nlohmann::json OrgToJson(const directory::OrgUnitRecord& o);
nlohmann::json ItemListToJson(const directory::ItemListRecord& l);
// An import's report as `suiji import ... --json` prints it.
nlohmann::json ImportReportToJson(const ImportReport& r);

}  // namespace suiji::cli
