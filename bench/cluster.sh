#!/usr/bin/env bash
# The cluster's figures (issue 10): attune nodes as real processes on one PostgreSQL (embedded, no Docker)
# and a shared data dir — submit-to-RUNNING latency on an idle worker node, jobs/hour of tiny-model jobs
# with one and two worker nodes, failover time after kill -9. Prints a table. About 5 minutes on 2 cores.
# Usage: bench/cluster.sh [jobs=8] [epochs=6] [lease=10] [samples=5]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
echo "| measure | figure | note |"
echo "|---|---|---|"
bench_java dev.attune.bench.ClusterBenchmark "$@" 2> target/cluster-bench.log | grep '^|'
