#!/usr/bin/env bash
# What to label next (issue 33) through the service: SST-2 with all-MiniLM-L6-v2, starting from START labelled rows of
# sst2_train (a seeded draw); the pool is POOL other rows whose labels the service never sees (uploaded with
# unlabelled=true; the script keeps them, to "label" the rows chosen). Two arms from the same first model, ROUNDS rounds
# each: a batch prediction on the pool (the rows not labelled yet) with select {margin | random, COUNT}, the chosen rows
# labelled into the next version of the labelled data set (POST /api/v1/datasets/{id}/versions), and a job retrained
# from the base on that version (the same options every time), scored on sst2_dev. One CPU worker.
# Usage: bench/select.sh    Environment: PORT (18094), SEEDS ("1": one run per seed), START (100), POOL (3000),
#   COUNT (200), ROUNDS (2), EPOCHS (5), LR (1e-4), BATCH (16), MAXLEN (64)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18094}; base=localhost:$port
seeds=${SEEDS:-1}; start_rows=${START:-100}; pool_rows=${POOL:-3000}; count=${COUNT:-200}; rounds=${ROUNDS:-2}
options="\"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"strategy\": \"full\", \"epochs\": ${EPOCHS:-5},
  \"learningRate\": ${LR:-1e-4}, \"batchSize\": ${BATCH:-16}, \"maxLength\": ${MAXLEN:-64}"
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx3g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  --attune.jobs.devices=cpu --attune.jobs.progress-interval=1s >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done
json() { curl -s -H 'Content-Type: application/json' "$@"; }
upload() { curl -s -F file=@"$1" "${@:3}" "$base$2" | jq -r '.id // ("refused: " + .detail | halt_error)'; }
await() { # $1 job id -> its final JSON
  while s=$(json $base/api/v1/jobs/$1 | jq -r .status); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 2; done
  json $base/api/v1/jobs/$1
}
train() { # $1 data set -> "model accuracy seconds"
  local job out; job=$(json -d "{\"datasetId\": \"$1\", \"testDatasetId\": \"$dev\", $options}" $base/api/v1/jobs \
    | jq -r '.id // ("refused: " + .detail | halt_error)')
  out=$(await $job)
  [[ $(echo "$out" | jq -r .status) == SUCCEEDED ]] || { echo "job $job: $out" >&2; exit 1; }
  echo "$out" | jq -r '"\(.modelId) \(.testMetrics.accuracy) \((((.finishedAt | sub("\\.[0-9]+";"") | fromdate) - (.startedAt | sub("\\.[0-9]+";"") | fromdate))))"'
}
dev=$(upload ../shared/datasets/sst2_dev.csv /api/v1/datasets)

echo "## What to label next: SST-2, all-MiniLM-L6-v2, $start_rows labelled rows + $rounds rounds of $count (pool $pool_rows)"
echo
echo "Every model: full fine-tuning from the base, ${EPOCHS:-5} epochs, lr ${LR:-1e-4}, batch ${BATCH:-16}, ${MAXLEN:-64} tokens; accuracy on sst2_dev (872)."
echo
header="| seed | arm | $start_rows rows"; sep="|---|---|---"
for r in $(seq 1 $rounds); do header="$header | $((start_rows + r * count)) rows"; sep="$sep|---"; done
echo "$header | selection time, train time (last round) |"; echo "$sep|---|"
for seed in $seeds; do
  python3 - "$work" "$seed" "$start_rows" "$pool_rows" <<'PY'
import csv, gzip, json, random, sys
work, seed, start, pool = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows, seen = [], set()
for row in csv.DictReader(gzip.open("../shared/datasets/sst2_train.csv.gz", "rt")):
    if row["text"] not in seen:  # one label per text: a version refuses a text it holds with another label
        seen.add(row["text"]); rows.append(row)
random.Random(seed).shuffle(rows)
with open(f"{work}/start.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader(); w.writerows(rows[:start])
json.dump(rows[start:start + pool], open(f"{work}/pool.json", "w"))  # the labels the service never sees
PY
  labelled=$(upload "$work/start.csv" /api/v1/datasets -F name="start seed $seed")
  read -r first acc0 _ <<< "$(train "$labelled")"
  for arm in margin random; do
    cp "$work/pool.json" "$work/left.json"; set_id=$labelled; model=$first; line="| $seed | $arm | $(printf %.1f "$(echo "$acc0 * 100" | bc -l)")%"
    for r in $(seq 1 $rounds); do
      python3 -c 'import csv,json,sys; w=csv.writer(open(sys.argv[2],"w",newline="")); w.writerow(["text"]); [w.writerow([r["text"]]) for r in json.load(open(sys.argv[1]))]' \
        "$work/left.json" "$work/left.csv"
      pool=$(upload "$work/left.csv" /api/v1/datasets -F unlabelled=true -F name="pool $arm $r")
      t0=$(date +%s)
      prediction=$(json -d "{\"datasetId\": \"$pool\", \"modelId\": \"$model\",
        \"select\": {\"strategy\": \"$arm\", \"count\": $count, \"seed\": $((seed * 100 + r))}}" $base/api/v1/predictions | jq -r .id)
      [[ $(await $prediction | jq -r .status) == SUCCEEDED ]] || { echo "batch prediction $prediction failed" >&2; exit 1; }
      selection_s=$(( $(date +%s) - t0 ))
      curl -s "$base/api/v1/predictions/$prediction/selection?format=jsonl" > "$work/chosen.jsonl"
      python3 - "$work" <<'PY'  # "label" the chosen rows from the hidden labels; the rest stay in the pool
import csv, json, sys
work = sys.argv[1]
left = json.load(open(f"{work}/left.json"))
chosen = {json.loads(l)["index"] for l in open(f"{work}/chosen.jsonl") if l.strip()}
with open(f"{work}/labelled.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader()
    w.writerows(left[i] for i in sorted(chosen))
json.dump([r for i, r in enumerate(left) if i not in chosen], open(f"{work}/left.json", "w"))
PY
      set_id=$(upload "$work/labelled.csv" /api/v1/datasets/$set_id/versions -F name="$arm round $r seed $seed")
      read -r model acc seconds <<< "$(train "$set_id")"
      line="$line | $(printf %.1f "$(echo "$acc * 100" | bc -l)")%"
    done
    echo "$line | ${selection_s} s, ${seconds} s |"
  done
done
