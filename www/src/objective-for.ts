// The objective a run evaluates: the user's compiled code, or a built-in objective over the
// (possibly edited) search space. Used by the study worker and by evaluator workers alike.
import type { Objective, ParamValue, Trial } from "wasmtune";
import { CUSTOM_ID, builtinObjective, compileObjective } from "./objectives";
import type { RunSpec } from "./protocol";

/** Throws what the page shows when the objective cannot be built. */
export function objectiveFor(spec: RunSpec): Objective {
  const id = spec.config.objective ?? "garden";
  if (id === CUSTOM_ID) return compileObjective(spec.code ?? "");
  const builtin = builtinObjective(id);
  if (!builtin) throw new Error(`unknown objective "${id}"`);
  const space = spec.config.search_space ?? builtin.searchSpace;
  return (trial: Trial) => {
    const params: Record<string, ParamValue> = {};
    for (const [name, d] of Object.entries(space)) params[name] = trial.suggest(name, d);
    if (builtin.train) return builtin.train(trial, params, spec);
    if (builtin.constraints) trial.setConstraint(builtin.constraints(params as Record<string, number>));
    return builtin.evaluate(params as Record<string, number>);
  };
}
