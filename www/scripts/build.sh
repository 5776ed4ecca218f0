#!/usr/bin/env bash
# Builds the page: npm dependencies (npm ci, skipped while node_modules matches the lockfile) and the
# MNIST digits (scripts/mnist-data.sh), the two wasm modules (release, into www/pkg and
# www/pkg-trainer), type check, the Vite build (www/dist), and the shipped sizes.
# Used by scripts/serve.sh and scripts/test-www.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

# npm packages, then the MNIST digits the page serves (www/data/mnist.bin; both skipped when up to date).
bash scripts/mnist-data.sh

# The two wasm modules (scripts/build-wasm.sh): the engine (www/pkg), fetched before the first
# trial, and the MNIST trainer (www/pkg-trainer), fetched only by a worker that trains.
bash scripts/build-wasm.sh www/pkg www/pkg-trainer

echo "[www] tsc --noEmit && vite build"
cd www
npx --no-install tsc --noEmit
npx --no-install vite build --logLevel warn
node scripts/sizes.mjs
