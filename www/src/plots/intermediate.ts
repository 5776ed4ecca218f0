// Intermediate values (Optuna's plot_intermediate_values): one line per trial that reported, by
// step. Pruned trials are grey and dashed, and say PRUNED in the legend and on hover. Successive
// halving's rungs (ASHA, and Hyperband's brackets) are marked where each trial reached them.
import type { FrozenTrial } from "wasmtune";
import type { PlotData } from "./plotly";

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

/** One trace per trial with at least one report, steps ascending. Empty when nothing reported. */
export function intermediateData(trials: readonly FrozenTrial[]): PlotData[] {
  const data: PlotData[] = [];
  const legendShown = new Set<string>();
  for (const t of trials) {
    if (!t) continue;
    const points = Object.entries(t.intermediateValues ?? {})
      .map(([step, value]) => [Number(step), value] as const)
      .sort((a, b) => a[0] - b[0]);
    if (!points.length) continue;
    const pruned = t.state === "PRUNED";
    const group = pruned ? "PRUNED" : t.state;
    const showlegend = !legendShown.has(group);
    legendShown.add(group);
    data.push({
      type: "scatter",
      mode: points.length === 1 ? "markers" : "lines",
      name: `${group} trials`,
      legendgroup: group,
      showlegend,
      x: points.map((p) => p[0]),
      y: points.map((p) => p[1]),
      line: pruned ? { color: "#999", width: 1, dash: "dash" } : { color: PALETTE[t.number % PALETTE.length], width: 1.5 },
      marker: { size: 4, color: pruned ? "#999" : PALETTE[t.number % PALETTE.length] },
      opacity: pruned ? 0.7 : 0.9,
      meta: { trial: t.number, state: t.state },
      hovertemplate: `Trial ${t.number} (${t.state})<br>step %{x}<br>value %{y}<extra></extra>`,
    });
  }
  return [...data, ...rungData(trials)];
}

/** Where the trials reached each rung of successive halving: the pruner records the value a
 *  trial had at rung k in its `completed_rung_k` system attribute, and the step is the first one
 *  that reported that value. One trace per rung, markers only. */
export function rungData(trials: readonly FrozenTrial[]): PlotData[] {
  const rungs = new Map<number, { x: number[]; y: number[]; trial: number[] }>();
  for (const t of trials) {
    if (!t) continue;
    for (const [key, value] of Object.entries(t.systemAttrs ?? {})) {
      const m = /(?:^|:)completed_rung_(\d+)$/.exec(key);
      if (!m || typeof value !== "number") continue;
      const step = Object.entries(t.intermediateValues ?? {})
        .map(([s, v]) => [Number(s), v] as const)
        .filter(([, v]) => v === value)
        .sort((a, b) => a[0] - b[0])[0]?.[0];
      if (step === undefined) continue;
      const r = rungs.get(Number(m[1])) ?? { x: [], y: [], trial: [] };
      r.x.push(step);
      r.y.push(value);
      r.trial.push(t.number);
      rungs.set(Number(m[1]), r);
    }
  }
  return [...rungs.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, r]) => ({
      type: "scatter",
      mode: "markers",
      name: `rung ${k}`,
      x: r.x,
      y: r.y,
      marker: { symbol: "diamond", size: 8, color: "#d62728", line: { width: 1, color: "#fff" } },
      meta: { rung: k },
      customdata: r.trial,
      hovertemplate: `Trial %{customdata} reached rung ${k}<br>step %{x}<br>value %{y}<extra></extra>`,
    }));
}

export function intermediateLayout(): Record<string, unknown> {
  return {
    title: { text: "Intermediate values" },
    xaxis: { title: { text: "Step" } },
    yaxis: { title: { text: "Intermediate value" } },
    margin: { l: 70, r: 20, t: 40, b: 50 },
    legend: { orientation: "h", y: -0.2 },
    uirevision: "intermediate",
  };
}

/** What the page says instead of an empty chart. */
export const NO_INTERMEDIATE_VALUES =
  "Intermediate values: none reported in this study. Objectives that call trial.report(value, step) " +
  "(the learning curve, or your own code) draw one curve per trial here, pruned ones dashed.";
