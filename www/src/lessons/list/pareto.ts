import type { Lesson } from "../lesson";
import { lessonSpec } from "../spec";
import { THUMBNAILS } from "../thumbnails";

/** Binh & Korn (1997); Deb et al. (2002) for NSGA-II; Ozaki et al. (2020) for multi-objective TPE. */
export const pareto: Lesson = {
  id: "pareto",
  title: "Several objectives",
  question: "What is the best trial when two goals pull in opposite directions?",
  thumbnail: THUMBNAILS.pareto,
  paragraphs: [
    "Binh–Korn has two objectives to minimize, and making one smaller makes the other larger. There is no single best trial, but a front of trials that no other trial beats on both: the Pareto front.",
    "Two samplers race on it with the same seed. NSGA-II (blue and red) keeps a population and breeds the trials on its front. Multi-objective TPE (orange) models where the non-dominated trials are and draws there. Grey points break the problem's constraints.",
    "The hypervolume is the area a front dominates up to a reference point shared by both studies: it only grows, and the larger it is, the better the front. Its history is drawn beside the front, one line per sampler.",
  ],
  tryThis: "Which front is fuller after 50 trials, and which after 200? Step through the first 20: NSGA-II's first population is random, so when does it start to pull ahead?",
  visual: null,
  show: ["sampler", "seed", "trials", "race", "plot-pareto"],
  spec: () => lessonSpec("pareto", { objective: "binh-korn", sampler: { name: "NSGAIISampler", kwargs: { population_size: 20 } }, nTrials: 200, race: "TPESampler" }, pareto.show),
};
