#!/usr/bin/env bash
# Peak RSS of `paddymrv run` must not grow with the area (DESIGN §6,
# issue #2): simulate bench-s and bench-m (4× the area, same dates and
# density), run both with the same settings, compare peak RSS and append the
# figures to benchmarks/RESULTS.md.
#
# Usage: bash benchmarks/memory_flat.sh [WORKDIR]   (default /tmp/paddymrv-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/paddymrv-bench}
bin=${PADDYMRV_BIN:-build/pipeline/paddymrv}
[ -x "$bin" ] || bash scripts/build.sh
mkdir -p "$work"

threads=${THREADS:-2}
# 200 px blocks tile both presets into whole blocks (800 = 4 × 200), so that
# the two runs hold the same block geometry in flight and differ by area only.
block=${BLOCK_SIZE:-200}
declare -A rss secs
for preset in bench-s bench-m; do
  if [ ! -f "$work/$preset/items.json" ]; then
    echo "simulating $preset ..." >&2
    "$bin" simulate --preset "$preset" --out "$work/$preset" >/dev/null
  fi
  log="$work/$preset.log"
  "$bin" run --config "$work/$preset/paddymrv.toml" --out "$work/$preset/result.h5" \
    --threads "$threads" --block-size "$block" --report-format none --log-file "$log"
  line=$(grep "run finished" "$log" | tail -1)
  secs[$preset]=$(sed -E 's/.*finished: ([0-9.]+) s wall.*/\1/' <<<"$line")
  rss[$preset]=$(sed -E 's/.*peak RSS ([0-9.]+) MiB.*/\1/' <<<"$line")
  echo "$preset: ${secs[$preset]} s, peak RSS ${rss[$preset]} MiB" >&2
done
ratio=$(awk -v a="${rss[bench-m]}" -v b="${rss[bench-s]}" 'BEGIN{printf "%.3f", a/b}')
verdict=$(awk -v r="$ratio" 'BEGIN{print (r < 1.3) ? "PASS (< 1.3)" : "FAIL (>= 1.3)"}')
echo "peak RSS ratio bench-m / bench-s = $ratio: $verdict" >&2

{
  echo
  echo "### Memory flatness — $(date -u +%Y-%m-%d) — $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo
  echo "Command: \`bash benchmarks/memory_flat.sh\` (THREADS=$threads, BLOCK_SIZE=$block, default blocks in flight = 2 × threads)"
  echo
  echo "| preset | area (px) | wall (s) | peak RSS (MiB) |"
  echo "|---|---|---|---|"
  for preset in bench-s bench-m; do
    dims=$(grep -E '^(width|height) *=' "$work/$preset/simulation.toml" | sed -E 's/.*= *//' | paste -sd'x')
    echo "| $preset | $dims | ${secs[$preset]} | ${rss[$preset]} |"
  done
  echo
  echo "Peak RSS ratio (4× area): **$ratio** — $verdict"
} >> benchmarks/RESULTS.md
