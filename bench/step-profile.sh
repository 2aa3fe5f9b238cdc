#!/usr/bin/env bash
# Where a training step's time goes (issue 12): forward, backward and optimizer step timed apart; the
# optimizer as DJL's per-tensor update (attune before the fused step) against the fused step on the device;
# GELU's and layer norm's share. Usage: bench/step-profile.sh [key=value ...]
#   keys: model, train, steps (20), batch (32), maxLength (64), attention (sdpa), precision (fp32), strategy (full | lora),
#   masks (java: dropout masks drawn in Java on a CPU, the default | libtorch: as before), attentionDropout (a job's default)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
echo "| device | variant | B x T | forward ms | backward ms | optimizer ms | step ms | samples/s |"
echo "|---|---|---|---|---|---|---|---|"
bench_java dev.attune.training.StepProfileBenchmark "$@" 2> target/step-profile.log
