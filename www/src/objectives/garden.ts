import { float, type BuiltinObjective } from "./types";

/** A rectangular garden against a wall with 500 m of fence: sides x, y = 500 − 2x, area A = x·y.
 *  Calculus says x = 125, y = 250, A = 31,250 m². */
export const garden: BuiltinObjective = {
  id: "garden",
  label: "Garden area",
  description: "Maximize A = x·(500 − 2x): a garden against a wall with 500 m of fence.",
  directions: ["maximize"],
  searchSpace: { x: float(0, 250) },
  optimum: { value: 31250, params: { x: 125 }, note: "x = 125 m, y = 250 m, A = 31,250 m²" },
  evaluate: ({ x }) => x * (500 - 2 * x),
};
