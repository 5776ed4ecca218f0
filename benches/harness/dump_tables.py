"""Tables from the runs a `run.py --dump` file holds: for a run cut short, the seeds that finished.

  python benches/harness/dump_tables.py runs.jsonl [--budgets 50,100,200]

Each problem/budget row compares wasmtune's sampler with the reference, and with the
`--vs-wasmtune` sampler when the dump has it, on the seeds that all sides finished (medians,
two-sided Mann-Whitney U as run.py).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from collections import defaultdict

from scipy.stats import mannwhitneyu

sys.path.insert(0, os.path.dirname(__file__))
from problems import problems  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--budgets", default="50,100,200")
    args = ap.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    optimum = {p.name: p.optimum for p in problems()}
    runs = defaultdict(dict)  # (sampler, problem, side) -> seed -> values
    with open(args.dump) as f:
        for line in f:
            r = json.loads(line)
            runs[(r["sampler"], r["problem"], r["side"])][r["seed"]] = r["values"]
    for sampler, problem in sorted({(s, p) for s, p, _ in runs}):
        ours = runs[(sampler, problem, "wasmtune")]
        for side in sorted({k[2] for k in runs if k[:2] == (sampler, problem)} - {"wasmtune"}):
            theirs = runs[(sampler, problem, side)]
            seeds = sorted(set(ours) & set(theirs))
            label = "reference" if side == "reference" else f"wasmtune {side}"
            print(f"\n{sampler} vs {label} on {problem}, seeds {seeds}\n")
            print(f"| budget | median regret {sampler} | median regret {label} | p | verdict |\n|---|---|---|---|---|")
            for b in budgets:
                a = [min(ours[s][:b]) - optimum[problem] for s in seeds]
                c = [min(theirs[s][:b]) - optimum[problem] for s in seeds]
                p = mannwhitneyu(a, c, alternative="two-sided").pvalue if len(seeds) > 1 else float("nan")
                ma, mc = statistics.median(a), statistics.median(c)
                verdict = "equal" if not p < 0.05 else ("better" if ma < mc else "worse")
                print(f"| {b} | {ma:.4g} | {mc:.4g} | {p:.3f} | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
