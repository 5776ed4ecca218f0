#!/usr/bin/env bash
# The page's tests: builds it (www/scripts/build.sh: npm ci when needed, wasm release build, Vite),
# then the unit tests (vitest) and the end-to-end tests (playwright-core driving Debian's
# /usr/bin/chromium headless). Prints one `N passed; M failed` line per runner for scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash www/scripts/build.sh
cd www

echo "[www] vitest"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
# vitest's limit is 5 s a test by default; a test that compiles the wasm (the engine's bindings in
# Node) on a cold, loaded machine can come near it. Ours: 2 minutes a test and hook. It only
# decides how long a hung test takes to fail. The end-to-end tests' limits are in e2e/harness.mjs.
# vitest's own summary lines are left out: test.sh sums every "N passed" it sees, so each runner
# prints exactly one such line, computed from the JSON report.
NO_COLOR=1 npx --no-install vitest run --testTimeout=120000 --hookTimeout=120000 --reporter=default --reporter=json --outputFile.json="$report" 2>&1 \
  | grep -Ev '^ *(Test Files|Tests) ' || true
if ! node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`www unit (vitest): ${r.numPassedTests} passed; ${r.numFailedTests} failed`);
  process.exit(r.success ? 0 : 1);
' "$report"; then
  status=1
  [ -s "$report" ] || echo "www unit (vitest): 0 passed; 1 failed"
fi

echo "[www] end-to-end (headless Chromium)"
# Three browsers at once (e2e/harness.mjs: each its own server, origin and profile), taking tests
# from one queue. A test mostly waits on one page's worker, so another browser uses the CPU the
# first leaves idle: the full suite took 390 s with two against about 470 s one at a time, and 278 s
# with three against 284 s with two even with a build running beside the three (benches/BUILD.md).
E2E_SHARDS=3 node e2e/run.mjs || status=1
exit $status
