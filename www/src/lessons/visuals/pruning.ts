// The pruning lesson's counter: training steps run against those a study without pruning would
// have run, and how good the best trial still is. The curves themselves (and ASHA's rungs) are the
// playground's intermediate-values plot.
import type { FrozenTrial } from "wasmtune";
import { LEARNING_CURVE_STEPS } from "../../objectives/learning-curve";
import { type LessonVisual, type VisualContext, bestOf } from "./visual";

export interface StepsSaved {
  /** Steps the finished trials ran (reported intermediate values). */
  run: number;
  /** Steps they would have run without pruning. */
  full: number;
  pruned: number;
}

/** Steps run and saved by the finished trials of a study of `stepsPerTrial`-step trials. */
export function stepsSaved(trials: readonly FrozenTrial[], stepsPerTrial: number): StepsSaved {
  const ended = trials.filter((t) => t.state === "COMPLETE" || t.state === "PRUNED");
  return {
    run: ended.reduce((n, t) => n + Object.keys(t.intermediateValues).length, 0),
    full: ended.length * stepsPerTrial,
    pruned: ended.filter((t) => t.state === "PRUNED").length,
  };
}

export function pruningVisual(root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.dataset.control = "pruning-counter";
  const counter = document.createElement("p");
  counter.className = "lesson-counter";
  counter.setAttribute("role", "status");
  root.append(counter);
  return {
    update() {
      const trials = ctx.trials();
      const s = stepsSaved(trials, LEARNING_CURVE_STEPS);
      const best = bestOf(trials, ctx.directions()[0] ?? "minimize");
      const saved = s.full - s.run;
      counter.dataset.run = String(s.run);
      counter.dataset.saved = String(saved);
      counter.textContent = s.full
        ? `${ctx.spec().config.pruner.name}: ${s.run} of ${s.full} training steps run, ${saved} saved (${Math.round((100 * saved) / s.full)}%); ${s.pruned} trials pruned; best loss ${best ? best.value!.toFixed(4) : "–"}.`
        : "No trial has finished yet: the counter starts with the first.";
    },
  };
}
