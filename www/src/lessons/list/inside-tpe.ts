import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Bergstra et al. (2011), "Algorithms for Hyper-Parameter Optimization", and Watanabe (2023),
 *  "Tree-structured Parzen Estimator: understanding its algorithm components", with the engine's
 *  TPESampler explaining its own choices. */
export const insideTpe: Lesson = {
  id: "inside-tpe",
  title: "Inside TPE",
  question: "How does TPE decide where to look next?",
  thumbnail: THUMBNAILS.tpe,
  paragraphs: [
    "TPE does not model the function. It sorts the finished trials by value and splits them: the best few (a fraction γ) are the good ones, the rest are the others. It fits a density to each: l(x) over the good trials, g(x) over the others.",
    "Then it draws candidates from l(x), where good trials were, and keeps the one where l(x) is largest against g(x): likely to be good, unlikely to be bad. The first trials are random: there is nothing to split yet.",
    "The plot shows, for the last trial on the page: l(x) in green, g(x) in red, the earlier trials as ticks, and each candidate's score log l − log g with the chosen one starred. This is the sampler's own computation, redone by the engine for that trial.",
  ],
  tryThis: "Step one trial at a time past the random start. Where does l(x) pile up, and does the star always land there? Click on the plot to try an x of your own, and Step again: how does l(x) take it in?",
  visual: "tpe",
  show: ["objective", "seed", "trials", "plot-history"],
  spec: () =>
    lessonSpec(
      "inside-tpe",
      { objective: "forrester", sampler: { name: "TPESampler", kwargs: { n_startup_trials: 5, n_ei_candidates: 24, multivariate: false } }, nTrials: 25 },
      insideTpe.show,
    ),
};
