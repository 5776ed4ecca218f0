// The terminator's improvement plot (Optuna's plot_terminator_improvement): after each trial, how
// much the best value could still improve, and the threshold below which the switch stops the
// study. The figures are the engine's (Study.terminator, with the page's terminator); this module
// only draws them.
import type { ImprovementPoint } from "wasmtune";
import { type PlotResult, baseLayout } from "./figure";

/** The longest study the plot is drawn for: its points cost a model fit each over the trials up to
 *  them (a 150-trial study, about 150 fits of up to 150 points, takes seconds in the browser). */
export const TERMINATOR_PLOT_MAX_TRIALS = 150;
export const TERMINATOR_TOO_LONG = `Terminator improvement: drawn for studies of up to ${TERMINATOR_PLOT_MAX_TRIALS} trials (each point is a model fit over the trials before it; replay to an earlier trial to see it). The switch above still judges every trial.`;

export const TERMINATOR_ONE_OBJECTIVE = "Terminator improvement: drawn for single-objective studies (the terminator judges one objective).";

/** Where the plot's figures stand: not asked yet, computed, or refused with the engine's message. */
export type TerminatorPlotState = { history: ImprovementPoint[]; minTrials: number; improvementName: string } | { error: string } | null;

export function terminatorPlot(state: TerminatorPlotState): PlotResult {
  if (state === null) return { note: "Terminator improvement: computing…" };
  if ("error" in state) return { note: `Terminator improvement: ${state.error}` };
  const { history, minTrials, improvementName } = state;
  if (!history.length) return { note: "Terminator improvement: no complete trial yet." };
  const x = history.map((p) => p.trial_number);
  // The median error is negative (no threshold) until its initial trials are in: not drawn.
  const threshold = history.map((p) => (p.error !== null && p.error >= 0 ? p.error : null));
  const layout = baseLayout("Terminator improvement", "terminator");
  layout.xaxis = { title: { text: "Trial" } };
  layout.yaxis = { title: { text: "Possible improvement" }, type: "log" };
  // Optuna greys the trials before min_n_trials complete ones: the terminator does not judge there.
  const judged = history.findIndex((p) => p.n_complete >= minTrials);
  if (judged > 0) {
    layout.shapes = [
      { type: "rect", xref: "x", yref: "paper", x0: x[0] - 0.5, x1: x[judged] - 0.5, y0: 0, y1: 1, fillcolor: "#888", opacity: 0.15, line: { width: 0 } },
    ];
  }
  return {
    data: [
      { type: "scatter", mode: "lines+markers", name: `Improvement (${improvementName.replace("Evaluator", "")})`, x, y: history.map((p) => p.improvement), marker: { size: 4, color: "#1f77b4" } },
      { type: "scatter", mode: "lines", name: "Threshold (stop below)", x, y: threshold, line: { dash: "dash", color: "#d62728" } },
    ],
    layout,
  };
}
