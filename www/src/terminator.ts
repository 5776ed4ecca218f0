// The page's "stop when improvement is unlikely" switch: which terminator it uses, the check the
// study worker makes after each trial, and the sentence the page shows. The decision is the
// engine's (Study.terminator); this module only chooses the evaluators and words the answer.
import type { Study, TerminatorReport, TerminatorSpec } from "wasmtune";

/** The page's objectives report no cross-validation scores, which Optuna's default error needs,
 *  so the switch uses the pairing Optuna's docs give for that case: EMMR, with the median error
 *  (1% of EMMR's median over trials 11 to 30) as the threshold. It may stop from trial 30 on. */
// Seeded, so that a study's decisions and plot are the same every time it is run or replayed.
const EMMR = { name: "EMMREvaluator", kwargs: { seed: 0 } };
const MEDIAN_ERROR = { warm_up_trials: 10, n_initial_trials: 20, threshold_ratio: 0.01 };
export const PAGE_TERMINATOR: TerminatorSpec = {
  improvement_evaluator: EMMR,
  error_evaluator: { name: "MedianErrorEvaluator", kwargs: { paired_improvement_evaluator: EMMR, ...MEDIAN_ERROR } },
};
/** Complete trials before the threshold exists (and so before the switch may stop a study). */
export const TERMINATOR_READY_AT = MEDIAN_ERROR.warm_up_trials + MEDIAN_ERROR.n_initial_trials;

type PostReport = (r: { type: "terminator"; report: TerminatorReport }) => void;

/** After a trial: the engine's decision (posted for the page), and whether to stop. Studies with
 *  several objectives are never stopped: the terminator is for one objective. */
export function checkTerminator(study: Study, post: PostReport): boolean {
  if (study.directions.length !== 1) return false;
  const report = study.terminator({ terminator: PAGE_TERMINATOR });
  post({ type: "terminator", report });
  return report.decision.terminate;
}

/** The switch in one run, single or parallel (so both stop alike): after each trial, while the
 *  switch is on and neither it nor the student has stopped the study, the engine's check; a stop
 *  decision stops the study, whose run then finishes as "terminated". */
export class TerminatorGate {
  /** Whether the terminator stopped the study. */
  stopped = false;

  constructor(
    private readonly on: boolean,
    private readonly post: PostReport,
  ) {}

  /** Called after each trial is told; `stopRequested`: the student pressed Stop. */
  afterTrial(study: Study, stopRequested: boolean): void {
    if (!this.on || this.stopped || stopRequested) return;
    if (checkTerminator(study, this.post)) {
      this.stopped = true;
      study.stop();
    }
  }
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(3));

/** What the switch says about the latest check (the one that stopped the study says so). */
export function terminatorStatus(r: TerminatorReport): string {
  const d = r.decision;
  if (d.improvement === null || d.error === null) {
    return `Waiting for ${r.min_n_trials} complete trials before judging (${d.n_complete} so far).`;
  }
  if (d.error < 0) {
    return `Learning the objective's scale: ${r.improvement_evaluator} ${fmt(d.improvement)}; the threshold is set once ${TERMINATOR_READY_AT} trials are complete (${d.n_complete} so far).`;
  }
  const verdict = d.terminate ? "below the threshold: stopped" : "above the threshold: going on";
  return `After ${d.n_complete} complete trials: possible improvement ${fmt(d.improvement)} (${r.improvement_evaluator}) vs threshold ${fmt(d.error)} (${r.error_evaluator}), ${verdict}.`;
}
