#!/usr/bin/env bash
# The median example of the README: denoise only the water of the sample scene with a median
# over a disk of radius 2 pixels (13 pixels), every other pixel kept bit for bit.
# Run after `bash Scripts/run-sample.sh` (which builds the release binary).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build -c release --show-bin-path)/geokernel
mkdir -p .build/sample
"$bin" apply Samples/scene.tif .build/sample/scene_median.tif --method median --footprint disk:2 \
  --mask Samples/water_mask.tif --overwrite
