"""Tables from the runs a `run.py --dump` file holds: for a run cut short, the seeds that finished.

  python benches/harness/dump_tables.py runs.jsonl [--budgets 50,100,200] [--one-table [--rerun BINARY]]

Each problem/budget row compares wasmtune's sampler with the reference, and with the
`--vs-wasmtune` sampler when the dump has it, on the seeds that all sides finished (medians,
two-sided Mann-Whitney U as run.py). `--one-table` puts every problem in one table against the
reference, with a tally of the verdicts per budget; with `--rerun`, wasmtune's side is run again by
that binary (same seeds and budget) instead of read from the dump, whose wasmtune runs come from
whichever binary was built when each reference run finished.
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
    ap.add_argument("--one-table", action="store_true")
    ap.add_argument("--rerun", help="wasmtune binary to rerun our side with (--one-table only)")
    args = ap.parse_args()
    budgets = [int(b) for b in args.budgets.split(",")]
    optimum = {p.name: p.optimum for p in problems()}
    runs = defaultdict(dict)  # (sampler, problem, side) -> seed -> values
    with open(args.dump) as f:
        for line in f:
            r = json.loads(line)
            runs[(r["sampler"], r["problem"], r["side"])][r["seed"]] = r["values"]
    if args.one_table:
        return one_table(runs, budgets, {p.name: p for p in problems()}, args.rerun)
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


def one_table(runs: dict, budgets: list[int], by_name: dict, rerun: str | None) -> int:
    """Every problem against the reference, in the harness's problem order."""
    if rerun:
        import run

        for (sampler, problem, side), by_seed in list(runs.items()):
            if side == "reference":
                n = max(len(v) for v in by_seed.values())
                runs[(sampler, problem, "wasmtune")] = {
                    seed: run.run_wasmtune(rerun, by_name[problem], sampler, seed, n) for seed in by_seed
                }
    order = list(by_name)
    for sampler in sorted({s for s, _, _ in runs}):
        print(f"\n{sampler} against the reference\n")
        print("| problem | dims | seeds | budget | median regret wasmtune | median regret reference | p | verdict |")
        print("|---|---|---|---|---|---|---|---|")
        tally = {b: defaultdict(int) for b in budgets}
        for problem in sorted({p for s, p, _ in runs if s == sampler}, key=order.index):
            ours, theirs = runs[(sampler, problem, "wasmtune")], runs.get((sampler, problem, "reference"), {})
            seeds = sorted(set(ours) & set(theirs))
            if not seeds:
                continue
            opt = by_name[problem].optimum
            for b in budgets:
                a = [min(ours[s][:b]) - opt for s in seeds]
                c = [min(theirs[s][:b]) - opt for s in seeds]
                p = mannwhitneyu(a, c, alternative="two-sided").pvalue if len(seeds) > 1 else float("nan")
                ma, mc = statistics.median(a), statistics.median(c)
                # Below 4 seeds a side the two-sided test cannot reach p < 0.05: no verdict.
                verdict = "too few seeds" if len(seeds) < 4 else (
                    "equal" if not p < 0.05 else ("better" if ma < mc else "worse"))
                tally[b][verdict] += 1
                print(f"| {problem} | {by_name[problem].dims} | {len(seeds)} | {b} | {ma:.4g} | {mc:.4g} | {p:.3f} | {verdict} |")
        for b in budgets:
            t = tally[b]
            few = f", {t['too few seeds']} with too few seeds" if t["too few seeds"] else ""
            print(f"\nbudget {b}: {t['better']} better, {t['equal']} equal, {t['worse']} worse{few}", end="")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
