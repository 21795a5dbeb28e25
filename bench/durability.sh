#!/usr/bin/env bash
# Durability cost (persistence issue): the same build with every update appended to Redis before
# it is broadcast (PARLOR_STORE=redis, the default) against rooms kept in memory only
# (PARLOR_STORE=memory), in one run, for 100 rooms x 10 clients x 2 updates/s and 1 room x 200
# clients x 1 update/s. Server (JVM and its Redis) on core 0, load generator on core 1.
#   bash bench/durability.sh        # BENCH_WARMUP / BENCH_DURATION in seconds (default 15 / 20)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/yjs ] || npm ci --no-audit --no-fund
[ -f launcher/target/parlor.jar ] || mvn -q -B -DskipTests install
warm=${BENCH_WARMUP:-15}
dur=${BENCH_DURATION:-20}
out=$(mktemp -d)
for scenario in "100 10 2" "1 200 1"; do
  set -- $scenario
  for store in redis memory; do
    echo "running $1 rooms x $2 clients x $3/s with PARLOR_STORE=$store" >&2
    PARLOR_STORE=$store node bench/single.mjs parlor --rooms "$1" --clients "$2" --rate "$3" \
      --warmup "$warm" --duration "$dur" > "$out/$1-$2-$3-$store.json"
  done
done
node - "$out" <<'JS'
const fs = require('fs'), path = require('path')
const dir = process.argv[2]
const rows = [['100 rooms x 10 clients x 2/s', '100-10-2'], ['1 room x 200 clients x 1/s', '1-200-1']]
console.log('| scenario | store | delivered/s | delivered share | p50 ms | p99 ms | server CPU µs per delivery |')
console.log('|---|---|---:|---:|---:|---:|---:|')
for (const [name, key] of rows) {
  const r = {}
  for (const store of ['redis', 'memory']) {
    r[store] = JSON.parse(fs.readFileSync(path.join(dir, `${key}-${store}.json`), 'utf8').trim().split('\n').pop())
    const x = r[store]
    if (x.error) { console.log(`| ${name} | ${store} | error: ${x.error} |`); continue }
    console.log(`| ${name} | ${store} | ${x.deliveredPerSec} | ${x.deliveredRatio} | ${x.p50ms} | ${x.p99ms} | ${x.serverCpuUsPerDelivery} |`)
  }
  if (!r.redis.error && !r.memory.error) {
    console.log(`| ${name} | durable / memory | ${(r.redis.deliveredPerSec / r.memory.deliveredPerSec).toFixed(3)} | | ${(r.redis.p50ms / r.memory.p50ms).toFixed(2)} | ${(r.redis.p99ms / r.memory.p99ms).toFixed(2)} | ${(r.redis.serverCpuUsPerDelivery / r.memory.serverCpuUsPerDelivery).toFixed(2)} |`)
  }
}
JS
