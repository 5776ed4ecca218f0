// Standard test functions (Surjanovic & Bingham's Virtual Library of Simulation Experiments),
// with their usual domains and known global minima.
import { float, type BuiltinObjective } from "./types";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const space = (n: number, low: number, high: number) =>
  Object.fromEntries(range(n).map((i) => [`x${i + 1}`, float(low, high)]));
const vec = (p: Record<string, number>, n: number) => range(n).map((i) => p[`x${i + 1}`]);

export const branin: BuiltinObjective = {
  id: "branin",
  label: "Branin",
  description: "2-D, three global minima; x1 in [−5, 10], x2 in [0, 15].",
  directions: ["minimize"],
  searchSpace: { x1: float(-5, 10), x2: float(0, 15) },
  optimum: {
    value: 0.397887,
    params: { x1: Math.PI, x2: 2.275 },
    note: "f = 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475)",
  },
  evaluate: ({ x1, x2 }) => {
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

function rosenbrockValue(x: number[]): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
}

function rosenbrock(d: number): BuiltinObjective {
  return {
    id: `rosenbrock${d}`,
    label: `Rosenbrock ${d}-D`,
    description: `${d}-D banana valley; every xi in [−5, 10].`,
    directions: ["minimize"],
    searchSpace: space(d, -5, 10),
    optimum: { value: 0, params: Object.fromEntries(range(d).map((i) => [`x${i + 1}`, 1])), note: "f = 0 at (1, …, 1)" },
    evaluate: (p) => rosenbrockValue(vec(p, d)),
  };
}

export const rosenbrock2 = rosenbrock(2);
export const rosenbrock5 = rosenbrock(5);

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

export const hartmann6: BuiltinObjective = {
  id: "hartmann6",
  label: "Hartmann-6",
  description: "6-D, six local minima; every xi in [0, 1].",
  directions: ["minimize"],
  searchSpace: space(6, 0, 1),
  optimum: {
    value: -3.32237,
    params: { x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 },
    note: "f = −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)",
  },
  evaluate: (p) => {
    const x = vec(p, 6);
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H6_A[i][j] * (x[j] - H6_P[i][j]) ** 2;
      s += H6_ALPHA[i] * Math.exp(-inner);
    }
    return -s;
  },
};

export const ackley: BuiltinObjective = {
  id: "ackley",
  label: "Ackley 2-D",
  description: "2-D, many local minima around one global; xi in [−32.768, 32.768].",
  directions: ["minimize"],
  searchSpace: space(2, -32.768, 32.768),
  optimum: { value: 0, params: { x1: 0, x2: 0 }, note: "f = 0 at (0, 0)" },
  evaluate: (p) => {
    const x = vec(p, 2);
    const d = x.length;
    const s1 = x.reduce((a, v) => a + v * v, 0) / d;
    const s2 = x.reduce((a, v) => a + Math.cos(2 * Math.PI * v), 0) / d;
    return -20 * Math.exp(-0.2 * Math.sqrt(s1)) - Math.exp(s2) + 20 + Math.E;
  },
};
