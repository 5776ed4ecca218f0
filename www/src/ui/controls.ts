// The study's controls (objective, search space, MNIST options, custom code, sampler, pruner,
// seed, trials, workers, time limit, race, the terminator switch): they show a configuration and read one back. What they
// show as typed is the page's configuration in the store (and so in the link), except while a study
// runs, when the study's own configuration stands.
import type { Direction } from "wasmtune";
import { BUILTIN_OBJECTIVES, CUSTOM_ID, builtinObjective } from "../objectives";
import { DEFAULT_MNIST_OPTIONS, MNIST_SUBSETS, type MnistBackendChoice, isMnist } from "../objectives/mnist";
import { prunerExplainer, samplerExplainer } from "../explainers";
import { type PageState, type Store, isBusy, isRunning } from "../page-state";
import { DEFAULT_TRIAL_TIMEOUT_S, type RunSpec, racers } from "../protocol";
import { defaultPrunerOptions, defaultSamplerOptions, defaultSpec } from "../state";
import { markTyped } from "./code-consent";
import { readSpaceEditor, renderSpaceEditor } from "./space-editor";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

/** A JSON object from an options box (empty, or `{}`: none); throws with `example` otherwise. */
function readKwargs(text: string, what: string, example: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    throw new Error(`${what} options are not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${what} options must be a JSON object, e.g. ${example}`);
  }
  return Object.keys(parsed).length ? (parsed as Record<string, unknown>) : null;
}

/** The controls of the study form (`#controls`), less the buttons and the saved studies. */
export class Controls {
  private readonly ui = {
    form: $<HTMLFormElement>("controls"),
    objective: $<HTMLSelectElement>("objective"),
    description: $("objective-description"),
    directionRow: $("direction-row"),
    direction: $<HTMLSelectElement>("direction"),
    space: $("space-editor"),
    mnistRow: $("mnist-row"),
    mnistSubset: $<HTMLSelectElement>("mnist-subset"),
    mnistBackend: $<HTMLSelectElement>("mnist-backend"),
    codeRow: $("code-row"),
    editor: $("editor"),
    sampler: $<HTMLSelectElement>("sampler"),
    samplerOptions: $<HTMLTextAreaElement>("sampler-options"),
    pruner: $<HTMLSelectElement>("pruner"),
    prunerOptions: $<HTMLTextAreaElement>("pruner-options"),
    seed: $<HTMLInputElement>("seed"),
    nTrials: $<HTMLInputElement>("n-trials"),
    workers: $<HTMLInputElement>("workers"),
    timeout: $<HTMLInputElement>("timeout"),
    race: $<HTMLSelectElement>("race"),
    terminate: $<HTMLInputElement>("terminate"),
    optimum: $("optimum"),
  };
  /** The configuration last set into the controls (a link, a new objective, a run started, a
   *  study opened, Reset): switching objective keeps its sampler, trials and seed. */
  private shown: RunSpec;
  private samplers: string[] = [];
  private pruners: string[] = [];
  private editor: { view: { state: { doc: { toString(): string } } } } | null = null;

  /** Shows the store's configuration and keeps the store's copy as the controls are changed. */
  constructor(private readonly page: Store<PageState>) {
    const { ui } = this;
    ui.objective.replaceChildren(...BUILTIN_OBJECTIVES.map((o) => option(o.id, o.label)), option(CUSTOM_ID, "Custom JavaScript"));
    $("max-workers").textContent = String(navigator.hardwareConcurrency || 1);
    ui.workers.max = String(Math.max(navigator.hardwareConcurrency || 1, 1));
    this.shown = page.get().spec;
    this.render();
    ui.objective.addEventListener("change", () => this.onObjectiveChange());
    ui.sampler.addEventListener("change", () => {
      const current = this.safeRead() ?? this.shown;
      ui.samplerOptions.value = JSON.stringify(defaultSamplerOptions(ui.sampler.value, current.config.search_space));
      this.showExplainers();
    });
    ui.pruner.addEventListener("change", () => {
      ui.prunerOptions.value = JSON.stringify(defaultPrunerOptions(ui.pruner.value));
      this.showExplainers();
    });
    ui.form.addEventListener("input", () => this.publish());
    ui.form.addEventListener("change", () => this.publish());
    page.subscribe((s, changed) => {
      if (changed.has("phase")) this.disable(isBusy(s.phase));
    });
  }

  /** The configuration last set into the controls (see `show`). */
  get baseline(): RunSpec {
    return this.shown;
  }

  /** The objective chosen now. */
  get objective(): string {
    return this.ui.objective.value;
  }

  /** Whether the engine has listed its samplers and pruners. */
  get engineReady(): boolean {
    return this.samplers.length > 0;
  }

  /** The engine's samplers and pruners, for the menus. */
  setChoices(samplers: string[], pruners: string[]): void {
    this.samplers = samplers;
    this.pruners = pruners;
    this.fillSamplers();
    this.fillPruners();
  }

  /** Sets `spec` into the controls, and into the store. */
  show(spec: RunSpec): void {
    this.shown = spec;
    this.render();
    this.page.update({ spec }, this);
  }

  /** A run starts from `spec` (read from the controls): it is what they fall back to from now. */
  adopt(spec: RunSpec): void {
    this.shown = spec;
  }

  /** The configuration as the controls show it; throws when an options box is not a JSON object.
   *  Values are passed on as typed: the engine validates them. */
  read(): RunSpec {
    const { ui, shown } = this;
    const id = ui.objective.value;
    const builtin = builtinObjective(id);
    const kwargs = readKwargs(ui.samplerOptions.value, "sampler", '{"qmc_type": "halton"}');
    const prunerKwargs = readKwargs(ui.prunerOptions.value, "pruner", '{"n_startup_trials": 5}');
    // Until the engine lists its samplers the menus are empty: the link's choices stand.
    const listed = this.samplers.length > 0;
    const config: RunSpec["config"] = {
      objective: id,
      directions: builtin ? builtin.directions : [ui.direction.value as Direction],
      sampler: { name: listed ? ui.sampler.value : shown.config.sampler.name, kwargs },
      pruner: { name: ui.pruner.value || (shown.config.pruner?.name ?? "NopPruner"), kwargs: prunerKwargs },
      n_trials: Number(ui.nTrials.value),
    };
    if (ui.seed.value.trim() !== "") config.seed = Number(ui.seed.value);
    if (builtin) config.search_space = readSpaceEditor(ui.space, builtin.searchSpace);
    const next: RunSpec = { config };
    if (id === CUSTOM_ID) next.code = this.editor ? this.editor.view.state.doc.toString() : (shown.code ?? "");
    if (isMnist(id)) next.mnist = { train: Number(ui.mnistSubset.value), backend: ui.mnistBackend.value as MnistBackendChoice };
    const workers = Number(ui.workers.value || 1);
    if (workers !== 1) next.workers = workers;
    const timeout = ui.timeout.value.trim() === "" ? DEFAULT_TRIAL_TIMEOUT_S : Number(ui.timeout.value);
    if (timeout !== DEFAULT_TRIAL_TIMEOUT_S) next.timeout = timeout;
    next.view = this.page.get().view as unknown as Record<string, unknown>;
    if (shown.hide?.length) next.hide = [...shown.hide];
    if (shown.lesson) next.lesson = shown.lesson;
    const race = listed ? ui.race.value : shown.race;
    if (race) next.race = race;
    if (ui.terminate.checked) next.terminate = true;
    return next;
  }

  private safeRead(): RunSpec | null {
    try {
      return this.read();
    } catch {
      return null;
    }
  }

  /** The controls as typed, into the store (and the link); a running study's configuration is its
   *  own, and a box that does not read leaves the last good reading. */
  private publish(): void {
    if (isRunning(this.page.get().phase)) return;
    const spec = this.safeRead();
    if (spec) this.page.update({ spec }, this);
  }

  private render(): void {
    const { ui, shown: spec } = this;
    const c = spec.config;
    const id = c.objective ?? "garden";
    const builtin = builtinObjective(id);
    ui.objective.value = id;
    ui.description.textContent = builtin ? builtin.description : "Your own objective, run inside the worker.";
    ui.optimum.textContent = builtin ? (builtin.optimum?.note ?? "unknown") : "unknown (custom objective)";
    ui.directionRow.hidden = !!builtin;
    ui.direction.value = c.directions[0];
    ui.codeRow.hidden = id !== CUSTOM_ID;
    renderSpaceEditor(ui.space, builtin ? (c.search_space ?? builtin.searchSpace) : undefined);
    ui.mnistRow.hidden = !isMnist(id);
    const mnistOptions = { ...DEFAULT_MNIST_OPTIONS, ...spec.mnist };
    ui.mnistSubset.replaceChildren(
      ...MNIST_SUBSETS.map(([t, v]) => new Option(`${t} train / ${v} validation`, String(t), false, t === mnistOptions.train)),
    );
    ui.mnistBackend.value = mnistOptions.backend;
    if (this.samplers.length) this.fillSamplers();
    ui.samplerOptions.value = JSON.stringify(c.sampler.kwargs ?? {});
    if (this.pruners.length) this.fillPruners();
    ui.prunerOptions.value = JSON.stringify(c.pruner?.kwargs ?? {});
    ui.seed.value = c.seed === undefined ? "" : String(c.seed);
    ui.nTrials.value = String(c.n_trials ?? 100);
    ui.workers.value = String(spec.workers ?? 1);
    ui.timeout.value = String(spec.timeout ?? DEFAULT_TRIAL_TIMEOUT_S);
    ui.terminate.checked = spec.terminate === true;
    applyHide(spec.hide ?? []);
    if (id === CUSTOM_ID) void this.ensureEditor();
  }

  private fillSamplers(): void {
    const { ui, samplers, shown } = this;
    const chosen = shown.config.sampler.name;
    const names = samplers.includes(chosen) ? samplers : [...samplers, chosen];
    ui.sampler.replaceChildren(...names.map((n) => option(n, n)));
    ui.sampler.value = chosen;
    // A lesson may race several samplers at once: that line-up is an option of its own.
    const several = racers(shown.race).length > 1 && racers(shown.race).every((n) => samplers.includes(n)) ? [option(shown.race!, racers(shown.race).join(" + "))] : [];
    ui.race.replaceChildren(option("", "(no race)"), ...several, ...samplers.map((n) => option(n, n)));
    ui.race.value = shown.race && (several.length || samplers.includes(shown.race)) ? shown.race : "";
    this.showExplainers();
  }

  private fillPruners(): void {
    const chosen = this.shown.config.pruner?.name ?? "NopPruner";
    const names = this.pruners.includes(chosen) ? this.pruners : [...this.pruners, chosen];
    this.ui.pruner.replaceChildren(...names.map((n) => option(n, n)));
    this.ui.pruner.value = chosen;
    this.showExplainers();
  }

  private showExplainers(): void {
    $("sampler-explainer").textContent = samplerExplainer(this.ui.sampler.value);
    $("pruner-explainer").textContent = prunerExplainer(this.ui.pruner.value);
  }

  private onObjectiveChange(): void {
    const { ui } = this;
    const id = ui.objective.value;
    const keep = this.shown.config;
    const next = defaultSpec(id);
    next.config.sampler = { ...keep.sampler };
    // The pruner as currently chosen in the controls (its options box as typed) stays.
    const prunerName = ui.pruner.value || keep.pruner?.name;
    const prunerText = ui.prunerOptions.value;
    next.config.n_trials = keep.n_trials;
    next.config.seed = keep.seed;
    if (id === CUSTOM_ID && this.shown.code !== undefined) next.code = this.shown.code;
    if (keep.sampler.name === "GridSampler" || keep.sampler.name === "PartialFixedSampler") {
      next.config.sampler.kwargs = defaultSamplerOptions(keep.sampler.name, next.config.search_space);
    }
    if (prunerName) next.config.pruner = { name: prunerName, kwargs: null };
    this.show(next);
    ui.prunerOptions.value = prunerText;
  }

  private async ensureEditor(): Promise<void> {
    if (this.editor) return;
    const { createEditor } = await import("./editor");
    if (this.editor) return;
    const view = createEditor(this.ui.editor, this.shown.code ?? "", (code) => {
      this.shown = { ...this.shown, code };
      markTyped(code);
      this.page.update({ spec: { ...this.page.get().spec, code } }, this);
    });
    this.editor = { view };
  }

  private disable(busy: boolean): void {
    const { ui } = this;
    for (const el of ui.space.querySelectorAll("input")) (el as HTMLInputElement).disabled = busy;
    for (const el of [ui.objective, ui.sampler, ui.direction, ui.samplerOptions, ui.pruner, ui.prunerOptions, ui.seed, ui.nTrials, ui.workers, ui.timeout, ui.race, ui.terminate]) el.disabled = busy;
  }
}

/** Hides the controls named in the link's `hide` list (`data-control` names). */
function applyHide(hide: readonly string[]): void {
  // A class, not `hidden`: rows the page shows and hides itself (direction, code) keep their own.
  for (const el of document.querySelectorAll<HTMLElement>("[data-control]")) el.classList.toggle("hidden-by-link", hide.includes(el.dataset.control!));
}
