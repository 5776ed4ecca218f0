"""Optuna's view of an RDB storage (SQLite or PostgreSQL URL), as JSON, for tests/rdb*.rs.

  python tests/scripts/rdb_dump.py URL              # print every study and trial as Optuna loads them
  python tests/scripts/rdb_dump.py --write URL      # create a study with Optuna itself (every kind of field)
  python tests/scripts/rdb_dump.py --continue URL NAME N  # Optuna runs N more trials of study NAME, then enqueues one
Run with the Python environment scripts/install-tools.sh sets up (benches/.venv, optuna==5.0.0).
The JSON has the shape of tests/scripts/journal_dump.py's, with each trial's storage id added.
"""
import json
import math
import sys
import warnings
from datetime import timezone

import optuna
from optuna.storages import RDBStorage

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def clean(v):
    """JSON has no NaN or infinities: they travel as the strings Python would print."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def utc(dt):
    """Optuna hands out naive local times (stored as UTC): compare instants, in UTC."""
    if dt is None:
        return None
    return dt.astimezone(timezone.utc).replace(tzinfo=None).isoformat()


def trial_json(t):
    return {
        "trial_id": t._trial_id,
        "number": t.number,
        "state": int(t.state.value),
        "params": t.params,
        "distributions": {k: json.loads(optuna.distributions.distribution_to_json(d)) for k, d in t.distributions.items()},
        "values": None if t.values is None else [clean(v) for v in t.values],
        "intermediate_values": {str(k): clean(v) for k, v in t.intermediate_values.items()},
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
        "datetime_start": utc(t.datetime_start),
        "datetime_complete": utc(t.datetime_complete),
    }


def dump(url):
    storage = RDBStorage(url)
    out = []
    for s in storage.get_all_studies():
        trials = [trial_json(t) for t in storage.get_all_trials(s._study_id, deepcopy=False)]
        out.append({"name": s.study_name, "directions": [int(d.value) for d in s.directions],
                    "user_attrs": s.user_attrs, "system_attrs": s.system_attrs, "trials": trials})
    print(json.dumps(out, sort_keys=True, allow_nan=False))


def write(url):
    a = optuna.create_study(study_name="optuna-one", storage=url, direction="maximize",
                            sampler=optuna.samplers.RandomSampler(seed=1))
    a.set_user_attr("owner", {"k": [1, 2]})

    def objective(t):
        x = t.suggest_float("x", 0, 1)
        lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
        s = t.suggest_float("s", 0, 1, step=0.25)
        k = t.suggest_int("k", 0, 10, step=2)
        n = t.suggest_int("n", 1, 64, log=True)
        c = t.suggest_categorical("c", [None, True, 1, 1.5, "a"])
        t.set_user_attr("note", {"trial": t.number, "c": c})
        t.report(float("nan"), 0)
        t.report(float("inf"), 1)
        t.report(x, 2)
        if t.number == 1:
            return float("inf")
        if t.number == 2:
            raise optuna.TrialPruned()
        if t.number == 3:
            raise ValueError("boom")
        return x + lr + s + k + n
    a.optimize(objective, n_trials=5, catch=(ValueError,))
    a.enqueue_trial({"x": 0.5, "k": 4})
    b = optuna.create_study(study_name="optuna-two", storage=url, directions=["minimize", "maximize"],
                            sampler=optuna.samplers.RandomSampler(seed=2))
    b.set_metric_names(["loss", "accuracy"])
    b.optimize(lambda t: (float("-inf"), t.suggest_float("y", -1, 1)), n_trials=2)


def cont(url, name, n):
    s = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.TPESampler(seed=0))

    def objective(t):
        x = t.suggest_float("x", 0, 1)
        t.report(x, 0)
        t.set_user_attr("by", "optuna")
        return x
    s.optimize(objective, n_trials=n)
    s.enqueue_trial({"x": 0.125})


if __name__ == "__main__":
    if sys.argv[1] == "--write":
        write(sys.argv[2])
    elif sys.argv[1] == "--continue":
        cont(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        dump(sys.argv[1])
