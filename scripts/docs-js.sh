#!/usr/bin/env bash
# The JS API's reference (TypeDoc) from the package's source, www/src/lib, into pkg/docs/: the
# main entry `wasmtune` and the trainer's `wasmtune/mnist`. Warnings are errors, so an exported
# item without its doc comment or a broken {@link} fails the test command.
#
#   bash scripts/docs-js.sh          # then open pkg/docs/index.html
set -euo pipefail
cd "$(dirname "$0")/.."
bash www/scripts/npm-deps.sh
www/node_modules/.bin/typedoc --options npm/typedoc.json
echo "[docs-js] pkg/docs/index.html"
