#!/usr/bin/env bash
# Load benchmark of /predict on loopback with all-MiniLM-L6-v2 (freshly headed: same cost as a
# fine-tuned one). Prints the in-process batched throughput and bare forward latency, then
# requests/s and p50/p99 at 1, 8, 32 and 64 clients, then a 64-client soak with the service's RSS.
# Usage: bench/predict-load.sh [seconds per level, default 10] [soak seconds, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}; soak=${2:-60}
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared/models/all-MiniLM-L6-v2"; exit 1; }
mvn -q -B package -DskipTests >/dev/null
mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
work=$(mktemp -d); classes="$work/classes"; mkdir -p "$classes"
cp -r target/classes target/test-classes "$classes"/
cp_run="$classes/classes:$classes/test-classes:$(cat target/bench.classpath)"
java_run() { OPT_OUT_TRACKING=true java -Dai.djl.offline=true -cp "$cp_run" "$@"; }
java_run dev.attune.bench.ExportCheckpoint ../shared/models/all-MiniLM-L6-v2 "$work/models/minilm-headed" >/dev/null 2>&1
port=18089
# A fixed, pre-touched heap and two malloc arenas keep RSS a measure of native memory, not of heap growth.
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xms768m -Xmx768m -XX:+AlwaysPreTouch -Dai.djl.offline=true \
  -jar target/attune-0.1.0-SNAPSHOT.jar --server.port=$port \
  --attune.data-dir="$work/data" --attune.models.import-roots="$work/models" > "$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 90); do curl -fs localhost:$port/actuator/health >/dev/null && break; sleep 1; done
curl -fs -H 'Content-Type: application/json' -d "{\"source\": \"$work/models/minilm-headed\"}" \
  localhost:$port/api/v1/models/import >/dev/null
for _ in $(seq 60); do curl -fs localhost:$port/api/v1/serving >/dev/null && break; sleep 1; done
java_run dev.attune.bench.PredictLoadBenchmark "http://localhost:$port" "$work/models/minilm-headed" $pid $seconds $soak 2>/dev/null
