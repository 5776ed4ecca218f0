// What a lesson's visual reads from the page, and how it draws. The visual lives in the lesson's
// card above the results; it redraws when the trials, the race or the replay position change.
import type { Direction, FrozenTrial, ParamValue } from "wasmtune";
import { type PlotResult, isNote } from "../../plots/figure";
import type { PlotlyApi } from "../../plots/plotly";
import type { Query, RunSpec } from "../../protocol";
import { themed } from "../../ui/theme";

export { clickedX, clickedXY } from "../../plots/click";

export interface VisualContext {
  /** The study's trials as the page shows them (up to the replay position). */
  trials(): readonly FrozenTrial[];
  /** The race's rival trials, when the lesson races another sampler. */
  rival(): readonly FrozenTrial[];
  spec(): RunSpec;
  directions(): Direction[];
  /** Asks the study worker (the engine) about the study on the page. */
  ask(q: Query): Promise<unknown>;
  /** The next trial at these parameters, proposed by the student (absent: the page cannot). */
  propose?(params: Record<string, ParamValue>): void;
  /** Plotly once loaded (the visuals draw without it where they can). */
  plotly(): { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> } | null;
}

export interface LessonVisual {
  /** Redraws from the context. */
  update(): void;
}

/** Draws `result` into `el` (or its note into `note`), counting traces and points in `data-traces`
 *  and `data-points` as the playground's plots do. */
export function drawFigure(ctx: VisualContext, el: HTMLElement, note: HTMLElement, result: PlotResult): void {
  const plotly = ctx.plotly();
  if (isNote(result)) {
    note.hidden = false;
    note.textContent = result.note;
    el.dataset.traces = "0";
    if (!el.hidden && plotly) plotly.Plotly.purge(el);
    el.hidden = true;
    return;
  }
  note.hidden = true;
  el.dataset.traces = String(result.data.length);
  el.dataset.points = String(result.data.reduce((n, d) => n + (Array.isArray(d.x) ? d.x.length : 0), 0));
  if (!plotly) return;
  el.hidden = false;
  void plotly.Plotly.react(el, result.data, themed(result.layout), plotly.PLOT_CONFIG);
}

/** A card's plot and its note, created in `root`. */
export function plotBox(root: HTMLElement, id: string): { el: HTMLElement; note: HTMLElement } {
  const note = document.createElement("p");
  note.className = "hint note";
  note.id = `${id}-note`;
  const el = document.createElement("div");
  el.className = "plot";
  el.id = id;
  el.hidden = true;
  root.append(note, el);
  return { el, note };
}

/** Completed trials with a value. */
export const completed = (trials: readonly FrozenTrial[]): FrozenTrial[] => trials.filter((t) => t.state === "COMPLETE" && t.value !== null);

/** The best completed trial for `direction`, or undefined. */
export function bestOf(trials: readonly FrozenTrial[], direction: Direction): FrozenTrial | undefined {
  let best: FrozenTrial | undefined;
  for (const t of completed(trials)) {
    if (!best || (direction === "maximize" ? t.value! > best.value! : t.value! < best.value!)) best = t;
  }
  return best;
}
