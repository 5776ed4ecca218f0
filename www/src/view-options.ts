// The page's view settings (filters, plot choices), kept in the URL hash with the study's
// configuration so that a link shows the same plots.
import { type TrialFilter, defaultFilter, sanitizeFilter } from "./filters";
import { EVALUATORS, type ImportanceEvaluator } from "./plots/importances";
import type { AxisScale } from "./plots/parallel";

/** The panel's settings (all in the URL hash). */
export interface ViewOptions {
  filter: TrialFilter;
  log: boolean;
  colorBy: string | null;
  scales: Record<string, AxisScale>;
  evaluator: ImportanceEvaluator;
  contour: string[];
  rank: string[];
  gp: string[];
}

export function defaultViewOptions(): ViewOptions {
  return { filter: defaultFilter(), log: false, colorBy: null, scales: {}, evaluator: "FanovaImportanceEvaluator", contour: [], rank: [], gp: [] };
}


const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The view settings in a link, checked piece by piece (anything unreadable: the default). */
export function readViewOptions(view: unknown): ViewOptions {
  const out = defaultViewOptions();
  if (!view || typeof view !== "object") return out;
  const v = view as Record<string, unknown>;
  out.filter = sanitizeFilter(v.filter);
  out.log = v.log === true;
  if (typeof v.colorBy === "string") out.colorBy = v.colorBy;
  if (v.scales && typeof v.scales === "object") {
    for (const [k, s] of Object.entries(v.scales as Record<string, unknown>)) if (s === "log" || s === "linear") out.scales[k] = s;
  }
  if (EVALUATORS.includes(v.evaluator as ImportanceEvaluator)) out.evaluator = v.evaluator as ImportanceEvaluator;
  out.contour = strings(v.contour);
  out.rank = strings(v.rank);
  out.gp = strings(v.gp);
  return out;
}
