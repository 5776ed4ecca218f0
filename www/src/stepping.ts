// Step and the student's proposals, shared by both ways the study worker runs a study (`Run` in
// worker.ts, trials in the worker itself; `ParallelRun` in coordinator.ts, trials in evaluators):
// how many trials are left before the run pauses by itself, and which trials the student proposed.
import type { ParamValue, Study, Trial } from "wasmtune";

export class Stepping {
  /** Trials left before the run pauses by itself (Step), or null: it runs on. */
  private left: number | null;
  /** The numbers of the trials the student proposed. */
  private readonly proposed = new Set<number>();

  /** `steps`: pause after that many trials (a study started by Step); none: run on. */
  constructor(steps?: number) {
    this.left = steps ?? null;
  }

  /** One more trial, then a pause. */
  once(): void {
    this.left = 1;
  }

  /** Counts a trial against the steps left; true when the run should pause after it. The last
   *  trial (`last`) ends the run instead: nothing is left to step to. */
  count(last: boolean): boolean {
    if (this.left === null || --this.left > 0 || last) return false;
    this.left = null;
    return true;
  }

  /** Queues a trial at `params` in `study` (ahead of the sampler's), marked as the student's. */
  enqueue(study: Study, params: Record<string, ParamValue>): void {
    const n = study.enqueueTrial(params);
    if (n !== undefined) this.proposed.add(n);
  }

  /** Marks `trial` as the student's (user attribute `proposed_by: "you"`) when it was proposed. */
  mark(trial: Trial): void {
    if (this.proposed.has(trial.number)) trial.setUserAttr("proposed_by", "you");
  }
}
