#!/usr/bin/env bash
# Runs the benchmarks on this machine and prints their figures (medians of 3 rounds).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}"
"$BIN/tests/bench/ledger_bench" --events "${EVENTS:-1000000}" --rounds "${ROUNDS:-3}"
