// What a lesson is: a configuration of the page (what runs, what is hidden), a few paragraphs
// beside the live views, a question to try, and the visual the lesson is about.
import type { RunSpec } from "../protocol";

/** The lesson visuals the page can draw (see visuals/). Lessons about a plot the playground
 *  already has (the GP's belief, the Pareto front...) show that plot instead: `visual` is null. */
export type VisualId = "garden" | "grid-vs-random" | "pruning" | "best-changed" | "tpe" | "cmaes";

export interface Lesson {
  /** The id in its link (`#lesson=ID`) and in `data-lesson`. */
  id: string;
  title: string;
  /** The question the lesson answers, on its gallery card. */
  question: string;
  /** The gallery card's picture: an SVG drawn by the page (no user data in it). */
  thumbnail: string;
  /** Short paragraphs shown beside the live views (plain text). */
  paragraphs: string[];
  /** Something to change and watch. */
  tryThis: string;
  visual: VisualId | null;
  /** The `data-control` names the lesson keeps on screen: every other control, plot and panel is
   *  hidden (the link's `hide` list). */
  show: string[];
  /** The configuration the lesson starts with (objective, sampler, seed, trials, race). */
  spec(): RunSpec;
}
