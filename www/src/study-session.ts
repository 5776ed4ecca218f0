// The study on the page and what happens to it: started from the controls, paused, stopped, resumed,
// opened from the saved list or a journal file, reset. The worker owns the study; this turns what
// it reports into the page's trials and phase, and its journal lines into saved ones.
import { type HashMirror, type PageState, type Phase, type Store, isBusy, isRunning } from "./page-state";
import type { Direction, ParamValue } from "wasmtune";
import { CUSTOM_ID } from "./objectives";
import type { RunSpec } from "./protocol";
import type { SavedStudies } from "./saved-studies";
import { defaultSpec, readViewOptions } from "./state";
import { type SavedStudy, journalLines } from "./store";
import type { StudyClient } from "./study-client";
import type { StudyTrials } from "./study-trials";
import type { Controls } from "./ui/controls";
import type { ImportExport } from "./ui/import-export";
import type { ResultsView } from "./ui/results-view";
import type { StoragePanel } from "./ui/storage-panel";

/** The study on the page: its key in the store, its name in its journal, its configuration, and
 *  its whole journal (kept here too, so that export works without IndexedDB). */
export interface PageStudy {
  id: string;
  studyName: string;
  spec: RunSpec;
  lines: string[];
  directions: Direction[];
  source: SavedStudy["source"];
}

/** The page's parts the session drives. */
export interface SessionParts {
  page: Store<PageState>;
  hash: HashMirror;
  client: StudyClient;
  saved: SavedStudies;
  trials: StudyTrials;
  controls: Controls;
  results: ResultsView;
  storage: StoragePanel;
  files: ImportExport;
}

/** What the page does with its study; the buttons and lists call it. */
export class StudySession {
  /** The study on the page (null: none yet, or Reset). */
  study: PageStudy | null = null;

  /** Listens to the worker's reports (after the handlers registered before it). */
  constructor(private readonly parts: SessionParts) {
    const { client, trials, results, storage } = parts;
    // Start needs the engine only: the plots draw when Plotly arrives (see main.ts).
    client.on("ready", () => {
      if (this.phase === "loading") this.setPhase("idle");
    });
    client.on("journal", (r) => {
      const stored = storage.saveLines(r.lines);
      // Stored, or kept in memory only (no IndexedDB, a full quota): either way as safe as it gets.
      if (r.ack !== undefined) void stored.then(() => client.send({ type: "saved", ack: r.ack! }));
    });
    client.on("opened", (r) => {
      const c = this.study;
      if (!c || c.studyName !== r.name) return;
      trials.clear();
      trials.add(r.trials, r.best);
      c.directions = r.directions;
      trials.total = Math.max(c.spec.config.n_trials ?? 0, r.trials.length);
      results.newStudy();
      storage.saveLines(r.lines);
      this.showOpenNotes(r.stale, r.skipped);
      this.setPhase("opened");
      void storage.refresh();
    });
    client.on("error", (r) => {
      this.parts.page.update({ error: r.message });
      this.setPhase(this.phase === "loading" ? "error" : "idle");
    });
    client.on("refused", (r) => this.parts.page.update({ error: r.message }));
    client.on("started", () => this.setPhase("running"));
    client.on("trials", (r) => {
      trials.add(r.trials, r.best);
      storage.saveLines(r.lines);
      results.schedule();
    });
    client.on("paused", () => this.setPhase("paused"));
    client.on("resumed", () => this.setPhase("running"));
    client.on("finished", (r) => {
      trials.best = r.best;
      this.setPhase(r.reason === "stopped" ? "stopped" : "finished");
      void storage.refresh();
    });
  }

  private get phase(): Phase {
    return this.parts.page.get().phase;
  }

  private setPhase(phase: Phase): void {
    this.parts.page.update({ phase });
  }

  /** Something the page cannot go on without failed (the study worker). */
  fail(message: string): void {
    this.parts.page.update({ error: message });
    this.setPhase("error");
  }

  /** Runs `spec` (read from the controls, its code allowed) as a new study; with `steps`, it pauses
   *  after that many trials (Step); with `propose`, its first trial is at those parameters. */
  start(spec: RunSpec, steps?: number, propose?: Record<string, ParamValue>): void {
    const { page, hash, controls, trials, saved, storage, files, client, results } = this.parts;
    controls.adopt(spec);
    page.update({ spec });
    hash.flush();
    this.clearResults();
    results.newStudy();
    trials.total = spec.config.n_trials ?? 100;
    // Each run is its own study, named by objective and time, saved with the page's configuration.
    const created = Date.now();
    const name = `${spec.config.objective ?? "study"}-${new Date(created).toISOString()}`;
    const run: RunSpec = structuredClone(spec);
    run.config.name = name;
    this.study = { id: name, studyName: name, spec: run, lines: [], directions: run.config.directions, source: "page" };
    void saved.persist((s) => s.create({ id: name, studyName: name, created, spec: run, trials: 0, source: "page" })).then(() => storage.refresh());
    files.clearNotes();
    client.send({ type: "start", run, journal: "", steps, propose });
    if (spec.race) results.race.start(run, spec.race, steps);
  }

  /** Pauses the study (and a race) between trials. */
  pause(): void {
    this.parts.client.send({ type: "pause" });
    this.parts.results.race.pause();
  }

  /** Runs one more trial of a paused study (and of a race), then pauses again. */
  step(): void {
    this.parts.client.send({ type: "step" });
    this.parts.results.race.step();
  }

  /** The student's trial at `params` next, then a pause (the rival of a race steps beside it).
   *  From a pause it joins the study; with no study running, a new one starts with it (built-in
   *  objectives only: custom code runs after its consent, from Start or Step). */
  propose(params: Record<string, ParamValue>): void {
    const { client, controls, page, results } = this.parts;
    if (this.phase === "paused") {
      page.update({ error: null });
      client.send({ type: "propose", params });
      results.race.step();
      return;
    }
    if (isBusy(this.phase) || this.phase === "loading") return;
    let spec: RunSpec;
    try {
      spec = controls.read();
    } catch (e) {
      page.update({ error: e instanceof Error ? e.message : String(e) });
      return;
    }
    if (spec.config.objective === CUSTOM_ID) return;
    page.update({ error: null });
    this.start(spec, 1, params);
  }

  /** Resumes a paused study (and a race). */
  resume(): void {
    this.parts.client.send({ type: "resume" });
    this.parts.results.race.resume();
  }

  /** Stops after the current trial (or, failing that, replaces the worker: see StudyClient). */
  stop(): void {
    if (this.phase !== "running" && this.phase !== "paused") return;
    this.parts.client.stop(() => this.setPhase("stopped"));
    this.parts.results.race.stop();
    this.setPhase("stopping");
  }

  /** Back to the page as first loaded with this objective: no study, default settings, bare link. */
  reset(): void {
    const { page, hash, client, controls, files, results } = this.parts;
    results.race.clear();
    if (isRunning(this.phase)) client.replace();
    page.update({ error: null });
    files.clearNotes();
    this.study = null;
    controls.show(defaultSpec(controls.objective));
    page.update({ view: readViewOptions(undefined) });
    hash.clear();
    this.clearResults();
    this.setPhase(controls.engineReady ? "idle" : "loading");
  }

  /** Loads a study (saved, or just imported) from its journal text into the page. */
  open(meta: SavedStudy, text: string): void {
    const { page, controls, files, trials, results, client } = this.parts;
    this.study = { id: meta.id, studyName: meta.studyName, spec: meta.spec, lines: journalLines(text), directions: meta.spec.config.directions, source: meta.source };
    if (meta.source === "page") {
      const spec = structuredClone(meta.spec);
      delete spec.config.name;
      controls.show(spec);
    }
    page.update({ error: null });
    files.clearNotes();
    trials.clear();
    results.newStudy();
    this.setPhase("opening");
    client.send({ type: "open", run: meta.spec, journal: text });
  }

  /** Opens a study from the saved list. */
  async openSaved(id: string): Promise<void> {
    const loaded = await this.parts.saved.load(id);
    if (loaded) this.open(loaded.meta, loaded.text);
  }

  /** The study on the page runs on to its number of trials. */
  resumeStudy(): void {
    const c = this.study;
    if (!c || c.source !== "page") return;
    this.parts.page.update({ error: null });
    this.parts.trials.total = c.spec.config.n_trials ?? 100;
    this.parts.client.send({ type: "start", run: c.spec, journal: c.lines.map((l) => l + "\n").join("") });
  }

  private clearResults(): void {
    const { results, trials } = this.parts;
    results.race.clear();
    trials.clear();
    results.newStudy();
    results.now();
  }

  private showOpenNotes(stale: number[], skipped: number): void {
    const parts: string[] = [];
    if (stale.length) parts.push(`Trial ${stale.join(", ")} was running when the page closed: marked FAIL.`);
    if (skipped) parts.push(`${skipped} line${skipped === 1 ? "" : "s"} of the journal could not be read and ${skipped === 1 ? "was" : "were"} skipped.`);
    if (parts.length) this.parts.files.note(parts.join(" "));
  }
}
