"""Benchmark problems shared by both sides of the harness.

Each problem is a define-by-run objective written against a tiny `suggest` interface, so the same
code drives Optuna's trials and wasmtune's stream protocol. `optimum` is the known global minimum,
so regret = best value found - optimum.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable


def float_dist(low: float, high: float, log: bool = False, step: float | None = None) -> dict:
    return {"name": "FloatDistribution", "attributes": {"low": low, "high": high, "log": log, "step": step}}


def int_dist(low: int, high: int, log: bool = False, step: int = 1) -> dict:
    return {"name": "IntDistribution", "attributes": {"low": low, "high": high, "log": log, "step": step}}


def cat_dist(choices: list) -> dict:
    return {"name": "CategoricalDistribution", "attributes": {"choices": choices}}


Suggest = Callable[[str, dict], object]


@dataclass
class Problem:
    name: str
    dims: int
    optimum: float
    objective: Callable[[Suggest], float]


def box(name: str, dims: int, low: float, high: float, optimum: float, f: Callable[[list[float]], float]) -> Problem:
    dist = float_dist(low, high)
    return Problem(name, dims, optimum, lambda s: f([float(s(f"x{i}", dist)) for i in range(dims)]))


def branin(x):
    a, b, c, r, s, t = 1, 5.1 / (4 * math.pi**2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x[1] - b * x[0] ** 2 + c * x[0] - r) ** 2 + s * (1 - t) * math.cos(x[0]) + s


def branin_problem() -> Problem:
    def obj(s):
        return branin([float(s("x0", float_dist(-5, 10))), float(s("x1", float_dist(0, 15)))])

    return Problem("branin", 2, 0.397887357729738, obj)


def six_hump_camel_problem() -> Problem:
    def obj(s):
        x, y = float(s("x0", float_dist(-3, 3))), float(s("x1", float_dist(-2, 2)))
        return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2

    return Problem("six_hump_camel", 2, -1.031628453489877, obj)


HARTMANN3_A = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
HARTMANN3_P = [[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]]
HARTMANN6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN6_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann(a, p, x):
    return -sum(
        HARTMANN_ALPHA[i] * math.exp(-sum(a[i][j] * (x[j] - p[i][j]) ** 2 for j in range(len(x)))) for i in range(4)
    )


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def rastrigin(x):
    return 10 * len(x) + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in x)


def ackley(x):
    n = len(x)
    return (
        -20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / n))
        - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / n)
        + 20
        + math.e
    )


def styblinski_tang(x):
    return sum(v**4 - 16 * v**2 + 5 * v for v in x) / 2


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    head = math.sin(math.pi * w[0]) ** 2
    mid = sum((wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2) for wi in w[:-1])
    tail = (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return head + mid + tail


def griewank(x):
    return 1 + sum(v * v for v in x) / 4000 - math.prod(math.cos(v / math.sqrt(i + 1)) for i, v in enumerate(x))


def michalewicz(x, m=10):
    return -sum(math.sin(v) * math.sin((i + 1) * v * v / math.pi) ** (2 * m) for i, v in enumerate(x))


def mixed_problem() -> Problem:
    """Int, log, stepped and categorical parameters; optimum 0 at lr=1e-3, layers=3, units=64,
    activation=relu, dropout=0.1."""

    def obj(s):
        lr = float(s("lr", float_dist(1e-5, 1.0, log=True)))
        layers = int(s("layers", int_dist(1, 8)))
        units = int(s("units", int_dist(8, 512, log=True)))
        act = s("activation", cat_dist(["relu", "tanh", "sigmoid"]))
        dropout = float(s("dropout", float_dist(0.0, 0.5, step=0.05)))
        penalty = {"relu": 0.0, "tanh": 0.5, "sigmoid": 1.0}[act]
        return (math.log10(lr) + 3) ** 2 + 0.25 * (layers - 3) ** 2 + math.log2(units / 64) ** 2 + penalty + 10 * (dropout - 0.1) ** 2

    return Problem("mixed_int_log_cat", 5, 0.0, obj)


def conditional_problem() -> Problem:
    """A categorical choice decides which parameters exist; optimum 0 in the 'quad' branch."""

    def obj(s):
        kind = s("kind", cat_dist(["quad", "abs", "flat"]))
        if kind == "quad":
            x, y = float(s("qx", float_dist(-5, 5))), float(s("qy", float_dist(-5, 5)))
            return (x - 1) ** 2 + (y + 2) ** 2
        if kind == "abs":
            z = int(s("az", int_dist(0, 20)))
            return abs(z - 7) + 0.5
        return 1.0 + float(s("fw", float_dist(0, 1)))

    return Problem("conditional", 3, 0.0, obj)


def problems() -> list[Problem]:
    return [
        branin_problem(),
        six_hump_camel_problem(),
        box("hartmann3", 3, 0, 1, -3.862779787332660, lambda x: hartmann(HARTMANN3_A, HARTMANN3_P, x)),
        box("hartmann6", 6, 0, 1, -3.322368011391339, lambda x: hartmann(HARTMANN6_A, HARTMANN6_P, x)),
        box("rosenbrock5", 5, -5, 10, 0.0, rosenbrock),
        box("rosenbrock10", 10, -5, 10, 0.0, rosenbrock),
        box("rastrigin5", 5, -5.12, 5.12, 0.0, rastrigin),
        box("ackley10", 10, -32.768, 32.768, 0.0, ackley),
        box("styblinski_tang5", 5, -5, 5, -39.16616570377142 * 5, styblinski_tang),
        box("levy10", 10, -10, 10, 0.0, levy),
        box("griewank10", 10, -600, 600, 0.0, griewank),
        box("michalewicz5", 5, 0, math.pi, -4.687658179, michalewicz),
        mixed_problem(),
        conditional_problem(),
    ]
