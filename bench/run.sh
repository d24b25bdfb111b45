#!/usr/bin/env bash
# Load figures for the notes (never assertions): start-up time on an existing SQLite database,
# resident memory idle and under load, GET /v1/me requests/s on SQLite and PostgreSQL next to a
# minimal axum handler, and sign-ins per second. Loopback only; every run is bounded.
# Usage: bench/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p keiro-cli
cargo build --release -q -p keiro-server --example baseline
BIN=target/release/keiro
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
# Bench configuration: raise the per-token and per-address limits so wrk measures the server.
export KEIRO_API_REQUESTS_PER_MINUTE=100000000 KEIRO_SIGNIN_ATTEMPTS_PER_IP_PER_MINUTE=100000000
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/"$1"/status; }
wait_ready() { for _ in $(seq 1 300); do curl -sf "http://$1/healthz" >/dev/null && return 0; sleep 0.02; done; return 1; }
rps() { wrk -t2 -c32 -d"${DUR}s" "$@" | awk '/Requests\/sec/ {print $2}'; }

echo "== SQLite"
$BIN demo --data-dir "$WORK/sqlite" > "$WORK/demo.txt"
PASSWORD=$(awk '/admin@sakura-dist.example/ {print $NF}' "$WORK/demo.txt")
TOKEN=$($BIN admin token create --email admin@sakura-dist.example --data-dir "$WORK/sqlite" 2>/dev/null)
start=$(date +%s%N)
$BIN serve --data-dir "$WORK/sqlite" --listen 127.0.0.1:18180 >/dev/null 2>&1 &
PID=$!
wait_ready 127.0.0.1:18180
echo "ready after start (existing SQLite database): $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2; echo "RSS idle: $(rss $PID)"
echo "GET /v1/me, SQLite: $(rps -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18180/v1/me) req/s"
echo "RSS after load: $(rss $PID)"
cat > "$WORK/signin.lua" <<LUA
wrk.method = "POST"
wrk.body = "email=admin%40sakura-dist.example&password=$PASSWORD&next="
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
LUA
echo "sign-ins (argon2id, production cost): $(rps -s "$WORK/signin.lua" http://127.0.0.1:18180/signin) /s"
echo "RSS after sign-ins: $(rss $PID)"
kill $PID; wait $PID 2>/dev/null || true

echo "== baseline: minimal axum handler"
target/release/examples/baseline 127.0.0.1:18190 & BPID=$!
wait_ready_plain() { for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:18190/v1/me" >/dev/null && return 0; sleep 0.02; done; }
wait_ready_plain
echo "GET /v1/me, baseline: $(rps http://127.0.0.1:18190/v1/me) req/s"
kill $BPID; wait $BPID 2>/dev/null || true

if pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "== PostgreSQL"
  DB=keiro_bench_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
  URL=postgres://postgres@127.0.0.1:5432/$DB
  $BIN demo --database-url "$URL" >/dev/null
  TOKEN=$($BIN admin token create --email admin@sakura-dist.example --database-url "$URL" 2>/dev/null)
  $BIN serve --database-url "$URL" --data-dir "$WORK/pg" --listen 127.0.0.1:18181 >/dev/null 2>&1 &
  PID=$!
  wait_ready 127.0.0.1:18181
  echo "GET /v1/me, PostgreSQL: $(rps -H "Authorization: Bearer $TOKEN" http://127.0.0.1:18181/v1/me) req/s"
  echo "RSS after load: $(rss $PID)"
  kill $PID; wait $PID 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DB WITH (FORCE)" >/dev/null
fi
