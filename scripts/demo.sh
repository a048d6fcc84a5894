#!/usr/bin/env bash
# The demo: install, build, simulate the demo season, run the nightly job on
# it, print the per-commune table and write the audit page. Everything lands in ./out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bin=build/pipeline/paddymrv
# With 600 validation points drawn at random over the area
# (reference_points.geojson): the probability sample the crop-area
# intervals assume (docs/crop_classification.md).
"$bin" simulate --preset demo --set validation_points=600 --out out/demo
# The crop classifier: trained on the season's reference polygons, validated
# on the random points (prints its validation), then every pixel
# classified; its rice is the rice mask.
"$bin" train --config out/demo/paddymrv.toml --samples out/demo/reference_points.geojson --model out/demo/crop_model.yml
"$bin" run --config out/demo/paddymrv.toml --model out/demo/crop_model.yml --out out/demo/result.h5
# The audit page a verifier opens: tables, factors, claims with their evidence.
"$bin" report out/demo/result.h5 --html out/demo/audit.html > /dev/null
echo "result: out/demo/result.h5 (h5dump -H out/demo/result.h5; $bin report out/demo/result.h5 --csv); audit page: out/demo/audit.html"
