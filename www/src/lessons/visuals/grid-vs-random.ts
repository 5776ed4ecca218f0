// The grid-or-random lesson's visual (Bergstra & Bengio 2012, figure 1): the study's grid points
// and the race's random points on the (x, y) square, with their projections: onto x, over the
// curve f(x) that is all that matters, and onto y, which does not matter at all.
import type { FrozenTrial } from "wasmtune";
import type { Figure, PlotData } from "../../plots/figure";
import { onlyX } from "../../objectives/forrester";
import { type LessonVisual, type VisualContext, bestOf, completed, drawFigure, plotBox } from "./visual";

/** Distinct values of parameter `name` among `trials` (to 6 digits). */
export function distinctValues(trials: readonly FrozenTrial[], name: string): number {
  return new Set(trials.map((t) => Number(t.params[name]).toPrecision(6))).size;
}

const COLORS = { grid: "#a60", random: "#36c" };

export function gridVsRandomFigure(grid: readonly FrozenTrial[], random: readonly FrozenTrial[]): Figure {
  const xs = Array.from({ length: 201 }, (_, i) => i / 200);
  const data: PlotData[] = [
    { type: "scatter", mode: "lines", name: "f(x)", x: xs, y: xs.map((x) => onlyX.evaluate({ x, y: 0 }) as number), xaxis: "x", yaxis: "y2", line: { color: "#9ab" }, hoverinfo: "skip", showlegend: false },
  ];
  for (const [name, trials] of [["grid", completed(grid)], ["random", completed(random)]] as const) {
    const color = COLORS[name];
    const label = `${name} (${distinctValues(trials, "x")} values of x)`;
    data.push(
      { type: "scatter", mode: "markers", name: label, legendgroup: name, x: trials.map((t) => t.params.x), y: trials.map((t) => t.params.y), marker: { color, size: 9 } },
      { type: "scatter", mode: "markers", name: `${name}: f(x)`, legendgroup: name, showlegend: false, x: trials.map((t) => t.params.x), y: trials.map((t) => t.value), yaxis: "y2", marker: { color, size: 8, symbol: "line-ns-open", line: { width: 2, color } } },
      { type: "scatter", mode: "markers", name: `${name}: y`, legendgroup: name, showlegend: false, x: trials.map(() => name === "grid" ? 0.2 : 0.8), y: trials.map((t) => t.params.y), xaxis: "x2", marker: { color, size: 8, symbol: "line-ew-open", line: { width: 2, color } } },
    );
  }
  return {
    data,
    layout: {
      margin: { l: 60, r: 20, t: 20, b: 40 },
      legend: { orientation: "h", y: 1.08 },
      // One x axis for both panels, drawn under the lower one (f(x)).
      xaxis: { domain: [0, 0.84], range: [-0.03, 1.03], title: { text: "x (matters)" }, anchor: "y2" },
      yaxis: { domain: [0.42, 1], range: [-0.05, 1.05], title: { text: "y (does not)" }, anchor: "x" },
      yaxis2: { domain: [0, 0.34], title: { text: "f(x)" }, anchor: "x" },
      xaxis2: { domain: [0.88, 1], range: [0, 1], showticklabels: false, anchor: "y" },
      uirevision: "grid-vs-random",
    },
  };
}

export function gridVsRandomVisual(root: HTMLElement, ctx: VisualContext): LessonVisual {
  root.dataset.control = "grid-vs-random";
  const score = document.createElement("p");
  score.className = "lesson-score";
  score.setAttribute("role", "status");
  const { el, note } = plotBox(root, "grid-vs-random-plot");
  root.prepend(score);
  return {
    update() {
      const grid = ctx.trials();
      const random = ctx.rival();
      const g = bestOf(grid, "minimize");
      const r = bestOf(random, "minimize");
      score.textContent =
        `Grid: ${completed(grid).length} trials, ${distinctValues(completed(grid), "x")} values of x, best f = ${g ? g.value!.toFixed(3) : "–"}. ` +
        `Random: ${completed(random).length} trials, ${distinctValues(completed(random), "x")} values of x, best f = ${r ? r.value!.toFixed(3) : "–"}.`;
      drawFigure(ctx, el, note, gridVsRandomFigure(grid, random));
    },
  };
}
