// The parallel-coordinates card: every parameter and objective as an axis, one line per trial. Its
// brushes (ranges dragged on an axis) are the shared filter's; an axis order dragged by hand is kept
// while the study grows, and dropped when a new study starts.
import { applyFilter, normalizeRanges } from "../filters";
import type { Direction, FrozenTrial } from "wasmtune";
import { type Axis, type Dimension, keepInteractions, parallelAxes, parallelData, parallelLayout, withRanges } from "../plots/parallel";
import type { PlotlyApi } from "../plots/plotly";
import type { ViewOptions } from "../view-options";
import { themed } from "./theme";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

type PlotDiv = HTMLElement & {
  data?: { dimensions?: (Dimension & { constraintrange?: unknown })[] }[];
  on?: (event: string, f: (update: [Record<string, unknown>]) => void) => void;
};

/** What the card reads from the plots panel. */
export interface ParallelSource {
  trials(): FrozenTrial[];
  /** The trials every view draws (the filter applied). */
  filtered(): FrozenTrial[];
  version(): number;
  directions(): Direction[];
  options(): ViewOptions;
  /** Changes the view settings (the brushes, a log scale, the color). */
  set(patch: Partial<ViewOptions>): void;
  plotly(): { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> } | null;
}

/** The `#parallel` card of the plots panel. */
export class ParallelCard {
  private listening = false;
  private key = "";
  /** A new study starts with the axes in their own order; the order dragged to is kept after. */
  private fresh = true;
  private order: string[] | null = null;

  constructor(private readonly source: ParallelSource) {}

  /** Axes in their own order again, drawn afresh (a new study, settings from a link, brushes cleared). */
  restart(): void {
    this.fresh = true;
    this.key = "";
  }

  /** Drawn again at the next render, even with the same trials (the settings or the theme changed). */
  stale(): void {
    this.key = "";
  }

  private get direction(): Direction {
    return this.source.directions()[0] ?? "minimize";
  }

  /** Draws the card (unless nothing changed since the last draw). */
  draw(): void {
    const view = this.source.options();
    const trials = this.source.filtered();
    // Redraw only when there is something new: Plotly's parcoords writes a dragged axis order
    // into the trace objects it drew from, so a redraw with equal data would lose the order.
    const key = `${this.source.version()}/${trials.length}/${JSON.stringify([view.colorBy, view.scales])}/${this.fresh}`;
    if (!this.fresh && key === this.key) return;
    this.key = key;
    const gd = $("parallel") as PlotDiv;
    if (this.fresh) this.order = null;
    // Brushed ranges are the filter's; the order is Plotly's report of the drag.
    const previous = this.fresh ? undefined : orderedAs(gd.data?.[0]?.dimensions, this.order);
    this.fresh = false;
    // The parallel plot shows the trials the other filters pass; its own brushes highlight.
    const unbrushed = { ...view.filter, ranges: {} };
    const all = this.source.trials();
    const axes = parallelAxes(all, this.source.directions().length, view);
    const byLabel = new Map(axes.map((a) => [a.label, a]));
    const rows = applyFilter(all, unbrushed, this.direction, (t, l) => byLabel.get(l)?.value(t));
    const data = withRanges(keepInteractions(previous, parallelData(rows, this.direction, view, this.source.directions().length)), view.filter.ranges);
    this.fillTools(axes);
    const dims = (data[0]?.dimensions as Dimension[] | undefined) ?? [];
    const count = dims[0]?.values.length ?? 0;
    const el = $("parallel");
    el.dataset.traces = "1";
    el.dataset.points = String(count);
    const note = $("parallel-note");
    note.hidden = count > 0;
    note.textContent = count > 0 ? "" : "Parallel coordinates: no complete trial yet.";
    const plotly = this.source.plotly();
    if (!plotly) return;
    if (count === 0) {
      // Nothing to draw: the note alone (a purge drops Plotly's listeners too).
      if (!gd.hidden && gd.data) {
        plotly.Plotly.purge(gd);
        this.listening = false;
      }
      gd.hidden = true;
      return;
    }
    gd.hidden = false;
    void plotly.Plotly.react(gd, data, themed(parallelLayout()), plotly.PLOT_CONFIG).then(() => {
      if (this.listening || !gd.on) return;
      this.listening = true;
      gd.on("plotly_restyle", ([update]) => {
        const dims = (update?.dimensions as Dimension[][] | undefined)?.[0];
        if (dims) this.order = dims.map((d) => d.label);
        if (Object.keys(update ?? {}).some((k) => k.includes("constraintrange"))) this.readBrushes(gd);
      });
    });
  }

  /** The brushed ranges, read back from the plot into the shared filter. */
  private readBrushes(gd: PlotDiv): void {
    const ranges: Record<string, [number, number][]> = {};
    for (const d of gd.data?.[0]?.dimensions ?? []) {
      const r = normalizeRanges(d.constraintrange);
      if (r.length) ranges[d.label] = r;
    }
    this.source.set({ filter: { ...this.source.options().filter, ranges } });
  }

  private fillTools(axes: Axis[]): void {
    const view = this.source.options();
    const color = $<HTMLSelectElement>("parallel-color");
    const labels = axes.map((a) => a.label);
    const params = axes.filter((a) => a.param !== null).map((a) => a.param!);
    if (color.options.length !== labels.length || [...color.options].some((o, i) => o.value !== labels[i])) {
      color.replaceChildren(
        ...axes.map((a) => {
          const o = document.createElement("option");
          // The value is the axis label as Plotly has it (escaped); the menu shows the name as text.
          o.value = a.label;
          o.textContent = a.param === null ? a.label : a.param;
          return o;
        }),
      );
    }
    color.value = view.colorBy && labels.includes(view.colorBy) ? view.colorBy : labels[0] ?? "";
    const scales = $("parallel-scales");
    const numeric = params.filter((p) => {
      const d = this.source.trials().find((t) => p in t.distributions)?.distributions[p];
      return d && d.name !== "CategoricalDistribution" && d.attributes.low > 0;
    });
    if (scales.dataset.params !== JSON.stringify(numeric)) {
      scales.dataset.params = JSON.stringify(numeric);
      scales.replaceChildren(
        ...numeric.map((p) => {
          const l = document.createElement("label");
          const box = document.createElement("input");
          box.type = "checkbox";
          box.dataset.param = p;
          box.addEventListener("change", () => {
            this.source.set({ scales: { ...this.source.options().scales, [p]: box.checked ? "log" : "linear" } });
          });
          l.append(box, ` ${p} log`);
          return l;
        }),
      );
    }
    for (const box of scales.querySelectorAll<HTMLInputElement>("input")) {
      const p = box.dataset.param!;
      const d = this.source.trials().find((t) => p in t.distributions)?.distributions[p];
      const dflt = d && d.name !== "CategoricalDistribution" && d.attributes.log ? "log" : "linear";
      box.checked = (view.scales[p] ?? dflt) === "log";
    }
  }
}

function orderedAs<T extends { label: string }>(dims: T[] | undefined, order: string[] | null): T[] | undefined {
  if (!dims || !order) return dims;
  const at = (d: T) => {
    const i = order.indexOf(d.label);
    return i < 0 ? Infinity : i;
  };
  return [...dims].sort((a, b) => at(a) - at(b));
}
