// Optimization history (Optuna's plot_optimization_history): each complete trial's value and the
// best value so far, with a log-scale toggle; other studies (a race) overlaid, each in its color.
import type { Direction, FrozenTrial } from "wasmtune";
import { type PlotData, plotText, scatterType } from "./figure";

/** One study's trials, named for the legend. */
export interface Series {
  name: string;
  trials: readonly FrozenTrial[];
  direction: Direction;
}

const COLORS = ["#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"];

function oneStudy(trials: readonly FrozenTrial[], direction: Direction, name: string | null, i: number): PlotData[] {
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
  const prefix = name === null ? "" : `${plotText(name)}: `;
  return [
    { type: scatterType(xs.length), mode: "markers", name: `${prefix}Objective value`, x: xs, y: ys, marker: { size: 6, color: COLORS[i % COLORS.length] } },
    { type: scatterType(xs.length), mode: "lines", name: `${prefix}Best value`, x: xs, y: best, line: { color: i === 0 ? "#d62728" : COLORS[i % COLORS.length], width: 2 } },
  ];
}

/** Two traces (values, best so far) for the study on the page, then two per overlaid study. */
export function historyData(trials: readonly FrozenTrial[], direction: Direction, others: readonly Series[] = []): PlotData[] {
  const data = oneStudy(trials, direction, others.length ? "this study" : null, 0);
  others.forEach((s, i) => data.push(...oneStudy(s.trials, s.direction, s.name, i + 1)));
  return data;
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
