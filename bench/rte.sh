#!/usr/bin/env bash
# Sentence pairs end to end (issue 24): GLUE RTE (premise `text`, hypothesis `text_pair`) uploaded with
# textPairColumn, a MiniLM job at 128 tokens through the service, then all of rte_dev scored through /predict
# with "pairs" (the served accuracy beside the job's own test figure). A control run uploads the same files
# without textPairColumn (premise alone): the gap says the pair is read as a pair.
# Usage: bench/rte.sh [epochs, default 5] [learning rate, default 5e-5]
# Environment: CONTROL=0 skips the control run; PORT (default 18091).
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}; lr=${2:-5e-5}
[ -f ../shared/datasets/rte_train.csv ] || { echo "needs ../shared (all-MiniLM-L6-v2, rte_train.csv, rte_dev.csv)"; exit 1; }
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
shared=$(cd ../shared && pwd); port=${PORT:-18091}; base=localhost:$port
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx2g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done

# run LABEL PAIR_COLUMN: uploads train and dev, trains, scores dev through /predict; prints a table row
run() {
  local label=$1 pair=$2 train dev job model start seconds
  train=$(curl -s -F file=@../shared/datasets/rte_train.csv ${pair:+-F textPairColumn=$pair} $base/api/v1/datasets | jq -r .id)
  dev=$(curl -s -F file=@../shared/datasets/rte_dev.csv ${pair:+-F textPairColumn=$pair} $base/api/v1/datasets | jq -r .id)
  start=$(date +%s)
  job=$(curl -s -H 'Content-Type: application/json' -d "{\"datasetId\": \"$train\", \"testDatasetId\": \"$dev\",
    \"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": $epochs, \"maxLength\": 128,
    \"learningRate\": $lr, \"batchSize\": 16, \"name\": \"rte $label\"}" $base/api/v1/jobs | jq -r .id)
  until curl -s $base/api/v1/jobs/$job | jq -e '.status | test("SUCCEEDED|FAILED|CANCELLED")' >/dev/null; do sleep 2; done
  seconds=$(( $(date +%s) - start ))
  model=$(curl -s $base/api/v1/jobs/$job | jq -r .modelId)
  [ "$model" != null ] || { curl -s $base/api/v1/jobs/$job | jq .error; exit 1; }
  # every dev row through /predict: pairs in requests of 32 ([[premise, hypothesis], ...]) or premises alone
  python3 - "$base" "$model" "$pair" <<'PY' > "$work/served"
import csv, json, sys, urllib.request
base, model, pair = sys.argv[1:]
rows = list(csv.DictReader(open('../shared/datasets/rte_dev.csv')))
right = 0
for i in range(0, len(rows), 32):
    chunk = rows[i:i + 32]
    body = {'pairs': [[r['text'], r['text_pair']] for r in chunk]} if pair else {'texts': [r['text'] for r in chunk]}
    request = urllib.request.Request(f'http://{base}/api/v1/models/{model}/predict', json.dumps(body).encode(),
                                     {'Content-Type': 'application/json'})
    predictions = json.load(urllib.request.urlopen(request))['predictions']
    right += sum(p['label'] == r['label'] for p, r in zip(predictions, chunk))
print(f'{100 * right / len(rows):.2f}% ({right}/{len(rows)})')
PY
  printf '| %s | %s | %s | %s | %d s |\n' "$label" \
    "$(curl -s $base/api/v1/models/$model | jq -r '.metrics.validation.accuracy * 100 | tostring | .[0:5] + "%"')" \
    "$(curl -s $base/api/v1/models/$model | jq -r '.metrics.test.accuracy * 100 | tostring | .[0:5] + "%"')" \
    "$(cat "$work/served")" "$seconds"
}

echo "RTE, all-MiniLM-L6-v2, 128 tokens, $epochs epochs, lr $lr, batch 16; dev = rte_dev.csv (139 rows)"
echo
echo "| input | validation (10% of train) | dev, job's test figure | dev, served through /predict | job time |"
echo "|---|---|---|---|---|"
run "pairs (textPairColumn=text_pair)" text_pair
[ "${CONTROL:-1}" = 0 ] || run "control: premise alone" ""
