#!/usr/bin/env bash
# The npm package's tests: packs it (scripts/pack.sh, which reuses the wasm the page's build left
# in target/), installs the tarball into a temporary project and runs it in Node, in a plain page
# and in a Vite project (npm/test/run.mjs, which prints one `N passed; M failed` line for
# scripts/test.sh), then builds the JS API reference with warnings as errors (scripts/docs-js.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pack.sh
node npm/test/run.mjs pkg/wasmtune-*.tgz
bash scripts/docs-js.sh
