#!/usr/bin/env bash
# Runs every test. Installs what it needs first (idempotent), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
# wgpu's Vulkan loader warns on every test without a runtime dir (none in a container or CI job).
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

start=$(date +%s)
# Each stage's line says when it began (seconds into the run), so a slow stage shows in the log.
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "install tools"
bash scripts/install-tools.sh

step "MNIST digits for the trainer's tests (scripts/mnist-data.sh)"
bash scripts/mnist-data.sh

step "cargo fmt --check"
cargo fmt --all -- --check

# The page's two release wasm modules (fat LTO, one codegen unit) start now, in the background, in
# target directories of their own (scripts/build-wasm.sh): their long single-threaded stretches
# (the link-time optimization of each module) then use the core the stages below leave idle, and
# the page's build further down finds them done. Their log is printed when the page's stage joins.
wasm_log=$(mktemp)
# A session of its own (setsid), so that a failing stage's exit also stops it and its compilers.
setsid bash scripts/build-wasm.sh www/pkg www/pkg-trainer >"$wasm_log" 2>&1 &
wasm_pid=$!
trap 'kill -- -"$wasm_pid" 2>/dev/null || true; rm -f "$log" "$wasm_log"' EXIT

# Cargo features (Cargo.toml): the engine is the default; `cli`, `trainer`, `webgpu`, `wasm` and
# `wasm-trainer` add the rest. Each stage builds only what it needs.
step "cargo clippy (native: every feature; then the engine alone, as a library user builds it)"
cargo clippy --all-targets --all-features -- -D warnings
cargo clippy --lib --examples -- -D warnings

step "cargo doc (every feature, warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --all-features

step "cargo test (native: the engine, the CLI and the MNIST trainer, candle on the CPU and wgpu on lavapipe)"
# One build for every native test: the engine's dependencies are compiled once, with the features
# the trainer's dependencies add to them (candle turns on features of num-traits, rand, serde,
# syn, ...: built for the engine alone and then for the trainer, some 40 of them and the crate were
# compiled twice; benches/BUILD.md has the measurement). The engine alone, as a library user builds
# it, is what the second clippy above checks, and what the npm package's stage builds and runs.
# The test binaries are named: --tests would add benches/trainer_study.rs (a benchmark kept as a
# test target, which skips without its environment). Not built here either: the benches (without
# --bench they only print that they skip) and the examples in test mode (they have no tests; the
# next stage builds and runs them); clippy's --all-targets above checks that each compiles.
cargo test --lib --bins --test engine --test importance_memory --test trainer --test trainer_gpu --features cli,webgpu 2>&1 | tee -a "$log"
cargo test --doc --features cli,webgpu 2>&1 | tee -a "$log"

step "examples (one per sampler family and a pruner; each checks its own result)"
# Built as the tests' build left the library (same features), then each run as a user would.
cargo build --quiet --examples --features cli,webgpu
for example in examples/*.rs; do
  name=$(basename "$example" .rs)
  echo "--- example $name"
  "target/debug/examples/$name"
done

step "wasm-pack test --headless --chrome (engine and trainer in headless Chromium; their wasm32 lint)"
# webdriver.json (repo root) passes Chromium the flags it needs here: no sandbox as root, and no
# background networking on a closed network.
# wasm-bindgen-test-runner gives the whole suite 20 s unless told otherwise, then kills the driver.
# The suite takes about 16 s with warm caches, but a cold browser profile (V8 compiling the module,
# SwiftShader compiling the WebGPU trainer's shaders) on a loaded machine has gone past 20 s. The
# limit only decides how long a hung suite takes to fail, so it is ours and wide: 10 minutes.
export WASM_BINDGEN_TEST_TIMEOUT=600
# This build is also the wasm32 lint: clippy-driver compiles the crate's own code (its lints run, then
# code generation), and -D warnings makes a lint an error. A separate `cargo clippy --target
# wasm32-unknown-unknown` would type-check candle and wgpu for wasm32 once more only to lint.
# RUSTFLAGS replaces .cargo/config.toml's wasm32 flags, hence simd128 repeated here.
RUSTC_WORKSPACE_WRAPPER=clippy-driver RUSTFLAGS="-C target-feature=+simd128 -D warnings" \
  wasm-pack test --headless --chrome . --features wasm,wasm-trainer --test wasm 2>&1 | tee -a "$log"

step "www: build, vitest, end-to-end in headless Chromium"
wasm_status=0
wait "$wasm_pid" || wasm_status=$?
echo "[wasm] the release builds started after fmt (exit $wasm_status):"
cat "$wasm_log"
[ "$wasm_status" -eq 0 ]
bash scripts/test-www.sh 2>&1 | tee -a "$log"

step "npm package: pack, install into a temporary project, run in Node, a plain page and Vite"
# After the page's build: it reuses the wasm that build left in target/ and the page's dev tools.
bash scripts/test-package.sh 2>&1 | tee -a "$log"

# One closing line for the whole run, summed over every runner above.
sum() { grep -Eo "[0-9]+ $1" "$log" | awk '{ n += $1 } END { print n + 0 }'; }
printf '\nall tests ran in %ss\n' "$(( $(date +%s) - start ))"
printf 'wasmtune: %s passed, %s failed\n' "$(sum passed)" "$(sum failed)"
