#!/usr/bin/env bash
# Rejects #includes against the module dependency direction (see README.md):
#   schemas <- ledger/core <- ledger <- ledger/lmdb ; verifier uses only ledger/core;
#   projections reads ledger; api uses ledger, ledger/lmdb and projections; api/http (the
#   server) uses api and the verifier, and only `suiji serve` uses api/http.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
fail=0
check() {  # check DIR FORBIDDEN_REGEX WHY
  local hits
  hits=$(grep -rnE --include='*.h' --include='*.cc' "#include \"($2)" "$1" 2>/dev/null || true)
  if [ -n "$hits" ]; then
    echo "dependency direction broken: $3"
    echo "$hits"
    fail=1
  fi
}
# The pure core: no storage, no ledger, no api, no verifier, and no I/O libraries.
check ledger/core 'ledger/(lmdb|kafka)/|ledger/[a-z_]+\.h|api/|projections/|verifier/' \
  "ledger/core must depend only on schemas"
grep -rnE --include='*.h' --include='*.cc' '#include <(lmdb|librdkafka|httplib)' ledger/core verifier \
  && { echo "ledger/core and verifier may not use LMDB, Kafka or HTTP"; fail=1; } || true
check ledger/core/directory 'ledger/core/(draw|inspection)/' "directory may not depend on draw or inspection"
check ledger/core/draw 'ledger/core/inspection/' "draw may not depend on inspection"
check ledger/core/identity 'ledger/core/(draw|inspection)/' "identity may not depend on draw or inspection"
check ledger 'api/|projections/|verifier/' "ledger may not depend on api, projections or verifier"
check verifier 'ledger/(lmdb|kafka)/|ledger/[a-z_]+\.h|api/|projections/' \
  "verifier may depend only on ledger/core and schemas"
for f in ledger/*.h ledger/*.cc; do
  grep -nE '#include "ledger/(lmdb|kafka)/' "$f" && { echo "ledger/ may not include a backend ($f)"; fail=1; } || true
done
# The task and result readers stay pure (the fuzz target builds them alone).
hits=$(grep -nE '#include "(ledger/(lmdb|kafka)/|ledger/[a-z_]+\.h|projections/|api/(http|cli|node|[a-z_]*_service))' \
  api/record_readers.h api/record_readers.cc || true)
if [ -n "$hits" ]; then echo "api/record_readers may use only ledger/core and api/json_keys.h"; echo "$hits"; fail=1; fi
# Only `suiji serve` (api/cli_serve.cc) uses the HTTP server; nothing else in api depends on it.
hits=$(grep -rnE --include='*.h' --include='*.cc' '#include "api/http/' api | grep -vE '^api/(http/|cli_serve\.cc)' || true)
if [ -n "$hits" ]; then echo "only api/cli_serve.cc may use api/http"; echo "$hits"; fail=1; fi
if [ -d projections ]; then check projections 'api/|verifier/' "projections may not depend on api or verifier"; fi
if [ "$fail" -ne 0 ]; then exit 1; fi
echo "dependency direction: ok"
