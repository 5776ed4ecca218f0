"""AutoSampler benchmark: wasmtune's AutoSampler against each single sampler of ours and against
OptunaHub's AutoSampler (the reference, run on Optuna 5.0.0), same problems, seeds and budgets.

Quality: every run lasts max(budgets) trials; at each budget the regret (best value - optimum) is
taken per run. Samplers are ranked per problem by median regret over seeds (ties share the mean
rank) and the ranks averaged over the problems every sampler finished. Ours against OptunaHub's:
two-sided Mann-Whitney U per problem and budget, as run.py. Runs are cached one JSON line each in
`--cache`, so an interrupted run keeps what finished and a rerun resumes.

Overhead: `wasmtune overhead` (10-D sphere) for AutoSampler and for the sampler it delegates to,
one after the other, several repetitions interleaved; per trial range the ratio of the means.

Usage (repo root; benches/.venv with optuna 5.0.0, optunahub, cmaes, torch, greenlet):
  benches/.venv/bin/python benches/harness/auto.py --wasmtune target/release/wasmtune \
      --seeds 10 --budgets 50,100,200 --out benches/AUTO.md
A sampler is an Optuna class name, optionally with kwargs: 'AutoSampler{"switch_trials": 500}'.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import optuna
from scipy.stats import mannwhitneyu

sys.path.insert(0, os.path.dirname(__file__))
from problems import problems  # noqa: E402
from run import fmt, git_rev, machine, optuna_suggest, run_wasmtune  # noqa: E402
import run as harness  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)
REFERENCE = "OptunaHub AutoSampler"
OURS = "AutoSampler,GPSampler,TPESampler,CmaEsSampler,RandomSampler"


def parse_spec(spec: str) -> tuple[str, dict]:
    name, brace, rest = spec.partition("{")
    return name, (json.loads(brace + rest) if brace else {})


def run_ours(binary, problem, spec, seed, n):
    name, kwargs = parse_spec(spec)
    harness.SAMPLERS[name] = kwargs
    return run_wasmtune(binary, problem, name, seed, n)


def run_reference(module, problem, seed, n):
    study = optuna.create_study(sampler=module.AutoSampler(seed=seed))
    values, used = [], []

    def objective(trial):
        v = problem.objective(optuna_suggest(trial))
        values.append(v)
        return v

    study.optimize(objective, n_trials=n)
    used = [t.system_attrs.get("auto:sampler") for t in study.trials]
    return values, used


def load_cache(path):
    runs = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                runs[(r["sampler"], r["problem"], r["seed"], r["n"])] = r
    return runs


def ranks(medians: dict[str, float]) -> dict[str, float]:
    order = sorted(medians, key=lambda s: medians[s])
    out, i = {}, 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and medians[order[j + 1]] == medians[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def overhead(binary, spec, dim, n, reps):
    name, kwargs = parse_spec(spec)
    out = []
    for _ in range(reps):
        r = subprocess.run([binary, "overhead", "--sampler", name, "--sampler-kwargs", json.dumps(dict(kwargs, seed=0)),
                            "--dim", str(dim), "--n-trials", str(n)], check=True, capture_output=True, text=True).stdout
        out.append({(x["from"], x["to"]): x["mean_ms"] for x in json.loads(r)["ranges"]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasmtune", required=True)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--budgets", default="50,100,200")
    ap.add_argument("--problems", help="comma-separated subset, in the order to run")
    ap.add_argument("--samplers", default=OURS, help="ours: Optuna class names, optionally with kwargs JSON")
    ap.add_argument("--no-reference", action="store_true", help="skip OptunaHub's AutoSampler")
    ap.add_argument("--registry-root", default="../shared/reference/optunahub-auto-sampler")
    ap.add_argument("--cache", default="benches/auto-runs.jsonl")
    ap.add_argument("--overhead", default="", help="pairs 'Auto spec=Delegate spec' separated by ';' (10-D sphere)")
    ap.add_argument("--overhead-trials", type=int, default=300)
    ap.add_argument("--overhead-reps", type=int, default=3)
    ap.add_argument("--report-only", action="store_true", help="write the report from the cache, run nothing")
    ap.add_argument("--out", default="benches/AUTO.md")
    ap.add_argument("--command", default=" ".join(sys.argv))
    args = ap.parse_args()

    budgets = [int(b) for b in args.budgets.split(",")]
    n = max(budgets)
    by_name = {p.name: p for p in problems()}
    chosen = [by_name[p] for p in args.problems.split(",")] if args.problems else list(by_name.values())
    ours = [s for s in args.samplers.split(",") if s] if "{" not in args.samplers else args.samplers.split(";")
    everyone = ours + ([] if args.no_reference else [REFERENCE])
    cache = load_cache(args.cache)
    load_avg = os.getloadavg()[0]
    t_start = time.time()
    if not args.report_only:
        module = None
        if not args.no_reference:
            import optunahub
            import torch

            torch.set_num_threads(1)
            module = optunahub.load_local_module(package="auto_sampler", registry_root=args.registry_root)
        with open(args.cache, "a") as cf:
            for problem in chosen:
                for sampler in everyone:
                    t0 = time.perf_counter()
                    for seed in range(args.seeds):
                        key = (sampler, problem.name, seed, n)
                        if key in cache:
                            continue
                        s0 = time.perf_counter()
                        if sampler == REFERENCE:
                            values, used = run_reference(module, problem, seed, n)
                        else:
                            values, used = run_ours(args.wasmtune, problem, sampler, seed, n), None
                        r = {"sampler": sampler, "problem": problem.name, "seed": seed, "n": n, "values": values,
                             "used": used, "seconds": time.perf_counter() - s0}
                        cache[key] = r
                        cf.write(json.dumps(r) + "\n")
                        cf.flush()
                    print(f"{problem.name} {sampler}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)

    lines = [
        "## Run",
        "",
        f"- command: `{args.command}`",
        f"- written: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')};"
        f" load average at start {load_avg:.2f}",
        f"- machine: {machine()}",
        f"- versions: optuna {optuna.__version__}, python {platform.python_version()}, wasmtune {git_rev()}",
        f"- seeds 0..{args.seeds - 1}, budgets {budgets}; regret = best value - known optimum",
        "",
    ]
    for b in budgets:
        lines += [f"### Median regret at budget {b}", "",
                  "| problem | " + " | ".join(everyone) + " | ours vs reference: p | verdict |",
                  "|---|" + "---|" * (len(everyone) + 2)]
        # Ranks among ours alone (every problem ours finished), and with the reference (the
        # problems it finished too).
        rank_sum = {s: 0.0 for s in everyone}
        counted = 0
        ours_sum = {s: 0.0 for s in ours}
        ours_counted = 0
        for problem in chosen:
            regrets = {}
            for s in everyone:
                rs = [min(cache[(s, problem.name, seed, n)]["values"][:b]) - problem.optimum
                      for seed in range(args.seeds) if (s, problem.name, seed, n) in cache]
                if len(rs) == args.seeds:
                    regrets[s] = rs
            cells = [fmt(statistics.median(regrets[s])) if s in regrets else "–" for s in everyone]
            p_cell, verdict = "–", "–"
            if ours and ours[0] in regrets and REFERENCE in regrets:
                p = mannwhitneyu(regrets[ours[0]], regrets[REFERENCE], alternative="two-sided").pvalue
                mo, mr = statistics.median(regrets[ours[0]]), statistics.median(regrets[REFERENCE])
                p_cell = f"{p:.3f}"
                verdict = "equal" if not p < 0.05 else ("better" if mo < mr else "worse")
            lines.append(f"| {problem.name} | " + " | ".join(cells) + f" | {p_cell} | {verdict} |")
            if ours and all(s in regrets for s in ours):
                ours_counted += 1
                for s, r in ranks({s: statistics.median(regrets[s]) for s in ours}).items():
                    ours_sum[s] += r
            if len(regrets) == len(everyone):
                counted += 1
                for s, r in ranks({s: statistics.median(v) for s, v in regrets.items()}).items():
                    rank_sum[s] += r
        if ours_counted:
            lines += ["", f"Average rank among ours over the {ours_counted} problems they all finished (1 = best):", "",
                      "| " + " | ".join(ours) + " |", "|" + "---|" * len(ours),
                      "| " + " | ".join(f"{ours_sum[s] / ours_counted:.2f}" for s in ours) + " |"]
        lines += ["", f"Average rank with the reference, over the {counted} problems it finished too (1 = best):", ""]
        if counted:
            lines += ["| " + " | ".join(everyone) + " |", "|" + "---|" * len(everyone),
                      "| " + " | ".join(f"{rank_sum[s] / counted:.2f}" for s in everyone) + " |"]
        lines.append("")
    ref_used = {}
    for (s, prob, seed, nn), r in cache.items():
        if s == REFERENCE and r.get("used"):
            u = r["used"]
            ref_used.setdefault(prob, set()).add(" / ".join(dict.fromkeys(x for x in u[: n])))
    if ref_used:
        lines += ["### Samplers OptunaHub's AutoSampler used (`auto:sampler`, in order)", ""]
        lines += [f"- {p}: {', '.join(sorted(v))}" for p, v in ref_used.items()] + [""]
    if args.overhead and not args.report_only:
        lines += [f"### Overhead per trial, 10-D sphere, {args.overhead_trials} trials, seed 0 (ms, mean of"
                  f" {args.overhead_reps} interleaved repetitions)", "",
                  "| AutoSampler | delegate | trials | AutoSampler | delegate | ratio |", "|---|---|---|---|---|---|"]
        for pair in args.overhead.split(";"):
            a, d = pair.split("=")
            ra, rd = [], []
            for _ in range(args.overhead_reps):
                ra += overhead(args.wasmtune, a, 10, args.overhead_trials, 1)
                rd += overhead(args.wasmtune, d, 10, args.overhead_trials, 1)
            for k in sorted(ra[0]):
                ma = statistics.mean(x[k] for x in ra)
                md = statistics.mean(x[k] for x in rd)
                lines.append(f"| `{a}` | `{d}` | {k[0]}-{k[1]} | {ma:.3f} | {md:.3f} | {ma / md:.3f} |")
        lines.append("")
    lines.append(f"(wall time of this invocation: {time.time() - t_start:.0f} s)")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
