// One run of every check of an exported log: integrity (log_verifier.h), then, if that
// holds, the draw, inspection and authority audits; and the report as JSON (what
// `suiji-verify --json` prints and `GET /api/v1/verify` answers).
// Pure: no I/O. Thread-safe (no shared state).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "verifier/authority_audit.h"
#include "verifier/draw_audit.h"
#include "verifier/inspection_audit.h"
#include "verifier/log_verifier.h"

namespace suiji {

struct FullAudit {
  VerifyReport integrity;
  std::optional<DrawAudit> draws;              // run only when integrity holds
  std::optional<InspectionAudit> inspections;  // ditto
  std::optional<AuthorityAudit> authority;     // ditto
  double seconds = 0;
  bool ok() const {
    return integrity.ok() && (!draws || draws->ok()) && (!inspections || inspections->ok()) &&
           (!authority || authority->ok());
  }
};

FullAudit AuditExport(ByteView export_file, const VerifyOptions& options,
                      const DrawAuditOptions& draw_options);

nlohmann::json ReportJson(const FullAudit& audit);
nlohmann::json AuthorityJson(const AuthorityAudit& a);

}  // namespace suiji
