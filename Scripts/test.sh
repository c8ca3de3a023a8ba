#!/usr/bin/env bash
# The README's second command: install what is missing, then run the whole test suite.
# The corpus tests use ../shared/corpus (or GEOKERNEL_CORPUS) and say so when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
