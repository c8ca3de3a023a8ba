#!/usr/bin/env bash
# One command for the benchmark: installs GDAL's tools, Python bindings and matplotlib when
# missing (Debian), builds the release binary, makes the scenes on first use, runs everything.
#   bash Benchmarks/run.sh [--size 4096] [--runs 3] [--big] [--data DIR]
# Anchors from ../shared/bench run when PY points to a Python with rasterio, cv2 and scipy.
#   bash Benchmarks/run.sh --methods [--runs 3] [--data DIR] [--no-slow]
# runs the footprint-method benchmark instead (Benchmarks/methods.py, its anchors need the same PY).
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
swift build -c release --product geokernel
if [ "${1:-}" = --methods ]; then
  shift
  exec /usr/bin/python3 Benchmarks/methods.py "$@"
fi
exec /usr/bin/python3 Benchmarks/run.py "$@"
