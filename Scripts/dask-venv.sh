#!/usr/bin/env bash
# Makes (once) the venv geokernel-dask runs in and installs the package into it, with pytest;
# prints the venv's absolute path. The venv sees Debian's python3-gdal and numpy
# (--system-site-packages); dask[distributed] and pytest come from PyPI.
#   venv=$(bash Scripts/dask-venv.sh)          DASK_VENV=DIR to put it elsewhere (default .build/dask-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DASK_VENV:-.build/dask-venv}
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$(dirname "$venv")"
  /usr/bin/python3 -m venv --system-site-packages "$venv" >&2
fi
venv=$(cd "$venv" && pwd)
"$venv/bin/python" -m pip install -q --disable-pip-version-check ./geokernel-dask pytest >&2
echo "$venv"
