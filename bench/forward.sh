#!/usr/bin/env bash
# Forward (inference) speed of our DJL encoder: load time, texts/s at B x T, batch-1 latency.
# Usage: bench/forward.sh [checkpoint-dir] [batch] [tokens] [seconds]
# Defaults: ../shared/models/all-MiniLM-L6-v2 32 128 20. Compare with ../shared/bench/ANCHORS.md
# (transformers eager, 2 threads: 70.5 inference samples/s at 128 x 32, 7.9 ms p50 for one 32-token text).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
# Run from a copy, so a build during a long run cannot pull classes from under it.
classes=$(mktemp -d); trap 'rm -rf "$classes"' EXIT
cp -r target/classes target/test-classes "$classes"/
OPT_OUT_TRACKING=true java -Dai.djl.offline=true -cp "$classes/classes:$classes/test-classes:$(cat target/bench.classpath)" \
  dev.attune.bench.ForwardBenchmark "$@" 2>&1 | grep -v -E 'INFO|WARN'
