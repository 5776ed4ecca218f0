// What the Pareto-front view needs from the engine, computed in the study worker: the study's
// Pareto-optimal trials and the hypervolume history of its feasible complete trials.
import type { Direction, FrozenTrial } from "wasmtune";
import { type Study, hypervolume, paretoFront } from "wasmtune";
import type { ParetoInfo } from "./plots/pareto";
import { feasible } from "./plots/pareto";

/** Points where the history is computed, at most (each is a full hypervolume computation). */
const CHECKPOINTS = 60;

/** The trials a hypervolume counts: complete, feasible, with every objective's value. */
const counted = (trials: readonly FrozenTrial[], n: number) =>
  trials.filter((t) => t.state === "COMPLETE" && t.values && t.values.length === n && feasible(t));

/** The reference point for the hypervolume of every study in `studies` (a race's studies share
 *  one, so that their hypervolumes compare): per objective, the worst value seen plus a tenth of
 *  its range. Optuna asks the user for one; a study in the page has none to give. Null without a
 *  counted trial. */
export function referencePoint(studies: readonly (readonly FrozenTrial[])[], directions: readonly Direction[]): number[] | null {
  const values = studies.flatMap((trials) => counted(trials, directions.length)).map((t) => t.values!);
  if (!values.length) return null;
  return directions.map((d, i) => {
    const vs = values.map((v) => v[i]);
    const hi = Math.max(...vs);
    const lo = Math.min(...vs);
    const pad = 0.1 * (hi - lo || 1);
    return d === "maximize" ? lo - pad : hi + pad;
  });
}

/** The study's front and hypervolume history against `reference` (objective units; default: the
 *  study's own `referencePoint`), counting only the trials numbered below `before` when given (the
 *  study as it was after that many trials: a replay). */
export function paretoInfo(study: Study, reference?: number[], before?: number): ParetoInfo {
  const directions = study.directions;
  if (directions.length < 2) return { front: [], history: [], reference: [] };
  if (reference && reference.length !== directions.length) {
    throw new Error(`pareto: the reference point has ${reference.length} values, the study ${directions.length} objectives`);
  }
  const trials = before === undefined ? study.trials : study.trials.filter((t) => t.number < before);
  const ref = reference ?? referencePoint([trials], directions);
  const complete = counted(trials, directions.length);
  const front = paretoFront(complete.map((t) => t.values!), directions).map((i) => complete[i].number);
  if (!ref || !complete.length) return { front, history: [], reference: ref ?? [] };
  // The engine's hypervolume minimizes: maximized objectives are negated.
  const sign = directions.map((d) => (d === "maximize" ? -1 : 1));
  const points = complete.map((t) => t.values!.map((v, i) => v * sign[i]));
  const minimized = ref.map((r, i) => r * sign[i]);
  const step = Math.max(1, Math.ceil(points.length / CHECKPOINTS));
  const history: [number, number][] = [];
  for (let k = step - 1; k < points.length; k += step) history.push([complete[k].number, hypervolume(points.slice(0, k + 1), minimized)]);
  if (points.length % step !== 0) history.push([complete[points.length - 1].number, hypervolume(points, minimized)]);
  return { front, history, reference: ref };
}
