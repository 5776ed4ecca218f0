import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Optuna's pruners; Li et al. (2020) for ASHA (Optuna's SuccessiveHalvingPruner). */
export const pruning: Lesson = {
  id: "pruning",
  title: "Pruning",
  question: "How much training can you skip by stopping bad trials early?",
  thumbnail: THUMBNAILS.pruning,
  paragraphs: [
    "Each trial trains for 30 steps and reports its loss at every step: the learning curves below. Most settings are bad, and you can tell early.",
    "A pruner stops a trial whose curve looks worse than the others at the same step. MedianPruner stops it below the median of earlier trials; ASHA (SuccessiveHalvingPruner) only checks at rungs, steps 1, 3, 9, 27, and keeps the best third.",
    "The counter says how many training steps were saved, and how good the best trial still is.",
  ],
  tryThis: "Run with NopPruner, MedianPruner and SuccessiveHalvingPruner on the same seed: how many steps does each save, and does the best loss suffer?",
  visual: "pruning",
  show: ["pruner", "pruner-options", "seed", "trials", "plot-intermediate"],
  spec: () =>
    lessonSpec(
      "pruning",
      {
        objective: "learning-curve",
        sampler: { name: "TPESampler", kwargs: { n_startup_trials: 10, n_ei_candidates: 24, multivariate: false } },
        pruner: { name: "MedianPruner", kwargs: { n_startup_trials: 5, n_warmup_steps: 5 } },
        nTrials: 40,
      },
      pruning.show,
    ),
};
