// One shape for every objective the page runs: a search space (editable), directions, a known
// optimum where there is one, and `evaluate` on the suggested parameters.
import type { Direction, Distribution } from "../lib/wasmtune";

export interface KnownOptimum {
  value: number;
  /** One optimal point (several functions have more; `note` says so). */
  params: Record<string, number>;
  note?: string;
}

export interface BuiltinObjective {
  id: string;
  label: string;
  /** One line under the selector. */
  description: string;
  directions: Direction[];
  searchSpace: Record<string, Distribution>;
  optimum: KnownOptimum;
  evaluate(params: Record<string, number>): number;
}

export function float(low: number, high: number, log = false): Distribution {
  return { name: "FloatDistribution", attributes: { low, high, log, step: null } };
}
