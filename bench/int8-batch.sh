#!/usr/bin/env bash
# Whether an int8 answer depends on its neighbours in the batch (issue 32): the first 32 sst2_dev sentences
# scored alone, in a 32-text request, in one padded batch and beside the longest sentence, fp32 and int8; then
# int8 against fp32 on all of sst2_dev (label agreement, score differences, texts/s).
# Usage: bench/int8-batch.sh [key=value ...]: model=DIR (default: ../shared's MiniLM with an untrained head,
# exported once here), maxLength=N (default 128).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2_dev)"; exit 1; }
source bench/lib.sh
work=$(mktemp -d); trap 'rm -rf "$classes" "$work"' EXIT
model=../shared/models/all-MiniLM-L6-v2
if [[ " $* " != *" model="* ]]; then # a classification head of its own, the same for every engine of the run
  bench_java dev.attune.bench.ExportCheckpoint "$model" "$work/minilm-headed" >/dev/null 2>&1
  set -- model="$work/minilm-headed" "$@"
fi
bench_java dev.attune.bench.Int8BatchBenchmark "$@" 2>&1 | grep -E '^(\||##|$)'
