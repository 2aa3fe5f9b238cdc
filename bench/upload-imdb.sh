#!/usr/bin/env bash
# Times the upload of ../shared/datasets/imdb_train.csv.gz (25,000 rows) to a fresh service and
# reports the service's resident memory before and after. Usage: bench/upload-imdb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
file=../shared/datasets/imdb_train.csv.gz
[ -f "$file" ] || { echo "needs $file (../shared beside the checkout)"; exit 1; }
[ -f target/attune-0.1.0-SNAPSHOT.jar ] || mvn -q -B package -DskipTests
data=$(mktemp -d); port=18087
OPT_OUT_TRACKING=true java -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$data" > "$data/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 60); do curl -fs localhost:$port/actuator/health >/dev/null && break; sleep 1; done
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status; }
before=$(rss)
out=$(curl -s -w '\n%{time_total}' -F file=@"$file" localhost:$port/api/v1/datasets)
secs=$(echo "$out" | tail -1); rows=$(echo "$out" | head -1 | sed -E 's/.*"rowCount":([0-9]+).*/\1/')
after=$(rss)
printf '| file | rows | upload s | rows/s | RSS before MiB | RSS after MiB |\n|---|---|---|---|---|---|\n'
printf '| %s | %s | %s | %.0f | %s | %s |\n' "$(basename $file)" "$rows" "$secs" "$(echo "$rows / $secs" | bc -l)" "$before" "$after"
