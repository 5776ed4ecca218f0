// Optimization history (Optuna's plot_optimization_history): each complete trial's value and the
// best value so far, with a log-scale toggle.
import type { Direction, FrozenTrial } from "../lib/wasmtune";
import type { PlotData } from "./plotly";

export function historyData(trials: readonly FrozenTrial[], direction: Direction): PlotData[] {
  const xs: number[] = [];
  const ys: number[] = [];
  const best: number[] = [];
  let b = direction === "maximize" ? -Infinity : Infinity;
  for (const t of trials) {
    if (t.state !== "COMPLETE" || t.value === null) continue;
    b = direction === "maximize" ? Math.max(b, t.value) : Math.min(b, t.value);
    xs.push(t.number);
    ys.push(t.value);
    best.push(b);
  }
  return [
    { type: "scatter", mode: "markers", name: "Objective value", x: xs, y: ys, marker: { size: 6, color: "#1f77b4" } },
    { type: "scatter", mode: "lines", name: "Best value", x: xs, y: best, line: { color: "#d62728", width: 2 } },
  ];
}

export function historyLayout(logScale: boolean): Record<string, unknown> {
  return {
    title: { text: "Optimization history" },
    xaxis: { title: { text: "Trial" } },
    yaxis: { title: { text: "Objective value" }, type: logScale ? "log" : "linear" },
    margin: { l: 70, r: 20, t: 40, b: 50 },
    legend: { orientation: "h", y: -0.2 },
    uirevision: "history",
  };
}
