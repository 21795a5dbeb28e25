#!/usr/bin/env bash
# Storage figures (persistence issue): cold load of a 1 MB room, p50/p99 over 50 rooms, and
# compaction of a 10,000-entry log, through Redis, persistence-service, a room node and a gateway.
#   bash bench/storage.sh            # -Drooms=N to change the number of cold loads
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B install -DskipTests
exec taskset -c "${SERVER_CPU:-0}" mvn -q -B -pl launcher test-compile exec:java \
  -Dexec.classpathScope=test -Dexec.mainClass=dev.parlor.bench.StorageBench "$@"
