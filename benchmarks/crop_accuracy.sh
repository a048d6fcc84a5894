#!/usr/bin/env bash
# Crop-classifier accuracy on unseen simulated seasons (issue #4): builds the
# measurement tool and prints a Markdown table (append it to RESULTS.md).
# Seeds 9101/9102 (demo defaults), 9201 (heavy cloud), 9301 (noisy S2 under
# clouds) were never used while developing the classifier; do not tune on them.
# Usage: benchmarks/crop_accuracy.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-out/crop_accuracy}
cmake --build "$build" --target paddymrv_crop_accuracy -j2 >/dev/null
mkdir -p "$out"
"$build/benchmarks/paddymrv_crop_accuracy" "$out" 2> "$out/log.txt"
