import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Bergstra & Bengio (2012), "Random Search for Hyper-Parameter Optimization", figure 1. */
export const gridVsRandom: Lesson = {
  id: "grid-vs-random",
  title: "Grid or random?",
  question: "Why does random search beat a grid when some parameters do not matter?",
  thumbnail: THUMBNAILS.grid,
  paragraphs: [
    "Two parameters, x and y, but only x changes the result: y does nothing at all. You do not know that in advance; in real tuning, most parameters matter little.",
    "A 3×3 grid spends its nine trials on only three values of x: each value is tried three times, once per useless y. Nine random points try nine different values of x.",
    "The projections under and beside the square show it: the grid's points pile up on three x values, the random points spread out. Bergstra & Bengio (2012) showed this is why random search often beats a grid.",
  ],
  tryThis: "Start, then compare the best values: which method came closer to f = −6.02? Change the seed and run again: does the grid ever win?",
  visual: "grid-vs-random",
  show: ["seed"],
  spec: () =>
    lessonSpec(
      "grid-vs-random",
      {
        objective: "only-x",
        sampler: { name: "GridSampler", kwargs: { search_space: { x: [0, 0.5, 1], y: [0, 0.5, 1] } } },
        nTrials: 9,
        race: "RandomSampler",
      },
      gridVsRandom.show,
    ),
};
