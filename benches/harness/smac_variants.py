"""Our SMACSampler in several variants (binaries and/or keyword arguments) against the first one,
on the mixed and conditional problems, budgets 50/100/200: per variant the median regret and the
two-sided Mann-Whitney U p against the first. wasmtune only.

  python benches/harness/smac_variants.py SEEDS LABEL=BINARY=KWARGS_JSON ...
  e.g. python benches/harness/smac_variants.py 20 before=/tmp/before/wasmtune= \\
         'best=target/release/wasmtune={"surrogate_model_rf_splitter":"best"}' after=target/release/wasmtune=
"""
import json
import os
import statistics
import sys

from scipy.stats import mannwhitneyu

sys.path.insert(0, os.path.dirname(__file__))
import run  # noqa: E402
from problems import problems  # noqa: E402

BUDGETS = (50, 100, 200)
seeds = int(sys.argv[1])
variants = [v.split("=", 2) for v in sys.argv[2:]]
print("| problem | budget | " + " | ".join(f"{label} (p against {variants[0][0]})" for label, _, _ in variants) + " |")
print("|---|---|" + "---|" * len(variants))
for p in [q for q in problems() if q.name in ("mixed_int_log_cat", "conditional")]:
    regrets = {}
    for label, binary, kwargs in variants:
        run.SAMPLERS["SMACSampler"] = json.loads(kwargs or "{}")
        runs = [run.run_wasmtune(binary, p, "SMACSampler", seed, max(BUDGETS)) for seed in range(seeds)]
        regrets[label] = [[min(v[:b]) - p.optimum for b in BUDGETS] for v in runs]
    base = regrets[variants[0][0]]
    for k, b in enumerate(BUDGETS):
        cells = []
        for label, _, _ in variants:
            r = [x[k] for x in regrets[label]]
            pv = mannwhitneyu(r, [x[k] for x in base], alternative="two-sided").pvalue
            cells.append(f"{statistics.median(r):.4g} (p {pv:.2f})")
        print(f"| {p.name} | {b} | " + " | ".join(cells) + " |", flush=True)
