#!/usr/bin/env bash
# Builds Suiji and runs every test: the dependency-direction check, then ctest (unit,
# integration and slow labels), then the libFuzzer targets for a short while (ops/fuzz.sh,
# FUZZ_SECONDS in total, default 60), with a real single-node Apache Kafka broker on 127.0.0.1
# for the Kafka backend's tests (fetched from Maven Central by ops/kafka/kafka.sh, started
# here in a fresh directory and stopped on exit). Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
"$ROOT/ops/check-deps.sh"

# The broker: fetch the jars while nothing else needs the network, then start it on free
# ports so that a broker left running elsewhere on this machine cannot interfere.
"$ROOT/ops/kafka/kafka.sh" fetch
export SUIJI_KAFKA_DIR="$(mktemp -d /tmp/suiji-kafka-test.XXXXXX)"
export SUIJI_KAFKA_PORT=free
cleanup() { "$ROOT/ops/kafka/kafka.sh" stop "$SUIJI_KAFKA_DIR" >/dev/null 2>&1 || true; rm -rf "$SUIJI_KAFKA_DIR"; }
trap cleanup EXIT
"$ROOT/ops/kafka/kafka.sh" start "$SUIJI_KAFKA_DIR"
export SUIJI_KAFKA_BROKERS="$("$ROOT/ops/kafka/kafka.sh" brokers "$SUIJI_KAFKA_DIR")"
echo "kafka broker for the tests: $SUIJI_KAFKA_BROKERS"

"$ROOT/ops/build.sh"
cd "$BUILD_DIR"
# Every test must pass on its first run: a flaky test is a bug to find and fix, never a
# failure to run again until it passes.
ctest --output-on-failure --timeout 900 -j "$(nproc)"
"$ROOT/ops/fuzz.sh"
