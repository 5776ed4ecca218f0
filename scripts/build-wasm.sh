#!/usr/bin/env bash
# Builds the two wasm modules (release) and their JS bindings: the engine (Cargo feature `wasm`)
# into ENGINE_DIR and the MNIST trainer (`wasm-trainer`) into TRAINER_DIR, by default the page's
# www/pkg and www/pkg-trainer. The page (www/scripts/build.sh) and the npm package
# (scripts/pack.sh) ship the same bytes from this one recipe.
#
# cargo and wasm-bindgen directly (what `wasm-pack build --no-pack` runs, with wasm-opt off as
# Cargo.toml sets it), so that serving the page needs no wasm-pack install. Cargo keeps both
# feature sets' builds, so a second call with other folders only re-runs wasm-bindgen.
#
#   bash scripts/build-wasm.sh [ENGINE_DIR TRAINER_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
engine_dir=${1:-www/pkg}
trainer_dir=${2:-www/pkg-trainer}

out="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/wasmtune.wasm"
echo "[wasm] engine → $engine_dir"
cargo build --quiet --lib --release --target wasm32-unknown-unknown --features wasm
wasm-bindgen --target web --out-dir "$engine_dir" "$out"
echo "[wasm] MNIST trainer → $trainer_dir"
cargo build --quiet --lib --release --target wasm32-unknown-unknown --features wasm-trainer
wasm-bindgen --target web --out-dir "$trainer_dir" --out-name wasmtune_trainer "$out"
test -f "$engine_dir/wasmtune_bg.wasm" && test -f "$trainer_dir/wasmtune_trainer_bg.wasm"
