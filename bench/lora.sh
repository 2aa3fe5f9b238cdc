#!/usr/bin/env bash
# LoRA against full fine-tuning (issue 23), in one run on this machine: the SST-2 CPU recipe (all-MiniLM-L6-v2,
# first 8,000 rows of sst2_train, 1 epoch, 64 tokens, batch 32, a job's defaults otherwise) as full fine-tuning
# (lr 5e-5) and as LoRA with its defaults (r 8, alpha 16, dropout 0.1, query+value, head and pooler in full) at
# each learning rate given; accuracy on sst2_dev (never trained on). Prints one table.
# Usage: bench/lora.sh [lr ...]   (default: 5e-4 1e-3 2e-3)   Extra FineTuneBenchmark keys: LORA_ARGS="r=16 ..."
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
rates=("$@"); [ ${#rates[@]} -gt 0 ] || rates=(5e-4 1e-3 2e-3)
echo "| device | model | strategy | init | attention, precision | train rows | B x T | lr | epochs | accuracy | train time | total | samples/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
bench_java dev.attune.bench.FineTuneBenchmark eval=../shared/datasets/sst2_dev.csv strategy=full lr=5e-5 \
  2> target/lora-bench-full.log
for lr in "${rates[@]}"; do
  bench_java dev.attune.bench.FineTuneBenchmark eval=../shared/datasets/sst2_dev.csv strategy=lora lr=$lr ${LORA_ARGS:-} \
    2> target/lora-bench-$lr.log
done
