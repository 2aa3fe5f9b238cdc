#!/usr/bin/env bash
# Feedback (issue 34) through the packaged service, with real all-MiniLM-L6-v2 and SST-2: a model fine-tuned on TRAIN
# rows of sst2_train (deployment "sst2"), ANSWERS sst2_dev sentences sent through /predict with the request log on
# (rate 1, texts kept), their true labels sent back in one batch by requestId; the live accuracy checked against the
# accuracy (and 95% Wilson interval) computed here from the answers and the labels; a data set made from the feedback
# (its rows compared with the labelled answers, exactly); then one with the training rows too, a job trained on it and
# its model put out as the deployment's 20% canary. Both models are scored on the sst2_dev rows not served (the test).
# Usage: bench/feedback.sh    Environment: PORT (default: a free one), TRAIN (1500), ANSWERS (300), EPOCHS (1), LR (1e-4), MAXLEN (64)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd)
# a port nobody listens on (others' services share this machine): never talk to a service this script did not start
port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
base=localhost:$port
! curl -s -o /dev/null $base/ || { echo "port $port is taken: set PORT to a free one" >&2; exit 1; }
train_rows=${TRAIN:-1500}; answers=${ANSWERS:-300}
options="\"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": ${EPOCHS:-1}, \"learningRate\": ${LR:-1e-4},
  \"maxLength\": ${MAXLEN:-64}"
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx3g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  --attune.jobs.devices=cpu --attune.feedback.request-log.rate=1 --attune.feedback.request-log.store-texts=true \
  >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do
  kill -0 $pid 2>/dev/null || { echo "the service did not start:" >&2; tail -20 "$work/service.log" >&2; exit 1; }
  sleep 0.5
done
json() { curl -s -H 'Content-Type: application/json' "$@"; }
upload() { curl -s -F file=@"$1" "$base/api/v1/datasets" | jq -r '.id // ("refused: " + .detail | halt_error)'; }
train() { # $1 data set -> "model test-accuracy seconds"
  local job s; job=$(json -d "{\"datasetId\": \"$1\", \"testDatasetId\": \"$test\", $options}" $base/api/v1/jobs \
    | jq -r '.id // ("refused: " + .detail | halt_error)')
  while s=$(json $base/api/v1/jobs/$job | jq -r .status); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 2; done
  [[ $s == SUCCEEDED ]] || { echo "job $job: $s" >&2; exit 1; }
  json $base/api/v1/jobs/$job | jq -r '"\(.modelId) \(.testMetrics.accuracy) \((((.finishedAt | sub("\\.[0-9]+";"") | fromdate) - (.startedAt | sub("\\.[0-9]+";"") | fromdate))))"'
}
python3 - "$work" "$train_rows" "$answers" <<'PY'
import csv, gzip, random, sys
work, n, answers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(gzip.open("../shared/datasets/sst2_train.csv.gz", "rt")))
random.Random(1).shuffle(rows)
dev = list(csv.DictReader(open("../shared/datasets/sst2_dev.csv")))
for name, part in (("train", rows[:n]), ("served", dev[:answers]), ("test", dev[answers:])):
    with open(f"{work}/{name}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader(); w.writerows(part)
PY
training=$(upload "$work/train.csv"); test=$(upload "$work/test.csv")
read -r model acc0 secs0 <<< "$(train "$training")"
json -d "{\"name\": \"sst2\", \"modelId\": \"$model\"}" $base/api/v1/deployments >/dev/null

# ANSWERS answers through /predict, one request each, with the log on; their labels kept here for the check
python3 - "$work" "$base" <<'PY'
import csv, json, sys, time, urllib.request
work, base = sys.argv[1], sys.argv[2]
out, lat = [], []
for i, row in enumerate(csv.DictReader(open(f"{work}/served.csv"))):
    req = urllib.request.Request(f"http://{base}/predict", json.dumps({"deployment": "sst2", "text": row["text"]}).encode(),
                                 {"Content-Type": "application/json", "X-Request-Id": f"sst2-dev-{i}"})
    t = time.perf_counter(); answer = json.load(urllib.request.urlopen(req)); lat.append((time.perf_counter() - t) * 1000)
    out.append({"requestId": answer["requestId"], "text": row["text"], "label": row["label"],
                "predicted": answer["predictions"][0]["label"]})
json.dump(out, open(f"{work}/answers.json", "w"))
lat.sort(); json.dump({"p50": lat[len(lat) // 2], "p99": lat[int(len(lat) * 0.99)]}, open(f"{work}/latency.json", "w"))
PY
last=$(jq -r '.[-1].requestId' "$work/answers.json")
t0=$(date +%s.%N)
until [[ $(curl -s -o /dev/null -w '%{http_code}' $base/api/v1/feedback/requests/$last) == 200 ]]; do sleep 0.05; done
logged_s=$(echo "$(date +%s.%N) - $t0" | bc -l)
jq '[.[] | {requestId: .requestId, label: .label}]' "$work/answers.json" > "$work/batch.json"
t0=$(date +%s.%N)
given=$(json -d @"$work/batch.json" $base/api/v1/feedback/batch | jq -r '.count // ("refused: " + .detail | halt_error)')
batch_s=$(echo "$(date +%s.%N) - $t0" | bc -l)
json "$base/api/v1/feedback/accuracy?deployment=sst2" > "$work/accuracy.json"
made=$(json -d '{"deployment": "sst2", "name": "sst2 feedback"}' $base/api/v1/feedback/datasets)
curl -s "$base/api/v1/datasets/$(echo "$made" | jq -r .id)/rows?limit=1000" > "$work/rows.json"
check=$(python3 - "$work" <<'PY'
import json, math, sys
work = sys.argv[1]
answers = json.load(open(f"{work}/answers.json")); live = json.load(open(f"{work}/accuracy.json"))[0]
n = len(answers); right = sum(a["predicted"] == a["label"] for a in answers); p = right / n; z = 1.959963984540054
centre = (p + z * z / (2 * n)) / (1 + z * z / n); half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
same = live["count"] == n and live["correct"] == right and abs(live["lower"] - (centre - half)) < 1e-9 \
    and abs(live["upper"] - (centre + half)) < 1e-9
rows = sorted((r["text"], r["label"]) for r in json.load(open(f"{work}/rows.json"))["rows"])
exact = rows == sorted((a["text"], a["label"]) for a in answers)
print(f"{live['accuracy'] * 100:.2f}% [{live['lower'] * 100:.2f}, {live['upper'] * 100:.2f}] of {live['count']} "
      f"| {p * 100:.2f}% [{(centre - half) * 100:.2f}, {(centre + half) * 100:.2f}] of {n} | {'yes' if same else 'NO'} "
      f"| {len(rows)} rows, {'exactly the answers' if exact else 'NOT the answers'}")
PY
)
grown=$(json -d '{"deployment": "sst2", "includeTrainingRows": true}' $base/api/v1/feedback/datasets)
read -r model2 acc2 secs2 <<< "$(train "$(echo "$grown" | jq -r .id)")"
canary=$(json -X PUT -d "{\"canary\": {\"modelId\": \"$model2\", \"percent\": 20}}" $base/api/v1/deployments/sst2 \
  | jq -r '.canary.modelId // "refused"')
read -r p50 p99 <<< "$(jq -r '"\(.p50) \(.p99)"' "$work/latency.json")"

echo "## Feedback: all-MiniLM-L6-v2 on $train_rows sst2_train rows, $answers sst2_dev answers corrected"
echo
echo "| live accuracy (GET /feedback/accuracy) | computed from the answers and labels | equal | data set from feedback |"
echo "|---|---|---|---|"
echo "| $check |"
echo
echo "| step | figure |"
echo "|---|---|"
printf '| /predict with the log on (rate 1, texts kept), one text a request | p50 %.1f ms, p99 %.1f ms |\n' "$p50" "$p99"
printf '| last answer to its row in the log | %.2f s |\n' "$logged_s"
printf '| POST /api/v1/feedback/batch of %s | %.2f s |\n' "$given" "$batch_s"
echo "| model on the training rows: test accuracy (the $(($(wc -l < "$work/test.csv") - 1)) sst2_dev rows not served), train time | $(printf %.2f "$(echo "$acc0 * 100" | bc -l)")%, ${secs0} s |"
echo "| model on training + feedback rows ($(echo "$grown" | jq -r .rowCount) rows): test accuracy, train time | $(printf %.2f "$(echo "$acc2 * 100" | bc -l)")%, ${secs2} s |"
echo "| that model as the deployment's 20% canary | $([[ $canary == "$model2" ]] && echo yes || echo NO) |"
