import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Distill's "Exploring Bayesian Optimization" (Agnihotri & Batra, 2020), with the engine's GP. */
export const insideGp: Lesson = {
  id: "inside-gp",
  title: "Inside the GP",
  question: "What does a Gaussian process believe about the function, and where does it look next?",
  thumbnail: THUMBNAILS.gp,
  paragraphs: [
    "A Gaussian process turns a handful of trials into a belief about the whole function: a mean (its best guess) and a band of ±2σ (how unsure it is). Near a trial the band is thin; far from any trial it is wide.",
    "The sampler then maximizes an acquisition function, here log expected improvement: high where the mean is good, or where the band is wide enough that something better could hide. The next trial goes to its peak.",
  ],
  tryThis: "Press Step one trial at a time and predict where the next point will land before it does. Does the band ever get wide again? Then click on the plot to run an x of your own (a diamond) and Step: how does the band take it in?",
  visual: null,
  show: ["objective", "seed", "trials", "plot-gp"],
  spec: () =>
    lessonSpec(
      "inside-gp",
      { objective: "forrester", sampler: { name: "GPSampler", kwargs: { n_startup_trials: 3, deterministic_objective: true } }, nTrials: 15 },
      insideGp.show,
    ),
};
