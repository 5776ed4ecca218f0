"""SMACSampler's per-trial overhead at trial 500 in 10-D, ours against OptunaHub's (SMAC3), in one run.

The issue's figure is ours at trials 500-599 of a 10-D study with the ratio to SMAC3's in the same
run. SMAC3 takes seconds a trial there, so its 600 trials take most of an hour: each of its trials
is appended to `--log` (JSON lines: trial, wall ms, CPU ms of this process) as it finishes, and a
rerun that finds a complete log does not run it again. Ours runs right after it, with the same
`n_trials` and the same objective (a 10-D sphere on [-5, 5]); then the ranges are compared.

  OMP_NUM_THREADS=1 benches/.venv/bin/python benches/harness/smac_overhead.py target/release/wasmtune \
      --n-trials 600 --log benches/data/smac3-overhead.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import optuna

sys.path.insert(0, os.path.dirname(__file__))
import run  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def smac3(n_trials: int, dim: int, log: str) -> list[dict]:
    done = []
    if os.path.exists(log):
        with open(log) as f:
            done = [json.loads(line) for line in f]
    if len(done) >= n_trials:
        return done[:n_trials]
    if done:
        # A study cannot be resumed half-way: start again.
        os.remove(log)
    dists = {f"x{i}": optuna.distributions.FloatDistribution(-5, 5) for i in range(dim)}
    study = optuna.create_study(sampler=run.optuna_sampler("SMACSampler", 0, dists, n_trials))
    rows = []
    with open(log, "a") as out:
        for k in range(n_trials):
            w0, c0 = time.perf_counter(), time.process_time()
            trial = study.ask()
            xs = [trial.suggest_float(name, d.low, d.high) for name, d in dists.items()]
            study.tell(trial, sum(x * x for x in xs))
            row = {"trial": k, "wall_ms": (time.perf_counter() - w0) * 1000, "cpu_ms": (time.process_time() - c0) * 1000}
            rows.append(row)
            out.write(json.dumps(row) + "\n")
            out.flush()
    return rows


def ours(binary: str, n_trials: int, dim: int) -> dict:
    kwargs = run.sampler_kwargs("SMACSampler", 0, n_trials)
    cmd = [binary, "overhead", "--sampler", "SMACSampler", "--sampler-kwargs", json.dumps(kwargs), "--dim", str(dim),
           "--n-trials", str(n_trials)]
    t0 = os.times()
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    t1 = os.times()
    return {"ranges": out["ranges"], "cpu_s": (t1.children_user + t1.children_system) - (t0.children_user + t0.children_system)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("wasmtune")
    ap.add_argument("--n-trials", type=int, default=600)
    ap.add_argument("--dim", type=int, default=10)
    ap.add_argument("--log", default="benches/data/smac3-overhead.jsonl")
    args = ap.parse_args()
    theirs = smac3(args.n_trials, args.dim, args.log)
    mine = ours(args.wasmtune, args.n_trials, args.dim)
    print(f"| trials | SMAC3 wall, median ms | SMAC3 CPU, median ms | ours wall, median ms | ratio (medians) |")
    print("|---|---|---|---|---|")
    for r in mine["ranges"]:
        lo, hi = r["from"], r["to"] + 1
        part = theirs[lo:hi]
        if not part:
            continue
        wall = statistics.median(x["wall_ms"] for x in part)
        cpu = statistics.median(x["cpu_ms"] for x in part)
        print(f"| {lo}-{hi - 1} | {wall:.1f} | {cpu:.1f} | {r['median_ms']:.2f} | {wall / r['median_ms']:.0f}x |")
    print(f"\nours: {mine['cpu_s']:.2f} s of CPU for {args.n_trials} trials")
    return 0


if __name__ == "__main__":
    sys.exit(main())
