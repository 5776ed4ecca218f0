// Multi-objective test problems (for the Pareto-front and hypervolume views): Binh and Korn
// (2 objectives, 2 constraints) and DTLZ2 (3 objectives; Deb, Thiele, Laumanns & Zitzler 2002).
import { float, type BuiltinObjective } from "./types";

export const binhKorn: BuiltinObjective = {
  id: "binh-korn",
  label: "Binh–Korn (2 objectives, constrained)",
  description: "Minimize f1 = 4x² + 4y² and f2 = (x − 5)² + (y − 5)² subject to two constraints; x in [0, 5], y in [0, 3].",
  directions: ["minimize", "minimize"],
  searchSpace: { x: float(0, 5), y: float(0, 3) },
  evaluate: ({ x, y }) => [4 * x * x + 4 * y * y, (x - 5) ** 2 + (y - 5) ** 2],
  constraints: ({ x, y }) => [(x - 5) ** 2 + y * y - 25, 7.7 - (x - 8) ** 2 - (y + 3) ** 2],
};

export const dtlz2: BuiltinObjective = {
  id: "dtlz2",
  label: "DTLZ2 (3 objectives)",
  description: "Minimize three objectives whose Pareto front is the unit sphere's positive octant; x1…x5 in [0, 1].",
  directions: ["minimize", "minimize", "minimize"],
  searchSpace: Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`x${i}`, float(0, 1)])),
  evaluate: (p) => {
    const g = [p.x3, p.x4, p.x5].reduce((s, v) => s + (v - 0.5) ** 2, 0);
    const a = (p.x1 * Math.PI) / 2;
    const b = (p.x2 * Math.PI) / 2;
    return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
  },
};
