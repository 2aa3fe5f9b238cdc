#!/usr/bin/env bash
# Issue 31's defects ("Why: what breaks", 1 to 7) replayed against the packaged service by an HTTP client (curl + jq),
# one CPU worker, attune.jobs.max-queued 3, two API keys (writer: read,write; reader: read) and the sweep
# reconciler set to 1 h, so that only a trial's end can move a sweep. A long "blocker" job holds the worker while
# trials are arranged. Checks, each row computed from the responses:
#  1. a maxParallel 1 sweep whose queued trial is cancelled queues the next without anyone reading the sweep (only
#     the job list is polled); GETs with the read-only key change nothing, it cannot cancel or deploy, and the
#     sweep's deployment is recorded as changed by the sweep's submitter;
#  2. a 3 x 2 grid with deploy beyond the queue's room waits (trials stored, the rest queued later) and ends with
#     its deployment; with the queue full a sweep is refused with 429 and nothing stored;
#  4. deploy "Prod" / "x y" refused at creation (400 problem+json, nothing stored);
#  5. the base model a waiting trial needs, and a running sweep's trial model, cannot be deleted (409), and can once
#     the sweep ended;
#  6. batchSize {"min": 1.1, "max": 1.2} and {"values", "min": 5, "max": 1} refused; a metric differing from the
#     base's metricForBest refused, the sweep's metric every trial's metricForBest; halving stops trials (tied
#     tiny-model scores); GET /api/v1/predictions lists, DELETE removes the record and results (on disk too); a
#     batch prediction goes before a queued training job; two jobs on one base and data get different names and
#     download file names; an ended job's progress.phase is "done"; validationMetrics and testMetrics in one shape;
#  7. /v3/api-docs declares the X-API-Key security scheme and no empty oneOf branch.
# Not replayed here (unit and integration tests cover them): 3 (rungs after a crash: the kill -9 bar), maxParallel
# across nodes, a crash between claim and insert, fenced result writes, N+1 reads, end-of-sweep failures.
# Prints a markdown table: defect, what was sent, what came back, fixed. About 1 to 2.5 minutes on 2 cores.
# Usage: bench/queue-defects.sh    Environment: PORT (default 18131; it must be free)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v jq >/dev/null || { echo "needs jq"; exit 1; }
work=$(mktemp -d)
trap 'status=$?; [ $status = 0 ] || { echo "failed (line $LINENO); the service log ends:"; tail -20 "$work/service.log"; } >&2
  kill ${pid:-} 2>/dev/null; rm -rf "$work"' EXIT
mvn -q -B package -DskipTests >/dev/null
golden=$(pwd)/src/test/resources/golden; port=${PORT:-18131}; base=localhost:$port
! curl -s -o /dev/null $base || { echo "port $port is taken: another service answers there (set PORT)"; exit 1; }
sha() { printf %s "$1" | sha256sum | cut -c1-64; }
MALLOC_ARENA_MAX=2 OPT_OUT_TRACKING=true java -Xmx1g -Dai.djl.offline=true -jar target/attune-0.1.0-SNAPSHOT.jar \
  --server.port=$port --attune.data-dir="$work/data" --attune.models.import-roots="$golden" \
  --attune.jobs.devices=cpu --attune.jobs.max-queued=3 --attune.jobs.progress-interval=0s \
  --attune.jobs.sweep-reconcile-interval=1h \
  '--attune.security.keys[0].name=writer' "--attune.security.keys[0].sha256=$(sha writer-key)" \
  '--attune.security.keys[0].scopes=read,write' \
  '--attune.security.keys[1].name=reader' "--attune.security.keys[1].sha256=$(sha reader-key)" \
  '--attune.security.keys[1].scopes=read' >> "$work/service.log" 2>&1 &
pid=$!
until curl -sf $base/actuator/health >/dev/null; do kill -0 $pid || { tail -30 "$work/service.log"; exit 1; }; sleep 0.5; done

# req KEY METHOD PATH [JSON]: prints the status; the body is in $work/body, the content type in $work/type
req() {
  local args=(-s -o "$work/body" -w '%{http_code} %{content_type}' -X "$2" -H "X-API-Key: $1-key")
  if [ $# -ge 4 ]; then args+=(-H 'Content-Type: application/json' --data-binary "$4"); fi
  local out; out=$(curl "${args[@]}" "$base$3")
  echo "${out#* }" > "$work/type"; echo "${out%% *}"
}
get() { curl -s -H 'X-API-Key: reader-key' "$base$1"; }
post() { curl -s -H 'X-API-Key: writer-key' -H 'Content-Type: application/json' --data-binary "${2:-}" "$base$1"; }
yes_no() { if "$@" >/dev/null 2>&1; then echo true; else echo false; fi; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$([ "$4" = true ] && echo yes || echo NO)"; }
# await SECONDS COMMAND...: the command every 0.5 s until it succeeds; fails after SECONDS
await() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -lt $deadline ] || return 1; sleep 0.5; done
}
job_is() { get /api/v1/jobs/$1 | jq -e --arg s "$2" '.status | test("^(" + $s + ")$")'; }
final='SUCCEEDED|FAILED|CANCELLED|STOPPED'
sweep_jobs() { get /api/v1/jobs | jq -c --arg s "$1" '[.[] | select(.sweepId == $s)]'; }
# every trial of sweep $1 ($2 trials) has a job that ended: read from the job list, never from the sweep
sweep_trials_ended() { sweep_jobs $1 | jq -e --argjson n $2 --arg f "$final" 'length == $n and all(.status | test("^(" + $f + ")$"))'; }
counts() { echo "$(get /api/v1/sweeps | jq length) sweeps, $(get /api/v1/jobs | jq length) jobs"; }
blocker() { # a long job that holds the one worker -> its id, once RUNNING
  local id; id=$(post /api/v1/jobs "$(job '"epochs": 300')" | jq -r .id)
  await 120 job_is $id RUNNING; echo $id
}
release() { post /api/v1/jobs/$1/cancel >/dev/null; await 60 job_is $1 CANCELLED; }

python3 - "$work" <<'PY'
import random, sys
pos = ["great", "good", "wonderful", "fun", "charming", "best"]; neg = ["bad", "awful", "dull", "boring", "worst", "mess"]
filler = ["a", "the", "movie", "film", "story", "is", "was", "and", "with"]
for name, rows, seed in (("train", 80, 3), ("test", 40, 4)):
    r = random.Random(seed)
    with open(f"{sys.argv[1]}/{name}.csv", "w") as f:
        f.write("text,label\n")
        for i in range(rows):
            words = pos if i % 2 else neg
            text = [r.choice(words) if r.randrange(3) == 0 else r.choice(filler) for _ in range(3 + r.randrange(8))]
            f.write(" ".join(text + [r.choice(words)]) + "," + ("positive" if i % 2 else "negative") + "\n")
PY
upload() { curl -s -H 'X-API-Key: writer-key' -F file=@"$1" $base/api/v1/datasets | jq -r .id; }
train=$(upload "$work/train.csv"); test=$(upload "$work/test.csv")
job() { # a job request on tiny-bert-sst2 and the train set, with extra fields $1
  echo "{\"datasetId\": \"$train\", \"baseModel\": \"${2:-$golden/tiny-bert-sst2}\", \"epochs\": 1, \"maxLength\": 32,
    \"seed\": 3, \"validationSplit\": 0.25, \"batchSize\": 8${1:+, $1}}"
}
sst2=$(post /api/v1/models/import "{\"source\": \"$golden/tiny-bert-sst2\", \"name\": \"sst2\"}" | jq -r .id)

echo "| defect | sent | came back | fixed |"
echo "|---|---|---|---|"

# --- 6: two jobs on one base and data; progress of an ended job; one shape for metrics
j1=$(post /api/v1/jobs "$(job "\"testDatasetId\": \"$test\"")" | jq -r .id)
j2=$(post /api/v1/jobs "$(job "\"testDatasetId\": \"$test\"")" | jq -r .id)
await 300 job_is $j1 "$final"; await 300 job_is $j2 "$final"
get /api/v1/jobs/$j1 > "$work/j1.json"; get /api/v1/jobs/$j2 > "$work/j2.json"
n1=$(jq -r .name "$work/j1.json"); n2=$(jq -r .name "$work/j2.json")
filename() { curl -s -D - -o /dev/null -H 'X-API-Key: reader-key' $base/api/v1/models/$1/download \
  | tr -d '\r' | sed -n 's/^[Cc]ontent-[Dd]isposition:.*filename="\{0,1\}\([^";]*\)"\{0,1\}.*/\1/p'; }
f1=$(filename "$(jq -r .modelId "$work/j1.json")"); f2=$(filename "$(jq -r .modelId "$work/j2.json")")
row "6 default names" "two jobs, same base and data, no name" "names \`$n1\`, \`$n2\`; downloads \`$f1\`, \`$f2\`" \
  "$([ "$n1" != "$n2" ] && [ -n "$f1" ] && [ "$f1" != "$f2" ] && [[ "$f1$f2" != *.csv* ]] && echo true)"
phase=$(jq -r '.progress.phase' "$work/j1.json")
row "6 progress of an ended job" "GET /api/v1/jobs/{id} of a $(jq -r .status "$work/j1.json") job" "progress.phase \`$phase\`" \
  "$([ "$phase" = done ] && echo true)"
vkeys=$(jq -c '.validationMetrics | keys' "$work/j1.json"); tkeys=$(jq -c '.testMetrics | keys' "$work/j1.json")
row "6 one shape for metrics" "GET /api/v1/jobs/{id} with testDatasetId" \
  "validationMetrics keys $vkeys; testMetrics keys $tkeys" \
  "$([ "$vkeys" = "$tkeys" ] && jq -e '.validationMetrics.accuracy and .testMetrics.accuracy' "$work/j1.json" >/dev/null && echo true)"

# --- 6: a batch prediction goes before a queued training job; list; delete removes its results
hold=$(blocker)
training=$(post /api/v1/jobs "$(job)" | jq -r .id)
prediction=$(post /api/v1/predictions "{\"datasetId\": \"$test\", \"modelId\": \"$sst2\"}" | jq -r .id)
release $hold
await 300 job_is $training "$final"
get /api/v1/predictions/$prediction > "$work/p.json"
p_start=$(jq -r .startedAt "$work/p.json"); t_start=$(get /api/v1/jobs/$training | jq -r .startedAt)
row "6 priority" "a training job, then a batch prediction, queued behind a running job" \
  "prediction started $p_start, training $t_start" \
  "$([ "$(jq -r .status "$work/p.json")" = SUCCEEDED ] && [ "$(date -d "$p_start" +%s%N)" -lt "$(date -d "$t_start" +%s%N)" ] && echo true)"
status=$(req reader GET /api/v1/predictions)
listed=$(jq -e --arg p $prediction 'type == "array" and any(.[]; .id == $p)' "$work/body" 2>/dev/null || echo false)
row "6 list predictions" "GET /api/v1/predictions" "$status, $(jq 'if type == "array" then "\(length) listed" else .title end' "$work/body")" \
  "$([ "$status" = 200 ] && [ "$listed" = true ] && echo true)"
rows_before=$(get "/api/v1/predictions/$prediction/results?format=jsonl" | wc -l)
dir_before=$([ -d "$work/data/jobs/$prediction" ] && echo present || echo absent)
deleted=$(req writer DELETE /api/v1/predictions/$prediction)
after=$(req reader GET /api/v1/predictions/$prediction); results_after=$(req reader GET /api/v1/predictions/$prediction/results)
dir_after=$([ -d "$work/data/jobs/$prediction" ] && echo present || echo absent)
row "6 delete a prediction" "DELETE /api/v1/predictions/{id} ($rows_before result rows, its directory $dir_before)" \
  "$deleted; then GET $after, results $results_after, directory $dir_after" \
  "$([ "$deleted" = 204 ] && [ "$after" = 404 ] && [ "$results_after" = 404 ] && [ "$dir_after" = absent ] && [ "$rows_before" -gt 0 ] && echo true)"

# --- 4 and 6: what creation refuses, nothing stored
hold=$(blocker)
refused() { # label, sent (shown), body, expected status
  local before after status; before=$(counts); status=$(req writer POST /api/v1/sweeps "$3"); after=$(counts)
  row "$1" "$2" "$status $(cat "$work/type" | cut -d';' -f1): $(jq -r '.detail // .title // "" | .[0:110]' "$work/body" | tr '|' '/'); stored before -> after: $before -> $after" \
    "$([ "$status" = "$4" ] && [ "$before" = "$after" ] && { [ "$4" != 400 ] || grep -q problem+json "$work/type"; } && echo true)"
}
grid="\"grid\": {\"learningRate\": [0.003, 0.01]}"
refused "4 deploy typo" '`"deploy": "Prod"`' "{\"base\": $(job), $grid, \"deploy\": \"Prod\"}" 400
refused "4 deploy typo" '`"deploy": "x y"`' "{\"base\": $(job), $grid, \"deploy\": \"x y\"}" 400
refused "6 whole options" '`"batchSize": {"min": 1.1, "max": 1.2}`' \
  "{\"base\": $(job), \"trials\": 2, \"random\": {\"batchSize\": {\"min\": 1.1, \"max\": 1.2}}}" 400
refused "6 ranges" '`"batchSize": {"values": [8, 16], "min": 5, "max": 1}`' \
  "{\"base\": $(job), \"trials\": 2, \"random\": {\"batchSize\": {\"values\": [8, 16], \"min\": 5, \"max\": 1}}}" 400
refused "6 metric vs metricForBest" '`"metric": "f1_macro"`, base `"metricForBest": "accuracy"`' \
  "{\"base\": $(job '"metricForBest": "accuracy"'), $grid, \"metric\": \"f1_macro\"}" 400

# --- 1: a cancelled queued trial queues the next, no GET of the sweep; a read-only key changes nothing
post /api/v1/sweeps "{\"base\": $(job), $grid, \"maxParallel\": 1, \"deploy\": \"replay-one\", \"metric\": \"f1_macro\"}" > "$work/s1.json"
s1=$(jq -r .id "$work/s1.json"); first=$(jq -r '.trials[0].jobId' "$work/s1.json")
waiting=$(jq '[.trials[] | select(.jobId == null)] | length' "$work/s1.json")
cancelled=$(req writer POST /api/v1/jobs/$first/cancel); start=$(date +%s.%N)
second_queued() { sweep_jobs $s1 | jq -e --arg f $first 'any(.[]; .id != $f and .status == "QUEUED")'; }
if await 20 second_queued; then
  took=$(printf '%.1f s' "$(echo "$(date +%s.%N) - $start" | bc)")
  by=$(sweep_jobs $s1 | jq -r --arg f $first '.[] | select(.id != $f) | .submittedBy')
  row "1 advance on events" "sweep maxParallel 1 ($waiting trial waiting), cancel its queued trial ($cancelled); poll only GET /api/v1/jobs" \
    "next trial queued after $took, submittedBy \`$by\`" "$([ "$by" = writer ] && echo true)"
else
  row "1 advance on events" "sweep maxParallel 1, cancel its queued trial ($cancelled); poll only GET /api/v1/jobs" \
    "no next trial in 20 s: $(sweep_jobs $s1 | jq -c '[.[] | .status]')" false
fi
snapshot() { { get /api/v1/jobs | jq -c '[.[] | select(.status != "RUNNING") | {id, status, submittedBy}]'
  get /api/v1/sweeps | jq -c '[.[] | {id, status, trials: [.trials[] | {jobId, status}]}]'; get /api/v1/deployments; } | sha256sum; }
before=$(snapshot)
reads=$(for i in 1 2 3 4 5; do req reader GET /api/v1/sweeps/$s1; sleep 0.3; done | sort | uniq -c | awk '{printf "%s%s×%s", (NR > 1 ? ", " : ""), $1, $2}')
unchanged=$([ "$before" = "$(snapshot)" ] && echo true || echo false)
reader_cancel=$(req reader POST /api/v1/sweeps/$s1/cancel '')
reader_deploy=$(req reader POST /api/v1/deployments "{\"name\": \"by-reader\", \"modelId\": \"$sst2\"}")

# --- 5: the base a waiting trial needs
base_id=$(post /api/v1/models/import "{\"source\": \"$golden/tiny-bert\", \"name\": \"base\"}" | jq -r .id)
post /api/v1/sweeps "{\"base\": $(job '' $base_id), $grid, \"maxParallel\": 1}" > "$work/s5.json"
s5=$(jq -r .id "$work/s5.json")
protected=$(req writer DELETE /api/v1/models/$base_id); names=$(jq -r '.sweeps // [] | tostring' "$work/body")
post /api/v1/sweeps/$s5/cancel >/dev/null
await 20 sweep_trials_ended $s5 1 || true
freed=$(req writer DELETE /api/v1/models/$base_id)
row "5 base a trial needs" "DELETE /api/v1/models/{base} while a trial waits; again after the sweep's cancel" \
  "$protected (sweeps $names); after: $freed" \
  "$([ "$protected" = 409 ] && [[ "$names" == *$s5* ]] && [ "$freed" = 204 ] && echo true)"

# --- 2: a 3 x 2 grid beyond the queue's room; then a full queue
before=$(counts); queued_before=$(get '/api/v1/jobs?status=QUEUED' | jq length)
s2_status=$(req writer POST /api/v1/sweeps "{\"base\": $(job '"epochs": 3'), \"scheduler\": \"successive_halving\",
  \"grid\": {\"learningRate\": [0.003, 0.01, 0.00001], \"batchSize\": [8, 16]}, \"deploy\": \"replay-grid\"}")
cp "$work/body" "$work/s2.json"; s2=$(jq -r '.id // empty' "$work/s2.json")
s2_stored=$(jq '.trials | length' "$work/s2.json" 2>/dev/null || echo 0)
s2_queued=$(jq '[.trials[] | select(.jobId != null)] | length' "$work/s2.json" 2>/dev/null || echo 0)
mid=$(counts)
full_status=$(req writer POST /api/v1/sweeps "{\"base\": $(job), \"grid\": {\"learningRate\": [0.003]}}")
full_body=$(jq -r '.title // .status' "$work/body"); after=$(counts)

release $hold
if [ "$s2_status" = 202 ]; then
  # a trial of the grid succeeded while the sweep runs: its model is protected
  first_done() { sweep_jobs $s2 | jq -e '[.[] | select(.status == "SUCCEEDED")] | length >= 1'; }
  await 300 first_done || true
  trial_model=$(sweep_jobs $s2 | jq -r '[.[] | select(.status == "SUCCEEDED")][0].modelId')
  winner_delete=$(req writer DELETE /api/v1/models/$trial_model)
  running_then=$(get /api/v1/sweeps/$s2 | jq -r .status)
fi
await 120 sweep_trials_ended $s1 2 || true
await 600 sweep_trials_ended $s2 6 || true
sleep 1
get /api/v1/sweeps/$s1 > "$work/s1.json"; get /api/v1/sweeps/$s2 > "$work/s2-end.json"
d1=$(get /api/v1/deployments/replay-one)
row "1 read-only key" "5 × GET /api/v1/sweeps/{id} with the read key; its POST cancel, POST deployment" \
  "GETs ${reads}, state unchanged: $unchanged; cancel $reader_cancel, deploy $reader_deploy; sweep $(jq -r .status "$work/s1.json"), \`replay-one\` -> $(echo "$d1" | jq -r '.modelId[0:8]') changed by \`$(echo "$d1" | jq -r '.history[0].changedBy')\`" \
  "$([ "$unchanged" = true ] && [ "$reader_cancel" = 403 ] && [ "$reader_deploy" = 403 ] \
     && [ "$(echo "$d1" | jq -r .modelId)" = "$(jq -r .modelId "$work/s1.json")" ] \
     && [ "$(echo "$d1" | jq -r '.history[0].changedBy')" = writer ] && echo true)"
metrics=$(sweep_jobs $s1 | jq -r '[.[].config | .metricForBest // .options.metricForBest] | unique | join(",")')
row "6 sweep metric" "sweep \`\"metric\": \"f1_macro\"\`, base naming none" "trials' metricForBest \`$metrics\`" \
  "$([ "$metrics" = f1_macro ] && echo true)"
d2=$(get /api/v1/deployments/replay-grid)
row "2 room in the queue" "3 × 2 grid with deploy, $queued_before of 3 queued ($before)" \
  "$s2_status, $s2_stored trials stored, $s2_queued queued ($mid), the others queued as trials ended; ended $(jq -r .status "$work/s2-end.json"): $(jq -r '[.trials[].status] | group_by(.) | map("\(length) \(.[0])") | join(", ")' "$work/s2-end.json"); \`replay-grid\` -> $(echo "$d2" | jq -r '.modelId[0:8]')" \
  "$( { { [ "$s2_status" = 202 ] && [ "$s2_stored" = 6 ] && [ "$s2_queued" -le $((3 - queued_before)) ] \
        && jq -e '.status == "SUCCEEDED" and ([.trials[] | select(.jobId == null or .status == "FAILED")] | length == 0)' "$work/s2-end.json" >/dev/null \
        && [ "$(echo "$d2" | jq -r .modelId)" = "$(jq -r .modelId "$work/s2-end.json")" ]; } \
      || { [ "$s2_status" = 429 ] && [ "$before" = "$mid" ]; }; } && echo true)"
row "2 full queue" "a 1-trial sweep with 3 of 3 queued ($mid)" "$full_status $full_body; $after" \
  "$([ "$full_status" = 429 ] && [ "$mid" = "$after" ] && echo true)"
if [ "$s2_status" = 202 ]; then
  row "5 a trial's model" "DELETE /api/v1/models/{a succeeded trial's model} while its sweep runs" \
    "$winner_delete (sweep $running_then then)" "$([ "$winner_delete" = 409 ] && [ "$running_then" = RUNNING ] && echo true)"
  stopped=$(jq '[.trials[] | select(.status == "STOPPED")] | length' "$work/s2-end.json")
  scores=$(jq -r '[.trials[].bestScore | if . then (. * 1000 | round / 1000) else null end] | map(tostring) | join(", ")' "$work/s2-end.json")
  row "6 halving with ties" "the 3 × 2 grid above, successive_halving, 3 epochs (an evaluation each)" \
    "best scores $scores; $stopped STOPPED" "$([ "$stopped" -ge 1 ] && echo true)"
fi

# --- 7: the contract
status=$(req reader GET /v3/api-docs)
scheme=$(jq -c '[.components.securitySchemes // {} | to_entries[] | select(.value.type == "apiKey" and .value.in == "header"
  and .value.name == "X-API-Key") | .key]' "$work/body")
secured=$(jq -r --argjson s "$scheme" '(.paths["/api/v1/jobs/{id}"].get.security // .security // []) | map(keys[]) | any(. as $k | $s | index($k))' "$work/body")
empty_oneof=$(jq '[.. | objects | select(has("oneOf")) | .oneOf | select(length == 0 or any(. == {}))] | length' "$work/body")
row "7 security scheme" "GET /v3/api-docs" "$status; X-API-Key schemes $scheme, GET /api/v1/jobs/{id} requires it: $secured; empty oneOf branches: $empty_oneof" \
  "$([ "$status" = 200 ] && [ "$scheme" != '[]' ] && [ "$secured" = true ] && [ "$empty_oneof" = 0 ] && echo true)"
