#!/usr/bin/env bash
# Runs the engine's multi-threaded and parsing tests under ThreadSanitizer and AddressSanitizer
# (separate build folders, Swift Testing only: XCTest's own runner leaks a few bytes at exit).
# CI runs this after the test suite; it takes a few minutes. The AddressSanitizer list includes
# --mask-warp (SelectionCLITests), --polygons and the resume suites: their CLI runs use the
# instrumented binary. ResourceFailureTests stays out (ulimit -v and a sanitizer's shadow memory clash).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
thread_suites="SeamTests|MethodSeamTests|GDALKitCoreTests|BadInputTests|RunFailureTests|BlockDecodeTests"
thread_suites+="|InputCopyTests|BlockWriteTests|BlockWriteQueueTests|PreviewCLITests"
address_suites="SeamTests|MethodSeamTests|GDALKitCoreTests|FuzzTests|ScipyGoldenTests|BadInputTests"
address_suites+="|MutatedCorpusTests|BlockWriteTests|BlockFileTests|TIFFTileIndexTests|SelectionCLITests"
address_suites+="|PolygonCLITests|ResumeTests|ResumeFaultTests|CheckpointDamageTests|NarrowRasterTests"
echo "== ThreadSanitizer"
TSAN_OPTIONS=halt_on_error=1 swift test --sanitize=thread --scratch-path .build-tsan --disable-xctest \
  --filter "$thread_suites"
echo "== AddressSanitizer"
LSAN_OPTIONS=suppressions=$PWD/Scripts/lsan.supp:print_suppressions=0 \
  swift test --sanitize=address --scratch-path .build-asan --disable-xctest --filter "$address_suites"
