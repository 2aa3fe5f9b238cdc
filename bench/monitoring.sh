#!/usr/bin/env bash
# Monitoring and drift (issue 34), through the packaged service. sst2_dev (872 rows) is split by a seeded shuffle in
# two halves: A (436 rows) is the job's validation data set, so the model's reference is measured on it; B (436) is
# the traffic. MiniLM is fine-tuned on MAX_TRAIN rows of sst2_train (validation: A), deployed as "sentiment", then
# sent 1) TEXTS balanced sentences drawn from B with replacement (half each label), 2) TEXTS negative-only sentences
# drawn from B: PSI per figure and status after each, the Prometheus lines. Then /predict throughput with monitoring
# on against off in the same run: the same service, data dir and model restarted with attune.monitoring.enabled true
# and false in turn, ROUNDS times each (alternating which goes first), wrk for SECONDS_EACH after a 3 s warm-up, all
# fp32 (ONNX Runtime); last, TrafficCounters' cost per request in-process (MonitoringOverheadBenchmark).
# Each traffic step starts on a fresh minute and is read over the window PT1M (that minute alone); the service's
# default window (the gauges') is a minute too, so Prometheus shows the same step.
# Usage: bench/monitoring.sh    Environment: MAX_TRAIN (1500), TEXTS (1000), ROUNDS (3), SECONDS_EACH (10), CONNECTIONS (8),
#   MODEL (an absolute checkpoint dir: no training nor drift steps, the throughput figures on that model alone)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
work=$(mktemp -d); trap 'kill ${on:-} ${off:-} 2>/dev/null || true; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); texts=${TEXTS:-1000}; rounds=${ROUNDS:-3}; seconds=${SECONDS_EACH:-10}
connections=${CONNECTIONS:-8}
start() { # $1 port, $2 data dir, $3 monitoring enabled, $4 import roots
  ! curl -s localhost:$1 >/dev/null || { echo "port $1 is taken: another service would answer this bench" >&2; exit 1; }
  MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx2g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
    --server.port=$1 --attune.data-dir="$2" --attune.models.import-roots="$4" --attune.jobs.devices=cpu \
    --attune.predict.precision=fp32 --attune.monitoring.enabled=$3 --attune.monitoring.flush-interval=1s \
    --attune.monitoring.evaluate-interval=2s --attune.monitoring.window=1m >> "$work/service-$1.log" 2>&1 &
  echo $!
}
roots="$shared/models${MODEL:+,$(dirname "${MODEL:-.}")}"
on=$(start 18341 "$work/on" true "$roots")
json() { curl -s -H 'Content-Type: application/json' "$@"; }
until curl -sf localhost:18341/actuator/health >/dev/null; do sleep 0.5; done
if [[ -z ${MODEL:-} ]]; then # the drift steps; MODEL=<checkpoint dir>: throughput alone, on that model
python3 - "$work" <<'PY'
import csv, random, sys
rows = list(csv.DictReader(open("../shared/datasets/sst2_dev.csv")))
random.Random(34).shuffle(rows)
for name, part in (("a", rows[:436]), ("b", rows[436:])):
    with open(f"{sys.argv[1]}/dev_{name}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader(); w.writerows({"text": r["text"], "label": r["label"]} for r in part)
PY
upload() { curl -s -F file=@"$1" localhost:18341/api/v1/datasets | jq -r '.id // ("refused: " + .detail | halt_error)'; }
train=$(upload ../shared/datasets/sst2_train.csv.gz); dev_a=$(upload "$work/dev_a.csv")
job=$(json -d "{\"datasetId\": \"$train\", \"validationDatasetId\": \"$dev_a\", \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\",
  \"epochs\": 1, \"maxTrainSamples\": ${MAX_TRAIN:-1500}, \"maxLength\": 64, \"learningRate\": 1e-4}" localhost:18341/api/v1/jobs \
  | jq -r '.id // ("refused: " + .detail | halt_error)')
while s=$(curl -s localhost:18341/api/v1/jobs/$job | jq -r .status); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 2; done
[[ $s == SUCCEEDED ]] || { echo "job $job: $s"; exit 1; }
model=$(curl -s localhost:18341/api/v1/jobs/$job | jq -r .modelId)
json -d "{\"name\": \"sentiment\", \"modelId\": \"$model\"}" localhost:18341/api/v1/deployments >/dev/null
send() { # $1 "balanced" | "negative": TEXTS sentences of B, drawn with replacement, in requests of 10
  python3 - "$work/dev_b.csv" "$1" "$texts" <<'PY'
import csv, json, random, sys, urllib.request
rows = list(csv.DictReader(open(sys.argv[1])))
rng = random.Random(7)
by = {l: [r["text"] for r in rows if r["label"] == l] for l in ("negative", "positive")}
if sys.argv[2] == "balanced":
    picked = [rng.choice(by[("negative", "positive")[i % 2]]) for i in range(int(sys.argv[3]))]
else:
    picked = [rng.choice(by["negative"]) for _ in range(int(sys.argv[3]))]
for i in range(0, len(picked), 10):
    body = json.dumps({"deployment": "sentiment", "texts": picked[i:i + 10]}).encode()
    urllib.request.urlopen(urllib.request.Request("http://localhost:18341/predict", body, {"Content-Type": "application/json"})).read()
PY
}
table() { # $1 window -> one row per figure of the deployment's model
  sleep 5 # a flush (1 s) and a drift evaluation (2 s)
  curl -s "localhost:18341/api/v1/deployments/sentiment/monitoring?window=$1" | jq -r '.models[0] as $m | .status as $s
    | ($m.figures[] | "| \(.figure) | \(.psi * 1000 | round / 1000) | \(.status) |"), "| **deployment** | | **\($s)** (\($m.texts) texts, p50 \($m.latency.p50Ms) ms, p99 \($m.latency.p99Ms) ms) |"'
}
echo "## Monitoring: MiniLM fine-tuned on ${MAX_TRAIN:-1500} sst2_train rows, reference on 436 sst2_dev rows (half A), traffic from the other 436 (half B)"
echo
curl -s localhost:18341/api/v1/models/$model/monitoring | jq -r '.models[0].reference | "Reference: \(.rows) \(.source), maxLength \(.maxLength)."'
echo
echo "### 1. $texts balanced sentences of B (drawn with replacement)"
echo "| figure | PSI | status |"; echo "|---|---|---|"
next_minute() { sleep $(( 61 - $(date +%s) % 60 )); }
next_minute; send balanced; table PT1M
echo
echo "### 2. then $texts negative-only sentences of B (the last minute's window: the negative traffic alone)"
echo "| figure | PSI | status |"; echo "|---|---|---|"
next_minute; send negative; table PT1M
echo
echo "Prometheus (/actuator/prometheus):"
echo '```'
curl -s localhost:18341/actuator/prometheus | grep -E '^attune_predict_drift_(psi|status)\{deployment="sentiment"' || true
echo '```'
grep -h "Drift: " "$work/service-18341.log" | sed 's/^.*Drift: /WARN log: Drift: /' || true

else
  model=$(json -d "{\"source\": \"$MODEL\"}" localhost:18341/api/v1/models/import | jq -r '.id // ("refused: " + .detail | halt_error)')
  json -d "{\"name\": \"sentiment\", \"modelId\": \"$model\"}" localhost:18341/api/v1/deployments >/dev/null
  echo "## Monitoring overhead on $(basename "$MODEL")"
fi
# throughput: the same service, data dir and model, restarted with monitoring on and off in turn
restart() { # $1 monitoring enabled
  kill $on; while kill -0 $on 2>/dev/null; do sleep 0.5; done
  on=$(start 18341 "$work/on" $1 "$roots")
  until curl -sf localhost:18341/actuator/health >/dev/null; do sleep 0.5; done
  until json -d '{"text": "warm", "deployment": "sentiment"}' localhost:18341/predict | jq -e .predictions >/dev/null; do sleep 0.5; done
}
python3 - "$work/predict.lua" <<'PY'
import csv, json, sys
texts = [row["text"] for row in csv.DictReader(open("../shared/datasets/sst2_dev.csv"))]
with open(sys.argv[1], "w") as lua:
    lua.write("local bodies = {\n" + ",\n".join("[==[" + json.dumps({"text": t, "deployment": "sentiment"}) + "]==]" for t in texts) + "}\n")
    lua.write('local i = 0\nrequest = function()\n  i = i % #bodies + 1\n'
              '  return wrk.format("POST", "/predict", {["Content-Type"] = "application/json"}, bodies[i])\nend\n')
PY
rps() { wrk -t2 -c$connections -d${1}s -s "$work/predict.lua" http://localhost:18341/predict 2>&1 | awk '/Requests\/sec/ {print $2}'; }
echo
echo "### /predict throughput, monitoring on vs off (the same service, data dir and model restarted with attune.monitoring.enabled true / false in turn; wrk, $connections connections, one sst2_dev sentence per request, 3 s warm-up, then ${seconds} s)"
echo "| round | on req/s | off req/s | on / off |"; echo "|---|---|---|---|"
sum_on=0; sum_off=0
for r in $(seq 1 $rounds); do
  for mode in $( (( r % 2 )) && echo "true false" || echo "false true"); do
    restart $mode; rps 3 >/dev/null
    if [[ $mode == true ]]; then a=$(rps $seconds); else b=$(rps $seconds); fi
  done
  echo "| $r | $a | $b | $(python3 -c "print('%.3f' % ($a / $b))") |"
  sum_on=$(python3 -c "print($sum_on + $a)"); sum_off=$(python3 -c "print($sum_off + $b)")
done
echo "| all | $(python3 -c "print('%.1f' % ($sum_on / $rounds))") | $(python3 -c "print('%.1f' % ($sum_off / $rounds))") | **$(python3 -c "print('%.3f' % ($sum_on / $sum_off))")** |"
kill $on; while kill -0 $on 2>/dev/null; do sleep 0.5; done

echo
echo "### What monitoring adds on the request's thread (TrafficCounters.served, in-process, no HTTP)"
source bench/lib.sh; trap 'rm -rf "$classes" "$work"' EXIT
bench_java dev.attune.monitoring.MonitoringOverheadBenchmark 3
