#!/usr/bin/env bash
# Storage figures (persistence issue): cold load of a 1 MB room, p50/p99 over 50 rooms, and
# compaction of a 10,000-entry log, through Redis, persistence-service, a room node and a gateway.
# The server (Redis and the services, one JVM with the JVM options of ./parlor) runs on core
# SERVER_CPU (0), the client on GEN_CPU (1).
#   bash bench/storage.sh            # STORAGE_ARGS="-Drooms=N -DwarmupSeconds=N" to change the counts
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-opts.sh
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -q -B install -DskipTests
  mvn -q -B -pl launcher test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
    -Dmdep.includeScope=test
fi
CP="launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench-cp.txt)"
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck disable=SC2086
taskset -c "$SERVER_CPU" java $PARLOR_JAVA_OPTS -cp "$CP" dev.parlor.bench.StorageBench server "$work/ready" \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  [ -s "$work/ready" ] && break
  kill -0 "$server" 2>/dev/null || { echo "the server exited; its log:" >&2; tail -30 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
read -r port redis_url server_pid <"$work/ready"
# shellcheck disable=SC2086
taskset -c "$GEN_CPU" java -cp "$CP" -Dport="$port" -DredisUrl="$redis_url" -DserverPid="$server_pid" \
  ${STORAGE_ARGS:-} dev.parlor.bench.StorageBench
[ -n "${STORAGE_LOG:-}" ] && cp "$work/server.log" "$STORAGE_LOG"
