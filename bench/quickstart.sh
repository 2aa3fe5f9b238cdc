#!/usr/bin/env bash
# Runs the README's quick start as written (fine-tune MiniLM on 2,000 SST-2 rows, then /predict) against
# a fresh service on a free port with its own data directory, and prints a markdown row with the times.
# Needs ../shared, jq and curl. Usage: bench/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export SHARED=$(cd ../shared && pwd)
port=${PORT:-18080}
data=$(mktemp -d)
trap 'kill $service 2>/dev/null || true; rm -rf "$data"' EXIT
mvn -q -B package -DskipTests >/dev/null
ATTUNE_DATA_DIR=$data SERVER_PORT=$port OPT_OUT_TRACKING=true \
  java -Dai.djl.offline=true -jar target/attune-*.jar > target/quickstart-service.log 2>&1 &
service=$!
until curl -sf localhost:$port/actuator/health >/dev/null; do sleep 0.5; done
base=localhost:$port
start=$(date +%s.%N)

# --- the README's quick start, terminal 2 (only the port differs) ---
train=$(curl -s -F file=@../shared/datasets/sst2_train.csv.gz $base/api/v1/datasets | jq -r .id)
dev=$(curl -s -F file=@../shared/datasets/sst2_dev.csv $base/api/v1/datasets | jq -r .id)
job=$(curl -s -H 'Content-Type: application/json' -d "{\"datasetId\": \"$train\", \"testDatasetId\": \"$dev\",
  \"baseModel\": \"$SHARED/models/all-MiniLM-L6-v2\", \"epochs\": 1, \"maxTrainSamples\": 1500,
  \"maxLength\": 64, \"learningRate\": 1e-4}" $base/api/v1/jobs | jq -r '.id // ("refused: " + .detail | halt_error)')
while s=$(curl -s $base/api/v1/jobs/$job | jq -r '.status // .detail'); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 2; done; echo "$s"
curl -s $base/api/v1/jobs/$job | jq '{status, modelId, validation: .validationMetrics.accuracy, test: .testMetrics.accuracy}'
answer=$(curl -s -H 'Content-Type: application/json' -d '{"text": "a gorgeous, witty, seductive movie"}' $base/predict)
# ---

end=$(date +%s.%N)
jobjson=$(curl -s $base/api/v1/jobs/$job)
model=$(echo "$jobjson" | jq -r .modelId)
modeljson=$(curl -s $base/api/v1/models/$model)
echo "| status | steps | best validation accuracy | test accuracy | predict | upload to answer |"
echo "|---|---|---|---|---|---|"
printf "| %s | %s | %.1f%% | %.1f%% | %s %.2f | %.0f s |\n" "$(echo "$jobjson" | jq -r .status)" \
  "$(echo "$jobjson" | jq -r .progress.totalSteps)" \
  "$(echo "$modeljson" | jq -r '.metrics.validation.accuracy * 100')" \
  "$(echo "$modeljson" | jq -r '.metrics.test.accuracy * 100')" \
  "$(echo "$answer" | jq -r '.predictions[0].label')" "$(echo "$answer" | jq -r '.predictions[0].score')" \
  "$(echo "$end - $start" | bc)"
