// A study run on N evaluator workers: the study worker stays the only owner of the study (one
// source of truth) and hands trials out; evaluators run the objective and send back suggestions
// they need, reports and the outcome (see evaluation.ts). Each trial records the evaluator that
// ran it (user attribute `worker`) for the timeline. An evaluator that dies mid-trial (an uncaught
// error, or the objective closing its worker, or running out of memory) fails that trial and is
// replaced; so does one whose trial runs past the per-trial time limit (`RunSpec.timeout`).
import { Batcher } from "./batcher";
import type { FromEvaluator, ToEvaluator } from "./evaluation";
import type { FrozenTrial, ParamValue, Study, StudyConfig } from "wasmtune";
import { builtinObjective } from "./objectives";
import type { Best, FinishReason, Report, RunSpec } from "./protocol";
import { Stepping } from "./stepping";
import { TerminatorGate } from "./terminator";

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  trial: number | null;
  /** Ends the trial when it runs past the time limit. */
  deadline?: ReturnType<typeof setTimeout>;
}

export class ParallelRun {
  private paused = false;
  private stopRequested = false;
  private assigned = 0;
  private done = 0;
  private readonly slots: Slot[] = [];
  private finish: (() => void) | null = null;
  private readonly batcher: Batcher<FrozenTrial>;
  private readonly terminator: TerminatorGate;

  constructor(
    private readonly study: Study,
    private readonly spec: RunSpec,
    private readonly nWorkers: number,
    private readonly nTrials: number,
    private readonly post: (r: Report) => void,
    bestOf: (s: Study) => Best | null,
    /** Per-trial time limit in milliseconds (0: none). */
    private readonly timeoutMs = 0,
    /** The engine's compiled module, for evaluators whose objective runs the engine (MNIST). */
    private readonly engine?: WebAssembly.Module,
    /** Trials to hand out before pausing (Step), or none: run on. */
    steps?: number,
  ) {
    this.stepping = new Stepping(steps);
    this.terminator = new TerminatorGate(spec.terminate === true, post);
    this.batcher = new Batcher<FrozenTrial>((trials) =>
      post({ type: "trials", trials, best: bestOf(study), sentAt: performance.now(), lines: study.takeJournal() }),
    );
  }

  /** No new trial starts; "paused" is reported once the trials already running have ended, so
   *  that nothing changes while the page says Paused. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.reportPausedWhenIdle();
  }

  private pausedReported = false;

  private reportPausedWhenIdle(): void {
    if (!this.paused || this.pausedReported || this.slots.some((s) => s.trial !== null)) return;
    this.pausedReported = true;
    this.batcher.flush();
    this.post({ type: "paused", done: this.done });
  }

  /** Steps left (counted as trials are handed out) and the student's proposals. */
  private readonly stepping: Stepping;

  /** Queues a trial at `params` (ahead of the sampler's), marked as the student's. */
  enqueue(params: Record<string, ParamValue>): void {
    this.stepping.enqueue(this.study, params);
  }

  /** The student's trial next, then a pause. */
  propose(params: Record<string, ParamValue>): void {
    this.enqueue(params);
    this.step();
  }

  /** One more trial, then a pause (once the trials running have ended). */
  step(): void {
    this.stepping.once();
    if (this.paused) this.resume();
    else for (const s of this.slots) this.assign(s);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.pausedReported) this.post({ type: "resumed" });
    this.pausedReported = false;
    for (const s of this.slots) this.assign(s);
  }

  stop(): void {
    this.stopRequested = true;
    this.checkFinished();
  }

  run(): Promise<void> {
    this.post({ type: "started" });
    for (let i = 0; i < this.nWorkers; i++) this.slots.push(this.spawn(i));
    return new Promise<void>((resolve) => (this.finish = resolve));
  }

  private spawn(index: number): Slot {
    const worker = new Worker(new URL("./evaluator.ts", import.meta.url), { type: "module", name: `evaluator-${index}` });
    const slot: Slot = { index, worker, ready: false, trial: null };
    worker.onmessage = (e: MessageEvent<FromEvaluator>) => this.onMessage(slot, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      // Chromium reports a worker stopped at its memory limit as an error event too.
      this.died(slot, `worker ${index} died mid-trial: ${e.message || "uncaught error (out of memory?)"}`);
    };
    worker.postMessage({ type: "init", run: this.spec, engine: this.engine } satisfies ToEvaluator);
    return slot;
  }

  /** The evaluator is gone: its trial fails, a fresh one takes its place. */
  private died(slot: Slot, reason: string): void {
    if (this.slots[slot.index] !== slot) return;
    clearTimeout(slot.deadline);
    slot.worker.terminate();
    // The replacement first, so that the next trial goes to it.
    this.slots[slot.index] = this.spawn(slot.index);
    if (slot.trial !== null) this.end(slot, () => this.study.tell(slot.trial!, undefined, { state: "fail", reason }));
  }

  private send(slot: Slot, m: ToEvaluator): void {
    slot.worker.postMessage(m);
  }

  /** Hands `slot` its next trial, if the run wants one. */
  private assign(slot: Slot): void {
    if (this.slots[slot.index] !== slot || !slot.ready || slot.trial !== null || this.paused || this.stopRequested || this.study.isStopped) return;
    if (this.assigned >= this.nTrials) return;
    this.assigned++;
    // Paused once this trial has ended (reportPausedWhenIdle).
    if (this.stepping.count(this.assigned >= this.nTrials)) this.paused = true;
    const trial = this.study.ask();
    slot.trial = trial.number;
    trial.setUserAttr("worker", slot.index);
    this.stepping.mark(trial);
    // A built-in objective's space is known: suggest it all now (no round trips).
    const params: Record<string, ParamValue> = {};
    const builtin = builtinObjective(this.spec.config.objective ?? "");
    if (builtin) {
      const space = this.spec.config.search_space ?? builtin.searchSpace;
      for (const [name, d] of Object.entries(space)) params[name] = trial.suggest(name, d);
    }
    const number = trial.number;
    const run = () => {
      if (this.slots[slot.index] !== slot || slot.trial !== number) return;
      this.send(slot, { type: "trial", number, params });
      if (this.timeoutMs > 0) {
        slot.deadline = setTimeout(() => {
          if (slot.trial === number) this.died(slot, `trial ${number} ran past the time limit of ${this.timeoutMs / 1000} s: its worker was stopped`);
        }, this.timeoutMs);
      }
    };
    if (builtin) {
      run();
      this.shipJournalSoon();
      return;
    }
    // Custom code can take the whole tab down (a heap filled without bound kills the renderer,
    // workers and all): its trial runs only once the page has stored every record before it and
    // its own RUNNING record, so that a reopened study has them all.
    const ack = ++this.ackSeq;
    this.acks.set(ack, run);
    this.post({ type: "journal", lines: this.study.takeJournal(), ack });
  }

  private ackSeq = 0;
  /** Trials waiting for the page to store the journal lines sent with `ack`, by ack. */
  private readonly acks = new Map<number, () => void>();

  /** The page has stored the journal lines sent with `ack` (and every line before them). */
  saved(ack: number): void {
    const run = this.acks.get(ack);
    this.acks.delete(ack);
    run?.();
  }

  private journalTimer: ReturnType<typeof setTimeout> | undefined;

  /** A started trial's RUNNING record goes to the page (to be saved) within 1/30 s, not with the
   *  next batch, which a slow trial may hold back for long: a page closed mid-trial then reopens
   *  with that trial (as FAIL). */
  private shipJournalSoon(): void {
    if (this.journalTimer !== undefined) return;
    this.journalTimer = setTimeout(() => {
      this.journalTimer = undefined;
      const lines = this.study.takeJournal();
      if (lines.length) this.post({ type: "journal", lines });
    }, 1000 / 30);
  }

  private onMessage(slot: Slot, m: FromEvaluator): void {
    if (this.slots[slot.index] !== slot) return;
    switch (m.type) {
      case "ready":
        slot.ready = true;
        this.assign(slot);
        break;
      case "closing":
        this.died(slot, `worker ${slot.index} closed mid-trial`);
        break;
      case "suggest": {
        let reply: ToEvaluator;
        try {
          reply = { type: "param", number: m.number, name: m.name, value: this.study.trialAt(m.number).suggest(m.name, m.distribution) };
        } catch (e) {
          reply = { type: "param", number: m.number, name: m.name, error: e instanceof Error ? e.message : String(e) };
        }
        this.send(slot, reply);
        break;
      }
      case "report": {
        let reply: ToEvaluator;
        try {
          for (const [step, value] of m.reports) this.study.trialAt(m.number).report(value, step);
          reply = { type: "prune", number: m.number, call: m.call, prune: this.study.trialAt(m.number).shouldPrune() };
        } catch (e) {
          reply = { type: "prune", number: m.number, call: m.call, error: e instanceof Error ? e.message : String(e) };
        }
        this.send(slot, reply);
        break;
      }
      case "tell":
        this.end(slot, () => {
          try {
            for (const [step, value] of m.reports) this.study.trialAt(m.number).report(value, step);
            for (const [k, v] of Object.entries(m.attrs)) this.study.trialAt(m.number).setUserAttr(k, v);
            if (m.constraints) this.study.trialAt(m.number).setConstraint(m.constraints);
          } catch (e) {
            return this.study.tell(m.number, undefined, { state: "fail", reason: e instanceof Error ? e.message : String(e) });
          }
          if (m.state) return this.study.tell(m.number, undefined, { state: m.state, reason: m.reason });
          const ok = typeof m.values === "number" || (Array.isArray(m.values) && m.values.every((v) => typeof v === "number"));
          if (!ok) return this.study.tell(m.number, undefined, { state: "fail", reason: "the objective must return a number (or one per objective)" });
          return this.study.tell(m.number, m.values);
        });
        break;
    }
  }

  /** Records the end of `slot`'s trial and moves on. */
  private end(slot: Slot, tell: () => FrozenTrial): void {
    clearTimeout(slot.deadline);
    const frozen = tell();
    slot.trial = null;
    this.done++;
    this.batcher.push(frozen);
    this.terminator.afterTrial(this.study, this.stopRequested);
    this.assign(slot);
    this.reportPausedWhenIdle();
    this.checkFinished();
  }

  private checkFinished(): void {
    const running = this.slots.some((s) => s.trial !== null);
    const over = this.stopRequested || this.study.isStopped || this.assigned >= this.nTrials;
    if (running || !over || !this.finish) return;
    for (const s of this.slots) s.worker.terminate();
    this.batcher.flush();
    const f = this.finish;
    this.finish = null;
    f();
  }

  get reason(): FinishReason {
    if (this.stopRequested) return "stopped";
    if (this.terminator.stopped) return "terminated";
    return this.done < this.nTrials ? "exhausted" : "completed";
  }
  get completed(): number {
    return this.done;
  }
}

/** TPE with several evaluators: running trials count as their worst value (constant liar), so
 *  that trials asked at once spread out. An explicit setting is kept. */
export function withConstantLiar(config: StudyConfig): StudyConfig {
  if (config.sampler.name !== "TPESampler" || (config.sampler.kwargs && "constant_liar" in config.sampler.kwargs)) return config;
  return { ...config, sampler: { ...config.sampler, kwargs: { ...(config.sampler.kwargs ?? {}), constant_liar: true } } };
}
