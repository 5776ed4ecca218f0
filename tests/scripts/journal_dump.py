"""Optuna's view of a journal file, as JSON, for tests/engine/journal.rs.

  python tests/scripts/journal_dump.py FILE          # print every study and trial as Optuna loads them
  python tests/scripts/journal_dump.py --write FILE  # write the reference journal with Optuna itself
Run with the Python environment scripts/install-tools.sh sets up (benches/.venv, optuna==5.0.0).
"""
import json
import math
import sys
import warnings

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def clean(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    return v


def dump(path):
    storage = JournalStorage(JournalFileBackend(path))
    out = []
    for s in storage.get_all_studies():
        trials = []
        for t in storage.get_all_trials(s._study_id, deepcopy=False):
            trials.append({
                "number": t.number,
                "state": int(t.state.value),
                "params": t.params,
                "distributions": {k: json.loads(optuna.distributions.distribution_to_json(d)) for k, d in t.distributions.items()},
                "values": t.values,
                "intermediate_values": {str(k): clean(v) for k, v in t.intermediate_values.items()},
                "user_attrs": t.user_attrs,
                "system_attrs": t.system_attrs,
                "datetime_start": t.datetime_start.isoformat() if t.datetime_start else None,
                "datetime_complete": t.datetime_complete.isoformat() if t.datetime_complete else None,
            })
        out.append({"name": s.study_name, "directions": [int(d.value) for d in s.directions],
                    "user_attrs": s.user_attrs, "system_attrs": s.system_attrs, "trials": trials})
    print(json.dumps(out, sort_keys=True))


def write(path):
    storage = JournalStorage(JournalFileBackend(path))
    a = optuna.create_study(study_name="two-objectives", storage=storage, directions=["minimize", "maximize"],
                            sampler=optuna.samplers.RandomSampler(seed=1))
    a.set_user_attr("owner", {"k": [1, 2]})
    a.set_metric_names(["loss", "accuracy"])

    def objective(t):
        x = t.suggest_float("x", 0, 1)
        lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
        s = t.suggest_float("s", 0, 1, step=0.25)
        n = t.suggest_int("n", 1, 64, log=True)
        k = t.suggest_int("k", 0, 10, step=2)
        c = t.suggest_categorical("c", [None, True, 1, 1.5, "a"])
        t.set_user_attr("note", f"trial {t.number}")
        return x + lr, n + k + s + (1 if c is None else 0)

    a.optimize(objective, n_trials=4)
    a.enqueue_trial({"x": 0.5, "c": "a"})
    b = optuna.create_study(study_name="one-objective", storage=storage, sampler=optuna.samplers.RandomSampler(seed=2))
    t = b.ask()
    t.suggest_float("x", -1, 1)
    t.report(0.3, 1)
    t.report(0.2, 2)
    b.tell(t, state=TrialState.PRUNED)
    t = b.ask()
    t.suggest_int("i", 0, 3)
    b.tell(t, state=TrialState.FAIL)
    t = b.ask()
    t.suggest_categorical("c", ["x", "y"])
    b.tell(t, 1.25)
    b.ask()  # left running


if __name__ == "__main__":
    if sys.argv[1] == "--write":
        write(sys.argv[2])
    else:
        dump(sys.argv[1])
