#!/usr/bin/env bash
# The geokernel-dask tests (geokernel-dask/tests): the package and pytest in a venv that sees
# Debian's GDAL bindings and numpy (Scripts/dask-venv.sh), the debug geokernel built if needed,
# then pytest against the real binary and real Dask LocalClusters of 2 worker processes.
#   bash Scripts/test-dask.sh [pytest arguments]
# GEOKERNEL_BIN=PATH tests another binary; DASK_VENV=DIR puts the venv elsewhere (default .build/dask-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
venv=$(bash Scripts/dask-venv.sh)
if [ -z "${GEOKERNEL_BIN:-}" ]; then
  swift build --product geokernel
fi
cd geokernel-dask
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
