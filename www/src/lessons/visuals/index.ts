// The lesson visuals by id.
import type { VisualId } from "../lesson";
import { bestChangedVisual } from "./best-changed";
import { cmaesVisual } from "./cmaes";
import { gardenVisual } from "./garden";
import { gridVsRandomVisual } from "./grid-vs-random";
import { pruningVisual } from "./pruning";
import { tpeVisual } from "./tpe";
import type { LessonVisual, VisualContext } from "./visual";

export type { LessonVisual, VisualContext } from "./visual";

const FACTORIES: Record<VisualId, (root: HTMLElement, ctx: VisualContext) => LessonVisual> = {
  garden: gardenVisual,
  "grid-vs-random": gridVsRandomVisual,
  pruning: pruningVisual,
  "best-changed": bestChangedVisual,
  tpe: tpeVisual,
  cmaes: cmaesVisual,
};

/** Builds visual `id` in `root` (emptied first). */
export function mountVisual(id: VisualId, root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.replaceChildren();
  return FACTORIES[id](root, ctx);
}
