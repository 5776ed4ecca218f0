#!/usr/bin/env bash
# Builds the wasm (release) and the page (www/dist), then serves it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-tools.sh
bash www/scripts/build.sh
PORT="${PORT:-8080}"
echo "serving www/dist on http://127.0.0.1:$PORT (Ctrl-C to stop)"
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory www/dist
