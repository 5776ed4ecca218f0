#!/usr/bin/env bash
# What the SMACSampler benchmark (benches/SMAC.md) needs besides benches/.venv: OptunaHub's loader
# and SMAC3, whose pyrfr build needs swig. Idempotent; not part of the test command's installs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
if ! command -v swig >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq swig >/dev/null
fi
if ! benches/.venv/bin/python -c "import smac, optunahub" 2>/dev/null; then
  benches/.venv/bin/pip install -q "smac==2.4.*" optunahub
fi
