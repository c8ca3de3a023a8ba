#!/usr/bin/env bash
# The README's second command: install what is missing, then run the whole test suite.
# The corpus tests use ../shared/corpus (or GEOKERNEL_CORPUS) and say so when it is absent.
# Without arguments it ends with the geokernel-dask tests (Scripts/test-dask.sh) unless
# GEOKERNEL_DASK_TESTS=0; arguments go to swift test alone (e.g. --filter SuiteName).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
if [ $# -eq 0 ] && [ "${GEOKERNEL_DASK_TESTS:-1}" != 0 ]; then
  bash Scripts/test-dask.sh
fi
