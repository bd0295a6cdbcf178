#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft: broker + controller in one JVM) on 127.0.0.1, for
# Suiji's Kafka backend tests and benchmark. Debian has no Kafka package; the jars come from
# Maven Central (ops/kafka/pom.xml) into ops/kafka/dist/libs (git-ignored). No Docker, no
# ZooKeeper, no network but Maven Central (for `fetch`).
#
#   kafka.sh fetch          download the jars (skipped if already there)
#   kafka.sh start [DIR]    format DIR once, start the broker, wait until it answers metadata
#   kafka.sh stop [DIR]     SIGTERM (controlled shutdown), then SIGKILL after 30 s
#   kafka.sh kill9 [DIR]    SIGKILL now (fault tests); `start DIR` again recovers the data
#   kafka.sh status [DIR]   running or not, exit 0 if running
#   kafka.sh brokers [DIR]  print the bootstrap address (127.0.0.1:PORT)
#
# DIR defaults to $SUIJI_KAFKA_DIR or /tmp/suiji-kafka; it holds server.properties,
# log4j.properties, data/ (the Kafka logs), kafka.pid, server.log (the broker's log) and
# kafka.out (its stdout/stderr). Environment:
#   SUIJI_KAFKA_PORT             client port (default 19092; "free" picks free ones); a
#                                data dir keeps the ports it was first started with
#   SUIJI_KAFKA_CONTROLLER_PORT  KRaft controller port (default PORT+1)
#   SUIJI_KAFKA_HEAP             JVM heap (default 512m)
#   SUIJI_KAFKA_START_TIMEOUT    seconds to wait for the broker (default 60)
# Tests read the address from SUIJI_KAFKA_BROKERS (default 127.0.0.1:19092).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
LIBS="$HERE/dist/libs"
CMD="${1:-}"
DIR="${2:-${SUIJI_KAFKA_DIR:-/tmp/suiji-kafka}}"
HEAP="${SUIJI_KAFKA_HEAP:-512m}"
START_TIMEOUT="${SUIJI_KAFKA_START_TIMEOUT:-60}"
PIDFILE="$DIR/kafka.pid"

die() { echo "kafka.sh: $*" >&2; exit 1; }
say() { echo "kafka.sh: $*" >&2; }

have_jars() {
  compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null && compgen -G "$LIBS/kafka-tools-*.jar" >/dev/null &&
    compgen -G "$LIBS/slf4j-reload4j-*.jar" >/dev/null
}

fetch() {
  if have_jars; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven openjdk-17-jre-headless)"
  say "fetching Apache Kafka jars from Maven Central into $LIBS"
  mkdir -p "$LIBS"
  # The pom pins the output directory to ops/kafka/dist/libs.
  mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS"
  have_jars || die "the jars are still missing from $LIBS after mvn"
}

running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: it must be our JVM.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka" || return 1
  echo "$pid"
}

port_open() {  # port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

brokers() {
  [ -f "$DIR/brokers" ] || die "no broker was started in $DIR"
  cat "$DIR/brokers"
}

write_config() {  # write_config PORT CONTROLLER_PORT
  local port="$1" cport="$2"
  mkdir -p "$DIR/data"
  cat >"$DIR/server.properties" <<EOF
# Written by ops/kafka/kafka.sh: one KRaft node that is broker and controller, for tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
# A restart after kill -9 waits for the dead incarnation's session to expire: keep it short.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
# Small: two cores are shared by several engineers.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=2097152
log.segment.bytes=67108864
log.retention.hours=-1
EOF
  cat >"$DIR/log4j.properties" <<EOF
# Written by ops/kafka/kafka.sh: everything to $DIR/server.log, nothing to the console.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$DIR/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.kafka.controller=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=WARN
EOF
  cat >"$DIR/tools-log4j.properties" <<EOF
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

java_tool() {  # java_tool CLASS ARGS...: a Kafka command-line tool, logging warnings only
  timeout "${TOOL_TIMEOUT:-120}" java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j.configuration="file:$DIR/tools-log4j.properties" -cp "$LIBS/*" "$@"
}

# metadata_ok PORT: the broker answers a Metadata request listing itself (it enables request
# processing only once the controller has unfenced it). python3 speaks the wire protocol in
# 50 ms; without python3, Kafka's TopicCommand (a JVM, a few seconds) does the same.
metadata_ok() {
  if command -v python3 >/dev/null; then
    python3 - "$1" <<'PY'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
client = b"kafka.sh"
# Metadata v0 (api key 3), correlation id 7, no topics listed (= all topics).
body = struct.pack(">hhih", 3, 0, 7, len(client)) + client + struct.pack(">i", 0)
s.sendall(struct.pack(">i", len(body)) + body)
def read(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit(1)
        b += c
    return b
size, = struct.unpack(">i", read(4))
resp = read(size)
corr, nbrokers, node = struct.unpack(">iii", resp[:12])
sys.exit(0 if corr == 7 and nbrokers >= 1 else 1)
PY
  else
    TOOL_TIMEOUT=30 java_tool org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "127.0.0.1:$1" --list >/dev/null
  fi
}

start() {
  have_jars || fetch
  command -v java >/dev/null || die "java not found (apt-get install openjdk-17-jre-headless)"
  mkdir -p "$DIR"
  if pid="$(running_pid)"; then
    say "already running (pid $pid) at $(cat "$DIR/brokers")"
    return 0
  fi
  local t0 port cport
  t0=$(date +%s.%N)
  # A data dir keeps its ports (its clients and its KRaft metadata know them).
  if [ -f "$DIR/ports" ] && [ -f "$DIR/data/meta.properties" ]; then
    read -r port cport <"$DIR/ports"
  else
    port="${SUIJI_KAFKA_PORT:-19092}"
    if [ "$port" = free ]; then
      port="$(free_port)"
      cport="${SUIJI_KAFKA_CONTROLLER_PORT:-$(free_port)}"
    else
      cport="${SUIJI_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
    fi
  fi
  if port_open "$port" || port_open "$cport"; then
    die "port $port or $cport on 127.0.0.1 is in use by another process; set SUIJI_KAFKA_PORT"
  fi
  write_config "$port" "$cport"
  echo "$port $cport" >"$DIR/ports"
  echo "127.0.0.1:$port" >"$DIR/brokers"

  if [ ! -f "$DIR/data/meta.properties" ]; then
    local id
    id="$(java_tool kafka.tools.StorageTool random-uuid)"
    java_tool kafka.tools.StorageTool format -t "$id" -c "$DIR/server.properties" \
      >"$DIR/format.out" 2>&1 || { cat "$DIR/format.out" >&2; die "storage format failed"; }
  fi

  # setsid: the broker outlives this script and the caller's process group (ctest, CI).
  : >"$DIR/kafka.out"
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PIDFILE" \
    java "-Xmx$HEAP" "-Xms$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1 -XX:CICompilerCount=2 \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$DIR/log4j.properties" \
    -Dkafka.logs.dir="$DIR" -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" \
    >>"$DIR/kafka.out" 2>&1 </dev/null &
  disown || true

  local deadline=$(($(date +%s) + START_TIMEOUT)) pid=""
  while :; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 30 "$DIR/kafka.out" "$DIR/server.log" >&2 2>/dev/null || true
      die "the broker did not answer on 127.0.0.1:$port within ${START_TIMEOUT}s (logs: $DIR)"
    fi
    if ! pid="$(running_pid)"; then
      sleep 0.3
      if ! pid="$(running_pid)"; then
        tail -n 30 "$DIR/kafka.out" "$DIR/server.log" >&2 2>/dev/null || true
        die "the broker exited during startup (logs: $DIR)"
      fi
    fi
    if port_open "$port" && metadata_ok "$port" 2>>"$DIR/check.err"; then
      break
    fi
    sleep 0.5
  done
  local t1
  t1=$(date +%s.%N)
  say "started (pid $pid) at 127.0.0.1:$port in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s; data and logs in $DIR"
}

stop_with() {  # stop_with SIGNAL
  local pid
  if ! pid="$(running_pid)"; then
    say "not running ($DIR)"
    rm -f "$PIDFILE"
    return 0
  fi
  kill "-$1" "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 300); do  # 30 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still alive after 30 s: SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  say "stopped (pid $pid, SIG$1)"
}

case "$CMD" in
  fetch) fetch ;;
  start) start ;;
  stop) stop_with TERM ;;
  kill9) stop_with KILL ;;
  status)
    if pid="$(running_pid)"; then
      echo "running (pid $pid) at $(cat "$DIR/brokers"), data in $DIR"
    else
      echo "not running ($DIR)"
      exit 1
    fi
    ;;
  brokers) brokers ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
