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

/** After a trial: the engine's decision (posted for the page), and whether to stop. Studies with
 *  several objectives are never stopped: the terminator is for one objective. */
export function checkTerminator(study: Study, post: (r: { type: "terminator"; report: TerminatorReport }) => void): boolean {
  if (study.directions.length !== 1) return false;
  const report = study.terminator({ terminator: PAGE_TERMINATOR });
  post({ type: "terminator", report });
  return report.decision.terminate;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toPrecision(3));

/** What the switch says about the latest check. */
export function terminatorStatus(r: TerminatorReport, stopped: boolean): string {
  const d = r.decision;
  if (d.improvement === null || d.error === null) {
    return `Waiting for ${r.min_n_trials} complete trials before judging (${d.n_complete} so far).`;
  }
  if (d.error < 0) {
    return `Learning the objective's scale: ${r.improvement_evaluator} ${fmt(d.improvement)}; the threshold is set once ${TERMINATOR_READY_AT} trials are complete (${d.n_complete} so far).`;
  }
  const verdict = stopped || d.terminate ? "below the threshold: stopped" : "above the threshold: going on";
  return `After ${d.n_complete} complete trials: possible improvement ${fmt(d.improvement)} (${r.improvement_evaluator}) vs threshold ${fmt(d.error)} (${r.error_evaluator}), ${verdict}.`;
}
