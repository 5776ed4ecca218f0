"""Side-by-side benchmark: wasmtune vs Optuna 5.0.0, same problems, budgets and seeds, one run.

Quality: each problem runs `max(budgets)` trials per seed on both sides; the regret (best value -
known optimum) after each budget is compared by medians and a two-sided Mann-Whitney U test.
Overhead: mean engine time per trial on a 10-D sphere over trial ranges, both sides in-process
(Optuna: ask + suggest + tell timed in Python; wasmtune: `wasmtune overhead`), plus wasmtune in
wasm in headless Chromium when its measurement file is given.

Usage (from the repo root, through benches/run.sh which sets up the environment):
  python benches/harness/run.py --wasmtune target/release/wasmtune [--seeds 10] [--out benches/RESULTS.md]
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

import optuna
from scipy.stats import mannwhitneyu

sys.path.insert(0, os.path.dirname(__file__))
from problems import Problem, problems  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)

# Options under test, by Optuna class name: both sides get exactly these kwargs plus the seed.
# `--samplers` picks which of them a run compares (each sampler's issue adds its line here).
VENV_HINT = "benches/.venv/bin/pip install torch greenlet"
SAMPLERS = {"TPESampler": {}, "CmaEsSampler": {}, "NSGAIISampler": {}, "GPSampler": {}, "SMACSampler": {}}
# Samplers told the study's planned number of trials (`n_trials`, both sides: it caps SMAC's
# initial design).
TAKES_N_TRIALS = {"SMACSampler"}
# OptunaHub packages standing in for Optuna on the reference side (folder under ../shared/reference/).
OPTUNAHUB = {"SMACSampler": ("smac_sampler", "optunahub-smac-sampler")}
REFERENCE_ROOT = os.environ.get("REFERENCE_ROOT", os.path.join(os.path.dirname(__file__), "../../../shared/reference"))


def sampler_kwargs(name: str, seed: int, n_trials: int) -> dict:
    kwargs = dict(SAMPLERS[name], seed=seed)
    if name in TAKES_N_TRIALS:
        kwargs["n_trials"] = n_trials
    return kwargs


def full_space(problem: Problem, draws: int = 64) -> dict:
    """Every parameter the objective can ask for, as Optuna distributions: OptunaHub's SMACSampler
    needs the whole space up front, so conditional branches are found by running the objective with
    random values (seeded, so the space is the same every run)."""
    import random

    rng = random.Random(0)
    space = {}

    def suggest(name: str, dist: dict):
        a = dist["attributes"]
        if dist["name"] == "FloatDistribution":
            space[name] = optuna.distributions.FloatDistribution(a["low"], a["high"], log=a["log"], step=a["step"])
            return rng.uniform(a["low"], a["high"])
        if dist["name"] == "IntDistribution":
            space[name] = optuna.distributions.IntDistribution(a["low"], a["high"], log=a["log"], step=a["step"])
            return rng.randint(a["low"], a["high"])
        space[name] = optuna.distributions.CategoricalDistribution(a["choices"])
        return rng.choice(a["choices"])

    for _ in range(draws):
        problem.objective(suggest)
    return space


# ---------- Optuna side ----------
def optuna_suggest(trial: optuna.Trial):
    def suggest(name: str, dist: dict):
        a = dist["attributes"]
        if dist["name"] == "FloatDistribution":
            return trial.suggest_float(name, a["low"], a["high"], log=a["log"], step=a["step"])
        if dist["name"] == "IntDistribution":
            return trial.suggest_int(name, a["low"], a["high"], log=a["log"], step=a["step"])
        return trial.suggest_categorical(name, a["choices"])

    return suggest


def single_job_forest() -> None:
    """Make SMAC3's random forest predict in the calling thread (`n_jobs=1`) instead of its default
    `n_jobs=-1`. Each tree has its own seed drawn up front and predictions are gathered per tree, so
    the runs are the same values either way (checked against runs recorded with the default), but
    joblib's threaded path polls for results with 10 ms sleeps: it spent about 75% of a 200-trial
    SMAC3 study's wall time asleep on this 2-core machine. Idempotent."""
    from smac.model.random_forest import random_forest

    cls = random_forest.RandomForest
    if getattr(cls, "_wasmtune_single_job", False):
        return
    init = cls.__init__

    def one_job(self, *args, **kwargs):
        kwargs["n_jobs"] = 1
        init(self, *args, **kwargs)

    cls.__init__ = one_job
    cls._wasmtune_single_job = True


def optuna_sampler(name: str, seed: int, space: dict | None = None, n_trials: int = 100):
    if name in OPTUNAHUB:
        import logging
        import tempfile

        import optunahub

        logging.disable(logging.INFO)  # SMAC3 logs every incumbent change
        if name == "SMACSampler":
            single_job_forest()
        package, folder = OPTUNAHUB[name]
        mod = optunahub.load_local_module(package=package, registry_root=os.path.join(REFERENCE_ROOT, folder))
        kwargs = {k: v for k, v in sampler_kwargs(name, seed, n_trials).items() if k not in ("seed", "n_trials")}
        return getattr(mod, name)(space, n_trials=n_trials, seed=seed,
                                  output_directory=tempfile.mkdtemp(prefix="smac3-"), **kwargs)
    return getattr(optuna.samplers, name)(seed=seed, **SAMPLERS[name])


def run_optuna(problem: Problem, sampler: str, seed: int, n_trials: int) -> list[float]:
    space = full_space(problem) if sampler in OPTUNAHUB else None
    study = optuna.create_study(sampler=optuna_sampler(sampler, seed, space, n_trials))
    values = []

    def objective(trial):
        v = problem.objective(optuna_suggest(trial))
        # OptunaHub's SMACSampler declares no conditions to SMAC3 and refuses a trial that leaves a
        # parameter of its space unset, so on its side every parameter is suggested each trial; the
        # objective ignores the inactive ones.
        for name, d in (space or {}).items():
            if name in trial.params:
                continue
            if isinstance(d, optuna.distributions.FloatDistribution):
                trial.suggest_float(name, d.low, d.high, log=d.log, step=d.step)
            elif isinstance(d, optuna.distributions.IntDistribution):
                trial.suggest_int(name, d.low, d.high, log=d.log, step=d.step)
            else:
                trial.suggest_categorical(name, d.choices)
        values.append(v)
        return v

    study.optimize(objective, n_trials=n_trials)
    return values


# ---------- wasmtune side (through the stream protocol) ----------
def run_wasmtune(binary: str, problem: Problem, sampler: str, seed: int, n_trials: int) -> list[float]:
    kwargs = sampler_kwargs(sampler, seed, n_trials)
    cmd = [binary, "stream", "--sampler", sampler, "--sampler-kwargs", json.dumps(kwargs), "--n-trials", str(n_trials)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    values = []

    def send(msg: dict):
        proc.stdin.write(json.dumps(msg) + "\n")
        proc.stdin.flush()

    while True:
        msg = json.loads(proc.stdout.readline())
        if "best" in msg:
            break
        number = msg["number"]

        def suggest(name: str, dist: dict):
            send({"number": number, "suggest": name, "distribution": dist})
            return json.loads(proc.stdout.readline())["value"]

        v = problem.objective(suggest)
        values.append(v)
        send({"number": number, "value": v})
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"wasmtune stream failed on {problem.name} seed {seed}")
    return values


# ---------- overhead ----------
def optuna_overhead(sampler: str, dim: int, n_trials: int, seed: int = 0) -> list[float]:
    dists = {f"x{i}": optuna.distributions.FloatDistribution(-5, 5) for i in range(dim)}
    study = optuna.create_study(sampler=optuna_sampler(sampler, seed, dists, n_trials))
    times = []
    for _ in range(n_trials):
        t0 = time.perf_counter()
        trial = study.ask()
        xs = [trial.suggest_float(k, d.low, d.high) for k, d in dists.items()]
        study.tell(trial, sum(x * x for x in xs))
        times.append((time.perf_counter() - t0) * 1000)
    return times


def mean_range(times: list[float], lo: int, hi: int) -> float:
    part = times[lo : min(hi, len(times))]
    return sum(part) / len(part) if part else float("nan")


def wasmtune_overhead(binary: str, sampler: str, dim: int, n_trials: int) -> dict:
    out = subprocess.run(
        [binary, "overhead", "--sampler", sampler, "--sampler-kwargs", json.dumps(sampler_kwargs(sampler, 0, n_trials)),
         "--dim", str(dim), "--n-trials", str(n_trials)],
        check=True, capture_output=True, text=True,
    ).stdout
    return {(r["from"], r["to"] + 1): r["mean_ms"] for r in json.loads(out)["ranges"]}


# ---------- report ----------
def fmt(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1000 or abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}"


def git_rev() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def hub_note(samplers: list[str]) -> str:
    """Versions of what the OptunaHub references run on."""
    if not any(s in OPTUNAHUB for s in samplers):
        return ""
    from importlib.metadata import version

    return f"; Optuna side for {', '.join(s for s in samplers if s in OPTUNAHUB)}: OptunaHub's package (shared/reference)," \
        f" smac {version('smac')}, optunahub {version('optunahub')}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasmtune", required=True)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--budgets", default="100,200")
    ap.add_argument("--wasm-overhead", help="JSON file written by benches/wasm_overhead.rs (optional)")
    ap.add_argument("--native-wasm-overhead", help="JSON file from `wasmtune overhead` with the wasm run's settings")
    ap.add_argument("--problems", help="comma-separated subset")
    ap.add_argument("--samplers", default="TPESampler", help="comma-separated Optuna class names from SAMPLERS")
    ap.add_argument("--dims", help="comma-separated problem dimensions to keep (e.g. 2,5)")
    ap.add_argument("--overhead-ranges", default="0-100,100-500,500-1000",
                    help="trial ranges (half-open) for the overhead table; the run lasts until the largest end")
    ap.add_argument("--torch-threads", type=int, default=1,
                    help="torch intra-op threads for Optuna's GPSampler; 1 is faster on a shared 2-core machine")
    ap.add_argument("--vs-wasmtune", help="also compare each sampler with this wasmtune sampler (e.g. TPESampler)"
                    " on the same seeds, in a second table")
    ap.add_argument("--dump", help="append each run's values here (JSON lines), as it finishes; the reference's runs "
                    "already there (same sampler, problem, seed and trial count) are read back instead of run again, "
                    "so a benchmark cut short resumes")
    ap.add_argument("--out", default="benches/RESULTS.md")
    ap.add_argument("--command", default=" ".join(sys.argv))
    args = ap.parse_args()

    budgets = [int(b) for b in args.budgets.split(",")]
    chosen = [p for p in problems() if not args.problems or p.name in args.problems.split(",")]
    if args.dims:
        chosen = [p for p in chosen if str(p.dims) in args.dims.split(",")]
    samplers = args.samplers.split(",")
    unknown = [s for s in samplers if s not in SAMPLERS]
    if unknown:
        ap.error(f"unknown sampler(s) {unknown}; known: {list(SAMPLERS)}")
    ranges = [tuple(int(x) for x in r.split("-")) for r in args.overhead_ranges.split(",")]
    gp_note = ""
    if "GPSampler" in samplers:
        # Optuna's GPSampler needs torch, and runs its L-BFGS-B restarts in a batch only with greenlet
        # (about 4x faster here); measure it at its best, so both must be present.
        try:
            import greenlet  # noqa: F401
            import torch
        except ImportError as e:
            ap.error(f"Optuna's GPSampler needs torch and greenlet: {VENV_HINT} ({e})")
        torch.set_num_threads(args.torch_threads)
        gp_note = f", torch {torch.__version__} ({args.torch_threads} thread(s)), greenlet {greenlet.__version__}"
    args.overhead_trials = max(hi for _, hi in ranges)
    lines = [
        "# Benchmark results: wasmtune vs Optuna 5.0.0",
        "",
        f"- command: `{args.command}`",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {machine()}; load average at start {os.getloadavg()[0]:.2f} (other work on the machine slows"
        " both sides, Python's more: compare ratios from quiet runs)",
        f"- versions: optuna {optuna.__version__}, python {platform.python_version()}, wasmtune {git_rev()}{gp_note}"
        f"{hub_note(samplers)}",
        f"- seeds 0..{args.seeds - 1}, budgets {budgets}; regret = best value - known optimum (lower is better);"
        " Mann-Whitney U two-sided, p < 0.05 = significant",
        "",
    ]
    n_max = max(budgets)
    done = {}
    if args.dump and os.path.exists(args.dump):
        with open(args.dump) as f:
            for line in f:
                r = json.loads(line)
                # Only the reference's runs are read back: they are the slow ones (SMAC3: seconds a
                # trial), and ours are rerun so that they come from the binary being measured.
                if r.get("n") == n_max and r["side"] == "reference":
                    done[(r["sampler"], r["problem"], r["seed"], r["side"])] = r["values"]

    for sampler in samplers:
        lines += [f"## {sampler}: quality", "", "| problem | dims | budget | median regret wasmtune | median regret Optuna | p | verdict |", "|---|---|---|---|---|---|---|"]
        tally = {"better": 0, "equal": 0, "worse": 0}
        t_ours = t_theirs = 0.0
        versus = []
        for problem in chosen:
            ours, theirs, mine = [], [], []
            for seed in range(args.seeds):
                fresh = []

                def run_side(side, fn):
                    key = (sampler, problem.name, seed, side)
                    if key not in done or side != "reference":
                        done[key] = fn()
                        fresh.append(side)
                    return done[key]

                t0 = time.perf_counter()
                ours.append(run_side("wasmtune", lambda: run_wasmtune(args.wasmtune, problem, sampler, seed, n_max)))
                t1 = time.perf_counter()
                theirs.append(run_side("reference", lambda: run_optuna(problem, sampler, seed, n_max)))
                t_ours += t1 - t0
                t_theirs += time.perf_counter() - t1
                if args.vs_wasmtune:
                    mine.append(run_side(args.vs_wasmtune,
                                         lambda: run_wasmtune(args.wasmtune, problem, args.vs_wasmtune, seed, n_max)))
                if args.dump:
                    with open(args.dump, "a") as f:
                        for side in fresh:
                            f.write(json.dumps({"sampler": sampler, "problem": problem.name, "seed": seed,
                                                "side": side, "n": n_max,
                                                "values": done[(sampler, problem.name, seed, side)]}) + "\n")
            for b in budgets:
                if not args.vs_wasmtune:
                    continue
                r_ours = [min(v[:b]) - problem.optimum for v in ours]
                r_mine = [min(v[:b]) - problem.optimum for v in mine]
                p = mannwhitneyu(r_ours, r_mine, alternative="two-sided").pvalue
                m_ours, m_mine = statistics.median(r_ours), statistics.median(r_mine)
                verdict = "equal" if not p < 0.05 else ("better" if m_ours < m_mine else "worse")
                versus.append(f"| {problem.name} | {problem.dims} | {b} | {fmt(m_ours)} | {fmt(m_mine)} | {p:.3f} | {verdict} |")
            for b in budgets:
                r_ours = [min(v[:b]) - problem.optimum for v in ours]
                r_theirs = [min(v[:b]) - problem.optimum for v in theirs]
                p = mannwhitneyu(r_ours, r_theirs, alternative="two-sided").pvalue
                m_ours, m_theirs = statistics.median(r_ours), statistics.median(r_theirs)
                verdict = "equal" if not p < 0.05 else ("better" if m_ours < m_theirs else "worse")
                tally[verdict] += 1
                lines.append(f"| {problem.name} | {problem.dims} | {b} | {fmt(m_ours)} | {fmt(m_theirs)} | {p:.3f} | {verdict} |")
                # Row by row on stderr too, so that a run cut short still leaves its finished rows.
                print(lines[-1], file=sys.stderr, flush=True)
            print(f"{sampler} {problem.name}: done", file=sys.stderr, flush=True)
        lines += [
            "",
            f"**Summary ({sampler}):** wasmtune significantly better on {tally['better']}, equal on {tally['equal']},"
            f" worse on {tally['worse']} of {sum(tally.values())} problem/budget pairs.",
            f"Wall time for the quality runs, whole processes included: wasmtune {t_ours:.1f} s, Optuna {t_theirs:.1f} s.",
            "",
        ]
        if versus:
            lines += [f"### {sampler} against wasmtune's {args.vs_wasmtune}, same seeds", "",
                      f"| problem | dims | budget | median regret {sampler} | median regret {args.vs_wasmtune} | p | verdict |",
                      "|---|---|---|---|---|---|---|", *versus, ""]
            print("\n".join(versus), file=sys.stderr, flush=True)

        dim, n = 10, args.overhead_trials
        theirs = optuna_overhead(sampler, dim, n)
        ours = wasmtune_overhead(args.wasmtune, sampler, dim, n)
        lines += [
            f"## {sampler}: overhead per trial, {dim}-D sphere, {n} trials (ms, mean over the range)",
            "",
            "| trials | wasmtune native | Optuna | Optuna / wasmtune |",
            "|---|---|---|---|",
        ]
        for lo, hi in ranges:
            if lo >= n:
                continue
            o, t = ours.get((lo, min(hi, n)), float("nan")), mean_range(theirs, lo, hi)
            lines.append(f"| {lo}-{min(hi, n) - 1} | {o:.4f} | {t:.3f} | {t / o:.1f}x |")
        lines.append("")
        if args.wasm_overhead and os.path.exists(args.wasm_overhead):
            with open(args.wasm_overhead) as f:
                w = json.load(f)
            native = {}
            if args.native_wasm_overhead and os.path.exists(args.native_wasm_overhead):
                with open(args.native_wasm_overhead) as f:
                    native = {(r["from"], r["to"] + 1): r for r in json.load(f)["ranges"]}
            lines += [
                f"### wasm in headless Chromium ({w['sampler']}, {w['dim']}-D, {w['n_trials']} trials, same build settings as `wasm-pack --release`)",
                "",
                "Means, and medians (a mean in the browser is pulled up by a few trials that pauses outside the"
                " engine make many times slower: the browser's other threads share the machine's cores).",
                "",
                "| trials | wasm mean (ms) | native mean (ms), same run | wasm / native | wasm median | native median | wasm / native |",
                "|---|---|---|---|---|---|---|",
            ]
            nan = float("nan")
            for r in w["ranges"]:
                key = (r["from"], r["to"] + 1)
                nat = native.get(key, {"mean_ms": ours.get(key, nan), "median_ms": nan})
                wm, nm = r.get("median_ms", nan), nat.get("median_ms", nan)
                lines.append(
                    f"| {r['from']}-{r['to']} | {r['mean_ms']:.4f} | {nat['mean_ms']:.4f} | {r['mean_ms'] / nat['mean_ms']:.2f}"
                    f" | {wm:.4f} | {nm:.4f} | {wm / nm:.2f} |"
                )
            lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    # SMAC3 iterates over sets somewhere on its model-based path: with Python's per-process hash
    # randomization, two runs of OptunaHub's SMACSampler with the same seed part ways at the first
    # trial after the initial design. A fixed hash seed makes the reference's runs reproducible.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    sys.exit(main())
