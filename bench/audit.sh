#!/usr/bin/env bash
# Label audit (issue 33) through the service, two CPU workers (attune.jobs.devices=cpu,cpu): ROWS rows drawn from
# sst2_train with NOISE of their labels flipped at random (seeded), audited by FOLDS cross-validated fine-tunings of
# all-MiniLM-L6-v2 (fold jobs on the queue) and confident learning; recall of the flipped rows among the suspects,
# precision, the audit's wall time; then the same fine-tuning on the noisy and on the cleaned (suspects dropped) data,
# both scored on sst2_dev.
# Usage: bench/audit.sh
# Environment: ROWS (4000), NOISE (0.1), FOLDS (5), EPOCHS (1), MAXLEN (64), LR (1e-4), SEED (7), PORT (18095),
#   TOP (unset: none; N: a third job on the data with only the N most suspect rows dropped)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/models/all-MiniLM-L6-v2 ] || { echo "needs ../shared (all-MiniLM-L6-v2, sst2)"; exit 1; }
rows=${ROWS:-4000}; noise=${NOISE:-0.1}; folds=${FOLDS:-5}; epochs=${EPOCHS:-1}; maxlen=${MAXLEN:-64}
lr=${LR:-1e-4}; seed=${SEED:-7}; port=${PORT:-18095}; base=localhost:$port
work=$(mktemp -d); trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
mvn -q -B -o package -DskipTests >/dev/null
cp target/attune-0.1.0-SNAPSHOT.jar "$work/attune.jar" # a rebuild during the run cannot break it
shared=$(cd ../shared && pwd)
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx4g -Dai.djl.offline=true -jar "$work/attune.jar" \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$shared/models" \
  --attune.jobs.devices=cpu,cpu --attune.jobs.progress-interval=1s >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do sleep 0.5; done
json() { curl -s -H 'Content-Type: application/json' "$@"; }

python3 - "$work" "$rows" "$noise" "$seed" <<'PY'
import csv, gzip, random, sys
work, n, noise, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rows = list(csv.DictReader(gzip.open("../shared/datasets/sst2_train.csv.gz", "rt")))
rng = random.Random(seed)
sample = rng.sample(rows, n)
flipped = sorted(rng.sample(range(n), round(n * noise)))
for i in flipped:
    sample[i] = dict(sample[i], label="positive" if sample[i]["label"] == "negative" else "negative")
with open(f"{work}/noisy.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader(); w.writerows(sample)
open(f"{work}/flipped.txt", "w").write("\n".join(map(str, flipped)) + "\n")
PY
noisy=$(curl -s -F file=@"$work/noisy.csv" $base/api/v1/datasets | jq -r .id)
dev=$(curl -s -F file=@../shared/datasets/sst2_dev.csv $base/api/v1/datasets | jq -r .id)
options="\"baseModel\": \"$shared/models/all-MiniLM-L6-v2\", \"epochs\": $epochs, \"maxLength\": $maxlen, \"learningRate\": $lr, \"seed\": $seed"

start=$(date +%s)
audit=$(json -d "{$options, \"folds\": $folds}" $base/api/v1/datasets/$noisy/audits | jq -r '.id // ("refused: " + .detail | halt_error)')
while s=$(json $base/api/v1/datasets/$noisy/audits/$audit | jq -r '.status'); [[ $s == RUNNING ]]; do sleep 2; done
seconds=$(( $(date +%s) - start ))
json "$base/api/v1/datasets/$noisy/audits/$audit?limit=0" > "$work/audit.json"
[[ $s == SUCCEEDED ]] || { jq . "$work/audit.json"; tail -50 "$work/service.log"; exit 1; }
curl -s "$base/api/v1/datasets/$noisy/audits/$audit/suspects" > "$work/suspects.jsonl"
for job in $(jq -r '.foldJobs[].jobId' "$work/audit.json"); do json $base/api/v1/jobs/$job; echo; done > "$work/folds.jsonl"
cleaned=$(json -d '{"mode": "drop"}' $base/api/v1/datasets/$noisy/audits/$audit/clean | jq -r .id)
top=${TOP:-}

noisy_job=$(json -d "{$options, \"datasetId\": \"$noisy\", \"testDatasetId\": \"$dev\", \"name\": \"noisy\"}" $base/api/v1/jobs | jq -r .id)
clean_job=$(json -d "{$options, \"datasetId\": \"$cleaned\", \"testDatasetId\": \"$dev\", \"name\": \"cleaned\"}" $base/api/v1/jobs | jq -r .id)
top_job=
if [[ -n $top ]]; then
  topset=$(json -d "{\"mode\": \"drop\", \"top\": $top}" $base/api/v1/datasets/$noisy/audits/$audit/clean | jq -r .id)
  top_job=$(json -d "{$options, \"datasetId\": \"$topset\", \"testDatasetId\": \"$dev\", \"name\": \"top\"}" $base/api/v1/jobs | jq -r .id)
fi
for job in $noisy_job $clean_job $top_job; do
  while s=$(json $base/api/v1/jobs/$job | jq -r .status); [[ $s == QUEUED || $s == RUNNING ]]; do sleep 2; done
done
json $base/api/v1/jobs/$noisy_job > "$work/noisy_job.json"; json $base/api/v1/jobs/$clean_job > "$work/clean_job.json"
json $base/api/v1/datasets/$cleaned > "$work/cleaned.json"
[[ -z $top_job ]] || json $base/api/v1/jobs/$top_job > "$work/top_job.json"

python3 - "$work" "$seconds" "$rows" "$noise" "$folds" "$epochs" "$maxlen" "$lr" <<'PY'
import json, sys
from datetime import datetime
work, seconds, rows, noise, folds, epochs, maxlen, lr = sys.argv[1:9]
audit = json.load(open(f"{work}/audit.json"))
flipped = {int(l) for l in open(f"{work}/flipped.txt") if l.strip()}
suspects = [json.loads(l) for l in open(f"{work}/suspects.jsonl") if l.strip()]
found = {s["rowIndex"] for s in suspects}
hit = len(found & flipped)
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
jobs = [json.loads(l) for l in open(f"{work}/folds.jsonl") if l.strip()]
spans = [(t(j["startedAt"]), t(j["finishedAt"])) for j in jobs]
overlap = any(a0 < b1 and b0 < a1 for i, (a0, a1) in enumerate(spans) for (b0, b1) in spans[i + 1:])
fold_s = [round((b - a).total_seconds()) for a, b in spans]
acc = lambda j: j["testMetrics"]["accuracy"] * 100 if j.get("testMetrics") else float("nan")
noisy, clean = json.load(open(f"{work}/noisy_job.json")), json.load(open(f"{work}/clean_job.json"))
cleaned = json.load(open(f"{work}/cleaned.json"))
print(f"## Label audit: {rows} SST-2 rows, {float(noise):.0%} labels flipped ({len(flipped)}), all-MiniLM-L6-v2, "
      f"{folds} folds on two CPU workers ({epochs} epoch, maxLength {maxlen}, learningRate {lr})")
print()
top = [s["rowIndex"] for s in suspects[:len(flipped)]]  # ranked, most suspect first
print("| suspects | flipped among them | recall (goal ≥ 60%) | precision (goal ≥ 50%) | precision of the top-ranked "
      f"{len(flipped)} | audit wall time | fold jobs (s each) | folds at once |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {len(found)} | {hit} | {hit / max(1, len(flipped)):.1%} | {hit / max(1, len(found)):.1%} | "
      f"{sum(r in flipped for r in top) / max(1, len(top)):.1%} | {seconds} s | "
      f"{', '.join(map(str, fold_s))} | {'yes' if overlap else 'no'} |")
print()
print("| trained on | rows | sst2_dev accuracy | status |")
print("|---|---|---|---|")
print(f"| noisy data | {rows} | {acc(noisy):.2f}% | {noisy['status']} |")
print(f"| cleaned (suspects dropped) | {cleaned['rowCount']} | {acc(clean):.2f}% | {clean['status']} |")
import os
if os.path.exists(f"{work}/top_job.json"):
    topj = json.load(open(f"{work}/top_job.json"))
    n = min(len(found), int(os.environ["TOP"]))
    print(f"| cleaned (the {n} most suspect rows dropped) | {int(rows) - n} | {acc(topj):.2f}% | {topj['status']} |")
PY
