#!/usr/bin/env bash
# Sharding figures (issue 6): CPU per 1,000 delivered updates with 1, 2, 3 room nodes, and the
# unavailability of rooms holding a 1 MB document on graceful moves and crashes. Servers (each
# its own JVM) on core SERVER_CPU (0), the generator and providers on GEN_CPU (1). See the header
# of bench/sharding.mjs for the knobs.
#   bash bench/sharding.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 2; }
[ -d node_modules ] || npm ci --no-audit --no-fund
[ -n "${SKIP_BUILD:-}" ] || mvn -q -B install -DskipTests
exec taskset -c "${GEN_CPU:-1}" node bench/sharding.mjs
