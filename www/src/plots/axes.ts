// How a parameter sits on a 2-D plot's axis (contour, rank, model belief): numeric parameters on
// their own scale (log where the distribution is), categorical ones on their choice index with the
// choices as tick labels.
import type { Distribution, FrozenTrial } from "wasmtune";
import { plotText } from "./figure";

export interface ParamAxis {
  name: string;
  /** Position of a trial on the axis (choice index for categorical parameters). */
  position(t: FrozenTrial): number | undefined;
  /** Bounds in axis units (log10 for log axes). */
  lo: number;
  hi: number;
  log: boolean;
  categorical: boolean;
  /** Plotly axis settings. */
  layout: Record<string, unknown>;
}

export function paramAxis(name: string, d: Distribution): ParamAxis {
  if (d.name === "CategoricalDistribution") {
    const choices = d.attributes.choices;
    return {
      name,
      position: (t) => {
        const i = choices.findIndex((c) => c === t.params[name]);
        return i < 0 ? undefined : i;
      },
      lo: -0.5,
      hi: choices.length - 0.5,
      log: false,
      categorical: true,
      layout: {
        title: { text: plotText(name) },
        tickvals: choices.map((_, i) => i),
        ticktext: choices.map((c) => plotText(c === null ? "null" : String(c))),
        range: [-0.5, choices.length - 0.5],
      },
    };
  }
  const log = d.attributes.log && d.attributes.low > 0;
  return {
    name,
    position: (t) => (name in t.params ? Number(t.params[name]) : undefined),
    lo: log ? Math.log10(d.attributes.low) : d.attributes.low,
    hi: log ? Math.log10(d.attributes.high) : d.attributes.high,
    log,
    categorical: false,
    layout: { title: { text: plotText(name) }, type: log ? "log" : "linear" },
  };
}

/** The first distribution seen for each parameter. */
export function distributionsOf(trials: readonly FrozenTrial[]): Map<string, Distribution> {
  const dists = new Map<string, Distribution>();
  for (const t of trials) for (const [k, d] of Object.entries(t.distributions)) if (!dists.has(k)) dists.set(k, d);
  return dists;
}

/** The pair of parameters to draw: the chosen ones where they exist, else the first two by name. */
export function pickPair(names: readonly string[], chosen: readonly (string | undefined)[]): [string, string] | null {
  if (names.length < 2) return null;
  const x = chosen[0] && names.includes(chosen[0]) ? chosen[0] : names[0];
  const yc = chosen[1] && names.includes(chosen[1]) && chosen[1] !== x ? chosen[1] : undefined;
  const y = yc ?? names.find((n) => n !== x)!;
  return [x, y];
}
