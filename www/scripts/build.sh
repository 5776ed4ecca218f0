#!/usr/bin/env bash
# Builds the page: npm dependencies (npm ci, skipped while node_modules matches the lockfile), the
# wasm (release, into www/pkg), type check, the Vite build (www/dist), and the shipped sizes.
# Used by scripts/serve.sh and scripts/test-www.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

lock_hash=$(sha256sum www/package-lock.json | cut -d' ' -f1)
if [ "$(cat www/node_modules/.wasmtune-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "[www] npm ci"
  (cd www && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > www/node_modules/.wasmtune-lock-hash
fi

echo "[www] wasm-pack build --release"
wasm-pack --quiet build --release --target web --out-dir www/pkg --no-pack . 2>&1 | grep -v '^\[INFO\]' || true
test -f www/pkg/wasmtune_bg.wasm

echo "[www] tsc --noEmit && vite build"
cd www
npx --no-install tsc --noEmit
npx --no-install vite build --logLevel warn
node scripts/sizes.mjs
