#!/usr/bin/env bash
# Serving for production (issue 22), through the service, on real data:
#  1. calibration: a MiniLM fine-tuned on SST-2 scores all of sst2_dev (never seen) as a batch prediction; the
#     expected calibration error of the served (calibrated) probabilities beside the uncalibrated ones
#     (recovered exactly from the served ones and the model's temperature);
#  2. batch scoring speed against /predict on the same 872 texts in requests of 32;
#  3. a canary at 20%: which model answers 500 /predict requests; a rollback, and when it is served;
#  4. long texts: a MiniLM trained on 1,500 IMDB reviews at 128 tokens scores 1,000 reviews it never saw with
#     truncate, head_tail and sliding_window; the batch figures against those the result rows give.
# Usage: bench/production.sh    Environment: PORT (default 18092), SST_EPOCHS (3), IMDB_TRAIN (1500), IMDB_TEST (1000)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2, imdb)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18092}; base=localhost:$port
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx3g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done

json() { curl -s -H 'Content-Type: application/json' "$@"; }
upload() { curl -s -F file=@"$1" $base/api/v1/datasets | jq -r .id; }
await_job() { # $1 job id -> waits for its end, fails loudly unless SUCCEEDED
  until curl -s $base/api/v1/jobs/$1 | jq -e '.status | test("SUCCEEDED|FAILED|CANCELLED")' >/dev/null; do sleep 2; done
  curl -s $base/api/v1/jobs/$1 | jq -e '.status == "SUCCEEDED"' >/dev/null || { curl -s $base/api/v1/jobs/$1 | jq .error; exit 1; }
}
train() { # $1 dataset, $2 extra JSON fields -> model id
  local job
  job=$(json -d "{\"datasetId\": \"$1\", \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", $2}" $base/api/v1/jobs | jq -r .id)
  await_job $job
  curl -s $base/api/v1/jobs/$job | jq -r .modelId
}
score() { # $1 dataset, $2 model, $3 longText or "" -> batch prediction id
  local id
  id=$(json -d "{\"datasetId\": \"$1\", \"modelId\": \"$2\"${3:+, \"longText\": \"$3\"}}" $base/api/v1/predictions | jq -r .id)
  await_job $id
  echo $id
}

# --- 1 and 2: SST-2 ---
sst_train=$(upload ../shared/datasets/sst2_train.csv.gz)
sst_dev=$(upload ../shared/datasets/sst2_dev.csv)
# the default 3 epochs: fine-tuning that long makes a classifier overconfident, which calibration corrects
sst_model=$(train $sst_train "\"epochs\": ${SST_EPOCHS:-3}, \"maxTrainSamples\": 1500, \"maxLength\": 64, \"learningRate\": 1e-4")
batch=$(score $sst_dev $sst_model "")
curl -s "$base/api/v1/predictions/$batch/results" > "$work/sst2.jsonl"
temperature=$(curl -s $base/api/v1/models/$sst_model | jq -r .calibration.temperature)
echo "## Calibration: sst2_dev (872 sentences the job never saw), all-MiniLM-L6-v2 on 1,500 SST-2 rows, ${SST_EPOCHS:-3} epochs"
echo
echo "| probabilities | expected calibration error (15 bins) | accuracy |"
echo "|---|---|---|"
python3 - "$work/sst2.jsonl" "$temperature" <<'PY'
import json, math, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
t = float(sys.argv[2])
def ece(pairs, bins=15):
    total = 0
    for b in range(bins):
        inside = [(c, ok) for c, ok in pairs if min(int(c * bins), bins - 1) == b]
        if inside:
            total += abs(sum(c for c, _ in inside) - sum(ok for _, ok in inside)) / len(pairs)
    return total
served, raw = [], []
for r in rows:
    probs = r["prediction"]["probabilities"]
    labels = list(probs)
    logs = [t * math.log(max(probs[l], 1e-12)) for l in labels]  # the logits again, up to a constant
    m = max(logs); exps = [math.exp(x - m) for x in logs]; s = sum(exps)
    uncal = [e / s for e in exps]
    top = max(range(len(labels)), key=lambda i: uncal[i])
    ok = labels[top] == r["label"]
    served.append((max(probs.values()), ok)); raw.append((uncal[top], ok))
acc = sum(ok for _, ok in served) / len(served)
print(f"| uncalibrated (temperature 1) | {ece(raw):.4f} | {100 * acc:.2f}% |")
print(f"| served, calibrated (temperature {t:.3f}) | {ece(served):.4f} | {100 * acc:.2f}% |")
PY
echo
echo "## Batch scoring against /predict, the same 872 sst2_dev sentences (model $sst_model)"
echo
batch_speed=$(curl -s $base/api/v1/predictions/$batch | jq -r .textsPerSecond)
predict_speed=$(python3 - "$base" "$sst_model" <<'PY'
import csv, json, sys, time, urllib.request
base, model = sys.argv[1:]
texts = [r["text"] for r in csv.DictReader(open("../shared/datasets/sst2_dev.csv"))]
def run():
    for i in range(0, len(texts), 32):
        body = json.dumps({"texts": texts[i:i + 32]}).encode()
        urllib.request.urlopen(urllib.request.Request(f"http://{base}/api/v1/models/{model}/predict", body,
                                                      {"Content-Type": "application/json"})).read()
run()  # warm
start = time.time(); run(); print(f"{len(texts) / (time.time() - start):.1f}")
PY
)
again=$(score $sst_dev $sst_model "")
batch_speed_again=$(curl -s $base/api/v1/predictions/$again | jq -r .textsPerSecond)
echo "| path | texts/s |"
echo "|---|---|"
printf '| batch prediction (job on the queue), 2 runs | %.1f, %.1f |\n' "$batch_speed" "$batch_speed_again"
echo "| /predict, requests of 32 texts, one after another | $predict_speed |"
python3 -c "print(f'| ratio (best batch run / predict) | {max($batch_speed, $batch_speed_again) / $predict_speed:.2f}x |')"

# --- 3: a canary at 20% and a rollback ---
second=$(train $sst_train '"epochs": 1, "maxTrainSamples": 1500, "maxLength": 64, "learningRate": 1e-4, "seed": 7')
json -d "{\"name\": \"default\", \"modelId\": \"$sst_model\"}" $base/api/v1/deployments >/dev/null
json -X PUT -d "{\"canary\": {\"modelId\": \"$second\", \"percent\": 20}}" $base/api/v1/deployments/default >/dev/null
sleep 3 # the canary's model loads in the background
canary=0
for i in $(seq 500); do
  model=$(json -d '{"text": "a gorgeous, witty, seductive movie"}' $base/predict | jq -r .model)
  [ "$model" = "$second" ] && canary=$((canary + 1))
done
json -X PUT -d "{\"modelId\": \"$second\"}" $base/api/v1/deployments/default >/dev/null
start=$(date +%s%N)
json -X POST $base/api/v1/deployments/default/rollback >/dev/null
until [ "$(json -d '{"text": "fine"}' $base/predict | jq -r .model)" = "$sst_model" ]; do :; done
rollback_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo
echo "## Deployments"
echo
echo "| check | figure |"
echo "|---|---|"
echo "| canary at 20%: requests (of 500, random routing) its model answered | $canary ($(( canary * 100 / 500 ))%) |"
echo "| rollback served on this node after | $rollback_ms ms (another node follows within attune.predict.refresh-interval, 2 s; ClusterTest) |"

# --- 4: long texts on IMDB ---
python3 - "$work" "${IMDB_TRAIN:-1500}" "${IMDB_TEST:-1000}" <<'PY'
import csv, gzip, sys
work, n_train, n_test = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = list(csv.DictReader(gzip.open("../shared/datasets/imdb_train.csv.gz", "rt")))
for name, part in (("imdb_small_train.csv", rows[:n_train]), ("imdb_unseen.csv", rows[n_train:n_train + n_test])):
    with open(f"{work}/{name}", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader()
        w.writerows({"text": r["text"], "label": r["label"]} for r in part)
PY
imdb_train=$(upload "$work/imdb_small_train.csv")
imdb_test=$(upload "$work/imdb_unseen.csv")
echo
echo "## Long texts: IMDB, all-MiniLM-L6-v2 trained on ${IMDB_TRAIN:-1500} reviews at 128 tokens (${IMDB_EPOCHS:-2} epochs), ${IMDB_TEST:-1000} unseen reviews scored"
echo
echo "| job's longText (training) | scored with | accuracy (batch metrics) | accuracy from the result rows | texts/s |"
echo "|---|---|---|---|---|"
for trained in truncate sliding_window; do
  imdb_model=$(train $imdb_train "\"epochs\": ${IMDB_EPOCHS:-2}, \"maxLength\": 128, \"learningRate\": 1e-4, \"longText\": \"$trained\"")
  for rule in truncate head_tail sliding_window; do
    id=$(score $imdb_test $imdb_model $rule)
    curl -s "$base/api/v1/predictions/$id/results" > "$work/imdb-$rule.jsonl"
    rows_accuracy=$(python3 -c "
import json; rows = [json.loads(l) for l in open('$work/imdb-$rule.jsonl')]
print(f'{100 * sum(r[\"label\"] == r[\"prediction\"][\"label\"] for r in rows) / len(rows):.2f}%')")
    curl -s $base/api/v1/predictions/$id | jq -r --arg trained $trained --arg rule $rule --arg rows "$rows_accuracy" \
      '"| \($trained) | \($rule) | \(.metrics.accuracy * 10000 | round / 100)% | \($rows) | \(.textsPerSecond * 10 | round / 10) |"'
  done
  echo "| | texts over maxLength (training, validation): $(curl -s $base/api/v1/models/$imdb_model | jq -c .metrics.overMaxLength) | | | |"
done
