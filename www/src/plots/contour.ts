// Contour plot (Optuna's plot_contour): the objective over a pair of parameters. Optuna interpolates
// the trials onto a grid; here each grid cell holds the mean objective of the trials in it and
// Plotly fills the empty cells (`connectgaps`), with the trials drawn on top.
import type { FrozenTrial } from "wasmtune";
import { distributionsOf, paramAxis, pickPair } from "./axes";
import { type PlotResult, baseLayout, scatterType } from "./figure";

export const NO_CONTOUR = "Contour: needs a study with at least two parameters and some complete trials.";
const GRID = 24;

/** Cell centers along an axis (choice indices for a categorical one), in axis units. */
function centers(lo: number, hi: number, categorical: boolean): number[] {
  if (categorical) return Array.from({ length: Math.round(hi - lo) }, (_, i) => i);
  return Array.from({ length: GRID }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / GRID);
}

function cellOf(v: number, lo: number, hi: number, n: number, categorical: boolean): number {
  if (categorical) return v;
  return Math.min(n - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo || 1)) * n)));
}

/** Two traces: the contour (z[j][i], j along y) and the trials as points. */
export function contourPlot(trials: readonly FrozenTrial[], chosen: (string | undefined)[] = [], objective = 0): PlotResult {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values);
  const dists = distributionsOf(complete);
  const pair = pickPair([...dists.keys()].sort(), chosen);
  if (!pair || !complete.length) return { note: NO_CONTOUR };
  const [ax, ay] = pair.map((n) => paramAxis(n, dists.get(n)!));
  const rows = complete.filter((t) => ax.position(t) !== undefined && ay.position(t) !== undefined);
  const cx = centers(ax.lo, ax.hi, ax.categorical);
  const cy = centers(ay.lo, ay.hi, ay.categorical);
  const sum = cy.map(() => cx.map(() => 0));
  const count = cy.map(() => cx.map(() => 0));
  const unit = (a: typeof ax, v: number) => (a.log ? Math.log10(v) : v);
  for (const t of rows) {
    const i = cellOf(unit(ax, ax.position(t)!), ax.lo, ax.hi, cx.length, ax.categorical);
    const j = cellOf(unit(ay, ay.position(t)!), ay.lo, ay.hi, cy.length, ay.categorical);
    sum[j][i] += t.values![objective];
    count[j][i] += 1;
  }
  const z = sum.map((row, j) => row.map((s, i) => (count[j][i] ? s / count[j][i] : null)));
  const shown = (a: typeof ax, cs: number[]) => (a.log ? cs.map((c) => 10 ** c) : cs);
  const layout = baseLayout("Contour", "contour");
  layout.xaxis = ax.layout;
  layout.yaxis = ay.layout;
  return {
    data: [
      { type: "contour", x: shown(ax, cx), y: shown(ay, cy), z, connectgaps: true, colorscale: "Blues", colorbar: { title: { text: "Objective" } }, name: "Objective" },
      {
        type: scatterType(rows.length),
        mode: "markers",
        name: "Trials",
        x: rows.map((t) => ax.position(t)),
        y: rows.map((t) => ay.position(t)),
        marker: { size: 5, color: "#333", line: { color: "#fff", width: 0.5 } },
        text: rows.map((t) => `trial ${t.number}`),
        showlegend: false,
      },
    ],
    layout,
  };
}
