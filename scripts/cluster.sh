#!/usr/bin/env bash
# ./parlor cluster: Redis, auth-service, persistence-service, R room nodes and G gateways, each in
# its own JVM on loopback, one Hazelcast cluster of their own. Ctrl-C or SIGTERM stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-opts.sh
JAR=launcher/target/parlor.jar
gateways=1
rooms=2
while [ $# -gt 0 ]; do
  case "$1" in
    --gateways) gateways=$2; shift 2 ;;
    --rooms) rooms=$2; shift 2 ;;
    *) echo "usage: ./parlor cluster [--gateways G] [--rooms R]" >&2; exit 2 ;;
  esac
done
http=${PARLOR_HTTP_PORT:-8080}
mgmt=${PARLOR_MANAGEMENT_PORT:-9090}
data=${PARLOR_DATA_DIR:-.parlor}
mkdir -p "$data/logs"
export PARLOR_CLUSTER_NAME=${PARLOR_CLUSTER_NAME:-parlor-cluster-$$}
export PARLOR_ANONYMOUS=${PARLOR_ANONYMOUS:-true}
export PARLOR_DATA_DIR=$data

pids=()
names=()
stop() {
  trap - INT TERM
  echo "parlor: stopping ${#pids[@]} processes"
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  exit 0
}
trap stop INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start NAME MGMT_PORT SERVICE [ENV...]
start() {
  local name=$1 port=$2 service=$3; shift 3
  env PARLOR_MANAGEMENT_PORT="$port" "$@" java $PARLOR_JAVA_OPTS -jar "$JAR" "$service" \
    > "$data/logs/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + 90))
  until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "parlor: $name did not become ready; see $data/logs/$name.log" >&2
      stop
    fi
    sleep 0.5
  done
}

if [ -z "${PARLOR_REDIS_URL:-}" ]; then
  redis_port=${PARLOR_REDIS_PORT:-$(free_port)}
  start redis 0 redis PARLOR_REDIS_PORT="$redis_port"
  export PARLOR_REDIS_URL="redis://127.0.0.1:$redis_port"
  for _ in $(seq 1 60); do
    grep -q "Redis is up" "$data/logs/redis.log" 2>/dev/null && break
    sleep 0.5
  done
fi

port=$mgmt
start persistence-service $port persistence-service; wait_ready persistence-service $port; port=$((port + 1))
start auth-service $port auth-service; wait_ready auth-service $port; port=$((port + 1))
for ((r = 0; r < rooms; r++)); do
  start "room-service-$r" $port room-service; wait_ready "room-service-$r" $port; port=$((port + 1))
done
for ((g = 0; g < gateways; g++)); do
  start "gateway-$g" $port gateway PARLOR_HTTP_PORT=$((http + g)); wait_ready "gateway-$g" $port; port=$((port + 1))
done

echo
echo "Parlor cluster is up (cluster name $PARLOR_CLUSTER_NAME, logs in $data/logs):"
echo "  redis                ${PARLOR_REDIS_URL}"
port=$mgmt
for i in "${!names[@]}"; do
  [ "${names[$i]}" = redis ] && { echo "  redis pid            ${pids[$i]}"; continue; }
  line=$(printf '  %-20s pid %-8s health http://127.0.0.1:%s/health/ready' "${names[$i]}" "${pids[$i]}" "$port")
  case "${names[$i]}" in gateway-*) line="$line  rooms ws://127.0.0.1:$((http + ${names[$i]#gateway-}))/parties/yjs/<room>" ;; esac
  echo "$line"
  port=$((port + 1))
done
echo "Press Ctrl-C to stop."
while true; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "parlor: ${names[$i]} (pid ${pids[$i]}) exited; see $data/logs/${names[$i]}.log" >&2
      unset 'pids[i]'
    fi
  done
  pids=("${pids[@]}")
  sleep 1
done
