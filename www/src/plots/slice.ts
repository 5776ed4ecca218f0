// Slice plot (Optuna's plot_slice): the objective against each parameter, one panel per parameter
// side by side, points colored by trial number (later trials darker).
import type { FrozenTrial, ParamValue } from "wasmtune";
import { type PlotResult, baseLayout, plotText, scatterType } from "./figure";

export const NO_SLICE = "Slice: no complete trial with parameters yet.";

/** The parameters of the complete trials, sorted by name. */
export function paramNames(trials: readonly FrozenTrial[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t.params)) names.add(k);
  return [...names].sort();
}

const display = (v: ParamValue) => (typeof v === "number" ? v : plotText(v === null ? "null" : String(v)));

/** One scatter trace per parameter, each on its own x axis. */
export function slicePlot(trials: readonly FrozenTrial[], objective = 0): PlotResult {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values);
  const params = paramNames(complete);
  if (!complete.length || !params.length) return { note: NO_SLICE };
  const layout = baseLayout("Slice", "slice");
  const gap = 0.04;
  const width = (1 - gap * (params.length - 1)) / params.length;
  const data = params.map((p, i) => {
    const rows = complete.filter((t) => p in t.params);
    const axis = i === 0 ? "" : String(i + 1);
    const d = rows[0]?.distributions[p];
    layout[`xaxis${axis}`] = {
      domain: [i * (width + gap), i * (width + gap) + width],
      title: { text: plotText(p) },
      type: d?.name === "CategoricalDistribution" ? "category" : d?.attributes.log ? "log" : "linear",
    };
    return {
      type: scatterType(rows.length),
      mode: "markers",
      name: plotText(p),
      xaxis: `x${axis}`,
      yaxis: "y",
      x: rows.map((t) => display(t.params[p])),
      y: rows.map((t) => t.values![objective]),
      text: rows.map((t) => `trial ${t.number}`),
      marker: { size: 5, color: rows.map((t) => t.number), colorscale: "Blues", showscale: i === params.length - 1, colorbar: { title: { text: "Trial" } } },
      showlegend: false,
    };
  });
  layout.yaxis = { title: { text: "Objective value" } };
  return { data, layout };
}
