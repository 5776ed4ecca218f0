// What the GP sampler's model believes (mean, uncertainty, acquisition function) over one or two
// parameters, from the engine's `gpBelief` (the other parameters held at the best trial's values).
// 1-D: the mean with a ±2σ band and the trials, the acquisition function below. 2-D: three
// contour panels (mean, σ, acquisition) with the trials on each.
import type { FrozenTrial, GpBelief } from "wasmtune";
import { type PlotData, type PlotResult, baseLayout, plotText } from "./figure";

export const GP_NEEDS_SAMPLER = "What the model believes: drawn for studies that use GPSampler (choose it under Sampler).";
export const GP_NEEDS_ENGINE = "What the model believes: needs a newer engine build (this one exposes no GP model).";

export type GpState = { belief: GpBelief } | { error: string } | null;

export function gpBeliefPlot(state: GpState, trials: readonly FrozenTrial[]): PlotResult {
  if (state === null) return { note: "What the model believes: computing…" };
  if ("error" in state) return { note: `What the model believes: ${state.error}` };
  const b = state.belief;
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values && b.params.every((p) => p in t.params));
  const layout = baseLayout(`What the model believes after ${b.nTrials} trials`, "gp");
  if (b.params.length === 1) {
    const x = b.axes[0];
    const mean = b.mean as number[];
    const std = b.std as number[];
    const yours = complete.filter((t) => t.userAttrs?.proposed_by === "you");
    const sampled = complete.filter((t) => t.userAttrs?.proposed_by !== "you");
    layout.xaxis = { title: { text: plotText(b.params[0]) }, anchor: "y2" };
    layout.yaxis = { domain: [0.35, 1], title: { text: "Objective" } };
    layout.yaxis2 = { domain: [0, 0.25], title: { text: "Acquisition" } };
    const data: PlotData[] = [
      { type: "scatter", mode: "lines", name: "mean − 2σ", x, y: mean.map((m, i) => m - 2 * std[i]), line: { width: 0 }, showlegend: false },
      { type: "scatter", mode: "lines", name: "±2σ", x, y: mean.map((m, i) => m + 2 * std[i]), fill: "tonexty", fillcolor: "rgba(31,119,180,0.2)", line: { width: 0 } },
      { type: "scatter", mode: "lines", name: "Mean", x, y: mean, line: { color: "#1f77b4" } },
      { type: "scatter", mode: "markers", name: "Trials", x: sampled.map((t) => t.params[b.params[0]]), y: sampled.map((t) => t.values![0]), marker: { color: "#333", size: 5 } },
      { type: "scatter", mode: "lines", name: "Acquisition", x, y: b.acquisition as number[], yaxis: "y2", line: { color: "#2ca02c" } },
    ];
    // The student's own trials (a click on this plot while paused), apart from the sampler's.
    if (yours.length) {
      data.push({ type: "scatter", mode: "markers", name: "Your trials", x: yours.map((t) => t.params[b.params[0]]), y: yours.map((t) => t.values![0]), marker: { symbol: "diamond", color: "#d80", size: 10, line: { width: 1, color: "#640" } } });
    }
    return { data, layout };
  }
  const [x, y] = b.axes;
  const panels: [string, number[][]][] = [
    ["Mean", b.mean as number[][]],
    ["σ", b.std as number[][]],
    ["Acquisition", b.acquisition as number[][]],
  ];
  const data: PlotData[] = [];
  panels.forEach(([name, z], i) => {
    const ax = i === 0 ? "" : String(i + 1);
    layout[`xaxis${ax}`] = { domain: [i * 0.35, i * 0.35 + 0.3], title: { text: `${plotText(b.params[0])} — ${name}` }, anchor: `y${ax}` };
    layout[`yaxis${ax}`] = { anchor: `x${ax}`, title: { text: i === 0 ? plotText(b.params[1]) : "" } };
    data.push({ type: "contour", name, x, y, z, xaxis: `x${ax}`, yaxis: `y${ax}`, showscale: false, colorscale: i === 2 ? "Greens" : "Blues" });
    data.push({
      type: "scatter",
      mode: "markers",
      name: "Trials",
      showlegend: i === 0,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      x: complete.map((t) => t.params[b.params[0]]),
      y: complete.map((t) => t.params[b.params[1]]),
      marker: { color: "#333", size: 4 },
    });
  });
  return { data, layout };
}
