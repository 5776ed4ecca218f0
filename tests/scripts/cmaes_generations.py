"""Generations (and evaluations) the `cmaes` package (the optimizer Optuna's CmaEsSampler wraps) needs to reach
f < 1e-10, median over seeds 0-9, for the configurations tests/engine/cmaes.rs compares our optimizer
with. Prints JSON; the test keeps a copy in tests/fixtures/cmaes_generations.json.

    benches/.venv/bin/pip install cmaes && benches/.venv/bin/python tests/scripts/cmaes_generations.py
"""
import json
import statistics

import cmaes
import numpy as np


def generations(cls, n, f, seed, **kw):
    opt = cls(mean=np.full(n, 3.0), sigma=2.0, bounds=np.array([[-10.0, 10.0]] * n), seed=seed,
              n_max_resampling=10 * n, **kw)
    for g in range(5000):
        sols = []
        for _ in range(opt.population_size):
            x = opt.ask()
            sols.append((x, f(x)))
        opt.tell(sols)
        if min(s[1] for s in sols) < 1e-10:
            return g + 1
    return 5000


def sphere(x):
    return float(np.sum(x * x))


def ellipsoid(x):
    return float(sum(1e6 ** (i / (len(x) - 1)) * x[i] ** 2 for i in range(len(x))))


out = {"cmaes_version": cmaes.__version__, "medians": {}}
for name, cls, kw in [("full", cmaes.CMA, {}), ("separable", cmaes.SepCMA, {}), ("lr_adapt", cmaes.CMA, {"lr_adapt": True})]:
    for fname, f, n in [("sphere", sphere, 5), ("sphere", sphere, 10), ("ellipsoid", ellipsoid, 10)]:
        out["medians"][f"{name}/{fname}/{n}"] = statistics.median(generations(cls, n, f, s, **kw) for s in range(10))


def evaluations_as_optuna(f, n, seed, budget=20000):
    """Evaluations to f < 1e-8 on [-5, 5]^n, the box encoded as Optuna's sampler does ([0, 1],
    mean at the centre, sigma0 = 1/6)."""
    opt = cmaes.CMA(mean=np.full(n, 0.5), sigma=1 / 6, bounds=np.array([[0.0, 1.0]] * n), seed=seed,
                    n_max_resampling=10 * n)
    evals = 0
    while evals < budget:
        sols = []
        for _ in range(opt.population_size):
            u = opt.ask()
            v = f(-5 + 10 * u)
            evals += 1
            if v < 1e-8:
                return evals
            sols.append((u, v))
        opt.tell(sols)
    return budget


out["evaluations_to_1e-8"] = {
    name: statistics.median(evaluations_as_optuna(f, 10, s) for s in range(10))
    for name, f in [("sphere/10", sphere), ("ellipsoid/10", ellipsoid)]
}
print(json.dumps(out, indent=1))
