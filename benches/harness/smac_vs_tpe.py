"""Our SMACSampler against our TPESampler (and RandomSampler) on the mixed and conditional
problems, 10 seeds, budgets 50/100/200: wasmtune only, so it runs in seconds.

  python benches/harness/smac_vs_tpe.py target/release/wasmtune
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
print("| problem | budget | median regret SMAC | median regret TPE | p | SMAC vs TPE | median regret Random |")
print("|---|---|---|---|---|---|---|")
for p in [q for q in problems() if q.name in ("mixed_int_log_cat", "conditional")]:
    res = {s: [run.run_wasmtune(binary, p, s, seed, 200) for seed in range(10)]
           for s in ("SMACSampler", "TPESampler", "RandomSampler")}
    for b in (50, 100, 200):
        r = {s: [min(v[:b]) - p.optimum for v in vs] for s, vs in res.items()}
        pv = mannwhitneyu(r["SMACSampler"], r["TPESampler"], alternative="two-sided").pvalue
        m = {s: statistics.median(x) for s, x in r.items()}
        verdict = "equal" if not pv < 0.05 else ("better" if m["SMACSampler"] < m["TPESampler"] else "worse")
        print(f"| {p.name} | {b} | {m['SMACSampler']:.4g} | {m['TPESampler']:.4g} | {pv:.3f} | {verdict} | {m['RandomSampler']:.4g} |",
              flush=True)
