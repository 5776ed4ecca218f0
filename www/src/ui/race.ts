// A race: other studies on the same objective, one per rival sampler, each run by its own study
// worker beside the page's study, their trials overlaid on the history and EDF plots. They are not
// saved: the page's own study is the one kept.
import type { Direction, FrozenTrial } from "wasmtune";
import type { Series } from "../plots/history";
import { type Best, type Command, type Query, type Report, type RunSpec, racers } from "../protocol";
import { sendEngine } from "../engine-module";
import { defaultSamplerOptions } from "../state";

/** One rival study and what it has reported. */
class Rival {
  readonly trials: FrozenTrial[] = [];
  best: Best | null = null;
  done = 0;
  finished = false;
  private readonly worker: Worker;
  /** Questions awaiting their answer, by id. */
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 0;

  constructor(readonly name: string, run: RunSpec, steps: number | undefined, onChange: () => void) {
    const rival: RunSpec = structuredClone(run);
    rival.config.sampler = { name, kwargs: defaultSamplerOptions(name, rival.config.search_space) };
    rival.config.name = `${run.config.name ?? "study"}-race-${name}`;
    delete rival.view;
    delete rival.hide;
    delete rival.race;
    const w = new Worker(new URL("../worker.ts", import.meta.url), { type: "module", name: `race ${name}` });
    w.onmessage = (e: MessageEvent<Report>) => {
      const r = e.data;
      if (r.type === "ready") this.send({ type: "start", run: rival, journal: "", steps });
      else if (r.type === "trials") {
        for (const t of r.trials) this.trials[t.number] = t;
        this.best = r.best;
        this.done = this.trials.filter(Boolean).length;
        onChange();
      } else if (r.type === "answer") {
        const w = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        if (r.error !== undefined) w?.reject(new Error(r.error));
        else w?.resolve(r.result);
      } else if (r.type === "finished" || r.type === "error") {
        this.finished = true;
        onChange();
      }
    };
    sendEngine(w);
    this.worker = w;
  }

  send(c: Command): void {
    this.worker.postMessage(c);
  }

  /** Asks the rival's study worker about its study (answered between its trials). */
  ask(query: Query): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ type: "query", id, query });
    });
  }

  stop(): void {
    this.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error("the race was stopped"));
    this.waiting.clear();
  }
}

export class Race {
  private rivals: Rival[] = [];
  private direction: Direction = "minimize";

  constructor(private readonly onChange: () => void) {}

  /** Starts a rival study per sampler of `race` (`run` with that sampler's default options, the
   *  same seed), each pausing after `steps` trials when given (Step: every study advances
   *  together). */
  start(run: RunSpec, race: string, steps?: number): void {
    this.clearQuietly();
    this.direction = run.config.directions[0] ?? "minimize";
    this.rivals = racers(race).map((name) => new Rival(name, run, steps, this.onChange));
  }

  /** The slowest rival's trial count: every rival has at least this many. */
  get done(): number {
    return this.rivals.length ? Math.min(...this.rivals.map((r) => r.done)) : 0;
  }

  /** Whether every rival has finished. */
  get finished(): boolean {
    return this.rivals.length > 0 && this.rivals.every((r) => r.finished);
  }

  pause(): void {
    for (const r of this.rivals) r.send({ type: "pause" });
  }

  resume(): void {
    for (const r of this.rivals) r.send({ type: "resume" });
  }

  step(): void {
    for (const r of this.rivals) r.send({ type: "step" });
  }

  /** Ends the rivals at once (they keep nothing worth waiting for); their trials stay drawn. */
  stop(): void {
    for (const r of this.rivals) r.stop();
  }

  private clearQuietly(): void {
    this.stop();
    this.rivals = [];
  }

  /** Clears the overlay too (a new study or Reset). */
  clear(): void {
    this.clearQuietly();
    this.onChange();
  }

  /** Asks rival `name`'s study worker about its study. */
  ask(name: string, query: Query): Promise<unknown> {
    const rival = this.rivals.find((r) => r.name === name);
    return rival ? rival.ask(query) : Promise.reject(new Error(`no rival ${name} in the race`));
  }

  /** One line per rival for the race's status line. */
  summary(format: (v: number) => string): string {
    return this.rivals
      .map((r) => `${r.name} ${r.finished ? "finished" : "running"}, ${r.done} trials, best ${r.best ? format(r.best.value) : "–"}`)
      .join(" · ");
  }

  /** The rivals as overlays, in the order the race named them. */
  series(): Series[] {
    return this.rivals.map((r) => ({ name: r.name, trials: r.trials.filter(Boolean), direction: this.direction }));
  }
}
