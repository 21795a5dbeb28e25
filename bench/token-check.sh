#!/usr/bin/env bash
# What a never-seen token costs the gateway (JMH): the signature check alone and the whole local
# check, for EdDSA and ES256, natively (AWS-LC) and with BouncyCastle. Pinned to BENCH_CPU (1).
#   bash bench/token-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=gateway/target/bench
mkdir -p "$OUT"
echo "building the JMH benchmark" >&2
mvn -q -o -B install -DskipTests -pl common,auth-service
mvn -q -o -B -f gateway/pom.xml -Pbench test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
CP="gateway/target/classes:gateway/target/bench-classes:$(cat "$OUT/classpath.txt")"
taskset -c "${BENCH_CPU:-1}" java -cp "$CP" org.openjdk.jmh.Main TokenCheckBenchmark \
  -rf json -rff "$OUT/jmh.json" "$@" > "$OUT/jmh.log"
python3 - "$OUT/jmh.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("| benchmark | alg | backend | µs per token | ± |")
print("|---|---|---|---:|---:|")
for r in rows:
    p = r["params"]
    m = r["primaryMetric"]
    print("| %s | %s | %s | %.1f | %.1f |" % (r["benchmark"].rsplit(".", 1)[1], p["alg"], p["backend"],
          m["score"], m["scoreError"]))
PY
