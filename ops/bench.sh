#!/usr/bin/env bash
# Runs the benchmarks on this machine and prints their figures (medians of 3 rounds).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}"
"$BIN/tests/bench/ledger_bench" --events "${EVENTS:-1000000}" --rounds "${ROUNDS:-3}"
# The draw at each size in its own process, so each size's peak memory is its own.
for targets in ${DRAW_TARGETS:-1000000 10000000}; do
  # At 1M also the eligibility scan over an in-memory directory of 1M employers.
  scan=0; [ "$targets" -le 1000000 ] && scan="$targets"
  "$BIN/tests/bench/draw_bench" --targets "$targets" --rounds "${ROUNDS:-3}" --directory-scan "$scan"
done
# Results recorded and published through InspectionService (4 durable appends each, one
# LMDB commit per append, so bound by the disk's fsync rate: 100-360 appends/s on the 2-core
# dev VM, where 100,000 results took 19 minutes), then the statistics fold over the log.
# Phase 2 (in its own run, so its peak memory is its own): the public record of a ~5M-entry
# log written in bulk, and one draw's proof bundle built and checked.
"$BIN/tests/bench/inspection_bench" --results "${INSPECTION_RESULTS:-100000}" --log-events 0 \
  --rounds "${INSPECTION_ROUNDS:-1}"
"$BIN/tests/bench/inspection_bench" --results 0 --log-events "${PUBLIC_LOG_EVENTS:-5000000}" \
  --rounds "${INSPECTION_ROUNDS:-1}"
