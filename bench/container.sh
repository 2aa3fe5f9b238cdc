#!/usr/bin/env bash
# The CPU image built and run here (issue 26), without Docker or a registry: a Debian base made with debootstrap
# (with OpenJDK 17's JRE and curl), imported into podman, the jar built on the host, docker/Dockerfile built with
# that base and the prebuilt jar; then the container starts with a volume, trains a tiny job (the golden tiny BERT
# mounted read-only as an import root) and answers /predict. Prints what worked and the timings. Needs root,
# podman, runc and debootstrap (Debian packages) and Debian's mirror. Usage: bench/container.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# These sandboxes mount cgroups in hybrid mode (crun refuses it: runc with cgroupfs works) and lack
# CAP_SYS_RESOURCE (podman's default nofile/nproc limits cannot be set: none are set).
export CONTAINERS_CONF=$(mktemp)
printf '[containers]\ndefault_ulimits = []\n\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n' > "$CONTAINERS_CONF"
base=localhost/attune-debian:bookworm; image=localhost/attune:cpu; port=${PORT:-18098}
step() { printf '| %s | %s |\n' "$1" "$2"; }
echo "| step | result |"; echo "|---|---|"
if ! podman image exists $base; then
  rootfs=$(mktemp -d)
  start=$(date +%s)
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,curl,ca-certificates bookworm "$rootfs" \
    http://deb.debian.org/debian >/dev/null
  tar -C "$rootfs" -c . | podman import - $base >/dev/null
  rm -rf "$rootfs"
  step "Debian base (debootstrap bookworm + JRE 17)" "$base, $(( $(date +%s) - start )) s"
fi
mvn -q -B package -DskipTests >/dev/null
start=$(date +%s)
podman build -q --format docker -f docker/Dockerfile --ignorefile docker/Dockerfile.dockerignore --build-arg BUILD_IMAGE=$base \
  --build-arg RUNTIME_IMAGE=$base --build-arg JAR_SOURCE=prebuilt -t $image . >/dev/null
step "podman build" "$image, $(( $(date +%s) - start )) s, $(podman image inspect $image --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

podman rm -f attune-bench >/dev/null 2>&1 || true
podman volume rm -f attune-bench-data >/dev/null 2>&1 || true
golden=$(pwd)/src/test/resources/golden
start=$(date +%s.%N)
podman run -d --name attune-bench -p $port:8080 -v attune-bench-data:/data -v "$golden":/models:ro \
  -e ATTUNE_MODELS_IMPORT_ROOTS=/models $image >/dev/null 2>&1 # (podman's systemd health-check timers: none here)
trap 'podman rm -f attune-bench >/dev/null 2>&1; podman volume rm -f attune-bench-data >/dev/null 2>&1' EXIT
for _ in $(seq 240); do curl -sf localhost:$port/actuator/health >/dev/null && break; sleep 0.25; done
step "container healthy" "$(echo "$(date +%s.%N) - $start" | bc | cut -c1-4) s after podman run"
printf 'text,label\n' > /tmp/attune-bench.csv
for i in $(seq 20); do printf 'a great and charming film %d,positive\na dull and boring mess %d,negative\n' $i $i >> /tmp/attune-bench.csv; done
dataset=$(curl -s -F file=@/tmp/attune-bench.csv localhost:$port/api/v1/datasets | jq -r .id)
job=$(curl -s -H 'Content-Type: application/json' -d "{\"datasetId\": \"$dataset\", \"baseModel\": \"/models/tiny-bert\",
  \"epochs\": 3, \"learningRate\": 0.003, \"batchSize\": 8}" localhost:$port/api/v1/jobs | jq -r '.id // ("refused: " + .detail | halt_error)')
while s=$(curl -s localhost:$port/api/v1/jobs/$job | jq -r '.status // .detail'); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 1; done
step "tiny job in the container" "$s"
for _ in $(seq 60); do curl -s localhost:$port/api/v1/serving | jq -e '.engine != null' >/dev/null 2>&1 && break; sleep 0.5; done
step "/predict" "$(curl -s -H 'Content-Type: application/json' -d '{"text": "a great film"}' localhost:$port/predict | jq -c '.predictions[0] | {label: .label, score: .score}')"
step "serving engine" "$(curl -s localhost:$port/api/v1/serving | jq -r '.engine + " (" + .engineReason + ")"')"
podman restart attune-bench >/dev/null 2>&1
start=$(date +%s.%N)
for _ in $(seq 240); do curl -sf localhost:$port/actuator/health >/dev/null && break; sleep 0.25; done
step "restart: healthy again, data kept" "$(echo "$(date +%s.%N) - $start" | bc | cut -c1-4) s, $(curl -s localhost:$port/api/v1/models | jq length) model(s)"
