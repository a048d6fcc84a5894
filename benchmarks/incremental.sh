#!/usr/bin/env bash
# Incremental nights (issue #7, point 2): what the scene-window cache
# (engine.cache_dir, pipeline/scene_cache.hpp) saves on a night when one new
# scene arrives in a season of ~30.
#
# Simulates a season (PRESET, default bench-s, with revisits giving ~30
# scenes), optionally trains a crop model (as a nightly job would use), then
# measures with GNU time, REPEAT times each (the fastest is reported):
#   scratch-N-1  night 1 (every scene but the newest), no cache
#   cold         night 1 with an empty cache (fills it)
#   warm         night 2 (all scenes) with that cache: one scene to decode
#   scratch-N    night 2 without cache
# checks with h5diff that warm and scratch-N give identical /maps,
# /communes, /qa and /claims, and prints a markdown section on stdout.
#
# Usage: bash benchmarks/incremental.sh
# Environment: WORK (default /tmp/paddymrv-incremental), BUILD_DIR (default
#   build), PRESET (bench-s), SIM_SET (extra `simulate --set` options, default
#   "s1_revisit_days=7 s2_revisit_days=9 s2_missing_prob=0.1": 16 Sentinel-1 +
#   14 Sentinel-2 scenes), THREADS (2), BLOCK_SIZE (512),
#   MODEL (1 = train and run with --model, 0 = without), REPEAT (3),
#   GRID_CRS (analysis grid CRS; default: the simulated one, EPSG:32648, on
#   which every scene is aligned; e.g. EPSG:3405, VN-2000 / UTM 48N, makes every
#   window go through the warper as scenes in another CRS do),
#   SEASON (folder of the simulated season, default $WORK/season; reusable).
# Needs /usr/bin/time (scripts/install-bench-deps.sh), jq and h5diff (hdf5-tools).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/paddymrv-incremental}
build=${BUILD_DIR:-build}
preset=${PRESET:-bench-s}
sim_set=${SIM_SET:-s1_revisit_days=7 s2_revisit_days=9 s2_missing_prob=0.1}
threads=${THREADS:-2}
block=${BLOCK_SIZE:-512}
use_model=${MODEL:-1}
repeat=${REPEAT:-3}
grid_crs=${GRID_CRS:-}
for tool in /usr/bin/time jq h5diff; do
  command -v "$tool" >/dev/null || { echo "incremental: $tool is required" >&2; exit 1; }
done
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target paddymrv >/dev/null
bin=$build/pipeline/paddymrv
mkdir -p "$work"
season=${SEASON:-$work/season}

# --- the season, and night 1's catalogue: every scene but the newest. Written
# next to items.json so that relative hrefs resolve the same way.
if [ ! -f "$season/items.json" ]; then
  set_args=()
  for s in $sim_set; do set_args+=(--set "$s"); done
  echo "simulating $preset ($sim_set) ..." >&2
  "$bin" simulate --preset "$preset" "${set_args[@]}" --out "$season" >/dev/null
fi
jq '.features |= (sort_by(.properties.datetime) | .[:-1])' "$season/items.json" >"$season/night1.json"
n_all=$(jq '.features | length' "$season/items.json")
n_s1=$(jq '[.features[] | select(.properties.constellation == "sentinel-1")] | length' "$season/items.json")
newest=$(jq -r '.features | sort_by(.properties.datetime) | last | "\(.id) (\(.properties.constellation))"' "$season/items.json")
grid=$(grep -E '^(width|height) *=' "$season/simulation.toml" | sed -E 's/.*= *//' | paste -sd'x')
model_args=()
if [ "$use_model" = 1 ]; then
  if [ ! -f "$season/model.yml" ]; then
    echo "training the crop model ..." >&2
    "$bin" train --config "$season/paddymrv.toml" --samples "$season/reference.geojson" --model "$season/model.yml" \
      --threads "$threads" >"$work/train.txt" 2>&1
  fi
  model_args=(--model "$season/model.yml")
fi

# --- measurement: keeps the fastest of the repetitions of each step.
declare -A wall rss cpu
measure() {
  local name=$1
  shift
  local tlog="$work/time-$name.txt" rc=0
  /usr/bin/time -v -o "$tlog" "$@" >"$work/out-$name.txt" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    echo "incremental: $name failed (exit $rc); see $work/out-$name.txt" >&2
    tail -5 "$work/out-$name.txt" >&2
    exit 1
  fi
  local w r c
  w=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.2f", s}' "$tlog")
  r=$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' "$tlog")
  c=$(awk -F': ' '/User time|System time/{s+=$2} END{printf "%.2f", s}' "$tlog")
  echo "  $name: $w s wall, $c s CPU, peak RSS $r MiB" >&2
  # Fastest wall and least CPU of the repetitions: on a shared machine the
  # other load only ever adds.
  if [ -z "${wall[$name]:-}" ] || awk -v a="$w" -v b="${wall[$name]}" 'BEGIN{exit !(a<b)}'; then
    wall[$name]=$w
    rss[$name]=$r
  fi
  if [ -z "${cpu[$name]:-}" ] || awk -v a="$c" -v b="${cpu[$name]}" 'BEGIN{exit !(a<b)}'; then cpu[$name]=$c; fi
}
grid_args=()
[ -z "$grid_crs" ] || grid_args=(--grid-crs "$grid_crs")
run() {  # run NAME CATALOGUE OUT [extra options]
  local name=$1 items=$2 out=$3
  shift 3
  measure "$name" "$bin" run --config "$season/paddymrv.toml" --items "$items" --out "$out" --threads "$threads" \
    --block-size "$block" --report-format none --log-file "$work/$name.log" "${model_args[@]}" "${grid_args[@]}" "$@"
}

cache=$work/cache
load_before=$(uptime | sed 's/.*load average: //')
echo "season: $grid px, $n_all scenes ($n_s1 Sentinel-1); newest $newest; load: $(uptime | sed 's/.*load/load/')" >&2
for ((i = 1; i <= repeat; i++)); do
  echo "repetition $i/$repeat" >&2
  sync
  run scratch_n1 "$season/night1.json" "$work/scratch_n1.h5"
  rm -rf "$cache"
  run cold "$season/night1.json" "$work/cold.h5" --cache-dir "$cache"
  cold_bytes=$(du -sb "$cache" | cut -f1)
  run warm "$season/items.json" "$work/warm.h5" --cache-dir "$cache"
  run scratch_n "$season/items.json" "$work/scratch_n.h5"
done
load_after=$(uptime | sed 's/.*load average: //')
cache_bytes=$(du -sb "$cache" | cut -f1)
cache_files=$(find "$cache" -name '*.win' | wc -l)
input_bytes=$(du -sbc "$season/s1" "$season/s2" | tail -1 | cut -f1)
from_cache=$(grep -o '[0-9]* windows from the cache, [0-9]* decoded' "$work/warm.log" | tail -1)
cold_line=$(grep -o '[0-9]* windows from the cache, [0-9]* decoded' "$work/cold.log" | tail -1)

same=identical
for g in /maps /communes /qa /claims; do
  if ! h5diff -q "$work/warm.h5" "$work/scratch_n.h5" "$g" "$g" >/dev/null 2>&1; then same="DIFFERENT in $g"; fi
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
mib() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1048576}'; }

cat <<EOF
### Incremental night: 1 new scene out of $n_all — $(date -u +%Y-%m-%d) — $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)

Command: \`bash benchmarks/incremental.sh\` (PRESET=$preset, SIM_SET="$sim_set": grid $grid px, $n_all scenes of which $n_s1 Sentinel-1;
THREADS=$threads, BLOCK_SIZE=$block, MODEL=$use_model, GRID_CRS=${grid_crs:-EPSG:32648 (scenes on the grid)}, best of REPEAT=$repeat;
load average before: $load_before, after: $load_after).
The newest scene, $newest, is night 2's new scene; night 1's catalogue is every other one.

| run | scenes | cache | wall (s) | CPU user+sys (s) | peak RSS (MiB) |
|---|---|---|---|---|---|
| night 1 from scratch | $((n_all - 1)) | off | ${wall[scratch_n1]} | ${cpu[scratch_n1]} | ${rss[scratch_n1]} |
| night 1, empty cache (fills it) | $((n_all - 1)) | cold | ${wall[cold]} | ${cpu[cold]} | ${rss[cold]} |
| night 2 from scratch | $n_all | off | ${wall[scratch_n]} | ${cpu[scratch_n]} | ${rss[scratch_n]} |
| **night 2 with the cache** | $n_all | warm | **${wall[warm]}** | **${cpu[warm]}** | ${rss[warm]} |

- Night 2 with the cache vs from scratch: wall $(ratio "${wall[scratch_n]}" "${wall[warm]}")×, CPU
  **$(ratio "${cpu[scratch_n]}" "${cpu[warm]}")×** ($(awk -v a="${cpu[scratch_n]}" -v b="${cpu[warm]}" 'BEGIN{printf "%.1f", a-b}') s of CPU saved); $from_cache (cold night 1: $cold_line).
- Filling the cache on night 1 costs $(awk -v a="${cpu[cold]}" -v b="${cpu[scratch_n1]}" 'BEGIN{printf "%+.1f", a-b}') s of CPU.
- Cache after night 2: $cache_files windows, $(mib "$cache_bytes") MiB (after night 1: $(mib "$cold_bytes") MiB); the season's
  input rasters: $(mib "$input_bytes") MiB (DEFLATE-compressed COGs).
- Night 2 with the cache vs from scratch, \`h5diff\` of /maps, /communes, /qa, /claims: **$same**.
EOF
