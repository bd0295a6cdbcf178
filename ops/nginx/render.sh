#!/usr/bin/env bash
# Writes the nginx configuration of the front of a Suiji node (ops/nginx/suiji.conf.in with
# its parameters filled in) to stdout or --out. The result goes in nginx's http context
# (Debian: /etc/nginx/conf.d/suiji.conf); ops/nginx/README.md explains every limit.
#
#   ops/nginx/render.sh --server-name suiji.hrss.example.gov.cn \
#     --cert /etc/ssl/suiji/fullchain.pem --key /etc/ssl/suiji/privkey.pem \
#     [--node 127.0.0.1:8080] [--listen 443] [--http-redirect 80|off] [--node-threads 64]
#     [--cache-dir /var/lib/nginx/suiji-cache] [--conn-per-client 32] [--api-rate 20]
#     [--api-burst 100] [--signin-per-minute 30] [--signin-burst 10] [--public-rate 50]
#     [--public-burst 200] [--events-per-client 2] [--import-max 64m] [--public-cache-seconds 10]
#     [--out FILE]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
shopt -u patsub_replacement 2>/dev/null || true  # bash 5.2: '&' in a replacement stays '&'

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'render.sh: %s\n' "$*" >&2; exit 2; }

SERVER_NAME="" CERT="" KEY="" NODE="127.0.0.1:8080" LISTEN="443" HTTP_REDIRECT="80"
NODE_THREADS=64 CACHE_DIR="/var/lib/nginx/suiji-cache" CONN_PER_CLIENT=32 API_RATE=20
API_BURST=100 SIGNIN_RATE=30 SIGNIN_BURST=10 PUBLIC_RATE=50 PUBLIC_BURST=200
EVENTS_PER_CLIENT=2 IMPORT_MAX=64m PUBLIC_CACHE_SECONDS=10 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in -h|--help) usage ;; esac
  [ $# -ge 2 ] || die "$1 needs a value"
  case "$1" in
    --server-name) SERVER_NAME="$2" ;;
    --cert) CERT="$2" ;;
    --key) KEY="$2" ;;
    --node) NODE="$2" ;;
    --listen) LISTEN="$2" ;;
    --http-redirect) HTTP_REDIRECT="$2" ;;
    --node-threads) NODE_THREADS="$2" ;;
    --cache-dir) CACHE_DIR="$2" ;;
    --conn-per-client) CONN_PER_CLIENT="$2" ;;
    --api-rate) API_RATE="$2" ;;
    --api-burst) API_BURST="$2" ;;
    --signin-per-minute) SIGNIN_RATE="$2" ;;
    --signin-burst) SIGNIN_BURST="$2" ;;
    --public-rate) PUBLIC_RATE="$2" ;;
    --public-burst) PUBLIC_BURST="$2" ;;
    --events-per-client) EVENTS_PER_CLIENT="$2" ;;
    --import-max) IMPORT_MAX="$2" ;;
    --public-cache-seconds) PUBLIC_CACHE_SECONDS="$2" ;;
    --out) OUT="$2" ;;
    *) die "unknown option $1 (--help lists them)" ;;
  esac
  shift 2
done

# Every value lands in nginx syntax: refuse anything that could end a directive or open a block.
[ -n "$SERVER_NAME" ] || die "--server-name is required"
[ -n "$CERT" ] && [ -n "$KEY" ] || die "--cert and --key are required (PEM files nginx can read)"
[[ "$SERVER_NAME" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]] || die "--server-name: not a host name: $SERVER_NAME"
for v in "$CERT" "$KEY" "$CACHE_DIR"; do
  [[ "$v" =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "not an absolute path of plain characters: $v"
done
[[ "$NODE" =~ ^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):[0-9]{1,5}$ ]] || die "--node is HOST:PORT: $NODE"
[[ "$LISTEN" =~ ^(([0-9.]+|\[[0-9A-Fa-f:]+\]):)?[0-9]{1,5}$ ]] || die "--listen is [ADDRESS:]PORT: $LISTEN"
[[ "$HTTP_REDIRECT" =~ ^(off|(([0-9.]+|\[[0-9A-Fa-f:]+\]):)?[0-9]{1,5})$ ]] || die "--http-redirect is [ADDRESS:]PORT or off: $HTTP_REDIRECT"
[[ "$IMPORT_MAX" =~ ^[1-9][0-9]*[km]?$ ]] || die "--import-max is a size such as 64m: $IMPORT_MAX"
for pair in "node-threads:$NODE_THREADS" "conn-per-client:$CONN_PER_CLIENT" "api-rate:$API_RATE" \
            "api-burst:$API_BURST" "signin-per-minute:$SIGNIN_RATE" "signin-burst:$SIGNIN_BURST" \
            "public-rate:$PUBLIC_RATE" "public-burst:$PUBLIC_BURST" \
            "events-per-client:$EVENTS_PER_CLIENT" "public-cache-seconds:$PUBLIC_CACHE_SECONDS"; do
  [[ "${pair#*:}" =~ ^[1-9][0-9]*$ ]] || die "--${pair%%:*} is a positive whole number: ${pair#*:}"
done
[ "$NODE_THREADS" -ge 16 ] || die "--node-threads: the node needs at least 16 threads behind the front"

# The node's threads: 3/4 for requests in progress, 4 idle kept-alive connections per nginx
# worker (2 workers), an eighth for event streams (which hold theirs); the rest stay free.
KEEPALIVE=4
MAX_CONNS=$((NODE_THREADS * 3 / 4))
NODE_CONNS=$((MAX_CONNS + 2 * KEEPALIVE))
EVENTS_ALL=$((NODE_THREADS / 8))

REDIRECT_BLOCK=""
if [ "$HTTP_REDIRECT" != off ]; then
  PORT_SUFFIX=""
  [ "${LISTEN##*:}" = 443 ] || PORT_SUFFIX=":${LISTEN##*:}"
  REDIRECT_BLOCK="
# Plain HTTP only says where the HTTPS front is.
server {
  listen $HTTP_REDIRECT;
  server_name $SERVER_NAME;
  server_tokens off;
  client_header_timeout 10s;
  client_body_timeout 10s;
  keepalive_timeout 0;
  client_header_buffer_size 1k;
  large_client_header_buffers 4 8k;
  client_max_body_size 1k;
  limit_conn suiji_conn $CONN_PER_CLIENT;
  limit_conn_status 429;
  return 301 https://$SERVER_NAME$PORT_SUFFIX\$request_uri;
}
"
fi

text="$(cat "$HERE/suiji.conf.in")"
sub() { text="${text//@$1@/$2}"; }
sub HTTP_REDIRECT "$REDIRECT_BLOCK"
sub SERVER_NAME "$SERVER_NAME"
sub CERT "$CERT"
sub KEY "$KEY"
sub NODE "$NODE"
sub LISTEN "$LISTEN"
sub NODE_THREADS "$NODE_THREADS"
sub MAX_CONNS "$MAX_CONNS"
sub KEEPALIVE "$KEEPALIVE"
sub NODE_CONNS "$NODE_CONNS"
sub EVENTS_ALL "$EVENTS_ALL"
sub CACHE_DIR "$CACHE_DIR"
sub CONN_PER_CLIENT "$CONN_PER_CLIENT"
sub API_RATE "$API_RATE"
sub API_BURST "$API_BURST"
sub SIGNIN_RATE "$SIGNIN_RATE"
sub SIGNIN_BURST "$SIGNIN_BURST"
sub PUBLIC_RATE "$PUBLIC_RATE"
sub PUBLIC_BURST "$PUBLIC_BURST"
sub EVENTS_PER_CLIENT "$EVENTS_PER_CLIENT"
sub IMPORT_MAX "$IMPORT_MAX"
sub PUBLIC_CACHE_SECONDS "$PUBLIC_CACHE_SECONDS"
if [[ "$text" =~ @[A-Z_]+@ ]]; then die "internal: parameter ${BASH_REMATCH[0]} of suiji.conf.in not filled in"; fi

if [ -n "$OUT" ]; then
  printf '%s\n' "$text" > "$OUT.tmp"
  mv "$OUT.tmp" "$OUT"
else
  printf '%s\n' "$text"
fi
