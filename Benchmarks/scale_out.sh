#!/usr/bin/env bash
# The scale-out benchmark (on demand, not in CI): the 16384² DEFLATE scene, full mask, 9x9 gaussian,
# own format, one machine against N partitions (by hand and through geokernel-dask on a 2-worker
# LocalCluster). Builds the release binary into .build-rel and the geokernel-dask venv first.
#   bash Benchmarks/scale_out.sh [--data DIR] [--size 16384] [--partitions 16] [--dask-partitions K] [--runs 1]
# Prints the table Docs/scale-out.md shows; writes DIR/scale-out/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
need=()
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
swift build -c release --scratch-path .build-rel --product geokernel >&2
venv=$(bash Scripts/dask-venv.sh)
exec "$venv/bin/python" Benchmarks/scale_out.py --geokernel "$PWD/.build-rel/release/geokernel" "$@"
