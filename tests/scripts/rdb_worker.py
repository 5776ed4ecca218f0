"""An Optuna worker for tests/engine/rdb_postgres.rs: joins a study and runs trials of the shared objective.

  python tests/scripts/rdb_worker.py URL STUDY N_TRIALS SEED [HEARTBEAT_INTERVAL GRACE_PERIOD]
Prints one line of JSON at the end: {"numbers": [...]} (the trial numbers this worker ran).
"""
import json
import sys
import warnings

import optuna

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def objective(t):
    x = t.suggest_float("x", -1, 1)
    y = t.suggest_float("y", -1, 1)
    k = t.suggest_int("k", 0, 4)
    return (x - 0.3) ** 2 + (y + 0.1) ** 2 + 0.01 * k


def main():
    url, name, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    storage = url
    if len(sys.argv) > 5:
        storage = optuna.storages.RDBStorage(url, heartbeat_interval=int(sys.argv[5]), grace_period=int(sys.argv[6]))
    study = optuna.load_study(study_name=name, storage=storage, sampler=optuna.samplers.TPESampler(seed=seed))
    numbers = []
    study.optimize(objective, n_trials=n, callbacks=[lambda s, t: numbers.append(t.number)])
    print(json.dumps({"numbers": numbers}))


if __name__ == "__main__":
    main()
