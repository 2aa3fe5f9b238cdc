#!/usr/bin/env bash
# Explanations (issue 34) through the service: all-MiniLM-L6-v2 fine-tuned shortly on SST-2 (ROWS sst2_train rows,
# EPOCHS, MAXLEN tokens, lr LR), then SENTENCES sst2_dev sentences explained one request each over HTTP ("explain":
# true, the default 32 steps unless STEPS): completeness error as % of |logit difference| (median, p90, max), explain
# latency per sentence (p50, p90), and plain /predict p50 on the same sentences for comparison.
# Usage: bench/explain.sh    Environment: PORT (18137), ROWS (2000), EPOCHS (1), MAXLEN (64), LR (1e-4),
#   SENTENCES (200), STEPS (32)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18137}; base=localhost:$port
# the machine is shared: never talk to someone else's service on this port
if curl -s -o /dev/null $base/actuator/health; then echo "port $port is taken: set PORT"; exit 1; fi
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx3g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  --attune.jobs.devices=cpu --attune.jobs.progress-interval=1s >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do kill -0 $pid || { tail -20 "$work/service.log"; exit 1; }; sleep 0.5; done
json() { curl -s -H 'Content-Type: application/json' "$@"; }
train=$(curl -s -F file=@../shared/datasets/sst2_train.csv.gz $base/api/v1/datasets | jq -r '.id // ("refused: " + .detail | halt_error)')
job=$(json -d "{\"datasetId\": \"$train\", \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": ${EPOCHS:-1},
  \"maxTrainSamples\": ${ROWS:-2000}, \"maxLength\": ${MAXLEN:-64}, \"learningRate\": ${LR:-1e-4}}" $base/api/v1/jobs \
  | jq -r '.id // ("refused: " + .detail | halt_error)')
t0=$(date +%s)
while s=$(json $base/api/v1/jobs/$job | jq -r .status); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 2; done
[[ $s == SUCCEEDED ]] || { echo "job $job: $s"; tail -20 "$work/service.log"; exit 1; }
model=$(json $base/api/v1/jobs/$job | jq -r .modelId)
accuracy=$(json $base/api/v1/jobs/$job | jq -r '.validationMetrics.accuracy')
train_s=$(( $(date +%s) - t0 ))
until [[ $(json $base/api/v1/serving | jq -r .modelId) == "$model" ]]; do sleep 0.5; done
engine=$(json $base/api/v1/serving | jq -r .engine)
python3 - "$base" "$model" "${SENTENCES:-200}" "${STEPS:-32}" "$engine" "$accuracy" "$train_s" <<'PY'
import csv, json, statistics, sys, time, urllib.request
base, model, n, steps, engine, accuracy, train_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]), sys.argv[7]
texts = [row["text"] for row in csv.DictReader(open("../shared/datasets/sst2_dev.csv"))][:n]
def post(body):
    request = urllib.request.Request(f"http://{base}/predict", json.dumps(body).encode(), {"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["predictions"][0], time.perf_counter() - start
def pct(values, q):
    values = sorted(values); return values[min(len(values) - 1, int(q * len(values)))]
post({"text": texts[0], "explain": True, "steps": steps})  # loads the libtorch copy: not timed
post({"text": texts[0]})
errors, explain_ms, predict_ms, words, flips = [], [], [], [], 0
for text in texts:
    p, seconds = post({"text": text, "explain": True, "steps": steps})
    e = p["explanation"]
    explain_ms.append(1000 * seconds)
    errors.append(100 * e["completenessError"] / max(1e-9, abs(e["logitDifference"])))
    words.append(len(e["words"]))
    assert all(text[w["start"]:w["end"]] == w["word"] for w in e["words"]), text
for text in texts:
    predict_ms.append(1000 * post({"text": text})[1])
print(f"## Explanations: MiniLM fine-tuned on SST-2, {n} sst2_dev sentences, {steps} steps")
print()
print(f"Model: all-MiniLM-L6-v2, {sys.argv[7]} s of training; validation accuracy {100 * accuracy:.1f}%; /predict served by {engine}, explanations by the libtorch fp32 copy (CPU). One sentence per request, one client.")
print()
print("| sentences | steps | words per sentence (mean) | completeness error, % of \\|logit difference\\|: median | p90 | max | explain p50 | explain p90 | predict p50 |")
print("|---|---|---|---|---|---|---|---|---|")
print(f"| {n} | {steps} | {statistics.mean(words):.1f} | {statistics.median(errors):.2f}% | {pct(errors, 0.9):.2f}% | {max(errors):.2f}% | {statistics.median(explain_ms):.0f} ms | {pct(explain_ms, 0.9):.0f} ms | {statistics.median(predict_ms):.1f} ms |")
PY
