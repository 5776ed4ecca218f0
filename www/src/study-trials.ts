// The trials of the study on the page as the worker reported them, kept by trial number (a batch
// may carry a trial again, finished), and its best so far.
import type { FrozenTrial } from "./lib/wasmtune";
import type { Best } from "./protocol";

/** The study's trials, its best and its target count, for the views and the saved list. */
export class StudyTrials {
  private byNumber: FrozenTrial[] = [];
  /** Bumped whenever the trials change (views cache on it). */
  version = 0;
  best: Best | null = null;
  /** The trials the run aims for, for the progress line (0: no run yet). */
  total = 0;

  /** No trials (a new study, or none). */
  clear(): void {
    this.byNumber = [];
    this.version++;
    this.best = null;
  }

  /** Adds (or replaces) these trials. */
  add(trials: readonly FrozenTrial[], best: Best | null): void {
    for (const t of trials) this.byNumber[t.number] = t;
    this.version++;
    this.best = best;
  }

  /** The trials reported so far, in number order. */
  all(): FrozenTrial[] {
    return this.byNumber.filter(Boolean);
  }

  /** How many trials have been reported. */
  count(): number {
    return this.byNumber.reduce((n, t) => (t ? n + 1 : n), 0);
  }

  /** How many reported trials have ended (the count a saved study shows in the list). */
  ended(): number {
    return this.byNumber.reduce((n, t) => (t && t.state !== "RUNNING" ? n + 1 : n), 0);
  }

  /** How many reported trials were pruned. */
  pruned(): number {
    return this.byNumber.reduce((n, t) => (t?.state === "PRUNED" ? n + 1 : n), 0);
  }
}
