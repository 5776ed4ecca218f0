// The filters every plot and the trials table share: trial states, "top k%" by the objective, and
// the ranges brushed on the parallel-coordinates plot. Pure: the page keeps one `TrialFilter` (in
// the URL hash too) and applies it before any view draws.
import type { Direction, FrozenTrial, TrialState } from "wasmtune";

export interface TrialFilter {
  /** States shown (RUNNING trials are never drawn: they have nothing to show yet). */
  states: TrialState[];
  /** Keep only the best k% of complete trials by the (first) objective; null: all. */
  topPercent: number | null;
  /** Brushed ranges by parallel-coordinates axis label, in that axis' units; a trial passes an
   *  axis when it lies in any of its ranges. */
  ranges: Record<string, [number, number][]>;
}

export const FILTER_STATES: TrialState[] = ["COMPLETE", "PRUNED", "FAIL"];

export function defaultFilter(): TrialFilter {
  return { states: [...FILTER_STATES], topPercent: null, ranges: {} };
}

/** A filter read from anywhere (the URL): unknown parts fall back to the defaults. */
export function sanitizeFilter(f: unknown): TrialFilter {
  const out = defaultFilter();
  if (!f || typeof f !== "object") return out;
  const o = f as Record<string, unknown>;
  if (Array.isArray(o.states)) out.states = FILTER_STATES.filter((s) => (o.states as unknown[]).includes(s));
  if (typeof o.topPercent === "number" && o.topPercent > 0 && o.topPercent <= 100) out.topPercent = o.topPercent;
  if (o.ranges && typeof o.ranges === "object") {
    for (const [k, v] of Object.entries(o.ranges as Record<string, unknown>)) {
      const rs = normalizeRanges(v);
      if (rs.length) out.ranges[k] = rs;
    }
  }
  return out;
}

/** Plotly's parcoords `constraintrange`: `[lo, hi]`, `[[lo, hi], ...]`, or nothing. */
export function normalizeRanges(r: unknown): [number, number][] {
  if (!Array.isArray(r) || r.length === 0) return [];
  const pairs = (Array.isArray(r[0]) ? r : [r]) as unknown[];
  return pairs.filter(
    (p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "number" && Number.isFinite(x)),
  ).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
}

/** The trials that pass `filter`. `axisValue` gives a trial's position on a parallel axis
 *  (undefined where the trial is not on that axis). */
export function applyFilter(
  trials: readonly FrozenTrial[],
  filter: TrialFilter,
  direction: Direction,
  axisValue: (t: FrozenTrial, label: string) => number | undefined,
): FrozenTrial[] {
  let kept = trials.filter((t) => t.state !== "RUNNING" && t.state !== "WAITING" && filter.states.includes(t.state));
  if (filter.topPercent !== null) {
    const complete = kept.filter((t) => t.state === "COMPLETE" && t.values && Number.isFinite(t.values[0]));
    const sign = direction === "maximize" ? -1 : 1;
    const sorted = [...complete].sort((a, b) => sign * (a.values![0] - b.values![0]) || a.number - b.number);
    const n = Math.max(1, Math.ceil((sorted.length * filter.topPercent) / 100));
    const top = new Set(sorted.slice(0, n).map((t) => t.number));
    kept = kept.filter((t) => top.has(t.number));
  }
  const axes = Object.entries(filter.ranges).filter(([, rs]) => rs.length);
  if (axes.length) {
    kept = kept.filter((t) =>
      axes.every(([label, rs]) => {
        const v = axisValue(t, label);
        return v !== undefined && rs.some(([lo, hi]) => v >= lo && v <= hi);
      }),
    );
  }
  return kept;
}
