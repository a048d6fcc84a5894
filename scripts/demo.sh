#!/usr/bin/env bash
# The demo: install, build, simulate the demo season, run the nightly job on
# it and print the per-commune table. Everything lands in ./out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bin=build/pipeline/paddymrv
"$bin" simulate --preset demo --out out/demo
"$bin" run --config out/demo/paddymrv.toml --out out/demo/result.h5
echo "result: out/demo/result.h5 (h5dump -H out/demo/result.h5; $bin report out/demo/result.h5 --csv)"
