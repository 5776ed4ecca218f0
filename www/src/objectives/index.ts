import { ackley, branin, hartmann6, rosenbrock2, rosenbrock5 } from "./benchmarks";
import { forrester, onlyX } from "./forrester";
import { garden } from "./garden";
import { learningCurveObjective } from "./learning-curve";
import { mnist, mnistParams, mnistTime } from "./mnist";
import { binhKorn, dtlz2 } from "./multi";
import type { BuiltinObjective } from "./types";

export type { BuiltinObjective, KnownOptimum } from "./types";
export { CUSTOM_ID, DEFAULT_CUSTOM_CODE, compileObjective } from "./custom";

/** The built-in objectives, in menu order (garden first: the page's default). */
export const BUILTIN_OBJECTIVES: BuiltinObjective[] = [garden, forrester, onlyX, branin, rosenbrock2, rosenbrock5, hartmann6, ackley, learningCurveObjective, mnist, mnistParams, mnistTime, binhKorn, dtlz2];

export function builtinObjective(id: string): BuiltinObjective | undefined {
  return BUILTIN_OBJECTIVES.find((o) => o.id === id);
}
