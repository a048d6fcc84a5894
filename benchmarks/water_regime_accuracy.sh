#!/usr/bin/env bash
# Field-level water-regime accuracy of the flood-cycle detector against the
# simulator's truth, on seeds and revisits the detector was not tuned on
# (its tests use hand-built series only), next to the plain per-pixel rule.
# Appends the table to benchmarks/RESULTS.md.
#
# Usage: bash benchmarks/water_regime_accuracy.sh [SEEDS...]   (default 1001 1002 1003)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PADDYMRV_ACCURACY_BIN:-build/benchmarks/paddymrv_regime_accuracy}
[ -x "$bin" ] || bash scripts/build.sh
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1001 1002 1003)
rows=""
for seed in "${seeds[@]}"; do
  for revisit in 6 12; do
    rows+=$("$bin" --seed "$seed" --revisit "$revisit" 2>/dev/null)$'\n'
  done
done
{
  echo
  echo "### Water regime, field level — $(date -u +%Y-%m-%d)"
  echo
  echo "Command: \`bash benchmarks/water_regime_accuracy.sh ${seeds[*]}\` (demo-sized seasons, ENL 4.5; field = truth field, series averaged over its pixels)."
  echo "Over-crediting = detected regime has more drainage than the truth; under = fewer; undetermined counted apart."
  echo
  echo "Claims: \\`paddymrv run\\` on the same season with the truth crop map as rice mask; verdict correct = verified for a true claim, not_verified for a false one."
  echo
  echo "| seed | revisit (d) | ENL | rice fields | accuracy % | over-credit % | under % | undetermined % | per-pixel rule accuracy % | rule over-credit % | claims | verdict correct % | falsely verified % | insufficient_data % |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf "%s" "$rows"
} | tee -a benchmarks/RESULTS.md
