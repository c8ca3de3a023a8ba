#!/usr/bin/env bash
# The README's first command: install what is missing, build the release binary, and
# denoise the water of the bundled sample scene (Samples/) with the bundled 5x5 kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build -c release --product geokernel
bin=$(swift build -c release --show-bin-path)/geokernel
mkdir -p .build/sample
out=.build/sample/scene_denoised.tif
"$bin" apply Samples/scene.tif "$out" --kernel Samples/denoise_5x5.txt --mask Samples/water_mask.tif --overwrite \
  --preview .build/sample/scene_denoised_preview.png --preview-size 320
"$bin" info "$out"
echo "result: $(pwd)/$out"
echo "quick look: $(pwd)/.build/sample/scene_denoised_preview.png"
