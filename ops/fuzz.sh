#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang-14, ASan and UBSan in build-fuzz/ (or
# $FUZZ_BUILD_DIR) and runs them one after another within FUZZ_SECONDS in total (default 60,
# split evenly between the targets; the test command runs it briefly, run it longer by hand,
# e.g. FUZZ_SECONDS=3600). Each target's new inputs go to a scratch corpus seeded from its
# folder under tests/fuzz; a crash leaves its input in the scratch directory and fails.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
TOTAL_SECONDS="${FUZZ_SECONDS:-60}"
# One line a target: its name, its seed folder under tests/fuzz, -max_len, what it fuzzes.
TARGETS=(
  "json_commands_fuzz corpus 8192 the JSON command decoding"
)
# ---- the CSV and XLSX readers of the bulk imports ----
TARGETS+=(
  "csv_reader_fuzz csv_corpus 16384 the CSV reader"
  "xlsx_reader_fuzz xlsx_corpus 65536 the XLSX reader"
)
# ---- end of the CSV and XLSX readers ----
# ---- the signed-request Authorization header parser (api/http/signed_request.h) ----
TARGETS+=(
  "signed_request_fuzz corpus-signed-request 1024 the signed-request header parser"
)
# ---- end of the signed-request header parser ----

CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSUIJI_FUZZ=ON -DSUIJI_BUILD_TESTS=OFF -DSUIJI_KAFKA=OFF >/dev/null
names=()
for t in "${TARGETS[@]}"; do names+=("${t%% *}"); done
cmake --build "$BUILD" --target "${names[@]}" --parallel "$(nproc)"
SECONDS_EACH=$((TOTAL_SECONDS / ${#TARGETS[@]}))
[ "$SECONDS_EACH" -ge 1 ] || SECONDS_EACH=1
for t in "${TARGETS[@]}"; do
  read -r name seeds max_len what <<<"$t"
  WORK="$(mktemp -d /tmp/suiji-fuzz.XXXXXX)"
  cp "$ROOT/tests/fuzz/$seeds"/* "$WORK/"
  echo "fuzzing $what for ${SECONDS_EACH} s (corpus and any crash input: $WORK)"
  (cd "$WORK" && "$BUILD/tests/fuzz/$name" -max_total_time="$SECONDS_EACH" -max_len="$max_len" \
    -print_final_stats=1 "$WORK")
done
