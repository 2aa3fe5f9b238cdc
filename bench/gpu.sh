#!/usr/bin/env bash
# One GPU run, side by side on that GPU (issue 35): attune against transformers' Trainer (bf16, same rows, MiniLM at
# 512 tokens: samples/s and accuracy after the same steps), attune's in-process scoring (the libtorch classifier
# /predict and batch predictions serve, bf16) against a transformers pipeline (texts/s at batch 64 and 128, batch-1
# latency; ANCHORS.md's TensorRT figure beside them), and golden outputs of tiny random DeBERTa-v2/v3, ELECTRA,
# ALBERT, MPNet and ModernBERT checkpoints (bench/gpu_goldens.py) for the next architectures. Prints one table.
#
#   bench/gpu.sh --prepare       here (JDK, ../shared, DJL's git mirror): builds the carried folder .gpu/
#                                (jlink runtime, thinned classpath, MiniLM in bf16, data slices, DJL's JNI sources
#                                with javac -h's header and jni.h) and checks it fits the device's 64 MiB
#   bench/gpu.sh --dry-run       here: --prepare, then every step this CPU can run, with tiny sizes, and the table
#   bench/gpu.sh --out DIR       on the lent GPU machine (CUDA, PyTorch, transformers, no Java): compiles DJL's JNI
#                                against the machine's libtorch, runs everything in under 9 minutes; the table,
#                                logs, goldens and the JNI land in DIR (table.md, logs.tar.gz, goldens.tar.gz,
#                                libdjl_torch.so: copied into .gpu/, a rerun uses it instead of compiling)
# The device call (docs/gpu.md): command `bash bench/gpu.sh --out $OUT`, carry [".gpu"], timeout_s 600.
# Environment (GPU sizes): SST2_ROWS (20000), IMDB_ROWS (2000), IMDB_EVAL (500), MAXLEN (512), SECONDS (10 per
# serving figure), GPU_DEADLINE (seconds the whole run may take, 520), DJL_GIT (DJL's git dir, for --prepare).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}  # the Python with torch and transformers (the dry run: any, e.g. a venv with a CPU torch)
root=$(pwd)
mode=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) mode=prepare ;;
    --dry-run) mode=dry ;;
    --out) out=$2; shift ;;
    *) echo "usage: bench/gpu.sh --prepare | --dry-run [--out DIR] | --out DIR"; exit 2 ;;
  esac
  shift
done
[ -n "$mode" ] || { [ -n "$out" ] && mode=gpu; }
[ -n "$mode" ] || { echo "usage: bench/gpu.sh --prepare | --dry-run [--out DIR] | --out DIR"; exit 2; }
start=$SECONDS
carry=$root/.gpu
LIMIT_MIB=64

# ---------------------------------------------------------------------------------------------------- prepare
JDK=${JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
MODULES=java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.zipfs
JARS="api-0.36.0 pytorch-engine-0.36.0 tokenizers-0.36.0 gson-2.13.2 jna-5.17.0 slf4j-api-2.0.20 commons-csv-1.14.1
  commons-io-2.20.0 commons-codec-1.21.0 jackson-core-3.1.7 jackson-databind-3.1.7 jackson-annotations-2.21
  jakarta.validation-api-3.1.1 swagger-annotations-jakarta-2.2.55"

xz_dir() { # $1 archive, $2 folder to pack (relative to $3)
  tar -C "$3" -cf - "$2" | xz -T2 -6 > "$1.tmp" && mv "$1.tmp" "$1"
}

prepare() {
  local shared=$root/../shared build=$root/target/gpu
  [ -d "$shared/models/all-MiniLM-L6-v2" ] || { echo "--prepare needs ../shared (all-MiniLM-L6-v2, sst2, imdb)"; return 1; }
  [ -x "$JDK/bin/jlink" ] || { echo "--prepare needs a JDK 17 at \$JDK ($JDK)"; return 1; }
  local djl_git=${DJL_GIT:-/work/.mirror/deepjavalibrary+djl/repo}
  git --git-dir="$djl_git" rev-parse -q --verify v0.36.0 >/dev/null 2>&1 || {
    echo "--prepare needs DJL's git history with tag v0.36.0 at \$DJL_GIT ($djl_git):"
    echo "  git clone --bare https://github.com/deepjavalibrary/djl \$DJL_GIT"; return 1; }
  mkdir -p "$carry" "$build"
  echo "prepare: compiling and copying the runtime dependencies (mvn)"
  mvn -q -B test-compile dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/gpu-libs \
    >"$build/mvn.log" 2>&1 || { tail -20 "$build/mvn.log"; return 1; }

  if [ ! -s "$carry/runtime.tar.xz" ]; then
    echo "prepare: jlink runtime ($MODULES)"
    rm -rf "$build/runtime"
    "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=0 \
      --output "$build/runtime" || return 1
    xz_dir "$carry/runtime.tar.xz" runtime "$build"
  fi

  echo "prepare: classpath (without pytorch-native-cpu, pytorch-jni, onnxruntime; tokenizers' linux-x86_64 natives only)"
  rm -rf "$build/app"; mkdir -p "$build/app/lib" "$build/app/test-classes/dev/attune/bench" "$build/app/test-classes/dev/attune/training"
  for jar in $JARS; do cp "target/gpu-libs/$jar.jar" "$build/app/lib/" || return 1; done
  zip -q -d "$build/app/lib/tokenizers-0.36.0.jar" 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*' >/dev/null
  # jna (DJL's CUDA detection loads libcudart through it): its linux-x86-64 dispatcher only
  zip -q -d "$build/app/lib/jna-5.17.0.jar" $(unzip -Z1 "$build/app/lib/jna-5.17.0.jar" | grep -E '^com/sun/jna/[^/]+/.*jnidispatch' | grep -v linux-x86-64/) >/dev/null
  cp -r target/classes "$build/app/classes"
  cp target/test-classes/dev/attune/bench/{GpuBenchmark,BenchInputs}*.class "$build/app/test-classes/dev/attune/bench/"
  cp target/test-classes/dev/attune/training/Options*.class "$build/app/test-classes/dev/attune/training/"
  xz_dir "$carry/app.tar.xz" app "$build"

  if [ ! -s "$carry/minilm.tar.xz" ]; then
    echo "prepare: all-MiniLM-L6-v2 in bf16 (round to nearest even; 86 MiB of F32 would not fit)"
    rm -rf "$build/minilm"; mkdir -p "$build/minilm"
    cp "$shared"/models/all-MiniLM-L6-v2/{config.json,tokenizer.json,tokenizer_config.json} "$build/minilm/"
    python3 - "$shared/models/all-MiniLM-L6-v2/model.safetensors" "$build/minilm/model.safetensors" <<'PY' || return 1
import json, struct, sys
import numpy as np
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
data = raw[8 + n:]
out_header, chunks, offset = {}, [], 0
for name, t in sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
    assert t["dtype"] == "F32", name
    a = np.frombuffer(data[t["data_offsets"][0]:t["data_offsets"][1]], dtype=np.uint32)
    b = ((a + 0x7FFF + ((a >> 16) & 1)) >> 16).astype("<u2").tobytes()  # round to nearest even
    out_header[name] = {"dtype": "BF16", "shape": t["shape"], "data_offsets": [offset, offset + len(b)]}
    chunks.append(b); offset += len(b)
out_header["__metadata__"] = {"format": "pt"}
h = json.dumps(out_header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for c in chunks:
        f.write(c)
PY
    xz_dir "$carry/minilm.tar.xz" minilm "$build"
  fi

  echo "prepare: data (sst2 train and dev, an IMDB slice)"
  mkdir -p "$carry/data"
  cp "$shared/datasets/sst2_train.csv.gz" "$shared/datasets/sst2_dev.csv" "$carry/data/"
  python3 - "$shared/datasets/imdb_train.csv.gz" "$carry/data" <<'PY' || return 1
import csv, gzip, sys
rows = list(csv.DictReader(gzip.open(sys.argv[1], "rt", encoding="utf-8", newline="")))
for name, part in (("imdb_train_2000", rows[:2000]), ("imdb_eval_500", rows[2000:2500]), ("sst2_dev_200", None)):
    if part is None:
        part = list(csv.DictReader(open(sys.argv[2] + "/sst2_dev.csv", encoding="utf-8", newline="")))[:200]
    opener = (lambda p: gzip.open(p + ".csv.gz", "wt", encoding="utf-8", newline="")) if name.startswith("imdb") \
        else (lambda p: open(p + ".csv", "w", encoding="utf-8", newline=""))
    with opener(sys.argv[2] + "/" + name) as f:
        w = csv.DictWriter(f, fieldnames=["text", "label"]); w.writeheader(); w.writerows(part)
PY

  if [ ! -s "$carry/djl.tar.xz" ]; then
    echo "prepare: DJL v0.36.0's JNI sources, javac -h's header, jni.h"
    rm -rf "$build/djl"; mkdir -p "$build/djl"
    git --git-dir="$djl_git" archive v0.36.0 engines/pytorch/pytorch-native/CMakeLists.txt \
      engines/pytorch/pytorch-native/src/main/native api/src/main/native | tar -x -C "$build/djl" || return 1
    git --git-dir="$djl_git" show v0.36.0:engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java \
      > "$build/PyTorchLibrary.java"
    "$JDK/bin/javac" -cp "target/gpu-libs/api-0.36.0.jar:target/gpu-libs/pytorch-engine-0.36.0.jar" \
      -h "$build/djl/engines/pytorch/pytorch-native/build/include" -d "$build/javac" "$build/PyTorchLibrary.java" || return 1
    mkdir -p "$build/djl/jni/linux"
    cp "$JDK/include/jni.h" "$build/djl/jni/"; cp "$JDK/include/linux/jni_md.h" "$build/djl/jni/linux/"
    xz_dir "$carry/djl.tar.xz" djl "$build"
  fi
  size_check
}

size_check() { # what travels: the working tree (tracked + untracked not ignored) plus .gpu
  local tree carried total
  tree=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 -r stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
  carried=$(du -sb "$carry" | cut -f1)
  total=$((tree + carried))
  carried_line="carried: $(awk -v t=$total 'BEGIN {printf "%.1f", t/1048576}') MiB of $LIMIT_MIB (working tree $(awk -v t=$tree 'BEGIN {printf "%.1f", t/1048576}') MiB, .gpu $(awk -v t=$carried 'BEGIN {printf "%.1f", t/1048576}') MiB: $(cd "$carry" && for f in *.tar.xz data; do printf '%s %s, ' "$f" "$(du -sh "$f" | cut -f1)"; done | sed 's/, $//'))"
  echo "$carried_line"
  [ $total -le $(( (LIMIT_MIB - 4) * 1048576 )) ] || { echo "too large: keep 4 MiB of margin under $LIMIT_MIB MiB"; return 1; }
}

if [ "$mode" = prepare ]; then prepare; exit $?; fi
if [ "$mode" = dry ]; then
  prepare || { echo "dry run: prepare failed"; exit 1; }
  out=${out:-$root/target/gpu-dry-run}
fi
[ -s "$carry/runtime.tar.xz" ] || { echo "no .gpu/ here: run bench/gpu.sh --prepare where the JDK is, and carry .gpu"; exit 1; }
[ -n "${carried_line:-}" ] || carried_line=$(size_check | head -1)

# -------------------------------------------------------------------------------------------------------- run
mkdir -p "$out"
work=${GPU_WORK:-/tmp/attune-gpu}
rm -rf "$work"; mkdir -p "$work/logs"
results=$work/results.txt; : > "$results"
deadline=$(( start + ${GPU_DEADLINE:-$([ "$mode" = dry ] && echo 1500 || echo 520)} ))  # the dry run: a slow shared CPU
note() { echo "[$(( SECONDS - start ))s] $*" | tee -a "$work/logs/steps.log"; }
left() { echo $(( deadline - SECONDS )); }
scale=$([ "$mode" = dry ] && echo 4 || echo 1)  # a step's own limit; the dry run's shared 2-core CPU is slow
limit() { local l w=$(( $1 * scale )); l=$(left); [ "$w" -lt "$l" ] && echo "$w" || echo $(( l > 5 ? l - 5 : 1 )); }

for f in "$carry"/*.tar.xz; do
  tar -xJf "$f" -C "$work" 2>/dev/null || "$PY" -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$f" "$work" \
    || { echo "cannot unpack $f"; exit 1; }
done
java=$work/runtime/bin/java
note "unpacked .gpu ($(du -sh "$work" | cut -f1)); java: $("$java" -version 2>&1 | head -1)"

if [ "$mode" = dry ]; then
  SST2_ROWS=${SST2_ROWS:-96}; IMDB_ROWS=${IMDB_ROWS:-32}; IMDB_EVAL=${IMDB_EVAL:-32}; MAXLEN=${MAXLEN:-64}
  SECONDS_PER=${SECONDS_PER:-2}; SINGLES=20; WARMUP=1; SST2_EVAL=$carry/data/sst2_dev_200.csv; SST2_BATCH=16; IMDB_MAXLEN=128
else
  SST2_ROWS=${SST2_ROWS:-20000}; IMDB_ROWS=${IMDB_ROWS:-2000}; IMDB_EVAL=${IMDB_EVAL:-500}; MAXLEN=${MAXLEN:-512}
  SECONDS_PER=${SECONDS:-10}; SINGLES=300; WARMUP=3; SST2_EVAL=$carry/data/sst2_dev.csv; SST2_BATCH=32; IMDB_MAXLEN=$MAXLEN
fi
imdb_train=$carry/data/imdb_train_2000.csv.gz; imdb_eval=$carry/data/imdb_eval_500.csv.gz
export TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 OPT_OUT_TRACKING=true

# Python: torch and transformers?
py_status="skipped: no torch here"
if "$PY" -c "import torch, transformers" 2>/dev/null; then
  py_status=ok
  torch_line=$("$PY" -c "import torch, transformers; print(f'torch {torch.__version__} (CUDA {torch.version.cuda}), transformers {transformers.__version__}, ' + (torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU'))")
  note "python: $torch_line"
else
  note "python: $py_status"
fi
"$PY" -m py_compile bench/gpu_transformers.py bench/gpu_goldens.py && note "python scripts compile" || note "python scripts do NOT compile"

# ---- attune's libtorch: the machine's own (GPU) with DJL's JNI compiled there, or DJL's cached CPU one (dry run)
export DJL_CACHE_DIR=$work/djl-cache
jni_status="not built"
build_jni() { # compiles libdjl_torch.so against $PY's torch: DJL's CMakeLists first, plain g++ if cmake fails
  local src=$work/djl/engines/pytorch/pytorch-native torch_dir prefix abi
  torch_dir=$("$PY" -c "import os, torch; print(os.path.dirname(torch.__file__))")
  prefix=$("$PY" -c "import torch.utils; print(torch.utils.cmake_prefix_path)")
  abi=$("$PY" -c "import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))")
  [ -d /usr/local/cuda/bin ] && export PATH=$PATH:/usr/local/cuda/bin  # torch's CUDA CMake files look for nvcc
  if command -v cmake >/dev/null && cmake -S "$src" -B "$work/jni-build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
       -DUSE_CUDA=1 -DJAVA_INCLUDE_PATH="$work/djl/jni" -DJAVA_INCLUDE_PATH2="$work/djl/jni/linux" \
       -DJAVA_AWT_INCLUDE_PATH=NotNeeded -DJAVA_JVM_LIBRARY="$work/runtime/lib/server/libjvm.so" >"$work/logs/jni-cmake.log" 2>&1 \
     && cmake --build "$work/jni-build" -j "$(nproc)" >>"$work/logs/jni-cmake.log" 2>&1; then
    cp "$work/jni-build/libdjl_torch.so" "$work/libdjl_torch.so" && echo "cmake (USE_CUDA)" && return 0
  fi
  # plain g++ without USE_CUDA: the JNI then needs no CUDA headers; CUDA tensors still work (USE_CUDA only adds
  # emptyCache and a separate inference stream)
  mkdir -p "$work/jni-gcc"
  ls "$src"/src/main/native/*.cc | xargs -P "$(nproc)" -I{} sh -c 'g++ -c -O2 -std=c++17 -fPIC -w \
      -D_GLIBCXX_USE_CXX11_ABI='"$abi"' -I"'"$torch_dir"'/include" -I"'"$torch_dir"'/include/torch/csrc/api/include" \
      -I"'"$src"'/build/include" -I"'"$work"'/djl/jni" -I"'"$work"'/djl/jni/linux" -I"'"$work"'/djl/api/src/main/native" \
      {} -o "'"$work"'/jni-gcc/$(basename {} .cc).o"' >"$work/logs/jni-gcc.log" 2>&1 \
    && g++ -shared -o "$work/libdjl_torch.so" "$work"/jni-gcc/*.o -L"$torch_dir/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10 \
      -Wl,-rpath,"$torch_dir/lib" >>"$work/logs/jni-gcc.log" 2>&1 && echo "g++ (no USE_CUDA; cmake failed: logs/jni-cmake.log)" && return 0
  echo "failed (logs/jni-cmake.log, logs/jni-gcc.log)"; return 1
}

if [ "$mode" = gpu ]; then
  if [ "$py_status" = ok ] && [ -s "$carry/libdjl_torch.so" ]; then
    # a rerun: the JNI an earlier run built (its $OUT/libdjl_torch.so, copied into .gpu/) saves the compile
    cp "$carry/libdjl_torch.so" "$work/libdjl_torch.so"
    echo "carried .gpu/libdjl_torch.so (built by an earlier run)" > "$work/jni.status"
    ( exit 0 ) & jni_pid=$!
  elif [ "$py_status" != ok ]; then
    jni_status="skipped: no torch on this machine to build against"
  elif ! command -v g++ >/dev/null; then
    jni_status="skipped: no C++ compiler (g++) here"
  else
    note "building DJL's JNI against this torch (background, at most $(limit 210) s)"
    ( timeout "$(limit 210)" bash -c "$(declare -f build_jni); work='$work' PY='$PY'; build_jni" > "$work/jni.status" 2>&1 ) &
    jni_pid=$!
  fi
else
  # dry run: DJL's CPU libtorch, found the way the GPU run finds the machine's (PYTORCH_LIBRARY_PATH + the JNI in
  # DJL's cache); the JNI compile needs a torch to build against, which this machine has not
  cpu=$(ls -d "$HOME"/.djl.ai/pytorch/*-cpu-linux-x86_64 2>/dev/null | head -1)
  if [ -n "$cpu" ]; then
    mkdir -p "$work/libtorch-cpu"
    for f in "$cpu"/lib*.so*; do case "$f" in *djl_torch*) ;; *) ln -s "$f" "$work/libtorch-cpu/";; esac; done
    export PYTORCH_LIBRARY_PATH=$work/libtorch-cpu PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu
    mkdir -p "$DJL_CACHE_DIR/pytorch/2.7.1-cpu-linux-x86_64"
    cp "$cpu/0.36.0-libdjl_torch.so" "$DJL_CACHE_DIR/pytorch/2.7.1-cpu-linux-x86_64/"
    jni_status="skipped: no torch here to compile against ($(command -v cmake >/dev/null && cmake --version | head -1 || echo 'no cmake')); DJL's CPU JNI used"
  else
    jni_status="skipped: no torch here, and no DJL CPU libtorch in ~/.djl.ai (run one test once)"
  fi
fi

# ---- Python steps (GPU, or CPU with tiny sizes where torch imports)
hf_sst2=$work/hf-sst2
if [ "$py_status" = ok ]; then
  note "goldens (background, CPU)"
  ( timeout "$(limit 120)" "$PY" bench/gpu_goldens.py "$work/goldens" "$carry/data/sst2_train.csv.gz" \
      > "$work/goldens.out" 2> "$work/logs/goldens.log" ) &
  goldens_pid=$!
  # the timings below run on a quiet machine: the compile and the goldens would take the CPUs that the Trainer's
  # and the pipeline's Python (and attune's JNI calls) need
  if [ -n "${jni_pid:-}" ]; then wait "$jni_pid"; jni_pid_done=1; fi
  wait "$goldens_pid"; grep '^RESULT' "$work/goldens.out" | sed 's/^RESULT /RESULT hf /' >> "$results"; goldens_pid=""
  note "JNI and goldens done"
  note "Trainer: SST-2 $SST2_ROWS rows at $MAXLEN tokens"
  timeout "$(limit 150)" "$PY" bench/gpu_transformers.py trainer "$work/minilm" "$carry/data/sst2_train.csv.gz" "$SST2_EVAL" \
    task=sst2 rows="$SST2_ROWS" max_length="$MAXLEN" batch="$SST2_BATCH" save="$hf_sst2" workdir="$work/trainer" \
    2>"$work/logs/trainer-sst2.log" | grep --line-buffered '^RESULT' | sed -u 's/^RESULT /RESULT hf /' >> "$results"
  note "Trainer: IMDB $IMDB_ROWS rows at $IMDB_MAXLEN tokens"
  timeout "$(limit 90)" "$PY" bench/gpu_transformers.py trainer "$work/minilm" "$imdb_train" "$imdb_eval" \
    task=imdb rows="$IMDB_ROWS" eval_rows="$IMDB_EVAL" max_length="$IMDB_MAXLEN" batch=16 workdir="$work/trainer" \
    2>"$work/logs/trainer-imdb.log" | grep --line-buffered '^RESULT' | sed -u 's/^RESULT /RESULT hf /' >> "$results"
  if [ -d "$hf_sst2" ]; then
    note "pipeline: scoring sst2_dev"
    timeout "$(limit 90)" "$PY" bench/gpu_transformers.py pipeline "$hf_sst2" "$SST2_EVAL" task=sst2 \
      seconds="$SECONDS_PER" singles="$SINGLES" warmup="$WARMUP" 2>"$work/logs/pipeline.log" | grep --line-buffered '^RESULT' | sed -u 's/^RESULT /RESULT hf /' >> "$results"
  fi
fi

# ---- attune
if [ -n "${jni_pid:-}" ]; then
  [ -n "${jni_pid_done:-}" ] || wait "$jni_pid"
  jni_status=$(tail -1 "$work/jni.status" 2>/dev/null); [ -n "$jni_status" ] || jni_status="failed (timed out)"
  [ -s "$work/libdjl_torch.so" ] || case "$jni_status" in cmake*|g++*|carried*) jni_status="failed (no libdjl_torch.so)";; esac
  note "JNI: $jni_status"
  if [ -s "$work/libdjl_torch.so" ]; then
    read -r tv flavor torch_lib < <("$PY" -c "import os, torch; v = torch.__version__.split('+')[0]; c = torch.version.cuda; print(v, 'cu' + c.replace('.', '') if c else 'cpu', os.path.join(os.path.dirname(torch.__file__), 'lib'))")
    export PYTORCH_LIBRARY_PATH=$torch_lib PYTORCH_VERSION=$tv PYTORCH_FLAVOR=$flavor
    mkdir -p "$DJL_CACHE_DIR/pytorch/$tv-$flavor-linux-x86_64"
    cp "$work/libdjl_torch.so" "$DJL_CACHE_DIR/pytorch/$tv-$flavor-linux-x86_64/0.36.0-libdjl_torch.so"
    # DJL's default device asks CUDA through JNA's Native.load("cudart"): give it a libcudart.so, torch's own first
    # (the file libtorch_cuda loaded, so not a second copy); the bench also passes device=gpu, so a failed probe
    # cannot move the run to the CPU
    cudart=$("$PY" -c "import glob, os, torch; d = os.path.dirname(torch.__file__); c = sorted(glob.glob(d + '/../nvidia/**/libcudart.so*', recursive=True)) + sorted(glob.glob('/usr/local/cuda*/lib64/libcudart.so*')); print(os.path.realpath(c[0]) if c else '')")
    if [ -n "$cudart" ]; then mkdir -p "$work/cudart"; ln -sf "$cudart" "$work/cudart/libcudart.so"; fi
    note "attune: libtorch $tv $flavor at $torch_lib; libcudart for JNA: ${cudart:-none found}"
  else
    unset PYTORCH_LIBRARY_PATH
  fi
fi
jcmd=("$java" -Xmx4g -Dai.djl.offline=true -Djna.library.path="$work/cudart" \
  -cp "$work/app/classes:$work/app/test-classes:$work/app/lib/*" dev.attune.bench.GpuBenchmark)
[ "$mode" = gpu ] && jcmd+=(device=gpu)
if [ -n "${PYTORCH_LIBRARY_PATH:-}" ]; then
  note "attune: SST-2 $SST2_ROWS rows at $MAXLEN tokens, then scoring"
  timeout "$(limit 200)" "${jcmd[@]}" model="$work/minilm" train="$carry/data/sst2_train.csv.gz" eval="$SST2_EVAL" task=sst2 \
    trainRows="$SST2_ROWS" maxLength="$MAXLEN" batch="$SST2_BATCH" seconds="$SECONDS_PER" singles="$SINGLES" warmup="$WARMUP" \
    2>"$work/logs/attune-sst2.log" | grep --line-buffered '^RESULT' | sed -u 's/^RESULT /RESULT attune /' >> "$results"
  note "attune: IMDB $IMDB_ROWS rows at $IMDB_MAXLEN tokens"
  timeout "$(limit 90)" "${jcmd[@]}" model="$work/minilm" train="$imdb_train" eval="$imdb_eval" task=imdb \
    trainRows="$IMDB_ROWS" evalRows="$IMDB_EVAL" maxLength="$IMDB_MAXLEN" batch=16 batches= \
    2>"$work/logs/attune-imdb.log" | grep --line-buffered '^RESULT' | sed -u 's/^RESULT /RESULT attune /' >> "$results"
fi
if [ -n "${goldens_pid:-}" ]; then wait "$goldens_pid"; grep '^RESULT' "$work/goldens.out" | sed 's/^RESULT /RESULT hf /' >> "$results"; fi

# ---------------------------------------------------------------------------------------------------- the table
"$PY" - "$results" "$mode" "$py_status" "$jni_status" "$carried_line" "$((SECONDS - start))" > "$out/table.md" <<'PY'
import sys
results, mode, py_status, jni_status, carried, wall = sys.argv[1:7]
lines = [l.split()[1:] for l in open(results) if l.startswith("RESULT")]
rows = []
for parts in lines:
    side, kind, fields = parts[0], parts[1], dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    rows.append((side, kind, fields, " ".join(parts[2:])))

def find(side, kind, task=None, **match):
    for s, k, f, _ in rows:
        if s == side and k == kind and (task is None or f.get("task") == task) and all(f.get(a) == b for a, b in match.items()):
            return f
    return None

def missing(side):
    if side == "hf" and py_status != "ok":
        return py_status
    if side == "attune" and not (jni_status.startswith(("cmake", "g++", "carried")) or mode == "dry"):
        return "skipped: JNI " + jni_status
    return "failed: see logs"

def cell(side, kind, task, key, fmt="{}", **match):
    f = find(side, kind, task, **match)
    return fmt.format(f[key]) if f and key in f else missing(side)

def ratio(kind, task, key, **match):
    a, h = find("attune", kind, task, **match), find("hf", kind, task, **match)
    try:
        return "%.2fx" % (float(a[key]) / float(h[key]))
    except (TypeError, KeyError, ValueError, ZeroDivisionError):
        return ""

def train_label(task, what):
    f = find("attune", "train", task) or find("hf", "train", task) or {}
    return f"{what} {task} ({f.get('rows', '?')} rows, {f.get('steps', '?')} steps of {f.get('batch', '?')}, max {f.get('maxLength', '?')} tokens)"

out = []
out.append(f"## bench/gpu.sh {'--dry-run (CPU, tiny sizes)' if mode == 'dry' else 'on the GPU'}")
on = lambda side: (find(side, "train", "sst2") or {}).get("device", "-")
out.append(f"- devices: attune {on('attune')}, transformers {on('hf')}; python: {py_status}")
out.append(f"- DJL's JNI: {jni_status}")
out.append(f"- {carried}; wall {wall} s")
out.append("")
out.append("| measure | attune | transformers | attune / transformers | anchor |")
out.append("|---|---|---|---|---|")
for task, anchor in (("sst2", "Trainer, whole SST-2 at 64 tokens, batch 64: 1,907/s, 88.88% (ANCHORS.md)"),
                     ("imdb", "Trainer, IMDB at 512 tokens, batch 32: 1,065/s (ANCHORS.md)")):
    prec = lambda side: (find(side, "train", task) or {}).get("precision", "")
    out.append(f"| {train_label(task, 'train')}: samples/s | {cell('attune', 'train', task, 'samples_per_s')} {prec('attune')} | "
               f"{cell('hf', 'train', task, 'samples_per_s')} {prec('hf')} | {ratio('train', task, 'samples_per_s')} | {anchor} |")
    ev = (find("attune", "train", task) or find("hf", "train", task) or {}).get("eval_rows", "?")
    out.append(f"| {task}: accuracy after those steps ({ev} rows) | {cell('attune', 'train', task, 'accuracy', '{}%')} | "
               f"{cell('hf', 'train', task, 'accuracy', '{}%')} | | |")
for b, anchor in (("64", ""), ("128", "TensorRT, BERT-base (about 8x MiniLM's compute per token), A100, fp16, 128 tokens: about 7,900/s at batch 128 (ANCHORS.md)")):
    out.append(f"| scoring sst2_dev, batch {b}: texts/s (tokenization included) | {cell('attune', 'score', 'sst2', 'texts_per_s', batch=b)} | "
               f"{cell('hf', 'score', 'sst2', 'texts_per_s', batch=b)} | {ratio('score', 'sst2', 'texts_per_s', batch=b)} | {anchor} |")
lat = lambda side: (f"{find(side, 'latency', 'sst2')['p50_ms']} / {find(side, 'latency', 'sst2')['p99_ms']} ms"
                    if find(side, "latency", "sst2") else missing(side))
out.append(f"| one text: p50 / p99 (lower is better) | {lat('attune')} | {lat('hf')} | {ratio('latency', 'sst2', 'p50_ms')} | TensorRT, BERT-base, A100, fp16, 128 tokens: 0.67 ms |")
goldens = [r for r in rows if r[1] == "golden"]
if goldens:
    ok = [g[2]["model"] for g in goldens if "FAILED" not in g[3]]
    bad = [g[3] for g in goldens if "FAILED" in g[3]]
    out.append(f"| goldens (goldens.tar.gz) | | {len(ok)} made: {', '.join(ok)}{'; FAILED: ' + '; '.join(bad) if bad else ''} | | |")
else:
    out.append(f"| goldens (goldens.tar.gz) | | {py_status if py_status != 'ok' else 'failed: see logs/goldens.log'} | | |")
print("\n".join(out))
PY
cat "$out/table.md"
cp "$results" "$work/logs/"
tar -C "$work" -czf "$out/logs.tar.gz" logs
[ -d "$work/goldens" ] && tar -C "$work" -czf "$out/goldens.tar.gz" goldens
# the JNI comes back too: copied into .gpu/, a rerun uses it instead of compiling again
[ "$mode" = gpu ] && [ -s "$work/libdjl_torch.so" ] && cp "$work/libdjl_torch.so" "$out/"
echo "wall: $((SECONDS - start)) s; table, logs.tar.gz$([ -d "$work/goldens" ] && echo ', goldens.tar.gz') in $out"
if [ "$mode" = dry ]; then
  # the dry run passes when attune trained and scored on the carried runtime and classpath without a JDK
  [ "$(grep -c -E '^RESULT attune (train|score|latency) ' "$results")" -ge 5 ] || { echo "dry run FAILED: attune's steps did not all run (logs in $out/logs.tar.gz)"; exit 1; }
fi
exit 0
