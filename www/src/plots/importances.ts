// Parameter importances (Optuna's plot_param_importances): a horizontal bar per parameter, the most
// important on top. The numbers are the engine's (fANOVA or PED-ANOVA, computed in the study
// worker); this module only draws them.
import { type PlotResult, baseLayout, plotText } from "./figure";

export type ImportanceEvaluator = "FanovaImportanceEvaluator" | "PedAnovaImportanceEvaluator";
export const EVALUATORS: ImportanceEvaluator[] = ["FanovaImportanceEvaluator", "PedAnovaImportanceEvaluator"];

export const IMPORTANCES_NEED_ENGINE = "Parameter importances: needs a newer engine build (this one computes no importances).";

/** Where importances stand: not asked yet, computed, or refused with the engine's message. */
export type ImportanceState = { importances: Record<string, number> } | { error: string } | null;

export function importancesPlot(state: ImportanceState, evaluator: ImportanceEvaluator): PlotResult {
  if (state === null) return { note: "Parameter importances: computing…" };
  if ("error" in state) return { note: `Parameter importances: ${state.error}` };
  const entries = Object.entries(state.importances).sort((a, b) => a[1] - b[1]);
  if (!entries.length) return { note: "Parameter importances: no parameters." };
  const layout = baseLayout(`Parameter importances (${evaluator.replace("ImportanceEvaluator", "")})`, "importances");
  layout.xaxis = { title: { text: "Importance" } };
  layout.margin = { l: 120, r: 20, t: 40, b: 50 };
  return {
    data: [
      {
        type: "bar",
        orientation: "h",
        name: "Importance",
        x: entries.map(([, v]) => v),
        y: entries.map(([k]) => plotText(k)),
        text: entries.map(([, v]) => v.toFixed(3)),
        textposition: "outside",
        marker: { color: "#1f77b4" },
      },
    ],
    layout,
  };
}
