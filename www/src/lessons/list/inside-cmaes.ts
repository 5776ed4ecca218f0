import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Hansen (2016), "The CMA Evolution Strategy: A Tutorial", and Auger & Hansen (2005) for IPOP
 *  restarts, with the engine's CmaEsSampler reading back the distributions it searched with. */
export const insideCmaes: Lesson = {
  id: "inside-cmaes",
  title: "Inside CMA-ES",
  question: "How does an evolution strategy learn the shape of a valley?",
  thumbnail: THUMBNAILS.cmaes,
  paragraphs: [
    "CMA-ES keeps one belief: a Gaussian cloud N(m, σ²C) over the search box. Each generation it draws λ trials from the cloud (here λ = 6), waits for all of them, and moves the mean towards the better half.",
    "It also reshapes the cloud. C stretches along the directions where good trials were found, and σ grows while the steps keep paying off and shrinks when they stop. The blue ellipses enclose the cloud at 1σ and 2σ; the faint ones are earlier generations.",
    "Branin has three equally deep minima. Once the cloud has shrunk to almost nothing, IPOP restarts it from a random point with a population twice as large: watch σ below jump back up, and see which minimum the second run finds.",
  ],
  tryThis: "Step one trial at a time: the ellipse only moves when a generation is complete. Then Start, and find the restart in the σ plot. Click on the contour to add a trial of your own: CMA-ES counts it in its population. Then switch the objective to Rosenbrock 2-D and watch the ellipse stretch along the banana valley.",
  visual: "cmaes",
  show: ["objective", "seed", "trials", "plot-history"],
  spec: () =>
    lessonSpec(
      "inside-cmaes",
      { objective: "branin", sampler: { name: "CmaEsSampler", kwargs: { restart_strategy: "ipop" } }, nTrials: 700 },
      insideCmaes.show,
    ),
};
