// The custom JavaScript objective: the user's code, compiled and run only inside the worker.
import type { Objective } from "wasmtune";

export const CUSTOM_ID = "custom";

export const DEFAULT_CUSTOM_CODE = `// Runs in a Web Worker. Define \`objective(trial)\` and return a number.
// trial.suggestFloat(name, low, high, {log, step}), trial.suggestInt(name, low, high),
// trial.suggestCategorical(name, [choices]), trial.report(value, step), trial.setUserAttr(key, value).
// Throwing fails the trial; the study goes on.
function objective(trial) {
  const x = trial.suggestFloat("x", -10, 10);
  const y = trial.suggestFloat("y", -10, 10);
  const kind = trial.suggestCategorical("kind", ["bowl", "ridge"]);
  const base = (x - 2) ** 2 + (y + 1) ** 2;
  return kind === "bowl" ? base : base + Math.abs(x * y);
}
`;

/** Compiles the user's code into an objective. Throws a `SyntaxError` (with the parser's message)
 *  when it does not parse, and an `Error` when it defines no `objective` function. */
export function compileObjective(code: string): Objective {
  // The code runs in its own function scope; `objective` must be defined at its top level.
  const factory = new Function(
    `"use strict";\n${code}\n;return typeof objective === "function" ? objective : undefined;`,
  ) as () => unknown;
  const f = factory();
  if (typeof f !== "function") {
    throw new Error("the code must define a function named `objective(trial)`");
  }
  return f as Objective;
}

/** Turns anything thrown into one line for the page. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
