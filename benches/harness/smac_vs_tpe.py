"""Our SMACSampler against our TPESampler (and RandomSampler) on the mixed and conditional
problems, 10 seeds, budgets 50/100/200: wasmtune only, so it runs in seconds.

  python benches/harness/smac_vs_tpe.py target/release/wasmtune [--per-budget]

By default each seed is one 200-trial study read at 50, 100 and 200 trials, as the harness reads
the reference, so SMAC is told `n_trials` 200 and its Sobol design fills the first
`min(10 * dims, 0.25 * 200)` trials. `--per-budget` runs a study per budget told that budget, as a
user with 50 trials would set it up (a 12-trial design at 50 on the 5-D mixed problem).
"""
import os
import statistics
import sys

from scipy.stats import mannwhitneyu

sys.path.insert(0, os.path.dirname(__file__))
import run  # noqa: E402
from problems import problems  # noqa: E402

run.SAMPLERS["RandomSampler"] = {}
binary = sys.argv[1]
per_budget = "--per-budget" in sys.argv[2:]
print("| problem | budget | median regret SMAC | median regret TPE | p | SMAC vs TPE | median regret Random |")
print("|---|---|---|---|---|---|---|")
for p in [q for q in problems() if q.name in ("mixed_int_log_cat", "conditional")]:
    samplers = ("SMACSampler", "TPESampler", "RandomSampler")
    res = {s: [run.run_wasmtune(binary, p, s, seed, 200) for seed in range(10)] for s in samplers}
    for b in (50, 100, 200):
        at = dict(res)
        if per_budget and b < 200:
            # Only SMAC reads n_trials (run.TAKES_N_TRIALS); the others' prefixes are the same runs.
            at["SMACSampler"] = [run.run_wasmtune(binary, p, "SMACSampler", seed, b) for seed in range(10)]
        r = {s: [min(v[:b]) - p.optimum for v in vs] for s, vs in at.items()}
        pv = mannwhitneyu(r["SMACSampler"], r["TPESampler"], alternative="two-sided").pvalue
        m = {s: statistics.median(x) for s, x in r.items()}
        verdict = "equal" if not pv < 0.05 else ("better" if m["SMACSampler"] < m["TPESampler"] else "worse")
        print(f"| {p.name} | {b} | {m['SMACSampler']:.4g} | {m['TPESampler']:.4g} | {pv:.3f} | {verdict} | {m['RandomSampler']:.4g} |",
              flush=True)
