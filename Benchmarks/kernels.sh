#!/usr/bin/env bash
# Release micro-benchmark of the footprint filters (RasterKernels alone, one thread, no GDAL):
#   bash Benchmarks/kernels.sh        (REPEATS=5 for more runs)
set -euo pipefail
cd "$(dirname "$0")/Kernels"
swift build -c release --product KernelBench
exec .build/release/KernelBench
