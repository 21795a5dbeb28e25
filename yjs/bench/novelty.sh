#!/usr/bin/env bash
# What a room pays per update to find its novel part (DocumentClock) vs folding its tail, on the
# automerge-paper trace.   yjs/bench/novelty.sh   (JAVA_CPU picks the core, default 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=yjs/bench/target
JAVA_CPU=${JAVA_CPU:-1}
pin() { local cpu=$1; shift; if command -v taskset >/dev/null; then taskset -c "$cpu" "$@"; else "$@"; fi; }

mkdir -p "$OUT"
if [ ! -f "$OUT/inputs.bin" ]; then
  echo "== preparing inputs (automerge-paper trace replayed in Yjs)" >&2
  node yjs/bench/yjs-bench.mjs prepare "$OUT/inputs.bin"
fi
mvn -q -f yjs/pom.xml -Pbench test-compile dependency:build-classpath \
  -Dmdep.outputFile=bench/target/classpath.txt -Dmdep.includeScope=test
CP="yjs/target/classes:yjs/target/bench-classes:$(cat "$OUT/classpath.txt")"
pin "$JAVA_CPU" java -Xms1g -Xmx1g -cp "$CP" dev.parlor.yjs.bench.NoveltyCheck "$OUT/inputs.bin"
