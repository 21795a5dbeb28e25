#!/usr/bin/env bash
# Parlor's Yjs codec benchmark: the Java library (JMH) against Yjs on Node, same inputs, one table.
#   yjs/bench/run.sh            (NODE_CPU / JAVA_CPU pick the cores, default 0 and 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=yjs/bench/target
NODE_CPU=${NODE_CPU:-0}
JAVA_CPU=${JAVA_CPU:-1}
pin() { local cpu=$1; shift; if command -v taskset >/dev/null; then taskset -c "$cpu" "$@"; else "$@"; fi; }

mkdir -p "$OUT"
echo "== preparing inputs (small random histories, automerge-paper trace replayed in Yjs)" >&2
node yjs/bench/yjs-bench.mjs prepare "$OUT/inputs.bin"

echo "== building the JMH benchmark" >&2
mvn -q -f yjs/pom.xml -Pbench test-compile dependency:build-classpath \
  -Dmdep.outputFile=bench/target/classpath.txt -Dmdep.includeScope=test
CP="yjs/target/classes:yjs/target/bench-classes:$(cat "$OUT/classpath.txt")"

echo "== Yjs on Node (core $NODE_CPU)" >&2
pin "$NODE_CPU" node yjs/bench/yjs-bench.mjs run "$OUT/inputs.bin" > "$OUT/node.jsonl"

echo "== Java (core $JAVA_CPU)" >&2
pin "$JAVA_CPU" java -cp "$CP" org.openjdk.jmh.Main CodecBenchmark \
  -jvmArgsAppend "-Dyjs.bench.inputs=$OUT/inputs.bin" -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log"

node - "$OUT/node.jsonl" "$OUT/jmh.json" <<'JS'
const fs = require('fs')
const [nodeFile, jmhFile] = process.argv.slice(2)
const yjs = Object.fromEntries(fs.readFileSync(nodeFile, 'utf8').trim().split('\n').map(l => JSON.parse(l)).map(r => [r.op, r.ms]))
const java = {}
for (const r of JSON.parse(fs.readFileSync(jmhFile, 'utf8'))) {
  const m = r.benchmark.split('.').pop().match(/^(small|large)(.*)$/)
  java[m[1] + '.' + m[2][0].toLowerCase() + m[2].slice(1)] = r.primaryMetric.score
}
const rows = Object.keys(yjs).map(op => [op, yjs[op].toFixed(3), java[op].toFixed(3), (yjs[op] / java[op]).toFixed(1) + 'x'])
const head = ['operation', 'Yjs/Node ms', 'Java ms', 'Java speed-up']
const w = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
const line = (r) => '| ' + r.map((c, i) => i === 0 ? c.padEnd(w[i]) : c.padStart(w[i])).join(' | ') + ' |'
console.log(line(head))
console.log('|' + w.map((n, i) => '-'.repeat(n + 1) + (i === 0 ? '-' : ':')).join('|') + '|')
rows.forEach(r => console.log(line(r)))
JS
