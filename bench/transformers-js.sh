#!/usr/bin/env bash
# Imports the tiny golden checkpoints into a fresh service, downloads each as format=onnx and onnx-int8, unzips
# them and checks that transformers.js loads the directory as it is (pipeline('text-classification', dir,
# {local_files_only: true})) and reproduces golden.json (bench/check_transformers_js.mjs). Needs node and npm
# (installs @huggingface/transformers@${TJS_VERSION:-4.3.1} into a temporary folder unless TJS_DIR holds it), jq,
# curl, unzip. Not part of the test suite. Usage: bench/transformers-js.sh (KEEP=1 keeps the unzipped downloads)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
port=${PORT:-18081}
data=$(mktemp -d)
tjs=${TJS_DIR:-}
made_tjs=
if [[ -z $tjs ]]; then
  tjs=$(mktemp -d); made_tjs=$tjs
  (cd "$tjs" && npm init -y >/dev/null && npm install --ignore-scripts --silent "@huggingface/transformers@${TJS_VERSION:-4.3.1}")
fi
golden=$PWD/src/test/resources/golden
# a checkpoint without tokenizer_config.json: its download carries the minimal one attune writes
roots=$data/roots
mkdir -p "$roots/tiny-bert-sst2-bare"
cp "$golden"/tiny-bert-sst2/{config.json,model.safetensors,tokenizer.json} "$roots/tiny-bert-sst2-bare/"
# exec: $service is the JVM itself, so the trap stops it
(exec env OPT_OUT_TRACKING=true java -Dai.djl.offline=true -cp "$classes/classes:$classes/test-classes:$(cat target/bench.classpath)" \
  dev.attune.AttuneApplication --server.port=$port --attune.data-dir="$data" --attune.models.import-roots="$golden,$roots" \
  > target/transformers-js-service.log 2>&1) &
service=$!
trap 'kill $service 2>/dev/null || true; rm -rf "$classes" $made_tjs; [[ -n ${KEEP:-} ]] && echo "kept $data" || rm -rf "$data"' EXIT
until curl -sf localhost:$port/actuator/health >/dev/null; do
  kill -0 $service 2>/dev/null || { tail -20 target/transformers-js-service.log; exit 1; }
  sleep 0.5
done
status=0
echo "| download | dtype | probabilities | labels | compared | |"
echo "|---|---|---|---|---|---|"
for name in tiny-bert-sst2 tiny-distilbert-sst2 tiny-roberta-sst2 tiny-bert-sst2-bare; do
  source=$golden/$name
  [[ $name == *-bare ]] && source=$roots/$name
  id=$(curl -sf -H 'Content-Type: application/json' -d "{\"source\": \"$source\"}" \
    localhost:$port/api/v1/models/import | jq -r .id)
  for format in onnx onnx-int8; do
    dir=$data/exports/$name-$format
    mkdir -p "$dir"
    curl -sf -o "$dir.zip" "localhost:$port/api/v1/models/$id/download?format=$format"
    unzip -q "$dir.zip" -d "$dir"
    dtype=$([[ $format == onnx ]] && echo fp32 || echo q8)
    NODE_PATH=$tjs/node_modules node bench/check_transformers_js.mjs "$dir" "$golden/${name%-bare}/golden.json" $dtype || status=1
  done
done
exit $status
