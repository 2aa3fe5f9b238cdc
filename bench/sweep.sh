#!/usr/bin/env bash
# Hyperparameter sweeps (issue 25) through the service, two CPU workers (attune.jobs.devices=cpu,cpu):
#  1. a 3 x 2 grid (learning rate x batch size) on tiny-bert, without and with successive halving: wall time,
#     whether two trials ran at once, how many were stopped, and that the best trial is the one whose own job
#     record has the top metric;
#  2. a random sweep of MiniLM on SST-2 (a CPU-sized budget: 1,000 training rows, 1 epoch, 64 tokens) against the
#     default configuration's validation accuracy.
# Usage: bench/sweep.sh    Environment: PORT (default 18093), TRIALS (random trials, default 6)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); golden=$(pwd)/src/test/resources/golden; port=${PORT:-18093}; base=localhost:$port
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx3g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models,$golden" \
  --attune.jobs.devices=cpu,cpu --attune.jobs.progress-interval=0s >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done
json() { curl -s -H 'Content-Type: application/json' "$@"; }
await_sweep() { # $1 sweep id -> seconds until it ended
  local start; start=$(date +%s)
  until json $base/api/v1/sweeps/$1 | jq -e '.status != "RUNNING"' >/dev/null; do sleep 1; done
  echo $(( $(date +%s) - start ))
}

python3 - "$work" <<'PY'
import csv, gzip, sys
rows = list(csv.DictReader(gzip.open("../shared/datasets/sst2_train.csv.gz", "rt")))
with open(f"{sys.argv[1]}/small.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader(); w.writerows(rows[:400])
PY
small=$(curl -s -F file=@"$work/small.csv" $base/api/v1/datasets | jq -r .id)
sst=$(curl -s -F file=@../shared/datasets/sst2_train.csv.gz $base/api/v1/datasets | jq -r .id)

echo "## Grid: tiny-bert, 400 SST-2 rows, 4 epochs, learning rate [3e-3, 1e-2, 1e-5] x batch size [8, 16], two CPU workers"
echo
echo "| scheduler | wall time | trials SUCCEEDED / STOPPED | two trials at once | best trial = top job record |"
echo "|---|---|---|---|---|"
for scheduler in none successive_halving; do
  id=$(json -d "{\"name\": \"grid $scheduler\", \"scheduler\": \"$scheduler\",
    \"base\": {\"datasetId\": \"$small\", \"baseModel\": \"$golden/tiny-bert\", \"epochs\": 4, \"maxLength\": 32},
    \"grid\": {\"learningRate\": [0.003, 0.01, 0.00001], \"batchSize\": [8, 16]}}" $base/api/v1/sweeps | jq -r .id)
  seconds=$(await_sweep $id)
  json $base/api/v1/sweeps/$id > "$work/sweep.json"
  for job in $(jq -r '.trials[].jobId' "$work/sweep.json"); do json $base/api/v1/jobs/$job; echo; done > "$work/trials.jsonl"
  python3 - "$work/sweep.json" "$work/trials.jsonl" "$scheduler" "$seconds" <<'PY'
import json, sys
from datetime import datetime
sweep = json.load(open(sys.argv[1])); jobs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
spans = [(t(j["startedAt"]), t(j["finishedAt"])) for j in jobs if j.get("startedAt") and j.get("finishedAt")]
overlap = any(a0 < b1 and b0 < a1 for i, (a0, a1) in enumerate(spans) for (b0, b1) in spans[i + 1:])
done = [j for j in jobs if j["status"] == "SUCCEEDED"]
top = max(done, key=lambda j: j["bestMetrics"]["metrics"]["accuracy"])
stopped = sum(j["status"] == "STOPPED" for j in jobs)
print(f"| {sys.argv[3]} | {sys.argv[4]} s | {len(done)} / {stopped} | {'yes' if overlap else 'no'} | "
      f"{'yes' if top['id'] == sweep['bestJobId'] else 'NO'} (accuracy {top['bestMetrics']['metrics']['accuracy']:.4f}) |")
PY
done

trials=${TRIALS:-6}
echo
echo "## Random sweep: all-MiniLM-L6-v2 on SST-2 (1,000 training rows, 1 epoch, 64 tokens), $trials trials"
echo
common="\"datasetId\": \"$sst\", \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": 1, \"maxTrainSamples\": 1000, \"maxLength\": 64"
default_job=$(json -d "{$common, \"name\": \"default configuration\"}" $base/api/v1/jobs | jq -r .id)
id=$(json -d "{\"name\": \"minilm random\", \"base\": {$common}, \"trials\": $trials, \"seed\": 1,
  \"random\": {\"learningRate\": {\"min\": 1e-5, \"max\": 3e-4, \"log\": true}, \"batchSize\": {\"values\": [16, 32]},
              \"warmupRatio\": {\"min\": 0.0, \"max\": 0.2}}}" $base/api/v1/sweeps | jq -r .id)
seconds=$(await_sweep $id)
until json $base/api/v1/jobs/$default_job | jq -e '.status == "SUCCEEDED"' >/dev/null; do sleep 1; done
echo "| run | options | validation accuracy |"
echo "|---|---|---|"
json $base/api/v1/jobs/$default_job | jq -r '"| default configuration | learningRate 5e-5, batchSize 32, warmupRatio 0.06 | \(.bestMetrics.metrics.accuracy * 10000 | round / 100)% |"'
json $base/api/v1/sweeps/$id | jq -r '.trials[] | "| trial \(.trial) (\(.status)) | \(.options | to_entries | map("\(.key) \(.value)") | join(", ")) | \(if .bestScore then (.bestScore * 10000 | round / 100 | tostring) + "%" else "–" end) |"'
echo
json $base/api/v1/sweeps/$id | jq -r --arg s "$seconds" '"Sweep \(.status) in \($s) s; best trial \(.bestJobId), model \(.modelId)."'
