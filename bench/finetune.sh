#!/usr/bin/env bash
# One fine-tuning recipe through attune's training loop; prints a markdown row.
# Usage: bench/finetune.sh [key=value ...]   (see FineTuneBenchmark for keys)
# Default: the CPU recipe of issue 4 — all-MiniLM-L6-v2, first 8,000 rows of SST-2 train, full
# fine-tuning, 1 epoch, 64 tokens, batch 32, lr 5e-5, scored on sst2_dev.csv, with a job's defaults for
# the rest (sdpa, precision auto, random batches). Anchor: 83.60%.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
echo "| device | model | strategy | init | attention, precision | train rows | B x T | lr | epochs | accuracy | train time | total | samples/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
bench_java dev.attune.bench.FineTuneBenchmark eval=../shared/datasets/sst2_dev.csv "$@" 2> target/finetune-bench.log
# (a later eval=... argument overrides the default; eval= with nothing validates on a split of train)
