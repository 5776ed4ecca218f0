#!/usr/bin/env bash
# Runs every test. Installs what it needs first (idempotent), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
# wgpu's Vulkan loader warns on every test without a runtime dir (none in a container or CI job).
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "install tools"
bash scripts/install-tools.sh

step "MNIST digits for the trainer's tests (scripts/mnist-data.sh)"
bash scripts/mnist-data.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native)"
cargo clippy --all-targets -- -D warnings

step "cargo clippy (wasm32)"
cargo clippy --lib --tests --target wasm32-unknown-unknown -- -D warnings

step "cargo test (native)"
cargo test --all-targets 2>&1 | tee -a "$log"
cargo test --doc 2>&1 | tee -a "$log"

step "wasm-pack test --headless --chrome (engine in headless Chromium)"
# webdriver.json (repo root) passes Chromium the flags it needs here: no sandbox as root, and no
# background networking on a closed network.
wasm-pack test --headless --chrome . --test wasm 2>&1 | tee -a "$log"

step "www: build, vitest, end-to-end in headless Chromium"
bash scripts/test-www.sh 2>&1 | tee -a "$log"

# One closing line for the whole run, summed over every runner above.
sum() { grep -Eo "[0-9]+ $1" "$log" | awk '{ n += $1 } END { print n + 0 }'; }
printf '\nall tests ran in %ss\n' "$(( $(date +%s) - start ))"
printf 'wasmtune: %s passed, %s failed\n' "$(sum passed)" "$(sum failed)"
