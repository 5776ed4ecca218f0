#!/usr/bin/env bash
# Runs every test. Installs what it needs first (idempotent), so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)

step "install tools"
bash scripts/install-tools.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (native)"
cargo clippy --all-targets -- -D warnings

step "cargo clippy (wasm32)"
cargo clippy --lib --tests --target wasm32-unknown-unknown -- -D warnings

step "cargo test (native)"
cargo test --all-targets
cargo test --doc

step "wasm-pack test --headless --chrome (engine in headless Chromium)"
# webdriver.json (repo root) passes Chromium the flags it needs here: no sandbox as root, and no
# background networking on a closed network.
wasm-pack test --headless --chrome . --test wasm

printf '\nall tests passed in %ss\n' "$(( $(date +%s) - start ))"
