#!/usr/bin/env bash
# Sign-ins per second with the shared rate counters (ADR 0002), on PostgreSQL: straight to one
# node, through nginx to that node alone, and through nginx round-robin to two nodes. The
# targets alternate in rounds, so the machine's noise falls on all three alike. This gives
# figures for the notes, never assertions. It runs at the production argon2id cost (what users
# feel) and at the test cost (what is left when hashing is cheap: sessions, counters, the
# proxy).
# Usage: bench/proxy.sh [seconds per round, default 5] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-5}
ROUNDS=${2:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not running on 127.0.0.1:5432"; exit 1; }
cargo build --release -q -p keiro-cli
BIN=target/release/keiro
WORK=$(mktemp -d)
DB=keiro_proxy_$$
URL=postgres://postgres@127.0.0.1:5432/$DB
cleanup() {
  [ -f "$WORK/nginx.pid" ] && kill -TERM "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
$BIN migrate --database-url "$URL" >/dev/null
$BIN demo --database-url "$URL" > "$WORK/demo.txt"
PASSWORD=$(awk '/admin@sakura-dist.example/ {print $NF}' "$WORK/demo.txt")
# Every sign-in arrives from the proxy's client, 127.0.0.1: lift the per-address limit so wrk
# measures the server rather than the limit.
export KEIRO_SIGNIN_ATTEMPTS_PER_IP_PER_MINUTE=100000000 KEIRO_TRUSTED_PROXIES='["127.0.0.1"]'
export KEIRO_MAIL_DIR="$WORK/outbox" KEIRO_PUBLIC_URL=http://127.0.0.1:18280
wait_ready() { for _ in $(seq 1 300); do curl -sf "http://$1/healthz" >/dev/null && return 0; sleep 0.02; done; return 1; }
rps() { wrk -t2 -c16 -d"${DUR}s" -s "$WORK/signin.lua" "$1/signin" | awk '/Requests\/sec/ {print $2}'; }
signin_script() {
  cat > "$WORK/signin.lua" <<LUA
wrk.method = "POST"
wrk.body = "email=admin%40sakura-dist.example&password=$1&next="
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
LUA
}
signin_script "$PASSWORD"
USER_LINE=$([ "$(id -u)" = 0 ] && echo "user root;" || true)
cat > "$WORK/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  upstream one { server 127.0.0.1:18281; keepalive 32; }
  upstream two { server 127.0.0.1:18281; server 127.0.0.1:18282; keepalive 32; }
  server { listen 127.0.0.1:18280; location / { proxy_pass http://one; proxy_http_version 1.1;
    proxy_set_header Connection ""; proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } }
  server { listen 127.0.0.1:18290; location / { proxy_pass http://two; proxy_http_version 1.1;
    proxy_set_header Connection ""; proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } }
}
CONF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf"

for cost in production test; do
  if [ $cost = test ]; then
    export KEIRO_PASSWORD_COST__MEMORY_KIB=64 KEIRO_PASSWORD_COST__ITERATIONS=1 KEIRO_PASSWORD_COST__PARALLELISM=1
    # A hash keeps the cost it was made with: seed the demo again to re-hash at this cost.
    $BIN demo --database-url "$URL" > "$WORK/demo.txt"
    signin_script "$(awk '/admin@sakura-dist.example/ {print $NF}' "$WORK/demo.txt")"
  fi
  $BIN serve --database-url "$URL" --data-dir "$WORK/a" --listen 127.0.0.1:18281 >"$WORK/a.log" 2>&1 & A=$!
  $BIN serve --database-url "$URL" --data-dir "$WORK/b" --listen 127.0.0.1:18282 >"$WORK/b.log" 2>&1 & B=$!
  wait_ready 127.0.0.1:18281; wait_ready 127.0.0.1:18282
  echo "== argon2id at the $cost cost: sign-ins/s, ${ROUNDS} rounds of ${DUR}s"
  for r in $(seq 1 "$ROUNDS"); do
    d=$(rps http://127.0.0.1:18281); p1=$(rps http://127.0.0.1:18280); p2=$(rps http://127.0.0.1:18290)
    echo "round $r: direct to one node $d | nginx → that node $p1 | nginx → two nodes $p2"
  done
  kill $A $B; wait $A $B 2>/dev/null || true
done
