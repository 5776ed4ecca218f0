#!/usr/bin/env bash
# Fuzzes one target of fuzz/ (cargo-fuzz, libFuzzer) for a while, then minimizes its corpus.
#   bash scripts/fuzz.sh TARGET [SECONDS]     # TARGET: journal, search_space, stream_line
#   bash scripts/fuzz.sh --list
# Installs cargo-fuzz and the nightly toolchain when missing. Runs niced on one job, so it can run
# beside other work; CI does not fuzz. Crashes land in fuzz/artifacts/TARGET/ (reproduce with
# `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...`). The corpus it grows is
# fuzz/corpus/TARGET, minimized in place at the end (`cargo fuzz cmin`) and committed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

if [ "${1:-}" = "--list" ]; then
  cargo +nightly fuzz list
  exit 0
fi
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS] (targets: journal, search_space, stream_line)}
seconds=${2:-600}
root=$(pwd)
mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
# With -jobs, libFuzzer writes the run's output to fuzz-0.log in the working directory: one
# directory per target, so that several targets can run at once.
cd "fuzz/artifacts/$target"
# -timeout: an input taking over 10 s counts as a hang; -rss_limit_mb: over 2 GB as a leak or a
# bomb. Both are failures the engine must not have.
nice -n 19 cargo +nightly fuzz run --fuzz-dir "$root/fuzz" "$target" "$root/fuzz/corpus/$target" -- \
  -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$root/fuzz/artifacts/$target/"
tail -n 15 fuzz-0.log
mv fuzz-0.log "../$target.log"
cd "$root"
nice -n 19 cargo +nightly fuzz cmin "$target" "fuzz/corpus/$target"
