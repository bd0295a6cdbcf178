#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang-14, ASan and UBSan in build-fuzz/ (or
# $FUZZ_BUILD_DIR) and runs each for FUZZ_SECONDS (default 60; the test command runs it
# briefly, run it longer by hand, e.g. FUZZ_SECONDS=3600). New inputs go to a scratch corpus
# seeded from tests/fuzz/corpus; a crash leaves its input in the scratch directory and fails.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSUIJI_FUZZ=ON -DSUIJI_BUILD_TESTS=OFF -DSUIJI_KAFKA=OFF >/dev/null
cmake --build "$BUILD" --target json_commands_fuzz --parallel "$(nproc)"
WORK="$(mktemp -d /tmp/suiji-fuzz.XXXXXX)"
cp "$ROOT"/tests/fuzz/corpus/* "$WORK/"
echo "fuzzing the JSON command decoding for ${SECONDS_EACH} s (corpus and any crash input: $WORK)"
(cd "$WORK" && "$BUILD/tests/fuzz/json_commands_fuzz" -max_total_time="$SECONDS_EACH" -max_len=8192 \
  -print_final_stats=1 "$WORK")

# --- signed_request_fuzz: the signed-request Authorization header parser (its own corpus)
cmake --build "$BUILD" --target signed_request_fuzz --parallel "$(nproc)"
WORK_SIGNED="$(mktemp -d /tmp/suiji-fuzz-signed.XXXXXX)"
cp "$ROOT"/tests/fuzz/corpus-signed-request/* "$WORK_SIGNED/"
echo "fuzzing the signed-request header parser for ${SECONDS_EACH} s (corpus and any crash input: $WORK_SIGNED)"
(cd "$WORK_SIGNED" && "$BUILD/tests/fuzz/signed_request_fuzz" -max_total_time="$SECONDS_EACH" -max_len=1024 \
  -print_final_stats=1 "$WORK_SIGNED")
# --- end signed_request_fuzz
