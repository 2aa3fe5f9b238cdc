#!/usr/bin/env bash
# Cold start (issue 26): seconds from launching the packaged service (embedded H2, a fresh data dir) to a 200 from
# /actuator/health, three runs each: plain `java -jar`, and the extracted jar with a class-data-sharing archive
# (what docker/Dockerfile does: `-Djarmode=tools extract`, one training run with -XX:ArchiveClassesAtExit, then
# -XX:SharedArchiveFile). Usage: bench/coldstart.sh [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}; port=${PORT:-18097}
mvn -q -B package -DskipTests >/dev/null
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
java -Djarmode=tools -jar target/attune-0.1.0-SNAPSHOT.jar extract --destination "$work/app" >/dev/null
OPT_OUT_TRACKING=true java -XX:ArchiveClassesAtExit="$work/app/attune.jsa" -Dspring.context.exit=onRefresh \
  -Dai.djl.offline=true -jar "$work/app/attune-0.1.0-SNAPSHOT.jar" --attune.data-dir="$work/training" \
  --server.port=$port >/dev/null 2>&1 || true
measure() { # java options... -> seconds to healthy
  rm -rf "$work/data"
  local start end
  start=$(date +%s.%N)
  OPT_OUT_TRACKING=true java "$@" --attune.data-dir="$work/data" --server.port=$port >/dev/null 2>&1 &
  pid=$!
  until curl -sf localhost:$port/actuator/health >/dev/null; do sleep 0.05; done
  end=$(date +%s.%N)
  kill $pid; wait $pid 2>/dev/null || true
  echo "$end - $start" | bc
}
echo "| start | runs to a healthy /actuator/health, s |"
echo "|---|---|"
plain=""; cds=""
for _ in $(seq "$runs"); do
  plain="$plain $(measure -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar)"
  cds="$cds $(measure -XX:SharedArchiveFile="$work/app/attune.jsa" -Dai.djl.offline=true -jar "$work/app/attune-0.1.0-SNAPSHOT.jar")"
done
echo "| java -jar target/attune-*.jar |$plain |"
echo "| extracted jar + CDS archive (docker/Dockerfile) |$cds |"
