#!/usr/bin/env bash
# Multi-label fine-tuning through attune's training loop (issue 11); prints a markdown table.
# Usage: bench/multilabel.sh [key=value ...]   (see MultiLabelBenchmark for keys)
# Default: the GoEmotions sentiment grouping (4 labels), all-MiniLM-L6-v2, 64 tokens, 1 epoch,
# thresholds tuned on a 10% split of train, dev scored with them. With no arguments it runs the four
# recipes of the closing note: the grouping and the 28 original labels, each without and with class weights.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
run() {
  bench_java dev.attune.bench.MultiLabelBenchmark "$@" 2>> target/multilabel-bench.log
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
