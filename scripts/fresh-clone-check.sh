#!/usr/bin/env bash
# Runs CI's check as CI runs it: a fresh clone of this repo's HEAD in a temporary folder (no build
# outputs, no node_modules, no Python venv), then `bash .ci/run` there, timed. Before a stop, run it
# to see what CI will see.
#
#   bash scripts/fresh-clone-check.sh            # one run
#   bash scripts/fresh-clone-check.sh --busy     # the same, with one core kept busy beside it
#
# --busy starts a busy loop pinned to nothing in particular (the scheduler spreads it) that lasts at
# most as long as the run may (90 minutes, CI's limit) and is stopped when the run ends, so the
# suite is shown to hold on a loaded machine: every wait in it must be on state, not on time.
# The log goes to $WASMTUNE_CHECK_LOG (default: a file under /tmp named after the commit).
set -euo pipefail
cd "$(dirname "$0")/.."

busy=false
suffix=""
if [ "${1:-}" = "--busy" ]; then
  busy=true
  suffix="-busy"
fi

commit=$(git rev-parse --short HEAD)
dir=$(mktemp -d /tmp/wasmtune-fresh-XXXXXX)
log=${WASMTUNE_CHECK_LOG:-/tmp/wasmtune-check-$commit$suffix.log}
git clone -q --no-local "$PWD" "$dir/repo"

loop_pid=""
cleanup() {
  [ -n "$loop_pid" ] && kill "$loop_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
if $busy; then
  # CI's 90-minute limit bounds the loop even if this script is killed before its trap runs.
  timeout 5400 bash -c 'while :; do :; done' &
  loop_pid=$!
fi

start=$(date +%s)
status=0
(cd "$dir/repo" && bash .ci/run) >"$log" 2>&1 || status=$?
secs=$(( $(date +%s) - start ))
printf 'fresh clone of %s%s: exit %s after %dm%02ds; log %s\n' \
  "$commit" "${suffix:+ (one core busy beside it)}" "$status" $((secs / 60)) $((secs % 60)) "$log"
tail -n 2 "$log"
exit $status
