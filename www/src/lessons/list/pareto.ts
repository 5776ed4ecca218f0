import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Binh & Korn (1997); Deb et al. (2002) for NSGA-II. */
export const pareto: Lesson = {
  id: "pareto",
  title: "Several objectives",
  question: "What is the best trial when two goals pull in opposite directions?",
  thumbnail: THUMBNAILS.pareto,
  paragraphs: [
    "Binh–Korn has two objectives to minimize, and making one smaller makes the other larger. There is no single best trial, but a front of trials that no other trial beats on both: the Pareto front.",
    "NSGA-II keeps a population and breeds the trials on the front. The hypervolume (the area the front dominates) measures progress: it only grows. Grey points break the problem's constraints.",
  ],
  tryThis: "Run NSGA-II, note the final hypervolume, then switch the sampler to TPESampler (multi-objective TPE) with the same seed: which front is fuller after 200 trials?",
  visual: null,
  show: ["sampler", "seed", "trials", "plot-pareto"],
  spec: () => lessonSpec("pareto", { objective: "binh-korn", sampler: { name: "NSGAIISampler", kwargs: { population_size: 20 } }, nTrials: 200 }, pareto.show),
};
