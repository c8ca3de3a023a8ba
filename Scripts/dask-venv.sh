#!/usr/bin/env bash
# Makes (once) the venv geokernel-dask runs in and installs the package into it, with pytest;
# prints the venv's absolute path. The venv sees Debian's python3-gdal and numpy
# (--system-site-packages); dask[distributed] and pytest come from PyPI, or, when PyPI cannot be
# reached, from Debian (python3-distributed, python3-pytest).
#   venv=$(bash Scripts/dask-venv.sh)          DASK_VENV=DIR to put it elsewhere (default .build/dask-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DASK_VENV:-.build/dask-venv}
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$(dirname "$venv")"
  /usr/bin/python3 -m venv --system-site-packages "$venv" >&2
fi
venv=$(cd "$venv" && pwd)
if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check --retries 1 --timeout 30 \
    ./geokernel-dask pytest >&2; then
  # PyPI unreachable (no network, or a TLS proxy whose CA this machine lacks): Debian's own dask and
  # distributed (2022.12, bookworm) and pytest, which the venv sees, and the package built without
  # deps or network (setuptools and wheel from Debian too).
  echo "dask-venv: PyPI could not be reached; using Debian's python3-distributed and python3-pytest" >&2
  if ! /usr/bin/python3 -c "import distributed, pytest, setuptools, wheel" >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      python3-distributed python3-pytest python3-setuptools python3-wheel >/dev/null
  fi
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation --no-index \
    ./geokernel-dask >&2
fi
echo "$venv"
