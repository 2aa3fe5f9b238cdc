#!/usr/bin/env bash
# Training throughput, eager vs fused (sdpa) attention, side by side in one JVM (issue 12); prints a table.
# Usage: bench/train-speed.sh [key=value ...]   (see TrainSpeedBenchmark for keys)
# With no arguments: the three CPU cases of RESULTS.md — SST-2 at 64 tokens (batch 32), IMDB at 256
# (batch 16) and at 512 tokens (batch 8). Variants (see TrainSpeedBenchmark): eager fp32 with libtorch's own
# dropout masks and the checkpoint's attention dropout (attune's reference path as it ran before its masks were
# drawn in Java: the "vs eager fp32" baseline), sdpa bf16 with the checkpoint's attention dropout, and sdpa fp32 and
# bf16 as a job runs them by default (on a CPU: no attention dropout, the fused kernel in training too).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
run() {
  bench_java dev.attune.bench.TrainSpeedBenchmark "$@" 2>> target/train-speed-bench.log | grep '^|'
}
echo "| device | data | attention (training) | precision | dropout masks (CPU) | batches | B x T | timed steps | training samples/s | mean tokens | vs eager fp32 | model TFLOP/s | MFU |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
: > target/train-speed-bench.log
if [ $# -gt 0 ]; then
  run "$@"
else
  imdb=train=../shared/datasets/imdb_train.csv.gz
  run steps=40 batch=32 maxLength=64
  run $imdb steps=16 batch=16 maxLength=256
  run $imdb steps=4 batch=8 maxLength=512
fi
