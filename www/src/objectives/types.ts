// One shape for every objective the page runs: a search space (editable), directions, a known
// optimum where there is one, and `evaluate` on the suggested parameters.
import type { Direction, Distribution, ParamValue } from "wasmtune";
import type { RunSpec } from "../protocol";

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
  /** Absent where no optimum is known (the learning curve). */
  optimum?: KnownOptimum;
  /** One value per direction (a number for a single objective). */
  evaluate(params: Record<string, number>): number | number[];
  /** Constraint values (feasible when all are ≤ 0), for constrained problems. */
  constraints?(params: Record<string, number>): number[];
  /** Objectives that report intermediate values run here instead of `evaluate`: they may report
   *  (`trial.report`) and throw `TrialPruned` when `trial.shouldPrune()` says so. `spec` carries
   *  objective-specific settings (e.g. `spec.mnist`). */
  train?(
    trial: ReportingTrial,
    params: Record<string, ParamValue>,
    spec?: RunSpec,
  ): number | number[] | Promise<number | number[]>;
}

/** The part of a trial that `train` uses. */
export interface ReportingTrial {
  readonly number: number;
  report(value: number, step: number): void;
  shouldPrune(): boolean;
  /** Present on real trials; optional so that a test can pass a bare reporting trial. */
  setUserAttr?(key: string, value: unknown): void;
}

export function int(low: number, high: number, log = false): Distribution {
  return { name: "IntDistribution", attributes: { low, high, log, step: 1 } };
}

export function categorical(choices: ParamValue[]): Distribution {
  return { name: "CategoricalDistribution", attributes: { choices } };
}

export function float(low: number, high: number, log = false): Distribution {
  return { name: "FloatDistribution", attributes: { low, high, log, step: null } };
}
