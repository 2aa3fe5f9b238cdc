#!/usr/bin/env bash
# LoRA models in the service (issue 23), on the real MiniLM: three LoRA jobs and one full job on SST-2 rows, then
#  1. the PEFT download of an adapter (size) and its merged download imported back: /predict answers of both on
#     sst2_dev sentences, the largest score difference;
#  2. memory: the service's RSS with one adapter served, then with two more adapters of the same base loaded
#     beside it (each sharing the base's weights), then with the full model loaded too (a whole MiniLM copy).
#     The memory is measured in the service restarted after the jobs, on the same data dir;
#  3. speed: /api/v1/models/{id}/predict of adapter 1 against its merged download imported as a plain model, both
#     in the same precision, one sst2_dev sentence per request (wrk), 32 connections, after a warm-up.
# Usage: bench/lora-serving.sh    Environment: PORT (default 18093), ROWS (maxTrainSamples, 1000), PRECISION
#   (attune.predict.precision, default int8), SECONDS_PER (seconds per speed figure, 15), WARMUP (seconds before each, 30)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; cp "$work/service.log" target/lora-serving.log 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/exports"
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18093}; base=localhost:$port
start_service() {
  # a heap of fixed size, touched at start: RSS then grows by native memory (weights, tokenizers, ONNX Runtime) alone
  MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
    --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models,$work/exports" \
    --attune.predict.precision=${PRECISION:-int8} >> "$work/service.log" 2>&1 &
  pid=$!
  until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done
}
start_service

json() { curl -s -H 'Content-Type: application/json' "$@"; }
rss() { # MiB resident, and what DJL holds in NDArrays (MiB) as attune.ndarrays.bytes reports it
  local held
  held=$(curl -s "$base/actuator/metrics/attune.ndarrays.bytes" | jq '.measurements[0].value / 1048576 | floor')
  echo "$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status) $held"
}
await_job() {
  until curl -s $base/api/v1/jobs/$1 | jq -e '.status | test("SUCCEEDED|FAILED|CANCELLED")' >/dev/null; do sleep 2; done
  curl -s $base/api/v1/jobs/$1 | jq -e '.status == "SUCCEEDED"' >/dev/null || { curl -s $base/api/v1/jobs/$1 | jq .error; exit 1; }
}
train() { # $1 extra JSON fields -> model id
  local job
  job=$(json -d "{\"datasetId\": \"$dataset\", \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": 1,
    \"maxTrainSamples\": ${ROWS:-1000}, \"maxLength\": 64, $1}" $base/api/v1/jobs | jq -r .id)
  await_job $job
  curl -s $base/api/v1/jobs/$job | jq -r .modelId
}
predict() { # $1 model, $2 texts as a JSON array -> the scores, one per line
  json -d "{\"texts\": $2}" $base/api/v1/models/$1/predict | jq -r '.predictions[] | "\(.label) \(.score)"'
}

dataset=$(curl -s -F file=@../shared/datasets/sst2_train.csv.gz $base/api/v1/datasets | jq -r .id)
lora1=$(train '"strategy": "lora", "seed": 1')
lora2=$(train '"strategy": "lora", "seed": 2')
lora3=$(train '"strategy": "lora", "seed": 3')
full=$(train '"strategy": "full", "seed": 1')
texts=$(python3 -c "import csv,json; r=list(csv.DictReader(open('../shared/datasets/sst2_dev.csv'))); print(json.dumps([x['text'] for x in r[:32]]))")

echo "## LoRA models in the service: all-MiniLM-L6-v2, ${ROWS:-1000} SST-2 rows, 1 epoch, 64 tokens"
echo
echo "| model | strategy | validation accuracy | trainable weights | adapter file | download |"
echo "|---|---|---|---|---|---|"
for m in $lora1 $lora2 $lora3 $full; do
  curl -s $base/api/v1/models/$m | jq -r '"| \(.id[0:8]) | \(.strategy) | \(.metrics.validation.accuracy * 10000 | round / 100)% | \(.trainableParameters) of \(.parameters) | \(if .adapter then "\(.adapter.adapterBytes / 1024 | round) KiB" else "-" end) |"' | tr -d '\n'
  format=checkpoint; [ $m = $full ] || format=peft
  bytes=$(curl -s -o "$work/$m.zip" -w '%{size_download}' "$base/api/v1/models/$m/download?format=$format")
  echo " $format: $((bytes / 1024)) KiB |"
done
echo

# the merged download of adapter 1, imported back, against the adapter itself
curl -s -o "$work/merged.zip" "$base/api/v1/models/$lora1/download"
mkdir -p "$work/exports/merged" && (cd "$work/exports/merged" && unzip -q ../../merged.zip)
merged=$(json -d "{\"source\": \"$work/exports/merged\"}" $base/api/v1/models/import | jq -r .id)
predict $lora1 "$texts" > "$work/adapter.txt"
predict $merged "$texts" > "$work/merged.txt"
python3 - "$work/adapter.txt" "$work/merged.txt" <<'PY'
import sys
a = [l.split() for l in open(sys.argv[1])]; m = [l.split() for l in open(sys.argv[2])]
same = sum(x[0] == y[0] for x, y in zip(a, m))
diff = max(abs(float(x[1]) - float(y[1])) for x, y in zip(a, m))
print(f"Merged download imported back (a plain model) against the adapter (its merged session over the shared base weights), "
      f"{len(a)} sst2_dev sentences: same label {same}/{len(a)}, largest score difference {diff:.2e}.")
PY
echo

# memory, in a fresh service (training leaves freed memory the process reuses, which would hide growth): one
# adapter served, then two more of the same base, then a whole model
kill $pid; wait $pid 2>/dev/null || true
start_service
until curl -s $base/api/v1/serving | jq -e '.state == "serving"' >/dev/null; do sleep 1; done
for i in 1 2 3; do predict $lora1 "$texts" >/dev/null; done; sleep 3
read one one_held <<< "$(rss)"
for i in 1 2 3; do predict $lora2 "$texts" >/dev/null; done; sleep 3
read two two_held <<< "$(rss)"
for i in 1 2 3; do predict $lora3 "$texts" >/dev/null; done; sleep 3
read three three_held <<< "$(rss)"
for i in 1 2 3; do predict $full "$texts" >/dev/null; done; sleep 3
read plus_full full_held <<< "$(rss)"
echo "| loaded for serving | service RSS | growth | NDArrays held (DJL) |"
echo "|---|---|---|---|"
echo "| one LoRA adapter (and its base), the serving model | $one MiB | | $one_held MiB |"
echo "| + a second adapter of the same base, asked for by id | $two MiB | +$((two - one)) MiB | $two_held MiB |"
echo "| + a third adapter of the same base | $three MiB | +$((three - two)) MiB | $three_held MiB |"
echo "| two more adapters together | | **+$((three - one)) MiB** | +$((three_held - one_held)) MiB |"
echo "| + the full fine-tuned MiniLM (a whole copy, ONNX Runtime ${PRECISION:-int8}) | $plus_full MiB | +$((plus_full - three)) MiB | $full_held MiB |"
echo "bases loaded for adapters in the restarted service: $(grep "Loaded base" "$work/service.log" | tail -n +2 | wc -l)"
grep "serves through" "$work/service.log" | tail -n 4 | sed 's/.*: Model /engine: /'

# speed: the adapter against its merged copy, same precision, same texts, one after the other
python3 - "$work" <<'PY'
import csv, json, sys
texts = [row["text"] for row in csv.DictReader(open("../shared/datasets/sst2_dev.csv"))]
with open(sys.argv[1] + "/bodies.lua", "w") as lua:
    lua.write("local bodies = {\n" + ",\n".join("[==[" + json.dumps({"text": t}) + "]==]" for t in texts) + "}\n")
    lua.write('local i = 0\nrequest = function()\n  i = i % #bodies + 1\n'
              '  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[i])\nend\n')
PY
speed() { # $1 model -> "requests/s p50 p99" at 32 connections
  wrk -t2 -c16 -d${WARMUP:-30}s -s "$work/bodies.lua" http://$base/api/v1/models/$1/predict >/dev/null 2>&1
  wrk -t2 -c32 -d${SECONDS_PER:-15}s --latency -s "$work/bodies.lua" http://$base/api/v1/models/$1/predict 2>&1 |
    awk '/Requests\/sec/ {r=$2} / 50%/ {p=$2} / 99%/ {q=$2} END {print r, p, q}'
}
read -r a_rps a_p50 a_p99 <<< "$(speed $lora1)"
read -r m_rps m_p50 m_p99 <<< "$(speed $merged)"
echo
echo "| /api/v1/models/{id}/predict, 32 connections (${PRECISION:-int8}) | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
echo "| LoRA adapter 1 | $a_rps | $a_p50 | $a_p99 |"
echo "| its merged download, imported as a plain model | $m_rps | $m_p50 | $m_p99 |"
echo "| adapter / merged | $(echo "scale=2; $a_rps / $m_rps" | bc) | | |"
