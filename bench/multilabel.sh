#!/usr/bin/env bash
# Multi-label fine-tuning through attune's training loop (issue 11); prints a markdown table.
# Usage: bench/multilabel.sh [key=value ...]   (see MultiLabelBenchmark for keys)
# Default: the GoEmotions sentiment grouping (4 labels), all-MiniLM-L6-v2, 64 tokens, 1 epoch,
# thresholds tuned on a 10% split of train, dev scored with them. With no arguments it runs the four
# recipes of the closing note: the grouping and the 28 original labels, each without and with class weights.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
# Run from a copy, so a build during a long run cannot pull classes from under it.
classes=$(mktemp -d); trap 'rm -rf "$classes"' EXIT
cp -r target/classes target/test-classes "$classes"/
run() {
  OPT_OUT_TRACKING=true java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$classes/classes:$classes/test-classes:$(cat target/bench.classpath)" \
    dev.attune.bench.MultiLabelBenchmark "$@" 2>> target/multilabel-bench.log
}
echo "| device | train | labels | train rows | B x T | lr | epochs | class weights | val macro F1 (tuned) | dev macro F1 (tuned) | dev micro F1 (tuned) | dev macro F1 @0.5 | dev micro F1 @0.5 | dev labels at F1 0 | rare labels dev F1 | train time | total | samples/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
: > target/multilabel-bench.log
if [ $# -gt 0 ]; then
  run "$@"
else
  original="train=../shared/datasets/goemotions_original_train.csv.gz dev=../shared/datasets/goemotions_original_dev.csv.gz rare=grief,pride,relief"
  for weights in none balanced; do run trainRows=8000 classWeights=$weights; done
  for weights in none balanced; do run $original trainRows=8000 classWeights=$weights; done
fi
