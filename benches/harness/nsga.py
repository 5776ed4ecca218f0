"""Multi-objective side-by-side: wasmtune's NSGA-II vs Optuna 5.0.0's on ZDT1 and ZDT2 (30-D).

Both sides run the same options (Optuna's defaults, and the configuration tests/engine/nsga.rs uses
where Optuna has the same knobs), the same budget and seeds; the score is the hypervolume of the
Pareto front of all trials with reference point (1.1, 1.1), as a fraction of the true front's.
Overhead: mean ms per trial over trial ranges on a 2-objective 10-D problem, both in-process.

    benches/.venv/bin/python benches/harness/nsga.py --wasmtune target/release/wasmtune [--seeds 5]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
import warnings

import optuna
from optuna.samplers.nsgaii import BLXAlphaCrossover, PolynomialMutation, SBXCrossover

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore")

TRUTH = {"ZDT1": 0.1 + 2 / 3 + 0.11, "ZDT2": 0.1 + 1 / 3 + 0.11}
CONFIGS = {
    "defaults": ({}, {}),
    "SBX + polynomial mutation": (
        {"crossover": "SBXCrossover", "mutation": "PolynomialMutation"},
        {"crossover": SBXCrossover(), "mutation": PolynomialMutation()},
    ),
    "BLX-α + polynomial mutation, population 30": (
        {"crossover": "BLXAlphaCrossover", "mutation": "PolynomialMutation", "population_size": 30},
        {"crossover": BLXAlphaCrossover(), "mutation": PolynomialMutation(), "population_size": 30},
    ),
}


def zdt(name: str, x: list[float]) -> tuple[float, float]:
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    h = 1 - math.sqrt(x[0] / g) if name == "ZDT1" else 1 - (x[0] / g) ** 2
    return x[0], g * h


def hv2(points: list[tuple[float, float]], ref=(1.1, 1.1)) -> float:
    area, best_y = 0.0, ref[1]
    for x, y in sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1]):
        if y < best_y:
            area += (ref[0] - x) * (best_y - y)
            best_y = y
    return area


def front(points):
    return [p for p in points if not any(q[0] <= p[0] and q[1] <= p[1] and q != p for q in points)]


def run_optuna(problem: str, kwargs: dict, seed: int, n: int) -> float:
    s = optuna.create_study(directions=["minimize"] * 2, sampler=optuna.samplers.NSGAIISampler(seed=seed, **kwargs))
    s.optimize(lambda t: zdt(problem, [t.suggest_float(f"x{i:02}", 0, 1) for i in range(30)]), n_trials=n)
    return hv2([tuple(t.values) for t in s.best_trials]) / TRUTH[problem]


def run_ours(binary: str, problem: str, kwargs: dict, seed: int, n: int) -> float:
    space = {f"x{i:02}": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "log": False, "step": None}}
             for i in range(30)}
    cmd = [binary, "stream", "--sampler", "NSGAIISampler", "--sampler-kwargs", json.dumps(dict(kwargs, seed=seed)),
           "--direction", "minimize", "--direction", "minimize", "--n-trials", str(n), "--search-space", json.dumps(space)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    points = []
    while True:
        msg = json.loads(proc.stdout.readline())
        if "number" not in msg or "params" not in msg:
            break
        v = zdt(problem, [msg["params"][f"x{i:02}"] for i in range(30)])
        points.append(v)
        proc.stdin.write(json.dumps({"number": msg["number"], "values": list(v)}) + "\n")
        proc.stdin.flush()
    proc.stdin.close()
    proc.wait()
    return hv2(front(points)) / TRUTH[problem]


def overhead_optuna(n: int) -> list[float]:
    s = optuna.create_study(directions=["minimize"] * 2, sampler=optuna.samplers.NSGAIISampler(seed=0))
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        t = s.ask()
        x = [t.suggest_float(f"x{i}", -5, 5) for i in range(10)]
        s.tell(t, [sum(v * v for v in x), sum((v - 1) ** 2 for v in x)])
        times.append((time.perf_counter() - t0) * 1000)
    return times


def overhead_ours(binary: str, n: int) -> dict:
    out = subprocess.run([binary, "overhead", "--sampler", "NSGAIISampler", "--sampler-kwargs", '{"seed":0}',
                          "--dim", "10", "--n-trials", str(n), "--objectives", "2"],
                         check=True, capture_output=True, text=True).stdout
    return {(r["from"], r["to"] + 1): r["mean_ms"] for r in json.loads(out)["ranges"]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasmtune", required=True)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--trials", type=int, default=5000)
    ap.add_argument("--out", default="benches/NSGA.md")
    args = ap.parse_args()
    lines = ["# NSGA-II: wasmtune vs Optuna 5.0.0", "",
             f"- command: `benches/.venv/bin/python benches/harness/nsga.py --wasmtune {args.wasmtune} --seeds {args.seeds}`",
             f"- ZDT1/ZDT2, 30-D, {args.trials} trials, seeds 0..{args.seeds - 1}; score = hypervolume of the front of"
             " all trials (reference (1.1, 1.1)) / the true front's; median [min, max]", "",
             "| options | problem | wasmtune | Optuna |", "|---|---|---|---|"]
    for label, (ours_kw, theirs_kw) in CONFIGS.items():
        for problem in TRUTH:
            ours = [run_ours(args.wasmtune, problem, ours_kw, s, args.trials) for s in range(args.seeds)]
            theirs = [run_optuna(problem, theirs_kw, s, args.trials) for s in range(args.seeds)]
            f = lambda v: f"{statistics.median(v):.3f} [{min(v):.3f}, {max(v):.3f}]"  # noqa: E731
            lines.append(f"| {label} | {problem} | {f(ours)} | {f(theirs)} |")
            print(lines[-1], file=sys.stderr, flush=True)
    lines += ["", "Not an Optuna option, so no Optuna column: with `crowded_tournament: true` and BLX-α/polynomial"
              " mutation/population 30, tests/engine/nsga.rs measures 95.5-98% on both problems.", ""]
    n = 1000
    theirs = overhead_optuna(n)
    ours = overhead_ours(args.wasmtune, n)
    lines += [f"## Overhead per trial, 2 objectives, 10-D, {n} trials (ms, mean over the range)", "",
              "| trials | wasmtune native | Optuna | Optuna / wasmtune |", "|---|---|---|---|"]
    for lo, hi in [(0, 100), (100, 500), (500, 1000)]:
        o, t = ours[(lo, hi)], sum(theirs[lo:hi]) / (hi - lo)
        lines.append(f"| {lo}-{hi - 1} | {o:.4f} | {t:.3f} | {t / o:.1f}x |")
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
