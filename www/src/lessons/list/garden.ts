import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** The Optuna blog's fence problem: one parameter, a known answer, and a sampler that finds it. */
export const garden: Lesson = {
  id: "garden",
  title: "The garden",
  question: "What does a sampler do, on a problem whose answer you know?",
  thumbnail: THUMBNAILS.garden,
  paragraphs: [
    "You have 500 m of fence and a long wall. The garden is a rectangle against the wall: two sides of length x, one of length 500 − 2x. Which x gives the largest area?",
    "Calculus says x = 125 m (A = 31,250 m²). A sampler does not know calculus: it only proposes an x, hears the area back, and proposes again. Each proposal is a trial.",
    "Above, the garden of the latest trial and the best so far, drawn to scale against the wall. Below it, the curve A(x) with every trial on it. TPE (the study) races Random Search (the dashed line in the history) with the same seed.",
  ],
  tryThis: "Press Step a few times, then click on the curve to try your own x. After as many trials each, whose garden is largest: yours, TPE's or Random's?",
  visual: "garden",
  show: ["sampler", "seed", "trials", "plot-history"],
  spec: () =>
    lessonSpec(
      "garden",
      { objective: "garden", sampler: { name: "TPESampler", kwargs: { n_startup_trials: 5, n_ei_candidates: 24, multivariate: false } }, nTrials: 30, race: "RandomSampler" },
      garden.show,
    ),
};
