// Parallel coordinates (Optuna's plot_parallel_coordinate, HiPlot's interactions): one axis for the
// objective and one per parameter, lines colored by the objective. Plotly's parcoords brushes
// (drag along an axis to filter lines) and reorders (drag an axis by its title). Log-scale
// parameters are drawn on log10 with ticks labelled in the parameter's units; categorical ones on
// their choice index with the choices as tick labels.
import type { Direction, Distribution, FrozenTrial, ParamValue } from "../lib/wasmtune";
import type { PlotData } from "./plotly";

export interface Dimension {
  label: string;
  values: number[];
  range?: [number, number];
  tickvals?: number[];
  ticktext?: string[];
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

function dimension(name: string, d: Distribution, values: ParamValue[]): Dimension {
  if (d.name === "CategoricalDistribution") {
    const choices = d.attributes.choices;
    const index = (v: ParamValue) => choices.findIndex((c) => c === v);
    return {
      label: name,
      values: values.map(index),
      range: [0, Math.max(choices.length - 1, 1)],
      tickvals: choices.map((_, i) => i),
      ticktext: choices.map(label),
    };
  }
  const nums = values.map((v) => Number(v));
  if (d.attributes.log) {
    const lo = Math.log10(d.attributes.low);
    const hi = Math.log10(d.attributes.high);
    return { label: `${name} (log)`, values: nums.map(Math.log10), range: [lo, hi], ...logTicks(lo, hi) };
  }
  return { label: name, values: nums, range: [d.attributes.low, d.attributes.high] };
}

/** The parcoords trace: complete trials that have every parameter seen so far (as Optuna, trials
 *  missing a parameter of a conditional space are left out). */
export function parallelData(trials: readonly FrozenTrial[], direction: Direction): PlotData[] {
  const complete = trials.filter((t) => t.state === "COMPLETE" && t.value !== null);
  const dists = new Map<string, Distribution>();
  for (const t of complete) for (const [k, d] of Object.entries(t.distributions)) if (!dists.has(k)) dists.set(k, d);
  const names = [...dists.keys()].sort();
  const rows = complete.filter((t) => names.every((n) => n in t.params));
  const objective = rows.map((t) => t.value as number);
  const dimensions: Dimension[] = [{ label: "Objective value", values: objective }];
  for (const n of names) {
    dimensions.push(dimension(n, dists.get(n)!, rows.map((t) => t.params[n])));
  }
  return [
    {
      type: "parcoords",
      dimensions,
      labelangle: 0,
      line: {
        color: objective,
        colorscale: "Viridis",
        // Better trials get the bright end of the scale in either direction.
        reversescale: direction === "minimize",
        showscale: true,
        colorbar: { title: { text: "Objective" } },
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
