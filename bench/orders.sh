#!/usr/bin/env bash
# Orders per second (R-ORD-7 figures, never assertions): wrk POSTs one-line orders, each with its
# own Idempotency-Key, to the demo world's Fuji Reseller for Contoso, on SQLite and PostgreSQL;
# in the same run, orders_raw_insert writes the same rows straight through the store (the floor
# without HTTP, authorization and checks). Loopback only; every run is bounded.
# Usage: bench/orders.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p keiro-cli
cargo build --release -q -p keiro-server --example orders_raw_insert
BIN=target/release/keiro
RAW=target/release/examples/orders_raw_insert
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export KEIRO_API_REQUESTS_PER_MINUTE=100000000
wait_ready() { for _ in $(seq 1 300); do curl -sf "http://$1/healthz" >/dev/null && return 0; sleep 0.02; done; return 1; }
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/"$1"/status; }

# bench ADDR TOKEN LABEL DB_ARGS...: orders/s through the API, then the raw insert floor.
bench() {
  local addr=$1 token=$2 label=$3 url=$4
  local json customer offer seller
  customer=$(curl -sf -H "Authorization: Bearer $token" "http://$addr/v1/customers?q=contoso" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  offer=$(curl -sf -H "Authorization: Bearer $token" "http://$addr/v1/offers?q=K365-BIZ-Y" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  seller=$(curl -sf -H "Authorization: Bearer $token" "http://$addr/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["organization"]["id"])')
  cat > "$WORK/order.lua" <<LUA
local n = 0
local tid = 0
function setup(thread) tid = tid + 1; thread:set("tid", tid) end
function request()
  n = n + 1
  return wrk.format("POST", "/v1/customers/$customer/orders", {
    ["Authorization"] = "Bearer $token",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. n,
  }, '{"lines":[{"offer_id":"$offer","quantity":1}]}')
end
LUA
  local out
  out=$(wrk -t2 -c32 -d"${DUR}s" -s "$WORK/order.lua" "http://$addr")
  echo "POST /v1/customers/{id}/orders, $label: $(echo "$out" | awk '/Requests\/sec/ {print $2}') orders/s ($(echo "$out" | awk '/Latency/ {print "mean " $2 ", max " $4}'); non-2xx: $(echo "$out" | awk '/Non-2xx/ {print $4}' | grep . || echo 0))"
  echo "RSS after load: $(rss "$PID")"
  kill "$PID"; wait "$PID" 2>/dev/null || true
  echo "raw insert of the same rows through the store, $label: $($RAW "$url" "$customer" "$seller" "$offer" "$DUR") orders/s"
}

echo "== SQLite"
$BIN demo --data-dir "$WORK/sqlite" > /dev/null
TOKEN=$($BIN admin token create --email admin@fuji-reseller.example --data-dir "$WORK/sqlite" 2>/dev/null)
$BIN serve --data-dir "$WORK/sqlite" --listen 127.0.0.1:18280 >/dev/null 2>&1 &
PID=$!
wait_ready 127.0.0.1:18280
bench 127.0.0.1:18280 "$TOKEN" SQLite "sqlite://$WORK/sqlite/keiro.db"

if pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "== PostgreSQL"
  DB=keiro_orders_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
  URL=postgres://postgres@127.0.0.1:5432/$DB
  $BIN demo --database-url "$URL" >/dev/null
  TOKEN=$($BIN admin token create --email admin@fuji-reseller.example --database-url "$URL" 2>/dev/null)
  $BIN serve --database-url "$URL" --data-dir "$WORK/pg" --listen 127.0.0.1:18281 >/dev/null 2>&1 &
  PID=$!
  wait_ready 127.0.0.1:18281
  bench 127.0.0.1:18281 "$TOKEN" PostgreSQL "$URL"
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DB WITH (FORCE)" >/dev/null
fi
