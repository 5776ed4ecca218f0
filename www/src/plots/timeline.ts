// Timeline (Optuna's plot_timeline): each trial as a bar from its start to its end on the wall
// clock, one row per worker that ran it (the `worker` user attribute; a study run by the single
// study worker has one row), colored by state.
import type { FrozenTrial, TrialState } from "wasmtune";
import { type PlotData, type PlotResult, WEBGL_POINTS, baseLayout } from "./figure";

export const NO_TIMELINE = "Timeline: no finished trial with start and end times yet.";
const STATE_COLORS: Record<string, string> = { COMPLETE: "#1f77b4", PRUNED: "#ff7f0e", FAIL: "#d62728", RUNNING: "#2ca02c", WAITING: "#7f7f7f" };

/** The row a trial is drawn on. */
export function workerOf(t: FrozenTrial): string {
  const w = t.userAttrs?.worker;
  return typeof w === "number" || typeof w === "string" ? `worker ${w}` : "study worker";
}

/** One bar trace per state present; `data-workers` on the plot counts the rows. */
export function timelinePlot(trials: readonly FrozenTrial[]): PlotResult & { workers?: number } {
  const timed = trials.filter((t) => t.datetimeStart !== null && t.datetimeComplete !== null);
  if (!timed.length) return { note: NO_TIMELINE };
  const states = [...new Set(timed.map((t) => t.state))] as TrialState[];
  const data: PlotData[] = states.map((s) => {
    const rows = timed.filter((t) => t.state === s);
    if (timed.length > WEBGL_POINTS) {
      // Thousands of bars: one WebGL line per state, a segment per trial (null between them).
      const x: (string | null)[] = [];
      const y: (string | null)[] = [];
      for (const t of rows) {
        x.push(new Date(t.datetimeStart!).toISOString(), new Date(Math.max(t.datetimeComplete!, t.datetimeStart! + 1)).toISOString(), null);
        y.push(workerOf(t), workerOf(t), null);
      }
      return { type: "scattergl", mode: "lines", name: s, x, y, line: { color: STATE_COLORS[s] ?? "#999", width: 10 }, connectgaps: false };
    }
    return {
      type: "bar",
      orientation: "h",
      name: s,
      base: rows.map((t) => new Date(t.datetimeStart!).toISOString()),
      // At least a millisecond, so that instant trials stay visible.
      x: rows.map((t) => Math.max(1, t.datetimeComplete! - t.datetimeStart!)),
      y: rows.map(workerOf),
      text: rows.map((t) => `trial ${t.number} (${s})`),
      hoverinfo: "text",
      textposition: "none",
      marker: { color: STATE_COLORS[s] ?? "#999" },
    };
  });
  const workers = new Set(timed.map(workerOf)).size;
  const layout = baseLayout("Timeline", "timeline");
  layout.xaxis = { type: "date", title: { text: "Time" } };
  layout.yaxis = { type: "category", title: { text: "Worker" }, categoryorder: "category ascending" };
  layout.barmode = "overlay";
  return { data, layout, workers };
}
