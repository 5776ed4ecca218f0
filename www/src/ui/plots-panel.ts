// The plots beside the study: each one a card that draws a figure or says why it cannot (a note
// instead of an empty chart), all drawing the trials that pass the shared filter (states, top k%,
// ranges brushed on the parallel-coordinates plot). Figures that need the engine (importances, the
// GP model, the Pareto front and hypervolume) are asked of the study worker, no more often than
// their cost allows, and drawn when the answer comes.
import { type TrialFilter, applyFilter } from "../filters";
import type { Direction, FrozenTrial, GpBelief, ParamValue, TerminatorReport } from "wasmtune";
import { clickedX } from "../plots/click";
import { contourPlot } from "../plots/contour";
import { edfPlot } from "../plots/edf";
import { type PlotResult, isNote } from "../plots/figure";
import { GP_NEEDS_ENGINE, GP_NEEDS_SAMPLER, type GpState, gpBeliefPlot } from "../plots/gp-belief";
import { type Series, historyData, historyLayout } from "../plots/history";
import { EVALUATORS, type ImportanceEvaluator, type ImportanceState, IMPORTANCES_NEED_ENGINE, importancesPlot } from "../plots/importances";
import { NO_INTERMEDIATE_VALUES, intermediateData, intermediateLayout } from "../plots/intermediate";
import { parallelAxes } from "../plots/parallel";
import { type ParetoInfo, type RivalFront, paretoPlot } from "../plots/pareto";
import { referencePoint } from "../pareto-info";
import type { PlotlyApi } from "../plots/plotly";
import { rankPlot } from "../plots/rank";
import { paramNames, slicePlot } from "../plots/slice";
import { TERMINATOR_ONE_OBJECTIVE, TERMINATOR_PLOT_MAX_TRIALS, TERMINATOR_TOO_LONG, terminatorPlot } from "../plots/terminator";
import { timelinePlot } from "../plots/timeline";
import type { Query } from "../protocol";
import { Asked } from "./asked";
import { ParallelCard } from "./parallel-card";
import type { View } from "./scheduler";
import { themed } from "./theme";
import type { PageState, Store } from "../page-state";
import type { ViewOptions } from "../view-options";

/** The `before` of a request to the engine at replay position `k`. */
const before = (k: number | null): { before?: number } => (k === null ? {} : { before: k });

/** What the panel reads from the page. */
export interface PanelSource {
  trials(): FrozenTrial[];
  /** Changes whenever trials change. */
  version(): number;
  directions(): Direction[];
  sampler(): string;
  busy(): boolean;
  /** The replay position (PageState.replay): what the engine is asked about is the study as it
   *  was after that many trials. */
  replay(): number | null;
  /** Other studies to overlay (a race). */
  others(): Series[];
  /** Asks the worker of rival study `name` (one of `others`) about its study. */
  askRival(name: string, q: Query): Promise<unknown>;
}

/** How often the plots other than the history redraw while a study runs, at most: each Plotly
 *  redraw also costs the browser layout and paint that a render's own timing does not see. */
const SECONDARY_MS = 1000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class PlotsPanel {
  private plotly: { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> } | null = null;
  private filteredCache: { key: string; trials: FrozenTrial[] } = { key: "", trials: [] };
  private readonly importances: Asked<Record<string, number>>;
  private readonly gp: Asked<GpBelief>;
  private readonly pareto: Asked<ParetoInfo>;
  private readonly terminator: Asked<TerminatorReport>;
  /** The rivals' fronts and hypervolumes, by rival. */
  private readonly rivalPareto = new Map<string, Asked<ParetoInfo>>();
  private readonly parallel = new ParallelCard({
    trials: () => this.source.trials(),
    filtered: () => this.filtered(),
    version: () => this.source.version(),
    directions: () => this.source.directions(),
    options: () => this.options,
    set: (patch) => this.set(patch),
    plotly: () => this.plotly,
  });

  /** The settings are the store's `view`: the panel's controls write them there, and show them
   *  again when someone else sets them (a link, Reset). */
  constructor(
    private readonly source: PanelSource,
    private readonly page: Store<PageState>,
    private readonly query: (q: Query) => Promise<unknown>,
    private readonly invalidate: (names: string[]) => void,
  ) {
    this.importances = new Asked(() => invalidate(["importances"]));
    this.gp = new Asked(() => invalidate(["gp"]));
    this.pareto = new Asked(() => invalidate(["pareto"]));
    this.terminator = new Asked(() => invalidate(["terminator"]));
    this.wire();
    page.subscribe((_, changed, origin) => {
      if (changed.has("view") && origin !== this) this.showOptions();
    });
  }

  private get options(): ViewOptions {
    return this.page.get().view;
  }

  /** Changes settings from the panel's own controls: every view redraws. */
  private set(patch: Partial<ViewOptions>): void {
    this.page.update({ view: { ...this.options, ...patch } }, this);
    this.changed();
  }

  setPlotly(p: { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> }): void {
    this.plotly = p;
    // Plotly may arrive after the trials it is to draw: the parallel plot, which redraws only on
    // new data, draws them now.
    this.parallel.stale();
  }

  /** A click on the GP's belief over one parameter, while the study is paused, proposes that value
   *  as the next trial (the student's guess of where to look, against the acquisition's). */
  onPropose(propose: (params: Record<string, ParamValue>) => void): void {
    const el = $("gp");
    el.addEventListener("click", (e) => {
      const s = this.gp.state;
      if (this.page.get().phase !== "paused" || !s || !("value" in s) || s.value.params.length !== 1) return;
      const x = clickedX(el, e.clientX);
      const axis = s.value.axes[0];
      if (x === null || x < axis[0] || x > axis[axis.length - 1]) return;
      propose({ [s.value.params[0]]: Number(x.toPrecision(4)) });
    });
  }

  /** A new study on the page: engine answers and the parallel plot's interactions start over. */
  newStudy(): void {
    this.importances.reset();
    this.gp.reset();
    this.pareto.reset();
    this.terminator.reset();
    this.rivalPareto.clear();
    this.parallel.restart();
  }

  /** Shows the store's settings in the panel's controls, and redraws every view. */
  showOptions(): void {
    const o = this.options;
    for (const box of document.querySelectorAll<HTMLInputElement>('#filters input[name="state"]')) {
      box.checked = o.filter.states.includes(box.value as TrialFilter["states"][number]);
    }
    $<HTMLInputElement>("top-percent").value = o.filter.topPercent === null ? "" : String(o.filter.topPercent);
    $<HTMLInputElement>("log-scale").checked = o.log;
    $<HTMLSelectElement>("importance-evaluator").value = o.evaluator;
    this.parallel.restart();
    this.changed();
  }

  /** The trials every view draws. */
  filtered(): FrozenTrial[] {
    const key = `${this.source.version()}|${JSON.stringify(this.options.filter)}|${JSON.stringify(this.options.scales)}`;
    if (key === this.filteredCache.key) return this.filteredCache.trials;
    const all = this.source.trials();
    const axes = parallelAxes(all, this.source.directions().length, this.options);
    const byLabel = new Map(axes.map((a) => [a.label, a]));
    const trials = applyFilter(all, this.options.filter, this.source.directions()[0] ?? "minimize", (t, label) => byLabel.get(label)?.value(t));
    this.filteredCache = { key, trials };
    const count = $("filter-count");
    count.textContent = `${trials.length} of ${all.length} trials shown`;
    count.dataset.shown = String(trials.length);
    count.dataset.total = String(all.length);
    $<HTMLButtonElement>("clear-ranges").disabled = Object.keys(this.options.filter.ranges).length === 0;
    return trials;
  }

  /** Plots on screen now; while a study runs, the others wait until they are scrolled to. */
  private readonly onScreen = new Set<string>();
  private readonly stale = new Set<string>();
  private observer: IntersectionObserver | null = null;

  private watch(name: string): void {
    if (typeof IntersectionObserver === "undefined") return;
    this.observer ??= new IntersectionObserver((entries) => {
      for (const e of entries) {
        const id = (e.target as HTMLElement).dataset.view!;
        if (e.isIntersecting) this.onScreen.add(id);
        else this.onScreen.delete(id);
        if (e.isIntersecting && this.stale.delete(id)) this.invalidate([id]);
      }
    });
    const card = $(name).closest<HTMLElement>(".card");
    if (!card) return;
    card.dataset.view = name;
    this.observer.observe(card);
  }

  /** Runs a view's render unless a study is running and it is off screen (then it is stale). */
  private guarded(name: string, render: () => void): () => void {
    this.watch(name);
    return () => {
      if (this.observer && this.source.busy() && !this.onScreen.has(name)) {
        this.stale.add(name);
        return;
      }
      this.stale.delete(name);
      render();
    };
  }

  /** The panel's views, for the page's scheduler (the table is the page's). */
  views(): View[] {
    return this.allViews().map((v) => ({ ...v, render: this.guarded(v.name, v.render) }));
  }

  private allViews(): View[] {
    return [
      { name: "history", render: () => this.drawHistory() },
      { name: "parallel", render: () => this.parallel.draw(), minIntervalMs: 1000 },
      { name: "intermediate", render: () => this.draw("intermediate", this.intermediate()), minIntervalMs: SECONDARY_MS },
      { name: "importances", render: () => this.draw("importances", this.importancesResult()), minIntervalMs: SECONDARY_MS },
      { name: "slice", render: () => this.draw("slice", slicePlot(this.filtered())), minIntervalMs: SECONDARY_MS },
      { name: "contour", render: () => this.draw("contour", contourPlot(this.filtered(), this.pick("contour"))), minIntervalMs: SECONDARY_MS },
      { name: "edf", render: () => this.draw("edf", edfPlot(this.series())), minIntervalMs: SECONDARY_MS },
      { name: "pareto", render: () => this.draw("pareto", this.paretoResult()), minIntervalMs: SECONDARY_MS },
      { name: "timeline", render: () => this.draw("timeline", timelinePlot(this.filtered())), minIntervalMs: SECONDARY_MS },
      { name: "rank", render: () => this.draw("rank", rankPlot(this.filtered(), this.direction(), this.pick("rank"))), minIntervalMs: SECONDARY_MS },
      { name: "gp", render: () => this.draw("gp", this.gpResult()), minIntervalMs: SECONDARY_MS },
      { name: "terminator", render: () => this.draw("terminator", this.terminatorResult()), minIntervalMs: SECONDARY_MS },
    ];
  }

  private direction(): Direction {
    return this.source.directions()[0] ?? "minimize";
  }

  private series(): Series[] {
    return [{ name: "this study", trials: this.filtered(), direction: this.direction() }, ...this.source.others()];
  }

  /** The parameters chosen for a pair plot, kept in the options; the selectors list the study's. */
  private pick(plot: "contour" | "rank" | "gp"): (string | undefined)[] {
    const names = paramNames(this.source.trials());
    const chosen = this.options[plot];
    for (const [i, id] of [`${plot}-x`, `${plot}-y`].entries()) {
      const sel = $<HTMLSelectElement>(id);
      const want = [...(i === 1 ? ["(none)"] : []), ...names];
      if (sel.options.length !== want.length || [...sel.options].some((o, k) => o.value !== want[k])) {
        sel.replaceChildren(
          ...want.map((n) => {
            const o = document.createElement("option");
            o.value = n;
            o.textContent = n;
            return o;
          }),
        );
      }
      const fallback = i === 0 ? names[0] : (names.find((n) => n !== (chosen[0] ?? names[0])) ?? "(none)");
      const v = chosen[i] && want.includes(chosen[i]) ? chosen[i] : fallback;
      if (v !== undefined) sel.value = v;
    }
    const x = $<HTMLSelectElement>(`${plot}-x`).value || undefined;
    const y = $<HTMLSelectElement>(`${plot}-y`).value;
    return [x, y === "(none)" ? undefined : y];
  }

  private intermediate(): PlotResult {
    const data = intermediateData(this.filtered());
    return data.length ? { data, layout: intermediateLayout() } : { note: NO_INTERMEDIATE_VALUES };
  }

  private importancesResult(): PlotResult {
    const all = this.source.trials();
    if (!all.some((t) => t.state === "COMPLETE")) return { note: "Parameter importances: no complete trial yet." };
    const evaluator = this.options.evaluator;
    // Several objectives: importances for the first one (Optuna asks for a target there).
    const target = this.source.directions().length > 1 ? { target: 0 } : {};
    // Not asked before Plotly is here to draw the answer: computing it holds the study's worker
    // between trials, in the first second of a study when trials matter most.
    if (this.plotly) {
      const replay = this.source.replay();
      this.importances.maybeAsk(this.source.version(), `${evaluator}@${replay}`, this.source.busy(), () =>
        this.query({ kind: "importances", request: { evaluator, ...target, ...before(replay) } }),
      );
    }
    const s = this.importances.state;
    if (s && "error" in s && /newer engine/.test(s.error)) return { note: IMPORTANCES_NEED_ENGINE };
    const state: ImportanceState = s === null ? null : "error" in s ? s : { importances: s.value };
    return importancesPlot(state, evaluator);
  }

  private gpResult(): PlotResult {
    if (this.source.sampler() !== "GPSampler") return { note: GP_NEEDS_SAMPLER };
    const [x, y] = this.pick("gp");
    if (!x) return { note: "What the model believes: no trial yet." };
    const params = y ? [x, y] : [x];
    // As for importances: not before Plotly can draw the answer.
    if (this.plotly) {
      this.gp.maybeAsk(this.source.version(), params.join("\u0000"), this.source.busy(), () =>
        this.query({ kind: "gpBelief", request: { params, resolution: params.length === 1 ? 100 : 30, ...before(this.source.replay()) } }),
      );
    }
    const s = this.gp.state;
    if (s && "error" in s && /newer engine/.test(s.error)) return { note: GP_NEEDS_ENGINE };
    const state: GpState = s === null ? null : "error" in s ? s : { belief: s.value };
    return gpBeliefPlot(state, this.filtered());
  }

  private terminatorResult(): PlotResult {
    if (this.source.directions().length !== 1) return { note: TERMINATOR_ONE_OBJECTIVE };
    if (!this.source.trials().some((t) => t.state === "COMPLETE")) return { note: "Terminator improvement: no complete trial yet." };
    // Each point is a model fit over the trials before it: a card not on the page (a lesson's)
    // asks nothing, and a long study gets a note rather than minutes of the study worker's time.
    if ($("terminator").closest<HTMLElement>(".card")?.offsetParent === null) return { note: "" };
    const shown = Math.min(this.source.replay() ?? Infinity, this.source.trials().length);
    if (shown > TERMINATOR_PLOT_MAX_TRIALS) return { note: TERMINATOR_TOO_LONG };
    // As for importances: not before Plotly can draw the answer. Each point is a model fit, so
    // the Asked throttle (at most every 10 × its cost while the study runs) matters here.
    if (this.plotly) {
      const replay = this.source.replay();
      this.terminator.maybeAsk(this.source.version(), `terminator@${replay}`, this.source.busy(), () =>
        this.query({ kind: "terminator", ...before(replay) }),
      );
    }
    const s = this.terminator.state;
    if (s === null) return terminatorPlot(null);
    if ("error" in s) return terminatorPlot({ error: s.error });
    return terminatorPlot({ history: s.value.history, minTrials: s.value.min_n_trials, improvementName: s.value.improvement_evaluator });
  }

  private paretoResult(): PlotResult {
    const directions = this.source.directions();
    const n = directions.length;
    // A race's rivals drawn beside the study, their hypervolumes against the same reference point;
    // replayed, every study as it was after the first k trials (`others` are cut there already).
    const replay = this.source.replay();
    const others = this.source.others();
    const reference = n >= 2 && n <= 3 ? referencePoint([this.source.trials(), ...others.map((o) => o.trials)], directions) : null;
    // Every study's answer depends on every study's trials (through the reference point).
    const version = this.source.version() + others.reduce((k, o) => k + o.trials.length, 0);
    const request: Query = { kind: "pareto", ...(reference ? { reference } : {}), ...before(replay) };
    const key = `pareto@${replay}`;
    if (n >= 2 && n <= 3 && this.source.trials().length) {
      this.pareto.maybeAsk(version, key, this.source.busy(), () => this.query(request));
    }
    const rivals: RivalFront[] = others.map((o) => {
      let asked = this.rivalPareto.get(o.name);
      if (!asked) this.rivalPareto.set(o.name, (asked = new Asked(() => this.invalidate(["pareto"]))));
      if (n >= 2 && n <= 3 && o.trials.length) asked.maybeAsk(version, key, this.source.busy(), () => this.source.askRival(o.name, request));
      return { name: o.name, trials: o.trials, info: asked.state && "value" in asked.state ? asked.state.value : null };
    });
    const s = this.pareto.state;
    return paretoPlot(this.filtered(), n, s && "value" in s ? s.value : null, rivals);
  }

  /** Draws a figure into plot `id`, or shows its note instead. `data-traces` / `data-points`
   *  (the tests read them) count what was drawn. */
  private draw(id: string, result: PlotResult): void {
    const el = $(id);
    const note = $(`${id}-note`);
    if (isNote(result)) {
      note.hidden = false;
      note.textContent = result.note;
      el.dataset.traces = "0";
      el.dataset.points = "0";
      if (!el.hidden && this.plotly) this.plotly.Plotly.purge(el);
      el.hidden = true;
      return;
    }
    note.hidden = true;
    note.textContent = "";
    el.dataset.traces = String(result.data.length);
    el.dataset.points = String(result.data.reduce((n, d) => n + (Array.isArray(d.x) ? d.x.length : 0), 0));
    if ("workers" in result) el.dataset.workers = String((result as { workers: number }).workers);
    if (!this.plotly) return;
    el.hidden = false; // shown before drawing, so that Plotly sizes it
    void this.plotly.Plotly.react(el, result.data, themed(result.layout), this.plotly.PLOT_CONFIG);
  }

  private drawHistory(): void {
    const trials = this.filtered();
    const data = historyData(trials, this.direction(), this.source.others());
    if (this.source.directions().length > 1) {
      this.draw("history", { note: "Optimization history: drawn for single-objective studies (see the Pareto front and its hypervolume history)." });
      return;
    }
    this.draw("history", { data, layout: historyLayout(this.options.log) });
  }

  /** Every plot redraws (the theme changed). */
  redrawAll(): void {
    this.changed();
  }

  /** Something in the options changed: every view redraws. */
  private changed(): void {
    this.filteredCache.key = "";
    this.parallel.stale();
    this.invalidate(["history", "parallel", "intermediate", "importances", "slice", "contour", "edf", "pareto", "timeline", "rank", "gp", "terminator", "table"]);
  }

  private wire(): void {
    for (const box of document.querySelectorAll<HTMLInputElement>('#filters input[name="state"]')) {
      box.addEventListener("change", () => {
        const states = [...document.querySelectorAll<HTMLInputElement>('#filters input[name="state"]')].filter((b) => b.checked).map((b) => b.value);
        this.set({ filter: { ...this.options.filter, states: states as TrialFilter["states"] } });
      });
    }
    $<HTMLInputElement>("top-percent").addEventListener("input", (e) => {
      const v = Number((e.target as HTMLInputElement).value);
      this.set({ filter: { ...this.options.filter, topPercent: v > 0 && v <= 100 ? v : null } });
    });
    $<HTMLButtonElement>("clear-ranges").addEventListener("click", () => {
      this.parallel.restart();
      this.set({ filter: { ...this.options.filter, ranges: {} } });
    });
    $<HTMLInputElement>("log-scale").addEventListener("change", (e) => {
      this.set({ log: (e.target as HTMLInputElement).checked });
    });
    $<HTMLSelectElement>("parallel-color").addEventListener("change", (e) => {
      this.set({ colorBy: (e.target as HTMLSelectElement).value });
    });
    const evaluator = $<HTMLSelectElement>("importance-evaluator");
    evaluator.replaceChildren(
      ...EVALUATORS.map((name) => {
        const o = document.createElement("option");
        o.value = name;
        o.textContent = name === "FanovaImportanceEvaluator" ? "fANOVA" : "PED-ANOVA";
        return o;
      }),
    );
    evaluator.addEventListener("change", () => {
      this.set({ evaluator: evaluator.value as ImportanceEvaluator });
    });
    for (const plot of ["contour", "rank", "gp"] as const) {
      for (const [i, id] of [`${plot}-x`, `${plot}-y`].entries()) {
        $<HTMLSelectElement>(id).addEventListener("change", (e) => {
          const next = [...this.options[plot]];
          next[i] = (e.target as HTMLSelectElement).value;
          this.set({ [plot]: next });
        });
      }
    }
  }
}
