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
