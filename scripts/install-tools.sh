#!/usr/bin/env bash
# Installs the tools, skipping what is already present, so a fresh machine and a warm one run
# the same command. Versions here are the single source of truth: WASM_BINDGEN_VERSION must equal
# the `=x.y.z` pin in Cargo.toml, because wasm-bindgen refuses a module built against another
# version (and wasm-pack only uses the wasm-bindgen on PATH on an exact match).
#
#   bash scripts/install-tools.sh serve   # what serving the page needs: the wasm32 target and
#                                         # wasm-bindgen (scripts/serve.sh)
#   bash scripts/install-tools.sh         # all of that, and what the tests need besides: rustfmt,
#                                         # clippy, wasm-pack, Chromium, lavapipe, the Optuna venv
set -euo pipefail

mode=${1:-test}
case "$mode" in
  serve | test) ;;
  *)
    echo "install-tools.sh: unknown mode '$mode' (expected 'serve' or nothing)" >&2
    exit 2
    ;;
esac

WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1

log() { printf '[install-tools] %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

if [ "$mode" = serve ]; then
  log "serving tools ready: $(wasm-bindgen --version)"
  exit 0
fi

for comp in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$comp"; then
    log "adding rust component $comp"
    rustup component add "$comp"
  fi
done

if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  log "installing wasm-pack $WASM_PACK_VERSION (about 4 minutes)"
  cargo install wasm-pack --version "=$WASM_PACK_VERSION" --locked --force
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing Debian chromium and chromium-driver"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The WebGPU trainer's native tests run wgpu on lavapipe, Mesa's software Vulkan driver (no GPU
# needed); without it wgpu finds no adapter and those tests fail, saying so.
if ! ls /usr/share/vulkan/icd.d/lvp_icd.*.json >/dev/null 2>&1; then
  log "installing Debian mesa-vulkan-drivers (lavapipe software Vulkan)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mesa-vulkan-drivers libvulkan1 >/dev/null
fi

# PostgreSQL, for the RDB storage's distributed tests (tests/engine/rdb_postgres.rs starts a throwaway
# cluster of its own with initdb/pg_ctl; nothing runs as a service).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing Debian postgresql"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

# Optuna 5.0.0 itself, for the interop tests (journal files and databases both ways) and the
# benchmarks; psycopg2 so Optuna's workers reach PostgreSQL, optuna-dashboard for its API test.
VENV="$(cd "$(dirname "$0")/.." && pwd)/benches/.venv"
# Pinned, so that every machine tests against the same versions.
if ! "$VENV/bin/python" -c 'import optuna, scipy, psycopg2, optuna_dashboard; assert optuna.__version__ == "5.0.0"; assert optuna_dashboard.__version__ == "0.21.0"' 2>/dev/null; then
  log "creating $VENV with optuna==5.0.0, scipy, psycopg2-binary and optuna-dashboard"
  python3 -m venv "$VENV"
  # --no-compile: pip would byte-compile every installed file (scipy's thousands) up front, half of
  # the venv's creation time (13.8 against 7.4 s of CPU); Python compiles the modules a test
  # imports when it first imports them, and keeps them.
  "$VENV/bin/pip" install -q --no-compile --disable-pip-version-check 'optuna==5.0.0' 'scipy==1.17.1' 'psycopg2-binary==2.9.13' 'optuna-dashboard==0.21.0'
fi

log "tools ready: $(wasm-bindgen --version), $(wasm-pack --version), $(/usr/bin/chromium --version 2>/dev/null)"
