#!/usr/bin/env bash
# Memory under a sign-in flood (issue 15; figures for notes, never assertions). A release build
# serves the demo world on SQLite; wrk signs the same demo user in over and over (each sign-in
# verifies an argon2id hash of 19 MiB) for DUR seconds, with the sign-in limits raised so that
# every attempt is hashed. Resident memory is sampled every second: its peak during the flood,
# then where it settles 10, 30 and 60 seconds after. Sign-ins per second are wrk's figure.
# Usage: bench/signin_flood.sh [seconds of flood, default 20] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-20}
CONN=${2:-32}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -q -p keiro-cli
BIN=target/release/keiro
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export KEIRO_SIGNIN_ATTEMPTS_PER_IP_PER_MINUTE=100000000 KEIRO_SIGNIN_FAILURES_PER_ACCOUNT=100000000
wait_ready() { for _ in $(seq 1 300); do curl -sf "http://$1/healthz" >/dev/null && return 0; sleep 0.05; done; return 1; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' /proc/"$1"/status; }
mib() { awk -v n="$1" 'BEGIN {printf "%.1f MiB", n / 1024}'; }

$BIN demo --data-dir "$WORK/db" >"$WORK/demo.txt" 2>/dev/null
EMAIL=admin@sakura-dist.example
PASSWORD=$(awk -v e="$EMAIL" '$0 ~ e {print $NF}' "$WORK/demo.txt")
ADDR=127.0.0.1:18285
$BIN serve --data-dir "$WORK/db" --listen "$ADDR" >"$WORK/server.log" 2>&1 &
PID=$!
wait_ready "$ADDR"
echo "idle after start: $(mib "$(kib "$PID" VmRSS)")"

cat >"$WORK/signin.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.body = "email=$EMAIL&password=$PASSWORD&next="
LUA
# The peak is the kernel's high-water mark of the process (VmHWM), read right after the flood.
OUT=$(wrk -t2 -c"$CONN" -d"${DUR}s" -s "$WORK/signin.lua" "http://$ADDR/signin")
echo "sign-ins: $(echo "$OUT" | awk '/Requests\/sec/ {print $2}')/s over ${DUR}s, $CONN connections (non-2xx/3xx: $(echo "$OUT" | awk '/Non-2xx/ {print $4}' | grep . || echo 0))"
echo "peak during the flood (VmHWM): $(mib "$(kib "$PID" VmHWM)")"
echo "at the end of the flood: $(mib "$(kib "$PID" VmRSS)")"
for t in 10 30 60; do
  sleep $((t - ${LAST:-0}))
  LAST=$t
  echo "${t}s after: $(mib "$(kib "$PID" VmRSS)")"
done
kill "$PID"; wait "$PID" 2>/dev/null || true
