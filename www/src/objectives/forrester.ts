// Small teaching objectives for the lessons: a 1-D function with a local and a global minimum, and
// a 2-D one where only the first parameter matters (Bergstra & Bengio's low effective dimension).
import { float, type BuiltinObjective } from "./types";

/** Forrester et al. (2008), "Engineering Design via Surrogate Modelling": the usual 1-D test
 *  function of Bayesian optimization tutorials. */
const forresterValue = (x: number) => (6 * x - 2) ** 2 * Math.sin(12 * x - 4);

export const forrester: BuiltinObjective = {
  id: "forrester",
  label: "Forrester 1-D",
  description: "1-D, a local minimum near x = 0.14 and the global one near x = 0.757; x in [0, 1].",
  directions: ["minimize"],
  searchSpace: { x: float(0, 1) },
  optimum: { value: -6.02074, params: { x: 0.757249 }, note: "f = −6.02074 at x = 0.757249" },
  evaluate: ({ x }) => forresterValue(x),
};

/** Forrester's function of x, with a second parameter y that changes nothing: with two
 *  parameters and nine trials, a 3×3 grid tries three values of x, random search nine. */
export const onlyX: BuiltinObjective = {
  id: "only-x",
  label: "Only x matters (2-D)",
  description: "Forrester's f(x); y has no effect at all. x and y in [0, 1].",
  directions: ["minimize"],
  searchSpace: { x: float(0, 1), y: float(0, 1) },
  optimum: { value: -6.02074, params: { x: 0.757249, y: 0.5 }, note: "f = −6.02074 at x = 0.757249, any y" },
  evaluate: ({ x }) => forresterValue(x),
};
