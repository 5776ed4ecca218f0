// The trials of the study on the page as the worker reported them, kept by trial number (a batch
// may carry a trial again, finished), and its best so far.
import type { FrozenTrial } from "wasmtune";
import type { Best } from "./protocol";

/** `trials` as they were after the first `k` (those numbered below k); all of them when k is null
 *  (the replay position of another study on the page: a race's rival). */
export function trialsBefore<T extends { number: number }>(trials: readonly T[], k: number | null): T[] {
  return k === null ? [...trials] : trials.filter((t) => t.number < k);
}

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

  /** The replay position (PageState.replay): the views see only the trials numbered below it. */
  private replayAt: number | null = null;

  /** Moves the replay position (null: live). */
  setReplay(k: number | null): void {
    if (k === this.replayAt) return;
    this.replayAt = k;
    this.version++;
  }

  /** The trials the views show, in number order: those reported so far, or, replaying, those
   *  numbered below the replay position. */
  all(): FrozenTrial[] {
    const k = this.replayAt;
    return this.byNumber.filter((t) => t && (k === null || t.number < k));
  }

  /** Every trial reported, whatever the replay position (what an export writes). */
  reported(): FrozenTrial[] {
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
