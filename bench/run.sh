#!/usr/bin/env bash
# Yjs rooms benchmark, Parlor against the y-websocket reference server, in one run.
# Servers run on core 0, this script's Node process and the load generator on core 1.
#   bash bench/run.sh                      # both targets, both scenarios, ramp
#   BENCH_TARGETS=reference bash bench/run.sh
#   BENCH_WARMUP=5 BENCH_DURATION=10 BENCH_RAMP= bash bench/run.sh   # quick look
# The markdown report goes to stdout; progress to stderr; raw JSON to $BENCH_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 2; }
[ -d node_modules/yjs ] || npm ci --no-audit --no-fund
if [[ ",${BENCH_TARGETS:-parlor,reference}," == *",parlor,"* ]] && [ -z "${PARLOR_JAR:-}" ] && [ ! -f launcher/target/parlor.jar ]; then
  echo "building launcher/target/parlor.jar" >&2
  mvn -q -DskipTests package
fi
ulimit -n 65536 2>/dev/null || true
nice=()
if [ -n "${BENCH_NICE:-}" ]; then
  # With the kernel's autogroup scheduling, niceness counts only within a session: run in a
  # session of our own and give that session's group the niceness (servers get theirs in run.mjs).
  if [ -z "${BENCH_OWN_SESSION:-}" ]; then
    export BENCH_OWN_SESSION=1
    exec setsid --wait bash "$0" "$@"
  fi
  echo "$BENCH_NICE" > /proc/self/autogroup 2>/dev/null || echo "could not set the autogroup's niceness" >&2
  nice=(nice -n "$BENCH_NICE")
fi
exec "${nice[@]}" taskset -c "${GEN_CPU:-1}" node bench/run.mjs "$@"
