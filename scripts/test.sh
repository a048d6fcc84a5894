#!/usr/bin/env bash
# Install, build and run the whole test suite (what CI runs), then a short
# deterministic libFuzzer run of the STAC, claims and config parsers (fixed
# seed and number of inputs: it cannot flake; scripts/fuzz.sh --ci).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
bash scripts/fuzz.sh --ci
