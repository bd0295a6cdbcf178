#!/usr/bin/env bash
# Rejects #includes against the module dependency direction (see README.md):
#   schemas <- ledger/core <- ledger <- ledger/lmdb ; verifier uses only ledger/core;
#   projections reads ledger; api uses ledger, ledger/lmdb and projections.
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
check ledger 'api/|projections/|verifier/' "ledger may not depend on api, projections or verifier"
check verifier 'ledger/(lmdb|kafka)/|ledger/[a-z_]+\.h|api/|projections/' \
  "verifier may depend only on ledger/core and schemas"
for f in ledger/*.h ledger/*.cc; do
  grep -nE '#include "ledger/(lmdb|kafka)/' "$f" && { echo "ledger/ may not include a backend ($f)"; fail=1; } || true
done
if [ -d projections ]; then check projections 'api/|verifier/' "projections may not depend on api or verifier"; fi
if [ "$fail" -ne 0 ]; then exit 1; fi
echo "dependency direction: ok"
