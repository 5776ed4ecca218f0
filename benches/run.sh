#!/usr/bin/env bash
# The side-by-side benchmark against Optuna 5.0.0: sets up its own Python environment
# (benches/.venv, idempotent), builds wasmtune (release), measures wasm overhead in headless
# Chromium, runs the harness, and writes benches/RESULTS.md.
#   bash benches/run.sh            # full run (10 seeds, budgets 100 and 200)
#   SEEDS=3 bash benches/run.sh    # quicker look
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Also creates benches/.venv with optuna==5.0.0 and scipy when missing.
bash scripts/install-tools.sh
VENV=benches/.venv
cargo build --release --features cli --bin wasmtune

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "==> wasm overhead in headless Chromium"
wasm-pack test --release --headless --chrome . --test wasm_overhead -- --nocapture 2>&1 | tee "$tmp/wasm.log" | grep -E "WASM_OVERHEAD|test result" || true
sed -n 's/.*WASM_OVERHEAD //p' "$tmp/wasm.log" | head -n 1 > "$tmp/wasm.json"
# The native figure for the wasm ratio is taken right after, on the same machine state.
target/release/wasmtune overhead --sampler TPESampler --sampler-kwargs '{"seed":0}' --dim 10 --n-trials 1000 > "$tmp/native.json"

echo "==> quality and overhead vs Optuna"
"$VENV/bin/python" benches/harness/run.py --wasmtune target/release/wasmtune --seeds "${SEEDS:-10}" \
  --wasm-overhead "$tmp/wasm.json" --native-wasm-overhead "$tmp/native.json" \
  --command "bash benches/run.sh${SEEDS:+ (SEEDS=$SEEDS)}" --out "${OUT:-benches/RESULTS.md}"
