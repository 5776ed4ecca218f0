// A lesson's configuration: the playground's defaults for its objective, the lesson's settings on
// top, and everything the lesson does not show hidden.
import type { StudyConfig } from "wasmtune";
import type { RunSpec } from "../protocol";
import { defaultSpec } from "../state";

/** The `data-control`s every lesson keeps: its text, Step and the trial slider (a lesson is
 *  watched one trial at a time, and replayed, as often as it is run). */
export const LESSON_CONTROLS = ["lesson-text", "step", "replay"];

/** Every `data-control` of the playground (index.html; a unit test keeps the two in step). A
 *  lesson hides those it does not name in `show`. Those in LESSON_CONTROLS are not listed: a
 *  lesson always has them. */
export const PLAYGROUND_CONTROLS = [
  "lessons",
  "objective",
  "direction",
  "space",
  "mnist",
  "code",
  "sampler-box",
  "sampler",
  "explainers",
  "sampler-options",
  "seed",
  "trials",
  "workers",
  "timeout",
  "race",
  "terminate",
  "pruner-box",
  "pruner",
  "pruner-options",
  "storage",
  "filters",
  "plot-history",
  "plot-parallel",
  "plot-intermediate",
  "plot-importances",
  "plot-slice",
  "plot-contour",
  "plot-rank",
  "plot-edf",
  "plot-timeline",
  "plot-pareto",
  "plot-gp",
  "plot-terminator",
  "table",
] as const;

/** What a lesson sets on top of the playground's defaults for `objective`. */
export interface LessonSettings {
  objective: string;
  sampler: StudyConfig["sampler"];
  pruner?: StudyConfig["pruner"];
  nTrials: number;
  seed?: number;
  race?: string;
  mnist?: RunSpec["mnist"];
}

/** The spec of lesson `id`: `settings` on the objective's defaults, with every playground control
 *  not in `show` hidden. Group boxes stay when one of their controls is shown. */
export function lessonSpec(id: string, settings: LessonSettings, show: readonly string[]): RunSpec {
  const spec = defaultSpec(settings.objective);
  spec.config.sampler = settings.sampler;
  if (settings.pruner) spec.config.pruner = settings.pruner;
  spec.config.n_trials = settings.nTrials;
  spec.config.seed = settings.seed ?? 1;
  if (settings.race) spec.race = settings.race;
  if (settings.mnist) spec.mnist = settings.mnist;
  const kept = new Set(show);
  if (["sampler", "sampler-options", "seed", "trials", "race"].some((c) => kept.has(c))) kept.add("sampler-box");
  if (["pruner", "pruner-options"].some((c) => kept.has(c))) kept.add("pruner-box");
  spec.hide = PLAYGROUND_CONTROLS.filter((c) => !kept.has(c));
  spec.lesson = id;
  return spec;
}
