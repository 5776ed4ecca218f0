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

# cargo and wasm-bindgen directly (what `wasm-pack build --no-pack` runs, with wasm-opt off as
# Cargo.toml sets it), so that serving the page needs no wasm-pack install. Two modules (Cargo
# features, see Cargo.toml): the engine (www/pkg), fetched before the first trial, and the MNIST
# trainer (www/pkg-trainer), fetched only by a worker that trains.
out="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/wasmtune.wasm"
echo "[www] cargo build --release --target wasm32-unknown-unknown (engine) && wasm-bindgen"
cargo build --quiet --lib --release --target wasm32-unknown-unknown --features wasm
wasm-bindgen --target web --out-dir www/pkg "$out"
echo "[www] cargo build --release --target wasm32-unknown-unknown (trainer) && wasm-bindgen"
cargo build --quiet --lib --release --target wasm32-unknown-unknown --features wasm-trainer
wasm-bindgen --target web --out-dir www/pkg-trainer --out-name wasmtune_trainer "$out"
test -f www/pkg/wasmtune_bg.wasm && test -f www/pkg-trainer/wasmtune_trainer_bg.wasm

echo "[www] tsc --noEmit && vite build"
cd www
npx --no-install tsc --noEmit
npx --no-install vite build --logLevel warn
node scripts/sizes.mjs
