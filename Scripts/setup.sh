#!/usr/bin/env bash
# Installs what GeoKernel needs on Debian 12 when it is missing: GDAL's headers and library
# (libgdal-dev, which brings libgdal32) and pkg-config; for the tests, gdalinfo (gdal-bin: the
# info --check checksums are compared with it) and tmux (the progress bar is tested in a real
# terminal); for the geokernel-dask tests, Debian's Python with GDAL's bindings, numpy and venv
# (python3-gdal, python3-numpy, python3-venv). Swift itself must already be there.
set -euo pipefail
need=()
dpkg -s libgdal-dev >/dev/null 2>&1 || need+=(libgdal-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v gdalinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v tiffcp >/dev/null 2>&1 || need+=(libtiff-tools)   # the tests read outputs back with libtiff
/usr/bin/python3 -c "import osgeo, numpy" >/dev/null 2>&1 || need+=(python3-gdal python3-numpy)
dpkg -s python3-venv >/dev/null 2>&1 || need+=(python3-venv)     # Scripts/test-dask.sh makes a venv
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} (apt-get)" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH (GeoKernel needs Swift 6)" >&2; exit 1; }
