#!/usr/bin/env bash
# Few-shot SST-2 (issue 33): setfit against full fine-tuning of the same MiniLM on the same rows, side by side.
# Usage: bench/fewshot.sh [key=value ...]   (see FewShotBenchmark for keys)
# Default: all-MiniLM-L6-v2; 8, 16 and 64 labelled rows per class drawn from sst2_train by seeds 1, 2, 3; setfit
# with SetFit's defaults (20 pairs per example, lr 2e-5, 1 epoch, batches of 16 pairs, LR head C=1) and full
# fine-tuning (10 epochs, lr 1e-4, batch 16, warm-up 0.1); 64 tokens; each scored once on all of sst2_dev.
# Goal: setfit >= 72% at 8 per class, >= 80% at 64, >= full + 10 points at 8 per class (means of the seeds).
# Time: the run's wall time, model load and the one sst2_dev evaluation (872 sentences) included.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
echo "| rows per class | seed | strategy | steps | sst2_dev accuracy | time per run |"
echo "|---|---|---|---|---|---|"
bench_java dev.attune.bench.FewShotBenchmark "$@" 2> target/fewshot-bench.log
