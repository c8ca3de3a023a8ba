#!/usr/bin/env bash
# One command for the benchmark: installs GDAL's tools, Python bindings and matplotlib when
# missing (Debian), builds the release binary, makes the scenes on first use, runs everything.
#   bash Benchmarks/run.sh [--size 4096] [--runs 3] [--big] [--data DIR]
# Anchors from ../shared/bench run when PY points to a Python with rasterio, cv2 and scipy.
#   bash Benchmarks/run.sh --methods [--runs 3] [--data DIR] [--no-slow]
# runs the footprint-method benchmark instead (Benchmarks/methods.py, its anchors need the same PY).
#   bash Benchmarks/run.sh --huge [--size 40960] [--runs 1] [--data /work/gkbench]
# makes the 40960² scene (3.2 GiB of pixels; ~10 GiB of disk) and runs issue #13's table and chart
# (Benchmarks/huge.py; rasterio + OpenCV from PY, default /work/venv-bench/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
need=()
command -v gdal_translate >/dev/null || need+=(gdal-bin)
[ -x /usr/bin/time ] || need+=(time)
/usr/bin/python3 -c "import osgeo, numpy" 2>/dev/null || need+=(python3-gdal)
/usr/bin/python3 -c "import matplotlib" 2>/dev/null || need+=(python3-matplotlib)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ "${1:-}" = --huge ]; then
  shift
  swift build -c release --scratch-path .build-rel --product geokernel
  exec /usr/bin/python3 Benchmarks/huge.py "$@"
fi
swift build -c release --product geokernel
if [ "${1:-}" = --methods ]; then
  shift
  exec /usr/bin/python3 Benchmarks/methods.py "$@"
fi
exec /usr/bin/python3 Benchmarks/run.py "$@"
