#!/usr/bin/env bash
# Connection admission with auth on vs off (auth issue), side by side in one run.
# The server (parlor.jar, all services, its own Redis) runs on core SERVER_CPU (0); the Java load
# generator on GEN_CPU (1). Each round runs three modes, a fresh server each, so drift on a shared
# machine hits all alike (ADMISSION_ROUNDS, default 2). Markdown on stdout; "other work" is the CPU
# other processes used during each measured window (a shared machine: such runs were disturbed).
#   off    PARLOR_ANONYMOUS=true (the tokens are sent all the same, and ignored)
#   on     tokens checked; ADMISSION_TOKENS (1000) users reconnecting with their tokens, so most
#          signatures were checked before (the gateway's verified-token cache)
#   fresh  tokens checked with the verified-token cache off: every connection pays a signature
#          check, as a storm of never-seen tokens would
#   fresh-es256-bc  (only if named in ADMISSION_MODES) fresh with the earlier signature path:
#          ES256 keys checked by BouncyCastle (PARLOR_AUTH_SIGNING_ALG=ES256,
#          PARLOR_AUTH_NATIVE_SIGNATURES=false), for a before/after in one run
#   bash bench/auth-admission.sh
#   ADMISSION_DURATION=10 ADMISSION_ROUNDS=1 bash bench/auth-admission.sh     # quick look
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-opts.sh
command -v taskset >/dev/null || { echo "taskset is needed (util-linux)" >&2; exit 2; }
ROUNDS=${ADMISSION_ROUNDS:-2}
# 90 s: the JIT compiles the token path of four services sharing one core for well over 20 s
WARMUP=${ADMISSION_WARMUP:-90}
MODES=${ADMISSION_MODES:-off on fresh}
DURATION=${ADMISSION_DURATION:-20}
CONCURRENCY=${ADMISSION_CONCURRENCY:-32}
TOKENS=${ADMISSION_TOKENS:-1000}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building parlor.jar and the generator" >&2
  mvn -q -o -B install -DskipTests -pl yjs,common,gateway,auth-service,room-service,persistence-service
  mvn -q -o -B package -DskipTests -pl launcher
  mvn -q -o -B -pl launcher test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt \
    -Dmdep.includeScope=test
fi
CP="launcher/target/test-classes:launcher/target/classes:$(cat launcher/target/bench-cp.txt)"
ulimit -n 65536 2>/dev/null || true

busy_cores() { # cores in use over 2 s, from /proc/stat
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  python3 -c "
a=[int(x) for x in '${a[*]:1}'.split()]; b=[int(x) for x in '${b[*]:1}'.split()]
idle=(b[3]+b[4])-(a[3]+a[4]); tot=sum(b)-sum(a)
print('%.2f' % ((tot-idle)/100/2))"
}

wait_quiet() { # at most ADMISSION_QUIET_WAIT (180) s for other work to use < 0.3 cores
  local deadline=$(( $(date +%s) + ${ADMISSION_QUIET_WAIT:-180} )) busy
  while :; do
    busy=$(busy_cores)
    if python3 -c "import sys; sys.exit(0 if $busy < 0.3 else 1)" || [ "$(date +%s)" -ge $deadline ]; then
      echo "other work before the run: $busy cores" >&2
      return
    fi
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_one() { # mode: off|on|fresh|fresh-es256-bc
  local mode=$1 data port mgmt pid anonymous cache=20000 label="auth $mode" alg=EdDSA native=true
  data=$(mktemp -d)
  port=$(free_port); mgmt=$(free_port)
  anonymous=$([ "$mode" = off ] && echo true || echo false)
  case $mode in fresh) cache=0 ;; fresh-es256-bc) cache=0 alg=ES256 native=false ;; esac
  PARLOR_DATA_DIR="$data" PARLOR_HTTP_PORT=$port PARLOR_MANAGEMENT_PORT=$mgmt PARLOR_HTTP_HOST=127.0.0.1 \
  PARLOR_CLUSTER_NAME="admission-$$-$RANDOM" PARLOR_ANONYMOUS=$anonymous PARLOR_APP_KEYS=bench-key \
  PARLOR_RATE_LIMIT_ADDRESS_PER_SECOND=1000000 PARLOR_RATE_LIMIT_ADDRESS_BURST=1000000 \
  PARLOR_RATE_LIMIT_USER_PER_SECOND=1000000 PARLOR_RATE_LIMIT_USER_BURST=1000000 \
  PARLOR_AUTH_VERIFIED_CACHE_SIZE=$cache PARLOR_AUTH_SIGNING_ALG=$alg PARLOR_AUTH_NATIVE_SIGNATURES=$native \
    taskset -c "$SERVER_CPU" java $PARLOR_JAVA_OPTS -jar launcher/target/parlor.jar all >"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$mgmt/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # Every mode mints the tokens and sends them (auth off ignores them): same requests, same warm-up.
  taskset -c "$GEN_CPU" java -cp "$CP" dev.parlor.bench.AdmissionBench --port "$port" --token on \
    --label "$label" \
    --app-key bench-key --tokens "$TOKENS" --concurrency "$CONCURRENCY" --warmup "$WARMUP" \
    --duration "$DURATION" --server-pid "$pid" 2>>"$data/generator.log" | tail -1
  if ! kill "$pid" 2>/dev/null; then
    echo "the server had exited; its log:" >&2; tail -20 "$data/server.log" >&2
  fi
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}

results=()
for r in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    wait_quiet
    echo "round $r: auth $mode" >&2
    line=$(run_one $mode)
    echo "$line" >&2
    results+=("$line")
  done
done

printf '%s\n' "${results[@]}" | python3 -c '
import json, sys, statistics
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print("| run | mode | admitted/s | failed | server CPU ms per connection | connect-to-first-message p50 ms | p99 ms | other work, cores |")
print("|----:|------|-----------:|-------:|-----------------------------:|------:|------:|------:|")
for i, r in enumerate(rows):
    print("| %d | %s | %.0f | %d | %.3f | %.2f | %.2f | %.2f |" % (i + 1, r["label"], r["perSecond"], r["failed"],
          r["serverCpuMsPerConnection"], r["p50ms"], r["p99ms"], r.get("otherCores", 0)))
labels = []
for r in rows:
    if r["label"] not in labels:
        labels.append(r["label"])
med = {l: (statistics.median(r["perSecond"] for r in rows if r["label"] == l),
           statistics.median(r["serverCpuMsPerConnection"] for r in rows if r["label"] == l)) for l in labels}
base = med.get("auth off")
print()
print("| mode | median admitted/s | vs auth off | median server CPU ms per connection | vs auth off |")
print("|------|------:|------:|------:|------:|")
for l in labels:
    rate, cpu = med[l]
    print("| %s | %.0f | %.0f %% | %.3f | %.0f %% |" % (l, rate, 100 * rate / base[0], cpu, 100 * cpu / base[1]))
'
