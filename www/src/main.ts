// The page: controls, the study worker, and the live views. The worker owns the study; this thread
// only sends commands and renders the batches it reports (plots at most a few times a second, so
// that clicks are always handled at once).
import "./style.css";
import type { Direction, Distribution, FrozenTrial } from "./lib/wasmtune";
import { BUILTIN_OBJECTIVES, CUSTOM_ID, builtinObjective } from "./objectives";
import type { PlotlyApi } from "./plots/plotly";
import { type Best, DEFAULT_TRIAL_TIMEOUT_S, type Query, type Report, type RunSpec } from "./protocol";
import { decodeSpec, defaultPrunerOptions, defaultSamplerOptions, defaultSpec, encodeSpec, readViewOptions } from "./state";
import { PlotsPanel } from "./ui/plots-panel";
import { prunerExplainer, samplerExplainer } from "./explainers";
import { Race } from "./ui/race";
import { setupTheme } from "./ui/theme";
import { ViewScheduler } from "./ui/scheduler";
import { TrialsTable, formatNumber } from "./ui/table";
import { type SavedStudy, StudyStore, journalLines } from "./store";
import { trialsCsv } from "./csv";
import { askToAllow, isAllowed, markTyped } from "./ui/code-consent";
import { DEFAULT_MNIST_OPTIONS, MNIST_SUBSETS, type MnistBackendChoice, isMnist } from "./objectives/mnist";
import { showMisclassified } from "./ui/digits";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  objective: $<HTMLSelectElement>("objective"),
  description: $("objective-description"),
  directionRow: $("direction-row"),
  direction: $<HTMLSelectElement>("direction"),
  space: $("space-editor"),
  mnistRow: $("mnist-row"),
  mnistSubset: $<HTMLSelectElement>("mnist-subset"),
  mnistBackend: $<HTMLSelectElement>("mnist-backend"),
  misclassified: $("misclassified"),
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
  raceStatus: $("race-status"),
  controls: $<HTMLFormElement>("controls"),
  start: $<HTMLButtonElement>("start"),
  pause: $<HTMLButtonElement>("pause"),
  stop: $<HTMLButtonElement>("stop"),
  reset: $<HTMLButtonElement>("reset"),
  error: $("error"),
  status: $("status"),
  progress: $("progress"),
  bestValue: $("best-value"),
  bestParams: $("best-params"),
  optimum: $("optimum"),
  table: $<HTMLTableElement>("trials"),
  results: $("results"),
  storageNote: $("storage-note"),
  savedList: $("saved-list"),
  resumeStudy: $<HTMLButtonElement>("resume-study"),
  exportJournal: $<HTMLButtonElement>("export-journal"),
  exportCsv: $<HTMLButtonElement>("export-csv"),
  dropZone: $("drop-zone"),
  importFile: $<HTMLInputElement>("import-file"),
  importNote: $("import-note"),
  importStudies: $("import-studies"),
  studyName: $("study-name"),
  consent: $("code-consent"),
};

type Phase = "loading" | "idle" | "opening" | "opened" | "running" | "paused" | "stopping" | "finished" | "stopped" | "error";

let spec: RunSpec = decodeSpec(location.hash);
let phase: Phase = "loading";
let trials: FrozenTrial[] = [];
/** Bumped whenever `trials` changes (views cache on it). */
let trialsVersion = 0;
let best: Best | null = null;
let runTotal = 0;
let samplers: string[] = [];
let pruners: string[] = [];
let editor: { view: { state: { doc: { toString(): string } } } } | null = null;
/** Plotly (most of the page's JS) loads after the controls are up; Start waits for it. */
let plotly: { Plotly: PlotlyApi; PLOT_CONFIG: Record<string, unknown> } | null = null;

// ---- the worker ------------------------------------------------------------------------------

let worker: Worker;
let hardStopTimer: ReturnType<typeof setTimeout> | undefined;

function spawnWorker(): void {
  // Questions the old worker will never answer.
  for (const q of queries.values()) q.reject(new Error("the study worker was replaced"));
  queries.clear();
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = (e: MessageEvent<Report>) => onReport(e.data);
  worker.onerror = (e) => {
    showError(`the study worker failed: ${e.message || "unknown error"}`);
    setPhase("error");
  };
}

function onReport(r: Report): void {
  switch (r.type) {
    case "ready":
      samplers = r.samplers;
      pruners = r.pruners;
      fillSamplers();
      fillPruners();
      if (phase === "loading" && plotly) setPhase("idle");
      break;
    case "journal":
      saveLines(r.lines);
      break;
    case "opened":
      if (!current || current.studyName !== r.name) break;
      trials = [];
      for (const t of r.trials) trials[t.number] = t;
      trialsVersion++;
      best = r.best;
      current.directions = r.directions;
      runTotal = Math.max(current.spec.config.n_trials ?? 0, r.trials.length);
      panel.newStudy();
      saveLines(r.lines);
      showOpenNotes(r.stale, r.skipped);
      setPhase("opened");
      void refreshSaved();
      break;
    case "inspected":
      showImportChoices(r.studies, r.lineCount);
      break;
    case "error":
      showError(r.message);
      setPhase(phase === "loading" ? "error" : "idle");
      break;
    case "started":
      setPhase("running");
      break;
    case "trials":
      for (const t of r.trials) trials[t.number] = t;
      trialsVersion++;
      best = r.best;
      saveLines(r.lines);
      scheduleRender();
      break;
    case "paused":
      setPhase("paused");
      break;
    case "resumed":
      setPhase("running");
      break;
    case "answer": {
      const q = queries.get(r.id);
      queries.delete(r.id);
      if (q) r.error !== undefined ? q.reject(new Error(r.error)) : q.resolve(r.result);
      break;
    }
    case "finished":
      clearTimeout(hardStopTimer);
      best = r.best;
      setPhase(r.reason === "stopped" ? "stopped" : "finished");
      void refreshSaved();
      break;
  }
}

function send(cmd: Parameters<Worker["postMessage"]>[0]): void {
  worker.postMessage(cmd);
}

/** Questions to the study worker awaiting their answer, by id. */
const queries = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextQuery = 0;

function ask(query: Query): Promise<unknown> {
  const id = nextQuery++;
  return new Promise((resolve, reject) => {
    queries.set(id, { resolve, reject });
    send({ type: "query", id, query });
  });
}

// ---- controls --------------------------------------------------------------------------------

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

function fillObjectives(): void {
  ui.objective.replaceChildren(
    ...BUILTIN_OBJECTIVES.map((o) => option(o.id, o.label)),
    option(CUSTOM_ID, "Custom JavaScript"),
  );
}

function fillSamplers(): void {
  const names = samplers.includes(spec.config.sampler.name) ? samplers : [...samplers, spec.config.sampler.name];
  ui.sampler.replaceChildren(...names.map((n) => option(n, n)));
  ui.sampler.value = spec.config.sampler.name;
  ui.race.replaceChildren(option("", "(no race)"), ...samplers.map((n) => option(n, n)));
  ui.race.value = spec.race && samplers.includes(spec.race) ? spec.race : "";
  showExplainers();
}

function showExplainers(): void {
  $("sampler-explainer").textContent = samplerExplainer(ui.sampler.value);
  $("pruner-explainer").textContent = prunerExplainer(ui.pruner.value);
}

function fillPruners(): void {
  const current = spec.config.pruner?.name ?? "NopPruner";
  const names = pruners.includes(current) ? pruners : [...pruners, current];
  ui.pruner.replaceChildren(...names.map((n) => option(n, n)));
  ui.pruner.value = current;
  showExplainers();
}

/** A JSON object from an options box (empty: none). */
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

/** Writes `spec` into the controls. */
function showSpec(): void {
  const c = spec.config;
  const id = c.objective ?? "garden";
  const builtin = builtinObjective(id);
  ui.objective.value = id;
  ui.description.textContent = builtin ? builtin.description : "Your own objective, run inside the worker.";
  ui.optimum.textContent = builtin ? (builtin.optimum?.note ?? "unknown") : "unknown (custom objective)";
  ui.directionRow.hidden = !!builtin;
  ui.direction.value = c.directions[0];
  ui.codeRow.hidden = id !== CUSTOM_ID;
  renderSpaceEditor(builtin ? (c.search_space ?? builtin.searchSpace) : undefined);
  ui.mnistRow.hidden = !isMnist(id);
  const mnistOptions = { ...DEFAULT_MNIST_OPTIONS, ...spec.mnist };
  ui.mnistSubset.replaceChildren(
    ...MNIST_SUBSETS.map(([t, v]) => new Option(`${t} train / ${v} validation`, String(t), false, t === mnistOptions.train)),
  );
  ui.mnistBackend.value = mnistOptions.backend;
  if (samplers.length) fillSamplers();
  ui.samplerOptions.value = JSON.stringify(c.sampler.kwargs ?? {});
  if (pruners.length) fillPruners();
  ui.prunerOptions.value = JSON.stringify(c.pruner?.kwargs ?? {});
  ui.seed.value = c.seed === undefined ? "" : String(c.seed);
  ui.nTrials.value = String(c.n_trials ?? 100);
  ui.workers.value = String(spec.workers ?? 1);
  ui.timeout.value = String(spec.timeout ?? DEFAULT_TRIAL_TIMEOUT_S);
  applyHide(spec.hide ?? []);
  if (id === CUSTOM_ID) void ensureEditor();
}

function renderSpaceEditor(space: Record<string, Distribution> | undefined): void {
  if (!space) {
    ui.space.replaceChildren();
    return;
  }
  const head = document.createElement("div");
  head.className = "space-row space-head";
  for (const t of ["param", "low", "high", "log"]) {
    const s = document.createElement("span");
    s.textContent = t;
    head.append(s);
  }
  const rows = Object.entries(space).map(([name, d]) => {
    const row = document.createElement("div");
    row.className = "space-row";
    row.dataset.param = name;
    const n = document.createElement("span");
    n.textContent = name;
    row.append(n);
    if (d.name === "CategoricalDistribution") return row;
    for (const key of ["low", "high"] as const) {
      const input = document.createElement("input");
      input.type = "number";
      input.step = "any";
      input.value = String(d.attributes[key]);
      input.dataset.key = key;
      input.setAttribute("aria-label", `${name} ${key}`);
      row.append(input);
    }
    const log = document.createElement("input");
    log.type = "checkbox";
    log.checked = d.attributes.log;
    log.dataset.key = "log";
    log.setAttribute("aria-label", `${name} log scale`);
    row.append(log);
    return row;
  });
  ui.space.replaceChildren(head, ...rows);
}

/** Reads the controls into `spec`. Values are passed on as typed: the engine validates them. */
function readSpec(): RunSpec {
  const id = ui.objective.value;
  const builtin = builtinObjective(id);
  const kwargs = readKwargs(ui.samplerOptions.value, "sampler", '{"qmc_type": "halton"}');
  const prunerKwargs = readKwargs(ui.prunerOptions.value, "pruner", '{"n_startup_trials": 5}');
  const config: RunSpec["config"] = {
    objective: id,
    directions: builtin ? builtin.directions : [ui.direction.value as Direction],
    sampler: { name: ui.sampler.value, kwargs },
    pruner: { name: ui.pruner.value || (spec.config.pruner?.name ?? "NopPruner"), kwargs: prunerKwargs },
    n_trials: Number(ui.nTrials.value),
  };
  if (ui.seed.value.trim() !== "") config.seed = Number(ui.seed.value);
  if (builtin) {
    const space: Record<string, Distribution> = structuredClone(builtin.searchSpace);
    for (const row of ui.space.querySelectorAll<HTMLElement>(".space-row[data-param]")) {
      const d = space[row.dataset.param!];
      if (!d || d.name === "CategoricalDistribution") continue;
      for (const input of row.querySelectorAll<HTMLInputElement>("input")) {
        if (input.dataset.key === "log") d.attributes.log = input.checked;
        else if (input.dataset.key === "low" || input.dataset.key === "high") d.attributes[input.dataset.key] = Number(input.value);
      }
    }
    config.search_space = space;
  }
  const next: RunSpec = { config };
  if (id === CUSTOM_ID) next.code = editor ? editor.view.state.doc.toString() : (spec.code ?? "");
  if (isMnist(id)) next.mnist = { train: Number(ui.mnistSubset.value), backend: ui.mnistBackend.value as MnistBackendChoice };
  const workers = Number(ui.workers.value || 1);
  if (workers !== 1) next.workers = workers;
  const timeout = ui.timeout.value.trim() === "" ? DEFAULT_TRIAL_TIMEOUT_S : Number(ui.timeout.value);
  if (timeout !== DEFAULT_TRIAL_TIMEOUT_S) next.timeout = timeout;
  next.view = panel.options as unknown as Record<string, unknown>;
  if (spec.hide?.length) next.hide = [...spec.hide];
  if (ui.race.value) next.race = ui.race.value;
  return next;
}

async function ensureEditor(): Promise<void> {
  if (editor) return;
  const { createEditor } = await import("./ui/editor");
  if (editor) return;
  const view = createEditor(ui.editor, spec.code ?? "", (code) => {
    spec.code = code;
    markTyped(code);
  });
  editor = { view };
}

function onObjectiveChange(): void {
  const id = ui.objective.value;
  const keep = spec.config;
  const next = defaultSpec(id);
  next.config.sampler = { ...keep.sampler };
  // The pruner as currently chosen in the controls (its options box as typed) stays.
  const prunerName = ui.pruner.value || keep.pruner?.name;
  const prunerText = ui.prunerOptions.value;
  next.config.n_trials = keep.n_trials;
  next.config.seed = keep.seed;
  if (id === CUSTOM_ID && spec.code !== undefined) next.code = spec.code;
  if (keep.sampler.name === "GridSampler" || keep.sampler.name === "PartialFixedSampler") {
    next.config.sampler.kwargs = defaultSamplerOptions(keep.sampler.name, next.config.search_space);
  }
  if (prunerName) next.config.pruner = { name: prunerName, kwargs: null };
  spec = next;
  showSpec();
  ui.prunerOptions.value = prunerText;
}

function onSamplerChange(): void {
  const current = safeReadSpec() ?? spec;
  const kwargs = defaultSamplerOptions(ui.sampler.value, current.config.search_space);
  ui.samplerOptions.value = JSON.stringify(kwargs);
  showExplainers();
}

function onPrunerChange(): void {
  ui.prunerOptions.value = JSON.stringify(defaultPrunerOptions(ui.pruner.value));
  showExplainers();
}

function safeReadSpec(): RunSpec | null {
  try {
    return readSpec();
  } catch {
    return null;
  }
}

function showError(message: string): void {
  ui.error.hidden = false;
  ui.error.textContent = message;
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = "";
}

function clearResults(): void {
  race.clear();
  trials = [];
  trialsVersion++;
  best = null;
  panel.newStudy();
  renderNow();
}

function startStudy(): void {
  clearError();
  let next: RunSpec;
  try {
    next = readSpec();
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
    return;
  }
  // Code from a link runs only once the user has seen it and allowed it.
  if (next.config.objective === CUSTOM_ID && !isAllowed(next.code ?? "")) {
    askToAllow(ui.consent, next.code ?? "", startStudy);
    return;
  }
  ui.consent.hidden = true;
  spec = next;
  history.replaceState(null, "", encodeSpec(spec));
  clearResults();
  panel.newStudy();
  runTotal = spec.config.n_trials ?? 100;
  // Each run is its own study, named by objective and time, saved with the page's configuration.
  const created = Date.now();
  const name = `${spec.config.objective ?? "study"}-${new Date(created).toISOString()}`;
  const run: RunSpec = structuredClone(spec);
  run.config.name = name;
  current = { id: name, studyName: name, spec: run, lines: [], directions: run.config.directions, source: "page" };
  persist((s) => s.create({ id: name, studyName: name, created, spec: run, trials: 0, source: "page" })).then(refreshSaved);
  clearNotes();
  send({ type: "start", run, journal: "" });
  if (spec.race) race.start(run, spec.race);
}

function pauseOrResume(): void {
  if (phase === "running") {
    send({ type: "pause" });
    race.pause();
    ui.pause.textContent = "Resume";
  } else if (phase === "paused") {
    send({ type: "resume" });
    race.resume();
    ui.pause.textContent = "Pause";
  }
}

/** Asks the worker to stop after the current trial; if the objective never returns (an endless
 *  loop in custom code), replaces the worker, keeping the trials already reported. */
function stopStudy(): void {
  if (phase !== "running" && phase !== "paused") return;
  send({ type: "stop" });
  race.stop();
  setPhase("stopping");
  hardStopTimer = setTimeout(() => {
    worker.terminate();
    spawnWorker();
    setPhase("stopped");
  }, 2000);
}

function resetAll(): void {
  race.clear();
  if (phase === "running" || phase === "paused" || phase === "stopping") {
    clearTimeout(hardStopTimer);
    worker.terminate();
    spawnWorker();
  }
  clearError();
  clearNotes();
  current = null;
  spec = defaultSpec(ui.objective.value);
  history.replaceState(null, "", location.pathname + location.search);
  showSpec();
  panel.setOptions(readViewOptions(undefined));
  clearResults();
  setPhase(samplers.length ? "idle" : "loading");
}

// ---- status and views ------------------------------------------------------------------------

function setPhase(p: Phase): void {
  phase = p;
  const busy = p === "running" || p === "paused" || p === "stopping" || p === "opening";
  ui.start.disabled = busy || p === "loading";
  const finishedCount = trials.reduce((n, t) => (t ? n + 1 : n), 0);
  ui.resumeStudy.disabled =
    busy || p === "loading" || !current || current.source !== "page" || finishedCount >= (current.spec.config.n_trials ?? 0);
  ui.exportJournal.disabled = !current || p === "opening";
  ui.exportCsv.disabled = !current || p === "opening";
  ui.studyName.textContent = current ? current.studyName : "–";
  for (const b of ui.savedList.querySelectorAll("button")) (b as HTMLButtonElement).disabled = busy;
  for (const b of ui.importStudies.querySelectorAll("button")) (b as HTMLButtonElement).disabled = busy;
  ui.pause.disabled = !(p === "running" || p === "paused");
  ui.pause.textContent = p === "paused" ? "Resume" : "Pause";
  ui.stop.disabled = !(p === "running" || p === "paused");
  for (const el of ui.space.querySelectorAll("input")) (el as HTMLInputElement).disabled = busy;
  for (const el of [ui.objective, ui.sampler, ui.direction, ui.samplerOptions, ui.pruner, ui.prunerOptions, ui.seed, ui.nTrials, ui.workers, ui.timeout, ui.race]) el.disabled = busy;
  ui.status.dataset.state = p;
  const text: Record<Phase, string> = {
    loading: "Loading the engine…",
    idle: "Ready.",
    opening: "Opening…",
    opened: "Saved study opened",
    running: "Running",
    paused: "Paused",
    stopping: "Stopping…",
    finished: "Finished",
    stopped: "Stopped",
    error: "Error",
  };
  ui.status.textContent = text[p];
  // A pause leaves the views to the scheduler too, so that a quick Resume is never kept waiting.
  if (busy) scheduleRender();
  else renderNow();
}

function renderSummary(): void {
  const finished = trials.reduce((n, t) => (t ? n + 1 : n), 0);
  const pruned = trials.reduce((n, t) => (t?.state === "PRUNED" ? n + 1 : n), 0);
  ui.progress.textContent = runTotal ? `${finished} / ${runTotal} trials${pruned ? ` (${pruned} pruned)` : ""}` : "";
  ui.progress.dataset.done = String(finished);
  ui.progress.dataset.pruned = String(pruned);
  if (best) {
    ui.bestValue.textContent = formatNumber(best.value);
    ui.bestValue.dataset.value = String(best.value);
    ui.bestParams.textContent =
      `at trial ${best.number}: ` +
      Object.entries(best.params)
        .map(([k, v]) => `${k} = ${typeof v === "number" ? formatNumber(v) : String(v)}`)
        .join(", ");
  } else {
    ui.bestValue.textContent = "–";
    delete ui.bestValue.dataset.value;
    ui.bestParams.textContent = "";
  }
  void showMisclassified(ui.misclassified, isMnist(spec.config.objective) ? finishedTrials() : []);
}

const finishedTrials = () => trials.filter(Boolean);

const panel = new PlotsPanel(
  {
    trials: finishedTrials,
    version: () => trialsVersion,
    directions: () => current?.directions ?? spec.config.directions,
    sampler: () => current?.spec.config.sampler.name ?? spec.config.sampler.name,
    busy: () => phase === "running" || phase === "paused" || phase === "stopping",
    others: () => race.series(),
  },
  ask,
  (names) => views.invalidate(names),
  () => writeHash(),
);

/** The rival study of a race (its own worker), overlaid on the history and EDF plots. */
const race = new Race(() => {
  const r = race.series()[0];
  ui.raceStatus.textContent = r ? `Race: ${r.name} ${race.finished ? "finished" : "running"}, ${race.done} trials, best ${race.best ? formatNumber(race.best.value) : "–"}` : "";
  ui.raceStatus.dataset.done = String(race.done);
  ui.raceStatus.dataset.finished = String(race.finished);
  views.invalidate(["history", "edf"]);
});

const views = new ViewScheduler(
  [...panel.views(), { name: "table", render: () => table.render(panel.filtered()) }],
  300,
  6,
  () => performance.now(),
  // `data-views="settled"`: every view shows every trial reported so far (the tests wait on it).
  (settled) => (ui.results.dataset.views = settled ? "settled" : "pending"),
);

/** While a study runs, views refresh on the scheduler's terms; otherwise at once. */
function scheduleRender(): void {
  renderSummary();
  views.invalidate();
}

function renderNow(): void {
  renderSummary();
  views.flush();
}

const table = new TrialsTable(ui.table, () => table.render(panel.filtered()));

/** Hides the controls named in the link's `hide` list (`data-control` names). */
function applyHide(hide: readonly string[]): void {
  // A class, not `hidden`: rows the page shows and hides itself (direction, code) keep their own.
  for (const el of document.querySelectorAll<HTMLElement>("[data-control]")) el.classList.toggle("hidden-by-link", hide.includes(el.dataset.control!));
}

/** The configuration as the controls show it, written to the URL hash: a link copied at any
 *  time reproduces the page. */
let hashTimer: ReturnType<typeof setTimeout> | undefined;
function writeHash(): void {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    if (phase === "running" || phase === "paused" || phase === "stopping") {
      // A running study's configuration is its own; only the view settings follow the controls.
      history.replaceState(null, "", encodeSpec({ ...spec, view: panel.options as unknown as Record<string, unknown> }));
      return;
    }
    const next = safeReadSpec();
    if (next) history.replaceState(null, "", encodeSpec(next));
  }, 150);
}

// ---- saved studies, export and import ------------------------------------------------------------

/** The study on the page: its key in the store, its name in its journal, its configuration, and
 *  its whole journal (kept here too, so that export works without IndexedDB). */
let current: {
  id: string;
  studyName: string;
  spec: RunSpec;
  lines: string[];
  directions: Direction[];
  source: SavedStudy["source"];
} | null = null;
let store: StudyStore | null = null;
/** Store writes, chained: journal lines reach IndexedDB in the order the engine wrote them. */
let writes: Promise<unknown> = Promise.resolve();

function storageFailed(e: unknown): void {
  if (!store && !ui.storageNote.hidden) return;
  store = null;
  ui.storageNote.hidden = false;
  // A full quota arrives as a DOMException whose message may be empty: its name says it.
  const quota = e instanceof DOMException && e.name === "QuotaExceededError";
  const why = quota ? "the browser's storage quota is full" : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  ui.storageNote.textContent =
    `Studies cannot be saved in this browser (IndexedDB: ${why}). ` + "The study runs in memory only; export still works.";
  ui.savedList.replaceChildren();
}

/** Runs a store operation after the ones before it; a failure switches to memory only. */
function persist(op: (s: StudyStore) => Promise<unknown>): Promise<void> {
  const next = writes.then(() => (store ? op(store) : undefined)).catch(storageFailed);
  writes = next;
  return next.then(() => undefined);
}

function saveLines(lines: string[]): void {
  if (!current || lines.length === 0) return;
  const c = current;
  c.lines.push(...lines);
  const count = trials.reduce((n, t) => (t && t.state !== "RUNNING" ? n + 1 : n), 0);
  const total = c.lines.length;
  // `data-lines` / `data-saved-lines`: journal lines received and written (the tests wait on them).
  ui.studyName.dataset.lines = String(total);
  void persist((s) => s.append(c.id, lines, count)).then(() => {
    if (current === c && store) ui.studyName.dataset.savedLines = String(total);
  });
}

async function refreshSaved(): Promise<void> {
  await writes;
  if (!store) return;
  let saved: SavedStudy[];
  try {
    saved = await store.list();
  } catch (e) {
    storageFailed(e);
    return;
  }
  const busy = phase === "running" || phase === "paused" || phase === "stopping" || phase === "opening";
  ui.savedList.replaceChildren(
    ...saved.map((st) => {
      const li = document.createElement("li");
      li.dataset.id = st.id;
      li.dataset.trials = String(st.trials);
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = st.studyName;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = `${new Date(st.created).toLocaleString()} · ${st.trials} trials${st.source === "import" ? " · imported" : ""}`;
      const open = document.createElement("button");
      open.type = "button";
      open.className = "open";
      open.textContent = "Open";
      open.disabled = busy;
      open.addEventListener("click", () => void openSaved(st.id));
      const del = document.createElement("button");
      del.type = "button";
      del.className = "delete";
      del.textContent = "Delete";
      del.disabled = busy;
      del.addEventListener("click", () => void persist((s) => s.delete(st.id)).then(refreshSaved));
      li.append(name, meta, open, del);
      return li;
    }),
  );
}

function clearNotes(): void {
  ui.importNote.hidden = true;
  ui.importNote.textContent = "";
}

function note(text: string): void {
  ui.importNote.hidden = false;
  ui.importNote.textContent = text;
}

function showOpenNotes(stale: number[], skipped: number): void {
  const parts: string[] = [];
  if (stale.length) parts.push(`Trial ${stale.join(", ")} was running when the page closed: marked FAIL.`);
  if (skipped) parts.push(`${skipped} line${skipped === 1 ? "" : "s"} of the journal could not be read and ${skipped === 1 ? "was" : "were"} skipped.`);
  if (parts.length) note(parts.join(" "));
}

/** Loads a study (saved, or just imported) from its journal text into the page. */
function openStudy(meta: SavedStudy, text: string): void {
  current = { id: meta.id, studyName: meta.studyName, spec: meta.spec, lines: journalLines(text), directions: meta.spec.config.directions, source: meta.source };
  if (meta.source === "page") {
    spec = structuredClone(meta.spec);
    delete spec.config.name;
    showSpec();
  }
  clearError();
  clearNotes();
  trials = [];
  trialsVersion++;
  best = null;
  panel.newStudy();
  setPhase("opening");
  send({ type: "open", run: meta.spec, journal: text });
}

async function openSaved(id: string): Promise<void> {
  if (!store) return;
  await writes;
  try {
    const meta = await store.get(id);
    if (!meta) return;
    openStudy(meta, await store.journal(id));
  } catch (e) {
    storageFailed(e);
  }
}

/** Resume: the study on the page runs on to its number of trials. */
function resumeStudy(): void {
  if (!current || current.source !== "page") return;
  clearError();
  runTotal = current.spec.config.n_trials ?? 100;
  send({ type: "start", run: current.spec, journal: current.lines.map((l) => l + "\n").join("") });
}

function download(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, "_");

function exportJournal(): void {
  if (!current) return;
  download(current.lines.map((l) => l + "\n").join(""), `${fileSafe(current.studyName)}.log`, "text/plain");
}

function exportCsv(): void {
  if (!current) return;
  download(trialsCsv(finishedTrials(), current.directions.length), `${fileSafe(current.studyName)}.csv`, "text/csv");
}

/** The journal file being imported (its studies are listed; one is imported on request). */
let importing: { text: string; file: string } | null = null;

async function readImport(file: File): Promise<void> {
  clearNotes();
  ui.importStudies.replaceChildren();
  importing = { text: await file.text(), file: file.name };
  send({ type: "inspect", text: importing.text });
}

function showImportChoices(studies: string[], lineCount: number): void {
  if (!importing) return;
  if (studies.length === 0) {
    note(`“${importing.file}” is not an Optuna journal file: no study found in its ${lineCount} line${lineCount === 1 ? "" : "s"}.`);
    return;
  }
  note(`“${importing.file}” holds ${studies.length} stud${studies.length === 1 ? "y" : "ies"}: import one.`);
  const file = importing;
  ui.importStudies.replaceChildren(
    ...studies.map((name) => {
      const li = document.createElement("li");
      const span = document.createElement("span");
      span.className = "name";
      span.textContent = name;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = "Import";
      b.addEventListener("click", () => importStudy(file.text, name));
      li.append(span, b);
      return li;
    }),
  );
}

function importStudy(text: string, name: string): void {
  if (phase === "running" || phase === "paused" || phase === "stopping" || phase === "opening") return;
  const created = Date.now();
  const meta: SavedStudy = {
    id: `import-${new Date(created).toISOString()}-${name}`,
    studyName: name,
    created,
    spec: {
      config: { name, directions: ["minimize"], sampler: { name: "RandomSampler", kwargs: null }, pruner: { name: "NopPruner", kwargs: null } },
    },
    trials: 0,
    source: "import",
  };
  ui.importStudies.replaceChildren();
  importing = null;
  void persist((s) => s.create(meta, journalLines(text)));
  openStudy(meta, text);
}

// ---- wiring ----------------------------------------------------------------------------------

setupTheme($<HTMLButtonElement>("theme"), () => {
  panel.redrawAll();
  views.flush();
});
fillObjectives();
$("max-workers").textContent = String(navigator.hardwareConcurrency || 1);
ui.workers.max = String(Math.max(navigator.hardwareConcurrency || 1, 1));
showSpec();
panel.setOptions(readViewOptions(spec.view));
ui.objective.addEventListener("change", onObjectiveChange);
ui.sampler.addEventListener("change", onSamplerChange);
ui.pruner.addEventListener("change", onPrunerChange);
ui.start.addEventListener("click", startStudy);
ui.pause.addEventListener("click", pauseOrResume);
ui.stop.addEventListener("click", stopStudy);
ui.reset.addEventListener("click", resetAll);
ui.controls.addEventListener("input", writeHash);
ui.controls.addEventListener("change", writeHash);
ui.resumeStudy.addEventListener("click", resumeStudy);
ui.exportJournal.addEventListener("click", exportJournal);
ui.exportCsv.addEventListener("click", exportCsv);
ui.importFile.addEventListener("change", () => {
  const f = ui.importFile.files?.[0];
  if (f) void readImport(f);
  ui.importFile.value = "";
});
ui.dropZone.addEventListener("dragover", (e) => {
  e.preventDefault();
  ui.dropZone.classList.add("over");
});
ui.dropZone.addEventListener("dragleave", () => ui.dropZone.classList.remove("over"));
ui.dropZone.addEventListener("drop", (e) => {
  e.preventDefault();
  ui.dropZone.classList.remove("over");
  const f = e.dataTransfer?.files?.[0];
  if (f) void readImport(f);
});
writes = StudyStore.open().then(
  (s) => {
    store = s;
  },
  storageFailed,
);
void refreshSaved();
spawnWorker();
renderNow();
if (spec.config.objective === CUSTOM_ID && !isAllowed(spec.code ?? "")) askToAllow(ui.consent, spec.code ?? "", startStudy);
import("./plots/plotly").then(
  (m) => {
    plotly = m;
    panel.setPlotly(m);
    if (phase === "loading" && samplers.length) setPhase("idle");
    else renderNow();
  },
  (e) => {
    showError(`could not load the plotting library: ${e instanceof Error ? e.message : String(e)}`);
    setPhase("error");
  },
);
