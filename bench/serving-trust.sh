#!/usr/bin/env bash
# Serving you can trust (issue 32), replayed against the packaged service:
#  1. bounded work: a MiniLM trained at maxLength 16, sliding_window, windowStride 2 (as the attack) is sent a 500 KB
#     and a 100 KB text to read in windows, while a short request is sent every 100 ms: the answer to the long
#     ones, the service's RSS growth, and the short requests' latency meanwhile; then a text at the window limit
#     (answered in passes of batchSize windows) with the same short requests beside it;
#  2. one truth: a "default" deployment, then a promotion: what /predict answers (50 requests) against what
#     /api/v1/serving names, then after a rollback;
#  3. lost updates: 19 canary-only PUTs and one model PUT at once, 10 rounds: the final state and the history.
# Usage: bench/serving-trust.sh    Environment: PORT (default 18093)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18093}; base=localhost:$port
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx2g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  --attune.predict.refresh-interval=500ms >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done

json() { curl -s -H 'Content-Type: application/json' "$@"; }
rss_mb() { echo $(( $(ps -o rss= -p $pid) / 1024 )); }
await_job() {
  until curl -s $base/api/v1/jobs/$1 | jq -e '.status | test("SUCCEEDED|FAILED|CANCELLED")' >/dev/null; do sleep 2; done
  curl -s $base/api/v1/jobs/$1 | jq -e '.status == "SUCCEEDED"' >/dev/null || { curl -s $base/api/v1/jobs/$1 | jq .error; exit 1; }
}
train() { # $1 extra JSON fields -> model id
  local job
  job=$(json -d "{\"datasetId\": \"$train_set\", \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": 1,
    \"maxTrainSamples\": 400, \"learningRate\": 1e-4, $1}" $base/api/v1/jobs | jq -r .id)
  await_job $job
  curl -s $base/api/v1/jobs/$job | jq -r .modelId
}
# short requests every 100 ms until $work/stop exists; their latencies (ms) in $1
short_requests() {
  rm -f "$work/stop"
  while [ ! -e "$work/stop" ]; do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
      -d '{"text": "a gorgeous, witty, seductive movie"}' $base/api/v1/models/$windowed/predict >> "$1"
    sleep 0.1
  done
}
latencies() { # $1 file -> "n, median, max" in ms
  sort -n "$1" | awk '{ v[NR] = $1 * 1000 } END { printf "%d, median %.1f ms, max %.1f ms", NR, v[int((NR + 1) / 2)], v[NR] }'
}

train_set=$(curl -s -F file=@../shared/datasets/sst2_train.csv.gz $base/api/v1/datasets | jq -r .id)
windowed=$(train '"maxLength": 16, "longText": "sliding_window", "windowStride": 2')
echo "## 1. Bounded work per request (MiniLM, maxLength 16, sliding_window, stride 2)"
echo
echo "| request | status | answer / problem | time | RSS before -> after | short requests meanwhile |"
echo "|---|---|---|---|---|---|"
json -d '{"text": "warm up"}' $base/api/v1/models/$windowed/predict >/dev/null
python3 -c "
import random; random.seed(1); words = 'the movie was a gorgeous witty film and the plot dull boring fun great'.split()
for size, name in ((500_000, 'big'), (100_000, 'medium')):
    text = ''
    while len(text) < size: text += random.choice(words) + ' '
    open('$work/' + name + '.json', 'w').write('{\"text\": \"%s\", \"longText\": \"sliding_window\"}' % text.strip())
text = ' '.join(random.choice(words) for _ in range(262))   # about 128 windows of 16 tokens, 2 apart
open('$work/limit.json', 'w').write('{\"texts\": [\"%s\"]}' % text)
"
for name in big medium limit; do
  before=$(rss_mb); : > "$work/short-$name"
  short_requests "$work/short-$name" & shorts=$!
  sleep 0.5
  start=$(date +%s.%N)
  status=$(curl -s -o "$work/answer-$name" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$work/$name.json" $base/api/v1/models/$windowed/predict)
  took=$(echo "$(date +%s.%N) - $start" | bc)
  sleep 0.5; touch "$work/stop"; wait $shorts
  answer=$(jq -r 'if .predictions then "\(.predictions[0].label) \(.predictions[0].score | tostring | .[0:5]), \(.predictions[0].windows) windows" else .detail[0:90] end' "$work/answer-$name")
  printf '| %s (%s bytes) | %s | %s | %.2f s | %s -> %s MB | %s |\n' "$name" "$(stat -c %s "$work/$name.json")" \
    "$status" "$answer" "$took" "$before" "$(rss_mb)" "$(latencies "$work/short-$name")"
done

echo
echo "## 2. One truth: promotion with a default deployment"
echo
first=$windowed
second=$(train '"maxLength": 64')
json -d "{\"name\": \"default\", \"modelId\": \"$first\"}" $base/api/v1/deployments >/dev/null
answered() { # which models answered 50 /predict calls naming nothing, and what /api/v1/serving names
  for i in $(seq 50); do json -d '{"text": "a film"}' $base/predict | jq -r .model; done | sort | uniq -c | awk '{printf "%s×%s ", $1, substr($2, 1, 8)}'
  echo "| $(curl -s $base/api/v1/serving | jq -r '"\(.modelId[0:8]) (\(.reason))"')"
}
await_serving() { until [ "$(curl -s $base/api/v1/serving | jq -r '.modelId + .state')" = "${1}serving" ]; do sleep 0.2; done; }
echo "| step | /predict answered by (50 calls) | /api/v1/serving names |"
echo "|---|---|---|"
await_serving $first; echo "| default deployment -> ${first:0:8} | $(answered) |"
curl -s -X POST $base/api/v1/models/$second/promote >/dev/null
await_serving $second; echo "| promote ${second:0:8} | $(answered) |"
curl -s -X POST $base/api/v1/deployments/default/rollback >/dev/null
await_serving $first; echo "| rollback | $(answered) |"

echo
echo "## 3. Lost updates: 19 canary-only PUTs and one model PUT at once, 10 rounds"
echo
canary_model=$(train '"maxLength": 32')
rounds_ok=0
for round in $(seq 10); do
  name=round-$round
  json -d "{\"name\": \"$name\", \"modelId\": \"$first\"}" $base/api/v1/deployments >/dev/null
  for i in $(seq 20); do
    if [ $i = 7 ]; then echo "{\"modelId\": \"$second\"}"; else echo "{\"canary\": {\"modelId\": \"$canary_model\", \"percent\": $i}}"; fi
  done > "$work/bodies"
  codes=$(xargs -P 20 -d '\n' -I{} curl -s -o /dev/null -w '%{http_code}\n' -X PUT -H 'Content-Type: application/json' \
    -d {} $base/api/v1/deployments/$name < "$work/bodies" | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
  state=$(curl -s $base/api/v1/deployments/$name)
  # history newest first: once the replacement appears (reading oldest to newest), every later change keeps it
  consistent=$(echo "$state" | jq --arg b "$second" '[.history | reverse | .[].modelId] | (index($b)) as $i
    | $i != null and (.[$i:] | all(. == $b))')
  final=$(echo "$state" | jq -r '.modelId')
  [ "$final" = "$second" ] && [ "$consistent" = true ] && rounds_ok=$((rounds_ok + 1))
  echo "round $round: statuses {$codes} final model ${final:0:8}, history of $(echo "$state" | jq '.history | length') consistent: $consistent"
done
echo
echo "**$rounds_ok of 10 rounds** end on the model PUT's model with a consistent history."
echo
echo "## The int8 check of the models trained here (per-row activations), as stored with each"
echo
for m in $windowed $second $canary_model; do
  curl -s $base/api/v1/models/$m | jq -r '"- \(.id[0:8]) maxLength \(.maxLength): \(.metrics.quantization | "\(.metric) fp32 \(.fp32) int8 \(.int8) on \(.examples) rows\(if .error then ", failed: " + .error else "" end)")"'
done
