// Rank plot (Optuna's plot_rank): trials over a pair of parameters, colored by their objective's
// rank among the trials shown (0 best, 1 worst), so that a skewed objective still shows where the
// good region is. With one parameter, the objective is the y axis.
import type { Direction, FrozenTrial } from "wasmtune";
import { distributionsOf, paramAxis, pickPair } from "./axes";
import { type PlotResult, baseLayout, plotText, scatterType } from "./figure";

export const NO_RANK = "Rank: no complete trial with parameters yet.";

/** Each trial's rank as a fraction (ties share the lower rank). */
export function rankFractions(values: readonly number[], direction: Direction): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => (direction === "maximize" ? b[0] - a[0] : a[0] - b[0]));
  const out = new Array<number>(values.length);
  const denom = Math.max(1, values.length - 1);
  let r = 0;
  order.forEach(([v, i], k) => {
    if (k > 0 && v !== order[k - 1][0]) r = k;
    out[i] = r / denom;
  });
  return out;
}

export function rankPlot(trials: readonly FrozenTrial[], direction: Direction, chosen: (string | undefined)[] = [], objective = 0): PlotResult {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values && Number.isFinite(t.values[objective]));
  const dists = distributionsOf(complete);
  const names = [...dists.keys()].sort();
  if (!complete.length || !names.length) return { note: NO_RANK };
  const pair = pickPair(names, chosen);
  const ax = paramAxis(pair ? pair[0] : names[0], dists.get(pair ? pair[0] : names[0])!);
  const ay = pair ? paramAxis(pair[1], dists.get(pair[1])!) : null;
  const rows = complete.filter((t) => ax.position(t) !== undefined && (!ay || ay.position(t) !== undefined));
  const ranks = rankFractions(rows.map((t) => t.values![objective]), direction);
  const layout = baseLayout("Rank", "rank");
  layout.xaxis = ax.layout;
  layout.yaxis = ay ? ay.layout : { title: { text: "Objective value" } };
  return {
    data: [
      {
        type: scatterType(rows.length),
        mode: "markers",
        name: "Trials",
        x: rows.map((t) => ax.position(t)),
        y: rows.map((t) => (ay ? ay.position(t) : t.values![objective])),
        marker: { size: 7, color: ranks, colorscale: "RdYlBu", reversescale: false, cmin: 0, cmax: 1, showscale: true, colorbar: { title: { text: "Rank" } } },
        text: rows.map((t, k) => `trial ${t.number}, rank ${ranks[k].toFixed(2)}, value ${t.values![objective]}`),
        hoverinfo: "text",
      },
    ],
    layout: { ...layout, title: { text: `Rank${ay ? "" : ` (${plotText(ax.name)})`}` } },
  };
}
