#!/usr/bin/env bash
# Builds the page: npm dependencies (npm ci, skipped while node_modules matches the lockfile) and the
# MNIST digits (scripts/mnist-data.sh), the wasm (release, into www/pkg), type check, the Vite build
# (www/dist), and the shipped sizes.
# Used by scripts/serve.sh and scripts/test-www.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

# npm packages, then the MNIST digits the page serves (www/data/mnist.bin; both skipped when up to date).
bash scripts/mnist-data.sh

# cargo and wasm-bindgen directly (what `wasm-pack build --no-pack` runs, with wasm-opt off as
# Cargo.toml sets it), so that serving the page needs no wasm-pack install.
echo "[www] cargo build --release --target wasm32-unknown-unknown && wasm-bindgen"
cargo build --quiet --lib --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir www/pkg "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/wasmtune.wasm"
test -f www/pkg/wasmtune_bg.wasm

echo "[www] tsc --noEmit && vite build"
cd www
npx --no-install tsc --noEmit
npx --no-install vite build --logLevel warn
node scripts/sizes.mjs
