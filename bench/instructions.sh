#!/usr/bin/env bash
# Instructions per request (issue 15; figures for notes, never assertions), counted by callgrind,
# which is deterministic where wall-clock time on a shared machine is not. Each server runs a
# release build under callgrind; after a warm-up of 100 requests (enough for every pooled
# connection to have prepared its statements once), the counters are zeroed, N requests sent and
# the counts dumped (A), then zeroed again, 2N requests sent and dumped (B): (B − A) / N is the
# cost of one request without start-up or dump overhead. Only the server's process is counted.
# Targets: GET /v1/me, the portal's Account and Customers pages signed in, GET /v1/customers and one API order,
# on SQLite and PostgreSQL, next to the bare axum handler (examples/baseline.rs) built from the
# same dependencies.
# Usage: bench/instructions.sh [N, default 50] (NO_BUILD=1: measure the binaries already built)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release -q -p keiro-cli
  cargo build --release -q -p keiro-server --example baseline
fi
BIN=target/release/keiro
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
# The background workers (outbox, jobs, scheduler, housekeeping) are off: they poll on a timer,
# and under callgrind a window of 2N requests is long enough for their polls to add tens of
# thousands of instructions to one request or another from run to run.
export KEIRO_RUN_WORKERS=false
export KEIRO_API_REQUESTS_PER_MINUTE=100000000 KEIRO_SIGNIN_ATTEMPTS_PER_IP_PER_MINUTE=100000000

wait_ready() { for _ in $(seq 1 1500); do curl -sf "http://$1$2" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

# Starts "$@" under callgrind (counting off until zeroed) and sets PID.
grind() {
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.%p" --dump-instr=no \
    --vgdb=yes --vgdb-error=999999 "$@" >"$WORK/server.log" 2>&1 &
  PID=$!
}

# The instructions counted since the last zero, read from a fresh dump.
dumped() {
  callgrind_control -d "$PID" >/dev/null 2>&1
  local f
  f=$(ls -t "$WORK"/cg."$PID".* 2>/dev/null | head -1)
  awk '/^(summary|totals):/ {print $2; exit}' "$f"
}

# measure LABEL COMMAND: instructions per request of COMMAND K, which sends K requests over one
# kept-alive connection (as a browser or an API client does), so (B − A) / N holds no
# connection set-up.
measure() {
  local label=$1; shift
  "$@" 100
  callgrind_control -z "$PID" >/dev/null 2>&1
  "$@" "$N"
  local a; a=$(dumped)
  callgrind_control -z "$PID" >/dev/null 2>&1
  "$@" $((2 * N))
  local b; b=$(dumped)
  printf '%-36s %12d instructions/request\n' "$label" $(((b - a) / N))
}

# urls K PATH: PATH K times, for one curl.
urls() { for _ in $(seq 1 "$1"); do printf 'http://%s%s\n' "$ADDR" "$2"; done; }
SEQ=0
me() { urls "$1" /v1/me | xargs curl -sf -H "Authorization: Bearer $TOKEN" >/dev/null; }
customers_api() { urls "$1" /v1/customers | xargs curl -sf -H "Authorization: Bearer $TOKEN" >/dev/null; }
customers_page() { urls "$1" /customers | xargs curl -sf -b "$WORK/cookies" >/dev/null; }
account_page() { urls "$1" /account | xargs curl -sf -b "$WORK/cookies" >/dev/null; }
order() {
  local args=() i
  for i in $(seq 1 "$1"); do
    SEQ=$((SEQ + 1))
    [ "$i" -gt 1 ] && args+=(--next)
    args+=(-sf -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json"
      -H "Idempotency-Key: ins-$$-$SEQ" -d "{\"lines\":[{\"offer_id\":\"$OFFER\",\"quantity\":1}]}"
      "http://$ADDR/v1/customers/$CUSTOMER/orders")
  done
  curl "${args[@]}" >/dev/null
}

# keiro LABEL ADDR DB_ARGS...: every target on one backend.
keiro() {
  local label=$1 addr=$2; shift 2
  ADDR=$addr
  $BIN demo "$@" >"$WORK/demo.txt" 2>/dev/null
  TOKEN=$($BIN admin token create --email admin@sakura-dist.example "$@" 2>/dev/null)
  local password
  password=$(awk '/admin@sakura-dist.example/ {print $NF}' "$WORK/demo.txt")
  grind $BIN serve "$@" --listen "$addr"
  wait_ready "$addr" /healthz
  curl -sf -o /dev/null -c "$WORK/cookies" -H "Sec-Fetch-Site: same-origin" \
    --data-urlencode "email=admin@sakura-dist.example" --data-urlencode "password=$password" \
    --data-urlencode "next=" "http://$addr/signin"
  CUSTOMER=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://$addr/v1/customers?q=contoso" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  OFFER=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://$addr/v1/offers?q=K365-BIZ-Y" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  measure "GET /v1/me, $label" me
  measure "Account page (portal), $label" account_page
  measure "Customers page (portal), $label" customers_page
  measure "GET /v1/customers, $label" customers_api
  measure "POST …/orders (one line), $label" order
  kill "$PID"; wait "$PID" 2>/dev/null || true
}

echo "== bare axum handler (examples/baseline.rs)"
grind target/release/examples/baseline 127.0.0.1:18290
ADDR=127.0.0.1:18290
wait_ready "$ADDR" /v1/me
bare() { urls "$1" /v1/me | xargs curl -sf >/dev/null; }
measure "GET /v1/me, bare handler" bare
kill "$PID"; wait "$PID" 2>/dev/null || true

echo "== SQLite"
keiro SQLite 127.0.0.1:18280 --data-dir "$WORK/sqlite"

if pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "== PostgreSQL"
  DB=keiro_instr_$$
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
  keiro PostgreSQL 127.0.0.1:18281 --database-url "postgres://postgres@127.0.0.1:5432/$DB" --data-dir "$WORK/pg"
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DB" >/dev/null
fi
