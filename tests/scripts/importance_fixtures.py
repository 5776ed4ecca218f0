"""Records Optuna 5.0.0's parameter importances on fixed studies, for tests/engine/importance.rs.

fANOVA and mean decrease impurity need scikit-learn, which the benchmark environment does not
carry, so run this with Optuna 5.0.0 and scikit-learn in any Python 3 environment, e.g.:
  python3 -m venv /tmp/imp && /tmp/imp/bin/pip install optuna==5.0.0 scikit-learn
  /tmp/imp/bin/python tests/scripts/importance_fixtures.py > tests/fixtures/importance.json

Each study is built in Optuna with a seeded sampler and dumped trial by trial (state, values,
external parameter values; each parameter's distribution, in Optuna's JSON, once per study). Then, for each case:
- PED-ANOVA is deterministic: one run, its importances recorded as they are;
- fANOVA and mean decrease impurity fit random forests, so each case runs with SEEDS seeds and
  records per parameter the mean, standard deviation, minimum and maximum over the seeds.
`target` in a case is an objective index: fANOVA and MDI use `t.values[i]`; PED-ANOVA, which
always treats lower as better when given a target, uses `t.values[i]` for a minimized objective and
`-t.values[i]` for a maximized one (wasmtune's meaning of an objective index).
"""
import json
import math
import statistics
import sys
import warnings

import numpy as np
import optuna
from optuna.distributions import distribution_to_json
from optuna.importance import (
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.simplefilter("ignore")

SEEDS = list(range(10))


def dominant(trial):
    # x dominates, y matters a little, z barely.
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -10, 10)
    z = trial.suggest_float("z", -10, 10)
    return x**2 + 0.3 * y**2 + 0.05 * z


def mixed(trial):
    # Every kind of distribution: log float, stepped float, int, log int, categorical.
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
    units = trial.suggest_int("units", 16, 256, step=16)
    layers = trial.suggest_int("layers", 1, 16, log=True)
    opt = trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    loss = (math.log10(lr) + 3.0) ** 2 + {"adam": 0.0, "sgd": 1.5, "rmsprop": 0.5}[opt]
    loss += 0.5 * dropout + 0.002 * abs(units - 128) + 0.05 * math.log2(layers)
    return loss


def null_param(trial):
    # `noise` does nothing: its importance should be near zero.
    a = trial.suggest_float("a", 0, 3)
    b = trial.suggest_int("b", 0, 10)
    trial.suggest_float("noise", -1, 1)
    c = trial.suggest_categorical("c", [True, False])
    return math.sin(3 * a) + 0.2 * b + (0.5 if c else 0.0)


def conditional(trial):
    # `gamma` exists only for the rbf kernel; `degree` only for poly.
    kernel = trial.suggest_categorical("kernel", ["rbf", "poly", "linear"])
    c = trial.suggest_float("C", 1e-2, 1e2, log=True)
    value = (math.log10(c) - 1.0) ** 2
    if kernel == "rbf":
        gamma = trial.suggest_float("gamma", 1e-3, 1.0, log=True)
        value += 2.0 * (math.log10(gamma) + 1.5) ** 2
    elif kernel == "poly":
        degree = trial.suggest_int("degree", 2, 5)
        value += 0.5 * degree
    else:
        value += 1.0
    return value


def maximize_with_failures(trial):
    # Maximized, with FAIL and PRUNED trials that every evaluator must skip.
    u = trial.suggest_float("u", 0, 1)
    v = trial.suggest_float("v", 0, 1)
    w = trial.suggest_int("w", 1, 4)
    if trial.number % 17 == 5:
        raise optuna.TrialPruned()
    if trial.number % 13 == 7:
        return float("nan")
    return 3 * u * (1 - u) + v + 0.01 * w


def two_objectives(trial):
    p = trial.suggest_float("p", 0, 1)
    q = trial.suggest_float("q", 0, 1)
    r = trial.suggest_float("r", 0, 1)
    return p + 0.1 * r, (1 - p) ** 2 + q


STUDIES = [
    # name, objective, directions, sampler, n_trials
    ("dominant", dominant, ["minimize"], optuna.samplers.RandomSampler(seed=1), 100),
    ("mixed", mixed, ["minimize"], optuna.samplers.RandomSampler(seed=2), 200),
    ("null_param", null_param, ["minimize"], optuna.samplers.RandomSampler(seed=3), 150),
    ("tpe_mixed", mixed, ["minimize"], optuna.samplers.TPESampler(seed=4), 120),
    ("conditional", conditional, ["minimize"], optuna.samplers.RandomSampler(seed=5), 150),
    ("maximize_with_failures", maximize_with_failures, ["maximize"], optuna.samplers.RandomSampler(seed=6), 120),
    ("two_objectives", two_objectives, ["minimize", "minimize"], optuna.samplers.RandomSampler(seed=7), 120),
]


def cases_for(name, directions):
    ped = "PedAnovaImportanceEvaluator"
    fan = "FanovaImportanceEvaluator"
    mdi = "MeanDecreaseImpurityImportanceEvaluator"
    out = []
    if len(directions) == 1:
        out += [
            (ped, {}, None, None, True),
            (ped, {}, None, None, False),
            (ped, {"target_quantile": 0.2, "region_quantile": 0.6}, None, None, True),
            (ped, {"evaluate_on_local": False}, None, None, False),
            (fan, {}, None, None, True),
            (fan, {}, None, None, False),
            (mdi, {}, None, None, True),
        ]
        if name == "mixed":
            out += [
                (fan, {"n_trees": 16, "max_depth": 4}, None, None, True),
                (fan, {}, ["lr", "optimizer"], None, True),
                (ped, {}, ["units", "lr"], None, True),
            ]
        if name == "conditional":
            out += [(ped, {}, ["gamma", "degree"], None, False)]
    else:
        out += [
            (ped, {}, None, None, True),
            (ped, {}, None, 0, True),
            (ped, {"target_quantile": 0.25}, None, 1, False),
            (fan, {}, None, 0, True),
            (fan, {}, None, 1, True),
            (mdi, {}, None, 1, True),
        ]
    return out


def evaluator_of(name, kwargs, seed):
    if name == "PedAnovaImportanceEvaluator":
        return PedAnovaImportanceEvaluator(**kwargs)
    cls = FanovaImportanceEvaluator if name == "FanovaImportanceEvaluator" else MeanDecreaseImpurityImportanceEvaluator
    return cls(**kwargs, seed=seed)


def target_of(study, evaluator, index):
    if index is None:
        return None
    sign = 1.0
    if evaluator == "PedAnovaImportanceEvaluator" and study.directions[index] == optuna.study.StudyDirection.MAXIMIZE:
        sign = -1.0
    return lambda t: sign * t.values[index]


def run_case(study, evaluator, kwargs, params, target, normalize):
    case = {"evaluator": evaluator, "kwargs": kwargs, "params": params, "target": target, "normalize": normalize}
    tfun = target_of(study, evaluator, target)
    if evaluator == "PedAnovaImportanceEvaluator":
        res = get_param_importances(
            study, evaluator=evaluator_of(evaluator, kwargs, None), params=params, target=tfun, normalize=normalize
        )
        case["importances"] = res
        return case
    runs = []
    for seed in SEEDS:
        res = get_param_importances(
            study, evaluator=evaluator_of(evaluator, kwargs, seed), params=params, target=tfun, normalize=normalize
        )
        runs.append(res)
    names = list(runs[0].keys())
    case["mean"] = {k: statistics.fmean(r[k] for r in runs) for k in names}
    case["std"] = {k: statistics.pstdev([r[k] for r in runs]) for k in names}
    case["min"] = {k: min(r[k] for r in runs) for k in names}
    case["max"] = {k: max(r[k] for r in runs) for k in names}
    return case


def dump_trial(t):
    return {
        "number": t.number,
        "state": t.state.name,
        "values": None if t.values is None else [None if not math.isfinite(v) else v for v in t.values],
        "params": t.params,
    }


def distributions_of(trials):
    # Each parameter keeps one distribution in these studies, so it is written once per study.
    out = {}
    for t in trials:
        for k, d in t.distributions.items():
            assert out.setdefault(k, d) == d, k
    return {k: json.loads(distribution_to_json(d)) for k, d in sorted(out.items())}


def main():
    out = {"optuna": optuna.__version__, "seeds": SEEDS, "studies": []}
    for name, objective, directions, sampler, n_trials in STUDIES:
        study = optuna.create_study(directions=directions, sampler=sampler)
        study.optimize(objective, n_trials=n_trials, catch=())
        entry = {
            "name": name,
            "directions": directions,
            "distributions": distributions_of(study.trials),
            "trials": [dump_trial(t) for t in study.trials],
            "cases": [run_case(study, *c) for c in cases_for(name, directions)],
        }
        out["studies"].append(entry)
    json.dump(out, sys.stdout, separators=(",", ":"))
    print()


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
