// Empirical distribution function (Optuna's plot_edf): for each study, the fraction of its complete
// trials with an objective value at or below x. Several studies (a race) compare at a glance.
import { type PlotResult, baseLayout, plotText, scatterType } from "./figure";
import type { Series } from "./history";

export const NO_EDF = "Empirical distribution: no complete trial yet.";

/** One step line per study that has complete trials. */
export function edfPlot(series: readonly Series[], objective = 0): PlotResult {
  const data = [];
  for (const s of series) {
    const vs = s.trials
      .filter((t) => t.state === "COMPLETE" && t.values && Number.isFinite(t.values[objective]))
      .map((t) => t.values![objective])
      .sort((a, b) => a - b);
    if (!vs.length) continue;
    data.push({
      type: scatterType(vs.length),
      mode: "lines",
      line: { shape: "hv" },
      name: plotText(s.name),
      x: vs,
      y: vs.map((_, i) => (i + 1) / vs.length),
    });
  }
  if (!data.length) return { note: NO_EDF };
  const layout = baseLayout("Empirical distribution function", "edf");
  layout.xaxis = { title: { text: "Objective value" } };
  layout.yaxis = { title: { text: "Cumulative probability" }, range: [0, 1.02] };
  return { data, layout };
}
