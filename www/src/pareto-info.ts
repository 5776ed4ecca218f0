// What the Pareto-front view needs from the engine, computed in the study worker: the study's
// Pareto-optimal trials and the hypervolume history of its feasible complete trials.
import { type Study, hypervolume } from "./lib/wasmtune";
import type { ParetoInfo } from "./plots/pareto";
import { feasible } from "./plots/pareto";

/** Points where the history is computed, at most (each is a full hypervolume computation). */
const CHECKPOINTS = 60;

/** The reference point is the worst value seen per objective plus a tenth of its range (Optuna
 *  asks the user for one; a study in the page has none to give). */
export function paretoInfo(study: Study): ParetoInfo {
  const directions = study.directions;
  if (directions.length < 2) return { front: [], history: [], reference: [] };
  const front = study.bestTrials.map((t) => t.number);
  const sign = directions.map((d) => (d === "maximize" ? -1 : 1));
  const complete = study.trials.filter((t) => t.state === "COMPLETE" && t.values && feasible(t));
  if (!complete.length) return { front, history: [], reference: [] };
  const points = complete.map((t) => t.values!.map((v, i) => v * sign[i]));
  const reference = sign.map((_, i) => {
    const vs = points.map((p) => p[i]);
    const hi = Math.max(...vs);
    const lo = Math.min(...vs);
    return hi + 0.1 * (hi - lo || 1);
  });
  const step = Math.max(1, Math.ceil(points.length / CHECKPOINTS));
  const history: [number, number][] = [];
  for (let k = step - 1; k < points.length; k += step) history.push([complete[k].number, hypervolume(points.slice(0, k + 1), reference)]);
  if (points.length % step !== 0) history.push([complete[points.length - 1].number, hypervolume(points, reference)]);
  return { front, history, reference: reference.map((r, i) => r * sign[i]) };
}
