// `TrialPruned` on its own, so that objectives the page also lists (its main thread never loads the
// wasm bindings) can throw it. `lib/wasmtune.ts` re-exports it.

/** Throw it from an objective to prune the trial (Optuna's `optuna.TrialPruned`). */
export class TrialPruned extends Error {
  constructor(message = "trial pruned") {
    super(message);
    this.name = "TrialPruned";
  }
}
