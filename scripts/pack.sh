#!/usr/bin/env bash
# Builds the npm package `wasmtune` into pkg/ and packs it (pkg/wasmtune-VERSION.tgz): the
# engine's wasm and bindings (main entry), the MNIST trainer's (`wasmtune/mnist`), and the JS API
# compiled from www/src/lib (the page's own API: one source) to ESM with .d.ts types.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-tools.sh serve
rm -rf pkg
bash scripts/build-wasm.sh pkg/pkg pkg/pkg-trainer
bash www/scripts/npm-deps.sh
www/node_modules/.bin/tsc -p npm/tsconfig.json
cp npm/package.json npm/README.md pkg/
cp npm/node.js npm/node-mnist.js pkg/dist/
(cd pkg && npm pack --silent)
ls -l pkg/*.tgz
