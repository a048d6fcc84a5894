#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang + ASan + UBSan) in ./build-fuzz
# and runs each one against its seed corpus fuzz/corpus/<target>/.
#
#   bash scripts/fuzz.sh [SECONDS]     fuzz each target SECONDS (default 60)
#   bash scripts/fuzz.sh --ci          short deterministic run for CI: a fixed
#                                      seed and number of inputs per target
#   FUZZ_TARGETS="fuzz_stac" bash scripts/fuzz.sh 300   one target only
#
# Finding nothing is a pass. A crash, sanitizer report or uncaught exception
# fails the script; libFuzzer saves the reproducer as
# fuzz/crashes/<target>/crash-<sha1>, replay it with
#   build-fuzz/fuzz/<target> fuzz/crashes/<target>/crash-<sha1>
# and, once fixed, move it into fuzz/corpus/<target>/ so that every later run
# replays it first. New interesting inputs are kept in build-fuzz/corpus/, not
# in the tree (merge them into the seeds with -merge=1 when worth keeping).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=time
seconds=60
case "${1:-}" in
  --ci) mode=ci ;;
  "") ;;
  *) seconds="$1" ;;
esac
targets=(${FUZZ_TARGETS:-fuzz_stac fuzz_claims fuzz_config})

bash scripts/install-fuzz-deps.sh
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DPADDYMRV_FUZZ=ON -DPADDYMRV_BUILD_TESTS=OFF -DPADDYMRV_BUILD_BENCHMARKS=OFF > /dev/null
cmake --build build-fuzz -j"${FUZZ_JOBS:-$(nproc)}" --target "${targets[@]}"

# GDAL and PROJ keep caches for the life of the process: not leaks of ours.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for t in "${targets[@]}"; do
  work="build-fuzz/corpus/$t"
  crashes="fuzz/crashes/$t"
  mkdir -p "$work" "$crashes"
  args=(-timeout=30 -rss_limit_mb=4096 -max_len=65536 -artifact_prefix="$crashes/" -print_final_stats=1)
  if [ "$mode" = ci ]; then
    # Same seed, same number of inputs, fresh working corpus: the same inputs
    # every time, so the step cannot flake.
    rm -rf "$work" && mkdir -p "$work"
    args+=(-seed=1 -runs="${FUZZ_CI_RUNS:-100000}")
  else
    args+=(-max_total_time="$seconds")
  fi
  echo "== $t (${mode}: ${seconds}s or ${FUZZ_CI_RUNS:-100000} runs)"
  rc=0
  "build-fuzz/fuzz/$t" "${args[@]}" "$work" "fuzz/corpus/$t" > "build-fuzz/$t.log" 2>&1 || rc=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|Test unit written|Done [0-9]+ runs)" "build-fuzz/$t.log" || true
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "build-fuzz/$t.log" >&2
    echo "fuzz: $t FAILED — reproducer in $crashes/, log build-fuzz/$t.log" >&2
    status=1
  fi
done
exit $status
