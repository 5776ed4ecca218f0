"""Records Optuna 5.0.0's pruning decisions on fixed learning curves, for tests/engine/pruners.rs.

Run with the benchmark environment (benches/run.sh creates it):
  benches/.venv/bin/python tests/scripts/pruner_fixtures.py > tests/fixtures/pruner_decisions.json
Each case replays the same curves trial by trial: report each (step, value), ask should_prune,
tell PRUNED at the first yes, else tell the last value. NaN is written as null.
"""
import json
import math
import random

import warnings

import optuna
import scipy
import scipy.stats
from optuna.pruners import (
    HyperbandPruner,
    MedianPruner,
    PatientPruner,
    PercentilePruner,
    WilcoxonPruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
)
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore")


def curves(seed: int, n_trials: int, n_steps: int, stride: int = 1, nan_rate: float = 0.0):
    rng = random.Random(seed)
    out = []
    for _ in range(n_trials):
        a, b, c = rng.uniform(0.5, 2.0), rng.uniform(0.05, 0.5), rng.uniform(0.0, 1.0)
        steps = list(range(0, n_steps * stride, stride))
        if rng.random() < 0.2:  # some trials report with gaps
            steps = steps[::2]
        vals = []
        for s in steps:
            v = a * math.exp(-b * s) + c + rng.gauss(0, 0.05)
            vals.append(float("nan") if rng.random() < nan_rate else round(v, 6))
        out.append(list(zip(steps, vals)))
    return out


CASES = [
    ("MedianPruner", {}, "minimize", curves(1, 25, 12)),
    ("MedianPruner", {"n_startup_trials": 2, "n_warmup_steps": 3, "interval_steps": 2, "n_min_trials": 3}, "maximize", curves(2, 25, 12)),
    ("PercentilePruner", {"percentile": 25.0}, "minimize", curves(3, 25, 10, nan_rate=0.03)),
    ("PercentilePruner", {"percentile": 75.0, "n_warmup_steps": 2, "n_startup_trials": 3}, "maximize", curves(4, 25, 10, stride=3)),
    ("ThresholdPruner", {"lower": 0.6, "upper": 1.8, "n_warmup_steps": 1, "interval_steps": 2}, "minimize", curves(5, 20, 10, nan_rate=0.02)),
    ("PatientPruner", {"wrapped_pruner": None, "patience": 2, "min_delta": 0.01}, "minimize", curves(6, 20, 15)),
    ("PatientPruner", {"wrapped_pruner": {"name": "MedianPruner", "kwargs": {"n_startup_trials": 3}}, "patience": 1}, "maximize", curves(7, 25, 12)),
    ("SuccessiveHalvingPruner", {}, "minimize", curves(8, 30, 30)),
    ("SuccessiveHalvingPruner", {"min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1}, "maximize", curves(9, 30, 30)),
    ("SuccessiveHalvingPruner", {"min_resource": 1, "reduction_factor": 2, "bootstrap_count": 2}, "minimize", curves(10, 20, 20, nan_rate=0.02)),
    ("HyperbandPruner", {}, "minimize", curves(11, 40, 27)),
    ("HyperbandPruner", {"min_resource": 1, "max_resource": 81, "reduction_factor": 3}, "maximize", curves(12, 40, 81)),
    ("HyperbandPruner", {"min_resource": 2, "max_resource": 30, "reduction_factor": 2, "bootstrap_count": 1}, "minimize", curves(13, 30, 30)),
]
STUDY_NAME = "pruner-fixture"


def instances(seed: int, n_trials: int, n_steps: int):
    """Per-instance evaluations: a trial's quality plus each instance's fixed offset and noise."""
    rng = random.Random(seed)
    offsets = [rng.uniform(-1, 1) for _ in range(n_steps)]
    out = []
    for _ in range(n_trials):
        q = rng.uniform(0, 1)
        out.append([(s, round(q + offsets[s] + rng.gauss(0, 0.1), 3)) for s in range(n_steps)])
    return out


CASES += [
    ("WilcoxonPruner", {}, "minimize", instances(14, 30, 20)),
    ("WilcoxonPruner", {"p_threshold": 0.05, "n_startup_steps": 5}, "maximize", instances(15, 30, 60)),
]


def build(name, kwargs):
    kwargs = dict(kwargs)
    if name == "PatientPruner":
        inner = kwargs.pop("wrapped_pruner")
        wrapped = build(inner["name"], inner["kwargs"]) if inner else None
        return PatientPruner(wrapped, **kwargs)
    return {"MedianPruner": MedianPruner, "HyperbandPruner": HyperbandPruner, "WilcoxonPruner": WilcoxonPruner, "PercentilePruner": PercentilePruner, "ThresholdPruner": ThresholdPruner,
            "SuccessiveHalvingPruner": SuccessiveHalvingPruner}[name](**kwargs)


def nan_to_none(v):
    return None if isinstance(v, float) and math.isnan(v) else v


def main():
    out = []
    for name, kwargs, direction, trials in CASES:
        pruner = build(name, kwargs)
        study = optuna.create_study(study_name=STUDY_NAME, direction=direction, pruner=pruner)
        recorded = []
        for reports in trials:
            trial = study.ask()
            decisions = []
            for step, value in reports:
                trial.report(value, step)
                decisions.append(bool(trial.should_prune()))
                if decisions[-1]:
                    break
            if decisions and decisions[-1]:
                study.tell(trial, state=TrialState.PRUNED)
            else:
                study.tell(trial, reports[-1][1] if not math.isnan(reports[-1][1]) else 0.0)
            entry = {"reports": [[s, nan_to_none(v)] for s, v in reports], "decisions": decisions}
            if name == "HyperbandPruner":
                entry["bracket"] = pruner._get_bracket_id(study, study.trials[-1]) if pruner._pruners else None
            recorded.append(entry)
        out.append({"pruner": name, "kwargs": kwargs, "direction": direction, "trials": recorded})
    # Signed-rank p-values straight from SciPy, both the exact (n <= 50) and normal (n > 50) paths,
    # with ties and zeros.
    rng = random.Random(99)
    p_values = []
    for n in (6, 20, 50, 51, 80):
        d = [round(rng.gauss(0.2, 1), 1) for _ in range(n)]
        for alt in ("greater", "less"):
            p = scipy.stats.wilcoxon(d, alternative=alt, zero_method="zsplit").pvalue
            p_values.append({"d": d, "alternative": alt, "p": float(p)})
    print(json.dumps({"optuna": optuna.__version__, "scipy": scipy.__version__, "study_name": STUDY_NAME,
                      "cases": out, "wilcoxon_p": p_values}))


if __name__ == "__main__":
    main()
