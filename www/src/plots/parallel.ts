// Parallel coordinates (Optuna's plot_parallel_coordinate, HiPlot's interactions): one axis per
// objective and per parameter. Plotly's parcoords (WebGL) brushes (drag along an axis to filter
// lines: the page turns the brushed ranges into a filter every view shares) and reorders (drag an
// axis by its title). Lines are colored by any axis (HiPlot's color-by). Each numeric axis is
// linear or log10 (by default as its distribution says), a log axis labelled in the parameter's
// units; categorical axes sit on their choice index with the choices as tick labels.
import type { Direction, Distribution, FrozenTrial, ParamValue } from "wasmtune";
import { type PlotData, plotText } from "./figure";

export interface Dimension {
  label: string;
  values: number[];
  range?: [number, number];
  tickvals?: number[];
  ticktext?: string[];
}

export type AxisScale = "linear" | "log";

export interface ParallelOptions {
  /** The axis label to color lines by (default: the first objective). */
  colorBy?: string | null;
  /** Per-parameter scale overriding the distribution's own (`log` needs positive bounds). */
  scales?: Record<string, AxisScale>;
}

/** One axis: its label (as drawn, escaped), and where a trial sits on it. */
export interface Axis {
  label: string;
  param: string | null;
  value(t: FrozenTrial): number | undefined;
  dimension(rows: readonly FrozenTrial[]): Dimension;
}

function label(v: ParamValue): string {
  return v === null ? "null" : String(v);
}

/** Ticks at each power of ten inside [lo, hi] (log10 units), or at both ends if there are fewer
 *  than two. */
export function logTicks(lo: number, hi: number): { tickvals: number[]; ticktext: string[] } {
  const vals: number[] = [];
  for (let k = Math.ceil(lo); k <= Math.floor(hi); k++) vals.push(k);
  const ticks = vals.length >= 2 ? vals : [lo, hi];
  return { tickvals: ticks, ticktext: ticks.map((k) => Number((10 ** k).toPrecision(3)).toString()) };
}

export function objectiveLabels(nObjectives: number): string[] {
  return nObjectives <= 1 ? ["Objective value"] : Array.from({ length: nObjectives }, (_, i) => `Objective ${i}`);
}

function paramAxis(name: string, d: Distribution, scale: AxisScale | undefined): Axis {
  const shown = plotText(name);
  if (d.name === "CategoricalDistribution") {
    const choices = d.attributes.choices;
    const value = (t: FrozenTrial) => {
      if (!(name in t.params)) return undefined;
      const i = choices.findIndex((c) => c === t.params[name]);
      return i < 0 ? undefined : i;
    };
    return {
      label: shown,
      param: name,
      value,
      dimension: (rows) => ({
        label: shown,
        values: rows.map((t) => value(t) ?? NaN),
        range: [0, Math.max(choices.length - 1, 1)],
        tickvals: choices.map((_, i) => i),
        ticktext: choices.map((c) => plotText(label(c))),
      }),
    };
  }
  const log = (scale ?? (d.attributes.log ? "log" : "linear")) === "log" && d.attributes.low > 0;
  if (log) {
    const value = (t: FrozenTrial) => (name in t.params ? Math.log10(Number(t.params[name])) : undefined);
    const lo = Math.log10(d.attributes.low);
    const hi = Math.log10(d.attributes.high);
    const l = `${shown} (log)`;
    return { label: l, param: name, value, dimension: (rows) => ({ label: l, values: rows.map((t) => value(t)!), range: [lo, hi], ...logTicks(lo, hi) }) };
  }
  const value = (t: FrozenTrial) => (name in t.params ? Number(t.params[name]) : undefined);
  return {
    label: shown,
    param: name,
    value,
    dimension: (rows) => ({ label: shown, values: rows.map((t) => value(t)!), range: [d.attributes.low, d.attributes.high] }),
  };
}

/** The axes for these trials: objectives, then parameters by name. */
export function parallelAxes(trials: readonly FrozenTrial[], nObjectives: number, options: ParallelOptions = {}): Axis[] {
  const axes: Axis[] = objectiveLabels(nObjectives).map((l, i) => ({
    label: l,
    param: null,
    value: (t: FrozenTrial) => (t.state === "COMPLETE" && t.values ? t.values[i] : undefined),
    dimension: (rows) => ({ label: l, values: rows.map((t) => t.values![i]) }),
  }));
  const dists = new Map<string, Distribution>();
  for (const t of trials) for (const [k, d] of Object.entries(t.distributions)) if (!dists.has(k)) dists.set(k, d);
  for (const n of [...dists.keys()].sort()) axes.push(paramAxis(n, dists.get(n)!, options.scales?.[n]));
  return axes;
}

/** The parcoords trace: complete trials that have every parameter seen so far (as Optuna, trials
 *  missing a parameter of a conditional space are left out). */
export function parallelData(
  trials: readonly FrozenTrial[],
  direction: Direction,
  options: ParallelOptions = {},
  nObjectives = 1,
): PlotData[] {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.values !== null);
  const axes = parallelAxes(complete, nObjectives, options);
  const rows = complete.filter((t) => axes.every((a) => a.param === null || a.param in t.params));
  const dimensions = axes.map((a) => a.dimension(rows));
  const colorAxis = dimensions.find((d) => d.label === options.colorBy) ?? dimensions[0];
  const byObjective = colorAxis === dimensions[0];
  return [
    {
      type: "parcoords",
      dimensions,
      labelangle: 0,
      line: {
        color: colorAxis.values,
        colorscale: "Viridis",
        // Better trials get the bright end of the scale in either direction.
        reversescale: byObjective && direction === "minimize",
        showscale: true,
        colorbar: { title: { text: byObjective ? "Objective" : colorAxis.label } },
      },
    },
  ];
}

export function parallelLayout(): Record<string, unknown> {
  return { title: { text: "Parallel coordinates" }, margin: { l: 80, r: 80, t: 80, b: 30 }, uirevision: "parallel" };
}

/** Keeps what the person did to the plot across live updates: the axis order they dragged and
 *  the ranges they brushed (Plotly writes both back into the plot's data). */
export function keepInteractions(
  previous: readonly { label: string; constraintrange?: unknown }[] | undefined,
  next: PlotData[],
): PlotData[] {
  if (!previous?.length || !next.length) return next;
  const dims = next[0].dimensions as (Dimension & { constraintrange?: unknown })[];
  const order = new Map(previous.map((d, i) => [d.label, i]));
  const ranges = new Map(previous.map((d) => [d.label, d.constraintrange]));
  for (const d of dims) {
    const r = ranges.get(d.label);
    if (r !== undefined && r !== null) d.constraintrange = r;
  }
  // Axes seen before keep their order; new ones follow in their own order.
  const sorted = [...dims].sort((a, b) => (order.get(a.label) ?? Infinity) - (order.get(b.label) ?? Infinity));
  return [{ ...next[0], dimensions: sorted }];
}

/** Brushed ranges as the filter keeps them, set on the matching axes (a page opened from a link
 *  shows the brushes it was shared with). */
export function withRanges(next: PlotData[], ranges: Record<string, [number, number][]>): PlotData[] {
  if (!next.length) return next;
  for (const d of next[0].dimensions as (Dimension & { constraintrange?: unknown })[]) {
    const r = ranges[d.label];
    if (r?.length) d.constraintrange = r.length === 1 ? r[0] : r;
  }
  return next;
}
