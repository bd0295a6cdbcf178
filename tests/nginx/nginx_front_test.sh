#!/usr/bin/env bash
# The supported deployment, end to end: a real `suiji serve` on a fresh node behind a real
# nginx (Debian's package) configured by ops/nginx/render.sh, over TLS with a throwaway
# self-signed certificate, everything on loopback and free ports (127.0.0.2 to .6 stand for
# other clients). Checks, each by its status and error code:
#   - TLS 1.2 and 1.3 with AEAD suites are served; TLS 1.1 and CBC suites are refused;
#   - a signed-in request and a public read pass through (the public read is cached);
#   - a header line over 8 KiB, or headers over 33 KiB in all, are 400 at the front;
#   - a body over 1 MiB on a non-import route is 413 at the front (with Content-Length or
#     chunked); an import may send more; an import without a credential is 401 unread;
#   - a body with Content-Encoding: gzip is 415 at the front, never inflated;
#   - a request for many ranges gets the whole reply (200), a single range one range (206);
#   - checking a credential is limited per address (1 + burst at once, then 30 a minute);
#   - the event stream is passed on as it comes, and a third one from one address is 429;
#   - a client-sent X-Real-IP is not believed: the node's audit of failed sign-ins names the
#     real client address, which it takes from the front (`suiji serve --trusted-proxy`);
#   - slowloris (80 connections sending a header line every 2 s; the node has 64 threads)
#     does not stop /healthz or a signed-in request from answering at once, and the front
#     closes those connections at its header timeout;
#   - more requests in progress from one address than limit_conn allows get 429, while
#     another address is served.
# Cleans up nginx and the node on exit; bounded by timeouts on every wait.
#
#   tests/nginx/nginx_front_test.sh        (BUILD_DIR: default ./build; KEEP=1 keeps the files)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/tests/nginx"
BIN="${BUILD_DIR:-$ROOT/build}"
SUIJI="$BIN/api/suiji"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
NAME=suiji.test
KEEP="${KEEP:-0}"

die() { printf 'nginx_front_test: %s\n' "$*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
[ -x "$SUIJI" ] || die "no suiji binary at $SUIJI (set BUILD_DIR)"
[ -x "$NGINX" ] || die "no nginx (Debian package nginx; ops/install-deps.sh installs it)"
for tool in curl openssl python3; do command -v "$tool" >/dev/null || die "needs $tool"; done

WORK="$(mktemp -d /tmp/suiji-nginx-test.XXXXXX)"
DATA="$WORK/data"
# nginx's own prefix, beside the work directory (which stays 0700): when the test runs as
# root, nginx's workers run as nobody and must reach their temporary and cache folders.
PREFIX="$(mktemp -d /tmp/suiji-nginx-front.XXXXXX)"
chmod 0755 "$PREFIX"
NODE_PID="" NGINX_PID=""
STREAM_PIDS=()
FAILURES=()
cleanup() {
  # Only the processes this test started, by their ids.
  for pid in "${STREAM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
    kill -TERM "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then echo "files kept in $WORK and $PREFIX"; else rm -rf "$WORK" "$PREFIX"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "nginx_front_test: line $LINENO exited $?: $BASH_COMMAND" >&2' ERR

# A check that fails is reported and the test goes on, so that one run shows every outcome;
# the test fails at the end if any did.
check() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    printf '  ok    %s: %s\n' "$1" "$3"
  else
    printf '  FAIL  %s: expected %s, got %s\n' "$1" "$2" "$3"
    FAILURES+=("$1")
  fi
}
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# jq-free JSON field access: FIELD of the JSON object on stdin (dotted path, list index ok).
field() { python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(json.dumps(v) if isinstance(v, (list, dict)) else v)' "$1"; }

step "A node: one administrator (also supervisor and registry clerk) with a bearer token, a filed plan"
"$SUIJI" init --data "$DATA" --ledger test.suiji/nginx --description "nginx front test" \
  --org 320000 --user setup --no-calendar > "$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; die "init failed"; }
"$SUIJI" org add --data "$DATA" --user setup --id 320000 --name 江苏省人力资源和社会保障厅 \
  --region 320000 --level province > /dev/null
"$SUIJI" user add --data "$DATA" --user setup --id admin --name 管理员 --org-id 320000 \
  --role administrator --role supervisor --role registry_clerk > /dev/null
TOKEN="$("$SUIJI" token issue --data "$DATA" --user setup admin --label nginx-test 2>/dev/null)"
case "$TOKEN" in sj_*) ;; *) die "token issue printed no token" ;; esac
"$SUIJI" plan file --data "$DATA" --org 320000 --user setup --id P-320000-2026 --year 2026 \
  --title "江苏省人力资源和社会保障厅2026年度双随机抽查工作计划" > /dev/null

# The node trusts X-Real-IP only from the front's address (the flag of `suiji serve`).
SERVE_ARGS=(--data "$DATA" --listen 127.0.0.1:0)
HAVE_TRUSTED_PROXY=0
SERVE_HELP="$("$SUIJI" serve --help)"  # read whole: grep -q on a pipe could SIGPIPE suiji
if grep -q -- '--trusted-proxy' <<< "$SERVE_HELP"; then
  SERVE_ARGS+=(--trusted-proxy 127.0.0.1)
  HAVE_TRUSTED_PROXY=1
else
  echo "  (this suiji serve has no --trusted-proxy: the client-address check below must fail)"
fi
"$SUIJI" serve "${SERVE_ARGS[@]}" 2> "$WORK/serve.log" &
NODE_PID=$!
NODE_PORT=""
for _ in $(seq 100); do
  NODE_PORT="$(sed -n 's|^suiji serve: http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$WORK/serve.log")"
  [ -n "$NODE_PORT" ] && break
  kill -0 "$NODE_PID" 2>/dev/null || { cat "$WORK/serve.log"; die "suiji serve exited"; }
  sleep 0.1
done
[ -n "$NODE_PORT" ] || die "suiji serve did not say where it listens ($WORK/serve.log)"
echo "node on 127.0.0.1:$NODE_PORT (pid $NODE_PID)"

step "The front: ops/nginx/render.sh with its defaults, a self-signed certificate, nginx -p $PREFIX"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" \
  -keyout "$PREFIX/tls.key" -out "$PREFIX/tls.crt" 2> "$WORK/openssl.log" \
  || { cat "$WORK/openssl.log"; die "openssl could not make a certificate"; }
USER_LINE=""
[ "$(id -u)" -ne 0 ] || USER_LINE="user nobody nogroup;"
start_nginx() {  # PORT: renders the config for PORT and starts nginx; fails if it cannot listen
  "$ROOT/ops/nginx/render.sh" --server-name "$NAME" --cert "$PREFIX/tls.crt" --key "$PREFIX/tls.key" \
    --node "127.0.0.1:$NODE_PORT" --listen "127.0.0.1:$1" --http-redirect off \
    --cache-dir "$PREFIX/cache" --out "$PREFIX/suiji.conf"
  cat > "$PREFIX/nginx.conf" <<EOF
# The main file around ops/nginx's suiji.conf, as Debian's /etc/nginx/nginx.conf is around it.
$USER_LINE
worker_processes 2;
pid $PREFIX/nginx.pid;
error_log $PREFIX/error.log info;
events { worker_connections 1024; }
http {
  access_log $PREFIX/access.log;
  client_body_temp_path $PREFIX/body;
  proxy_temp_path $PREFIX/proxy;
  fastcgi_temp_path $PREFIX/fastcgi;
  uwsgi_temp_path $PREFIX/uwsgi;
  scgi_temp_path $PREFIX/scgi;
  default_type application/octet-stream;
  include $PREFIX/suiji.conf;
}
EOF
  "$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -g 'daemon off;' 2>> "$PREFIX/stderr.log" &
  NGINX_PID=$!
  for _ in $(seq 100); do
    if curl -s -o /dev/null --cacert "$PREFIX/tls.crt" --resolve "$NAME:$1:127.0.0.1" "https://$NAME:$1/healthz"; then
      return 0
    fi
    kill -0 "$NGINX_PID" 2>/dev/null || { NGINX_PID=""; return 1; }
    sleep 0.1
  done
  die "nginx did not answer on port $1 ($PREFIX/stderr.log, $PREFIX/error.log)"
}
# A free port can be taken between the look-up and nginx's bind: then try another one.
PORT=""
for _ in 1 2 3; do
  PORT="$(free_port)"
  start_nginx "$PORT" && break
  grep -q "Address already in use" "$PREFIX/stderr.log" || { cat "$PREFIX/stderr.log"; die "nginx did not start"; }
  PORT=""
done
[ -n "$PORT" ] || die "no free port for nginx after three tries"
echo "front on https://$NAME:$PORT (127.0.0.1; nginx pid $NGINX_PID)"
BASE="https://$NAME:$PORT"
CURL=(curl -s --max-time 10 --cacert "$PREFIX/tls.crt" --resolve "$NAME:$PORT:127.0.0.1")
CONN_LIMIT="$(sed -n 's/^ *limit_conn suiji_conn \([0-9]*\);/\1/p' "$PREFIX/suiji.conf" | head -1)"
HEADER_TIMEOUT="$(sed -n 's/^ *client_header_timeout \([0-9]*\)s;.*/\1/p' "$PREFIX/suiji.conf" | head -1)"
[ -n "$CONN_LIMIT" ] && [ -n "$HEADER_TIMEOUT" ] || die "cannot read limit_conn and client_header_timeout from the config"

step "TLS: 1.2 and 1.3 with forward-secret AEAD suites only"
tls() {  # OPENSSL_S_CLIENT_OPTIONS...: the negotiated "protocol cipher", or the alert the front sent
  echo | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -servername "$NAME" "$@" > "$WORK/tls.txt" 2>&1 || true
  sed -n -e 's/^New, \(TLSv1\.[0-9]\), Cipher is \(.*\)/\1 \2/p' -e 's/.*:\([a-z0-9 ]*alert [a-z ]*\):.*/\1/p' "$WORK/tls.txt" | head -1
}
check "TLS 1.3" "TLSv1.3 TLS_AES_256_GCM_SHA384" "$(tls -tls1_3)"
check "TLS 1.2" "TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384" "$(tls -tls1_2)"
check "TLS 1.1 (offered by a client that allows it)" "tlsv1 alert protocol version" "$(tls -tls1_1 -cipher 'DEFAULT@SECLEVEL=0')"
check "TLS 1.2 with a CBC suite only" "sslv3 alert handshake failure" "$(tls -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA)"

step "Through the front: a signed-in request, a public read (cached)"
code="$("${CURL[@]}" -o "$WORK/me.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me")"
check "GET /api/v1/me with the token" 200 "$code"
check "  it names the user" admin "$(field user_id < "$WORK/me.json")"
code="$("${CURL[@]}" -o "$WORK/me-bad.json" -w '%{http_code}' -H "Authorization: Bearer sj_not_a_token" "$BASE/api/v1/me")"
check "GET /api/v1/me with a bad token (the node's refusal, passed on)" "401 unauthenticated" "$code $(field code < "$WORK/me-bad.json")"
code="$("${CURL[@]}" -D "$WORK/notices1.h" -o "$WORK/notices.json" -w '%{http_code}' "$BASE/public/v1/notices")"
check "GET /public/v1/notices" 200 "$code"
check "  it carries the filed plan" 1 "$(grep -c 'P-320000-2026' "$WORK/notices.json" || true)"
"${CURL[@]}" -D "$WORK/notices2.h" -o /dev/null "$BASE/public/v1/notices"
check "  the first read went to the node, the second came from the front's cache" "MISS HIT" \
  "$(sed -n 's/^X-Cache-Status: \([A-Z]*\).*/\1/ip' "$WORK/notices1.h" "$WORK/notices2.h" | tr -d '\r' | xargs)"
code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X POST "$BASE/public/v1/notices")"
check "POST /public/v1/notices (public routes are GET only)" 403 "$code"
code="$("${CURL[@]}" -o "$WORK/metrics.json" -w '%{http_code}' "$BASE/metrics")"
check "GET /metrics (for the monitor on the node's machine, not passed on)" "404 no_route" "$code $(field code < "$WORK/metrics.json")"

step "Headers: a line at most 8 KiB, all of them at most 33 KiB"
code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "X-Long: $(head -c 9000 /dev/zero | tr '\0' a)" "$BASE/healthz")"
check "GET /healthz with a 9 KB header line" 400 "$code"
args=()
for i in $(seq 6); do args+=(-H "X-Part-$i: $(head -c 7000 /dev/zero | tr '\0' a)"); done
code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "${args[@]}" "$BASE/healthz")"
check "GET /healthz with six 7 KB header lines" 400 "$code"
code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "${args[@]:0:6}" "$BASE/healthz")"
check "GET /healthz with three 7 KB header lines" 200 "$code"

step "Bodies: 1 MiB on ordinary routes, imports more, never decompressed"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' > "$WORK/2mib.txt"
code="$("${CURL[@]}" -o "$WORK/413.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' --data-binary @"$WORK/2mib.txt" "$BASE/api/v1/results")"
check "POST /api/v1/results with 2 MiB (Content-Length)" "413 too_large front" \
  "$code $(field code < "$WORK/413.json") $(field details.by < "$WORK/413.json")"
code="$("${CURL[@]}" -o "$WORK/413c.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/2mib.txt" "$BASE/api/v1/results")"
check "POST /api/v1/results with 2 MiB (chunked)" "413 too_large front" \
  "$code $(field code < "$WORK/413c.json") $(field details.by < "$WORK/413c.json")"
code="$("${CURL[@]}" -o "$WORK/import.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: text/csv' --data-binary @"$WORK/2mib.txt" "$BASE/api/v1/imports/targets?org=320000&dry_run=true")"
check "POST /api/v1/imports/targets with 2 MiB of junk reaches the node (its refusal of the file)" \
  "422 invalid None" "$code $(field code < "$WORK/import.json") $(field details.by < "$WORK/import.json")"
code="$("${CURL[@]}" -o "$WORK/import-anon.json" -w '%{http_code}' -H 'Content-Type: text/csv' \
  --data-binary @"$WORK/2mib.txt" "$BASE/api/v1/imports/targets?org=320000")"
check "POST /api/v1/imports/targets without a credential" "401 unauthenticated front" \
  "$code $(field code < "$WORK/import-anon.json") $(field details.by < "$WORK/import-anon.json")"
printf '{"draw_id":"x"}' | gzip -c > "$WORK/body.gz"
code="$("${CURL[@]}" -o "$WORK/415.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary @"$WORK/body.gz" "$BASE/api/v1/results")"
check "POST /api/v1/results with Content-Encoding: gzip" "415 content_encoding_refused front" \
  "$code $(field code < "$WORK/415.json") $(field details.by < "$WORK/415.json")"
code="$("${CURL[@]}" -o "$WORK/415i.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: text/csv' -H 'Content-Encoding: gzip' --data-binary @"$WORK/body.gz" "$BASE/api/v1/imports/targets?org=320000")"
check "POST /api/v1/imports/targets with Content-Encoding: gzip" "415 content_encoding_refused" \
  "$code $(field code < "$WORK/415i.json")"

step "Ranges: at most one"
FULL="$(stat -c %s "$WORK/notices.json")"
[ "$FULL" -gt 200 ] || die "the notices are too short ($FULL bytes) for the range checks"
RANGES="bytes=0-0$(for i in $(seq 2 2 198); do printf ',%d-%d' "$i" "$i"; done)"
out="$("${CURL[@]}" -o "$WORK/ranges.body" -w '%{http_code} %{content_type}' -H "Range: $RANGES" "$BASE/public/v1/notices")"
check "GET /public/v1/notices with 100 ranges: the whole reply, once" "200 application/json; charset=utf-8 same" \
  "$out $(cmp -s "$WORK/ranges.body" "$WORK/notices.json" && echo same || echo "differs ($(stat -c %s "$WORK/ranges.body") bytes)")"
out="$("${CURL[@]}" -o "$WORK/range.body" -w '%{http_code}' -H "Range: bytes=10-19" "$BASE/public/v1/notices")"
check "GET /public/v1/notices with one range" "206 same" \
  "$out $(cmp -s "$WORK/range.body" <(head -c 20 "$WORK/notices.json" | tail -c 10) && echo same || echo differs)"

step "Signing in: at most 1 + burst checks of a credential at once from one address, then one per 2 s"
SIGNIN_BURST="$(sed -n 's/^ *limit_req zone=suiji_signin burst=\([0-9]*\) nodelay;/\1/p' "$PREFIX/suiji.conf" | head -1)"
args=()
for _ in $(seq 20); do args+=(-o /dev/null "$BASE/api/v1/me"); done
started=$(date +%s%N)
codes="$("${CURL[@]}" --interface 127.0.0.3 -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" "${args[@]}" | xargs)"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
check "20 GET /api/v1/me from 127.0.0.3: the first $((SIGNIN_BURST + 1)) answered" "$(yes 200 | head -$((SIGNIN_BURST + 1)) | xargs)" \
  "$(echo "$codes" | cut -d' ' -f1-$((SIGNIN_BURST + 1)))"
# 30 a minute: one more may pass for each 2 s the 20 requests took.
check "  the rest refused with 429 but for one per 2 s elapsed (${elapsed_ms} ms)" yes \
  "$(python3 -c 'import sys; c = sys.argv[1].split(); ok = c.count("200"); print("yes" if set(c) <= {"200", "429"} and "429" in c and ok <= int(sys.argv[2]) + 1 + int(sys.argv[3]) // 2000 + 1 else c)' "$codes" "$SIGNIN_BURST" "$elapsed_ms")"

step "The event stream: passed on as it comes, $(sed -n 's/^ *limit_conn suiji_events_per_client \([0-9]*\);/\1/p' "$PREFIX/suiji.conf") at once per address"
EVENTS_LIMIT="$(sed -n 's/^ *limit_conn suiji_events_per_client \([0-9]*\);/\1/p' "$PREFIX/suiji.conf")"
STREAM_PIDS=()
for i in $(seq "$EVENTS_LIMIT"); do
  "${CURL[@]}" --interface 127.0.0.6 -N --max-time 30 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/events?from=0" > "$WORK/stream$i.txt" &
  STREAM_PIDS+=($!)
done
# Each stream's first event (the genesis, sequence 0) arrives while the stream stays open.
for i in $(seq "$EVENTS_LIMIT"); do
  for _ in $(seq 100); do grep -q '^id: 0$' "$WORK/stream$i.txt" && break; sleep 0.1; done
  check "stream $i delivers the log's first event at once" yes "$(grep -q '^id: 0$' "$WORK/stream$i.txt" && echo yes || echo no)"
done
code="$("${CURL[@]}" --interface 127.0.0.6 -o "$WORK/stream-extra.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/events?from=0")"
check "one more stream from the same address" "429 too_many_requests" "$code $(field code < "$WORK/stream-extra.json")"
for pid in "${STREAM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
STREAM_PIDS=()

step "The client address: the front's X-Real-IP replaces the client's, and the node believes only the front"
before="$(wc -l < "$DATA/audit/auth-failures.jsonl" 2>/dev/null || echo 0)"
code="$("${CURL[@]}" --interface 127.0.0.2 -o "$WORK/spoof.json" -w '%{http_code}' \
  -H 'X-Real-IP: 203.0.113.7' -H 'X-Forwarded-For: 203.0.113.7' -H "Authorization: Bearer sj_not_a_token" "$BASE/api/v1/me")"
check "GET /api/v1/me from 127.0.0.2 with X-Real-IP: 203.0.113.7 and a bad token" "401 unauthenticated" \
  "$code $(field code < "$WORK/spoof.json")"
check "  the node's audit names the client's real address" "127.0.0.2" \
  "$(sed -n "$((before + 1))p" "$DATA/audit/auth-failures.jsonl" | field address)"
code="$(curl -s --max-time 10 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' -H 'X-Real-IP: 203.0.113.8' \
  -H "Authorization: Bearer sj_not_a_token" "http://127.0.0.1:$NODE_PORT/api/v1/me")"
check "GET /api/v1/me straight to the node from 127.0.0.2 with X-Real-IP: 203.0.113.8" 401 "$code"
check "  the node's audit names the connection's address, not the header's" "127.0.0.2" \
  "$(sed -n "$((before + 2))p" "$DATA/audit/auth-failures.jsonl" | field address)"
[ "$HAVE_TRUSTED_PROXY" = 1 ] || { FAILURES+=("suiji serve --trusted-proxy"); echo "  FAIL  suiji serve has no --trusted-proxy"; }

step "Slowloris through the front: 80 connections, one header line every 2 s (the node has 64 threads)"
python3 "$HERE/front_attacks.py" slowloris --port "$PORT" --server-name "$NAME" --cacert "$PREFIX/tls.crt" \
  --token "$TOKEN" --connections 80 --interval 2 --limit $((HEADER_TIMEOUT + 10)) > "$WORK/slowloris.json"
cat "$WORK/slowloris.json"
check "connections open while the probes ran" "80 80" \
  "$(field open_at_probe < "$WORK/slowloris.json") $(field open_after_probe < "$WORK/slowloris.json")"
prompt() {  # the probe's [status, seconds] as "STATUS prompt" when it took under 3 s
  python3 -c 'import json, sys; s, t = json.load(sys.stdin)[sys.argv[1]]; print(s, "prompt" if t < 3 else "after %.1f s" % t)' "$1" < "$WORK/slowloris.json"
}
check "GET /healthz during the attack" "200 prompt" "$(prompt healthz)"
check "GET /api/v1/me with the token during the attack" "200 prompt" "$(prompt me)"
check "the front closed every slow connection" 80 "$(field closed_by_front < "$WORK/slowloris.json")"
check "  at its header timeout (${HEADER_TIMEOUT} s), not before and not much later" within \
  "$(python3 -c 'import json, sys; r = json.load(sys.stdin); t = int(sys.argv[1])
print("within" if r["first_close_s"] >= t - 0.5 and r["last_close_s"] <= t + 4 else "%s..%s s" % (r["first_close_s"], r["last_close_s"]))' "$HEADER_TIMEOUT" < "$WORK/slowloris.json")"

step "Requests in progress per address: $CONN_LIMIT held from 127.0.0.4 (bodies never sent)"
python3 "$HERE/front_attacks.py" hold --port "$PORT" --server-name "$NAME" --cacert "$PREFIX/tls.crt" \
  --token "$TOKEN" --connections "$CONN_LIMIT" --source 127.0.0.4 --other-source 127.0.0.5 > "$WORK/hold.json"
cat "$WORK/hold.json"
check "held requests the front is reading (100 Continue)" "$CONN_LIMIT" "$(field continued < "$WORK/hold.json")"
check "one more from 127.0.0.4 (GET /healthz)" 429 "$(field same_address.0 < "$WORK/hold.json")"
check "one from 127.0.0.5 at the same time (GET /healthz)" 200 "$(field other_address.0 < "$WORK/hold.json")"

kill -0 "$NODE_PID" 2>/dev/null || FAILURES+=("the node exited")
kill -0 "$NGINX_PID" 2>/dev/null || FAILURES+=("nginx exited")
if [ "${#FAILURES[@]}" -gt 0 ]; then
  printf '\nnginx_front_test: %d check(s) failed:\n' "${#FAILURES[@]}"
  printf '  %s\n' "${FAILURES[@]}"
  KEEP=1
  exit 1
fi
echo
echo "nginx_front_test: every check holds"
