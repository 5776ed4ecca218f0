#!/usr/bin/env bash
# Builds the wasm (release) and the page (www/dist), then serves it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Only what serving needs (the wasm32 target and wasm-bindgen); the tests' tools (Chromium,
# wasm-pack, lavapipe, the Optuna venv) are installed by scripts/test.sh.
bash scripts/install-tools.sh serve
bash www/scripts/build.sh
PORT="${PORT:-8080}"
echo "serving www/dist on http://127.0.0.1:$PORT (Ctrl-C to stop)"
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory www/dist
