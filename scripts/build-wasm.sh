#!/usr/bin/env bash
# Builds the two wasm modules (release) and their JS bindings: the engine (Cargo feature `wasm`)
# into ENGINE_DIR and the MNIST trainer (`wasm-trainer`) into TRAINER_DIR, by default the page's
# www/pkg and www/pkg-trainer. The page (www/scripts/build.sh) and the npm package
# (scripts/pack.sh) ship the same bytes from this one recipe.
#
# cargo and wasm-bindgen directly (what `wasm-pack build --no-pack` runs, with wasm-opt off as
# Cargo.toml sets it), so that serving the page needs no wasm-pack install. Cargo keeps both
# builds, so a second call with other folders only re-runs wasm-bindgen.
#
#   bash scripts/build-wasm.sh [ENGINE_DIR TRAINER_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
engine_dir=${1:-www/pkg}
trainer_dir=${2:-www/pkg-trainer}

# Each module builds in a target directory of its own, both at once: a release wasm build ends in a
# long single-threaded link-time optimization (fat LTO, one codegen unit), so two side by side use
# both cores, and neither waits on the other's (or a debug build's) lock on target/. The engine's
# dependencies are few, so building them twice costs little.
target=${CARGO_TARGET_DIR:-target}
build() { # FEATURES TARGET_DIR
  CARGO_TARGET_DIR="$2" cargo build --quiet --lib --release --target wasm32-unknown-unknown --features "$1"
}
build wasm "$target/wasm-engine" &
engine_pid=$!
build wasm-trainer "$target/wasm-trainer" &
trainer_pid=$!
status=0
wait "$engine_pid" || status=1
wait "$trainer_pid" || status=1
[ "$status" -eq 0 ] || { echo "[wasm] a release build failed (its errors are above)" >&2; exit 1; }

# Without the "name" section: function names for debuggers' stack traces, 135 KB (engine) and
# 200 KB (trainer) that every visitor downloaded (37 and 54 KB gzipped; benches/PAGE.md). Errors
# reach JS as messages, which do not need them.
module=wasm32-unknown-unknown/release/wasmtune.wasm
echo "[wasm] engine → $engine_dir"
wasm-bindgen --target web --remove-name-section --out-dir "$engine_dir" "$target/wasm-engine/$module"
echo "[wasm] MNIST trainer → $trainer_dir"
wasm-bindgen --target web --remove-name-section --out-dir "$trainer_dir" --out-name wasmtune_trainer "$target/wasm-trainer/$module"
test -f "$engine_dir/wasmtune_bg.wasm" && test -f "$trainer_dir/wasmtune_trainer_bg.wasm"
