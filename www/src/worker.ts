// The study worker: owns the wasm study and the objective, runs trials, and reports them to the
// page in batches. Commands (start, pause, resume, stop) arrive between trials: the loop yields to
// the event loop every few milliseconds so that they are read promptly.
/// <reference lib="webworker" />

import { Batcher } from "./batcher";
import {
  type FrozenTrial,
  type Objective,
  type Study,
  type Direction,
  type StudyConfig,
  type ImportanceRequest,
  type ParamValue,
  createStudyWithJournal,
  init,
  journalStudies,
  prunerNames,
  samplerNames,
} from "wasmtune";
import { objectiveFor } from "./objective-for";
import { Stepping } from "./stepping";
import { CUSTOM_ID, errorMessage } from "./objectives/custom";
import { type Best, type Command, type Query, type Report, type RunSpec, trialTimeoutMs } from "./protocol";
import { ParallelRun, withConstantLiar } from "./coordinator";
import { paretoInfo } from "./pareto-info";
import { PAGE_TERMINATOR, TerminatorGate } from "./terminator";

declare const self: DedicatedWorkerGlobalScope;

const post = (r: Report) => self.postMessage(r);

/** How long the loop may run before it lets messages in. */
const SLICE_MS = 8;

/** Yields to the event loop (a macrotask: `onmessage` runs before we continue). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

function bestOf(study: Study): Best | null {
  try {
    const t = study.bestTrial;
    return { number: t.number, value: t.value as number, params: t.params };
  } catch {
    return null; // nothing complete yet
  }
}

class Run {
  private paused = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;
  private lastYield = performance.now();
  private done = 0;
  private readonly stepping: Stepping;
  private readonly terminator: TerminatorGate;

  constructor(
    private readonly study: Study,
    private readonly objective: Objective,
    private readonly nTrials: number,
    steps?: number,
    /** Stop when the engine's terminator says improvement is unlikely (terminator.ts). */
    terminate = false,
  ) {
    this.stepping = new Stepping(steps);
    this.terminator = new TerminatorGate(terminate, post);
  }

  private readonly batcher = new Batcher<FrozenTrial>((trials) => {
    this.lastShip = performance.now();
    post({ type: "trials", trials, best: bestOf(this.study), sentAt: performance.now(), lines: this.study.takeJournal() });
  });
  private lastShip = -Infinity;
  private trialStart = -Infinity;

  /** At a trial's start: its RUNNING record goes to the page (to be saved) at once when the last
   *  trial was slow or nothing was sent for a while, so a page closed mid-trial reopens with it;
   *  fast trials' records go with the next batch (at most about 30 messages a second either way). */
  private shipAtTrialStart(): void {
    const now = performance.now();
    const slow = now - this.trialStart >= 1000 / 30;
    this.trialStart = now;
    if (!slow && now - this.lastShip < 1000 / 30) return;
    this.lastShip = now;
    const lines = this.study.takeJournal();
    if (lines.length) post({ type: "journal", lines });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  /** One more trial, then a pause. */
  step(): void {
    this.stepping.once();
    this.resume();
  }

  /** Queues a trial at `params` (ahead of the sampler's), marked as the student's. */
  enqueue(params: Record<string, ParamValue>): void {
    this.stepping.enqueue(this.study, params);
  }

  /** The student's trial next, then a pause. */
  propose(params: Record<string, ParamValue>): void {
    this.enqueue(params);
    this.step();
  }

  stop(): void {
    this.stopRequested = true;
    this.study.stop();
    this.wake?.();
  }

  /** Between trials: let commands in, and wait here while paused. */
  private async checkpoint(): Promise<void> {
    if (performance.now() - this.lastYield >= SLICE_MS) {
      await yieldToEventLoop();
      this.lastYield = performance.now();
    }
    if (this.paused && !this.stopRequested) {
      this.batcher.flush();
      post({ type: "paused", done: this.done });
      while (this.paused && !this.stopRequested) {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      this.wake = null;
      if (!this.stopRequested) post({ type: "resumed" });
      this.lastYield = performance.now();
    }
  }

  async run(): Promise<void> {
    post({ type: "started" });
    const objective = this.objective;
    await this.study.optimize((trial) => {
      this.stepping.mark(trial);
      this.shipAtTrialStart();
      return objective(trial);
    }, {
      nTrials: this.nTrials,
      callbacks: [
        async (_study, trial) => {
          this.done++;
          this.batcher.push(trial);
          this.terminator.afterTrial(this.study, this.stopRequested);
          if (this.stepping.count(this.done >= this.nTrials)) this.paused = true;
          await this.checkpoint();
        },
      ],
    });
    this.batcher.flush();
    const reason = this.stopRequested ? "stopped" : this.terminator.stopped ? "terminated" : this.done < this.nTrials ? "exhausted" : "completed";
    post({ type: "finished", reason, done: this.done, best: bestOf(this.study) });
  }
}

let current: Run | ParallelRun | null = null;

/** The engine's compiled module, once the page has sent it (evaluators get it too). */
let engine: WebAssembly.Module | undefined;
let engineArrived!: (module: WebAssembly.Module | undefined) => void;
// The page sends the compiled engine first thing (an `engine` command): compiling it again here
// would cost the first study as much again.
const loaded = new Promise<WebAssembly.Module | undefined>((resolve) => (engineArrived = resolve)).then((module) => {
  engine = module;
  return init(module);
});

/** The directions of study `name` in a journal's text (its create-study record, op_code 0, with
 *  Optuna's StudyDirection values: 1 minimize, 2 maximize), or null. */
export function journalDirections(text: string, name: string): Direction[] | null {
  for (const line of text.split("\n")) {
    if (!line.includes('"op_code"')) continue;
    try {
      const op = JSON.parse(line);
      if (op?.op_code === 0 && op.study_name === name && Array.isArray(op.directions)) {
        return op.directions.map((d: number) => (d === 2 ? "maximize" : "minimize"));
      }
    } catch {
      // not a record: the engine's replay reports it
    }
  }
  return null;
}

/** A study kept in the journal `text` (the saved study continues; stale trials become FAIL). */
function openStudy(config: StudyConfig, text: string): { study: Study; stale: number[] } {
  const directions = config.name ? journalDirections(text, config.name) : null;
  const study = createStudyWithJournal(directions ? { ...config, directions } : config, text);
  const stale = study.failStaleTrials("the page was closed mid-trial");
  return { study, stale };
}

async function open(spec: RunSpec, text: string): Promise<void> {
  await loaded;
  try {
    const { study, stale } = openStudy(spec.config, text);
    post({
      type: "opened",
      name: spec.config.name ?? "",
      trials: study.trials,
      best: bestOf(study),
      directions: study.directions,
      stale,
      skipped: study.journalReport().skipped.length,
      lines: study.takeJournal(),
    });
    setActive(study);
  } catch (e) {
    post({ type: "error", message: errorMessage(e) });
  }
}

/** The study on the page (running, finished or opened): what queries are about. */
let active: Study | null = null;

function setActive(study: Study): void {
  // The previous study is not freed here: a stopped run may still be finishing its last trial.
  active = study;
}

function answer(id: number, query: Query): void {
  if (!active) {
    post({ type: "answer", id, error: "no study yet" });
    return;
  }
  try {
    post({ type: "answer", id, result: ask(active, query) });
  } catch (e) {
    post({ type: "answer", id, error: e instanceof Error ? e.message : String(e) });
  }
}

function ask(study: Study, query: Query): unknown {
  switch (query.kind) {
    case "importances":
      if (!study.hasImportances) throw new Error("needs a newer engine build");
      return study.importances(query.request as ImportanceRequest);
    case "gpBelief":
      if (!study.hasGpBelief) throw new Error("needs a newer engine build");
      return study.gpBelief(query.request);
    case "tpeExplain":
      if (!study.hasTpeExplain) throw new Error("needs a newer engine build");
      return study.tpeExplain(query.request);
    case "cmaesExplain":
      if (!study.hasCmaesExplain) throw new Error("needs a newer engine build");
      return study.cmaesExplain(query.request);
    case "autoExplain":
      if (!study.hasAutoExplain) throw new Error("needs a newer engine build");
      return study.autoExplain(query.request);
    case "pareto":
      return paretoInfo(study, query.reference, query.before);
    case "terminator":
      // The improvement plot: every point, with the page's terminator (terminator.ts).
      return study.terminator({ terminator: PAGE_TERMINATOR, history_from: 0, ...(query.before === undefined ? {} : { before: query.before }) });
  }
}

async function inspect(text: string): Promise<void> {
  await loaded;
  let studies: string[] = [];
  try {
    studies = journalStudies(text);
  } catch {
    studies = [];
  }
  post({ type: "inspected", studies, lineCount: text.split("\n").filter((l) => l.trim()).length });
}

async function start(spec: RunSpec, text: string, steps?: number, propose?: Record<string, ParamValue>): Promise<void> {
  // A Start may arrive while the wasm is still loading (a worker that replaced a stuck one).
  await loaded;
  current?.stop();
  current = null;
  let run: Run | ParallelRun;
  try {
    const objective = objectiveFor(spec);
    const nTrials = spec.config.n_trials ?? 100;
    if (!(Number.isInteger(nTrials) && nTrials > 0)) throw new Error(`number of trials must be a positive integer, got ${nTrials}`);
    const workers = spec.workers ?? 1;
    if (!(Number.isInteger(workers) && workers >= 1 && workers <= 64)) throw new Error(`workers must be an integer from 1 to 64, got ${workers}`);
    const timeoutMs = trialTimeoutMs(spec);
    // Only an evaluator worker can be stopped mid-trial without losing the study: custom code
    // (which may never return) runs in one whenever there is a time limit.
    const evaluators = workers > 1 || (spec.config.objective === CUSTOM_ID && timeoutMs > 0);
    const { study } = openStudy(workers > 1 ? withConstantLiar(spec.config) : spec.config, text);
    setActive(study);
    const remaining = nTrials - study.trials.length;
    if (remaining <= 0) {
      post({ type: "trials", trials: [], best: bestOf(study), sentAt: performance.now(), lines: study.takeJournal() });
      post({ type: "finished", reason: "completed", done: 0, best: bestOf(study) });
      return;
    }
    run = evaluators
      ? new ParallelRun(study, spec, workers, remaining, post, bestOf, timeoutMs, engine, steps)
      : new Run(study, objective, remaining, steps, spec.terminate === true);
    if (propose) run.enqueue(propose);
  } catch (e) {
    post({ type: "error", message: errorMessage(e) });
    return;
  }
  current = run;
  try {
    await run.run();
    if (run instanceof ParallelRun) post({ type: "finished", reason: run.reason, done: run.completed, best: bestOf(active!) });
  } catch (e) {
    // The engine itself could not go on (not an objective's failure: those fail their trial).
    post({ type: "error", message: errorMessage(e) });
  }
  if (current === run) current = null;
}

self.onmessage = (e: MessageEvent<Command>) => {
  const cmd = e.data;
  switch (cmd.type) {
    case "engine":
      engineArrived(cmd.module);
      break;
    case "start":
      void start(cmd.run, cmd.journal, cmd.steps, cmd.propose);
      break;
    case "open":
      void open(cmd.run, cmd.journal);
      break;
    case "inspect":
      void inspect(cmd.text);
      break;
    case "pause":
      current?.pause();
      break;
    case "resume":
      current?.resume();
      break;
    case "step":
      current?.step();
      break;
    case "propose":
      try {
        current?.propose(cmd.params);
      } catch (e) {
        // The study stays as it was (paused); only the proposal is refused.
        post({ type: "refused", message: errorMessage(e) });
      }
      break;
    case "stop":
      current?.stop();
      break;
    case "query":
      answer(cmd.id, cmd.query);
      break;
    case "saved":
      if (current instanceof ParallelRun) current.saved(cmd.ack);
      break;
  }
};

loaded
  .then(() => post({ type: "ready", samplers: samplerNames(), pruners: prunerNames() }))
  .catch((e) => post({ type: "error", message: `could not load the wasm engine: ${errorMessage(e)}` }));
