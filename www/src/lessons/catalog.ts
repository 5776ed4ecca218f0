// The lessons, in the gallery's order: from a problem with a known answer, to how samplers reason
// inside, to pruning, several objectives and a real network.
import type { Lesson } from "./lesson";
import { exploreExploit } from "./list/explore-exploit";
import { garden } from "./list/garden";
import { gridVsRandom } from "./list/grid-vs-random";
import { insideCmaes } from "./list/inside-cmaes";
import { insideGp } from "./list/inside-gp";
import { insideTpe } from "./list/inside-tpe";
import { mnist } from "./list/mnist";
import { pareto } from "./list/pareto";
import { pruning } from "./list/pruning";

export const LESSONS: readonly Lesson[] = [garden, gridVsRandom, insideTpe, insideCmaes, insideGp, exploreExploit, pruning, pareto, mnist];

export function lessonById(id: string | undefined): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
